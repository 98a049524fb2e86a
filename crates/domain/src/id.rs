//! Typed record ids. An organization's id cannot be passed where a user's is expected, and
//! an id is checked once, where it enters (a path, a body, a row), never again at a use.
//! Each holds its UUID's canonical text (lowercase, hyphenated): that is what both
//! databases store and what JSON carries, so reading, binding and answering copy no
//! formats back and forth.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident;)+) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        #[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        pub struct $name(String);

        impl $name {
            pub fn from_uuid(uuid: Uuid) -> Self {
                $name(uuid.hyphenated().to_string())
            }

            /// `None` unless `s` is a UUID (in any of its spellings).
            pub fn parse(s: &str) -> Option<Self> {
                Uuid::parse_str(s).ok().map(Self::from_uuid)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        /// Reads as its text wherever a `&str` is taken (queries over text columns, paths).
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self::from_uuid(uuid)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, uuid::Error> {
                Uuid::parse_str(s).map(Self::from_uuid)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<str>::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| serde::de::Error::custom(concat!("not a UUID (", stringify!($name), ")")))
            }
        }

        text_sql!($name);
    )+};
}

id_type! {
    /// An organization in the directory.
    OrganizationId;
    /// An account.
    UserId;
    /// A network of organizations.
    NetworkId;
    /// An invitation to join an organization.
    InvitationId;
    /// One audit-log entry.
    AuditEntryId;
    /// One step of an organization's verification history.
    VerificationEventId;
    /// A partnership between organizations.
    PartnershipId;
    /// An activity or outcome reported on a partnership.
    ReportId;
    /// An uploaded document (evidence now; working papers and minutes later).
    DocumentId;
    /// A meeting, forum, workshop or field visit.
    MeetingId;
    /// A person an organization sends to a meeting.
    ParticipantId;
    /// An item of a meeting's agenda.
    AgendaItemId;
    /// A meeting's minutes (or a correction of them).
    MinutesId;
    /// A decision a meeting took.
    DecisionId;
    /// One person's term in a position of a network's coordination office.
    OfficeTermId;
    /// A recommendation a meeting or network produced.
    RecommendationId;
    /// One addressee's part of a recommendation.
    PartId;
    /// A progress update on a part of a recommendation.
    UpdateId;
    /// A notification to one person.
    NotificationId;
    /// A goal on a network's roadmap.
    GoalId;
    /// A task carrying out a roadmap goal.
    TaskId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_once_and_canonical() {
        let id = OrganizationId::parse("0192F1C4-8A4E-7CC0-9D1E-1C2B3A4D5E6F").unwrap();
        assert_eq!(id.as_str(), "0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f\"");
        assert_eq!(serde_json::from_str::<OrganizationId>("\"0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f\"").unwrap(), id);
        assert!(serde_json::from_str::<OrganizationId>("\"SD-RN\"").is_err());
        assert!(OrganizationId::parse("").is_none());
    }
}
