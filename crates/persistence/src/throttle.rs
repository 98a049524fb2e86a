//! Attempt throttles shared by every instance on one database: failed logins per
//! account and per client address, sign-ups per address. Each attempt is a row
//! (`login_failures`, keyed by `acct:…`, `addr:…`, `signup:…`).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::error::DbResult;
use crate::schema::login_failures;
use crate::{new_key, DbConn};

/// Reserves one attempt under each `(key, max)` unless any key already holds `max`
/// attempts within `window` before `now`: the count and the new rows are one atomic
/// step, so parallel attempts can never pass the limit between a check and a record. On
/// PostgreSQL a reservation takes a transaction-scoped advisory lock per key (across
/// instances too) and gives up at once when another holds it, so a burst against one
/// key never queues pooled connections; on SQLite the write transaction is exclusive.
/// Must run inside [`DbConn::write`]. `Err(at)` is when trying again makes sense.
pub fn reserve(
    conn: &mut DbConn,
    keys: &[(&str, i64)],
    window: Duration,
    now: NaiveDateTime,
) -> DbResult<Result<Vec<String>, NaiveDateTime>> {
    if let DbConn::Pg(c) = conn {
        let mut sorted: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        sorted.sort_unstable();
        for key in sorted {
            let locked: bool = diesel::select(
                diesel::dsl::sql::<diesel::sql_types::Bool>("pg_try_advisory_xact_lock(hashtextextended(")
                    .bind::<diesel::sql_types::Text, _>(key)
                    .sql(", 0))"),
            )
            .get_result(c)?;
            if !locked {
                return Ok(Err(now + Duration::seconds(1)));
            }
        }
    }
    let window_start = now - window;
    for &(key, max) in keys {
        let q = login_failures::table
            .filter(login_failures::throttle_key.eq(key))
            .filter(login_failures::at.ge(window_start));
        let n: i64 = q.count().get_result(conn)?;
        if n >= max {
            let oldest: Option<NaiveDateTime> = q.select(diesel::dsl::min(login_failures::at)).first(conn)?;
            return Ok(Err(oldest.unwrap_or(window_start) + window));
        }
    }
    // Each key forgets its attempts older than a day as it goes, so throttles that no
    // failed login ever prunes (sign-ups, invitations) stay small too.
    for &(key, _) in keys {
        diesel::delete(
            login_failures::table
                .filter(login_failures::throttle_key.eq(key))
                .filter(login_failures::at.lt(now - Duration::days(1))),
        )
        .execute(conn)?;
    }
    let mut ids = Vec::with_capacity(keys.len());
    for &(key, _) in keys {
        let id = new_key();
        diesel::insert_into(login_failures::table)
            .values((login_failures::id.eq(&id), login_failures::throttle_key.eq(key), login_failures::at.eq(now)))
            .execute(conn)?;
        ids.push(id);
    }
    Ok(Ok(ids))
}

/// Gives back reserved attempts (a login that succeeded does not count against its address).
pub fn release(conn: &mut DbConn, ids: &[String]) -> DbResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// Forgets every attempt under `key` (a successful login clears its account's failures).
pub fn clear(conn: &mut DbConn, key: &str) -> DbResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::throttle_key.eq(key))).execute(conn)?;
    Ok(())
}

/// Forgets attempts older than `before` so the table stays small.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> DbResult<usize> {
    Ok(diesel::delete(login_failures::table.filter(login_failures::at.lt(before))).execute(conn)?)
}
