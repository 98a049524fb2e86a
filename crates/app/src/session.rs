//! Sessions: sign-in attempts under the throttles, refresh-token rotation, sign-out and
//! password change. Hashing passwords and signing access tokens stay with the caller
//! (the HTTP layer bounds the hashing and holds the keys) and happen between these
//! operations, never inside a transaction; everything that touches the database is here.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tashbeek_domain::user::User;
use tashbeek_domain::UserId;
use tashbeek_persistence::user::{self as users, RefreshRow, UserRow};
use tashbeek_persistence::{new_key, throttle};

use crate::context::{Caller, Ctx};
use crate::error::{AppError, AppResult};
use crate::event::Event;

/// A secret for a link or a refresh token: 256 random bits, URL-safe.
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// What is stored of a token: its SHA-256, so a leaked table opens no session.
pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// How many failed attempts the throttles allow, and over how long.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub window: Duration,
    pub per_account: i64,
    pub per_address: i64,
}

/// A sign-in or password-change attempt already counted against its limits; it counts
/// as a failure unless [`start`] or [`change_password`] gives it back.
#[derive(Debug)]
pub struct Attempt {
    /// The account named, if there is one (a sign-in for an unknown address still costs
    /// a hash, so it cannot be told apart by its time).
    pub user: Option<UserRow>,
    account_key: String,
    reserved: Vec<String>,
}

/// A session opened or continued: what the caller signs an access token for.
#[derive(Debug)]
pub struct Opened {
    pub user: User,
    /// The session (refresh-token family); access tokens carry it.
    pub family: String,
    /// The new single-use refresh token, shown to the client once.
    pub refresh_token: String,
}

/// The outcome of presenting a refresh token.
#[derive(Debug)]
pub enum Refreshed {
    Continued(Box<Opened>),
    /// Unknown, expired or revoked, or the account is disabled (its session now ended).
    Invalid,
    /// Already used: the whole session is revoked, as the token may be in other hands.
    Reused,
}

/// Reserves one sign-in attempt under the account's and the address's limits before
/// any password is checked, atomically: parallel guesses never pass the limit.
pub fn reserve_login(ctx: &mut Ctx, email: &str, address: &str, limits: &Limits) -> AppResult<Attempt> {
    let now = ctx.db_now();
    let account_key = format!("acct:{email}");
    let address_key = format!("addr:{address}");
    let keys = [(account_key.as_str(), limits.per_account), (address_key.as_str(), limits.per_address)];
    let reserved = throttle::reserve(ctx.conn, &keys, limits.window, now)?
        .map_err(|free_at| AppError::retry_after(free_at, now))?;
    Ok(Attempt { user: users::find_by_email(ctx.conn, email)?, account_key, reserved })
}

/// A failed sign-in: its reservation stays counted; old attempts are forgotten.
pub fn fail_login(ctx: &mut Ctx) -> AppResult<()> {
    throttle::prune(ctx.conn, ctx.db_now() - Duration::days(1))?;
    Ok(())
}

/// A sign-in whose password was right: the account's failures are forgotten, this
/// attempt is given back, and a new session starts.
pub fn start(ctx: &mut Ctx, attempt: Attempt, refresh_ttl: Duration) -> AppResult<Opened> {
    let checked = attempt.user.ok_or(AppError::Unauthorized)?;
    // The password was checked outside this transaction: the account must still have it,
    // and still be enabled (a change or a disable meanwhile ends this sign-in).
    users::lock_account(ctx.conn, &checked.id)?;
    let user = users::get(ctx.conn, &checked.id)?;
    if user.disabled || user.password_hash != checked.password_hash {
        return Err(AppError::Unauthorized);
    }
    throttle::clear(ctx.conn, &attempt.account_key)?;
    throttle::release(ctx.conn, &attempt.reserved)?;
    ctx.caller = Some(Caller { id: user.id.clone(), role: user.role });
    begin(ctx, &user.id, refresh_ttl)
}

/// A new session for `user_id`, recorded as started (sign-in, sign-up and accepting an
/// invitation by creating an account all start one), the account being the actor.
pub fn begin(ctx: &mut Ctx, user_id: &UserId, ttl: Duration) -> AppResult<Opened> {
    let opened = open(ctx, user_id, None, ttl)?;
    ctx.record(user_id, Event::SessionStarted)?;
    Ok(opened)
}

/// A refresh token for `user_id` in `family` (a new session when `None`).
fn open(ctx: &mut Ctx, user_id: &UserId, family: Option<&str>, ttl: Duration) -> AppResult<Opened> {
    let now = ctx.db_now();
    let family = family.map(str::to_owned).unwrap_or_else(new_key);
    let refresh_token = new_token();
    users::insert_refresh(
        ctx.conn,
        &RefreshRow {
            id: new_key(),
            user_id: user_id.clone(),
            family_id: family.clone(),
            token_hash: token_hash(&refresh_token),
            created_at: now,
            expires_at: now + ttl,
            used_at: None,
            revoked_at: None,
        },
    )?;
    Ok(Opened { user: users::get_full(ctx.conn, user_id)?, family, refresh_token })
}

/// Trades a refresh token for the next one in the same session. A token used twice
/// ends its session; so does a disabled account.
pub fn refresh(ctx: &mut Ctx, token: &str, ttl: Duration) -> AppResult<Refreshed> {
    let now = ctx.db_now();
    let Some(row) = users::find_refresh(ctx.conn, &token_hash(token))? else { return Ok(Refreshed::Invalid) };
    // Read again once the account is locked: a logout or password change that committed
    // while this waited has revoked the token by now.
    users::lock_account(ctx.conn, &row.user_id)?;
    let Some(row) = users::find_refresh(ctx.conn, &row.token_hash)? else { return Ok(Refreshed::Invalid) };
    if row.revoked_at.is_some() || row.expires_at < now {
        return Ok(Refreshed::Invalid);
    }
    let user = users::get(ctx.conn, &row.user_id)?;
    let fresh = row.used_at.is_none() && users::mark_refresh_used(ctx.conn, &row.id, now)?;
    if !fresh || user.disabled {
        users::revoke_family(ctx.conn, &row.family_id, now)?;
        ctx.caller = Some(Caller { id: user.id.clone(), role: user.role });
        let family_id = row.family_id.clone();
        let event = if fresh {
            Event::SessionOfDisabledAccountEnded { family_id }
        } else {
            Event::RefreshTokenReused { family_id }
        };
        ctx.record(&row.user_id, event)?;
        return Ok(if fresh { Refreshed::Invalid } else { Refreshed::Reused });
    }
    Ok(Refreshed::Continued(Box::new(open(ctx, &row.user_id, Some(&row.family_id), ttl)?)))
}

/// Signs out the session a refresh token belongs to; an unknown token changes nothing.
pub fn end(ctx: &mut Ctx, token: &str) -> AppResult<()> {
    let now = ctx.db_now();
    if let Some(row) = users::find_refresh(ctx.conn, &token_hash(token))? {
        users::lock_account(ctx.conn, &row.user_id)?;
        if users::revoke_family(ctx.conn, &row.family_id, now)? > 0 {
            let user = users::get(ctx.conn, &row.user_id)?;
            ctx.caller = Some(Caller { id: user.id, role: user.role });
            ctx.record(&row.user_id, Event::SessionEnded)?;
        }
    }
    Ok(())
}

/// Reserves one guess of the caller's current password: guesses count like failed
/// sign-ins, so a stolen access token gives no unlimited guessing.
pub fn reserve_password_change(ctx: &mut Ctx, limits: &Limits) -> AppResult<Attempt> {
    let me = ctx.caller()?.clone();
    let user = users::get(ctx.conn, &me.id)?;
    let now = ctx.db_now();
    let account_key = format!("acct:{}", user.email);
    let keys = [(account_key.as_str(), limits.per_account)];
    let reserved = throttle::reserve(ctx.conn, &keys, limits.window, now)?
        .map_err(|free_at| AppError::retry_after(free_at, now))?;
    Ok(Attempt { user: Some(user), account_key, reserved })
}

/// Gives an attempt back (a new password refused as too weak is no guess).
pub fn give_back(ctx: &mut Ctx, attempt: &Attempt) -> AppResult<()> {
    throttle::release(ctx.conn, &attempt.reserved)?;
    Ok(())
}

/// Stores the new password's hash and ends every session of the account, if the
/// password is still the one the caller's current password was checked against (two
/// changes at once: the second is refused, not silently last).
pub fn change_password(ctx: &mut Ctx, attempt: Attempt, hash: &str) -> AppResult<()> {
    let user = attempt.user.ok_or(AppError::Unauthorized)?;
    let now = ctx.db_now();
    users::lock_account(ctx.conn, &user.id)?;
    if !users::set_password(ctx.conn, &user.id, &user.password_hash, hash, now)? {
        return Err(AppError::conflict(
            "password_changed",
            "تغيّرت كلمة المرور للتو من جلسة أخرى. سجّل الدخول من جديد.",
            "The password was just changed from another session. Sign in again.",
        ));
    }
    throttle::clear(ctx.conn, &attempt.account_key)?;
    users::revoke_all_of_user(ctx.conn, &user.id, now)?;
    ctx.record(&user.id, Event::PasswordChanged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }
}
