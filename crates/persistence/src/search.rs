//! The word index every searchable entity shares.
//!
//! A record is found by the forms of its words ([`SearchDoc`]): one `search_words`
//! entry per form, `(entity, word, sort_name, record_id)`. Because the entry carries
//! the record's sort key, the entries of one word are already in list order: a page of
//! a search is a walk of one index range that stops once a page has passed the
//! record's other conditions. Terms other than the one walked, and the entity's
//! filters, are tested on each candidate record (`search_text` holds the same forms,
//! so `' ' + term` occurs in it exactly when the term starts a form).
//!
//! How one term is walked depends on how many entries start with it (see [`plan`]):
//! a rare prefix (under [`COMMON`] entries) is read whole and sorted; a common one is
//! a handful of whole words (`جمعيه`, `جمعيات`) whose ordered ranges are walked side
//! by side and merged; a prefix of very many words (`ج`) matches so densely that the
//! entity's own sort index is walked instead.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use tashbeek_domain::text::SearchDoc;

use crate::error::DbResult;
use crate::schema::{search_index_state, search_words};
use crate::DbConn;

/// The version of the indexing rules ([`SearchDoc`]); raising it makes startup rebuild
/// every entity's entries and `search_text`.
pub const VERSION: i32 = 1;

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
    pub sort_name: String,
    pub record_id: String,
}

impl WordRow {
    fn new(entity: Entity, word: &str, sort_name: &str, record_id: &str) -> WordRow {
        WordRow {
            entity: entity.code().to_owned(),
            word: word.to_owned(),
            sort_name: sort_name.to_owned(),
            record_id: record_id.to_owned(),
        }
    }
}

/// The entries of one record.
pub fn rows(entity: Entity, record_id: &str, sort_name: &str, doc: &SearchDoc) -> Vec<WordRow> {
    doc.forms().iter().map(|w| WordRow::new(entity, w, sort_name, record_id)).collect()
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
            .filter(w::sort_name.eq(old_sort.to_owned()))
            .filter(w::record_id.eq(record_id.to_owned()));
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
    /// Many entries, under few words: walk each word's range in order and merge.
    Words(Vec<String>),
    /// A prefix of very many words: walk the entity's own list order.
    Scan,
}

/// How a search is answered: which terms are walked and how, the words each other term
/// stands for (probed in the index for every walked entry), and the terms too broad to
/// probe, which the caller tests on the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// How the (first) walked term is read; `Empty` and `Scan` need no walk.
    pub plan: Plan,
    drivers: Vec<Driver>,
    /// Terms the caller must test on each candidate record (`search_text`).
    pub unprobed: Vec<String>,
}

impl Search {
    /// When every term is common: the words each probed term stands for, for a walk of
    /// the entity's own list order that probes them all.
    pub fn common_words(&self) -> Option<Vec<&[String]>> {
        let first = self.drivers.first()?;
        let Plan::Words(words) = &first.plan else { return None };
        let mut all = vec![words.as_slice()];
        all.extend(first.probes.iter().map(Vec::as_slice));
        Some(all)
    }
}

/// One term walked in list order, the others probed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Driver {
    plan: Plan,
    probes: Vec<Vec<String>>,
}

/// Picks what to walk. A rare term (under [`COMMON`] entries) is walked alone: its few
/// entries bound the work. When every term is common, which one finds a page soonest
/// depends on where the matches fall in list order (all the `جمعيه الامل …` sort
/// together), which no count tells: each common term is walked, side by side, and the
/// first to finish answers — at most a few times the work of the best choice, never
/// the worst case of a wrong one.
pub fn plan(conn: &mut DbConn, entity: Entity, terms: &[String]) -> DbResult<Search> {
    let empty = Search { plan: Plan::Empty, drivers: vec![], unprobed: vec![] };
    let scan = Search { plan: Plan::Scan, drivers: vec![], unprobed: terms.to_vec() };
    let mut counts = Vec::with_capacity(terms.len());
    for t in terms {
        let n = count(conn, entity, t, COMMON)?;
        if n == 0 {
            return Ok(empty);
        }
        counts.push(n);
    }
    let rarest = (0..terms.len()).min_by_key(|&i| counts[i]).unwrap_or(0);
    // A rare term is walked through its prefix range: only the others need their words.
    let rare = counts[rarest] < COMMON;
    let mut words = Vec::with_capacity(terms.len());
    for (i, t) in terms.iter().enumerate() {
        words.push(if rare && i == rarest { None } else { words_starting(conn, entity, t)? });
    }
    let unprobed: Vec<String> =
        (0..terms.len()).filter(|&i| words[i].is_none() && !(rare && i == rarest)).map(|i| terms[i].clone()).collect();
    let probes_but = |i: usize| -> Vec<Vec<String>> {
        words.iter().enumerate().filter(|(j, _)| *j != i).filter_map(|(_, w)| w.clone()).collect()
    };
    let drivers: Vec<Driver> = if rare {
        vec![Driver { plan: Plan::Prefix(terms[rarest].clone()), probes: probes_but(rarest) }]
    } else {
        (0..terms.len())
            .filter_map(|i| words[i].clone().map(|w| Driver { plan: Plan::Words(w), probes: probes_but(i) }))
            .collect()
    };
    let Some(first) = drivers.first() else { return Ok(scan) };
    Ok(Search { plan: first.plan.clone(), drivers, unprobed })
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

/// The distinct words that start with `term`, or `None` when there are more than
/// [`MAX_WORDS`]: a recursive query, each step one index seek past the previous word
/// (one round trip however many words).
fn words_starting(conn: &mut DbConn, entity: Entity, term: &str) -> DbResult<Option<Vec<String>>> {
    #[derive(QueryableByName)]
    struct Word {
        #[diesel(sql_type = Text)]
        word: String,
    }
    const SQL: &str = "WITH RECURSIVE v(word) AS (\
        SELECT min(word) FROM search_words WHERE entity = #1 AND word >= #2 AND word < #3 \
        UNION ALL \
        SELECT (SELECT min(w.word) FROM search_words w WHERE w.entity = #1 AND w.word > v.word AND w.word < #3) \
        FROM v WHERE v.word IS NOT NULL) \
        SELECT word FROM v WHERE word IS NOT NULL LIMIT #4";
    let (code, end, max) = (entity.code(), range_end(term), i64::try_from(MAX_WORDS + 1).unwrap_or(i64::MAX));
    let words: Vec<Word> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(SQL.replace('#', "?"))
            .bind::<Text, _>(code)
            .bind::<Text, _>(term)
            .bind::<Text, _>(&end)
            .bind::<BigInt, _>(max)
            .load(c)?,
        DbConn::Pg(c) => diesel::sql_query(SQL.replace('#', "$"))
            .bind::<Text, _>(code)
            .bind::<Text, _>(term)
            .bind::<Text, _>(&end)
            .bind::<BigInt, _>(max)
            .load(c)?,
    };
    Ok((words.len() <= MAX_WORDS).then(|| words.into_iter().map(|w| w.word).collect()))
}

/// Keeps the candidate record ids that pass the rest of a search (other terms, filters).
pub type Test<'a> = dyn FnMut(&mut DbConn, &[String]) -> DbResult<HashSet<String>> + 'a;

/// Which entries a walk reads.
enum Range<'a> {
    Word(&'a str),
    Prefix(&'a str),
}

/// The next `chunk` entries (sort name, id) of `range` after `from`, in list order,
/// each with whether its record also has every probe's words. A chunk is a fixed number
/// of entries read, matching or not, so a round of a walk costs the same whatever the
/// term. No DISTINCT: it makes SQLite read the whole range before the first row; a
/// prefix's repeats (a record with two words that start with it) come out next to each
/// other and the caller's set drops them.
fn read_chunk(
    conn: &mut DbConn,
    entity: Entity,
    range: &Range<'_>,
    probes: &[Vec<String>],
    from: Option<&(String, String)>,
    chunk: usize,
) -> DbResult<Vec<(String, String, bool)>> {
    use search_words as w;
    let backend = conn.backend();
    let mut q = w::table.filter(w::entity.eq(entity.code())).into_boxed();
    q = match range {
        Range::Word(word) => q.filter(w::word.eq(word.to_string())),
        Range::Prefix(p) => q.filter(w::word.ge(p.to_string())).filter(w::word.lt(range_end(p))),
    };
    let mut hit: Predicate = Box::new(diesel::dsl::sql::<Bool>("1 = 1"));
    for words in probes {
        hit = Box::new(has_any(backend, entity, ("search_words.sort_name", "search_words.record_id"), words).and(hit));
    }
    if let Some((key, id)) = from {
        q = q.filter(
            diesel::dsl::sql::<Bool>("(search_words.sort_name, search_words.record_id) > (")
                .bind::<Text, _>(key.clone())
                .sql(", ")
                .bind::<Text, _>(id.clone())
                .sql(")"),
        );
    }
    Ok(q.select((w::sort_name, w::record_id, hit))
        .order((w::sort_name, w::record_id))
        .limit(i64::try_from(chunk).unwrap_or(i64::MAX))
        .load(conn)?)
}

/// A walk of some ranges in list order after a cursor, toward `limit` records with an
/// entry in one of the ranges that the caller's test keeps: the ranges are read side by
/// side in growing chunks and merged; what is known complete (up to the least advanced
/// open range) is tested in one query per round, so a page found early stops early, and
/// many small ranges cost one test, not one each.
struct Walk<'a> {
    ranges: Vec<Range<'a>>,
    probes: &'a [Vec<String>],
    /// Per range: how far it has been read, and whether it is exhausted.
    read: Vec<(Option<(String, String)>, bool)>,
    pending: std::collections::BTreeSet<(String, String)>,
    out: Vec<(String, String)>,
    chunk: usize,
    limit: usize,
}

impl<'a> Walk<'a> {
    fn new(driver: &'a Driver, after: Option<(&str, &str)>, limit: usize) -> Walk<'a> {
        let ranges: Vec<Range<'a>> = match &driver.plan {
            Plan::Prefix(p) => vec![Range::Prefix(p)],
            Plan::Words(words) => words.iter().map(|w| Range::Word(w)).collect(),
            Plan::Empty | Plan::Scan => vec![],
        };
        let start: Option<(String, String)> = after.map(|(k, id)| (k.to_owned(), id.to_owned()));
        Walk {
            read: ranges.iter().map(|_| (start.clone(), false)).collect(),
            ranges,
            probes: &driver.probes,
            pending: Default::default(),
            out: Vec::new(),
            chunk: (limit * 2).max(100),
            limit,
        }
    }

    /// One round; true once the page is complete (full, or every range exhausted).
    fn step(&mut self, conn: &mut DbConn, entity: Entity, test: &mut Test<'_>) -> DbResult<bool> {
        let least = |read: &[(Option<(String, String)>, bool)]| {
            read.iter().filter(|(_, done)| !done).map(|(from, _)| from.clone()).min()
        };
        // Read on from every open range that is the least advanced.
        let horizon = least(&self.read);
        for (i, range) in self.ranges.iter().enumerate() {
            let (from, done) = &self.read[i];
            if *done || Some(from) != horizon.as_ref() {
                continue;
            }
            let rows = read_chunk(conn, entity, range, self.probes, from.as_ref(), self.chunk)?;
            let done = rows.len() < self.chunk;
            let from = rows.last().map(|(k, id, _)| (k.clone(), id.clone())).or_else(|| from.clone());
            self.pending.extend(rows.into_iter().filter(|(_, _, hit)| *hit).map(|(k, id, _)| (k, id)));
            self.read[i] = (from, done);
        }
        // Everything up to the least advanced open range is complete.
        let horizon = least(&self.read);
        let ready: Vec<(String, String)> = match &horizon {
            None => std::mem::take(&mut self.pending).into_iter().collect(),
            Some(None) => vec![],
            Some(Some(h)) => {
                let rest = self.pending.split_off(&(h.0.clone(), format!("{}\u{0}", h.1)));
                std::mem::replace(&mut self.pending, rest).into_iter().collect()
            }
        };
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
        Ok(horizon.is_none())
    }
}

type Predicate = Box<dyn BoxableExpression<search_words::table, Db, SqlType = Bool>>;

/// Ends a probe subquery so that it stays a probe: PostgreSQL would otherwise turn
/// `EXISTS` into a hash of the word's whole range, built for every query (`OFFSET 0`
/// keeps the subquery as it is). SQLite probes as written.
pub fn fence(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Postgres => " OFFSET 0",
        crate::Backend::Sqlite => "",
    }
}
type Db = <DbConn as diesel::Connection>::Backend;

/// Whether the record of the row being read also has one of `words`: one primary-key
/// probe per word. `key` names the row's sort-key and id columns (`search_words.sort_name`,
/// `search_words.record_id` for a walk of the index; the entity's own columns for a walk
/// of its list order): with the word, they are the whole key of the probed entry.
pub fn has_any<QS: 'static>(
    backend: crate::Backend,
    entity: Entity,
    key: (&str, &str),
    words: &[String],
) -> Box<dyn BoxableExpression<QS, Db, SqlType = Bool>> {
    let end = format!(" AND p.sort_name = {} AND p.record_id = {}{})", key.0, key.1, fence(backend));
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

/// One page of records (sort name, id) in list order; `test` keeps the candidate ids
/// that pass the filters and the terms the index cannot probe. With several walked
/// terms (see [`plan`]) they take turns, and the first to complete answers.
pub fn page(
    conn: &mut DbConn,
    entity: Entity,
    search: &Search,
    after: Option<(&str, &str)>,
    mut test: impl FnMut(&mut DbConn, &[String]) -> DbResult<HashSet<String>>,
    limit: usize,
) -> DbResult<Vec<(String, String)>> {
    let mut walks: Vec<Walk<'_>> = search.drivers.iter().map(|d| Walk::new(d, after, limit)).collect();
    if walks.is_empty() {
        return Ok(vec![]);
    }
    loop {
        for walk in &mut walks {
            if walk.step(conn, entity, &mut test)? {
                return Ok(std::mem::take(&mut walk.out));
            }
        }
    }
}

type EntityWords = diesel::dsl::Filter<search_words::table, diesel::dsl::Eq<search_words::entity, &'static str>>;
type PrefixRange = diesel::dsl::Filter<
    diesel::dsl::Filter<EntityWords, diesel::dsl::GtEq<search_words::word, String>>,
    diesel::dsl::Lt<search_words::word, String>,
>;
/// The subquery of [`prefix_ids`].
pub type PrefixIds = diesel::dsl::Select<PrefixRange, search_words::record_id>;

/// The records with an entry starting with `term`, as a subquery (for `IN`).
pub fn prefix_ids(entity: Entity, term: &str) -> PrefixIds {
    use search_words as w;
    w::table
        .filter(w::entity.eq(entity.code()))
        .filter(w::word.ge(term.to_owned()))
        .filter(w::word.lt(range_end(term)))
        .select(w::record_id)
}
