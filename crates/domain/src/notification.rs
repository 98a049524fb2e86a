//! In-app notifications (and e-mails, where SMTP is configured) that keep recommendations in
//! sight: a part newly addressed to one's organization, a due date a week away, a due date
//! passed. A background job produces them, each once per person, however many instances run.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{NotificationId, PartId, RecommendationId};
use crate::organization::string_enum;

/// Days before its due date that an open part is "due soon".
pub const DUE_SOON_DAYS: i64 = 7;
/// How far back a missed overdue notice is still sent (a server that was off for days).
pub const OVERDUE_LOOKBACK_DAYS: i64 = 30;

string_enum! {
    /// What a notification is about.
    NotificationKind {
        /// A part of an adopted recommendation is addressed to your organization (or office).
        Assigned => "assigned",
        /// Its due date is at most a week away and your part is not done.
        DueSoon => "due_soon",
        /// Its due date has passed and your part is not done.
        Overdue => "overdue",
    }
}

/// A notification as its recipient sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub recommendation_id: RecommendationId,
    pub part_id: PartId,
    /// The recommendation's reference code and text, as they are now.
    pub code: String,
    pub text_ar: Option<String>,
    pub text_en: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}
