//! Which of the three builds runs in this tab (`tashbeek_domain::dashboard`).
//!
//! Coordination screens (`/partnerships…`, `/admin…`) are their own build,
//! `coordination.html`, for everyone; links between it and the others are followed by the browser.
//!
//! The server answers `/` and `/organizations/<uuid>` with the public directory's page
//! (`public.html`) unless the browser sends the cookie `tashbeek_shell=full`, and every
//! other address with the whole dashboard (`index.html`). The cookie is a hint, not a
//! credential: the dashboard sets it while a session is stored and removes it on sign-out.
//! In the public build, a link to any other address is followed by the browser, not the
//! router, so the server answers it with the whole dashboard; an address the router meets
//! otherwise is loaded from the server the same way. A note in `sessionStorage` keeps a
//! disagreement between server and router from reloading forever.

use leptos::prelude::*;
use tashbeek_domain::dashboard::Build;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

const COOKIE: &str = "tashbeek_shell";
const HANDOVER_KEY: &str = "tashbeek.handover";

fn session_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

fn set_cookie(value: &str) {
    let _ = js_sys::Reflect::set(&document(), &JsValue::from_str("cookie"), &JsValue::from_str(value));
}

/// Keeps the cookie in step with the stored session.
pub fn remember_signed_in(signed_in: bool) {
    if signed_in {
        set_cookie(&format!("{COOKIE}=full; Path=/; Max-Age=31536000; SameSite=Lax"));
    } else {
        set_cookie(&format!("{COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"));
    }
}

/// The whole dashboard runs: a later hand-over from the public build may reload again.
pub fn entered_dashboard() {
    if let Some(s) = session_storage() {
        let _ = s.remove_item(HANDOVER_KEY);
    }
}

fn current_path() -> String {
    window().location().pathname().unwrap_or_default()
}

/// Loads `target` (a path) from the server, replacing the current history entry, once per
/// address and tab: `false` when it already tried (the server answered it with the public
/// build again).
fn load_once(target: &str) -> bool {
    let storage = session_storage();
    if storage.as_ref().and_then(|s| s.get_item(HANDOVER_KEY).ok().flatten()).as_deref() == Some(target) {
        return false;
    }
    if let Some(s) = &storage {
        let _ = s.set_item(HANDOVER_KEY, target);
    }
    window().location().replace(target).is_ok()
}

/// Links to addresses this build does not show are marked `rel="external"` as they are
/// clicked (before the router sees the click), so the browser follows them and the server
/// answers with the build that shows them.
pub fn follow_links_elsewhere(build: Build) {
    let on_click = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let anchor =
            ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("a").ok().flatten());
        let Some(anchor) = anchor else { return };
        let Some(href) = anchor.get_attribute("href") else { return };
        let path = href.split(['?', '#']).next().unwrap_or_default();
        if path.starts_with('/') && !path.starts_with("//") && !build.routes(path) {
            let _ = anchor.set_attribute("rel", "external");
        }
    });
    let _ = window().add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    on_click.forget();
}

/// In the public build: a browser with a stored session gets the whole dashboard.
pub fn hand_over_if_signed_in() -> bool {
    if crate::session::storage_get(crate::session::SESSION_KEY).is_none() {
        return false;
    }
    remember_signed_in(true);
    load_once(&current_path())
}

/// The public build's answer to an address it does not serve: the server's page for it.
#[component]
pub fn Elsewhere() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let search = location.search.get_untracked();
    let separator = if search.is_empty() || search.starts_with('?') { "" } else { "?" };
    let target = format!("{}{separator}{search}", location.pathname.get_untracked());
    let reloading = load_once(&target);
    view! {
        <Show when=move || !reloading fallback=|| view! { <p class="muted" aria-busy="true"></p> }>
            <crate::pages::not_found::NotFound/>
        </Show>
    }
}
