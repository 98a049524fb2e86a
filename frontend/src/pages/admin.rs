//! Administration: accounts and their roles, sectors and areas, and the audit log.
//! Platform administrators act; observers (ministry officers) read.

use leptos::prelude::*;
use leptos_router::components::A;
use tashbeek_domain::audit::{Anchor, AuditEntry, AuditSummary, Verification};
use tashbeek_domain::reference::{AreaInput, AreaLevel, SectorInput};
use tashbeek_domain::user::{GlobalRole, NewUser, UserSummary, UserUpdate};

use crate::api::ApiError;
use crate::endpoints;
use crate::i18n::use_i18n;
use crate::pages::{show_page, ErrorBox};
use crate::reference::use_reference;
use crate::session::use_session;

/// Links to the administration screens, for those who may read them.
#[component]
fn AdminNav() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="actions admin-nav" aria-label=move || i18n.t("admin.title")>
            <A href="/admin/users">{move || i18n.t("admin.users")}</A>
            <A href="/admin/reference">{move || i18n.t("admin.reference")}</A>
            <A href="/admin/audit">{move || i18n.t("admin.audit")}</A>
        </nav>
    }
}

/// Shown instead of a screen the viewer may not use.
#[component]
fn NotAllowed() -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="alert error" role="alert">{move || i18n.t("errors.forbidden")}</div> }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let load = move |cursor: Option<String>| {
        leptos::task::spawn_local(async move {
            let result = endpoints::users::list(cursor.as_deref()).await;
            show_page(users, next, error, cursor.is_some(), result);
        });
    };
    Effect::new(move |_| {
        if session.reads_all() {
            load(None);
        }
    });
    let change = move |id: String, change: UserUpdate| {
        leptos::task::spawn_local(async move {
            match endpoints::users::update(&id, &change).await {
                Ok(user) => users.update(|list| {
                    if let Some(u) = list.iter_mut().find(|u| u.id == user.id) {
                        *u = user.summary();
                    }
                }),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section id="users-page">
            <h1>{move || i18n.t("admin.users")}</h1>
            <AdminNav/>
            <Show when=move || session.reads_all() fallback=|| view! { <NotAllowed/> }>
                {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
                <Show when=move || session.is_admin()>
                    <NewUserForm created=Callback::new(move |_| load(None))/>
                </Show>
                <table class="table card" id="users">
                    <thead><tr>
                        <th>{move || i18n.t("members.name")}</th>
                        <th>{move || i18n.t("members.email")}</th>
                        <th>{move || i18n.t("members.role")}</th>
                        <th>{move || i18n.t("admin.state")}</th>
                    </tr></thead>
                    <tbody>
                        {move || users.get().into_iter().map(|u| {
                            let (id, id2) = (u.id.to_string(), u.id.to_string());
                            let role = u.role;
                            let disabled = u.disabled;
                            view! {
                                <tr>
                                    <td>{u.display_name.clone()}</td>
                                    <td dir="ltr"><bdi>{u.email.clone()}</bdi></td>
                                    <td>
                                        <Show when=move || session.is_admin() fallback=move || view! { {move || i18n.t(&format!("role.{}", role.as_str()))} }>
                                            {
                                                let id = id.clone();
                                                view! {
                                                    <select aria-label=move || i18n.t("members.role") on:change=move |ev| {
                                                        change(id.clone(), UserUpdate { role: GlobalRole::parse(&event_target_value(&ev)), ..Default::default() })
                                                    }>
                                                        {GlobalRole::ALL.iter().map(|r| view! {
                                                            <option value=r.as_str() selected=*r == role>{move || i18n.t(&format!("role.{}", r.as_str()))}</option>
                                                        }).collect_view()}
                                                    </select>
                                                }
                                            }
                                        </Show>
                                    </td>
                                    <td>
                                        {move || if disabled { i18n.t("admin.disabled") } else { i18n.t("admin.active") }}
                                        <Show when=move || session.is_admin()>
                                            {
                                                let id = id2.clone();
                                                view! {
                                                    " "<button type="button" class="link" on:click=move |_| change(id.clone(), UserUpdate { disabled: Some(!disabled), ..Default::default() })>
                                                        {move || if disabled { i18n.t("admin.enable") } else { i18n.t("admin.disable") }}
                                                    </button>
                                                }
                                            }
                                        </Show>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || next.get().map(|c| view! {
                    <button type="button" class="button secondary" on:click=move |_| load(Some(c.clone()))>{move || i18n.t("admin.more")}</button>
                })}
            </Show>
        </section>
    }
}

#[component]
fn NewUserForm(created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let (email, name, password) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let role = RwSignal::new("observer".to_owned());
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewUser {
            email: email.get_untracked(),
            display_name: name.get_untracked(),
            password: password.get_untracked(),
            role: GlobalRole::parse(&role.get_untracked()).unwrap_or(GlobalRole::User),
        };
        leptos::task::spawn_local(async move {
            match endpoints::users::create(&input).await {
                Ok(_) => {
                    error.set(None);
                    email.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    created.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let field_error = move |f: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field(f)));
    view! {
        <details class="card filters" id="new-user">
            <summary>{move || i18n.t("admin.new_user")}</summary>
            <form on:submit=submit novalidate>
                <div class="two">
                    <div class="field">
                        <label for="u-email">{move || i18n.t("members.email")}</label>
                        <input id="u-email" type="email" dir="ltr" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                        {move || field_error("email").map(|m| view! { <p class="field-error" id="err-u-email">{m}</p> })}
                    </div>
                    <div class="field">
                        <label for="u-name">{move || i18n.t("members.name")}</label>
                        <input id="u-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                        {move || field_error("display_name").map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                    <div class="field">
                        <label for="u-password">{move || i18n.t("invite.password")}</label>
                        <input id="u-password" type="password" autocomplete="new-password" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                        {move || field_error("password").map(|m| view! { <p class="field-error" id="err-u-password">{m}</p> })}
                    </div>
                    <div class="field">
                        <label for="u-role">{move || i18n.t("members.role")}</label>
                        <select id="u-role" on:change=move |ev| role.set(event_target_value(&ev))>
                            {GlobalRole::ALL.iter().map(|r| view! {
                                <option value=r.as_str() selected=move || role.get() == r.as_str()>{move || i18n.t(&format!("role.{}", r.as_str()))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorBox error=e/> })}
                <button type="submit" class="button" id="u-create">{move || i18n.t("admin.create_user")}</button>
            </form>
        </details>
    }
}

#[component]
pub fn ReferencePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reference = use_reference();
    let error = RwSignal::new(None::<ApiError>);
    let reload = move || reference.reload();
    let (code, sector_ar, sector_en) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let add_sector = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = SectorInput {
            code: code.get_untracked(),
            name_ar: sector_ar.get_untracked(),
            name_en: sector_en.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match endpoints::reference::create_sector(&input).await {
                Ok(_) => {
                    error.set(None);
                    code.set(String::new());
                    sector_ar.set(String::new());
                    sector_en.set(String::new());
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let (area_id, parent, area_ar, area_en) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let add_area = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The level follows from the parent: a child of a country is a state, of a state a locality.
        let parent_level =
            reference.areas.with_untracked(|a| a.iter().find(|x| x.id == parent.get_untracked()).map(|x| x.level));
        let level = match parent_level {
            None => AreaLevel::Country,
            Some(l) => l.child().unwrap_or(AreaLevel::Locality),
        };
        let input = AreaInput {
            id: area_id.get_untracked(),
            parent_id: Some(parent.get_untracked()).filter(|p| !p.is_empty()),
            level,
            name_ar: area_ar.get_untracked(),
            name_en: area_en.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match endpoints::reference::create_area(&input).await {
                Ok(_) => {
                    error.set(None);
                    area_id.set(String::new());
                    area_ar.set(String::new());
                    area_en.set(String::new());
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let field_error = move |f: &'static str| error.with(|e| e.as_ref().and_then(|e| e.field(f)));
    let input = move |id: &'static str, label: &'static str, value: RwSignal<String>, ltr: bool| {
        view! {
            <div class="field">
                <label for=id>{move || i18n.t(label)}</label>
                <input id=id dir=if ltr { "ltr" } else { "auto" } prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </div>
        }
    };
    view! {
        <section id="reference-page">
            <h1>{move || i18n.t("admin.reference")}</h1>
            <AdminNav/>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || field_error("code").or_else(|| field_error("id")).map(|m| view! { <p class="field-error" id="err-ref-code">{m}</p> })}
            <div class="grid">
                <section class="card">
                    <h2>{move || i18n.t("admin.sectors")}</h2>
                    <ul class="chips" id="sectors">
                        {move || reference.sectors.get().into_iter().map(|s| view! {
                            <li class="chip">{i18n.pick(Some(&s.name_ar), Some(&s.name_en)).to_owned()}" "<bdi class="muted small" dir="ltr">{s.code.clone()}</bdi></li>
                        }).collect_view()}
                    </ul>
                    <Show when=move || session.is_admin()>
                        <form on:submit=add_sector novalidate id="new-sector">
                            <h3>{move || i18n.t("admin.new_sector")}</h3>
                            {input("s-code", "admin.code", code, true)}
                            {input("s-name_ar", "form.name_ar", sector_ar, false)}
                            {input("s-name_en", "form.name_en", sector_en, true)}
                            <button type="submit" class="button" id="s-create">{move || i18n.t("admin.add")}</button>
                        </form>
                    </Show>
                </section>
                <section class="card">
                    <h2>{move || i18n.t("admin.areas")}</h2>
                    <ul class="plain" id="areas">
                        {move || reference.area_options(&i18n).into_iter().map(|(id, label)| view! {
                            <li>{label}" "<bdi class="muted small" dir="ltr">{id}</bdi></li>
                        }).collect_view()}
                    </ul>
                    <Show when=move || session.is_admin()>
                        <form on:submit=add_area novalidate id="new-area">
                            <h3>{move || i18n.t("admin.new_area")}</h3>
                            <div class="field">
                                <label for="a-parent">{move || i18n.t("admin.parent")}</label>
                                <select id="a-parent" on:change=move |ev| parent.set(event_target_value(&ev))>
                                    <option value="">{move || i18n.t("admin.no_parent")}</option>
                                    {move || reference.area_options(&i18n).into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                                </select>
                            </div>
                            {input("a-id", "admin.code", area_id, true)}
                            {input("a-name_ar", "form.name_ar", area_ar, false)}
                            {input("a-name_en", "form.name_en", area_en, true)}
                            <button type="submit" class="button" id="a-create">{move || i18n.t("admin.add")}</button>
                        </form>
                    </Show>
                </section>
            </div>
        </section>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let error = RwSignal::new(None::<ApiError>);
    let entries = RwSignal::new(Vec::<AuditSummary>::new());
    let opened = RwSignal::new(None::<AuditEntry>);
    let open = move |id: String| {
        leptos::task::spawn_local(async move {
            match endpoints::audit::get(&id).await {
                Ok(entry) => opened.set(Some(entry)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let next = RwSignal::new(None::<String>);
    let action = RwSignal::new(String::new());
    let load = move |cursor: Option<String>| {
        let a = action.get_untracked();
        leptos::task::spawn_local(async move {
            let result = endpoints::audit::list(&a, cursor.as_deref()).await;
            show_page(entries, next, error, cursor.is_some(), result);
        });
    };
    Effect::new(move |_| {
        if session.reads_all() {
            load(None);
        }
    });
    view! {
        <section id="audit-page">
            <h1>{move || i18n.t("admin.audit")}</h1>
            <AdminNav/>
            <Show when=move || session.reads_all() fallback=|| view! { <NotAllowed/> }>
                <Integrity/>
                <form class="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(None); }>
                    <label for="audit-action" class="visually-hidden">{move || i18n.t("admin.action")}</label>
                    <input id="audit-action" dir="ltr" placeholder="organization.update" prop:value=move || action.get()
                        on:input=move |ev| action.set(event_target_value(&ev))/>
                    <button type="submit" class="button secondary" id="audit-filter">{move || i18n.t("admin.filter")}</button>
                </form>
                {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
                <table class="table card" id="audit">
                    <thead><tr>
                        <th>{move || i18n.t("admin.when")}</th>
                        <th>{move || i18n.t("admin.action")}</th>
                        <th>{move || i18n.t("admin.object")}</th>
                    </tr></thead>
                    <tbody>
                        {move || entries.get().into_iter().map(|e| {
                            let at = e.at;
                            let id = e.id.to_string();
                            view! {
                                <tr>
                                    <td>{move || i18n.date(at)}</td>
                                    <td dir="ltr">
                                        <button type="button" class="link audit-open" on:click=move |_| open(id.clone())>
                                            <code>{e.action.clone()}</code>
                                        </button>
                                    </td>
                                    <td dir="ltr"><bdi class="small">{format!("{} {}", e.object_type, e.object_id)}</bdi></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || opened.get().map(|entry| view! { <AuditChanges entry=entry close=Callback::new(move |_| opened.set(None))/> })}
                {move || next.get().map(|c| view! {
                    <button type="button" class="button secondary" id="audit-more" on:click=move |_| load(Some(c.clone()))>{move || i18n.t("admin.more")}</button>
                })}
            </Show>
        </section>
    }
}

/// The fields a change touched, each with its value before and after (a creation shows
/// what was set, a removal what was there).
fn changed_fields(entry: &AuditEntry) -> Vec<(String, String, String)> {
    use serde_json::Value;
    let empty = serde_json::Map::new();
    let obj = |v: &Option<Value>| v.as_ref().and_then(Value::as_object).cloned().unwrap_or_else(|| empty.clone());
    let (before, after) = (obj(&entry.before), obj(&entry.after));
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| (k.clone(), show(before.get(k)), show(after.get(k))))
        .filter(|(_, b, a)| b != a)
        .collect()
}

#[component]
fn AuditChanges(entry: AuditEntry, close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let changes = changed_fields(&entry);
    let at = entry.at;
    let empty = changes.is_empty();
    view! {
        <section class="card" id="audit-entry" aria-live="polite">
            <h2 dir="ltr"><code>{entry.action.clone()}</code></h2>
            <p class="muted small">
                {move || i18n.date(at)}" · "
                <bdi dir="ltr">{format!("{} {}", entry.object_type, entry.object_id)}</bdi>
            </p>
            <Show when=move || empty>
                <p class="muted">{move || i18n.t("admin.no_changes")}</p>
            </Show>
            <Show when=move || !empty>
                <table class="table" id="audit-changes">
                    <thead><tr>
                        <th>{move || i18n.t("admin.field")}</th>
                        <th>{move || i18n.t("admin.before")}</th>
                        <th>{move || i18n.t("admin.after")}</th>
                    </tr></thead>
                    <tbody>
                        {changes.clone().into_iter().map(|(field, before, after)| view! {
                            <tr>
                                <td dir="ltr"><code>{field}</code></td>
                                <td><bdi>{before}</bdi></td>
                                <td><bdi>{after}</bdi></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <button type="button" class="button secondary" id="audit-close" on:click=move |_| close.run(())>
                {move || i18n.t("admin.close")}
            </button>
        </section>
    }
}

/// The log's integrity: walk every hash chain on demand, and the anchors to keep outside
/// Tashbeek (printable; administrators make one now).
#[component]
fn Integrity() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let error = RwSignal::new(None::<ApiError>);
    let result = RwSignal::new(None::<Verification>);
    let walking = RwSignal::new(false);
    let anchors = RwSignal::new(Vec::<Anchor>::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            match endpoints::audit::anchors().await {
                Ok(p) => anchors.set(p.items),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    load();
    let verify = move |_| {
        walking.set(true);
        leptos::task::spawn_local(async move {
            match endpoints::audit::verify().await {
                Ok(v) => result.set(Some(v)),
                Err(e) => error.set(Some(e)),
            }
            walking.set(false);
        });
    };
    let anchor = move |_| {
        leptos::task::spawn_local(async move {
            match endpoints::audit::anchor().await {
                Ok(_) => load(),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let print = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <section class="card" id="audit-integrity">
            <h2>{move || i18n.t("audit.integrity")}</h2>
            <p class="muted small">{move || i18n.t("audit.integrity_hint")}</p>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <p class="actions no-print">
                <button type="button" class="button" id="audit-verify" on:click=verify disabled=move || walking.get()>
                    {move || i18n.t("audit.verify")}
                </button>
                <Show when=move || session.is_admin()>
                    <button type="button" class="button secondary" id="audit-anchor" on:click=anchor>{move || i18n.t("audit.anchor_now")}</button>
                </Show>
                <button type="button" class="button secondary" id="audit-print" on:click=print>{move || i18n.t("audit.print")}</button>
            </p>
            {move || result.get().map(|v| {
                let rows = i18n.t("audit.rows").replace("{n}", &i18n.number(v.rows));
                let counts = view! { {rows}" · "<bdi dir="ltr">{format!("{} ms", v.milliseconds)}</bdi> };
                match v.broken {
                    None => view! {
                        <p class="alert success" id="audit-verified" role="status">{i18n.t("audit.verified")}" "<span class="small">{counts}</span></p>
                    }.into_any(),
                    Some(b) => view! {
                        <div class="alert error" id="audit-broken" role="alert">
                            <p><strong>{i18n.t("audit.broken")}</strong>" "<span class="small">{counts}</span></p>
                            <p dir="ltr" class="small"><code>{b.kind.clone()}</code>" "<bdi>{b.detail.clone()}</bdi></p>
                        </div>
                    }.into_any(),
                }
            })}
            <h3>{move || i18n.t("audit.anchors")}</h3>
            <table class="table" id="audit-anchors">
                <thead><tr>
                    <th>{move || i18n.t("admin.when")}</th>
                    <th>{move || i18n.t("audit.anchor_rows")}</th>
                    <th>{move || i18n.t("audit.hash")}</th>
                </tr></thead>
                <tbody>
                    {move || anchors.get().into_iter().map(|a| {
                        let at = a.at;
                        view! {
                            <tr>
                                <td>{move || i18n.date(at)}</td>
                                <td>{i18n.number(a.rows)}</td>
                                <td dir="ltr"><code class="hash">{a.hash}</code></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || anchors.with(Vec::is_empty)>
                <p class="muted">{move || i18n.t("audit.no_anchors")}</p>
            </Show>
        </section>
    }
}
