//! Accounts, organization memberships, refresh-token families and login throttling.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tashbeek_domain::user::{GlobalRole, Member, Membership, OrgRole, User, UserSummary};
use tashbeek_domain::{OrganizationId, UserId};

use crate::error::DbResult;
use crate::schema::{calendar_tokens, memberships, refresh_tokens, users};
use crate::{from_db_time, DbConn};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: GlobalRole,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl UserRow {
    /// What the users list shows of this account.
    pub fn into_summary(self) -> UserSummary {
        UserSummary {
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            role: self.role,
            disabled: self.disabled,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
        }
    }

    pub fn into_domain(self, memberships: Vec<Membership>) -> User {
        User {
            id: self.id,
            role: self.role,
            email: self.email,
            display_name: self.display_name,
            disabled: self.disabled,
            memberships,
            coordinates: vec![],
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
        }
    }
}

pub fn insert(conn: &mut DbConn, row: &UserRow) -> DbResult<()> {
    diesel::insert_into(users::table).values(row).execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConn, id: &str) -> DbResult<UserRow> {
    Ok(users::table.find(id).select(UserRow::as_select()).first(conn)?)
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> DbResult<Option<UserRow>> {
    Ok(users::table.filter(users::email.eq(email)).select(UserRow::as_select()).first(conn).optional()?)
}

pub fn list(conn: &mut DbConn, limit: i64, after_id: Option<&str>, email: Option<&str>) -> DbResult<Vec<UserRow>> {
    let mut q = users::table.into_boxed();
    if let Some(e) = email {
        q = q.filter(users::email.eq(e.to_owned()));
    }
    if let Some(a) = after_id {
        q = q.filter(users::id.gt(a));
    }
    Ok(q.order(users::id).limit(limit).select(UserRow::as_select()).load(conn)?)
}

/// Bumped whenever an account or session changes: once when written and once more when
/// its transaction ends (committed or not). An in-process cache of who a token belongs
/// to stores the generation it read under and trusts an entry only while the generation
/// is unchanged, so no committed change is missed (see `tashbeek_http::cache`).
static ACCOUNTS_GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static ACCOUNTS_TOUCHED: Cell<bool> = const { Cell::new(false) };
}

pub fn accounts_generation() -> u64 {
    ACCOUNTS_GENERATION.load(Ordering::Acquire)
}

fn accounts_touched(conn: &mut DbConn) -> DbResult<()> {
    ACCOUNTS_GENERATION.fetch_add(1, Ordering::AcqRel);
    ACCOUNTS_TOUCHED.with(|t| t.set(true));
    crate::changes::notify(conn, crate::changes::ACCOUNTS, "")
}

/// Another instance changed an account or a session (heard through
/// [`crate::changes::listen`]): every cached session answer is stale.
pub fn accounts_changed_elsewhere() {
    ACCOUNTS_GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// Called by [`DbConn::write`] when a transaction ends.
pub(crate) fn transaction_ended() {
    if ACCOUNTS_TOUCHED.with(|t| t.replace(false)) {
        ACCOUNTS_GENERATION.fetch_add(1, Ordering::AcqRel);
    }
}

/// The role of `user_id` signed in under `session_id` (a refresh-token family), when
/// the account exists, is not disabled and the session has not ended (logout, password
/// change, disabling, reuse of a refresh token). One indexed query.
pub fn session_role(conn: &mut DbConn, user_id: &str, session_id: &str) -> DbResult<Option<GlobalRole>> {
    let live = refresh_tokens::table
        .filter(refresh_tokens::family_id.eq(session_id))
        .filter(refresh_tokens::user_id.eq(users::id))
        .filter(refresh_tokens::revoked_at.is_null());
    let role: Option<GlobalRole> = users::table
        .find(user_id)
        .filter(users::disabled.eq(false))
        .filter(diesel::dsl::exists(live))
        .select(users::role)
        .first(conn)
        .optional()?;
    Ok(role)
}

pub fn update_profile(conn: &mut DbConn, row: &UserRow) -> DbResult<()> {
    accounts_touched(conn)?;
    diesel::update(users::table.find(&row.id))
        .set((
            users::display_name.eq(&row.display_name),
            users::role.eq(&row.role),
            users::disabled.eq(row.disabled),
            users::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the password hash if it is still `verified` (the one the caller's current
/// password was checked against); false when another change came first.
pub fn set_password(conn: &mut DbConn, id: &str, verified: &str, hash: &str, now: NaiveDateTime) -> DbResult<bool> {
    accounts_touched(conn)?;
    Ok(diesel::update(users::table.find(id).filter(users::password_hash.eq(verified)))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)?
        == 1)
}

/// Serializes the session changes of one account (sign-in, refresh, sign-out, password
/// change) across transactions on PostgreSQL; SQLite's write transactions already are.
pub fn lock_account(conn: &mut DbConn, id: &str) -> DbResult<()> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(c)?;
    }
    Ok(())
}

/// Some enabled platform administrator, if there is one.
pub fn an_active_admin(conn: &mut DbConn) -> DbResult<Option<UserId>> {
    Ok(users::table
        .filter(users::role.eq(GlobalRole::PlatformAdmin))
        .filter(users::disabled.eq(false))
        .order(users::id)
        .select(users::id)
        .first(conn)
        .optional()?)
}

pub fn count_admins(conn: &mut DbConn) -> DbResult<i64> {
    Ok(users::table
        .filter(users::role.eq(GlobalRole::PlatformAdmin))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(conn)?)
}

/// Memberships of each user in `ids`, in one query.
pub fn memberships_of(conn: &mut DbConn, ids: &[UserId]) -> DbResult<HashMap<UserId, Vec<Membership>>> {
    let rows: Vec<(UserId, OrganizationId, OrgRole)> = memberships::table
        .filter(memberships::user_id.eq_any(ids))
        .order((memberships::user_id, memberships::organization_id))
        .select((memberships::user_id, memberships::organization_id, memberships::role))
        .load(conn)?;
    let mut out: HashMap<UserId, Vec<Membership>> = HashMap::new();
    for (u, organization_id, role) in rows {
        out.entry(u).or_default().push(Membership { organization_id, role });
    }
    Ok(out)
}

/// A user with their memberships.
pub fn get_full(conn: &mut DbConn, id: &str) -> DbResult<User> {
    let row = get(conn, id)?;
    let m = memberships_of(conn, std::slice::from_ref(&row.id))?.remove(&row.id).unwrap_or_default();
    let mut user = row.into_domain(m);
    user.coordinates = crate::network::coordinated_by(conn, id)?;
    Ok(user)
}

pub fn role_in(conn: &mut DbConn, user_id: &str, org_id: &str) -> DbResult<Option<OrgRole>> {
    let r: Option<String> =
        memberships::table.find((user_id, org_id)).select(memberships::role).first(conn).optional()?;
    Ok(r.and_then(|r| OrgRole::parse(&r)))
}

pub fn org_ids_of(conn: &mut DbConn, user_id: &str) -> DbResult<Vec<String>> {
    Ok(memberships::table.filter(memberships::user_id.eq(user_id)).select(memberships::organization_id).load(conn)?)
}

/// The organizations where the user has `role` (one query, for lists such as the inbox).
pub fn org_ids_with_role(conn: &mut DbConn, user_id: &str, role: OrgRole) -> DbResult<Vec<String>> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::role.eq(role.as_str()))
        .select(memberships::organization_id)
        .load(conn)?)
}

pub fn add_membership(
    conn: &mut DbConn,
    user_id: &str,
    org_id: &str,
    role: OrgRole,
    now: NaiveDateTime,
) -> DbResult<()> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::user_id.eq(user_id),
            memberships::organization_id.eq(org_id),
            memberships::role.eq(role),
            memberships::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn remove_membership(conn: &mut DbConn, user_id: &str, org_id: &str) -> DbResult<bool> {
    Ok(diesel::delete(memberships::table.find((user_id, org_id))).execute(conn)? == 1)
}

pub fn count_org_admins(conn: &mut DbConn, org_id: &str) -> DbResult<i64> {
    Ok(memberships::table
        .filter(memberships::organization_id.eq(org_id))
        .filter(memberships::role.eq(OrgRole::Admin))
        .count()
        .get_result(conn)?)
}

pub fn members(conn: &mut DbConn, org_id: &str) -> DbResult<Vec<Member>> {
    let rows: Vec<(UserId, String, String, OrgRole, NaiveDateTime)> = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org_id))
        .order(users::email)
        .select((users::id, users::email, users::display_name, memberships::role, memberships::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, email, display_name, role, since)| Member {
            user_id,
            email,
            display_name,
            role,
            since: from_db_time(since),
        })
        .collect())
}

/// A stored refresh token (only its hash is kept).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshRow {
    pub id: String,
    pub user_id: UserId,
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert_refresh(conn: &mut DbConn, row: &RefreshRow) -> DbResult<()> {
    diesel::insert_into(refresh_tokens::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find_refresh(conn: &mut DbConn, hash: &str) -> DbResult<Option<RefreshRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used, only if nobody used it first and its session was not ended
/// meanwhile; false means a concurrent reuse or revocation.
pub fn mark_refresh_used(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> DbResult<bool> {
    Ok(diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)?
        == 1)
}

pub fn revoke_family(conn: &mut DbConn, family_id: &str, now: NaiveDateTime) -> DbResult<usize> {
    accounts_touched(conn)?;
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?)
}

pub fn revoke_all_of_user(conn: &mut DbConn, user_id: &str, now: NaiveDateTime) -> DbResult<usize> {
    accounts_touched(conn)?;
    Ok(diesel::update(
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?)
}

/// Whether the account with `email` is a member of `org_id`.
pub fn is_member_by_email(conn: &mut DbConn, org_id: &str, email: &str) -> DbResult<bool> {
    let n: i64 = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org_id))
        .filter(users::email.eq(email))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Gives `user_id` a new private calendar address (`hash` of its secret), replacing any
/// earlier one.
pub fn set_calendar_token(conn: &mut DbConn, user_id: &str, hash: &str, now: NaiveDateTime) -> DbResult<()> {
    diesel::delete(calendar_tokens::table.find(user_id)).execute(conn)?;
    diesel::insert_into(calendar_tokens::table)
        .values((
            calendar_tokens::user_id.eq(user_id),
            calendar_tokens::token_hash.eq(hash),
            calendar_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// When `user_id`'s private calendar address was made, if it has one.
pub fn calendar_token_created(conn: &mut DbConn, user_id: &str) -> DbResult<Option<NaiveDateTime>> {
    Ok(calendar_tokens::table.find(user_id).select(calendar_tokens::created_at).first(conn).optional()?)
}

/// Withdraws `user_id`'s private calendar address; false when it had none.
pub fn delete_calendar_token(conn: &mut DbConn, user_id: &str) -> DbResult<bool> {
    Ok(diesel::delete(calendar_tokens::table.find(user_id)).execute(conn)? == 1)
}

/// Whose private calendar address `hash` is, with their current role, while the account
/// is enabled. One indexed query.
pub fn calendar_token_owner(conn: &mut DbConn, hash: &str) -> DbResult<Option<(UserId, GlobalRole)>> {
    Ok(calendar_tokens::table
        .inner_join(users::table)
        .filter(calendar_tokens::token_hash.eq(hash))
        .filter(users::disabled.eq(false))
        .select((users::id, users::role))
        .first(conn)
        .optional()?)
}
