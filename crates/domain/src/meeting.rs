//! Meetings (لقاء، ملتقى، اجتماع، ورشة): where networking happens. A meeting is held in
//! one place and time zone (Africa/Khartoum, Asia/Muscat, …); its times are entered and
//! shown in that zone's local time and stored in UTC. Invited organizations answer for
//! themselves until it starts; the people they send check in at the door by the QR code
//! their invitation carries.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{AgendaItemId, MeetingId, NetworkId, OrganizationId, ParticipantId};
use crate::organization::{string_enum, MAX_DESCRIPTION};
use crate::validation::{is_valid_url, ValidationErrors, Violation};

/// Longest meeting title.
pub const MAX_TITLE: usize = 300;
/// Most organizations holding one meeting.
pub const MAX_ORGANIZERS: usize = 20;
/// Most organizations invited in one request.
pub const MAX_INVITE: usize = 200;
/// Most representatives one organization sends.
pub const MAX_REPRESENTATIVES: i32 = 50;
/// Largest capacity a meeting may state.
pub const MAX_CAPACITY: i32 = 100_000;
/// Longest a meeting may last (a training or a forum of several days).
pub const MAX_DAYS: i64 = 31;

string_enum! {
    /// What sort of gathering it is; drives wording and filters.
    MeetingKind {
        /// The founding meeting of a network (اجتماع تأسيسي).
        FoundingMeeting => "founding_meeting",
        GeneralAssembly => "general_assembly",
        Forum => "forum",
        CoordinationMeeting => "coordination_meeting",
        Workshop => "workshop",
        Training => "training",
        FieldVisit => "field_visit",
    }
}

string_enum! {
    /// Who may see a meeting.
    MeetingVisibility {
        /// Everyone, also without signing in.
        Public => "public",
        /// The members of its network (and the invited and organizing organizations).
        Network => "network",
        /// Only the invited and organizing organizations.
        Invited => "invited",
    }
}

string_enum! {
    /// Whether a meeting will take place.
    MeetingStatus {
        Scheduled => "scheduled",
        /// Cancelled: kept, and shown as cancelled in calendars.
        Cancelled => "cancelled",
    }
}

string_enum! {
    /// An invited organization's answer.
    RsvpAnswer {
        /// Not answered yet.
        Pending => "pending",
        Attending => "attending",
        Declined => "declined",
        Maybe => "maybe",
    }
}

string_enum! {
    /// How a person's attendance was recorded.
    CheckInMethod {
        /// Their invitation's code was scanned.
        Qr => "qr",
        /// A coordinator ticked them off or added them at the door.
        Manual => "manual",
    }
}

/// Accepted forms of a local date and time: with or without seconds.
const LOCAL_FORMATS: [&str; 2] = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"];

/// Years a meeting may be held in: both backends store them, and calendars read them.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Parses a wall-clock time as a form's `datetime-local` field sends it (years 2000–2100).
pub fn parse_local(s: &str) -> Option<NaiveDateTime> {
    use chrono::Datelike;
    LOCAL_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s.trim(), f).ok())
        .filter(|t| YEARS.contains(&t.year()))
}

/// What a coordinator sends to schedule a meeting or replace its details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub title: String,
    pub kind: MeetingKind,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: Option<String>,
    /// The network that holds it, if any.
    #[serde(default)]
    pub network_id: Option<NetworkId>,
    /// Organizations that hold it (a ministry, member organizations); their
    /// administrators manage it with the coordinators.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub organizers: Vec<OrganizationId>,
    /// Local start in `time_zone`, `YYYY-MM-DDTHH:MM[:SS]`.
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-10T10:00", max_length = 19))]
    pub starts_local: String,
    /// Local end in `time_zone`; after the start, at most 31 days later.
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-10T13:00", max_length = 19))]
    pub ends_local: String,
    /// IANA time zone of the place, e.g. `Africa/Khartoum`.
    #[cfg_attr(feature = "openapi", schema(example = "Africa/Khartoum", min_length = 1, max_length = 64))]
    pub time_zone: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub venue_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub venue_address: Option<String>,
    /// Where it is held (an id from `GET /api/v1/areas`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub area: Option<String>,
    /// A link for those who join online; this or `venue_name` is required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub online_url: Option<String>,
    pub visibility: MeetingVisibility,
    /// Most representatives the answers may add up to.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
    pub capacity: Option<i32>,
}

impl MeetingInput {
    /// Cleans the text and checks what needs neither the database nor the time-zone
    /// table; returns the local start and end.
    pub fn validate(mut self) -> Result<(Self, NaiveDateTime, NaiveDateTime), ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.title = e.line("title", &self.title, MAX_TITLE);
        self.description = e.text("description", self.description, MAX_DESCRIPTION, true);
        self.venue_name = e.text("venue_name", self.venue_name, 200, false);
        self.venue_address = e.text("venue_address", self.venue_address, 500, true);
        self.area = e.text("area", self.area, 100, false);
        self.online_url = e.text("online_url", self.online_url, 500, false);
        if let Some(u) = &self.online_url {
            if !is_valid_url(u) {
                e.add("online_url", Violation::InvalidUrl);
            }
        }
        if self.venue_name.is_none() && self.online_url.is_none() {
            e.add("venue_name", Violation::OneOfRequired("online_url"));
        }
        self.time_zone = e.line("time_zone", &self.time_zone, 64);
        let start = parse_local(&self.starts_local);
        let end = parse_local(&self.ends_local);
        if start.is_none() {
            e.add("starts_local", Violation::InvalidFormat("YYYY-MM-DDTHH:MM (2000–2100)".into()));
        }
        if end.is_none() {
            e.add("ends_local", Violation::InvalidFormat("YYYY-MM-DDTHH:MM (2000–2100)".into()));
        }
        if self.visibility == MeetingVisibility::Network && self.network_id.is_none() {
            e.add("network_id", Violation::Required);
        }
        if self.organizers.len() > MAX_ORGANIZERS {
            e.add("organizers", Violation::TooMany { max: MAX_ORGANIZERS });
        }
        for (i, o) in self.organizers.iter().enumerate() {
            if self.organizers[..i].contains(o) {
                e.add(format!("organizers[{i}]"), Violation::Duplicate);
            }
        }
        if let Some(c) = self.capacity {
            if !(1..=MAX_CAPACITY).contains(&c) {
                e.add("capacity", Violation::OutOfRange { min: 1, max: MAX_CAPACITY as i64 });
            }
        }
        e.into_result()?;
        let (Some(start), Some(end)) = (start, end) else { unreachable!("checked above") };
        Ok((self, start, end))
    }
}

/// An organization named on a meeting, with its names for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingOrganization {
    pub organization_id: OrganizationId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
}

/// A meeting as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Meeting {
    pub id: MeetingId,
    pub title: String,
    pub kind: MeetingKind,
    pub description: Option<String>,
    pub network_id: Option<NetworkId>,
    pub organizers: Vec<MeetingOrganization>,
    /// Start in UTC.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    /// Start as the clock on the wall of the venue shows it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-10T10:00:00", pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"))]
    pub starts_local: NaiveDateTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-10T13:00:00", pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"))]
    pub ends_local: NaiveDateTime,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub area: Option<String>,
    pub online_url: Option<String>,
    pub visibility: MeetingVisibility,
    pub capacity: Option<i32>,
    pub status: MeetingStatus,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    /// Organizations invited, and representatives announced by those attending.
    pub invited_count: i64,
    pub representatives_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increments on every change; the `ETag` carries it and `If-Match` must echo it.
    /// Calendars see it as the event's SEQUENCE.
    pub version: i64,
}

impl Meeting {
    /// What was sent to make the meeting as it is now (the audit log's snapshot and
    /// the edit form's start).
    pub fn to_input(&self) -> MeetingInput {
        MeetingInput {
            title: self.title.clone(),
            kind: self.kind,
            description: self.description.clone(),
            network_id: self.network_id.clone(),
            organizers: self.organizers.iter().map(|o| o.organization_id.clone()).collect(),
            starts_local: self.starts_local.format("%Y-%m-%dT%H:%M").to_string(),
            ends_local: self.ends_local.format("%Y-%m-%dT%H:%M").to_string(),
            time_zone: self.time_zone.clone(),
            venue_name: self.venue_name.clone(),
            venue_address: self.venue_address.clone(),
            area: self.area.clone(),
            online_url: self.online_url.clone(),
            visibility: self.visibility,
            capacity: self.capacity,
        }
    }
}

/// A meeting in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingSummary {
    pub id: MeetingId,
    pub title: String,
    pub kind: MeetingKind,
    pub network_id: Option<NetworkId>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-10T10:00:00", pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"))]
    pub starts_local: NaiveDateTime,
    pub venue_name: Option<String>,
    pub area: Option<String>,
    pub online: bool,
    pub visibility: MeetingVisibility,
    pub status: MeetingStatus,
}

/// A coordinator cancels a meeting; the record stays.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingCancellation {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub reason: String,
}

impl MeetingCancellation {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.reason = e.line("reason", &self.reason, 1000);
        e.into_result().map(|_| self)
    }
}

/// A coordinator invites organizations (again inviting one already invited is a no-op).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingInvite {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub organization_ids: Vec<OrganizationId>,
    /// People the organizers name (a speaker, an official), each from one of the
    /// organizations in `organization_ids`; their invitations carry check-in codes at
    /// once. The organization's answer may still name others instead.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub people: Vec<InvitedPerson>,
}

/// A person the organizers invite by name, through their organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitedPerson {
    pub organization_id: OrganizationId,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: Option<String>,
}

impl MeetingInvite {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        match self.organization_ids.len() {
            0 => e.add("organization_ids", Violation::Required),
            n if n > MAX_INVITE => e.add("organization_ids", Violation::TooMany { max: MAX_INVITE }),
            _ => {}
        }
        for (i, o) in self.organization_ids.iter().enumerate() {
            if self.organization_ids[..i].contains(o) {
                e.add(format!("organization_ids[{i}]"), Violation::Duplicate);
            }
        }
        if self.people.len() > MAX_INVITE {
            e.add("people", Violation::TooMany { max: MAX_INVITE });
        }
        for (i, p) in self.people.iter_mut().enumerate() {
            if !self.organization_ids.contains(&p.organization_id) {
                e.add(format!("people[{i}].organization_id"), Violation::UnknownValue);
            }
            p.name = e.line(&format!("people[{i}].name"), &p.name, 200);
            p.title = e.text(&format!("people[{i}].title"), p.title.take(), 200, false);
        }
        for (i, p) in self.people.iter().enumerate() {
            if self.people[..i].iter().any(|q| q.organization_id == p.organization_id && q.name == p.name) {
                e.add(format!("people[{i}].name"), Violation::Duplicate);
            }
        }
        e.into_result().map(|_| self)
    }
}

/// A person an organization names in its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// Their position in the organization.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: Option<String>,
}

/// An invited organization's answer, by its own administrators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rsvp {
    /// `attending`, `declined` or `maybe`.
    pub answer: RsvpAnswer,
    /// How many people it sends when attending (at least the people named).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50))]
    pub representatives: Option<i32>,
    /// The people it sends, each given a check-in code; replaces those named before
    /// (people already checked in stay).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub people: Vec<PersonInput>,
}

impl Rsvp {
    /// Checks the answer; returns how many representatives it announces.
    pub fn validate(mut self) -> Result<(Self, i32), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.answer == RsvpAnswer::Pending {
            e.add("answer", Violation::UnknownValue);
        }
        if self.people.len() > MAX_REPRESENTATIVES as usize {
            e.add("people", Violation::TooMany { max: MAX_REPRESENTATIVES as usize });
        }
        for (i, p) in self.people.iter_mut().enumerate() {
            p.name = e.line(&format!("people[{i}].name"), &p.name, 200);
            p.title = e.text(&format!("people[{i}].title"), p.title.take(), 200, false);
        }
        let count = match (self.answer, self.representatives) {
            (RsvpAnswer::Attending, Some(n)) if !(1..=MAX_REPRESENTATIVES).contains(&n) => {
                e.add("representatives", Violation::OutOfRange { min: 1, max: MAX_REPRESENTATIVES as i64 });
                0
            }
            (RsvpAnswer::Attending, Some(n)) if (n as usize) < self.people.len() => {
                e.add("representatives", Violation::TooFew { min: self.people.len() });
                0
            }
            (RsvpAnswer::Attending, n) => n.unwrap_or((self.people.len() as i32).max(1)),
            (_, Some(_)) => {
                e.add("representatives", Violation::InvalidFormat("only when attending / عند الحضور فقط".into()));
                0
            }
            _ => 0,
        };
        if self.answer != RsvpAnswer::Attending && !self.people.is_empty() {
            e.add("people", Violation::InvalidFormat("only when attending / عند الحضور فقط".into()));
        }
        e.into_result().map(|_| (self, count))
    }
}

/// An invited organization and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingInvitation {
    pub organization_id: OrganizationId,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub answer: RsvpAnswer,
    /// Announced when attending, else 0.
    pub representatives: i32,
    pub invited_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Its people who checked in.
    pub attended: i64,
    /// Changing an answer sends it back as `If-Match`, so two administrators of one
    /// organization never overwrite each other unseen.
    pub version: i64,
}

/// A person an organization sends, and whether they came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub id: ParticipantId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub title: Option<String>,
    /// What their invitation's QR code carries; shown to their organization's members
    /// and to the meeting's coordinators only.
    pub check_in_code: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub check_in_method: Option<CheckInMethod>,
}

/// A coordinator scans an invitation's QR code at the door.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub code: String,
}

impl CheckIn {
    /// The code as issued (lowercase hex, spaces around it ignored); an empty or overlong
    /// one is an unknown code.
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        self.code = self.code.trim().to_ascii_lowercase();
        if self.code.is_empty() || self.code.len() > 100 {
            return Err(ValidationErrors::single("code", Violation::UnknownValue));
        }
        Ok(self)
    }
}

/// A coordinator records attendance by hand: a named person ticked off, or someone an
/// invited organization sent who was not named.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ManualAttendance {
    pub organization_id: OrganizationId,
    /// A person named in the organization's answer.
    #[serde(default)]
    pub participant_id: Option<ParticipantId>,
    /// Or the name of a person not named before.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: Option<String>,
}

impl ManualAttendance {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.name = e.text("name", self.name, 200, false);
        self.title = e.text("title", self.title, 200, false);
        if self.participant_id.is_none() == self.name.is_none() {
            e.add("participant_id", Violation::OneOfRequired("name"));
        }
        e.into_result().map(|_| self)
    }
}

/// Who checked in: the person and their organization, for the door screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedIn {
    pub participant: Participant,
    pub organization: MeetingOrganization,
}

/// A meeting's attendance in figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceStats {
    pub invited: i64,
    pub answered: i64,
    pub attending: i64,
    pub declined: i64,
    pub maybe: i64,
    pub representatives: i64,
    /// Organizations with at least one person checked in.
    pub attended_organizations: i64,
    pub attended_people: i64,
    /// Of them, by their invitation's QR code.
    pub checked_in_by_qr: i64,
}

/// One organization's attendance over time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationAttendance {
    /// Meetings it was invited to that have started (cancelled ones aside).
    pub invited: i64,
    pub answered: i64,
    /// Meetings at which at least one of its people checked in.
    pub attended: i64,
    pub people: i64,
}

/// Most items on one agenda.
pub const MAX_AGENDA_ITEMS: usize = 50;

/// One item of the agenda a coordinator sends; an `id` keeps an existing item (and its
/// papers) at its new place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgendaItemInput {
    #[serde(default)]
    pub id: Option<AgendaItemId>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub title: String,
    /// The organization that presents it (a working paper's, say).
    #[serde(default)]
    pub presenter_id: Option<OrganizationId>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub duration_minutes: Option<i32>,
}

/// The whole agenda, in order; items left out are removed (refused while they hold papers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgendaInput {
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub items: Vec<AgendaItemInput>,
}

impl AgendaInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.items.len() > MAX_AGENDA_ITEMS {
            e.add("items", Violation::TooMany { max: MAX_AGENDA_ITEMS });
        }
        let ids: Vec<Option<AgendaItemId>> = self.items.iter().map(|i| i.id.clone()).collect();
        for (n, item) in self.items.iter_mut().enumerate() {
            item.title = e.line(&format!("items[{n}].title"), &item.title, MAX_TITLE);
            if let Some(d) = item.duration_minutes {
                if !(1..=1440).contains(&d) {
                    e.add(format!("items[{n}].duration_minutes"), Violation::OutOfRange { min: 1, max: 1440 });
                }
            }
            if item.id.is_some() && ids[..n].contains(&item.id) {
                e.add(format!("items[{n}].id"), Violation::Duplicate);
            }
        }
        e.into_result().map(|_| self)
    }
}

/// A working paper (ورقة عمل) attached to an agenda item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkingPaper {
    pub document: crate::document::Document,
    pub title: String,
    pub authors: String,
}

/// An agenda item with its papers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaItem {
    pub id: AgendaItemId,
    pub position: i32,
    pub title: String,
    pub presenter: Option<MeetingOrganization>,
    pub duration_minutes: Option<i32>,
    pub papers: Vec<WorkingPaper>,
}

/// A meeting's agenda; `version` is its `ETag` (edits send it back in `If-Match`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agenda {
    pub items: Vec<AgendaItem>,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MeetingInput {
        MeetingInput {
            title: " الاجتماع التأسيسي لشبكة شندي ".into(),
            kind: MeetingKind::FoundingMeeting,
            description: None,
            network_id: None,
            organizers: vec![],
            starts_local: "2026-12-10T10:00".into(),
            ends_local: "2026-12-10T13:00:00".into(),
            time_zone: "Africa/Khartoum".into(),
            venue_name: Some("قاعة المحلية".into()),
            venue_address: None,
            area: None,
            online_url: None,
            visibility: MeetingVisibility::Public,
            capacity: Some(60),
        }
    }

    #[test]
    fn a_meeting_needs_a_title_times_and_a_place() {
        let (ok, start, end) = input().validate().unwrap();
        assert_eq!(ok.title, "الاجتماع التأسيسي لشبكة شندي");
        assert_eq!(start.to_string(), "2026-12-10 10:00:00");
        assert_eq!(end.to_string(), "2026-12-10 13:00:00");
        let bad = MeetingInput {
            title: " ".into(),
            starts_local: "10/12/2026".into(),
            venue_name: None,
            online_url: Some("javascript:alert(1)".into()),
            capacity: Some(0),
            ..input()
        };
        let fields: Vec<_> = bad.validate().unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["title", "online_url", "starts_local", "capacity"]);
    }

    #[test]
    fn an_answer_counts_its_representatives() {
        let people =
            vec![PersonInput { name: "هدى".into(), title: None }, PersonInput { name: "Omar".into(), title: None }];
        let rsvp = Rsvp { answer: RsvpAnswer::Attending, representatives: None, people: people.clone() };
        assert_eq!(rsvp.validate().unwrap().1, 2);
        let too_few = Rsvp { answer: RsvpAnswer::Attending, representatives: Some(1), people };
        assert_eq!(too_few.validate().unwrap_err().0[0].0, "representatives");
        let declined = Rsvp { answer: RsvpAnswer::Declined, representatives: None, people: vec![] };
        assert_eq!(declined.validate().unwrap().1, 0);
        let pending = Rsvp { answer: RsvpAnswer::Pending, representatives: None, people: vec![] };
        assert_eq!(pending.validate().unwrap_err().0[0].0, "answer");
    }
}
