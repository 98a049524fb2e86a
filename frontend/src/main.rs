//! Tashbeek's dashboard: a Leptos single-page app that talks only to the public API.

mod api;
mod app;
mod endpoints;
mod i18n;
mod pages;
mod reference;
mod session;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
