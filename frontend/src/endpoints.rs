//! Every API operation the dashboard uses, as a typed function: pages call these and
//! never spell a path or build a JSON body themselves. Inputs are the domain crate's
//! types, so the dashboard sends exactly what the server validates.

use serde::Serialize;
use serde_json::json;
use tashbeek_domain::audit::{Anchor, AuditEntry, AuditSummary, Verification};
use tashbeek_domain::auth::{LoginRequest, TokenPair};
use tashbeek_domain::invitation::{InvitationCreated, InvitationInput, InvitationPreview};
use tashbeek_domain::network::{Network, NetworkCoordinator, NetworkInput, NetworkMember, NetworkMemberStatus};
use tashbeek_domain::organization::{
    DuplicateCandidate, Organization, OrganizationCreated, OrganizationInput, OrganizationSummary, VerificationEvent,
    VerificationStatus,
};
use tashbeek_domain::page::Page;
use tashbeek_domain::partnership::{
    Partnership, PartnershipAmended, PartnershipGraph, PartnershipHistoryEntry, PartnershipInput, PartnershipRecord,
    PartnershipSummary, PartnershipVerification, PartyAnswer,
};
use tashbeek_domain::reference::{Area, AreaInput, Sector, SectorInput};
use tashbeek_domain::report::{Report, ReportInput, ReviewInput};
use tashbeek_domain::user::{CalendarAddress, Member, NewUser, User, UserSummary, UserUpdate};

use crate::api::{call, enc, get as fetch, ApiError, Method, Reply};

fn body(v: &impl Serialize) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// `?limit=…&cursor=…` for a keyset list.
fn page_query(limit: u32, cursor: Option<&str>) -> String {
    match cursor {
        Some(c) => format!("limit={limit}&cursor={}", enc(c)),
        None => format!("limit={limit}"),
    }
}

pub mod auth {
    use super::*;

    pub async fn login(email: String, password: String) -> Result<TokenPair, ApiError> {
        call(Method::Post, "/api/v1/auth/login", body(&LoginRequest { email, password }), None).await.map(|r| r.body)
    }

    pub async fn logout(refresh_token: String) -> Result<(), ApiError> {
        call::<()>(Method::Post, "/api/v1/auth/logout", Some(json!({"refresh_token": refresh_token})), None)
            .await
            .map(drop)
    }

    pub async fn me() -> Result<User, ApiError> {
        fetch("/api/v1/me").await
    }
}

pub mod organizations {
    use super::*;

    /// One page of the directory for an already-encoded query string.
    pub async fn list(query: &str) -> Result<Page<OrganizationSummary>, ApiError> {
        fetch(&format!("/api/v1/organizations?{query}")).await
    }

    pub async fn search(q: &str, limit: u32) -> Result<Page<OrganizationSummary>, ApiError> {
        list(&format!("limit={limit}&q={}", enc(q))).await
    }

    /// The organization with its ETag (for edits and decisions).
    pub async fn get(id: &str) -> Result<Reply<Organization>, ApiError> {
        call(Method::Get, &format!("/api/v1/organizations/{id}"), None, None).await
    }

    pub async fn history(id: &str) -> Result<Vec<VerificationEvent>, ApiError> {
        fetch(&format!("/api/v1/organizations/{id}/history")).await
    }

    pub async fn duplicates(name: &str, areas: &[String]) -> Result<Vec<DuplicateCandidate>, ApiError> {
        fetch(&format!("/api/v1/organizations/duplicates?name={}&area={}", enc(name), enc(&areas.join(",")))).await
    }

    pub async fn create(input: &OrganizationInput) -> Result<OrganizationCreated, ApiError> {
        call(Method::Post, "/api/v1/organizations", body(input), None).await.map(|r| r.body)
    }

    pub async fn update(id: &str, input: &OrganizationInput, etag: Option<&str>) -> Result<Organization, ApiError> {
        call(Method::Put, &format!("/api/v1/organizations/{id}"), body(input), etag).await.map(|r| r.body)
    }

    pub async fn archive(id: &str, etag: Option<&str>) -> Result<Organization, ApiError> {
        call(Method::Delete, &format!("/api/v1/organizations/{id}"), None, etag).await.map(|r| r.body)
    }

    pub async fn restore(id: &str) -> Result<Organization, ApiError> {
        call(Method::Post, &format!("/api/v1/organizations/{id}/restore"), Some(json!({})), None).await.map(|r| r.body)
    }

    /// A verification decision on the version `etag` names.
    pub async fn decide(
        id: &str,
        status: VerificationStatus,
        reason: String,
        etag: Option<&str>,
    ) -> Result<Organization, ApiError> {
        let decision = json!({"status": status.as_str(), "reason": Some(reason).filter(|r| !r.trim().is_empty())});
        call(Method::Post, &format!("/api/v1/organizations/{id}/verification"), Some(decision), etag)
            .await
            .map(|r| r.body)
    }

    pub async fn members(id: &str) -> Result<Vec<Member>, ApiError> {
        fetch(&format!("/api/v1/organizations/{id}/members")).await
    }

    pub async fn remove_member(id: &str, user_id: &str) -> Result<(), ApiError> {
        call::<()>(Method::Delete, &format!("/api/v1/organizations/{id}/members/{user_id}"), None, None).await.map(drop)
    }
}

pub mod invitations {
    use super::*;
    use tashbeek_domain::invitation::Invitation;

    pub async fn list(org_id: &str) -> Result<Page<Invitation>, ApiError> {
        fetch(&format!("/api/v1/organizations/{org_id}/invitations?limit=200")).await
    }

    pub async fn create(org_id: &str, input: &InvitationInput) -> Result<InvitationCreated, ApiError> {
        call(Method::Post, &format!("/api/v1/organizations/{org_id}/invitations"), body(input), None)
            .await
            .map(|r| r.body)
    }

    pub async fn revoke(org_id: &str, invitation_id: &str) -> Result<(), ApiError> {
        call::<()>(Method::Delete, &format!("/api/v1/organizations/{org_id}/invitations/{invitation_id}"), None, None)
            .await
            .map(drop)
    }

    pub async fn preview(token: &str) -> Result<InvitationPreview, ApiError> {
        call(Method::Post, "/api/v1/invitations/preview", Some(json!({"token": token})), None).await.map(|r| r.body)
    }

    /// Accepts while signed in as the invited address.
    pub async fn accept(token: &str) -> Result<Member, ApiError> {
        call(Method::Post, "/api/v1/invitations/accept", Some(json!({"token": token})), None).await.map(|r| r.body)
    }

    /// Creates the invited account and joins, signed in.
    pub async fn accept_new_account(
        token: &str,
        display_name: String,
        password: String,
    ) -> Result<TokenPair, ApiError> {
        let b = json!({"token": token, "display_name": display_name, "password": password});
        call(Method::Post, "/api/v1/invitations/accept", Some(b), None).await.map(|r| r.body)
    }
}

pub mod networks {
    use super::*;

    pub async fn list() -> Result<Page<Network>, ApiError> {
        fetch("/api/v1/networks?limit=200").await
    }

    pub async fn get(id: &str) -> Result<Network, ApiError> {
        fetch(&format!("/api/v1/networks/{id}")).await
    }

    pub async fn create(input: &NetworkInput) -> Result<Network, ApiError> {
        call(Method::Post, "/api/v1/networks", body(input), None).await.map(|r| r.body)
    }

    pub async fn members(id: &str) -> Result<Vec<NetworkMember>, ApiError> {
        fetch(&format!("/api/v1/networks/{id}/members")).await
    }

    pub async fn invite(id: &str, organization_id: &str) -> Result<(), ApiError> {
        let b = json!({"organization_id": organization_id});
        call::<()>(Method::Post, &format!("/api/v1/networks/{id}/members"), Some(b), None).await.map(drop)
    }

    /// An organization's administrators ask to join; a coordinator answers.
    pub async fn request(id: &str, organization_id: &str) -> Result<(), ApiError> {
        let b = json!({"organization_id": organization_id});
        call::<()>(Method::Post, &format!("/api/v1/networks/{id}/join-requests"), Some(b), None).await.map(drop)
    }

    /// The organization's own answer to an invitation, or a coordinator's to a request:
    /// `Member` or `Declined`.
    pub async fn answer(id: &str, organization_id: &str, status: NetworkMemberStatus) -> Result<(), ApiError> {
        let b = json!({"status": status.as_str()});
        call::<()>(Method::Put, &format!("/api/v1/networks/{id}/members/{organization_id}"), Some(b), None)
            .await
            .map(drop)
    }

    /// Who held the office's positions on `on` (today when `None`).
    pub async fn office(id: &str, on: Option<&str>) -> Result<Vec<tashbeek_domain::office::OfficeTerm>, ApiError> {
        match on {
            Some(d) => fetch(&format!("/api/v1/networks/{id}/office?on={}", enc(d))).await,
            None => fetch(&format!("/api/v1/networks/{id}/office")).await,
        }
    }

    pub async fn office_history(id: &str) -> Result<Vec<tashbeek_domain::office::OfficeTerm>, ApiError> {
        fetch(&format!("/api/v1/networks/{id}/office/history")).await
    }

    pub async fn coordinators(id: &str) -> Result<Vec<NetworkCoordinator>, ApiError> {
        fetch(&format!("/api/v1/networks/{id}/coordinators")).await
    }

    pub async fn appoint(id: &str, user_id: &str) -> Result<Vec<NetworkCoordinator>, ApiError> {
        call(Method::Put, &format!("/api/v1/networks/{id}/coordinators/{user_id}"), None, None).await.map(|r| r.body)
    }

    /// A platform administrator dismisses a coordinator, or a coordinator steps down.
    pub async fn dismiss(id: &str, user_id: &str) -> Result<(), ApiError> {
        call::<()>(Method::Delete, &format!("/api/v1/networks/{id}/coordinators/{user_id}"), None, None).await.map(drop)
    }

    pub async fn leave(id: &str, organization_id: &str) -> Result<(), ApiError> {
        call::<()>(Method::Delete, &format!("/api/v1/networks/{id}/members/{organization_id}"), None, None)
            .await
            .map(drop)
    }
}

pub mod users {
    use super::*;

    pub async fn list(cursor: Option<&str>) -> Result<Page<UserSummary>, ApiError> {
        fetch(&format!("/api/v1/users?{}", page_query(100, cursor))).await
    }

    /// The account with this email, if any (administrators and observers).
    pub async fn by_email(email: &str) -> Result<Option<UserSummary>, ApiError> {
        let page: Page<UserSummary> = fetch(&format!("/api/v1/users?email={}", enc(email.trim()))).await?;
        Ok(page.items.into_iter().next())
    }

    /// The user's private calendar address, if made (its date; the secret is not shown again).
    pub async fn calendar_address() -> Result<CalendarAddress, ApiError> {
        fetch("/api/v1/me/calendar-token").await
    }

    /// A new private calendar address, with its secret; the one before stops working.
    pub async fn make_calendar_address() -> Result<CalendarAddress, ApiError> {
        call(Method::Post, "/api/v1/me/calendar-token", None, None).await.map(|r| r.body)
    }

    pub async fn withdraw_calendar_address() -> Result<(), ApiError> {
        call::<()>(Method::Delete, "/api/v1/me/calendar-token", None, None).await.map(drop)
    }

    pub async fn create(input: &NewUser) -> Result<User, ApiError> {
        call(Method::Post, "/api/v1/users", body(input), None).await.map(|r| r.body)
    }

    pub async fn update(id: &str, change: &UserUpdate) -> Result<User, ApiError> {
        call(Method::Patch, &format!("/api/v1/users/{id}"), body(change), None).await.map(|r| r.body)
    }
}

pub mod reference {
    use super::*;

    pub async fn sectors() -> Result<Vec<Sector>, ApiError> {
        fetch("/api/v1/sectors").await
    }

    pub async fn areas() -> Result<Vec<Area>, ApiError> {
        fetch("/api/v1/areas").await
    }

    pub async fn create_sector(input: &SectorInput) -> Result<Sector, ApiError> {
        call(Method::Post, "/api/v1/sectors", body(input), None).await.map(|r| r.body)
    }

    pub async fn create_area(input: &AreaInput) -> Result<Area, ApiError> {
        call(Method::Post, "/api/v1/areas", body(input), None).await.map(|r| r.body)
    }
}

pub mod audit {
    use super::*;

    /// The newest changes, optionally of one action.
    pub async fn list(action: &str, cursor: Option<&str>) -> Result<Page<AuditSummary>, ApiError> {
        let mut q = page_query(50, cursor);
        if !action.trim().is_empty() {
            q.push_str(&format!("&action={}", enc(action.trim())));
        }
        fetch(&format!("/api/v1/audit?{q}")).await
    }

    /// One change with its before and after snapshots.
    pub async fn get(id: &str) -> Result<AuditEntry, ApiError> {
        fetch(&format!("/api/v1/audit/{id}")).await
    }

    /// Walks every hash chain and anchor of the log.
    pub async fn verify() -> Result<Verification, ApiError> {
        fetch("/api/v1/audit/verify").await
    }

    /// The newest anchors.
    pub async fn anchors() -> Result<Page<Anchor>, ApiError> {
        fetch("/api/v1/audit/anchors?limit=20").await
    }

    /// Anchors everything written so far (or returns the newest anchor when nothing was).
    pub async fn anchor() -> Result<Anchor, ApiError> {
        call(Method::Post, "/api/v1/audit/anchors", None, None).await.map(|r| r.body)
    }
}

pub mod documents {
    use super::*;
    use tashbeek_domain::document::Document;

    /// Attaches a file to a report as evidence.
    pub async fn upload(partnership: &str, report: &str, file: &web_sys::File) -> Result<Document, ApiError> {
        let path = format!("/api/v1/partnerships/{partnership}/reports/{report}/documents?name={}", enc(&file.name()));
        crate::api::upload(&path, file).await
    }

    /// The document's bytes (for a download link or an image preview).
    pub async fn bytes(id: &str) -> Result<web_sys::Blob, ApiError> {
        crate::api::blob(&format!("/api/v1/documents/{id}")).await
    }

    pub async fn remove(id: &str) -> Result<(), ApiError> {
        call(Method::Delete, &format!("/api/v1/documents/{id}"), None, None).await.map(|r| r.body)
    }
}

pub mod partnerships {
    use super::*;

    /// One page for an already-encoded query (`organization=…&status=…&awaiting=true`).
    pub async fn list(query: &str) -> Result<Page<PartnershipSummary>, ApiError> {
        fetch(&format!("/api/v1/partnerships?{query}")).await
    }

    /// The partnership with its ETag (for amendments and endings).
    pub async fn get(id: &str) -> Result<Reply<Partnership>, ApiError> {
        call(Method::Get, &format!("/api/v1/partnerships/{id}"), None, None).await
    }

    pub async fn propose(input: &PartnershipInput) -> Result<Partnership, ApiError> {
        call(Method::Post, "/api/v1/partnerships", body(input), None).await.map(|r| r.body)
    }

    pub async fn amend(id: &str, input: &PartnershipInput, etag: Option<&str>) -> Result<PartnershipAmended, ApiError> {
        call(Method::Put, &format!("/api/v1/partnerships/{id}"), body(input), etag).await.map(|r| r.body)
    }

    pub async fn answer(id: &str, organization_id: &str, answer: &PartyAnswer) -> Result<Partnership, ApiError> {
        call(Method::Put, &format!("/api/v1/partnerships/{id}/parties/{organization_id}"), body(answer), None)
            .await
            .map(|r| r.body)
    }

    pub async fn end(id: &str, reason: String, etag: Option<&str>) -> Result<Partnership, ApiError> {
        call(Method::Post, &format!("/api/v1/partnerships/{id}/end"), Some(json!({"reason": reason})), etag)
            .await
            .map(|r| r.body)
    }

    pub async fn history(id: &str) -> Result<Vec<PartnershipHistoryEntry>, ApiError> {
        fetch(&format!("/api/v1/partnerships/{id}/history")).await
    }

    /// The certificate PDF (read with the session, as a private partnership needs).
    pub async fn certificate(id: &str) -> Result<web_sys::Blob, ApiError> {
        crate::api::blob(&format!("/api/v1/partnerships/{id}/certificate")).await
    }

    /// What a certificate's verification page shows; `hash` is the certificate's.
    pub async fn verification(id: &str, hash: Option<&str>) -> Result<PartnershipVerification, ApiError> {
        match hash {
            Some(h) => fetch(&format!("/api/v1/partnerships/{id}/verification?hash={}", enc(h))).await,
            None => fetch(&format!("/api/v1/partnerships/{id}/verification")).await,
        }
    }

    /// The partnership network for an already-encoded filter (`sector=…&area=…`).
    pub async fn graph(query: &str) -> Result<PartnershipGraph, ApiError> {
        fetch(&format!("/api/v1/partnerships/graph?{query}")).await
    }

    pub async fn reports(id: &str) -> Result<Page<Report>, ApiError> {
        fetch(&format!("/api/v1/partnerships/{id}/reports?limit=200")).await
    }

    pub async fn add_report(id: &str, input: &ReportInput) -> Result<Report, ApiError> {
        call(Method::Post, &format!("/api/v1/partnerships/{id}/reports"), body(input), None).await.map(|r| r.body)
    }

    pub async fn review(
        id: &str,
        report_id: &str,
        organization_id: &str,
        input: &ReviewInput,
    ) -> Result<Report, ApiError> {
        let path = format!("/api/v1/partnerships/{id}/reports/{report_id}/reviews/{organization_id}");
        call(Method::Put, &path, body(input), None).await.map(|r| r.body)
    }

    pub async fn record(organization_id: &str) -> Result<PartnershipRecord, ApiError> {
        fetch(&format!("/api/v1/organizations/{organization_id}/partnership-record")).await
    }
}

pub mod meetings {
    use super::*;
    use tashbeek_domain::meeting::{
        AttendanceStats, CheckIn, CheckedIn, ManualAttendance, Meeting, MeetingInput, MeetingInvitation, MeetingInvite,
        MeetingSummary, Participant, Rsvp,
    };

    /// One page for an already-encoded query (`when=past&network=…`).
    pub async fn list(query: &str) -> Result<Page<MeetingSummary>, ApiError> {
        fetch(&format!("/api/v1/meetings?{query}")).await
    }

    /// The meeting with its ETag (for edits and cancelling).
    pub async fn get(id: &str) -> Result<Reply<Meeting>, ApiError> {
        call(Method::Get, &format!("/api/v1/meetings/{id}"), None, None).await
    }

    pub async fn schedule(input: &MeetingInput) -> Result<Meeting, ApiError> {
        call(Method::Post, "/api/v1/meetings", body(input), None).await.map(|r| r.body)
    }

    pub async fn update(id: &str, input: &MeetingInput, etag: Option<&str>) -> Result<Meeting, ApiError> {
        call(Method::Put, &format!("/api/v1/meetings/{id}"), body(input), etag).await.map(|r| r.body)
    }

    pub async fn cancel(id: &str, reason: String, etag: Option<&str>) -> Result<Meeting, ApiError> {
        call(Method::Post, &format!("/api/v1/meetings/{id}/cancel"), Some(json!({"reason": reason})), etag)
            .await
            .map(|r| r.body)
    }

    pub async fn invitations(id: &str) -> Result<Vec<MeetingInvitation>, ApiError> {
        fetch(&format!("/api/v1/meetings/{id}/invitations")).await
    }

    pub async fn invite(id: &str, input: &MeetingInvite) -> Result<(), ApiError> {
        call::<Vec<MeetingInvitation>>(Method::Post, &format!("/api/v1/meetings/{id}/invitations"), body(input), None)
            .await
            .map(drop)
    }

    /// `version`: the answer being changed, if there was one (sent as `If-Match`).
    pub async fn answer(
        id: &str,
        organization_id: &str,
        rsvp: &Rsvp,
        version: Option<i64>,
    ) -> Result<MeetingInvitation, ApiError> {
        let tag = version.map(|v| format!("\"{v}\""));
        let path = format!("/api/v1/meetings/{id}/invitations/{organization_id}");
        call(Method::Put, &path, body(rsvp), tag.as_deref()).await.map(|r| r.body)
    }

    pub async fn participants(id: &str) -> Result<Vec<Participant>, ApiError> {
        fetch(&format!("/api/v1/meetings/{id}/participants")).await
    }

    pub async fn check_in(id: &str, code: String) -> Result<CheckedIn, ApiError> {
        call(Method::Post, &format!("/api/v1/meetings/{id}/check-in"), body(&CheckIn { code }), None)
            .await
            .map(|r| r.body)
    }

    pub async fn record(id: &str, input: &ManualAttendance) -> Result<CheckedIn, ApiError> {
        call(Method::Post, &format!("/api/v1/meetings/{id}/attendance"), body(input), None).await.map(|r| r.body)
    }

    pub async fn stats(id: &str) -> Result<AttendanceStats, ApiError> {
        fetch(&format!("/api/v1/meetings/{id}/attendance")).await
    }

    /// The meeting's calendar file (read with the session, as a non-public meeting needs).
    pub async fn ics(id: &str) -> Result<web_sys::Blob, ApiError> {
        crate::api::blob(&format!("/api/v1/meetings/{id}/calendar.ics")).await
    }

    pub async fn agenda(id: &str) -> Result<tashbeek_domain::meeting::Agenda, ApiError> {
        fetch(&format!("/api/v1/meetings/{id}/agenda")).await
    }

    pub async fn set_agenda(
        id: &str,
        input: &tashbeek_domain::meeting::AgendaInput,
        version: i64,
    ) -> Result<tashbeek_domain::meeting::Agenda, ApiError> {
        let etag = format!("\"{version}\"");
        call(Method::Put, &format!("/api/v1/meetings/{id}/agenda"), body(input), Some(&etag)).await.map(|r| r.body)
    }

    /// Attaches a working paper to an agenda item.
    pub async fn add_paper(
        id: &str,
        item: &str,
        title: &str,
        authors: &str,
        file: &web_sys::File,
    ) -> Result<tashbeek_domain::meeting::WorkingPaper, ApiError> {
        let path = format!(
            "/api/v1/meetings/{id}/agenda/{item}/papers?name={}&title={}&authors={}",
            enc(&file.name()),
            enc(title),
            enc(authors)
        );
        crate::api::upload(&path, file).await
    }

    pub async fn minutes(id: &str) -> Result<Vec<tashbeek_domain::minutes::Minutes>, ApiError> {
        fetch(&format!("/api/v1/meetings/{id}/minutes")).await
    }

    pub async fn write_minutes(
        id: &str,
        input: &tashbeek_domain::minutes::MinutesInput,
    ) -> Result<tashbeek_domain::minutes::Minutes, ApiError> {
        call(Method::Post, &format!("/api/v1/meetings/{id}/minutes"), body(input), None).await.map(|r| r.body)
    }

    pub async fn edit_minutes(
        id: &str,
        minutes: &str,
        input: &tashbeek_domain::minutes::MinutesInput,
        version: i64,
    ) -> Result<tashbeek_domain::minutes::Minutes, ApiError> {
        let etag = format!("\"{version}\"");
        call(Method::Put, &format!("/api/v1/meetings/{id}/minutes/{minutes}"), body(input), Some(&etag))
            .await
            .map(|r| r.body)
    }

    pub async fn circulate(
        id: &str,
        minutes: &str,
        version: i64,
    ) -> Result<tashbeek_domain::minutes::Minutes, ApiError> {
        let etag = format!("\"{version}\"");
        call(Method::Post, &format!("/api/v1/meetings/{id}/minutes/{minutes}/circulate"), None, Some(&etag))
            .await
            .map(|r| r.body)
    }

    pub async fn review(
        id: &str,
        minutes: &str,
        org: &str,
        input: &tashbeek_domain::minutes::ReviewInput,
    ) -> Result<tashbeek_domain::minutes::Minutes, ApiError> {
        call(Method::Put, &format!("/api/v1/meetings/{id}/minutes/{minutes}/reviews/{org}"), body(input), None)
            .await
            .map(|r| r.body)
    }

    pub async fn decisions(id: &str) -> Result<Vec<tashbeek_domain::minutes::Decision>, ApiError> {
        fetch(&format!("/api/v1/meetings/{id}/decisions")).await
    }

    pub async fn decide(
        id: &str,
        input: &tashbeek_domain::minutes::DecisionInput,
    ) -> Result<tashbeek_domain::minutes::Decision, ApiError> {
        call(Method::Post, &format!("/api/v1/meetings/{id}/decisions"), body(input), None).await.map(|r| r.body)
    }
}

pub mod recommendations {
    use super::*;
    use tashbeek_domain::document::Document;
    use tashbeek_domain::recommendation::{
        OwedPart, PartAnswer, ProgressUpdate, Recommendation, RecommendationInput, RecommendationSummary, StatusChange,
        UpdateInput, Verification,
    };

    /// One page of the board for an already-encoded query (`status=adopted&overdue=true`).
    pub async fn list(query: &str) -> Result<Page<RecommendationSummary>, ApiError> {
        fetch(&format!("/api/v1/recommendations?{query}")).await
    }

    /// The recommendation with its ETag (for edits and status changes).
    pub async fn get(id: &str) -> Result<Reply<Recommendation>, ApiError> {
        call(Method::Get, &format!("/api/v1/recommendations/{id}"), None, None).await
    }

    pub async fn create(input: &RecommendationInput) -> Result<Recommendation, ApiError> {
        call(Method::Post, "/api/v1/recommendations", body(input), None).await.map(|r| r.body)
    }

    pub async fn edit(id: &str, input: &RecommendationInput, etag: Option<&str>) -> Result<Recommendation, ApiError> {
        call(Method::Put, &format!("/api/v1/recommendations/{id}"), body(input), etag).await.map(|r| r.body)
    }

    pub async fn set_status(id: &str, change: &StatusChange, etag: Option<&str>) -> Result<Recommendation, ApiError> {
        call(Method::Post, &format!("/api/v1/recommendations/{id}/status"), body(change), etag).await.map(|r| r.body)
    }

    pub async fn answer(id: &str, part: &str, a: &PartAnswer) -> Result<Recommendation, ApiError> {
        call(Method::Post, &format!("/api/v1/recommendations/{id}/parts/{part}/answer"), body(a), None)
            .await
            .map(|r| r.body)
    }

    pub async fn report(id: &str, part: &str, input: &UpdateInput) -> Result<ProgressUpdate, ApiError> {
        call(Method::Post, &format!("/api/v1/recommendations/{id}/parts/{part}/updates"), body(input), None)
            .await
            .map(|r| r.body)
    }

    pub async fn complete(id: &str, part: &str) -> Result<Recommendation, ApiError> {
        call(Method::Post, &format!("/api/v1/recommendations/{id}/parts/{part}/completion"), None, None)
            .await
            .map(|r| r.body)
    }

    pub async fn verify(id: &str, part: &str, v: &Verification) -> Result<Recommendation, ApiError> {
        call(Method::Post, &format!("/api/v1/recommendations/{id}/parts/{part}/verification"), body(v), None)
            .await
            .map(|r| r.body)
    }

    pub async fn updates(id: &str) -> Result<Vec<ProgressUpdate>, ApiError> {
        fetch(&format!("/api/v1/recommendations/{id}/updates")).await
    }

    pub async fn add_evidence(id: &str, update: &str, file: &web_sys::File) -> Result<Document, ApiError> {
        let path = format!("/api/v1/recommendations/{id}/updates/{update}/documents?name={}", enc(&file.name()));
        crate::api::upload(&path, file).await
    }

    /// The board's rows as a spreadsheet (`format`: xlsx or csv), for an encoded filter query.
    pub async fn export(query: &str, format: &str) -> Result<web_sys::Blob, ApiError> {
        crate::api::blob(&format!("/api/v1/recommendations/export?format={format}&{query}")).await
    }

    /// Sends an edited export back: a dry run unless `apply`.
    pub async fn import(
        file: &web_sys::File,
        apply: bool,
        apply_valid: bool,
    ) -> Result<tashbeek_domain::recommendation::ImportReport, ApiError> {
        let path = format!("/api/v1/recommendations/import?dry_run={}&apply_valid={apply_valid}", !apply);
        crate::api::upload(&path, file).await
    }

    pub async fn owed(org: &str, cursor: Option<&str>) -> Result<Page<OwedPart>, ApiError> {
        fetch(&format!("/api/v1/organizations/{org}/owed-recommendations?{}", page_query(50, cursor))).await
    }
}

pub mod roadmap {
    use super::*;
    use tashbeek_domain::roadmap::{Goal, GoalInput, Roadmap, Task, TaskInput, TaskStatusChange};

    /// The version a goal or task was read at, as `If-Match` wants it.
    fn etag(version: i64) -> String {
        format!("\"{version}\"")
    }

    /// A network's roadmap for an already-encoded filter query (`term=short&overdue=true`).
    pub async fn show(network: &str, query: &str) -> Result<Roadmap, ApiError> {
        fetch(&format!("/api/v1/networks/{network}/roadmap?{query}")).await
    }

    pub async fn create_goal(network: &str, input: &GoalInput) -> Result<Goal, ApiError> {
        call(Method::Post, &format!("/api/v1/networks/{network}/goals"), body(input), None).await.map(|r| r.body)
    }

    pub async fn edit_goal(id: &str, version: i64, input: &GoalInput) -> Result<Goal, ApiError> {
        call(Method::Put, &format!("/api/v1/roadmap/goals/{id}"), body(input), Some(&etag(version)))
            .await
            .map(|r| r.body)
    }

    pub async fn remove_goal(id: &str, version: i64) -> Result<(), ApiError> {
        call::<()>(Method::Delete, &format!("/api/v1/roadmap/goals/{id}"), None, Some(&etag(version))).await.map(drop)
    }

    pub async fn create_task(goal: &str, input: &TaskInput) -> Result<Task, ApiError> {
        call(Method::Post, &format!("/api/v1/roadmap/goals/{goal}/tasks"), body(input), None).await.map(|r| r.body)
    }

    pub async fn task(id: &str) -> Result<Task, ApiError> {
        fetch(&format!("/api/v1/roadmap/tasks/{id}")).await
    }

    pub async fn edit_task(id: &str, version: i64, input: &TaskInput) -> Result<Task, ApiError> {
        call(Method::Put, &format!("/api/v1/roadmap/tasks/{id}"), body(input), Some(&etag(version)))
            .await
            .map(|r| r.body)
    }

    pub async fn set_task_status(id: &str, version: i64, change: &TaskStatusChange) -> Result<Task, ApiError> {
        call(Method::Post, &format!("/api/v1/roadmap/tasks/{id}/status"), body(change), Some(&etag(version)))
            .await
            .map(|r| r.body)
    }

    pub async fn remove_task(id: &str, version: i64) -> Result<(), ApiError> {
        call::<()>(Method::Delete, &format!("/api/v1/roadmap/tasks/{id}"), None, Some(&etag(version))).await.map(drop)
    }
}

pub mod notifications {
    use super::*;
    use tashbeek_domain::notification::Notification;

    /// One page of mine, newest first; only unread ones with `unread`.
    pub async fn list(unread: bool, cursor: Option<&str>) -> Result<Page<Notification>, ApiError> {
        fetch(&format!("/api/v1/me/notifications?unread={unread}&{}", page_query(50, cursor))).await
    }

    pub async fn unread() -> Result<i64, ApiError> {
        fetch::<serde_json::Value>("/api/v1/me/notifications/unread").await.map(|v| v["unread"].as_i64().unwrap_or(0))
    }

    pub async fn read(id: &str) -> Result<(), ApiError> {
        call::<()>(Method::Post, &format!("/api/v1/me/notifications/{id}/read"), None, None).await.map(drop)
    }

    pub async fn read_all() -> Result<(), ApiError> {
        call::<()>(Method::Post, "/api/v1/me/notifications/read-all", None, None).await.map(drop)
    }
}
