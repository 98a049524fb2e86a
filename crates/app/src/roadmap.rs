//! A network's coordination office roadmap. Its coordinators (and platform
//! administrators) set goals and plan tasks; the members of a task's owner organization
//! move its status; whoever follows the network (its member organizations' people, a task
//! owner's people, readers of everything) sees it. Every change is in the network's
//! audit log.

use std::collections::HashMap;

use chrono::NaiveDate;
use tashbeek_domain::network::NetworkMemberStatus;
use tashbeek_domain::roadmap::{
    goal_progress, Goal, GoalInput, GoalStatus, GoalTerm, Roadmap, RoadmapGoal, Task, TaskInput, TaskStatus,
    TaskStatusChange, MAX_GOALS, MAX_TASKS,
};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{GoalId, NetworkId, OrganizationId, TaskId, ValidationErrors};
use tashbeek_persistence::recommendation::{visible_among, Scope};
use tashbeek_persistence::roadmap::{self as roadmaps, GoalRow, TaskFilter, TaskRow};
use tashbeek_persistence::{network as networks, new_id, partnership::names_of, user as users};

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;
use crate::organization::load_visible;
use crate::version::Expect;

fn today(ctx: &Ctx) -> NaiveDate {
    ctx.now.date_naive()
}

/// Whether the caller sees network `network`'s roadmap (404 otherwise): readers of
/// everything, its coordinators, and the people of its member organizations and of
/// organizations that own one of its tasks.
fn sees(ctx: &mut Ctx, network: &str) -> AppResult<bool> {
    let c = ctx.caller()?.clone();
    if c.reads_all() || authz::coordinates(ctx, network)? {
        return Ok(true);
    }
    Ok(roadmaps::follows(ctx.conn, network, &c.id)?)
}

fn load_network(ctx: &mut Ctx, id: &NetworkId) -> AppResult<()> {
    networks::get(ctx.conn, id)?;
    if !sees(ctx, id)? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

fn load_goal(ctx: &mut Ctx, id: &GoalId, lock: bool) -> AppResult<GoalRow> {
    let row = if lock { roadmaps::get_goal_for_update(ctx.conn, id)? } else { roadmaps::get_goal(ctx.conn, id)? };
    if !sees(ctx, &row.network_id)? {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

fn load_task(ctx: &mut Ctx, id: &TaskId) -> AppResult<TaskRow> {
    let row = roadmaps::get_task(ctx.conn, id)?;
    if !sees(ctx, &row.network_id)? {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// A task's network, if the caller sees its roadmap (a progress update's related record).
pub(crate) fn visible_task(ctx: &mut Ctx, id: &TaskId) -> AppResult<NetworkId> {
    load_task(ctx, id).map(|t| t.network_id)
}

fn goal_input(row: &GoalRow) -> GoalInput {
    GoalInput {
        term: row.term,
        title: row.title.clone(),
        description: row.description.clone(),
        status: Some(row.status),
        target_on: row.target_on,
    }
}

fn task_input(ctx: &mut Ctx, row: &TaskRow) -> AppResult<TaskInput> {
    let links = roadmaps::links_of(ctx.conn, std::slice::from_ref(&row.id))?;
    Ok(TaskInput {
        title: row.title.clone(),
        description: row.description.clone(),
        owner_organization_id: row.owner_organization_id.clone(),
        owner_person: row.owner_person.clone(),
        due_on: row.due_on,
        recommendation_ids: links.get(&row.id).map(|l| l.iter().map(|r| r.id.clone()).collect()).unwrap_or_default(),
    })
}

fn present_goal(ctx: &mut Ctx, row: GoalRow) -> AppResult<Goal> {
    let statuses = roadmaps::statuses_of(ctx.conn, std::slice::from_ref(&row.id))?;
    Ok(row.into_domain(goal_progress(statuses.into_iter().map(|(_, s)| s))))
}

fn present_tasks(ctx: &mut Ctx, rows: Vec<TaskRow>) -> AppResult<Vec<Task>> {
    let orgs: Vec<OrganizationId> = rows.iter().filter_map(|t| t.owner_organization_id.clone()).collect();
    let names = if orgs.is_empty() { HashMap::new() } else { names_of(ctx.conn, &orgs)? };
    let ids: Vec<TaskId> = rows.iter().map(|t| t.id.clone()).collect();
    let mut links = roadmaps::links_of(ctx.conn, &ids)?;
    // Only the recommendations the caller sees (an invited meeting's are not every member's).
    let scope = crate::recommendation::scope_of(ctx)?;
    if !matches!(scope, Scope::All) {
        let mut linked: Vec<String> = links.values().flatten().map(|r| r.id.to_string()).collect();
        linked.sort();
        linked.dedup();
        let seen = visible_among(ctx.conn, &linked, &scope)?;
        for list in links.values_mut() {
            list.retain(|r| seen.iter().any(|s| s == r.id.as_str()));
        }
    }
    let today = today(ctx);
    Ok(rows.into_iter().map(|t| t.into_domain(today, &names, &mut links)).collect())
}

fn present_task(ctx: &mut Ctx, row: TaskRow) -> AppResult<Task> {
    Ok(present_tasks(ctx, vec![row])?.remove(0))
}

/// What the roadmap shows, already checked for shape.
#[derive(Debug, Clone, Default)]
pub struct RoadmapQuery {
    pub terms: Vec<GoalTerm>,
    pub statuses: Vec<TaskStatus>,
    pub owner: Option<OrganizationId>,
    pub overdue: bool,
}

/// A network's roadmap: its goals by term, then target date, each with the tasks the
/// filters keep (goals left without any are left out when a task filter is given).
pub fn roadmap(ctx: &mut Ctx, network: &NetworkId, q: &RoadmapQuery) -> AppResult<Roadmap> {
    load_network(ctx, network)?;
    let plans = ctx.caller.as_ref().is_some_and(|c| c.role != tashbeek_domain::user::GlobalRole::Observer)
        && authz::coordinates(ctx, network)?;
    let mut goals = roadmaps::goals_of(ctx.conn, network, &q.terms)?;
    goals.sort_by(|a, b| {
        let rank = |t: GoalTerm| GoalTerm::ALL.iter().position(|x| *x == t);
        (rank(a.term), a.target_on.is_none(), a.target_on, a.created_at).cmp(&(
            rank(b.term),
            b.target_on.is_none(),
            b.target_on,
            b.created_at,
        ))
    });
    let ids: Vec<GoalId> = goals.iter().map(|g| g.id.clone()).collect();
    let filter = TaskFilter {
        statuses: q.statuses.clone(),
        owner: q.owner.clone(),
        overdue_on: q.overdue.then_some(today(ctx)),
    };
    let mut statuses: HashMap<GoalId, Vec<TaskStatus>> = HashMap::new();
    for (g, s) in roadmaps::statuses_of(ctx.conn, &ids)? {
        statuses.entry(g).or_default().push(s);
    }
    let tasks = roadmaps::tasks_of(ctx.conn, &ids, &filter)?;
    let tasks = present_tasks(ctx, tasks)?;
    let mut by_goal: HashMap<GoalId, Vec<Task>> = HashMap::new();
    for t in tasks {
        by_goal.entry(t.goal_id.clone()).or_default().push(t);
    }
    let goals = goals
        .into_iter()
        .filter_map(|g| {
            let tasks = by_goal.remove(&g.id).unwrap_or_default();
            if tasks.is_empty() && !filter.is_empty() {
                return None;
            }
            let progress = goal_progress(statuses.remove(&g.id).unwrap_or_default());
            Some(RoadmapGoal { goal: g.into_domain(progress), tasks })
        })
        .collect();
    Ok(Roadmap { network_id: network.clone(), goals, counts: roadmaps::counts(ctx.conn, network)?, plans })
}

fn too_many(what: &str, max: i64) -> AppError {
    AppError::conflict(
        "roadmap_full",
        format!("بلغ {what} حدّه ({max})."),
        format!("The {what} limit ({max}) is reached."),
    )
}

/// Sets a goal on a network's roadmap (its coordinators).
pub fn create_goal(ctx: &mut Ctx, network: &NetworkId, input: &GoalInput) -> AppResult<Goal> {
    let n = networks::get_for_update(ctx.conn, network)?;
    if !sees(ctx, &n.id)? {
        return Err(AppError::NotFound);
    }
    authz::coordinator(ctx, &n.id)?;
    if roadmaps::goal_count(ctx.conn, &n.id)? >= MAX_GOALS {
        return Err(too_many("goals / الأهداف", MAX_GOALS));
    }
    let now = ctx.db_now();
    let row = GoalRow {
        id: new_id(),
        network_id: n.id.clone(),
        term: input.term,
        title: input.title.clone(),
        description: input.description.clone(),
        status: input.status.unwrap_or(GoalStatus::Active),
        target_on: input.target_on,
        created_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    roadmaps::insert_goal(ctx.conn, &row)?;
    let mut recorded = input.clone();
    recorded.status = Some(row.status);
    ctx.record(&n.id, Event::GoalCreated { goal_id: row.id.clone(), input: Box::new(recorded) })?;
    present_goal(ctx, row)
}

/// Rewrites a goal (its network's coordinators, with `If-Match`).
pub fn edit_goal(ctx: &mut Ctx, id: &GoalId, input: &GoalInput, expect: &Expect) -> AppResult<Goal> {
    let mut row = load_goal(ctx, id, true)?;
    authz::coordinator(ctx, &row.network_id)?;
    expect.check_required(row.version)?;
    let before = goal_input(&row);
    let expected = row.version;
    row.term = input.term;
    row.title = input.title.clone();
    row.description = input.description.clone();
    row.status = input.status.unwrap_or(row.status);
    row.target_on = input.target_on;
    row.updated_at = ctx.db_now();
    row.version += 1;
    if !roadmaps::update_goal(ctx.conn, &row, expected)? {
        return Err(AppError::VersionMismatch);
    }
    let after = goal_input(&row);
    ctx.record(
        &row.network_id.clone(),
        Event::GoalEdited { goal_id: row.id.clone(), before: Box::new(before), after: Box::new(after) },
    )?;
    present_goal(ctx, row)
}

/// Removes a goal set by mistake: one without tasks (a goal given up is `dropped`).
pub fn delete_goal(ctx: &mut Ctx, id: &GoalId, expect: &Expect) -> AppResult<()> {
    let row = load_goal(ctx, id, true)?;
    authz::coordinator(ctx, &row.network_id)?;
    expect.check_required(row.version)?;
    if roadmaps::task_count(ctx.conn, &row.id)? > 0 {
        return Err(AppError::conflict(
            "goal_has_tasks",
            "للهدف مهام؛ احذفها أولاً، أو اجعل الهدف «متروكاً».",
            "The goal has tasks: remove them first, or mark the goal dropped.",
        ));
    }
    if !roadmaps::delete_goal(ctx.conn, &row.id, row.version)? {
        return Err(AppError::VersionMismatch);
    }
    let before = goal_input(&row);
    ctx.record(&row.network_id, Event::GoalRemoved { goal_id: row.id.clone(), before: Box::new(before) })?;
    Ok(())
}

/// Checks the task's owner (a member organization of the network, when it is new) and
/// recommendations (the network's) against the network.
fn check_task(ctx: &mut Ctx, network: &NetworkId, input: &TaskInput, stored: Option<&TaskRow>) -> AppResult<()> {
    let mut e = ValidationErrors::default();
    let unchanged = stored.is_some_and(|t| t.owner_organization_id == input.owner_organization_id);
    if let (Some(org), false) = (&input.owner_organization_id, unchanged) {
        let member = networks::status_of(ctx.conn, network, org)? == Some(NetworkMemberStatus::Member);
        match load_visible(ctx, org, false) {
            Ok(_) if member => {}
            Ok(_) | Err(AppError::NotFound) => e.add("owner_organization_id", Violation::UnknownValue),
            Err(other) => return Err(other),
        }
    }
    let found = roadmaps::recommendations_in(ctx.conn, network, &input.recommendation_ids)?;
    for (i, r) in input.recommendation_ids.iter().enumerate() {
        if !found.contains(r) {
            e.add(format!("recommendation_ids[{i}]"), Violation::UnknownValue);
        }
    }
    e.into_result().map_err(Into::into)
}

/// Plans a task under a goal (its network's coordinators).
pub fn create_task(ctx: &mut Ctx, goal: &GoalId, input: &TaskInput) -> AppResult<Task> {
    let g = load_goal(ctx, goal, true)?;
    authz::coordinator(ctx, &g.network_id)?;
    if roadmaps::task_count(ctx.conn, &g.id)? >= MAX_TASKS {
        return Err(too_many("tasks of the goal / مهام الهدف", MAX_TASKS));
    }
    check_task(ctx, &g.network_id, input, None)?;
    let now = ctx.db_now();
    let row = TaskRow {
        id: new_id(),
        goal_id: g.id.clone(),
        network_id: g.network_id.clone(),
        title: input.title.clone(),
        description: input.description.clone(),
        owner_organization_id: input.owner_organization_id.clone(),
        owner_person: input.owner_person.clone(),
        due_on: input.due_on,
        status: TaskStatus::Planned,
        status_reason: None,
        completed_on: None,
        created_by: ctx.caller.as_ref().map(|c| c.id.clone()),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    roadmaps::insert_task(ctx.conn, &row, &input.recommendation_ids)?;
    ctx.record(
        &g.network_id,
        Event::TaskCreated { task_id: row.id.clone(), goal_id: g.id.clone(), input: Box::new(input.clone()) },
    )?;
    present_task(ctx, row)
}

/// One task, for whoever sees its roadmap.
pub fn get_task(ctx: &mut Ctx, id: &TaskId) -> AppResult<Task> {
    let row = load_task(ctx, id)?;
    present_task(ctx, row)
}

/// Rewrites a task (its network's coordinators, with `If-Match`); its status moves apart.
pub fn edit_task(ctx: &mut Ctx, id: &TaskId, input: &TaskInput, expect: &Expect) -> AppResult<Task> {
    let goal = roadmaps::get_task(ctx.conn, id)?.goal_id;
    load_goal(ctx, &goal, true)?;
    let mut row = load_task(ctx, id)?;
    authz::coordinator(ctx, &row.network_id)?;
    expect.check_required(row.version)?;
    check_task(ctx, &row.network_id, input, Some(&row))?;
    let before = task_input(ctx, &row)?;
    let expected = row.version;
    row.title = input.title.clone();
    row.description = input.description.clone();
    row.owner_organization_id = input.owner_organization_id.clone();
    row.owner_person = input.owner_person.clone();
    row.due_on = input.due_on;
    row.updated_at = ctx.db_now();
    row.version += 1;
    if !roadmaps::update_task(ctx.conn, &row, expected, Some(&input.recommendation_ids))? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(
        &row.network_id.clone(),
        Event::TaskEdited { task_id: row.id.clone(), before: Box::new(before), after: Box::new(input.clone()) },
    )?;
    present_task(ctx, row)
}

/// Moves a task's status (its network's coordinators, or the members of its owner
/// organization; with `If-Match`).
pub fn set_task_status(ctx: &mut Ctx, id: &TaskId, change: &TaskStatusChange, expect: &Expect) -> AppResult<Task> {
    let mut row = load_task(ctx, id)?;
    let c = authz::writer(ctx)?;
    let owner = match &row.owner_organization_id {
        Some(org) => users::role_in(ctx.conn, &c.id, org)?.is_some(),
        None => false,
    };
    if !owner && !authz::coordinates(ctx, &row.network_id)? {
        return Err(AppError::Forbidden);
    }
    expect.check_required(row.version)?;
    if row.status == change.status {
        return Err(ValidationErrors::single(
            "status",
            Violation::InvalidTransition { from: row.status.as_str(), to: change.status.as_str() },
        )
        .into());
    }
    let (from, from_reason) = (row.status, row.status_reason.clone());
    let expected = row.version;
    row.status = change.status;
    row.status_reason = change.reason.clone();
    row.completed_on = (change.status == TaskStatus::Done).then(|| today(ctx));
    row.updated_at = ctx.db_now();
    row.version += 1;
    if !roadmaps::update_task(ctx.conn, &row, expected, None)? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(
        &row.network_id.clone(),
        Event::TaskStatus {
            task_id: row.id.clone(),
            from,
            from_reason,
            to: row.status,
            reason: change.reason.clone(),
            completed_on: row.completed_on,
        },
    )?;
    present_task(ctx, row)
}

/// Removes a task planned by mistake (its network's coordinators, with `If-Match`); a
/// task not to be done is better `cancelled`, with its reason.
pub fn delete_task(ctx: &mut Ctx, id: &TaskId, expect: &Expect) -> AppResult<()> {
    let row = load_task(ctx, id)?;
    authz::coordinator(ctx, &row.network_id)?;
    expect.check_required(row.version)?;
    if roadmaps::referenced(ctx.conn, &row.id)? {
        return Err(AppError::conflict(
            "task_referenced",
            "تحديثُ تقدّمٍ في توصية يذكر هذه المهمة دليلاً؛ ألغِها بدل حذفها.",
            "A progress update on a recommendation names this task as evidence: cancel it instead.",
        ));
    }
    let before = task_input(ctx, &row)?;
    if !roadmaps::delete_task(ctx.conn, &row.id, row.version)? {
        return Err(AppError::VersionMismatch);
    }
    ctx.record(&row.network_id, Event::TaskRemoved { task_id: row.id.clone(), before: Box::new(before) })?;
    Ok(())
}
