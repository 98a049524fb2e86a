//! The context every operation runs in.

use chrono::{DateTime, Utc};
use tashbeek_domain::user::GlobalRole;
use tashbeek_persistence::{user as users, DbConn};

use crate::error::{AppError, AppResult};
use crate::event::{self, Event};

/// The caller as the database knows them now.
#[derive(Debug, Clone)]
pub struct Caller {
    pub id: tashbeek_domain::UserId,
    pub role: GlobalRole,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.role == GlobalRole::PlatformAdmin
    }

    /// Platform administrators and observers read everything.
    pub fn reads_all(&self) -> bool {
        matches!(self.role, GlobalRole::PlatformAdmin | GlobalRole::Observer)
    }
}

/// What a request brings to an operation, before any transaction.
#[derive(Debug, Clone)]
pub struct Env {
    /// The signed-in caller (already checked against the database by the caller's
    /// layer for reads; writes re-read it inside their transaction).
    pub caller: Option<Caller>,
    pub now: DateTime<Utc>,
    pub request_id: Option<String>,
}

/// An operation's context: the connection (inside the transaction for writes), the
/// caller, the time and the request id.
pub struct Ctx<'c> {
    pub conn: &'c mut DbConn,
    pub caller: Option<Caller>,
    pub now: DateTime<Utc>,
    pub request_id: Option<String>,
}

impl Ctx<'_> {
    /// The signed-in caller, or `Unauthorized`.
    pub fn caller(&self) -> AppResult<&Caller> {
        self.caller.as_ref().ok_or(AppError::Unauthorized)
    }

    /// Records `event` about `object_id` by the caller, in this transaction.
    pub fn record(&mut self, object_id: &str, event: Event) -> AppResult<()> {
        let actor = self.caller.as_ref().map(|c| c.id.clone());
        event::record(self.conn, self.now, actor.as_deref(), object_id, self.request_id.as_deref(), &event)
    }

    pub fn db_now(&self) -> chrono::NaiveDateTime {
        tashbeek_persistence::to_db_time(self.now)
    }
}

/// Runs `op` as one write transaction. The caller is read again inside it, so a
/// disabled or demoted account loses its powers at once, even mid-session.
pub fn write<T>(conn: &mut DbConn, env: Env, op: impl FnOnce(&mut Ctx) -> AppResult<T>) -> AppResult<T> {
    conn.write(|c| {
        let caller = match &env.caller {
            Some(known) => Some(current(c, &known.id)?),
            None => None,
        };
        let mut ctx = Ctx { conn: c, caller, now: env.now, request_id: env.request_id };
        op(&mut ctx)
    })
}

/// Runs `op` outside a transaction (reads).
pub fn read<T>(conn: &mut DbConn, env: Env, op: impl FnOnce(&mut Ctx) -> AppResult<T>) -> AppResult<T> {
    let mut ctx = Ctx { conn, caller: env.caller, now: env.now, request_id: env.request_id };
    op(&mut ctx)
}

/// The account `id` as stored now; a deleted or disabled one is signed out.
fn current(conn: &mut DbConn, id: &str) -> AppResult<Caller> {
    let row = users::get(conn, id).map_err(|_| AppError::Unauthorized)?;
    if row.disabled {
        return Err(AppError::Unauthorized);
    }
    Ok(Caller { role: row.role, id: row.id })
}
