//! Bulk loading for the data generator: multi-row inserts in large transactions.
//! Each backend gets its own statement (the multi-backend connection has no batch
//! insert), from the same row structs.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::error::DbResult;
use crate::organization::OrgRow;
use crate::schema::{
    audit_log, memberships, organization_areas, organization_resources, organization_sectors, organizations,
    partnership_areas, partnership_parties, partnership_sectors, partnerships, users, verification_events,
};
use crate::user::UserRow;
use crate::DbConn;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organization_sectors)]
pub struct OrgSector {
    pub organization_id: String,
    pub sector_code: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organization_areas)]
pub struct OrgArea {
    pub organization_id: String,
    pub area_id: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organization_resources)]
pub struct OrgResource {
    pub organization_id: String,
    pub direction: String,
    pub kind: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = verification_events)]
pub struct Event {
    pub id: String,
    pub organization_id: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub actor_id: Option<String>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = memberships)]
pub struct MembershipRow {
    pub user_id: String,
    pub organization_id: String,
    pub role: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
    /// The chain fields ([`crate::chain`]), filled when the row is written.
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    /// `None` on PostgreSQL: its sequence numbers the row as it is inserted.
    pub n: Option<i64>,
}

impl AuditRow {
    /// The row `record` would write for `change`, under the given id: bulk loads write
    /// exactly what the operations write.
    pub fn from_change(id: String, change: crate::audit::Change<'_>) -> AuditRow {
        AuditRow {
            id,
            at: crate::to_db_time(change.at),
            actor_id: change.actor_id.map(str::to_owned),
            action: change.action.to_owned(),
            object_type: change.object_type.to_owned(),
            object_id: change.object_id.to_owned(),
            before_json: change.before.map(|v| v.to_string()),
            after_json: change.after.map(|v| v.to_string()),
            request_id: change.request_id.map(str::to_owned),
            seq: None,
            prev_hash: None,
            hash: None,
            n: None,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = partnership_sectors)]
pub struct PartnershipSector {
    pub sector_code: String,
    pub partnership_id: String,
}

/// A partnership's area, one row for it and each area above it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = partnership_areas)]
pub struct PartnershipArea {
    pub area_id: String,
    pub partnership_id: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::network_members)]
pub struct NetworkMemberRow {
    pub network_id: String,
    pub organization_id: String,
    pub status: String,
    pub invited_at: chrono::NaiveDateTime,
    pub responded_at: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::meeting_organizers)]
pub struct MeetingOrganizer {
    pub meeting_id: String,
    pub organization_id: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::meeting_invitations)]
pub struct MeetingInvitationRow {
    pub meeting_id: String,
    pub organization_id: String,
    pub invited_at: chrono::NaiveDateTime,
    pub answer: String,
    pub representatives: i32,
    pub answered_at: Option<chrono::NaiveDateTime>,
    pub answered_by: Option<String>,
}

/// Rows to load together.
#[derive(Debug, Default)]
pub struct Batch {
    pub users: Vec<UserRow>,
    pub organizations: Vec<OrgRow>,
    pub sectors: Vec<OrgSector>,
    pub areas: Vec<OrgArea>,
    pub resources: Vec<OrgResource>,
    pub events: Vec<Event>,
    pub memberships: Vec<MembershipRow>,
    pub audit: Vec<AuditRow>,
    pub words: Vec<crate::search::WordRow>,
    pub partnerships: Vec<crate::partnership::PartnershipRow>,
    pub parties: Vec<crate::partnership::PartyRow>,
    pub partnership_sectors: Vec<PartnershipSector>,
    pub partnership_areas: Vec<PartnershipArea>,
    pub networks: Vec<crate::network::NetworkRow>,
    pub network_members: Vec<NetworkMemberRow>,
    pub meetings: Vec<crate::meeting::MeetingRow>,
    pub meeting_organizers: Vec<MeetingOrganizer>,
    pub meeting_invitations: Vec<MeetingInvitationRow>,
    pub recommendations: Vec<crate::recommendation::RecommendationRow>,
    pub recommendation_parts: Vec<crate::recommendation::PartRow>,
    pub recommendation_sectors: Vec<RecommendationSector>,
    pub recommendation_areas: Vec<RecommendationArea>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::recommendation_sectors)]
pub struct RecommendationSector {
    pub sector_code: String,
    pub recommendation_id: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::recommendation_areas)]
pub struct RecommendationArea {
    pub area_id: String,
    pub recommendation_id: String,
}

/// Rows per statement: organizations have 27 columns, and 400 × 27 stays under both
/// backends' bound-parameter limits.
pub(crate) const CHUNK: usize = 400;

/// Inserts `rows` into `table`, a multi-row statement per chunk (the multi-backend
/// connection has no batch insert of its own, so each backend gets its statement).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks($crate::bulk::CHUNK) {
            match $conn {
                $crate::DbConn::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                $crate::DbConn::Pg(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            };
        }
    };
}

/// Inserts a batch in one transaction.
pub fn insert(conn: &mut DbConn, b: &Batch) -> DbResult<()> {
    conn.write(|c| {
        insert_rows!(c, users::table, b.users);
        insert_rows!(c, organizations::table, b.organizations);
        insert_rows!(c, organization_sectors::table, b.sectors);
        insert_rows!(c, organization_areas::table, b.areas);
        insert_rows!(c, organization_resources::table, b.resources);
        insert_rows!(c, verification_events::table, b.events);
        insert_rows!(c, memberships::table, b.memberships);
        let mut audit = b.audit.clone();
        crate::chain::link_new(c, &mut audit)?;
        insert_rows!(c, audit_log::table, audit);
        insert_rows!(c, crate::schema::search_words::table, b.words);
        insert_rows!(c, partnerships::table, b.partnerships);
        insert_rows!(c, partnership_parties::table, b.parties);
        insert_rows!(c, partnership_sectors::table, b.partnership_sectors);
        insert_rows!(c, partnership_areas::table, b.partnership_areas);
        insert_rows!(c, crate::schema::networks::table, b.networks);
        insert_rows!(c, crate::schema::network_members::table, b.network_members);
        insert_rows!(c, crate::schema::meetings::table, b.meetings);
        if let Some(m) = b.meetings.iter().max_by_key(|m| m.ends_at - m.starts_at) {
            crate::meeting::note_span(c, m.starts_at, m.ends_at)?;
        }
        insert_rows!(c, crate::schema::meeting_organizers::table, b.meeting_organizers);
        insert_rows!(c, crate::schema::meeting_invitations::table, b.meeting_invitations);
        insert_rows!(c, crate::schema::recommendations::table, b.recommendations);
        insert_rows!(c, crate::schema::recommendation_parts::table, b.recommendation_parts);
        insert_rows!(c, crate::schema::recommendation_sectors::table, b.recommendation_sectors);
        insert_rows!(c, crate::schema::recommendation_areas::table, b.recommendation_areas);
        Ok(())
    })
}

/// Refreshes the planner's statistics after a bulk load. On PostgreSQL a VACUUM also
/// marks the new pages all-visible, so directory pages are index-only scans from the
/// start rather than after autovacuum gets round to it.
///
/// On SQLite only the row counts (`sqlite_stat1`) are kept: with the value samples of
/// `sqlite_stat4`, SQLite compiles a statement again whenever a value it compares with
/// an index changes, which is every request (a fifth of a search's time, measured), and
/// the plans here are fixed by their indexes, not by values.
pub fn analyze(conn: &mut DbConn) -> DbResult<()> {
    use diesel::connection::SimpleConnection;
    match conn.backend() {
        crate::Backend::Sqlite => {
            conn.batch_execute("ANALYZE")?;
            let samples = diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4')",
            );
            if diesel::select(samples).get_result::<i64>(conn)? > 0 {
                conn.batch_execute("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema")?;
            }
        }
        crate::Backend::Postgres => conn.batch_execute("VACUUM ANALYZE")?,
    }
    Ok(())
}
