//! A list statement assembled from optional filters: SQL text with its values, the
//! placeholders written for the backend (`?` for SQLite, `$n` for PostgreSQL). Diesel's
//! query builder cannot choose the driving index per request, which is what keeps a
//! filtered list of hundreds of thousands of rows to a few page reads.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::error::DbResult;
use crate::DbConn;

/// A value bound into a statement.
pub(crate) enum Bind {
    Text(String),
    Date(NaiveDate),
    Time(NaiveDateTime),
    Int(i64),
}

pub(crate) struct Query {
    sql: String,
    binds: Vec<Bind>,
    pg: bool,
}

impl Query {
    pub(crate) fn new(conn: &DbConn, select: &str) -> Query {
        Query { sql: select.to_owned(), binds: Vec::new(), pg: conn.backend() == crate::Backend::Postgres }
    }

    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    pub(crate) fn bind(&mut self, b: Bind) -> &mut Self {
        self.binds.push(b);
        if self.pg {
            self.sql.push_str(&format!("${}", self.binds.len()));
        } else {
            self.sql.push('?');
        }
        self
    }

    /// ` INDEXED BY index` on SQLite, whose planner otherwise prefers a unique key that
    /// needs the table row as well to a covering key that does not.
    pub(crate) fn index_hint(&mut self, index: &str) -> &mut Self {
        if !self.pg {
            self.sql.push_str(" INDEXED BY ");
            self.sql.push_str(index);
        }
        self
    }

    pub(crate) fn text(&mut self, v: &str) -> &mut Self {
        self.bind(Bind::Text(v.to_owned()))
    }

    /// `(?, ?, …)` of `values`; `(NULL)`, which nothing is in, for none.
    pub(crate) fn list(&mut self, values: &[String]) -> &mut Self {
        if values.is_empty() {
            return self.push("(NULL)");
        }
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text(v);
        }
        self.push(")")
    }

    pub(crate) fn load<T>(self, conn: &mut DbConn) -> DbResult<Vec<T>>
    where
        T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
    {
        use diesel::sql_types::{BigInt, Date, Text, Timestamp};
        macro_rules! run {
            ($c:expr, $db:ty) => {{
                let mut q = diesel::sql_query(self.sql).into_boxed::<$db>();
                for b in self.binds {
                    q = match b {
                        Bind::Text(v) => q.bind::<Text, _>(v),
                        Bind::Date(v) => q.bind::<Date, _>(v),
                        Bind::Time(v) => q.bind::<Timestamp, _>(v),
                        Bind::Int(v) => q.bind::<BigInt, _>(v),
                    };
                }
                q.load::<T>($c)?
            }};
        }
        Ok(match conn {
            DbConn::Sqlite(c) => run!(c, diesel::sqlite::Sqlite),
            DbConn::Pg(c) => run!(c, diesel::pg::Pg),
        })
    }
}
