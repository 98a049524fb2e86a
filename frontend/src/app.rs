//! The shell: header with navigation, the signed-in user and role, language and date
//! switches, and the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::i18n::{use_i18n, I18n, Locale};
use crate::pages::{
    admin::{AuditPage, ReferencePage, UsersPage},
    directory::Directory,
    form::OrgForm,
    invitation::InvitationPage,
    login::Login,
    meeting::{AttendancePage, MeetingForm, MeetingPage, MeetingsPage},
    members::MembersPage,
    network::{NetworkPage, NetworksPage},
    not_found::NotFound,
    organization::OrgPage,
    partnership::{GraphPage, PartnershipForm, PartnershipPage, PartnershipsPage},
    verify::VerifyPage,
};
use crate::session::{use_session, Session};
use crate::shell::Elsewhere;

/// Organizations the last create reported as possible duplicates, shown once.
#[derive(Clone, Copy)]
pub struct Flash(pub RwSignal<Vec<tashbeek_domain::organization::DuplicateCandidate>>);

/// What every page reads from context: language, session, flash, reference data.
fn provide_contexts() {
    let i18n = I18n::init();
    let session = Session::init();
    provide_context(i18n);
    provide_context(session);
    provide_context(Flash(RwSignal::new(vec![])));
    crate::api::init(session, i18n.locale);
    provide_context(crate::reference::Reference::load());
}

/// The whole dashboard.
#[component]
pub fn App() -> impl IntoView {
    provide_contexts();
    view! {
        <Router>
            <Header/>
            <main id="main" class="container">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=Directory/>
                    <Route path=path!("/login") view=Login/>
                    <Route path=path!("/organizations/new") view=|| view! { <OrgForm edit=false/> }/>
                    <Route path=path!("/organizations/:id") view=OrgPage/>
                    <Route path=path!("/organizations/:id/edit") view=|| view! { <OrgForm edit=true/> }/>
                    <Route path=path!("/organizations/:id/members") view=MembersPage/>
                    <Route path=path!("/invitation") view=InvitationPage/>
                    <Route path=path!("/networks") view=NetworksPage/>
                    <Route path=path!("/networks/:id") view=NetworkPage/>
                    <Route path=path!("/verify/:id") view=VerifyPage/>

                </Routes>
            </main>
        </Router>
    }
}

/// The coordination office's screens alone, partnerships and administration (see
/// `crate::shell`): the same header; any other address is loaded from the server.
#[component]
pub fn CoordinationApp() -> impl IntoView {
    provide_contexts();
    view! {
        <Router>
            <Header/>
            <main id="main" class="container">
                <Routes fallback=|| view! { <Elsewhere/> }>
                    <Route path=path!("/partnerships") view=PartnershipsPage/>
                    <Route path=path!("/partnerships/new") view=|| view! { <PartnershipForm edit=false/> }/>
                    <Route path=path!("/partnerships/graph") view=GraphPage/>
                    <Route path=path!("/partnerships/:id") view=PartnershipPage/>
                    <Route path=path!("/partnerships/:id/edit") view=|| view! { <PartnershipForm edit=true/> }/>
                    <Route path=path!("/admin/users") view=UsersPage/>
                    <Route path=path!("/admin/reference") view=ReferencePage/>
                    <Route path=path!("/admin/audit") view=AuditPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The meetings' screens alone (see `crate::shell`): the same header; any other
/// address is loaded from the server.
#[component]
pub fn MeetingsApp() -> impl IntoView {
    provide_contexts();
    crate::session::Coordinated::provide(use_session());
    view! {
        <Router>
            <Header/>
            <main id="main" class="container">
                <Routes fallback=|| view! { <Elsewhere/> }>
                    <Route path=path!("/meetings") view=MeetingsPage/>
                    <Route path=path!("/meetings/new") view=|| view! { <MeetingForm edit=false/> }/>
                    <Route path=path!("/meetings/:id") view=MeetingPage/>
                    <Route path=path!("/meetings/:id/edit") view=|| view! { <MeetingForm edit=true/> }/>
                    <Route path=path!("/meetings/:id/attendance") view=AttendancePage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The follow-up of recommendations: the board, a recommendation, "what we owe".
#[component]
pub fn FollowUpApp() -> impl IntoView {
    use crate::pages::recommendation::{
        BoardPage, ImportPage, NotificationsPage, OwedPage, RecommendationForm, RecommendationPage,
    };
    provide_contexts();
    crate::session::Coordinated::provide(use_session());
    view! {
        <Router>
            <Header/>
            <main id="main" class="container">
                <Routes fallback=|| view! { <Elsewhere/> }>
                    <Route path=path!("/recommendations") view=BoardPage/>
                    <Route path=path!("/recommendations/new") view=|| view! { <RecommendationForm edit=false/> }/>
                    <Route path=path!("/recommendations/owed") view=OwedPage/>
                    <Route path=path!("/recommendations/import") view=ImportPage/>
                    <Route path=path!("/recommendations/notifications") view=NotificationsPage/>
                    <Route path=path!("/recommendations/:id") view=RecommendationPage/>
                    <Route path=path!("/recommendations/:id/edit") view=|| view! { <RecommendationForm edit=true/> }/>
                </Routes>
            </main>
        </Router>
    }
}

/// Networks' coordination office roadmaps.
#[component]
pub fn RoadmapApp() -> impl IntoView {
    use crate::pages::roadmap::{RoadmapIndex, RoadmapPage, TaskLink};
    provide_contexts();
    crate::session::Coordinated::provide(use_session());
    view! {
        <Router>
            <Header/>
            <main id="main" class="container">
                <Routes fallback=|| view! { <Elsewhere/> }>
                    <Route path=path!("/roadmap") view=RoadmapIndex/>
                    <Route path=path!("/roadmap/tasks/:id") view=TaskLink/>
                    <Route path=path!("/roadmap/:network") view=RoadmapPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The public directory alone (see `crate::shell`): the same header and pages, and any
/// other address reloads into the whole dashboard.
#[component]
pub fn PublicApp() -> impl IntoView {
    provide_contexts();
    view! {
        <Router>
            <Header/>
            <main id="main" class="container">
                <Routes fallback=|| view! { <Elsewhere/> }>
                    <Route path=path!("/") view=Directory/>
                    <Route path=path!("/organizations/new") view=Elsewhere/>
                    <Route path=path!("/organizations/:id") view=OrgPage/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let switch = move |_| i18n.locale.update(|l| *l = if *l == Locale::Ar { Locale::En } else { Locale::Ar });
    let role = move || {
        session.role().map(|r| {
            let user = session.user();
            let name = user.map(|u| u.display_name).unwrap_or_default();
            format!("{name} · {}", i18n.t(&format!("role.{}", r.as_str())))
        })
    };
    view! {
        <a class="skip" href="#main">{move || i18n.t("nav.directory")}</a>
        <header class="topbar">
            <div class="container topbar-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-name">{move || i18n.t("app.name")}</span>
                    <span class="brand-tagline">{move || i18n.t("app.tagline")}</span>
                </A>
                <nav aria-label=move || i18n.t("nav.main") class="nav">
                    <A href="/">{move || i18n.t("nav.directory")}</A>
                    <A href="/networks">{move || i18n.t("nav.networks")}</A>
                    <A href="/meetings" attr:id="nav-meetings">{move || i18n.t("nav.meetings")}</A>
                    <A href="/partnerships" attr:id="nav-partnerships">{move || i18n.t("nav.partnerships")}</A>
                    <Show when=move || session.signed_in()>
                        <A href="/recommendations" attr:id="nav-recommendations">{move || i18n.t("nav.recs")}</A>
                    </Show>
                    <Show when=move || session.can_write()>
                        <A href="/organizations/new">{move || i18n.t("nav.new_org")}</A>
                    </Show>
                    <Show when=move || session.reads_all()>
                        <A href="/admin/users" attr:id="nav-admin">{move || i18n.t("nav.admin")}</A>
                    </Show>
                </nav>
                <div class="tools">
                    <label class="check">
                        <input type="checkbox" prop:checked=move || i18n.hijri.get()
                            on:change=move |ev| i18n.hijri.set(event_target_checked(&ev))/>
                        {move || i18n.t("dates.hijri")}
                    </label>
                    <button type="button" class="link" id="lang-switch" on:click=switch
                        aria-label=move || i18n.t("lang.switch_label")>{move || i18n.t("lang.switch")}</button>
                    <Show
                        when=move || session.signed_in()
                        fallback=move || view! { <A href="/login" attr:class="button small">{move || i18n.t("nav.sign_in")}</A> }
                    >
                        <span class="who" id="who">{role}</span>
                        <button type="button" class="button small secondary" id="sign-out" on:click=move |_| {
                            let refresh = session.0.get_untracked().map(|s| s.refresh_token);
                            session.sign_out();
                            if let Some(token) = refresh {
                                leptos::task::spawn_local(async move {
                                    let _ = crate::endpoints::auth::logout(token).await;
                                });
                            }
                            leptos_router::hooks::use_navigate()("/", Default::default());
                        }>{move || i18n.t("nav.sign_out")}</button>
                    </Show>
                </div>
            </div>
        </header>
    }
}
