//! The signed-in session, kept in `localStorage` so it survives a reload, and what the
//! user's roles allow the interface to offer.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tashbeek_domain::auth::TokenPair;
use tashbeek_domain::user::{GlobalRole, OrgRole, User};

pub fn storage_get(key: &str) -> Option<String> {
    window().local_storage().ok().flatten()?.get_item(key).ok().flatten()
}

pub fn storage_set(key: &str, value: &str) {
    if let Some(s) = window().local_storage().ok().flatten() {
        let _ = s.set_item(key, value);
    }
}

pub fn storage_remove(key: &str) {
    if let Some(s) = window().local_storage().ok().flatten() {
        let _ = s.remove_item(key);
    }
}

pub const SESSION_KEY: &str = "tashbeek.session";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    pub access_token: String,
    pub refresh_token: String,
    pub user: User,
}

impl From<TokenPair> for Stored {
    fn from(p: TokenPair) -> Self {
        Stored { access_token: p.access_token, refresh_token: p.refresh_token, user: p.user }
    }
}

/// The current session (or none), provided as context.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<Stored>>);

impl Session {
    pub fn init() -> Session {
        let stored = storage_get(SESSION_KEY).and_then(|s| serde_json::from_str::<Stored>(&s).ok());
        let signal = RwSignal::new(stored);
        Effect::new(move |_| {
            match signal.get() {
                Some(s) => storage_set(SESSION_KEY, &serde_json::to_string(&s).unwrap_or_default()),
                None => storage_remove(SESSION_KEY),
            }
            crate::shell::remember_signed_in(signal.with(Option::is_some));
        });
        Session(signal)
    }

    pub fn user(&self) -> Option<User> {
        self.0.with(|s| s.as_ref().map(|s| s.user.clone()))
    }

    /// The signed-in account's id, without copying the whole account.
    pub fn user_id(&self) -> Option<String> {
        self.0.with(|s| s.as_ref().map(|s| s.user.id.to_string()))
    }

    pub fn signed_in(&self) -> bool {
        self.0.with(|s| s.is_some())
    }

    pub fn role(&self) -> Option<GlobalRole> {
        self.0.with(|s| s.as_ref().map(|s| s.user.role))
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(GlobalRole::PlatformAdmin)
    }

    /// Platform administrators and observers read everything.
    pub fn reads_all(&self) -> bool {
        matches!(self.role(), Some(GlobalRole::PlatformAdmin | GlobalRole::Observer))
    }

    /// May see this organization's members: its own members, administrators, observers.
    pub fn sees_members(&self, org_id: &str) -> bool {
        self.reads_all()
            || self.0.with(|s| {
                s.as_ref().is_some_and(|s| s.user.memberships.iter().any(|m| m.organization_id.to_string() == org_id))
            })
    }

    /// Signed in and not a read-only observer.
    pub fn can_write(&self) -> bool {
        matches!(self.role(), Some(GlobalRole::PlatformAdmin | GlobalRole::User))
    }

    /// May edit or archive this organization.
    pub fn administers(&self, org_id: &str) -> bool {
        self.is_admin()
            || self.0.with(|s| {
                s.as_ref().is_some_and(|s| {
                    s.user
                        .memberships
                        .iter()
                        .any(|m| m.organization_id.to_string() == org_id && m.role == OrgRole::Admin)
                })
            })
    }

    /// The organizations whose administrator the user is (platform roles aside): the
    /// parties they may answer and propose for.
    pub fn admin_orgs(&self) -> Vec<String> {
        self.0.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.user
                        .memberships
                        .iter()
                        .filter(|m| m.role == OrgRole::Admin)
                        .map(|m| m.organization_id.to_string())
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// The organizations the user belongs to, in any role: the parties they report for.
    pub fn member_orgs(&self) -> Vec<String> {
        self.0.with(|s| {
            s.as_ref()
                .map(|s| s.user.memberships.iter().map(|m| m.organization_id.to_string()).collect())
                .unwrap_or_default()
        })
    }

    pub fn sign_out(&self) {
        self.0.set(None);
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// The networks the signed-in user coordinates, read from `GET /me` by the screens that
/// need them (meetings), again whenever the session changes.
#[derive(Clone, Copy)]
pub struct Coordinated(pub RwSignal<Vec<String>>);

impl Coordinated {
    pub fn provide(session: Session) {
        #[derive(serde::Deserialize)]
        struct Me {
            #[serde(default)]
            coordinates: Vec<String>,
        }
        let list = RwSignal::new(Vec::new());
        Effect::new(move |_| {
            if session.signed_in() {
                leptos::task::spawn_local(async move {
                    if let Ok(me) = crate::api::get::<Me>("/api/v1/me").await {
                        list.set(me.coordinates);
                    }
                });
            } else {
                list.set(Vec::new());
            }
        });
        provide_context(Coordinated(list));
    }

    pub fn get(&self) -> Vec<String> {
        self.0.get()
    }
}

pub fn use_coordinated() -> Coordinated {
    expect_context::<Coordinated>()
}
