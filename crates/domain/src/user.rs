//! Accounts and the roles that decide what each may do.

use crate::id::{NetworkId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::organization::{string_enum, OrganizationInput};
use crate::validation::{is_valid_email, ValidationErrors, Violation};

string_enum! {
    /// A role across the whole platform.
    GlobalRole {
        /// Manages users, reference data and verification; a network coordinator.
        PlatformAdmin => "platform_admin",
        /// Reads everything, changes nothing (e.g. a ministry officer).
        Observer => "observer",
        /// Acts only through organization memberships.
        User => "user",
    }
}

string_enum! {
    /// A role within one organization.
    OrgRole {
        Admin => "admin",
        Member => "member",
    }
}

pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 200;

/// Checks a new password for the account `email`: long enough, short enough to hash
/// cheaply, free of control and invisible characters, not the e-mail address, and —
/// where the `strength` feature is on (the server) — not easy to guess by the zxcvbn
/// estimator, which knows common passwords, names, keyboard patterns, sequences,
/// repeats and dates, and is told the e-mail and display name.
pub fn validate_password(field: &str, password: &str, email: &str, display_name: &str, e: &mut ValidationErrors) {
    let n = password.chars().count();
    if n > MAX_PASSWORD {
        return e.add(field, Violation::TooLong { max: MAX_PASSWORD });
    }
    if let Err(c) = crate::validation::clean_text(password, false) {
        return e.add(field, Violation::InvalidCharacter(c));
    }
    // Invisible characters would count towards the length while adding nothing, and
    // cannot be typed again reliably.
    if let Some(c) = password.chars().find(|c| is_invisible(*c)) {
        return e.add(field, Violation::InvalidCharacter(c));
    }
    let visible = password.chars().filter(|c| !c.is_whitespace()).count();
    if visible < MIN_PASSWORD {
        return e.add(field, Violation::TooShort { min: MIN_PASSWORD });
    }
    let folded = password.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    if !email.is_empty() && (folded.contains(email) || (local.chars().count() >= 4 && folded.contains(local))) {
        return e.add(field, Violation::PasswordContainsEmail);
    }
    if is_weak(password, &[email, local, display_name]) {
        e.add(field, Violation::WeakPassword);
    }
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{061C}' | '\u{180E}')
}

/// Easy to guess: zxcvbn's score below 3 ("safely unguessable" against online and
/// slow-hash offline attacks). It reads the first 100 characters only, which bounds
/// its work; passwords longer than that are long enough.
#[cfg(feature = "strength")]
fn is_weak(password: &str, user_inputs: &[&str]) -> bool {
    let head: String = password.chars().take(100).collect();
    let inputs: Vec<&str> = user_inputs.iter().copied().filter(|s| !s.is_empty()).collect();
    (zxcvbn::zxcvbn(&head, &inputs).score() as u8) < 3
}

/// Without the estimator (the dashboard's wasm build), the server has the last word.
#[cfg(not(feature = "strength"))]
fn is_weak(_: &str, _: &[&str]) -> bool {
    false
}

/// Lowercases and checks an email used as a login name.
pub fn validate_email(field: &str, email: &str, e: &mut ValidationErrors) -> String {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        e.add(field, Violation::Required);
    } else if !is_valid_email(&email) {
        e.add(field, Violation::InvalidEmail);
    }
    email
}

pub(crate) fn validate_display_name(field: &str, name: String, e: &mut ValidationErrors) -> String {
    e.line(field, &name, 120)
}

/// A user account as the API shows it; never carries the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: GlobalRole,
    pub disabled: bool,
    pub memberships: Vec<Membership>,
    /// The networks this account coordinates. The dashboard's stored session leaves them
    /// out (the public directory's first download stays small); the meetings screens read
    /// them from `GET /me` when they open.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", serde(skip))]
    pub coordinates: Vec<NetworkId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An account as the users list shows it; memberships are in the account
/// (`GET /users/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: GlobalRole,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    pub fn summary(&self) -> UserSummary {
        UserSummary {
            id: self.id.clone(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            disabled: self.disabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A user's role in one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub organization_id: OrganizationId,
    pub role: OrgRole,
}

/// A member of an organization, as its admins see the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: OrgRole,
    pub since: DateTime<Utc>,
}

/// A platform administrator creates an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[cfg_attr(feature = "openapi", schema(max_length = 254, format = "email"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub display_name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 200))]
    pub password: String,
    #[serde(default = "default_role")]
    pub role: GlobalRole,
}

fn default_role() -> GlobalRole {
    GlobalRole::User
}

impl NewUser {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.email = validate_email("email", &self.email, &mut e);
        self.display_name = validate_display_name("display_name", self.display_name, &mut e);
        validate_password("password", &self.password, &self.email, &self.display_name, &mut e);
        e.into_result().map(|_| self)
    }
}

/// A platform administrator changes an account's role or disables it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<GlobalRole>,
    #[serde(default)]
    pub disabled: Option<bool>,
}

impl UserUpdate {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        if let Some(n) = self.display_name.take() {
            self.display_name = Some(validate_display_name("display_name", n, &mut e));
        }
        e.into_result().map(|_| self)
    }
}

/// Anyone signs up together with the organization they will administer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Signup {
    #[cfg_attr(feature = "openapi", schema(max_length = 254, format = "email"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub display_name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 200))]
    pub password: String,
    pub organization: OrganizationInput,
}

impl Signup {
    pub fn validate(mut self, current_year: i32) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.email = validate_email("email", &self.email, &mut e);
        self.display_name = validate_display_name("display_name", self.display_name, &mut e);
        validate_password("password", &self.password, &self.email, &self.display_name, &mut e);
        match self.organization.clone().normalize_and_validate(current_year) {
            Ok(org) => self.organization = org,
            Err(errs) => {
                for (f, v) in errs.0 {
                    e.add(format!("organization.{f}"), v);
                }
            }
        }
        e.into_result().map(|_| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(password: &str) -> Option<&'static str> {
        let mut e = ValidationErrors::default();
        validate_password("password", password, "salma.ahmed@shendi.example", "سلمى أحمد", &mut e);
        e.0.first().map(|(_, v)| v.code())
    }

    #[test]
    fn passwords_that_are_short_invisible_or_the_email_are_refused() {
        assert_eq!(check("short"), Some("too_short"));
        assert_eq!(check("          "), Some("too_short"));
        assert_eq!(
            check("\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}abc"),
            Some("invalid_character")
        );
        assert_eq!(check("abc\u{202E}defghijkl"), Some("invalid_character"));
        assert_eq!(check("salma.ahmed@shendi.example"), Some("contains_email"));
        assert_eq!(check("Salma.Ahmed2026!"), Some("contains_email"));
        assert_eq!(check(&"x".repeat(201)), Some("too_long"));
    }

    #[cfg(feature = "strength")]
    #[test]
    fn guessable_passwords_are_refused_and_passphrases_accepted() {
        for weak in ["1234567890", "password12", "qwertyuiop", "aaaaaaaaaaaa", "1111111111", "iloveyou2026"] {
            assert_eq!(check(weak), Some("too_weak"), "{weak}");
        }
        for strong in ["correct horse battery", "a brand new passphrase", "tashbeek-demo-2026", "نخيل شندي على النيل"]
        {
            assert_eq!(check(strong), None, "{strong}");
        }
    }
}

/// A private calendar address: calendar apps subscribe to
/// `…/calendar.ics?token=<token>` and see what its owner may see. The secret is shown
/// once, when made; later reads give only its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub created_at: DateTime<Utc>,
}
