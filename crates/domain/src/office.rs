//! A network's coordination office (مكتب تنسيق): positions held by people of member
//! organizations for a term. The history is kept, so who held a position on a given date
//! can be answered; an election ends the terms it replaces the day before it starts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::id::{DecisionId, OfficeTermId, OrganizationId};
use crate::meeting::MeetingOrganization;
use crate::organization::string_enum;
use crate::validation::{ValidationErrors, Violation};

/// Most positions one election fills.
pub const MAX_TERMS: usize = 30;

string_enum! {
    /// A position in a coordination office, in the order an office is listed.
    OfficePosition {
        Chair => "chair",
        DeputyChair => "deputy_chair",
        Secretary => "secretary",
        Treasurer => "treasurer",
        YouthRepresentative => "youth_representative",
        WomenRepresentative => "women_representative",
        /// An ordinary member of the office (several may hold it).
        Member => "member",
    }
}

impl OfficePosition {
    /// Where it is listed (the chair first).
    pub fn rank(self) -> i32 {
        match self {
            OfficePosition::Chair => 0,
            OfficePosition::DeputyChair => 1,
            OfficePosition::Secretary => 2,
            OfficePosition::Treasurer => 3,
            OfficePosition::YouthRepresentative => 4,
            OfficePosition::WomenRepresentative => 5,
            OfficePosition::Member => 6,
        }
    }
}

/// One person elected to a position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TermInput {
    pub position: OfficePosition,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub person_name: String,
    /// A member organization of the network.
    pub organization_id: OrganizationId,
    pub starts_on: NaiveDate,
    /// Last day of the term, if fixed.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

/// Checks an election's terms; `prefix` names them (`election.terms`).
pub fn validate_terms(terms: &mut [TermInput], prefix: &str, e: &mut ValidationErrors) {
    if terms.is_empty() {
        e.add(prefix, Violation::Required);
    }
    if terms.len() > MAX_TERMS {
        e.add(prefix, Violation::TooMany { max: MAX_TERMS });
    }
    for i in 0..terms.len() {
        let f = |x: &str| format!("{prefix}[{i}].{x}");
        terms[i].person_name = e.line(&f("person_name"), &terms[i].person_name, 200);
        if terms[i].ends_on.is_some_and(|end| end < terms[i].starts_on) {
            e.add(f("ends_on"), Violation::InvalidFormat("بعد البداية / after starts_on".into()));
        }
        let p = terms[i].position;
        if p != OfficePosition::Member && terms[..i].iter().any(|t| t.position == p) {
            e.add(f("position"), Violation::Duplicate);
        }
    }
}

/// A term in the office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeTerm {
    pub id: OfficeTermId,
    pub position: OfficePosition,
    pub person_name: String,
    pub organization: MeetingOrganization,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The decision (an election) that made it.
    pub decision_id: Option<DecisionId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_election_fills_each_position_once_but_members_many_times() {
        let term = |p, name: &str| TermInput {
            position: p,
            person_name: name.into(),
            organization_id: OrganizationId::parse("0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f").unwrap(),
            starts_on: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2027, 12, 9),
        };
        let mut ok = vec![
            term(OfficePosition::Chair, "هدى"),
            term(OfficePosition::Member, "عمر"),
            term(OfficePosition::Member, "سارة"),
        ];
        let mut e = ValidationErrors::default();
        validate_terms(&mut ok, "election.terms", &mut e);
        assert!(e.is_empty());
        let mut bad = vec![term(OfficePosition::Chair, "هدى"), term(OfficePosition::Chair, " ")];
        bad[0].ends_on = NaiveDate::from_ymd_opt(2026, 1, 1);
        validate_terms(&mut bad, "election.terms", &mut e);
        let fields: Vec<_> = e.0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            ["election.terms[0].ends_on", "election.terms[1].person_name", "election.terms[1].position"]
        );
    }
}
