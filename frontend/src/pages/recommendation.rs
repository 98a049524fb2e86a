//! Recommendations followed to implementation: the board by status with its filters in
//! the address, recording and editing, a recommendation's page (its parts with each
//! addressee's answer, progress, evidence and verification, and the timeline of updates),
//! and "what we owe" for an organization.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use tashbeek_domain::meeting::Meeting;
use tashbeek_domain::notification::Notification;
use tashbeek_domain::partnership::iso_date;
use tashbeek_domain::recommendation::{
    Addressee, AddresseeInput, OwedPart, Part, PartAnswer, PartState, Priority, ProgressUpdate, Recommendation,
    RecommendationInput, RecommendationStatus, RecommendationSummary, RelatedKind, RelatedRecord, StatusChange,
    UpdateInput, Verification, VerificationVerdict,
};
use tashbeek_domain::{MeetingId, NetworkId, OrganizationId};

use crate::api::{enc, ApiError};
use crate::endpoints;
use crate::i18n::{use_i18n, I18n};
use crate::pages::not_found::NotFound;
use crate::pages::{save, show_page, ErrorBox};
use crate::reference::use_reference;
use crate::session::{use_coordinated, use_session};

/// The board's columns, in the order work moves.
const COLUMNS: [RecommendationStatus; 4] = [
    RecommendationStatus::Proposed,
    RecommendationStatus::Adopted,
    RecommendationStatus::InProgress,
    RecommendationStatus::Implemented,
];

fn status_badge(i18n: I18n, s: RecommendationStatus) -> impl IntoView {
    view! { <span class=format!("badge rec-{}", s.as_str())>{i18n.text_owned(format!("rec.status.{}", s.as_str()))}</span> }
}

fn state_badge(i18n: I18n, s: PartState) -> impl IntoView {
    view! { <span class=format!("badge part-{}", s.as_str())>{i18n.text_owned(format!("rec.state.{}", s.as_str()))}</span> }
}

pub(crate) fn day(i18n: I18n, d: Option<chrono::NaiveDate>) -> String {
    d.and_then(|d| d.and_hms_opt(12, 0, 0)).map(|t| i18n.date(t.and_utc())).unwrap_or_else(|| "—".into())
}

fn addressee_name(i18n: I18n, a: &Addressee) -> String {
    match &a.organization_id {
        Some(_) => i18n.pick(a.name_ar.as_deref(), a.name_en.as_deref()).to_owned(),
        None => i18n.t("rec.office"),
    }
}

pub(crate) fn progress_bar(percent: i32) -> impl IntoView {
    view! {
        <progress class="progress" max="100" value=percent.clamp(0, 100).to_string()></progress>
        <bdi class="progress-text">{format!("{percent}%")}</bdi>
    }
}

/// The caller's organizations with their names (the memberships carry ids only).
fn my_organizations() -> RwSignal<Vec<(String, String)>> {
    let i18n = use_i18n();
    let session = use_session();
    let list = RwSignal::new(Vec::<(String, String)>::new());
    Effect::new(move |_| {
        let ids = session.member_orgs();
        leptos::task::spawn_local(async move {
            let mut out = vec![];
            for id in ids {
                if let Ok(r) = endpoints::organizations::get(&id).await {
                    out.push((id, i18n.pick(r.body.name_ar.as_deref(), r.body.name_en.as_deref()).to_owned()));
                }
            }
            list.set(out);
        });
    });
    list
}

#[component]
fn Card(r: RecommendationSummary) -> impl IntoView {
    let i18n = use_i18n();
    let text = i18n.pick(r.text_ar.as_deref(), r.text_en.as_deref()).to_owned();
    let names: Vec<String> = r.addressees.iter().map(|a| addressee_name(i18n, a)).collect();
    let code = r.code.clone();
    view! {
        <li class="card rec-card" class:overdue=r.overdue data-code=code>
            <div class="org-card-head">
                <A href=format!("/recommendations/{}", r.id) attr:class="rec-code"><bdi>{r.code.clone()}</bdi></A>
                <span class=format!("badge priority-{}", r.priority.as_str())>
                    {i18n.text_owned(format!("rec.priority.{}", r.priority.as_str()))}
                </span>
            </div>
            <p class="rec-text">{text}</p>
            <p class="muted small">
                {move || i18n.t("rec.due")}" "{day(i18n, r.due_on)}
                {r.overdue.then(|| view! { " · "<strong class="overdue-flag">{move || i18n.t("rec.overdue")}</strong> })}
            </p>
            <div class="rec-progress">{progress_bar(r.progress)}</div>
            <ul class="chips">{names.into_iter().map(|n| view! { <li class="chip">{n}</li> }).collect_view()}</ul>
        </li>
    }
}

/// The board: every recommendation the caller sees, in columns by status, filtered by
/// what the address says (so a filtered board is a link that can be shared).
#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query_map = use_query_map();
    let navigate = use_navigate();
    let reference = use_reference();
    let param = move |k: &str| query_map.with(|q| q.get(k).unwrap_or_default());
    let set_param = move |k: &'static str, v: String| {
        let mut q: Vec<(String, String)> = query_map.with_untracked(|m| {
            m.clone().into_iter().map(|(key, v)| (key.to_string(), v)).filter(|(key, _)| key != k).collect()
        });
        if !v.is_empty() {
            q.push((k.to_owned(), v));
        }
        let s: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
        navigate(&format!("/recommendations?{}", s.join("&")), Default::default());
    };
    let items = RwSignal::new(Vec::<RecommendationSummary>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    let unread = RwSignal::new(0i64);
    Effect::new(move |_| {
        session.0.track();
        if session.signed_in() {
            leptos::task::spawn_local(async move {
                if let Ok(n) = endpoints::notifications::unread().await {
                    unread.set(n);
                }
            });
        }
    });
    let keys = ["meeting", "network", "addressee", "priority", "sector", "area", "overdue", "stale", "office"];
    let load = move |cursor: Option<String>| {
        let appending = cursor.is_some();
        let mut q = vec!["limit=100".to_owned()];
        query_map.with_untracked(|m| {
            for k in keys {
                if let Some(v) = m.get(k).filter(|v| !v.is_empty()) {
                    q.push(format!("{k}={}", enc(&v)));
                }
            }
        });
        if let Some(c) = cursor {
            q.push(format!("cursor={}", enc(&c)));
        }
        let q = q.join("&");
        leptos::task::spawn_local(async move {
            let r = endpoints::recommendations::list(&q).await;
            show_page(items, next, error, appending, r);
            loaded.set(true);
        });
    };
    Effect::new(move |_| {
        query_map.track();
        session.0.track();
        if session.signed_in() {
            load(None);
        }
    });
    let export = move |format: &'static str| {
        let q: Vec<String> = query_map.with_untracked(|m| {
            ["meeting", "network", "addressee", "priority", "sector", "area", "overdue", "office"]
                .iter()
                .filter_map(|k| m.get(k).filter(|v| !v.is_empty()).map(|v| format!("{k}={}", enc(&v))))
                .collect()
        });
        let q = q.join("&");
        leptos::task::spawn_local(async move {
            match endpoints::recommendations::export(&q, format).await {
                Ok(b) => save(&b, &format!("recommendations.{format}")),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let (sp1, sp2, sp3, sp4, sp5) =
        (set_param.clone(), set_param.clone(), set_param.clone(), set_param.clone(), set_param.clone());
    let check = move |k: &'static str, label: &'static str| {
        let set_param = sp5.clone();
        view! {
            <label class="check">
                <input type="checkbox" id=format!("f-{k}") prop:checked=move || param(k) == "true"
                    on:change=move |ev| set_param(k, if event_target_checked(&ev) { "true".into() } else { String::new() })/>
                {i18n.text(label)}
            </label>
        }
    };
    let my_orgs = my_organizations();
    view! {
        <section id="recommendations-page">
            <div class="org-head">
                <h1>{i18n.text("rec.title")}</h1>
                <A href="/recommendations/owed" attr:class="button secondary" attr:id="owed-link">{i18n.text("rec.owed")}</A>
                <A href="/roadmap" attr:class="button secondary" attr:id="roadmap-link">{i18n.text("rec.roadmap")}</A>
                <button type="button" class="button secondary" id="export-xlsx" on:click=move |_| export("xlsx")>{i18n.text("sheet.export_xlsx")}</button>
                <button type="button" class="button secondary" id="export-csv" on:click=move |_| export("csv")>{i18n.text("sheet.export_csv")}</button>
                <Show when=move || session.can_write()>
                    <A href="/recommendations/import" attr:class="button secondary" attr:id="import-link">{i18n.text("sheet.import")}</A>
                </Show>
                <A href="/recommendations/notifications" attr:class="button secondary" attr:id="notifications-link">
                    {i18n.text("notif.title")}" "<bdi class="badge" id="unread-count">{move || unread.get().to_string()}</bdi>
                </A>
                <Show when=move || session.can_write()>
                    <A href=move || format!("/recommendations/new{}", if param("meeting").is_empty() { String::new() } else { format!("?meeting={}", param("meeting")) })
                        attr:class="button" attr:id="new-recommendation">{i18n.text("rec.new")}</A>
                </Show>
            </div>
            <p class="muted">{i18n.text("rec.intro")}</p>
            {move || (!param("meeting").is_empty()).then(|| view! {
                <p class="alert" id="meeting-filter">{i18n.text("rec.of_meeting")}" "
                    <A href=format!("/meetings/{}", param("meeting"))>{i18n.text("rec.open_meeting")}</A>" · "
                    <A href="/recommendations">{i18n.text("rec.all")}</A></p>
            })}
            <div class="card filters filter-grid">
                <div class="field">
                    <label for="f-addressee">{i18n.text("rec.addressee")}</label>
                    <select id="f-addressee" on:change=move |ev| sp1("addressee", event_target_value(&ev))>
                        <option value="">{i18n.text("rec.any")}</option>
                        {move || my_orgs.get().into_iter().map(|(id, name)| {
                            let selected = param("addressee") == id;
                            view! { <option value=id selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-priority">{i18n.text("rec.priority_label")}</label>
                    <select id="f-priority" on:change=move |ev| sp2("priority", event_target_value(&ev))>
                        <option value="">{i18n.text("rec.any")}</option>
                        {Priority::ALL.iter().map(|p| {
                            let p = *p;
                            view! { <option value=p.as_str() selected=move || param("priority") == p.as_str()>{i18n.text_owned(format!("rec.priority.{}", p.as_str()))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-sector">{i18n.text("rec.sector")}</label>
                    <select id="f-sector" on:change=move |ev| sp3("sector", event_target_value(&ev))>
                        <option value="">{i18n.text("rec.any")}</option>
                        {move || reference.sectors.get().into_iter().map(|s| {
                            let selected = param("sector") == s.code;
                            view! { <option value=s.code.clone() selected=selected>{i18n.pick(Some(&s.name_ar), Some(&s.name_en)).to_owned()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-area">{i18n.text("rec.area")}</label>
                    <select id="f-area" on:change=move |ev| sp4("area", event_target_value(&ev))>
                        <option value="">{i18n.text("rec.any")}</option>
                        {move || reference.area_options(&i18n).into_iter().map(|(id, name)| {
                            let selected = param("area") == id;
                            view! { <option value=id selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field checks">
                    {check("overdue", "rec.overdue_only")}
                    {check("stale", "rec.stale_only")}
                    {check("office", "rec.office_only")}
                </div>
            </div>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || (loaded.get() && items.with(Vec::is_empty)).then(|| view! {
                <p class="empty" id="recommendations-empty">{i18n.text("rec.none")}</p>
            })}
            <div class="board" id="board">
                {COLUMNS.iter().map(|s| {
                    let s = *s;
                    let in_column = move || items.get().into_iter().filter(|r| r.status == s).collect::<Vec<_>>();
                    view! {
                        <section class="board-column" id=format!("column-{}", s.as_str())>
                            <h2>{status_badge(i18n, s)}" "<bdi class="muted">{move || in_column().len().to_string()}</bdi></h2>
                            <ul class="results">
                                <For each=in_column key=|r| (r.id.clone(), r.updated_at) let:r><Card r=r/></For>
                            </ul>
                        </section>
                    }
                }).collect_view()}
            </div>
            {move || {
                let closed: Vec<_> = items.get().into_iter().filter(|r| !COLUMNS.contains(&r.status)).collect();
                (!closed.is_empty()).then(|| view! {
                    <details class="card" id="closed">
                        <summary>{i18n.text("rec.others")}" ("{closed.len().to_string()}")"</summary>
                        <ul class="results">{closed.into_iter().map(|r| {
                            let s = r.status;
                            view! { <li>{status_badge(i18n, s)}</li><Card r=r/> }
                        }).collect_view()}</ul>
                    </details>
                })
            }}
            {move || next.get().map(|c| view! {
                <button type="button" class="button secondary" on:click=move |_| load(Some(c.clone()))>{i18n.text("rec.more")}</button>
            })}
        </section>
    }
}

/// An organization the form may address.
#[derive(Clone, PartialEq)]
struct Candidate {
    id: OrganizationId,
    name: String,
}

/// Recording (or, with `edit`, rewriting) a recommendation: for the meeting in the address
/// (`?meeting=`), else for a network the caller coordinates.
#[component]
pub fn RecommendationForm(edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let reference = use_reference();
    let coordinated = use_coordinated();
    let meeting = RwSignal::new(query.with_untracked(|q| q.get("meeting").unwrap_or_default()));
    let network = RwSignal::new(String::new());
    let (code, text_ar, text_en) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (sector, area, due) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let priority = RwSignal::new(Priority::Normal);
    let chosen = RwSignal::new(Vec::<(OrganizationId, i32)>::new());
    let office = RwSignal::new(false);
    let candidates = RwSignal::new(Vec::<Candidate>::new());
    let meeting_title = RwSignal::new(String::new());
    let agenda = RwSignal::new(Vec::<(String, String)>::new());
    let item = RwSignal::new(String::new());
    let etag = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let missing = RwSignal::new(false);
    let name = move |a: &Option<String>, e: &Option<String>| i18n.pick(a.as_deref(), e.as_deref()).to_owned();
    // The organizations to choose from: the network's members, else the meeting's invited
    // and organizing organizations.
    let load_candidates = move |m: Option<Meeting>, n: String| {
        leptos::task::spawn_local(async move {
            let mut list = vec![];
            let net = m.as_ref().and_then(|m| m.network_id.as_ref().map(|n| n.to_string())).unwrap_or(n);
            if !net.is_empty() {
                if let Ok(members) = endpoints::networks::members(&net).await {
                    list.extend(
                        members
                            .into_iter()
                            .filter(|x| x.status == tashbeek_domain::network::NetworkMemberStatus::Member)
                            .map(|x| Candidate { name: name(&x.name_ar, &x.name_en), id: x.organization_id }),
                    );
                }
            }
            if let Some(m) = &m {
                if let Ok(a) = endpoints::meetings::agenda(m.id.as_str()).await {
                    agenda.set(a.items.into_iter().map(|i| (i.id.to_string(), i.title)).collect());
                }
                for o in &m.organizers {
                    list.push(Candidate { id: o.organization_id.clone(), name: name(&o.name_ar, &o.name_en) });
                }
                if let Ok(inv) = endpoints::meetings::invitations(m.id.as_str()).await {
                    list.extend(
                        inv.into_iter()
                            .map(|x| Candidate { name: name(&x.name_ar, &x.name_en), id: x.organization_id }),
                    );
                }
            }
            let mut seen = std::collections::HashSet::new();
            list.retain(|c| seen.insert(c.id.clone()));
            network.set(net);
            candidates.set(list);
        });
    };
    Effect::new(move |_| {
        if edit {
            let id = params.with(|p| p.get("id").unwrap_or_default());
            leptos::task::spawn_local(async move {
                match endpoints::recommendations::get(&id).await {
                    Ok(r) => {
                        let b = r.body;
                        code.set(b.code.clone());
                        text_ar.set(b.text_ar.clone().unwrap_or_default());
                        text_en.set(b.text_en.clone().unwrap_or_default());
                        sector.set(b.sectors.first().cloned().unwrap_or_default());
                        area.set(b.areas.first().cloned().unwrap_or_default());
                        due.set(b.due_on.map(|d| d.to_string()).unwrap_or_default());
                        priority.set(b.priority);
                        office.set(b.parts.iter().any(|p| p.addressee.organization_id.is_none()));
                        chosen.set(
                            b.parts
                                .iter()
                                .filter_map(|p| p.addressee.organization_id.clone().map(|o| (o, p.weight)))
                                .collect(),
                        );
                        meeting.set(b.meeting_id.as_ref().map(|m| m.to_string()).unwrap_or_default());
                        item.set(b.agenda_item_id.as_ref().map(|i| i.to_string()).unwrap_or_default());
                        etag.set(r.etag);
                        let m = match &b.meeting_id {
                            Some(m) => endpoints::meetings::get(m.as_str()).await.ok().map(|r| r.body),
                            None => None,
                        };
                        meeting_title.set(m.as_ref().map(|m| m.title.clone()).unwrap_or_default());
                        load_candidates(m, b.network_id.map(|n| n.to_string()).unwrap_or_default());
                    }
                    Err(e) if e.status == 404 => missing.set(true),
                    Err(e) => error.set(Some(e)),
                }
            });
        } else {
            let m = meeting.get();
            if m.is_empty() {
                return;
            }
            leptos::task::spawn_local(async move {
                match endpoints::meetings::get(&m).await {
                    Ok(r) => {
                        meeting_title.set(r.body.title.clone());
                        load_candidates(Some(r.body), String::new());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    });
    let pick_network = move |n: String| {
        network.set(n.clone());
        chosen.set(vec![]);
        load_candidates(None, n);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let opt = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let mut addressees: Vec<AddresseeInput> = chosen
            .get_untracked()
            .into_iter()
            .map(|(o, w)| AddresseeInput { organization_id: Some(o), office: false, weight: (w != 1).then_some(w) })
            .collect();
        if office.get_untracked() {
            addressees.push(AddresseeInput { organization_id: None, office: true, weight: None });
        }
        let m = meeting.get_untracked();
        let input = RecommendationInput {
            code: opt(code),
            meeting_id: MeetingId::parse(&m),
            agenda_item_id: tashbeek_domain::AgendaItemId::parse(&item.get_untracked()),
            network_id: if m.is_empty() { NetworkId::parse(&network.get_untracked()) } else { None },
            text_ar: opt(text_ar),
            text_en: opt(text_en),
            sectors: opt(sector).into_iter().collect(),
            areas: opt(area).into_iter().collect(),
            priority: Some(priority.get_untracked()),
            due_on: opt(due).and_then(|d| iso_date::parse(&d)),
            addressees,
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let r = if edit {
                let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
                endpoints::recommendations::edit(&id, &input, etag.get_untracked().as_deref()).await
            } else {
                endpoints::recommendations::create(&input).await
            };
            match r {
                Ok(r) => navigate(&format!("/recommendations/{}", r.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let field_error = move |f: &'static str| {
        move || error.get().and_then(|e| e.list_field(f)).map(|m| view! { <span class="field-error">{m}</span> })
    };
    view! {
        <Show when=move || !missing.get() fallback=|| view! { <NotFound/> }>
        <section id="recommendation-form">
            <h1>{move || if edit { i18n.t("rec.edit") } else { i18n.t("rec.new") }}</h1>
            <form class="card form" on:submit=submit.clone()>
                {move || if meeting.get().is_empty() {
                    view! {
                        <div class="field">
                            <label for="r-network">{i18n.text("rec.network")}</label>
                            <select id="r-network" disabled=edit on:change=move |ev| pick_network(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {coordinated.0.get().into_iter().map(|n| view! { <option value=n.clone() selected=network.get_untracked() == n>{n.clone()}</option> }).collect_view()}
                            </select>
                            {field_error("network_id")}
                        </div>
                    }.into_any()
                } else {
                    view! { <p class="alert" id="for-meeting">{i18n.text("rec.for_meeting")}" "<strong>{move || meeting_title.get()}</strong></p> }.into_any()
                }}
                {move || (!agenda.with(Vec::is_empty)).then(|| view! {
                    <div class="field">
                        <label for="r-item">{i18n.text("rec.agenda_item")}</label>
                        <select id="r-item" disabled=edit on:change=move |ev| item.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {agenda.get().into_iter().map(|(id, title)| {
                                let selected = item.get_untracked() == id;
                                view! { <option value=id selected=selected>{title}</option> }
                            }).collect_view()}
                        </select>
                        {field_error("agenda_item_id")}
                    </div>
                })}
                <div class="field">
                    <label for="r-code">{i18n.text("rec.code")}</label>
                    <input id="r-code" dir="ltr" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))
                        placeholder=move || i18n.t("rec.code_hint")/>
                    {field_error("code")}
                </div>
                <div class="field">
                    <label for="r-text-ar">{i18n.text("rec.text_ar")}</label>
                    <textarea id="r-text-ar" dir="rtl" rows="3" prop:value=move || text_ar.get() on:input=move |ev| text_ar.set(event_target_value(&ev))></textarea>
                    {field_error("text_ar")}
                </div>
                <div class="field">
                    <label for="r-text-en">{i18n.text("rec.text_en")}</label>
                    <textarea id="r-text-en" dir="ltr" rows="3" prop:value=move || text_en.get() on:input=move |ev| text_en.set(event_target_value(&ev))></textarea>
                    {field_error("text_en")}
                </div>
                <div class="filter-grid">
                    <div class="field">
                        <label for="r-priority">{i18n.text("rec.priority_label")}</label>
                        <select id="r-priority" on:change=move |ev| priority.set(Priority::parse(&event_target_value(&ev)).unwrap_or(Priority::Normal))>
                            {Priority::ALL.iter().map(|p| {
                                let p = *p;
                                view! { <option value=p.as_str() selected=move || priority.get() == p>{i18n.text_owned(format!("rec.priority.{}", p.as_str()))}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="r-due">{i18n.text("rec.due")}</label>
                        <input id="r-due" type="date" prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev))/>
                        {field_error("due_on")}
                    </div>
                    <div class="field">
                        <label for="r-sector">{i18n.text("rec.sector")}</label>
                        <select id="r-sector" on:change=move |ev| sector.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {move || reference.sectors.get().into_iter().map(|s| {
                                let selected = sector.get_untracked() == s.code;
                                view! { <option value=s.code.clone() selected=selected>{i18n.pick(Some(&s.name_ar), Some(&s.name_en)).to_owned()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="r-area">{i18n.text("rec.area")}</label>
                        <select id="r-area" on:change=move |ev| area.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {move || reference.area_options(&i18n).into_iter().map(|(id, n)| {
                                let selected = area.get_untracked() == id;
                                view! { <option value=id selected=selected>{n}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <fieldset class="field" id="addressees">
                    <legend>{i18n.text("rec.addressees")}</legend>
                    {field_error("addressees")}
                    {move || candidates.get().into_iter().map(|c| {
                        let id = c.id.clone();
                        let (id2, id3) = (id.clone(), id.clone());
                        let is_on = move || chosen.with(|l| l.iter().any(|(o, _)| *o == id2));
                        view! {
                            <div class="addressee-row">
                                <label class="check">
                                    <input type="checkbox" class="addressee" data-org=id.to_string() prop:checked=is_on.clone()
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|l| {
                                                l.retain(|(o, _)| *o != id);
                                                if on { l.push((id.clone(), 1)); }
                                            });
                                        }/>
                                    {c.name.clone()}
                                </label>
                                <Show when=is_on>
                                    <label class="small">{i18n.text("rec.weight")}" "
                                        <input type="number" min="1" max="100" class="weight"
                                            prop:value={let id = id3.clone(); move || chosen.with(|l| l.iter().find(|(o, _)| *o == id).map(|(_, w)| *w).unwrap_or(1)).to_string()}
                                            on:input={let id = id3.clone(); move |ev| {
                                                let w = event_target_value(&ev).parse().unwrap_or(1);
                                                chosen.update(|l| if let Some(e) = l.iter_mut().find(|(o, _)| *o == id) { e.1 = w; });
                                            }}/>
                                    </label>
                                </Show>
                            </div>
                        }
                    }).collect_view()}
                    <Show when=move || !network.get().is_empty()>
                        <label class="check">
                            <input type="checkbox" id="addressee-office" prop:checked=move || office.get()
                                on:change=move |ev| office.set(event_target_checked(&ev))/>
                            {i18n.text("rec.office")}
                        </label>
                    </Show>
                </fieldset>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button" id="save-recommendation">{i18n.text("rec.save")}</button>
            </form>
        </section>
        </Show>
    }
}

/// Who the signed-in person is towards one recommendation, as the server decides.
#[derive(Clone, Copy, Default)]
struct Powers {
    manages: bool,
}

#[component]
pub fn RecommendationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let session = use_session();
    let coordinated = use_coordinated();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let rec = RwSignal::new(None::<Recommendation>);
    let etag = RwSignal::new(None::<String>);
    let updates = RwSignal::new(Vec::<ProgressUpdate>::new());
    let powers = RwSignal::new(Powers::default());
    let missing = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let reload = Callback::new(move |_: ()| {
        let id = id.get_untracked();
        leptos::task::spawn_local(async move {
            match endpoints::recommendations::get(&id).await {
                Ok(r) => {
                    let b = r.body;
                    let mut manages = session.is_admin()
                        || b.network_id
                            .as_ref()
                            .is_some_and(|n| coordinated.0.get_untracked().contains(&n.to_string()));
                    if !manages {
                        if let Some(m) = &b.meeting_id {
                            if let Ok(m) = endpoints::meetings::get(m.as_str()).await {
                                manages =
                                    m.body.organizers.iter().any(|o| session.administers(o.organization_id.as_str()));
                            }
                        }
                    }
                    powers.set(Powers { manages });
                    etag.set(r.etag);
                    rec.set(Some(b));
                }
                Err(e) if e.status == 404 => missing.set(true),
                Err(e) => error.set(Some(e)),
            }
            if let Ok(u) = endpoints::recommendations::updates(&id).await {
                updates.set(u);
            }
        });
    });
    Effect::new(move |_| {
        id.track();
        session.0.track();
        reload.run(());
    });
    view! {
        <Show when=move || !missing.get() fallback=|| view! { <NotFound/> }>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || rec.get().map(|r| {
                let text_ar = r.text_ar.clone();
                let text_en = r.text_en.clone();
                let can_manage = powers.get().manages;
                view! {
                    <section id="recommendation" data-status=r.status.as_str()>
                        <div class="org-head">
                            <h1><bdi id="rec-code">{r.code.clone()}</bdi></h1>
                            {status_badge(i18n, r.status)}
                            <span class=format!("badge priority-{}", r.priority.as_str())>{i18n.text_owned(format!("rec.priority.{}", r.priority.as_str()))}</span>
                            {can_manage.then(|| view! { <A href=format!("/recommendations/{}/edit", r.id) attr:class="button secondary small" attr:id="edit-recommendation">{i18n.text("rec.edit")}</A> })}
                        </div>
                        {text_ar.map(|t| view! { <p class="rec-text" dir="rtl" lang="ar">{t}</p> })}
                        {text_en.map(|t| view! { <p class="rec-text" dir="ltr" lang="en">{t}</p> })}
                        <dl class="facts">
                            <dt>{i18n.text("rec.progress")}</dt><dd id="rec-progress">{progress_bar(r.progress)}</dd>
                            <dt>{i18n.text("rec.due")}</dt><dd>{day(i18n, r.due_on)}{r.overdue.then(|| view! { " · "<strong class="overdue-flag">{i18n.text("rec.overdue")}</strong> })}</dd>
                            <dt>{i18n.text("rec.review_on")}</dt><dd>{day(i18n, r.review_on)}</dd>
                            {r.status_reason.clone().map(|t| view! { <dt>{i18n.text("rec.reason")}</dt><dd id="status-reason">{t}</dd> })}
                            {r.meeting_id.clone().map(|m| view! { <dt>{i18n.text("rec.meeting")}</dt><dd><A href=format!("/meetings/{m}")>{i18n.text("rec.open_meeting")}</A></dd> })}
                        </dl>
                        {can_manage.then(|| view! { <StatusActions r=r.clone() etag=etag reload=reload/> })}
                        <section class="card" id="parts">
                            <h2>{i18n.text("rec.parts")}</h2>
                            <ul class="parts">
                                {r.parts.iter().cloned().map(|p| view! { <PartRow rec=r.clone() part=p manages=can_manage reload=reload/> }).collect_view()}
                            </ul>
                        </section>
                        <Timeline rec=r.clone() updates=updates reload=reload/>
                    </section>
                }
            })}
        </Show>
    }
}

#[component]
fn StatusActions(r: Recommendation, etag: RwSignal<Option<String>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let id = r.id.to_string();
    // `implemented` is offered once every part not declined is verified (the server checks it too).
    let all_done = r.parts.iter().filter(|p| p.state != PartState::Declined).all(|p| p.state == PartState::Implemented);
    let moves: Vec<RecommendationStatus> = RecommendationStatus::ALL
        .iter()
        .copied()
        .filter(|s| r.status.may_become(*s) && (*s != RecommendationStatus::Implemented || all_done))
        .collect();
    let go = move |to: RecommendationStatus| {
        let id = id.clone();
        let change = StatusChange {
            status: to,
            reason: Some(reason.get_untracked()).filter(|s| !s.trim().is_empty()),
            review_on: None,
        };
        leptos::task::spawn_local(async move {
            match endpoints::recommendations::set_status(&id, &change, etag.get_untracked().as_deref()).await {
                Ok(_) => {
                    error.set(None);
                    reason.set(String::new());
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    (!moves.is_empty()).then(|| view! {
        <section class="card" id="status-actions">
            <h2>{i18n.text("rec.decide")}</h2>
            <div class="field">
                <label for="status-reason-input">{i18n.text("rec.reason_hint")}</label>
                <input id="status-reason-input" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                {move || error.get().and_then(|e| e.field("reason")).map(|m| view! { <span class="field-error">{m}</span> })}
            </div>
            <div class="actions">
                {moves.into_iter().map(|s| {
                    let go = go.clone();
                    view! { <button type="button" class="button small" id=format!("to-{}", s.as_str()) on:click=move |_| go(s)>{i18n.text_owned(format!("rec.to.{}", s.as_str()))}</button> }
                }).collect_view()}
            </div>
            {move || error.get().filter(|e| e.field("reason").is_none()).map(|e| view! { <ErrorBox error=e/> })}
        </section>
    })
}

/// One addressee's part, with what the signed-in person may do with it.
#[component]
fn PartRow(rec: Recommendation, part: Part, manages: bool, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let coordinated = use_coordinated();
    let (speaks, administers) = match &part.addressee.organization_id {
        Some(o) => (session.member_orgs().contains(&o.to_string()), session.administers(o.as_str())),
        None => {
            let c = rec.network_id.as_ref().is_some_and(|n| coordinated.0.get_untracked().contains(&n.to_string()));
            (c, c)
        }
    };
    let open = rec.status.is_open();
    let error = RwSignal::new(None::<ApiError>);
    let (reason, percent, body, link) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (rid, pid) = (rec.id.to_string(), part.id.to_string());
    // Tasks of the network's roadmap that may implement it (those linked to it first).
    let tasks = RwSignal::new(Vec::<(String, String)>::new());
    let task = RwSignal::new(String::new());
    if open && speaks && part.state == PartState::Accepted {
        if let Some(net) = rec.network_id.as_ref().map(|n| n.to_string()) {
            let me = rec.id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(r) = endpoints::roadmap::show(&net, "").await {
                    let mut list: Vec<(bool, String, String)> = r
                        .goals
                        .into_iter()
                        .flat_map(|g| g.tasks)
                        .map(|t| (!t.recommendations.iter().any(|x| x.id == me), t.id.to_string(), t.title))
                        .collect();
                    list.sort_by_key(|x| x.0);
                    tasks.set(list.into_iter().map(|(_, id, title)| (id, title)).collect());
                }
            });
        }
    }
    let done = move |r: Result<(), ApiError>| match r {
        Ok(()) => {
            error.set(None);
            reload.run(());
        }
        Err(e) => error.set(Some(e)),
    };
    let ids = StoredValue::new((rid, pid));
    let answer = move |accept: bool| {
        let (rid, pid) = ids.get_value();
        let a = PartAnswer { accept, reason: Some(reason.get_untracked()).filter(|s| !s.trim().is_empty()) };
        leptos::task::spawn_local(
            async move { done(endpoints::recommendations::answer(&rid, &pid, &a).await.map(drop)) },
        );
    };
    let report = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (rid, pid) = ids.get_value();
        let input = UpdateInput {
            reported_on: None,
            percent: percent.get_untracked().trim().parse().unwrap_or(-1),
            body: body.get_untracked(),
            links: Some(link.get_untracked()).filter(|s| !s.trim().is_empty()).into_iter().collect(),
            related: Some(task.get_untracked())
                .filter(|t| !t.is_empty())
                .map(|id| RelatedRecord { kind: RelatedKind::Task, id })
                .into_iter()
                .collect(),
        };
        leptos::task::spawn_local(async move {
            let r = endpoints::recommendations::report(&rid, &pid, &input).await.map(drop);
            if r.is_ok() {
                body.set(String::new());
                link.set(String::new());
                task.set(String::new());
            }
            done(r)
        });
    };
    let complete = move |_| {
        let (rid, pid) = ids.get_value();
        leptos::task::spawn_local(
            async move { done(endpoints::recommendations::complete(&rid, &pid).await.map(drop)) },
        );
    };
    let verify = move |verdict: VerificationVerdict| {
        let (rid, pid) = ids.get_value();
        let v = Verification { verdict, comment: Some(reason.get_untracked()).filter(|s| !s.trim().is_empty()) };
        leptos::task::spawn_local(
            async move { done(endpoints::recommendations::verify(&rid, &pid, &v).await.map(drop)) },
        );
    };
    let state = part.state;
    let may_answer =
        open && administers && matches!(state, PartState::AwaitingAnswer | PartState::Declined | PartState::Accepted);
    let may_report = open && speaks && state == PartState::Accepted;
    let may_verify = manages && !speaks && state == PartState::AwaitingVerification;
    let name = addressee_name(i18n, &part.addressee);
    view! {
        <li class="card part" data-state=state.as_str() data-org=part.addressee.organization_id.as_ref().map(|o| o.to_string()).unwrap_or_default()>
            <div class="org-card-head">
                <strong class="part-name">{name}</strong>
                {state_badge(i18n, state)}
                {(part.weight != 1).then(|| view! { <span class="muted small">{i18n.text("rec.weight")}" "<bdi>{part.weight.to_string()}</bdi></span> })}
            </div>
            <div class="rec-progress">{progress_bar(part.progress)}</div>
            {part.answer_reason.clone().map(|t| view! { <p class="muted small">{i18n.text("rec.declined_because")}" "{t}</p> })}
            {part.verification_comment.clone().map(|t| view! { <p class="muted small">{i18n.text("rec.verifier_said")}" "{t}</p> })}
            {(may_answer || may_verify).then(|| view! {
                <input class="part-reason" placeholder=move || i18n.t("rec.reason_hint") aria-label=move || i18n.t("rec.reason_hint")
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
            })}
            <div class="actions">
                {(may_answer && state != PartState::Accepted).then(|| view! { <button type="button" class="button small accept-part" on:click=move |_| answer(true)>{i18n.text("rec.accept")}</button> })}
                {(may_answer && state != PartState::Declined).then(|| view! { <button type="button" class="button small secondary decline-part" on:click=move |_| answer(false)>{i18n.text("rec.decline")}</button> })}
                {may_report.then(|| view! { <button type="button" class="button small complete-part" on:click=complete>{i18n.text("rec.complete")}</button> })}
                {may_verify.then(|| view! {
                    <button type="button" class="button small confirm-part" on:click=move |_| verify(VerificationVerdict::Confirmed)>{i18n.text("rec.confirm")}</button>
                    <button type="button" class="button small secondary return-part" on:click=move |_| verify(VerificationVerdict::Returned)>{i18n.text("rec.return")}</button>
                })}
            </div>
            {may_report.then(|| view! {
                <form class="report-form" on:submit=report>
                    <label class="small">{i18n.text("rec.percent")}" "
                        <input type="number" min="0" max="100" class="report-percent" prop:value=move || percent.get() on:input=move |ev| percent.set(event_target_value(&ev))/>
                    </label>
                    <textarea class="report-body" rows="2" placeholder=move || i18n.t("rec.report_hint") aria-label=move || i18n.t("rec.report_hint")
                        prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                    <input class="report-link" dir="ltr" type="url" placeholder="https://…" aria-label=move || i18n.t("rec.link")
                        prop:value=move || link.get() on:input=move |ev| link.set(event_target_value(&ev))/>
                    {move || (!tasks.with(Vec::is_empty)).then(|| view! {
                        <select class="report-task" aria-label=move || i18n.t("rec.related_task") on:change=move |ev| task.set(event_target_value(&ev))>
                            <option value="">{i18n.text("rec.related_task")}</option>
                            {tasks.get().into_iter().map(|(id, title)| {
                                let selected = task.get_untracked() == id;
                                view! { <option value=id selected=selected>{title}</option> }
                            }).collect_view()}
                        </select>
                    })}
                    <button type="submit" class="button small report-submit">{i18n.text("rec.report")}</button>
                </form>
            })}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        </li>
    }
}

/// The updates, newest first, each with its evidence; the addressee's members attach
/// documents to their own.
#[component]
fn Timeline(rec: Recommendation, updates: RwSignal<Vec<ProgressUpdate>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rid = StoredValue::new(rec.id.to_string());
    view! {
        <section class="card" id="timeline">
            <h2>{i18n.text("rec.timeline")}</h2>
            {move || updates.with(Vec::is_empty).then(|| view! { <p class="muted">{i18n.text("rec.no_updates")}</p> })}
            <ol class="timeline">
                <For each=move || updates.get() key=|u| (u.id.clone(), u.documents.len()) let:u>
                    {
                        let mine = u.addressee.organization_id.as_ref().is_some_and(|o| session.member_orgs().contains(&o.to_string()));
                        let uid = u.id.to_string();
                        view! {
                            <li class="update">
                                <p><strong>{addressee_name(i18n, &u.addressee)}</strong>" · "{day(i18n, Some(u.reported_on))}" · "<bdi>{format!("{}%", u.percent)}</bdi></p>
                                <p class="update-body">{u.body.clone()}</p>
                                <ul class="links">
                                    {u.links.iter().map(|l| view! { <li><a href=l.clone() rel="noopener noreferrer" target="_blank" dir="ltr">{l.clone()}</a></li> }).collect_view()}
                                    {u.related.iter().map(|x| {
                                        let href = match x.kind {
                                            RelatedKind::Task => format!("/roadmap/tasks/{}", x.id),
                                            _ => format!("/{}s/{}", x.kind.as_str(), x.id),
                                        };
                                        view! { <li><a href=href>{i18n.text_owned(format!("rec.related.{}", x.kind.as_str()))}</a></li> }
                                    }).collect_view()}
                                    {u.documents.iter().map(|d| {
                                        let (did, dname) = (d.id.to_string(), d.name.clone());
                                        view! { <li><button type="button" class="link document" on:click=move |_| {
                                            let (did, dname) = (did.clone(), dname.clone());
                                            leptos::task::spawn_local(async move {
                                                if let Ok(b) = endpoints::documents::bytes(&did).await { save(&b, &dname); }
                                            });
                                        }>{d.name.clone()}</button></li> }
                                    }).collect_view()}
                                </ul>
                                {mine.then(|| view! { <Attach rid=rid.get_value() uid=uid.clone() reload=reload/> })}
                            </li>
                        }
                    }
                </For>
            </ol>
        </section>
    }
}

#[component]
fn Attach(rid: String, uid: String, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let file_ref = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = file_ref.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        let (rid, uid) = (rid.clone(), uid.clone());
        leptos::task::spawn_local(async move {
            match endpoints::recommendations::add_evidence(&rid, &uid, &file).await {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="attach" on:submit=submit>
            <input type="file" class="evidence-file" node_ref=file_ref aria-label=move || i18n.t("rec.attach")/>
            <button type="submit" class="button small secondary attach-submit">{i18n.text("rec.attach")}</button>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        </form>
    }
}

/// "What we owe": an organization's open parts, soonest due first.
#[component]
pub fn OwedPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let org = Memo::new(move |_| {
        query
            .with(|q| q.get("organization"))
            .filter(|o| !o.is_empty())
            .or_else(|| session.member_orgs().first().cloned())
            .unwrap_or_default()
    });
    let items = RwSignal::new(Vec::<OwedPart>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    let load = move |cursor: Option<String>| {
        let o = org.get_untracked();
        if o.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let appending = cursor.is_some();
            let r = endpoints::recommendations::owed(&o, cursor.as_deref()).await;
            show_page(items, next, error, appending, r);
            loaded.set(true);
        });
    };
    Effect::new(move |_| {
        org.track();
        load(None);
    });
    let mine = my_organizations();
    view! {
        <section id="owed-page">
            <h1>{i18n.text("rec.owed")}</h1>
            <p class="muted">{i18n.text("rec.owed_intro")}</p>
            <div class="field">
                <label for="owed-org">{i18n.text("rec.organization")}</label>
                <select id="owed-org" on:change=move |ev| navigate(&format!("/recommendations/owed?organization={}", event_target_value(&ev)), Default::default())>
                    {move || mine.get().into_iter().map(|(id, name)| {
                        let selected = org.get() == id;
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || (loaded.get() && items.with(Vec::is_empty)).then(|| view! { <p class="empty" id="owed-empty">{i18n.text("rec.owe_nothing")}</p> })}
            <table class="table" id="owed">
                <thead><tr>
                    <th>{i18n.text("rec.code")}</th><th>{i18n.text("rec.text")}</th><th>{i18n.text("rec.due")}</th>
                    <th>{i18n.text("rec.state")}</th><th>{i18n.text("rec.progress")}</th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|o| o.part_id.clone() let:o>
                        <tr class:overdue=o.recommendation.overdue>
                            <td><A href=format!("/recommendations/{}", o.recommendation.id)><bdi>{o.recommendation.code.clone()}</bdi></A></td>
                            <td>{i18n.pick(o.recommendation.text_ar.as_deref(), o.recommendation.text_en.as_deref()).to_owned()}</td>
                            <td>{day(i18n, o.recommendation.due_on)}{o.recommendation.overdue.then(|| view! { " · "<strong class="overdue-flag">{i18n.text("rec.overdue")}</strong> })}</td>
                            <td>{state_badge(i18n, o.state)}</td>
                            <td>{progress_bar(o.progress)}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
            {move || next.get().map(|c| view! {
                <button type="button" class="button secondary" on:click=move |_| load(Some(c.clone()))>{i18n.text("rec.more")}</button>
            })}
        </section>
    }
}

/// My notifications: parts newly addressed to my organizations, due soon, overdue.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let only_unread = RwSignal::new(true);
    let items = RwSignal::new(Vec::<Notification>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    let load = move |cursor: Option<String>| {
        let unread = only_unread.get_untracked();
        leptos::task::spawn_local(async move {
            let appending = cursor.is_some();
            let r = endpoints::notifications::list(unread, cursor.as_deref()).await;
            show_page(items, next, error, appending, r);
            loaded.set(true);
        });
    };
    Effect::new(move |_| {
        only_unread.track();
        session.0.track();
        load(None);
    });
    let read = move |id: String| {
        leptos::task::spawn_local(async move {
            match endpoints::notifications::read(&id).await {
                Ok(()) => load(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let read_all = move |_| {
        leptos::task::spawn_local(async move {
            match endpoints::notifications::read_all().await {
                Ok(()) => load(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section id="notifications-page">
            <div class="org-head">
                <h1>{i18n.text("notif.title")}</h1>
                <button type="button" class="button secondary" id="read-all" on:click=read_all>{i18n.text("notif.read_all")}</button>
            </div>
            <label class="check">
                <input type="checkbox" id="only-unread" prop:checked=move || only_unread.get()
                    on:change=move |ev| only_unread.set(event_target_checked(&ev))/>
                {i18n.text("notif.only_unread")}
            </label>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || (loaded.get() && items.with(Vec::is_empty)).then(|| view! { <p class="empty" id="notifications-empty">{i18n.text("notif.none")}</p> })}
            <ul class="results" id="notifications">
                <For each=move || items.get() key=|n| (n.id.clone(), n.read_at) let:n>
                    {
                        let id = n.id.to_string();
                        let unread = n.read_at.is_none();
                        view! {
                            <li class="card notification" class:unread=unread data-kind=n.kind.as_str()>
                                <p>
                                    <strong>{i18n.text_owned(format!("notif.kind.{}", n.kind.as_str()))}</strong>" · "
                                    <A href=format!("/recommendations/{}", n.recommendation_id)><bdi>{n.code.clone()}</bdi></A>
                                    " · "<span class="muted small">{i18n.date(n.created_at)}</span>
                                </p>
                                <p class="rec-text">{i18n.pick(n.text_ar.as_deref(), n.text_en.as_deref()).to_owned()}</p>
                                {n.due_on.map(|d| view! { <p class="muted small">{i18n.text("rec.due")}" "{day(i18n, Some(d))}</p> })}
                                {unread.then(|| view! {
                                    <button type="button" class="link mark-read" on:click=move |_| read(id.clone())>{i18n.text("notif.mark_read")}</button>
                                })}
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || next.get().map(|c| view! {
                <button type="button" class="button secondary" on:click=move |_| load(Some(c.clone()))>{i18n.text("rec.more")}</button>
            })}
        </section>
    }
}

/// Importing an edited export: a dry run first (what would change, every bad row), then
/// applying it, or only its valid rows.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let file_ref = NodeRef::<leptos::html::Input>::new();
    let report = RwSignal::new(None::<tashbeek_domain::recommendation::ImportReport>);
    let error = RwSignal::new(None::<ApiError>);
    let send = move |apply: bool, apply_valid: bool| {
        let Some(file) = file_ref.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        leptos::task::spawn_local(async move {
            match endpoints::recommendations::import(&file, apply, apply_valid).await {
                Ok(r) => {
                    error.set(None);
                    report.set(Some(r));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section id="import-page">
            <h1>{i18n.text("sheet.import")}</h1>
            <p class="muted">{i18n.text("sheet.intro")}</p>
            <div class="card form">
                <input type="file" id="import-file" accept=".xlsx,.csv" node_ref=file_ref aria-label=move || i18n.t("sheet.file")
                    on:change=move |_| report.set(None)/>
                <div class="actions">
                    <button type="button" class="button" id="import-preview" on:click=move |_| send(false, false)>{i18n.text("sheet.preview")}</button>
                </div>
            </div>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || report.get().map(|r| {
                let has_errors = !r.errors.is_empty();
                let applied = r.applied;
                let changed = !r.changes.is_empty();
                view! {
                    <section class="card" id="import-report" data-applied=applied.to_string()>
                        <h2>{move || if applied { i18n.t("sheet.applied") } else { i18n.t("sheet.preview_title") }}</h2>
                        <p id="import-summary">{i18n.t_with("sheet.summary", &[
                            ("rows", i18n.number(r.rows as i64)),
                            ("changes", i18n.number(r.changes.len() as i64)),
                            ("errors", i18n.number(r.errors.len() as i64)),
                        ])}</p>
                        {has_errors.then(|| view! {
                            <h3>{i18n.text("sheet.errors")}</h3>
                            <table class="table" id="import-errors">
                                <thead><tr><th>{i18n.text("sheet.row")}</th><th>{i18n.text("sheet.column")}</th><th>{i18n.text("sheet.problem")}</th></tr></thead>
                                <tbody>{r.errors.iter().map(|e| view! {
                                    <tr><td><bdi>{e.row.to_string()}</bdi></td><td>{e.column.clone()}</td><td>{e.message.clone()}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                        })}
                        {changed.then(|| view! {
                            <h3>{i18n.text("sheet.changes")}</h3>
                            <table class="table" id="import-changes">
                                <thead><tr><th>{i18n.text("sheet.row")}</th><th>{i18n.text("rec.code")}</th><th>{i18n.text("sheet.field")}</th><th>{i18n.text("sheet.from")}</th><th>{i18n.text("sheet.to")}</th></tr></thead>
                                <tbody>{r.changes.iter().map(|c| view! {
                                    <tr><td><bdi>{c.row.to_string()}</bdi></td><td><bdi>{c.code.clone()}</bdi></td><td><bdi>{c.field.clone()}</bdi></td>
                                        <td>{c.from.clone()}</td><td>{c.to.clone()}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                        })}
                        {(!applied && changed).then(|| view! {
                            <div class="actions">
                                {(!has_errors).then(|| view! {
                                    <button type="button" class="button" id="import-apply" on:click=move |_| send(true, false)>{i18n.text("sheet.apply")}</button>
                                })}
                                {has_errors.then(|| view! {
                                    <button type="button" class="button" id="import-apply-valid" on:click=move |_| send(true, true)>{i18n.text("sheet.apply_valid")}</button>
                                })}
                            </div>
                        })}
                    </section>
                }
            })}
        </section>
    }
}
