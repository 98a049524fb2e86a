//! The page an invitation link opens (`/invitation#<token>`): what it invites to, then
//! accepting — signed in as the invited address, or by creating that account here.
//! The token travels in the URL's fragment, so it never reaches a server log; it is
//! kept for this browser tab while the person signs in.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use tashbeek_domain::invitation::InvitationPreview;

use crate::api::ApiError;
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::ErrorBox;
use crate::session::{use_session, Stored};

const TOKEN_KEY: &str = "tashbeek.invitation";

fn tab_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// The token from the fragment (remembered for the tab), or the one remembered before.
fn token() -> Option<String> {
    let hash = window().location().hash().unwrap_or_default();
    let from_hash = hash.trim_start_matches('#').trim().to_owned();
    if !from_hash.is_empty() {
        if let Some(s) = tab_storage() {
            let _ = s.set_item(TOKEN_KEY, &from_hash);
        }
        return Some(from_hash);
    }
    tab_storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten()).filter(|t| !t.is_empty())
}

fn forget_token() {
    if let Some(s) = tab_storage() {
        let _ = s.remove_item(TOKEN_KEY);
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let token = token();
    let preview = RwSignal::new(None::<Result<InvitationPreview, ApiError>>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let navigate = use_navigate();

    match token.clone() {
        Some(t) => leptos::task::spawn_local(async move {
            preview.set(Some(endpoints::invitations::preview(&t).await));
        }),
        None => preview.set(Some(Err(ApiError {
            status: 404,
            code: "invitation_invalid".into(),
            detail: i18n.t("invite.no_token"),
            fields: vec![],
        }))),
    }

    // Joined: pick up the new membership and open the organization.
    let joined = {
        let navigate = navigate.clone();
        move |org_id: String| {
            forget_token();
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                if let Ok(me) = endpoints::auth::me().await {
                    session.0.update(|s| {
                        if let Some(s) = s {
                            s.user = me;
                        }
                    });
                }
                navigate(&format!("/organizations/{org_id}"), Default::default());
            });
        }
    };
    let accept_signed_in = {
        let (token, joined) = (token.clone(), joined.clone());
        move |_| {
            let (token, joined) = (token.clone().unwrap_or_default(), joined.clone());
            let org_id = preview
                .with_untracked(|p| p.as_ref().and_then(|p| p.as_ref().ok()).map(|p| p.organization_id.to_string()));
            busy.set(true);
            leptos::task::spawn_local(async move {
                match endpoints::invitations::accept(&token).await {
                    Ok(_) => joined(org_id.unwrap_or_default()),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let create_account = {
        let token = token.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let org_id = preview
                .with_untracked(|p| p.as_ref().and_then(|p| p.as_ref().ok()).map(|p| p.organization_id.to_string()));
            let (token, display_name, secret) =
                (token.clone().unwrap_or_default(), name.get_untracked(), password.get_untracked());
            busy.set(true);
            error.set(None);
            let joined = joined.clone();
            leptos::task::spawn_local(async move {
                match endpoints::invitations::accept_new_account(&token, display_name, secret).await {
                    Ok(pair) => {
                        session.0.set(Some(Stored::from(pair)));
                        joined(org_id.unwrap_or_default());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let field_error = move |f: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field(f)));

    view! {
        <section class="card narrow" id="invitation">
            <h1>{move || i18n.t("invite.title")}</h1>
            {move || match preview.get() {
                None => view! { <p class="muted">{move || i18n.t("invite.loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert error" role="alert" id="invite-invalid">{e.detail}</div> }.into_any(),
                Some(Ok(p)) => {
                    let org = i18n.pick(p.organization_name_ar.as_deref(), p.organization_name_en.as_deref()).to_owned();
                    let role = i18n.t(&format!("orgrole.{}", p.role.as_str()));
                    let invited = p.email.clone();
                    let signed_in_as = session.user().map(|u| u.email);
                    view! {
                        <p id="invite-summary">{i18n.t_with("invite.summary", &[("org", org), ("role", role)])}</p>
                        <p class="muted small">{move || i18n.t("invite.for")}" "<bdi dir="ltr" id="invite-email">{invited.clone()}</bdi></p>
                        <p class="muted small">{move || i18n.t_with("invite.expires", &[("date", i18n.date(p.expires_at))])}</p>
                        {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                        {match signed_in_as {
                            Some(me) if me == p.email => view! {
                                <button type="button" class="button" id="invite-accept" disabled=move || busy.get()
                                    on:click=accept_signed_in.clone()>{move || i18n.t("invite.accept")}</button>
                            }.into_any(),
                            Some(me) => view! {
                                <div class="alert warning" role="status" id="invite-other-account">
                                    <p>{move || i18n.t_with("invite.other_account", &[("email", me.clone())])}</p>
                                </div>
                                <button type="button" class="button secondary" on:click=move |_| session.sign_out()>{move || i18n.t("nav.sign_out")}</button>
                            }.into_any(),
                            None => view! {
                                <h2>{move || i18n.t("invite.new_account")}</h2>
                                <form on:submit=create_account.clone() novalidate id="invite-form">
                                    <div class="field" class:invalid=move || field_error("display_name").is_some()>
                                        <label for="invite-name">{move || i18n.t("invite.display_name")}</label>
                                        <input id="invite-name" type="text" autocomplete="name" required
                                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                                        {move || field_error("display_name").map(|m| view! { <p class="field-error">{m}</p> })}
                                    </div>
                                    <div class="field" class:invalid=move || field_error("password").is_some()>
                                        <label for="invite-password">{move || i18n.t("invite.password")}</label>
                                        <input id="invite-password" type="password" autocomplete="new-password" required
                                            prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                                        <p class="muted small">{move || i18n.t("invite.password_hint")}</p>
                                        {move || field_error("password").map(|m| view! { <p class="field-error" id="invite-password-error">{m}</p> })}
                                    </div>
                                    <button type="submit" class="button" id="invite-create" disabled=move || busy.get()>{move || i18n.t("invite.create")}</button>
                                </form>
                                <p class="small">{move || i18n.t("invite.have_account")}" "
                                    <A href="/login?next=/invitation">{move || i18n.t("nav.sign_in")}</A></p>
                            }.into_any(),
                        }}
                    }.into_any()
                }
            }}
        </section>
    }
}
