//! Tashbeek's HTTP API on actix-web: handlers grouped by noun, one error type that
//! renders problem+json, authorization in `authz`, and the OpenAPI document.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod error;
pub mod etag;
pub mod extract;
pub mod health;
pub mod invitation;
pub mod middleware;
pub mod network;
pub mod openapi;
pub mod organization;
pub mod reference;
pub mod state;
pub mod user;

use std::net::TcpListener;
use std::path::PathBuf;

use actix_cors::Cors;
use actix_web::http::header;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
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
    /// The built dashboard (trunk's `dist`), served at `/` with deep links falling back
    /// to its `index.html`; `None` serves the API alone.
    pub dashboard_dir: Option<PathBuf>,
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

/// Registers every route of the API.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use actix_web::web::{delete, get, patch, post, put};
    // Resources (not bare routes), so another method on a known path answers 405.
    cfg.service(web::resource("/healthz").route(get().to(health::healthz)))
        .service(web::resource("/readyz").route(get().to(health::readyz)))
        .service(web::resource("/docs").route(get().to(docs_redirect)))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi::document().clone()))
        .service(
            web::scope("/api/v1")
                .service(web::resource("/auth/login").route(post().to(auth::login)))
                .service(web::resource("/auth/refresh").route(post().to(auth::refresh)))
                .service(web::resource("/auth/logout").route(post().to(auth::logout)))
                .service(web::resource("/auth/password").route(post().to(auth::change_password)))
                .service(web::resource("/auth/signup").route(post().to(user::signup)))
                .service(web::resource("/me").route(get().to(user::me)))
                .service(web::resource("/users").route(get().to(user::list)).route(post().to(user::create)))
                .service(web::resource("/users/{id}").route(get().to(user::get)).route(patch().to(user::update)))
                .service(
                    web::resource("/organizations")
                        .route(get().to(organization::list))
                        .route(post().to(organization::create)),
                )
                .service(web::resource("/organizations/duplicates").route(get().to(organization::duplicates)))
                .service(
                    web::resource("/organizations/{id}")
                        .route(get().to(organization::get))
                        .route(put().to(organization::update))
                        .route(delete().to(organization::archive)),
                )
                .service(web::resource("/organizations/{id}/restore").route(post().to(organization::restore)))
                .service(web::resource("/organizations/{id}/verification").route(post().to(organization::verify)))
                .service(web::resource("/organizations/{id}/history").route(get().to(organization::history)))
                .service(web::resource("/organizations/{id}/members").route(get().to(user::members)))
                .service(web::resource("/organizations/{id}/members/{user_id}").route(delete().to(user::remove_member)))
                .service(
                    web::resource("/organizations/{id}/invitations")
                        .route(get().to(invitation::list))
                        .route(post().to(invitation::create)),
                )
                .service(
                    web::resource("/organizations/{id}/invitations/{invitation_id}")
                        .route(delete().to(invitation::revoke)),
                )
                .service(web::resource("/networks").route(get().to(network::list)).route(post().to(network::create)))
                .service(web::resource("/networks/{id}").route(get().to(network::get)).route(put().to(network::update)))
                .service(
                    web::resource("/networks/{id}/members")
                        .route(get().to(network::members))
                        .route(post().to(network::invite)),
                )
                .service(
                    web::resource("/networks/{id}/members/{organization_id}")
                        .route(put().to(network::answer))
                        .route(delete().to(network::leave)),
                )
                .service(web::resource("/invitations/preview").route(post().to(invitation::preview)))
                .service(web::resource("/invitations/accept").route(post().to(invitation::accept)))
                .service(
                    web::resource("/sectors")
                        .route(get().to(reference::list_sectors))
                        .route(post().to(reference::create_sector)),
                )
                .service(web::resource("/sectors/{code}").route(put().to(reference::rename_sector)))
                .service(
                    web::resource("/areas")
                        .route(get().to(reference::list_areas))
                        .route(post().to(reference::create_area)),
                )
                .service(web::resource("/areas/{id}").route(put().to(reference::rename_area)))
                .service(web::resource("/audit").route(get().to(audit::list))),
        );
}

/// `/docs` is the address the README gives; Swagger UI lives at `/docs/`.
async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/docs/")).finish()
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::not_found())
}

/// Serves the dashboard's files; any other path is a client-side route, so it gets
/// `index.html` (never cached, so a new release is picked up at once).
fn dashboard(dir: &std::path::Path) -> actix_files::Files {
    let index = dir.join("index.html");
    actix_files::Files::new("/", dir).index_file("index.html").default_handler(actix_web::dev::fn_service(
        move |req: actix_web::dev::ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let file = actix_files::NamedFile::open_async(&index).await?;
                let mut res = file.into_response(&req);
                res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
                Ok(actix_web::dev::ServiceResponse::new(req, res))
            }
        },
    ))
}

/// Builds the server on an already-bound listener (tests bind port 0).
pub fn server(state: AppState, listener: TcpListener, opts: ServerOptions) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::new(state);
    let body_limit = data.settings.body_limit;
    let index = opts.dashboard_dir.as_ref().and_then(|d| std::fs::read_to_string(d.join("index.html")).ok());
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
            .configure(routes)
            .configure(|cfg| {
                if let Some(dir) = &o.dashboard_dir {
                    cfg.service(dashboard(dir));
                }
            })
            .default_service(web::to(not_found))
    })
    .listen(listener)?
    .shutdown_timeout(opts.shutdown_timeout);
    if let Some(w) = opts.workers {
        server = server.workers(w);
    }
    Ok(server.run())
}
