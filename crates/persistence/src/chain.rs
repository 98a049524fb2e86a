//! The audit log's hash chains and anchors: what makes history tamper-evident.
//!
//! Every audit row is sealed when it is written: `seq` numbers the rows about one object
//! from 1, `prev_hash` is the hash of that object's previous row, and `hash` is the
//! SHA-256 of the row's content and `prev_hash` (see [`seal`]). Editing a row breaks its
//! own hash; deleting one breaks the link of the row after it. A chain per object keeps
//! writers of different objects from queueing on one chain head (on PostgreSQL the head
//! is read under a per-object lock held to the commit, so two writers never chain onto
//! the same row, and a unique `(object, seq)` refuses a fork in any case).
//!
//! Chains alone cannot reveal a rewrite of a whole chain, or the loss of an object's
//! newest rows. `n` orders every row, and an **anchor** folds the hashes of all rows up to
//! its `upto`, in that order, into one hash chained to the previous anchor's: published
//! (printed, sent to a ministry), it pins everything before it.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use sha2::{Digest, Sha256};

use tashbeek_domain::audit::{Anchor, Break, Verification};

use crate::bulk::AuditRow;
use crate::error::DbResult;
use crate::schema::{audit_anchors, audit_chain_pending, audit_log};
use crate::{from_db_time, new_key, DbConn};

/// Changes whenever the content that is hashed changes, so old rows stay checkable.
const FORMAT: &str = "tashbeek.audit.v1";
/// Rows read per statement by the walks over the whole log.
const PAGE: i64 = 5_000;

/// The hash of a row: SHA-256 (hex) of a JSON array of its fields, in a fixed order,
/// with the snapshots as the exact text stored.
pub fn seal(row: &AuditRow, seq: i64, prev_hash: Option<&str>) -> String {
    let content = (
        FORMAT,
        &row.id,
        row.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        &row.actor_id,
        &row.action,
        &row.object_type,
        &row.object_id,
        &row.before_json,
        &row.after_json,
        &row.request_id,
        seq,
        prev_hash,
    );
    let bytes = serde_json::to_vec(&content).unwrap_or_default();
    format!("{:x}", Sha256::digest(&bytes))
}

/// The next `seq` and the previous hash for a new row about `object`. On PostgreSQL it
/// also locks the object's chain until the transaction ends.
fn next_link(conn: &mut DbConn, object_type: &str, object_id: &str) -> DbResult<(i64, Option<String>)> {
    let head: Option<(Option<i64>, Option<String>)> = match conn {
        DbConn::Sqlite(c) => audit_log::table
            .filter(audit_log::object_type.eq(object_type))
            .filter(audit_log::object_id.eq(object_id))
            .order(audit_log::seq.desc())
            .select((audit_log::seq, audit_log::hash))
            .first(c)
            .optional()?,
        DbConn::Pg(c) => {
            #[derive(QueryableByName)]
            struct Head {
                #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
                head_seq: Option<i64>,
                #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
                head_hash: Option<String>,
            }
            diesel::sql_query("SELECT head_seq, head_hash FROM audit_head($1, $2)")
                .bind::<Text, _>(object_type)
                .bind::<Text, _>(object_id)
                .get_result::<Head>(c)
                .optional()?
                .map(|h| (h.head_seq, h.head_hash))
        }
    };
    Ok(match head {
        Some((seq, hash)) => (seq.unwrap_or(0) + 1, hash),
        None => (1, None),
    })
}

/// The next free `n` on SQLite (one writer at a time); PostgreSQL takes it from a sequence.
fn next_n(conn: &mut DbConn) -> DbResult<Option<i64>> {
    Ok(match conn {
        DbConn::Sqlite(c) => {
            let max: Option<i64> = audit_log::table.select(diesel::dsl::max(audit_log::n)).first(c)?;
            Some(max.unwrap_or(0) + 1)
        }
        DbConn::Pg(_) => None,
    })
}

/// Seals one new row onto its object's chain (in the caller's write transaction).
/// `first`: the row is about an object this transaction created (its id is new), so
/// its chain starts here unless this transaction already wrote about it; the head is
/// not looked up (a PostgreSQL write saves a round trip). The unique `(object, seq)`
/// refuses the row if the object had rows after all.
pub(crate) fn link(conn: &mut DbConn, row: &mut AuditRow, first: bool) -> DbResult<()> {
    let (seq, prev) = match crate::later::head(&row.object_type, &row.object_id) {
        Some((seq, hash)) => (seq + 1, Some(hash)),
        None if first && matches!(conn, DbConn::Pg(_)) => (1, None),
        None => next_link(conn, &row.object_type, &row.object_id)?,
    };
    row.hash = Some(seal(row, seq, prev.as_deref()));
    row.seq = Some(seq);
    row.prev_hash = prev;
    row.n = next_n(conn)?;
    if let (DbConn::Pg(_), Some(hash)) = (&*conn, &row.hash) {
        crate::later::set_head(&row.object_type, &row.object_id, row.seq.unwrap_or(1), hash);
    }
    Ok(())
}

/// Seals the rows of a bulk load, which are about new objects: each object's rows, in
/// the order given, start a chain (a unique `(object, seq)` refuses any that did not).
pub(crate) fn link_new(conn: &mut DbConn, rows: &mut [AuditRow]) -> DbResult<()> {
    let mut heads: std::collections::HashMap<(String, String), (i64, String)> = Default::default();
    let mut n = next_n(conn)?;
    for row in rows.iter_mut() {
        let key = (row.object_type.clone(), row.object_id.clone());
        let (seq, prev) = match heads.get(&key) {
            Some((s, h)) => (s + 1, Some(h.clone())),
            None => (1, None),
        };
        let hash = seal(row, seq, prev.as_deref());
        heads.insert(key, (seq, hash.clone()));
        row.seq = Some(seq);
        row.prev_hash = prev;
        row.hash = Some(hash);
        row.n = n;
        n = n.map(|v| v + 1);
    }
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct Stored {
    id: String,
    at: NaiveDateTime,
    actor_id: Option<String>,
    action: String,
    object_type: String,
    object_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    request_id: Option<String>,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl Stored {
    fn content(&self) -> AuditRow {
        AuditRow {
            id: self.id.clone(),
            at: self.at,
            actor_id: self.actor_id.clone(),
            action: self.action.clone(),
            object_type: self.object_type.clone(),
            object_id: self.object_id.clone(),
            before_json: self.before_json.clone(),
            after_json: self.after_json.clone(),
            request_id: self.request_id.clone(),
            seq: None,
            prev_hash: None,
            hash: None,
            n: None,
        }
    }
}

/// Chains the rows written before chaining existed, once, in the order they were written
/// (`at`, then id): run after migrations; a no-op once done.
pub fn chain_existing(conn: &mut DbConn) -> DbResult<usize> {
    conn.write(|c| {
        let pending: i64 = audit_chain_pending::table.count().get_result(c)?;
        if pending == 0 {
            return Ok(0);
        }
        let mut heads: std::collections::HashMap<(String, String), (i64, String)> = Default::default();
        let mut n = 0i64;
        let mut after: Option<(NaiveDateTime, String)> = None;
        loop {
            let mut q = audit_log::table
                .select(Stored::as_select())
                .order((audit_log::at, audit_log::id))
                .limit(PAGE)
                .into_boxed();
            if let Some((at, id)) = &after {
                q = q.filter(audit_log::at.gt(*at).or(audit_log::at.eq(*at).and(audit_log::id.gt(id.clone()))));
            }
            let rows: Vec<Stored> = q.load(c)?;
            let Some(last) = rows.last() else { break };
            after = Some((last.at, last.id.clone()));
            for r in &rows {
                let key = (r.object_type.clone(), r.object_id.clone());
                let (seq, prev) = match heads.get(&key) {
                    Some((s, h)) => (s + 1, Some(h.clone())),
                    None => (1, None),
                };
                let hash = seal(&r.content(), seq, prev.as_deref());
                n += 1;
                diesel::update(audit_log::table.find(&r.id))
                    .set((
                        audit_log::seq.eq(seq),
                        audit_log::prev_hash.eq(prev),
                        audit_log::hash.eq(&hash),
                        audit_log::n.eq(n),
                    ))
                    .execute(c)?;
                heads.insert(key, (seq, hash));
            }
        }
        if let (DbConn::Pg(pg), true) = (&mut *c, n > 0) {
            diesel::sql_query("SELECT setval('audit_log_n', $1)").bind::<BigInt, _>(n).execute(pg)?;
        }
        diesel::delete(audit_chain_pending::table).execute(c)?;
        Ok(n as usize)
    })
}

/// Walks every object's chain (recomputing each hash and checking each link), then folds
/// the rows in order against every anchor. Stops at the first break.
pub fn verify(conn: &mut DbConn) -> DbResult<Verification> {
    let started = std::time::Instant::now();
    let mut v = Verification { verified: false, rows: 0, objects: 0, anchors: 0, broken: None, milliseconds: 0 };
    walk(conn, &mut v)?;
    v.verified = v.broken.is_none();
    v.milliseconds = started.elapsed().as_millis() as i64;
    Ok(v)
}

fn walk(conn: &mut DbConn, v: &mut Verification) -> DbResult<()> {
    let unsealed: Option<Stored> = audit_log::table
        .filter(audit_log::seq.is_null().or(audit_log::hash.is_null()).or(audit_log::n.is_null()))
        .select(Stored::as_select())
        .first(conn)
        .optional()?;
    if let Some(r) = unsealed {
        v.broken = Some(Break {
            kind: "unsealed".into(),
            detail: format!("audit row {} ({} {}) has no hash, sequence or order", r.id, r.object_type, r.object_id),
            id: r.id,
            object_type: Some(r.object_type),
            object_id: Some(r.object_id),
            seq: r.seq,
            expected: None,
            found: None,
        });
        return Ok(());
    }
    let mut after: Option<(String, String, i64)> = None;
    let mut head: Option<(String, String, i64, String)> = None;
    'pages: loop {
        let mut q = audit_log::table
            .select(Stored::as_select())
            .order((audit_log::object_type, audit_log::object_id, audit_log::seq))
            .limit(PAGE)
            .into_boxed();
        if let Some((t, o, s)) = &after {
            q = q.filter(
                sql::<Bool>("(object_type, object_id, seq) > (")
                    .bind::<Text, _>(t.clone())
                    .sql(", ")
                    .bind::<Text, _>(o.clone())
                    .sql(", ")
                    .bind::<BigInt, _>(*s)
                    .sql(")"),
            );
        }
        let rows: Vec<Stored> = q.load(conn)?;
        let Some(last) = rows.last() else { break };
        after = Some((last.object_type.clone(), last.object_id.clone(), last.seq.unwrap_or(0)));
        for r in rows {
            v.rows += 1;
            let seq = r.seq.unwrap_or(0);
            let (expected_seq, expected_prev) = match &head {
                Some((t, o, s, h)) if *t == r.object_type && *o == r.object_id => (s + 1, Some(h.clone())),
                _ => {
                    v.objects += 1;
                    (1, None)
                }
            };
            if seq != expected_seq || r.prev_hash != expected_prev {
                let what = if expected_seq == 1 {
                    format!("starts at row {seq} instead of 1")
                } else if seq != expected_seq {
                    format!("row {seq} follows row {} (row {expected_seq} is missing)", expected_seq - 1)
                } else {
                    format!("row {seq} does not name row {}'s hash", expected_seq - 1)
                };
                v.broken = Some(Break {
                    kind: "link".into(),
                    detail: format!("audit row {}: the chain of {} {} {what}", r.id, r.object_type, r.object_id),
                    id: r.id,
                    object_type: Some(r.object_type),
                    object_id: Some(r.object_id),
                    seq: Some(seq),
                    expected: expected_prev.or_else(|| Some(String::new())),
                    found: r.prev_hash.or_else(|| Some(String::new())),
                });
                break 'pages;
            }
            let hash = seal(&r.content(), seq, r.prev_hash.as_deref());
            if r.hash.as_deref() != Some(hash.as_str()) {
                v.broken = Some(Break {
                    kind: "content".into(),
                    detail: format!(
                        "audit row {} ({} {}, row {seq}) was changed after it was written: its content hashes to {hash}",
                        r.id, r.object_type, r.object_id
                    ),
                    id: r.id,
                    object_type: Some(r.object_type),
                    object_id: Some(r.object_id),
                    seq: Some(seq),
                    expected: Some(hash),
                    found: r.hash,
                });
                break 'pages;
            }
            head = Some((r.object_type, r.object_id, seq, hash));
        }
    }
    if v.broken.is_some() {
        return Ok(());
    }
    let anchors: Vec<AnchorRow> =
        audit_anchors::table.order(audit_anchors::upto).select(AnchorRow::as_select()).load(conn)?;
    let mut from = 0i64;
    let mut count = 0i64;
    let mut prev: Option<String> = None;
    for a in anchors {
        v.anchors += 1;
        let (hash, rows) = fold(conn, prev.as_deref(), from, a.upto)?;
        count += rows;
        if a.prev_hash != prev || a.hash != hash || a.row_count != count {
            v.broken = Some(Break {
                kind: "anchor".into(),
                detail: format!(
                    "anchor {} of {} no longer matches the {} rows it covers (they now fold to {hash}, {count} rows): \
                     rows before it were rewritten or removed",
                    a.id,
                    from_db_time(a.at).format("%Y-%m-%d %H:%M UTC"),
                    a.row_count
                ),
                id: a.id,
                object_type: None,
                object_id: None,
                seq: None,
                expected: Some(a.hash),
                found: Some(hash),
            });
            return Ok(());
        }
        from = a.upto;
        prev = Some(a.hash);
    }
    Ok(())
}

/// Folds the hashes of the rows with `from < n <= upto`, in order, onto `prev`.
fn fold(conn: &mut DbConn, prev: Option<&str>, from: i64, upto: i64) -> DbResult<(String, i64)> {
    let mut hasher = Sha256::new();
    hasher.update(FORMAT.as_bytes());
    hasher.update(prev.unwrap_or("").as_bytes());
    let mut at = from;
    let mut rows = 0i64;
    loop {
        let page: Vec<(Option<i64>, Option<String>)> = audit_log::table
            .filter(audit_log::n.gt(at))
            .filter(audit_log::n.le(upto))
            .order(audit_log::n)
            .limit(PAGE * 4)
            .select((audit_log::n, audit_log::hash))
            .load(conn)?;
        let Some((Some(last), _)) = page.last() else { break };
        at = *last;
        for (_, h) in &page {
            hasher.update(b"\n");
            hasher.update(h.as_deref().unwrap_or("").as_bytes());
        }
        rows += page.len() as i64;
    }
    Ok((format!("{:x}", hasher.finalize()), rows))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_anchors)]
struct AnchorRow {
    id: String,
    at: NaiveDateTime,
    upto: i64,
    row_count: i64,
    prev_hash: Option<String>,
    hash: String,
}

impl From<AnchorRow> for Anchor {
    fn from(a: AnchorRow) -> Anchor {
        Anchor { id: a.id, at: from_db_time(a.at), rows: a.row_count, hash: a.hash, prev_hash: a.prev_hash }
    }
}

/// The newest anchor.
pub fn latest_anchor(conn: &mut DbConn) -> DbResult<Option<Anchor>> {
    Ok(latest_anchor_upto(conn)?.map(|(a, _)| a))
}

/// The newest anchor with the place in the log it covers up to (`n`).
pub fn latest_anchor_upto(conn: &mut DbConn) -> DbResult<Option<(Anchor, i64)>> {
    let row: Option<AnchorRow> =
        audit_anchors::table.order(audit_anchors::upto.desc()).select(AnchorRow::as_select()).first(conn).optional()?;
    Ok(row.map(|r| {
        let upto = r.upto;
        (Anchor::from(r), upto)
    }))
}

/// Anchors newest first (ids are time-ordered), after the anchor `before`.
pub fn anchors(conn: &mut DbConn, limit: i64, before: Option<&str>) -> DbResult<Vec<Anchor>> {
    let mut q = audit_anchors::table.order(audit_anchors::id.desc()).limit(limit).into_boxed();
    if let Some(b) = before {
        q = q.filter(audit_anchors::id.lt(b.to_owned()));
    }
    Ok(q.select(AnchorRow::as_select()).load::<AnchorRow>(conn)?.into_iter().map(Anchor::from).collect())
}

/// Whether rows were written since the newest anchor.
pub fn unanchored(conn: &mut DbConn) -> DbResult<bool> {
    let upto: Option<i64> = audit_anchors::table.select(diesel::dsl::max(audit_anchors::upto)).first(conn)?;
    let newest: Option<i64> = audit_log::table.select(diesel::dsl::max(audit_log::n)).first(conn)?;
    Ok(newest.unwrap_or(0) > upto.unwrap_or(0))
}

/// Anchors every row written so far, in the caller's write transaction; `None` when
/// nothing was written since the newest anchor. On PostgreSQL it first waits for the
/// writes in flight and holds new ones back until it commits, so the rows it covers are
/// all the rows up to its `upto`.
pub fn anchor(
    conn: &mut DbConn,
    at: chrono::DateTime<chrono::Utc>,
    min_age: Option<chrono::Duration>,
) -> DbResult<Option<Anchor>> {
    // Cheap checks first: periodic anchoring does nothing most of the time, and holds
    // writers back only when it anchors.
    if let Some(age) = min_age {
        let newest = latest_anchor(conn)?;
        if newest.as_ref().is_some_and(|a| a.at > at - age) || !unanchored(conn)? {
            return Ok(None);
        }
    }
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE").execute(pg)?;
    }
    let last: Option<AnchorRow> =
        audit_anchors::table.order(audit_anchors::upto.desc()).select(AnchorRow::as_select()).first(conn).optional()?;
    if let (Some(age), Some(l)) = (min_age, &last) {
        if from_db_time(l.at) > at - age {
            return Ok(None);
        }
    }
    let from = last.as_ref().map_or(0, |a| a.upto);
    let upto: Option<i64> = audit_log::table.select(diesel::dsl::max(audit_log::n)).first(conn)?;
    let Some(upto) = upto.filter(|u| *u > from) else { return Ok(None) };
    let prev = last.as_ref().map(|a| a.hash.clone());
    let (hash, rows) = fold(conn, prev.as_deref(), from, upto)?;
    let row = AnchorRow {
        id: new_key(),
        at: crate::to_db_time(at),
        upto,
        row_count: last.as_ref().map_or(0, |a| a.row_count) + rows,
        prev_hash: prev,
        hash,
    };
    diesel::insert_into(audit_anchors::table)
        .values((
            audit_anchors::id.eq(&row.id),
            audit_anchors::at.eq(row.at),
            audit_anchors::upto.eq(row.upto),
            audit_anchors::row_count.eq(row.row_count),
            audit_anchors::prev_hash.eq(&row.prev_hash),
            audit_anchors::hash.eq(&row.hash),
        ))
        .execute(conn)?;
    Ok(Some(row.into()))
}

/// One step of a record's chain, as its public verification page shows it.
#[derive(Debug, Clone)]
pub struct Step {
    pub at: NaiveDateTime,
    pub action: String,
    pub hash: Option<String>,
    /// Its place in the whole log (what anchors cover).
    pub n: Option<i64>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct StoredStep {
    #[diesel(embed)]
    row: Stored,
    n: Option<i64>,
}

/// The chain of one record, oldest first, and whether every step is intact and linked to
/// the one before (the walk stops at the first that is not).
pub fn object_chain(conn: &mut DbConn, object_type: &str, object_id: &str) -> DbResult<(bool, Vec<Step>)> {
    let rows: Vec<StoredStep> = audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .filter(audit_log::object_id.eq(object_id))
        .order((audit_log::seq, audit_log::id))
        .select(StoredStep::as_select())
        .load(conn)?;
    let mut prev: Option<String> = None;
    let mut intact = true;
    let mut steps = Vec::with_capacity(rows.len());
    for (i, StoredStep { row: r, n }) in rows.into_iter().enumerate() {
        let seq = i as i64 + 1;
        intact = intact
            && r.seq == Some(seq)
            && r.prev_hash == prev
            && r.hash.as_deref() == Some(seal(&r.content(), seq, prev.as_deref()).as_str());
        prev = r.hash.clone();
        steps.push(Step { at: r.at, action: r.action, hash: r.hash, n });
    }
    Ok((intact, steps))
}
