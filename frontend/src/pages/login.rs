use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::ApiError;
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::session::{use_session, Stored};

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    // Where to go after signing in (an invitation link, say): a path on this site only.
    let query = use_query_map();
    let next = move || {
        query
            .with_untracked(|q| q.get("next"))
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            .unwrap_or_else(|| "/".to_owned())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let (e, p) = (email.get_untracked(), password.get_untracked());
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match endpoints::auth::login(e, p).await {
                Ok(pair) => {
                    session.0.set(Some(Stored::from(pair)));
                    navigate(&next(), Default::default());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let field_error = move |name: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field(name)));
    view! {
        <section class="card narrow">
            <h1>{move || i18n.t("login.title")}</h1>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="email">{move || i18n.t("login.email")}</label>
                    <input id="email" type="email" dir="ltr" autocomplete="username" required
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                    {move || field_error("email").map(|m| view! { <p class="field-error" id="email-error">{m}</p> })}
                </div>
                <div class="field">
                    <label for="password">{move || i18n.t("login.password")}</label>
                    <input id="password" type="password" autocomplete="current-password" required
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    {move || field_error("password").map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <div class="alert error" role="alert" id="login-error">{e.detail}</div> })}
                <button type="submit" class="button" id="login-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("login.busy") } else { i18n.t("login.submit") }}
                </button>
            </form>
        </section>
    }
}
