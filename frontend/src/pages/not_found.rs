use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card narrow" id="not-found">
            <h1>{move || i18n.t("notfound.title")}</h1>
            <p>{move || i18n.t("notfound.body")}</p>
            <A href="/" attr:class="button">{move || i18n.t("notfound.back")}</A>
        </section>
    }
}
