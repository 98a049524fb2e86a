//! A meeting's minutes (محضر) and decisions. Minutes are written after the meeting,
//! circulated to the organizations that attended, and each approves or comments; once
//! the required share approved they lock: a later edit is refused, and a correction is a
//! new record linked to the one it corrects. Decisions are taken by consensus or by vote
//! with its counts; an election is a decision that makes a network's coordination office.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{DecisionId, MeetingId, MinutesId};
use crate::meeting::MeetingOrganization;
use crate::office::{validate_terms, OfficeTerm, TermInput};
use crate::organization::string_enum;
use crate::validation::{ValidationErrors, Violation};

/// Longest minutes (about eight pages): even with every character outside the Basic
/// Multilingual Plane written as two JSON escapes (12 bytes), the request, and one a
/// character too long, stays within the server's default 256 KB body limit, so it is
/// answered 422 rather than 413.
pub const MAX_BODY: usize = 20_000;
/// Longest decision text.
pub const MAX_DECISION: usize = 5_000;
/// Most decisions one meeting records.
pub const MAX_DECISIONS: i64 = 200;

string_enum! {
    /// Where minutes stand.
    MinutesStatus {
        /// Being written by the meeting's managers.
        Draft => "draft",
        /// Sent to the organizations that attended for approval.
        Circulated => "circulated",
        /// Approved by the required share: locked.
        Approved => "approved",
    }
}

string_enum! {
    /// An attending organization's review of circulated minutes.
    ReviewVerdict {
        Approved => "approved",
        /// Comments asking for a change (not an approval).
        Commented => "commented",
    }
}

string_enum! {
    /// How a decision was taken.
    DecisionMethod {
        Consensus => "consensus",
        Vote => "vote",
    }
}

/// What a meeting's manager writes (or rewrites, while not approved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MinutesInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub body: String,
    /// Share of the attending organizations whose approval locks the minutes, in percent
    /// (default 100: all of them).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub required_percent: Option<i32>,
}

impl MinutesInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.body = e.paragraphs("body", &self.body, MAX_BODY);
        if self.required_percent.is_some_and(|p| !(1..=100).contains(&p)) {
            e.add("required_percent", Violation::OutOfRange { min: 1, max: 100 });
        }
        e.into_result().map(|_| self)
    }
}

/// An attending organization's review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub verdict: ReviewVerdict,
    /// Required with `commented`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub comment: Option<String>,
}

impl ReviewInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.comment = e.text("comment", self.comment, 5000, true);
        if self.verdict == ReviewVerdict::Commented && self.comment.is_none() {
            e.add("comment", Violation::Required);
        }
        e.into_result().map(|_| self)
    }
}

/// One organization's review of minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MinutesReview {
    pub organization: MeetingOrganization,
    pub verdict: ReviewVerdict,
    pub comment: Option<String>,
    pub reviewed_at: DateTime<Utc>,
}

/// Minutes as the API shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Minutes {
    pub id: MinutesId,
    pub meeting_id: MeetingId,
    /// The approved minutes this record corrects.
    pub corrects_id: Option<MinutesId>,
    pub body: String,
    pub status: MinutesStatus,
    pub required_percent: i32,
    /// Organizations that attended (at least one of their people checked in): the reviewers.
    pub reviewers: Vec<MeetingOrganization>,
    pub reviews: Vec<MinutesReview>,
    pub circulated_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The `ETag`; edits send it back in `If-Match`.
    pub version: i64,
}

/// An election: people to the positions of the meeting's network's office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ElectionInput {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 30))]
    pub terms: Vec<TermInput>,
}

/// A decision a meeting's manager records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 5000))]
    pub body: String,
    pub method: DecisionMethod,
    /// Counts of a vote (required with `vote`, refused with `consensus`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub votes_for: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub votes_against: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub abstentions: Option<i32>,
    /// When the decision elects the network's coordination office.
    #[serde(default)]
    pub election: Option<ElectionInput>,
}

impl DecisionInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.body = e.paragraphs("body", &self.body, MAX_DECISION);
        let counts =
            [("votes_for", self.votes_for), ("votes_against", self.votes_against), ("abstentions", self.abstentions)];
        for (f, v) in counts {
            match (self.method, v) {
                (DecisionMethod::Vote, None) if f != "abstentions" => e.add(f, Violation::Required),
                (DecisionMethod::Vote, Some(n)) if !(0..=100_000).contains(&n) => {
                    e.add(f, Violation::OutOfRange { min: 0, max: 100_000 })
                }
                (DecisionMethod::Consensus, Some(_)) => {
                    e.add(f, Violation::InvalidFormat("only with a vote / مع التصويت فقط".into()))
                }
                _ => {}
            }
        }
        if let Some(el) = &mut self.election {
            validate_terms(&mut el.terms, "election.terms", &mut e);
        }
        e.into_result().map(|_| self)
    }
}

/// A decision, with the office terms it made when it was an election.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub id: DecisionId,
    pub meeting_id: MeetingId,
    pub position: i32,
    pub body: String,
    pub method: DecisionMethod,
    pub votes_for: Option<i32>,
    pub votes_against: Option<i32>,
    pub abstentions: Option<i32>,
    pub elected: Vec<OfficeTerm>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vote_has_its_counts_and_a_consensus_none() {
        let vote = DecisionInput {
            body: "اعتماد النظام الأساسي للتجمع".into(),
            method: DecisionMethod::Vote,
            votes_for: Some(9),
            votes_against: None,
            abstentions: None,
            election: None,
        };
        assert_eq!(vote.clone().validate().unwrap_err().0[0].0, "votes_against");
        let ok = DecisionInput { votes_against: Some(1), abstentions: Some(1), ..vote.clone() };
        assert!(ok.validate().is_ok());
        let consensus = DecisionInput { method: DecisionMethod::Consensus, votes_against: Some(0), ..vote };
        let fields: Vec<_> = consensus.validate().unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["votes_for", "votes_against"]);
    }

    #[test]
    fn commenting_needs_a_comment() {
        let r = ReviewInput { verdict: ReviewVerdict::Commented, comment: Some("  ".into()) };
        assert_eq!(r.validate().unwrap_err().0[0].0, "comment");
        let minutes = MinutesInput { body: " ".into(), required_percent: Some(0) };
        let fields: Vec<_> = minutes.validate().unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["body", "required_percent"]);
    }
}
