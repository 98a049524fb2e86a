//! Partnerships: the list (with the inbox of what awaits my organizations' answer),
//! proposing and amending, a partnership's page where each party answers for itself,
//! and the partnerships on an organization's profile.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use tashbeek_domain::document::{shown_inline, Document, ACCEPTED_TYPES};
use tashbeek_domain::organization::OrganizationSummary;
use tashbeek_domain::partnership::{
    iso_date, ContributionKind, ContributionValue, Partnership, PartnershipGraph, PartnershipHistoryEntry,
    PartnershipInput, PartnershipKind, PartnershipRecord, PartnershipStatus, PartnershipSummary, PartyAnswer,
    PartyAnswerKind, PartyInput, PartyRole, PartyState,
};
use tashbeek_domain::report::{Measure, Metric, Report, ReportInput, ReportKind, ReviewInput, Verdict};
use tashbeek_domain::OrganizationId;

use crate::api::{enc, ApiError};
use crate::endpoints;
use crate::i18n::{use_i18n, I18n};
use crate::pages::not_found::NotFound;
use crate::pages::{save, show_page, ErrorBox};
use crate::reference::use_reference;
use crate::session::use_session;

fn status_badge(i18n: I18n, status: PartnershipStatus) -> impl IntoView {
    view! {
        <span class=format!("badge partnership-{}", status.as_str())>
            {i18n.text_owned(format!("partnerships.status.{}", status.as_str()))}
        </span>
    }
}

fn state_badge(i18n: I18n, state: PartyState) -> impl IntoView {
    view! {
        <span class=format!("badge party-{}", state.as_str())>
            {i18n.text_owned(format!("partnerships.state.{}", state.as_str()))}
        </span>
    }
}

/// "Confirmed by 2 of 3 parties".
fn confirmed_by(i18n: I18n, n: i64, of: usize) -> String {
    i18n.t_with("partnerships.confirmed_by", &[("n", i18n.number(n)), ("of", i18n.number(of as i64))])
}

fn date_text(i18n: I18n, d: Option<chrono::NaiveDate>) -> String {
    d.and_then(|d| d.and_hms_opt(12, 0, 0)).map(|t| i18n.date(t.and_utc())).unwrap_or_else(|| "—".into())
}

/// One partnership in a list.
#[component]
fn SummaryCard(p: PartnershipSummary) -> impl IntoView {
    let i18n = use_i18n();
    let title = i18n.pick(p.title_ar.as_deref(), p.title_en.as_deref()).to_owned();
    let of = p.parties.len();
    let n = p.confirmed_count;
    view! {
        <li class="card partnership-card">
            <div class="org-card-head">
                <A href=format!("/partnerships/{}", p.id) attr:class="org-name">{title}</A>
                {status_badge(i18n, p.status)}
            </div>
            <p class="muted small">
                {i18n.text_owned(format!("partnerships.kind.{}", p.kind.as_str()))}" · "
                <span class="confirmed-by">{move || confirmed_by(i18n, n, of)}</span>
            </p>
            <ul class="chips">
                {p.parties.into_iter().map(|party| {
                    let name = i18n.pick(party.name_ar.as_deref(), party.name_en.as_deref()).to_owned();
                    view! { <li class=format!("chip party-{}", party.state.as_str())>{name}</li> }
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
pub fn PartnershipsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query_map = leptos_router::hooks::use_query_map();
    let organization = Memo::new(move |_| query_map.with(|q| q.get("organization").unwrap_or_default()));
    let inbox = RwSignal::new(false);
    let (status, sector, area) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let items = RwSignal::new(Vec::<PartnershipSummary>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    let query = move |cursor: Option<String>| {
        let mut q = vec!["limit=20".to_owned()];
        if inbox.get_untracked() {
            q.push("awaiting=true".into());
        }
        let org = organization.get_untracked();
        if !org.is_empty() {
            q.push(format!("organization={}", enc(&org)));
        }
        for (k, v) in [("status", status), ("sector", sector), ("area", area)] {
            let v = v.get_untracked();
            if !v.is_empty() {
                q.push(format!("{k}={}", enc(&v)));
            }
        }
        if let Some(c) = cursor {
            q.push(format!("cursor={}", enc(&c)));
        }
        q.join("&")
    };
    let load = move |cursor: Option<String>| {
        let appending = cursor.is_some();
        let q = query(cursor);
        leptos::task::spawn_local(async move {
            let r = endpoints::partnerships::list(&q).await;
            show_page(items, next, error, appending, r);
            loaded.set(true);
        });
    };
    Effect::new(move |_| {
        organization.track();
        inbox.track();
        status.track();
        sector.track();
        area.track();
        session.0.track();
        load(None);
    });
    let has_inbox = move || !session.admin_orgs().is_empty();
    view! {
        <section id="partnerships-page">
            <div class="org-head">
                <h1>{i18n.text("partnerships.title")}</h1>
                <A href="/partnerships/graph" attr:class="button secondary" attr:id="graph-link">{i18n.text("graph.title")}</A>
                <Show when=move || session.can_write()>
                    <A href="/partnerships/new" attr:class="button" attr:id="propose-link">{i18n.text("partnerships.propose")}</A>
                </Show>
            </div>
            <p class="muted">{i18n.text("partnerships.intro")}</p>
            {move || (!organization.get().is_empty()).then(|| view! {
                <p class="alert" id="org-filter">
                    {i18n.text("partnerships.of_one_org")}" "
                    <A href="/partnerships">{i18n.text("partnerships.all")}</A>
                </p>
            })}
            <Show when=has_inbox>
                <div class="tabs" role="tablist">
                    <button type="button" role="tab" class="link" id="tab-all" aria-selected=move || (!inbox.get()).to_string()
                        on:click=move |_| inbox.set(false)>{i18n.text("partnerships.all")}</button>
                    <button type="button" role="tab" class="link" id="tab-inbox" aria-selected=move || inbox.get().to_string()
                        on:click=move |_| inbox.set(true)>{i18n.text("partnerships.inbox")}</button>
                </div>
            </Show>
            <details class="card filters">
                <summary>{i18n.text("partnerships.filters")}</summary>
                <div class="filter-grid">
                    <div class="field">
                        <label for="p-status">{i18n.text("partnerships.status_label")}</label>
                        <select id="p-status" on:change=move |ev| status.set(event_target_value(&ev))>
                            <option value="">{i18n.text("partnerships.any")}</option>
                            {PartnershipStatus::ALL.iter().map(|s| {
                                let s = *s;
                                view! { <option value=s.as_str()>{i18n.text_owned(format!("partnerships.status.{}", s.as_str()))}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <SectorAreaFilters prefix="p" sector=sector area=area/>
                </div>
            </details>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || (loaded.get() && items.with(Vec::is_empty)).then(|| view! {
                <p class="empty" id="partnerships-empty">
                    {move || if inbox.get() { i18n.t("partnerships.inbox_empty") } else { i18n.t("partnerships.none") }}
                </p>
            })}
            <ul class="results" id="partnerships">
                <For each=move || items.get() key=|p| (p.id.clone(), p.version) let:p>
                    <SummaryCard p=p/>
                </For>
            </ul>
            {move || next.get().map(|c| view! {
                <button type="button" class="button secondary" on:click=move |_| load(Some(c.clone()))>{i18n.text("partnerships.more")}</button>
            })}
        </section>
    }
}

/// The sector and area selects of a partnership view (`<prefix>-sector`, `<prefix>-area`).
#[component]
fn SectorAreaFilters(prefix: &'static str, sector: RwSignal<String>, area: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let (sector_id, area_id) = (format!("{prefix}-sector"), format!("{prefix}-area"));
    view! {
        <div class="field">
            <label for=sector_id.clone()>{i18n.text("partnerships.sector")}</label>
            <select id=sector_id on:change=move |ev| sector.set(event_target_value(&ev))>
                <option value="">{i18n.text("partnerships.any")}</option>
                {move || reference.sectors.get().into_iter().map(|s| {
                    let label = i18n.pick(Some(&s.name_ar), Some(&s.name_en)).to_owned();
                    view! { <option value=s.code>{label}</option> }
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for=area_id.clone()>{i18n.text("partnerships.area")}</label>
            <select id=area_id on:change=move |ev| area.set(event_target_value(&ev))>
                <option value="">{i18n.text("partnerships.any")}</option>
                {move || reference.area_options(&i18n).into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// One party row of the form.
#[derive(Clone, PartialEq)]
struct PartyRow {
    organization_id: OrganizationId,
    name: String,
    role: PartyRole,
    contribution: String,
    amount: String,
    currency: String,
    value_kind: ContributionKind,
}

impl PartyRow {
    fn to_input(&self) -> Result<PartyInput, ()> {
        let value = if self.amount.trim().is_empty() {
            None
        } else {
            let amount = self.amount.trim().parse::<i64>().map_err(|_| ())?;
            Some(ContributionValue { kind: self.value_kind, amount, currency: self.currency.clone() })
        };
        Ok(PartyInput {
            organization_id: self.organization_id.clone(),
            role: self.role,
            contribution: Some(self.contribution.clone()).filter(|c| !c.trim().is_empty()),
            value,
        })
    }
}

/// Proposing (`edit = false`) or amending a partnership.
#[component]
pub fn PartnershipForm(edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let navigate = use_navigate();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let title_ar = RwSignal::new(String::new());
    let title_en = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new(PartnershipKind::JointProgramme);
    let sectors = RwSignal::new(Vec::<String>::new());
    let areas = RwSignal::new(Vec::<String>::new());
    let starts_on = RwSignal::new(String::new());
    let ends_on = RwSignal::new(String::new());
    let objectives = RwSignal::new(String::new());
    let parties = RwSignal::new(Vec::<PartyRow>::new());
    let proposed_by = RwSignal::new(String::new());
    let etag = RwSignal::new(None::<String>);
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<OrganizationSummary>::new());

    // Amending starts from the stored terms; proposing from the organization I administer.
    Effect::new(move |_| {
        if edit {
            let id = id.get();
            leptos::task::spawn_local(async move {
                match endpoints::partnerships::get(&id).await {
                    Ok(r) => {
                        let p = r.body;
                        title_ar.set(p.title_ar.clone().unwrap_or_default());
                        title_en.set(p.title_en.clone().unwrap_or_default());
                        description.set(p.description.clone().unwrap_or_default());
                        kind.set(p.kind);
                        sectors.set(p.sectors.clone());
                        areas.set(p.areas.clone());
                        starts_on.set(p.starts_on.map(iso_date::format).unwrap_or_default());
                        ends_on.set(p.ends_on.map(iso_date::format).unwrap_or_default());
                        objectives.set(p.objectives.join("\n"));
                        parties.set(
                            p.parties
                                .iter()
                                .map(|x| PartyRow {
                                    organization_id: x.organization_id.clone(),
                                    name: i18n.pick(x.name_ar.as_deref(), x.name_en.as_deref()).to_owned(),
                                    role: x.role,
                                    contribution: x.contribution.clone().unwrap_or_default(),
                                    amount: x.value.as_ref().map(|v| v.amount.to_string()).unwrap_or_default(),
                                    currency: x.value.as_ref().map(|v| v.currency.clone()).unwrap_or_default(),
                                    value_kind: x.value.as_ref().map_or(ContributionKind::Money, |v| v.kind),
                                })
                                .collect(),
                        );
                        etag.set(r.etag);
                    }
                    Err(e) => failure.set(Some(e)),
                }
            });
        } else if let Some(mine) = session.admin_orgs().first().cloned() {
            proposed_by.set(mine.clone());
            leptos::task::spawn_local(async move {
                if let Ok(r) = endpoints::organizations::get(&mine).await {
                    let o = r.body;
                    let name = i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned();
                    parties.update(|p| {
                        if p.is_empty() {
                            p.push(PartyRow {
                                organization_id: o.id.clone(),
                                name,
                                role: PartyRole::Lead,
                                contribution: String::new(),
                                amount: String::new(),
                                currency: String::new(),
                                value_kind: ContributionKind::Money,
                            });
                        }
                    });
                }
            });
        }
    });

    let find = move || {
        let query = q.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(p) = endpoints::organizations::search(&query, 10).await {
                found.set(p.items);
            }
        });
    };
    let add = move |o: OrganizationSummary| {
        parties.update(|p| {
            if !p.iter().any(|x| x.organization_id == o.id) {
                p.push(PartyRow {
                    name: i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned(),
                    organization_id: o.id.clone(),
                    role: PartyRole::Implementing,
                    contribution: String::new(),
                    amount: String::new(),
                    currency: String::new(),
                    value_kind: ContributionKind::Money,
                });
            }
        });
        found.set(vec![]);
        q.set(String::new());
        errors.update(|e| {
            e.remove("parties");
        });
    };
    let set_party = move |i: usize, f: Box<dyn Fn(&mut PartyRow)>| {
        parties.update(|p| {
            if let Some(row) = p.get_mut(i) {
                f(row)
            }
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let date = |s: RwSignal<String>| iso_date::parse(&s.get_untracked());
        let mut local = HashMap::new();
        let mut rows = Vec::new();
        for (i, p) in parties.get_untracked().iter().enumerate() {
            match p.to_input() {
                Ok(r) => rows.push(r),
                Err(()) => {
                    local.insert(format!("parties[{i}].value.amount"), i18n.t("partnerships.amount_invalid"));
                }
            }
        }
        let input = PartnershipInput {
            title_ar: text(title_ar),
            title_en: text(title_en),
            description: text(description),
            kind: kind.get_untracked(),
            sectors: sectors.get_untracked(),
            areas: areas.get_untracked(),
            starts_on: date(starts_on),
            ends_on: date(ends_on),
            objectives: objectives
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            parties: rows,
            proposed_by: if edit { None } else { OrganizationId::parse(&proposed_by.get_untracked()) },
        };
        let input = match input.validate() {
            Ok(v) if local.is_empty() => v,
            Ok(_) => {
                errors.set(local);
                return;
            }
            Err(e) => {
                for f in e.render(i18n.locale.get_untracked().lang()) {
                    local.insert(f.field, f.message);
                }
                errors.set(local);
                return;
            }
        };
        errors.set(HashMap::new());
        let navigate = navigate.clone();
        let (pid, tag) = (id.get_untracked(), etag.get_untracked());
        leptos::task::spawn_local(async move {
            let result = if edit {
                endpoints::partnerships::amend(&pid, &input, tag.as_deref()).await.map(|a| a.partnership.id.to_string())
            } else {
                endpoints::partnerships::propose(&input).await.map(|p| p.id.to_string())
            };
            match result {
                Ok(new_id) => navigate(&format!("/partnerships/{new_id}"), Default::default()),
                Err(e) => {
                    errors.set(e.fields.iter().map(|f| (f.field.clone(), f.message.clone())).collect());
                    failure.set(Some(e));
                }
            }
        });
    };
    let err = move |f: &'static str| errors.with(|e| e.get(f).cloned());
    let err_at = move |f: String| errors.with(|e| e.get(&f).cloned());
    let field_error =
        move |f: &'static str| err(f).map(|m| view! { <p class="field-error" id=format!("err-p-{f}")>{m}</p> });
    view! {
        <section id="partnership-form">
            <h1>{move || if edit { i18n.t("partnerships.amend") } else { i18n.t("partnerships.propose") }}</h1>
            <p class="muted">{move || if edit { i18n.t("partnerships.amend_hint") } else { i18n.t("partnerships.propose_hint") }}</p>
            <form on:submit=submit novalidate class="card">
                <div class="two">
                    <div class="field" class:invalid=move || err("title_ar").is_some()>
                        <label for="p-title_ar">{i18n.text("partnerships.title_ar")}</label>
                        <input id="p-title_ar" prop:value=move || title_ar.get() on:input=move |ev| {
                            title_ar.set(event_target_value(&ev));
                            errors.update(|e| { e.remove("title_ar"); e.remove("title_en"); });
                        }/>
                        {move || field_error("title_ar")}
                    </div>
                    <div class="field" class:invalid=move || err("title_en").is_some()>
                        <label for="p-title_en">{i18n.text("partnerships.title_en")}</label>
                        <input id="p-title_en" dir="ltr" prop:value=move || title_en.get() on:input=move |ev| {
                            title_en.set(event_target_value(&ev));
                            errors.update(|e| { e.remove("title_ar"); e.remove("title_en"); });
                        }/>
                        {move || field_error("title_en")}
                    </div>
                </div>
                <div class="field">
                    <label for="p-kind">{i18n.text("partnerships.kind_label")}</label>
                    <select id="p-kind" on:change=move |ev| if let Some(k) = PartnershipKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                        {PartnershipKind::ALL.iter().map(|k| {
                            let k = *k;
                            view! { <option value=k.as_str() selected=move || kind.get() == k>{i18n.text_owned(format!("partnerships.kind.{}", k.as_str()))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="p-description">{i18n.text("partnerships.description")}</label>
                    <textarea id="p-description" rows="3" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </div>
                <div class="two">
                    <div class="field">
                        <label for="p-starts_on">{i18n.text("partnerships.starts_on")}</label>
                        <input id="p-starts_on" type="date" prop:value=move || starts_on.get() on:input=move |ev| starts_on.set(event_target_value(&ev))/>
                    </div>
                    <div class="field" class:invalid=move || err("ends_on").is_some()>
                        <label for="p-ends_on">{i18n.text("partnerships.ends_on")}</label>
                        <input id="p-ends_on" type="date" prop:value=move || ends_on.get() on:input=move |ev| ends_on.set(event_target_value(&ev))/>
                        {move || field_error("ends_on")}
                    </div>
                </div>
                <fieldset class="field">
                    <legend>{i18n.text("partnerships.sectors")}</legend>
                    <div class="chips">
                        {move || reference.sectors.get().into_iter().map(|s| {
                            let code = s.code.clone();
                            let c2 = code.clone();
                            let label = i18n.pick(Some(&s.name_ar), Some(&s.name_en)).to_owned();
                            view! {
                                <label class="chip check">
                                    <input type="checkbox" prop:checked=move || sectors.with(|v| v.contains(&code))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            sectors.update(|v| { v.retain(|x| x != &c2); if on { v.push(c2.clone()) } });
                                        }/>
                                    {label}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <div class="field" class:invalid=move || err("areas").is_some()>
                    <label for="p-area-add">{i18n.text("partnerships.areas")}</label>
                    <select id="p-area-add" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if !v.is_empty() { areas.update(|a| if !a.contains(&v) { a.push(v) }) }
                    }>
                        <option value="">{i18n.text("partnerships.add_area")}</option>
                        {move || reference.area_options(&i18n).into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                    </select>
                    <ul class="chips" id="p-areas">
                        {move || areas.get().into_iter().map(|a| {
                            let name = reference.area_name(&i18n, &a);
                            view! { <li class="chip">{name}" "<button type="button" class="link" aria-label=i18n.text("partnerships.remove")
                                on:click=move |_| areas.update(|v| v.retain(|x| x != &a))>"×"</button></li> }
                        }).collect_view()}
                    </ul>
                </div>
                <div class="field">
                    <label for="p-objectives">{i18n.text("partnerships.objectives")}</label>
                    <textarea id="p-objectives" rows="3" prop:value=move || objectives.get() on:input=move |ev| objectives.set(event_target_value(&ev))></textarea>
                    <p class="muted small">{i18n.text("partnerships.objectives_hint")}</p>
                </div>

                <fieldset class="parties">
                    <legend>{i18n.text("partnerships.parties")}</legend>
                    {move || field_error("parties")}
                    <ol class="party-rows" id="p-parties">
                        {move || parties.get().into_iter().enumerate().map(|(i, row)| {
                            let role_id = format!("p-role-{i}");
                            let contribution_id = format!("p-contribution-{i}");
                            let amount_id = format!("p-amount-{i}");
                            let org_err = format!("parties[{i}].organization_id");
                            let amount_err = format!("parties[{i}].value.amount");
                            let currency_err = format!("parties[{i}].value.currency");
                            let (amount_bad, currency_bad) = (amount_err.clone(), currency_err.clone());
                            view! {
                                <li class="party-row">
                                    <strong>{row.name.clone()}</strong>
                                    {move || err_at(org_err.clone()).map(|m| view! { <p class="field-error">{m}</p> })}
                                    <div class="filter-grid">
                                        <div class="field">
                                            <label for=role_id.clone()>{i18n.text("partnerships.role")}</label>
                                            <select id=role_id on:change=move |ev| {
                                                if let Some(r) = PartyRole::parse(&event_target_value(&ev)) { set_party(i, Box::new(move |p| p.role = r)) }
                                            }>
                                                {PartyRole::ALL.iter().map(|r| {
                                                    let r = *r;
                                                    view! { <option value=r.as_str() selected=row.role == r>{i18n.text_owned(format!("partnerships.role.{}", r.as_str()))}</option> }
                                                }).collect_view()}
                                            </select>
                                        </div>
                                        <div class="field">
                                            <label for=contribution_id.clone()>{i18n.text("partnerships.contribution")}</label>
                                            <input id=contribution_id prop:value=row.contribution.clone()
                                                on:change=move |ev| { let v = event_target_value(&ev); set_party(i, Box::new(move |p| p.contribution = v.clone())) }/>
                                        </div>
                                        <div class="field" class:invalid=move || err_at(amount_bad.clone()).is_some()>
                                            <label for=amount_id.clone()>{i18n.text("partnerships.value")}</label>
                                            <input id=amount_id inputmode="numeric" dir="ltr" prop:value=row.amount.clone()
                                                on:change=move |ev| { let v = event_target_value(&ev); set_party(i, Box::new(move |p| p.amount = v.clone())) }/>
                                            {move || err_at(amount_err.clone()).map(|m| view! { <p class="field-error">{m}</p> })}
                                        </div>
                                        <div class="field" class:invalid=move || err_at(currency_bad.clone()).is_some()>
                                            <label>{i18n.text("partnerships.currency")}</label>
                                            <input dir="ltr" maxlength="3" prop:value=row.currency.clone()
                                                on:change=move |ev| { let v = event_target_value(&ev); set_party(i, Box::new(move |p| p.currency = v.clone())) }/>
                                            <select on:change=move |ev| {
                                                if let Some(k) = ContributionKind::parse(&event_target_value(&ev)) { set_party(i, Box::new(move |p| p.value_kind = k)) }
                                            }>
                                                {ContributionKind::ALL.iter().map(|k| {
                                                    let k = *k;
                                                    view! { <option value=k.as_str() selected=row.value_kind == k>{i18n.text_owned(format!("partnerships.value_kind.{}", k.as_str()))}</option> }
                                                }).collect_view()}
                                            </select>
                                            {move || err_at(currency_err.clone()).map(|m| view! { <p class="field-error">{m}</p> })}
                                        </div>
                                    </div>
                                    <button type="button" class="link" on:click=move |_| parties.update(|p| { if i < p.len() { p.remove(i); } })>
                                        {i18n.text("partnerships.remove")}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <div class="search">
                        <label for="party-q" class="visually-hidden">{i18n.text("partnerships.find_party")}</label>
                        <input id="party-q" type="search" placeholder=i18n.text("partnerships.find_party")
                            prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" {
                                ev.prevent_default();
                                find();
                            }/>
                        <button type="button" class="button secondary" id="party-search" on:click=move |_| find()>
                            {i18n.text("networks.search")}
                        </button>
                    </div>
                    <ul class="plain" id="party-results">
                        {move || found.get().into_iter().map(|o| {
                            let name = i18n.pick(o.name_ar.as_deref(), o.name_en.as_deref()).to_owned();
                            view! { <li>{name}" "<button type="button" class="button small" on:click=move |_| add(o.clone())>{i18n.text("partnerships.add_party")}</button></li> }
                        }).collect_view()}
                    </ul>
                </fieldset>
                <Show when=move || !edit>
                    <div class="field" class:invalid=move || err("proposed_by").is_some()>
                        <label for="p-proposed_by">{i18n.text("partnerships.proposed_by")}</label>
                        <select id="p-proposed_by" on:change=move |ev| proposed_by.set(event_target_value(&ev))>
                            {move || session.is_admin().then(|| view! { <option value="">{i18n.text("partnerships.as_coordinator")}</option> })}
                            {move || {
                                let mine = session.admin_orgs();
                                parties.get().into_iter().filter(|p| mine.contains(&p.organization_id.to_string())).map(|p| {
                                    let v = p.organization_id.to_string();
                                    let sel = proposed_by.get() == v;
                                    view! { <option value=v selected=sel>{p.name}</option> }
                                }).collect_view()
                            }}
                        </select>
                        {move || field_error("proposed_by")}
                    </div>
                </Show>
                {move || failure.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button" id="p-submit">
                    {move || if edit { i18n.t("partnerships.save") } else { i18n.t("partnerships.send") }}
                </button>
            </form>
        </section>
    }
}

#[component]
pub fn PartnershipPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let partnership = RwSignal::new(None::<Result<Partnership, ApiError>>);
    let etag = RwSignal::new(None::<String>);
    let history = RwSignal::new(Vec::<PartnershipHistoryEntry>::new());
    let action_error = RwSignal::new(None::<ApiError>);
    let comment = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let load = move || {
        let id = id.get_untracked();
        leptos::task::spawn_local(async move {
            let r = endpoints::partnerships::get(&id).await;
            if let Ok(reply) = &r {
                etag.set(reply.etag.clone());
                if let Ok(h) = endpoints::partnerships::history(&id).await {
                    history.set(h);
                }
            }
            partnership.set(Some(r.map(|r| r.body)));
        });
    };
    Effect::new(move |_| {
        id.track();
        session.0.track();
        load();
    });
    let answer = move |org: String, kind: PartyAnswerKind, terms_version: i64| {
        let pid = id.get_untracked();
        let a = PartyAnswer {
            answer: kind,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
            terms_version,
        };
        leptos::task::spawn_local(async move {
            match endpoints::partnerships::answer(&pid, &org, &a).await {
                Ok(_) => {
                    action_error.set(None);
                    comment.set(String::new());
                    load();
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    };
    let end = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (pid, tag, why) = (id.get_untracked(), etag.get_untracked(), reason.get_untracked());
        leptos::task::spawn_local(async move {
            match endpoints::partnerships::end(&pid, why, tag.as_deref()).await {
                Ok(_) => {
                    action_error.set(None);
                    load();
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    };
    let download_certificate = move |pid: String| {
        leptos::task::spawn_local(async move {
            match endpoints::partnerships::certificate(&pid).await {
                Ok(blob) => save(&blob, &format!("partnership-certificate-{pid}.pdf")),
                Err(e) => action_error.set(Some(e)),
            }
        })
    };
    view! {
        {move || match partnership.get() {
            None => view! { <p class="muted">{i18n.text("networks.loading")}</p> }.into_any(),
            Some(Err(e)) if e.status == 404 => view! { <NotFound/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
            Some(Ok(p)) => {
                let title = i18n.pick(p.title_ar.as_deref(), p.title_en.as_deref()).to_owned();
                let of = p.parties.len();
                let n = p.confirmed_count;
                let mine = session.admin_orgs();
                let is_party_admin = p.parties.iter().any(|x| mine.contains(&x.organization_id.to_string()));
                let can_change = (is_party_admin || session.is_admin()) && p.ended_at.is_none();
                let terms = p.terms_version;
                let names: HashMap<String, String> = p.parties.iter()
                    .map(|x| (x.organization_id.to_string(), i18n.pick(x.name_ar.as_deref(), x.name_en.as_deref()).to_owned()))
                    .collect();
                let names2 = names.clone();
                let names_for_reports = names.clone();
                let pid = p.id.to_string();
                let certifiable = p.has_certificate();
                view! {
                    <article id="partnership-page">
                        <p><A href="/partnerships" attr:class="back">{i18n.text("partnerships.title")}</A></p>
                        <div class="org-head">
                            <h1 id="partnership-title">{title}</h1>
                            {status_badge(i18n, p.status)}
                        </div>
                        <p class="lead" id="confirmed-by">{move || confirmed_by(i18n, n, of)}</p>
                        {certifiable.then(|| { let (pid, id2) = (pid.clone(), pid.clone()); view! {
                            <p class="actions" id="certificate">
                                <button type="button" class="button small" id="certificate-download"
                                    on:click=move |_| download_certificate(id2.clone())>{i18n.text("partnerships.certificate")}</button>
                                " "
                                <a href=format!("/verify/{pid}") id="verification-link">{i18n.text("partnerships.verification")}</a>
                            </p>
                        }})}
                        {move || action_error.get().map(|e| view! { <ErrorBox error=e/> })}
                        <div class="grid">
                            <section class="card">
                                <dl class="facts">
                                    <dt>{i18n.text("partnerships.kind_label")}</dt>
                                    <dd>{i18n.text_owned(format!("partnerships.kind.{}", p.kind.as_str()))}</dd>
                                    <dt>{i18n.text("partnerships.starts_on")}</dt>
                                    <dd>{move || date_text(i18n, p.starts_on)}</dd>
                                    <dt>{i18n.text("partnerships.ends_on")}</dt>
                                    <dd>{move || date_text(i18n, p.ends_on)}</dd>
                                    <dt>{i18n.text("partnerships.sectors")}</dt>
                                    <dd>{if p.sectors.is_empty() { "—".to_owned() } else { p.sectors.iter().map(|s| reference.sector_name(&i18n, s)).collect::<Vec<_>>().join("، ") }}</dd>
                                    <dt>{i18n.text("partnerships.areas")}</dt>
                                    <dd>{if p.areas.is_empty() { "—".to_owned() } else { p.areas.iter().map(|a| reference.area_name(&i18n, a)).collect::<Vec<_>>().join("، ") }}</dd>
                                </dl>
                                {p.description.clone().map(|d| view! { <p>{d}</p> })}
                                {(!p.objectives.is_empty()).then(|| view! {
                                    <h2>{i18n.text("partnerships.objectives")}</h2>
                                    <ul>{p.objectives.iter().map(|o| view! { <li>{o.clone()}</li> }).collect_view()}</ul>
                                })}
                                {p.ended_reason.clone().map(|r| view! {
                                    <p class="alert" id="ended-reason">{i18n.text("partnerships.ended_because")}" "{r.clone()}</p>
                                })}
                            </section>
                            <section class="card">
                                <h2>{i18n.text("partnerships.parties")}</h2>
                                <ul class="plain party-list" id="parties">
                                    {p.parties.iter().map(|x| {
                                        let org = x.organization_id.to_string();
                                        let name = i18n.pick(x.name_ar.as_deref(), x.name_en.as_deref()).to_owned();
                                        let role = x.role;
                                        let state = x.state;
                                        let answered = x.answered_at;
                                        let mine_here = mine.contains(&org) && p.ended_at.is_none();
                                        let value = x.value.as_ref().map(|v| format!("{} {} ({})", i18n.number(v.amount), v.currency, i18n.t(&format!("partnerships.value_kind.{}", v.kind.as_str()))));
                                        let (o1, o2) = (org.clone(), org.clone());
                                        view! {
                                            <li class="party" data-org=org.clone()>
                                                <div class="org-card-head">
                                                    <A href=format!("/organizations/{org}")>{name}</A>
                                                    {state_badge(i18n, state)}
                                                </div>
                                                <p class="muted small">
                                                    {i18n.text_owned(format!("partnerships.role.{}", role.as_str()))}
                                                    {answered.map(|t| view! { " · "{move || i18n.date(t)} })}
                                                </p>
                                                {x.contribution.clone().map(|c| view! { <p>{c}</p> })}
                                                {value.map(|v| view! { <p class="small">{v}</p> })}
                                                {x.comment.clone().map(|c| view! { <blockquote class="small">{c}</blockquote> })}
                                                {mine_here.then(|| view! {
                                                    <div class="answer">
                                                        <label class="visually-hidden" for=format!("comment-{o1}")>{i18n.text("partnerships.comment")}</label>
                                                        <input id=format!("comment-{o1}") placeholder=i18n.text("partnerships.comment")
                                                            prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
                                                        {(state != PartyState::Confirmed).then(|| { let o = o1.clone(); view! {
                                                            <button type="button" class="button small answer-confirm" on:click=move |_| answer(o.clone(), PartyAnswerKind::Confirmed, terms)>
                                                                {i18n.text("partnerships.confirm")}
                                                            </button>
                                                        }})}
                                                        {(state != PartyState::Declined).then(|| { let o = o2.clone(); view! {
                                                            " "<button type="button" class="button small secondary answer-decline" on:click=move |_| answer(o.clone(), PartyAnswerKind::Declined, terms)>
                                                                {i18n.text("partnerships.decline")}
                                                            </button>
                                                        }})}
                                                    </div>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        </div>
                        <Reports pid=pid.clone() names=names_for_reports open=p.confirmed_at.is_some()/>
                        {can_change.then(|| view! {
                            <section class="card">
                                <A href=format!("/partnerships/{pid}/edit") attr:class="button secondary" attr:id="amend-link">{i18n.text("partnerships.amend")}</A>
                                <details class="filters">
                                    <summary>{i18n.text("partnerships.end")}</summary>
                                    <form on:submit=end>
                                        <label for="end-reason">{i18n.text("partnerships.end_reason")}</label>
                                        <textarea id="end-reason" rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                                        <button type="submit" class="button secondary" id="end-submit">{i18n.text("partnerships.end")}</button>
                                    </form>
                                </details>
                            </section>
                        })}
                        <section class="card">
                            <h2>{i18n.text("partnerships.history")}</h2>
                            <ol class="history" id="partnership-history">
                                {move || history.get().into_iter().map(|h| {
                                    let who = h.organization_id.as_ref().and_then(|o| names.get(o.as_str()).cloned()).unwrap_or_default();
                                    let again: Vec<String> = h.reconfirmation.iter().filter_map(|o| names2.get(o.as_str()).cloned()).collect();
                                    let action = h.action.clone();
                                    let answer = h.answer;
                                    view! {
                                        <li>
                                            <span class="badge">{move || i18n.date(h.at)}</span>
                                            {move || match (action.as_str(), answer) {
                                                ("partnership.answer", Some(a)) => i18n.t(&format!("partnerships.history.{}", a.as_str())),
                                                (a, _) => i18n.t(&format!("partnerships.history.{}", a.trim_start_matches("partnership."))),
                                            }}
                                            " "<strong>{who}</strong>
                                            {(!again.is_empty()).then(|| view! { " — "{i18n.text("partnerships.history.again")}" "{again.join("، ")} })}
                                            {h.comment.clone().map(|c| view! { <q>{c}</q> })}
                                            {h.reason.clone().map(|r| view! { <q>{r}</q> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        </section>
                    </article>
                }.into_any()
            }
        }}
    }
}

/// An organization's partnerships on its profile: its record, its latest confirmed
/// partnerships, and a link to all of them (the coordination build shows the list). Kept
/// small: the public directory's build carries it.
#[component]
pub fn OrgPartnerships(org: String) -> impl IntoView {
    let i18n = use_i18n();
    let record = RwSignal::new(None::<PartnershipRecord>);
    let items = RwSignal::new(Vec::<PartnershipSummary>::new());
    let all = format!("/partnerships?organization={org}");
    leptos::task::spawn_local(async move {
        if let Ok(r) = endpoints::partnerships::record(&org).await {
            record.set(Some(r));
        }
        let q = format!("limit=5&status=confirmed,active,completed&organization={org}");
        if let Ok(p) = endpoints::partnerships::list(&q).await {
            items.set(p.items);
        }
    });
    view! {
        <section class="card" id="org-partnerships">
            <h2>{i18n.text("partnerships.title")}</h2>
            {move || record.get().map(|r| view! {
                <p class="muted small" id="partnership-record">
                    {i18n.t_with("partnerships.record", &[
                        ("confirmed", i18n.number(r.confirmed)),
                        ("share", i18n.number(r.proposed_confirmed)),
                        ("proposed", i18n.number(r.proposed)),
                    ])}
                </p>
            })}
            <ul class="plain">
                {move || items.get().into_iter().map(|p| view! {
                    <li><a href=format!("/partnerships/{}", p.id)>{i18n.pick(p.title_ar.as_deref(), p.title_en.as_deref()).to_owned()}</a></li>
                }).collect_view()}
            </ul>
            <a href=all id="org-partnerships-all">{i18n.text("partnerships.all_of_org")}</a>
        </section>
    }
}

/// The activities and outcomes of a partnership: each with its numbers, evidence and the
/// other parties' reviews; parties' members report, other parties' administrators
/// endorse or dispute.
#[component]
fn Reports(pid: String, names: HashMap<String, String>, open: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let items = RwSignal::new(Vec::<Report>::new());
    let error = RwSignal::new(None::<ApiError>);
    let comment = RwSignal::new(String::new());
    let pid = StoredValue::new(pid);
    let names = StoredValue::new(names);
    let load = move || {
        leptos::task::spawn_local(async move {
            match endpoints::partnerships::reports(&pid.get_value()).await {
                Ok(p) => items.set(p.items),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    load();
    let review = move |rid: String, org: String, verdict: Verdict| {
        let input = ReviewInput { verdict, comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()) };
        leptos::task::spawn_local(async move {
            match endpoints::partnerships::review(&pid.get_value(), &rid, &org, &input).await {
                Ok(_) => {
                    error.set(None);
                    comment.set(String::new());
                    load();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let name = move |o: &str| names.with_value(|n| n.get(o).cloned().unwrap_or_default());
    let mine: Vec<String> =
        session.member_orgs().into_iter().filter(|o| names.with_value(|n| n.contains_key(o))).collect();
    let admin_of = session.admin_orgs();
    let mine_all = StoredValue::new(mine.clone());
    // Owned by this section, not by a report's row: a reload re-renders the rows.
    let reload = Callback::new(move |_| load());
    view! {
        <section class="card" id="reports">
            <h2>{i18n.text("reports.title")}</h2>
            <p class="muted small">{i18n.text("reports.intro")}</p>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || items.with(Vec::is_empty).then(|| view! { <p class="muted" id="reports-empty">{i18n.text("reports.none")}</p> })}
            <ul class="plain report-list">
                {move || items.get().into_iter().map(|r| {
                    let rid = r.id.to_string();
                    let reporter = r.reported_by.to_string();
                    let reviewers: Vec<String> = admin_of.iter().filter(|o| **o != reporter && names.with_value(|n| n.contains_key(*o))).cloned().collect();
                    view! {
                        <li class=format!("report report-{}", r.status.as_str())>
                            <div class="org-card-head">
                                <strong>{r.summary.clone()}</strong>
                                <span class=format!("badge report-status-{}", r.status.as_str())>{i18n.text_owned(format!("reports.status.{}", r.status.as_str()))}</span>
                            </div>
                            <p class="muted small">
                                {i18n.text_owned(format!("reports.kind.{}", r.kind.as_str()))}" · "{name(&reporter)}" · "
                                {date_text(i18n, r.happened_on)}
                            </p>
                            {r.details.clone().map(|d| view! { <p>{d}</p> })}
                            <ul class="chips">
                                {r.measures.iter().map(|m| {
                                    let text = format!("{} {}{}{}", i18n.number(m.value), m.currency.clone().unwrap_or_default(),
                                        if m.currency.is_some() { " " } else { "" }, i18n.t(&format!("reports.metric.{}", m.metric.as_str())));
                                    let group = m.group.clone().map(|g| format!(" ({g})")).unwrap_or_default();
                                    view! { <li class="chip">{text}{group}</li> }
                                }).collect_view()}
                            </ul>
                            {r.links.iter().map(|l| view! { <a href=l.clone() rel="noopener noreferrer nofollow" target="_blank" dir="ltr" class="small">{l.clone()}</a>" " }).collect_view()}
                            <Evidence pid=pid.get_value() rid=rid.clone() docs=r.documents.clone()
                                editable=mine_all.with_value(|m| m.contains(&reporter)) changed=reload/>
                            <ul class="plain small">
                                {r.reviews.iter().map(|v| view! {
                                    <li>{name(v.organization_id.as_str())}": "{i18n.t(&format!("reports.verdict.{}", v.verdict.as_str()))}
                                        {v.comment.clone().map(|c| view! { " — "<q>{c}</q> })}</li>
                                }).collect_view()}
                            </ul>
                            {reviewers.into_iter().map(|org| {
                                let (r1, r2, o1, o2) = (rid.clone(), rid.clone(), org.clone(), org.clone());
                                view! {
                                    <div class="answer">
                                        <input placeholder=i18n.text("reports.comment") prop:value=move || comment.get()
                                            on:input=move |ev| comment.set(event_target_value(&ev))/>
                                        <button type="button" class="button small report-endorse" on:click=move |_| review(r1.clone(), o1.clone(), Verdict::Endorsed)>
                                            {i18n.text("reports.endorse")}
                                        </button>
                                        <button type="button" class="button small secondary report-dispute" on:click=move |_| review(r2.clone(), o2.clone(), Verdict::Disputed)>
                                            {i18n.text("reports.dispute")}
                                        </button>
                                    </div>
                                }
                            }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(open && !mine.is_empty()).then(|| view! { <NewReport pid=pid.get_value() mine=mine.clone() names=names.get_value() added=reload/> })}
        </section>
    }
}

/// A report's evidence: each document downloads with the session's token (a plain link
/// would not carry it), images show a preview, and the reporting organization's members
/// upload and remove documents.
#[component]
fn Evidence(pid: String, rid: String, docs: Vec<Document>, editable: bool, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let ids = StoredValue::new((pid, rid));
    let upload = move |_| {
        let Some(file) = input.get().and_then(|el| el.files()).and_then(|f| f.get(0)) else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let (pid, rid) = ids.get_value();
            match endpoints::documents::upload(&pid, &rid, &file).await {
                Ok(_) => {
                    error.set(None);
                    changed.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let download = move |id: String, name: String| {
        leptos::task::spawn_local(async move {
            match endpoints::documents::bytes(&id).await {
                Ok(blob) => save(&blob, &name),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let remove = move |id: String| {
        leptos::task::spawn_local(async move {
            match endpoints::documents::remove(&id).await {
                Ok(()) => changed.run(()),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let empty = docs.is_empty();
    (editable || !empty).then(|| view! {
        <div class="evidence">
            <h3 class="small">{i18n.text("evidence.title")}</h3>
            <ul class="plain evidence-list">
                {docs.into_iter().map(|d| {
                    let (id1, id2, name) = (d.id.to_string(), d.id.to_string(), d.name.clone());
                    let kb = format!("{} {}", i18n.number((d.size + 1023) / 1024), i18n.t("evidence.kb"));
                    view! {
                        <li class="evidence-item">
                            {shown_inline(&d.content_type).then(|| view! { <Preview id=d.id.to_string() name=d.name.clone()/> })}
                            <bdi class="evidence-name">{d.name.clone()}</bdi>" "
                            <span class="muted small">{kb}</span>" "
                            <button type="button" class="button small secondary evidence-download"
                                on:click=move |_| download(id1.clone(), name.clone())>{i18n.text("evidence.download")}</button>
                            {editable.then(|| view! {
                                <button type="button" class="button small secondary evidence-remove"
                                    on:click=move |_| remove(id2.clone())>{i18n.text("evidence.remove")}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {editable.then(|| view! {
                <p class="muted small">{i18n.text("evidence.hint")}</p>
                <div class="answer">
                    <label class="visually-hidden" for=format!("evidence-file-{}", ids.get_value().1)>{i18n.text("evidence.choose")}</label>
                    <input type="file" class="evidence-file" id=format!("evidence-file-{}", ids.get_value().1)
                        accept=ACCEPTED_TYPES.join(",") node_ref=input/>
                    <button type="button" class="button small evidence-upload" disabled=move || busy.get() on:click=upload>
                        {move || if busy.get() { i18n.t("evidence.uploading") } else { i18n.t("evidence.upload") }}
                    </button>
                </div>
            })}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        </div>
    })
}

/// An image document shown small, from its bytes fetched with the session's token.
#[component]
fn Preview(id: String, name: String) -> impl IntoView {
    let url = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(blob) = endpoints::documents::bytes(&id).await {
            if let Ok(u) = web_sys::Url::create_object_url_with_blob(&blob) {
                // Already gone from the page: nobody will revoke it later.
                if let Some(unused) = url.try_set(Some(u)).flatten() {
                    let _ = web_sys::Url::revoke_object_url(&unused);
                }
            }
        }
    });
    on_cleanup(move || {
        if let Some(u) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    move || url.get().map(|u| view! { <img class="evidence-preview" src=u alt=name.clone()/> })
}

/// One number row of the report form.
#[derive(Clone)]
struct MeasureRow {
    metric: Metric,
    value: String,
    group: String,
    currency: String,
}

#[component]
fn NewReport(pid: String, mine: Vec<String>, names: HashMap<String, String>, added: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(ReportKind::Activity);
    let reported_by = RwSignal::new(mine.first().cloned().unwrap_or_default());
    let happened_on = RwSignal::new(String::new());
    let summary = RwSignal::new(String::new());
    let details = RwSignal::new(String::new());
    let links = RwSignal::new(String::new());
    let measures = RwSignal::new(Vec::<MeasureRow>::new());
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let pid = StoredValue::new(pid);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut local = HashMap::new();
        let mut rows = Vec::new();
        for (i, m) in measures.get_untracked().into_iter().enumerate() {
            match m.value.trim().parse::<i64>() {
                Ok(value) => rows.push(Measure {
                    metric: m.metric,
                    value,
                    group: Some(m.group).filter(|g| !g.trim().is_empty()),
                    currency: Some(m.currency).filter(|c| !c.trim().is_empty()),
                }),
                Err(_) => {
                    local.insert(format!("measures[{i}].value"), i18n.t("partnerships.amount_invalid"));
                }
            }
        }
        let Some(by) = OrganizationId::parse(&reported_by.get_untracked()) else { return };
        let input = ReportInput {
            kind: kind.get_untracked(),
            reported_by: by,
            happened_on: iso_date::parse(&happened_on.get_untracked()),
            summary: summary.get_untracked(),
            details: Some(details.get_untracked()).filter(|d| !d.trim().is_empty()),
            area: None,
            parties: vec![],
            measures: rows,
            links: links.get_untracked().lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect(),
        };
        let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
        let latest = (now + chrono::Duration::days(1)).date_naive();
        match input.validate(latest) {
            Ok(input) if local.is_empty() => {
                errors.set(HashMap::new());
                leptos::task::spawn_local(async move {
                    match endpoints::partnerships::add_report(&pid.get_value(), &input).await {
                        Ok(_) => {
                            summary.set(String::new());
                            details.set(String::new());
                            links.set(String::new());
                            measures.set(vec![]);
                            added.run(());
                        }
                        Err(e) => errors.set(e.fields.iter().map(|f| (f.field.clone(), f.message.clone())).collect()),
                    }
                });
            }
            Ok(_) => errors.set(local),
            Err(e) => {
                for f in e.render(i18n.locale.get_untracked().lang()) {
                    local.insert(f.field, f.message);
                }
                errors.set(local);
            }
        }
    };
    let err = move |f: &'static str| {
        errors.with(|e| e.get(f).cloned()).map(|m| view! { <p class="field-error" id=format!("err-r-{f}")>{m}</p> })
    };
    view! {
        <details class="filters" id="new-report">
            <summary>{i18n.text("reports.add")}</summary>
            <form on:submit=submit novalidate>
                <div class="filter-grid">
                    <div class="field">
                        <label for="r-kind">{i18n.text("reports.kind_label")}</label>
                        <select id="r-kind" on:change=move |ev| if let Some(k) = ReportKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                            {ReportKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{i18n.text_owned(format!("reports.kind.{}", k.as_str()))}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="r-by">{i18n.text("reports.reported_by")}</label>
                        <select id="r-by" on:change=move |ev| reported_by.set(event_target_value(&ev))>
                            {mine.iter().map(|o| view! { <option value=o.clone()>{names.get(o).cloned().unwrap_or_default()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field" class:invalid=move || errors.with(|e| e.contains_key("happened_on"))>
                        <label for="r-date">{i18n.text("reports.happened_on")}</label>
                        <input id="r-date" type="date" prop:value=move || happened_on.get() on:input=move |ev| happened_on.set(event_target_value(&ev))/>
                        {move || err("happened_on")}
                    </div>
                </div>
                <div class="field" class:invalid=move || errors.with(|e| e.contains_key("summary"))>
                    <label for="r-summary">{i18n.text("reports.summary")}</label>
                    <input id="r-summary" prop:value=move || summary.get() on:input=move |ev| summary.set(event_target_value(&ev))/>
                    {move || err("summary")}
                </div>
                <div class="field">
                    <label for="r-details">{i18n.text("reports.details")}</label>
                    <textarea id="r-details" rows="2" prop:value=move || details.get() on:input=move |ev| details.set(event_target_value(&ev))></textarea>
                </div>
                <fieldset class="parties">
                    <legend>{i18n.text("reports.measures")}</legend>
                    {move || err("measures")}
                    {move || measures.get().into_iter().enumerate().map(|(i, m)| {
                        let set = move |f: Box<dyn Fn(&mut MeasureRow)>| measures.update(|v| if let Some(x) = v.get_mut(i) { f(x) });
                        let value_err = format!("measures[{i}].value");
                        let currency_err = format!("measures[{i}].currency");
                        view! {
                            <div class="filter-grid measure-row">
                                <select aria-label=i18n.text("reports.metric") on:change=move |ev| if let Some(k) = Metric::parse(&event_target_value(&ev)) { set(Box::new(move |x| x.metric = k)) }>
                                    {Metric::ALL.iter().map(|k| { let k = *k; view! { <option value=k.as_str() selected=m.metric == k>{i18n.text_owned(format!("reports.metric.{}", k.as_str()))}</option> } }).collect_view()}
                                </select>
                                <div>
                                    <input class="r-value" inputmode="numeric" dir="ltr" aria-label=i18n.text("reports.value") prop:value=m.value.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |x| x.value = v.clone())) }/>
                                    {move || errors.with(|e| e.get(&value_err).cloned()).map(|m| view! { <p class="field-error">{m}</p> })}
                                </div>
                                <input aria-label=i18n.text("reports.group") placeholder=i18n.text("reports.group") prop:value=m.group.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |x| x.group = v.clone())) }/>
                                <div>
                                    <input dir="ltr" maxlength="3" aria-label=i18n.text("partnerships.currency") placeholder=i18n.text("partnerships.currency") prop:value=m.currency.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |x| x.currency = v.clone())) }/>
                                    {move || errors.with(|e| e.get(&currency_err).cloned()).map(|m| view! { <p class="field-error">{m}</p> })}
                                </div>
                            </div>
                        }
                    }).collect_view()}
                    <button type="button" class="link" id="r-add-measure" on:click=move |_| measures.update(|v| v.push(MeasureRow {
                        metric: Metric::Beneficiaries, value: String::new(), group: String::new(), currency: String::new() }))>
                        {i18n.text("reports.add_measure")}
                    </button>
                </fieldset>
                <div class="field" class:invalid=move || errors.with(|e| e.keys().any(|k| k.starts_with("links")))>
                    <label for="r-links">{i18n.text("reports.links")}</label>
                    <textarea id="r-links" rows="2" dir="ltr" prop:value=move || links.get() on:input=move |ev| links.set(event_target_value(&ev))></textarea>
                    <p class="muted small">{i18n.text("reports.links_hint")}</p>
                    {move || errors.with(|e| e.iter().find(|(k, _)| k.starts_with("links")).map(|(_, m)| m.clone())).map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <button type="submit" class="button" id="r-submit">{i18n.text("reports.send")}</button>
            </form>
        </details>
    }
}

/// The partnership network drawn as SVG: organizations (sized by their partnerships),
/// lines for the partnerships they share (thicker for more). The server lays it out; a
/// right-to-left reader gets it mirrored, so the drawing reads the way the page does.
#[component]
pub fn GraphPage() -> impl IntoView {
    let i18n = use_i18n();
    let (sector, area) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let graph = RwSignal::new(None::<Result<PartnershipGraph, ApiError>>);
    Effect::new(move |_| {
        let mut q = Vec::new();
        for (k, v) in [("sector", sector.get()), ("area", area.get())] {
            if !v.is_empty() {
                q.push(format!("{k}={}", enc(&v)));
            }
        }
        let q = q.join("&");
        leptos::task::spawn_local(async move { graph.set(Some(endpoints::partnerships::graph(&q).await)) });
    });
    view! {
        <section id="graph-page">
            <p><A href="/partnerships" attr:class="back">{i18n.text("partnerships.title")}</A></p>
            <h1>{i18n.text("graph.title")}</h1>
            <p class="muted">{i18n.text("graph.intro")}</p>
            <div class="filter-grid card filters">
                <SectorAreaFilters prefix="g" sector=sector area=area/>
            </div>
            {move || match graph.get() {
                None => view! { <p class="muted">{i18n.text("networks.loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                Some(Ok(g)) if g.nodes.is_empty() => view! { <p class="empty" id="graph-empty">{i18n.text("graph.none")}</p> }.into_any(),
                Some(Ok(g)) => {
                    let rtl = i18n.locale.get() == crate::i18n::Locale::Ar;
                    let x = move |v: i32| if rtl { 1000 - v } else { v };
                    let at: HashMap<String, (i32, i32)> = g.nodes.iter().map(|n| (n.id.to_string(), (x(n.x), n.y))).collect();
                    let label = i18n.t("graph.label");
                    view! {
                        <div class="card graph">
                            <svg viewBox="-20 -20 1040 1040" role="img" aria-label=label id="graph">
                                {g.edges.iter().filter_map(|e| {
                                    let (a, b) = (at.get(e.source.as_str())?, at.get(e.target.as_str())?);
                                    let width = format!("{:.1}", 2.5 + (e.weight as f64).ln() * 2.5);
                                    Some(view! { <line x1=a.0 y1=a.1 x2=b.0 y2=b.1 stroke-width=width class="graph-edge"/> })
                                }).collect_view()}
                                {g.nodes.iter().enumerate().map(|(i, n)| {
                                    let name = i18n.pick(n.name_ar.as_deref(), n.name_en.as_deref()).to_owned();
                                    let r = 10.0 + 4.0 * (n.partnerships as f64).sqrt();
                                    let (cx, cy) = (x(n.x), n.y);
                                    let href = format!("/organizations/{}", n.id);
                                    view! {
                                        <g class="graph-node" on:click=move |_| { let _ = window().location().set_href(&href); }>
                                            <circle cx=cx cy=cy r=format!("{r:.1}")><title>{name.clone()}</title></circle>
                                            {(i < 40).then(|| view! { <text x=cx y=cy + r as i32 + 24 text-anchor="middle">{name.clone()}</text> })}
                                        </g>
                                    }
                                }).collect_view()}
                            </svg>
                            {g.truncated.then(|| view! { <p class="muted small">{i18n.text("graph.truncated")}</p> })}
                        </div>
                        <table class="card" id="graph-table">
                            <thead><tr><th>{i18n.text("graph.organization")}</th><th>{i18n.text("graph.partnerships")}</th></tr></thead>
                            <tbody>
                                {g.nodes.iter().map(|n| view! {
                                    <tr>
                                        <td><a href=format!("/organizations/{}", n.id)>{i18n.pick(n.name_ar.as_deref(), n.name_en.as_deref()).to_owned()}</a></td>
                                        <td>{i18n.number(n.partnerships)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            }}
        </section>
    }
}
