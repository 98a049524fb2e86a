//! Accounts: signing up with a new organization, platform administration of users and
//! their roles, and reading accounts. Passwords reach this layer already hashed (the
//! HTTP layer bounds how many hashes run at once); sessions and tokens stay there too.

use tashbeek_domain::organization::{OrganizationCreated, OrganizationInput};
use tashbeek_domain::page::{Cursor, Page};
use tashbeek_domain::user::{GlobalRole, User, UserSummary, UserUpdate};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::UserId;
use tashbeek_domain::ValidationErrors;
use tashbeek_persistence::user::{self as users, UserRow};
use tashbeek_persistence::{new_id, DbError};

use crate::authz;
use crate::context::{Caller, Ctx};
use crate::error::{AppError, AppResult};
use crate::event::{AccountState, Event};
use crate::organization;

/// Who a new account is, with its password already hashed.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: String,
    pub role: GlobalRole,
}

fn email_taken() -> AppError {
    AppError::Invalid(ValidationErrors::single("email", Violation::Taken))
}

/// Whether an account with this e-mail exists (to refuse before hashing).
pub fn email_is_taken(ctx: &mut Ctx, email: &str) -> AppResult<bool> {
    Ok(users::find_by_email(ctx.conn, email)?.is_some())
}

/// Stores a new account and records it; its actor is the context's caller (the new
/// account itself when it signs up).
fn insert(ctx: &mut Ctx, new: NewAccount) -> AppResult<UserRow> {
    let now = ctx.db_now();
    let row = UserRow {
        id: new_id(),
        email: new.email.to_owned(),
        display_name: new.display_name.to_owned(),
        password_hash: new.password_hash,
        role: new.role,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    users::insert(ctx.conn, &row).map_err(|e| match e {
        DbError::Conflict(_) => email_taken(),
        other => other.into(),
    })?;
    let event = Event::UserCreated {
        email: row.email.clone(),
        display_name: row.display_name.clone(),
        role: new.role,
        via_cli: false,
    };
    let id = row.id.clone();
    if ctx.caller.is_none() {
        ctx.caller = Some(Caller { id: id.clone(), role: new.role });
    }
    ctx.record(&id, event)?;
    Ok(row)
}

/// Anyone signs up together with the organization they will administer (pending). The
/// organization's field errors come back under `organization.`. Returns the new
/// account's id with the organization; the caller issues the session.
pub fn signup(ctx: &mut Ctx, account: NewAccount, org: &OrganizationInput) -> AppResult<(UserId, OrganizationCreated)> {
    if email_is_taken(ctx, account.email)? {
        return Err(email_taken());
    }
    let row = insert(ctx, account)?;
    let created = organization::register(ctx, org, Some(&row.id)).map_err(|e| match e {
        AppError::Invalid(errors) => AppError::Invalid(errors.nested("organization")),
        other => other,
    })?;
    Ok((row.id, created))
}

/// An invited address that already has an account signs in to accept.
pub fn account_exists() -> AppError {
    AppError::conflict(
        "account_exists",
        "لهذا البريد حساب بالفعل: سجّل الدخول به ثم اقبل الدعوة.",
        "This address already has an account: sign in with it, then accept.",
    )
}

/// A new account made from an invitation link (the caller becomes that account).
pub fn create_invited(ctx: &mut Ctx, account: NewAccount) -> AppResult<UserId> {
    if email_is_taken(ctx, account.email)? {
        return Err(account_exists());
    }
    ctx.caller = None;
    Ok(insert(ctx, account)?.id)
}

/// A platform administrator creates an account with any role.
pub fn create(ctx: &mut Ctx, account: NewAccount) -> AppResult<User> {
    authz::admin(ctx)?;
    if email_is_taken(ctx, account.email)? {
        return Err(email_taken());
    }
    Ok(insert(ctx, account)?.into_domain(vec![]))
}

fn state_of(r: &UserRow) -> AppResult<AccountState> {
    Ok(AccountState { display_name: r.display_name.clone(), role: r.role, disabled: r.disabled })
}

/// A platform administrator renames, changes the role of, disables or enables an
/// account; the platform always keeps an active administrator, and disabling ends the
/// account's sessions at once.
pub fn update(ctx: &mut Ctx, id: &UserId, input: &UserUpdate) -> AppResult<User> {
    authz::admin(ctx)?;
    // Serialized with the account's session changes, so a refresh cannot slip past a disable.
    users::lock_account(ctx.conn, id)?;
    let mut row = users::get(ctx.conn, id)?;
    let before = state_of(&row)?;
    if let Some(n) = &input.display_name {
        row.display_name = n.clone();
    }
    if let Some(r) = input.role {
        row.role = r;
    }
    if let Some(d) = input.disabled {
        row.disabled = d;
    }
    let after = state_of(&row)?;
    let active_admin = |s: &AccountState| s.role == GlobalRole::PlatformAdmin && !s.disabled;
    if active_admin(&before) && !active_admin(&after) && users::count_admins(ctx.conn)? <= 1 {
        return Err(AppError::conflict(
            "last_admin",
            "لا يمكن ذلك: سيبقى النظام بلا مدير منصة نشط.",
            "Not possible: the platform would be left without an active administrator.",
        ));
    }
    row.updated_at = ctx.db_now();
    users::update_profile(ctx.conn, &row)?;
    if row.disabled {
        users::revoke_all_of_user(ctx.conn, &row.id, ctx.db_now())?;
        // A leaked private calendar address must not come back with the account.
        users::delete_calendar_token(ctx.conn, &row.id)?;
    }
    ctx.record(&row.id, Event::UserUpdated { before, after })?;
    Ok(users::get_full(ctx.conn, &row.id)?)
}

/// One account: for administrators, observers and the account itself.
pub fn get(ctx: &mut Ctx, id: &UserId) -> AppResult<User> {
    let caller = ctx.caller()?.clone();
    if !caller.reads_all() && caller.id != *id {
        return Err(AppError::Forbidden);
    }
    Ok(users::get_full(ctx.conn, id)?)
}

/// Accounts, oldest first: for administrators and observers.
pub fn list(ctx: &mut Ctx, limit: i64, after: Option<&str>, email: Option<&str>) -> AppResult<Page<UserSummary>> {
    authz::reader(ctx)?;
    let rows = users::list(ctx.conn, limit + 1, after, email)?;
    let page = Page::from_rows(rows, limit, |r| Cursor::of_id(&r.id));
    Ok(page.map(UserRow::into_summary))
}

/// Counts one sign-up from `address` against its limit before anything else is done,
/// so nobody mass-creates accounts, probes e-mail addresses or burns CPU through it.
pub fn reserve_signup(ctx: &mut Ctx, address: &str, max: i64, window: chrono::Duration) -> AppResult<()> {
    let now = ctx.db_now();
    let key = format!("signup:{address}");
    tashbeek_persistence::throttle::reserve(ctx.conn, &[(key.as_str(), max)], window, now)?
        .map(|_| ())
        .map_err(|free_at| AppError::retry_after(free_at, now))
}
