//! Networks' roadmaps: goals, their tasks, and the recommendations each task implements.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tashbeek_domain::network::NetworkMemberStatus;
use tashbeek_domain::recommendation::RecommendationStatus;
use tashbeek_domain::roadmap::{
    Goal, GoalStatus, GoalTerm, LinkedRecommendation, RoadmapCount, Task, TaskOwner, TaskStatus,
};
use tashbeek_domain::{GoalId, NetworkId, OrganizationId, RecommendationId, TaskId, UserId};

use crate::error::DbResult;
use crate::later::insert_now;
use crate::partnership::Names;
use crate::schema::{
    memberships, network_members, recommendations, roadmap_goals, roadmap_task_recommendations, roadmap_tasks,
};
use crate::{from_db_time, DbConn};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = roadmap_goals, treat_none_as_null = true)]
pub struct GoalRow {
    pub id: GoalId,
    pub network_id: NetworkId,
    pub term: GoalTerm,
    pub title: String,
    pub description: Option<String>,
    pub status: GoalStatus,
    pub target_on: Option<NaiveDate>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl GoalRow {
    pub fn into_domain(self, progress: i32) -> Goal {
        Goal {
            id: self.id,
            network_id: self.network_id,
            term: self.term,
            title: self.title,
            description: self.description,
            status: self.status,
            target_on: self.target_on,
            progress,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
            version: self.version,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = roadmap_tasks, treat_none_as_null = true)]
pub struct TaskRow {
    pub id: TaskId,
    pub goal_id: GoalId,
    pub network_id: NetworkId,
    pub title: String,
    pub description: Option<String>,
    pub owner_organization_id: Option<OrganizationId>,
    pub owner_person: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub status: TaskStatus,
    pub status_reason: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl TaskRow {
    pub fn into_domain(
        self,
        today: NaiveDate,
        names: &HashMap<OrganizationId, Names>,
        links: &mut HashMap<TaskId, Vec<LinkedRecommendation>>,
    ) -> Task {
        let (name_ar, name_en) =
            self.owner_organization_id.as_ref().and_then(|o| names.get(o).cloned()).unwrap_or_default();
        Task {
            overdue: self.status.is_open() && self.due_on.is_some_and(|d| d < today),
            recommendations: links.remove(&self.id).unwrap_or_default(),
            owner: TaskOwner {
                organization_id: self.owner_organization_id,
                name_ar,
                name_en,
                person: self.owner_person,
            },
            id: self.id,
            goal_id: self.goal_id,
            network_id: self.network_id,
            title: self.title,
            description: self.description,
            due_on: self.due_on,
            status: self.status,
            status_reason: self.status_reason,
            completed_on: self.completed_on,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
            version: self.version,
        }
    }
}

pub fn insert_goal(conn: &mut DbConn, row: &GoalRow) -> DbResult<()> {
    diesel::insert_into(roadmap_goals::table).values(row).execute(conn)?;
    Ok(())
}

/// Stores the goal if its version is still `expected`; false when someone changed it first.
pub fn update_goal(conn: &mut DbConn, row: &GoalRow, expected: i64) -> DbResult<bool> {
    let n = diesel::update(
        roadmap_goals::table.filter(roadmap_goals::id.eq(&row.id)).filter(roadmap_goals::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

pub fn get_goal(conn: &mut DbConn, id: &str) -> DbResult<GoalRow> {
    Ok(roadmap_goals::table.find(id).select(GoalRow::as_select()).first(conn)?)
}

/// Loads a goal to change it (or a task under it), locking its row on PostgreSQL: two
/// coordinators adding tasks at once both count against the goal's limit.
pub fn get_goal_for_update(conn: &mut DbConn, id: &str) -> DbResult<GoalRow> {
    match conn {
        DbConn::Pg(c) => Ok(roadmap_goals::table.find(id).select(GoalRow::as_select()).for_update().first(c)?),
        DbConn::Sqlite(_) => get_goal(conn, id),
    }
}

/// Deletes a goal that has no tasks, if its version is still `expected`.
pub fn delete_goal(conn: &mut DbConn, id: &str, expected: i64) -> DbResult<bool> {
    let n = diesel::delete(
        roadmap_goals::table.filter(roadmap_goals::id.eq(id)).filter(roadmap_goals::version.eq(expected)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

pub fn goal_count(conn: &mut DbConn, network: &str) -> DbResult<i64> {
    Ok(roadmap_goals::table.filter(roadmap_goals::network_id.eq(network)).count().get_result(conn)?)
}

/// A network's goals (at most [`tashbeek_domain::roadmap::MAX_GOALS`]), in the given terms
/// (all when empty).
pub fn goals_of(conn: &mut DbConn, network: &str, terms: &[GoalTerm]) -> DbResult<Vec<GoalRow>> {
    let mut q = roadmap_goals::table.filter(roadmap_goals::network_id.eq(network)).into_boxed();
    if !terms.is_empty() {
        q = q.filter(roadmap_goals::term.eq_any(terms.to_vec()));
    }
    Ok(q.limit(tashbeek_domain::roadmap::MAX_GOALS).select(GoalRow::as_select()).load(conn)?)
}

pub fn insert_task(conn: &mut DbConn, row: &TaskRow, recommendations: &[RecommendationId]) -> DbResult<()> {
    diesel::insert_into(roadmap_tasks::table).values(row).execute(conn)?;
    write_links(conn, &row.id, recommendations)
}

fn write_links(conn: &mut DbConn, task: &TaskId, recommendations: &[RecommendationId]) -> DbResult<()> {
    let rows: Vec<_> = recommendations
        .iter()
        .map(|r| {
            (
                roadmap_task_recommendations::task_id.eq(task.as_str()),
                roadmap_task_recommendations::recommendation_id.eq(r.as_str()),
            )
        })
        .collect();
    insert_now!(conn, roadmap_task_recommendations::table, rows);
    Ok(())
}

/// Stores the task if its version is still `expected`, with its recommendations when
/// given.
pub fn update_task(
    conn: &mut DbConn,
    row: &TaskRow,
    expected: i64,
    recommendations: Option<&[RecommendationId]>,
) -> DbResult<bool> {
    let n = diesel::update(
        roadmap_tasks::table.filter(roadmap_tasks::id.eq(&row.id)).filter(roadmap_tasks::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    if let Some(recs) = recommendations {
        diesel::delete(roadmap_task_recommendations::table.filter(roadmap_task_recommendations::task_id.eq(&row.id)))
            .execute(conn)?;
        write_links(conn, &row.id, recs)?;
    }
    Ok(true)
}

pub fn get_task(conn: &mut DbConn, id: &str) -> DbResult<TaskRow> {
    Ok(roadmap_tasks::table.find(id).select(TaskRow::as_select()).first(conn)?)
}

/// Deletes a task and its links, if its version is still `expected`.
pub fn delete_task(conn: &mut DbConn, id: &str, expected: i64) -> DbResult<bool> {
    diesel::delete(roadmap_task_recommendations::table.filter(roadmap_task_recommendations::task_id.eq(id)))
        .execute(conn)?;
    let n = diesel::delete(
        roadmap_tasks::table.filter(roadmap_tasks::id.eq(id)).filter(roadmap_tasks::version.eq(expected)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// Whether a progress update names the task as a record that implements its part.
pub fn referenced(conn: &mut DbConn, task: &TaskId) -> DbResult<bool> {
    use crate::schema::recommendation_updates;
    let pattern = format!("%\"{}\"%", task.as_str());
    Ok(diesel::select(diesel::dsl::exists(
        recommendation_updates::table.filter(recommendation_updates::related.like(pattern)),
    ))
    .get_result(conn)?)
}

pub fn task_count(conn: &mut DbConn, goal: &str) -> DbResult<i64> {
    Ok(roadmap_tasks::table.filter(roadmap_tasks::goal_id.eq(goal)).count().get_result(conn)?)
}

/// What the roadmap's task filters keep.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub statuses: Vec<TaskStatus>,
    pub owner: Option<OrganizationId>,
    /// Open tasks due before this day.
    pub overdue_on: Option<NaiveDate>,
}

impl TaskFilter {
    pub fn is_empty(&self) -> bool {
        self.statuses.is_empty() && self.owner.is_none() && self.overdue_on.is_none()
    }
}

/// The tasks of these goals that the filter keeps (the goals hold at most
/// [`tashbeek_domain::roadmap::MAX_TASKS`] each), soonest due first, undated last.
pub fn tasks_of(conn: &mut DbConn, goals: &[GoalId], f: &TaskFilter) -> DbResult<Vec<TaskRow>> {
    if goals.is_empty() {
        return Ok(vec![]);
    }
    let mut q = roadmap_tasks::table.filter(roadmap_tasks::goal_id.eq_any(goals.to_vec())).into_boxed();
    if !f.statuses.is_empty() {
        q = q.filter(roadmap_tasks::status.eq_any(f.statuses.clone()));
    }
    if let Some(o) = &f.owner {
        q = q.filter(roadmap_tasks::owner_organization_id.eq(o.as_str()));
    }
    if let Some(d) = f.overdue_on {
        q = q
            .filter(roadmap_tasks::status.eq_any([TaskStatus::Planned, TaskStatus::InProgress, TaskStatus::Blocked]))
            .filter(roadmap_tasks::due_on.lt(d));
    }
    let mut rows: Vec<TaskRow> = q.select(TaskRow::as_select()).load(conn)?;
    rows.sort_by(|a, b| {
        (a.due_on.is_none(), a.due_on, a.created_at, a.id.as_str()).cmp(&(
            b.due_on.is_none(),
            b.due_on,
            b.created_at,
            b.id.as_str(),
        ))
    });
    Ok(rows)
}

/// The statuses of every task of these goals (what their progress counts).
pub fn statuses_of(conn: &mut DbConn, goals: &[GoalId]) -> DbResult<Vec<(GoalId, TaskStatus)>> {
    if goals.is_empty() {
        return Ok(vec![]);
    }
    Ok(roadmap_tasks::table
        .filter(roadmap_tasks::goal_id.eq_any(goals.to_vec()))
        .select((roadmap_tasks::goal_id, roadmap_tasks::status))
        .load(conn)?)
}

/// How many tasks of each term are in each status, over a network's whole roadmap.
pub fn counts(conn: &mut DbConn, network: &str) -> DbResult<Vec<RoadmapCount>> {
    let rows: Vec<(GoalTerm, TaskStatus, i64)> = roadmap_tasks::table
        .inner_join(roadmap_goals::table)
        .filter(roadmap_tasks::network_id.eq(network))
        .group_by((roadmap_goals::term, roadmap_tasks::status))
        .select((roadmap_goals::term, roadmap_tasks::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(term, status, tasks)| RoadmapCount { term, status, tasks }).collect())
}

/// The recommendations each of these tasks implements.
pub fn links_of(conn: &mut DbConn, tasks: &[TaskId]) -> DbResult<HashMap<TaskId, Vec<LinkedRecommendation>>> {
    if tasks.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(TaskId, RecommendationId, String, RecommendationStatus, i32)> = roadmap_task_recommendations::table
        .inner_join(recommendations::table)
        .filter(roadmap_task_recommendations::task_id.eq_any(tasks.to_vec()))
        .order((roadmap_task_recommendations::task_id, recommendations::code))
        .select((
            roadmap_task_recommendations::task_id,
            recommendations::id,
            recommendations::code,
            recommendations::status,
            recommendations::progress,
        ))
        .load(conn)?;
    let mut out: HashMap<TaskId, Vec<LinkedRecommendation>> = HashMap::new();
    for (task, id, code, status, progress) in rows {
        out.entry(task).or_default().push(LinkedRecommendation { id, code, status, progress });
    }
    Ok(out)
}

/// Which of `ids` are recommendations of `network`.
pub fn recommendations_in(
    conn: &mut DbConn,
    network: &str,
    ids: &[RecommendationId],
) -> DbResult<Vec<RecommendationId>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(recommendations::table
        .filter(recommendations::id.eq_any(ids.to_vec()))
        .filter(recommendations::network_id.eq(network))
        .select(recommendations::id)
        .load(conn)?)
}

/// Whether `user` belongs to an organization that is a member of `network`, or that owns
/// one of its roadmap's tasks.
pub fn follows(conn: &mut DbConn, network: &str, user: &str) -> DbResult<bool> {
    let member = diesel::select(diesel::dsl::exists(
        memberships::table
            .inner_join(network_members::table.on(network_members::organization_id.eq(memberships::organization_id)))
            .filter(memberships::user_id.eq(user))
            .filter(network_members::network_id.eq(network))
            .filter(network_members::status.eq(NetworkMemberStatus::Member)),
    ))
    .get_result::<bool>(conn)?;
    if member {
        return Ok(true);
    }
    Ok(diesel::select(diesel::dsl::exists(
        memberships::table
            .inner_join(
                roadmap_tasks::table
                    .on(roadmap_tasks::owner_organization_id.eq(memberships::organization_id.nullable())),
            )
            .filter(memberships::user_id.eq(user))
            .filter(roadmap_tasks::network_id.eq(network)),
    ))
    .get_result::<bool>(conn)?)
}
