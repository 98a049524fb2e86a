//! Membership by invitation: an organization's administrators invite an e-mail address
//! and pass on the link; its holder accepts while signed in as that address, or makes
//! the account from the link. Nobody is added to an organization without accepting,
//! and inviting answers the same whether or not the address has an account.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Duration;
use tashbeek_domain::invitation::{
    InvitationAcceptance, InvitationCreated, InvitationInput, InvitationPreview, InvitationToken, INVITATION_DAYS,
};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::user::{GlobalRole, Member, OrgRole};
use tashbeek_persistence::invitation::{self as invitations, InvitationRow};
use tashbeek_persistence::user as users;
use tashbeek_persistence::{audit, new_id, throttle, to_db_time, DbConn, DbError};

use crate::auth::{random_token, seconds_until, token_hash, Auth, MaybeAuth};
use crate::authz;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{request_id, JsonBody, QueryParams};
use crate::organization::load_visible_row;
use crate::state::AppState;
use crate::user::{new_user_row, record_user_created, PageParams};

fn invalid_link() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invitation_invalid",
        "رابط الدعوة غير صالح: انتهت صلاحيته أو سُحب أو استُخدم من قبل.",
        "This invitation link is not valid: it expired, was withdrawn or was already used.",
    )
}

fn already_member() -> ApiError {
    ApiError::conflict("already_member", "هذا الحساب عضو بالفعل.", "This account is already a member.")
}

/// Invitations one organization may issue per hour: inviting makes accounts possible,
/// so it is bounded like signing up.
const MAX_INVITATIONS_PER_HOUR: i64 = 50;

/// The invitation behind a token, while it can still be accepted: pending, its
/// organization not archived, and whoever invited still entitled to (an enabled
/// administrator of it, or a platform administrator) — an administrator removed or
/// disabled since cannot let anyone in through links handed out before.
fn open_invitation(c: &mut DbConn, token: &str, now: chrono::NaiveDateTime) -> ApiResult<InvitationRow> {
    let row = invitations::find_by_token_hash(c, &token_hash(token))?.ok_or_else(invalid_link)?;
    if row.status(now) != tashbeek_domain::invitation::InvitationStatus::Pending {
        return Err(invalid_link());
    }
    if tashbeek_persistence::organization::get(c, &row.organization_id)?.archived_at.is_some() {
        return Err(invalid_link());
    }
    let inviter = match &row.invited_by {
        Some(id) => users::get(c, id).ok(),
        None => None,
    };
    let entitled = match inviter {
        Some(u) if !u.disabled => {
            u.role()? == GlobalRole::PlatformAdmin
                || users::role_in(c, &u.id, &row.organization_id)? == Some(OrgRole::Admin)
        }
        _ => false,
    };
    if !entitled {
        return Err(invalid_link());
    }
    Ok(row)
}

/// Marks the invitation accepted by `user_id`, makes them a member and records both.
fn join(c: &mut DbConn, state: &AppState, inv: &InvitationRow, user_id: &str, rid: Option<&str>) -> ApiResult<Member> {
    let now = state.now();
    if users::role_in(c, user_id, &inv.organization_id)?.is_some() {
        return Err(already_member());
    }
    if !invitations::accept(c, &inv.id, user_id, to_db_time(now))? {
        return Err(invalid_link());
    }
    let role = inv.role()?;
    users::add_membership(c, user_id, &inv.organization_id, role, to_db_time(now))?;
    audit::record(
        c,
        audit::Change {
            at: now,
            actor_id: Some(user_id),
            action: "membership.add",
            object_type: "organization",
            object_id: &inv.organization_id,
            before: None,
            after: Some(serde_json::json!({"user_id": user_id, "role": role.as_str(), "invitation_id": inv.id})),
            request_id: rid,
        },
    )?;
    users::members(c, &inv.organization_id)?
        .into_iter()
        .find(|m| m.user_id.to_string() == user_id)
        .ok_or_else(ApiError::internal)
}

#[utoipa::path(
    post, path = "/api/v1/organizations/{id}/invitations", tag = "organizations", operation_id = "create_invitation",
    params(("id" = String, Path, description = "Organization id (UUID)")),
    security(("bearer" = [])),
    request_body(content = InvitationInput, examples(
        ("ar" = (summary = "دعوة عضو", value = json!({"email": "fatima@amal.example", "role": "member"}))),
        ("en" = (summary = "Invite a second administrator", value = json!({"email": "omar@example.org", "role": "admin"})))
    )),
    responses(
        (status = 201, description = "Invited. The same answer whether or not the address has an account; pass the link on. A newer invitation to the same address replaces an open one.", body = InvitationCreated),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only this organization's administrators and platform administrators", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "That address is already a member (visible in the member list)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many invitations from this organization in the last hour", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<String>,
    body: JsonBody<InvitationInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let org_id = id.into_inner();
    let rid = request_id(&req);
    let token = random_token();
    let hash = token_hash(&token);
    let st = state.clone();
    let invitation = state
        .db(move |conn| {
            conn.write(|c| {
                load_visible_row(c, Some(&actor), &org_id, false)?;
                let me = authz::org_admin(c, &actor, &org_id)?;
                if users::is_member_by_email(c, &org_id, &input.email)? {
                    return Err(already_member());
                }
                let now = st.now();
                let key = format!("invite:{org_id}");
                let limit = [(key.as_str(), MAX_INVITATIONS_PER_HOUR)];
                if let Err(free_at) = throttle::reserve(c, &limit, Duration::hours(1), to_db_time(now))? {
                    return Err(ApiError::too_many_attempts(seconds_until(free_at, to_db_time(now))));
                }
                let replaced = invitations::revoke_pending_for(c, &org_id, &input.email, to_db_time(now))?;
                let row = InvitationRow {
                    id: new_id(),
                    organization_id: org_id.clone(),
                    email: input.email.clone(),
                    role: input.role.as_str().into(),
                    token_hash: hash,
                    invited_by: Some(me.id.clone()),
                    created_at: to_db_time(now),
                    expires_at: to_db_time(now + Duration::days(INVITATION_DAYS)),
                    accepted_at: None,
                    accepted_by: None,
                    revoked_at: None,
                };
                invitations::insert(c, &row)?;
                audit::record(
                    c,
                    audit::Change {
                        at: now,
                        actor_id: Some(&me.id),
                        action: "invitation.create",
                        object_type: "organization",
                        object_id: &org_id,
                        before: None,
                        after: Some(serde_json::json!({
                            "invitation_id": row.id, "email": row.email, "role": row.role, "replaces": replaced,
                        })),
                        request_id: rid.as_deref(),
                    },
                )?;
                Ok(row.into_domain(to_db_time(now))?)
            })
        })
        .await?;
    let accept_path = format!("/invitation#{token}");
    Ok(HttpResponse::Created().json(InvitationCreated { invitation, token, accept_path }))
}

#[utoipa::path(
    get, path = "/api/v1/organizations/{id}/invitations", tag = "organizations", operation_id = "list_invitations",
    params(("id" = String, Path, description = "Organization id (UUID)"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organization's invitations, newest first", body = Page<tashbeek_domain::invitation::Invitation>),
        (status = 400, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only its administrators, platform administrators and observers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<String>,
    QueryParams(p): QueryParams<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, before) = p.parse()?;
    let org_id = id.into_inner();
    let st = state.clone();
    let page = state
        .db(move |conn| {
            load_visible_row(conn, Some(&actor), &org_id, false)?;
            if !actor.reads_all() && users::role_in(conn, &actor.id, &org_id)? != Some(OrgRole::Admin) {
                return Err(ApiError::forbidden());
            }
            let now = to_db_time(st.now());
            let rows = invitations::list(conn, &org_id, limit + 1, before.as_deref())?;
            Ok(Page::from_rows(rows, limit, |r| Cursor::of_id(&r.id)).try_map(|r| r.into_domain(now))?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    delete, path = "/api/v1/organizations/{id}/invitations/{invitation_id}", tag = "organizations", operation_id = "revoke_invitation",
    params(("id" = String, Path, description = "Organization id (UUID)"), ("invitation_id" = String, Path, description = "Invitation id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Withdrawn: its link no longer works"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only this organization's administrators and platform administrators", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization or invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already accepted or withdrawn", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (org_id, invitation_id) = path.into_inner();
    let rid = request_id(&req);
    let st = state.clone();
    state
        .db(move |conn| {
            conn.write(|c| -> ApiResult<()> {
                load_visible_row(c, Some(&actor), &org_id, false)?;
                let me = authz::org_admin(c, &actor, &org_id)?;
                if uuid::Uuid::parse_str(&invitation_id).is_err() {
                    return Err(ApiError::not_found());
                }
                let row = invitations::get(c, &org_id, &invitation_id)?;
                let now = st.now();
                if !invitations::revoke(c, &row.id, to_db_time(now))? {
                    return Err(ApiError::conflict(
                        "invitation_closed",
                        "هذه الدعوة مقبولة أو مسحوبة بالفعل.",
                        "This invitation was already accepted or withdrawn.",
                    ));
                }
                audit::record(
                    c,
                    audit::Change {
                        at: now,
                        actor_id: Some(&me.id),
                        action: "invitation.revoke",
                        object_type: "organization",
                        object_id: &org_id,
                        before: Some(serde_json::json!({"invitation_id": row.id, "email": row.email})),
                        after: None,
                        request_id: rid.as_deref(),
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    post, path = "/api/v1/invitations/preview", tag = "auth", operation_id = "preview_invitation",
    request_body = InvitationToken,
    responses(
        (status = 200, description = "What the link invites to", body = InvitationPreview),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, expired, withdrawn or used link", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn preview(state: web::Data<AppState>, body: JsonBody<InvitationToken>) -> ApiResult<HttpResponse> {
    let token = body.0.token;
    let st = state.clone();
    let preview = state
        .db(move |conn| {
            let inv = open_invitation(conn, &token, to_db_time(st.now()))?;
            let org = tashbeek_persistence::organization::get(conn, &inv.organization_id)?;
            Ok(InvitationPreview {
                organization_id: org.id.parse().map_err(|_| ApiError::internal())?,
                organization_name_ar: org.name_ar,
                organization_name_en: org.name_en,
                role: inv.role()?,
                expires_at: tashbeek_persistence::from_db_time(inv.expires_at),
                email: inv.email,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(preview))
}

#[utoipa::path(
    post, path = "/api/v1/invitations/accept", tag = "auth", operation_id = "accept_invitation",
    request_body(content = InvitationAcceptance, examples(
        ("ar" = (summary = "حساب جديد من الدعوة", value = json!({"token": "…", "display_name": "فاطمة الحسن", "password": "عبارة مرور طويلة جدا"}))),
        ("en" = (summary = "Signed in as the invited address", value = json!({"token": "…"})))
    )),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Signed in as the invited address: now a member", body = Member),
        (status = 201, description = "A new account for the invited address, now a member and signed in", body = tashbeek_domain::auth::TokenPair),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in as another address than the one invited", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, expired, withdrawn or used link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a member, or the address has an account: sign in first", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Display name or password missing or too weak", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    body: JsonBody<InvitationAcceptance>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    input.check_token()?;
    let rid = request_id(&req);
    let st = state.clone();
    if let Some(actor) = viewer {
        let member = state
            .db(move |conn| {
                conn.write(|c| {
                    let inv = open_invitation(c, &input.token, to_db_time(st.now()))?;
                    let me = users::get(c, &actor.id).map_err(|_| ApiError::unauthorized())?;
                    if me.email != inv.email {
                        return Err(ApiError::new(
                            StatusCode::FORBIDDEN,
                            "invitation_for_another_account",
                            "هذه الدعوة لعنوان بريد آخر. سجّل الدخول بالحساب المدعو.",
                            "This invitation is for another e-mail address. Sign in as the invited account.",
                        ));
                    }
                    join(c, &st, &inv, &me.id, rid.as_deref())
                })
            })
            .await?;
        return Ok(HttpResponse::Ok().json(member));
    }
    let pair = state
        .db(move |conn| {
            let inv = open_invitation(conn, &input.token, to_db_time(st.now()))?;
            let (name, password) = input.new_account(&inv.email)?;
            let account_exists = || {
                ApiError::conflict(
                    "account_exists",
                    "لهذا البريد حساب بالفعل: سجّل الدخول به ثم اقبل الدعوة.",
                    "This address already has an account: sign in with it, then accept.",
                )
            };
            if users::find_by_email(conn, &inv.email)?.is_some() {
                return Err(account_exists());
            }
            let row = new_user_row(&st, &inv.email, &name, &password, GlobalRole::User)?;
            conn.write(|c| {
                users::insert(c, &row).map_err(|e| match e {
                    DbError::Conflict(_) => account_exists(),
                    other => other.into(),
                })?;
                record_user_created(c, &st, Some(&row.id), &row, rid.as_deref())?;
                join(c, &st, &inv, &row.id, rid.as_deref())?;
                crate::auth::issue_tokens(c, &st, &row.id, None)
            })
        })
        .await?;
    Ok(HttpResponse::Created().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(pair))
}
