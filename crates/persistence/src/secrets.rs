//! Server secrets generated on first run and kept in the database, so every instance
//! behind a load balancer signs and checks tokens with the same key.

use diesel::prelude::*;

use crate::error::{DbError, DbResult};
use crate::schema::server_secrets;
use crate::DbConn;

/// Returns the named secret, creating it with `generate` if absent. Two instances
/// racing on first start both end up with the one that was stored first.
pub fn get_or_create(
    conn: &mut DbConn,
    name: &str,
    now: chrono::NaiveDateTime,
    generate: impl FnOnce() -> String,
) -> DbResult<String> {
    let find = |conn: &mut DbConn| {
        server_secrets::table.find(name).select(server_secrets::value).first::<String>(conn).optional()
    };
    if let Some(v) = find(conn)? {
        return Ok(v);
    }
    let inserted = diesel::insert_into(server_secrets::table)
        .values((
            server_secrets::name.eq(name),
            server_secrets::value.eq(generate()),
            server_secrets::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) | Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {}
        Err(e) => return Err(e.into()),
    }
    find(conn)?.ok_or(DbError::NotFound)
}
