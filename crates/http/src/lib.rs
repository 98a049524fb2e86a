//! Tashbeek's HTTP API on actix-web: handlers grouped by noun, one error type that
//! renders problem+json, authorization in `authz`, and the OpenAPI document.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod dashboard;
pub mod document;
pub mod error;
pub mod etag;
pub mod extract;
pub mod health;
pub mod invitation;
pub mod meeting;
pub mod middleware;
pub mod minutes;
pub mod network;
pub mod notification;
pub mod openapi;
pub mod organization;
pub mod partnership;
pub mod recommendation;
pub mod reference;
pub mod roadmap;
pub mod state;
pub mod user;

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::http::header;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

pub use error::{ApiError, Problem};
pub use state::{AppState, Clock, SettableClock, Settings, SystemClock};

/// How the HTTP server runs.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Worker threads (default: one per core).
    pub workers: Option<usize>,
    /// Origins allowed to call the API from a browser (the dashboard served elsewhere).
    pub cors_origins: Vec<String>,
    /// Seconds to let in-flight requests finish on shutdown.
    pub shutdown_timeout: u64,
    /// The built dashboard, served at `/` with deep links falling back to its
    /// `index.html`; `None` serves the API alone.
    pub dashboard: Option<dashboard::Dashboard>,
}

fn cors(origins: &[String]) -> Cors {
    let mut c = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(3600);
    for o in origins {
        c = if o == "*" { c.allow_any_origin() } else { c.allowed_origin(o) };
    }
    c
}

/// Every API operation, registered once. Each handler's actix attribute gives its method
/// and path and its `#[utoipa::path]` the rest of its contract; the OpenAPI document is
/// collected from these same registrations ([`openapi::document`]). A static path must
/// come before a parameter at the same place (`/organizations/duplicates` before
/// `/organizations/{id}`): the first match wins.
pub fn operations(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(
        utoipa_actix_web::scope("/api/v1")
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::change_password)
            .service(user::signup)
            .service(user::me)
            .service(user::list)
            .service(user::create)
            .service(user::get)
            .service(user::update)
            .service(organization::list)
            .service(organization::create)
            .service(organization::duplicates)
            .service(organization::get)
            .service(organization::update)
            .service(organization::archive)
            .service(organization::restore)
            .service(organization::verify)
            .service(organization::history)
            .service(partnership::record)
            .service(user::members)
            .service(user::remove_member)
            .service(invitation::create)
            .service(invitation::list)
            .service(invitation::revoke)
            .service(invitation::preview)
            .service(invitation::accept)
            .service(network::list)
            .service(network::create)
            .service(network::get)
            .service(network::update)
            .service(network::members)
            .service(network::invite)
            .service(network::request)
            .service(network::answer)
            .service(network::leave)
            .service(notification::list)
            .service(notification::unread)
            .service(notification::read_all)
            .service(notification::read)
            .service(user::calendar_address)
            .service(user::make_calendar_address)
            .service(user::withdraw_calendar_address)
            .service(network::coordinators)
            .service(network::appoint)
            .service(network::dismiss)
            .service(meeting::list)
            .service(meeting::schedule)
            .service(meeting::calendar)
            .service(meeting::get)
            .service(meeting::update)
            .service(meeting::cancel)
            .service(meeting::invitations)
            .service(meeting::invite)
            .service(meeting::answer)
            .service(meeting::participants)
            .service(meeting::check_in)
            .service(meeting::record_attendance)
            .service(meeting::stats)
            .service(meeting::meeting_ics)
            .service(meeting::network_calendar)
            .service(meeting::organization_calendar)
            .service(meeting::organization_attendance)
            .service(minutes::agenda)
            .service(minutes::set_agenda)
            .service(minutes::add_paper)
            .service(minutes::list)
            .service(minutes::write)
            .service(minutes::edit)
            .service(minutes::circulate)
            .service(minutes::review)
            .service(minutes::decisions)
            .service(minutes::decide)
            .service(minutes::office_on)
            .service(minutes::office_history)
            .service(recommendation::export)
            .service(recommendation::import)
            .service(recommendation::list)
            .service(recommendation::create)
            .service(recommendation::get)
            .service(recommendation::edit)
            .service(recommendation::set_status)
            .service(recommendation::answer)
            .service(recommendation::report)
            .service(recommendation::complete)
            .service(recommendation::verify)
            .service(recommendation::updates)
            .service(recommendation::add_evidence)
            .service(recommendation::owed)
            .service(roadmap::show)
            .service(roadmap::create_goal)
            .service(roadmap::edit_goal)
            .service(roadmap::remove_goal)
            .service(roadmap::create_task)
            .service(roadmap::get_task)
            .service(roadmap::edit_task)
            .service(roadmap::set_task_status)
            .service(roadmap::remove_task)
            .service(partnership::list)
            .service(partnership::propose)
            .service(partnership::graph)
            .service(partnership::get)
            .service(partnership::amend)
            .service(partnership::answer)
            .service(partnership::end)
            .service(partnership::history)
            .service(partnership::certificate)
            .service(partnership::verification)
            .service(partnership::reports)
            .service(partnership::add_report)
            .service(partnership::review_report)
            .service(document::upload)
            .service(document::download)
            .service(document::remove)
            .service(reference::list_sectors)
            .service(reference::create_sector)
            .service(reference::rename_sector)
            .service(reference::list_areas)
            .service(reference::create_area)
            .service(reference::rename_area)
            .service(audit::list)
            .service(audit::verify)
            .service(audit::anchors)
            .service(audit::anchor)
            .service(audit::latest_anchor)
            .service(audit::get)
            .default_service(web::to(unmatched)),
    );
}

/// A request no operation took: 405 with `Allow` when its path is an operation's path
/// (another method would be served), 404 otherwise. Read from the OpenAPI document, so it
/// is never out of step with the registrations.
async fn unmatched(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    let allowed = openapi::methods_at(req.path());
    if allowed.is_empty() {
        return actix_web::HttpResponse::NotFound().finish();
    }
    actix_web::HttpResponse::MethodNotAllowed().insert_header((header::ALLOW, allowed.join(", "))).finish()
}

/// `/docs` is the address the README gives; Swagger UI lives at `/docs/`.
async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/docs/")).finish()
}

/// Builds the server on an already-bound listener (tests bind port 0).
pub fn server(state: AppState, listener: TcpListener, opts: ServerOptions) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::new(state);
    let body_limit = data.settings.body_limit;
    let index = opts.dashboard.as_ref().and_then(dashboard::Dashboard::index_html);
    let policy = web::Data::new(middleware::HeaderPolicy::for_dashboard(index.as_deref(), data.settings.https));
    let o = opts.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(policy.clone())
            .app_data(extract::BodyLimit(body_limit))
            .app_data(web::PayloadConfig::new(body_limit))
            .wrap(from_fn(middleware::context))
            .wrap(cors(&o.cors_origins))
            // Outside the error renderer, so it compresses the final body.
            .wrap(Compress::default())
            // Outermost: every answer carries the security headers, early ones too.
            .wrap(from_fn(middleware::security_headers))
            // Before the `/api/v1` scope, which would otherwise take `/api/v1/openapi.json`.
            .service(web::resource("/docs").route(web::get().to(docs_redirect)))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi::document().clone()))
            .into_utoipa_app()
            .configure(operations)
            .into_app()
            .configure(|cfg| {
                if let Some(d) = &o.dashboard {
                    cfg.app_data(web::Data::new(d.clone())).service(
                        web::resource("/{path:.*}")
                            .route(web::get().to(dashboard::serve))
                            .route(web::head().to(dashboard::serve)),
                    );
                }
            })
            .default_service(web::to(unmatched))
    })
    .listen(listener)?
    .shutdown_timeout(opts.shutdown_timeout);
    if let Some(w) = opts.workers {
        server = server.workers(w);
    }
    Ok(server.run())
}
