//! A list statement assembled from optional filters: SQL text with its values. Diesel's
//! query builder cannot choose the driving index per request, which is what keeps a
//! filtered list of hundreds of thousands of rows to a few page reads.
//!
//! On PostgreSQL the statement is prepared once per connection and kept by its text, as
//! Diesel keeps its own statements: written with `sql_query`, it would be parsed and
//! planned on every request. Lists are bound as one array (`= ANY($n)`), so the texts come
//! from the shapes of the filters, not from their values, except for the reference codes
//! that decide a plan ([`Query::code`]). Each connection keeps the first [`KEPT`] texts
//! this process meets, and the first [`KEPT_CODED`] with codes written in; one met after
//! them is planned for each request, so no sequence of requests grows a connection's
//! statements without bound. SQLite binds each value of a list (`IN (?, ?, …)`) and
//! prepares the statement on every request.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, OnceLock};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Date, Text, Timestamp, Untyped};

use crate::error::DbResult;
use crate::DbConn;

/// A value bound into a statement.
pub(crate) enum Bind {
    Text(String),
    /// A list, on PostgreSQL (SQLite binds each value).
    Texts(Vec<String>),
    Date(NaiveDate),
    Time(NaiveDateTime),
}

pub(crate) struct Query {
    /// The text before each value and after the last: one more than `binds`.
    sql: Vec<String>,
    binds: Vec<Bind>,
    pg: bool,
    /// Whether [`Query::code`] wrote a value into the text.
    coded: bool,
    /// The rows asked for by [`Query::limit`].
    limit: Option<usize>,
}

impl Query {
    pub(crate) fn new(conn: &DbConn, select: &str) -> Query {
        Query {
            sql: vec![select.to_owned()],
            binds: Vec::new(),
            pg: conn.backend() == crate::Backend::Postgres,
            coded: false,
            limit: None,
        }
    }

    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        if let Some(last) = self.sql.last_mut() {
            last.push_str(sql);
        }
        self
    }

    pub(crate) fn bind(&mut self, b: Bind) -> &mut Self {
        self.binds.push(b);
        self.sql.push(String::new());
        self
    }

    /// ` INDEXED BY index` on SQLite, whose planner otherwise prefers a unique key that
    /// needs the table row as well to a covering key that does not.
    pub(crate) fn index_hint(&mut self, index: &str) -> &mut Self {
        if !self.pg {
            self.push(" INDEXED BY ").push(index);
        }
        self
    }

    /// Whether the statement is for PostgreSQL (arrays, joins its planner merges).
    pub(crate) fn pg(&self) -> bool {
        self.pg
    }

    pub(crate) fn text(&mut self, v: &str) -> &mut Self {
        self.bind(Bind::Text(v.to_owned()))
    }

    /// A reference code (an area id, a sector code) whose rows decide the plan: written
    /// into the text on PostgreSQL, which plans the statement for that code once and keeps
    /// the plan. Bound, the statement would be planned again on every request, because one
    /// plan for every code (a merge for a dense area) is slow for some (a rare one). A value
    /// that is not a plain code is bound, so nothing but letters, digits, `-`, `_` and `.`
    /// is ever written.
    pub(crate) fn code(&mut self, v: &str) -> &mut Self {
        let plain = !v.is_empty()
            && v.len() <= 64
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if self.pg && plain {
            self.coded = true;
            return self.push("'").push(v).push("'");
        }
        self.text(v)
    }

    /// ` IN (?, ?, …)` of `values` (` IN (NULL)`, which nothing is in, for none) on SQLite;
    /// ` = ANY($n)` of them as one array on PostgreSQL.
    pub(crate) fn any(&mut self, values: &[String]) -> &mut Self {
        if self.pg {
            return self.push(" = ANY(").bind(Bind::Texts(values.to_vec())).push(")");
        }
        if values.is_empty() {
            return self.push(" IN (NULL)");
        }
        self.push(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text(v);
        }
        self.push(")")
    }

    /// ` LIMIT n`, `n` written into the text and at least `rows`; [`Query::load`] returns
    /// `rows` at most. PostgreSQL plans a bound limit for a tenth of the table, so the
    /// statement would be planned again for each request's values; written, its one plan
    /// is kept. There `n` is one of a few sizes, so the texts stay few; SQLite, which
    /// prepares every statement anew, reads `rows`.
    pub(crate) fn limit(&mut self, rows: i64) -> &mut Self {
        const SIZES: [i64; 6] = [2, 11, 21, 51, 101, 201];
        let rows = rows.max(1);
        let n = if self.pg { SIZES.into_iter().find(|&n| n >= rows).unwrap_or(rows) } else { rows };
        self.limit = Some(rows as usize);
        self.push(&format!(" LIMIT {n}"))
    }

    pub(crate) fn load<T>(self, conn: &mut DbConn) -> DbResult<Vec<T>>
    where
        T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<Pg> + 'static,
    {
        let limit = self.limit;
        let mut rows = match conn {
            DbConn::Sqlite(c) => {
                let mut q = diesel::sql_query(self.sql.join("?")).into_boxed::<diesel::sqlite::Sqlite>();
                for b in self.binds {
                    q = match b {
                        Bind::Text(v) => q.bind::<Text, _>(v),
                        Bind::Texts(_) => {
                            // `any` binds each value on SQLite: a statement built wrong.
                            let e = "a list bound as one value on SQLite";
                            return Err(diesel::result::Error::QueryBuilderError(e.into()).into());
                        }
                        Bind::Date(v) => q.bind::<Date, _>(v),
                        Bind::Time(v) => q.bind::<Timestamp, _>(v),
                    };
                }
                q.load::<T>(c)?
            }
            DbConn::Pg(c) => {
                Prepared { kept: kept(&self.sql, self.coded), sql: self.sql, binds: self.binds }.load::<T>(c)?
            }
        };
        if let Some(n) = limit {
            rows.truncate(n);
        }
        Ok(rows)
    }
}

/// How many statement texts each PostgreSQL connection keeps prepared: every shape the
/// dashboard and the usual filters make fits with room to spare.
const KEPT: usize = 256;

/// How many texts with codes written in ([`Query::code`]) each connection keeps besides,
/// counted apart so that codes never crowd out the shapes: the codes the usual requests
/// walk (an area or a sector with a few filters). A text met once these are taken is
/// planned for each request, as every list was before codes.
const KEPT_CODED: usize = 512;

/// Whether the text of `sql` is one of the first this process met ([`KEPT`], or
/// [`KEPT_CODED`] when `coded`; the same for every connection, so each keeps those at
/// most).
fn kept(sql: &[String], coded: bool) -> bool {
    static TEXTS: OnceLock<Mutex<[HashSet<u64>; 2]>> = OnceLock::new();
    let mut h = DefaultHasher::new();
    sql.hash(&mut h);
    let text = h.finish();
    let mut sets = TEXTS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let (texts, room) = if coded { (&mut sets[1], KEPT_CODED) } else { (&mut sets[0], KEPT) };
    texts.contains(&text) || (texts.len() < room && texts.insert(text))
}

/// A written statement Diesel's cache keeps by its text, on PostgreSQL, when `kept`.
struct Prepared {
    kept: bool,
    sql: Vec<String>,
    binds: Vec<Bind>,
}

impl QueryId for Prepared {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for Prepared {
    type SqlType = Untyped;
}

impl QueryFragment<Pg> for Prepared {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if !self.kept {
            out.unsafe_to_cache_prepared();
        }
        for (i, sql) in self.sql.iter().enumerate() {
            out.push_sql(sql);
            match self.binds.get(i) {
                Some(Bind::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                Some(Bind::Texts(v)) => out.push_bind_param::<Array<Text>, _>(v)?,
                Some(Bind::Date(v)) => out.push_bind_param::<Date, _>(v)?,
                Some(Bind::Time(v)) => out.push_bind_param::<Timestamp, _>(v)?,
                None => {}
            }
        }
        Ok(())
    }
}

impl RunQueryDsl<diesel::PgConnection> for Prepared {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_keeps_the_first_texts_it_meets_and_no_more() {
        for (coded, room) in [(false, KEPT), (true, KEPT_CODED)] {
            let text = |i: usize| vec![format!("SELECT {i} FROM kept_test WHERE x = "), String::new()];
            let first = (0..=room).find(|&i| kept(&text(i), coded)).expect("room for one text at least");
            let refused = (first..=first + room).find(|&i| !kept(&text(i), coded)).expect("a text past the limit");
            assert!(kept(&text(first), coded), "a kept text stays kept");
            assert!(!kept(&text(refused), coded), "a refused text stays refused");
        }
    }

    #[test]
    fn only_plain_codes_are_written_into_the_text() {
        let written = |pg: bool, v: &str| {
            let mut q = Query { sql: vec!["WHERE a = ".into()], binds: Vec::new(), pg, coded: false, limit: None };
            q.code(v);
            (q.sql.concat(), q.binds.len(), q.coded)
        };
        assert_eq!(written(true, "SD-RN"), ("WHERE a = 'SD-RN'".into(), 0, true));
        assert_eq!(written(true, "health_2.0"), ("WHERE a = 'health_2.0'".into(), 0, true));
        for v in ["x' OR '1'='1", "", "a b", "é", "a;", &"a".repeat(65)] {
            assert_eq!(written(true, v), ("WHERE a = ".into(), 1, false), "{v:?} is bound");
        }
        assert_eq!(written(false, "SD-RN"), ("WHERE a = ".into(), 1, false), "SQLite binds");
    }
}
