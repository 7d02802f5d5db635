//! Training as JSON: courses, enrolment, results, who is short of hours.
use crate::query::RegionQuery;
use crate::query::narrowed;
use shegong_domain::status::{Attendance, Status};

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
use shegong_store::workers::WorkerFilter;
use shegong_store::{career, regions};
use uuid::Uuid;

/// `POST /api/v1/trainings`: a course or class organised by a region in scope.
pub async fn create_training(
    State(st): State<AppState>,
    caller: Caller,
    Json(i): Json<shegong_store::training::TrainingInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageTraining)?;
    let t = shegong_store::training::create(&st.db, &caller.access, &i).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// `GET /api/v1/trainings`: trainings organised inside the caller's region, with participant counts.
pub async fn list_trainings(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound);
    }
    let rows = shegong_store::training::list(&st.db, &caller.scope).await?;
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(t, n)| {
            let mut v = serde_json::to_value(&t).unwrap_or(Value::Null);
            v["participants"] = json!(n);
            v
        })
        .collect();
    Ok(Json(json!({ "items": items, "total": items.len() })))
}

/// `POST /api/v1/trainings/{id}/enrol`: record the training for every active worker the filter
/// selects (bulk enrolment of a region or a filtered list).
pub async fn enrol_training(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(filter): Json<WorkerFilter>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageTraining)?;
    let filter = WorkerFilter {
        id_prefix_search: caller.role.may(Permission::ViewFullIdNumber),
        ..filter
    };
    let added = shegong_store::training::enrol(&st.db, &caller.access, id, &filter, today()).await?;
    Ok(Json(json!({ "added": added })))
}

/// `GET /api/v1/training/overdue?region=`: who is behind the training rotation, and since when.
pub async fn training_overdue(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Json<Value>> {
    let scope = narrowed(&caller, &q)?;
    let rotation = career::rules_in_force(&st.db, scope.region().as_str(), today())
        .await?
        .rotation;
    let rows = shegong_store::training::overdue(&st.db, &scope, today(), rotation).await?;
    Ok(Json(json!({ "items": rows, "total": rows.len() })))
}

/// `GET /api/v1/training/overdue.xlsx?region=`.
pub async fn training_overdue_xlsx(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Response> {
    let scope = narrowed(&caller, &q)?;
    let rotation = career::rules_in_force(&st.db, scope.region().as_str(), today())
        .await?
        .rotation;
    let rows = shegong_store::training::overdue(&st.db, &scope, today(), rotation).await?;
    let names = regions::community_names_in(&st.db, scope.region().as_str()).await?;
    crate::training::export::overdue_xlsx(&rows, &names).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResultInput {
    pub attendance: Option<String>,
    pub result: Option<String>,
}

/// `PUT /api/v1/trainings/{id}/records/{worker_id}`: one worker's attendance and result.
pub async fn set_training_result(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, worker)): Path<(Uuid, Uuid)>,
    Json(i): Json<ResultInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageTraining)?;
    let r = shegong_store::training::set_result(
        &st.db,
        &caller.access,
        id,
        worker,
        i.attendance.as_deref().unwrap_or(Attendance::Attended.as_str()),
        i.result.as_deref().filter(|s| !s.is_empty()),
    )
    .await?;
    Ok(Json(json!(r)))
}
