//! A meeting's record on its page: the agenda with working papers, the decisions (an
//! election makes the network's office), and the minutes with the attending
//! organizations' reviews. Managers write it; each attending organization's
//! administrator reviews the minutes for it.

use leptos::prelude::*;
use tashbeek_domain::meeting::{Agenda, AgendaInput, AgendaItemInput, MeetingOrganization};
use tashbeek_domain::minutes::{
    Decision, DecisionInput, DecisionMethod, ElectionInput, Minutes, MinutesInput, MinutesStatus, ReviewInput,
    ReviewVerdict,
};
use tashbeek_domain::office::{OfficePosition, TermInput};
use tashbeek_domain::OrganizationId;

use crate::api::ApiError;
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::{save, ErrorBox};
use crate::session::use_session;

const POSITIONS: [OfficePosition; 7] = [
    OfficePosition::Chair,
    OfficePosition::DeputyChair,
    OfficePosition::Secretary,
    OfficePosition::Treasurer,
    OfficePosition::YouthRepresentative,
    OfficePosition::WomenRepresentative,
    OfficePosition::Member,
];

fn org_name(i18n: &crate::i18n::I18n, o: &MeetingOrganization) -> String {
    i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned()
}

/// The whole record, loaded together; `manager`: the caller manages the meeting;
/// `orgs`: the organizations that may present, be elected or review (invited ones).
#[component]
pub fn MeetingRecord(meeting: String, manager: bool, orgs: Signal<Vec<MeetingOrganization>>) -> impl IntoView {
    let agenda = RwSignal::new(None::<Agenda>);
    let decisions = RwSignal::new(Vec::<Decision>::new());
    let minutes = RwSignal::new(Vec::<Minutes>::new());
    let load = {
        let meeting = meeting.clone();
        move || {
            let id = meeting.clone();
            leptos::task::spawn_local(async move {
                agenda.set(endpoints::meetings::agenda(&id).await.ok());
                decisions.set(endpoints::meetings::decisions(&id).await.unwrap_or_default());
                minutes.set(endpoints::meetings::minutes(&id).await.unwrap_or_default());
            });
        }
    };
    load();
    let reload = Callback::new(move |_| load());
    view! {
        <AgendaView meeting=meeting.clone() manager=manager agenda=agenda orgs=orgs reload=reload/>
        <Decisions meeting=meeting.clone() manager=manager list=decisions orgs=orgs reload=reload/>
        <MinutesView meeting=meeting manager=manager list=minutes reload=reload/>
    }
}

#[component]
fn AgendaView(
    meeting: String,
    manager: bool,
    agenda: RwSignal<Option<Agenda>>,
    orgs: Signal<Vec<MeetingOrganization>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let download = move |id: String, name: String| {
        leptos::task::spawn_local(async move {
            match endpoints::documents::bytes(&id).await {
                Ok(blob) => save(&blob, &name),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let meeting2 = meeting.clone();
    view! {
        <section class="card" id="agenda">
            <h2>{move || i18n.t("meetings.agenda")}</h2>
            {move || agenda.get().filter(|a| a.items.is_empty()).map(|_| view! { <p class="muted">{move || i18n.t("meetings.no_agenda")}</p> })}
            <ol class="agenda">
                {move || agenda.get().map(|a| a.items).unwrap_or_default().into_iter().map(|item| {
                    let presenter = item.presenter.as_ref().map(|p| org_name(&i18n, p));
                    let may_attach = session.can_write() && (manager || item.presenter.as_ref().is_some_and(|p| session.member_orgs().contains(&p.organization_id.to_string())));
                    let item_id = item.id.to_string();
                    let meeting = meeting.clone();
                    view! {
                        <li class="agenda-item">
                            <strong>{item.title.clone()}</strong>
                            {presenter.map(|p| view! { " — "<bdi>{p}</bdi> })}
                            {item.duration_minutes.map(|d| view! { " "<span class="muted small">{move || i18n.t_with("meetings.minutes_n", &[("n", i18n.number(d as i64))])}</span> })}
                            <ul class="plain papers">
                                {item.papers.into_iter().map(|p| {
                                    let (id, name) = (p.document.id.to_string(), p.document.name.clone());
                                    view! { <li class="paper">
                                        <button type="button" class="link" on:click=move |_| download(id.clone(), name.clone())>{p.title.clone()}</button>
                                        " "<span class="muted small">{p.authors.clone()}</span>
                                    </li> }
                                }).collect_view()}
                            </ul>
                            {may_attach.then(|| view! { <AddPaper meeting=meeting.clone() item=item_id.clone() added=reload/> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {manager.then(|| view! {
                <Show when=move || !editing.get() fallback=move || view! {
                    <AgendaForm meeting=meeting2.clone() agenda=agenda.get_untracked().unwrap_or(Agenda { items: vec![], version: 0 }) orgs=orgs
                        done=Callback::new(move |_| { editing.set(false); reload.run(()); })/>
                }>
                    <button type="button" class="button small secondary" id="agenda-edit" on:click=move |_| editing.set(true)>{move || i18n.t("meetings.agenda_edit")}</button>
                </Show>
            })}
        </section>
    }
}

#[derive(Clone)]
struct Row {
    id: Option<tashbeek_domain::AgendaItemId>,
    title: RwSignal<String>,
    presenter: RwSignal<String>,
    duration: RwSignal<String>,
}

#[component]
fn AgendaForm(
    meeting: String,
    agenda: Agenda,
    orgs: Signal<Vec<MeetingOrganization>>,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let new_row = |id, title: String, presenter: String, duration: String| Row {
        id,
        title: RwSignal::new(title),
        presenter: RwSignal::new(presenter),
        duration: RwSignal::new(duration),
    };
    let rows = RwSignal::new(
        agenda
            .items
            .iter()
            .map(|i| {
                new_row(
                    Some(i.id.clone()),
                    i.title.clone(),
                    i.presenter.as_ref().map(|p| p.organization_id.to_string()).unwrap_or_default(),
                    i.duration_minutes.map(|d| d.to_string()).unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>(),
    );
    if rows.with_untracked(Vec::is_empty) {
        rows.set(vec![new_row(None, String::new(), String::new(), String::new())]);
    }
    let error = RwSignal::new(None::<ApiError>);
    let version = agenda.version;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let items = rows
            .get_untracked()
            .iter()
            .map(|r| AgendaItemInput {
                id: r.id.clone(),
                title: r.title.get_untracked(),
                presenter_id: OrganizationId::parse(&r.presenter.get_untracked()),
                duration_minutes: r.duration.get_untracked().trim().parse().ok(),
            })
            .collect();
        let meeting = meeting.clone();
        leptos::task::spawn_local(async move {
            match endpoints::meetings::set_agenda(&meeting, &AgendaInput { items }, version).await {
                Ok(_) => done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="agenda-form" on:submit=submit novalidate>
            {move || rows.get().into_iter().enumerate().map(|(n, r)| {
                let err = move |f: &str| error.with(|e| e.as_ref().and_then(|e| e.field(&format!("items[{n}].{f}"))));
                view! {
                    <fieldset class="agenda-row">
                        <legend>{n + 1}</legend>
                        <input class="agenda-title" aria-label=move || i18n.t("meetings.f.title") prop:value=move || r.title.get()
                            on:input=move |ev| r.title.set(event_target_value(&ev))/>
                        {move || err("title").map(|m| view! { <p class="field-error">{m}</p> })}
                        <select aria-label=move || i18n.t("meetings.presenter") on:change=move |ev| r.presenter.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t("meetings.no_presenter")}</option>
                            {move || orgs.get().into_iter().map(|o| {
                                let id = o.organization_id.to_string();
                                let selected = { let id = id.clone(); move || r.presenter.get() == id };
                                view! { <option value=id selected=selected>{org_name(&i18n, &o)}</option> }
                            }).collect_view()}
                        </select>
                        <input type="number" min="1" max="1440" class="agenda-duration" aria-label=move || i18n.t("meetings.duration")
                            prop:value=move || r.duration.get() on:input=move |ev| r.duration.set(event_target_value(&ev))/>
                        <button type="button" class="link" on:click=move |_| rows.update(|l| { l.remove(n); })>{move || i18n.t("meetings.remove")}</button>
                    </fieldset>
                }
            }).collect_view()}
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
            <p class="actions">
                <button type="button" class="button small secondary" id="agenda-add"
                    on:click=move |_| rows.update(|l| l.push(new_row(None, String::new(), String::new(), String::new())))>{move || i18n.t("meetings.agenda_add")}</button>
                <button type="submit" class="button small" id="agenda-save">{move || i18n.t("meetings.save")}</button>
            </p>
        </form>
    }
}

#[component]
fn AddPaper(meeting: String, item: String, added: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let (title, authors) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<ApiError>);
    let file_ref = NodeRef::<leptos::html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = file_ref.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        let (meeting, item) = (meeting.clone(), item.clone());
        let (t, a) = (title.get_untracked(), authors.get_untracked());
        leptos::task::spawn_local(async move {
            match endpoints::meetings::add_paper(&meeting, &item, &t, &a, &file).await {
                Ok(_) => {
                    error.set(None);
                    added.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <details class="add-paper">
            <summary>{move || i18n.t("meetings.add_paper")}</summary>
            <form on:submit=submit>
                <input class="paper-title" placeholder=move || i18n.t("meetings.paper_title") aria-label=move || i18n.t("meetings.paper_title")
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                <input class="paper-authors" placeholder=move || i18n.t("meetings.paper_authors") aria-label=move || i18n.t("meetings.paper_authors")
                    prop:value=move || authors.get() on:input=move |ev| authors.set(event_target_value(&ev))/>
                <input type="file" class="paper-file" node_ref=file_ref/>
                {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button small">{move || i18n.t("meetings.upload")}</button>
            </form>
        </details>
    }
}

#[component]
fn Decisions(
    meeting: String,
    manager: bool,
    list: RwSignal<Vec<Decision>>,
    orgs: Signal<Vec<MeetingOrganization>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" id="decisions">
            <h2>{move || i18n.t("meetings.decisions")}</h2>
            {move || list.with(Vec::is_empty).then(|| view! { <p class="muted">{move || i18n.t("meetings.no_decisions")}</p> })}
            <ol class="decisions">
                {move || list.get().into_iter().map(|d| {
                    let method = d.method;
                    let votes = (method == DecisionMethod::Vote).then(|| i18n.t_with("meetings.votes", &[
                        ("for", i18n.number(d.votes_for.unwrap_or(0) as i64)),
                        ("against", i18n.number(d.votes_against.unwrap_or(0) as i64)),
                        ("abstain", i18n.number(d.abstentions.unwrap_or(0) as i64)),
                    ]));
                    view! {
                        <li class="decision">
                            <p>{d.body.clone()}</p>
                            <p class="muted small">{move || i18n.t(&format!("meetings.method.{}", method.as_str()))}{votes.map(|v| format!(" · {v}"))}</p>
                            {(!d.elected.is_empty()).then(|| view! {
                                <ul class="plain elected">
                                    {d.elected.iter().map(|t| {
                                        let p = t.position;
                                        view! { <li><strong>{move || i18n.t(&format!("office.position.{}", p.as_str()))}</strong>": "<bdi>{t.person_name.clone()}</bdi>
                                            " ("<bdi>{org_name(&i18n, &t.organization)}</bdi>") "
                                            <span class="muted small" dir="ltr">{format!("{} → {}", t.starts_on, t.ends_on.map(|d| d.to_string()).unwrap_or_default())}</span></li> }
                                    }).collect_view()}
                                </ul>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {manager.then(|| view! { <DecisionForm meeting=meeting.clone() orgs=orgs done=reload/> })}
        </section>
    }
}

#[derive(Clone)]
struct TermRow {
    position: RwSignal<String>,
    name: RwSignal<String>,
    org: RwSignal<String>,
    starts: RwSignal<String>,
    ends: RwSignal<String>,
}

#[component]
fn DecisionForm(meeting: String, orgs: Signal<Vec<MeetingOrganization>>, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let method = RwSignal::new("consensus".to_owned());
    let (yes, no, abstain) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let election = RwSignal::new(false);
    let terms = RwSignal::new(Vec::<TermRow>::new());
    let error = RwSignal::new(None::<ApiError>);
    let add_term = move || {
        terms.update(|t| {
            t.push(TermRow {
                position: RwSignal::new("chair".into()),
                name: RwSignal::new(String::new()),
                org: RwSignal::new(String::new()),
                starts: RwSignal::new(String::new()),
                ends: RwSignal::new(String::new()),
            })
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let vote = method.get_untracked() == "vote";
        let count = |s: RwSignal<String>| if vote { s.get_untracked().trim().parse().ok() } else { None };
        let election = election.get_untracked().then(|| ElectionInput {
            terms: terms
                .get_untracked()
                .iter()
                .filter_map(|t| {
                    Some(TermInput {
                        position: OfficePosition::parse(&t.position.get_untracked())?,
                        person_name: t.name.get_untracked(),
                        organization_id: OrganizationId::parse(&t.org.get_untracked())?,
                        starts_on: chrono::NaiveDate::parse_from_str(&t.starts.get_untracked(), "%Y-%m-%d").ok()?,
                        ends_on: chrono::NaiveDate::parse_from_str(&t.ends.get_untracked(), "%Y-%m-%d").ok(),
                    })
                })
                .collect(),
        });
        let input = DecisionInput {
            body: body.get_untracked(),
            method: if vote { DecisionMethod::Vote } else { DecisionMethod::Consensus },
            votes_for: count(yes),
            votes_against: count(no),
            abstentions: count(abstain),
            election,
        };
        let meeting = meeting.clone();
        leptos::task::spawn_local(async move {
            match endpoints::meetings::decide(&meeting, &input).await {
                Ok(_) => {
                    error.set(None);
                    body.set(String::new());
                    terms.set(vec![]);
                    done.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let field_error = move |f: &str| error.with(|e| e.as_ref().and_then(|e| e.field(f)));
    let count_input = move |s: RwSignal<String>, id: &'static str, key: &'static str| {
        view! { <label class="count">{move || i18n.t(key)}<input id=id type="number" min="0" prop:value=move || s.get() on:input=move |ev| s.set(event_target_value(&ev))/></label> }
    };
    view! {
        <details class="decision-form" id="decision-new">
            <summary>{move || i18n.t("meetings.decision_new")}</summary>
            <form on:submit=submit novalidate>
                <div class="field" class:invalid=move || field_error("body").is_some()>
                    <label for="d-body">{move || i18n.t("meetings.decision_text")}</label>
                    <textarea id="d-body" rows="2" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                    {move || field_error("body").map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <fieldset class="inline">
                    {["consensus", "vote"].into_iter().map(|m| view! {
                        <label class="check"><input type="radio" name="d-method" value=m id=format!("d-{m}") prop:checked=move || method.get() == m
                            on:change=move |_| method.set(m.to_owned())/>{move || i18n.t(&format!("meetings.method.{m}"))}</label>
                    }).collect_view()}
                </fieldset>
                <Show when=move || method.get() == "vote">
                    <div class="counts">
                        {count_input(yes, "d-for", "meetings.votes_for")}
                        {count_input(no, "d-against", "meetings.votes_against")}
                        {count_input(abstain, "d-abstain", "meetings.abstentions")}
                    </div>
                </Show>
                <label class="check"><input type="checkbox" id="d-election" prop:checked=move || election.get()
                    on:change=move |ev| { election.set(event_target_checked(&ev)); if terms.with_untracked(Vec::is_empty) { add_term(); } }/>
                    {move || i18n.t("meetings.election")}</label>
                <Show when=move || election.get()>
                    {move || terms.get().into_iter().enumerate().map(|(n, t)| {
                        let err = move |f: &str| error.with(|e| e.as_ref().and_then(|e| e.field(&format!("election.terms[{n}].{f}"))));
                        view! {
                            <fieldset class="term">
                                <select class="term-position" aria-label=move || i18n.t("office.position") on:change=move |ev| t.position.set(event_target_value(&ev))>
                                    {POSITIONS.iter().map(|p| { let p = *p; view! { <option value=p.as_str() selected=move || t.position.get() == p.as_str()>{move || i18n.t(&format!("office.position.{}", p.as_str()))}</option> } }).collect_view()}
                                </select>
                                <input class="term-name" aria-label=move || i18n.t("office.person") placeholder=move || i18n.t("office.person")
                                    prop:value=move || t.name.get() on:input=move |ev| t.name.set(event_target_value(&ev))/>
                                <select class="term-org" aria-label=move || i18n.t("office.organization") on:change=move |ev| t.org.set(event_target_value(&ev))>
                                    <option value="">{move || i18n.t("office.organization")}</option>
                                    {move || orgs.get().into_iter().map(|o| view! { <option value=o.organization_id.to_string()>{org_name(&i18n, &o)}</option> }).collect_view()}
                                </select>
                                <input type="date" class="term-starts" aria-label=move || i18n.t("office.starts") prop:value=move || t.starts.get() on:input=move |ev| t.starts.set(event_target_value(&ev))/>
                                <input type="date" class="term-ends" aria-label=move || i18n.t("office.ends") prop:value=move || t.ends.get() on:input=move |ev| t.ends.set(event_target_value(&ev))/>
                                {move || ["position", "person_name", "organization_id", "ends_on"].into_iter().find_map(err).map(|m| view! { <p class="field-error">{m}</p> })}
                            </fieldset>
                        }
                    }).collect_view()}
                    <button type="button" class="button small secondary" id="d-add-term" on:click=move |_| add_term()>{move || i18n.t("meetings.add_term")}</button>
                    {move || field_error("election").map(|m| view! { <p class="field-error">{m}</p> })}
                </Show>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button small" id="d-submit">{move || i18n.t("meetings.decision_record")}</button>
            </form>
        </details>
    }
}

#[component]
fn MinutesView(meeting: String, manager: bool, list: RwSignal<Vec<Minutes>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let error = RwSignal::new(None::<ApiError>);
    let open = move || list.with(|l| l.iter().any(|m| m.status != MinutesStatus::Approved));
    let meeting2 = meeting.clone();
    view! {
        <section class="card" id="minutes">
            <h2>{move || i18n.t("meetings.minutes")}</h2>
            {move || list.with(Vec::is_empty).then(|| view! { <p class="muted">{move || i18n.t("meetings.no_minutes")}</p> })}
            {move || list.get().into_iter().map(|m| {
                let status = m.status;
                let approvals = m.reviews.iter().filter(|r| r.verdict == ReviewVerdict::Approved).count();
                let mine: Vec<MeetingOrganization> = m.reviewers.iter().filter(|o| session.can_write() && session.admin_orgs().contains(&o.organization_id.to_string())).cloned().collect();
                let (mid, version) = (m.id.to_string(), m.version);
                let (meeting_c, mid_c) = (meeting.clone(), mid.clone());
                let circulate = move |_| {
                    let (meeting, mid) = (meeting_c.clone(), mid_c.clone());
                    leptos::task::spawn_local(async move {
                        match endpoints::meetings::circulate(&meeting, &mid, version).await {
                            Ok(_) => reload.run(()),
                            Err(e) => error.set(Some(e)),
                        }
                    });
                };
                view! {
                    <article class="minutes-record" data-status=status.as_str()>
                        <p>
                            <span class=format!("badge minutes-{}", status.as_str())>{move || i18n.t(&format!("meetings.minutes_status.{}", status.as_str()))}</span>
                            {m.corrects_id.is_some().then(|| view! { " "<span class="badge">{move || i18n.t("meetings.correction")}</span> })}
                            " "<span class="muted small">{move || i18n.t_with("meetings.approvals", &[("n", i18n.number(approvals as i64)), ("of", i18n.number(m.reviewers.len() as i64)), ("share", i18n.number(m.required_percent as i64))])}</span>
                        </p>
                        <div class="prose minutes-body">{m.body.clone()}</div>
                        <ul class="plain reviews">
                            {m.reviews.iter().map(|r| {
                                let v = r.verdict;
                                view! { <li><bdi>{org_name(&i18n, &r.organization)}</bdi>": "<span class=format!("badge review-{}", v.as_str())>{move || i18n.t(&format!("meetings.verdict.{}", v.as_str()))}</span>
                                    {r.comment.clone().map(|c| view! { " "<q>{c}</q> })}</li> }
                            }).collect_view()}
                        </ul>
                        {(manager && status == MinutesStatus::Draft).then(|| view! {
                            <button type="button" class="button small" id="minutes-circulate" on:click=circulate>{move || i18n.t("meetings.circulate")}</button>
                        })}
                        {(manager && status != MinutesStatus::Approved).then(|| view! {
                            <MinutesForm meeting=meeting.clone() existing=Some((mid.clone(), version, m.body.clone())) done=reload/>
                        })}
                        {(status == MinutesStatus::Circulated).then(|| mine.into_iter().map(|o| view! {
                            <ReviewForm meeting=meeting.clone() minutes=mid.clone() org=o done=reload/>
                        }).collect_view())}
                    </article>
                }
            }).collect_view()}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {manager.then(|| view! {
                <Show when=move || !open()>
                    <MinutesForm meeting=meeting2.clone() existing=None done=reload/>
                </Show>
            })}
        </section>
    }
}

/// Writes new minutes (or a correction), or rewrites the open ones (`existing`: id, version, text).
#[component]
fn MinutesForm(meeting: String, existing: Option<(String, i64, String)>, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(existing.as_ref().map(|e| e.2.clone()).unwrap_or_default());
    let share = RwSignal::new("100".to_owned());
    let error = RwSignal::new(None::<ApiError>);
    let editing = existing.is_some();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input =
            MinutesInput { body: body.get_untracked(), required_percent: share.get_untracked().trim().parse().ok() };
        let (meeting, existing) = (meeting.clone(), existing.clone());
        leptos::task::spawn_local(async move {
            let r = match existing {
                Some((id, version, _)) => endpoints::meetings::edit_minutes(&meeting, &id, &input, version).await,
                None => endpoints::meetings::write_minutes(&meeting, &input).await,
            };
            match r {
                Ok(_) => {
                    error.set(None);
                    done.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <details class="minutes-form" open=!editing>
            <summary>{move || if editing { i18n.t("meetings.minutes_edit") } else { i18n.t("meetings.minutes_write") }}</summary>
            <form on:submit=submit novalidate>
                <div class="field" class:invalid=move || error.with(|e| e.as_ref().and_then(|e| e.field("body")).is_some())>
                    <label for="minutes-body">{move || i18n.t("meetings.minutes_body")}</label>
                    <textarea id="minutes-body" rows="6" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                    {move || error.with(|e| e.as_ref().and_then(|e| e.field("body"))).map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <div class="field">
                    <label for="minutes-share">{move || i18n.t("meetings.required_share")}</label>
                    <input id="minutes-share" type="number" min="1" max="100" prop:value=move || share.get() on:input=move |ev| share.set(event_target_value(&ev))/>
                </div>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button small" id="minutes-save">{move || i18n.t("meetings.save")}</button>
            </form>
        </details>
    }
}

#[component]
fn ReviewForm(meeting: String, minutes: String, org: MeetingOrganization, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let org_id = org.organization_id.to_string();
    let send = move |verdict: ReviewVerdict| {
        let input = ReviewInput { verdict, comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()) };
        let (meeting, minutes, org_id) = (meeting.clone(), minutes.clone(), org_id.clone());
        leptos::task::spawn_local(async move {
            match endpoints::meetings::review(&meeting, &minutes, &org_id, &input).await {
                Ok(_) => done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let send2 = send.clone();
    view! {
        <div class="review-form">
            <p><strong>{move || i18n.t_with("meetings.review_for", &[("org", org_name(&i18n, &org))])}</strong></p>
            <textarea class="review-comment" rows="2" aria-label=move || i18n.t("meetings.comment") placeholder=move || i18n.t("meetings.comment")
                prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <p class="actions">
                <button type="button" class="button small" id="minutes-approve" on:click=move |_| send(ReviewVerdict::Approved)>{move || i18n.t("meetings.approve")}</button>
                <button type="button" class="button small secondary" id="minutes-comment" on:click=move |_| send2(ReviewVerdict::Commented)>{move || i18n.t("meetings.send_comment")}</button>
            </p>
        </div>
    }
}
