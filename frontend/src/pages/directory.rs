//! The directory: Arabic-aware search, filters and keyset paging.

use leptos::prelude::*;
use leptos_router::components::A;
use tashbeek_domain::organization::{OrganizationKind, OrganizationSummary, ResourceKind, VerificationStatus};

use crate::api::{enc, ApiError};
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::ErrorBox;
use crate::reference::use_reference;
use crate::session::use_session;

#[component]
pub fn StatusBadge(status: VerificationStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=format!("badge status-{}", status.as_str())>{move || i18n.t(&format!("status.{}", status.as_str()))}</span> }
}

#[component]
fn Select(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev)) prop:value=move || value.get()>
                <option value="">{move || i18n.t("dir.any")}</option>
                {move || options.get().into_iter().map(|(v, l)| {
                    let selected = value.get_untracked() == v;
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn Directory() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let text = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let sector = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let need = RwSignal::new(String::new());
    let offer = RwSignal::new(String::new());
    let items = RwSignal::new(Vec::<OrganizationSummary>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let generation = StoredValue::new(0u32);

    let params = Memo::new(move |_| {
        let mut p = vec![("limit", "20".to_owned())];
        for (k, v) in [
            ("q", query.get()),
            ("kind", kind.get()),
            ("sector", sector.get()),
            ("area", area.get()),
            ("status", status.get()),
            ("need", need.get()),
            ("offer", offer.get()),
        ] {
            if !v.trim().is_empty() {
                p.push((k, v));
            }
        }
        // A new session sees another directory.
        let _ = session.signed_in();
        p.into_iter().map(|(k, v)| format!("{k}={}", enc(&v))).collect::<Vec<_>>().join("&")
    });

    let fetch = move |cursor: Option<String>| {
        let qs = params.get_untracked();
        let gen = generation.get_value() + u32::from(cursor.is_none());
        generation.set_value(gen);
        loading.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let query = match &cursor {
                Some(c) => format!("{qs}&cursor={}", enc(c)),
                None => qs,
            };
            let result = endpoints::organizations::list(&query).await;
            if generation.get_value() != gen {
                return; // a newer search replaced this one
            }
            match result {
                Ok(page) => {
                    if cursor.is_some() {
                        items.update(|v| v.extend(page.items));
                    } else {
                        items.set(page.items);
                    }
                    next.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| {
        params.track();
        fetch(None);
    });

    let kinds = Signal::derive(move || {
        OrganizationKind::ALL.iter().map(|k| (k.as_str().to_owned(), i18n.t(&format!("kind.{}", k.as_str())))).collect()
    });
    let statuses = Signal::derive(move || {
        VerificationStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), i18n.t(&format!("status.{}", s.as_str()))))
            .collect()
    });
    let resources = Signal::derive(move || {
        ResourceKind::ALL.iter().map(|r| (r.as_str().to_owned(), i18n.t(&format!("resource.{}", r.as_str())))).collect()
    });
    let sectors = Signal::derive(move || {
        reference
            .sectors
            .get()
            .into_iter()
            .map(|s| {
                let n = i18n.pick(Some(&s.name_ar), Some(&s.name_en)).to_owned();
                (s.code, n)
            })
            .collect()
    });
    let areas = Signal::derive(move || reference.area_options(&i18n));
    let clear = move |_| {
        for s in [kind, sector, area, status, need, offer] {
            s.set(String::new());
        }
        text.set(String::new());
        query.set(String::new());
    };

    view! {
        <section>
            <h1>{move || i18n.t("dir.title")}</h1>
            <Show when=move || !session.signed_in()>
                <p class="muted" id="public-note">{move || i18n.t("dir.public_note")}</p>
            </Show>
            <form class="search" role="search" on:submit=move |ev| { ev.prevent_default(); query.set(text.get_untracked()); }>
                <label for="q" class="visually-hidden">{move || i18n.t("dir.search")}</label>
                <input id="q" type="search" placeholder=move || i18n.t("dir.search_placeholder")
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                <button type="submit" class="button" id="search-submit">{move || i18n.t("dir.search_button")}</button>
            </form>
            <details class="filters" open>
                <summary>{move || i18n.t("dir.filters")}</summary>
                <div class="filter-grid">
                    <Select id="f-kind" label="dir.kind" value=kind options=kinds/>
                    <Select id="f-sector" label="dir.sector" value=sector options=sectors/>
                    <Select id="f-area" label="dir.area" value=area options=areas/>
                    <Show when=move || session.signed_in()>
                        <Select id="f-status" label="dir.status" value=status options=statuses/>
                    </Show>
                    <Select id="f-need" label="dir.need" value=need options=resources/>
                    <Select id="f-offer" label="dir.offer" value=offer options=resources/>
                </div>
                <button type="button" class="link" on:click=clear>{move || i18n.t("dir.clear")}</button>
            </details>
            {move || error.get().map(|e| view! {
                <ErrorBox error=e/>
                <button type="button" class="button secondary" on:click=move |_| fetch(None)>{move || i18n.t("dir.retry")}</button>
            })}
            <p class="muted" aria-live="polite" id="result-count">
                {move || if loading.get() { i18n.t("dir.loading") } else { i18n.t_with("dir.count", &[("n", i18n.number(items.with(|v| v.len() as i64)))]) }}
            </p>
            <Show when=move || !loading.get() && error.get().is_none() && items.with(|v| v.is_empty())>
                <p class="empty" id="empty">{move || i18n.t("dir.empty")}</p>
            </Show>
            <ul class="results" id="results">
                <For each=move || items.get() key=|o| (o.id.clone(), o.version) let:org>
                    <OrgCard org=org/>
                </For>
            </ul>
            <Show when=move || next.with(|n| n.is_some())>
                <button type="button" class="button secondary" id="more" disabled=move || loading.get()
                    on:click=move |_| fetch(next.get_untracked())>{move || i18n.t("dir.more")}</button>
            </Show>
        </section>
    }
}

#[component]
fn OrgCard(org: OrganizationSummary) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let href = format!("/organizations/{}", org.id);
    let (ar, en) = (org.name_ar.clone(), org.name_en.clone());
    let other = {
        let (ar, en) = (ar.clone(), en.clone());
        move || {
            let main = i18n.pick(ar.as_deref(), en.as_deref()).to_owned();
            [ar.clone(), en.clone()].into_iter().flatten().find(|n| *n != main)
        }
    };
    let sectors = org.sectors.clone();
    let areas = org.areas.clone();
    view! {
        <li class="card org-card">
            <div class="org-card-head">
                <A href=href attr:class="org-name">{move || i18n.pick(ar.as_deref(), en.as_deref()).to_owned()}</A>
                <StatusBadge status=org.verification_status/>
            </div>
            {move || other().map(|n| view! { <p class="muted small">{n}</p> })}
            <p class="small">
                <span class="tag">{move || i18n.t(&format!("kind.{}", org.kind.as_str()))}</span>
                {move || sectors.iter().map(|s| view! { <span class="tag">{reference.sector_name(&i18n, s)}</span> }).collect_view()}
            </p>
            <p class="muted small">{move || areas.iter().map(|a| reference.area_name(&i18n, a)).collect::<Vec<_>>().join(" · ")}</p>
        </li>
    }
}
