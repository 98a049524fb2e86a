//! Networks of organizations over HTTP; the operations are `tashbeek_app::network`.

use actix_web::http::header;
use actix_web::{delete, get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use tashbeek_app::{self as app, network};
use tashbeek_domain::network::{
    Network, NetworkAnswer, NetworkCoordinator, NetworkInput, NetworkInvitation, NetworkMember,
};
use tashbeek_domain::page::{self, Page};
use tashbeek_domain::ValidationErrors;
use tashbeek_domain::{NetworkId, OrganizationId, UserId};

use crate::auth::{Auth, MaybeAuth};
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::etag;
use crate::extract::{JsonBody, QueryParams};
use crate::state::AppState;
use crate::user::PageParams;

fn versioned(status: actix_web::http::StatusCode, n: &Network) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag::of(n.version))).json(n)
}

#[utoipa::path(
    tag = "networks", operation_id = "list_networks",
    params(PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Networks in name order", body = Page<Network>),
        (status = 400, response = BadPage),
        (status = 401, response = InvalidToken),
    )
)]
#[get("/networks")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    QueryParams(p): QueryParams<PageParams>,
) -> ApiResult<HttpResponse> {
    let mut e = ValidationErrors::default();
    let (limit, cursor) = page::parse(p.limit, p.cursor.as_deref(), &mut e);
    e.into_result().map_err(ApiError::bad_parameter)?;
    let env = state.env(viewer, &req);
    let page =
        state.db(move |conn| Ok(app::read(conn, env, |ctx| network::list(ctx, limit, cursor.as_ref()))?)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(
    tag = "networks", operation_id = "create_network",
    security(("bearer" = [])),
    request_body(content = NetworkInput, examples(
        ("ar" = (summary = "تجمع القطاع الجنوبي", value = json!({"name_ar": "تجمع المنظمات الطوعية بالقطاع الجنوبي", "area": "SD-RN", "description": "شندي والمتمة"}))),
        ("en" = (summary = "Omani professional associations", value = json!({"name_en": "Omani Professional Associations Forum", "area": "OM"})))
    )),
    responses(
        (status = 201, description = "Created", body = Network, headers(("ETag" = String))),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Coordinators (platform administrators) only", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Invalid fields (a name, a known area)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/networks")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    body: JsonBody<NetworkInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0.validate()?;
    let env = state.env(Some(actor), &req);
    let n = state.db(move |conn| Ok(app::write(conn, env, |ctx| network::create(ctx, &input))?)).await?;
    Ok(versioned(actix_web::http::StatusCode::CREATED, &n))
}

#[utoipa::path(
    tag = "networks", operation_id = "get_network",
    params(("id" = String, Path, description = "Network id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The network", body = Network, headers(("ETag" = String))),
        (status = 401, response = InvalidToken),
        (status = 404, response = NetworkNotFound),
    )
)]
#[get("/networks/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<NetworkId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let n = state.db(move |conn| Ok(app::read(conn, env, |ctx| network::get(ctx, &id))?)).await?;
    Ok(versioned(actix_web::http::StatusCode::OK, &n))
}

#[utoipa::path(
    tag = "networks", operation_id = "update_network",
    params(("id" = String, Path, description = "Network id (UUID)"), crate::etag::IfMatch),
    security(("bearer" = [])),
    request_body = NetworkInput,
    responses(
        (status = 200, description = "Updated", body = Network, headers(("ETag" = String))),
        (status = 400, response = MalformedJsonOrIfMatch),
        (status = 401, response = NotSignedIn),
        (status = 403, response = CoordinatorsOnly),
        (status = 404, response = NetworkNotFound),
        (status = 412, response = Stale),
        (status = 415, response = NotJson),
        (status = 422, response = InvalidFields),
        (status = 428, response = IfMatchMissing),
    )
)]
#[put("/networks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<NetworkId>,
    body: JsonBody<NetworkInput>,
) -> ApiResult<HttpResponse> {
    let expect = etag::expectation(&req)?;
    let input = body.0.validate()?;
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let n = state.db(move |conn| Ok(app::write(conn, env, |ctx| network::update(ctx, &id, &input, &expect))?)).await?;
    Ok(versioned(actix_web::http::StatusCode::OK, &n))
}

#[utoipa::path(
    tag = "networks", operation_id = "list_network_members",
    params(("id" = String, Path, description = "Network id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Its member organizations; coordinators and observers also see invitations, declines and departures, and an organization's administrators see its own invitation", body = Vec<NetworkMember>),
        (status = 401, response = InvalidToken),
        (status = 404, response = NetworkNotFound),
    )
)]
#[get("/networks/{id}/members")]
pub async fn members(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<NetworkId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| network::members(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "networks", operation_id = "invite_network_member",
    params(("id" = String, Path, description = "Network id (UUID)")),
    security(("bearer" = [])),
    request_body = NetworkInvitation,
    responses(
        (status = 204, description = "Invited; the organization's administrators answer"),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, response = CoordinatorsOnly),
        (status = 404, response = NetworkNotFound),
        (status = 409, description = "Already a member or invited", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Unknown organization", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/networks/{id}/members")]
pub async fn invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<NetworkId>,
    body: JsonBody<NetworkInvitation>,
) -> ApiResult<HttpResponse> {
    let (id, org) = (id.into_inner(), body.0.organization_id);
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| network::invite(ctx, &id, &org))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "networks", operation_id = "request_network_membership",
    params(("id" = String, Path, description = "Network id (UUID)")),
    security(("bearer" = [])),
    request_body = NetworkInvitation,
    responses(
        (status = 204, description = "Asked; a coordinator accepts or declines (`PUT /networks/{id}/members/{organization_id}`)"),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the organization's own administrators ask for it", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = NetworkNotFound),
        (status = 409, description = "Already a member, invited or asking (`already_in_network`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Unknown organization", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/networks/{id}/join-requests")]
pub async fn request(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<NetworkId>,
    body: JsonBody<NetworkInvitation>,
) -> ApiResult<HttpResponse> {
    let (id, org) = (id.into_inner(), body.0.organization_id);
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| network::request(ctx, &id, &org))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "networks", operation_id = "answer_network_invitation",
    params(("id" = String, Path, description = "Network id (UUID)"), ("organization_id" = String, Path, description = "Organization id (UUID)")),
    security(("bearer" = [])),
    request_body = NetworkAnswer,
    responses(
        (status = 204, description = "Answered: now a member, or declined"),
        (status = 400, response = MalformedJson),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "An invitation is answered only by the organization's own administrators (not even a coordinator), a request to join only by a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such network or organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No open invitation or request", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = NotJson),
        (status = 422, description = "Status must be member or declined", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/networks/{id}/members/{organization_id}")]
pub async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(NetworkId, OrganizationId)>,
    body: JsonBody<NetworkAnswer>,
) -> ApiResult<HttpResponse> {
    let (id, org) = path.into_inner();
    let status = body.0.status;
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| network::answer(ctx, &id, &org, status))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "networks", operation_id = "leave_network",
    params(("id" = String, Path, description = "Network id (UUID)"), ("organization_id" = String, Path, description = "Organization id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Left (its administrators) or removed (a coordinator); an open invitation is withdrawn"),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only the organization's administrators and coordinators", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such network, organization or membership", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/networks/{id}/members/{organization_id}")]
pub async fn leave(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(NetworkId, OrganizationId)>,
) -> ApiResult<HttpResponse> {
    let (id, org) = path.into_inner();
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| network::leave(ctx, &id, &org))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "networks", operation_id = "list_network_coordinators",
    params(("id" = String, Path, description = "Network id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The people who manage the network: they edit it, invite organizations, answer requests to join, and hold its meetings", body = Vec<NetworkCoordinator>),
        (status = 401, response = NotSignedIn),
        (status = 404, response = NetworkNotFound),
    )
)]
#[get("/networks/{id}/coordinators")]
pub async fn coordinators(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<NetworkId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let found = state.db(move |conn| Ok(app::read(conn, env, |ctx| network::coordinators(ctx, &id))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "networks", operation_id = "appoint_network_coordinator",
    params(("id" = String, Path, description = "Network id (UUID)"), ("user_id" = String, Path, description = "The account to appoint (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Appointed (appointing again changes nothing); the coordinators now", body = Vec<NetworkCoordinator>),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Platform administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = NetworkNotFound),
        (status = 422, description = "No such account, or one that is disabled or only observes (`user_id`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/networks/{id}/coordinators/{user_id}")]
pub async fn appoint(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(NetworkId, UserId)>,
) -> ApiResult<HttpResponse> {
    let (id, user) = path.into_inner();
    let env = state.env(Some(actor), &req);
    let found = state.db(move |conn| Ok(app::write(conn, env, |ctx| network::appoint(ctx, &id, &user))?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(
    tag = "networks", operation_id = "dismiss_network_coordinator",
    params(("id" = String, Path, description = "Network id (UUID)"), ("user_id" = String, Path, description = "The coordinator's account (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "No longer a coordinator"),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Platform administrators, or the coordinator stepping down", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such network, or not its coordinator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/networks/{id}/coordinators/{user_id}")]
pub async fn dismiss(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(NetworkId, UserId)>,
) -> ApiResult<HttpResponse> {
    let (id, user) = path.into_inner();
    let env = state.env(Some(actor), &req);
    state.db(move |conn| Ok(app::write(conn, env, |ctx| network::dismiss(ctx, &id, &user))?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
