//! What other instances must hear about: changes that make a process's caches stale.
//!
//! Several instances may serve one PostgreSQL database. Each keeps the same caches as a
//! SQLite server (public organizations, who a session belongs to); a change is announced
//! with `pg_notify` inside its transaction, so every listening instance hears of it when —
//! and only if — it commits, and drops what it cached. An instance uses its caches only
//! while it is listening: before the first `LISTEN` and after the link is lost they are
//! off (and emptied), so a missed notification can never leave a stale entry behind. On
//! SQLite one process serves the file and sees every change itself: nothing is sent.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::error::DbResult;
use crate::DbConn;

/// Channel for changed organizations (payload: the id).
pub const ORGANIZATIONS: &str = "tashbeek_organizations";
/// Channel for changes to accounts and sessions (roles, disabling, passwords, logouts).
pub const ACCOUNTS: &str = "tashbeek_accounts";

/// How often the listener looks for notifications: the most a read on another instance
/// may trail a committed change (plus delivery).
const POLL: Duration = Duration::from_millis(5);

/// Announces a change to listening instances when the caller's transaction commits.
pub fn notify(conn: &mut DbConn, channel: &str, payload: &str) -> DbResult<()> {
    if let DbConn::Pg(c) = conn {
        crate::later::notify(c, channel, payload)?;
    }
    Ok(())
}

/// What the listener reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// Listening: from now on every committed change is reported.
    Listening,
    /// The link is lost: changes may be missed until the next `Listening`.
    Lost,
    Organization(String),
    Accounts,
}

/// Listens on its own thread and connection for changes committed by any instance
/// (this one included) and hands each to `on`, which returns false once nobody needs
/// them (the thread then ends). Reconnects after a lost link.
pub fn listen(
    url: String,
    on: impl Fn(Heard) -> bool + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("tashbeek-listen".into()).spawn(move || loop {
        if let Ok(mut c) = diesel::pg::PgConnection::establish(&url) {
            if c.batch_execute(&format!("LISTEN {ORGANIZATIONS}; LISTEN {ACCOUNTS};")).is_ok() {
                if !on(Heard::Listening) {
                    return;
                }
                let mut checked = Instant::now();
                'linked: loop {
                    for n in c.notifications_iter() {
                        let Ok(n) = n else { break 'linked };
                        let heard = match n.channel.as_str() {
                            ORGANIZATIONS => Heard::Organization(n.payload),
                            _ => Heard::Accounts,
                        };
                        if !on(heard) {
                            return;
                        }
                    }
                    // A dead link shows only when used: probe it now and then.
                    if checked.elapsed() > Duration::from_secs(2) {
                        if c.batch_execute("SELECT 1").is_err() {
                            break;
                        }
                        checked = Instant::now();
                    }
                    std::thread::sleep(POLL);
                }
            }
        }
        if !on(Heard::Lost) {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    })
}
