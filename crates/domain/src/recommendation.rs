//! Recommendations (توصيات) tracked until implemented. A meeting or a network produces a
//! recommendation; it is addressed in parts — to organizations (government bodies among
//! them) or to the network's coordination office — and each addressee accepts or
//! declines its part, reports dated progress with evidence, and claims it done; another
//! party (a coordinator or the meeting's organizer) verifies it. Overall progress rolls
//! up from the parts, weighted.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::id::{AgendaItemId, MeetingId, NetworkId, OrganizationId, PartId, RecommendationId, UpdateId};
use crate::organization::{dedupe_codes, string_enum};
use crate::partnership::iso_date;
use crate::validation::{is_valid_url, ValidationErrors, Violation};

/// Longest recommendation text, per language.
pub const MAX_TEXT: usize = 4_000;
/// Most addressees of one recommendation.
pub const MAX_ADDRESSEES: usize = 30;
/// Most sectors or areas of one recommendation.
pub const MAX_CODES: usize = 20;
/// Longest progress report.
pub const MAX_UPDATE: usize = 5_000;
/// Most links, and most related records, on one progress update.
pub const MAX_LINKS: usize = 10;
/// Longest reference code.
pub const MAX_CODE: usize = 40;
/// Longest reason (rejection, deferral, declining, not implemented, returning).
pub const MAX_REASON: usize = 2_000;
/// Days without a progress update after which an open recommendation is stale, unless
/// the server or the request says otherwise.
pub const DEFAULT_STALE_DAYS: i64 = 30;

string_enum! {
    /// Where a recommendation stands.
    RecommendationStatus {
        /// Recorded, not yet decided on.
        Proposed => "proposed",
        /// Taken up: its addressees are asked to accept their parts.
        Adopted => "adopted",
        /// Not taken up (with a reason).
        Rejected => "rejected",
        /// Put off (with a reason); may be adopted or rejected later.
        Deferred => "deferred",
        /// Work has started (the first progress update moves it here).
        InProgress => "in_progress",
        /// Every part that was not declined is verified implemented.
        Implemented => "implemented",
        /// Given up (with a reason).
        NotImplemented => "not_implemented",
    }
}

impl RecommendationStatus {
    /// Whether `self → to` may be asked for. `implemented` is reached when the last part
    /// is verified; asking for it checks the parts.
    pub fn may_become(self, to: RecommendationStatus) -> bool {
        use RecommendationStatus::*;
        matches!(
            (self, to),
            (Proposed, Adopted | Rejected | Deferred)
                | (Deferred, Adopted | Rejected)
                | (Adopted, InProgress | NotImplemented | Implemented)
                | (InProgress, NotImplemented | Implemented)
        )
    }

    /// Adopted and not yet closed: addressees work on it, due dates and staleness count.
    pub fn is_open(self) -> bool {
        matches!(self, RecommendationStatus::Adopted | RecommendationStatus::InProgress)
    }

    /// A new status that must say why.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            RecommendationStatus::Rejected | RecommendationStatus::Deferred | RecommendationStatus::NotImplemented
        )
    }
}

string_enum! {
    /// How urgent a recommendation is.
    Priority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
}

string_enum! {
    /// Where one addressee's part stands.
    PartState {
        /// The addressee has not said whether it takes responsibility.
        AwaitingAnswer => "awaiting_answer",
        Accepted => "accepted",
        /// Not its responsibility (with a reason); left out of the roll-up.
        Declined => "declined",
        /// Claimed done with evidence; another party verifies it.
        AwaitingVerification => "awaiting_verification",
        /// Verified implemented.
        Implemented => "implemented",
    }
}

string_enum! {
    /// A verifier's finding on a part claimed done.
    VerificationVerdict {
        Confirmed => "confirmed",
        /// Not done yet (with a comment): back to accepted.
        Returned => "returned",
    }
}

string_enum! {
    /// What a progress update links to as the work that implements it.
    RelatedKind {
        Partnership => "partnership",
        Meeting => "meeting",
        /// A task on the roadmap of the recommendation's network.
        Task => "task",
    }
}

/// One addressee: an organization (a ministry is a government body in the directory) or,
/// with `office`, the network's coordination office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddresseeInput {
    #[serde(default)]
    pub organization_id: Option<OrganizationId>,
    /// The network's coordination office (its coordinators answer for it).
    #[serde(default)]
    pub office: bool,
    /// Share of the roll-up (default 1).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub weight: Option<i32>,
}

impl AddresseeInput {
    /// The addressee's organization, `None` for the office.
    pub fn key(&self) -> Option<&OrganizationId> {
        self.organization_id.as_ref()
    }
}

/// What a meeting's managers or a network's coordinators record (and edit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecommendationInput {
    /// Reference code, unique (letters, digits, `.`, `_`, `/`, `-`); given one when left
    /// out. Spreadsheets match rows by it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40, pattern = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"))]
    pub code: Option<String>,
    /// The meeting that produced it (its network becomes the recommendation's).
    #[serde(default)]
    pub meeting_id: Option<MeetingId>,
    /// The agenda item or working paper's item it came from (needs `meeting_id`).
    #[serde(default)]
    pub agenda_item_id: Option<AgendaItemId>,
    /// The network it is entered for; required without a meeting.
    #[serde(default)]
    pub network_id: Option<NetworkId>,
    /// Arabic text; this or `text_en` is required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub text_ar: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub text_en: Option<String>,
    /// Sector codes (`GET /api/v1/sectors`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub sectors: Vec<String>,
    /// Area ids (`GET /api/v1/areas`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub areas: Vec<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default, with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_on: Option<NaiveDate>,
    /// One to thirty addressees, each once.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 30))]
    pub addressees: Vec<AddresseeInput>,
}

fn check_code(e: &mut ValidationErrors, field: &str, code: Option<String>) -> Option<String> {
    let code = code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty())?;
    let ok = code.chars().count() <= MAX_CODE
        && code.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'));
    if !ok {
        e.add(field, Violation::InvalidFormat("A-Z 0-9 . _ / - (≤ 40)".into()));
    }
    Some(code)
}

/// Cleans a required text given in either language or both.
fn texts(e: &mut ValidationErrors, ar: Option<String>, en: Option<String>) -> (Option<String>, Option<String>) {
    let ar = e.text("text_ar", ar, MAX_TEXT, true);
    let en = e.text("text_en", en, MAX_TEXT, true);
    if ar.is_none() && en.is_none() && !e.0.iter().any(|(f, _)| f == "text_ar" || f == "text_en") {
        e.add("text_ar", Violation::OneOfRequired("text_en"));
        e.add("text_en", Violation::OneOfRequired("text_ar"));
    }
    if ar.as_ref().is_some_and(|n| !n.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))) {
        e.add(
            "text_ar",
            Violation::InvalidFormat("النص العربي يجب أن يحتوي حروفًا عربية / must contain Arabic letters".into()),
        );
    }
    (ar, en)
}

impl RecommendationInput {
    /// Cleans the text and checks every rule that needs no database.
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.code = check_code(&mut e, "code", self.code);
        (self.text_ar, self.text_en) = texts(&mut e, self.text_ar, self.text_en);
        dedupe_codes(&mut self.sectors, "sectors", MAX_CODES, &mut e);
        dedupe_codes(&mut self.areas, "areas", MAX_CODES, &mut e);
        if self.agenda_item_id.is_some() && self.meeting_id.is_none() {
            e.add("agenda_item_id", Violation::InvalidFormat("مع اللقاء فقط / only with meeting_id".into()));
        }
        if self.meeting_id.is_none() && self.network_id.is_none() {
            e.add("network_id", Violation::OneOfRequired("meeting_id"));
        }
        if self.due_on.is_some_and(|d| d < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()) {
            e.add("due_on", Violation::InvalidFormat("2000-01-01 …".into()));
        }
        if self.addressees.is_empty() {
            e.add("addressees", Violation::TooFew { min: 1 });
        } else if self.addressees.len() > MAX_ADDRESSEES {
            e.add("addressees", Violation::TooMany { max: MAX_ADDRESSEES });
        } else {
            let mut seen: Vec<Option<&OrganizationId>> = vec![];
            for (i, a) in self.addressees.iter().enumerate() {
                let f = format!("addressees[{i}]");
                match (&a.organization_id, a.office) {
                    (Some(_), true) | (None, false) => {
                        e.add(f.clone(), Violation::OneOfRequired("organization_id, office"))
                    }
                    _ if seen.contains(&a.key()) => e.add(f.clone(), Violation::Duplicate),
                    _ => seen.push(a.key()),
                }
                if a.weight.is_some_and(|w| !(1..=100).contains(&w)) {
                    e.add(format!("{f}.weight"), Violation::OutOfRange { min: 1, max: 100 });
                }
            }
        }
        e.into_result().map(|_| self)
    }
}

/// A change of status by the recommendation's managers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: RecommendationStatus,
    /// Required for `rejected`, `deferred` and `not_implemented`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub reason: Option<String>,
    /// On adoption: when the managers look at it again (default: the due date, or 90 days).
    #[serde(default, with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub review_on: Option<NaiveDate>,
}

impl StatusChange {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.reason = e.text("reason", self.reason, MAX_REASON, true);
        if self.status.needs_reason() && self.reason.is_none() && !e.0.iter().any(|(f, _)| f == "reason") {
            e.add("reason", Violation::Required);
        }
        if self.review_on.is_some() && self.status != RecommendationStatus::Adopted {
            e.add("review_on", Violation::InvalidFormat("عند الاعتماد فقط / only on adoption".into()));
        }
        e.into_result().map(|_| self)
    }
}

/// An addressee's answer: it takes responsibility for its part, or says why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartAnswer {
    pub accept: bool,
    /// Required when declining.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub reason: Option<String>,
}

impl PartAnswer {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.reason = e.text("reason", self.reason, MAX_REASON, true);
        if !self.accept && self.reason.is_none() && !e.0.iter().any(|(f, _)| f == "reason") {
            e.add("reason", Violation::Required);
        }
        e.into_result().map(|_| self)
    }
}

/// A record that implements a recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RelatedRecord {
    pub kind: RelatedKind,
    /// The partnership's, meeting's or roadmap task's id (UUID).
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub id: String,
}

/// Dated progress an addressee reports on its part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateInput {
    /// The day the progress is reported for (default: today); not in the future.
    #[serde(default, with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub reported_on: Option<NaiveDate>,
    /// How far the part is, in percent (100 does not make it implemented: claim it).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub percent: i32,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 5000))]
    pub body: String,
    /// Web addresses of evidence (http or https).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub links: Vec<String>,
    /// Partnerships or meetings that implement it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub related: Vec<RelatedRecord>,
}

impl UpdateInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        if !(0..=100).contains(&self.percent) {
            e.add("percent", Violation::OutOfRange { min: 0, max: 100 });
        }
        self.body = e.paragraphs("body", &self.body, MAX_UPDATE);
        if self.links.len() > MAX_LINKS {
            e.add("links", Violation::TooMany { max: MAX_LINKS });
        } else {
            for (i, l) in self.links.iter_mut().enumerate() {
                *l = l.trim().to_owned();
                if l.chars().count() > 500 {
                    e.add(format!("links[{i}]"), Violation::TooLong { max: 500 });
                } else if !is_valid_url(l) {
                    e.add(format!("links[{i}]"), Violation::InvalidUrl);
                }
            }
        }
        if self.related.len() > MAX_LINKS {
            e.add("related", Violation::TooMany { max: MAX_LINKS });
        } else {
            for (i, r) in self.related.iter_mut().enumerate() {
                match uuid::Uuid::parse_str(&r.id) {
                    Ok(u) => r.id = u.hyphenated().to_string(),
                    Err(_) => e.add(format!("related[{i}].id"), Violation::InvalidFormat("UUID".into())),
                }
            }
        }
        e.into_result().map(|_| self)
    }

    /// Whether the update itself carries evidence (documents come after, on their own).
    pub fn has_evidence(&self) -> bool {
        !self.links.is_empty() || !self.related.is_empty()
    }
}

/// A verifier's finding on a part claimed done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Verification {
    pub verdict: VerificationVerdict,
    /// Required when returning the part.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub comment: Option<String>,
}

impl Verification {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.comment = e.text("comment", self.comment, MAX_REASON, true);
        if self.verdict == VerificationVerdict::Returned
            && self.comment.is_none()
            && !e.0.iter().any(|(f, _)| f == "comment")
        {
            e.add("comment", Violation::Required);
        }
        e.into_result().map(|_| self)
    }
}

/// Who a part is addressed to, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Addressee {
    /// `None`: the network's coordination office.
    pub organization_id: Option<OrganizationId>,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
}

/// One addressee's part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Part {
    pub id: PartId,
    pub addressee: Addressee,
    pub weight: i32,
    pub state: PartState,
    /// Why it was declined.
    pub answer_reason: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Percent, from its latest update (100 once implemented).
    pub progress: i32,
    pub last_update_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    /// The verifier's comment (why it was returned, or a note on confirming).
    pub verification_comment: Option<String>,
}

/// A recommendation as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub id: RecommendationId,
    pub code: String,
    pub network_id: Option<NetworkId>,
    pub meeting_id: Option<MeetingId>,
    pub agenda_item_id: Option<AgendaItemId>,
    pub text_ar: Option<String>,
    pub text_en: Option<String>,
    pub sectors: Vec<String>,
    pub areas: Vec<String>,
    pub priority: Priority,
    pub status: RecommendationStatus,
    pub status_reason: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_on: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub review_on: Option<NaiveDate>,
    /// Rolled up from the parts not declined, weighted, in percent.
    pub progress: i32,
    /// Open and past its due date.
    pub overdue: bool,
    /// Adoption or the latest progress update.
    pub last_activity_at: Option<DateTime<Utc>>,
    pub parts: Vec<Part>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The `ETag`; edits and status changes send it back in `If-Match`.
    pub version: i64,
}

/// A recommendation in a list (the board).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecommendationSummary {
    pub id: RecommendationId,
    pub code: String,
    pub network_id: Option<NetworkId>,
    pub meeting_id: Option<MeetingId>,
    pub text_ar: Option<String>,
    pub text_en: Option<String>,
    pub priority: Priority,
    pub status: RecommendationStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_on: Option<NaiveDate>,
    pub progress: i32,
    pub overdue: bool,
    pub last_activity_at: Option<DateTime<Utc>>,
    /// Its addressees, in order.
    pub addressees: Vec<Addressee>,
    pub updated_at: DateTime<Utc>,
}

/// One part an organization owes ("what we owe"), with its recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwedPart {
    pub part_id: PartId,
    pub state: PartState,
    pub progress: i32,
    pub last_update_at: Option<DateTime<Utc>>,
    pub recommendation: RecommendationSummary,
}

/// A progress update with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressUpdate {
    pub id: UpdateId,
    pub part_id: PartId,
    pub addressee: Addressee,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub reported_on: NaiveDate,
    pub percent: i32,
    pub body: String,
    pub links: Vec<String>,
    pub related: Vec<RelatedRecord>,
    pub documents: Vec<Document>,
    pub created_at: DateTime<Utc>,
}

/// Most rows one spreadsheet may hold (an export stops there; an import refuses more).
pub const MAX_SHEET_ROWS: usize = 20_000;

/// One change an imported row makes (or, in a dry run, would make).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetChange {
    /// The row in the file (the header is row 1).
    pub row: usize,
    pub code: String,
    /// `text_ar`, `status`, `status_reason`, `priority`, `due_on`, or `progress` (of the
    /// row's addressee).
    pub field: String,
    pub from: String,
    pub to: String,
}

/// Why a row cannot be applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetError {
    /// The row in the file (the header is row 1).
    pub row: usize,
    /// The column's header, as exported.
    pub column: String,
    pub message: String,
}

/// What an import did, or in a dry run would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    /// Rows that change nothing.
    pub unchanged: usize,
    pub changes: Vec<SheetChange>,
    pub errors: Vec<SheetError>,
    /// Whether the changes were stored (not in a dry run, nor when rows have errors and the
    /// valid rows were not asked for).
    pub applied: bool,
}

/// The weighted roll-up of parts `(weight, state, progress)`: declined parts are left
/// out, implemented ones count in full; none left: 0.
pub fn roll_up(parts: impl IntoIterator<Item = (i32, PartState, i32)>) -> i32 {
    let (mut sum, mut weights) = (0i64, 0i64);
    for (w, state, p) in parts {
        let p = match state {
            PartState::Declined => continue,
            PartState::Implemented => 100,
            _ => p.clamp(0, 100),
        };
        sum += w as i64 * p as i64;
        weights += w as i64;
    }
    if weights == 0 {
        0
    } else {
        (sum / weights) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roll_up_weighs_parts_and_leaves_declined_ones_out() {
        use PartState::*;
        assert_eq!(roll_up([(1, Accepted, 50), (1, Implemented, 0)]), 75);
        assert_eq!(roll_up([(3, Accepted, 100), (1, Accepted, 0)]), 75);
        assert_eq!(roll_up([(1, Declined, 0), (2, Accepted, 40)]), 40);
        assert_eq!(roll_up([(1, Declined, 0)]), 0);
    }

    #[test]
    fn statuses_move_only_forward_and_closing_ones_say_why() {
        use RecommendationStatus::*;
        assert!(Proposed.may_become(Adopted));
        assert!(Deferred.may_become(Adopted));
        assert!(!Rejected.may_become(Adopted));
        assert!(!Implemented.may_become(InProgress));
        assert!(!Proposed.may_become(Implemented));
        let no_reason = StatusChange { status: Rejected, reason: Some("  ".into()), review_on: None };
        assert_eq!(no_reason.validate().unwrap_err().0[0].0, "reason");
    }

    #[test]
    fn an_addressee_is_an_organization_or_the_office_each_once() {
        let org = OrganizationId::parse("0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f").unwrap();
        let input = RecommendationInput {
            code: Some("bad code".into()),
            meeting_id: None,
            agenda_item_id: None,
            network_id: None,
            text_ar: Some("تفعيل الشراكات".into()),
            text_en: None,
            sectors: vec![],
            areas: vec![],
            priority: None,
            due_on: None,
            addressees: vec![
                AddresseeInput { organization_id: Some(org.clone()), office: false, weight: None },
                AddresseeInput { organization_id: Some(org), office: false, weight: Some(0) },
                AddresseeInput { organization_id: None, office: false, weight: None },
            ],
        };
        let fields: Vec<_> = input.validate().unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["code", "network_id", "addressees[1]", "addressees[1].weight", "addressees[2]"]);
    }
}
