//! An organization's members and invitations: who belongs to it, inviting someone by
//! e-mail (the link to pass on is shown once), withdrawing an invitation and removing a
//! member. Administrators of the organization act; observers and coordinators read.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tashbeek_domain::invitation::{Invitation, InvitationInput, InvitationStatus};
use tashbeek_domain::organization::Organization;
use tashbeek_domain::user::{Member, OrgRole};

use crate::api::ApiError;
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::not_found::NotFound;
use crate::pages::ErrorBox;
use crate::session::use_session;

#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let org = RwSignal::new(None::<Organization>);
    let members = RwSignal::new(Vec::<Member>::new());
    let invitations = RwSignal::new(Vec::<Invitation>::new());
    let error = RwSignal::new(None::<ApiError>);
    let action_error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(true);
    let administers = move || session.administers(&id.get()) && session.can_write();
    let reads_invitations = move || administers() || session.reads_all();

    let load = move || {
        let id = id.get_untracked();
        leptos::task::spawn_local(async move {
            match endpoints::organizations::get(&id).await {
                Ok(r) => org.set(Some(r.body)),
                Err(e) => {
                    error.set(Some(e));
                    loading.set(false);
                    return;
                }
            }
            match endpoints::organizations::members(&id).await {
                Ok(m) => {
                    members.set(m);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            if reads_invitations() {
                if let Ok(p) = endpoints::invitations::list(&id).await {
                    invitations.set(p.items);
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

    let remove = move |m: Member| {
        move |_| {
            let question = i18n.t_with("members.remove_confirm", &[("name", m.display_name.clone())]);
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
            let (org, user) = (id.get_untracked(), m.user_id.to_string());
            leptos::task::spawn_local(async move {
                match endpoints::organizations::remove_member(&org, &user).await {
                    Ok(_) => {
                        action_error.set(None);
                        load();
                    }
                    Err(e) => action_error.set(Some(e)),
                }
            });
        }
    };
    let revoke = move |inv: Invitation| {
        move |_| {
            let (org, invitation) = (id.get_untracked(), inv.id.to_string());
            leptos::task::spawn_local(async move {
                match endpoints::invitations::revoke(&org, &invitation).await {
                    Ok(_) => {
                        action_error.set(None);
                        load();
                    }
                    Err(e) => action_error.set(Some(e)),
                }
            });
        }
    };

    // Only a change of phase rebuilds the page: reloading the lists after an action must
    // not reset the forms (the invitation link just shown, say).
    let phase = Memo::new(move |_| match (error.get(), org.with(|o| o.is_some()), loading.get()) {
        (Some(e), _, _) => Err(e),
        (None, true, _) | (None, false, false) => Ok(true),
        (None, false, true) => Ok(false),
    });
    let name = move || {
        org.with(|o| o.as_ref().map(|o| i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned()))
            .unwrap_or_default()
    };
    view! {
        {move || {
            match phase.get() {
                Err(e) if e.status == 404 => return view! { <NotFound/> }.into_any(),
                Err(e) => return view! { <ErrorBox error=e/> }.into_any(),
                Ok(false) => return view! { <p class="muted">{move || i18n.t("members.loading")}</p> }.into_any(),
                Ok(true) => {}
            }
            view! {
                <section id="members-page">
                    <p><A href=format!("/organizations/{}", id.get_untracked()) attr:class="back"><bdi>{name}</bdi></A></p>
                    <h1>{move || i18n.t("members.title")}</h1>
                    {move || action_error.get().map(|e| view! { <ErrorBox error=e/> })}
                    <div class="grid">
                        <section class="card">
                            <h2>{move || i18n.t("members.list")}</h2>
                            <table class="table" id="members">
                                <thead><tr>
                                    <th>{move || i18n.t("members.name")}</th>
                                    <th>{move || i18n.t("members.email")}</th>
                                    <th>{move || i18n.t("members.role")}</th>
                                    <th>{move || i18n.t("members.since")}</th>
                                    <Show when=administers><th><span class="visually-hidden">{move || i18n.t("members.actions")}</span></th></Show>
                                </tr></thead>
                                <tbody>
                                    {move || members.get().into_iter().map(|m| {
                                        let role = m.role;
                                        let since = m.since;
                                        view! {
                                            <tr>
                                                <td>{m.display_name.clone()}</td>
                                                <td dir="ltr"><bdi>{m.email.clone()}</bdi></td>
                                                <td>{move || i18n.t(&format!("orgrole.{}", role.as_str()))}</td>
                                                <td>{move || i18n.date(since)}</td>
                                                <Show when=administers>
                                                    <td><button type="button" class="link" on:click=remove(m.clone())>{move || i18n.t("members.remove")}</button></td>
                                                </Show>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                        <Show when=administers>
                            <InviteForm id=id.get_untracked() reload=Callback::new(move |_| load())/>
                        </Show>
                        <Show when=reads_invitations>
                            <section class="card">
                                <h2>{move || i18n.t("members.invitations")}</h2>
                                {move || invitations.with(|l| l.is_empty()).then(|| view! { <p class="muted">{move || i18n.t("members.no_invitations")}</p> })}
                                <ul class="plain" id="invitations">
                                    {move || invitations.get().into_iter().map(|inv| {
                                        let status = inv.status;
                                        let expires = inv.expires_at;
                                        let role = inv.role;
                                        view! {
                                            <li>
                                                <bdi dir="ltr">{inv.email.clone()}</bdi>
                                                " · "{move || i18n.t(&format!("orgrole.{}", role.as_str()))}" "
                                                <span class=format!("badge invitation-{}", status.as_str())>{move || i18n.t(&format!("invitation.{}", status.as_str()))}</span>
                                                {(status == InvitationStatus::Pending).then(|| view! {
                                                    <span class="muted small">" "{move || i18n.t_with("members.expires", &[("date", i18n.date(expires))])}</span>
                                                })}
                                                <Show when=move || administers() && status == InvitationStatus::Pending>
                                                    " "<button type="button" class="link" on:click=revoke(inv.clone())>{move || i18n.t("members.revoke")}</button>
                                                </Show>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        </Show>
                    </div>
                </section>
            }.into_any()
        }}
    }
}

#[component]
fn InviteForm(id: String, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(OrgRole::Member);
    let error = RwSignal::new(None::<ApiError>);
    let link = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let input = InvitationInput { email: email.get_untracked(), role: role.get_untracked() };
        let org = id.clone();
        leptos::task::spawn_local(async move {
            match endpoints::invitations::create(&org, &input).await {
                Ok(created) => {
                    let origin = window().location().origin().unwrap_or_default();
                    link.set(Some(format!("{origin}{}", created.accept_path)));
                    email.set(String::new());
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let copy = move |_| {
        if let Some(l) = link.get_untracked() {
            let _ = window().navigator().clipboard().write_text(&l);
        }
    };
    view! {
        <section class="card">
            <h2>{move || i18n.t("members.invite")}</h2>
            <p class="muted small">{move || i18n.t("members.invite_hint")}</p>
            <form on:submit=submit novalidate id="invite-form">
                <div class="field" class:invalid=move || error.with(|e| e.as_ref().and_then(|e| e.field("email")).is_some())>
                    <label for="invite-email">{move || i18n.t("members.email")}</label>
                    <input id="invite-email" type="email" dir="ltr" autocomplete="off" required
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                    {move || error.get().and_then(|e| e.field("email")).map(|m| view! { <p class="field-error" id="invite-email-error">{m}</p> })}
                </div>
                <div class="field">
                    <label for="invite-role">{move || i18n.t("members.role")}</label>
                    <select id="invite-role" on:change=move |ev| {
                        role.set(if event_target_value(&ev) == "admin" { OrgRole::Admin } else { OrgRole::Member })
                    }>
                        <option value="member" selected=move || role.get() == OrgRole::Member>{move || i18n.t("orgrole.member")}</option>
                        <option value="admin" selected=move || role.get() == OrgRole::Admin>{move || i18n.t("orgrole.admin")}</option>
                    </select>
                </div>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button" id="invite-submit" disabled=move || busy.get()>{move || i18n.t("members.invite_submit")}</button>
            </form>
            {move || link.get().map(|l| view! {
                <div class="alert success" role="status">
                    <p>{move || i18n.t("members.link_ready")}</p>
                    <div class="copy-row">
                        <input id="invite-link" type="text" dir="ltr" readonly prop:value=l.clone()
                            on:focus=move |ev| {
                                use wasm_bindgen::JsCast;
                                if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                    input.select();
                                }
                            }/>
                        <button type="button" class="button small secondary" on:click=copy>{move || i18n.t("members.copy")}</button>
                    </div>
                </div>
            })}
        </section>
    }
}
