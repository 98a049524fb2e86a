//! The word index every searchable entity shares.
//!
//! A record is found by the forms of its words ([`SearchDoc`]): one `search_words`
//! entry per form, `(entity, word, list_key)`, where the list key is the record's sort
//! key and id in one value ([`list_key`]). Because the entry carries
//! the record's sort key, the entries of one word are already in list order: a page of
//! a search is a walk of one index range that stops once a page has passed the
//! record's other conditions. Terms other than the one walked, and the entity's
//! filters, are tested on each candidate record (`search_text` holds the same forms,
//! so `' ' + term` occurs in it exactly when the term starts a form).
//!
//! A search is answered by [`plan`] and [`page_words`]: each term that starts at most
//! [`MAX_WORDS`] words is the sorted union of its words' ranges, and a page is the
//! intersection of these lists, found in one statement by leapfrogging (every list
//! seeks, in turn, to the furthest key reached so far), with the entity's record test
//! (filters, visibility) probed on each key found, by its sort key and id. The cost
//! follows how often the lists alternate, not how long they are: terms whose records
//! cluster in list order (`جمعيه الامل الخيريه`) cost a few seeks per result. A term of
//! more words is tested on the record, or, when it is rare (under [`COMMON`] entries),
//! its prefix range is read whole with the other terms probed ([`page`]); a query of
//! only such terms that are all common walks the entity's own list order.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel::query_builder::QueryFragment;
use diesel::sql_types::{BigInt, Bool, Text};
use tashbeek_domain::text::SearchDoc;

use crate::error::DbResult;
use crate::schema::{search_index_state, search_words};
use crate::DbConn;

/// The version of the indexing rules ([`SearchDoc`]); raising it makes startup rebuild
/// every entity's entries and `search_text`.
pub const VERSION: i32 = 3;

/// Entries from which a prefix counts as common.
pub const COMMON: i64 = 1000;

/// Whole words a common prefix may stand for and still be walked word by word.
pub const MAX_WORDS: usize = 24;

/// A searchable entity; its code is the first key column of every entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Organization,
}

impl Entity {
    pub fn code(self) -> &'static str {
        match self {
            Entity::Organization => "o",
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = search_words)]
pub struct WordRow {
    pub entity: String,
    pub word: String,
    pub list_key: String,
}

impl WordRow {
    fn new(entity: Entity, word: &str, sort_name: &str, record_id: &str) -> WordRow {
        WordRow { entity: entity.code().to_owned(), word: word.to_owned(), list_key: list_key(sort_name, record_id) }
    }
}

/// The entries of one record.
pub fn rows(entity: Entity, record_id: &str, sort_name: &str, doc: &SearchDoc) -> Vec<WordRow> {
    word_rows(entity, record_id, sort_name, doc.forms())
}

/// A record's place in every list of the index: its sort name, U+0001 (below every
/// character of a sort name, so keys order as `(sort_name, id)` do) and its id.
pub fn list_key(sort_name: &str, id: &str) -> String {
    format!("{sort_name}\u{1}{id}")
}

/// The sort name and id of a list key.
pub fn split_key(key: &str) -> (String, String) {
    match key.split_once('\u{1}') {
        Some((s, id)) => (s.to_owned(), id.to_owned()),
        None => (key.to_owned(), String::new()),
    }
}

/// Entries for words an entity derives itself (its filter values, say).
pub fn word_rows(entity: Entity, record_id: &str, sort_name: &str, words: &[String]) -> Vec<WordRow> {
    words.iter().map(|w| WordRow::new(entity, w, sort_name, record_id)).collect()
}

/// The forms a stored `search_text` holds.
fn forms_of(search_text: &str) -> impl Iterator<Item = &str> {
    search_text.split(' ').filter(|w| !w.is_empty())
}

/// Brings a record's entries from `before` (its stored sort name and `search_text`,
/// `None` for a new record) to `after`, in the caller's transaction. Only what changed
/// is written: an edit that keeps the name and words writes nothing here.
pub fn update(
    conn: &mut DbConn,
    entity: Entity,
    record_id: &str,
    before: Option<(&str, &str)>,
    after: (&str, &str),
) -> DbResult<()> {
    use search_words as w;
    let (sort_name, text) = after;
    let new: Vec<&str> = forms_of(text).collect();
    let (removed, added): (Vec<&str>, Vec<&str>) = match before {
        None => (vec![], new.clone()),
        Some((old_sort, old_text)) => {
            let old: Vec<&str> = forms_of(old_text).collect();
            if old_sort == sort_name {
                (
                    old.iter().copied().filter(|f| !new.contains(f)).collect(),
                    new.iter().copied().filter(|f| !old.contains(f)).collect(),
                )
            } else {
                (old, new.clone())
            }
        }
    };
    if let (Some((old_sort, _)), false) = (before, removed.is_empty()) {
        let removed: Vec<String> = removed.into_iter().map(str::to_owned).collect();
        let q = w::table
            .filter(w::entity.eq(entity.code()))
            .filter(w::word.eq_any(removed))
            .filter(w::list_key.eq(list_key(old_sort, record_id)));
        crate::later::statement(conn, diesel::delete(q))?;
    }
    if !added.is_empty() {
        let rows: Vec<WordRow> =
            added.into_iter().map(|word| WordRow::new(entity, word, sort_name, record_id)).collect();
        // Never an entry the delete above removes (another word or sort key), and read by
        // nothing in the write: both go with the write's last statement on PostgreSQL.
        match conn {
            DbConn::Sqlite(_) => insert(conn, &rows)?,
            DbConn::Pg(c) => {
                crate::later::run(c, diesel::insert_into(search_words::table).values(rows).on_conflict_do_nothing())?
            }
        }
    }
    Ok(())
}

/// Inserts entries, skipping any already there (a rebuild racing a write).
pub fn insert(conn: &mut DbConn, rows: &[WordRow]) -> DbResult<()> {
    for chunk in rows.chunks(crate::bulk::CHUNK * 2) {
        match conn {
            DbConn::Sqlite(c) => diesel::insert_or_ignore_into(search_words::table).values(chunk).execute(c)?,
            DbConn::Pg(c) => {
                diesel::insert_into(search_words::table).values(chunk).on_conflict_do_nothing().execute(c)?
            }
        };
    }
    Ok(())
}

/// The version of `entity`'s entries (0 when never built).
pub fn version(conn: &mut DbConn, entity: Entity) -> DbResult<i32> {
    Ok(search_index_state::table
        .find(entity.code())
        .select(search_index_state::version)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Records that `entity`'s entries follow the current rules.
pub fn set_version(conn: &mut DbConn, entity: Entity) -> DbResult<()> {
    use search_index_state as s;
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(s::table)
            .values((s::entity.eq(entity.code()), s::version.eq(VERSION)))
            .on_conflict(s::entity)
            .do_update()
            .set(s::version.eq(VERSION))
            .execute(c)?,
        DbConn::Pg(c) => diesel::insert_into(s::table)
            .values((s::entity.eq(entity.code()), s::version.eq(VERSION)))
            .on_conflict(s::entity)
            .do_update()
            .set(s::version.eq(VERSION))
            .execute(c)?,
    };
    Ok(())
}

/// Removes every entry of `entity` (before a rebuild).
pub fn clear(conn: &mut DbConn, entity: Entity) -> DbResult<()> {
    diesel::delete(search_words::table.filter(search_words::entity.eq(entity.code()))).execute(conn)?;
    Ok(())
}

/// The end of the range of words that start with `term`: every such word sorts below
/// `term` followed by the highest character (bytewise on both databases).
fn range_end(term: &str) -> String {
    format!("{term}\u{10FFFF}")
}

/// How one term of a search is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No entry starts with the term: nothing matches.
    Empty,
    /// Few entries start with `term`: read them all, test, sort.
    Prefix(String),
    /// Every term of few words: their word lists are intersected ([`page_words`]).
    Words,
    /// A prefix of very many words: walk the entity's own list order.
    Scan,
}

/// How a search is answered: the plan, the words each term of few words stands for,
/// and the terms too broad to look up, which the caller tests on the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub plan: Plan,
    /// The words of every term that has few enough of them, one list per term: with
    /// `Plan::Words` a page is their intersection ([`page_words`]); with `Plan::Prefix`
    /// they are probed for each entry of the prefix's range ([`page`]).
    lists: Vec<Vec<String>>,
    /// Terms the caller must test on each candidate record (`search_text`).
    pub unprobed: Vec<String>,
}

impl Search {
    /// A page of records that each have a word of every list (an entity's filter values
    /// kept as words), with no search terms: answered like terms ([`page_words`]).
    pub fn of_lists(lists: Vec<Vec<String>>) -> Search {
        Search { plan: Plan::Words, lists, unprobed: vec![] }
    }

    /// Adds such lists to a search answered by intersecting lists; false (and nothing
    /// added) for any other plan, whose caller tests what the lists stand for itself.
    pub fn and_lists(&mut self, lists: Vec<Vec<String>>) -> bool {
        if self.plan != Plan::Words {
            return false;
        }
        self.lists.extend(lists);
        true
    }
}

/// Picks how to answer. Every term that starts at most [`MAX_WORDS`] words is a
/// sorted list (the union of its words' ranges, each in list order): the page is the
/// intersection of these lists, found by leapfrogging (each list seeks to the furthest
/// key any other has reached), so its cost follows how often the lists alternate,
/// not how long they are. Terms of more words are tested on the record; when one of
/// them is rare (under [`COMMON`] entries) its prefix range is read whole instead.
pub fn plan(conn: &mut DbConn, entity: Entity, terms: &[String]) -> DbResult<Search> {
    let empty = Search { plan: Plan::Empty, lists: vec![], unprobed: vec![] };
    let words = words_of_terms(conn, entity, terms)?;
    if words.iter().any(|w| matches!(w, Some(list) if list.is_empty())) {
        return Ok(empty);
    }
    let lists: Vec<Vec<String>> = words.iter().flatten().cloned().collect();
    let broad: Vec<usize> = (0..terms.len()).filter(|&i| words[i].is_none()).collect();
    // A broad term (too many words to seek) that is still rare: walk its prefix range.
    let mut rare: Option<usize> = None;
    let mut least = COMMON;
    for &i in &broad {
        let n = count(conn, entity, &terms[i], COMMON)?;
        if n == 0 {
            return Ok(empty);
        }
        if n < least {
            least = n;
            rare = Some(i);
        }
    }
    if let Some(r) = rare {
        let unprobed = broad.iter().filter(|&&i| i != r).map(|&i| terms[i].clone()).collect();
        return Ok(Search { plan: Plan::Prefix(terms[r].clone()), lists, unprobed });
    }
    let unprobed: Vec<String> = broad.iter().map(|&i| terms[i].clone()).collect();
    match lists.first() {
        None => Ok(Search { plan: Plan::Scan, lists, unprobed: terms.to_vec() }),
        Some(_) => Ok(Search { plan: Plan::Words, lists, unprobed }),
    }
}

/// The distinct words that start with each term, in one statement: per term, `None`
/// when there are more than [`MAX_WORDS`] (a recursive query per term, each step one
/// index seek past the previous word). Each seek is `ORDER BY word LIMIT 1`, not
/// `min(word)`: PostgreSQL's plan for `min` follows its estimate of the range, and for a
/// word it thinks rare it aggregated the whole range (8,059 entries for `امل`, 1 ms).
fn words_of_terms(conn: &mut DbConn, entity: Entity, terms: &[String]) -> DbResult<Vec<Option<Vec<String>>>> {
    if terms.is_empty() {
        return Ok(vec![]);
    }
    let mut q: Raw<'_, (BigInt, Text)> = Raw::new();
    q.sql("WITH RECURSIVE ");
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            q.sql(", ");
        }
        let end = range_end(t);
        q.sql(&format!("v{i}(word) AS (SELECT (SELECT word FROM search_words WHERE entity = "));
        q.text(entity.code()).sql(" AND word >= ").text(t).sql(" AND word < ").text(&end);
        q.sql(" ORDER BY word LIMIT 1) UNION ALL SELECT (SELECT w.word FROM search_words w WHERE w.entity = ");
        q.text(entity.code()).sql(&format!(" AND w.word > v{i}.word AND w.word < ")).text(&end);
        q.sql(&format!(" ORDER BY w.word LIMIT 1) FROM v{i} WHERE v{i}.word IS NOT NULL)"));
    }
    for i in 0..terms.len() {
        if i > 0 {
            q.sql(" UNION ALL ");
        }
        q.sql(&format!(
            "SELECT CAST({i} AS BIGINT), a{i}.word FROM (SELECT word FROM v{i} WHERE word IS NOT NULL LIMIT {}) AS a{i}",
            MAX_WORDS + 1
        ));
    }
    let rows: Vec<(i64, String)> = q.load(conn)?;
    let mut out: Vec<Option<Vec<String>>> = vec![Some(vec![]); terms.len()];
    for (i, word) in rows {
        if let Some(Some(list)) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
            list.push(word);
        }
    }
    for w in &mut out {
        if w.as_ref().is_some_and(|l| l.len() > MAX_WORDS) {
            *w = None;
        }
    }
    Ok(out)
}

/// Entries whose word starts with `term`, counted up to `cap`.
fn count(conn: &mut DbConn, entity: Entity, term: &str, cap: i64) -> DbResult<i64> {
    let q = diesel::dsl::sql::<BigInt>("(SELECT count(*) FROM (SELECT 1 FROM search_words WHERE entity = ")
        .bind::<Text, _>(entity.code().to_owned())
        .sql(" AND word >= ")
        .bind::<Text, _>(term.to_owned())
        .sql(" AND word < ")
        .bind::<Text, _>(range_end(term))
        .sql(" LIMIT ")
        .bind::<BigInt, _>(cap)
        .sql(") AS capped)");
    Ok(diesel::select(q).get_result(conn)?)
}

/// Keeps the candidate record ids that pass the rest of a search (other terms, filters).
pub type Test<'a> = dyn FnMut(&mut DbConn, &[String]) -> DbResult<HashSet<String>> + 'a;

/// The next `chunk` entries (sort name, id) of the words starting with `term` after
/// `from`, in list order, each with whether its record also has every probe's words. A
/// chunk is a fixed number of entries read, matching or not, so a round of a walk costs
/// the same whatever the term. No DISTINCT: it makes SQLite read the whole range before
/// the first row; a record with two words of the prefix has two entries, next to each
/// other, and the walk drops the repeat.
fn read_chunk(
    conn: &mut DbConn,
    entity: Entity,
    term: &str,
    probes: &[Vec<String>],
    from: Option<&(String, String)>,
    chunk: usize,
) -> DbResult<Vec<(String, String, bool)>> {
    use search_words as w;
    let backend = conn.backend();
    let mut q = w::table
        .filter(w::entity.eq(entity.code()))
        .filter(w::word.ge(term.to_owned()))
        .filter(w::word.lt(range_end(term)))
        .into_boxed();
    let mut hit: Predicate = Box::new(diesel::dsl::sql::<Bool>("1 = 1"));
    for words in probes {
        hit = Box::new(has_any(backend, entity, "search_words.list_key", words).and(hit));
    }
    if let Some((key, id)) = from {
        q = q.filter(w::list_key.gt(list_key(key, id)));
    }
    let rows: Vec<(String, bool)> =
        q.select((w::list_key, hit)).order(w::list_key).limit(i64::try_from(chunk).unwrap_or(i64::MAX)).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(k, hit)| {
            let (s, id) = split_key(&k);
            (s, id, hit)
        })
        .collect())
}

/// A walk of a rare prefix's range in list order after a cursor, toward `limit` records
/// that the caller's test keeps: read in growing chunks, each chunk's hits tested in one
/// query, so a page found early stops early.
struct Walk<'a> {
    term: &'a str,
    probes: &'a [Vec<String>],
    /// How far the range has been read.
    from: Option<(String, String)>,
    out: Vec<(String, String)>,
    chunk: usize,
    limit: usize,
}

impl Walk<'_> {
    /// One round; true once the page is complete (full, or the range exhausted).
    fn step(&mut self, conn: &mut DbConn, entity: Entity, test: &mut Test<'_>) -> DbResult<bool> {
        let rows = read_chunk(conn, entity, self.term, self.probes, self.from.as_ref(), self.chunk)?;
        let exhausted = rows.len() < self.chunk;
        if let Some((k, id, _)) = rows.last() {
            self.from = Some((k.clone(), id.clone()));
        }
        // The cursor is strictly after the last entry read, so a repeat never spans chunks.
        let mut ready: Vec<(String, String)> = rows.into_iter().filter(|r| r.2).map(|(k, id, _)| (k, id)).collect();
        ready.dedup();
        if !ready.is_empty() {
            let ids: Vec<String> = ready.iter().map(|(_, id)| id.clone()).collect();
            let pass = test(conn, &ids)?;
            for c in ready {
                if pass.contains(&c.1) {
                    self.out.push(c);
                    if self.out.len() == self.limit {
                        return Ok(true);
                    }
                }
            }
        }
        self.chunk = (self.chunk * 2).min(4000);
        Ok(exhausted)
    }
}

type Predicate = Box<dyn BoxableExpression<search_words::table, Db, SqlType = Bool>>;

/// Ends a probe subquery so that it stays a probe: PostgreSQL would otherwise turn
/// `EXISTS` into a hash of the word's whole range, built for every query (`OFFSET 0`
/// keeps the subquery as it is). SQLite probes as written.
fn fence(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Postgres => " OFFSET 0",
        crate::Backend::Sqlite => "",
    }
}
type Db = <DbConn as diesel::Connection>::Backend;

/// Whether the record of the row being read also has one of `words`: one primary-key
/// probe per word. `key` is SQL for the row's list key: with the word, it is the whole
/// key of the probed entry.
fn has_any<QS: 'static>(
    backend: crate::Backend,
    entity: Entity,
    key: &str,
    words: &[String],
) -> Box<dyn BoxableExpression<QS, Db, SqlType = Bool>> {
    let end = format!(" AND p.list_key = {key}{})", fence(backend));
    let probe = |word: &str| {
        diesel::dsl::sql::<Bool>("EXISTS (SELECT 1 FROM search_words p WHERE p.entity = ")
            .bind::<Text, _>(entity.code().to_owned())
            .sql(" AND p.word = ")
            .bind::<Text, _>(word.to_owned())
            .sql(&end)
    };
    let mut p: Box<dyn BoxableExpression<QS, Db, SqlType = Bool>> = Box::new(diesel::dsl::sql::<Bool>("1 = 0"));
    for word in words {
        p = Box::new(probe(word).or(p));
    }
    p
}

/// With `Plan::Prefix`: one page of records (sort name, id) in list order; `test` keeps
/// the candidate ids that pass the filters and the terms the index cannot probe.
pub fn page(
    conn: &mut DbConn,
    entity: Entity,
    search: &Search,
    after: Option<(&str, &str)>,
    mut test: impl FnMut(&mut DbConn, &[String]) -> DbResult<HashSet<String>>,
    limit: usize,
) -> DbResult<Vec<(String, String)>> {
    let Plan::Prefix(term) = &search.plan else { return Ok(vec![]) };
    let mut walk = Walk {
        term,
        probes: &search.lists,
        from: after.map(|(k, id)| (k.to_owned(), id.to_owned())),
        out: Vec::new(),
        chunk: (limit * 2).max(100),
        limit,
    };
    while !walk.step(conn, entity, &mut test)? {}
    Ok(walk.out)
}

/// Whether the record whose id is the SQL `id` has an entry starting with `term`.
pub fn has_prefix(backend: crate::Backend, entity: Entity, id: &str, term: &str) -> Cond {
    let (_, of_key) = (dialect(backend).split)("w.list_key");
    Cond::new(&format!("{id} IN (SELECT {of_key} FROM search_words w WHERE w.entity = "))
        .text(entity.code())
        .sql(" AND w.word >= ")
        .text(term)
        .sql(" AND w.word < ")
        .text(&range_end(term))
        .sql(")")
}

/// A fragment of a statement built by the caller (an entity's record test).
pub type Fragment<'a> = Box<dyn QueryFragment<Db> + Send + 'a>;

/// An entity's record test for a key found in the word index: `test(s, id)` is a
/// subquery selecting the record whose sort key and id are the SQL `s` and `id` if it
/// passes (see [`page_words`]).
pub type RecordTest<'t, 'a> = &'t dyn Fn(&str, &str) -> Fragment<'a>;

enum Part<'a> {
    Sql(String),
    Text(String),
    Frag(Fragment<'a>),
}

/// A statement assembled from SQL text, bound values and diesel fragments: the same
/// text for the same shape of search (words and filters are bound), so each connection
/// prepares it once when no fragment forbids it.
pub struct Raw<'a, ST = ()> {
    parts: Vec<Part<'a>>,
    _st: std::marker::PhantomData<ST>,
}

impl<ST> Default for Raw<'_, ST> {
    fn default() -> Self {
        Raw { parts: vec![], _st: std::marker::PhantomData }
    }
}

impl<'a, ST> Raw<'a, ST> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn sql(&mut self, s: &str) -> &mut Self {
        if let Some(Part::Sql(last)) = self.parts.last_mut() {
            last.push_str(s);
        } else {
            self.parts.push(Part::Sql(s.to_owned()));
        }
        self
    }
    pub fn text(&mut self, v: &str) -> &mut Self {
        self.parts.push(Part::Text(v.to_owned()));
        self
    }
    pub fn frag(&mut self, f: Fragment<'a>) -> &mut Self {
        self.parts.push(Part::Frag(f));
        self
    }
    fn load<U>(self, conn: &mut DbConn) -> DbResult<Vec<U>>
    where
        ST: 'static,
        Db: diesel::backend::Backend + diesel::sql_types::HasSqlType<ST>,
        U: diesel::deserialize::FromSqlRow<ST, Db> + 'static,
        Self: diesel::query_dsl::LoadQuery<'a, DbConn, U>,
    {
        Ok(RunQueryDsl::load(self, conn)?)
    }
}

impl<ST> QueryFragment<Db> for Raw<'_, ST> {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, Db>) -> QueryResult<()> {
        for p in &self.parts {
            match p {
                Part::Sql(s) => out.push_sql(s),
                Part::Text(v) => out.push_bind_param::<Text, String>(v)?,
                Part::Frag(f) => f.walk_ast(out.reborrow())?,
            }
        }
        Ok(())
    }
}

impl<ST> diesel::query_builder::QueryId for Raw<'_, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST> diesel::query_builder::Query for Raw<'_, ST> {
    type SqlType = ST;
}

impl<ST> RunQueryDsl<DbConn> for Raw<'_, ST> {}

/// The backend's spelling of what a leapfrog statement needs.
struct Dialect {
    /// The sort name and the id of a key.
    split: fn(&str) -> (String, String),
    /// A key of no entry (the first row's "previous key").
    none: &'static str,
    /// What makes a built key compare as the stored ones do.
    collate: &'static str,
}

fn dialect(backend: crate::Backend) -> Dialect {
    match backend {
        crate::Backend::Sqlite => Dialect {
            split: |x| {
                (format!("substr({x}, 1, instr({x}, char(1)) - 1)"), format!("substr({x}, instr({x}, char(1)) + 1)"))
            },
            none: "NULL",
            collate: "",
        },
        crate::Backend::Postgres => Dialect {
            split: |x| (format!("split_part({x}, chr(1), 1)"), format!("split_part({x}, chr(1), 2)")),
            none: "CAST(NULL AS TEXT) COLLATE \"C\"",
            collate: " COLLATE \"C\"",
        },
    }
}

/// Appends the first key of `words` (one term's list) at or after `x` (SQL for a key),
/// past `x` itself when the SQL condition `strict` holds.
fn seek<ST>(q: &mut Raw<'_, ST>, entity: Entity, words: &[String], x: &str, strict: &str) {
    let one = |q: &mut Raw<'_, ST>, word: &str| {
        q.sql("(SELECT sw.list_key FROM search_words sw WHERE sw.entity = ").text(entity.code());
        q.sql(" AND sw.word = ").text(word);
        q.sql(&format!(
            " AND sw.list_key >= {x} AND NOT ({strict} AND sw.list_key = {x}) ORDER BY sw.list_key LIMIT 1)"
        ));
    };
    if let [word] = words {
        one(q, word);
        return;
    }
    q.sql("(SELECT min(k) FROM (");
    for (n, word) in words.iter().enumerate() {
        q.sql(if n == 0 { "SELECT " } else { " UNION ALL SELECT " });
        one(q, word);
        q.sql(" AS k");
    }
    q.sql(") AS u)");
}

/// One page (sort name, id) of the records on every list of `search` after `after`, in
/// list order, that `test` keeps: `test(s, id)` is a subquery selecting the record whose
/// sort key and id are the SQL `s` and `id` if it passes, `None` when every record does.
///
/// One statement. A single one-word list is read as its range. Otherwise a recursive
/// query leapfrogs: each row seeks the next list (round robin) to the first key at or
/// after the last one found; when every list in a row has landed on the same key it is
/// a result, and the next seek passes it. A list that runs out ends the walk. The
/// statement stops as soon as the page is full.
pub fn page_words<'a>(
    conn: &mut DbConn,
    entity: Entity,
    search: &Search,
    after: Option<(&str, &str)>,
    test: Option<RecordTest<'_, 'a>>,
    limit: usize,
) -> DbResult<Vec<(String, String)>> {
    let lists = &search.lists;
    if lists.is_empty() || limit == 0 {
        return Ok(vec![]);
    }
    let backend = conn.backend();
    let fence = fence(backend);
    let d = dialect(backend);
    let mut q: Raw<'a, Text> = Raw::new();
    if let [only] = lists.as_slice() {
        if let [word] = only.as_slice() {
            q.sql("SELECT sw.list_key FROM search_words sw WHERE sw.entity = ").text(entity.code());
            q.sql(" AND sw.word = ").text(word);
            if let Some((k, id)) = after {
                q.sql(" AND sw.list_key > ").text(&list_key(k, id));
            }
            if let Some(test) = test {
                let (s, id) = (d.split)("sw.list_key");
                q.sql(" AND EXISTS (").frag(test(&s, &id)).sql(fence).sql(")");
            }
            q.sql(&format!(" ORDER BY sw.list_key LIMIT {limit}"));
            let keys: Vec<String> = q.load(conn)?;
            return Ok(keys.iter().map(|k| split_key(k)).collect());
        }
    }
    let t = lists.len();
    let agreed = "(CASE WHEN lf.x = lf.p THEN lf.c + 1 ELSE 1 END)";
    // Rows (p, x, i, c): x is where list i landed seeking from p, the key before it;
    // c counts the lists in a row that landed on p. The first row is the cursor (or
    // the start), as if every list had landed there when there is a cursor, so the
    // first seek passes it.
    let cursor = |q: &mut Raw<'a, Text>, key: &str| {
        q.sql("CAST(").text(key).sql(" AS TEXT)").sql(d.collate);
    };
    q.sql("WITH RECURSIVE lf(p, x, i, c) AS (SELECT ");
    match after {
        None => {
            q.sql(d.none).sql(", ");
            cursor(&mut q, "");
            q.sql(", 0, 0");
        }
        Some((k, id)) => {
            let key = list_key(k, id);
            cursor(&mut q, &key);
            q.sql(", ");
            cursor(&mut q, &key);
            q.sql(&format!(", 0, {}", t - 1));
        }
    }
    q.sql(" UNION ALL SELECT lf.x, CASE (lf.i % ");
    q.sql(&format!("{t}) + 1"));
    let strict = format!("{agreed} >= {t}");
    for (j, words) in lists.iter().enumerate() {
        q.sql(&format!(" WHEN {} THEN ", j + 1));
        seek(&mut q, entity, words, "lf.x", &strict);
    }
    q.sql(&format!(" END, (lf.i % {t}) + 1, {agreed} FROM lf WHERE lf.x IS NOT NULL) "));
    q.sql(&format!(
        "SELECT m.k FROM (SELECT lf.x AS k FROM lf WHERE lf.i > 0 AND lf.x IS NOT NULL AND {agreed} >= {t}) AS m"
    ));
    if let Some(test) = test {
        let (s, id) = (d.split)("m.k");
        q.sql(" WHERE EXISTS (").frag(test(&s, &id)).sql(fence).sql(")");
    }
    q.sql(&format!(" LIMIT {limit}"));
    let keys: Vec<String> = q.load(conn)?;
    Ok(keys.iter().map(|k| split_key(k)).collect())
}

/// A condition written as SQL text with bound text values (or none: columns of an
/// enclosing query, for a record test correlated with a walk). Unlike `dsl::sql`, which
/// diesel never caches, it leaves the statement cacheable: the same text for the same
/// shape of query, so each connection prepares it once.
pub struct Cond(Raw<'static, ()>);

impl Cond {
    pub fn new(sql: &str) -> Self {
        let mut r = Raw::new();
        r.sql(sql);
        Cond(r)
    }
    pub fn sql(mut self, s: &str) -> Self {
        self.0.sql(s);
        self
    }
    pub fn text(mut self, v: &str) -> Self {
        self.0.text(v);
        self
    }
}

impl diesel::expression::Expression for Cond {
    type SqlType = Bool;
}

impl<QS> diesel::expression::AppearsOnTable<QS> for Cond {}
impl<QS> diesel::expression::SelectableExpression<QS> for Cond {}

impl diesel::expression::ValidGrouping<()> for Cond {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl QueryFragment<Db> for Cond {
    fn walk_ast<'b>(&'b self, out: diesel::query_builder::AstPass<'_, 'b, Db>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }
}

impl diesel::query_builder::QueryId for Cond {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
