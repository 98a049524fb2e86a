//! Private calendar addresses. Calendar apps subscribe to a feed without signing in, so
//! a feed of what only members may see needs an address that carries a secret. The
//! secret stands for its owner on calendar feeds only, read-only, with the owner's
//! permissions as the database holds them at each request; only its SHA-256 is kept.

use chrono::{DateTime, Utc};
use tashbeek_persistence::{from_db_time, user as users, DbConn};

use crate::context::{Caller, Ctx};
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::session::{new_token, token_hash};

/// A new private address's secret, shown once.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub created_at: DateTime<Utc>,
}

/// Makes the caller a new secret; the one before stops working.
pub fn issue(ctx: &mut Ctx) -> AppResult<Issued> {
    let me = ctx.caller()?.clone();
    // Two requests at once replace one another in turn (PostgreSQL; SQLite writes one at a time).
    users::lock_account(ctx.conn, &me.id)?;
    let token = new_token();
    let now = ctx.db_now();
    let replaced = users::calendar_token_created(ctx.conn, &me.id)?.is_some();
    users::set_calendar_token(ctx.conn, &me.id, &token_hash(&token), now)?;
    ctx.record(&me.id, Event::CalendarTokenIssued { replaced })?;
    Ok(Issued { token, created_at: from_db_time(now) })
}

/// When the caller's secret was made, if they have one.
pub fn created(ctx: &mut Ctx) -> AppResult<Option<DateTime<Utc>>> {
    let me = ctx.caller()?.clone();
    Ok(users::calendar_token_created(ctx.conn, &me.id)?.map(from_db_time))
}

/// Withdraws the caller's secret: subscriptions made with it stop.
pub fn revoke(ctx: &mut Ctx) -> AppResult<()> {
    let me = ctx.caller()?.clone();
    if !users::delete_calendar_token(ctx.conn, &me.id)? {
        return Err(AppError::NotFound);
    }
    ctx.record(&me.id, Event::CalendarTokenRevoked)
}

/// Who a secret stands for, while their account is enabled.
pub fn owner(conn: &mut DbConn, token: &str) -> AppResult<Option<Caller>> {
    Ok(users::calendar_token_owner(conn, &token_hash(token))?.map(|(id, role)| Caller { id, role }))
}
