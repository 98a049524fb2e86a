//! `tashbeek seed --scale N`: realistic synthetic data for benchmarks and trials.
//!
//! Deterministic for a given `--seed` (ids included: UUIDv7 built from a fixed clock and
//! the seeded generator). Names carry the spelling variety real registrations have
//! (hamza forms, taa marbuta, diacritics, tatweel, Arabic-Indic digits) so search is
//! measured on realistic text. Partnerships (three per organization for benchmarks) join
//! organizations of one country. Loaded in batched multi-row inserts.

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use tashbeek_app::event::{Event as AuditEvent, OrgState};
use tashbeek_domain::organization::{
    ContactVisibility, Contacts, OrganizationInput, OrganizationKind, Resource, ResourceKind, VerificationStatus,
};
use tashbeek_domain::partnership::{PartnershipKind, PartnershipStatus, PartyRole, PartyState};
use tashbeek_domain::reference::AreaLevel;
use tashbeek_domain::user::{GlobalRole, OrgRole};
use tashbeek_domain::{OrganizationId, PartnershipId, UserId};
use tashbeek_http::AppState;
use tashbeek_persistence::bulk::{
    self, AuditRow, Batch, Event, MembershipRow, OrgArea, OrgResource, OrgSector, PartnershipArea, PartnershipSector,
};
use tashbeek_persistence::json::Json;
use tashbeek_persistence::organization::OrgRow;
use tashbeek_persistence::partnership::{PartnershipRow, PartyRow};
use tashbeek_persistence::user::UserRow;
use tashbeek_persistence::{organization as orgs, reference, to_db_time};

/// The password of every generated account (benchmarks sign in with it).
pub const SEED_PASSWORD: &str = "bench-password-2026";
pub const SEED_ADMIN: &str = "bench-admin@tashbeek.bench";

const PREFIXES: &[(&str, &str)] = &[
    ("جمعية", "Society"),
    ("جمعيه", "Society"),
    ("منظمة", "Organization"),
    ("منظمه", "Organization"),
    ("مؤسسة", "Foundation"),
    ("موسسة", "Foundation"),
    ("رابطة", "League"),
    ("فريق", "Team"),
    ("مبادرة", "Initiative"),
    ("مبادره", "Initiative"),
    ("لجنة", "Committee"),
    ("هيئة", "Authority"),
];
const QUALIFIERS: &[(&str, &str)] = &[
    ("الأمل", "Al-Amal"),
    ("الامل", "Al-Amal"),
    ("النور", "Al-Noor"),
    ("الإحسان", "Al-Ihsan"),
    ("الاحسان", "Al-Ihsan"),
    ("الخير", "Al-Khair"),
    ("التنمية", "Development"),
    ("التنميه", "Development"),
    ("الشباب", "Youth"),
    ("المرأة", "Women"),
    ("المراة", "Women"),
    ("البر", "Al-Birr"),
    ("التكافل", "Solidarity"),
    ("السلام", "Peace"),
    ("الإغاثة", "Relief"),
    ("الاغاثة", "Relief"),
    ("الوفاء", "Al-Wafa"),
    ("الرحمة", "Mercy"),
    ("العطاء", "Giving"),
    ("الأيادي البيضاء", "White Hands"),
    ("أصدقاء المريض", "Friends of the Patient"),
    ("رعاية الطفولة", "Child Care"),
    ("ذوي الإعاقة", "Persons with Disabilities"),
    ("المهندسين", "Engineers"),
    ("المحاسبين", "Accountants"),
];
const SUFFIXES: &[(&str, &str)] = &[
    (" الخيرية", " Charity"),
    (" الخيريه", " Charity"),
    (" للتنمية", " for Development"),
    (" التطوعي", " Volunteers"),
    (" الاجتماعية", " Social"),
    (" الثقافية", " Cultural"),
    ("", ""),
    ("", ""),
];
const DIACRITICS: &[char] = &['\u{064E}', '\u{064F}', '\u{0650}', '\u{0651}', '\u{0652}'];

fn pick<'a, T>(rng: &mut StdRng, list: &'a [T]) -> &'a T {
    &list[rng.gen_range(0..list.len())]
}

fn arabic_digits(n: u32) -> String {
    n.to_string().chars().map(|c| char::from_u32('٠' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect()
}

/// Writes a name the way people type it: sometimes without hamza, with ه for ة,
/// with diacritics or tatweel.
fn vary(rng: &mut StdRng, name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 2);
    for c in name.chars() {
        let c = match c {
            'أ' | 'إ' | 'آ' if rng.gen_bool(0.25) => 'ا',
            'ة' if rng.gen_bool(0.15) => 'ه',
            'ي' if rng.gen_bool(0.05) => 'ى',
            c => c,
        };
        out.push(c);
        if ('\u{0621}'..='\u{064A}').contains(&c) {
            if rng.gen_bool(0.03) {
                out.push(*pick(rng, DIACRITICS));
            }
            if rng.gen_bool(0.005) {
                out.push('ـ');
            }
        }
    }
    out
}

fn uuid_at(rng: &mut StdRng, at: DateTime<Utc>) -> uuid::Uuid {
    let bytes: [u8; 10] = rng.gen();
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis() as u64, &bytes).into_uuid()
}

fn id_at(rng: &mut StdRng, at: DateTime<Utc>) -> String {
    uuid_at(rng, at).to_string()
}

/// An area as `(id, Arabic name, English name)`.
type Place = (String, String, String);

struct Places {
    /// Each country's states and localities.
    by_country: Vec<(String, Vec<Place>)>,
    sectors: Vec<String>,
    /// Each area's materialized path, for the directory facets.
    paths: std::collections::HashMap<String, String>,
}

fn load_places(state: &AppState) -> anyhow::Result<Places> {
    let mut conn = state.pool.get()?;
    let areas = reference::list_areas(&mut conn, None)?;
    let sectors = reference::list_sectors(&mut conn)?.into_iter().map(|s| s.code).collect();
    let paths = reference::all_area_paths(&mut conn)?;
    let mut by_country: Vec<(String, Vec<Place>)> = Vec::new();
    for a in &areas {
        if a.level == AreaLevel::Country {
            by_country.push((a.id.clone(), vec![]));
        }
    }
    for a in areas.into_iter().filter(|a| a.level != AreaLevel::Country) {
        let country = a.id.split('-').next().unwrap_or("").to_owned();
        if let Some((_, list)) = by_country.iter_mut().find(|(c, _)| *c == country) {
            list.push((a.id, a.name_ar, a.name_en));
        }
    }
    Ok(Places { by_country, sectors, paths })
}

/// What one run loaded.
pub struct SeedReport {
    pub organizations: usize,
    pub partnerships: usize,
    pub meetings: usize,
    pub recommendations: usize,
    pub users: usize,
    pub seconds: f64,
}

/// Loads `scale` organizations and `partnerships` partnerships between them.
pub fn run(
    state: &AppState,
    scale: usize,
    partnerships: usize,
    meetings: usize,
    recommendations: usize,
    seed: u64,
) -> anyhow::Result<SeedReport> {
    let started = std::time::Instant::now();
    {
        let mut conn = state.pool.get()?;
        if orgs::count(&mut conn)? > 0 {
            bail!("the database already has organizations; seed an empty database");
        }
    }
    let places = load_places(state)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let base: DateTime<Utc> =
        DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").context("base time")?.with_timezone(&Utc);
    let hash =
        tashbeek_http::auth::hash_password(&state.settings, SEED_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let country_weights = [("SD", 50), ("SY", 25), ("OM", 15), ("SA", 10)];
    let user = |id: UserId, email: String, name: String, role: GlobalRole, at: NaiveDateTime| UserRow {
        id,
        email,
        display_name: name,
        password_hash: hash.clone(),
        role,
        disabled: false,
        created_at: at,
        updated_at: at,
    };

    let admin = UserId::from(uuid_at(&mut rng, base));
    let admin_id = admin.to_string();
    let mut first = Batch::default();
    first.users.push(user(
        admin.clone(),
        SEED_ADMIN.into(),
        "منسق الاختبار".into(),
        GlobalRole::PlatformAdmin,
        to_db_time(base),
    ));
    first.users.push(user(
        uuid_at(&mut rng, base).into(),
        "bench-observer@tashbeek.bench".into(),
        "مراقب".into(),
        GlobalRole::Observer,
        to_db_time(base),
    ));
    bulk::insert(&mut *state.pool.get()?, &first)?;

    let users_every = 10;
    let mut users = 2;
    let batch_size = 2000;
    let mut conn = state.pool.get()?;
    let mut members: Vec<Vec<SeedOrg>> = country_weights.iter().map(|_| Vec::new()).collect();
    for start in (0..scale).step_by(batch_size) {
        let mut b = Batch::default();
        for i in start..(start + batch_size).min(scale) {
            let at = base + Duration::seconds(i as i64 * 7);
            let org = OrganizationId::from(uuid_at(&mut rng, at));
            let id = org.to_string();
            let total: u32 = country_weights.iter().map(|c| c.1).sum();
            let mut roll = rng.gen_range(0..total);
            let country = country_weights
                .iter()
                .find(|(_, w)| {
                    if roll < *w {
                        true
                    } else {
                        roll -= w;
                        false
                    }
                })
                .map(|c| c.0)
                .unwrap_or("SD");
            let local =
                &places.by_country.iter().find(|(c, _)| c == country).map(|(_, l)| l.clone()).unwrap_or_default();
            let mut areas: Vec<Place> = {
                let n = rng.gen_range(1..=2);
                local.choose_multiple(&mut rng, n)
            }
            .cloned()
            .collect();
            areas.sort();
            let (prefix_ar, prefix_en) = *pick(&mut rng, PREFIXES);
            let (qual_ar, qual_en) = *pick(&mut rng, QUALIFIERS);
            let (suffix_ar, suffix_en) = *pick(&mut rng, SUFFIXES);
            let place = areas.first().cloned().unwrap_or_default();
            let mut name_ar = format!("{prefix_ar} {qual_ar}{suffix_ar} ب{}", place.1);
            if i % 3 == 0 {
                name_ar.push_str(&format!(" {}", arabic_digits((i / 3) as u32 % 500 + 1)));
            }
            let name_ar = vary(&mut rng, &name_ar);
            let name_en = rng.gen_bool(0.6).then(|| format!("{qual_en}{suffix_en} {prefix_en} - {}", place.2));
            let kind = *pick(&mut rng, OrganizationKind::ALL);
            let mut sectors: Vec<String> = {
                let n = rng.gen_range(1..=3);
                places.sectors.choose_multiple(&mut rng, n)
            }
            .cloned()
            .collect();
            sectors.sort();
            let resources = |rng: &mut StdRng| -> Vec<Resource> {
                let mut kinds: Vec<ResourceKind> = {
                    let n = rng.gen_range(0..=3);
                    ResourceKind::ALL.choose_multiple(rng, n)
                }
                .copied()
                .collect();
                kinds.sort_by_key(|k| k.as_str());
                kinds.into_iter().map(|kind| Resource { kind, details: None }).collect()
            };
            let input = OrganizationInput {
                kind,
                name_ar: Some(name_ar),
                name_en,
                acronym: rng.gen_bool(0.2).then(|| {
                    qual_en.chars().filter(|c| c.is_ascii_uppercase()).collect::<String>()
                        + &arabic_digits(i as u32 % 100)
                }),
                description: Some(format!(
                    "{} في {}: خدمات {} للأسر والمجتمع المحلي.",
                    vary(&mut rng, "تعمل المنظمة"),
                    place.1,
                    qual_ar
                )),
                founded_year: Some(rng.gen_range(1970..=2025)),
                registration_number: rng.gen_bool(0.5).then(|| format!("{}-{}", country, rng.gen_range(1000..99999))),
                registering_authority: None,
                sectors: sectors.clone(),
                areas: areas.iter().map(|a| a.0.clone()).collect(),
                address: None,
                contacts: Contacts {
                    phone: rng.gen_bool(0.5).then(|| {
                        format!("+{} {}", rng.gen_range(200..999), rng.gen_range(100_000_000..999_999_999u32))
                    }),
                    email: rng.gen_bool(0.4).then(|| format!("org{i}@example.org")),
                    website: None,
                    social_links: vec![],
                },
                members_count: Some(rng.gen_range(3..500)),
                volunteers_count: Some(rng.gen_range(0..2000)),
                beneficiaries_per_year: Some(rng.gen_range(0..100_000)),
                offers: resources(&mut rng),
                needs: resources(&mut rng),
                contact_visibility: if rng.gen_bool(0.5) {
                    ContactVisibility::Public
                } else {
                    ContactVisibility::Members
                },
            };
            let mut row = OrgRow::new(&input, Some(&admin), to_db_time(at))?;
            let area_paths: Vec<String> = input.areas.iter().filter_map(|a| places.paths.get(a).cloned()).collect();
            row.facets = orgs::facets(&input, &area_paths);
            row.id = org;
            let status = match rng.gen_range(0..100) {
                0..=69 => VerificationStatus::Verified,
                70..=89 => VerificationStatus::Pending,
                90..=96 => VerificationStatus::Rejected,
                _ => VerificationStatus::Suspended,
            };
            let decided = at + Duration::days(rng.gen_range(1..30));
            row.verification_status = status;
            if status != VerificationStatus::Pending {
                row.updated_at = to_db_time(decided);
                row.version = 2;
            }
            b.sectors.extend(sectors.iter().map(|s| OrgSector { organization_id: id.clone(), sector_code: s.clone() }));
            b.areas.extend(areas.iter().map(|a| OrgArea { organization_id: id.clone(), area_id: a.0.clone() }));
            for (direction, list) in [("offer", &input.offers), ("need", &input.needs)] {
                b.resources.extend(list.iter().map(|r| OrgResource {
                    organization_id: id.clone(),
                    direction: direction.into(),
                    kind: r.kind.as_str().into(),
                }));
            }
            b.events.push(Event {
                id: id_at(&mut rng, at),
                organization_id: id.clone(),
                from_status: None,
                to_status: "pending".into(),
                reason: None,
                actor_id: Some(admin_id.clone()),
                at: to_db_time(at),
            });
            let created = AuditEvent::OrganizationCreated(Box::new(input.clone()));
            b.audit.push(AuditRow::from_change(
                id_at(&mut rng, at),
                created.audit_change(at, Some(&admin_id), &id, None)?,
            ));
            if status != VerificationStatus::Pending {
                let reason = (status != VerificationStatus::Verified).then(|| "بيانات التسجيل غير مكتملة".to_owned());
                b.events.push(Event {
                    id: id_at(&mut rng, decided),
                    organization_id: id.clone(),
                    from_status: Some("pending".into()),
                    to_status: status.as_str().into(),
                    reason: reason.clone(),
                    actor_id: Some(admin_id.clone()),
                    at: to_db_time(decided),
                });
                let decision = AuditEvent::OrganizationVerification {
                    before: OrgState { verification_status: VerificationStatus::Pending, archived: false },
                    after: OrgState { verification_status: status, archived: false },
                    reason,
                };
                let change = decision.audit_change(decided, Some(&admin_id), &id, None)?;
                b.audit.push(AuditRow::from_change(id_at(&mut rng, decided), change));
            }
            if i % users_every == 0 {
                let uid = UserId::from(uuid_at(&mut rng, at));
                b.users.push(user(
                    uid.clone(),
                    format!("user{i}@tashbeek.bench"),
                    format!("مستخدم {i}"),
                    GlobalRole::User,
                    to_db_time(at),
                ));
                b.memberships.push(MembershipRow {
                    user_id: uid.to_string(),
                    organization_id: id.clone(),
                    role: OrgRole::Admin.as_str().into(),
                    created_at: to_db_time(at),
                });
                users += 1;
            }
            if let Some(list) = country_weights.iter().position(|c| c.0 == country).map(|n| &mut members[n]) {
                list.push(SeedOrg {
                    id: row.id.clone(),
                    verified: status == VerificationStatus::Verified,
                    area: place.0.clone(),
                    sectors: sectors.clone(),
                });
            }
            b.words.extend(orgs::word_rows(&id, &row.sort_name, &input, &area_paths));
            b.organizations.push(row);
        }
        bulk::insert(&mut conn, &b)?;
        tracing::info!(loaded = (start + batch_size).min(scale), of = scale, "seeding");
    }
    members.retain(|m| m.len() >= 4);
    if !members.is_empty() {
        seed_partnerships(&mut conn, &mut rng, &places, &members, partnerships, base, &admin)?;
        // Meetings lie around today (from midnight, so a day's seeds agree): a year of
        // past meetings and a year ahead.
        let today = state.now().date_naive().and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let per_meeting = if meetings == 0 { 0 } else { recommendations.div_ceil(meetings) };
        seed_meetings(&mut conn, &mut rng, &members, meetings, today, &admin, (per_meeting, recommendations))?;
    }
    bulk::analyze(&mut conn)?;
    let (partnerships, meetings, recommendations) =
        if members.is_empty() { (0, 0, 0) } else { (partnerships, meetings, recommendations) };
    Ok(SeedReport {
        organizations: scale,
        partnerships,
        meetings,
        recommendations,
        users,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The time zone of a country's meetings (by the organizing organization's area).
fn zone_of(area: &str) -> &'static str {
    match area.get(..2) {
        Some("OM") => "Asia/Muscat",
        Some("SY") => "Asia/Damascus",
        Some("SA") => "Asia/Riyadh",
        Some("LB") => "Asia/Beirut",
        Some("JO") => "Asia/Amman",
        Some("EG") => "Africa/Cairo",
        _ => "Africa/Khartoum",
    }
}

/// `count` meetings over two years around the seed's clock: one network per 200
/// organizations of a country (its first twenty as members) holds seven in ten of them;
/// each has one organizing organization and ten invited organizations of its country,
/// half of which answered. Visibility is mixed (public, network, invited).
fn seed_meetings(
    conn: &mut tashbeek_persistence::DbConn,
    rng: &mut StdRng,
    by_country: &[Vec<SeedOrg>],
    count: usize,
    base: DateTime<Utc>,
    admin: &UserId,
    (per_meeting, recommendations): (usize, usize),
) -> anyhow::Result<()> {
    use tashbeek_domain::meeting::{MeetingKind, MeetingVisibility};
    let mut made = 0;
    use tashbeek_persistence::bulk::{MeetingInvitationRow, MeetingOrganizer, NetworkMemberRow};
    let now = to_db_time(base);
    // Networks of each country, with their members.
    let mut networks: Vec<Vec<(tashbeek_domain::NetworkId, Vec<&SeedOrg>)>> = vec![];
    let mut b = Batch::default();
    for (c, orgs) in by_country.iter().enumerate() {
        let mut list = vec![];
        for (k, chunk) in orgs.chunks(200).enumerate() {
            let id = tashbeek_domain::NetworkId::from(uuid_at(rng, base + Duration::seconds((c * 1000 + k) as i64)));
            let name = format!("شبكة {} رقم {}", pick(rng, TOPICS), arabic_digits(k as u32 + 1));
            b.networks.push(tashbeek_persistence::network::NetworkRow {
                id: id.clone(),
                name_ar: Some(name.clone()),
                name_en: None,
                description: None,
                area_id: chunk[0].area.get(..2).unwrap_or("SD").to_owned(),
                sort_name: tashbeek_domain::text::normalize(&name),
                created_by: Some(admin.clone()),
                created_at: now,
                updated_at: now,
                version: 1,
            });
            let members: Vec<&SeedOrg> = chunk.iter().take(20).collect();
            for m in &members {
                b.network_members.push(NetworkMemberRow {
                    network_id: id.to_string(),
                    organization_id: m.id.to_string(),
                    status: "member".into(),
                    invited_at: now,
                    responded_at: Some(now),
                });
            }
            list.push((id, members));
        }
        networks.push(list);
    }
    bulk::insert(conn, &b)?;
    let batch_size = 2000;
    let total: usize = by_country.iter().map(Vec::len).sum();
    for start in (0..count).step_by(batch_size) {
        let mut b = Batch::default();
        for i in start..(start + batch_size).min(count) {
            let mut k = rng.gen_range(0..total);
            let c = by_country
                .iter()
                .position(|c| {
                    if k < c.len() {
                        true
                    } else {
                        k -= c.len();
                        false
                    }
                })
                .unwrap_or(0);
            let country = &by_country[c];
            let network = (!networks[c].is_empty() && rng.gen_bool(0.7)).then(|| pick(rng, &networks[c]).clone());
            let lead = match &network {
                Some((_, members)) => *pick(rng, members),
                None => pick(rng, country),
            };
            let starts = base + Duration::minutes(rng.gen_range(-525_600..525_600) / 30 * 30);
            let id = tashbeek_domain::MeetingId::from(uuid_at(rng, starts));
            let visibility = match rng.gen_range(0..10) {
                0..=3 => MeetingVisibility::Public,
                4..=6 if network.is_some() => MeetingVisibility::Network,
                _ => MeetingVisibility::Invited,
            };
            b.meetings.push(tashbeek_persistence::meeting::MeetingRow {
                id: id.clone(),
                title: format!("لقاء تنسيقي حول {} {}", pick(rng, TOPICS), arabic_digits(i as u32 % 900 + 1)),
                kind: *pick(
                    rng,
                    &[
                        MeetingKind::CoordinationMeeting,
                        MeetingKind::Workshop,
                        MeetingKind::Forum,
                        MeetingKind::Training,
                    ],
                ),
                description: None,
                network_id: network.as_ref().map(|(n, _)| n.clone()),
                starts_at: to_db_time(starts),
                ends_at: to_db_time(starts + Duration::hours(3)),
                time_zone: zone_of(&lead.area).into(),
                venue_name: Some("قاعة الاجتماعات".into()),
                venue_address: None,
                area_id: Some(lead.area.clone()),
                online_url: None,
                visibility,
                capacity: Some(60),
                cancelled_at: None,
                cancel_reason: None,
                created_by: Some(admin.clone()),
                created_at: now,
                updated_at: now,
                version: 1,
            });
            b.meeting_organizers
                .push(MeetingOrganizer { meeting_id: id.to_string(), organization_id: lead.id.to_string() });
            let invited: Vec<&SeedOrg> = country.choose_multiple(rng, 10).collect();
            let take = per_meeting.min(recommendations - made);
            seed_recommendations(
                &mut b,
                rng,
                (&id, network.as_ref().map(|(n, _)| n), lead, &invited),
                take,
                starts,
                base,
                admin,
            );
            made += take;
            for (n, o) in invited.into_iter().enumerate() {
                let answered = n % 2 == 0;
                b.meeting_invitations.push(MeetingInvitationRow {
                    meeting_id: id.to_string(),
                    organization_id: o.id.to_string(),
                    invited_at: now,
                    answer: if answered { "attending" } else { "pending" }.into(),
                    representatives: if answered { 2 } else { 0 },
                    answered_at: answered.then_some(now),
                    answered_by: None,
                });
            }
        }
        bulk::insert(conn, &b)?;
        tracing::info!(loaded = (start + batch_size).min(count), of = count, "seeding meetings");
    }
    Ok(())
}

/// `count` recommendations of one meeting: addressed to one to three of its organizations
/// (one in ten also to its network's office), statuses from proposed to implemented, due
/// dates from a month to a year after the meeting, progress and last activity to match.
#[allow(clippy::too_many_arguments)]
fn seed_recommendations(
    b: &mut Batch,
    rng: &mut StdRng,
    (meeting, network, lead, invited): (
        &tashbeek_domain::MeetingId,
        Option<&tashbeek_domain::NetworkId>,
        &SeedOrg,
        &[&SeedOrg],
    ),
    count: usize,
    starts: DateTime<Utc>,
    today: DateTime<Utc>,
    admin: &UserId,
) {
    use tashbeek_domain::recommendation::{PartState, Priority, RecommendationStatus as S};
    use tashbeek_persistence::bulk::{RecommendationArea, RecommendationSector};
    use tashbeek_persistence::recommendation::{PartRow, RecommendationRow};
    for n in 0..count {
        let created = starts + Duration::hours(4) + Duration::minutes(n as i64);
        let id = tashbeek_domain::RecommendationId::from(uuid_at(rng, created));
        let status = match rng.gen_range(0..100) {
            0..=14 => S::Proposed,
            15..=39 => S::Adopted,
            40..=74 => S::InProgress,
            75..=89 => S::Implemented,
            90..=94 => S::Rejected,
            _ => S::Deferred,
        };
        let due = (starts + Duration::days(rng.gen_range(30..365))).date_naive();
        let progress = match status {
            S::Implemented => 100,
            S::InProgress => rng.gen_range(5..95),
            _ => 0,
        };
        let activity = (status.is_open() || status == S::Implemented)
            .then(|| to_db_time((created + Duration::days(rng.gen_range(0..120))).min(today)));
        let sectors: Vec<String> = lead.sectors.iter().take(1).cloned().collect();
        let mut areas = vec![];
        let mut prefix = String::new();
        for part in lead.area.split('-') {
            prefix = if prefix.is_empty() { part.to_owned() } else { format!("{prefix}-{part}") };
            areas.push(prefix.clone());
        }
        for s in &sectors {
            b.recommendation_sectors
                .push(RecommendationSector { sector_code: s.clone(), recommendation_id: id.to_string() });
        }
        for a in &areas {
            b.recommendation_areas.push(RecommendationArea { area_id: a.clone(), recommendation_id: id.to_string() });
        }
        let mut addressees: Vec<Option<OrganizationId>> = vec![Some(lead.id.clone())];
        let more = rng.gen_range(0..3);
        for o in invited.choose_multiple(rng, more) {
            if o.id != lead.id {
                addressees.push(Some(o.id.clone()));
            }
        }
        if network.is_some() && rng.gen_bool(0.1) {
            addressees.push(None);
        }
        for (position, org) in addressees.into_iter().enumerate() {
            let state = match status {
                S::Implemented => PartState::Implemented,
                S::InProgress => PartState::Accepted,
                S::Adopted if rng.gen_bool(0.5) => PartState::Accepted,
                _ => PartState::AwaitingAnswer,
            };
            b.recommendation_parts.push(PartRow {
                id: tashbeek_domain::PartId::from(uuid_at(rng, created)),
                recommendation_id: id.clone(),
                position: position as i32,
                organization_id: org,
                weight: 1,
                state,
                answer_reason: None,
                answered_at: (state != PartState::AwaitingAnswer).then_some(to_db_time(created)),
                progress,
                last_update_at: activity,
                completed_at: None,
                verified_at: (state == PartState::Implemented).then_some(to_db_time(created)),
                verified_by: None,
                verification_comment: None,
                version: 1,
            });
        }
        b.recommendations.push(RecommendationRow {
            code: format!("R-{}", &id.as_str()[24..]).to_uppercase(),
            network_id: network.cloned(),
            meeting_id: Some(meeting.clone()),
            agenda_item_id: None,
            text_ar: Some(format!("توصية بشأن {} رقم {}", TOPICS[n % TOPICS.len()], arabic_digits(n as u32 + 1))),
            text_en: None,
            sector_codes: Json::new(sectors).unwrap_or_default(),
            area_ids: Json::new(vec![lead.area.clone()]).unwrap_or_default(),
            priority: *pick(rng, Priority::ALL),
            status,
            status_reason: matches!(status, S::Rejected | S::Deferred).then(|| "بيانات قياس الأداء".to_owned()),
            due_on: Some(due),
            review_on: status.is_open().then_some(due),
            progress,
            last_activity_at: activity,
            created_by: Some(admin.clone()),
            created_at: to_db_time(created),
            updated_at: to_db_time(created),
            version: 1,
            id,
        });
    }
}

/// What the partnership generator needs of each generated organization.
struct SeedOrg {
    id: OrganizationId,
    verified: bool,
    area: String,
    sectors: Vec<String>,
}

const TOPICS: &[&str] = &[
    "الإحالة الصحية",
    "دعم التعليم",
    "توزيع السلال الغذائية",
    "مياه الشرب",
    "تمكين المرأة",
    "رعاية الأيتام",
    "الإسعافات الأولية",
    "محو الأمية",
    "الدعم النفسي",
    "التدريب المهني",
];

/// `count` partnerships between the generated organizations, mostly of one country: two
/// to four parties each; three in four confirmed by every party (public when every party
/// is verified), the rest proposed, declined or ended. Links (sectors, areas with every
/// area above them) as the operations write them.
fn seed_partnerships(
    conn: &mut tashbeek_persistence::DbConn,
    rng: &mut StdRng,
    places: &Places,
    by_country: &[Vec<SeedOrg>],
    count: usize,
    base: DateTime<Utc>,
    admin: &UserId,
) -> anyhow::Result<()> {
    let batch_size = 2000;
    let total: usize = by_country.iter().map(Vec::len).sum();
    for start in (0..count).step_by(batch_size) {
        let mut b = Batch::default();
        for i in start..(start + batch_size).min(count) {
            let at = base + Duration::seconds(i as i64 * 3);
            // Countries weighted by their organizations.
            let mut k = rng.gen_range(0..total);
            let country = by_country
                .iter()
                .find(|c| {
                    if k < c.len() {
                        true
                    } else {
                        k -= c.len();
                        false
                    }
                })
                .unwrap_or(&by_country[0]);
            let n = match rng.gen_range(0..10) {
                0..=5 => 2,
                6..=8 => 3,
                _ => 4,
            };
            let members: Vec<&SeedOrg> = country.choose_multiple(rng, n).collect();
            let lead = members[0];
            let id = PartnershipId::from(uuid_at(rng, at));
            let stage = match rng.gen_range(0..100) {
                0..=74 => PartnershipStatus::Confirmed,
                75..=89 => PartnershipStatus::Proposed,
                90..=94 => PartnershipStatus::Declined,
                _ => PartnershipStatus::Ended,
            };
            let decided = to_db_time(at + Duration::days(rng.gen_range(1..20)));
            let confirmed = matches!(stage, PartnershipStatus::Confirmed | PartnershipStatus::Ended);
            let mut sectors = lead.sectors.clone();
            sectors.truncate(rng.gen_range(1..=2));
            let starts_on = (at + Duration::days(rng.gen_range(0..60))).date_naive();
            let place = places.paths.get(&lead.area).cloned().unwrap_or_default();
            let row = PartnershipRow {
                id: id.clone(),
                title_ar: Some(format!("برنامج {} المشترك {}", pick(rng, TOPICS), arabic_digits(i as u32 % 900 + 1))),
                title_en: None,
                description: None,
                kind: *pick(rng, PartnershipKind::ALL),
                sector_codes: Json::new(sectors.clone())?,
                area_ids: Json::new(vec![lead.area.clone()])?,
                starts_on: Some(starts_on),
                ends_on: rng.gen_bool(0.7).then(|| starts_on + Duration::days(rng.gen_range(90..720))),
                objectives: Json::new(vec!["تنسيق الخدمات بين الأطراف".to_owned()])?,
                proposed_by: Some(lead.id.clone()),
                stage,
                public: confirmed && members.iter().all(|m| m.verified),
                confirmed_at: confirmed.then_some(decided),
                first_confirmed_at: confirmed.then_some(decided),
                ended_at: (stage == PartnershipStatus::Ended).then(|| decided + Duration::days(30)),
                ended_reason: (stage == PartnershipStatus::Ended).then(|| "انتهى التمويل".to_owned()),
                terms_version: 1,
                created_by: Some(admin.clone()),
                created_at: to_db_time(at),
                updated_at: decided,
                version: 1 + members.len() as i64,
            };
            let declined_at = rng.gen_range(1..members.len());
            for (position, m) in members.iter().enumerate() {
                let state = match stage {
                    _ if position == 0 || confirmed => PartyState::Confirmed,
                    PartnershipStatus::Declined if position == declined_at => PartyState::Declined,
                    _ if rng.gen_bool(0.3) => PartyState::Confirmed,
                    _ => PartyState::Awaiting,
                };
                b.parties.push(PartyRow {
                    partnership_id: id.clone(),
                    organization_id: m.id.clone(),
                    position: position as i32,
                    role: if position == 0 { PartyRole::Lead } else { *pick(rng, PartyRole::ALL) },
                    contribution: Some("متطوعون ومكان للأنشطة".into()),
                    value_kind: None,
                    value_amount: None,
                    value_currency: None,
                    state,
                    answered_at: (state != PartyState::Awaiting).then_some(decided),
                    answered_by: None,
                    comment: None,
                });
            }
            b.partnership_sectors.extend(
                sectors.iter().map(|s| PartnershipSector { sector_code: s.clone(), partnership_id: id.to_string() }),
            );
            b.partnership_areas.extend(
                place
                    .split('/')
                    .filter(|a| !a.is_empty())
                    .map(|a| PartnershipArea { area_id: a.to_owned(), partnership_id: id.to_string() }),
            );
            b.partnerships.push(row);
        }
        bulk::insert(conn, &b)?;
        tracing::info!(loaded = (start + batch_size).min(count), of = count, "seeding partnerships");
    }
    Ok(())
}
