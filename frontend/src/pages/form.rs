//! Register or edit an organization, validated first by the shared domain rules and
//! then by the API; every error is shown beside its field.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use tashbeek_domain::organization::{
    ContactVisibility, DuplicateCandidate, Organization, OrganizationInput, OrganizationKind, Resource, ResourceKind,
};
use tashbeek_domain::validation::Violation;

use crate::api::ApiError;
use crate::app::Flash;
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::ErrorBox;
use crate::reference::use_reference;
use crate::session::use_session;

/// Text inputs of the form, by field name.
const TEXT_FIELDS: &[&str] = &[
    "name_ar",
    "name_en",
    "acronym",
    "description",
    "founded_year",
    "registration_number",
    "registering_authority",
    "address",
    "contacts.phone",
    "contacts.email",
    "contacts.website",
    "members_count",
    "volunteers_count",
    "beneficiaries_per_year",
];

#[derive(Clone, Copy)]
struct Fields {
    text: RwSignal<HashMap<&'static str, String>>,
    kind: RwSignal<OrganizationKind>,
    sectors: RwSignal<Vec<String>>,
    areas: RwSignal<Vec<String>>,
    needs: RwSignal<Vec<ResourceKind>>,
    offers: RwSignal<Vec<ResourceKind>>,
    visibility: RwSignal<ContactVisibility>,
    /// The loaded profile, so what the form does not show (details, social links) survives an edit.
    base: StoredValue<Option<OrganizationInput>>,
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn num<T: ToString>(n: Option<T>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

impl Fields {
    fn new() -> Fields {
        Fields {
            text: RwSignal::new(TEXT_FIELDS.iter().map(|f| (*f, String::new())).collect()),
            kind: RwSignal::new(OrganizationKind::Ngo),
            sectors: RwSignal::new(vec![]),
            areas: RwSignal::new(vec![]),
            needs: RwSignal::new(vec![]),
            offers: RwSignal::new(vec![]),
            visibility: RwSignal::new(ContactVisibility::Members),
            base: StoredValue::new(None),
        }
    }

    fn fill(&self, o: &Organization) {
        let c = o.contacts.clone().unwrap_or_default();
        let pairs: [(&'static str, String); 14] = [
            ("name_ar", opt(&o.name_ar)),
            ("name_en", opt(&o.name_en)),
            ("acronym", opt(&o.acronym)),
            ("description", opt(&o.description)),
            ("founded_year", num(o.founded_year)),
            ("registration_number", opt(&o.registration_number)),
            ("registering_authority", opt(&o.registering_authority)),
            ("address", opt(&o.address)),
            ("contacts.phone", opt(&c.phone)),
            ("contacts.email", opt(&c.email)),
            ("contacts.website", opt(&c.website)),
            ("members_count", num(o.members_count)),
            ("volunteers_count", num(o.volunteers_count)),
            ("beneficiaries_per_year", num(o.beneficiaries_per_year)),
        ];
        self.text.set(pairs.into_iter().collect());
        self.kind.set(o.kind);
        self.sectors.set(o.sectors.clone());
        self.areas.set(o.areas.clone());
        self.needs.set(o.needs.iter().map(|r| r.kind).collect());
        self.offers.set(o.offers.iter().map(|r| r.kind).collect());
        self.visibility.set(o.contact_visibility);
        self.base.set_value(Some(OrganizationInput {
            kind: o.kind,
            name_ar: None,
            name_en: None,
            acronym: None,
            description: None,
            founded_year: None,
            registration_number: None,
            registering_authority: None,
            sectors: vec![],
            areas: vec![],
            address: None,
            contacts: c,
            members_count: None,
            volunteers_count: None,
            beneficiaries_per_year: None,
            offers: o.offers.clone(),
            needs: o.needs.clone(),
            contact_visibility: o.contact_visibility,
        }));
    }

    fn get(&self, f: &str) -> String {
        self.text.with_untracked(|t| t.get(f).cloned().unwrap_or_default())
    }

    /// Builds the request body; numbers that do not parse are field errors.
    fn input(&self) -> Result<OrganizationInput, Vec<(String, Violation)>> {
        let mut errors = vec![];
        let s = |f: &str| Some(self.get(f)).filter(|v| !v.trim().is_empty());
        let mut n = |f: &str| -> Option<i64> {
            let v = self.get(f);
            let v = tashbeek_domain::text::normalize(&v);
            if v.is_empty() {
                return None;
            }
            v.parse::<i64>().map_err(|_| errors.push((f.to_owned(), Violation::InvalidType(v.clone())))).ok()
        };
        let founded = n("founded_year").map(|y| y.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
        let (members, volunteers, beneficiaries) =
            (n("members_count"), n("volunteers_count"), n("beneficiaries_per_year"));
        let base = self.base.get_value();
        let keep = |list: Vec<ResourceKind>, old: Option<&Vec<Resource>>| -> Vec<Resource> {
            list.into_iter()
                .map(|k| {
                    old.and_then(|o| o.iter().find(|r| r.kind == k).cloned())
                        .unwrap_or(Resource { kind: k, details: None })
                })
                .collect()
        };
        let mut contacts = base.as_ref().map(|b| b.contacts.clone()).unwrap_or_default();
        contacts.phone = s("contacts.phone");
        contacts.email = s("contacts.email");
        contacts.website = s("contacts.website");
        let input = OrganizationInput {
            kind: self.kind.get_untracked(),
            name_ar: s("name_ar"),
            name_en: s("name_en"),
            acronym: s("acronym"),
            description: s("description"),
            founded_year: founded,
            registration_number: s("registration_number"),
            registering_authority: s("registering_authority"),
            sectors: self.sectors.get_untracked(),
            areas: self.areas.get_untracked(),
            address: s("address"),
            contacts,
            members_count: members,
            volunteers_count: volunteers,
            beneficiaries_per_year: beneficiaries,
            offers: keep(self.offers.get_untracked(), base.as_ref().map(|b| &b.offers)),
            needs: keep(self.needs.get_untracked(), base.as_ref().map(|b| &b.needs)),
            contact_visibility: self.visibility.get_untracked(),
        };
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }
}

#[component]
fn Text(
    fields: Fields,
    errors: RwSignal<HashMap<String, String>>,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] kind: &'static str,
    #[prop(optional)] ltr: bool,
    #[prop(optional)] on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("f-{}", name.replace('.', "-"));
    let err_id = format!("err-{}", name.replace('.', "-"));
    let value = move || fields.text.with(|t| t.get(name).cloned().unwrap_or_default());
    let set = move |ev| {
        fields.text.update(|t| {
            t.insert(name, event_target_value(&ev));
        })
    };
    let error = move || errors.with(|e| e.get(name).cloned());
    let input_type = if kind.is_empty() { "text" } else { kind };
    let described = err_id.clone();
    let input = if name == "description" {
        view! { <textarea id=id.clone() rows="4" prop:value=value on:input=set
        aria-invalid=move || error().is_some().to_string() aria-describedby=described.clone()></textarea> }
        .into_any()
    } else {
        view! { <input id=id.clone() type=input_type dir=if ltr { "ltr" } else { "auto" } prop:value=value on:input=set
        on:blur=move |_| { if let Some(cb) = on_blur { cb.run(()) } }
        aria-invalid=move || error().is_some().to_string() aria-describedby=described.clone()/> }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id>{move || i18n.t(label)}</label>
            {input}
            {move || error().map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}

#[component]
fn Checks<T: Clone + PartialEq + Send + Sync + 'static>(
    legend: &'static str,
    id: &'static str,
    selected: RwSignal<Vec<T>>,
    options: Signal<Vec<(T, String, String)>>,
    errors: RwSignal<HashMap<String, String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="checks" id=id>
            <legend>{move || i18n.t(legend)}</legend>
            {move || options.get().into_iter().map(|(value, code, label)| {
                let v1 = value.clone();
                let v2 = value.clone();
                let input_id = format!("{id}-{code}");
                let label_for = input_id.clone();
                view! {
                    <label class="check" for=label_for>
                        <input type="checkbox" id=input_id prop:checked=move || selected.with(|s| s.contains(&v1))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| { s.retain(|x| *x != v2); if on { s.push(v2.clone()); } });
                            }/>
                        {label}
                    </label>
                }
            }).collect_view()}
            {move || errors.with(|e| e.iter().find(|(k, _)| k.starts_with(id)).map(|(_, m)| m.clone()))
                .map(|m| view! { <p class="field-error">{m}</p> })}
        </fieldset>
    }
}

#[component]
pub fn OrgForm(edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let flash = expect_context::<Flash>();
    let params = use_params_map();
    let navigate = use_navigate();
    let fields = Fields::new();
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let stale = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let etag = RwSignal::new(None::<String>);
    let duplicates = RwSignal::new(Vec::<DuplicateCandidate>::new());
    let org_id = move || params.with(|p| p.get("id").unwrap_or_default());

    if edit {
        Effect::new(move |_| {
            let id = org_id();
            leptos::task::spawn_local(async move {
                match endpoints::organizations::get(&id).await {
                    Ok(r) => {
                        fields.fill(&r.body);
                        etag.set(r.etag);
                    }
                    Err(e) => failure.set(Some(e)),
                }
            });
        });
    }

    let check_duplicates = Callback::new(move |_| {
        if edit {
            return;
        }
        let name = fields.get("name_ar");
        let name = if name.trim().is_empty() { fields.get("name_en") } else { name };
        if name.trim().is_empty() {
            duplicates.set(vec![]);
            return;
        }
        let areas = fields.areas.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(d) = endpoints::organizations::duplicates(&name, &areas).await {
                duplicates.set(d);
            }
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.locale.get_untracked().lang();
        failure.set(None);
        stale.set(false);
        let year = js_sys::Date::new_0().get_full_year() as i32;
        let checked = fields.input().and_then(|input| input.normalize_and_validate(year).map_err(|e| e.0));
        let input = match checked {
            Ok(i) => i,
            Err(errs) => {
                let rendered = tashbeek_domain::ValidationErrors(errs).render(lang);
                errors.set(rendered.into_iter().map(|f| (f.field, f.message)).collect());
                failure.set(Some(ApiError {
                    status: 422,
                    code: "client".into(),
                    detail: i18n.t("form.fix_errors"),
                    fields: vec![],
                }));
                return;
            }
        };
        errors.set(HashMap::new());
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = if edit {
                let id = org_id();
                let tag = etag.get_untracked();
                endpoints::organizations::update(&id, &input, tag.as_deref()).await.map(|o| (o, vec![]))
            } else {
                endpoints::organizations::create(&input).await.map(|c| (c.organization, c.possible_duplicates))
            };
            busy.set(false);
            match result {
                Ok((org, dups)) => {
                    flash.0.set(dups);
                    // Creating made the user this organization's admin: pick up the membership.
                    if !edit {
                        if let Ok(me) = endpoints::auth::me().await {
                            session.0.update(|s| {
                                if let Some(s) = s {
                                    s.user = me;
                                }
                            });
                        }
                    }
                    navigate(&format!("/organizations/{}", org.id), Default::default());
                }
                Err(e) if e.status == 412 => stale.set(true),
                Err(e) => {
                    errors.set(e.fields.iter().map(|f| (f.field.clone(), f.message.clone())).collect());
                    let mut e = e;
                    if !e.fields.is_empty() {
                        e.detail = i18n.t("form.fix_errors");
                    }
                    failure.set(Some(e));
                }
            }
        });
    };

    let kinds = move || {
        OrganizationKind::ALL.iter().map(|k| (k.as_str(), i18n.t(&format!("kind.{}", k.as_str())))).collect::<Vec<_>>()
    };
    let sector_options = Signal::derive(move || {
        reference
            .sectors
            .get()
            .into_iter()
            .map(|s| {
                let l = i18n.pick(Some(&s.name_ar), Some(&s.name_en)).to_owned();
                (s.code.clone(), s.code, l)
            })
            .collect()
    });
    let resource_options = Signal::derive(move || {
        ResourceKind::ALL
            .iter()
            .map(|r| (*r, r.as_str().to_owned(), i18n.t(&format!("resource.{}", r.as_str()))))
            .collect()
    });
    let cancel_href = move || if edit { format!("/organizations/{}", org_id()) } else { "/".to_owned() };

    view! {
        <section class="card">
            <h1>{move || if edit { i18n.t("form.edit_title") } else { i18n.t("form.new_title") }}</h1>
            <Show when=move || !session.signed_in()>
                <div class="alert error" role="alert">{move || i18n.t("login.expired")}</div>
            </Show>
            {move || stale.get().then(|| view! {
                <div class="alert error" role="alert" id="stale">
                    <p>{move || i18n.t("form.stale")}</p>
                    <button type="button" class="button secondary" on:click=move |_| { let _ = window().location().reload(); }>{move || i18n.t("form.reload")}</button>
                </div>
            })}
            <form on:submit=submit novalidate id="org-form">
                <div class="field">
                    <label for="f-kind">{move || i18n.t("form.kind")}</label>
                    <select id="f-kind" on:change=move |ev| { if let Some(k) = OrganizationKind::parse(&event_target_value(&ev)) { fields.kind.set(k) } }>
                        {move || kinds().into_iter().map(|(v, l)| view! { <option value=v selected=move || fields.kind.get().as_str() == v>{l}</option> }).collect_view()}
                    </select>
                </div>
                <p class="muted small">{move || i18n.t("form.names_hint")}</p>
                <div class="two">
                    <Text fields=fields errors=errors name="name_ar" label="form.name_ar" on_blur=check_duplicates/>
                    <Text fields=fields errors=errors name="name_en" label="form.name_en" ltr=true on_blur=check_duplicates/>
                </div>
                {move || (!duplicates.with(|d| d.is_empty())).then(|| view! {
                    <div class="alert warning" role="status" id="duplicate-warning">
                        <p>{move || i18n.t("form.duplicate_warning")}</p>
                        <ul>{duplicates.get().into_iter().map(|d| view! {
                            <li><A href=format!("/organizations/{}", d.id)>{i18n.pick(d.name_ar.as_deref(), d.name_en.as_deref()).to_owned()}</A></li>
                        }).collect_view()}</ul>
                    </div>
                })}
                <div class="two">
                    <Text fields=fields errors=errors name="acronym" label="form.acronym"/>
                    <Text fields=fields errors=errors name="founded_year" label="form.founded_year" kind="text" ltr=true/>
                </div>
                <Text fields=fields errors=errors name="description" label="form.description"/>
                <div class="two">
                    <Text fields=fields errors=errors name="registration_number" label="form.registration_number"/>
                    <Text fields=fields errors=errors name="registering_authority" label="form.registering_authority"/>
                </div>
                <Checks legend="form.sectors" id="sectors" selected=fields.sectors options=sector_options errors=errors/>
                <div class="field" class:invalid=move || errors.with(|e| e.keys().any(|k| k.starts_with("areas")))>
                    <label for="f-areas">{move || i18n.t("form.areas")}</label>
                    <select id="f-areas" multiple size="8" on:change=move |ev| {
                        use wasm_bindgen::JsCast;
                        let Some(sel) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else { return };
                        let opts = sel.selected_options();
                        fields.areas.set((0..opts.length()).filter_map(|i| opts.item(i)).filter_map(|o| o.get_attribute("value")).collect());
                        check_duplicates.run(());
                    }>
                        {move || reference.area_options(&i18n).into_iter().map(|(id, label)| {
                            let v = id.clone();
                            view! { <option value=id selected=move || fields.areas.with(|a| a.contains(&v))>{label}</option> }
                        }).collect_view()}
                    </select>
                    <p class="muted small">{move || i18n.t("form.areas_hint")}</p>
                    {move || errors.with(|e| e.iter().find(|(k, _)| k.starts_with("areas")).map(|(_, m)| m.clone())).map(|m| view! { <p class="field-error" id="err-areas">{m}</p> })}
                </div>
                <div class="three">
                    <Text fields=fields errors=errors name="contacts.phone" label="form.phone" kind="tel" ltr=true/>
                    <Text fields=fields errors=errors name="contacts.email" label="form.email" kind="email" ltr=true/>
                    <Text fields=fields errors=errors name="contacts.website" label="form.website" kind="url" ltr=true/>
                </div>
                <Text fields=fields errors=errors name="address" label="form.address"/>
                <div class="field">
                    <label for="f-visibility">{move || i18n.t("form.visibility")}</label>
                    <select id="f-visibility" on:change=move |ev| { if let Some(v) = ContactVisibility::parse(&event_target_value(&ev)) { fields.visibility.set(v) } }>
                        {ContactVisibility::ALL.iter().map(|v| {
                            let code = v.as_str();
                            view! { <option value=code selected=move || fields.visibility.get().as_str() == code>{move || i18n.t(&format!("visibility.{code}"))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="three">
                    <Text fields=fields errors=errors name="members_count" label="form.members_count" ltr=true/>
                    <Text fields=fields errors=errors name="volunteers_count" label="form.volunteers_count" ltr=true/>
                    <Text fields=fields errors=errors name="beneficiaries_per_year" label="form.beneficiaries_per_year" ltr=true/>
                </div>
                <Checks legend="form.needs" id="needs" selected=fields.needs options=resource_options errors=errors/>
                <Checks legend="form.offers" id="offers" selected=fields.offers options=resource_options errors=errors/>
                {move || failure.get().map(|e| view! { <ErrorBox error=e/> })}
                <div class="actions">
                    <button type="submit" class="button" id="save" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t("form.saving") } else if edit { i18n.t("form.save") } else { i18n.t("form.create") }}
                    </button>
                    <A href=cancel_href attr:class="button secondary">{move || i18n.t("form.cancel")}</A>
                </div>
            </form>
        </section>
    }
}
