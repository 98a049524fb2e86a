//! Liveness and readiness for load balancers and orchestrators.

use actix_web::get;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`, `ready` or `unavailable`.
    pub status: String,
    /// `sqlite` or `postgres` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    pub version: String,
}

/// Also the framework's no-op ceiling in benchmarks: touches nothing.
#[utoipa::path(
    tag = "health", operation_id = "healthz",
    responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into(), database: None, version: env!("CARGO_PKG_VERSION").into() })
}

#[utoipa::path(
    tag = "health", operation_id = "readyz",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    ))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let backend = pool.backend().name().to_owned();
    let ready = web::block(move || pool.ready()).await.unwrap_or(false);
    let body = Health {
        status: if ready { "ready" } else { "unavailable" }.into(),
        database: Some(backend),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
