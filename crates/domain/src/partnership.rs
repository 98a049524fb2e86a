//! Partnerships (شراكة): two or more organizations working together on stated terms.
//! A partnership is real only when every party has confirmed its own participation:
//! "community partnership" announced without asking the other parties is the complaint
//! this answers. Its status is derived from the parties' answers and its dates, never
//! typed in.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{OrganizationId, PartnershipId};
use crate::organization::{dedupe_codes, string_enum, MAX_DESCRIPTION, MAX_NAME};
use crate::validation::{ValidationErrors, Violation};

/// Dates as `YYYY-MM-DD`, read and written by hand: chrono's own `FromStr` for dates
/// brings its whole format parser into the dashboard's wasm.
pub mod iso_date {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn parse(s: &str) -> Option<NaiveDate> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r).filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?.parse().ok();
        NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
    }

    pub fn format(d: NaiveDate) -> String {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(d)? {
            None => Ok(None),
            Some(t) => parse(&t).map(Some).ok_or_else(|| serde::de::Error::custom("not a date (YYYY-MM-DD)")),
        }
    }
}

pub const MIN_PARTIES: usize = 2;
pub const MAX_PARTIES: usize = 20;
pub const MAX_OBJECTIVES: usize = 20;
pub const MAX_OBJECTIVE: usize = 500;
pub const MAX_CONTRIBUTION: usize = 1000;
pub const MAX_COMMENT: usize = 1000;
pub const MAX_REASON: usize = 1000;
pub const MAX_CODES: usize = 20;
/// Contribution values are whole units of their currency.
pub const MAX_AMOUNT: i64 = 10_000_000_000_000;

string_enum! {
    /// What sort of partnership it is.
    PartnershipKind {
        /// مذكرة تفاهم
        MemorandumOfUnderstanding => "memorandum_of_understanding",
        /// برنامج مشترك
        JointProgramme => "joint_programme",
        /// إحالة خدمات
        ServiceReferral => "service_referral",
        /// تقاسم موارد
        ResourceSharing => "resource_sharing",
        /// فعالية مشتركة
        CoHostedEvent => "co_hosted_event",
        /// تمويل
        Funding => "funding",
    }
}

string_enum! {
    /// A party's role, aligned with IATI's organisation roles where they fit (lead ≈
    /// accountable, implementing, funding) and two IATI lacks (supporting, hosting).
    PartyRole {
        Lead => "lead",
        Implementing => "implementing",
        Funding => "funding",
        Supporting => "supporting",
        Hosting => "hosting",
    }
}

string_enum! {
    /// Where one party's answer stands.
    PartyState {
        /// Not answered yet, or terms changed since it answered.
        Awaiting => "awaiting",
        Confirmed => "confirmed",
        Declined => "declined",
    }
}

string_enum! {
    /// A partnership's status, derived: `proposed` until every party confirmed,
    /// `declined` when one declined, `confirmed` when all did; then `active` from its
    /// start date (or at once without one), `completed` after its end date, or `ended`
    /// early by a party with a reason.
    PartnershipStatus {
        Proposed => "proposed",
        Confirmed => "confirmed",
        Declined => "declined",
        Active => "active",
        Completed => "completed",
        Ended => "ended",
    }
}

string_enum! {
    /// Whether a contribution's value is money or the worth of something given in kind.
    ContributionKind {
        Money => "money",
        InKind => "in_kind",
    }
}

string_enum! {
    /// A party's answer.
    PartyAnswerKind {
        Confirmed => "confirmed",
        Declined => "declined",
    }
}

/// A contribution's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContributionValue {
    pub kind: ContributionKind,
    /// Whole units of the currency.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000_000_000_i64))]
    pub amount: i64,
    /// ISO 4217 code (SDG, OMR, USD, …).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z]{3}$", min_length = 3, max_length = 3))]
    pub currency: String,
}

/// One party as the proposer states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    /// An organization in the directory (government bodies and companies included).
    pub organization_id: OrganizationId,
    pub role: PartyRole,
    /// What it brings, in words.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub contribution: Option<String>,
    #[serde(default)]
    pub value: Option<ContributionValue>,
}

/// The terms of a partnership: what is proposed, and what an amendment replaces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartnershipInput {
    /// Arabic title; this or `title_en` is required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title_ar: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title_en: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: Option<String>,
    pub kind: PartnershipKind,
    /// Sector codes (`GET /api/v1/sectors`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub sectors: Vec<String>,
    /// Area ids (`GET /api/v1/areas`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub areas: Vec<String>,
    #[serde(default, with = "iso_date")]
    pub starts_on: Option<NaiveDate>,
    /// Not before `starts_on`.
    #[serde(default, with = "iso_date")]
    pub ends_on: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub objectives: Vec<String>,
    /// Two to twenty organizations, each once.
    #[cfg_attr(feature = "openapi", schema(min_items = 2, max_items = 20))]
    pub parties: Vec<PartyInput>,
    /// On a proposal, the party its proposer acts for: that party's participation is
    /// confirmed by proposing. Required unless a platform administrator proposes.
    /// An amendment leaves it out (or repeats it unchanged).
    #[serde(default)]
    pub proposed_by: Option<OrganizationId>,
}

impl PartnershipInput {
    /// Cleans the text and checks every rule that needs no database (sectors, areas and
    /// the parties' existence are the caller's to check).
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        (self.title_ar, self.title_en) = e.bilingual(("title_ar", "title_en"), self.title_ar, self.title_en, MAX_NAME);
        self.description = e.text("description", self.description, MAX_DESCRIPTION, true);
        dedupe_codes(&mut self.sectors, "sectors", MAX_CODES, &mut e);
        dedupe_codes(&mut self.areas, "areas", MAX_CODES, &mut e);
        if let (Some(s), Some(end)) = (self.starts_on, self.ends_on) {
            if end < s {
                e.add("ends_on", Violation::InvalidFormat("لا يسبق تاريخ البدء / must not be before starts_on".into()));
            }
        }
        if self.objectives.len() > MAX_OBJECTIVES {
            e.add("objectives", Violation::TooMany { max: MAX_OBJECTIVES });
        } else {
            let objectives = std::mem::take(&mut self.objectives);
            for (i, o) in objectives.into_iter().enumerate() {
                self.objectives.push(e.line(&format!("objectives[{i}]"), &o, MAX_OBJECTIVE));
            }
        }
        if self.parties.len() > MAX_PARTIES {
            e.add("parties", Violation::TooMany { max: MAX_PARTIES });
        } else if self.parties.len() < MIN_PARTIES {
            e.add("parties", Violation::TooFew { min: MIN_PARTIES });
        }
        if self.parties.len() <= MAX_PARTIES {
            let mut seen = std::collections::HashSet::new();
            for (i, p) in self.parties.iter_mut().enumerate() {
                if !seen.insert(p.organization_id.clone()) {
                    e.add(format!("parties[{i}].organization_id"), Violation::Duplicate);
                }
                p.contribution =
                    e.text(&format!("parties[{i}].contribution"), p.contribution.take(), MAX_CONTRIBUTION, true);
                if let Some(v) = &mut p.value {
                    if !(0..=MAX_AMOUNT).contains(&v.amount) {
                        e.add(format!("parties[{i}].value.amount"), Violation::OutOfRange { min: 0, max: MAX_AMOUNT });
                    }
                    v.currency = v.currency.trim().to_ascii_uppercase();
                    if v.currency.len() != 3 || !v.currency.bytes().all(|b| b.is_ascii_uppercase()) {
                        e.add(
                            format!("parties[{i}].value.currency"),
                            Violation::InvalidFormat("رمز عملة من ثلاثة أحرف / a three-letter ISO 4217 code".into()),
                        );
                    }
                }
            }
        }
        if let Some(p) = &self.proposed_by {
            if !self.parties.iter().any(|x| &x.organization_id == p) {
                e.add(
                    "proposed_by",
                    Violation::InvalidFormat("يجب أن يكون أحد الأطراف / must be one of the parties".into()),
                );
            }
        }
        e.into_result().map(|_| self)
    }

    pub fn party(&self, org: &OrganizationId) -> Option<&PartyInput> {
        self.parties.iter().find(|p| &p.organization_id == org)
    }

    /// Whether the terms every party agreed to differ: the shared terms, or who the
    /// parties are (partnering with whom is part of each party's terms).
    fn shared_terms_differ(&self, other: &PartnershipInput) -> bool {
        let orgs = |i: &PartnershipInput| {
            let mut v: Vec<OrganizationId> = i.parties.iter().map(|p| p.organization_id.clone()).collect();
            v.sort();
            v
        };
        self.title_ar != other.title_ar
            || self.title_en != other.title_en
            || self.description != other.description
            || self.kind != other.kind
            || sorted(&self.sectors) != sorted(&other.sectors)
            || sorted(&self.areas) != sorted(&other.areas)
            || self.starts_on != other.starts_on
            || self.ends_on != other.ends_on
            || self.objectives != other.objectives
            || orgs(self) != orgs(other)
    }

    /// The parties of `self` (the amended terms) who must confirm again after `before`:
    /// every party when the shared terms or the set of parties changed, else those whose
    /// own role, contribution or value changed. In the order of `self.parties`.
    pub fn reconfirmation(&self, before: &PartnershipInput) -> Vec<OrganizationId> {
        let all = self.shared_terms_differ(before);
        self.parties
            .iter()
            .filter(|p| {
                all || before
                    .party(&p.organization_id)
                    .is_none_or(|b| (&b.role, &b.contribution, &b.value) != (&p.role, &p.contribution, &p.value))
            })
            .map(|p| p.organization_id.clone())
            .collect()
    }
}

fn sorted(v: &[String]) -> Vec<&String> {
    let mut s: Vec<&String> = v.iter().collect();
    s.sort();
    s
}

/// The stored stage: what the parties' answers and an ending make of a partnership.
pub fn stage_of(states: impl IntoIterator<Item = PartyState>, ended: bool) -> PartnershipStatus {
    if ended {
        return PartnershipStatus::Ended;
    }
    let mut all = true;
    for s in states {
        match s {
            PartyState::Declined => return PartnershipStatus::Declined,
            PartyState::Awaiting => all = false,
            PartyState::Confirmed => {}
        }
    }
    if all {
        PartnershipStatus::Confirmed
    } else {
        PartnershipStatus::Proposed
    }
}

/// The status shown on `today`: a confirmed partnership is `active` from its start date
/// (at once without one) and `completed` after its end date.
pub fn status_on(
    stage: PartnershipStatus,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> PartnershipStatus {
    if stage != PartnershipStatus::Confirmed {
        return stage;
    }
    if ends_on.is_some_and(|e| e < today) {
        PartnershipStatus::Completed
    } else if starts_on.is_none_or(|s| s <= today) {
        PartnershipStatus::Active
    } else {
        PartnershipStatus::Confirmed
    }
}

/// One party as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    pub organization_id: OrganizationId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub role: PartyRole,
    pub contribution: Option<String>,
    pub value: Option<ContributionValue>,
    pub state: PartyState,
    /// When it last confirmed or declined (`null` while awaiting).
    pub answered_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
}

/// A partnership as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Partnership {
    pub id: PartnershipId,
    pub title_ar: Option<String>,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub kind: PartnershipKind,
    pub sectors: Vec<String>,
    pub areas: Vec<String>,
    #[serde(with = "iso_date")]
    pub starts_on: Option<NaiveDate>,
    #[serde(with = "iso_date")]
    pub ends_on: Option<NaiveDate>,
    pub objectives: Vec<String>,
    pub parties: Vec<Party>,
    /// The party whose administrator proposed it (`null` when a platform administrator did).
    pub proposed_by: Option<OrganizationId>,
    pub status: PartnershipStatus,
    /// Parties that confirmed the current terms, of `parties.len()`.
    pub confirmed_count: i64,
    /// When the last party confirmed the current terms.
    pub confirmed_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_reason: Option<String>,
    /// Increments when the terms change; an answer names the terms it answers.
    pub terms_version: i64,
    /// Whether anonymous visitors see it: every party confirmed and every party a
    /// verified organization.
    pub public: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increments on every change; the `ETag` carries it and `If-Match` must echo it.
    pub version: i64,
}

impl Partnership {
    /// Whether it has a certificate: every party confirmed its current terms (it may
    /// have ended since).
    pub fn has_certificate(&self) -> bool {
        self.confirmed_at.is_some()
            && matches!(
                self.status,
                PartnershipStatus::Confirmed
                    | PartnershipStatus::Active
                    | PartnershipStatus::Completed
                    | PartnershipStatus::Ended
            )
    }

    /// The terms as an input (what an amendment starts from).
    pub fn to_input(&self) -> PartnershipInput {
        PartnershipInput {
            title_ar: self.title_ar.clone(),
            title_en: self.title_en.clone(),
            description: self.description.clone(),
            kind: self.kind,
            sectors: self.sectors.clone(),
            areas: self.areas.clone(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            objectives: self.objectives.clone(),
            parties: self
                .parties
                .iter()
                .map(|p| PartyInput {
                    organization_id: p.organization_id.clone(),
                    role: p.role,
                    contribution: p.contribution.clone(),
                    value: p.value.clone(),
                })
                .collect(),
            proposed_by: None,
        }
    }
}

/// A party in a list item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartySummary {
    pub organization_id: OrganizationId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub role: PartyRole,
    pub state: PartyState,
}

/// A partnership in a list: enough to show it and decide whether to open it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnershipSummary {
    pub id: PartnershipId,
    pub title_ar: Option<String>,
    pub title_en: Option<String>,
    pub kind: PartnershipKind,
    pub status: PartnershipStatus,
    #[serde(with = "iso_date")]
    pub starts_on: Option<NaiveDate>,
    #[serde(with = "iso_date")]
    pub ends_on: Option<NaiveDate>,
    pub parties: Vec<PartySummary>,
    pub confirmed_count: i64,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// What an amendment answers: the partnership and who must confirm again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnershipAmended {
    pub partnership: Partnership,
    /// Parties whose confirmation the change reset (they are `awaiting` again).
    pub reconfirmation: Vec<OrganizationId>,
}

/// A party's administrator answers for its own organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartyAnswer {
    pub answer: PartyAnswerKind,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub comment: Option<String>,
    /// The `terms_version` the answer is about: an answer to terms that changed since
    /// is refused (409 `terms_changed`), so nobody confirms what they have not seen.
    pub terms_version: i64,
}

impl PartyAnswer {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.comment = e.text("comment", self.comment, MAX_COMMENT, true);
        e.into_result().map(|_| self)
    }
}

/// A party ends a partnership before its time, saying why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartnershipEnding {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub reason: String,
}

impl PartnershipEnding {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.reason = e.text("reason", Some(self.reason), MAX_REASON, true).unwrap_or_default();
        if self.reason.is_empty() && e.is_empty() {
            e.add("reason", Violation::Required);
        }
        e.into_result().map(|_| self)
    }
}

/// One step of a partnership's history, as its readers see it: who proposed, answered,
/// amended (and whose confirmation that reset) or ended it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnershipHistoryEntry {
    pub at: DateTime<Utc>,
    /// `partnership.propose`, `partnership.answer`, `partnership.amend` or `partnership.end`.
    pub action: String,
    /// The party that proposed or answered.
    pub organization_id: Option<OrganizationId>,
    pub answer: Option<PartyAnswerKind>,
    pub comment: Option<String>,
    /// After an amendment: the parties that must confirm again.
    #[serde(default)]
    pub reconfirmation: Vec<OrganizationId>,
    /// Why it ended.
    pub reason: Option<String>,
}

/// A party as a certificate's verification page names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedParty {
    pub organization_id: OrganizationId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub role: PartyRole,
    pub state: PartyState,
    /// When it confirmed (or declined) the current terms.
    pub answered_at: Option<DateTime<Utc>>,
}

/// A step of a partnership's record (one audit row about it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordStep {
    pub at: DateTime<Utc>,
    /// `partnership.propose`, `partnership.answer`, `partnership.amend`, `partnership.end`, …
    pub action: String,
}

/// What the public verification page of a partnership certificate shows: the
/// partnership now, and whether the record behind the certificate checks out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnershipVerification {
    pub partnership_id: PartnershipId,
    pub title_ar: Option<String>,
    pub title_en: Option<String>,
    pub kind: PartnershipKind,
    /// The state now (a certificate may predate an ending or an amendment).
    pub status: PartnershipStatus,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_reason: Option<String>,
    pub parties: Vec<VerifiedParty>,
    /// Every step of the partnership's record matches its hash and links to the one before.
    pub chain_intact: bool,
    /// Steps in the record.
    pub steps: i64,
    /// SHA-256 (hex) of the newest step: what a certificate issued now carries.
    pub hash: Option<String>,
    /// The hash the certificate carries (from the address), when one was given.
    pub certificate_hash: Option<String>,
    /// When the step the certificate's hash names was written; `null` when that hash is
    /// not in the record.
    pub certificate_issued_from: Option<DateTime<Utc>>,
    /// Steps written after the certificate's, oldest first: what changed since.
    pub changes_since: Vec<RecordStep>,
    /// The record is intact and, when the address carries a certificate's hash, that
    /// hash is one of the record's.
    pub verified: bool,
    /// The newest anchor of the whole log, for an outsider to compare with a copy they kept.
    pub anchor: Option<crate::audit::Anchor>,
    /// The newest anchor covers every step of this partnership.
    pub anchored: bool,
}

/// An organization in the partnership graph, placed by the server's layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphNode {
    pub id: OrganizationId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    /// Position in a 1000 × 1000 square, left to right (a right-to-left drawing mirrors it).
    pub x: i32,
    pub y: i32,
    /// Confirmed partnerships it is a party to (within the filter).
    pub partnerships: i64,
}

/// Two organizations and how many confirmed partnerships they share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphEdge {
    pub source: OrganizationId,
    pub target: OrganizationId,
    pub weight: i64,
}

/// The partnership network, ready to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnershipGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// Whether organizations with fewer partnerships were left out (at most 300 are drawn).
    pub truncated: bool,
}

/// An organization's partnership record, shown on its profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnershipRecord {
    /// Partnerships it is a party to whose parties all confirmed (now or before they ended).
    pub confirmed: i64,
    /// Partnerships it proposed.
    pub proposed: i64,
    /// Of those it proposed, how many every party confirmed at some point.
    pub proposed_confirmed: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(n: u8) -> OrganizationId {
        OrganizationId::parse(&format!("0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a{n:02x}")).unwrap()
    }

    fn input() -> PartnershipInput {
        PartnershipInput {
            title_ar: Some(" برنامج الإحالة الصحية ".into()),
            title_en: None,
            description: None,
            kind: PartnershipKind::ServiceReferral,
            sectors: vec!["health".into()],
            areas: vec!["SD-RN".into()],
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 1),
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 31),
            objectives: vec!["إحالة الحالات".into()],
            parties: (1..=3)
                .map(|n| PartyInput {
                    organization_id: org(n),
                    role: PartyRole::Implementing,
                    contribution: None,
                    value: None,
                })
                .collect(),
            proposed_by: Some(org(1)),
        }
    }

    #[test]
    fn bad_terms_name_their_fields() {
        let mut i = input();
        i.title_ar = None;
        i.parties.truncate(1);
        i.proposed_by = Some(org(9));
        i.ends_on = NaiveDate::from_ymd_opt(2025, 1, 1);
        let fields: Vec<_> = i.validate().unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["title_ar", "title_en", "ends_on", "parties", "proposed_by"]);
        let mut i = input();
        i.parties[2].organization_id = org(1);
        i.parties[0].value =
            Some(ContributionValue { kind: ContributionKind::Money, amount: -1, currency: "us".into() });
        let fields: Vec<_> = i.validate().unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["parties[0].value.amount", "parties[0].value.currency", "parties[2].organization_id"]);
        assert_eq!(input().validate().unwrap().title_ar.as_deref(), Some("برنامج الإحالة الصحية"));
    }

    #[test]
    fn only_the_parties_whose_terms_changed_confirm_again() {
        let before = input();
        let mut after = before.clone();
        after.parties[2].contribution = Some("قاعة التدريب".into());
        assert_eq!(after.reconfirmation(&before), vec![org(3)]);
        after.parties[0].role = PartyRole::Lead;
        assert_eq!(after.reconfirmation(&before), vec![org(1), org(3)]);
        // Shared terms, or who the parties are, concern everyone.
        let mut after = before.clone();
        after.ends_on = NaiveDate::from_ymd_opt(2027, 6, 30);
        assert_eq!(after.reconfirmation(&before).len(), 3);
        let mut after = before.clone();
        after.parties.push(PartyInput {
            organization_id: org(4),
            role: PartyRole::Funding,
            contribution: None,
            value: None,
        });
        assert_eq!(after.reconfirmation(&before).len(), 4);
        // Reordering lists changes nothing.
        let mut after = before.clone();
        after.parties.reverse();
        assert!(after.reconfirmation(&before).is_empty());
    }

    #[test]
    fn status_is_derived_from_answers_and_dates() {
        use PartyState::*;
        assert_eq!(stage_of([Confirmed, Awaiting, Confirmed], false), PartnershipStatus::Proposed);
        assert_eq!(stage_of([Confirmed, Declined, Awaiting], false), PartnershipStatus::Declined);
        assert_eq!(stage_of([Confirmed, Confirmed], false), PartnershipStatus::Confirmed);
        assert_eq!(stage_of([Confirmed, Confirmed], true), PartnershipStatus::Ended);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day);
        let c = PartnershipStatus::Confirmed;
        assert_eq!(status_on(c, d(3, 1), d(6, 1), d(2, 1).unwrap()), PartnershipStatus::Confirmed);
        assert_eq!(status_on(c, d(3, 1), d(6, 1), d(3, 1).unwrap()), PartnershipStatus::Active);
        assert_eq!(status_on(c, d(3, 1), d(6, 1), d(6, 2).unwrap()), PartnershipStatus::Completed);
        assert_eq!(status_on(c, None, None, d(6, 2).unwrap()), PartnershipStatus::Active);
        assert_eq!(status_on(PartnershipStatus::Proposed, None, None, d(6, 2).unwrap()), PartnershipStatus::Proposed);
    }
}
