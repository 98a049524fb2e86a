//! Accounts: sign-up with a new organization, the caller's own profile, platform
//! administration of users, and organization membership.

use actix_web::{delete, get, patch, post};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use tashbeek_app::account::{self, NewAccount};
use tashbeek_app::{self as app, authz, calendar_token, membership, session};
use tashbeek_domain::auth::TokenPair;
use tashbeek_domain::organization::{DuplicateCandidate, Organization};
use tashbeek_domain::page::{self, Page};
use tashbeek_domain::user::{CalendarAddress, GlobalRole, Member, NewUser, Signup, User, UserSummary, UserUpdate};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::ValidationErrors;
use tashbeek_domain::{OrganizationId, UserId};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{client_address, hash_password, refresh_ttl, token_pair, Auth};
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{JsonBody, QueryParams};
use crate::organization::year;
use crate::state::AppState;

/// What sign-up returns: a signed-in session and the new (pending) organization.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SignupResult {
    pub session: TokenPair,
    pub organization: Organization,
    pub possible_duplicates: Vec<DuplicateCandidate>,
}

#[utoipa::path(
    tag = "auth", operation_id = "signup",
    request_body(content = Signup, examples(
        ("ar" = (summary = "فريق تطوعي في المتمة", value = json!({
            "email": "team@matamma.example", "display_name": "أحمد عثمان", "password": "كلمة-سر-طويلة-جدا",
            "organization": {"kind": "volunteer_team", "name_ar": "فريق شباب المتمة التطوعي", "areas": ["SD-RN-MTM"], "sectors": ["children_youth"]}
        }))),
        ("en" = (summary = "NGO in Damascus", value = json!({
            "email": "admin@care.example", "display_name": "Lina Haddad", "password": "a-long-passphrase",
            "organization": {"kind": "ngo", "name_en": "Care Together", "areas": ["SY-DI"], "sectors": ["disability", "health"]}
        })))
    )),
    responses(
        (status = 201, description = "Account and organization (pending verification) created; signed in", body = SignupResult),
        (status = 400, response = MalformedJson),
        (status = 413, response = TooLarge),
        (status = 415, response = NotJson),
        (status = 409, response = EmailTaken),
        (status = 422, response = InvalidFields),
        (status = 429, description = "Too many sign-ups from this address; try later", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/signup")]
pub async fn signup(state: web::Data<AppState>, req: HttpRequest, body: JsonBody<Signup>) -> ApiResult<HttpResponse> {
    // Sign-ups per client address are limited (shared by every instance) before any
    // other work — validation, password strength, hashing — so nobody mass-creates
    // accounts, probes e-mails or burns CPU through here.
    let address = client_address(&req, &state.settings);
    let (max, window) =
        (state.settings.signup_max_per_address, chrono::Duration::seconds(state.settings.signup_window_secs));
    let env = state.env(None, &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| account::reserve_signup(ctx, &address, max, window))?)).await?;
    // The strength estimator takes milliseconds: off the async executor.
    let year = year(&state);
    let input = web::block(move || body.0.validate(year)).await.map_err(|_| ApiError::internal())??;
    // Refuse a taken address before spending a hash on it, and hash holding no connection.
    let (env, email) = (state.env(None, &req), input.email.clone());
    if state.db(move |conn| Ok(app::read(conn, env, |ctx| account::email_is_taken(ctx, &email))?)).await? {
        return Err(ValidationErrors::single("email", Violation::Taken).into());
    }
    let (settings, password) = (state.settings.clone(), input.password.clone());
    let password_hash =
        web::block(move || hash_password(&settings, &password)).await.map_err(|_| ApiError::internal())??;
    let (env, ttl) = (state.env(None, &req), refresh_ttl(&state.settings));
    let (opened, created) = state
        .db(move |conn| {
            Ok(app::write(conn, env, |ctx| {
                let new = NewAccount {
                    email: &input.email,
                    display_name: &input.display_name,
                    password_hash,
                    role: GlobalRole::User,
                };
                let (user_id, created) = account::signup(ctx, new, &input.organization)?;
                Ok((session::begin(ctx, &user_id, ttl)?, created))
            })?)
        })
        .await?;
    let result = SignupResult {
        session: token_pair(&state, opened)?,
        organization: created.organization,
        possible_duplicates: created.possible_duplicates,
    };
    Ok(HttpResponse::Created().json(result))
}

#[utoipa::path(
    tag = "users", operation_id = "get_me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in account with its memberships", body = User),
        (status = 401, response = NotSignedIn),
    )
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, req: HttpRequest, Auth(actor): Auth) -> ApiResult<HttpResponse> {
    let id = actor.id.clone();
    let env = state.env(Some(actor), &req);
    let user = state.db(move |conn| Ok(app::read(conn, env, |ctx| account::get(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(user))
}

#[utoipa::path(
    tag = "users", operation_id = "get_calendar_address",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "When your private calendar address was made (its secret was shown only then)", body = CalendarAddress),
        (status = 401, response = NotSignedIn),
        (status = 404, description = "You have no private calendar address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/calendar-token")]
pub async fn calendar_address(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
) -> ApiResult<HttpResponse> {
    let env = state.env(Some(actor), &req);
    let made = state.db(move |conn| Ok(app::read(conn, env, calendar_token::created)?)).await?;
    let created_at = made.ok_or_else(|| ApiError::from(tashbeek_app::AppError::NotFound))?;
    Ok(HttpResponse::Ok().json(CalendarAddress { token: None, created_at }))
}

#[utoipa::path(
    tag = "users", operation_id = "make_calendar_address",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "A new private calendar address; its secret is shown this once. Add `?token=<token>` to any calendar feed (`/meetings/calendar.ics`, `/networks/{id}/calendar.ics`, `/organizations/{id}/calendar.ics`, `/meetings/{id}/calendar.ics`) and it carries what you may see. An earlier address stops working", body = CalendarAddress),
        (status = 401, response = NotSignedIn),
    )
)]
#[post("/me/calendar-token")]
pub async fn make_calendar_address(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
) -> ApiResult<HttpResponse> {
    let env = state.env(Some(actor), &req);
    let issued = state.db(move |conn| Ok(app::write(conn, env, calendar_token::issue)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(CalendarAddress { token: Some(issued.token), created_at: issued.created_at }))
}

#[utoipa::path(
    tag = "users", operation_id = "withdraw_calendar_address",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Withdrawn: calendars subscribed with it stop receiving meetings"),
        (status = 401, response = NotSignedIn),
        (status = 404, description = "You have no private calendar address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/calendar-token")]
pub async fn withdraw_calendar_address(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
) -> ApiResult<HttpResponse> {
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, calendar_token::revoke)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn parse(&self) -> ApiResult<(i64, Option<String>)> {
        let mut e = ValidationErrors::default();
        let (limit, cursor) = page::parse(self.limit, self.cursor.as_deref(), &mut e);
        let after = cursor.map(|c| c.id);
        e.into_result().map_err(ApiError::bad_parameter)?;
        Ok((limit, after))
    }
}

/// The accounts list's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserListParams {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1024, pattern = r"^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
    /// Only the account with this email (case does not matter): how the dashboard finds
    /// the person to appoint.
    #[param(max_length = 254)]
    pub email: Option<String>,
}

#[utoipa::path(
    tag = "users", operation_id = "list_users",
    params(UserListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Accounts, oldest first, as summaries (memberships are in `GET /users/{id}`)", body = Page<UserSummary>),
        (status = 400, description = "A bad limit or cursor, or an email longer than 254 characters", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
        (status = 403, response = ReadersOnly),
    )
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    QueryParams(p): QueryParams<UserListParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = PageParams { limit: p.limit, cursor: p.cursor }.parse()?;
    if p.email.as_ref().is_some_and(|e| e.chars().count() > 254) {
        return Err(ApiError::bad_parameter(ValidationErrors::single("email", Violation::TooLong { max: 254 })));
    }
    let email = p.email.map(|e| e.trim().to_lowercase());
    let env = state.env(Some(actor), &req);
    let page = state
        .db(move |conn| Ok(app::read(conn, env, |ctx| account::list(ctx, limit, after.as_deref(), email.as_deref()))?))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    tag = "users", operation_id = "create_user",
    security(("bearer" = [])),
    request_body(content = NewUser, examples(
        ("ar" = (summary = "موظف وزارة (مراقب)", value = json!({"email": "officer@mosd.example", "display_name": "سالم البلوشي", "password": "كلمة-سر-طويلة", "role": "observer"}))),
        ("en" = (summary = "Second coordinator", value = json!({"email": "deputy@shendi.example", "display_name": "Deputy coordinator", "password": "a-long-passphrase", "role": "platform_admin"})))
    )),
    responses(
        (status = 201, description = "Account created", body = User),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
        (status = 415, response = NotJson),
        (status = 409, response = EmailTaken),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<NewUser>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let st = state.clone();
    let user = state
        .db(move |conn| {
            // Only administrators get as far as hashing.
            app::read(conn, env.clone(), |ctx| authz::admin(ctx).map(drop))?;
            let password_hash = hash_password(&st.settings, &input.password)?;
            let new =
                NewAccount { email: &input.email, display_name: &input.display_name, password_hash, role: input.role };
            Ok(app::write(conn, env, |ctx| account::create(ctx, new))?)
        })
        .await?;
    Ok(HttpResponse::Created().json(user))
}

#[utoipa::path(
    tag = "users", operation_id = "get_user",
    params(("id" = String, Path, description = "User id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = User),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only administrators, observers and the account itself", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = AccountNotFound),
    )
)]
#[get("/users/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<UserId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let user = state.db(move |conn| Ok(app::read(conn, env, |ctx| account::get(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(user))
}

#[utoipa::path(
    tag = "users", operation_id = "update_user",
    params(("id" = String, Path, description = "User id (UUID)")),
    security(("bearer" = [])),
    request_body(content = UserUpdate, examples(
        ("ar" = (summary = "تعطيل حساب", value = json!({"disabled": true}))),
        ("en" = (summary = "Make observer", value = json!({"role": "observer"})))
    )),
    responses(
        (status = 200, description = "Updated; disabling signs the account out everywhere", body = User),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = AdminsOnly),
        (status = 404, response = AccountNotFound),
        (status = 409, description = "Would leave no active platform administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<UserId>,
    body: JsonBody<UserUpdate>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let user = state.db(move |conn| Ok(app::write(conn, env, |ctx| account::update(ctx, &id, &input))?)).await?;
    Ok(HttpResponse::Ok().json(user))
}

#[utoipa::path(
    tag = "organizations", operation_id = "list_members",
    params(("id" = String, Path, description = "Organization id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Members with their roles", body = Vec<Member>),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only its members, platform administrators and observers", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = OrganizationNotFound),
    )
)]
#[get("/organizations/{id}/members")]
pub async fn members(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<OrganizationId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| membership::list(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "organizations", operation_id = "remove_member",
    params(("id" = String, Path, description = "Organization id (UUID)"), ("user_id" = String, Path, description = "User id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, response = NotSignedIn),
        (status = 403, response = OrgAdminsOnly),
        (status = 404, description = "No such organization or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would leave the organization without an administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/organizations/{id}/members/{user_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(OrganizationId, UserId)>,
) -> ApiResult<HttpResponse> {
    let (org_id, user_id) = path.into_inner();
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| membership::remove(ctx, &org_id, &user_id))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
