//! Membership by invitation: an organization's administrator invites an e-mail address,
//! and whoever holds that address (an existing account, or a new one made from the
//! invitation) accepts. Nobody becomes a member without saying yes, and inviting
//! answers the same whether or not the address has an account.

use crate::id::{InvitationId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::organization::string_enum;
use crate::user::{validate_display_name, validate_email, validate_password, OrgRole};
use crate::validation::{ValidationErrors, Violation};

/// How long an invitation link stays usable.
pub const INVITATION_DAYS: i64 = 14;

string_enum! {
    /// Where an invitation stands; derived from its dates, never stored.
    InvitationStatus {
        /// Waiting for the invited person.
        Pending => "pending",
        Accepted => "accepted",
        /// Withdrawn by the organization, or replaced by a newer invitation.
        Revoked => "revoked",
        Expired => "expired",
    }
}

/// An administrator invites someone to the organization.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    #[cfg_attr(feature = "openapi", schema(max_length = 254, format = "email"))]
    pub email: String,
    #[serde(default = "default_role")]
    pub role: OrgRole,
}

fn default_role() -> OrgRole {
    OrgRole::Member
}

impl InvitationInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.email = validate_email("email", &self.email, &mut e);
        e.into_result().map(|_| self)
    }
}

/// An invitation as the organization's administrators see it (never with its token).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub role: OrgRole,
    pub status: InvitationStatus,
    pub invited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// The answer to an invitation: the link to pass on. Its shape and wording are the same
/// whether or not the address has an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationCreated {
    pub invitation: Invitation,
    /// Secret that lets its holder accept; shown once, stored only as a hash.
    pub token: String,
    /// The dashboard's page for accepting, with the token in the fragment (never sent to
    /// a server, so it stays out of access logs).
    pub accept_path: String,
}

/// A token from an invitation link.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationToken {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
}

/// What an invitation link shows before it is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationPreview {
    pub organization_id: OrganizationId,
    pub organization_name_ar: Option<String>,
    pub organization_name_en: Option<String>,
    pub email: String,
    pub role: OrgRole,
    pub expires_at: DateTime<Utc>,
}

/// Accepting: signed in as the invited address, only the token; otherwise also a display
/// name and password for the new account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationAcceptance {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
    /// For a new account.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 120))]
    pub display_name: Option<String>,
    /// For a new account.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 200))]
    pub password: Option<String>,
}

impl InvitationAcceptance {
    /// Checks the token's shape (before any lookup).
    pub fn check_token(&self) -> Result<(), ValidationErrors> {
        if self.token.is_empty() || self.token.len() > 200 {
            return Err(ValidationErrors::single("token", Violation::InvalidFormat("token".into())));
        }
        Ok(())
    }

    /// The new account's display name and password, checked against the invited address.
    pub fn new_account(&self, email: &str) -> Result<(String, String), ValidationErrors> {
        let mut e = ValidationErrors::default();
        let name = match &self.display_name {
            Some(n) => validate_display_name("display_name", n.clone(), &mut e),
            None => {
                e.add("display_name", Violation::Required);
                String::new()
            }
        };
        match &self.password {
            Some(p) => validate_password("password", p, email, &name, &mut e),
            None => e.add("password", Violation::Required),
        }
        e.into_result().map(|_| (name, self.password.clone().unwrap_or_default()))
    }
}
