//! Meetings: the list (upcoming, past, or a month's calendar), the form that schedules
//! or edits one, the meeting's page (details, invitations and answers, the people an
//! organization sends with their check-in codes), and the door's attendance screen made
//! for a phone (a camera scanner where the browser has one, typed codes where not).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use tashbeek_domain::meeting::{
    AttendanceStats, CheckedIn, InvitedPerson, ManualAttendance, Meeting, MeetingInput, MeetingInvitation,
    MeetingInvite, MeetingKind, MeetingStatus, MeetingSummary, MeetingVisibility, Participant, PersonInput, Rsvp,
    RsvpAnswer,
};
use tashbeek_domain::organization::OrganizationSummary;
use tashbeek_domain::OrganizationId;

use crate::api::{enc, ApiError};
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::not_found::NotFound;
use crate::pages::{save, show_page, ErrorBox};
use crate::reference::use_reference;
use crate::session::{use_coordinated, use_session};

const KINDS: [MeetingKind; 7] = [
    MeetingKind::FoundingMeeting,
    MeetingKind::GeneralAssembly,
    MeetingKind::Forum,
    MeetingKind::CoordinationMeeting,
    MeetingKind::Workshop,
    MeetingKind::Training,
    MeetingKind::FieldVisit,
];

/// The zones offered first; any IANA zone may be typed.
const ZONES: [&str; 16] = [
    "Africa/Khartoum",
    "Asia/Muscat",
    "Asia/Damascus",
    "Asia/Riyadh",
    "Asia/Beirut",
    "Asia/Amman",
    "Asia/Baghdad",
    "Africa/Cairo",
    "Asia/Dubai",
    "Asia/Qatar",
    "Asia/Kuwait",
    "Asia/Aden",
    "Africa/Tripoli",
    "Africa/Tunis",
    "Africa/Casablanca",
    "Europe/London",
];

const DAYS: [&str; 7] = ["sat", "sun", "mon", "tue", "wed", "thu", "fri"];

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

fn when_text(local: chrono::NaiveDateTime, zone: &str) -> String {
    format!("{} · {}", local.format("%Y-%m-%d %H:%M"), zone)
}

/// One meeting in a list.
#[component]
fn MeetingCard(m: MeetingSummary) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let kind = m.kind;
    let cancelled = m.status == MeetingStatus::Cancelled;
    let place = match (&m.venue_name, m.online) {
        (Some(v), _) => v.clone(),
        (None, true) => i18n.t("meetings.online"),
        _ => String::new(),
    };
    let area = m.area.as_deref().map(|a| reference.area_name(&i18n, a)).unwrap_or_default();
    view! {
        <li class="card meeting" class:cancelled=cancelled>
            <A href=format!("/meetings/{}", m.id) attr:class="org-name">{m.title.clone()}</A>
            <p class="muted small">
                <span class="badge">{move || i18n.t(&format!("meetings.kind.{}", kind.as_str()))}</span>" "
                <bdi dir="ltr">{when_text(m.starts_local, &m.time_zone)}</bdi>" · "{place}
                {(!area.is_empty()).then(|| format!(" · {area}"))}
                {cancelled.then(|| view! { " "<span class="badge declined">{move || i18n.t("meetings.status.cancelled")}</span> })}
            </p>
        </li>
    }
}

#[component]
pub fn MeetingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let coordinated = use_coordinated();
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let list = RwSignal::new(Vec::<MeetingSummary>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    // The list's query: the address's own filters, so a link or Back restores the view.
    let filters = move || {
        let mut parts = vec![];
        for k in ["network", "organization", "kind"] {
            let v = param(k);
            if !v.is_empty() {
                parts.push(format!("{k}={}", enc(&v)));
            }
        }
        parts
    };
    let month = move || {
        let m = param("month");
        chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok()
    };
    let load = move |cursor: Option<String>| {
        let mut parts = filters();
        match month() {
            Some(first) => {
                let next_month = first + chrono::Months::new(1);
                // A day either side: a meeting's local day may differ from its UTC day.
                parts.push(format!("from={}T00:00:00Z", first - chrono::Duration::days(1)));
                parts.push(format!("to={}T00:00:00Z", next_month + chrono::Duration::days(1)));
                parts.push("include_cancelled=true".into());
                parts.push("limit=200".into());
            }
            None => {
                if param("when") == "past" {
                    parts.push("when=past".into());
                }
                parts.push("limit=50".into());
            }
        }
        let appending = cursor.is_some();
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", enc(&c)));
        }
        let q = parts.join("&");
        leptos::task::spawn_local(async move {
            let r = endpoints::meetings::list(&q).await;
            show_page(list, next, error, appending, r);
            loaded.set(true);
        });
    };
    Effect::new(move |_| {
        query.track();
        session.0.track();
        load(None);
    });
    let go = move |k: &'static str, v: String| {
        let mut parts: Vec<String> = filters().into_iter().filter(|p| !p.starts_with(&format!("{k}="))).collect();
        if !v.is_empty() {
            parts.push(format!("{k}={}", enc(&v)));
        }
        navigate(&format!("/meetings?{}", parts.join("&")), Default::default());
    };
    let feed = move || {
        let f = filters().join("&");
        let origin = window().location().host().unwrap_or_default();
        format!(
            "webcal://{origin}/api/v1/meetings/calendar.ics{}",
            if f.is_empty() { String::new() } else { format!("?{f}") }
        )
    };
    let this_month = || now().format("%Y-%m").to_string();
    view! {
        <section id="meetings-page">
            <h1>{move || i18n.t("meetings.title")}</h1>
            <p class="muted">{move || i18n.t("meetings.intro")}</p>
            <p class="actions">
                <Show when=move || session.is_admin() || (session.can_write() && !(session.admin_orgs().is_empty() && coordinated.get().is_empty()))>
                    <A href="/meetings/new" attr:class="button" attr:id="meeting-new">{move || i18n.t("meetings.new")}</A>
                </Show>
                <a class="button secondary small" id="meetings-feed" href=feed>{move || i18n.t("meetings.subscribe")}</a>
            </p>
            <p class="muted small">{move || i18n.t("meetings.subscribe_note")}</p>
            <Show when=move || session.signed_in()>
                <PrivateCalendar filters=Signal::derive(move || filters().join("&"))/>
            </Show>
            <nav class="tabs" aria-label=move || i18n.t("meetings.views")>
                <a href="/meetings" class:active=move || month().is_none() && param("when") != "past" id="tab-upcoming">{move || i18n.t("meetings.upcoming")}</a>
                <a href="/meetings?when=past" class:active=move || month().is_none() && param("when") == "past" id="tab-past">{move || i18n.t("meetings.past")}</a>
                <a href=move || format!("/meetings?month={}", this_month()) class:active=move || month().is_some() id="tab-month">{move || i18n.t("meetings.month")}</a>
            </nav>
            <div class="filters-row">
                <label for="meetings-kind">{move || i18n.t("meetings.kind")}</label>
                <select id="meetings-kind" on:change=move |ev| go("kind", event_target_value(&ev))>
                    <option value="">{move || i18n.t("dir.any")}</option>
                    {KINDS.iter().map(|k| {
                        let k = *k;
                        view! { <option value=k.as_str() selected=move || param("kind") == k.as_str()>{move || i18n.t(&format!("meetings.kind.{}", k.as_str()))}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || match month() {
                Some(first) => view! {
                    <MonthGrid first=first meetings=list.get()/>
                    <Show when=move || next.with(Option::is_some)>
                        <p class="alert warning" id="month-more">{move || i18n.t("meetings.month_more")}</p>
                    </Show>
                }.into_any(),
                None if loaded.get() && list.with(Vec::is_empty) => view! { <p class="empty" id="meetings-empty">{move || i18n.t("meetings.none")}</p> }.into_any(),
                None => view! {
                    <ul class="results" id="meetings">
                        {move || list.get().into_iter().map(|m| view! { <MeetingCard m=m/> }).collect_view()}
                    </ul>
                    <Show when=move || next.with(Option::is_some)>
                        <button type="button" class="button secondary" on:click=move |_| load(next.get_untracked())>{move || i18n.t("dir.more")}</button>
                    </Show>
                }.into_any(),
            }}
        </section>
    }
}

/// A month as a calendar: weeks from Saturday, each meeting on its local day.
#[component]
fn MonthGrid(first: chrono::NaiveDate, meetings: Vec<MeetingSummary>) -> impl IntoView {
    use chrono::Datelike;
    let i18n = use_i18n();
    let last = first + chrono::Months::new(1) - chrono::Duration::days(1);
    // Saturday = 0.
    let offset = (first.weekday().num_days_from_sunday() + 1) % 7;
    let start = first - chrono::Duration::days(offset as i64);
    let weeks = ((offset as i64 + last.day() as i64) + 6) / 7;
    let prev = (first - chrono::Months::new(1)).format("%Y-%m").to_string();
    let next = (first + chrono::Months::new(1)).format("%Y-%m").to_string();
    let title = first.format("%Y-%m").to_string();
    view! {
        <div class="month" id="month">
            <p class="month-nav">
                <a href=format!("/meetings?month={prev}") id="month-prev">{move || i18n.t("meetings.prev_month")}</a>
                <strong><bdi dir="ltr" id="month-title">{title}</bdi></strong>
                <a href=format!("/meetings?month={next}") id="month-next">{move || i18n.t("meetings.next_month")}</a>
            </p>
            <table class="calendar">
                <thead><tr>{DAYS.iter().map(|d| view! { <th scope="col">{move || i18n.t(&format!("meetings.day.{d}"))}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {(0..weeks).map(|w| view! {
                        <tr>
                            {(0..7).map(|d| {
                                let day = start + chrono::Duration::days(w * 7 + d);
                                let inside = day.month() == first.month();
                                let todays: Vec<MeetingSummary> = meetings.iter().filter(|m| m.starts_local.date() == day).cloned().collect();
                                view! {
                                    <td class:outside=!inside>
                                        <span class="day-number">{day.day()}</span>
                                        <ul class="plain">
                                            {todays.into_iter().map(|m| {
                                                let cancelled = m.status == MeetingStatus::Cancelled;
                                                view! {
                                                    <li class:cancelled=cancelled>
                                                        <A href=format!("/meetings/{}", m.id)><bdi dir="ltr">{m.starts_local.format("%H:%M").to_string()}</bdi>" "{m.title.clone()}</A>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Chooses organizations by searching the directory; shows the chosen ones as chips.
#[component]
fn OrgPicker(
    chosen: RwSignal<Vec<(OrganizationId, String)>>,
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<OrganizationSummary>::new());
    let search = move || {
        let query = q.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(p) = endpoints::organizations::search(&query, 8).await {
                found.set(p.items);
            }
        });
    };
    let input_id = format!("{id}-q");
    view! {
        <div class="field" id=id.clone()>
            <label for=input_id.clone()>{label}</label>
            <ul class="chips">
                {move || chosen.get().into_iter().map(|(oid, name)| {
                    let remove = oid.clone();
                    view! { <li class="chip">{name}" "<button type="button" class="link" aria-label=move || i18n.t("meetings.remove")
                        on:click=move |_| chosen.update(|c| c.retain(|(o, _)| *o != remove))>"×"</button></li> }
                }).collect_view()}
            </ul>
            <div class="search">
                <input id=input_id type="search" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); search(); }/>
                <button type="button" class="button secondary small" on:click=move |_| search()>{move || i18n.t("networks.search")}</button>
            </div>
            <ul class="plain picker-results">
                {move || found.get().into_iter().map(|o| {
                    let name = i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned();
                    let pick = (o.id.clone(), name.clone());
                    view! { <li><button type="button" class="link pick" on:click=move |_| {
                        let p = pick.clone();
                        chosen.update(|c| if !c.iter().any(|(o, _)| *o == p.0) { c.push(p) });
                        found.set(vec![]);
                        q.set(String::new());
                    }>{name}</button></li> }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Schedules a meeting (`edit=false`) or edits one.
#[component]
pub fn MeetingForm(edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let session = use_session();
    let coordinated = use_coordinated();
    let params = use_params_map();
    let navigate = use_navigate();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let text = |v: &str| RwSignal::new(v.to_owned());
    let (title, description, starts, ends) = (text(""), text(""), text(""), text(""));
    let (zone, venue, address, area, online) = (text("Africa/Khartoum"), text(""), text(""), text(""), text(""));
    let (kind, visibility, capacity, network) = (text("coordination_meeting"), text("invited"), text(""), text(""));
    let organizers = RwSignal::new(Vec::<(OrganizationId, String)>::new());
    let networks = RwSignal::new(Vec::<tashbeek_domain::network::Network>::new());
    let etag = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(p) = endpoints::networks::list().await {
            networks.set(p.items);
        }
    });
    if edit {
        let mid = id();
        leptos::task::spawn_local(async move {
            match endpoints::meetings::get(&mid).await {
                Ok(r) => {
                    let m = r.body;
                    title.set(m.title.clone());
                    description.set(m.description.clone().unwrap_or_default());
                    starts.set(m.starts_local.format("%Y-%m-%dT%H:%M").to_string());
                    ends.set(m.ends_local.format("%Y-%m-%dT%H:%M").to_string());
                    zone.set(m.time_zone.clone());
                    venue.set(m.venue_name.clone().unwrap_or_default());
                    address.set(m.venue_address.clone().unwrap_or_default());
                    area.set(m.area.clone().unwrap_or_default());
                    online.set(m.online_url.clone().unwrap_or_default());
                    kind.set(m.kind.as_str().to_owned());
                    visibility.set(m.visibility.as_str().to_owned());
                    capacity.set(m.capacity.map(|c| c.to_string()).unwrap_or_default());
                    network.set(m.network_id.as_ref().map(|n| n.to_string()).unwrap_or_default());
                    organizers.set(
                        m.organizers
                            .iter()
                            .map(|o| {
                                (
                                    o.organization_id.clone(),
                                    i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned(),
                                )
                            })
                            .collect(),
                    );
                    etag.set(r.etag);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    } else if !session.is_admin() {
        // An organization's administrator holds the meeting for their organization.
        for org in session.admin_orgs().into_iter().take(1) {
            leptos::task::spawn_local(async move {
                if let Ok(r) = endpoints::organizations::get(&org).await {
                    let o = r.body;
                    let name = i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned();
                    organizers.update(|c| c.push((o.id.clone(), name)));
                }
            });
        }
    }
    // A network's coordinator who administers no organization holds the meeting for the
    // network, once their networks are known, unless they chose otherwise meanwhile.
    let network_touched = RwSignal::new(false);
    if !edit && !session.is_admin() && session.admin_orgs().is_empty() {
        Effect::new(move |_| {
            if let Some(n) = coordinated.get().into_iter().next() {
                if !network_touched.get_untracked() {
                    network.set(n);
                }
            }
        });
    }
    let opt = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cap = opt(capacity);
        let parsed_cap = cap.as_deref().map(|c| c.trim().parse::<i32>().unwrap_or(0));
        let input = MeetingInput {
            title: title.get_untracked(),
            kind: MeetingKind::parse(&kind.get_untracked()).unwrap_or(MeetingKind::CoordinationMeeting),
            description: opt(description),
            network_id: opt(network).and_then(|n| tashbeek_domain::NetworkId::parse(&n)),
            organizers: organizers.get_untracked().into_iter().map(|(o, _)| o).collect(),
            starts_local: starts.get_untracked(),
            ends_local: ends.get_untracked(),
            time_zone: zone.get_untracked(),
            venue_name: opt(venue),
            venue_address: opt(address),
            area: opt(area),
            online_url: opt(online),
            visibility: MeetingVisibility::parse(&visibility.get_untracked()).unwrap_or(MeetingVisibility::Invited),
            capacity: parsed_cap,
        };
        busy.set(true);
        let navigate = navigate.clone();
        let mid = id();
        leptos::task::spawn_local(async move {
            let r = if edit {
                endpoints::meetings::update(&mid, &input, etag.get_untracked().as_deref()).await
            } else {
                endpoints::meetings::schedule(&input).await
            };
            busy.set(false);
            match r {
                Ok(m) => navigate(&format!("/meetings/{}", m.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let field_error = move |f: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field(f)));
    let field = move |f: &'static str, label: &'static str, input: AnyView| {
        view! {
            <div class="field" class:invalid=move || field_error(f).is_some()>
                <label for=format!("m-{f}")>{move || i18n.t(label)}</label>
                {input}
                {move || field_error(f).map(|m| view! { <p class="field-error" id=format!("err-m-{f}")>{m}</p> })}
            </div>
        }
    };
    let bind = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <section id="meeting-form">
            <h1>{move || if edit { i18n.t("meetings.edit") } else { i18n.t("meetings.new") }}</h1>
            <form on:submit=submit novalidate class="card">
                {field("title", "meetings.f.title", view! { <input id="m-title" prop:value=move || title.get() on:input=bind(title)/> }.into_any())}
                <div class="two">
                    {field("kind", "meetings.kind", view! {
                        <select id="m-kind" on:change=bind(kind)>
                            {KINDS.iter().map(|k| { let k = *k; view! { <option value=k.as_str() selected=move || kind.get() == k.as_str()>{move || i18n.t(&format!("meetings.kind.{}", k.as_str()))}</option> } }).collect_view()}
                        </select>
                    }.into_any())}
                    {field("visibility", "meetings.f.visibility", view! {
                        <select id="m-visibility" on:change=bind(visibility)>
                            {["public", "network", "invited"].into_iter().map(|v| view! { <option value=v selected=move || visibility.get() == v>{move || i18n.t(&format!("meetings.visibility.{v}"))}</option> }).collect_view()}
                        </select>
                    }.into_any())}
                </div>
                {field("network_id", "meetings.f.network", view! {
                    <select id="m-network_id" on:change=move |ev| { network_touched.set(true); network.set(event_target_value(&ev)); }>
                        <option value="">{move || i18n.t("meetings.f.no_network")}</option>
                        {move || networks.get().into_iter().map(|n| {
                            let nid = n.id.to_string();
                            let selected = { let nid = nid.clone(); move || network.get() == nid };
                            view! { <option value=nid selected=selected>{i18n.pick(n.name_ar.as_deref(), n.name_en.as_deref()).to_owned()}</option> }
                        }).collect_view()}
                    </select>
                }.into_any())}
                <OrgPicker chosen=organizers id="m-organizers" label=i18n.text("meetings.f.organizers")/>
                {move || error.with(|e| e.as_ref().and_then(|e| e.list_field("organizers"))).map(|m| view! { <p class="field-error">{m}</p> })}
                <div class="two">
                    {field("starts_local", "meetings.f.starts", view! { <input id="m-starts_local" type="datetime-local" prop:value=move || starts.get() on:input=bind(starts)/> }.into_any())}
                    {field("ends_local", "meetings.f.ends", view! { <input id="m-ends_local" type="datetime-local" prop:value=move || ends.get() on:input=bind(ends)/> }.into_any())}
                </div>
                {field("time_zone", "meetings.f.zone", view! {
                    <input id="m-time_zone" dir="ltr" list="zones" prop:value=move || zone.get() on:input=bind(zone)/>
                    <datalist id="zones">{ZONES.iter().map(|z| view! { <option value=*z/> }).collect_view()}</datalist>
                }.into_any())}
                <div class="two">
                    {field("venue_name", "meetings.f.venue", view! { <input id="m-venue_name" prop:value=move || venue.get() on:input=bind(venue)/> }.into_any())}
                    {field("venue_address", "meetings.f.address", view! { <input id="m-venue_address" prop:value=move || address.get() on:input=bind(address)/> }.into_any())}
                </div>
                <div class="two">
                    {field("area", "meetings.f.area", view! {
                        <select id="m-area" on:change=bind(area)>
                            <option value="">{move || i18n.t("dir.any")}</option>
                            {move || reference.area_options(&i18n).into_iter().map(|(aid, label)| {
                                let selected = { let aid = aid.clone(); move || area.get() == aid };
                                view! { <option value=aid selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    }.into_any())}
                    {field("online_url", "meetings.f.online", view! { <input id="m-online_url" type="url" dir="ltr" prop:value=move || online.get() on:input=bind(online)/> }.into_any())}
                </div>
                <div class="two">
                    {field("capacity", "meetings.f.capacity", view! { <input id="m-capacity" type="number" min="1" prop:value=move || capacity.get() on:input=bind(capacity)/> }.into_any())}
                </div>
                {field("description", "meetings.f.description", view! { <textarea id="m-description" rows="4" prop:value=move || description.get() on:input=bind(description)></textarea> }.into_any())}
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button" id="m-submit" disabled=move || busy.get()>{move || if edit { i18n.t("meetings.save") } else { i18n.t("meetings.schedule") }}</button>
            </form>
        </section>
    }
}

/// A check-in code as a QR code (SVG squares), for the invitation a person brings.
#[component]
fn QrCode(code: String) -> impl IntoView {
    let Ok(qr) = qrcode::QrCode::new(code.as_bytes()) else { return view! { <span/> }.into_any() };
    let width = qr.width();
    let colors = qr.to_colors();
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % width + 4, i / width + 4));
        }
    }
    let size = width + 8;
    view! {
        <svg class="qr" viewBox=format!("0 0 {size} {size}") width="132" height="132" role="img" aria-label=code.clone() data-code=code>
            <rect width=size height=size fill="#fff"/>
            <path d=path fill="#000"/>
        </svg>
    }
    .into_any()
}

#[component]
pub fn MeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let coordinated = use_coordinated();
    let reference = use_reference();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let meeting = RwSignal::new(None::<Result<(Meeting, Option<String>), ApiError>>);
    let invitations = RwSignal::new(Vec::<MeetingInvitation>::new());
    let people = RwSignal::new(Vec::<Participant>::new());
    let stats = RwSignal::new(None::<AttendanceStats>);
    let action_error = RwSignal::new(None::<ApiError>);
    let load = move || {
        let id = id.get_untracked();
        leptos::task::spawn_local(async move {
            let r = endpoints::meetings::get(&id).await;
            if r.is_ok() {
                invitations.set(endpoints::meetings::invitations(&id).await.unwrap_or_default());
                people.set(endpoints::meetings::participants(&id).await.unwrap_or_default());
                stats.set(endpoints::meetings::stats(&id).await.ok());
            }
            meeting.set(Some(r.map(|r| (r.body, r.etag))));
        });
    };
    Effect::new(move |_| {
        id.track();
        session.0.track();
        load();
    });
    let manages = move |m: &Meeting| {
        session.is_admin()
            || m.network_id.as_ref().is_some_and(|n| coordinated.get().contains(&n.to_string()))
            || m.organizers.iter().any(|o| session.administers(&o.organization_id.to_string()))
    };
    let download = move |_| {
        let mid = id.get_untracked();
        leptos::task::spawn_local(async move {
            match endpoints::meetings::ics(&mid).await {
                Ok(blob) => save(&blob, &format!("meeting-{mid}.ics")),
                Err(e) => action_error.set(Some(e)),
            }
        });
    };
    view! {
        {move || match meeting.get() {
            None => view! { <p class="muted">{move || i18n.t("meetings.loading")}</p> }.into_any(),
            Some(Err(e)) if e.status == 404 => view! { <NotFound/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
            Some(Ok((m, etag))) => {
                let kind = m.kind;
                let status = m.status;
                let manager = manages(&m) && session.can_write();
                let open = status == MeetingStatus::Scheduled && m.starts_at > now();
                let area = m.area.as_deref().map(|a| reference.area_name(&i18n, a));
                let mid = m.id.to_string();
                let organizers: Vec<String> = m.organizers.iter().map(|o| i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned()).collect();
                view! {
                    <article id="meeting-page">
                        <p><A href="/meetings" attr:class="back">{move || i18n.t("meetings.title")}</A></p>
                        <h1 id="meeting-title">{m.title.clone()}</h1>
                        <p>
                            <span class="badge">{move || i18n.t(&format!("meetings.kind.{}", kind.as_str()))}</span>" "
                            <span class=format!("badge status-{}", status.as_str()) id="meeting-status">{move || i18n.t(&format!("meetings.status.{}", status.as_str()))}</span>
                        </p>
                        <dl class="facts">
                            <dt>{move || i18n.t("meetings.when")}</dt>
                            <dd id="meeting-when"><bdi dir="ltr">{format!("{} – {}", m.starts_local.format("%Y-%m-%d %H:%M"), m.ends_local.format("%H:%M"))}</bdi>" "<bdi dir="ltr">{m.time_zone.clone()}</bdi></dd>
                            {m.venue_name.clone().map(|v| view! { <dt>{move || i18n.t("meetings.f.venue")}</dt><dd>{v}{m.venue_address.clone().map(|a| format!(" — {a}"))}</dd> })}
                            {area.map(|a| view! { <dt>{move || i18n.t("meetings.f.area")}</dt><dd>{a}</dd> })}
                            {m.online_url.clone().map(|u| view! { <dt>{move || i18n.t("meetings.f.online")}</dt><dd><a href=u.clone() rel="noopener" dir="ltr">{u.clone()}</a></dd> })}
                            {(!organizers.is_empty()).then(|| view! { <dt>{move || i18n.t("meetings.f.organizers")}</dt><dd>{organizers.join("، ")}</dd> })}
                            {m.capacity.map(|c| view! { <dt>{move || i18n.t("meetings.f.capacity")}</dt><dd>{move || i18n.t_with("meetings.places", &[("used", i18n.number(m.representatives_count)), ("n", i18n.number(c as i64))])}</dd> })}
                            {m.cancel_reason.clone().map(|r| view! { <dt>{move || i18n.t("meetings.cancel_reason")}</dt><dd id="cancel-reason">{r}</dd> })}
                        </dl>
                        {m.description.clone().map(|d| view! { <p class="prose">{d}</p> })}
                        <p class="actions">
                            <button type="button" class="button small secondary" id="meeting-ics" on:click=download>{move || i18n.t("meetings.ics")}</button>
                            {(manager && status == MeetingStatus::Scheduled).then(|| {
                                let (a, b) = (mid.clone(), mid.clone());
                                view! {
                                    <A href=format!("/meetings/{a}/edit") attr:class="button small secondary" attr:id="meeting-edit">{move || i18n.t("meetings.edit")}</A>
                                    <A href=format!("/meetings/{b}/attendance") attr:class="button small" attr:id="meeting-attendance">{move || i18n.t("meetings.attendance")}</A>
                                }
                            })}
                        </p>
                        {move || action_error.get().map(|e| view! { <ErrorBox error=e/> })}
                        {move || stats.get().map(|s| view! { <Stats s=s/> })}
                        <div class="grid">
                            <Invitations meeting=mid.clone() open=open list=invitations people=people reload=Callback::new(move |_| load())/>
                            {(manager && status == MeetingStatus::Scheduled).then(|| view! {
                                <InviteMore meeting=mid.clone() invited=Callback::new(move |_| load())/>
                            })}
                        </div>
                        <crate::pages::record::MeetingRecord meeting=mid.clone() manager=manager orgs=Signal::derive(move || {
                            invitations.get().into_iter().map(|i| tashbeek_domain::meeting::MeetingOrganization {
                                organization_id: i.organization_id, name_ar: i.name_ar, name_en: i.name_en,
                            }).collect()
                        })/>
                        {(manager && status == MeetingStatus::Scheduled).then(|| view! { <CancelMeeting meeting=mid.clone() etag=etag.clone() cancelled=Callback::new(move |_| load())/> })}
                    </article>
                }.into_any()
            }
        }}
    }
}

#[component]
fn Stats(s: AttendanceStats) -> impl IntoView {
    let i18n = use_i18n();
    let items = [
        ("invited", s.invited),
        ("answered", s.answered),
        ("attending", s.attending),
        ("declined", s.declined),
        ("representatives", s.representatives),
        ("attended_organizations", s.attended_organizations),
        ("attended_people", s.attended_people),
        ("checked_in_by_qr", s.checked_in_by_qr),
    ];
    view! {
        <ul class="stats" id="meeting-stats">
            {items.into_iter().map(|(k, n)| view! {
                <li id=format!("stat-{k}")><strong>{i18n.number(n)}</strong>" "<span class="muted small">{move || i18n.t(&format!("meetings.stats.{k}"))}</span></li>
            }).collect_view()}
        </ul>
    }
}

/// The invited organizations and their answers; an organization's administrator answers
/// for it here and sees its people's check-in codes.
#[component]
fn Invitations(
    meeting: String,
    open: bool,
    list: RwSignal<Vec<MeetingInvitation>>,
    people: RwSignal<Vec<Participant>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <section class="card" id="invitations">
            <h2>{move || i18n.t("meetings.invitations")}</h2>
            {move || list.with(Vec::is_empty).then(|| view! { <p class="muted">{move || i18n.t("meetings.no_invitations")}</p> })}
            <ul class="plain">
                {move || list.get().into_iter().map(|inv| {
                    let org = inv.organization_id.to_string();
                    let name = i18n.pick(inv.name_ar.as_deref(), inv.name_en.as_deref()).to_owned();
                    let answer = inv.answer;
                    let reps = inv.representatives;
                    let mine = session.can_write() && session.admin_orgs().contains(&org);
                    let own_people: Vec<Participant> = people.get().into_iter().filter(|p| p.organization_id == inv.organization_id).collect();
                    let member = session.member_orgs().contains(&org);
                    view! {
                        <li class="invitation" data-org=org.clone()>
                            <strong><bdi>{name}</bdi></strong>" "
                            <span class=format!("badge rsvp-{}", answer.as_str())>{move || i18n.t(&format!("meetings.rsvp.{}", answer.as_str()))}</span>
                            {(answer == RsvpAnswer::Attending).then(|| view! { " "<span class="muted small">{move || i18n.t_with("meetings.reps", &[("n", i18n.number(reps as i64))])}</span> })}
                            {(inv.attended > 0).then(|| view! { " "<span class="badge status-verified">{move || i18n.t_with("meetings.came", &[("n", i18n.number(inv.attended))])}</span> })}
                            {(mine && open).then(|| {
                                let named: Vec<String> = own_people.iter().filter(|p| p.checked_in_at.is_none()).map(|p| p.name.clone()).collect();
                                let version = Some(inv.version);
                                view! { <RsvpForm meeting=meeting.clone() org=org.clone() current=answer named=named version=version answered=reload/> }
                            })}
                            {(member && !own_people.is_empty()).then(|| view! {
                                <ul class="people">
                                    {own_people.into_iter().map(|p| view! {
                                        <li class="person">
                                            {p.check_in_code.clone().map(|c| view! { <QrCode code=c/> })}
                                            <span>{p.name.clone()}{p.title.clone().map(|t| format!(" — {t}"))}</span>
                                            {p.check_in_code.clone().map(|c| view! { <code class="code" dir="ltr">{c}</code> })}
                                            {p.checked_in_at.is_some().then(|| view! { <span class="badge status-verified">{move || i18n.t("meetings.checked_in")}</span> })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// An organization's answer: attending with N representatives (named, each given a
/// check-in code), declined, or maybe.
#[component]
fn RsvpForm(
    meeting: String,
    org: String,
    current: RsvpAnswer,
    /// The people named so far (by the organizers or an earlier answer): kept unless removed.
    named: Vec<String>,
    /// The invitation's version as read: sent as `If-Match`, so an answer never drops people
    /// named, or another answer given, since.
    version: Option<i64>,
    answered: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let answer = RwSignal::new(if current == RsvpAnswer::Pending {
        "attending".to_owned()
    } else {
        current.as_str().to_owned()
    });
    let names = RwSignal::new(named.join("\n"));
    let reps = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let a = RsvpAnswer::parse(&answer.get_untracked()).unwrap_or(RsvpAnswer::Attending);
        let people: Vec<PersonInput> = if a == RsvpAnswer::Attending {
            names
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| PersonInput { name: l.to_owned(), title: None })
                .collect()
        } else {
            vec![]
        };
        let representatives =
            if a == RsvpAnswer::Attending { reps.get_untracked().trim().parse::<i32>().ok() } else { None };
        let rsvp = Rsvp { answer: a, representatives, people };
        let (meeting, org) = (meeting.clone(), org.clone());
        leptos::task::spawn_local(async move {
            match endpoints::meetings::answer(&meeting, &org, &rsvp, version).await {
                Ok(_) => {
                    error.set(None);
                    answered.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="rsvp" on:submit=submit novalidate>
            <fieldset>
                <legend>{move || i18n.t("meetings.your_answer")}</legend>
                {["attending", "maybe", "declined"].into_iter().map(|v| view! {
                    <label class="check"><input type="radio" name="rsvp" value=v prop:checked=move || answer.get() == v
                        on:change=move |_| answer.set(v.to_owned()) id=format!("rsvp-{v}")/>{move || i18n.t(&format!("meetings.rsvp.{v}"))}</label>
                }).collect_view()}
            </fieldset>
            <Show when=move || answer.get() == "attending">
                <div class="field" class:invalid=move || error.with(|e| e.as_ref().and_then(|e| e.list_field("people")).is_some())>
                    <label for="rsvp-people">{move || i18n.t("meetings.people_hint")}</label>
                    <textarea id="rsvp-people" rows="3" prop:value=move || names.get() on:input=move |ev| names.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field" class:invalid=move || error.with(|e| e.as_ref().and_then(|e| e.field("representatives")).is_some())>
                    <label for="rsvp-reps">{move || i18n.t("meetings.reps_label")}</label>
                    <input id="rsvp-reps" type="number" min="1" max="50" prop:value=move || reps.get() on:input=move |ev| reps.set(event_target_value(&ev))/>
                    {move || error.with(|e| e.as_ref().and_then(|e| e.field("representatives"))).map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
            </Show>
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
            <button type="submit" class="button small" id="rsvp-submit">{move || i18n.t("meetings.send_answer")}</button>
        </form>
    }
}

/// Invites organizations, and people by name through them (a speaker, an official):
/// those get their check-in codes at once.
#[component]
fn InviteMore(meeting: String, invited: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(Vec::<(OrganizationId, String)>::new());
    // (organization, its name, the person's name, their title)
    let people = RwSignal::new(Vec::<(OrganizationId, String, String, String)>::new());
    let (person_org, person_name, person_title) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<ApiError>);
    let add_person = move |_| {
        let name = person_name.get_untracked().trim().to_owned();
        let org = chosen.with_untracked(|c| {
            c.iter()
                .find(|(o, _)| o.to_string() == person_org.get_untracked())
                .or(c.first())
                .map(|(o, n)| (o.clone(), n.clone()))
        });
        if let (Some((org, org_name)), false) = (org, name.is_empty()) {
            let title = person_title.get_untracked().trim().to_owned();
            people.update(|p| p.push((org, org_name, name, title)));
            person_name.set(String::new());
            person_title.set(String::new());
        }
    };
    let send = move |_| {
        let organization_ids: Vec<OrganizationId> = chosen.get_untracked().into_iter().map(|(o, _)| o).collect();
        let named = people
            .get_untracked()
            .into_iter()
            .filter(|(o, ..)| organization_ids.contains(o))
            .map(|(organization_id, _, name, title)| InvitedPerson {
                organization_id,
                name,
                title: Some(title).filter(|t| !t.is_empty()),
            })
            .collect();
        let input = MeetingInvite { organization_ids, people: named };
        let meeting = meeting.clone();
        leptos::task::spawn_local(async move {
            match endpoints::meetings::invite(&meeting, &input).await {
                Ok(_) => {
                    error.set(None);
                    chosen.set(vec![]);
                    people.set(vec![]);
                    invited.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" id="invite-more">
            <h2>{move || i18n.t("meetings.invite")}</h2>
            <OrgPicker chosen=chosen id="invite-orgs" label=i18n.text("meetings.invite_hint")/>
            <Show when=move || chosen.with(|c| !c.is_empty())>
                <fieldset class="invite-people">
                    <legend>{move || i18n.t("meetings.invite_people")}</legend>
                    <ul class="chips" id="invite-people">
                        {move || people.get().into_iter().enumerate().map(|(i, (_, org_name, name, title))| view! {
                            <li class="chip">{name}{(!title.is_empty()).then(|| format!(" ({title})"))}" — "{org_name}" "
                                <button type="button" class="link" aria-label=move || i18n.t("meetings.remove")
                                    on:click=move |_| people.update(|p| { p.remove(i); })>"×"</button></li>
                        }).collect_view()}
                    </ul>
                    <div class="two">
                        <div class="field">
                            <label for="invite-person-org">{move || i18n.t("meetings.person_org")}</label>
                            <select id="invite-person-org" on:change=move |ev| person_org.set(event_target_value(&ev))>
                                {move || chosen.get().into_iter().map(|(o, n)| {
                                    let id = o.to_string();
                                    let selected = { let id = id.clone(); move || person_org.get() == id };
                                    view! { <option value=id selected=selected>{n}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="invite-person-name">{move || i18n.t("meetings.person_name")}</label>
                            <input id="invite-person-name" prop:value=move || person_name.get() on:input=move |ev| person_name.set(event_target_value(&ev))/>
                        </div>
                    </div>
                    <div class="field">
                        <label for="invite-person-title">{move || i18n.t("meetings.person_title")}</label>
                        <input id="invite-person-title" prop:value=move || person_title.get() on:input=move |ev| person_title.set(event_target_value(&ev))/>
                    </div>
                    <button type="button" class="button secondary small" id="invite-person-add" on:click=add_person>{move || i18n.t("meetings.person_add")}</button>
                </fieldset>
            </Show>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <button type="button" class="button small" id="invite-send" disabled=move || chosen.with(Vec::is_empty) on:click=send>{move || i18n.t("meetings.invite_send")}</button>
        </section>
    }
}

/// The signed-in user's private calendar address: calendar apps subscribe to it without
/// signing in and see the meetings the user may see. Its secret is shown once, when made.
#[component]
fn PrivateCalendar(filters: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let made = RwSignal::new(None::<chrono::DateTime<chrono::Utc>>);
    let secret = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    leptos::task::spawn_local(async move {
        if let Ok(a) = endpoints::users::calendar_address().await {
            made.set(Some(a.created_at));
        }
    });
    let make = move |_| {
        leptos::task::spawn_local(async move {
            match endpoints::users::make_calendar_address().await {
                Ok(a) => {
                    error.set(None);
                    made.set(Some(a.created_at));
                    secret.set(a.token);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let withdraw = move |_| {
        leptos::task::spawn_local(async move {
            match endpoints::users::withdraw_calendar_address().await {
                Ok(()) => {
                    error.set(None);
                    made.set(None);
                    secret.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let address = move || {
        secret.get().map(|t| {
            let host = window().location().host().unwrap_or_default();
            let f = filters.get();
            let sep = if f.is_empty() { String::new() } else { format!("{f}&") };
            format!("webcal://{host}/api/v1/meetings/calendar.ics?{sep}token={}", enc(&t))
        })
    };
    view! {
        <details class="card private-calendar" id="private-calendar">
            <summary>{move || i18n.t("meetings.private_calendar")}</summary>
            <p class="muted small">{move || i18n.t("meetings.private_calendar_hint")}</p>
            {move || address().map(|a| view! {
                <p class="alert warning small">{move || i18n.t("meetings.private_calendar_once")}</p>
                <p><a href=a.clone() id="private-calendar-link" dir="ltr" class="code">{a.clone()}</a></p>
            })}
            {move || (secret.with(Option::is_none)).then(|| made.get().map(|d| view! {
                <p class="small" id="private-calendar-made">{move || i18n.t_with("meetings.private_calendar_made", &[("date", d.format("%Y-%m-%d").to_string())])}</p>
            }))}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <p class="actions">
                <button type="button" class="button small" id="private-calendar-make" on:click=make>
                    {move || if made.with(Option::is_some) { i18n.t("meetings.private_calendar_renew") } else { i18n.t("meetings.private_calendar_make") }}
                </button>
                <Show when=move || made.with(Option::is_some)>
                    <button type="button" class="button small secondary" id="private-calendar-withdraw" on:click=withdraw>{move || i18n.t("meetings.private_calendar_withdraw")}</button>
                </Show>
            </p>
        </details>
    }
}

#[component]
fn CancelMeeting(meeting: String, etag: Option<String>, cancelled: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (meeting, etag, r) = (meeting.clone(), etag.clone(), reason.get_untracked());
        leptos::task::spawn_local(async move {
            match endpoints::meetings::cancel(&meeting, r, etag.as_deref()).await {
                Ok(_) => cancelled.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <details class="card danger" id="cancel-meeting">
            <summary>{move || i18n.t("meetings.cancel")}</summary>
            <form on:submit=submit novalidate>
                <div class="field" class:invalid=move || error.with(|e| e.as_ref().and_then(|e| e.field("reason")).is_some())>
                    <label for="cancel-reason-input">{move || i18n.t("meetings.cancel_reason")}</label>
                    <textarea id="cancel-reason-input" rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    {move || error.with(|e| e.as_ref().and_then(|e| e.field("reason"))).map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button small danger" id="cancel-submit">{move || i18n.t("meetings.cancel_confirm")}</button>
            </form>
        </details>
    }
}

/// Starts the camera and reads QR codes with the browser's `BarcodeDetector`, calling
/// `found` with each code read; false when the browser has neither.
fn start_scanner(video: web_sys::HtmlVideoElement, found: Callback<String>, running: RwSignal<bool>) -> bool {
    use wasm_bindgen::{JsCast, JsValue};
    let win = window();
    let Ok(ctor) = js_sys::Reflect::get(&win, &JsValue::from_str("BarcodeDetector")) else { return false };
    let Some(ctor) = ctor.dyn_ref::<js_sys::Function>().cloned() else { return false };
    let Ok(media) = js_sys::Reflect::get(&win.navigator(), &JsValue::from_str("mediaDevices")) else { return false };
    if media.is_undefined() {
        return false;
    }
    let opts = js_sys::Object::new();
    let formats = js_sys::Array::of1(&JsValue::from_str("qr_code"));
    let _ = js_sys::Reflect::set(&opts, &JsValue::from_str("formats"), &formats);
    let Ok(detector) = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&opts)) else { return false };
    let constraints = js_sys::Object::new();
    let video_c = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&video_c, &JsValue::from_str("facingMode"), &JsValue::from_str("environment"));
    let _ = js_sys::Reflect::set(&constraints, &JsValue::from_str("video"), &video_c);
    let get_user_media = js_sys::Reflect::get(&media, &JsValue::from_str("getUserMedia")).ok();
    let Some(gum) = get_user_media.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) else { return false };
    let Ok(promise) = gum.call1(&media, &constraints) else { return false };
    running.set(true);
    leptos::task::spawn_local(async move {
        let Ok(stream) = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await else {
            running.set(false);
            return;
        };
        let _ = js_sys::Reflect::set(&video, &JsValue::from_str("srcObject"), &stream);
        let _ = video.play();
        let detect = js_sys::Reflect::get(&detector, &JsValue::from_str("detect"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let mut last = String::new();
        while running.get_untracked() {
            gloo_timers_sleep(400).await;
            let Some(detect) = &detect else { break };
            let Ok(p) = detect.call1(&detector, &video) else { continue };
            let Ok(codes) = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(p)).await else { continue };
            let codes = js_sys::Array::from(&codes);
            if let Some(first) = codes.iter().next() {
                if let Some(raw) =
                    js_sys::Reflect::get(&first, &JsValue::from_str("rawValue")).ok().and_then(|v| v.as_string())
                {
                    if raw != last {
                        last = raw.clone();
                        found.run(raw);
                    }
                }
            }
        }
        // Stop the camera.
        if let Ok(tracks) = js_sys::Reflect::get(&stream, &JsValue::from_str("getTracks")) {
            if let Some(f) = tracks.dyn_ref::<js_sys::Function>() {
                if let Ok(list) = f.call0(&stream) {
                    for t in js_sys::Array::from(&list).iter() {
                        if let Some(stop) = js_sys::Reflect::get(&t, &JsValue::from_str("stop"))
                            .ok()
                            .and_then(|s| s.dyn_into::<js_sys::Function>().ok())
                        {
                            let _ = stop.call0(&t);
                        }
                    }
                }
            }
        }
    });
    true
}

/// Waits `ms` milliseconds.
async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The door: scan or type a code, tick off named people, add someone not named.
#[component]
pub fn AttendancePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let meeting = RwSignal::new(None::<Result<Meeting, ApiError>>);
    let invitations = RwSignal::new(Vec::<MeetingInvitation>::new());
    let people = RwSignal::new(Vec::<Participant>::new());
    let last = RwSignal::new(None::<Result<CheckedIn, ApiError>>);
    let code = RwSignal::new(String::new());
    let scanning = RwSignal::new(false);
    let no_camera = RwSignal::new(false);
    let video_ref = NodeRef::<leptos::html::Video>::new();
    let load = move || {
        let id = id.get_untracked();
        leptos::task::spawn_local(async move {
            let r = endpoints::meetings::get(&id).await.map(|r| r.body);
            if r.is_ok() {
                invitations.set(endpoints::meetings::invitations(&id).await.unwrap_or_default());
                people.set(endpoints::meetings::participants(&id).await.unwrap_or_default());
            }
            meeting.set(Some(r));
        });
    };
    Effect::new(move |_| {
        id.track();
        session.0.track();
        load();
    });
    let check = Callback::new(move |c: String| {
        let mid = id.get_untracked();
        leptos::task::spawn_local(async move {
            let r = endpoints::meetings::check_in(&mid, c).await;
            if r.is_ok() {
                code.set(String::new());
                load();
            }
            last.set(Some(r));
        });
    });
    let record = move |input: ManualAttendance| {
        let mid = id.get_untracked();
        leptos::task::spawn_local(async move {
            let r = endpoints::meetings::record(&mid, &input).await;
            if r.is_ok() {
                load();
            }
            last.set(Some(r));
        });
    };
    on_cleanup(move || scanning.set(false));
    let scan = move |_| {
        if scanning.get_untracked() {
            scanning.set(false);
            return;
        }
        if let Some(v) = video_ref.get_untracked() {
            if !start_scanner(v, check, scanning) {
                no_camera.set(true);
            }
        }
    };
    view! {
        <section id="attendance-page" class="door">
            {move || match meeting.get() {
                None => view! { <p class="muted">{move || i18n.t("meetings.loading")}</p> }.into_any(),
                Some(Err(e)) if e.status == 404 => view! { <NotFound/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                Some(Ok(m)) => view! {
                    <p><A href=format!("/meetings/{}", m.id) attr:class="back">{m.title.clone()}</A></p>
                    <h1>{move || i18n.t("meetings.attendance")}</h1>
                }.into_any(),
            }}
            <form class="card scan" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); check.run(code.get_untracked()); }>
                <label for="door-code">{move || i18n.t("meetings.code")}</label>
                <input id="door-code" dir="ltr" autocomplete="off" inputmode="text" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                <div class="actions">
                    <button type="submit" class="button" id="door-check">{move || i18n.t("meetings.check_in")}</button>
                    <button type="button" class="button secondary" id="door-scan" on:click=scan>
                        {move || if scanning.get() { i18n.t("meetings.stop_scan") } else { i18n.t("meetings.scan") }}
                    </button>
                </div>
                <video node_ref=video_ref class="scanner" class:hidden=move || !scanning.get() playsinline=true muted=true></video>
                {move || no_camera.get().then(|| view! { <p class="muted small" id="no-camera">{move || i18n.t("meetings.no_camera")}</p> })}
            </form>
            <div aria-live="polite" id="door-result">
                {move || last.get().map(|r| match r {
                    Ok(c) => {
                        let org = i18n.pick(c.organization.name_ar.as_deref(), c.organization.name_en.as_deref()).to_owned();
                        view! { <p class="alert ok" id="door-ok">{i18n.t_with("meetings.welcome", &[("name", c.participant.name.clone()), ("org", org)])}</p> }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                })}
            </div>
            <ul class="plain door-list" id="door-orgs">
                {move || invitations.get().into_iter().filter(|i| i.answer != RsvpAnswer::Declined).map(|inv| {
                    let org = inv.organization_id.clone();
                    let name = i18n.pick(inv.name_ar.as_deref(), inv.name_en.as_deref()).to_owned();
                    let mine: Vec<Participant> = people.get().into_iter().filter(|p| p.organization_id == org).collect();
                    let walk_in = RwSignal::new(String::new());
                    let org2 = org.clone();
                    view! {
                        <li class="card door-org" data-org=org.to_string()>
                            <h3><bdi>{name}</bdi>" "<span class="muted small">{move || i18n.t_with("meetings.came", &[("n", i18n.number(inv.attended))])}</span></h3>
                            <ul class="plain">
                                {mine.into_iter().map(|p| {
                                    let done = p.checked_in_at.is_some();
                                    let input = ManualAttendance { organization_id: org.clone(), participant_id: Some(p.id.clone()), name: None, title: None };
                                    view! {
                                        <li class="door-person">
                                            <span><bdi>{p.name.clone()}</bdi></span>" "
                                            {if done {
                                                view! { <span class="badge status-verified">{move || i18n.t("meetings.checked_in")}</span> }.into_any()
                                            } else {
                                                view! { <button type="button" class="button small tick" on:click=move |_| record(input.clone())>{move || i18n.t("meetings.tick")}</button> }.into_any()
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <form class="walk-in" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                record(ManualAttendance { organization_id: org2.clone(), participant_id: None, name: Some(walk_in.get_untracked()), title: None });
                            }>
                                <input aria-label=move || i18n.t("meetings.walk_in") placeholder=move || i18n.t("meetings.walk_in")
                                    prop:value=move || walk_in.get() on:input=move |ev| walk_in.set(event_target_value(&ev))/>
                                <button type="submit" class="button small secondary">{move || i18n.t("meetings.add")}</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
