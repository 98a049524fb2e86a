//! The organization directory: register, read, edit, archive, verify, search.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{delete, get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tashbeek_domain::organization::{
    DuplicateCandidate, Organization, OrganizationCreated, OrganizationInput, OrganizationKind, OrganizationSummary,
    ResourceKind, VerificationEvent, VerificationInput, VerificationStatus,
};
use tashbeek_domain::page::{self, Page};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::OrganizationId;
use tashbeek_domain::ValidationErrors;
use tashbeek_persistence::organization::Sort;
use tashbeek_persistence::to_db_time;
use utoipa::{IntoParams, ToSchema};

use tashbeek_app::{self as app, organization};

use crate::auth::{Auth, MaybeAuth};
use crate::cache::CachedOrg;
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::etag;
use crate::extract::{csv_list, JsonBody, QueryParams};
use crate::state::AppState;

#[utoipa::path(
    tag = "organizations", operation_id = "create_organization",
    security(("bearer" = [])),
    request_body(content = OrganizationInput, examples(
        ("ar" = (summary = "جمعية في شندي", value = json!({
            "kind": "ngo", "name_ar": "جمعية الأمل الخيرية", "acronym": "أمل",
            "description": "تقديم خدمات صحية وتعليمية للأسر المحتاجة في محلية شندي",
            "founded_year": 2015, "sectors": ["health", "education"], "areas": ["SD-RN-SHN"],
            "contacts": {"phone": "+249 912 345 678", "email": "info@amal.example"},
            "members_count": 40, "volunteers_count": 120, "beneficiaries_per_year": 3000,
            "offers": [{"kind": "volunteers"}], "needs": [{"kind": "premises", "details": "مقر دائم"}, {"kind": "funding"}],
            "contact_visibility": "public"
        }))),
        ("en" = (summary = "Professional association in Muscat", value = json!({
            "kind": "professional_association", "name_en": "Omani Engineers Society", "name_ar": "جمعية المهندسين العمانية",
            "sectors": ["professional", "training_rehabilitation"], "areas": ["OM-MA"],
            "needs": [{"kind": "funding"}], "offers": [{"kind": "training"}, {"kind": "expertise"}]
        })))
    )),
    responses(
        (status = 201, description = "Registered (pending verification); possible duplicates are listed", body = OrganizationCreated,
            headers(("ETag" = String), ("Location" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Observers cannot write", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = TooLarge),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/organizations")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<OrganizationInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.normalize_and_validate(year(&state))?;
    let env = state.env(Some(actor), &req);
    let created = state.db(move |conn| Ok(app::write(conn, env, |ctx| organization::create(ctx, &input))?)).await?;
    let o = &created.organization;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag::of(o.version)))
        .insert_header((header::LOCATION, format!("/api/v1/organizations/{}", o.id)))
        .json(created))
}

#[utoipa::path(
    tag = "organizations", operation_id = "get_organization",
    params(("id" = String, Path, description = "Organization id (UUID)"),
           ("If-None-Match" = Option<String>, Header, description = "ETag from an earlier read")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The organization", body = Organization, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 401, response = InvalidToken),
        (status = 404, response = OrganizationNotFound),
    )
)]
#[get("/organizations/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<OrganizationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let signed_in = viewer.is_some();
    // A public organization may come from the cache: it is visible to everyone, so no
    // lookup is needed for the viewer, and both of its views are already serialized.
    let cached = state.org_cache.as_ref().and_then(|c| c.get(&id));
    let (version, body) = match cached {
        Some(hit) => (hit.version, if signed_in { hit.full.clone() } else { hit.public.clone() }),
        None => {
            let seen = state.org_cache.as_ref().map(|c| c.generation());
            let env = state.env(viewer, &req);
            let org = state
                .db(move |conn| {
                    Ok(app::read(conn, env, |ctx| Ok(organization::load_visible(ctx, &id, false)?.into_domain()))?)
                })
                .await?;
            let body = json_bytes(&organization::present(org.clone(), signed_in))?;
            if let (Some(cache), Some(seen)) = (&state.org_cache, seen) {
                if org.verification_status == VerificationStatus::Verified && !org.archived {
                    let entry = CachedOrg {
                        id: org.id.to_string(),
                        version: org.version,
                        full: json_bytes(&org)?,
                        public: json_bytes(&organization::present(org.clone(), false))?,
                    };
                    cache.store(std::sync::Arc::new(entry), seen);
                }
            }
            (org.version, body)
        }
    };
    let tag = etag::of_view(version, signed_in);
    if etag::none_match(&req, &tag) {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, tag)).finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .content_type("application/json")
        .body(body))
}

fn json_bytes(o: &Organization) -> ApiResult<Bytes> {
    serde_json::to_vec(o).map(Bytes::from).map_err(|e| {
        tracing::error!(error = %e, "serializing an organization");
        ApiError::internal()
    })
}

#[utoipa::path(
    tag = "organizations", operation_id = "update_organization",
    params(("id" = String, Path, description = "Organization id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body(content = OrganizationInput, examples(
        ("ar" = (summary = "تحديث الاحتياجات", value = json!({"kind": "ngo", "name_ar": "جمعية الأمل الخيرية", "areas": ["SD-RN-SHN", "SD-RN-MTM"], "needs": [{"kind": "equipment", "details": "أجهزة حاسوب"}]}))),
        ("en" = (summary = "Update contacts", value = json!({"kind": "ngo", "name_en": "Hope Society", "contacts": {"website": "https://hope.example"}, "contact_visibility": "public"})))
    )),
    responses(
        (status = 200, description = "Updated", body = Organization, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = NotOrgAdmin),
        (status = 404, response = OrganizationNotFound),
        (status = 412, response = Stale),
        (status = 413, response = TooLarge),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/organizations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<OrganizationId>,
    body: JsonBody<OrganizationInput>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let input = body.0.normalize_and_validate(year(&state))?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let changed = id.clone();
    let org = state
        .change_organization(&changed, move |conn| {
            Ok(app::write(conn, env, |ctx| organization::update(ctx, &id, &input, &expect))?)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag::of(org.version))).json(org))
}

/// Runs a status or archive change and forgets any cached copy, whatever the outcome.
async fn change(
    state: &AppState,
    env: tashbeek_app::Env,
    id: OrganizationId,
    op: impl FnOnce(&mut tashbeek_app::Ctx, &OrganizationId) -> tashbeek_app::AppResult<Organization> + Send + 'static,
) -> ApiResult<HttpResponse> {
    let changed = id.clone();
    let org = state.change_organization(&changed, move |conn| Ok(app::write(conn, env, |ctx| op(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag::of(org.version))).json(org))
}

#[utoipa::path(
    tag = "organizations", operation_id = "decide_verification",
    params(("id" = String, Path, description = "Organization id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body(content = VerificationInput, examples(
        ("ar" = (summary = "رفض مع السبب", value = json!({"status": "rejected", "reason": "رقم التسجيل غير مطابق لسجل الوزارة"}))),
        ("en" = (summary = "Verify", value = json!({"status": "verified"})))
    )),
    responses(
        (status = 200, description = "Decision recorded in the organization's history", body = Organization, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
        (status = 404, response = OrganizationNotFound),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 409, description = "A move the current status cannot make (`invalid_transition` on `status`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organizations/{id}/verification")]
pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<OrganizationId>,
    body: JsonBody<VerificationInput>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let input = body.0;
    let env = state.env(Some(actor), &req);
    change(&state, env, id.into_inner(), move |ctx, id| organization::decide_verification(ctx, id, input, expect)).await
}

#[utoipa::path(
    tag = "organizations", operation_id = "archive_organization",
    params(("id" = String, Path, description = "Organization id (UUID)"), crate::etag::IfMatchOptional),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Archived: hidden from the directory, kept with its history", body = Organization),
        (status = 400, response = MalformedIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = NotOrgAdmin),
        (status = 404, response = OrganizationNotFound),
        (status = 409, description = "Already archived", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
    )
)]
#[delete("/organizations/{id}")]
pub async fn archive(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<OrganizationId>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let env = state.env(Some(actor), &req);
    change(&state, env, id.into_inner(), move |ctx, id| organization::archive(ctx, id, &expect)).await
}

#[utoipa::path(
    tag = "organizations", operation_id = "restore_organization",
    params(("id" = String, Path, description = "Organization id (UUID)"), crate::etag::IfMatchOptional),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Back in the directory", body = Organization),
        (status = 400, response = MalformedIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
        (status = 404, response = OrganizationNotFound),
        (status = 409, description = "Not archived", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
    )
)]
#[post("/organizations/{id}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<OrganizationId>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let env = state.env(Some(actor), &req);
    change(&state, env, id.into_inner(), move |ctx, id| organization::restore(ctx, id, &expect)).await
}

#[utoipa::path(
    tag = "organizations", operation_id = "organization_history",
    params(("id" = String, Path, description = "Organization id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Verification decisions, oldest first. Its members, administrators and observers see every decision with its reason and who made it; everyone else sees only when it was verified", body = Vec<VerificationEvent>),
        (status = 401, response = InvalidToken),
        (status = 404, response = OrganizationNotFound),
    )
)]
#[get("/organizations/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<OrganizationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let events = state.db(move |conn| Ok(app::read(conn, env, |ctx| organization::history(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(events))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum SortParam {
    /// Alphabetical by (normalized) Arabic name, else English name.
    #[default]
    Name,
    /// Least recently changed first; with `updated_since`, for delta sync.
    Updated,
}

/// Directory filters. List values are comma-separated (at most 50 distinct values,
/// repeats ignored) and any of them matches.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Words to find, in any order; each must start a word of the Arabic or English
    /// name, the acronym or the first 24 distinct words of the description. Arabic
    /// spelling variants match (hamza and alef forms, ة/ه, ى/ي, ؤ/و, ئ/ي, diacritics,
    /// tatweel, Arabic-Indic digits), and so do words with or without an attached
    /// article, preposition or conjunction (ال، و، ف، ب، ك، ل، وال، بال، فال، كال، لل);
    /// Latin letters fold case and accents, and punctuation separates words. Results
    /// keep the list's order. At most 200 characters and 10 distinct words.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Kinds, e.g. `ngo,volunteer_team`.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<OrganizationKind>>, style = Form, explode = false)]
    pub kind: Option<String>,
    /// Sector codes (`GET /api/v1/sectors`); an unknown code is a 400 naming `sector`.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub sector: Option<String>,
    /// Area ids (`GET /api/v1/areas`); each includes everything below it (a state includes its
    /// localities). An unknown id is a 400 naming `area`.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub area: Option<String>,
    /// Verification statuses (others than `verified` only show what you may see).
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<VerificationStatus>>, style = Form, explode = false)]
    pub status: Option<String>,
    /// Resource kinds the organization needs.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<ResourceKind>>, style = Form, explode = false)]
    pub need: Option<String>,
    /// Resource kinds the organization offers.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<ResourceKind>>, style = Form, explode = false)]
    pub offer: Option<String>,
    /// Include archived organizations (administrators and observers).
    pub include_archived: Option<bool>,
    /// Only organizations changed at or after this time (RFC 3339, years 1900–9999).
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    pub sort: Option<SortParam>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// Most distinct words a search may hold; each is one more condition per candidate.
const MAX_QUERY_TERMS: usize = 10;

fn parse_enum_list<T>(
    field: &str,
    raw: &Option<String>,
    parse: fn(&str) -> Option<T>,
    e: &mut ValidationErrors,
) -> Vec<String> {
    let values = csv_list(field, raw, e);
    if values.iter().any(|v| parse(v).is_none()) {
        e.add(field, Violation::UnknownValue);
    }
    values
}

#[utoipa::path(
    tag = "organizations", operation_id = "list_organizations",
    params(ListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of the directory: a summary per organization (the record is `GET /organizations/{id}`)", body = Page<OrganizationSummary>),
        (status = 400, description = "A parameter is invalid (unknown value, bad cursor, limit out of range)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = InvalidToken),
    )
)]
#[get("/organizations")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    QueryParams(p): QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, cursor) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    let kinds = parse_enum_list("kind", &p.kind, OrganizationKind::parse, &mut e);
    let statuses = parse_enum_list("status", &p.status, VerificationStatus::parse, &mut e);
    let needs = parse_enum_list("need", &p.need, ResourceKind::parse, &mut e);
    let offers = parse_enum_list("offer", &p.offer, ResourceKind::parse, &mut e);
    let sectors = csv_list("sector", &p.sector, &mut e);
    let areas = csv_list("area", &p.area, &mut e);
    // The length first: terms are only computed for a query of bounded size.
    let mut terms = Vec::new();
    if p.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        e.add("q", Violation::TooLong { max: 200 });
    } else {
        terms = tashbeek_domain::text::query_terms(p.q.as_deref().unwrap_or(""));
        let mut seen = std::collections::HashSet::new();
        terms.retain(|t| seen.insert(t.clone()));
        if terms.len() > MAX_QUERY_TERMS {
            e.add("q", Violation::TooMany { max: MAX_QUERY_TERMS });
        }
    }
    let sort = match p.sort.unwrap_or_default() {
        SortParam::Name => Sort::Name,
        SortParam::Updated => Sort::Updated,
    };
    if let Some(c) = &cursor {
        let at = chrono::NaiveDateTime::parse_from_str(&c.k, "%Y-%m-%dT%H:%M:%S%.f").ok();
        if sort == Sort::Updated && !at.is_some_and(|t| page::in_time_range(&t.and_utc())) {
            e.add("cursor", Violation::InvalidFormat("cursor".into()));
        }
    }
    if p.updated_since.is_some_and(|t| !page::in_time_range(&t)) {
        e.add("updated_since", Violation::OutOfRange { min: page::MIN_YEAR as i64, max: page::MAX_YEAR as i64 });
    }
    if !e.is_empty() {
        return Err(ApiError::bad_parameter(e));
    }
    let query = organization::DirectoryQuery {
        terms,
        kinds,
        sectors,
        areas,
        statuses,
        needs,
        offers,
        include_archived: p.include_archived.unwrap_or(false),
        updated_since: p.updated_since.map(to_db_time),
        sort,
        limit,
        after: cursor,
    };
    let env = state.env(viewer, &req);
    let page = state.db(move |conn| Ok(app::read(conn, env, |ctx| organization::list(ctx, query))?)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DuplicateParams {
    /// A name (Arabic or English) to check.
    #[param(min_length = 1, max_length = 200)]
    pub name: String,
    /// Comma-separated area ids where the new organization works.
    /// At most 50 distinct values; empty and repeated items are ignored.
    #[param(value_type = Option<Vec<String>>, style = Form, explode = false)]
    pub area: Option<String>,
}

#[utoipa::path(
    tag = "organizations", operation_id = "find_duplicate_organizations",
    params(DuplicateParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Registered organizations with the same normalized name in an overlapping area, among those the caller may read", body = Vec<DuplicateCandidate>),
        (status = 400, description = "A parameter is missing or invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
    )
)]
#[get("/organizations/duplicates")]
pub async fn duplicates(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<DuplicateParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    if p.name.chars().count() > 200 {
        e.add("name", Violation::TooLong { max: 200 });
    }
    let key = tashbeek_domain::text::normalize(&p.name);
    if key.is_empty() {
        e.add("name", Violation::Required);
    }
    let areas = csv_list("area", &p.area, &mut e);
    e.into_result().map_err(ApiError::bad_parameter)?;
    let env = state.env(Some(actor), &req);
    let found =
        state.db(move |conn| Ok(app::read(conn, env, |ctx| organization::duplicates(ctx, key, &areas))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Re-exported for the sign-up handler.
pub(crate) fn year(state: &AppState) -> i32 {
    chrono::Datelike::year(&state.now())
}

#[allow(dead_code)]
fn _assert_created_schema(_: OrganizationCreated) {}
