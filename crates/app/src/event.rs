//! One typed record of every state change. Each event becomes its audit-log row in the
//! transaction of the change; the webhook outbox and change feed on the roadmap will
//! read from the same place. Serialization cannot silently lose data: a snapshot that
//! fails to serialize fails the change.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use tashbeek_domain::document::Document;
use tashbeek_domain::meeting::{AgendaItemInput, CheckInMethod, MeetingInput, RsvpAnswer};
use tashbeek_domain::minutes::{DecisionInput, MinutesInput, MinutesStatus, ReviewVerdict};
use tashbeek_domain::network::{NetworkInput, NetworkMemberStatus};
use tashbeek_domain::office::TermInput;
use tashbeek_domain::organization::{OrganizationInput, VerificationStatus};
use tashbeek_domain::partnership::{PartnershipInput, PartyAnswerKind};
use tashbeek_domain::recommendation::{RecommendationInput, RecommendationStatus, UpdateInput, VerificationVerdict};
use tashbeek_domain::reference::{Area, Sector};
use tashbeek_domain::report::{ReportInput, Verdict};
use tashbeek_domain::roadmap::{GoalInput, TaskInput, TaskStatus};
use tashbeek_domain::user::{GlobalRole, OrgRole};
use tashbeek_domain::{
    AgendaItemId, DecisionId, GoalId, InvitationId, MeetingId, MinutesId, OrganizationId, PartId, ParticipantId,
    ReportId, TaskId, UpdateId, UserId,
};
use tashbeek_persistence::{audit, DbConn, DbError};

use crate::error::AppResult;

/// An account's administrable state, as `user.update` records it before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountState {
    pub display_name: String,
    pub role: GlobalRole,
    pub disabled: bool,
}

/// A status and archive change of an organization (verification, archive, restore).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgState {
    pub verification_status: VerificationStatus,
    pub archived: bool,
}

/// Every kind of change Tashbeek records; one variant per action.
#[derive(Debug, Clone)]
pub enum Event {
    OrganizationCreated(Box<OrganizationInput>),
    OrganizationUpdated {
        before: Box<OrganizationInput>,
        after: Box<OrganizationInput>,
    },
    /// Its own administrators changed a verified organization's identity.
    OrganizationReviewRequired {
        changed: Vec<&'static str>,
    },
    OrganizationVerification {
        before: OrgState,
        after: OrgState,
        reason: Option<String>,
    },
    OrganizationArchived {
        before: OrgState,
        after: OrgState,
    },
    OrganizationRestored {
        before: OrgState,
        after: OrgState,
    },
    MembershipAdded {
        user_id: UserId,
        role: OrgRole,
        invitation_id: Option<InvitationId>,
    },
    MembershipRemoved {
        user_id: UserId,
        role: OrgRole,
    },
    InvitationCreated {
        invitation_id: InvitationId,
        email: String,
        role: OrgRole,
        replaces: Vec<String>,
    },
    InvitationRevoked {
        invitation_id: InvitationId,
        email: String,
    },
    UserCreated {
        email: String,
        display_name: String,
        role: GlobalRole,
        via_cli: bool,
    },
    UserUpdated {
        before: AccountState,
        after: AccountState,
    },
    PasswordChanged,
    SessionStarted,
    SessionEnded,
    /// A spent refresh token came back: its whole session was ended.
    RefreshTokenReused {
        family_id: String,
    },
    /// A disabled account's refresh token: its session was ended.
    SessionOfDisabledAccountEnded {
        family_id: String,
    },
    /// A private calendar address made (`replaced`: an earlier one stopped working).
    CalendarTokenIssued {
        replaced: bool,
    },
    CalendarTokenRevoked,
    SectorCreated(Sector),
    SectorRenamed {
        before: Sector,
        after: Sector,
    },
    AreaCreated(Area),
    AreaRenamed {
        before: Area,
        after: Area,
    },
    NetworkCreated(Box<NetworkInput>),
    NetworkUpdated {
        before: Box<NetworkInput>,
        after: Box<NetworkInput>,
    },
    NetworkMemberInvited {
        organization_id: OrganizationId,
    },
    NetworkMemberAnswered {
        organization_id: OrganizationId,
        status: NetworkMemberStatus,
    },
    NetworkMemberLeft {
        organization_id: OrganizationId,
    },
    NetworkJoinRequested {
        organization_id: OrganizationId,
    },
    NetworkCoordinatorAppointed {
        user_id: UserId,
    },
    NetworkCoordinatorDismissed {
        user_id: UserId,
    },
    PartnershipProposed(Box<PartnershipInput>),
    /// New terms; `reconfirmation` lists the parties awaited again.
    PartnershipAmended {
        before: Box<PartnershipInput>,
        after: Box<PartnershipInput>,
        reconfirmation: Vec<OrganizationId>,
    },
    PartnershipAnswered {
        organization_id: OrganizationId,
        answer: PartyAnswerKind,
        comment: Option<String>,
        terms_version: i64,
    },
    PartnershipEnded {
        reason: String,
    },
    ReportAdded {
        report_id: ReportId,
        input: Box<ReportInput>,
    },
    ReportReviewed {
        report_id: ReportId,
        organization_id: OrganizationId,
        verdict: Verdict,
        comment: Option<String>,
    },
    /// Evidence added to a report (its endorsements withdrawn: the others review it again).
    DocumentAdded {
        report_id: ReportId,
        document: Document,
    },
    DocumentRemoved {
        report_id: ReportId,
        document: Document,
    },
    MeetingScheduled(Box<MeetingInput>),
    MeetingUpdated {
        before: Box<MeetingInput>,
        after: Box<MeetingInput>,
    },
    MeetingCancelled {
        reason: String,
    },
    MeetingInvited {
        organization_ids: Vec<OrganizationId>,
        people: Vec<tashbeek_domain::meeting::InvitedPerson>,
    },
    MeetingAnswered {
        organization_id: OrganizationId,
        answer: RsvpAnswer,
        representatives: i32,
        people: Vec<String>,
    },
    AttendanceRecorded {
        participant_id: ParticipantId,
        organization_id: OrganizationId,
        name: String,
        method: CheckInMethod,
    },
    AgendaSet {
        items: Vec<AgendaItemInput>,
    },
    PaperAdded {
        agenda_item_id: AgendaItemId,
        title: String,
        authors: String,
        document: Document,
    },
    PaperRemoved {
        agenda_item_id: AgendaItemId,
        document: Document,
    },
    MinutesWritten {
        minutes_id: MinutesId,
        corrects: Option<MinutesId>,
        input: MinutesInput,
    },
    MinutesEdited {
        minutes_id: MinutesId,
        before: MinutesInput,
        after: MinutesInput,
    },
    MinutesCirculated {
        minutes_id: MinutesId,
    },
    MinutesReviewed {
        minutes_id: MinutesId,
        organization_id: OrganizationId,
        verdict: ReviewVerdict,
        comment: Option<String>,
    },
    /// The required share approved: locked.
    MinutesApproved {
        minutes_id: MinutesId,
        approvals: usize,
        attending: usize,
    },
    DecisionRecorded {
        decision_id: DecisionId,
        input: Box<DecisionInput>,
    },
    /// An election made these terms the network's office (recorded on the network).
    OfficeElected {
        meeting_id: MeetingId,
        decision_id: DecisionId,
        terms: Vec<TermInput>,
    },
    RecommendationCreated(Box<RecommendationInput>),
    RecommendationEdited {
        before: Box<RecommendationInput>,
        after: Box<RecommendationInput>,
    },
    /// A status change, by its managers or following its parts (no reason then).
    RecommendationStatus {
        from: RecommendationStatus,
        to: RecommendationStatus,
        reason: Option<String>,
        review_on: Option<chrono::NaiveDate>,
    },
    PartAnswered {
        part_id: PartId,
        /// `None`: the network's office.
        organization_id: Option<OrganizationId>,
        accept: bool,
        reason: Option<String>,
    },
    ProgressReported {
        part_id: PartId,
        update_id: UpdateId,
        input: UpdateInput,
    },
    PartCompleted {
        part_id: PartId,
        organization_id: Option<OrganizationId>,
    },
    PartVerified {
        part_id: PartId,
        verdict: VerificationVerdict,
        comment: Option<String>,
    },
    EvidenceAdded {
        update_id: UpdateId,
        document: Document,
    },
    EvidenceRemoved {
        update_id: UpdateId,
        document: Document,
    },
    /// Roadmap changes are recorded on the network.
    GoalCreated {
        goal_id: GoalId,
        input: Box<GoalInput>,
    },
    GoalEdited {
        goal_id: GoalId,
        before: Box<GoalInput>,
        after: Box<GoalInput>,
    },
    GoalRemoved {
        goal_id: GoalId,
        before: Box<GoalInput>,
    },
    TaskCreated {
        task_id: TaskId,
        goal_id: GoalId,
        input: Box<TaskInput>,
    },
    TaskEdited {
        task_id: TaskId,
        before: Box<TaskInput>,
        after: Box<TaskInput>,
    },
    TaskStatus {
        task_id: TaskId,
        from: TaskStatus,
        from_reason: Option<String>,
        to: TaskStatus,
        reason: Option<String>,
        completed_on: Option<chrono::NaiveDate>,
    },
    TaskRemoved {
        task_id: TaskId,
        before: Box<TaskInput>,
    },
    /// The audit log anchored (what the anchor covers is in it).
    AuditAnchored {
        anchor: tashbeek_domain::audit::Anchor,
    },
}

fn value(v: &impl Serialize) -> Result<Value, DbError> {
    serde_json::to_value(v).map_err(|e| DbError::Corrupt(format!("event snapshot: {e}")))
}

impl Event {
    /// Whether the event creates its object under an id new in this write (its audit
    /// chain starts with it).
    pub fn creates(&self) -> bool {
        matches!(
            self,
            Event::OrganizationCreated(_)
                | Event::UserCreated { .. }
                | Event::NetworkCreated(_)
                | Event::PartnershipProposed(_)
                | Event::MeetingScheduled(_)
                | Event::RecommendationCreated(_)
                | Event::AuditAnchored { .. }
        )
    }

    /// The stable action name (`organization.update`, …), what audit filters use.
    pub fn action(&self) -> &'static str {
        match self {
            Event::OrganizationCreated(_) => "organization.create",
            Event::OrganizationUpdated { .. } => "organization.update",
            Event::OrganizationReviewRequired { .. } => "organization.review_required",
            Event::OrganizationVerification { .. } => "organization.verification",
            Event::OrganizationArchived { .. } => "organization.archive",
            Event::OrganizationRestored { .. } => "organization.restore",
            Event::MembershipAdded { .. } => "membership.add",
            Event::MembershipRemoved { .. } => "membership.remove",
            Event::InvitationCreated { .. } => "invitation.create",
            Event::InvitationRevoked { .. } => "invitation.revoke",
            Event::UserCreated { .. } => "user.create",
            Event::UserUpdated { .. } => "user.update",
            Event::PasswordChanged => "user.password_change",
            Event::SessionStarted => "session.login",
            Event::SessionEnded => "session.logout",
            Event::RefreshTokenReused { .. } => "session.refresh_reuse_detected",
            Event::SessionOfDisabledAccountEnded { .. } => "session.revoke_disabled",
            Event::CalendarTokenIssued { .. } => "user.calendar_token_issue",
            Event::CalendarTokenRevoked => "user.calendar_token_revoke",
            Event::SectorCreated(_) => "sector.create",
            Event::SectorRenamed { .. } => "sector.rename",
            Event::AreaCreated(_) => "area.create",
            Event::AreaRenamed { .. } => "area.rename",
            Event::NetworkCreated(_) => "network.create",
            Event::NetworkUpdated { .. } => "network.update",
            Event::NetworkMemberInvited { .. } => "network.member_invite",
            Event::NetworkMemberAnswered { .. } => "network.member_answer",
            Event::NetworkMemberLeft { .. } => "network.member_leave",
            Event::NetworkJoinRequested { .. } => "network.join_request",
            Event::NetworkCoordinatorAppointed { .. } => "network.coordinator_appoint",
            Event::NetworkCoordinatorDismissed { .. } => "network.coordinator_dismiss",
            Event::PartnershipProposed(_) => "partnership.propose",
            Event::PartnershipAmended { .. } => "partnership.amend",
            Event::PartnershipAnswered { .. } => "partnership.answer",
            Event::PartnershipEnded { .. } => "partnership.end",
            Event::ReportAdded { .. } => "partnership.report_add",
            Event::ReportReviewed { .. } => "partnership.report_review",
            Event::DocumentAdded { .. } => "partnership.document_add",
            Event::DocumentRemoved { .. } => "partnership.document_remove",
            Event::MeetingScheduled(_) => "meeting.schedule",
            Event::MeetingUpdated { .. } => "meeting.update",
            Event::MeetingCancelled { .. } => "meeting.cancel",
            Event::MeetingInvited { .. } => "meeting.invite",
            Event::MeetingAnswered { .. } => "meeting.answer",
            Event::AttendanceRecorded { .. } => "meeting.attendance",
            Event::AgendaSet { .. } => "meeting.agenda",
            Event::PaperAdded { .. } => "meeting.paper_add",
            Event::PaperRemoved { .. } => "meeting.paper_remove",
            Event::MinutesWritten { .. } => "meeting.minutes_write",
            Event::MinutesEdited { .. } => "meeting.minutes_edit",
            Event::MinutesCirculated { .. } => "meeting.minutes_circulate",
            Event::MinutesReviewed { .. } => "meeting.minutes_review",
            Event::MinutesApproved { .. } => "meeting.minutes_approve",
            Event::DecisionRecorded { .. } => "meeting.decision",
            Event::OfficeElected { .. } => "network.office_elect",
            Event::RecommendationCreated(_) => "recommendation.create",
            Event::RecommendationEdited { .. } => "recommendation.edit",
            Event::RecommendationStatus { .. } => "recommendation.status",
            Event::PartAnswered { .. } => "recommendation.part_answer",
            Event::ProgressReported { .. } => "recommendation.progress",
            Event::PartCompleted { .. } => "recommendation.part_complete",
            Event::PartVerified { .. } => "recommendation.part_verify",
            Event::EvidenceAdded { .. } => "recommendation.evidence_add",
            Event::EvidenceRemoved { .. } => "recommendation.evidence_remove",
            Event::GoalCreated { .. } => "network.goal_create",
            Event::GoalEdited { .. } => "network.goal_edit",
            Event::GoalRemoved { .. } => "network.goal_remove",
            Event::TaskCreated { .. } => "network.task_create",
            Event::TaskEdited { .. } => "network.task_edit",
            Event::TaskStatus { .. } => "network.task_status",
            Event::TaskRemoved { .. } => "network.task_remove",
            Event::AuditAnchored { .. } => "audit.anchor",
        }
    }

    /// What kind of object the event is about (the audit row's `object_type`).
    pub fn object_type(&self) -> &'static str {
        match self {
            Event::OrganizationCreated(_)
            | Event::OrganizationUpdated { .. }
            | Event::OrganizationReviewRequired { .. }
            | Event::OrganizationVerification { .. }
            | Event::OrganizationArchived { .. }
            | Event::OrganizationRestored { .. }
            | Event::MembershipAdded { .. }
            | Event::MembershipRemoved { .. }
            | Event::InvitationCreated { .. }
            | Event::InvitationRevoked { .. } => "organization",
            Event::UserCreated { .. }
            | Event::UserUpdated { .. }
            | Event::PasswordChanged
            | Event::SessionStarted
            | Event::SessionEnded
            | Event::RefreshTokenReused { .. }
            | Event::SessionOfDisabledAccountEnded { .. }
            | Event::CalendarTokenIssued { .. }
            | Event::CalendarTokenRevoked => "user",
            Event::SectorCreated(_) | Event::SectorRenamed { .. } => "sector",
            Event::AreaCreated(_) | Event::AreaRenamed { .. } => "area",
            Event::NetworkCreated(_)
            | Event::NetworkUpdated { .. }
            | Event::NetworkMemberInvited { .. }
            | Event::NetworkMemberAnswered { .. }
            | Event::NetworkMemberLeft { .. }
            | Event::NetworkJoinRequested { .. }
            | Event::NetworkCoordinatorAppointed { .. }
            | Event::NetworkCoordinatorDismissed { .. } => "network",
            Event::PartnershipProposed(_)
            | Event::PartnershipAmended { .. }
            | Event::PartnershipAnswered { .. }
            | Event::PartnershipEnded { .. }
            | Event::ReportAdded { .. }
            | Event::ReportReviewed { .. }
            | Event::DocumentAdded { .. }
            | Event::DocumentRemoved { .. } => "partnership",
            Event::MeetingScheduled(_)
            | Event::MeetingUpdated { .. }
            | Event::MeetingCancelled { .. }
            | Event::MeetingInvited { .. }
            | Event::MeetingAnswered { .. }
            | Event::AttendanceRecorded { .. }
            | Event::AgendaSet { .. }
            | Event::PaperAdded { .. }
            | Event::PaperRemoved { .. }
            | Event::MinutesWritten { .. }
            | Event::MinutesEdited { .. }
            | Event::MinutesCirculated { .. }
            | Event::MinutesReviewed { .. }
            | Event::MinutesApproved { .. }
            | Event::DecisionRecorded { .. } => "meeting",
            Event::OfficeElected { .. }
            | Event::GoalCreated { .. }
            | Event::GoalEdited { .. }
            | Event::GoalRemoved { .. }
            | Event::TaskCreated { .. }
            | Event::TaskEdited { .. }
            | Event::TaskStatus { .. }
            | Event::TaskRemoved { .. } => "network",
            Event::RecommendationCreated(_)
            | Event::RecommendationEdited { .. }
            | Event::RecommendationStatus { .. }
            | Event::PartAnswered { .. }
            | Event::ProgressReported { .. }
            | Event::PartCompleted { .. }
            | Event::PartVerified { .. }
            | Event::EvidenceAdded { .. }
            | Event::EvidenceRemoved { .. } => "recommendation",
            Event::AuditAnchored { .. } => "audit_anchor",
        }
    }

    /// The audit row's before and after snapshots.
    pub fn snapshots(&self) -> Result<(Option<Value>, Option<Value>), DbError> {
        Ok(match self {
            Event::OrganizationCreated(input) => (None, Some(value(input)?)),
            Event::OrganizationUpdated { before, after } => (Some(value(before)?), Some(value(after)?)),
            Event::OrganizationReviewRequired { changed } => (
                Some(json!({"verification_status": VerificationStatus::Verified})),
                Some(json!({"verification_status": VerificationStatus::Pending, "changed": changed})),
            ),
            Event::OrganizationVerification { before, after, reason } => {
                let mut after = value(after)?;
                after["reason"] = value(reason)?;
                (Some(value(before)?), Some(after))
            }
            Event::OrganizationArchived { before, after } | Event::OrganizationRestored { before, after } => {
                (Some(value(before)?), Some(value(after)?))
            }
            Event::MembershipAdded { user_id, role, invitation_id } => {
                let mut after = json!({"user_id": user_id, "role": role});
                if let Some(i) = invitation_id {
                    after["invitation_id"] = json!(i);
                }
                (None, Some(after))
            }
            Event::MembershipRemoved { user_id, role } => (Some(json!({"user_id": user_id, "role": role})), None),
            Event::InvitationCreated { invitation_id, email, role, replaces } => (
                None,
                Some(json!({"invitation_id": invitation_id, "email": email, "role": role, "replaces": replaces})),
            ),
            Event::InvitationRevoked { invitation_id, email } => {
                (Some(json!({"invitation_id": invitation_id, "email": email})), None)
            }
            Event::UserCreated { email, display_name, role, via_cli } => {
                let mut after = json!({"email": email, "display_name": display_name, "role": role});
                if *via_cli {
                    after["via"] = json!("cli");
                }
                (None, Some(after))
            }
            Event::UserUpdated { before, after } => (Some(value(before)?), Some(value(after)?)),
            Event::PasswordChanged | Event::SessionStarted | Event::SessionEnded => (None, None),
            Event::RefreshTokenReused { family_id } | Event::SessionOfDisabledAccountEnded { family_id } => {
                (None, Some(json!({"family_id": family_id})))
            }
            Event::CalendarTokenIssued { replaced } => {
                (None, Some(json!({"calendar_token": true, "replaced": replaced})))
            }
            Event::CalendarTokenRevoked => (Some(json!({"calendar_token": true})), None),
            Event::SectorCreated(s) => (None, Some(value(s)?)),
            Event::SectorRenamed { before, after } => (Some(value(before)?), Some(value(after)?)),
            Event::AreaCreated(a) => (None, Some(value(a)?)),
            Event::AreaRenamed { before, after } => (Some(value(before)?), Some(value(after)?)),
            Event::NetworkCreated(input) => (None, Some(value(input)?)),
            Event::NetworkUpdated { before, after } => (Some(value(before)?), Some(value(after)?)),
            Event::NetworkMemberInvited { organization_id } => {
                (None, Some(json!({"organization_id": organization_id, "status": NetworkMemberStatus::Invited})))
            }
            Event::NetworkMemberAnswered { organization_id, status } => {
                (None, Some(json!({"organization_id": organization_id, "status": status})))
            }
            Event::NetworkMemberLeft { organization_id } => {
                (None, Some(json!({"organization_id": organization_id, "status": NetworkMemberStatus::Left})))
            }
            Event::NetworkJoinRequested { organization_id } => {
                (None, Some(json!({"organization_id": organization_id, "status": NetworkMemberStatus::Requested})))
            }
            Event::NetworkCoordinatorAppointed { user_id } => (None, Some(json!({"coordinator": user_id}))),
            Event::NetworkCoordinatorDismissed { user_id } => (Some(json!({"coordinator": user_id})), None),
            Event::PartnershipProposed(input) => (None, Some(value(input)?)),
            Event::PartnershipAmended { before, after, reconfirmation } => {
                let mut after = value(after)?;
                after["reconfirmation"] = value(reconfirmation)?;
                (Some(value(before)?), Some(after))
            }
            Event::PartnershipAnswered { organization_id, answer, comment, terms_version } => (
                None,
                Some(json!({
                    "organization_id": organization_id,
                    "answer": answer,
                    "comment": comment,
                    "terms_version": terms_version,
                })),
            ),
            Event::PartnershipEnded { reason } => (None, Some(json!({"reason": reason}))),
            Event::ReportAdded { report_id, input } => {
                let mut after = value(input)?;
                after["report_id"] = value(report_id)?;
                (None, Some(after))
            }
            Event::ReportReviewed { report_id, organization_id, verdict, comment } => (
                None,
                Some(
                    json!({"report_id": report_id, "organization_id": organization_id, "verdict": verdict, "comment": comment}),
                ),
            ),
            Event::DocumentAdded { report_id, document } => {
                (None, Some(json!({"report_id": report_id, "document": value(document)?})))
            }
            Event::DocumentRemoved { report_id, document } => {
                (Some(json!({"report_id": report_id, "document": value(document)?})), None)
            }
            Event::MeetingScheduled(input) => (None, Some(value(input)?)),
            Event::MeetingUpdated { before, after } => (Some(value(before)?), Some(value(after)?)),
            Event::MeetingCancelled { reason } => (None, Some(json!({"reason": reason}))),
            Event::MeetingInvited { organization_ids, people } => {
                (None, Some(json!({"invited": organization_ids, "people": value(people)?})))
            }
            Event::MeetingAnswered { organization_id, answer, representatives, people } => (
                None,
                Some(json!({
                    "organization_id": organization_id,
                    "answer": answer,
                    "representatives": representatives,
                    "people": people,
                })),
            ),
            Event::AttendanceRecorded { participant_id, organization_id, name, method } => (
                None,
                Some(json!({
                    "participant_id": participant_id,
                    "organization_id": organization_id,
                    "name": name,
                    "method": method,
                })),
            ),
            Event::AgendaSet { items } => (None, Some(json!({"items": value(items)?}))),
            Event::PaperAdded { agenda_item_id, title, authors, document } => (
                None,
                Some(
                    json!({"agenda_item_id": agenda_item_id, "title": title, "authors": authors, "document": value(document)?}),
                ),
            ),
            Event::PaperRemoved { agenda_item_id, document } => {
                (Some(json!({"agenda_item_id": agenda_item_id, "document": value(document)?})), None)
            }
            Event::MinutesWritten { minutes_id, corrects, input } => {
                let mut after = value(input)?;
                after["minutes_id"] = value(minutes_id)?;
                after["corrects"] = value(corrects)?;
                (None, Some(after))
            }
            Event::MinutesEdited { minutes_id, before, after } => {
                let mut after = value(after)?;
                after["minutes_id"] = value(minutes_id)?;
                (Some(value(before)?), Some(after))
            }
            Event::MinutesCirculated { minutes_id } => {
                (None, Some(json!({"minutes_id": minutes_id, "status": MinutesStatus::Circulated})))
            }
            Event::MinutesReviewed { minutes_id, organization_id, verdict, comment } => (
                None,
                Some(
                    json!({"minutes_id": minutes_id, "organization_id": organization_id, "verdict": verdict, "comment": comment}),
                ),
            ),
            Event::MinutesApproved { minutes_id, approvals, attending } => (
                None,
                Some(
                    json!({"minutes_id": minutes_id, "status": MinutesStatus::Approved, "approvals": approvals, "attending": attending}),
                ),
            ),
            Event::DecisionRecorded { decision_id, input } => {
                let mut after = value(input)?;
                after["decision_id"] = value(decision_id)?;
                (None, Some(after))
            }
            Event::OfficeElected { meeting_id, decision_id, terms } => {
                (None, Some(json!({"meeting_id": meeting_id, "decision_id": decision_id, "terms": value(terms)?})))
            }
            Event::RecommendationCreated(input) => (None, Some(value(input)?)),
            Event::RecommendationEdited { before, after } => (Some(value(before)?), Some(value(after)?)),
            Event::RecommendationStatus { from, to, reason, review_on } => {
                (Some(json!({"status": from})), Some(json!({"status": to, "reason": reason, "review_on": review_on})))
            }
            Event::PartAnswered { part_id, organization_id, accept, reason } => (
                None,
                Some(
                    json!({"part_id": part_id, "organization_id": organization_id, "accept": accept, "reason": reason}),
                ),
            ),
            Event::ProgressReported { part_id, update_id, input } => {
                let mut after = value(input)?;
                after["part_id"] = value(part_id)?;
                after["update_id"] = value(update_id)?;
                (None, Some(after))
            }
            Event::PartCompleted { part_id, organization_id } => (
                None,
                Some(json!({"part_id": part_id, "organization_id": organization_id, "state": "awaiting_verification"})),
            ),
            Event::PartVerified { part_id, verdict, comment } => {
                (None, Some(json!({"part_id": part_id, "verdict": verdict, "comment": comment})))
            }
            Event::EvidenceAdded { update_id, document } => {
                (None, Some(json!({"update_id": update_id, "document": value(document)?})))
            }
            Event::EvidenceRemoved { update_id, document } => {
                (Some(json!({"update_id": update_id, "document": value(document)?})), None)
            }
            Event::GoalCreated { goal_id, input } => {
                let mut after = value(input)?;
                after["goal_id"] = value(goal_id)?;
                (None, Some(after))
            }
            Event::GoalEdited { goal_id, before, after } => {
                let mut after = value(after)?;
                after["goal_id"] = value(goal_id)?;
                (Some(value(before)?), Some(after))
            }
            Event::GoalRemoved { goal_id, before } => {
                let mut before = value(before)?;
                before["goal_id"] = value(goal_id)?;
                (Some(before), None)
            }
            Event::TaskCreated { task_id, goal_id, input } => {
                let mut after = value(input)?;
                after["task_id"] = value(task_id)?;
                after["goal_id"] = value(goal_id)?;
                (None, Some(after))
            }
            Event::TaskEdited { task_id, before, after } => {
                let mut after = value(after)?;
                after["task_id"] = value(task_id)?;
                (Some(value(before)?), Some(after))
            }
            Event::TaskStatus { task_id, from, from_reason, to, reason, completed_on } => (
                Some(json!({"task_id": task_id, "status": from, "reason": from_reason})),
                Some(json!({"task_id": task_id, "status": to, "reason": reason, "completed_on": completed_on})),
            ),
            Event::TaskRemoved { task_id, before } => {
                let mut before = value(before)?;
                before["task_id"] = value(task_id)?;
                (Some(before), None)
            }
            Event::AuditAnchored { anchor } => (None, Some(value(anchor)?)),
        })
    }

    /// The audit row this event becomes; the bulk loader (seed) writes the very same.
    pub fn audit_change<'a>(
        &self,
        at: DateTime<Utc>,
        actor_id: Option<&'a str>,
        object_id: &'a str,
        request_id: Option<&'a str>,
    ) -> Result<audit::Change<'a>, DbError> {
        let (before, after) = self.snapshots()?;
        Ok(audit::Change {
            at,
            actor_id,
            action: self.action(),
            object_type: self.object_type(),
            object_id,
            before,
            after,
            request_id,
        })
    }
}

/// Writes `event` about `object_id` as its audit row, in the caller's transaction.
pub fn record(
    conn: &mut DbConn,
    at: DateTime<Utc>,
    actor_id: Option<&str>,
    object_id: &str,
    request_id: Option<&str>,
    event: &Event,
) -> AppResult<()> {
    let change = event.audit_change(at, actor_id, object_id, request_id)?;
    if event.creates() {
        audit::record_new(conn, change)?;
    } else {
        audit::record(conn, change)?;
    }
    Ok(())
}
