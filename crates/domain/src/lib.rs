//! Tashbeek's domain: what an organization, a user or an audit entry *is*, and the
//! rules they obey. No I/O here, so the dashboard (wasm) shares these types and
//! validation messages with the server.

/// Diesel reads and writes `$ty` as TEXT through its `as_str` and `parse`: a stored text
/// that `parse` refuses is an error of the query that read it, not a branch at every caller.
macro_rules! text_sql {
    ($ty:ident) => {
        #[cfg(feature = "diesel")]
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $ty
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                $ty::parse(&s).ok_or_else(|| format!("stored {} is not valid: `{s}`", stringify!($ty)).into())
            }
        }

        #[cfg(feature = "diesel")]
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $ty
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.as_str(), out)
            }
        }
    };
}

pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod document;
pub mod id;
pub mod invitation;
pub mod meeting;
pub mod minutes;
pub mod network;
pub mod notification;
pub mod office;
pub mod organization;
pub mod page;
pub mod partnership;
pub mod recommendation;
pub mod reference;
pub mod report;
pub mod roadmap;
pub mod text;
pub mod user;
pub mod validation;

pub use id::{
    AgendaItemId, AuditEntryId, DecisionId, DocumentId, GoalId, InvitationId, MeetingId, MinutesId, NetworkId,
    NotificationId, OfficeTermId, OrganizationId, PartId, ParticipantId, PartnershipId, RecommendationId, ReportId,
    TaskId, UpdateId, UserId, VerificationEventId,
};
pub use validation::{FieldError, Lang, ValidationErrors};
