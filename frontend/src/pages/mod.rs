pub mod admin;
pub mod directory;
pub mod form;
pub mod invitation;
pub mod login;
pub mod members;
pub mod network;
pub mod not_found;
pub mod organization;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::use_i18n;

/// An error banner that says what happened and, for 403, that the action is not allowed.
#[component]
pub fn ErrorBox(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    let text = if error.status == 403 { i18n.t("errors.forbidden") } else { error.detail.clone() };
    view! { <div class="alert error" role="alert">{text}</div> }
}
