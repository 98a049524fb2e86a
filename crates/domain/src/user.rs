//! Accounts and the roles that decide what each may do.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::organization::{string_enum, OrganizationInput};
use crate::validation::{clean, is_valid_email, ValidationErrors, Violation};

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

/// Checks a new password: long enough to resist guessing, short enough to hash cheaply.
pub fn validate_password(field: &str, password: &str, e: &mut ValidationErrors) {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        e.add(field, Violation::TooShort { min: MIN_PASSWORD });
    } else if n > MAX_PASSWORD {
        e.add(field, Violation::TooLong { max: MAX_PASSWORD });
    }
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

fn validate_display_name(field: &str, name: String, e: &mut ValidationErrors) -> String {
    let name = name.trim().to_owned();
    if name.is_empty() {
        e.add(field, Violation::Required);
    }
    e.check_len(field, Some(&name), 120);
    name
}

/// A user account as the API shows it; never carries the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: GlobalRole,
    pub disabled: bool,
    pub memberships: Vec<Membership>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user's role in one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub organization_id: Uuid,
    pub role: OrgRole,
}

/// A member of an organization, as its admins see the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: Uuid,
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
    pub email: String,
    pub display_name: String,
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
        validate_password("password", &self.password, &mut e);
        e.into_result().map(|_| self)
    }
}

/// A platform administrator changes an account's role or disables it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[serde(default)]
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
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub organization: OrganizationInput,
}

impl Signup {
    pub fn validate(mut self, current_year: i32) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.email = validate_email("email", &self.email, &mut e);
        self.display_name = validate_display_name("display_name", self.display_name, &mut e);
        validate_password("password", &self.password, &mut e);
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

/// An organization admin adds a member: an existing account by email, or a new one
/// when a password is given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub email: String,
    #[serde(default = "default_org_role")]
    pub role: OrgRole,
    /// Only for a new account.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Only for a new account; without it the email must belong to an existing account.
    #[serde(default)]
    pub password: Option<String>,
}

fn default_org_role() -> OrgRole {
    OrgRole::Member
}

impl NewMember {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.email = validate_email("email", &self.email, &mut e);
        self.display_name = clean(self.display_name);
        e.check_len("display_name", self.display_name.as_deref(), 120);
        if let Some(p) = &self.password {
            validate_password("password", p, &mut e);
            if self.display_name.is_none() {
                e.add("display_name", Violation::Required);
            }
        }
        e.into_result().map(|_| self)
    }
}
