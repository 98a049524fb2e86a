//! `tashbeek admin create`: the first platform administrator, from the command line.

use anyhow::{bail, Context};
use tashbeek_app::Event;
use tashbeek_domain::user::{validate_email, validate_password, GlobalRole};
use tashbeek_domain::{Lang, ValidationErrors};
use tashbeek_http::auth::hash_password;
use tashbeek_http::AppState;
use tashbeek_persistence::user::{self as users, UserRow};
use tashbeek_persistence::{new_id, to_db_time, DbError};

/// Creates a platform administrator; refuses an email that already has an account.
/// Returns the new account's id and its (normalized) email.
pub fn create_admin(
    state: &AppState,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<(tashbeek_domain::UserId, String)> {
    let mut e = ValidationErrors::default();
    let email = validate_email("email", email, &mut e);
    validate_password("password", password, &email, name, &mut e);
    if !e.is_empty() {
        let msgs: Vec<String> = e.render(Lang::En).into_iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
        bail!("{}", msgs.join("; "));
    }
    let hash = hash_password(&state.settings, password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut conn = state.pool.get()?;
    let now = chrono::Utc::now();
    let row = UserRow {
        id: new_id(),
        email: email.clone(),
        display_name: if name.trim().is_empty() { email.clone() } else { name.trim().to_owned() },
        password_hash: hash,
        role: GlobalRole::PlatformAdmin,
        disabled: false,
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
    };
    conn.write(|c| -> Result<(), DbError> {
        if users::find_by_email(c, &email)?.is_some() {
            return Err(DbError::Conflict(email.clone()));
        }
        users::insert(c, &row)?;
        let event = Event::UserCreated {
            email: row.email.clone(),
            display_name: row.display_name.clone(),
            role: GlobalRole::PlatformAdmin,
            via_cli: true,
        };
        tashbeek_app::event::record(c, now, None, &row.id, None, &event).map_err(|e| match e {
            tashbeek_app::AppError::Db(db) => db,
            other => DbError::Corrupt(other.to_string()),
        })
    })
    .map_err(|e| match e {
        DbError::Conflict(_) => anyhow::anyhow!("an account with email {email} already exists"),
        other => anyhow::anyhow!(other),
    })
    .context("creating the administrator")?;
    Ok((row.id, email))
}
