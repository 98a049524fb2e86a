//! Tashbeek's HTTP API on actix-web: handlers grouped by noun, one error type that
//! renders problem+json, authorization in `authz`, and the OpenAPI document.

pub mod audit;
pub mod auth;
pub mod authz;
pub mod error;
pub mod etag;
pub mod extract;
pub mod health;
pub mod middleware;
pub mod openapi;
pub mod organization;
pub mod reference;
pub mod state;
pub mod user;

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::http::header;
use actix_web::middleware::{from_fn, Compress, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use utoipa_swagger_ui::SwaggerUi;

pub use error::{ApiError, Problem};
pub use state::{AppState, Clock, Settings, SystemClock};

/// How the HTTP server runs.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Worker threads (default: one per core).
    pub workers: Option<usize>,
    /// Origins allowed to call the API from a browser (the dashboard served elsewhere).
    pub cors_origins: Vec<String>,
    /// Seconds to let in-flight requests finish on shutdown.
    pub shutdown_timeout: u64,
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
    cfg.route("/healthz", get().to(health::healthz))
        .route("/readyz", get().to(health::readyz))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi::document().clone()))
        .service(
            web::scope("/api/v1")
                .route("/auth/login", post().to(auth::login))
                .route("/auth/refresh", post().to(auth::refresh))
                .route("/auth/logout", post().to(auth::logout))
                .route("/auth/password", post().to(auth::change_password))
                .route("/auth/signup", post().to(user::signup))
                .route("/me", get().to(user::me))
                .route("/users", get().to(user::list))
                .route("/users", post().to(user::create))
                .route("/users/{id}", get().to(user::get))
                .route("/users/{id}", patch().to(user::update))
                .route("/organizations", get().to(organization::list))
                .route("/organizations", post().to(organization::create))
                .route("/organizations/duplicates", get().to(organization::duplicates))
                .route("/organizations/{id}", get().to(organization::get))
                .route("/organizations/{id}", put().to(organization::update))
                .route("/organizations/{id}", delete().to(organization::archive))
                .route("/organizations/{id}/restore", post().to(organization::restore))
                .route("/organizations/{id}/verification", post().to(organization::verify))
                .route("/organizations/{id}/history", get().to(organization::history))
                .route("/organizations/{id}/members", get().to(user::members))
                .route("/organizations/{id}/members", post().to(user::add_member))
                .route("/organizations/{id}/members/{user_id}", delete().to(user::remove_member))
                .route("/sectors", get().to(reference::list_sectors))
                .route("/sectors", post().to(reference::create_sector))
                .route("/sectors/{code}", put().to(reference::rename_sector))
                .route("/areas", get().to(reference::list_areas))
                .route("/areas", post().to(reference::create_area))
                .route("/areas/{id}", put().to(reference::rename_area))
                .route("/audit", get().to(audit::list)),
        );
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::not_found())
}

/// Builds the server on an already-bound listener (tests bind port 0).
pub fn server(state: AppState, listener: TcpListener, opts: ServerOptions) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::new(state);
    let body_limit = data.settings.body_limit;
    let o = opts.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(extract::BodyLimit(body_limit))
            .app_data(web::PayloadConfig::new(body_limit))
            .wrap(Compress::default())
            .wrap(
                DefaultHeaders::new()
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "no-referrer"))
                    .add((header::X_FRAME_OPTIONS, "DENY")),
            )
            .wrap(from_fn(middleware::context))
            .wrap(cors(&o.cors_origins))
            .configure(routes)
            .default_service(web::to(not_found))
    })
    .listen(listener)?
    .shutdown_timeout(opts.shutdown_timeout);
    if let Some(w) = opts.workers {
        server = server.workers(w);
    }
    Ok(server.run())
}
