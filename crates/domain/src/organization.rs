//! Organizations: what a coordinator registers, vets and searches.

use crate::id::{OrganizationId, UserId, VerificationEventId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::{is_valid_email, is_valid_phone, is_valid_url, ValidationErrors, Violation};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        text_sql!($name);

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// What sort of body an organization is; drives wording and filters.
    OrganizationKind {
        Ngo => "ngo",
        ProfessionalAssociation => "professional_association",
        VolunteerTeam => "volunteer_team",
        CommunityCommittee => "community_committee",
        Initiative => "initiative",
        GovernmentBody => "government_body",
        PrivateCompany => "private_company",
        InternationalOrganization => "international_organization",
    }
}

string_enum! {
    /// Resources organizations offer and need; matching offers to needs is the heart of
    /// networking between them.
    ResourceKind {
        Funding => "funding",
        Premises => "premises",
        Volunteers => "volunteers",
        Equipment => "equipment",
        Training => "training",
        Expertise => "expertise",
        Transport => "transport",
        Media => "media",
        Supplies => "supplies",
        Services => "services",
        Other => "other",
    }
}

string_enum! {
    /// Who may see an organization's contact details.
    ContactVisibility {
        Public => "public",
        Members => "members",
    }
}

string_enum! {
    /// Where an organization stands in vetting by the platform's administrators.
    VerificationStatus {
        Pending => "pending",
        Verified => "verified",
        Rejected => "rejected",
        Suspended => "suspended",
    }
}

impl VerificationStatus {
    /// Whether an administrator may move an organization from `self` to `to`.
    /// Every move needs a reason except verifying.
    pub fn can_move_to(self, to: VerificationStatus) -> bool {
        use VerificationStatus::*;
        matches!(
            (self, to),
            (Pending, Verified | Rejected)
                | (Rejected, Pending | Verified)
                | (Verified, Suspended)
                | (Suspended, Verified | Pending)
        )
    }
}

/// One resource offered or needed, with optional details in free text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub kind: ResourceKind,
    /// What exactly, e.g. "قاعة تتسع لخمسين شخصًا".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub details: Option<String>,
}

/// A link to a social-media presence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SocialLink {
    /// e.g. `facebook`, `x`, `whatsapp`, `telegram`.
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub platform: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub url: String,
}

/// How to reach an organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub phone: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub website: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub social_links: Vec<SocialLink>,
}

/// What a client sends to create an organization or replace its profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    pub kind: OrganizationKind,
    /// Arabic name; this or `name_en` is required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name_ar: Option<String>,
    /// English name; this or `name_ar` is required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name_en: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub acronym: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1800))]
    pub founded_year: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub registration_number: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub registering_authority: Option<String>,
    /// Sector codes from `GET /api/v1/sectors`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub sectors: Vec<String>,
    /// Area ids from `GET /api/v1/areas`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub areas: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub address: Option<String>,
    #[serde(default)]
    pub contacts: Contacts,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub members_count: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub volunteers_count: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub beneficiaries_per_year: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 11))]
    pub offers: Vec<Resource>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 11))]
    pub needs: Vec<Resource>,
    #[serde(default = "default_visibility")]
    pub contact_visibility: ContactVisibility,
}

fn default_visibility() -> ContactVisibility {
    ContactVisibility::Members
}

pub const MAX_NAME: usize = 200;
pub const MAX_ACRONYM: usize = 30;
pub const MAX_DESCRIPTION: usize = 5000;
pub const MAX_SHORT: usize = 200;
pub const MAX_LIST: usize = 50;
pub const MAX_SOCIAL_LINKS: usize = 20;
pub const MAX_COUNT: i64 = 1_000_000_000;

impl OrganizationInput {
    /// Trims text, drops blanks and duplicate list entries, then checks every rule that
    /// needs no database. Reference codes (sectors, areas) are checked by the caller.
    pub fn normalize_and_validate(mut self, current_year: i32) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        (self.name_ar, self.name_en) = e.names(self.name_ar, self.name_en, MAX_NAME);
        self.acronym = e.text("acronym", self.acronym, MAX_ACRONYM, false);
        self.description = e.text("description", self.description, MAX_DESCRIPTION, true);
        self.registration_number = e.text("registration_number", self.registration_number, 100, false);
        self.registering_authority = e.text("registering_authority", self.registering_authority, MAX_SHORT, false);
        self.address = e.text("address", self.address, 500, true);
        self.contacts.phone = e.text("contacts.phone", self.contacts.phone, 40, false);
        self.contacts.email = e.text("contacts.email", self.contacts.email, 254, false).map(|m| m.to_lowercase());
        self.contacts.website = e.text("contacts.website", self.contacts.website, 500, false);

        if let Some(y) = self.founded_year {
            if !(1800..=current_year).contains(&y) {
                e.add("founded_year", Violation::OutOfRange { min: 1800, max: current_year as i64 });
            }
        }
        for (field, v) in [
            ("members_count", self.members_count),
            ("volunteers_count", self.volunteers_count),
            ("beneficiaries_per_year", self.beneficiaries_per_year),
        ] {
            if let Some(n) = v {
                if !(0..=MAX_COUNT).contains(&n) {
                    e.add(field, Violation::OutOfRange { min: 0, max: MAX_COUNT });
                }
            }
        }
        if let Some(p) = &self.contacts.phone {
            if !is_valid_phone(p) {
                e.add("contacts.phone", Violation::InvalidPhone);
            }
        }
        if let Some(m) = &self.contacts.email {
            if !is_valid_email(m) {
                e.add("contacts.email", Violation::InvalidEmail);
            }
        }
        if let Some(w) = &self.contacts.website {
            if w.len() > 500 || !is_valid_url(w) {
                e.add("contacts.website", Violation::InvalidUrl);
            }
        }
        // Every list's size is checked before its items, so an oversized list costs one
        // comparison, and every per-item check is linear.
        if self.contacts.social_links.len() > MAX_SOCIAL_LINKS {
            e.add("contacts.social_links", Violation::TooMany { max: MAX_SOCIAL_LINKS });
        } else {
            for (i, link) in self.contacts.social_links.iter_mut().enumerate() {
                let platform = e.line(&format!("contacts.social_links[{i}].platform"), &link.platform, 40);
                link.platform = platform.to_lowercase();
                link.url = link.url.trim().to_owned();
                if link.url.len() > 500 || !is_valid_url(&link.url) {
                    e.add(format!("contacts.social_links[{i}].url"), Violation::InvalidUrl);
                }
            }
        }
        dedupe_codes(&mut self.sectors, "sectors", MAX_LIST, &mut e);
        dedupe_codes(&mut self.areas, "areas", MAX_LIST, &mut e);
        for (field, list) in [("offers", &mut self.offers), ("needs", &mut self.needs)] {
            if list.len() > ResourceKind::ALL.len() {
                e.add(field, Violation::TooMany { max: ResourceKind::ALL.len() });
                continue;
            }
            let mut seen = std::collections::HashSet::new();
            for (i, r) in list.iter_mut().enumerate() {
                r.details = e.text(&format!("{field}[{i}].details"), r.details.take(), 1000, true);
                if !seen.insert(r.kind) {
                    e.add(format!("{field}[{i}].kind"), Violation::Duplicate);
                }
            }
        }
        e.into_result().map(|_| self)
    }

    /// The identity fields (what verification vouched for: kind, names, acronym,
    /// registration, website and e-mail) that differ from `before`.
    /// A verified organization whose own administrators change any of them goes back
    /// to review: the public must not see a vetted name on an unvetted identity.
    pub fn identity_changes(&self, before: &OrganizationInput) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.kind != before.kind {
            changed.push("kind");
        }
        // The website and e-mail are where donors and partners are sent: as much identity
        // as the name.
        for (field, now, then) in [
            ("name_ar", &self.name_ar, &before.name_ar),
            ("name_en", &self.name_en, &before.name_en),
            ("acronym", &self.acronym, &before.acronym),
            ("registration_number", &self.registration_number, &before.registration_number),
            ("registering_authority", &self.registering_authority, &before.registering_authority),
            ("contacts.website", &self.contacts.website, &before.contacts.website),
            ("contacts.email", &self.contacts.email, &before.contacts.email),
        ] {
            if now != then {
                changed.push(field);
            }
        }
        changed
    }

    /// What the directory search finds this organization by: its names and acronym,
    /// and the start of its description.
    pub fn search_doc(&self) -> crate::text::SearchDoc {
        let titles = [&self.name_ar, &self.name_en, &self.acronym].into_iter().flatten().map(String::as_str);
        crate::text::SearchDoc::new(titles, self.description.as_deref())
    }

    /// The key two registrations of the same organization would share.
    pub fn name_keys(&self) -> Vec<String> {
        [&self.name_ar, &self.name_en].into_iter().flatten().map(|n| crate::text::normalize(n)).collect()
    }

    /// What the directory sorts by: the Arabic name when there is one.
    pub fn sort_name(&self) -> String {
        crate::text::normalize(self.name_ar.as_deref().or(self.name_en.as_deref()).unwrap_or(""))
    }
}

/// Trims reference codes and refuses blanks and repeats; an oversized list is refused
/// whole before any item is looked at.
/// Trims reference codes, refusing blanks, repeats and lists longer than `max`.
pub(crate) fn dedupe_codes(list: &mut Vec<String>, field: &str, max: usize, e: &mut ValidationErrors) {
    if list.len() > max {
        e.add(field, Violation::TooMany { max });
        list.clear();
        return;
    }
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::with_capacity(list.len());
    for (i, code) in list.iter().enumerate() {
        let c = code.trim();
        if c.is_empty() {
            e.add(format!("{field}[{i}]"), Violation::Required);
        } else if c.chars().count() > 100 {
            e.add(format!("{field}[{i}]"), Violation::TooLong { max: 100 });
        } else if !seen.insert(c) {
            e.add(format!("{field}[{i}]"), Violation::Duplicate);
        } else {
            kept.push(c.to_owned());
        }
    }
    *list = kept;
}

/// One organization as the API shows it. Contact fields are `null` when the viewer
/// may not see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: OrganizationId,
    pub kind: OrganizationKind,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub acronym: Option<String>,
    pub description: Option<String>,
    pub founded_year: Option<i32>,
    pub registration_number: Option<String>,
    pub registering_authority: Option<String>,
    pub sectors: Vec<String>,
    pub areas: Vec<String>,
    pub address: Option<String>,
    /// Absent when contact details are visible to members only and the viewer is not signed in.
    pub contacts: Option<Contacts>,
    pub members_count: Option<i64>,
    pub volunteers_count: Option<i64>,
    pub beneficiaries_per_year: Option<i64>,
    pub offers: Vec<Resource>,
    pub needs: Vec<Resource>,
    pub contact_visibility: ContactVisibility,
    pub verification_status: VerificationStatus,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increments on every change; the `ETag` carries it and `If-Match` must echo it.
    pub version: i64,
}

/// What a list shows of an organization: enough for a list screen, a phone's list or a
/// sync client to show it and decide whether to fetch more, without the profile's text,
/// contacts and resource details (`GET /organizations/{id}` has the whole record). Every
/// list of a later entity follows the same pattern: a summary per item, the record by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationSummary {
    pub id: OrganizationId,
    pub kind: OrganizationKind,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub acronym: Option<String>,
    pub verification_status: VerificationStatus,
    pub archived: bool,
    /// Sector codes.
    pub sectors: Vec<String>,
    /// Area ids where it works.
    pub areas: Vec<String>,
    /// The kinds of resources it needs and offers; their details are in the record.
    pub needs: Vec<ResourceKind>,
    pub offers: Vec<ResourceKind>,
    pub members_count: Option<i64>,
    pub volunteers_count: Option<i64>,
    pub updated_at: DateTime<Utc>,
    /// The record's version: a sync client refetches the record when it changed.
    pub version: i64,
}

impl Organization {
    /// The profile as a client would send it back (for editing, and for audit snapshots).
    /// Hidden contacts come back empty.
    pub fn to_input(&self) -> OrganizationInput {
        OrganizationInput {
            kind: self.kind,
            name_ar: self.name_ar.clone(),
            name_en: self.name_en.clone(),
            acronym: self.acronym.clone(),
            description: self.description.clone(),
            founded_year: self.founded_year,
            registration_number: self.registration_number.clone(),
            registering_authority: self.registering_authority.clone(),
            sectors: self.sectors.clone(),
            areas: self.areas.clone(),
            address: self.address.clone(),
            contacts: self.contacts.clone().unwrap_or_default(),
            members_count: self.members_count,
            volunteers_count: self.volunteers_count,
            beneficiaries_per_year: self.beneficiaries_per_year,
            offers: self.offers.clone(),
            needs: self.needs.clone(),
            contact_visibility: self.contact_visibility,
        }
    }
}

/// An existing organization that looks like the one being registered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateCandidate {
    pub id: OrganizationId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub verification_status: VerificationStatus,
    /// Areas the two organizations share (empty when either lists no area).
    pub shared_areas: Vec<String>,
}

/// The answer to a create: the new organization and anything it may duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationCreated {
    pub organization: Organization,
    /// Organizations with the same normalized name in an overlapping area.
    pub possible_duplicates: Vec<DuplicateCandidate>,
}

/// A verification decision by a platform administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerificationInput {
    pub status: VerificationStatus,
    /// Required for every decision except `verified`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub reason: Option<String>,
}

impl VerificationInput {
    pub fn validate(mut self, from: VerificationStatus) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.reason = e.text("reason", self.reason, 2000, true);
        if !from.can_move_to(self.status) {
            e.add("status", Violation::InvalidTransition { from: from.as_str(), to: self.status.as_str() });
        }
        if self.status != VerificationStatus::Verified && self.reason.is_none() {
            e.add("reason", Violation::Required);
        }
        e.into_result().map(|_| self)
    }
}

/// One step in an organization's verification history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationEvent {
    pub id: VerificationEventId,
    pub from_status: Option<VerificationStatus>,
    pub to_status: VerificationStatus,
    pub reason: Option<String>,
    pub actor_id: Option<UserId>,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OrganizationInput {
        serde_json::from_value(serde_json::json!({"kind": "ngo", "name_ar": " جمعية الأمل "})).unwrap()
    }

    #[test]
    fn minimal_input_is_trimmed_and_valid() {
        let v = input().normalize_and_validate(2026).unwrap();
        assert_eq!(v.name_ar.as_deref(), Some("جمعية الأمل"));
        assert_eq!(v.contact_visibility, ContactVisibility::Members);
    }

    #[test]
    fn a_name_is_required_and_fields_are_checked() {
        let mut i = input();
        i.name_ar = Some("   ".into());
        i.founded_year = Some(3000);
        i.contacts.email = Some("nope".into());
        i.sectors = vec!["health".into(), "health".into()];
        let errs = i.normalize_and_validate(2026).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["name_ar", "name_en", "founded_year", "contacts.email", "sectors[1]"]);
    }

    #[test]
    fn oversized_lists_are_refused_whole_and_text_is_checked() {
        let mut i = input();
        i.sectors = vec!["health".into(); 43_000];
        i.name_en = Some("Hope\u{202E}".into());
        let errs = i.normalize_and_validate(2026).unwrap_err();
        let codes: Vec<_> = errs.0.iter().map(|(f, v)| (f.as_str(), v.code())).collect();
        assert_eq!(codes, [("name_en", "invalid_character"), ("sectors", "too_many")]);
    }

    #[test]
    fn identity_changes_are_named() {
        let before = input().normalize_and_validate(2026).unwrap();
        let mut after = before.clone();
        after.description = Some("وصف جديد".into());
        assert!(after.identity_changes(&before).is_empty());
        after.name_ar = Some("جمعية أخرى".into());
        after.registration_number = Some("123".into());
        assert_eq!(after.identity_changes(&before), ["name_ar", "registration_number"]);
    }

    #[test]
    fn verification_moves() {
        use VerificationStatus::*;
        assert!(Pending.can_move_to(Verified));
        assert!(!Pending.can_move_to(Suspended));
        assert!(!Verified.can_move_to(Verified));
        let v = VerificationInput { status: Rejected, reason: None };
        assert_eq!(v.validate(Pending).unwrap_err().0[0].0, "reason");
    }
}
