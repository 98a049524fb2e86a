//! One organization: profile, needs and offers, verification status and history, and
//! the actions the viewer may take (edit, archive, verification decisions).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tashbeek_domain::organization::{Organization, Resource, VerificationEvent, VerificationStatus};

use crate::api::ApiError;
use crate::app::Flash;
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::directory::StatusBadge;
use crate::pages::not_found::NotFound;
use crate::pages::partnership::OrgPartnerships;
use crate::pages::ErrorBox;
use crate::reference::use_reference;
use crate::session::use_session;

#[component]
pub fn OrgPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let org = RwSignal::new(None::<Organization>);
    let etag = RwSignal::new(None::<String>);
    let history = RwSignal::new(Vec::<VerificationEvent>::new());
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(true);
    let session = use_session();

    let load = move || {
        let id = id.get_untracked();
        loading.set(true);
        leptos::task::spawn_local(async move {
            match endpoints::organizations::get(&id).await {
                Ok(r) => {
                    org.set(Some(r.body));
                    etag.set(r.etag);
                    error.set(None);
                    if let Ok(h) = endpoints::organizations::history(&id).await {
                        history.set(h);
                    }
                }
                Err(e) => {
                    org.set(None);
                    error.set(Some(e));
                }
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| {
        id.track();
        session.0.track();
        load();
    });

    view! {
        {move || {
            if loading.get() && org.with(|o| o.is_none()) {
                return view! { <p class="muted">{move || i18n.t("org.loading")}</p> }.into_any();
            }
            match (org.get(), error.get()) {
                (Some(o), _) => view! { <Profile org=o etag=etag history=history reload=Callback::new(move |_| load())/> }.into_any(),
                (None, Some(e)) if e.status == 404 => view! { <NotFound/> }.into_any(),
                (None, Some(e)) => view! { <ErrorBox error=e/> }.into_any(),
                (None, None) => ().into_any(),
            }
        }}
    }
}

#[component]
fn Resources(list: Vec<Resource>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{move || i18n.t("org.none")}</p> }.into_any();
    }
    view! {
        <ul class="chips">
            {list.into_iter().map(|r| view! {
                <li class="chip">{move || i18n.t(&format!("resource.{}", r.kind.as_str()))}
                    {r.details.clone().map(|d| view! { <span class="muted small">{format!(" — {d}")}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Profile(
    org: Organization,
    etag: RwSignal<Option<String>>,
    history: RwSignal<Vec<VerificationEvent>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let flash = expect_context::<Flash>();
    let id = org.id.to_string();
    let org_id = id.clone();
    let can_edit = {
        let id = id.clone();
        move || session.administers(&id) && session.can_write()
    };
    let action_error = RwSignal::new(None::<ApiError>);
    let o = org.clone();
    let (ar, en) = (o.name_ar.clone(), o.name_en.clone());
    let title = {
        let (ar, en) = (ar.clone(), en.clone());
        move || i18n.pick(ar.as_deref(), en.as_deref()).to_owned()
    };
    let subtitle = move || {
        let main = i18n.pick(ar.as_deref(), en.as_deref()).to_owned();
        [ar.clone(), en.clone()].into_iter().flatten().find(|n| *n != main)
    };
    let archive = {
        let id = id.clone();
        move |_| {
            let confirmed = window().confirm_with_message(&i18n.t("org.archive_confirm")).unwrap_or(false);
            if !confirmed {
                return;
            }
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let tag = etag.get_untracked();
                match endpoints::organizations::archive(&id, tag.as_deref()).await {
                    Ok(_) => reload.run(()),
                    Err(e) => action_error.set(Some(e)),
                }
            });
        }
    };
    let restore = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                match endpoints::organizations::restore(&id).await {
                    Ok(_) => reload.run(()),
                    Err(e) => action_error.set(Some(e)),
                }
            });
        }
    };
    let contacts = o.contacts.clone();
    let address = o.address.clone();
    let sectors = o.sectors.clone();
    let areas = o.areas.clone();
    let edit_href = format!("/organizations/{id}/edit");
    let members_href = format!("/organizations/{id}/members");
    let status = o.verification_status;
    let archived = o.archived;
    let updated = o.updated_at;
    view! {
        <article class="org" id="org-page">
            {move || (!flash.0.with(|d| d.is_empty())).then(|| view! {
                <div class="alert warning" role="status" id="duplicates">
                    <p>{move || i18n.t("org.duplicates_title")}</p>
                    <ul>{flash.0.get().into_iter().map(|d| view! {
                        <li><A href=format!("/organizations/{}", d.id)>{i18n.pick(d.name_ar.as_deref(), d.name_en.as_deref()).to_owned()}</A></li>
                    }).collect_view()}</ul>
                </div>
            })}
            <header class="org-head">
                <div>
                    <h1 id="org-title">{title}</h1>
                    {move || subtitle().map(|s| view! { <p class="muted">{s}</p> })}
                    <p>
                        <span class="tag">{move || i18n.t(&format!("kind.{}", o.kind.as_str()))}</span>
                        <StatusBadge status=status/>
                        {archived.then(|| view! { <span class="badge status-archived">{move || i18n.t("org.archived")}</span> })}
                    </p>
                </div>
                <div class="actions">
                    <Show when=can_edit.clone()>
                        <A href=edit_href.clone() attr:class="button" attr:id="edit">{move || i18n.t("org.edit")}</A>
                        {(!archived).then(|| view! {
                            <button type="button" class="button secondary" id="archive" on:click=archive.clone()>{move || i18n.t("org.archive")}</button>
                        })}
                    </Show>
                    <Show when={
                        let id = id.clone();
                        move || session.sees_members(&id)
                    }>
                        <A href=members_href.clone() attr:class="button secondary" attr:id="members-link">{move || i18n.t("org.members_link")}</A>
                    </Show>
                    <Show when=move || archived && session.is_admin()>
                        <button type="button" class="button secondary" on:click=restore.clone()>{move || i18n.t("org.restore")}</button>
                    </Show>
                </div>
            </header>
            {move || action_error.get().map(|e| view! { <ErrorBox error=e/> })}
            <div class="grid">
                <section class="card">
                    <h2>{move || i18n.t("org.about")}</h2>
                    {org.description.clone().map(|d| view! { <p id="org-description">{d}</p> })}
                    <dl class="facts">
                        {org.founded_year.map(|y| view! { <dt>{move || i18n.t("org.founded")}</dt><dd>{move || i18n.number(y as i64).replace(['٬', ','], "")}</dd> })}
                        {org.registration_number.clone().map(|r| view! { <dt>{move || i18n.t("org.registration")}</dt><dd>{r}</dd> })}
                        {org.registering_authority.clone().map(|r| view! { <dt>{move || i18n.t("org.authority")}</dt><dd>{r}</dd> })}
                        <dt>{move || i18n.t("org.updated")}</dt><dd>{move || i18n.date(updated)}</dd>
                    </dl>
                    <h3>{move || i18n.t("org.sectors")}</h3>
                    <p>{move || sectors.iter().map(|s| view! { <span class="tag">{reference.sector_name(&i18n, s)}</span> }).collect_view()}</p>
                    <h3>{move || i18n.t("org.areas")}</h3>
                    <p id="org-areas">{move || areas.iter().map(|a| reference.area_name(&i18n, a)).collect::<Vec<_>>().join(" · ")}</p>
                </section>
                <section class="card">
                    <h2>{move || i18n.t("org.needs")}</h2>
                    <Resources list=org.needs.clone()/>
                    <h2>{move || i18n.t("org.offers")}</h2>
                    <Resources list=org.offers.clone()/>
                    <h2>{move || i18n.t("org.counts")}</h2>
                    {(org.members_count.is_none() && org.volunteers_count.is_none() && org.beneficiaries_per_year.is_none())
                        .then(|| view! { <p class="muted">{move || i18n.t("org.none")}</p> })}
                    <dl class="facts">
                        {org.members_count.map(|n| view! { <dt>{move || i18n.t("org.members")}</dt><dd>{move || i18n.number(n)}</dd> })}
                        {org.volunteers_count.map(|n| view! { <dt>{move || i18n.t("org.volunteers")}</dt><dd>{move || i18n.number(n)}</dd> })}
                        {org.beneficiaries_per_year.map(|n| view! { <dt>{move || i18n.t("org.beneficiaries")}</dt><dd>{move || i18n.number(n)}</dd> })}
                    </dl>
                </section>
                <section class="card">
                    <h2>{move || i18n.t("org.contacts")}</h2>
                    {match contacts {
                        None => view! { <p class="muted">{move || i18n.t("org.contacts_hidden")}</p> }.into_any(),
                        Some(c) if c.phone.is_none() && c.email.is_none() && c.website.is_none() && address.is_none() =>
                            view! { <p class="muted">{move || i18n.t("org.none")}</p> }.into_any(),
                        Some(c) => view! {
                            <dl class="facts">
                                {c.phone.map(|p| view! { <dt>{move || i18n.t("org.phone")}</dt><dd dir="ltr">{p}</dd> })}
                                {c.email.map(|m| view! { <dt>{move || i18n.t("org.email")}</dt><dd dir="ltr"><a href=format!("mailto:{m}")>{m.clone()}</a></dd> })}
                                {c.website.map(|w| view! { <dt>{move || i18n.t("org.website")}</dt><dd dir="ltr"><a href=w.clone() rel="noopener noreferrer">{w.clone()}</a></dd> })}
                                {address.clone().map(|a| view! { <dt>{move || i18n.t("org.address")}</dt><dd>{a}</dd> })}
                            </dl>
                        }.into_any(),
                    }}
                </section>
                <section class="card">
                    <h2>{move || i18n.t("org.history")}</h2>
                    <ol class="history" id="history">
                        {move || history.get().into_iter().map(|e| view! {
                            <li>
                                <StatusBadge status=e.to_status/>
                                <span class="muted small">{move || i18n.date(e.at)}</span>
                                {e.reason.clone().map(|r| view! { <p class="small">{r}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                    <Show when=move || session.is_admin()>
                        <Verification id=id.clone() status=status etag=etag reload=reload/>
                    </Show>
                </section>
            </div>
            <OrgPartnerships org=org_id.clone()/>
        </article>
    }
}

#[component]
fn Verification(
    id: String,
    status: VerificationStatus,
    etag: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let decide = move |to: VerificationStatus| {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            let why = reason.get_untracked();
            leptos::task::spawn_local(async move {
                let tag = etag.get_untracked();
                match endpoints::organizations::decide(&id, to, why, tag.as_deref()).await {
                    Ok(_) => reload.run(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let moves: Vec<VerificationStatus> =
        VerificationStatus::ALL.iter().copied().filter(|s| status.can_move_to(*s)).collect();
    view! {
        <div class="verify" id="verification">
            <h3>{move || i18n.t("verify.title")}</h3>
            <div class="field">
                <label for="verify-reason">{move || i18n.t("verify.reason")}</label>
                <textarea id="verify-reason" rows="2" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <p class="muted small">{move || i18n.t("verify.reason_hint")}</p>
                {move || error.get().and_then(|e| e.field("reason")).map(|m| view! { <p class="field-error" id="err-reason">{m}</p> })}
            </div>
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
            <div class="actions">
                {moves.into_iter().map(|to| view! {
                    <button type="button" class="button small" id=format!("verify-{}", to.as_str()) on:click=decide(to)>
                        {move || i18n.t(&format!("verify.{}", to.as_str()))}
                    </button>
                }).collect_view()}
            </div>
        </div>
    }
}
