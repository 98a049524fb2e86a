//! A network's coordination office roadmap (خارطة طريق): goals set for the short, medium
//! or long term, each carried out by tasks that an organization or a named person owns,
//! with a due date, a status, and the recommendations they implement. The coordinators
//! plan it; a task's owner moves its status; the network's members follow it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{GoalId, NetworkId, OrganizationId, RecommendationId, TaskId};
use crate::organization::string_enum;
use crate::partnership::iso_date;
use crate::recommendation::RecommendationStatus;
use crate::validation::{ValidationErrors, Violation};

/// Longest goal or task title.
pub const MAX_TITLE: usize = 300;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 4_000;
/// Longest owner's name, and longest reason.
pub const MAX_PERSON: usize = 200;
pub const MAX_REASON: usize = 2_000;
/// Most goals on one network's roadmap.
pub const MAX_GOALS: i64 = 100;
/// Most tasks under one goal.
pub const MAX_TASKS: i64 = 60;
/// Most recommendations one task implements.
pub const MAX_LINKED: usize = 20;

string_enum! {
    /// When a goal is to be reached.
    GoalTerm {
        /// Within the year.
        Short => "short",
        /// One to three years.
        Medium => "medium",
        /// Beyond.
        Long => "long",
    }
}

string_enum! {
    /// Where a goal stands.
    GoalStatus {
        Active => "active",
        Achieved => "achieved",
        /// Given up (its tasks stay for the record).
        Dropped => "dropped",
    }
}

string_enum! {
    /// Where a task stands.
    TaskStatus {
        Planned => "planned",
        InProgress => "in_progress",
        /// Stuck, with a reason.
        Blocked => "blocked",
        Done => "done",
        /// Not to be done, with a reason.
        Cancelled => "cancelled",
    }
}

impl TaskStatus {
    /// Whether work on it is still expected (what "overdue" looks at).
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::Planned | TaskStatus::InProgress | TaskStatus::Blocked)
    }

    /// Whether moving to it needs a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, TaskStatus::Blocked | TaskStatus::Cancelled)
    }
}

fn check_date(e: &mut ValidationErrors, field: &str, d: Option<NaiveDate>) {
    if d.is_some_and(|d| d < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()) {
        e.add(field, Violation::InvalidFormat("2000-01-01 …".into()));
    }
}

/// A goal the coordinators set (and edit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    pub term: GoalTerm,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub description: Option<String>,
    /// `active` when left out.
    #[serde(default)]
    pub status: Option<GoalStatus>,
    /// When it should be reached.
    #[serde(default, with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub target_on: Option<NaiveDate>,
}

impl GoalInput {
    /// Cleans the text and checks every rule that needs no database.
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.title = e.line("title", &self.title, MAX_TITLE);
        self.description = e.text("description", self.description, MAX_DESCRIPTION, true);
        check_date(&mut e, "target_on", self.target_on);
        e.into_result().map(|_| self)
    }
}

/// A task the coordinators plan under a goal (and edit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub description: Option<String>,
    /// The organization that owns it, a member of the network when it is named; this or
    /// `owner_person` (or both) is required. Its members move the task's status (and follow
    /// the roadmap while it owns a task, even after leaving the network).
    #[serde(default)]
    pub owner_organization_id: Option<OrganizationId>,
    /// The person who owns it (a name, e.g. a member of the office).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub owner_person: Option<String>,
    #[serde(default, with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_on: Option<NaiveDate>,
    /// Recommendations of the same network that the task implements, each once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub recommendation_ids: Vec<RecommendationId>,
}

impl TaskInput {
    /// Cleans the text and checks every rule that needs no database.
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.title = e.line("title", &self.title, MAX_TITLE);
        self.description = e.text("description", self.description, MAX_DESCRIPTION, true);
        self.owner_person = e.text("owner_person", self.owner_person, MAX_PERSON, false);
        if self.owner_organization_id.is_none()
            && self.owner_person.is_none()
            && !e.0.iter().any(|(f, _)| f == "owner_person")
        {
            e.add("owner_person", Violation::OneOfRequired("owner_organization_id"));
        }
        check_date(&mut e, "due_on", self.due_on);
        if self.recommendation_ids.len() > MAX_LINKED {
            e.add("recommendation_ids", Violation::TooMany { max: MAX_LINKED });
        } else {
            let mut seen = vec![];
            for (i, r) in self.recommendation_ids.iter().enumerate() {
                if seen.contains(&r) {
                    e.add(format!("recommendation_ids[{i}]"), Violation::Duplicate);
                }
                seen.push(r);
            }
        }
        e.into_result().map(|_| self)
    }
}

/// A change of a task's status, by the coordinators or the owner organization's members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskStatusChange {
    pub status: TaskStatus,
    /// Required for `blocked` and `cancelled`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub reason: Option<String>,
}

impl TaskStatusChange {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.reason = e.text("reason", self.reason, MAX_REASON, true);
        if self.status.needs_reason() && self.reason.is_none() && !e.0.iter().any(|(f, _)| f == "reason") {
            e.add("reason", Violation::Required);
        }
        e.into_result().map(|_| self)
    }
}

/// Who owns a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskOwner {
    pub organization_id: Option<OrganizationId>,
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
    pub person: Option<String>,
}

/// A recommendation a task implements, as the roadmap shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedRecommendation {
    pub id: RecommendationId,
    pub code: String,
    pub status: RecommendationStatus,
    /// Its rolled-up progress, 0–100.
    pub progress: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: TaskId,
    pub goal_id: GoalId,
    pub network_id: NetworkId,
    pub title: String,
    pub description: Option<String>,
    pub owner: TaskOwner,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_on: Option<NaiveDate>,
    pub status: TaskStatus,
    pub status_reason: Option<String>,
    /// Open and past its due date.
    pub overdue: bool,
    /// The day it was marked done.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub completed_on: Option<NaiveDate>,
    pub recommendations: Vec<LinkedRecommendation>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Goal {
    pub id: GoalId,
    pub network_id: NetworkId,
    pub term: GoalTerm,
    pub title: String,
    pub description: Option<String>,
    pub status: GoalStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub target_on: Option<NaiveDate>,
    /// Tasks done, of those not cancelled, 0–100 (0 without tasks).
    pub progress: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// A goal with its tasks (those the roadmap's filters keep), soonest due first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoadmapGoal {
    #[serde(flatten)]
    pub goal: Goal,
    pub tasks: Vec<Task>,
}

/// How many tasks of one term are in one status (over the whole roadmap, whatever the
/// filters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoadmapCount {
    pub term: GoalTerm,
    pub status: TaskStatus,
    pub tasks: i64,
}

/// A network's roadmap: goals by term (short, medium, long), then target date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Roadmap {
    pub network_id: NetworkId,
    pub goals: Vec<RoadmapGoal>,
    pub counts: Vec<RoadmapCount>,
    /// Whether the caller plans it (a coordinator of the network or a platform
    /// administrator): the dashboard offers the planning actions on this.
    pub plans: bool,
}

/// A goal's progress from its tasks' statuses.
pub fn goal_progress(statuses: impl IntoIterator<Item = TaskStatus>) -> i32 {
    let (mut done, mut counted) = (0i64, 0i64);
    for s in statuses {
        match s {
            TaskStatus::Cancelled => {}
            TaskStatus::Done => {
                done += 1;
                counted += 1;
            }
            _ => counted += 1,
        }
    }
    if counted == 0 {
        0
    } else {
        (done * 100 / counted) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> TaskInput {
        TaskInput {
            title: " حصر المنظمات ".into(),
            description: None,
            owner_organization_id: None,
            owner_person: Some("أمين المال".into()),
            due_on: None,
            recommendation_ids: vec![],
        }
    }

    #[test]
    fn a_task_needs_an_owner() {
        let t = task().validate().unwrap();
        assert_eq!(t.title, "حصر المنظمات");
        let e = TaskInput { owner_person: Some("  ".into()), ..task() }.validate().unwrap_err();
        assert_eq!(e.0[0].0, "owner_person");
    }

    #[test]
    fn linked_recommendations_are_each_once() {
        let r = RecommendationId::parse("0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b").unwrap();
        let e = TaskInput { recommendation_ids: vec![r.clone(), r], ..task() }.validate().unwrap_err();
        assert_eq!(e.0[0].0, "recommendation_ids[1]");
    }

    #[test]
    fn blocking_needs_a_reason() {
        let e = TaskStatusChange { status: TaskStatus::Blocked, reason: None }.validate().unwrap_err();
        assert_eq!(e.0[0].0, "reason");
        assert!(TaskStatusChange { status: TaskStatus::Done, reason: None }.validate().is_ok());
    }

    #[test]
    fn progress_leaves_cancelled_tasks_out() {
        use TaskStatus::*;
        assert_eq!(goal_progress([Done, Planned, Cancelled]), 50);
        assert_eq!(goal_progress([Cancelled]), 0);
        assert_eq!(goal_progress([]), 0);
    }
}
