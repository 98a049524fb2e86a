//! Networks: the list (platform administrators create one there), and a network's page
//! with its members and coordinators. Platform administrators appoint coordinators;
//! coordinators invite organizations, answer requests to join and remove members; an
//! organization's administrators answer their own invitation, ask to join, or leave.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tashbeek_domain::network::{Network, NetworkCoordinator, NetworkInput, NetworkMember, NetworkMemberStatus};
use tashbeek_domain::organization::OrganizationSummary;

use crate::api::ApiError;
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::not_found::NotFound;
use crate::pages::ErrorBox;
use crate::reference::use_reference;
use crate::session::use_session;

#[component]
pub fn NetworksPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let networks = RwSignal::new(None::<Result<Vec<Network>, ApiError>>);
    let load = move || {
        leptos::task::spawn_local(async move {
            let r = endpoints::networks::list().await.map(|p| p.items);
            networks.set(Some(r));
        })
    };
    load();
    view! {
        <section id="networks-page">
            <h1>{move || i18n.t("networks.title")}</h1>
            <p class="muted">{move || i18n.t("networks.intro")}</p>
            <Show when=move || session.is_admin()>
                <CreateNetwork created=Callback::new(move |_| load())/>
            </Show>
            {move || match networks.get() {
                None => view! { <p class="muted">{move || i18n.t("networks.loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty" id="networks-empty">{move || i18n.t("networks.none")}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="results" id="networks">
                        {list.into_iter().map(|n| {
                            let name = i18n.pick(n.name_ar.as_deref(), n.name_en.as_deref()).to_owned();
                            let area = reference.area_name(&i18n, &n.area);
                            let count = n.members_count;
                            view! {
                                <li class="card">
                                    <A href=format!("/networks/{}", n.id) attr:class="org-name">{name}</A>
                                    <p class="muted small">{area}" · "{move || i18n.t_with("networks.members_count", &[("n", i18n.number(count))])}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CreateNetwork(created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let (name_ar, name_en, area) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NetworkInput {
            name_ar: Some(name_ar.get_untracked()).filter(|s| !s.trim().is_empty()),
            name_en: Some(name_en.get_untracked()).filter(|s| !s.trim().is_empty()),
            description: None,
            area: area.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match endpoints::networks::create(&input).await {
                Ok(_) => {
                    error.set(None);
                    name_ar.set(String::new());
                    name_en.set(String::new());
                    created.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let field_error = move |f: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field(f)));
    view! {
        <details class="card filters" id="new-network">
            <summary>{move || i18n.t("networks.new")}</summary>
            <form on:submit=submit novalidate>
                <div class="two">
                    <div class="field" class:invalid=move || field_error("name_ar").is_some()>
                        <label for="n-name_ar">{move || i18n.t("form.name_ar")}</label>
                        <input id="n-name_ar" prop:value=move || name_ar.get() on:input=move |ev| name_ar.set(event_target_value(&ev))/>
                        {move || field_error("name_ar").map(|m| view! { <p class="field-error" id="err-n-name_ar">{m}</p> })}
                    </div>
                    <div class="field">
                        <label for="n-name_en">{move || i18n.t("form.name_en")}</label>
                        <input id="n-name_en" dir="ltr" prop:value=move || name_en.get() on:input=move |ev| name_en.set(event_target_value(&ev))/>
                    </div>
                </div>
                <div class="field" class:invalid=move || field_error("area").is_some()>
                    <label for="n-area">{move || i18n.t("networks.area")}</label>
                    <select id="n-area" on:change=move |ev| area.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t("networks.choose_area")}</option>
                        {move || reference.area_options(&i18n).into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                    </select>
                    {move || field_error("area").map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button" id="n-create">{move || i18n.t("networks.create")}</button>
            </form>
        </details>
    }
}

#[component]
pub fn NetworkPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let network = RwSignal::new(None::<Result<Network, ApiError>>);
    let members = RwSignal::new(Vec::<NetworkMember>::new());
    let coordinators = RwSignal::new(Vec::<NetworkCoordinator>::new());
    let action_error = RwSignal::new(None::<ApiError>);
    let load = move || {
        let id = id.get_untracked();
        leptos::task::spawn_local(async move {
            let n = endpoints::networks::get(&id).await;
            if n.is_ok() {
                // Read everything first, then show it at once.
                let m = endpoints::networks::members(&id).await;
                let c = match session.signed_in() {
                    true => endpoints::networks::coordinators(&id).await.unwrap_or_default(),
                    false => vec![],
                };
                coordinators.set(c);
                if let Ok(m) = m {
                    members.set(m);
                }
            }
            network.set(Some(n));
        });
    };
    // Whether the user manages this network: read from its coordinators, as the server does.
    let me = move || session.user_id().unwrap_or_default();
    let manages = Memo::new(move |_| {
        session.is_admin()
            || (session.can_write() && coordinators.with(|c| c.iter().any(|c| c.user_id.to_string() == me())))
    });
    Effect::new(move |_| {
        id.track();
        session.0.track();
        load();
    });
    // Acts on one organization's place in the network: `Some(status)` answers the
    // invitation, `None` leaves (or removes, for a coordinator).
    let act = move |org: String, answer: Option<NetworkMemberStatus>| {
        let network = id.get_untracked();
        leptos::task::spawn_local(async move {
            let result = match answer {
                Some(status) => endpoints::networks::answer(&network, &org, status).await,
                None => endpoints::networks::leave(&network, &org).await,
            };
            match result {
                Ok(_) => {
                    action_error.set(None);
                    load();
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    };
    view! {
        {move || match network.get() {
            None => view! { <p class="muted">{move || i18n.t("networks.loading")}</p> }.into_any(),
            Some(Err(e)) if e.status == 404 => view! { <NotFound/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
            Some(Ok(n)) => {
                let name = i18n.pick(n.name_ar.as_deref(), n.name_en.as_deref()).to_owned();
                view! {
                    <article id="network-page">
                        <p><A href="/networks" attr:class="back">{move || i18n.t("networks.title")}</A></p>
                        <h1 id="network-title">{name}</h1>
                        <p class="muted">{reference.area_name(&i18n, &n.area)}" · "{move || i18n.t_with("networks.members_count", &[("n", i18n.number(n.members_count))])}</p>
                        {n.description.clone().map(|d| view! { <p>{d}</p> })}
                        {move || action_error.get().map(|e| view! { <ErrorBox error=e/> })}
                        <div class="grid">
                            <section class="card">
                                <h2>{move || i18n.t("networks.members")}</h2>
                                {move || members.with(|m| m.is_empty()).then(|| view! { <p class="muted">{move || i18n.t("networks.no_members")}</p> })}
                                <ul class="plain" id="network-members">
                                    {move || members.get().into_iter().map(|m| {
                                        let org = m.organization_id.to_string();
                                        let name = i18n.pick(m.name_ar.as_deref(), m.name_en.as_deref()).to_owned();
                                        let status = m.status;
                                        let mine = session.administers(&org) && !session.is_admin();
                                        let (a, b, c) = (org.clone(), org.clone(), org.clone());
                                        let (d, e) = (org.clone(), org.clone());
                                        view! {
                                            <li>
                                                <A href=format!("/organizations/{org}")>{name}</A>" "
                                                <span class=format!("badge network-{}", status.as_str())>{move || i18n.t(&format!("networks.status.{}", status.as_str()))}</span>
                                                {(mine && status == NetworkMemberStatus::Invited).then(|| view! {
                                                    " "<button type="button" class="button small" id="network-accept"
                                                        on:click=move |_| act(a.clone(), Some(NetworkMemberStatus::Member))>{move || i18n.t("networks.accept")}</button>
                                                    " "<button type="button" class="button small secondary"
                                                        on:click=move |_| act(b.clone(), Some(NetworkMemberStatus::Declined))>{move || i18n.t("networks.decline")}</button>
                                                })}
                                                {(manages.get() && status == NetworkMemberStatus::Requested).then(|| view! {
                                                    " "<button type="button" class="button small" id="network-approve"
                                                        on:click=move |_| act(d.clone(), Some(NetworkMemberStatus::Member))>{move || i18n.t("networks.accept")}</button>
                                                    " "<button type="button" class="button small secondary"
                                                        on:click=move |_| act(e.clone(), Some(NetworkMemberStatus::Declined))>{move || i18n.t("networks.decline")}</button>
                                                })}
                                                {((mine || manages.get()) && matches!(status, NetworkMemberStatus::Member | NetworkMemberStatus::Invited | NetworkMemberStatus::Requested)).then(|| view! {
                                                    " "<button type="button" class="link" on:click=move |_| act(c.clone(), None)>
                                                        {move || if mine { i18n.t("networks.leave") } else { i18n.t("networks.remove") }}
                                                    </button>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                            <Show when=move || manages.get()>
                                <InviteOrganization network=id.get_untracked() invited=Callback::new(move |_| load())/>
                            </Show>
                            <Show when=move || session.signed_in()>
                                <Coordinators network=id.get_untracked() list=coordinators reload=Callback::new(move |_| load())/>
                            </Show>
                        </div>
                        {move || {
                            // Organizations the user administers that are not in the network yet may ask to join.
                            let inside: Vec<String> = members.get().iter().map(|m| m.organization_id.to_string()).collect();
                            let free: Vec<String> = session.admin_orgs().into_iter().filter(|o| !inside.contains(o)).collect();
                            (session.can_write() && !free.is_empty()).then(|| {
                                let net = id.get_untracked();
                                view! {
                                    <p class="actions" id="network-join">
                                        {free.into_iter().map(|org| {
                                            let (net, org2) = (net.clone(), org.clone());
                                            view! { <button type="button" class="button small" on:click=move |_| {
                                                let (net, org) = (net.clone(), org2.clone());
                                                leptos::task::spawn_local(async move {
                                                    match endpoints::networks::request(&net, &org).await {
                                                        Ok(_) => { action_error.set(None); load(); }
                                                        Err(e) => action_error.set(Some(e)),
                                                    }
                                                });
                                            }>{move || i18n.t("networks.ask_to_join")}</button> }
                                        }).collect_view()}
                                    </p>
                                }
                            })
                        }}
                        <Office network=id.get_untracked()/>
                    </article>
                }.into_any()
            }
        }}
    }
}

#[component]
fn InviteOrganization(network: String, invited: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<OrganizationSummary>::new());
    let error = RwSignal::new(None::<ApiError>);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = q.get_untracked();
        leptos::task::spawn_local(async move {
            match endpoints::organizations::search(&query, 10).await {
                Ok(p) => found.set(p.items),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let invite = move |org: String| {
        let network = network.clone();
        leptos::task::spawn_local(async move {
            match endpoints::networks::invite(&network, &org).await {
                Ok(_) => {
                    error.set(None);
                    found.set(vec![]);
                    invited.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card">
            <h2>{move || i18n.t("networks.invite")}</h2>
            <p class="muted small">{move || i18n.t("networks.invite_hint")}</p>
            <form class="search" on:submit=search>
                <label for="invite-q" class="visually-hidden">{move || i18n.t("networks.search")}</label>
                <input id="invite-q" type="search" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))/>
                <button type="submit" class="button secondary" id="invite-search">{move || i18n.t("networks.search")}</button>
            </form>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <ul class="plain" id="invite-results">
                {move || found.get().into_iter().map(|o| {
                    let id = o.id.to_string();
                    let name = i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned();
                    let invite = invite.clone();
                    view! {
                        <li>{name}" "<button type="button" class="button small" on:click=move |_| invite(id.clone())>{move || i18n.t("networks.invite_button")}</button></li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The people who manage the network. Platform administrators appoint them (found by
/// email) and dismiss them; a coordinator may step down.
#[component]
fn Coordinators(network: String, list: RwSignal<Vec<NetworkCoordinator>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let not_found = RwSignal::new(false);
    let net = network.clone();
    let appoint = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (net, wanted) = (net.clone(), email.get_untracked());
        leptos::task::spawn_local(async move {
            let r = match endpoints::users::by_email(&wanted).await {
                Ok(Some(u)) => endpoints::networks::appoint(&net, &u.id.to_string()).await.map(Some),
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            };
            match r {
                Ok(Some(_)) => {
                    error.set(None);
                    not_found.set(false);
                    email.set(String::new());
                    reload.run(());
                }
                Ok(None) => not_found.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let dismiss = move |user: String| {
        let net = network.clone();
        leptos::task::spawn_local(async move {
            match endpoints::networks::dismiss(&net, &user).await {
                Ok(()) => {
                    error.set(None);
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let me = move || session.user_id().unwrap_or_default();
    view! {
        <section class="card" id="network-coordinators">
            <h2>{move || i18n.t("networks.coordinators")}</h2>
            <p class="muted small">{move || i18n.t("networks.coordinators_hint")}</p>
            {move || list.with(Vec::is_empty).then(|| view! { <p class="muted">{move || i18n.t("networks.no_coordinators")}</p> })}
            <ul class="plain">
                {move || list.get().into_iter().map(|c| {
                    let uid = c.user_id.to_string();
                    let own = uid == me();
                    let dismiss = dismiss.clone();
                    view! {
                        <li>
                            <bdi>{c.display_name.clone()}</bdi>" "
                            <span class="muted small">{c.appointed_at.format("%Y-%m-%d").to_string()}</span>
                            {(session.is_admin() || own).then(|| view! {
                                " "<button type="button" class="link" on:click=move |_| dismiss(uid.clone())>
                                    {move || if own { i18n.t("networks.step_down") } else { i18n.t("networks.remove") }}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <Show when=move || session.is_admin()>
                <form class="search" id="appoint-form" on:submit=appoint.clone()>
                    <label for="appoint-email">{move || i18n.t("networks.appoint_email")}</label>
                    <input id="appoint-email" type="email" dir="ltr" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                    <button type="submit" class="button small" id="appoint-submit">{move || i18n.t("networks.appoint")}</button>
                </form>
                <Show when=move || not_found.get()>
                    <p class="field-error" id="appoint-unknown">{move || i18n.t("networks.appoint_unknown")}</p>
                </Show>
            </Show>
        </section>
    }
}

/// The network's coordination office on a date (today by default), its history, and
/// links to the network's meetings and calendar.
#[component]
fn Office(network: String) -> impl IntoView {
    let i18n = use_i18n();
    let on = RwSignal::new(String::new());
    let terms = RwSignal::new(Vec::<tashbeek_domain::office::OfficeTerm>::new());
    let history = RwSignal::new(None::<Vec<tashbeek_domain::office::OfficeTerm>>);
    let id = network.clone();
    Effect::new(move |_| {
        let day = on.get();
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let day = Some(day).filter(|d| !d.is_empty());
            terms.set(endpoints::networks::office(&id, day.as_deref()).await.unwrap_or_default());
        });
    });
    let id = network.clone();
    let show_history = move |_| {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            history.set(endpoints::networks::office_history(&id).await.ok());
        });
    };
    let row = move |t: tashbeek_domain::office::OfficeTerm| {
        let p = t.position;
        let org = i18n.pick(t.organization.name_ar.as_deref(), t.organization.name_en.as_deref()).to_owned();
        let span = format!("{} → {}", t.starts_on, t.ends_on.map(|d| d.to_string()).unwrap_or_default());
        view! {
            <tr>
                <th scope="row">{move || i18n.t(&format!("office.position.{}", p.as_str()))}</th>
                <td><bdi>{t.person_name.clone()}</bdi></td>
                <td><bdi>{org}</bdi></td>
                <td dir="ltr" class="small">{span}</td>
            </tr>
        }
    };
    let feed = format!("/api/v1/networks/{network}/calendar.ics");
    view! {
        <section class="card" id="office">
            <h2>{move || i18n.t("office.title")}</h2>
            <p class="actions">
                <a href=format!("/meetings?network={network}") id="network-meetings">{move || i18n.t("office.meetings")}</a>
                " · "<a href=feed>{move || i18n.t("office.calendar")}</a>
                " · "<a href=format!("/roadmap/{network}") id="network-roadmap">{move || i18n.t("office.roadmap")}</a>
            </p>
            <label for="office-on">{move || i18n.t("office.on")}</label>" "
            <input id="office-on" type="date" prop:value=move || on.get() on:change=move |ev| on.set(event_target_value(&ev))/>
            {move || terms.with(Vec::is_empty).then(|| view! { <p class="muted" id="office-none">{move || i18n.t("office.none")}</p> })}
            <table class="table" id="office-terms">
                <tbody>{move || terms.get().into_iter().map(row).collect_view()}</tbody>
            </table>
            <details on:toggle=show_history>
                <summary>{move || i18n.t("office.history")}</summary>
                <table class="table" id="office-history">
                    <tbody>{move || history.get().unwrap_or_default().into_iter().map(row).collect_view()}</tbody>
                </table>
            </details>
        </section>
    }
}
