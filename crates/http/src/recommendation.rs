//! Recommendations over HTTP: the board, one recommendation with its parts, status,
//! answers, progress with evidence, verification, and what an organization owes. The
//! operations are `tashbeek_app::recommendation`.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tashbeek_app::{self as app, recommendation};
use tashbeek_domain::document::Document;
use tashbeek_domain::page::{self, Page};
use tashbeek_domain::recommendation::{
    ImportReport, OwedPart, PartAnswer, Priority, ProgressUpdate, Recommendation, RecommendationInput,
    RecommendationStatus, RecommendationSummary, StatusChange, UpdateInput, Verification,
};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{MeetingId, NetworkId, OrganizationId, PartId, RecommendationId, UpdateId, ValidationErrors};
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::etag;
use crate::extract::{csv_list, JsonBody, QueryParams};
use crate::state::AppState;
use crate::user::PageParams;

fn versioned(status: StatusCode, r: &Recommendation) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag::of(r.version))).json(r)
}

#[utoipa::path(
    tag = "recommendations", operation_id = "create_recommendation",
    security(("bearer" = [])),
    request_body(content = RecommendationInput, examples(
        ("ar" = (summary = "توصية ملتقى", value = json!({
            "meeting_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b",
            "code": "SHENDI-2026-01",
            "text_ar": "إنشاء قاعدة بيانات مشتركة للمنظمات الطوعية بالمحليتين وتحديثها كل ستة أشهر",
            "sectors": ["education"], "areas": ["SD-RN"], "priority": "high", "due_on": "2027-03-31",
            "addressees": [{"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7c", "weight": 2}, {"office": true}]}))),
        ("en" = (summary = "A network's recommendation", value = json!({
            "network_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7d",
            "text_en": "Train member organizations in financial reporting",
            "addressees": [{"office": true}]})))
    )),
    responses(
        (status = 201, description = "Recorded as `proposed`; the parts await their addressees' answers once adopted", body = Recommendation, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the meeting's managers (for a meeting), the network's coordinators (for a network) and platform administrators", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The reference code is taken (`errors` names `code`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid fields, each named (an unknown meeting, network, agenda item, addressee, sector or area; an office addressee for a meeting without a network)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/recommendations")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<RecommendationInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let r = state.db(move |conn| Ok(app::write(conn, env, |ctx| recommendation::create(ctx, &input))?)).await?;
    Ok(versioned(StatusCode::CREATED, &r))
}

/// Board filters. List values are comma-separated (at most 50 distinct values) and any
/// of them matches; different filters all apply.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Those a meeting produced.
    pub meeting: Option<MeetingId>,
    /// Those of a network.
    pub network: Option<NetworkId>,
    /// Those with a part addressed to this organization.
    pub addressee: Option<OrganizationId>,
    /// Those with a part addressed to a network's coordination office.
    pub office: Option<bool>,
    /// Statuses, e.g. `adopted,in_progress` (at most 50; an empty item is refused).
    #[param(value_type = Option<Vec<RecommendationStatus>>, style = Form, explode = false)]
    pub status: Option<String>,
    /// Priorities, e.g. `high,urgent` (at most 50; an empty item is refused).
    #[param(value_type = Option<Vec<Priority>>, style = Form, explode = false)]
    pub priority: Option<String>,
    /// Sector codes; an unknown code is a 400 naming `sector`.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub sector: Option<String>,
    /// Area ids; each includes everything below it. An unknown id is a 400 naming `area`.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub area: Option<String>,
    /// Only open ones (adopted, in progress) past their due date, most overdue first.
    pub overdue: Option<bool>,
    /// Only open ones without a progress update for the server's stale period
    /// (`TASHBEEK_STALE_DAYS`, 30 days by default) or for `stale_days`, longest without
    /// activity first (unless `overdue` orders them).
    pub stale: Option<bool>,
    /// With `stale`: days without an update, 1–3650.
    #[param(minimum = 1, maximum = 3650)]
    pub stale_days: Option<i64>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// The values of an enumerated filter; an empty or unknown item is refused.
pub(crate) fn parse_all<T>(
    field: &str,
    raw: &Option<String>,
    parse: impl Fn(&str) -> Option<T>,
    e: &mut ValidationErrors,
) -> Vec<T> {
    if raw.as_deref().is_some_and(|s| s.split(',').any(|v| v.trim().is_empty())) {
        e.add(field, Violation::UnknownValue);
        return vec![];
    }
    let values = csv_list(field, raw, e);
    let mut out = vec![];
    for v in values {
        match parse(&v) {
            Some(x) => out.push(x),
            None => {
                e.add(field, Violation::UnknownValue);
                break;
            }
        }
    }
    out
}

#[utoipa::path(
    tag = "recommendations", operation_id = "list_recommendations",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The board: recommendations you may see, newest first (with `overdue`, most overdue first; with `stale`, longest without activity first). Administrators and observers see all; others those of the networks their organizations belong to or they coordinate, those addressed to their organizations, and those of meetings their organizations organize", body = Page<RecommendationSummary>),
        (status = 400, description = "A parameter is invalid (unknown value, bad cursor, limit out of range)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
    )
)]
#[get("/recommendations")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, after) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    let areas = csv_list("area", &p.area, &mut e);
    let sectors = csv_list("sector", &p.sector, &mut e);
    let statuses = parse_all("status", &p.status, RecommendationStatus::parse, &mut e);
    let priorities = parse_all("priority", &p.priority, Priority::parse, &mut e);
    if p.stale_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        e.add("stale_days", Violation::OutOfRange { min: 1, max: 3650 });
    }
    if !e.is_empty() {
        return Err(ApiError::bad_parameter(e));
    }
    let stale = p.stale.unwrap_or(false) || p.stale_days.is_some();
    let query = recommendation::ListQuery {
        meeting: p.meeting,
        network: p.network,
        addressee: p.addressee,
        office: p.office.unwrap_or(false),
        statuses,
        priorities,
        sectors,
        areas,
        overdue: p.overdue.unwrap_or(false),
        stale_days: stale.then(|| p.stale_days.unwrap_or(state.settings.stale_days)),
        limit,
        after,
    };
    let env = state.env(Some(actor), &req);
    let names = state.names.clone();
    let page = state.db(move |conn| Ok(app::read(conn, env, |ctx| recommendation::list(ctx, &names, &query))?)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "get_recommendation",
    params(("id" = String, Path, description = "Recommendation id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The recommendation with its parts and rolled-up progress", body = Recommendation, headers(("ETag" = String))),
        (status = 401, response = NotSignedIn),
        (status = 404, response = RecommendationNotFound),
    )
)]
#[get("/recommendations/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<RecommendationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let r = state.db(move |conn| Ok(app::read(conn, env, |ctx| recommendation::get(ctx, &id))?)).await?;
    Ok(versioned(StatusCode::OK, &r))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "edit_recommendation",
    params(("id" = String, Path, description = "Recommendation id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body = RecommendationInput,
    responses(
        (status = 200, description = "Rewritten. Addressees kept keep their parts; new ones are asked; one left out is removed only if it never reported. The meeting, network and agenda item do not change", body = Recommendation, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = RecommendationManagersOnly),
        (status = 404, response = RecommendationNotFound),
        (status = 409, description = "Closed (`recommendation_closed`), an addressee left out has reported (`part_has_updates`), or the code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/recommendations/{id}")]
pub async fn edit(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<RecommendationId>,
    body: JsonBody<RecommendationInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let r =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| recommendation::edit(ctx, &id, &input, &expect))?)).await?;
    Ok(versioned(StatusCode::OK, &r))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "set_recommendation_status",
    params(("id" = String, Path, description = "Recommendation id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body(content = StatusChange, examples(
        ("ar" = (summary = "اعتماد", value = json!({"status": "adopted", "review_on": "2027-01-15"}))),
        ("en" = (summary = "Deferral", value = json!({"status": "deferred", "reason": "Awaiting the ministry's budget"})))
    )),
    responses(
        (status = 200, description = "Moved: proposed → adopted, rejected or deferred; deferred → adopted or rejected; adopted or in progress → not implemented, or implemented once every part not declined is verified. Adoption sets the review date (default: the due date, else in 90 days)", body = Recommendation, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = RecommendationManagersOnly),
        (status = 404, response = RecommendationNotFound),
        (status = 409, description = "A move the status does not allow (`errors` names `status`, code `invalid_transition`), or parts not yet verified (`parts_not_implemented`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, description = "A missing reason, or `review_on` other than on adoption", body = Problem, content_type = "application/problem+json"),
        (status = 428, response = IfMatchMissing),
    )
)]
#[post("/recommendations/{id}/status")]
pub async fn set_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<RecommendationId>,
    body: JsonBody<StatusChange>,
) -> ApiResult<HttpResponse> {
    let change = body.0.validate()?;
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let r = state
        .db(move |conn| Ok(app::write(conn, env, |ctx| recommendation::set_status(ctx, &id, &change, &expect))?))
        .await?;
    Ok(versioned(StatusCode::OK, &r))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "answer_recommendation_part",
    params(("id" = String, Path, description = "Recommendation id (UUID)"), ("part_id" = String, Path, description = "Part id (UUID)")),
    security(("bearer" = [])),
    request_body(content = PartAnswer, examples(
        ("ar" = (summary = "قبول", value = json!({"accept": true}))),
        ("en" = (summary = "Declining", value = json!({"accept": false, "reason": "Outside our mandate"})))
    )),
    responses(
        (status = 200, description = "Answered. A declined part may be accepted later; an accepted one may be declined until it reports. Declined parts leave the roll-up", body = Recommendation, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the addressee's administrators (for the office, the network's coordinators)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recommendation or part, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not adopted or closed (`recommendation_not_open`), or the part's state does not allow it (`part_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/recommendations/{id}/parts/{part_id}/answer")]
pub async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(RecommendationId, PartId)>,
    body: JsonBody<PartAnswer>,
) -> ApiResult<HttpResponse> {
    let a = body.0.validate()?;
    let (id, part) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let r = state.db(move |conn| Ok(app::write(conn, env, |ctx| recommendation::answer(ctx, &id, &part, &a))?)).await?;
    Ok(versioned(StatusCode::OK, &r))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "report_recommendation_progress",
    params(("id" = String, Path, description = "Recommendation id (UUID)"), ("part_id" = String, Path, description = "Part id (UUID)")),
    security(("bearer" = [])),
    request_body(content = UpdateInput, examples(
        ("ar" = (summary = "تحديث", value = json!({"percent": 40, "body": "جُمعت بيانات ٦٠ منظمة من أصل ١٥٠",
            "links": ["https://example.org/survey"]}))),
        ("en" = (summary = "Update", value = json!({"percent": 40, "body": "Data gathered for 60 of 150 organizations"})))
    )),
    responses(
        (status = 201, description = "Recorded; the part's progress and the roll-up follow it, and an adopted recommendation is now in progress. Attach documents with `POST /recommendations/{id}/updates/{update_id}/documents`", body = ProgressUpdate),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only members of the addressee (for the office, the network's coordinators)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recommendation or part, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not adopted or closed, or the part is not accepted (`part_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid fields, each named (a link, an unknown related record, a date in the future)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/recommendations/{id}/parts/{part_id}/updates")]
pub async fn report(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(RecommendationId, PartId)>,
    body: JsonBody<UpdateInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let (id, part) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let u =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| recommendation::report(ctx, &id, &part, &input))?)).await?;
    Ok(HttpResponse::Created().json(u))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "complete_recommendation_part",
    params(("id" = String, Path, description = "Recommendation id (UUID)"), ("part_id" = String, Path, description = "Part id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Claimed done (`awaiting_verification`); a coordinator or the meeting's organizer verifies it", body = Recommendation, headers(("ETag" = String))),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only members of the addressee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recommendation or part, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not adopted or closed, or the part is not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No evidence on any of the part's updates (`evidence_required`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/recommendations/{id}/parts/{part_id}/completion")]
pub async fn complete(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(RecommendationId, PartId)>,
) -> ApiResult<HttpResponse> {
    let (id, part) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let r = state.db(move |conn| Ok(app::write(conn, env, |ctx| recommendation::complete(ctx, &id, &part))?)).await?;
    Ok(versioned(StatusCode::OK, &r))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "verify_recommendation_part",
    params(("id" = String, Path, description = "Recommendation id (UUID)"), ("part_id" = String, Path, description = "Part id (UUID)")),
    security(("bearer" = [])),
    request_body(content = Verification, examples(
        ("ar" = (summary = "تأكيد", value = json!({"verdict": "confirmed", "comment": "اطّلعنا على القاعدة"}))),
        ("en" = (summary = "Returned", value = json!({"verdict": "returned", "comment": "Half the localities are missing"})))
    )),
    responses(
        (status = 200, description = "Confirmed (implemented; the last one implements the recommendation) or returned to the addressee (accepted again)", body = Recommendation, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the recommendation's managers, and none who speaks for the addressee (`own_part`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recommendation or part, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The part is not awaiting verification (`part_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/recommendations/{id}/parts/{part_id}/verification")]
pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(RecommendationId, PartId)>,
    body: JsonBody<Verification>,
) -> ApiResult<HttpResponse> {
    let v = body.0.validate()?;
    let (id, part) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let r = state.db(move |conn| Ok(app::write(conn, env, |ctx| recommendation::verify(ctx, &id, &part, &v))?)).await?;
    Ok(versioned(StatusCode::OK, &r))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "list_recommendation_updates",
    params(("id" = String, Path, description = "Recommendation id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Progress updates with their evidence, newest first (at most 500)", body = Vec<ProgressUpdate>),
        (status = 401, response = NotSignedIn),
        (status = 404, response = RecommendationNotFound),
    )
)]
#[get("/recommendations/{id}/updates")]
pub async fn updates(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<RecommendationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| recommendation::updates(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// An evidence upload's file name.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EvidenceParams {
    /// The file's name (its last path segment is kept, at most 200 characters).
    #[param(max_length = 1000)]
    pub name: String,
}

#[utoipa::path(
    tag = "recommendations", operation_id = "add_recommendation_evidence",
    params(
        ("id" = String, Path, description = "Recommendation id (UUID)"),
        ("update_id" = String, Path, description = "Progress update id (UUID)"),
        EvidenceParams,
    ),
    security(("bearer" = [])),
    request_body(
        description = "The file's bytes, with its type in `Content-Type` (PDF, images, office documents). Downloaded with `GET /documents/{id}` by whoever sees the recommendation; removed with `DELETE /documents/{id}` by the addressee's members.",
        content(
            (crate::document::FileBytes = "application/pdf"),
            (crate::document::FileBytes = "image/jpeg"),
            (crate::document::FileBytes = "image/png"),
            (crate::document::FileBytes = "image/gif"),
            (crate::document::FileBytes = "image/webp"),
            (crate::document::FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (crate::document::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (crate::document::FileBytes = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (crate::document::FileBytes = "application/vnd.oasis.opendocument.text"),
            (crate::document::FileBytes = "application/vnd.oasis.opendocument.spreadsheet"),
            (crate::document::FileBytes = "application/vnd.oasis.opendocument.presentation"),
            (crate::document::FileBytes = "application/msword"),
            (crate::document::FileBytes = "application/vnd.ms-excel"),
            (crate::document::FileBytes = "application/vnd.ms-powerpoint"),
        ),
    ),
    responses(
        (status = 201, description = "Filed as evidence on the update, under the addressee organization", body = Document),
        (status = 400, description = "A missing or invalid `name`", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only members of the addressee organization", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recommendation or update, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The update already holds 10 documents, is the office's (`office_update`: links only), or its part is implemented", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A type that is not accepted, or bytes that are not of the declared type (`type_mismatch`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty file (`errors` names `file`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many uploads at once, or the document store failed: retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/recommendations/{id}/updates/{update_id}/documents")]
pub async fn add_evidence(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(RecommendationId, UpdateId)>,
    QueryParams(p): QueryParams<EvidenceParams>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let (id, update) = path.into_inner();
    let ids = (id.clone(), update.clone());
    let doc = crate::document::receive(
        &state,
        &req,
        actor,
        &p.name,
        body,
        move |ctx| recommendation::may_add_evidence(ctx, &ids.0, &ids.1),
        move |ctx, doc| recommendation::add_evidence(ctx, &id, &update, doc),
    )
    .await?;
    Ok(HttpResponse::Created().json(doc))
}

#[utoipa::path(
    tag = "recommendations", operation_id = "list_owed_recommendations",
    params(("id" = String, Path, description = "Organization id (UUID)"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the organization owes: its parts not declined nor implemented, of adopted recommendations still open, soonest due first (none due last). Its members, administrators and observers", body = Page<OwedPart>),
        (status = 400, response = BadPage),
        (status = 401, response = NotSignedIn),
        (status = 404, response = OrganizationNotFound),
    )
)]
#[get("/organizations/{id}/owed-recommendations")]
pub async fn owed(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<OrganizationId>,
    QueryParams(p): QueryParams<PageParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, after) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    if !e.is_empty() {
        return Err(ApiError::bad_parameter(e));
    }
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let names = state.names.clone();
    let page = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| recommendation::owed(ctx, &names, &id, limit, after.as_ref()))?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// An export's format and the board's filters (the same as `GET /recommendations`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// `xlsx` (right-to-left sheet, Arabic headers, dropdowns) or `csv` (UTF-8 with BOM).
    #[param(pattern = "^(xlsx|csv)$")]
    pub format: String,
    pub meeting: Option<MeetingId>,
    pub network: Option<NetworkId>,
    pub addressee: Option<OrganizationId>,
    pub office: Option<bool>,
    #[param(value_type = Option<Vec<RecommendationStatus>>, style = Form, explode = false)]
    pub status: Option<String>,
    #[param(value_type = Option<Vec<Priority>>, style = Form, explode = false)]
    pub priority: Option<String>,
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub sector: Option<String>,
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub area: Option<String>,
    pub overdue: Option<bool>,
}

#[utoipa::path(
    tag = "recommendations", operation_id = "export_recommendations",
    params(ExportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The recommendations you see that match the filters (at most 20,000 rows), one row per addressee's part: code, text, status, reason, priority, due date, addressee, part state, progress, a note column for new progress, and the version. The import takes the same file back", content(
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("text/csv"),
        )),
        (status = 400, description = "A parameter is invalid (format, unknown value)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
    )
)]
#[get("/recommendations/export")]
pub async fn export(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<ExportParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let format = tashbeek_app::sheet::Format::parse(&p.format);
    if format.is_none() {
        e.add("format", Violation::UnknownValue);
    }
    let areas = csv_list("area", &p.area, &mut e);
    let sectors = csv_list("sector", &p.sector, &mut e);
    let statuses = parse_all("status", &p.status, RecommendationStatus::parse, &mut e);
    let priorities = parse_all("priority", &p.priority, Priority::parse, &mut e);
    let Some(format) = format.filter(|_| e.is_empty()) else { return Err(ApiError::bad_parameter(e)) };
    let query = recommendation::ListQuery {
        meeting: p.meeting,
        network: p.network,
        addressee: p.addressee,
        office: p.office.unwrap_or(false),
        statuses,
        priorities,
        sectors,
        areas,
        overdue: p.overdue.unwrap_or(false),
        stale_days: None,
        limit: 200,
        after: None,
    };
    let env = state.env(Some(actor), &req);
    let bytes =
        state.db(move |conn| Ok(app::read(conn, env, |ctx| tashbeek_app::sheet::export(ctx, &query, format))?)).await?;
    let name = match format {
        tashbeek_app::sheet::Format::Xlsx => "recommendations.xlsx",
        tashbeek_app::sheet::Format::Csv => "recommendations.csv",
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, format.content_type()))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(bytes))
}

/// How an import is run.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// Report what would change and store nothing (default `true`).
    pub dry_run: Option<bool>,
    /// When some rows have errors, apply the others anyway (default: store nothing).
    pub apply_valid: Option<bool>,
}

#[utoipa::path(
    tag = "recommendations", operation_id = "import_recommendations",
    params(ImportParams),
    security(("bearer" = [])),
    request_body(
        description = "An exported file, edited: XLSX, or CSV (UTF-8). Rows are matched by reference code (none is created); status, reason, text, priority and due date change by the recommendation's managers, progress (with an optional note) by the addressee's members.",
        content(
            (crate::document::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (crate::document::FileBytes = "text/csv"),
        ),
    ),
    responses(
        (status = 200, description = "What the file changes (or, in a dry run or with errors, would change) row by row, and each bad cell by row and column; `applied` says whether anything was stored", body = ImportReport),
        (status = 400, description = "An invalid parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Observers do not import", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`changed_during_import`: a recommendation of the file changed while it was being applied; nothing was stored", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither XLSX nor CSV", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/recommendations/import")]
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<ImportParams>,
    mut body: web::Payload,
) -> ApiResult<HttpResponse> {
    use futures_util::StreamExt;
    let kind = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let format = match kind.split(';').next().unwrap_or("").trim() {
        "text/csv" => tashbeek_app::sheet::Format::Csv,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => tashbeek_app::sheet::Format::Xlsx,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "أرسل ملف XLSX أو CSV كما صُدِّر.",
                "Send an XLSX or CSV file as exported.",
            ))
        }
    };
    let max = state.files.max_bytes();
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::bad_parameter(ValidationErrors::single("file", Violation::Required)))?;
        if (bytes.len() + chunk.len()) as u64 > max {
            return Err(crate::document::too_large(max));
        }
        bytes.extend_from_slice(&chunk);
    }
    let (dry_run, apply_valid) = (p.dry_run.unwrap_or(true), p.apply_valid.unwrap_or(false));
    let env = state.env(Some(actor), &req);
    let outcome = state
        .db(move |conn| {
            let run = |ctx: &mut tashbeek_app::Ctx<'_>| {
                tashbeek_app::sheet::import(ctx, &bytes, format, dry_run, apply_valid)
            };
            Ok(if dry_run { app::read(conn, env, run)? } else { app::write(conn, env, run)? })
        })
        .await?;
    Ok(HttpResponse::Ok().json(outcome))
}
