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

/// Entries counted per term to pick the rarest: matches cluster in list order (all the
/// `جمعيه الامل …` sort together), so walking a common term while a rarer one is
/// tested can read thousands of entries before the first match.
const COUNT_CAP: i64 = 5_000;

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

/// The entries of one record.
pub fn rows(entity: Entity, record_id: &str, sort_name: &str, doc: &SearchDoc) -> Vec<WordRow> {
    doc.forms()
        .iter()
        .map(|w| WordRow {
            entity: entity.code().to_owned(),
            word: w.clone(),
            sort_name: sort_name.to_owned(),
            record_id: record_id.to_owned(),
        })
        .collect()
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
        diesel::delete(
            w::table
                .filter(w::entity.eq(entity.code()))
                .filter(w::word.eq_any(removed))
                .filter(w::sort_name.eq(old_sort))
                .filter(w::record_id.eq(record_id)),
        )
        .execute(conn)?;
    }
    if !added.is_empty() {
        let rows: Vec<WordRow> = added
            .into_iter()
            .map(|word| WordRow {
                entity: entity.code().to_owned(),
                word: word.to_owned(),
                sort_name: sort_name.to_owned(),
                record_id: record_id.to_owned(),
            })
            .collect();
        insert(conn, &rows)?;
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

/// How a search is answered: which term is walked and how, the words each other term
/// stands for (probed in the index for every walked entry), and the terms too broad to
/// probe, which the caller tests on the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub plan: Plan,
    probes: Vec<Vec<String>>,
    /// Terms the caller must test on each candidate record (`search_text`).
    pub unprobed: Vec<String>,
}

/// Picks the term to walk and how: the one with the fewest entries (counted up to
/// [`COUNT_CAP`] when there is a choice), so the walk is as short as the rarest term
/// allows; the other terms become probes.
pub fn plan(conn: &mut DbConn, entity: Entity, terms: &[String]) -> DbResult<Search> {
    let empty = Search { plan: Plan::Empty, probes: vec![], unprobed: vec![] };
    let scan = Search { plan: Plan::Scan, probes: vec![], unprobed: terms.to_vec() };
    let cap = if terms.len() == 1 { COMMON } else { COUNT_CAP };
    let mut best: Option<(usize, i64)> = None;
    for (i, t) in terms.iter().enumerate() {
        let n = count(conn, entity, t, cap)?;
        if n == 0 {
            return Ok(empty);
        }
        if best.is_none_or(|(_, m)| n < m) {
            best = Some((i, n));
        }
    }
    let Some((driver, n)) = best else { return Ok(scan) };
    let term = &terms[driver];
    let plan = if n < COMMON {
        Plan::Prefix(term.clone())
    } else {
        match words_starting(conn, entity, term)? {
            Some(words) => Plan::Words(words),
            None => return Ok(scan),
        }
    };
    let mut search = Search { plan, probes: vec![], unprobed: vec![] };
    for (i, t) in terms.iter().enumerate() {
        if i != driver {
            match words_starting(conn, entity, t)? {
                Some(words) => search.probes.push(words),
                None => search.unprobed.push(t.clone()),
            }
        }
    }
    Ok(search)
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
/// [`MAX_WORDS`]: each found by one index seek past the previous one.
fn words_starting(conn: &mut DbConn, entity: Entity, term: &str) -> DbResult<Option<Vec<String>>> {
    use search_words as w;
    let end = range_end(term);
    let mut words: Vec<String> = Vec::new();
    let mut from: Option<String> = None;
    loop {
        let mut q = w::table
            .filter(w::entity.eq(entity.code()))
            .filter(w::word.lt(end.clone()))
            .select(w::word)
            .order(w::word)
            .limit(1)
            .into_boxed();
        q = match &from {
            None => q.filter(w::word.ge(term.to_owned())),
            Some(prev) => q.filter(w::word.gt(prev.clone())),
        };
        let Some(word) = q.first::<String>(conn).optional()? else { break };
        if words.len() == MAX_WORDS {
            return Ok(None);
        }
        from = Some(word.clone());
        words.push(word);
    }
    Ok(Some(words))
}

/// Keeps the candidate record ids that pass the rest of a search (other terms, filters).
pub type Test<'a> = dyn FnMut(&mut DbConn, &[String]) -> DbResult<HashSet<String>> + 'a;

/// Which entries a walk reads.
enum Range<'a> {
    Word(&'a str),
    Prefix(&'a str),
}

/// Up to `limit` records (sort name, id) in list order after `after` whose entries
/// fall in `range` and that `test` keeps. Entries are read in growing chunks and
/// `test` (given a chunk's record ids, it returns those that pass) decides in one
/// query per chunk, so a walk that finds its page early stops early.
fn walk(
    conn: &mut DbConn,
    entity: Entity,
    range: Range<'_>,
    probes: &[Vec<String>],
    after: Option<(&str, &str)>,
    test: &mut Test<'_>,
    limit: usize,
) -> DbResult<Vec<(String, String)>> {
    use search_words as w;
    let mut out = Vec::new();
    let mut from: Option<(String, String)> = after.map(|(k, id)| (k.to_owned(), id.to_owned()));
    let mut chunk = (limit * 2).max(100);
    while out.len() < limit {
        let mut q = w::table.filter(w::entity.eq(entity.code())).into_boxed();
        q = match range {
            Range::Word(word) => q.filter(w::word.eq(word.to_owned())),
            Range::Prefix(p) => q.filter(w::word.ge(p.to_owned())).filter(w::word.lt(range_end(p))),
        };
        for words in probes {
            q = q.filter(has_any(entity, words));
        }
        if let Some((key, id)) = &from {
            q = q.filter(
                diesel::dsl::sql::<Bool>("(search_words.sort_name, search_words.record_id) > (")
                    .bind::<Text, _>(key.clone())
                    .sql(", ")
                    .bind::<Text, _>(id.clone())
                    .sql(")"),
            );
        }
        // No DISTINCT: it makes SQLite read the whole range before the first row. One
        // word's entries are distinct already; a prefix's repeats (a record with two
        // words that start with it) come out next to each other and are dropped here.
        let mut candidates: Vec<(String, String)> = q
            .select((w::sort_name, w::record_id))
            .order((w::sort_name, w::record_id))
            .limit(i64::try_from(chunk).unwrap_or(i64::MAX))
            .load(conn)?;
        let Some(last) = candidates.last().cloned() else { break };
        let exhausted = candidates.len() < chunk;
        candidates.dedup();
        let ids: Vec<String> = candidates.iter().map(|(_, id)| id.clone()).collect();
        let pass = test(conn, &ids)?;
        out.extend(candidates.into_iter().filter(|(_, id)| pass.contains(id)).take(limit - out.len()));
        if exhausted {
            break;
        }
        from = Some(last);
        chunk = (chunk * 2).min(4000);
    }
    Ok(out)
}

type Predicate = Box<dyn BoxableExpression<search_words::table, Db, SqlType = Bool>>;
type Db = <DbConn as diesel::Connection>::Backend;

/// Whether the walked entry's record also has one of `words`: one primary-key probe
/// per word (the entry carries the record's sort key, the probe's second key column).
fn has_any(entity: Entity, words: &[String]) -> Predicate {
    let probe = |word: &str| {
        diesel::dsl::sql::<Bool>("EXISTS (SELECT 1 FROM search_words p WHERE p.entity = ")
            .bind::<Text, _>(entity.code().to_owned())
            .sql(" AND p.word = ")
            .bind::<Text, _>(word.to_owned())
            .sql(" AND p.sort_name = search_words.sort_name AND p.record_id = search_words.record_id)")
    };
    let mut p: Predicate = Box::new(diesel::dsl::sql::<Bool>("1 = 0"));
    for word in words {
        p = Box::new(probe(word).or(p));
    }
    p
}

/// One page of records (sort name, id) in list order for a [`Plan::Prefix`] or
/// [`Plan::Words`]; `test` keeps the candidate ids that pass the other terms and the
/// filters.
pub fn page(
    conn: &mut DbConn,
    entity: Entity,
    search: &Search,
    after: Option<(&str, &str)>,
    mut test: impl FnMut(&mut DbConn, &[String]) -> DbResult<HashSet<String>>,
    limit: usize,
) -> DbResult<Vec<(String, String)>> {
    let probes = &search.probes;
    match &search.plan {
        Plan::Empty | Plan::Scan => Ok(vec![]),
        Plan::Prefix(p) => walk(conn, entity, Range::Prefix(p), probes, after, &mut test, limit),
        Plan::Words(words) => {
            // Each word's first `limit` survivors in order; a record in the page's first
            // `limit` is among the first `limit` of every word it has.
            let mut all: Vec<(String, String)> = Vec::new();
            for word in words {
                all.extend(walk(conn, entity, Range::Word(word), probes, after, &mut test, limit)?);
            }
            all.sort();
            all.dedup();
            all.truncate(limit);
            Ok(all)
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
