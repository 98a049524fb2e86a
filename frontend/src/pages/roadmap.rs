//! A network's coordination office roadmap: goals in columns by term (short, medium,
//! long), each with its progress and tasks; a table of tasks by term and status; filters
//! in the address. Coordinators set goals and plan tasks; a task's owner organization
//! moves its status.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use tashbeek_domain::network::NetworkMemberStatus;
use tashbeek_domain::partnership::iso_date;
use tashbeek_domain::roadmap::{
    Goal, GoalInput, GoalStatus, GoalTerm, Roadmap, RoadmapGoal, Task, TaskInput, TaskStatus, TaskStatusChange,
};
use tashbeek_domain::{OrganizationId, RecommendationId};

use crate::api::{enc, ApiError};
use crate::endpoints;
use crate::i18n::{use_i18n, I18n};
use crate::pages::not_found::NotFound;
use crate::pages::recommendation::{day, progress_bar};
use crate::pages::ErrorBox;
use crate::session::{use_coordinated, use_session};

/// What the forms of one roadmap choose from: the network's member organizations, and its
/// recommendations (id, code).
#[derive(Clone, Copy)]
struct Choices {
    members: RwSignal<Vec<(OrganizationId, String)>>,
    recommendations: RwSignal<Vec<(RecommendationId, String)>>,
}

fn term_label(i18n: I18n, t: GoalTerm) -> Signal<String> {
    i18n.text_owned(format!("road.term.{}", t.as_str()))
}

fn task_badge(i18n: I18n, s: TaskStatus) -> impl IntoView {
    view! { <span class=format!("badge task-{}", s.as_str())>{i18n.text_owned(format!("road.status.{}", s.as_str()))}</span> }
}

fn opt(s: RwSignal<String>) -> Option<String> {
    Some(s.get_untracked()).filter(|v| !v.trim().is_empty())
}

fn field_error(error: RwSignal<Option<ApiError>>, f: &'static str) -> impl Fn() -> Option<AnyView> {
    move || error.get().and_then(|e| e.list_field(f)).map(|m| view! { <span class="field-error">{m}</span> }.into_any())
}

/// The networks whose roadmaps the caller may open: those they coordinate first.
#[component]
pub fn RoadmapIndex() -> impl IntoView {
    let i18n = use_i18n();
    let coordinated = use_coordinated();
    let networks = RwSignal::new(Vec::<tashbeek_domain::network::Network>::new());
    let error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match endpoints::networks::list().await {
                Ok(p) => networks.set(p.items),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let sorted = move || {
        let mine = coordinated.get();
        let mut list = networks.get();
        list.sort_by_key(|n| !mine.contains(&n.id.to_string()));
        list
    };
    view! {
        <section id="roadmap-index">
            <h1>{i18n.text("road.title")}</h1>
            <p class="muted">{i18n.text("road.pick")}</p>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <ul class="results" id="roadmap-networks">
                <For each=sorted key=|n| n.id.clone() let:n>
                    {
                        let name = i18n.pick(n.name_ar.as_deref(), n.name_en.as_deref()).to_owned();
                        let mine = coordinated.0.get_untracked().contains(&n.id.to_string());
                        view! {
                            <li class="card">
                                <A href=format!("/roadmap/{}", n.id)>{name}</A>
                                {mine.then(|| view! { " "<span class="badge">{i18n.text("road.you_coordinate")}</span> })}
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}

/// `/roadmap/tasks/:id` (a progress update's related task): opens its roadmap on it.
#[component]
pub fn TaskLink() -> impl IntoView {
    let params = use_params_map();
    let navigate = use_navigate();
    let missing = RwSignal::new(false);
    Effect::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match endpoints::roadmap::task(&id).await {
                Ok(t) => navigate(
                    &format!("/roadmap/{}?task={}", t.network_id, t.id),
                    leptos_router::NavigateOptions { replace: true, ..Default::default() },
                ),
                Err(_) => missing.set(true),
            }
        });
    });
    move || missing.get().then(|| view! { <NotFound/> })
}

/// A network's roadmap.
#[component]
pub fn RoadmapPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let query_map = use_query_map();
    let navigate = use_navigate();
    let network = move || params.with(|p| p.get("network").unwrap_or_default());
    let param = move |k: &str| query_map.with(|q| q.get(k).unwrap_or_default());
    let set_param = move |k: &'static str, v: String| {
        let mut q: Vec<(String, String)> = query_map.with_untracked(|m| {
            m.clone()
                .into_iter()
                .map(|(key, v)| (key.to_string(), v))
                .filter(|(key, _)| key != k && key != "task")
                .collect()
        });
        if !v.is_empty() {
            q.push((k.to_owned(), v));
        }
        let s: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
        navigate(&format!("/roadmap/{}?{}", network(), s.join("&")), Default::default());
    };
    let roadmap = RwSignal::new(None::<Roadmap>);
    // Each load redraws the goals (their tasks, links and the caller's powers change with
    // the filters and with others' edits, not only with versions).
    let loads = RwSignal::new(0u64);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let missing = RwSignal::new(false);
    let choices = Choices { members: RwSignal::new(vec![]), recommendations: RwSignal::new(vec![]) };
    let load = move || {
        let net = network();
        let mut q = vec![];
        query_map.with_untracked(|m| {
            for k in ["term", "status", "owner", "overdue"] {
                if let Some(v) = m.get(k).filter(|v| !v.is_empty()) {
                    q.push(format!("{k}={}", enc(&v)));
                }
            }
        });
        let q = q.join("&");
        leptos::task::spawn_local(async move {
            match endpoints::roadmap::show(&net, &q).await {
                Ok(r) => {
                    error.set(None);
                    missing.set(false);
                    loads.update(|n| *n += 1);
                    roadmap.set(Some(r));
                }
                Err(e) if e.status == 404 => missing.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let reload = Callback::new(move |_: ()| load());
    Effect::new(move |_| {
        query_map.track();
        session.0.track();
        if session.signed_in() {
            load();
        }
    });
    Effect::new(move |_| {
        let net = network();
        if !session.signed_in() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(n) = endpoints::networks::get(&net).await {
                name.set(i18n.pick(n.name_ar.as_deref(), n.name_en.as_deref()).to_owned());
            }
            if let Ok(members) = endpoints::networks::members(&net).await {
                choices.members.set(
                    members
                        .into_iter()
                        .filter(|m| m.status == NetworkMemberStatus::Member)
                        .map(|m| (m.organization_id, i18n.pick(m.name_ar.as_deref(), m.name_en.as_deref()).to_owned()))
                        .collect(),
                );
            }
            if let Ok(p) = endpoints::recommendations::list(&format!("network={net}&limit=200")).await {
                choices.recommendations.set(p.items.into_iter().map(|r| (r.id, r.code)).collect());
            }
        });
    });
    let plans = move || roadmap.with(|r| r.as_ref().is_some_and(|r| r.plans));
    let (sp1, sp2, sp3, sp4) = (set_param.clone(), set_param.clone(), set_param.clone(), set_param.clone());
    view! {
        {move || missing.get().then(|| view! { <NotFound/> })}
        <section id="roadmap-page" hidden=move || missing.get()>
            <div class="org-head">
                <h1>{i18n.text("road.title")}</h1>
                <bdi class="muted" id="roadmap-network">{move || name.get()}</bdi>
                <a href=move || format!("/networks/{}", network()) class="button secondary">{i18n.text("road.network")}</a>
                <A href=move || format!("/recommendations?network={}", network()) attr:class="button secondary">{i18n.text("road.recommendations")}</A>
            </div>
            <p class="muted">{i18n.text("road.intro")}</p>
            <div class="card filters filter-grid">
                <div class="field">
                    <label for="f-term">{i18n.text("road.term_label")}</label>
                    <select id="f-term" on:change=move |ev| sp1("term", event_target_value(&ev))>
                        <option value="">{i18n.text("road.any")}</option>
                        {GoalTerm::ALL.iter().map(|t| {
                            let t = *t;
                            view! { <option value=t.as_str() selected=move || param("term") == t.as_str()>{term_label(i18n, t)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-status">{i18n.text("road.status_label")}</label>
                    <select id="f-status" on:change=move |ev| sp2("status", event_target_value(&ev))>
                        <option value="">{i18n.text("road.any")}</option>
                        {TaskStatus::ALL.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s.as_str() selected=move || param("status") == s.as_str()>{i18n.text_owned(format!("road.status.{}", s.as_str()))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-owner">{i18n.text("road.owner")}</label>
                    <select id="f-owner" on:change=move |ev| sp3("owner", event_target_value(&ev))>
                        <option value="">{i18n.text("road.any")}</option>
                        {move || choices.members.get().into_iter().map(|(id, n)| {
                            let selected = param("owner") == id.as_str();
                            view! { <option value=id.to_string() selected=selected>{n}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field checks">
                    <label class="check">
                        <input type="checkbox" id="f-overdue" prop:checked=move || param("overdue") == "true"
                            on:change=move |ev| sp4("overdue", if event_target_checked(&ev) { "true".into() } else { String::new() })/>
                        {i18n.text("road.overdue_only")}
                    </label>
                </div>
            </div>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || roadmap.get().map(|r| view! { <Counts roadmap=r/> })}
            <Show when=plans>
                <details class="card" id="new-goal">
                    <summary>{i18n.text("road.new_goal")}</summary>
                    <GoalForm network=network() goal=None reload=reload/>
                </details>
            </Show>
            {move || roadmap.with(|r| r.as_ref().is_some_and(|r| r.goals.is_empty())).then(|| view! {
                <p class="empty" id="roadmap-empty">{i18n.text("road.none")}</p>
            })}
            <div class="board roadmap" id="roadmap">
                {GoalTerm::ALL.iter().map(|t| {
                    let t = *t;
                    let goals = move || roadmap.with(|r| r.as_ref().map(|r| r.goals.iter().filter(|g| g.goal.term == t).cloned().collect::<Vec<_>>()).unwrap_or_default());
                    view! {
                        <section class="board-column" id=format!("term-{}", t.as_str())>
                            <h2>{term_label(i18n, t)}" "<bdi class="muted">{move || goals().len().to_string()}</bdi></h2>
                            <ul class="results">
                                <For each=goals key=move |g| (g.goal.id.clone(), loads.get_untracked()) let:g>
                                    <GoalCard g=g plans=plans() choices=choices reload=reload highlight=param("task")/>
                                </For>
                            </ul>
                        </section>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}

/// The tasks of each term in each status, over the whole roadmap.
#[component]
fn Counts(roadmap: Roadmap) -> impl IntoView {
    let i18n = use_i18n();
    let count = move |t: GoalTerm, s: TaskStatus| {
        roadmap.counts.iter().find(|c| c.term == t && c.status == s).map(|c| c.tasks).unwrap_or(0)
    };
    view! {
        <div class="card table-wrap">
            <table class="table" id="roadmap-counts">
                <caption>{i18n.text("road.counts")}</caption>
                <thead><tr>
                    <th scope="col">{i18n.text("road.term_label")}</th>
                    {TaskStatus::ALL.iter().map(|s| view! { <th scope="col">{task_badge(i18n, *s)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {GoalTerm::ALL.iter().map(|t| {
                        let t = *t;
                        view! {
                            <tr data-term=t.as_str()>
                                <th scope="row">{term_label(i18n, t)}</th>
                                {TaskStatus::ALL.iter().map(|s| view! { <td data-status=s.as_str()><bdi>{i18n.number(count(t, *s))}</bdi></td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn GoalCard(g: RoadmapGoal, plans: bool, choices: Choices, reload: Callback<()>, highlight: String) -> impl IntoView {
    let i18n = use_i18n();
    let goal = g.goal.clone();
    let error = RwSignal::new(None::<ApiError>);
    let (gid, version) = (goal.id.to_string(), goal.version);
    let remove = move |_| {
        let gid = gid.clone();
        leptos::task::spawn_local(async move {
            match endpoints::roadmap::remove_goal(&gid, version).await {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let network = goal.network_id.to_string();
    let goal_id = goal.id.to_string();
    view! {
        <li class="card goal" data-status=goal.status.as_str() id=format!("goal-{}", goal.id)>
            <div class="org-card-head">
                <strong class="goal-title">{goal.title.clone()}</strong>
                <span class=format!("badge goal-{}", goal.status.as_str())>{i18n.text_owned(format!("road.goal.{}", goal.status.as_str()))}</span>
            </div>
            {goal.description.clone().map(|d| view! { <p class="goal-description">{d}</p> })}
            <p class="muted small">{i18n.text("road.target")}" "{day(i18n, goal.target_on)}</p>
            <div class="rec-progress goal-progress">{progress_bar(goal.progress)}</div>
            <ul class="tasks">
                {g.tasks.into_iter().map(|t| {
                    let lit = t.id.as_str() == highlight;
                    view! { <TaskItem t=t plans=plans choices=choices reload=reload highlight=lit/> }
                }).collect_view()}
            </ul>
            {plans.then(|| view! {
                <details class="add-task">
                    <summary>{i18n.text("road.new_task")}</summary>
                    <TaskForm goal=goal_id.clone() task=None choices=choices reload=reload/>
                </details>
                <details class="edit-goal">
                    <summary>{i18n.text("road.edit_goal")}</summary>
                    <GoalForm network=network.clone() goal=Some(goal.clone()) reload=reload/>
                    <button type="button" class="button small secondary remove-goal" on:click=remove.clone()>{i18n.text("road.remove_goal")}</button>
                </details>
            })}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        </li>
    }
}

#[component]
fn TaskItem(t: Task, plans: bool, choices: Choices, reload: Callback<()>, highlight: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let owner_member = t.owner.organization_id.as_ref().is_some_and(|o| session.member_orgs().contains(&o.to_string()));
    let may_move = (plans || owner_member) && session.can_write();
    let error = RwSignal::new(None::<ApiError>);
    let next = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let (tid, version) = (t.id.to_string(), t.version);
    let ids = StoredValue::new(tid.clone());
    let move_to = move |_| {
        let Some(status) = TaskStatus::parse(&next.get_untracked()) else { return };
        let change = TaskStatusChange { status, reason: opt(reason) };
        let tid = ids.get_value();
        leptos::task::spawn_local(async move {
            match endpoints::roadmap::set_task_status(&tid, version, &change).await {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let remove = move |_| {
        let tid = ids.get_value();
        leptos::task::spawn_local(async move {
            match endpoints::roadmap::remove_task(&tid, version).await {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let owner = match (&t.owner.organization_id, &t.owner.person) {
        (Some(_), Some(p)) => format!("{} · {p}", i18n.pick(t.owner.name_ar.as_deref(), t.owner.name_en.as_deref())),
        (Some(_), None) => i18n.pick(t.owner.name_ar.as_deref(), t.owner.name_en.as_deref()).to_owned(),
        (None, Some(p)) => p.clone(),
        (None, None) => "—".into(),
    };
    let status = t.status;
    let goal = t.goal_id.to_string();
    let linked = t.recommendations.clone();
    view! {
        <li class="task" class:overdue=t.overdue class:highlight=highlight data-status=status.as_str() id=format!("task-{tid}")>
            <div class="org-card-head">
                <span class="task-title">{t.title.clone()}</span>
                {task_badge(i18n, status)}
            </div>
            <p class="muted small">
                {i18n.text("road.owner")}": "<span class="task-owner">{owner}</span>" · "
                {i18n.text("road.due")}" "{day(i18n, t.due_on)}
                {t.overdue.then(|| view! { " · "<strong class="overdue-flag">{i18n.text("road.overdue")}</strong> })}
                {t.completed_on.map(|d| view! { " · "{i18n.text("road.done_on")}" "{day(i18n, Some(d))} })}
            </p>
            {t.description.clone().map(|d| view! { <p class="small">{d}</p> })}
            {t.status_reason.clone().map(|r| view! { <p class="muted small task-reason">{i18n.text("road.because")}" "{r}</p> })}
            {(!linked.is_empty()).then(move || view! {
                <ul class="chips task-recommendations">
                    {linked.into_iter().map(|r| view! {
                        <li class="chip"><A href=format!("/recommendations/{}", r.id)><bdi>{r.code.clone()}</bdi></A>" "<bdi class="muted">{format!("{}%", r.progress)}</bdi></li>
                    }).collect_view()}
                </ul>
            })}
            {may_move.then(|| view! {
                <div class="actions task-move">
                    <select class="task-next" aria-label=move || i18n.t("road.move_to") on:change=move |ev| next.set(event_target_value(&ev))>
                        <option value="">{i18n.text("road.move_to")}</option>
                        {TaskStatus::ALL.iter().filter(|s| **s != status).map(|s| view! {
                            <option value=s.as_str()>{i18n.text_owned(format!("road.status.{}", s.as_str()))}</option>
                        }).collect_view()}
                    </select>
                    <input class="task-reason-input" placeholder=move || i18n.t("road.reason_hint") aria-label=move || i18n.t("road.reason_hint")
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                    <button type="button" class="button small task-move-submit" on:click=move_to>{i18n.text("road.move")}</button>
                </div>
            })}
            {plans.then(|| view! {
                <details class="edit-task">
                    <summary>{i18n.text("road.edit_task")}</summary>
                    <TaskForm goal=goal.clone() task=Some(t.clone()) choices=choices reload=reload/>
                    <button type="button" class="button small secondary remove-task" on:click=remove>{i18n.text("road.remove_task")}</button>
                </details>
            })}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        </li>
    }
}

/// Setting a goal, or (with `goal`) rewriting it.
#[component]
fn GoalForm(network: String, goal: Option<Goal>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let g = goal.clone();
    let term = RwSignal::new(g.as_ref().map(|g| g.term).unwrap_or(GoalTerm::Short));
    let status = RwSignal::new(g.as_ref().map(|g| g.status).unwrap_or(GoalStatus::Active));
    let title = RwSignal::new(g.as_ref().map(|g| g.title.clone()).unwrap_or_default());
    let description = RwSignal::new(g.as_ref().and_then(|g| g.description.clone()).unwrap_or_default());
    let target = RwSignal::new(g.as_ref().and_then(|g| g.target_on).map(|d| d.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let editing = goal.as_ref().map(|g| (g.id.to_string(), g.version));
    let edit = editing.is_some();
    let network = StoredValue::new(network);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = GoalInput {
            term: term.get_untracked(),
            title: title.get_untracked(),
            description: opt(description),
            status: Some(status.get_untracked()),
            target_on: opt(target).and_then(|d| iso_date::parse(&d)),
        };
        let editing = editing.clone();
        let net = network.get_value();
        leptos::task::spawn_local(async move {
            let r = match &editing {
                Some((id, v)) => endpoints::roadmap::edit_goal(id, *v, &input).await,
                None => endpoints::roadmap::create_goal(&net, &input).await,
            };
            match r {
                Ok(_) => {
                    error.set(None);
                    if editing.is_none() {
                        title.set(String::new());
                        description.set(String::new());
                        target.set(String::new());
                    }
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="form goal-form" on:submit=submit>
            <div class="field">
                <label>{i18n.text("road.term_label")}
                    <select class="goal-term" on:change=move |ev| if let Some(t) = GoalTerm::parse(&event_target_value(&ev)) { term.set(t) }>
                        {GoalTerm::ALL.iter().map(|t| {
                            let t = *t;
                            view! { <option value=t.as_str() selected=move || term.get() == t>{term_label(i18n, t)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <div class="field">
                <label>{i18n.text("road.goal_title")}
                    <input class="goal-title-input" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                </label>
                {field_error(error, "title")}
            </div>
            <div class="field">
                <label>{i18n.text("road.description")}
                    <textarea class="goal-description-input" rows="2" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </label>
            </div>
            <div class="field">
                <label>{i18n.text("road.target")}
                    <input type="date" class="goal-target" prop:value=move || target.get() on:input=move |ev| target.set(event_target_value(&ev))/>
                </label>
                {field_error(error, "target_on")}
            </div>
            {edit.then(|| view! {
                <div class="field">
                    <label>{i18n.text("road.goal_status")}
                        <select class="goal-status" on:change=move |ev| if let Some(s) = GoalStatus::parse(&event_target_value(&ev)) { status.set(s) }>
                            {GoalStatus::ALL.iter().map(|s| {
                                let s = *s;
                                view! { <option value=s.as_str() selected=move || status.get() == s>{i18n.text_owned(format!("road.goal.{}", s.as_str()))}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </div>
            })}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <button type="submit" class="button small goal-submit">{move || if edit { i18n.t("road.save") } else { i18n.t("road.add_goal") }}</button>
        </form>
    }
}

/// Planning a task under a goal, or (with `task`) rewriting it.
#[component]
fn TaskForm(goal: String, task: Option<Task>, choices: Choices, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = task.clone();
    let title = RwSignal::new(t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    let description = RwSignal::new(t.as_ref().and_then(|t| t.description.clone()).unwrap_or_default());
    let owner_org = RwSignal::new(
        t.as_ref().and_then(|t| t.owner.organization_id.as_ref().map(|o| o.to_string())).unwrap_or_default(),
    );
    let person = RwSignal::new(t.as_ref().and_then(|t| t.owner.person.clone()).unwrap_or_default());
    let due = RwSignal::new(t.as_ref().and_then(|t| t.due_on).map(|d| d.to_string()).unwrap_or_default());
    let linked = RwSignal::new(
        t.as_ref().map(|t| t.recommendations.iter().map(|r| r.id.clone()).collect::<Vec<_>>()).unwrap_or_default(),
    );
    let error = RwSignal::new(None::<ApiError>);
    let editing = task.as_ref().map(|t| (t.id.to_string(), t.version));
    let edit = editing.is_some();
    let goal = StoredValue::new(goal);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TaskInput {
            title: title.get_untracked(),
            description: opt(description),
            owner_organization_id: OrganizationId::parse(&owner_org.get_untracked()),
            owner_person: opt(person),
            due_on: opt(due).and_then(|d| iso_date::parse(&d)),
            recommendation_ids: linked.get_untracked(),
        };
        let editing = editing.clone();
        let goal = goal.get_value();
        leptos::task::spawn_local(async move {
            let r = match &editing {
                Some((id, v)) => endpoints::roadmap::edit_task(id, *v, &input).await,
                None => endpoints::roadmap::create_task(&goal, &input).await,
            };
            match r {
                Ok(_) => {
                    error.set(None);
                    if editing.is_none() {
                        title.set(String::new());
                        description.set(String::new());
                        person.set(String::new());
                        due.set(String::new());
                        linked.set(vec![]);
                    }
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="form task-form" on:submit=submit>
            <div class="field">
                <label>{i18n.text("road.task_title")}
                    <input class="task-title-input" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                </label>
                {field_error(error, "title")}
            </div>
            <div class="field">
                <label>{i18n.text("road.owner_org")}
                    <select class="task-owner-org" on:change=move |ev| owner_org.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || choices.members.get().into_iter().map(|(id, n)| {
                            let selected = owner_org.get_untracked() == id.as_str();
                            view! { <option value=id.to_string() selected=selected>{n}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {field_error(error, "owner_organization_id")}
            </div>
            <div class="field">
                <label>{i18n.text("road.owner_person")}
                    <input class="task-owner-person" prop:value=move || person.get() on:input=move |ev| person.set(event_target_value(&ev))/>
                </label>
                {field_error(error, "owner_person")}
            </div>
            <div class="field">
                <label>{i18n.text("road.due")}
                    <input type="date" class="task-due" prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev))/>
                </label>
                {field_error(error, "due_on")}
            </div>
            <div class="field">
                <label>{i18n.text("road.description")}
                    <textarea class="task-description" rows="2" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </label>
            </div>
            {move || (!choices.recommendations.with(Vec::is_empty)).then(|| view! {
                <fieldset class="field task-links">
                    <legend>{i18n.text("road.implements")}</legend>
                    {choices.recommendations.get().into_iter().map(|(id, code)| {
                        let (a, b) = (id.clone(), id.clone());
                        view! {
                            <label class="check">
                                <input type="checkbox" class="task-link" data-code=code.clone()
                                    prop:checked=move || linked.with(|l| l.contains(&a))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        linked.update(|l| { l.retain(|x| *x != b); if on { l.push(b.clone()); } });
                                    }/>
                                <bdi>{code}</bdi>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <button type="submit" class="button small task-submit">{move || if edit { i18n.t("road.save") } else { i18n.t("road.add_task") }}</button>
        </form>
    }
}
