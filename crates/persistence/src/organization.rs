//! Organizations, their sector/area/resource links, verification history, and the
//! directory query (search, filters, keyset pagination).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tashbeek_domain::organization::{
    ContactVisibility, Contacts, DuplicateCandidate, Organization, OrganizationInput, OrganizationKind,
    OrganizationSummary, Resource, VerificationEvent, VerificationStatus,
};
use tashbeek_domain::{OrganizationId, UserId, VerificationEventId};

use crate::error::{DbError, DbResult};
use crate::json::Json;
use crate::schema::{
    organization_areas, organization_resources, organization_sectors, organizations, verification_events,
};
use crate::search::{self, Entity, Plan};
use crate::{from_db_time, new_id, DbConn};

/// One organizations row, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organizations, treat_none_as_null = true)]
pub struct OrgRow {
    pub id: OrganizationId,
    pub kind: OrganizationKind,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub acronym: Option<String>,
    pub description: Option<String>,
    pub founded_year: Option<i32>,
    pub registration_number: Option<String>,
    pub registering_authority: Option<String>,
    pub address: Option<String>,
    pub contacts: Json<Contacts>,
    pub members_count: Option<i64>,
    pub volunteers_count: Option<i64>,
    pub beneficiaries_per_year: Option<i64>,
    pub offers: Json<Vec<Resource>>,
    pub needs: Json<Vec<Resource>>,
    /// Sector codes and area ids as JSON arrays: a read needs no join. The link tables
    /// hold the same, indexed for filtering.
    pub sector_codes: Json<Vec<String>>,
    pub area_ids: Json<Vec<String>>,
    pub contact_visibility: ContactVisibility,
    pub verification_status: VerificationStatus,
    pub archived_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub sort_name: String,
    pub name_key_ar: Option<String>,
    pub name_key_en: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    /// What directory filters match, kept in the sort index: see [`facets`].
    pub facets: String,
}

impl OrgRow {
    /// A new row for `input` (already validated), pending verification.
    pub fn new(input: &OrganizationInput, created_by: Option<&UserId>, now: NaiveDateTime) -> DbResult<OrgRow> {
        let mut row = OrgRow {
            id: new_id(),
            kind: input.kind,
            name_ar: None,
            name_en: None,
            acronym: None,
            description: None,
            founded_year: None,
            registration_number: None,
            registering_authority: None,
            address: None,
            contacts: Json::default(),
            members_count: None,
            volunteers_count: None,
            beneficiaries_per_year: None,
            offers: Json::default(),
            needs: Json::default(),
            sector_codes: Json::default(),
            area_ids: Json::default(),
            contact_visibility: input.contact_visibility,
            verification_status: VerificationStatus::Pending,
            archived_at: None,
            search_text: String::new(),
            sort_name: String::new(),
            name_key_ar: None,
            name_key_en: None,
            created_by: created_by.cloned(),
            created_at: now,
            updated_at: now,
            version: 1,
            facets: NO_FACETS.into(),
        };
        row.apply(input)?;
        Ok(row)
    }

    /// Overwrites the profile fields from `input`, keeping identity, status and history.
    pub fn apply(&mut self, i: &OrganizationInput) -> DbResult<()> {
        self.kind = i.kind;
        self.name_ar = i.name_ar.clone();
        self.name_en = i.name_en.clone();
        self.acronym = i.acronym.clone();
        self.description = i.description.clone();
        self.founded_year = i.founded_year;
        self.registration_number = i.registration_number.clone();
        self.registering_authority = i.registering_authority.clone();
        self.address = i.address.clone();
        self.contacts = Json::new(i.contacts.clone())?;
        self.members_count = i.members_count;
        self.volunteers_count = i.volunteers_count;
        self.beneficiaries_per_year = i.beneficiaries_per_year;
        self.offers = Json::new(i.offers.clone())?;
        self.needs = Json::new(i.needs.clone())?;
        self.sector_codes = Json::new(i.sectors.clone())?;
        self.area_ids = Json::new(i.areas.clone())?;
        self.contact_visibility = i.contact_visibility;
        self.derive(i);
        Ok(())
    }

    /// Sets what search and duplicate checks derive from `i` by the normalization rules
    /// (search text, sort name, name keys); true when any of it changed.
    fn derive(&mut self, i: &OrganizationInput) -> bool {
        let search_text = i.search_doc().text();
        let sort_name = i.sort_name();
        let name_key_ar = i.name_ar.as_deref().map(tashbeek_domain::text::normalize);
        let name_key_en = i.name_en.as_deref().map(tashbeek_domain::text::normalize);
        let changed = search_text != self.search_text
            || sort_name != self.sort_name
            || name_key_ar != self.name_key_ar
            || name_key_en != self.name_key_en;
        (self.search_text, self.sort_name, self.name_key_ar, self.name_key_en) =
            (search_text, sort_name, name_key_ar, name_key_en);
        changed
    }

    pub fn area_list(&self) -> &[String] {
        self.area_ids.get()
    }

    pub fn into_domain(self) -> Organization {
        Organization {
            id: self.id,
            kind: self.kind,
            verification_status: self.verification_status,
            contact_visibility: self.contact_visibility,
            name_ar: self.name_ar,
            name_en: self.name_en,
            acronym: self.acronym,
            description: self.description,
            founded_year: self.founded_year,
            registration_number: self.registration_number,
            registering_authority: self.registering_authority,
            sectors: self.sector_codes.into_inner(),
            areas: self.area_ids.into_inner(),
            address: self.address,
            contacts: Some(self.contacts.into_inner()),
            members_count: self.members_count,
            volunteers_count: self.volunteers_count,
            beneficiaries_per_year: self.beneficiaries_per_year,
            offers: self.offers.into_inner(),
            needs: self.needs.into_inner(),
            archived: self.archived_at.is_some(),
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
            version: self.version,
        }
    }

    /// The profile as a client would submit it, for audit before/after snapshots.
    pub fn to_input(&self) -> OrganizationInput {
        self.clone().into_domain().to_input()
    }
}

/// The columns a list reads: what a summary shows and the cursor's keys. Lists never
/// read the description, contacts or search text, which are most of a row's bytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct SummaryRow {
    pub id: OrganizationId,
    pub kind: OrganizationKind,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub acronym: Option<String>,
    pub members_count: Option<i64>,
    pub volunteers_count: Option<i64>,
    pub offers: Json<Vec<Resource>>,
    pub needs: Json<Vec<Resource>>,
    pub sector_codes: Json<Vec<String>>,
    pub area_ids: Json<Vec<String>>,
    pub verification_status: VerificationStatus,
    pub archived_at: Option<NaiveDateTime>,
    pub sort_name: String,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl SummaryRow {
    /// What a list shows of this organization.
    pub fn into_summary(self) -> OrganizationSummary {
        let kinds = |list: Json<Vec<Resource>>| list.into_inner().into_iter().map(|r| r.kind).collect();
        OrganizationSummary {
            id: self.id,
            kind: self.kind,
            name_ar: self.name_ar,
            name_en: self.name_en,
            acronym: self.acronym,
            verification_status: self.verification_status,
            archived: self.archived_at.is_some(),
            sectors: self.sector_codes.into_inner(),
            areas: self.area_ids.into_inner(),
            needs: kinds(self.needs),
            offers: kinds(self.offers),
            members_count: self.members_count,
            volunteers_count: self.volunteers_count,
            updated_at: from_db_time(self.updated_at),
            version: self.version,
        }
    }
}

/// Facets of an organization with no sectors, areas, needs or offers.
const NO_FACETS: &str = "|";
/// Facets too long for an index entry (PostgreSQL caps one at ~2.7 KB): filters check the
/// link tables for such a row instead.
const FACETS_OVERFLOW: &str = "*";
const MAX_FACETS_LEN: usize = 1500;

/// The facets stored for `input`: `|s:health|a:SD|a:SD-RN|n:funding|o:training|` lists its
/// sectors, its areas with every ancestor (from their materialized paths, so an area
/// filter matches a whole subtree with one token), needs and offers. A filtered directory
/// page walks the sort index in name order and checks these on each index entry, instead
/// of probing a link table per entry. The link tables stay: they answer the other way
/// round (who works in this area), which later coverage and matching queries need.
pub fn facets(input: &OrganizationInput, area_paths: &[String]) -> String {
    let joined = facet_tokens(input, area_paths).into_iter().collect::<Vec<_>>().join("|");
    if joined.is_empty() {
        NO_FACETS.into()
    } else if joined.len() > MAX_FACETS_LEN {
        FACETS_OVERFLOW.into()
    } else {
        format!("|{joined}|")
    }
}

/// The filter values of a profile whose areas have `area_paths`: `s:health`, `a:SD` (each
/// area and every area above it), `n:funding`, `o:training`.
fn facet_tokens(input: &OrganizationInput, area_paths: &[String]) -> std::collections::BTreeSet<String> {
    let mut tokens = std::collections::BTreeSet::new();
    tokens.extend(input.sectors.iter().map(|s| format!("s:{s}")));
    for path in area_paths {
        tokens.extend(path.split('/').filter(|id| !id.is_empty()).map(|id| format!("a:{id}")));
    }
    tokens.extend(input.needs.iter().map(|r| format!("n:{}", r.kind.as_str())));
    tokens.extend(input.offers.iter().map(|r| format!("o:{}", r.kind.as_str())));
    tokens
}

/// The word of one filter value in the word index (`|s:health|`).
pub fn filter_word(prefix: &str, code: &str) -> String {
    format!("|{prefix}:{code}|")
}

/// An organization's filter values as words of the word index: its kind (`|k:ngo|`) and
/// its facets (`|s:health|`, `|a:SD|`, …), whatever their length. In the index each value
/// is a list in directory order, so a filtered page is an intersection of lists like a
/// search's terms ([`search::page_words`]) instead of a walk that tests every entry. No
/// search term holds `|` (the tokenizer splits on it), so no search finds them.
pub fn filter_words(input: &OrganizationInput, area_paths: &[String]) -> Vec<String> {
    let mut words = vec![filter_word("k", input.kind.as_str())];
    words.extend(facet_tokens(input, area_paths).into_iter().map(|t| format!("|{t}|")));
    words
}

/// The filter words of a stored row (kind and facets), when its facets did not overflow.
fn stored_filter_words(kind: OrganizationKind, facets: &str) -> Option<Vec<String>> {
    if facets == FACETS_OVERFLOW {
        return None;
    }
    let mut words = vec![filter_word("k", kind.as_str())];
    words.extend(facets.split('|').filter(|t| !t.is_empty()).map(|t| format!("|{t}|")));
    Some(words)
}

/// Every word-index entry of an organization: the forms of its words and its filter words.
pub fn word_rows(id: &str, sort_name: &str, input: &OrganizationInput, area_paths: &[String]) -> Vec<search::WordRow> {
    let mut rows = search::rows(Entity::Organization, id, sort_name, &input.search_doc());
    rows.extend(search::word_rows(Entity::Organization, id, sort_name, &filter_words(input, area_paths)));
    rows
}

/// What the word index holds of a stored organization, to change it by the difference.
pub struct Indexed {
    pub sort_name: String,
    pub search_text: String,
    pub kind: OrganizationKind,
    pub facets: String,
}

impl Indexed {
    pub fn of(row: &OrgRow) -> Indexed {
        Indexed {
            sort_name: row.sort_name.clone(),
            search_text: row.search_text.clone(),
            kind: row.kind,
            facets: row.facets.clone(),
        }
    }
}

/// `row` with the facets of `input`, whose areas exist and have `area_paths`.
fn with_facets(row: &OrgRow, input: &OrganizationInput, area_paths: &[String]) -> OrgRow {
    let mut row = row.clone();
    row.facets = facets(input, area_paths);
    row
}

/// Whether two profiles differ in what the link tables and facets hold.
pub fn links_differ(a: &OrganizationInput, b: &OrganizationInput) -> bool {
    let kinds = |list: &[tashbeek_domain::organization::Resource]| list.iter().map(|r| r.kind).collect::<Vec<_>>();
    a.sectors != b.sectors
        || a.areas != b.areas
        || kinds(&a.needs) != kinds(&b.needs)
        || kinds(&a.offers) != kinds(&b.offers)
}

/// The link rows of a profile: sectors, areas, (direction, resource kind).
fn links(input: &OrganizationInput) -> (Vec<String>, Vec<String>, Vec<(String, String)>) {
    let mut resources: Vec<(String, String)> = [("offer", &input.offers), ("need", &input.needs)]
        .into_iter()
        .flat_map(|(direction, list)| list.iter().map(move |r| (direction.to_owned(), r.kind.as_str().to_owned())))
        .collect();
    resources.dedup();
    (input.sectors.clone(), input.areas.clone(), resources)
}

/// Stores the sector, area and resource links of `input`; with `before` (the stored
/// profile), only the difference: rows removed and rows added never share a key, so on
/// PostgreSQL all of it goes with the write's last statement (see [`crate::later`]).
fn write_links(
    conn: &mut DbConn,
    id: &str,
    input: &OrganizationInput,
    before: Option<&OrganizationInput>,
) -> DbResult<()> {
    use crate::bulk::{OrgArea, OrgResource, OrgSector};
    use organization_areas as oa;
    use organization_resources as or;
    use organization_sectors as os;
    let (sectors, areas, resources) = links(input);
    let (old_sectors, old_areas, old_resources) = before.map(links).unwrap_or_default();
    let gone = |old: &[String], new: &[String]| old.iter().filter(|o| !new.contains(o)).cloned().collect::<Vec<_>>();
    let (gone_sectors, gone_areas) = (gone(&old_sectors, &sectors), gone(&old_areas, &areas));
    if !gone_sectors.is_empty() {
        let q = os::table.filter(os::organization_id.eq(id.to_owned())).filter(os::sector_code.eq_any(gone_sectors));
        crate::later::statement(conn, diesel::delete(q))?;
    }
    if !gone_areas.is_empty() {
        let q = oa::table.filter(oa::organization_id.eq(id.to_owned())).filter(oa::area_id.eq_any(gone_areas));
        crate::later::statement(conn, diesel::delete(q))?;
    }
    for direction in ["offer", "need"] {
        let kinds = |list: &[(String, String)]| {
            list.iter().filter(|(d, _)| d == direction).map(|(_, k)| k.clone()).collect::<Vec<_>>()
        };
        let gone_kinds = gone(&kinds(&old_resources), &kinds(&resources));
        if !gone_kinds.is_empty() {
            let q = or::table
                .filter(or::organization_id.eq(id.to_owned()))
                .filter(or::direction.eq(direction))
                .filter(or::kind.eq_any(gone_kinds));
            crate::later::statement(conn, diesel::delete(q))?;
        }
    }
    let sectors: Vec<OrgSector> = sectors
        .into_iter()
        .filter(|s| !old_sectors.contains(s))
        .map(|s| OrgSector { organization_id: id.to_owned(), sector_code: s })
        .collect();
    let areas: Vec<OrgArea> = areas
        .into_iter()
        .filter(|a| !old_areas.contains(a))
        .map(|a| OrgArea { organization_id: id.to_owned(), area_id: a })
        .collect();
    let resources: Vec<OrgResource> = resources
        .into_iter()
        .filter(|r| !old_resources.contains(r))
        .map(|(direction, kind)| OrgResource { organization_id: id.to_owned(), direction, kind })
        .collect();
    crate::later::insert_later!(conn, os::table, sectors);
    crate::later::insert_later!(conn, oa::table, areas);
    crate::later::insert_later!(conn, or::table, resources);
    Ok(())
}

/// Stores a new organization with its links and first history entry.
pub fn insert(conn: &mut DbConn, row: &OrgRow, input: &OrganizationInput, area_paths: &[String]) -> DbResult<()> {
    let row = &with_facets(row, input, area_paths);
    diesel::insert_into(organizations::table).values(row).execute(conn)?;
    write_links(conn, &row.id, input, None)?;
    let words = indexed_words(&row.search_text, filter_words(input, area_paths));
    search::update(conn, Entity::Organization, &row.id, None, (&row.sort_name, &words))?;
    add_verification_event(
        conn,
        &row.id,
        None,
        VerificationStatus::Pending,
        None,
        row.created_by.as_ref(),
        row.created_at,
    )
}

/// Replaces the profile if the stored version is still `expected_version`; returns
/// false when someone else changed it first. `links_changed` is the stored profile and
/// the new areas' paths when sectors, areas, needs or offers changed (see
/// [`links_differ`]); when `None`, the links and facets stay as they are. `stored` is
/// what the word index holds of the stored row: it changes by the difference.
pub fn replace(
    conn: &mut DbConn,
    row: &OrgRow,
    input: &OrganizationInput,
    expected_version: i64,
    links_changed: Option<(&OrganizationInput, &[String])>,
    stored: &Indexed,
) -> DbResult<bool> {
    let row = &match links_changed {
        Some((_, paths)) => with_facets(row, input, paths),
        None => row.clone(),
    };
    // The filter words before and after; unchanged links keep all but the kind's.
    let stored_words = stored_filter_words(stored.kind, &stored.facets);
    let (words_before, words_after) = match (links_changed, stored_words) {
        (None, Some(before)) => {
            let mut after = before.clone();
            after[0] = filter_word("k", input.kind.as_str());
            (before, after)
        }
        (Some((_, paths)), Some(before)) => (before, filter_words(input, paths)),
        (links, None) => {
            // Facets too long to store: the stored profile's words are worked out again.
            let before_input = links.map(|(b, _)| b.clone()).unwrap_or_else(|| {
                let mut b = input.clone();
                b.kind = stored.kind;
                b
            });
            let before_paths = crate::reference::resolve(conn, &[], &before_input.areas)?.area_paths;
            let after = match links {
                Some((_, paths)) => filter_words(input, paths),
                None => filter_words(input, &before_paths),
            };
            (filter_words(&before_input, &before_paths), after)
        }
    };
    let changed = diesel::update(
        organizations::table.filter(organizations::id.eq(&row.id)).filter(organizations::version.eq(expected_version)),
    )
    .set(row)
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    if let Some((before, _)) = links_changed {
        write_links(conn, &row.id, input, Some(before))?;
    }
    let before = indexed_words(&stored.search_text, words_before);
    let after = indexed_words(&row.search_text, words_after);
    search::update(conn, Entity::Organization, &row.id, Some((&stored.sort_name, &before)), (&row.sort_name, &after))?;
    crate::changes::notify(conn, crate::changes::ORGANIZATIONS, &row.id)?;
    Ok(true)
}

/// The words an organization has in the index, space-separated as [`search::update`]
/// takes them: the forms of its `search_text` and its filter words.
fn indexed_words(search_text: &str, filter_words: Vec<String>) -> String {
    let mut words = search_text.to_owned();
    for w in filter_words {
        words.push(' ');
        words.push_str(&w);
    }
    words
}

/// Changes status or archive state with the same optimistic check as `replace`.
pub fn update_state(conn: &mut DbConn, row: &OrgRow, expected_version: i64) -> DbResult<bool> {
    let changed = diesel::update(
        organizations::table.filter(organizations::id.eq(&row.id)).filter(organizations::version.eq(expected_version)),
    )
    .set((
        organizations::verification_status.eq(&row.verification_status),
        organizations::archived_at.eq(row.archived_at),
        organizations::updated_at.eq(row.updated_at),
        organizations::version.eq(row.version),
    ))
    .execute(conn)?;
    if changed == 1 {
        crate::changes::notify(conn, crate::changes::ORGANIZATIONS, &row.id)?;
    }
    Ok(changed == 1)
}

pub fn get(conn: &mut DbConn, id: &str) -> DbResult<OrgRow> {
    Ok(organizations::table.find(id).select(OrgRow::as_select()).first(conn)?)
}

/// Loads an organization to change it, locking its row until the transaction ends
/// (PostgreSQL; SQLite's write transactions are already exclusive), so a concurrent
/// change waits instead of turning into a spurious version mismatch.
pub fn get_for_update(conn: &mut DbConn, id: &str) -> DbResult<OrgRow> {
    match conn {
        DbConn::Pg(c) => Ok(organizations::table.find(id).select(OrgRow::as_select()).for_update().first(c)?),
        DbConn::Sqlite(_) => get(conn, id),
    }
}

pub fn add_verification_event(
    conn: &mut DbConn,
    org_id: &str,
    from: Option<VerificationStatus>,
    to: VerificationStatus,
    reason: Option<&str>,
    actor: Option<&UserId>,
    at: NaiveDateTime,
) -> DbResult<()> {
    let event = crate::bulk::Event {
        id: new_id::<VerificationEventId>().to_string(),
        organization_id: org_id.to_owned(),
        from_status: from.map(|s| s.as_str().to_owned()),
        to_status: to.as_str().to_owned(),
        reason: reason.map(str::to_owned),
        actor_id: actor.map(|a| a.to_string()),
        at,
    };
    // Read back by nothing in the write: it goes with its last statement.
    crate::later::insert_later!(conn, verification_events::table, vec![event]);
    Ok(())
}

type EventRow = (
    VerificationEventId,
    Option<VerificationStatus>,
    VerificationStatus,
    Option<String>,
    Option<UserId>,
    NaiveDateTime,
);

pub fn verification_history(conn: &mut DbConn, org_id: &str) -> DbResult<Vec<VerificationEvent>> {
    let rows: Vec<EventRow> = verification_events::table
        .filter(verification_events::organization_id.eq(org_id))
        .order(verification_events::id)
        .select((
            verification_events::id,
            verification_events::from_status,
            verification_events::to_status,
            verification_events::reason,
            verification_events::actor_id,
            verification_events::at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(VerificationEvent {
                id: r.0,
                from_status: r.1,
                to_status: r.2,
                reason: r.3,
                actor_id: r.4,
                at: from_db_time(r.5),
            })
        })
        .collect()
}

/// Which organizations a viewer may list.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Everything (platform admins and observers).
    All,
    /// Verified organizations plus these (the viewer's own).
    VerifiedAnd(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Alphabetical by normalized primary name.
    Name,
    /// Oldest change first, for delta sync with `updated_since`.
    Updated,
}

#[derive(Debug, Clone)]
pub struct Filter {
    pub scope: Scope,
    pub terms: Vec<String>,
    pub kinds: Vec<String>,
    pub sectors: Vec<String>,
    /// Areas to match; each matches its whole subtree.
    pub areas: Vec<String>,
    /// The same areas with every area below them, for rows whose facets overflowed.
    pub area_subtrees: Vec<String>,
    pub statuses: Vec<String>,
    pub needs: Vec<String>,
    pub offers: Vec<String>,
    pub include_archived: bool,
    pub updated_since: Option<NaiveDateTime>,
    pub sort: Sort,
}

/// The sort key of a row under `sort`, as the cursor carries it.
pub fn sort_key(row: &SummaryRow, sort: Sort) -> String {
    match sort {
        Sort::Name => row.sort_name.clone(),
        Sort::Updated => row.updated_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
    }
}

/// One page of the directory after `after` (sort key, id), at most `limit` rows.
///
/// A search in name order intersects its terms' word lists in the word index (see
/// [`search`]) and probes the filters for each record found in the directory's sort
/// index, in one statement; a rare term of very many words is read whole; a common
/// one, or the update order, walks the directory's own index.
pub fn list(conn: &mut DbConn, f: &Filter, limit: i64, after: Option<(&str, &str)>) -> DbResult<Vec<SummaryRow>> {
    use organizations as o;
    let backend = conn.backend();
    let by_facets = !(f.sectors.is_empty() && f.areas.is_empty() && f.needs.is_empty() && f.offers.is_empty());
    let lists = filter_lists(f);
    // Filters alone: SQLite intersects their lists; PostgreSQL, whose every leapfrog step
    // costs several times SQLite's, walks the sort index, which holds the facets (an
    // index-only scan): measured at 100k, 59 ms p95 walking against 141 ms intersecting.
    let walk = f.sort != Sort::Name || lists.is_empty() || backend == crate::Backend::Postgres;
    if f.terms.is_empty() && walk {
        return load_page(conn, filtered(backend, f, &[], after)?.limit(limit), by_facets);
    }
    let (found, in_lists) = if f.terms.is_empty() {
        (search::Search::of_lists(lists), true)
    } else {
        let mut found = search::plan(conn, Entity::Organization, &f.terms)?;
        let added = f.sort == Sort::Name && found.and_lists(lists);
        (found, added)
    };
    // What the records must still pass: the filters not answered by the lists.
    let rest = if in_lists {
        Filter {
            kinds: vec![],
            sectors: vec![],
            areas: vec![],
            area_subtrees: vec![],
            needs: vec![],
            offers: vec![],
            ..f.clone()
        }
    } else {
        f.clone()
    };
    // An administrator's search (every organization, archived ones too) with nothing
    // else to check has nothing to test on the records.
    let open = matches!(rest.scope, Scope::All)
        && rest.include_archived
        && filter_lists(&rest).is_empty()
        && rest.statuses.is_empty()
        && rest.updated_since.is_none()
        && found.unprobed.is_empty();
    if let (Plan::Words, Sort::Name) = (&found.plan, f.sort) {
        // The record test, probed in the directory's sort index by the entry's own sort
        // key and id. SQLite would rather take the id's unique index and read the table
        // row for every candidate.
        let test = |s: &str, id: &str| -> search::Fragment<'static> {
            let on = match backend {
                crate::Backend::Sqlite => format!("organizations.sort_name = {s} AND +organizations.id = {id}"),
                crate::Backend::Postgres => format!("organizations.sort_name = {s} AND organizations.id = {id}"),
            };
            Box::new(conditions(backend, &rest, &found.unprobed).filter(search::Cond::new(&on)).select(o::id))
        };
        let limit = usize::try_from(limit).unwrap_or(0);
        let test: Option<search::RecordTest<'_, 'static>> = if open { None } else { Some(&test) };
        let page = search::page_words(conn, Entity::Organization, &found, after, test, limit)?;
        return load_ids(conn, page.into_iter().map(|(_, id)| id).collect());
    }
    match (&found.plan, f.sort) {
        (Plan::Empty, _) => Ok(vec![]),
        (Plan::Prefix(_), Sort::Name) => {
            let test = |c: &mut DbConn, ids: &[String]| -> DbResult<std::collections::HashSet<String>> {
                if open {
                    return Ok(ids.iter().cloned().collect());
                }
                let pass: Vec<OrganizationId> =
                    conditions(backend, f, &found.unprobed).filter(o::id.eq_any(ids.to_vec())).select(o::id).load(c)?;
                Ok(pass.into_iter().map(|id| id.to_string()).collect())
            };
            let limit = usize::try_from(limit).unwrap_or(0);
            let page = search::page(conn, Entity::Organization, &found, after, test, limit)?;
            load_ids(conn, page.into_iter().map(|(_, id)| id).collect())
        }
        // In update order (sync clients), a rare term's few records are read and sorted.
        (Plan::Prefix(term), Sort::Updated) => {
            let has = search::has_prefix(backend, Entity::Organization, "organizations.id", term);
            load_page(conn, filtered(backend, f, &f.terms, after)?.filter(has).limit(limit), by_facets)
        }
        _ => load_page(conn, filtered(backend, f, &f.terms, after)?.limit(limit), by_facets),
    }
}

/// The filter words a record must have, one list per filter (any of its values).
fn filter_lists(f: &Filter) -> Vec<Vec<String>> {
    [("k", &f.kinds), ("s", &f.sectors), ("a", &f.areas), ("n", &f.needs), ("o", &f.offers)]
        .into_iter()
        .filter(|(_, codes)| !codes.is_empty())
        .map(|(prefix, codes)| codes.iter().map(|c| filter_word(prefix, c)).collect())
        .collect()
}

/// Reads the rows a directory query selects, in its order.
fn load_page(
    conn: &mut DbConn,
    q: organizations::BoxedQuery<'static, Db>,
    by_facets: bool,
) -> DbResult<Vec<SummaryRow>> {
    use organizations as o;
    match conn.backend() {
        // SQLite checks every condition it can on the index entry and reads the table
        // only for the entries that pass; so does PostgreSQL when nothing is filtered on
        // facets (status, kind and archive state are index keys).
        crate::Backend::Sqlite => Ok(q.select(SummaryRow::as_select()).load(conn)?),
        crate::Backend::Postgres if !by_facets => Ok(q.select(SummaryRow::as_select()).load(conn)?),
        // PostgreSQL reads the heap for every entry an index scan visits before applying
        // a filter on an INCLUDE column: the ids come from an index-only scan first,
        // then only their rows are read (one more round trip, so only for facet filters).
        crate::Backend::Postgres => {
            let ids: Vec<OrganizationId> = q.select(o::id).load(conn)?;
            load_ids(conn, ids.into_iter().map(|id| id.to_string()).collect())
        }
    }
}

/// The rows of `ids`, in that order.
fn load_ids(conn: &mut DbConn, ids: Vec<String>) -> DbResult<Vec<SummaryRow>> {
    use organizations as o;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let q = o::table.select(SummaryRow::as_select());
    let mut rows: Vec<SummaryRow> = match conn.backend() {
        // One bound JSON array instead of a list of binds, which diesel never caches.
        crate::Backend::Sqlite => {
            let list = serde_json::to_string(&ids).map_err(|e| DbError::Corrupt(e.to_string()))?;
            q.filter(search::Cond::new("organizations.id IN (SELECT value FROM json_each(").text(&list).sql("))"))
                .load(conn)?
        }
        crate::Backend::Postgres => q.filter(o::id.eq_any(&ids)).load(conn)?,
    };
    let position: std::collections::HashMap<&str, usize> =
        ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    rows.sort_by_key(|r| position.get(r.id.as_str()).copied());
    Ok(rows)
}

/// `(sort key, id) > (key, id)` under `sort`, as one row-value comparison: one range of
/// the sort index on both databases (the equivalent OR makes both filter half of it).
fn after_key(sort: Sort, key: &str, id: &str) -> DbResult<Predicate> {
    use diesel::sql_types::{Bool, Text as SqlText, Timestamp};
    Ok(match sort {
        Sort::Name => Box::new(
            search::Cond::new("(organizations.sort_name, organizations.id) > (").text(key).sql(", ").text(id).sql(")"),
        ),
        Sort::Updated => {
            let t = NaiveDateTime::parse_from_str(key, "%Y-%m-%dT%H:%M:%S%.f")
                .map_err(|_| DbError::Corrupt("cursor".into()))?;
            Box::new(
                diesel::dsl::sql::<Bool>("(organizations.updated_at, organizations.id) > (")
                    .bind::<Timestamp, _>(t)
                    .sql(", ")
                    .bind::<SqlText, _>(id.to_owned())
                    .sql(")"),
            )
        }
    })
}

/// The directory query for `f` with `terms` after `after`, in directory order,
/// without a limit.
fn filtered(
    backend: crate::Backend,
    f: &Filter,
    terms: &[String],
    after: Option<(&str, &str)>,
) -> DbResult<organizations::BoxedQuery<'static, Db>> {
    use organizations as o;
    let mut q = conditions(backend, f, terms);
    if let Some((k, id)) = after {
        q = q.filter(after_key(f.sort, k, id)?);
    }
    Ok(match f.sort {
        Sort::Name => q.order((o::sort_name.asc(), o::id.asc())),
        Sort::Updated => q.order((o::updated_at.asc(), o::id.asc())),
    })
}

/// The organizations `f` selects whose search text has every one of `terms` at the
/// start of a word, in no particular order.
fn conditions(backend: crate::Backend, f: &Filter, terms: &[String]) -> organizations::BoxedQuery<'static, Db> {
    use organizations as o;
    let mut q = o::table.into_boxed();
    match &f.scope {
        Scope::All => {}
        Scope::VerifiedAnd(own) if own.is_empty() => {
            q = q.filter(o::verification_status.eq(VerificationStatus::Verified))
        }
        Scope::VerifiedAnd(own) => {
            q = q.filter(o::verification_status.eq(VerificationStatus::Verified).or(o::id.eq_any(own.clone())))
        }
    }
    if !f.include_archived {
        q = q.filter(o::archived_at.is_null());
    }
    let position = match backend {
        crate::Backend::Sqlite => "instr(organizations.search_text, ",
        crate::Backend::Postgres => "strpos(organizations.search_text, ",
    };
    for t in terms {
        q = q.filter(search::Cond::new(position).text(&format!(" {t}")).sql(") > 0"));
    }
    if !f.kinds.is_empty() {
        q = q.filter(any_of("organizations.kind", &f.kinds));
    }
    if !f.statuses.is_empty() {
        q = q.filter(any_of("organizations.verification_status", &f.statuses));
    }
    // Sectors, areas, needs and offers are matched in `facets`, which the sort index
    // carries: the scan walks the index in name order and stops after one page.
    if !f.sectors.is_empty() {
        let fallback = diesel::dsl::exists(
            organization_sectors::table
                .filter(organization_sectors::organization_id.eq(o::id))
                .filter(organization_sectors::sector_code.eq_any(f.sectors.clone())),
        );
        q = q.filter(any_facet(backend, "s", &f.sectors, Box::new(fallback)));
    }
    if !f.areas.is_empty() {
        let fallback = diesel::dsl::exists(
            organization_areas::table
                .filter(organization_areas::organization_id.eq(o::id))
                .filter(organization_areas::area_id.eq_any(f.area_subtrees.clone())),
        );
        q = q.filter(any_facet(backend, "a", &f.areas, Box::new(fallback)));
    }
    for (direction, prefix, kinds) in [("need", "n", &f.needs), ("offer", "o", &f.offers)] {
        if !kinds.is_empty() {
            let fallback = diesel::dsl::exists(
                organization_resources::table
                    .filter(organization_resources::organization_id.eq(o::id))
                    .filter(organization_resources::direction.eq(direction))
                    .filter(organization_resources::kind.eq_any(kinds.clone())),
            );
            q = q.filter(any_facet(backend, prefix, kinds, Box::new(fallback)));
        }
    }
    if let Some(since) = f.updated_since {
        q = q.filter(o::updated_at.ge(since));
    }
    q
}

/// `column` equals one of `values`, spelled out (`IN` with a list of binds would make
/// diesel prepare the statement again for every request on SQLite).
fn any_of(column: &str, values: &[String]) -> search::Cond {
    let mut c = search::Cond::new("(");
    for (i, v) in values.iter().enumerate() {
        c = c.sql(if i == 0 { "" } else { " OR " }).sql(column).sql(" = ").text(v);
    }
    c.sql(")")
}

type Db = <DbConn as diesel::Connection>::Backend;
type Predicate = Box<dyn BoxableExpression<organizations::table, Db, SqlType = diesel::sql_types::Bool>>;

/// Whether a row's facets hold any of `codes` under `prefix`; for a row whose facets
/// overflowed, whether `fallback` (the link-table probe) holds.
fn any_facet(backend: crate::Backend, prefix: &str, codes: &[String], fallback: Predicate) -> Predicate {
    let position = match backend {
        crate::Backend::Sqlite => "instr(organizations.facets, ",
        crate::Backend::Postgres => "strpos(organizations.facets, ",
    };
    let mut p: Predicate = Box::new(organizations::facets.eq(FACETS_OVERFLOW).and(fallback));
    for code in codes.iter().rev() {
        p = Box::new(search::Cond::new(position).text(&filter_word(prefix, code)).sql(") > 0").or(p));
    }
    p
}

/// Organizations within `scope` whose normalized Arabic or English name equals one of
/// `keys` and that share an area with `areas` (or where either side lists no area).
pub fn duplicates(
    conn: &mut DbConn,
    keys: &[String],
    areas_of_new: &[String],
    exclude_id: Option<&str>,
    scope: &Scope,
) -> DbResult<Vec<DuplicateCandidate>> {
    use organizations as o;
    if keys.is_empty() {
        return Ok(vec![]);
    }
    let mut q = o::table
        .filter(o::name_key_ar.eq_any(keys.to_vec()).or(o::name_key_en.eq_any(keys.to_vec())))
        .filter(o::archived_at.is_null())
        .into_boxed();
    if let Scope::VerifiedAnd(own) = scope {
        q = q.filter(o::verification_status.eq(VerificationStatus::Verified).or(o::id.eq_any(own.clone())));
    }
    if let Some(x) = exclude_id {
        q = q.filter(o::id.ne(x.to_owned()));
    }
    let rows: Vec<OrgRow> = q.order(o::id).limit(20).select(OrgRow::as_select()).load(conn)?;
    let mut out = Vec::new();
    for r in rows {
        let their_areas = r.area_list();
        let shared: Vec<String> = their_areas.iter().filter(|a| areas_of_new.contains(a)).cloned().collect();
        if !shared.is_empty() || their_areas.is_empty() || areas_of_new.is_empty() {
            out.push(DuplicateCandidate {
                id: r.id,
                verification_status: r.verification_status,
                name_ar: r.name_ar,
                name_en: r.name_en,
                shared_areas: shared,
            });
        }
    }
    Ok(out)
}

pub fn count(conn: &mut DbConn) -> DbResult<i64> {
    Ok(organizations::table.count().get_result(conn)?)
}

/// Rewrites every organization's word-index entries, search text, and the keys the
/// same normalization derives (sort name, duplicate keys) when they predate the
/// indexing rules ([`search::VERSION`]), as one transaction; a no-op otherwise.
/// Runs at startup after the migrations, so an upgraded database searches by the new
/// rules before it serves.
pub fn rebuild_search(conn: &mut DbConn) -> DbResult<usize> {
    use organizations as o;
    if search::version(conn, Entity::Organization)? >= search::VERSION {
        return Ok(0);
    }
    conn.write(|c| -> DbResult<usize> {
        // Instances starting together on one PostgreSQL database rebuild one at a time.
        if let DbConn::Pg(pg) = c {
            diesel::sql_query("LOCK TABLE search_index_state IN EXCLUSIVE MODE").execute(pg)?;
        }
        if search::version(c, Entity::Organization)? >= search::VERSION {
            return Ok(0);
        }
        search::clear(c, Entity::Organization)?;
        let paths = crate::reference::all_area_paths(c)?;
        let mut done = 0;
        let mut after: Option<OrganizationId> = None;
        loop {
            let mut q = o::table.select(OrgRow::as_select()).order(o::id).limit(1000).into_boxed();
            if let Some(a) = &after {
                q = q.filter(o::id.gt(a.clone()));
            }
            let mut rows: Vec<OrgRow> = q.load(c)?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id.clone());
            let mut words = Vec::new();
            for r in &mut rows {
                let input = r.to_input();
                if r.derive(&input) {
                    diesel::update(o::table.find(&r.id))
                        .set((
                            o::search_text.eq(&r.search_text),
                            o::sort_name.eq(&r.sort_name),
                            o::name_key_ar.eq(&r.name_key_ar),
                            o::name_key_en.eq(&r.name_key_en),
                        ))
                        .execute(c)?;
                }
                let area_paths: Vec<String> = input.areas.iter().filter_map(|a| paths.get(a).cloned()).collect();
                words.extend(word_rows(&r.id, &r.sort_name, &input, &area_paths));
            }
            search::insert(c, &words)?;
            done += rows.len();
        }
        search::set_version(c, Entity::Organization)?;
        Ok(done)
    })
}
