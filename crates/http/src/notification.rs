//! The signed-in person's notifications over HTTP (`tashbeek_app::notification`).

use actix_web::{get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use tashbeek_app::{self as app, notification};
use tashbeek_domain::notification::Notification;
use tashbeek_domain::page::{self, Page};
use tashbeek_domain::{NotificationId, ValidationErrors};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::QueryParams;
use crate::state::AppState;

/// Which notifications, and which page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only those not read yet.
    pub unread: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

#[utoipa::path(
    tag = "users", operation_id = "list_my_notifications",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your notifications, newest first: parts of adopted recommendations addressed to your organizations (or, as a coordinator, to your network's office), due within a week, or overdue. Made by a background job, each once", body = Page<Notification>),
        (status = 400, response = BadPage),
        (status = 401, response = NotSignedIn),
    )
)]
#[get("/me/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, after) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    if !e.is_empty() {
        return Err(ApiError::bad_parameter(e));
    }
    let only_unread = p.unread.unwrap_or(false);
    let env = state.env(Some(actor), &req);
    let page = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| notification::list(ctx, only_unread, limit, after.as_ref()))?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// How many notifications are unread.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

#[utoipa::path(
    tag = "users", operation_id = "count_my_unread_notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "How many of your notifications are unread", body = UnreadCount),
        (status = 401, response = NotSignedIn),
    )
)]
#[get("/me/notifications/unread")]
pub async fn unread(state: web::Data<AppState>, req: HttpRequest, Auth(actor): Auth) -> ApiResult<HttpResponse> {
    let env = state.env(Some(actor), &req);
    let n = state.db(move |conn| Ok(app::read(conn, env, notification::unread)?)).await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread: n }))
}

#[utoipa::path(
    tag = "users", operation_id = "read_my_notification",
    params(("id" = String, Path, description = "Notification id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Marked read (reading it again changes nothing)"),
        (status = 401, response = NotSignedIn),
        (status = 404, description = "No such notification of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/notifications/{id}/read")]
pub async fn read(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<NotificationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| notification::read(ctx, &id))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "users", operation_id = "read_all_my_notifications",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Every notification of yours marked read"),
        (status = 401, response = NotSignedIn),
    )
)]
#[post("/me/notifications/read-all")]
pub async fn read_all(state: web::Data<AppState>, req: HttpRequest, Auth(actor): Auth) -> ApiResult<HttpResponse> {
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, notification::read_all)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
