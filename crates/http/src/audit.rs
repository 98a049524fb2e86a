//! The audit log: reading it (administrators and observers), verifying its hash chains,
//! and its anchors (the newest one public).

use actix_web::{get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tashbeek_app as app;
use tashbeek_domain::audit::{Anchor, AuditEntry, AuditSummary, Verification};
use tashbeek_domain::page::{self, Page};
use tashbeek_domain::AuditEntryId;
use tashbeek_domain::ValidationErrors;
use tashbeek_persistence::audit;
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::QueryParams;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// e.g. `organization`, `user`, `sector`, `area`.
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// User id of whoever made the change.
    pub actor_id: Option<String>,
    /// e.g. `organization.update`.
    pub action: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

#[utoipa::path(
    tag = "audit", operation_id = "list_audit_entries",
    params(AuditParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changes, newest first, as summaries (the snapshots are in `GET /audit/{id}`)", body = Page<AuditSummary>),
        (status = 400, response = BadPage),
        (status = 401, response = NotSignedIn),
        (status = 403, response = ReadersOnly),
    )
)]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<AuditParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, cursor) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    let before = cursor.map(|c| c.id);
    e.into_result().map_err(ApiError::bad_parameter)?;
    let filter =
        audit::Filter { object_type: p.object_type, object_id: p.object_id, actor_id: p.actor_id, action: p.action };
    let env = state.env(Some(actor), &req);
    let page = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| app::audit::list(ctx, &filter, limit, before.as_deref()))?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    tag = "audit", operation_id = "get_audit_entry",
    params(("id" = String, Path, description = "Audit entry id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The change with the record as it was before and after it", body = AuditEntry),
        (status = 401, response = NotSignedIn),
        (status = 403, response = ReadersOnly),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<AuditEntryId>,
) -> ApiResult<HttpResponse> {
    let (env, id) = (state.env(Some(actor), &req), id.into_inner());
    let entry = state.db(move |conn| Ok(app::read(conn, env, |ctx| app::audit::get(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(entry))
}

#[utoipa::path(
    tag = "audit", operation_id = "verify_audit_log",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The walk of every object's chain and every anchor: `verified`, or the first broken link (which row, what was expected, what was found). Seconds at a million rows; one walk at a time per server.", body = Verification),
        (status = 401, response = NotSignedIn),
        (status = 403, response = ReadersOnly),
    )
)]
#[get("/audit/verify")]
pub async fn verify(state: web::Data<AppState>, req: HttpRequest, Auth(actor): Auth) -> ApiResult<HttpResponse> {
    let env = state.env(Some(actor), &req);
    let v = state.db(move |conn| Ok(app::read(conn, env, app::audit::verify)?)).await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AnchorParams {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

#[utoipa::path(
    tag = "audit", operation_id = "list_audit_anchors",
    params(AnchorParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Anchors, newest first", body = Page<Anchor>),
        (status = 400, response = BadPage),
        (status = 401, response = NotSignedIn),
        (status = 403, response = ReadersOnly),
    )
)]
#[get("/audit/anchors")]
pub async fn anchors(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<AnchorParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, cursor) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    let before = cursor.map(|c| c.id);
    e.into_result().map_err(ApiError::bad_parameter)?;
    let env = state.env(Some(actor), &req);
    let page = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| app::audit::anchors(ctx, limit, before.as_deref()))?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    tag = "audit", operation_id = "anchor_audit_log",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "A new anchor over every row written so far", body = Anchor),
        (status = 200, description = "Nothing was written since the newest anchor, which is returned", body = Anchor),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
    )
)]
#[post("/audit/anchors")]
pub async fn anchor(state: web::Data<AppState>, req: HttpRequest, Auth(actor): Auth) -> ApiResult<HttpResponse> {
    let env = state.env(Some(actor), &req);
    let (created, a) = state
        .db(move |conn| {
            let env2 = env.clone();
            match app::write(conn, env, app::audit::anchor_now)? {
                Some(a) => Ok((true, a)),
                None => Ok((false, app::read(conn, env2, app::audit::latest_anchor)?)),
            }
        })
        .await?;
    Ok(if created { HttpResponse::Created().json(a) } else { HttpResponse::Ok().json(a) })
}

#[utoipa::path(
    tag = "audit", operation_id = "latest_audit_anchor",
    responses(
        (status = 200, description = "The newest anchor, for anyone to keep: a later verification against it shows whether anything before it was rewritten", body = Anchor),
        (status = 404, description = "The log has not been anchored yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit/anchors/latest")]
pub async fn latest_anchor(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let env = state.env(None, &req);
    let a = state.db(move |conn| Ok(app::read(conn, env, app::audit::latest_anchor)?)).await?;
    Ok(HttpResponse::Ok().json(a))
}
