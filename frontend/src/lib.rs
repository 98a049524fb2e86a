//! Tashbeek's dashboard: a Leptos single-page app that talks only to the public API.
//!
//! Built twice from this library: the whole dashboard (`tashbeek-frontend`), and the
//! public directory alone (`tashbeek-public`: the list and an organization's page), which
//! is what an anonymous first visit downloads. Offices work over slow links; the first
//! screen carries only its own code, and the server hands signed-in browsers and every
//! other address to the whole dashboard (see `shell`).

mod api;
mod app;
mod endpoints;
mod i18n;
mod pages;
mod reference;
mod session;
mod shell;

/// Mounts the whole dashboard.
pub fn dashboard() {
    shell::entered_dashboard();
    leptos::mount::mount_to_body(app::App);
}

/// Mounts the public directory, or hands the page to the whole dashboard when this
/// browser holds a session.
pub fn public_directory() {
    if shell::hand_over_if_signed_in() {
        return;
    }
    shell::follow_links_elsewhere();
    leptos::mount::mount_to_body(app::PublicApp);
}
