//! A certificate's public verification page, the address its QR code carries: anyone,
//! signed in or not, sees whether the partnership's record behind the certificate is
//! intact, whether the certificate came from it, what changed since, and the partnership
//! as it stands now (its parties, each confirmation, its state).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use tashbeek_domain::partnership::PartnershipVerification;

use crate::api::ApiError;
use crate::endpoints;
use crate::i18n::{use_i18n, I18n};
use crate::pages::ErrorBox;

#[component]
pub fn VerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let result = RwSignal::new(None::<Result<PartnershipVerification, ApiError>>);
    Effect::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        let hash = query.with(|q| q.get("hash"));
        leptos::task::spawn_local(async move {
            result.set(Some(endpoints::partnerships::verification(&id, hash.as_deref()).await));
        });
    });
    view! {
        <article id="verify-page">
            <h1>{i18n.text("verify.title")}</h1>
            {move || match result.get() {
                None => view! { <p class="muted" id="verify-checking">{i18n.text("verify.checking")}</p> }.into_any(),
                Some(Err(e)) if e.status == 404 || e.status == 400 => view! {
                    <div class="verdict not-verified" id="verify-verdict" data-verified="false" role="status">
                        <strong>{i18n.text("verify.not_verified")}</strong>
                        <p>{i18n.text("verify.not_found")}</p>
                    </div>
                }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                Some(Ok(v)) => details(i18n, v).into_any(),
            }}
        </article>
    }
}

fn details(i18n: I18n, v: PartnershipVerification) -> impl IntoView {
    let why = if !v.chain_intact {
        "verify.broken"
    } else if v.certificate_hash.is_some() && v.certificate_issued_from.is_none() {
        "verify.unknown_certificate"
    } else {
        "verify.verified_detail"
    };
    let class = if v.verified { "verdict verified" } else { "verdict not-verified" };
    let changes = v.changes_since.clone();
    view! {
        <div class=class id="verify-verdict" data-verified=v.verified.to_string() role="status">
            <strong>{i18n.text(if v.verified { "verify.verified" } else { "verify.not_verified" })}</strong>
            <p>{i18n.text(why)}</p>
        </div>
        <section class="card">
            {v.title_ar.clone().map(|t| view! { <h2 lang="ar" dir="rtl" id="verify-title-ar">{t}</h2> })}
            {v.title_en.clone().map(|t| view! { <h2 lang="en" dir="ltr" id="verify-title-en">{t}</h2> })}
            <dl class="facts">
                <dt>{i18n.text("partnerships.kind_label")}</dt>
                <dd>{i18n.text_owned(format!("partnerships.kind.{}", v.kind.as_str()))}</dd>
                <dt>{i18n.text("verify.status")}</dt>
                <dd>
                    <span class=format!("badge partnership-{}", v.status.as_str()) id="verify-status" data-status=v.status.as_str()>
                        {i18n.text_owned(format!("partnerships.status.{}", v.status.as_str()))}
                    </span>
                </dd>
                {v.confirmed_at.map(|at| view! {
                    <dt>{i18n.text("certificate.all_confirmed")}</dt>
                    <dd>{move || i18n.date(at)}</dd>
                })}
                {v.ended_at.map(|at| view! {
                    <dt>{i18n.text("certificate.ended_on")}</dt>
                    <dd id="verify-ended">{move || i18n.date(at)}" — "<bdi>{v.ended_reason.clone().unwrap_or_default()}</bdi></dd>
                })}
            </dl>
        </section>
        <section class="card">
            <h2>{i18n.text("verify.parties")}</h2>
            <div class="table-wrap">
                <table id="verify-parties">
                    <thead><tr>
                        <th>{i18n.text("verify.organization")}</th>
                        <th>{i18n.text("verify.role")}</th>
                        <th>{i18n.text("verify.answer")}</th>
                    </tr></thead>
                    <tbody>
                        {v.parties.into_iter().map(|p| view! {
                            <tr data-org=p.organization_id.to_string() data-state=p.state.as_str()>
                                <td>
                                    {p.name_ar.clone().map(|n| view! { <bdi lang="ar" class="party-name-ar">{n}</bdi> })}
                                    {(p.name_ar.is_some() && p.name_en.is_some()).then_some(" · ")}
                                    {p.name_en.clone().map(|n| view! { <bdi lang="en" class="party-name-en">{n}</bdi> })}
                                </td>
                                <td>{i18n.text_owned(format!("partnerships.role.{}", p.role.as_str()))}</td>
                                <td>
                                    <span class=format!("badge party-{}", p.state.as_str())>
                                        {i18n.text_owned(format!("partnerships.state.{}", p.state.as_str()))}
                                    </span>
                                    {p.answered_at.map(|at| view! { " "{move || i18n.date(at)} })}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card">
            <h2>{i18n.text("verify.record")}</h2>
            <dl class="facts">
                {v.certificate_hash.clone().map(|h| view! {
                    <dt>{i18n.text("verify.certificate_hash")}</dt>
                    <dd><code dir="ltr" class="hash" id="verify-certificate-hash">{h}</code></dd>
                })}
                {v.certificate_issued_from.map(|at| view! {
                    <dt>{i18n.text("verify.issued_from")}</dt>
                    <dd>{move || i18n.date(at)}</dd>
                })}
                <dt>{i18n.text("verify.hash")}</dt>
                <dd><code dir="ltr" class="hash" id="verify-hash">{v.hash.clone().unwrap_or_default()}</code></dd>
                <dt>{i18n.text("verify.steps")}</dt>
                <dd id="verify-steps">{i18n.number(v.steps)}</dd>
                {v.anchor.clone().map(|a| view! {
                    <dt>{i18n.text("verify.anchor")}</dt>
                    <dd id="verify-anchor">
                        <code dir="ltr" class="hash">{a.hash.clone()}</code>
                        <br/>{move || i18n.date(a.at)}" · "
                        {i18n.text(if v.anchored { "verify.anchor_covers" } else { "verify.anchor_pending" })}
                    </dd>
                })}
            </dl>
            {v.certificate_issued_from.is_some().then(|| if changes.is_empty() {
                view! { <p class="muted" id="verify-current">{i18n.text("verify.current")}</p> }.into_any()
            } else {
                view! {
                    <p>{i18n.text("verify.changed_since")}</p>
                    <ul id="verify-changes">
                        {changes.into_iter().map(|c| {
                            let key = format!("verify.action.{}", c.action.trim_start_matches("partnership."));
                            view! { <li>{move || i18n.date(c.at)}" — "{i18n.text_owned(key)}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}
