//! The OpenAPI document, generated from the handlers' annotations. `openapi.yaml` at
//! the repository root is this document; a test fails when they drift.

use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::responses;
use crate::organization;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from POST /api/v1/auth/login (valid 15 minutes by default)."))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tashbeek API",
        description = "تشبيك — coordination between civil-society organizations and the ministries that work with them.\n\n\
Errors are `application/problem+json` (RFC 9457) with a stable `code` and, for validation, `errors[]` naming each field; \
messages follow `Accept-Language` (Arabic by default, English). Lists use keyset pagination (`limit`, `next_cursor`). \
Reads return an `ETag`; updates of shared records require `If-Match` and answer 412 when someone else changed the record first.",
        license(name = "AGPL-3.0-or-later"),
    ),
    components(
        schemas(organization::SortParam),
        responses(
            responses::MalformedJson, responses::BadPage, responses::NotSignedIn, responses::InvalidToken,
            responses::InvalidFeedToken,
            responses::AdminsOnly, responses::OrganizationNotFound, responses::TooLarge, responses::NotJson,
            responses::InvalidFields, responses::IfMatchMissing, responses::NetworkNotFound,
            responses::MissingFields, responses::Stale, responses::OrgAdminsOnly, responses::MalformedJsonOrIfMatch,
            responses::EmailTaken, responses::InvalidLink, responses::AccountNotFound, responses::ReadersOnly,
            responses::NotOrgAdmin, responses::CoordinatorsOnly, responses::MalformedIfMatch,
            responses::PartnershipNotFound, responses::MeetingNotFound, responses::MeetingManagersOnly,
            responses::RecommendationNotFound, responses::RecommendationManagersOnly, responses::RoadmapNotFound,
        )
    ),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Sign-in, sessions and sign-up"),
        (name = "organizations", description = "The directory of organizations, verification and membership"),
        (name = "networks", description = "Networks of organizations, and who belongs to them"),
        (name = "partnerships", description = "Partnerships every party confirms: proposals, answers, amendments, history"),
        (name = "meetings", description = "Meetings from invitation to attendance, and their calendars"),
        (name = "recommendations", description = "Recommendations tracked until implemented: addressees, progress with evidence, verification, follow-up"),
        (name = "roadmaps", description = "Networks' coordination office roadmaps: goals by term, tasks with owners, due dates and statuses"),
        (name = "users", description = "Accounts and roles"),
        (name = "reference", description = "Sectors and the area tree"),
        (name = "audit", description = "Who changed what, when, and proof that nobody rewrote it since"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// The document, built once: the info, shared components and tags above, with the
/// paths collected from the operations the server registers ([`crate::operations`]).
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| {
        use utoipa_actix_web::AppExt;
        let (_, doc) = actix_web::App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .configure(crate::operations)
            .split_for_parts();
        doc
    })
}

/// The methods the document declares at the path that `path` matches (a `{name}` template
/// segment matches any one segment); empty when it names no operation's path.
pub fn methods_at(path: &str) -> Vec<&'static str> {
    static TEMPLATES: OnceLock<Vec<(Vec<String>, Vec<&'static str>)>> = OnceLock::new();
    let templates = TEMPLATES.get_or_init(|| {
        document()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let segments = template.split('/').map(str::to_owned).collect();
                (segments, methods.into_iter().filter(|(_, on)| *on).map(|(m, _)| m).collect())
            })
            .collect()
    });
    let asked: Vec<&str> = path.split('/').collect();
    templates
        .iter()
        .find(|(segments, _)| {
            segments.len() == asked.len()
                && segments.iter().zip(&asked).all(|(t, a)| (t.starts_with('{') && !a.is_empty()) || t == a)
        })
        .map(|(_, methods)| methods.clone())
        .unwrap_or_default()
}

/// The document as YAML, exactly as `openapi.yaml` must read.
pub fn yaml() -> String {
    document().to_yaml().unwrap_or_default()
}
