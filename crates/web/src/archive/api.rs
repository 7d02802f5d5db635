//! The archive's JSON API: the list, one worker, registration, changes, records, exit, corrections.
use crate::query::ListQuery;

use crate::archive::views::{worker_detail, worker_item};
use crate::auth::Caller;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::{Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::Permission;
use shegong_domain::records::{
    AgreementInput, CertificateInput, EducationInput, parse_agreement, parse_certificate, parse_education,
};
use shegong_domain::worker::{NewWorkerInput, parse_date};
use shegong_store::workers::{self, WorkerPatch};
use shegong_store::{audit, career};
use uuid::Uuid;

/// `GET /api/v1/workers`.
pub async fn list_workers(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let (page, per_page) = q.paging()?;
    let today = today();
    let (rows, total) = workers::list(&st.db, &caller.scope, &q.filter_for(&caller), today, page, per_page).await?;
    let names = workers::community_names(&st.db, rows.iter().map(|w| w.region_code.clone()).collect()).await?;
    let items: Vec<_> = rows.iter().map(|w| worker_item(w, &names, today)).collect();
    Ok(Json(
        json!({ "items": items, "total": total, "page": page, "per_page": per_page }),
    ))
}

/// `POST /api/v1/workers`.
pub async fn create_worker(
    State(st): State<AppState>,
    caller: Caller,
    body: Result<Json<NewWorkerInput>, AppError>,
) -> ApiResult<Response> {
    caller.access.require(Permission::EditArchive)?;
    let Json(input) = body?;
    let new = input.parse(today()).map_err(AppError::Invalid)?;
    let w = workers::create(&st.db, &caller.access, new).await?;
    let a = workers::archive(&st.db, &caller.scope, w.id, today()).await?;
    let grades = career::grades(&st.db, &caller.scope, w.id).await?;
    Ok((StatusCode::CREATED, Json(worker_detail(&a, &grades, false, today()))).into_response())
}

/// `GET /api/v1/workers/{id}`: the whole archive. Full ID numbers for admins and auditors, audited.
pub async fn get_worker(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let a = workers::archive(&st.db, &caller.scope, id, today()).await?;
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    let full = caller.role.may(Permission::ViewFullIdNumber);
    if full {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "api").await?;
    }
    Ok(Json(
        serde_json::to_value(worker_detail(&a, &grades, full, today())).map_err(anyhow::Error::from)?,
    ))
}

/// `PATCH /api/v1/workers/{id}`.
pub async fn patch_worker(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    body: Result<Json<WorkerPatch>, AppError>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    let Json(patch) = body?;
    workers::update(&st.db, &caller.access, id, &patch).await?;
    let a = workers::archive(&st.db, &caller.scope, id, today()).await?;
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    Ok(Json(
        serde_json::to_value(worker_detail(&a, &grades, false, today())).map_err(anyhow::Error::from)?,
    ))
}

pub async fn worker_history(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    let full = caller.role.may(Permission::ViewFullIdNumber);
    let rows = workers::history(&st.db, &caller.scope, id, full).await?;
    if full && let Some(r) = rows.iter().find(|r| r.field == workers::ID_NUMBER_FIELD) {
        audit::full_id_viewed(&st.db, &caller.actor, &r.region_code, id, "history").await?;
    }
    Ok(Json(
        json!({ "items": rows.iter().map(crate::archive::views::change_view).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AppointmentInput {
    pub community_code: String,
    pub post_category: String,
    pub title: String,
    pub start_date: String,
    pub two_committees: bool,
    pub full_time: Option<bool>,
    pub party_building: bool,
    /// End the open appointments the day this one starts (a transfer). Default true.
    pub transfer: Option<bool>,
}

pub async fn add_appointment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<AppointmentInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    let a = workers::parse_appointment(
        &i.community_code,
        &i.post_category,
        &i.title,
        &i.start_date,
        (i.two_committees, i.full_time.unwrap_or(true), i.party_building),
    )
    .map_err(AppError::Invalid)?;
    workers::add_appointment(&st.db, &caller.access, id, a, i.transfer.unwrap_or(true)).await?;
    get_worker(State(st), caller, Path(id)).await
}

pub async fn add_education(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<EducationInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_education(&st.db, &caller.access, id, parse_education(&i)?).await?;
    get_worker(State(st), caller, Path(id)).await
}

pub async fn add_certificate(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<CertificateInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_certificate(&st.db, &caller.access, id, parse_certificate(&i)?).await?;
    get_worker(State(st), caller, Path(id)).await
}

pub async fn add_agreement(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<AgreementInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_agreement(&st.db, &caller.access, id, parse_agreement(&i)?).await?;
    get_worker(State(st), caller, Path(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExitInput {
    pub exited_on: String,
    pub reason: String,
}

pub async fn exit_worker(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<ExitInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ExitWorker)?;
    let on = parse_date("exited_on", "退出日期", &i.exited_on)?;
    workers::exit(&st.db, &caller.access, id, on, &i.reason).await?;
    get_worker(State(st), caller, Path(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CorrectionInput {
    pub field: String,
    pub message: String,
}

pub async fn request_correction(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<CorrectionInput>,
) -> ApiResult<Response> {
    let c = workers::request_correction(&st.db, &caller.access, id, &i.field, &i.message).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// `POST /api/v1/workers/{id}/corrections/{cid}/resolve`: mark a correction request handled.
pub async fn resolve_correction(
    State(st): State<AppState>,
    caller: Caller,
    Path((_id, cid)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ResolveCorrection)?;
    let c = workers::resolve_correction(&st.db, &caller.access, cid).await?;
    Ok(Json(serde_json::to_value(c).map_err(anyhow::Error::from)?))
}

/// `GET /api/v1/workers.xlsx`: the scoped, filtered list as an Excel file.
pub async fn export_workers(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    crate::archive::export::workers_xlsx(&st, &caller, &q.filter).await
}
