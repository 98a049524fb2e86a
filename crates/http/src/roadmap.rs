//! Networks' roadmaps over HTTP: goals, tasks and their statuses. The operations are
//! `tashbeek_app::roadmap`.

use actix_web::http::{header, StatusCode};
use actix_web::{delete, get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tashbeek_app::{self as app, roadmap};
use tashbeek_domain::roadmap::{Goal, GoalInput, GoalTerm, Roadmap, Task, TaskInput, TaskStatus, TaskStatusChange};
use tashbeek_domain::{GoalId, NetworkId, OrganizationId, TaskId, ValidationErrors};
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::etag;
use crate::extract::{JsonBody, QueryParams};
use crate::recommendation::parse_all;
use crate::state::AppState;

fn versioned<T: serde::Serialize>(status: StatusCode, version: i64, body: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag::of(version))).json(body)
}

/// Roadmap filters. List values are comma-separated and any of them matches; different
/// filters all apply. With a task filter, goals left without tasks are left out.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RoadmapParams {
    /// Terms, e.g. `short,medium`.
    #[param(value_type = Option<Vec<GoalTerm>>, style = Form, explode = false)]
    pub term: Option<String>,
    /// Task statuses, e.g. `planned,blocked`.
    #[param(value_type = Option<Vec<TaskStatus>>, style = Form, explode = false)]
    pub status: Option<String>,
    /// Tasks this organization owns.
    pub owner: Option<OrganizationId>,
    /// Only open tasks past their due date.
    pub overdue: Option<bool>,
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "network_roadmap",
    params(("id" = String, Path, description = "Network id (UUID)"), RoadmapParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The roadmap: goals by term (short, medium, long) then target date, each with its tasks soonest due first, and the number of tasks of each term in each status. `plans` tells whether you may plan it", body = Roadmap),
        (status = 400, description = "A parameter is invalid (unknown term or status)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
        (status = 404, response = RoadmapNotFound),
    )
)]
#[get("/networks/{id}/roadmap")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<NetworkId>,
    QueryParams(p): QueryParams<RoadmapParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let terms = parse_all("term", &p.term, GoalTerm::parse, &mut e);
    let statuses = parse_all("status", &p.status, TaskStatus::parse, &mut e);
    if !e.is_empty() {
        return Err(ApiError::bad_parameter(e));
    }
    let q = roadmap::RoadmapQuery { terms, statuses, owner: p.owner, overdue: p.overdue.unwrap_or(false) };
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let r = state.db(move |conn| Ok(app::read(conn, env, |ctx| roadmap::roadmap(ctx, &id, &q))?)).await?;
    Ok(HttpResponse::Ok().json(r))
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "create_goal",
    params(("id" = String, Path, description = "Network id (UUID)")),
    security(("bearer" = [])),
    request_body(content = GoalInput, examples(
        ("ar" = (summary = "هدف قصير المدى", value = json!({"term": "short", "title": "حصر المنظمات الطوعية بالمحلية وتحديث بياناتها", "target_on": "2027-06-30"}))),
        ("en" = (summary = "A long-term goal", value = json!({"term": "long", "title": "A federation of the locality's networks"})))
    )),
    responses(
        (status = 201, description = "Set (`active` unless said otherwise)", body = Goal, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = CoordinatorsOnly),
        (status = 404, response = RoadmapNotFound),
        (status = 409, description = "The roadmap holds 100 goals (`roadmap_full`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/networks/{id}/goals")]
pub async fn create_goal(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<NetworkId>,
    body: JsonBody<GoalInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let g = state.db(move |conn| Ok(app::write(conn, env, |ctx| roadmap::create_goal(ctx, &id, &input))?)).await?;
    Ok(versioned(StatusCode::CREATED, g.version, &g))
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "edit_goal",
    params(("id" = String, Path, description = "Goal id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body = GoalInput,
    responses(
        (status = 200, description = "Rewritten (term, title, description, status, target date)", body = Goal, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = CoordinatorsOnly),
        (status = 404, response = RoadmapNotFound),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/roadmap/goals/{id}")]
pub async fn edit_goal(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<GoalId>,
    body: JsonBody<GoalInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let g =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| roadmap::edit_goal(ctx, &id, &input, &expect))?)).await?;
    Ok(versioned(StatusCode::OK, g.version, &g))
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "remove_goal",
    params(("id" = String, Path, description = "Goal id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed (a goal set by mistake; one given up is better `dropped`)"),
        (status = 400, response = MalformedIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = CoordinatorsOnly),
        (status = 404, response = RoadmapNotFound),
        (status = 409, description = "The goal has tasks (`goal_has_tasks`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 428, response = IfMatchMissing),
    )
)]
#[delete("/roadmap/goals/{id}")]
pub async fn remove_goal(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<GoalId>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| roadmap::delete_goal(ctx, &id, &expect))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "create_task",
    params(("id" = String, Path, description = "Goal id (UUID)")),
    security(("bearer" = [])),
    request_body(content = TaskInput, examples(
        ("ar" = (summary = "مهمة", value = json!({"title": "تصميم استمارة الحصر وتوزيعها", "owner_organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7c", "owner_person": "أمين المعلومات", "due_on": "2027-02-28", "recommendation_ids": ["0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7d"]}))),
        ("en" = (summary = "A task", value = json!({"title": "Hold the training on financial reporting", "owner_person": "The treasurer", "due_on": "2027-04-15"})))
    )),
    responses(
        (status = 201, description = "Planned (`planned`)", body = Task, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = CoordinatorsOnly),
        (status = 404, response = RoadmapNotFound),
        (status = 409, description = "The goal holds 60 tasks (`roadmap_full`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid fields, each named (no owner; an owner organization that is not a member of the network; a recommendation not of this network)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/roadmap/goals/{id}/tasks")]
pub async fn create_task(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<GoalId>,
    body: JsonBody<TaskInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let t = state.db(move |conn| Ok(app::write(conn, env, |ctx| roadmap::create_task(ctx, &id, &input))?)).await?;
    Ok(versioned(StatusCode::CREATED, t.version, &t))
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "get_task",
    params(("id" = String, Path, description = "Task id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task", body = Task, headers(("ETag" = String))),
        (status = 401, response = NotSignedIn),
        (status = 404, response = RoadmapNotFound),
    )
)]
#[get("/roadmap/tasks/{id}")]
pub async fn get_task(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<TaskId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let t = state.db(move |conn| Ok(app::read(conn, env, |ctx| roadmap::get_task(ctx, &id))?)).await?;
    Ok(versioned(StatusCode::OK, t.version, &t))
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "edit_task",
    params(("id" = String, Path, description = "Task id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body = TaskInput,
    responses(
        (status = 200, description = "Rewritten (its status moves with `POST /roadmap/tasks/{id}/status`)", body = Task, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = CoordinatorsOnly),
        (status = 404, response = RoadmapNotFound),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/roadmap/tasks/{id}")]
pub async fn edit_task(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<TaskId>,
    body: JsonBody<TaskInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let t =
        state.db(move |conn| Ok(app::write(conn, env, |ctx| roadmap::edit_task(ctx, &id, &input, &expect))?)).await?;
    Ok(versioned(StatusCode::OK, t.version, &t))
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "set_task_status",
    params(("id" = String, Path, description = "Task id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body(content = TaskStatusChange, examples(
        ("ar" = (summary = "متعثرة", value = json!({"status": "blocked", "reason": "في انتظار موافقة المحلية"}))),
        ("en" = (summary = "Done", value = json!({"status": "done"})))
    )),
    responses(
        (status = 200, description = "Moved; `done` records the day", body = Task, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the network's coordinators, platform administrators and the members of the task's owner organization", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = RoadmapNotFound),
        (status = 409, description = "Already in that status (`errors` names `status`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, description = "A reason missing for `blocked` or `cancelled`", body = Problem, content_type = "application/problem+json"),
        (status = 428, response = IfMatchMissing),
    )
)]
#[post("/roadmap/tasks/{id}/status")]
pub async fn set_task_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<TaskId>,
    body: JsonBody<TaskStatusChange>,
) -> ApiResult<HttpResponse> {
    let change = body.0.validate()?;
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let t = state
        .db(move |conn| Ok(app::write(conn, env, |ctx| roadmap::set_task_status(ctx, &id, &change, &expect))?))
        .await?;
    Ok(versioned(StatusCode::OK, t.version, &t))
}

#[utoipa::path(
    tag = "roadmaps", operation_id = "remove_task",
    params(("id" = String, Path, description = "Task id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed (a task planned by mistake; one not to be done is better `cancelled`)"),
        (status = 400, response = MalformedIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = CoordinatorsOnly),
        (status = 404, response = RoadmapNotFound),
        (status = 409, description = "A progress update names the task as evidence (`task_referenced`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 428, response = IfMatchMissing),
    )
)]
#[delete("/roadmap/tasks/{id}")]
pub async fn remove_task(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<TaskId>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| roadmap::delete_task(ctx, &id, &expect))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
