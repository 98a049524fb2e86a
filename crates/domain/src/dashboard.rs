//! Which build of the dashboard serves an address. The dashboard is built six times
//! from one crate, so no download carries every screen: the public directory (a small
//! first visit), the coordination office's screens (partnerships and administration),
//! meetings (with the door's attendance screen, opened on phones), the follow-up of
//! recommendations, the roadmaps, and the main
//! dashboard (everything else). The server picks
//! the page by these rules; each build's router follows them, handing other addresses to
//! the browser (see `frontend/src/shell.rs`).

/// A build of the dashboard, named by its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// `public.html`: the directory and an organization's page, for anonymous visits.
    Public,
    /// `coordination.html`: partnerships and administration.
    Coordination,
    /// `meetings.html`: meetings, their calendar and attendance.
    Meetings,
    /// `followup.html`: recommendations followed to implementation.
    FollowUp,
    /// `roadmap.html`: networks' coordination office roadmaps.
    Roadmap,
    /// `index.html`: every other screen.
    Main,
}

impl Build {
    pub fn page(self) -> &'static str {
        match self {
            Build::Public => "public.html",
            Build::Coordination => "coordination.html",
            Build::Meetings => "meetings.html",
            Build::FollowUp => "followup.html",
            Build::Roadmap => "roadmap.html",
            Build::Main => "index.html",
        }
    }

    /// Whether this build's router shows `path`; it hands other addresses to the server.
    /// The main build also shows the public addresses (to a browser with a session).
    pub fn routes(self, path: &str) -> bool {
        match self {
            Build::Public => public_route(path),
            Build::Coordination => coordination_route(path),
            Build::Meetings => meetings_route(path),
            Build::FollowUp => followup_route(path),
            Build::Roadmap => roadmap_route(path),
            Build::Main => {
                !coordination_route(path) && !meetings_route(path) && !followup_route(path) && !roadmap_route(path)
            }
        }
    }
}

/// Whether `path` is served by the public directory's own build: `/` and an
/// organization's page (`/organizations/<uuid>`).
pub fn public_route(path: &str) -> bool {
    path == "/"
        || path.strip_prefix("/organizations/").is_some_and(|id| id.len() == 36 && uuid::Uuid::try_parse(id).is_ok())
}

/// Whether `path` is one of the coordination office's screens: `/partnerships` and
/// `/admin`, and below.
pub fn coordination_route(path: &str) -> bool {
    ["/partnerships", "/admin"]
        .iter()
        .any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// Whether `path` is one of the meetings' screens: `/meetings` and below.
pub fn meetings_route(path: &str) -> bool {
    path.strip_prefix("/meetings").is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether `path` is one of the follow-up screens: `/recommendations` and below.
pub fn followup_route(path: &str) -> bool {
    path.strip_prefix("/recommendations").is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether `path` is one of the roadmap's screens: `/roadmap` and below.
pub fn roadmap_route(path: &str) -> bool {
    path.strip_prefix("/roadmap").is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The build that serves `path`: the public directory only to browsers without a session.
pub fn build_for(path: &str, signed_in: bool) -> Build {
    if coordination_route(path) {
        Build::Coordination
    } else if meetings_route(path) {
        Build::Meetings
    } else if followup_route(path) {
        Build::FollowUp
    } else if roadmap_route(path) {
        Build::Roadmap
    } else if public_route(path) && !signed_in {
        Build::Public
    } else {
        Build::Main
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_and_organization_pages_are_public() {
        let org = "/organizations/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6";
        assert!(public_route("/") && public_route(org));
        for other in ["/login", "/organizations/new", &format!("{org}/edit"), "/organizations/", "/networks", ""] {
            assert!(!public_route(other), "{other}");
        }
        // Braced or simple forms of a uuid are not an organization's address.
        assert!(!public_route("/organizations/0190c1a23b4c7d5e8f60718293a4b5c6"));
    }

    #[test]
    fn each_address_has_one_build() {
        let org = "/organizations/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6";
        assert_eq!(build_for(org, false), Build::Public);
        assert_eq!(build_for(org, true), Build::Main);
        for p in [
            "/partnerships",
            "/partnerships/new",
            "/partnerships/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6/edit",
            "/admin/users",
            "/admin/audit",
        ] {
            assert_eq!((build_for(p, false), build_for(p, true)), (Build::Coordination, Build::Coordination), "{p}");
        }
        // A certificate's verification page is rare: the main build serves it, keeping the
        // public directory's first screen small.
        for p in
            ["/networks", "/administration", "/partnershipsx", "/login", "/verify/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6"]
        {
            assert_eq!(build_for(p, false), Build::Main, "{p}");
        }
        assert!(Build::Main.routes("/networks") && Build::Main.routes("/") && !Build::Main.routes("/partnerships"));
        assert!(Build::Coordination.routes("/partnerships/new") && !Build::Coordination.routes("/"));
        for p in ["/meetings", "/meetings/new", "/meetings/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6/attendance"] {
            assert_eq!((build_for(p, false), build_for(p, true)), (Build::Meetings, Build::Meetings), "{p}");
            assert!(!Build::Main.routes(p) && Build::Meetings.routes(p));
        }
        assert_eq!(build_for("/meetingsx", true), Build::Main);
        for p in
            ["/recommendations", "/recommendations/owed", "/recommendations/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6/edit"]
        {
            assert_eq!((build_for(p, false), build_for(p, true)), (Build::FollowUp, Build::FollowUp), "{p}");
            assert!(!Build::Main.routes(p) && Build::FollowUp.routes(p));
        }
        assert_eq!(build_for("/recommendationsx", true), Build::Main);
        for p in ["/roadmap", "/roadmap/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6", "/roadmap/tasks/x"] {
            assert_eq!((build_for(p, false), build_for(p, true)), (Build::Roadmap, Build::Roadmap), "{p}");
            assert!(!Build::Main.routes(p) && Build::Roadmap.routes(p) && !Build::FollowUp.routes(p));
        }
        assert_eq!(build_for("/roadmaps", true), Build::Main);
    }
}
