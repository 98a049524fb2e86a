//! Sign-in: argon2id password hashes, short-lived JWT access tokens, and rotating
//! refresh tokens kept hashed, grouped in families so that a reused (stolen) refresh
//! token revokes the whole session.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::post;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::Duration;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tashbeek_app::{self as app, session};
use tashbeek_domain::auth::{LoginRequest, PasswordChange, RefreshRequest, TokenPair};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::ValidationErrors;
use tashbeek_persistence::user as users;

use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::JsonBody;
use crate::state::{AppState, Settings};

/// HS256 keys derived from the server secret.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        // Expiry is checked against the server's clock (one clock for everything, so
        // tests and the server agree on time), not the system's.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        JwtKeys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation }
    }

    /// Reads and checks an access token at time `now` (Unix seconds); `None` for anything
    /// forged, expired or malformed.
    pub fn verify(&self, token: &str, now: i64) -> Option<Claims> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?.claims;
        (claims.exp + 5 >= now).then_some(claims)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: tashbeek_domain::UserId,
    /// The session (refresh-token family) the token was issued in; ending the session
    /// ends the token at once.
    pub sid: String,
    /// The role when issued, for clients' convenience; the server never trusts it.
    pub role: String,
    pub iat: i64,
    pub exp: i64,
}

/// The authenticated caller as the database knows them now: the account exists, is
/// enabled, its session is live, and `role` is its current role.
pub use tashbeek_app::Caller as Actor;

/// The claims of the request's bearer token: `None` without an `Authorization` header,
/// 401 for a token that is malformed, forged or expired.
fn claims_from(req: &HttpRequest) -> Result<Option<(Claims, web::Data<AppState>)>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ApiError::unauthorized())?;
    let token =
        value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).ok_or_else(ApiError::unauthorized)?;
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(ApiError::internal)?.clone();
    let claims = state.keys.verify(token.trim(), state.now().timestamp()).ok_or_else(ApiError::unauthorized)?;
    Ok(Some((claims, state)))
}

/// Who the token's account is now: its current role, or 401 when it was disabled,
/// deleted, or its session ended (logout, password change, refresh-token reuse).
/// Reads come from the session cache where there is one (SQLite), else one query.
async fn current_actor(state: web::Data<AppState>, claims: Claims) -> Result<Actor, ApiError> {
    if let Some(role) = state.session_cache.as_ref().and_then(|c| c.get(&claims.sub, &claims.sid)) {
        return Ok(Actor { id: claims.sub, role });
    }
    let seen = tashbeek_persistence::user::accounts_generation();
    let (user, sid) = (claims.sub.clone(), claims.sid.clone());
    let role = state.db(move |conn| Ok(users::session_role(conn, &user, &sid)?)).await?;
    let role = role.ok_or_else(ApiError::unauthorized)?;
    if let Some(cache) = &state.session_cache {
        cache.store(&claims.sub, &claims.sid, role, seen);
    }
    Ok(Actor { id: claims.sub, role })
}

type ActorFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, actix_web::Error>>>>;

/// A request that must carry a valid access token of a live session.
pub struct Auth(pub Actor);

impl FromRequest for Auth {
    type Error = actix_web::Error;
    type Future = ActorFuture<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = claims_from(req);
        Box::pin(async move {
            match claims? {
                Some((claims, state)) => Ok(Auth(current_actor(state, claims).await?)),
                None => Err(ApiError::unauthorized().into()),
            }
        })
    }
}

/// A request that may be anonymous; a token that is present must still be valid and
/// its session live.
pub struct MaybeAuth(pub Option<Actor>);

impl FromRequest for MaybeAuth {
    type Error = actix_web::Error;
    type Future = ActorFuture<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = claims_from(req);
        Box::pin(async move {
            match claims? {
                Some((claims, state)) => Ok(MaybeAuth(Some(current_actor(state, claims).await?))),
                None => Ok(MaybeAuth(None)),
            }
        })
    }
}

/// A calendar request: signed in by bearer token, or by a private calendar address's
/// `token` query parameter (calendar apps send no headers), or anonymous. The address
/// stands for its owner only here, on the read-only calendar feeds.
pub struct FeedAuth(pub Option<Actor>);

impl FromRequest for FeedAuth {
    type Error = actix_web::Error;
    type Future = ActorFuture<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = claims_from(req);
        let token = form_urlencoded::parse(req.query_string().as_bytes())
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            if token.as_ref().is_some_and(|t| t.chars().count() > 100) {
                let long = ValidationErrors::single("token", Violation::TooLong { max: 100 });
                return Err(ApiError::bad_parameter(long).into());
            }
            if let Some((claims, state)) = claims? {
                return Ok(FeedAuth(Some(current_actor(state, claims).await?)));
            }
            let Some(token) = token else { return Ok(FeedAuth(None)) };
            let state = state.ok_or_else(ApiError::internal)?;
            let owner = state
                .db(move |conn| Ok(tashbeek_app::calendar_token::owner(conn, &token)?))
                .await?
                .ok_or_else(invalid_calendar_address)?;
            Ok(FeedAuth(Some(owner)))
        })
    }
}

fn invalid_calendar_address() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        "invalid_calendar_address",
        "عنوان التقويم الخاص هذا لم يعد صالحاً؛ أنشئ عنواناً جديداً من لوحة التحكم.",
        "This private calendar address no longer works; make a new one in the dashboard.",
    )
}

/// Bounds how many argon2 computations run at once: each takes ~19 MiB and a core, so
/// a burst of logins queues instead of multiplying memory (the RSS budget is 150 MB).
struct HashPermits {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

static HASH_PERMITS: std::sync::LazyLock<HashPermits> = std::sync::LazyLock::new(|| HashPermits {
    free: std::sync::Mutex::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)),
    freed: std::sync::Condvar::new(),
});

/// Runs `f` holding one hashing permit (blocking threads only).
fn with_hash_permit<T>(f: impl FnOnce() -> T) -> T {
    let p = &*HASH_PERMITS;
    {
        let mut free = p.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = p.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
    }
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            let p = &*HASH_PERMITS;
            *p.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            p.freed.notify_one();
        }
    }
    let _release = Release;
    f()
}

fn argon2(settings: &Settings) -> Argon2<'static> {
    let params = Params::new(settings.argon2_memory_kib, settings.argon2_iterations, 1, None)
        .unwrap_or_else(|_| Params::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(settings: &Settings, password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    with_hash_permit(|| argon2(settings).hash_password(password.as_bytes(), &salt).map(|h| h.to_string())).map_err(
        |e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::internal()
        },
    )
}

/// Checks a password against a stored PHC hash (parameters come from the hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| with_hash_permit(|| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()))
        .unwrap_or(false)
}

/// The token pair for a session the app layer opened: a signed access token (15 minutes
/// by default) carrying the account and the session, and the new refresh token.
pub fn token_pair(state: &AppState, opened: tashbeek_app::session::Opened) -> ApiResult<TokenPair> {
    let now = state.now();
    let claims = Claims {
        sub: opened.user.id.clone(),
        sid: opened.family,
        role: opened.user.role.as_str().to_owned(),
        iat: now.timestamp(),
        exp: now.timestamp() + state.settings.access_ttl_secs,
    };
    let access = jsonwebtoken::encode(&Header::default(), &claims, &state.keys.encoding).map_err(|e| {
        tracing::error!(error = %e, "token signing failed");
        ApiError::internal()
    })?;
    Ok(TokenPair {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: state.settings.access_ttl_secs,
        refresh_token: opened.refresh_token,
        user: opened.user,
    })
}

fn limits(settings: &Settings) -> session::Limits {
    session::Limits {
        window: Duration::seconds(settings.login_window_secs),
        per_account: settings.login_max_failures_per_account,
        per_address: settings.login_max_failures_per_address,
    }
}

pub(crate) fn refresh_ttl(settings: &Settings) -> Duration {
    Duration::days(settings.refresh_ttl_days)
}

/// The client's address as the throttles key it. Behind a trusted proxy it is the last
/// `X-Forwarded-For` hop (the one that proxy added; earlier ones are whatever the client
/// wrote). An IPv6 client counts by its /64, which one subscriber usually holds whole.
pub(crate) fn client_address(req: &HttpRequest, settings: &Settings) -> String {
    use std::net::IpAddr;
    let forwarded = settings
        .trust_proxy
        .then(|| {
            // The last line's last hop: a proxy that adds its own line leaves the client's
            // (possibly forged) lines before it.
            let last = req.headers().get_all("x-forwarded-for").last()?;
            last.to_str().ok()?.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        })
        .flatten();
    let ip = forwarded.or_else(|| req.peer_addr().map(|a| a.ip()));
    match ip.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(v4) => v4.to_string(),
        None => "unknown".into(),
    }
}

/// A password hash to verify against when the account does not exist, so a wrong
/// email costs the same time as a wrong password.
fn dummy_hash(settings: &Settings) -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(settings, "not-a-real-password-at-all").unwrap_or_default())
}

#[utoipa::path(
    tag = "auth", operation_id = "login",
    request_body(content = LoginRequest, examples(
        ("ar" = (summary = "منسق المكتب", value = json!({"email": "coordinator@shendi.example", "password": "كلمة-سر-طويلة"}))),
        ("en" = (summary = "Coordinator", value = json!({"email": "coordinator@shendi.example", "password": "a-long-passphrase"})))
    )),
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 400, response = MalformedJson),
        (status = 401, description = "Wrong email or password (the same answer for both)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = MissingFields),
        (status = 429, description = "Too many failed attempts for this account or address", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let address = client_address(&req, &state.settings);
    // 1. The attempt is counted before any hashing (parallel guesses never pass the limit).
    let (env, email, lim) = (state.env(None, &req), input.email.clone(), limits(&state.settings));
    let attempt = state
        .db(move |conn| Ok(app::write(conn, env, |ctx| session::reserve_login(ctx, &email, &address, &lim))?))
        .await?;
    // 2. The password is checked holding no connection: argon2 takes tens of
    //    milliseconds, and an unknown account costs the same as a wrong password.
    let settings = state.settings.clone();
    let password = input.password;
    let (ok, attempt) = web::block(move || {
        let ok = match &attempt.user {
            Some(u) => verify_password(&password, &u.password_hash) && !u.disabled,
            None => {
                verify_password(&password, dummy_hash(&settings));
                false
            }
        };
        (ok, attempt)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    // 3. A failure stays counted; a success starts the session.
    let (env, ttl) = (state.env(None, &req), refresh_ttl(&state.settings));
    if !ok {
        state.db(move |conn| Ok(app::write(conn, env, session::fail_login)?)).await?;
        return Err(ApiError::invalid_credentials());
    }
    let opened = state.db(move |conn| Ok(app::write(conn, env, |ctx| session::start(ctx, attempt, ttl))?)).await?;
    let pair = token_pair(&state, opened)?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(pair))
}

#[utoipa::path(
    tag = "auth", operation_id = "refresh_session",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair; the old refresh token is now used up", body = TokenPair),
        (status = 400, response = MalformedJson),
        (status = 401, description = "Unknown, expired or revoked token; a reused token also revokes its whole session", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = MissingFields),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = body.0.refresh_token;
    let (env, ttl) = (state.env(None, &req), refresh_ttl(&state.settings));
    let outcome = state.db(move |conn| Ok(app::write(conn, env, |ctx| session::refresh(ctx, &token, ttl))?)).await?;
    match outcome {
        session::Refreshed::Continued(opened) => {
            let pair = token_pair(&state, *opened)?;
            Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(pair))
        }
        session::Refreshed::Invalid => Err(ApiError::unauthorized()),
        session::Refreshed::Reused => Err(ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "refresh_token_reused",
            "استُخدم رمز التجديد هذا من قبل، فأُنهيت الجلسة احتياطًا. سجّل الدخول من جديد.",
            "This refresh token was already used, so the session was ended as a precaution. Sign in again.",
        )),
    }
}

#[utoipa::path(
    tag = "auth", operation_id = "logout",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "The session (refresh-token family) is revoked; unknown tokens are ignored"),
        (status = 400, response = MalformedJson),
        (status = 415, response = NotJson),
        (status = 422, response = MissingFields),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = body.0.refresh_token;
    let env = state.env(None, &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| session::end(ctx, &token))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "auth", operation_id = "change_password",
    request_body = PasswordChange,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Password changed; every session of this account is signed out"),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 409, description = "The password was changed meanwhile from another session (`password_changed`): sign in again", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Current password wrong or new one too weak", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords for this account", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    // 1. One guess of the current password, counted like a failed sign-in.
    let (env, lim) = (state.env(Some(actor.clone()), &req), limits(&state.settings));
    let attempt =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| session::reserve_password_change(ctx, &lim))?)).await?;
    // 2. Strength check, verification and the new hash hold no connection.
    let settings = state.settings.clone();
    let (checked, attempt) = web::block(move || {
        let checked = (|| -> Result<String, (bool, ApiError)> {
            let user = attempt.user.as_ref().ok_or((false, ApiError::unauthorized()))?;
            let input = input.validate(&user.email, &user.display_name).map_err(|e| (true, e.into()))?;
            if !verify_password(&input.current_password, &user.password_hash) {
                return Err((false, ValidationErrors::single("current_password", Violation::Incorrect).into()));
            }
            hash_password(&settings, &input.new_password).map_err(|e| (false, e))
        })();
        (checked, attempt)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let env = state.env(Some(actor), &req);
    match checked {
        // 3. The new password, every session ended, the event: one transaction.
        Ok(hash) => {
            state
                .db(move |conn| Ok(app::write(conn, env, |ctx| session::change_password(ctx, attempt, &hash))?))
                .await?
        }
        // A new password refused as too weak is no guess: its attempt is given back.
        Err((give_back, e)) => {
            if give_back {
                state.db(move |conn| Ok(app::write(conn, env, |ctx| session::give_back(ctx, &attempt))?)).await?;
            }
            return Err(e);
        }
    }
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn behind_a_proxy_the_address_is_the_hop_the_proxy_added() {
        let settings = Settings { trust_proxy: true, ..Settings::default() };
        // The client forged a line; the proxy appended its own: the last line's last hop counts.
        let req = TestRequest::default()
            .append_header(("x-forwarded-for", "10.9.9.9"))
            .append_header(("x-forwarded-for", "203.0.113.7, 198.51.100.4"))
            .to_http_request();
        assert_eq!(client_address(&req, &settings), "198.51.100.4");
        // IPv6 clients count by their /64.
        let req = TestRequest::default().append_header(("x-forwarded-for", "2001:db8:1:2:3:4:5:6")).to_http_request();
        assert_eq!(client_address(&req, &settings), "2001:db8:1:2::/64");
        // Without a trusted proxy the header is ignored.
        let req = TestRequest::default().append_header(("x-forwarded-for", "203.0.113.7")).to_http_request();
        assert_ne!(client_address(&req, &Settings::default()), "203.0.113.7");
    }
}
