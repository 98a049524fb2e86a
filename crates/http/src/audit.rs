//! Reading the audit log (administrators and observers).

use actix_web::get;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use tashbeek_domain::audit::AuditEntry;
use tashbeek_domain::page::{self, Cursor, Page};
use tashbeek_domain::ValidationErrors;
use tashbeek_persistence::audit;
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult};
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
        (status = 200, description = "Changes, newest first", body = Page<AuditEntry>),
        (status = 400, response = BadPage),
        (status = 401, response = NotSignedIn),
        (status = 403, response = ReadersOnly),
    )
)]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<AuditParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, cursor) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    let before = cursor.map(|c| c.id);
    e.into_result().map_err(ApiError::bad_parameter)?;
    if !actor.reads_all() {
        return Err(ApiError::forbidden());
    }
    let filter =
        audit::Filter { object_type: p.object_type, object_id: p.object_id, actor_id: p.actor_id, action: p.action };
    let page = state
        .db(move |conn| {
            let items = audit::list(conn, &filter, limit + 1, before.as_deref())?;
            Ok(Page::from_rows(items, limit, |e| Cursor::of_id(&e.id)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
