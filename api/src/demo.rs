//! Arabic demo data drawn from the source articles: the Shendi / Al-Matamma
//! coordination office and its member organizations (Sudan), the professional
//! associations of the Omani forum, a multi-service Syrian NGO, and the ministries.

use serde_json::json;
use tashbeek_app::{self as app, organization, AppError, Caller, Ctx, Env, Event, Expect};
use tashbeek_domain::organization::{OrganizationInput, VerificationInput, VerificationStatus};
use tashbeek_domain::user::GlobalRole;
use tashbeek_http::AppState;
use tashbeek_persistence::organization as orgs;
use tashbeek_persistence::user::{self as users, UserRow};
use tashbeek_persistence::{new_id, to_db_time};

/// The demo coordinator account, created only when the database has no account.
pub const DEMO_EMAIL: &str = "demo@tashbeek.local";
pub const DEMO_PASSWORD: &str = "tashbeek-demo-2026";

fn organizations() -> Vec<(serde_json::Value, VerificationStatus)> {
    use VerificationStatus::*;
    vec![
        (
            json!({"kind": "community_committee", "name_ar": "مكتب تنسيق المنظمات الطوعية بالقطاع الجنوبي", "name_en": "Southern Sector Voluntary Organizations Coordination Office",
            "description": "مكتب تمهيدي منتخب لتشبيك المنظمات الطوعية والثقافية بمحليتي شندي والمتمة: وضع الأهداف، وفتح قنوات التواصل، والتوسط بين المنظمات، وسد الفجوات الخدمية.",
            "founded_year": 2024, "sectors": ["awareness", "culture", "relief"], "areas": ["SD-RN-SHN", "SD-RN-MTM"],
            "contacts": {"phone": "+249 912 000 001"}, "offers": [{"kind": "expertise", "details": "تنسيق وتشبيك"}, {"kind": "media"}],
            "needs": [{"kind": "premises", "details": "مقر دائم للمكتب"}, {"kind": "funding"}], "contact_visibility": "public"}),
            Verified,
        ),
        (
            json!({"kind": "ngo", "name_ar": "جمعية الأمل الخيرية بشندي", "name_en": "Al-Amal Charity Society - Shendi", "acronym": "أمل",
            "description": "خدمات صحية وتعليمية للأسر المحتاجة، وقوافل علاجية في قرى محلية شندي.",
            "founded_year": 2012, "sectors": ["health", "education"], "areas": ["SD-RN-SHN"],
            "members_count": 45, "volunteers_count": 120, "beneficiaries_per_year": 3500,
            "offers": [{"kind": "volunteers"}, {"kind": "services", "details": "قوافل علاجية"}], "needs": [{"kind": "equipment", "details": "أجهزة طبية"}, {"kind": "funding"}],
            "contact_visibility": "public", "contacts": {"email": "amal@shendi.example"}}),
            Verified,
        ),
        (
            json!({"kind": "volunteer_team", "name_ar": "فريق شباب المتمة التطوعي", "name_en": "Al-Matamma Youth Volunteer Team",
            "description": "مبادرات شبابية للنظافة والتوعية الصحية ودعم الطلاب.", "founded_year": 2019,
            "sectors": ["children_youth", "awareness", "environment"], "areas": ["SD-RN-MTM"], "volunteers_count": 60,
            "offers": [{"kind": "volunteers"}], "needs": [{"kind": "training"}, {"kind": "transport"}]}),
            Verified,
        ),
        (
            json!({"kind": "ngo", "name_ar": "منظمة نفير للتنمية والإغاثة", "name_en": "Nafeer Development and Relief Organization",
            "description": "إغاثة المتأثرين بالنزوح وتوفير مياه الشرب النظيفة.", "founded_year": 2016,
            "sectors": ["relief", "water_sanitation", "shelter"], "areas": ["SD-RN-SHN", "SD-RN-MTM", "SD-RN-DAM"],
            "beneficiaries_per_year": 12000, "offers": [{"kind": "supplies"}, {"kind": "transport"}], "needs": [{"kind": "volunteers"}]}),
            Verified,
        ),
        (
            json!({"kind": "initiative", "name_ar": "المنتدى الثقافي بالمتمة", "name_en": "Al-Matamma Cultural Forum",
            "description": "أمسيات ثقافية ومعارض تعرّف بالمؤسسات الأعضاء.", "sectors": ["culture"], "areas": ["SD-RN-MTM"],
            "offers": [{"kind": "premises", "details": "قاعة تتسع لمئة شخص"}], "needs": [{"kind": "media"}]}),
            Pending,
        ),
        (
            json!({"kind": "community_committee", "name_ar": "لجنة حي الشهداء المجتمعية", "sectors": ["livelihoods", "women_family"],
            "areas": ["SD-RN-SHN"], "needs": [{"kind": "funding"}, {"kind": "training"}]}),
            Pending,
        ),
        (
            json!({"kind": "government_body", "name_ar": "وزارة التنمية الاجتماعية", "name_en": "Ministry of Social Development",
            "description": "نظمت ملتقى الجمعيات المهنية الأول تحت عنوان «الشراكة والتشبيك».", "sectors": ["professional"], "areas": ["OM-MA"],
            "contact_visibility": "public", "contacts": {"website": "https://www.mosd.gov.om"}}),
            Verified,
        ),
        (
            json!({"kind": "professional_association", "name_ar": "جمعية المهندسين العمانية", "name_en": "Omani Society of Engineers",
            "sectors": ["professional", "training_rehabilitation"], "areas": ["OM-MA"], "members_count": 2100,
            "offers": [{"kind": "training"}, {"kind": "expertise"}], "needs": [{"kind": "premises"}, {"kind": "funding"}]}),
            Verified,
        ),
        (
            json!({"kind": "professional_association", "name_ar": "جمعية المحامين العمانية", "name_en": "Omani Lawyers Association",
            "sectors": ["professional", "human_rights"], "areas": ["OM-MA"], "offers": [{"kind": "expertise", "details": "استشارات قانونية للجمعيات"}],
            "needs": [{"kind": "funding"}]}),
            Verified,
        ),
        (
            json!({"kind": "professional_association", "name_ar": "الجمعية العمانية للصحفيين", "name_en": "Omani Journalists Association",
            "sectors": ["professional", "awareness"], "areas": ["OM-MA", "OM-DH"], "offers": [{"kind": "media"}], "needs": [{"kind": "premises"}]}),
            Verified,
        ),
        (
            json!({"kind": "ngo", "name_ar": "جمعية البر والخدمات الاجتماعية", "name_en": "Al-Birr Social Services Society",
            "description": "عيادات طبية، ورعاية تخصصية، وتعليم، وتدريب وتأهيل، ومنح للطلاب المتفوقين، وخدمات لذوي الإعاقة، ودعم للنساء المعيلات.",
            "founded_year": 1998, "sectors": ["health", "education", "training_rehabilitation", "scholarships", "disability", "women_family"],
            "areas": ["SY-DI", "SY-RD"], "members_count": 80, "volunteers_count": 250, "beneficiaries_per_year": 20000,
            "offers": [{"kind": "services"}, {"kind": "training"}], "needs": [{"kind": "funding"}, {"kind": "equipment"}], "contact_visibility": "public",
            "contacts": {"phone": "+963 11 000 0000"}}),
            Verified,
        ),
        (
            json!({"kind": "government_body", "name_ar": "وزارة الشؤون الاجتماعية والعمل", "name_en": "Ministry of Social Affairs and Labour",
            "description": "التحول الرقمي في العمل مع المنظمات غير الحكومية والتشبيك المدروس بين منظمات القطاع الواحد.",
            "areas": ["SY-DI"], "sectors": ["protection", "livelihoods"]}),
            Verified,
        ),
        (
            json!({"kind": "private_company", "name_ar": "مركز التدريب والتطوير المجتمعي", "name_en": "Community Training and Development Center",
            "description": "شراكات مجتمعية موثقة في برامج تدريب وتوعية.", "areas": ["SA-RI"], "sectors": ["training_rehabilitation", "awareness"],
            "offers": [{"kind": "training"}]}),
            Pending,
        ),
    ]
}

/// The Shendi / Al-Matamma network, its founding meeting next week (the first four
/// verified organizations invited), and a forum of the Omani associations the week after.
fn meetings(ctx: &mut Ctx, orgs: &[(tashbeek_domain::OrganizationId, bool)]) -> Result<(), AppError> {
    use tashbeek_domain::meeting::MeetingInput;
    use tashbeek_domain::network::NetworkInput;
    let network = app::network::create(
        ctx,
        &NetworkInput {
            name_ar: Some("تجمع المنظمات الطوعية والثقافية بشندي والمتمة".into()),
            name_en: Some("Shendi and Al-Matamma Voluntary Organizations Network".into()),
            description: Some("لتوحيد الجهود وسد الفجوات الخدمية بين المنظمات في المحليتين.".into()),
            area: "SD-RN".into(),
        },
    )?;
    let day = |days: i64| (ctx.now + chrono::Duration::days(days)).format("%Y-%m-%d").to_string();
    let verified: Vec<_> = orgs.iter().filter(|(_, v)| *v).map(|(id, _)| id.clone()).collect();
    let founding = MeetingInput {
        title: "الاجتماع التأسيسي لتجمع منظمات شندي والمتمة".into(),
        kind: tashbeek_domain::meeting::MeetingKind::FoundingMeeting,
        description: Some("اختيار مكتب تمهيدي ورئيس له، ووضع الأهداف قصيرة وطويلة المدى.".into()),
        network_id: Some(network.id.clone()),
        organizers: verified.iter().take(1).cloned().collect(),
        starts_local: format!("{}T10:00", day(7)),
        ends_local: format!("{}T13:00", day(7)),
        time_zone: "Africa/Khartoum".into(),
        venue_name: Some("قاعة محلية شندي".into()),
        venue_address: Some("شندي، ولاية نهر النيل".into()),
        area: Some("SD-RN-SHN".into()),
        online_url: None,
        visibility: tashbeek_domain::meeting::MeetingVisibility::Public,
        capacity: Some(60),
    };
    let forum = MeetingInput {
        title: "ملتقى الجمعيات المهنية: أوراق عمل وتوصيات".into(),
        kind: tashbeek_domain::meeting::MeetingKind::Forum,
        description: Some("جلسات أوراق عمل تنتهي بتوصيات تتابعها الوزارة.".into()),
        network_id: None,
        organizers: vec![],
        starts_local: format!("{}T09:00", day(14)),
        ends_local: format!("{}T14:00", day(14)),
        time_zone: "Asia/Muscat".into(),
        venue_name: Some("قاعة الوزارة".into()),
        venue_address: Some("مسقط".into()),
        area: None,
        online_url: Some("https://meet.example.org/forum".into()),
        visibility: tashbeek_domain::meeting::MeetingVisibility::Invited,
        capacity: None,
    };
    let mut scheduled = vec![];
    for input in [founding, forum] {
        let (input, start, end) = input.validate()?;
        let m = app::meeting::schedule(ctx, &input, (start, end))?;
        let invited = tashbeek_domain::meeting::MeetingInvite {
            organization_ids: verified.iter().take(4).cloned().collect(),
            people: vec![],
        };
        app::meeting::invite(ctx, &m.id, &invited)?;
        scheduled.push(m.id);
    }
    let recs = recommendations(ctx, &scheduled[0], &verified)?;
    roadmap(ctx, &network.id, &recs)
}

/// The network office's roadmap: a goal for each term, with tasks carrying out the
/// founding meeting's recommendations, owned by the office's people (the network has no
/// member organizations yet to own them).
fn roadmap(
    ctx: &mut Ctx,
    network: &tashbeek_domain::NetworkId,
    recs: &[tashbeek_domain::RecommendationId],
) -> Result<(), AppError> {
    use tashbeek_domain::roadmap::{GoalInput, GoalTerm, TaskInput, TaskStatus, TaskStatusChange};
    let now = ctx.now;
    let due = |days: i64| Some((now + chrono::Duration::days(days)).date_naive());
    let goals = [
        (GoalTerm::Short, "حصر المنظمات الطوعية بالمحليتين وتوحيد بياناتها", 120),
        (GoalTerm::Medium, "مقر دائم للتجمع وبرنامج تدريب سنوي للأعضاء", 540),
        (GoalTerm::Long, "شبكة ولائية تربط تجمعات المحليات بنهر النيل", 1500),
    ];
    let mut ids = vec![];
    for (term, title, days) in goals {
        let input = GoalInput { term, title: title.into(), description: None, status: None, target_on: due(days) }
            .validate()?;
        ids.push(app::roadmap::create_goal(ctx, network, &input)?.id);
    }
    let task = |title: &str, person: &str, days, rec: Option<usize>| TaskInput {
        title: title.into(),
        description: None,
        owner_organization_id: None,
        owner_person: Some(person.into()),
        due_on: due(days),
        recommendation_ids: rec.and_then(|i| recs.get(i).cloned()).into_iter().collect(),
    };
    let tasks = [
        (
            0,
            task("تصميم استمارة الحصر وتوزيعها على المنظمات", "أمين المعلومات", 30, Some(0)),
            Some(TaskStatus::InProgress),
        ),
        (0, task("إدخال البيانات ونشر الدليل الأول", "سكرتير المكتب", 110, Some(0)), None),
        (1, task("مخاطبة المحلية بشأن المقر", "رئيس المكتب", 200, Some(2)), None),
        (1, task("دورة إعداد التقارير المالية", "أمين المال", 60, Some(1)), None),
        (2, task("زيارة تجمعات المحليات الأخرى والتعريف بالتجربة", "رئيس المكتب", 365, None), None),
    ];
    for (goal, input, status) in tasks {
        let t = app::roadmap::create_task(ctx, &ids[goal], &input.validate()?)?;
        if let Some(status) = status {
            app::roadmap::set_task_status(ctx, &t.id, &TaskStatusChange { status, reason: None }, &Expect::Any)?;
        }
    }
    Ok(())
}

/// The founding meeting's recommendations: two adopted, one still proposed.
fn recommendations(
    ctx: &mut Ctx,
    meeting: &tashbeek_domain::MeetingId,
    orgs: &[tashbeek_domain::OrganizationId],
) -> Result<Vec<tashbeek_domain::RecommendationId>, AppError> {
    use tashbeek_domain::recommendation::{
        AddresseeInput, Priority, RecommendationInput, RecommendationStatus, StatusChange,
    };
    let to = |o: Option<&tashbeek_domain::OrganizationId>| AddresseeInput {
        organization_id: o.cloned(),
        office: o.is_none(),
        weight: None,
    };
    let now = ctx.now;
    let due = |days: i64| Some((now + chrono::Duration::days(days)).date_naive());
    let items = [
        (
            "SHN-2026-01",
            "إنشاء قاعدة بيانات مشتركة للمنظمات الطوعية بالمحليتين وتحديثها كل ستة أشهر",
            vec![to(None)],
            90,
            true,
        ),
        (
            "SHN-2026-02",
            "تنظيم دورة تدريبية في إعداد التقارير المالية للمنظمات الأعضاء",
            vec![to(orgs.first()), to(orgs.get(1))],
            60,
            true,
        ),
        ("SHN-2026-03", "تخصيص مقر دائم للتجمع بالتنسيق مع المحلية", vec![to(orgs.get(2))], 180, false),
    ];
    let mut ids = vec![];
    for (code, text, addressees, days, adopt) in items {
        let addressees = addressees.into_iter().filter(|a| a.office || a.organization_id.is_some()).collect();
        let input = RecommendationInput {
            code: Some(code.into()),
            meeting_id: Some(meeting.clone()),
            agenda_item_id: None,
            network_id: None,
            text_ar: Some(text.into()),
            text_en: None,
            sectors: vec![],
            areas: vec!["SD-RN".into()],
            priority: Some(if adopt { Priority::High } else { Priority::Normal }),
            due_on: due(days),
            addressees,
        }
        .validate()?;
        let r = app::recommendation::create(ctx, &input)?;
        if adopt {
            let change = StatusChange { status: RecommendationStatus::Adopted, reason: None, review_on: None };
            app::recommendation::set_status(ctx, &r.id, &change, &Expect::Any)?;
        }
        ids.push(r.id);
    }
    Ok(ids)
}

/// Loads the demo data once: does nothing when organizations already exist.
pub fn load(state: &AppState) -> anyhow::Result<bool> {
    let mut conn = state.pool.get()?;
    if orgs::count(&mut conn)? > 0 {
        return Ok(false);
    }
    let now = state.now();
    let demo_user = if users::list(&mut conn, 1, None, None)?.is_empty() {
        Some(UserRow {
            id: new_id(),
            email: DEMO_EMAIL.into(),
            display_name: "منسق تجريبي".into(),
            password_hash: tashbeek_http::auth::hash_password(&state.settings, DEMO_PASSWORD)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            role: GlobalRole::PlatformAdmin,
            disabled: false,
            created_at: to_db_time(now),
            updated_at: to_db_time(now),
        })
    } else {
        None
    };
    // The demo coordinator (or, in a database that already has accounts, an existing
    // platform administrator) registers and reviews the organizations through the same
    // operations as the API, so the data obeys the same rules and leaves the same trail.
    let reviewer = match &demo_user {
        Some(u) => {
            conn.write(|c| -> anyhow::Result<()> {
                users::insert(c, u)?;
                let caller = Some(Caller { id: u.id.clone(), role: GlobalRole::PlatformAdmin });
                let mut ctx = Ctx { conn: c, caller, now, request_id: None };
                let event = Event::UserCreated {
                    email: u.email.clone(),
                    display_name: u.display_name.clone(),
                    role: GlobalRole::PlatformAdmin,
                    via_cli: true,
                };
                ctx.record(&u.id, event)?;
                Ok(())
            })?;
            Some(u.id.clone())
        }
        None => users::an_active_admin(&mut conn)?,
    };
    let env = Env { caller: reviewer.map(|id| Caller { id, role: GlobalRole::PlatformAdmin }), now, request_id: None };
    app::write(&mut conn, env, |ctx| {
        let mut ids = Vec::new();
        for (value, status) in organizations() {
            let input: OrganizationInput = serde_json::from_value(value)
                .map_err(|e| AppError::Db(tashbeek_persistence::DbError::Corrupt(format!("demo organization: {e}"))))?;
            let input = input.normalize_and_validate(2100)?;
            let created = organization::register(ctx, &input, None)?;
            if status != VerificationStatus::Pending && ctx.caller.is_some() {
                let decision =
                    VerificationInput { status, reason: Some("بيانات تجريبية / demo data".into()) };
                organization::decide_verification(ctx, &created.organization.id, decision, Expect::Any)?;
            }
            ids.push((created.organization.id.clone(), status == VerificationStatus::Verified));
        }
        if ctx.caller.is_some() {
            meetings(ctx, &ids)?;
        }
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("loading demo data: {e}"))?;
    if demo_user.is_some() {
        tracing::warn!(
            email = DEMO_EMAIL,
            password = DEMO_PASSWORD,
            "created the demo coordinator account; do not use --demo in production"
        );
    }
    Ok(true)
}
