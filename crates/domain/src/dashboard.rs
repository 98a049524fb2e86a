//! Addresses of the dashboard that its public build serves (the server picks the page,
//! the public build's router follows the same rule: see `frontend/src/shell.rs`).

/// Whether `path` is served by the public directory's own build: `/` and an
/// organization's page (`/organizations/<uuid>`).
pub fn public_route(path: &str) -> bool {
    path == "/"
        || path.strip_prefix("/organizations/").is_some_and(|id| id.len() == 36 && uuid::Uuid::try_parse(id).is_ok())
}

#[cfg(test)]
mod tests {
    use super::public_route;

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
}
