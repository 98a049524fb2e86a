//! What a partnership did and achieved (نشاط، نتيجة): dated activities and outcomes with
//! numbers and evidence, added by one party and endorsed or disputed by the others. An
//! impact claim is shown to the public as fact only when every other party endorsed it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{OrganizationId, ReportId};
use crate::organization::{string_enum, MAX_DESCRIPTION};
use crate::partnership::iso_date;
use crate::validation::{is_valid_url, ValidationErrors, Violation};

pub const MAX_SUMMARY: usize = 300;
pub const MAX_MEASURES: usize = 20;
pub const MAX_LINKS: usize = 10;
pub const MAX_GROUP: usize = 100;
pub const MAX_VALUE: i64 = 10_000_000_000_000;

string_enum! {
    /// An activity (what was done) or an outcome (what it achieved, in numbers).
    ReportKind {
        Activity => "activity",
        Outcome => "outcome",
    }
}

string_enum! {
    /// What a number counts.
    Metric {
        /// People reached.
        Beneficiaries => "beneficiaries",
        /// Sessions, visits or meetings held.
        Sessions => "sessions",
        /// Items or parcels distributed.
        ItemsDistributed => "items_distributed",
        /// Money spent, in `currency`.
        MoneySpent => "money_spent",
    }
}

string_enum! {
    /// Where a report stands with the other parties: `disputed` as soon as one disputes,
    /// `endorsed` when every other party endorsed, `awaiting` before.
    ReportStatus {
        Awaiting => "awaiting",
        Endorsed => "endorsed",
        Disputed => "disputed",
    }
}

string_enum! {
    /// One party's review of another's report.
    Verdict {
        Endorsed => "endorsed",
        Disputed => "disputed",
    }
}

/// One number of an outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub metric: Metric,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000_000_000_i64))]
    pub value: i64,
    /// Who, where known (women, children under five, displaced families, …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub group: Option<String>,
    /// ISO 4217, for `money_spent` (required there).
    #[serde(default)]
    pub currency: Option<String>,
}

/// What a party reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub kind: ReportKind,
    /// The party reporting (its members report for it).
    pub reported_by: OrganizationId,
    /// When it happened (an outcome: the date it was counted).
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub happened_on: Option<NaiveDate>,
    /// What was done or achieved, in a line.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub summary: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub details: Option<String>,
    /// Where (an area id).
    #[serde(default)]
    pub area: Option<String>,
    /// Which parties took part (default: the reporting party).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub parties: Vec<OrganizationId>,
    /// The numbers (an outcome needs at least one).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub measures: Vec<Measure>,
    /// Evidence: links to photos, reports, posts (http or https).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub links: Vec<String>,
}

impl ReportInput {
    /// Cleans and checks what needs no database (the partnership's parties and the area
    /// are the caller's to check).
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        match self.happened_on {
            None => e.add("happened_on", Violation::Required),
            Some(d) if d > today => {
                e.add("happened_on", Violation::InvalidFormat("لا يكون في المستقبل / must not be in the future".into()))
            }
            _ => {}
        }
        self.summary = e.line("summary", &self.summary, MAX_SUMMARY);
        self.details = e.text("details", self.details, MAX_DESCRIPTION, true);
        self.area = e.text("area", self.area, 100, false);
        if self.parties.len() > crate::partnership::MAX_PARTIES {
            e.add("parties", Violation::TooMany { max: crate::partnership::MAX_PARTIES });
        } else {
            let mut seen = std::collections::HashSet::new();
            self.parties.retain(|p| seen.insert(p.clone()));
            if self.parties.is_empty() {
                self.parties.push(self.reported_by.clone());
            }
        }
        if self.measures.len() > MAX_MEASURES {
            e.add("measures", Violation::TooMany { max: MAX_MEASURES });
        } else {
            for (i, m) in self.measures.iter_mut().enumerate() {
                if !(0..=MAX_VALUE).contains(&m.value) {
                    e.add(format!("measures[{i}].value"), Violation::OutOfRange { min: 0, max: MAX_VALUE });
                }
                m.group = e.text(&format!("measures[{i}].group"), m.group.take(), MAX_GROUP, false);
                m.currency = m.currency.take().map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
                match (&m.currency, m.metric) {
                    (None, Metric::MoneySpent) => e.add(format!("measures[{i}].currency"), Violation::Required),
                    (Some(c), _) if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) => e.add(
                        format!("measures[{i}].currency"),
                        Violation::InvalidFormat("رمز عملة من ثلاثة أحرف / a three-letter ISO 4217 code".into()),
                    ),
                    _ => {}
                }
            }
        }
        if self.kind == ReportKind::Outcome && self.measures.is_empty() && !e.0.iter().any(|(f, _)| f == "measures") {
            e.add("measures", Violation::TooFew { min: 1 });
        }
        if self.links.len() > MAX_LINKS {
            e.add("links", Violation::TooMany { max: MAX_LINKS });
        } else {
            for (i, l) in self.links.iter_mut().enumerate() {
                *l = l.trim().to_owned();
                if l.len() > 500 || !is_valid_url(l) {
                    e.add(format!("links[{i}]"), Violation::InvalidUrl);
                }
            }
        }
        e.into_result().map(|_| self)
    }
}

/// The derived status from the other parties' verdicts.
pub fn status_of(verdicts: impl IntoIterator<Item = Verdict>, others: usize) -> ReportStatus {
    let mut endorsed = 0;
    for v in verdicts {
        match v {
            Verdict::Disputed => return ReportStatus::Disputed,
            Verdict::Endorsed => endorsed += 1,
        }
    }
    if endorsed >= others {
        ReportStatus::Endorsed
    } else {
        ReportStatus::Awaiting
    }
}

/// One party's review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub organization_id: OrganizationId,
    pub verdict: Verdict,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// A report as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub id: ReportId,
    pub kind: ReportKind,
    pub reported_by: OrganizationId,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub happened_on: Option<NaiveDate>,
    pub summary: String,
    pub details: Option<String>,
    pub area: Option<String>,
    pub parties: Vec<OrganizationId>,
    pub measures: Vec<Measure>,
    pub links: Vec<String>,
    pub status: ReportStatus,
    /// The other parties' reviews so far (a dispute says why).
    pub reviews: Vec<Review>,
    /// Uploaded evidence (`GET /api/v1/documents/{id}` downloads one); adding or
    /// removing one withdraws the endorsements given so far.
    #[serde(default)]
    pub documents: Vec<crate::document::Document>,
    pub created_at: DateTime<Utc>,
}

/// Another party endorses or disputes a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub verdict: Verdict,
    /// Required to dispute: what is wrong.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub comment: Option<String>,
}

impl ReviewInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.comment = e.text("comment", self.comment, crate::partnership::MAX_COMMENT, true);
        if self.verdict == Verdict::Disputed && self.comment.is_none() && e.is_empty() {
            e.add("comment", Violation::Required);
        }
        e.into_result().map(|_| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> OrganizationId {
        OrganizationId::parse("0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a01").unwrap()
    }

    #[test]
    fn an_outcome_needs_numbers_and_a_past_date() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let input = ReportInput {
            kind: ReportKind::Outcome,
            reported_by: org(),
            happened_on: NaiveDate::from_ymd_opt(2027, 1, 1),
            summary: " ".into(),
            details: None,
            area: None,
            parties: vec![],
            measures: vec![],
            links: vec!["javascript:alert(1)".into()],
        };
        let fields: Vec<_> = input.clone().validate(today).unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["happened_on", "summary", "measures", "links[0]"]);
        let ok = ReportInput {
            happened_on: NaiveDate::from_ymd_opt(2026, 11, 30),
            summary: "قافلة صحية في حي الشاطئ".into(),
            measures: vec![Measure {
                metric: Metric::Beneficiaries,
                value: 412,
                group: Some("أطفال".into()),
                currency: None,
            }],
            links: vec![],
            ..input
        };
        assert_eq!(ok.validate(today).unwrap().parties, vec![org()]);
    }

    #[test]
    fn one_dispute_outweighs_every_endorsement() {
        use Verdict::*;
        assert_eq!(status_of([Endorsed], 2), ReportStatus::Awaiting);
        assert_eq!(status_of([Endorsed, Endorsed], 2), ReportStatus::Endorsed);
        assert_eq!(status_of([Endorsed, Disputed], 2), ReportStatus::Disputed);
    }
}
