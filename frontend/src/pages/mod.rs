pub mod admin;
pub mod directory;
pub mod form;
pub mod invitation;
pub mod login;
pub mod meeting;
pub mod members;
pub mod network;
pub mod not_found;
pub mod organization;
pub mod partnership;
pub mod recommendation;
pub mod record;
pub mod roadmap;
pub mod verify;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::use_i18n;
use tashbeek_domain::page::Page;

/// An error banner that says what happened and, for 403, that the action is not allowed.
#[component]
pub fn ErrorBox(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    let text = if error.status == 403 { i18n.t("errors.forbidden") } else { error.detail.clone() };
    view! { <div class="alert error" role="alert">{text}</div> }
}

/// Puts a fetched page into a growing list: the first page replaces it, later pages
/// ("show more") append; the next cursor and any error are kept beside it.
pub fn show_page<T: Send + Sync + 'static>(
    list: RwSignal<Vec<T>>,
    next: RwSignal<Option<String>>,
    error: RwSignal<Option<ApiError>>,
    appending: bool,
    result: Result<Page<T>, ApiError>,
) {
    match result {
        Ok(p) => {
            if appending {
                list.update(|l| l.extend(p.items));
            } else {
                list.set(p.items);
            }
            next.set(p.next_cursor);
            error.set(None);
        }
        Err(e) => error.set(Some(e)),
    }
}

/// Hands a downloaded blob to the browser as a file named `name`.
pub fn save(blob: &web_sys::Blob, name: &str) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    if let Ok(a) = document().create_element("a") {
        let a: web_sys::HtmlAnchorElement = wasm_bindgen::JsCast::unchecked_into(a);
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Revoked once the browser has surely started reading it.
    set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), std::time::Duration::from_secs(60));
}
