//! Sectors and areas: read by everyone, managed by platform administrators.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tashbeek_domain::reference::{Area, AreaInput, NamesInput, Sector, SectorInput};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::ValidationErrors;
use tashbeek_persistence::{audit, reference, to_db_time, DbError};
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{request_id, JsonBody, QueryParams};
use crate::state::AppState;

#[utoipa::path(
    get, path = "/api/v1/sectors", tag = "reference", operation_id = "list_sectors",
    responses((status = 200, description = "All sectors, by code", body = Vec<Sector>))
)]
pub async fn list_sectors(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let list = state.db(|conn| Ok(reference::list_sectors(conn)?)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=60")).json(list))
}

#[utoipa::path(
    post, path = "/api/v1/sectors", tag = "reference", operation_id = "create_sector",
    security(("bearer" = [])),
    request_body(content = SectorInput, examples(
        ("ar" = (summary = "قطاع جديد", value = json!({"code": "mental_health", "name_ar": "الصحة النفسية", "name_en": "Mental health"}))),
        ("en" = (summary = "New sector", value = json!({"code": "digital_skills", "name_ar": "المهارات الرقمية", "name_en": "Digital skills"})))
    )),
    responses(
        (status = 201, description = "Created", body = Sector),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Platform administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the code exists", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_sector(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<SectorInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let rid = request_id(&req);
    let st = state.clone();
    let sector = state
        .db(move |conn| {
            conn.write(|c| {
                let me = authz::admin(c, &actor)?;
                if reference::get_sector(c, &input.code).is_ok() {
                    return Err(ApiError::validation(ValidationErrors::single("code", Violation::Taken)));
                }
                let s = reference::insert_sector(c, &input, to_db_time(st.now()))?;
                audit::record(
                    c,
                    audit::Change {
                        at: st.now(),
                        actor_id: Some(&me.id),
                        action: "sector.create",
                        object_type: "sector",
                        object_id: &s.code,
                        before: None,
                        after: Some(serde_json::to_value(&s).unwrap_or_default()),
                        request_id: rid.as_deref(),
                    },
                )?;
                Ok(s)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(sector))
}

#[utoipa::path(
    put, path = "/api/v1/sectors/{code}", tag = "reference", operation_id = "rename_sector",
    params(("code" = String, Path, description = "Sector code")),
    security(("bearer" = [])),
    request_body = NamesInput,
    responses(
        (status = 200, description = "Renamed", body = Sector),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Platform administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such sector", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rename_sector(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    code: web::Path<String>,
    body: JsonBody<NamesInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let code = code.into_inner();
    let rid = request_id(&req);
    let st = state.clone();
    let sector = state
        .db(move |conn| {
            conn.write(|c| {
                let me = authz::admin(c, &actor)?;
                let before = reference::get_sector(c, &code)?;
                let s = reference::rename_sector(c, &code, &input, to_db_time(st.now()))?;
                audit::record(
                    c,
                    audit::Change {
                        at: st.now(),
                        actor_id: Some(&me.id),
                        action: "sector.rename",
                        object_type: "sector",
                        object_id: &code,
                        before: serde_json::to_value(&before).ok(),
                        after: Some(serde_json::to_value(&s).unwrap_or_default()),
                        request_id: rid.as_deref(),
                    },
                )?;
                Ok(s)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(sector))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AreaParams {
    /// Only the direct children of this area (e.g. `SD-RN` for River Nile's localities).
    pub parent: Option<String>,
}

#[utoipa::path(
    get, path = "/api/v1/areas", tag = "reference", operation_id = "list_areas",
    params(AreaParams),
    responses(
        (status = 200, description = "Areas in tree order (each parent before its children)", body = Vec<Area>),
        (status = 400, description = "Unknown parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_areas(
    state: web::Data<AppState>,
    QueryParams(p): QueryParams<AreaParams>,
) -> ApiResult<HttpResponse> {
    let list = state.db(move |conn| Ok(reference::list_areas(conn, p.parent.as_deref())?)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=60")).json(list))
}

#[utoipa::path(
    post, path = "/api/v1/areas", tag = "reference", operation_id = "create_area",
    security(("bearer" = [])),
    request_body(content = AreaInput, examples(
        ("ar" = (summary = "محلية جديدة", value = json!({"id": "SD-RN-KBS", "parent_id": "SD-RN", "level": "locality", "name_ar": "كبوشية", "name_en": "Kabushiya"}))),
        ("en" = (summary = "New state", value = json!({"id": "OM-XX", "parent_id": "OM", "level": "state", "name_ar": "محافظة", "name_en": "Governorate"})))
    )),
    responses(
        (status = 201, description = "Created", body = Area),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Platform administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown parent, wrong level under it, or the id exists", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_area(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<AreaInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let rid = request_id(&req);
    let st = state.clone();
    let area = state
        .db(move |conn| {
            conn.write(|c| {
                let me = authz::admin(c, &actor)?;
                if reference::get_area(c, &input.id).is_ok() {
                    return Err(ApiError::validation(ValidationErrors::single("id", Violation::Taken)));
                }
                let parent_path = match &input.parent_id {
                    None => "/".to_owned(),
                    Some(p) => {
                        let parent = reference::get_area(c, p).map_err(|e| match e {
                            DbError::NotFound => {
                                ApiError::validation(ValidationErrors::single("parent_id", Violation::UnknownValue))
                            }
                            other => other.into(),
                        })?;
                        if parent.level.child() != Some(input.level) {
                            return Err(ApiError::validation(ValidationErrors::single(
                                "level",
                                Violation::InvalidFormat(input.level.as_str().into()),
                            )));
                        }
                        reference::area_path(c, p)?
                    }
                };
                let a = reference::insert_area(c, &input, &parent_path, to_db_time(st.now()))?;
                audit::record(
                    c,
                    audit::Change {
                        at: st.now(),
                        actor_id: Some(&me.id),
                        action: "area.create",
                        object_type: "area",
                        object_id: &a.id,
                        before: None,
                        after: Some(serde_json::to_value(&a).unwrap_or_default()),
                        request_id: rid.as_deref(),
                    },
                )?;
                Ok(a)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(area))
}

#[utoipa::path(
    put, path = "/api/v1/areas/{id}", tag = "reference", operation_id = "rename_area",
    params(("id" = String, Path, description = "Area id")),
    security(("bearer" = [])),
    request_body = NamesInput,
    responses(
        (status = 200, description = "Renamed", body = Area),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Platform administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such area", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rename_area(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<String>,
    body: JsonBody<NamesInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let rid = request_id(&req);
    let st = state.clone();
    let area = state
        .db(move |conn| {
            conn.write(|c| {
                let me = authz::admin(c, &actor)?;
                let before = reference::get_area(c, &id)?;
                let a = reference::rename_area(c, &id, &input, to_db_time(st.now()))?;
                audit::record(
                    c,
                    audit::Change {
                        at: st.now(),
                        actor_id: Some(&me.id),
                        action: "area.rename",
                        object_type: "area",
                        object_id: &id,
                        before: serde_json::to_value(&before).ok(),
                        after: Some(serde_json::to_value(&a).unwrap_or_default()),
                        request_id: rid.as_deref(),
                    },
                )?;
                Ok(a)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(area))
}
