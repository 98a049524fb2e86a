//! The OpenAPI document, generated from the handlers' annotations. `openapi.yaml` at
//! the repository root is this document; a test fails when they drift.

use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::responses;
use crate::{audit, auth, health, invitation, network, organization, reference, user};

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
    paths(
        health::healthz, health::readyz,
        auth::login, auth::refresh, auth::logout, auth::change_password, user::signup,
        user::me, user::list, user::create, user::get, user::update,
        organization::list, organization::create, organization::duplicates, organization::get, organization::update,
        organization::archive, organization::restore, organization::verify, organization::history,
        user::members, user::remove_member,
        invitation::create, invitation::list, invitation::revoke, invitation::preview, invitation::accept,
        network::list, network::create, network::get, network::update, network::members, network::invite,
        network::answer, network::leave,
        reference::list_sectors, reference::create_sector, reference::rename_sector,
        reference::list_areas, reference::create_area, reference::rename_area,
        audit::list,
    ),
    components(
        schemas(organization::SortParam),
        responses(
            responses::MalformedJson, responses::BadPage, responses::NotSignedIn, responses::InvalidToken,
            responses::AdminsOnly, responses::OrganizationNotFound, responses::TooLarge, responses::NotJson,
            responses::InvalidFields, responses::IfMatchMissing,
        )
    ),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Sign-in, sessions and sign-up"),
        (name = "organizations", description = "The directory of organizations, verification and membership"),
        (name = "networks", description = "Networks of organizations, and who belongs to them"),
        (name = "users", description = "Accounts and roles"),
        (name = "reference", description = "Sectors and the area tree"),
        (name = "audit", description = "Who changed what, when"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// The document as YAML, exactly as `openapi.yaml` must read.
pub fn yaml() -> String {
    document().to_yaml().unwrap_or_default()
}
