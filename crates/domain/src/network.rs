//! Networks (شبكة، تجمع، كيان جامع): organizations that coordinate under one roof, such
//! as the voluntary and cultural organizations of Shendi and Al-Matamma. Coordinators
//! manage a network; an organization becomes a member only when its own administrators
//! accept the invitation.

use crate::id::{NetworkId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::organization::{string_enum, MAX_DESCRIPTION, MAX_NAME};
use crate::validation::ValidationErrors;

string_enum! {
    /// Where an organization stands in a network.
    NetworkMemberStatus {
        /// Invited by a coordinator; waiting for the organization's answer.
        Invited => "invited",
        /// Asked to join by its own administrators; waiting for a coordinator's answer.
        Requested => "requested",
        Member => "member",
        Declined => "declined",
        /// Left, or removed by a coordinator.
        Left => "left",
    }
}

/// What a coordinator sends to create a network or replace its profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkInput {
    /// Arabic name; this or `name_en` is required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name_ar: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name_en: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: Option<String>,
    /// The area it covers (an id from `GET /api/v1/areas`).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub area: String,
}

impl NetworkInput {
    /// Cleans the text and checks what needs no database (the area's existence is the
    /// caller's to check).
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        (self.name_ar, self.name_en) = e.names(self.name_ar, self.name_en, MAX_NAME);
        self.description = e.text("description", self.description, MAX_DESCRIPTION, true);
        self.area = e.line("area", &self.area, 100);
        e.into_result().map(|_| self)
    }

    /// What lists sort by: the Arabic name when there is one.
    pub fn sort_name(&self) -> String {
        crate::text::normalize(self.name_ar.as_deref().or(self.name_en.as_deref()).unwrap_or(""))
    }
}

/// A network as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Network {
    pub id: NetworkId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub area: String,
    /// Organizations that accepted and have not left.
    pub members_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increments on every change; the `ETag` carries it and `If-Match` must echo it.
    pub version: i64,
}

/// An organization in a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkMember {
    pub organization_id: OrganizationId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub status: NetworkMemberStatus,
    pub invited_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
}

/// A person who manages a network: edits it, invites organizations, answers requests
/// to join, and holds its meetings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkCoordinator {
    pub user_id: UserId,
    pub display_name: String,
    pub appointed_at: DateTime<Utc>,
}

/// A coordinator invites an organization into a network.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkInvitation {
    pub organization_id: OrganizationId,
}

/// An organization's administrator answers its invitation, or a coordinator answers an
/// organization's request to join.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkAnswer {
    /// `member` to accept, `declined` to refuse.
    pub status: NetworkMemberStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_needs_a_name_and_an_area() {
        let input = NetworkInput { name_ar: Some(" ".into()), name_en: None, description: None, area: "".into() };
        let fields: Vec<_> = input.validate().unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["name_ar", "name_en", "area"]);
        let ok = NetworkInput {
            name_ar: Some(" شبكة منظمات شندي ".into()),
            name_en: None,
            description: None,
            area: "SD-RN".into(),
        };
        assert_eq!(ok.validate().unwrap().name_ar.as_deref(), Some("شبكة منظمات شندي"));
    }
}
