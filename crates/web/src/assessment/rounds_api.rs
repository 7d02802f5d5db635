//! Assessment rounds as JSON.

use crate::auth::Caller;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::Path;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::career::Grade;
use shegong_store::rounds;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoundInput {
    pub region: String,
    pub year: Option<i32>,
}

/// `POST /api/v1/assessment-rounds`: a street opens the year's round.
pub async fn create_round(
    State(st): State<AppState>,
    caller: Caller,
    Json(i): Json<RoundInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let year = i
        .year
        .ok_or_else(|| FieldError::new("year_required", "year", "请填写考核年度"))?;
    let r = rounds::create(&st.db, &caller.access, i.region.trim(), year, today()).await?;
    Ok((StatusCode::CREATED, Json(json!(r))).into_response())
}

pub async fn list_rounds(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let rows = rounds::list(&st.db, &caller.scope).await?;
    Ok(Json(json!({ "items": rows, "total": rows.len() })))
}

pub async fn get_round(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    Ok(Json(json!(rounds::get(&st.db, &caller.scope, id).await?)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScoresInput {
    pub items: Vec<rounds::ScoreInput>,
}

/// `PUT /api/v1/assessment-rounds/{id}/scores`: scores for many workers, all or nothing.
pub async fn save_scores(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<ScoresInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ScoreAssessment)?;
    let n = rounds::save_scores(&st.db, &caller.access, id, &i.items).await?;
    Ok(Json(json!({ "saved": n })))
}

/// `POST /api/v1/assessment-rounds/{id}/score`: draft → scored.
pub async fn score_round(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageAssessment)?;
    Ok(Json(json!(rounds::compute(&st.db, &caller.access, id).await?)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GradeInput {
    pub worker_id: Option<Uuid>,
    pub grade: String,
}

fn grade_of(s: &str) -> ApiResult<Grade> {
    Grade::parse(s).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "grade_unknown",
            "grade",
            "考核等次应为：优秀、合格、基本合格或不合格（excellent|competent|basically_competent|incompetent）",
        )])
    })
}

/// `POST /api/v1/assessment-rounds/{id}/grades`: adjusts one proposed grade (scored rounds).
pub async fn set_round_grade(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<GradeInput>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageAssessment)?;
    let w = i
        .worker_id
        .ok_or_else(|| FieldError::new("round_entry", "worker_id", "请指定人员"))?;
    let e = rounds::set_grade(&st.db, &caller.access, id, w, grade_of(&i.grade)?).await?;
    Ok(Json(json!(e)))
}

/// `POST /api/v1/assessment-rounds/{id}/publish`: scored → published; returns who the exit rule flags.
pub async fn publish_round(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ManageAssessment)?;
    let (r, flagged) = rounds::publish(&st.db, &caller.access, id).await?;
    let flagged: Vec<Value> = flagged
        .into_iter()
        .map(|(w, m)| json!({"worker_id": w, "message": m}))
        .collect();
    Ok(Json(json!({ "round": r, "exit_flags": flagged })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AmendInput {
    pub grade: String,
    pub reason: String,
}

/// `POST /api/v1/workers/{id}/assessments/{year}/amend`: a recorded amendment of a published grade.
pub async fn amend_grade(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, year)): Path<(Uuid, i32)>,
    Json(i): Json<AmendInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let m = rounds::amend(&st.db, &caller.access, id, year, grade_of(&i.grade)?, &i.reason).await?;
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}
