//! Statements a write sends at its end, together, on PostgreSQL.
//!
//! Each statement to PostgreSQL is a round trip; a registration used to make fourteen.
//! Most of its inserts — links, word-index entries, history, the audit row, the change
//! announcement — are read by nothing else in the transaction, so inside
//! [`DbConn::write`](crate::DbConn::write) they wait and go in one statement just before
//! the commit: `WITH q0 AS (INSERT …), q1 AS (INSERT …) SELECT pg_notify(…)`. PostgreSQL
//! runs every data-modifying `WITH` part exactly once, and the statement succeeds or fails
//! as a whole, so the transaction's atomicity is unchanged; a failing part (a foreign key,
//! a unique key) fails the write at its end instead of in its middle. Only inserts of
//! rows nothing in the transaction reads back, and no two of them on the same key, may
//! wait (the parts of one statement do not see each other's rows). Outside a write, and on
//! SQLite (no round trips), statements run at once.

use std::cell::RefCell;

use diesel::connection::Connection;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::Text;
use diesel::{PgConnection, QueryResult, RunQueryDsl};

/// Statements that may wait at once; one more sends them.
const MAX_WAITING: usize = 32;

#[derive(Default)]
struct Pending {
    statements: Vec<Box<dyn QueryFragment<Pg>>>,
    /// (channel, payload), each once.
    notices: Vec<(String, String)>,
    /// The audit chain heads this write has sealed rows onto: its rows wait, so the
    /// database cannot tell the next row of the same object its head.
    heads: std::collections::HashMap<(String, String), (i64, String)>,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

/// Starts collecting on this thread; `false` when a write is already collecting (the
/// outer one sends).
pub(crate) fn begin() -> bool {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.is_some() {
            return false;
        }
        *p = Some(Pending::default());
        true
    })
}

/// Sends what waited, in one statement.
pub(crate) fn send(conn: &mut PgConnection) -> QueryResult<()> {
    let Some(pending) = PENDING.with(|p| {
        p.borrow_mut().as_mut().map(|p| Pending {
            statements: std::mem::take(&mut p.statements),
            notices: std::mem::take(&mut p.notices),
            heads: Default::default(),
        })
    }) else {
        return Ok(());
    };
    if pending.statements.is_empty() && pending.notices.is_empty() {
        return Ok(());
    }
    Together(pending).execute(conn).map(drop)
}

/// The head this write left on an object's audit chain, if it wrote one.
pub(crate) fn head(object_type: &str, object_id: &str) -> Option<(i64, String)> {
    PENDING.with(|p| {
        p.borrow().as_ref().and_then(|p| p.heads.get(&(object_type.to_owned(), object_id.to_owned())).cloned())
    })
}

/// Records the head a waiting audit row leaves (see [`head`]); outside a write the row is
/// inserted at once and the database knows.
pub(crate) fn set_head(object_type: &str, object_id: &str, seq: i64, hash: &str) {
    PENDING.with(|p| {
        if let Some(p) = p.borrow_mut().as_mut() {
            p.heads.insert((object_type.to_owned(), object_id.to_owned()), (seq, hash.to_owned()));
        }
    })
}

/// Stops collecting and drops anything unsent (a rolled-back write).
pub(crate) fn end() {
    PENDING.with(|p| p.borrow_mut().take());
}

/// Runs `statement` now, or at the end of the current write.
pub(crate) fn run<Q>(conn: &mut PgConnection, statement: Q) -> QueryResult<()>
where
    Q: QueryFragment<Pg> + QueryId + 'static,
{
    let (waiting, full) = PENDING.with(|p| match p.borrow_mut().as_mut() {
        Some(pending) => {
            pending.statements.push(Box::new(statement));
            (None, pending.statements.len() >= MAX_WAITING)
        }
        None => (Some(statement), false),
    });
    match waiting {
        Some(statement) => conn.execute_returning_count(&statement).map(drop),
        // A large write sends in groups, in order, far below PostgreSQL's 65,535 parameters.
        None if full => send(conn),
        None => Ok(()),
    }
}

/// Runs `statement` on either backend: at the end of the current write on PostgreSQL,
/// at once on SQLite (see the module's rules).
pub(crate) fn statement<Q>(conn: &mut crate::DbConn, statement: Q) -> crate::DbResult<()>
where
    Q: QueryFragment<Pg> + QueryFragment<diesel::sqlite::Sqlite> + QueryId + 'static,
{
    match conn {
        crate::DbConn::Sqlite(c) => {
            c.execute_returning_count(&statement)?;
        }
        crate::DbConn::Pg(c) => run(c, statement)?,
    }
    Ok(())
}

/// `pg_notify(channel, payload)`, now or at the end of the current write (once per pair).
pub(crate) fn notify(conn: &mut PgConnection, channel: &str, payload: &str) -> QueryResult<()> {
    let notice = (channel.to_owned(), payload.to_owned());
    let now = PENDING.with(|p| match p.borrow_mut().as_mut() {
        Some(pending) => {
            if !pending.notices.contains(&notice) {
                pending.notices.push(notice);
            }
            None
        }
        None => Some(notice),
    });
    match now {
        Some(notice) => Together(Pending { statements: vec![], notices: vec![notice], heads: Default::default() })
            .execute(conn)
            .map(drop),
        None => Ok(()),
    }
}

/// The waiting statements as one: every insert in a `WITH` part but the last, which is
/// the main statement unless there are notices (then a `SELECT pg_notify(…), …` is).
struct Together(Pending);

impl QueryId for Together {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl RunQueryDsl<PgConnection> for Together {}

impl QueryFragment<Pg> for Together {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        let Pending { statements, notices, .. } = &self.0;
        let in_with = if notices.is_empty() { statements.len().saturating_sub(1) } else { statements.len() };
        for (i, statement) in statements[..in_with].iter().enumerate() {
            out.push_sql(if i == 0 { "WITH " } else { ", " });
            out.push_sql(&format!("q{i} AS ("));
            statement.walk_ast(out.reborrow())?;
            out.push_sql(")");
        }
        if in_with > 0 {
            out.push_sql(" ");
        }
        if notices.is_empty() {
            return statements[in_with..].iter().try_for_each(|s| s.walk_ast(out.reborrow()));
        }
        out.push_sql("SELECT ");
        for (i, (channel, payload)) in notices.iter().enumerate() {
            out.push_sql(if i == 0 { "pg_notify(" } else { ", pg_notify(" });
            out.push_bind_param::<Text, _>(channel)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, _>(payload)?;
            out.push_sql(")");
        }
        Ok(())
    }
}

/// Inserts `rows` (an owned `Vec`), at the end of the current write on PostgreSQL (see the
/// module's rules), at once on SQLite.
macro_rules! insert_later {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        if !rows.is_empty() {
            match $conn {
                $crate::DbConn::Sqlite(c) => {
                    for chunk in rows.chunks($crate::bulk::CHUNK) {
                        diesel::insert_into($table).values(chunk).execute(c)?;
                    }
                }
                $crate::DbConn::Pg(c) => $crate::later::run(c, diesel::insert_into($table).values(rows))?,
            }
        }
    }};
}
pub(crate) use insert_later;

/// Inserts `rows` (a `Vec` of insertable values) at once, for rows the same write reads
/// back: one statement per backend's batch (SQLite takes slices of `bulk::CHUNK`).
macro_rules! insert_now {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        if !rows.is_empty() {
            match $conn {
                $crate::DbConn::Sqlite(c) => {
                    for chunk in rows.chunks($crate::bulk::CHUNK) {
                        diesel::insert_into($table).values(chunk).execute(c)?;
                    }
                }
                $crate::DbConn::Pg(c) => {
                    diesel::insert_into($table).values(rows).execute(c)?;
                }
            }
        }
    }};
}
pub(crate) use insert_now;
