//! Tashbeek's dashboard: a Leptos single-page app that talks only to the public API.
//!
//! Built six times from this library: the main dashboard (`tashbeek-frontend`), the
//! public directory alone (`tashbeek-public`: the list and an organization's page, what an
//! anonymous first visit downloads), the coordination screens (`tashbeek-coordination`:
//! partnerships, administration), the meetings (`tashbeek-meetings`), the follow-up of
//! recommendations (`tashbeek-followup`) and the networks' roadmaps (`tashbeek-roadmap`). Offices work over slow links and each download
//! stays within its budget; the server picks the build by address (see `shell`).

mod api;
mod app;
mod endpoints;
mod i18n;
mod pages;
mod reference;
mod session;
mod shell;

/// Mounts the main dashboard.
pub fn dashboard() {
    i18n::add_texts(include_str!("../locales/office.ar.json"), include_str!("../locales/office.en.json"));
    shell::entered_dashboard();
    shell::follow_links_elsewhere(tashbeek_domain::dashboard::Build::Main);
    leptos::mount::mount_to_body(app::App);
}

/// Mounts the coordination screens (partnerships).
pub fn coordination() {
    shell::entered_dashboard();
    shell::follow_links_elsewhere(tashbeek_domain::dashboard::Build::Coordination);
    leptos::mount::mount_to_body(app::CoordinationApp);
}

/// Mounts the meetings' screens.
pub fn meetings() {
    i18n::add_texts(include_str!("../locales/meetings.ar.json"), include_str!("../locales/meetings.en.json"));
    i18n::add_texts(include_str!("../locales/office.ar.json"), include_str!("../locales/office.en.json"));
    shell::entered_dashboard();
    shell::follow_links_elsewhere(tashbeek_domain::dashboard::Build::Meetings);
    leptos::mount::mount_to_body(app::MeetingsApp);
}

/// Mounts the follow-up screens (recommendations).
pub fn followup() {
    i18n::add_texts(include_str!("../locales/followup.ar.json"), include_str!("../locales/followup.en.json"));
    shell::entered_dashboard();
    shell::follow_links_elsewhere(tashbeek_domain::dashboard::Build::FollowUp);
    leptos::mount::mount_to_body(app::FollowUpApp);
}

/// Mounts the roadmaps' screens.
pub fn roadmap() {
    i18n::add_texts(include_str!("../locales/roadmap.ar.json"), include_str!("../locales/roadmap.en.json"));
    shell::entered_dashboard();
    shell::follow_links_elsewhere(tashbeek_domain::dashboard::Build::Roadmap);
    leptos::mount::mount_to_body(app::RoadmapApp);
}

/// Mounts the public directory, or hands the page to the whole dashboard when this
/// browser holds a session.
pub fn public_directory() {
    if shell::hand_over_if_signed_in() {
        return;
    }
    shell::follow_links_elsewhere(tashbeek_domain::dashboard::Build::Public);
    leptos::mount::mount_to_body(app::PublicApp);
}
