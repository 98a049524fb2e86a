//! Networks and the organizations in them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tashbeek_domain::network::{Network, NetworkCoordinator, NetworkInput, NetworkMember, NetworkMemberStatus};
use tashbeek_domain::{NetworkId, OrganizationId, UserId};

use crate::error::DbResult;
use crate::schema::{network_coordinators, network_members, networks, organizations, users};
use crate::{from_db_time, new_id, DbConn};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = networks, treat_none_as_null = true)]
pub struct NetworkRow {
    pub id: NetworkId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub area_id: String,
    pub sort_name: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl NetworkRow {
    pub fn new(input: &NetworkInput, created_by: Option<&UserId>, now: NaiveDateTime) -> NetworkRow {
        let mut row = NetworkRow {
            id: new_id(),
            name_ar: None,
            name_en: None,
            description: None,
            area_id: String::new(),
            sort_name: String::new(),
            created_by: created_by.cloned(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        row.apply(input);
        row
    }

    pub fn apply(&mut self, input: &NetworkInput) {
        self.name_ar = input.name_ar.clone();
        self.name_en = input.name_en.clone();
        self.description = input.description.clone();
        self.area_id = input.area.clone();
        self.sort_name = input.sort_name();
    }

    pub fn to_input(&self) -> NetworkInput {
        NetworkInput {
            name_ar: self.name_ar.clone(),
            name_en: self.name_en.clone(),
            description: self.description.clone(),
            area: self.area_id.clone(),
        }
    }

    pub fn into_domain(self, members_count: i64) -> Network {
        Network {
            id: self.id,
            name_ar: self.name_ar,
            name_en: self.name_en,
            description: self.description,
            area: self.area_id,
            members_count,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
            version: self.version,
        }
    }
}

pub fn insert(conn: &mut DbConn, row: &NetworkRow) -> DbResult<()> {
    diesel::insert_into(networks::table).values(row).execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConn, id: &str) -> DbResult<NetworkRow> {
    Ok(networks::table.find(id).select(NetworkRow::as_select()).first(conn)?)
}

/// Loads a network to change it, locking its row on PostgreSQL.
pub fn get_for_update(conn: &mut DbConn, id: &str) -> DbResult<NetworkRow> {
    match conn {
        DbConn::Pg(c) => Ok(networks::table.find(id).select(NetworkRow::as_select()).for_update().first(c)?),
        DbConn::Sqlite(_) => get(conn, id),
    }
}

/// Replaces the profile if the stored version is still `expected`; false when someone
/// changed it first.
pub fn replace(conn: &mut DbConn, row: &NetworkRow, expected: i64) -> DbResult<bool> {
    let n = diesel::update(networks::table.filter(networks::id.eq(&row.id)).filter(networks::version.eq(expected)))
        .set(row)
        .execute(conn)?;
    Ok(n == 1)
}

/// Networks in name order after `(sort name, id)`.
pub fn list(conn: &mut DbConn, limit: i64, after: Option<(&str, &str)>) -> DbResult<Vec<NetworkRow>> {
    let mut q = networks::table.into_boxed();
    if let Some((k, id)) = after {
        q = q.filter(
            networks::sort_name
                .gt(k.to_owned())
                .or(networks::sort_name.eq(k.to_owned()).and(networks::id.gt(id.to_owned()))),
        );
    }
    Ok(q.order((networks::sort_name, networks::id)).limit(limit).select(NetworkRow::as_select()).load(conn)?)
}

/// Members (accepted and not left) of each network in `ids`.
pub fn member_counts(conn: &mut DbConn, ids: &[NetworkId]) -> DbResult<std::collections::HashMap<NetworkId, i64>> {
    let rows: Vec<(NetworkId, i64)> = network_members::table
        .filter(network_members::network_id.eq_any(ids))
        .filter(network_members::status.eq(NetworkMemberStatus::Member))
        .group_by(network_members::network_id)
        .select((network_members::network_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The status of `org_id` in `network_id`, if it was ever invited.
pub fn status_of(conn: &mut DbConn, network_id: &str, org_id: &str) -> DbResult<Option<NetworkMemberStatus>> {
    Ok(network_members::table.find((network_id, org_id)).select(network_members::status).first(conn).optional()?)
}

/// Records an invitation or a request to join (`status`), again after a decline or a
/// departure.
pub fn invite(
    conn: &mut DbConn,
    network_id: &str,
    org_id: &str,
    status: NetworkMemberStatus,
    now: NaiveDateTime,
) -> DbResult<()> {
    let invited = status.as_str();
    let updated = diesel::update(network_members::table.find((network_id, org_id)))
        .set((
            network_members::status.eq(invited),
            network_members::invited_at.eq(now),
            network_members::responded_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(network_members::table)
            .values((
                network_members::network_id.eq(network_id),
                network_members::organization_id.eq(org_id),
                network_members::status.eq(invited),
                network_members::invited_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Moves an organization's status from `from` to `to`; false when it was not `from`.
pub fn set_status(
    conn: &mut DbConn,
    network_id: &str,
    org_id: &str,
    from: &[NetworkMemberStatus],
    to: NetworkMemberStatus,
    now: NaiveDateTime,
) -> DbResult<bool> {
    let from = from.to_vec();
    let n =
        diesel::update(network_members::table.find((network_id, org_id)).filter(network_members::status.eq_any(from)))
            .set((network_members::status.eq(to), network_members::responded_at.eq(now)))
            .execute(conn)?;
    Ok(n == 1)
}

/// A network's organizations with their names, in name order; `all` includes those
/// invited, declined and gone, else only members.
pub fn members(conn: &mut DbConn, network_id: &str, all: bool) -> DbResult<Vec<NetworkMember>> {
    let mut q = network_members::table
        .inner_join(organizations::table)
        .filter(network_members::network_id.eq(network_id))
        .into_boxed();
    if !all {
        q = q.filter(network_members::status.eq(NetworkMemberStatus::Member));
    }
    type MemberRow =
        (OrganizationId, Option<String>, Option<String>, NetworkMemberStatus, NaiveDateTime, Option<NaiveDateTime>);
    let rows: Vec<MemberRow> = q
        .order((organizations::sort_name, organizations::id))
        .limit(2000)
        .select((
            network_members::organization_id,
            organizations::name_ar,
            organizations::name_en,
            network_members::status,
            network_members::invited_at,
            network_members::responded_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name_ar, name_en, status, invited_at, responded_at)| {
            Ok(NetworkMember {
                organization_id: id,
                name_ar,
                name_en,
                status,
                invited_at: from_db_time(invited_at),
                responded_at: responded_at.map(from_db_time),
            })
        })
        .collect()
}

/// The networks any of `orgs` is a member of.
pub fn networks_of(conn: &mut DbConn, orgs: &[String]) -> DbResult<Vec<String>> {
    if orgs.is_empty() {
        return Ok(vec![]);
    }
    Ok(network_members::table
        .filter(network_members::organization_id.eq_any(orgs.to_vec()))
        .filter(network_members::status.eq(NetworkMemberStatus::Member))
        .select(network_members::network_id)
        .distinct()
        .load(conn)?)
}

/// A network's coordinators, in name order.
pub fn coordinators(conn: &mut DbConn, network_id: &str) -> DbResult<Vec<NetworkCoordinator>> {
    let rows: Vec<(UserId, String, NaiveDateTime)> = network_coordinators::table
        .inner_join(users::table)
        .filter(network_coordinators::network_id.eq(network_id))
        .filter(users::disabled.eq(false))
        .order((users::display_name, users::id))
        .limit(500)
        .select((network_coordinators::user_id, users::display_name, network_coordinators::appointed_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, display_name, at)| NetworkCoordinator { user_id, display_name, appointed_at: from_db_time(at) })
        .collect())
}

/// Whether `user_id` coordinates `network_id`.
pub fn is_coordinator(conn: &mut DbConn, network_id: &str, user_id: &str) -> DbResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(network_coordinators::table.find((network_id, user_id)))).get_result(conn)?)
}

/// The networks `user_id` coordinates.
pub fn coordinated_by(conn: &mut DbConn, user_id: &str) -> DbResult<Vec<NetworkId>> {
    Ok(network_coordinators::table
        .filter(network_coordinators::user_id.eq(user_id))
        .select(network_coordinators::network_id)
        .limit(500)
        .load(conn)?)
}

/// Appoints a coordinator; false when they already were one.
pub fn appoint(conn: &mut DbConn, network_id: &str, user_id: &str, by: &str, now: NaiveDateTime) -> DbResult<bool> {
    if is_coordinator(conn, network_id, user_id)? {
        return Ok(false);
    }
    diesel::insert_into(network_coordinators::table)
        .values((
            network_coordinators::network_id.eq(network_id),
            network_coordinators::user_id.eq(user_id),
            network_coordinators::appointed_at.eq(now),
            network_coordinators::appointed_by.eq(by),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Ends a coordinator's appointment; false when they were not one.
pub fn dismiss(conn: &mut DbConn, network_id: &str, user_id: &str) -> DbResult<bool> {
    Ok(diesel::delete(network_coordinators::table.find((network_id, user_id))).execute(conn)? == 1)
}
