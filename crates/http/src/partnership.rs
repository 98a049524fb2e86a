//! Partnerships over HTTP; the operations are `tashbeek_app::partnership`.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tashbeek_app::partnership::{self, ListQuery};
use tashbeek_app::report;
use tashbeek_app::{self as app};
use tashbeek_domain::page::{self, Page};
use tashbeek_domain::partnership::{
    Partnership, PartnershipAmended, PartnershipEnding, PartnershipGraph, PartnershipHistoryEntry, PartnershipInput,
    PartnershipRecord, PartnershipStatus, PartnershipSummary, PartnershipVerification, PartyAnswer,
};
use tashbeek_domain::report::{Report, ReportInput, ReviewInput};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{OrganizationId, PartnershipId, ReportId, ValidationErrors};
use utoipa::IntoParams;

use crate::auth::{Auth, MaybeAuth};
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::etag;
use crate::extract::{csv_list, JsonBody, QueryParams};
use crate::state::AppState;
use crate::user::PageParams;

fn versioned(status: StatusCode, p: &Partnership) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag::of(p.version))).json(p)
}

/// Partnership filters. List values are comma-separated (at most 50 distinct values) and
/// any of them matches.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only those this organization is a party to.
    pub organization: Option<OrganizationId>,
    /// Area ids; each includes everything below it. An unknown id is a 400 naming `area`.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub area: Option<String>,
    /// Sector codes; an unknown code is a 400 naming `sector`.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub sector: Option<String>,
    /// Statuses, e.g. `confirmed,active`.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<PartnershipStatus>>, style = Form, explode = false)]
    pub status: Option<String>,
    /// Only those awaiting an answer from an organization you administer (your inbox);
    /// needs a session.
    pub awaiting: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

#[utoipa::path(
    tag = "partnerships", operation_id = "list_partnerships",
    params(ListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Partnerships you may see, newest first: anonymous visitors see those every party confirmed between verified organizations; an organization's members also see its own; administrators and observers see all", body = Page<PartnershipSummary>),
        (status = 400, description = "A parameter is invalid (unknown value, bad cursor, limit out of range)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "An invalid token, or `awaiting` without a session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/partnerships")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    QueryParams(p): QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, after) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    let areas = csv_list("area", &p.area, &mut e);
    let sectors = csv_list("sector", &p.sector, &mut e);
    let mut statuses = Vec::new();
    for s in csv_list("status", &p.status, &mut e) {
        match PartnershipStatus::parse(&s) {
            Some(s) => statuses.push(s),
            None => {
                e.add("status", Violation::UnknownValue);
                break;
            }
        }
    }
    if !e.is_empty() {
        return Err(ApiError::bad_parameter(e));
    }
    let query = ListQuery {
        organization: p.organization,
        areas,
        sectors,
        statuses,
        awaiting_me: p.awaiting.unwrap_or(false),
        limit,
        after,
    };
    let env = state.env(viewer, &req);
    let names = state.names.clone();
    let page = state.db(move |conn| Ok(app::read(conn, env, |ctx| partnership::list(ctx, &names, &query))?)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Graph filters (comma-separated, at most 50 distinct values each).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GraphParams {
    /// Area ids; each includes everything below it. An unknown id is a 400 naming `area`.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub area: Option<String>,
    /// Sector codes; an unknown code is a 400 naming `sector`.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub sector: Option<String>,
}

#[utoipa::path(
    tag = "partnerships", operation_id = "partnership_graph",
    params(GraphParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The network of confirmed public partnerships (not ended): organizations placed in a 1000 × 1000 square (at most the 300 with the most partnerships), edges weighted by the partnerships two organizations share. Laid out once per change of the graph; the same for every caller. Organizations' names are read again at most every 10 seconds, so a rename can take that long to show", body = PartnershipGraph),
        (status = 400, description = "An unknown area or sector, or too many values", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidToken),
    )
)]
#[get("/partnerships/graph")]
pub async fn graph(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    QueryParams(p): QueryParams<GraphParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let areas = csv_list("area", &p.area, &mut e);
    let sectors = csv_list("sector", &p.sector, &mut e);
    if !e.is_empty() {
        return Err(ApiError::bad_parameter(e));
    }
    let env = state.env(viewer, &req);
    let cache = state.graph_cache.clone();
    let g = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| tashbeek_app::graph::graph(ctx, &cache, &areas, &sectors))?))
        .await?;
    Ok(HttpResponse::Ok().json(g))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "propose_partnership",
    security(("bearer" = [])),
    request_body(content = PartnershipInput, examples(
        ("ar" = (summary = "إحالة صحية بين ثلاث جهات", value = json!({
            "title_ar": "برنامج الإحالة الصحية في شندي", "kind": "service_referral",
            "sectors": ["health"], "areas": ["SD-RN-SHN"], "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "objectives": ["إحالة الحالات المزمنة إلى المركز الصحي"],
            "parties": [
                {"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a01", "role": "lead", "contribution": "تنسيق الإحالات"},
                {"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a02", "role": "implementing", "contribution": "الكشف الطبي"},
                {"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a03", "role": "funding", "value": {"kind": "money", "amount": 500000, "currency": "SDG"}}
            ],
            "proposed_by": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a01"}))),
        ("en" = (summary = "Co-hosted training", value = json!({
            "title_en": "Volunteer first-aid training", "kind": "co_hosted_event",
            "parties": [
                {"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a01", "role": "hosting"},
                {"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a02", "role": "implementing"}
            ],
            "proposed_by": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a01"})))
    )),
    responses(
        (status = 201, description = "Proposed: the proposing party has confirmed, the others are awaited", body = Partnership, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Not an administrator of the organization in `proposed_by` (observers never propose)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid fields: titles, two to twenty distinct parties that exist and are not archived, known sectors and areas, dates in order, `proposed_by` one of the parties and required unless a platform administrator proposes", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/partnerships")]
pub async fn propose(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<PartnershipInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let p = state.db(move |conn| Ok(app::write(conn, env, |ctx| partnership::propose(ctx, &input))?)).await?;
    Ok(versioned(StatusCode::CREATED, &p))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "get_partnership",
    params(("id" = String, Path, description = "Partnership id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The partnership with each party's answer", body = Partnership, headers(("ETag" = String))),
        (status = 401, response = InvalidToken),
        (status = 404, response = PartnershipNotFound),
    )
)]
#[get("/partnerships/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<PartnershipId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let p = state.db(move |conn| Ok(app::read(conn, env, |ctx| partnership::get(ctx, &id))?)).await?;
    Ok(versioned(StatusCode::OK, &p))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "amend_partnership",
    params(("id" = String, Path, description = "Partnership id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body = PartnershipInput,
    responses(
        (status = 200, description = "Amended; `reconfirmation` names the parties awaited again (all of them when shared terms or the parties changed, else those whose own role or contribution changed)", body = PartnershipAmended, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only administrators of a party and platform administrators", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = PartnershipNotFound),
        (status = 409, description = "The partnership has ended", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/partnerships/{id}")]
pub async fn amend(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<PartnershipId>,
    body: JsonBody<PartnershipInput>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let a =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| partnership::amend(ctx, &id, &input, &expect))?)).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag::of(a.partnership.version))).json(a))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "answer_partnership",
    params(
        ("id" = String, Path, description = "Partnership id (UUID)"),
        ("organization_id" = String, Path, description = "The party answering (UUID)"),
    ),
    security(("bearer" = [])),
    request_body(content = PartyAnswer, examples(
        ("confirm" = (summary = "نؤكد مشاركتنا", value = json!({"answer": "confirmed", "comment": "نؤكد مشاركتنا بالكوادر الطبية", "terms_version": 1}))),
        ("decline" = (summary = "Decline", value = json!({"answer": "declined", "comment": "We never agreed to fund this.", "terms_version": 1})))
    )),
    responses(
        (status = 200, description = "Answered; the status follows from every party's answer", body = Partnership, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the organization's own administrators answer for it (not even a platform administrator)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partnership (or not visible to you), or the organization is not a party", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The terms changed since `terms_version` (`terms_changed`), the same answer is already recorded, every party already confirmed (`already_confirmed`: end it instead), or the partnership has ended", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[put("/partnerships/{id}/parties/{organization_id}")]
pub async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(PartnershipId, OrganizationId)>,
    body: JsonBody<PartyAnswer>,
) -> ApiResult<HttpResponse> {
    let (id, org) = path.into_inner();
    let a = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let p = state.db(move |conn| Ok(app::write(conn, env, |ctx| partnership::answer(ctx, &id, &org, &a))?)).await?;
    Ok(versioned(StatusCode::OK, &p))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "end_partnership",
    params(("id" = String, Path, description = "Partnership id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body(content = PartnershipEnding, examples(
        ("ar" = (summary = "انتهى التمويل", value = json!({"reason": "توقف التمويل قبل موعده"})))
    )),
    responses(
        (status = 200, description = "Ended (a proposal is withdrawn the same way)", body = Partnership, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only administrators of a party and platform administrators", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = PartnershipNotFound),
        (status = 409, description = "Already ended", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[post("/partnerships/{id}/end")]
pub async fn end(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<PartnershipId>,
    body: JsonBody<PartnershipEnding>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let ending = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let p =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| partnership::end(ctx, &id, &ending, &expect))?)).await?;
    Ok(versioned(StatusCode::OK, &p))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "partnership_history",
    params(("id" = String, Path, description = "Partnership id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Proposal, answers, amendments (with the parties awaited again) and ending, oldest first (the newest 500). Outside the parties, steps of organizations that are no longer parties are left out", body = Vec<PartnershipHistoryEntry>),
        (status = 401, response = InvalidToken),
        (status = 404, response = PartnershipNotFound),
    )
)]
#[get("/partnerships/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<PartnershipId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let h = state.db(move |conn| Ok(app::read(conn, env, |ctx| partnership::history(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(h))
}

/// The address of a certificate's public verification page: the configured public
/// address, else the one this request came to.
fn verification_url(state: &AppState, req: &HttpRequest, id: &PartnershipId, hash: &str) -> String {
    format!("{}/verify/{}?hash={hash}", state.public_base(req), id.as_str())
}

#[utoipa::path(
    tag = "partnerships", operation_id = "partnership_certificate",
    params(("id" = String, Path, description = "Partnership id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A one-page A4 certificate in Arabic and English: title, parties with their roles and the date each confirmed, the state, the hash of the partnership's newest audit step, and a QR code of its public verification page (`/verify/{id}?hash=…`, under `TASHBEEK_PUBLIC_URL` when set)",
            content((crate::document::FileBytes = "application/pdf"))),
        (status = 401, response = InvalidToken),
        (status = 404, response = PartnershipNotFound),
        (status = 409, description = "Not every party has confirmed it (`not_confirmed`), or its record does not verify (`record_not_intact`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/partnerships/{id}/certificate")]
pub async fn certificate(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<PartnershipId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let issued_at = state.clock.now();
    let (p, hash) = state.db(move |conn| Ok(app::read(conn, env, |ctx| partnership::certificate(ctx, &id))?)).await?;
    let url = verification_url(&state, &req, &p.id, &hash);
    let id = p.id.clone();
    let pdf = web::block(move || {
        tashbeek_certificate::render(&tashbeek_certificate::Certificate {
            partnership: &p,
            hash: &hash,
            url: &url,
            issued_at,
        })
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|e| {
        tracing::error!(error = %e, partnership = %id, "a certificate could not be drawn");
        ApiError::internal()
    })?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "Authorization"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"partnership-certificate-{}.pdf\"", id.as_str()),
        ))
        .body(pdf))
}

/// Which certificate to check.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VerificationParams {
    /// The hash the certificate carries (64 lowercase hex digits; its QR code's address
    /// has it). With it, whoever holds the certificate sees the partnership it names.
    #[param(pattern = "^[0-9a-f]{64}$", min_length = 64, max_length = 64)]
    pub hash: Option<String>,
}

#[utoipa::path(
    tag = "partnerships", operation_id = "partnership_verification",
    params(("id" = String, Path, description = "Partnership id (UUID)"), VerificationParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The partnership now (parties, each one's confirmation, state, ending), whether every step of its record matches its hash and links to the one before, whether the certificate's hash is one of the record's and what changed since, and the newest anchor of the whole log. `verified` sums it up", body = PartnershipVerification),
        (status = 400, description = "`hash` is not 64 lowercase hex digits", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidToken),
        (status = 404, description = "No such partnership, or it is not public, the hash is not one of its record's and you are not one of its parties", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/partnerships/{id}/verification")]
pub async fn verification(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<PartnershipId>,
    QueryParams(p): QueryParams<VerificationParams>,
) -> ApiResult<HttpResponse> {
    if p.hash
        .as_ref()
        .is_some_and(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    {
        return Err(ApiError::bad_parameter(ValidationErrors::single(
            "hash",
            Violation::InvalidFormat("64 lowercase hex digits".into()),
        )));
    }
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let v = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| partnership::verification(ctx, &id, p.hash.as_deref()))?))
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-cache")).json(v))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "organization_partnership_record",
    params(("id" = String, Path, description = "Organization id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Its confirmed partnerships (outside the organization: the public ones), and how many of those it proposed every party confirmed", body = PartnershipRecord),
        (status = 401, response = InvalidToken),
        (status = 404, response = OrganizationNotFound),
    )
)]
#[get("/organizations/{id}/partnership-record")]
pub async fn record(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<OrganizationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let r = state.db(move |conn| Ok(app::read(conn, env, |ctx| partnership::record(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(r))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "list_partnership_reports",
    params(("id" = String, Path, description = "Partnership id (UUID)"), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Activities and outcomes, newest first, with the other parties' reviews: the parties, administrators and observers see all; everyone else only those every other party endorsed", body = Page<Report>),
        (status = 400, response = BadPage),
        (status = 401, response = InvalidToken),
        (status = 404, response = PartnershipNotFound),
    )
)]
#[get("/partnerships/{id}/reports")]
pub async fn reports(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<PartnershipId>,
    QueryParams(p): QueryParams<PageParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, after) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    e.into_result().map_err(ApiError::bad_parameter)?;
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let page =
        state.db(move |conn| Ok(app::read(conn, env, |ctx| report::list(ctx, &id, limit, after.as_ref()))?)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "add_partnership_report",
    params(("id" = String, Path, description = "Partnership id (UUID)")),
    security(("bearer" = [])),
    request_body(content = ReportInput, examples(
        ("outcome" = (summary = "قافلة صحية", value = json!({
            "kind": "outcome", "reported_by": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a01", "happened_on": "2026-11-30",
            "summary": "قافلة صحية في حي الشاطئ", "area": "SD-RN-SHN",
            "measures": [{"metric": "beneficiaries", "value": 412, "group": "أطفال دون الخامسة"}, {"metric": "money_spent", "value": 1200000, "currency": "SDG"}],
            "links": ["https://example.org/report.pdf"]}))),
        ("activity" = (summary = "Training session", value = json!({
            "kind": "activity", "reported_by": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a02", "happened_on": "2026-11-20",
            "summary": "First-aid training for volunteers"})))
    )),
    responses(
        (status = 201, description = "Reported; the other parties endorse or dispute it", body = Report),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only members of the reporting party report for it (not even a platform administrator)", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = PartnershipNotFound),
        (status = 409, description = "Not every party has confirmed the partnership", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid fields: a past date, a summary, parties of the partnership, a known area, numbers (an outcome needs one; money needs its currency), http(s) links", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/partnerships/{id}/reports")]
pub async fn add_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<PartnershipId>,
    body: JsonBody<ReportInput>,
) -> ApiResult<HttpResponse> {
    // Tomorrow in UTC is already today east of it (Oman is UTC+4).
    let latest = (state.now() + chrono::Duration::days(1)).date_naive();
    let input = body.0.validate(latest)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let r = state.db(move |conn| Ok(app::write(conn, env, |ctx| report::add(ctx, &id, &input))?)).await?;
    Ok(HttpResponse::Created().json(r))
}

#[utoipa::path(
    tag = "partnerships", operation_id = "review_partnership_report",
    params(
        ("id" = String, Path, description = "Partnership id (UUID)"),
        ("report_id" = String, Path, description = "Report id (UUID)"),
        ("organization_id" = String, Path, description = "The party reviewing (UUID)"),
    ),
    security(("bearer" = [])),
    request_body(content = ReviewInput, examples(
        ("endorse" = (summary = "نؤيد", value = json!({"verdict": "endorsed"}))),
        ("dispute" = (summary = "Dispute", value = json!({"verdict": "disputed", "comment": "We counted 250 children, not 412."})))
    )),
    responses(
        (status = 200, description = "Reviewed; the report is `endorsed` when every other party endorsed, `disputed` as soon as one disputes", body = Report),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the organization's own administrators review for it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partnership, report or party", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A party does not review its own report", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "A dispute needs a comment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/partnerships/{id}/reports/{report_id}/reviews/{organization_id}")]
pub async fn review_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(PartnershipId, ReportId, OrganizationId)>,
    body: JsonBody<ReviewInput>,
) -> ApiResult<HttpResponse> {
    let (id, rid, org) = path.into_inner();
    let input = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let r =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| report::review(ctx, &id, &rid, &org, &input))?)).await?;
    Ok(HttpResponse::Ok().json(r))
}
