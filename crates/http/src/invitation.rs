//! Membership by invitation over HTTP: the operations are in `tashbeek_app::invitation`;
//! here the link's secret is made, hashed and handed out, and an account made from a
//! link gets its session.

use actix_web::{delete, get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use tashbeek_app::account::{self, NewAccount};
use tashbeek_app::{self as app, invitation};
use tashbeek_domain::invitation::{
    InvitationAcceptance, InvitationCreated, InvitationInput, InvitationPreview, InvitationToken,
};
use tashbeek_domain::page::Page;
use tashbeek_domain::user::{GlobalRole, Member};
use tashbeek_domain::{InvitationId, OrganizationId};

use crate::auth::hash_password;
use crate::auth::{refresh_ttl, token_pair, Auth, MaybeAuth};
use crate::error::responses::*;
use crate::error::{ApiResult, Problem};
use crate::extract::{JsonBody, QueryParams};
use crate::state::AppState;
use crate::user::PageParams;
use tashbeek_app::session::{self, new_token as random_token, token_hash};

#[utoipa::path(
    tag = "organizations", operation_id = "create_invitation",
    params(("id" = String, Path, description = "Organization id (UUID)")),
    security(("bearer" = [])),
    request_body(content = InvitationInput, examples(
        ("ar" = (summary = "دعوة عضو", value = json!({"email": "fatima@amal.example", "role": "member"}))),
        ("en" = (summary = "Invite a second administrator", value = json!({"email": "omar@example.org", "role": "admin"})))
    )),
    responses(
        (status = 201, description = "Invited. The same answer whether or not the address has an account; pass the link on. A newer invitation to the same address replaces an open one.", body = InvitationCreated),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = OrgAdminsOnly),
        (status = 404, response = OrganizationNotFound),
        (status = 409, description = "That address is already a member (visible in the member list)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 429, description = "Too many invitations from this organization in the last hour", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/organizations/{id}/invitations")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<OrganizationId>,
    body: JsonBody<InvitationInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let org_id = id.into_inner();
    let token = random_token();
    let hash = token_hash(&token);
    let env = state.env(Some(actor), &req);
    let invitation =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| invitation::create(ctx, &org_id, &input, hash))?)).await?;
    let accept_path = format!("/invitation#{token}");
    Ok(HttpResponse::Created().json(InvitationCreated { invitation, token, accept_path }))
}

#[utoipa::path(
    tag = "organizations", operation_id = "list_invitations",
    params(("id" = String, Path, description = "Organization id (UUID)"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organization's invitations, newest first", body = Page<tashbeek_domain::invitation::Invitation>),
        (status = 400, response = BadPage),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only its administrators, platform administrators and observers", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = OrganizationNotFound),
    )
)]
#[get("/organizations/{id}/invitations")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<OrganizationId>,
    QueryParams(p): QueryParams<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, before) = p.parse()?;
    let org_id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let page = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| invitation::list(ctx, &org_id, limit, before.as_deref()))?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    tag = "organizations", operation_id = "revoke_invitation",
    params(("id" = String, Path, description = "Organization id (UUID)"), ("invitation_id" = String, Path, description = "Invitation id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Withdrawn: its link no longer works"),
        (status = 401, response = NotSignedIn),
        (status = 403, response = OrgAdminsOnly),
        (status = 404, description = "No such organization or invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already accepted or withdrawn", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/organizations/{id}/invitations/{invitation_id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(OrganizationId, InvitationId)>,
) -> ApiResult<HttpResponse> {
    let (org_id, invitation_id) = path.into_inner();
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| invitation::revoke(ctx, &org_id, &invitation_id))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "auth", operation_id = "preview_invitation",
    request_body = InvitationToken,
    responses(
        (status = 200, description = "What the link invites to", body = InvitationPreview),
        (status = 400, response = MalformedJson),
        (status = 404, response = InvalidLink),
        (status = 415, response = NotJson),
        (status = 422, description = "Missing token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invitations/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<InvitationToken>,
) -> ApiResult<HttpResponse> {
    let hash = token_hash(&body.0.token);
    let env = state.env(None, &req);
    let preview: InvitationPreview =
        state.db(move |conn| Ok(app::read(conn, env, |ctx| invitation::preview(ctx, &hash))?)).await?;
    Ok(HttpResponse::Ok().json(preview))
}

#[utoipa::path(
    tag = "auth", operation_id = "accept_invitation",
    request_body(content = InvitationAcceptance, examples(
        ("ar" = (summary = "حساب جديد من الدعوة", value = json!({"token": "…", "display_name": "فاطمة الحسن", "password": "عبارة مرور طويلة جدا"}))),
        ("en" = (summary = "Signed in as the invited address", value = json!({"token": "…"})))
    )),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Signed in as the invited address: now a member", body = Member),
        (status = 201, description = "A new account for the invited address, now a member and signed in", body = tashbeek_domain::auth::TokenPair),
        (status = 400, response = MalformedJson),
        (status = 401, response = InvalidToken),
        (status = 403, description = "Signed in as another address than the one invited", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = InvalidLink),
        (status = 409, description = "Already a member, or the address has an account: sign in first", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Display name or password missing or too weak", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invitations/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    body: JsonBody<InvitationAcceptance>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    input.check_token()?;
    let hash = token_hash(&input.token);
    if let Some(actor) = viewer {
        let env = state.env(Some(actor), &req);
        let member: Member =
            state.db(move |conn| Ok(app::write(conn, env, |ctx| invitation::accept(ctx, &hash))?)).await?;
        return Ok(HttpResponse::Ok().json(member));
    }
    // A new account for the invited address. An address that has one is refused before any
    // hashing; the strength check and the hash run off the executor, holding no connection.
    let env = state.env(None, &req);
    let inv = state
        .db(move |conn| {
            Ok(app::read(conn, env, |ctx| {
                let inv = invitation::open(ctx, &hash)?;
                if account::email_is_taken(ctx, &inv.email)? {
                    return Err(account::account_exists());
                }
                Ok(inv)
            })?)
        })
        .await?;
    let (settings, email) = (state.settings.clone(), inv.email.clone());
    let (name, password_hash) = web::block(move || -> Result<_, crate::error::ApiError> {
        let (name, password) = input.new_account(&email)?;
        Ok((name, hash_password(&settings, &password)?))
    })
    .await
    .map_err(|_| crate::error::ApiError::internal())??;
    let (env, ttl) = (state.env(None, &req), refresh_ttl(&state.settings));
    let opened = state
        .db(move |conn| {
            Ok(app::write(conn, env, |ctx| {
                // Opened again inside the transaction: it may have been used or revoked meanwhile.
                let inv = invitation::open(ctx, &inv.token_hash)?;
                let new = NewAccount { email: &inv.email, display_name: &name, password_hash, role: GlobalRole::User };
                let user_id = account::create_invited(ctx, new)?;
                invitation::join(ctx, &inv, &user_id)?;
                session::begin(ctx, &user_id, ttl)
            })?)
        })
        .await?;
    let pair = token_pair(&state, opened)?;
    Ok(HttpResponse::Created().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(pair))
}
