//! Sectors and areas: read by everyone, managed by platform administrators.

use actix_web::{get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tashbeek_app::{self as app, reference};
use tashbeek_domain::reference::{Area, AreaInput, NamesInput, Sector, SectorInput};
use tashbeek_persistence::reference as stored;
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::responses::*;
use crate::error::{ApiResult, Problem};
use crate::extract::{JsonBody, QueryParams};
use crate::state::AppState;

#[utoipa::path(
    tag = "reference", operation_id = "list_sectors",
    responses((status = 200, description = "All sectors, by code", body = Vec<Sector>))
)]
#[get("/sectors")]
pub async fn list_sectors(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let list = state.db(|conn| Ok(stored::list_sectors(conn)?)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=60")).json(list))
}

#[utoipa::path(
    tag = "reference", operation_id = "create_sector",
    security(("bearer" = [])),
    request_body(content = SectorInput, examples(
        ("ar" = (summary = "قطاع جديد", value = json!({"code": "mental_health", "name_ar": "الصحة النفسية", "name_en": "Mental health"}))),
        ("en" = (summary = "New sector", value = json!({"code": "digital_skills", "name_ar": "المهارات الرقمية", "name_en": "Digital skills"})))
    )),
    responses(
        (status = 201, description = "Created", body = Sector),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
        (status = 415, response = NotJson),
        (status = 409, description = "The code exists (`errors` names `code`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/sectors")]
pub async fn create_sector(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<SectorInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let sector = state.db(move |conn| Ok(app::write(conn, env, |ctx| reference::create_sector(ctx, &input))?)).await?;
    Ok(HttpResponse::Created().json(sector))
}

#[utoipa::path(
    tag = "reference", operation_id = "rename_sector",
    params(("code" = String, Path, description = "Sector code")),
    security(("bearer" = [])),
    request_body = NamesInput,
    responses(
        (status = 200, description = "Renamed", body = Sector),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
        (status = 404, description = "No such sector", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[put("/sectors/{code}")]
pub async fn rename_sector(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    code: web::Path<String>,
    body: JsonBody<NamesInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let code = code.into_inner();
    let env = state.env(Some(actor), &req);
    let sector =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| reference::rename_sector(ctx, &code, &input))?)).await?;
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
    tag = "reference", operation_id = "list_areas",
    params(AreaParams),
    responses(
        (status = 200, description = "Areas in tree order (each parent before its children)", body = Vec<Area>),
        (status = 400, description = "Unknown parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/areas")]
pub async fn list_areas(
    state: web::Data<AppState>,
    QueryParams(p): QueryParams<AreaParams>,
) -> ApiResult<HttpResponse> {
    let list = state.db(move |conn| Ok(stored::list_areas(conn, p.parent.as_deref())?)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=60")).json(list))
}

#[utoipa::path(
    tag = "reference", operation_id = "create_area",
    security(("bearer" = [])),
    request_body(content = AreaInput, examples(
        ("ar" = (summary = "محلية جديدة", value = json!({"id": "SD-RN-KBS", "parent_id": "SD-RN", "level": "locality", "name_ar": "كبوشية", "name_en": "Kabushiya"}))),
        ("en" = (summary = "New state", value = json!({"id": "OM-XX", "parent_id": "OM", "level": "state", "name_ar": "محافظة", "name_en": "Governorate"})))
    )),
    responses(
        (status = 201, description = "Created", body = Area),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
        (status = 415, response = NotJson),
        (status = 409, description = "The id exists (`errors` names `id`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown parent, or wrong level under it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/areas")]
pub async fn create_area(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<AreaInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let area = state.db(move |conn| Ok(app::write(conn, env, |ctx| reference::create_area(ctx, &input))?)).await?;
    Ok(HttpResponse::Created().json(area))
}

#[utoipa::path(
    tag = "reference", operation_id = "rename_area",
    params(("id" = String, Path, description = "Area id")),
    security(("bearer" = [])),
    request_body = NamesInput,
    responses(
        (status = 200, description = "Renamed", body = Area),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
        (status = 404, description = "No such area", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[put("/areas/{id}")]
pub async fn rename_area(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<String>,
    body: JsonBody<NamesInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let area = state.db(move |conn| Ok(app::write(conn, env, |ctx| reference::rename_area(ctx, &id, &input))?)).await?;
    Ok(HttpResponse::Ok().json(area))
}
