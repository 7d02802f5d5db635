//! Assessment as JSON: a worker's grades and rewards, rounds, scores, publication, amendments.

use crate::auth::Caller;
use crate::clock::today;
use crate::error::ApiResult;
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
use shegong_store::career;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssessmentInput {
    pub year: Option<i32>,
    pub grade: String,
}

/// `POST /api/v1/workers/{id}/assessments`: record the published grade of a year (admins in scope).
pub async fn add_assessment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<AssessmentInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::ManageAssessment)?;
    let year = i
        .year
        .ok_or_else(|| FieldError::new("year_required", "year", "请填写考核年度"))?;
    let grade = shegong_domain::career::Grade::parse(&i.grade).ok_or_else(|| {
        FieldError::new(
            "grade_unknown",
            "grade",
            "考核等次应为：优秀、合格、基本合格或不合格（excellent|competent|basically_competent|incompetent）",
        )
    })?;
    let a = career::record_grade(&st.db, &caller.access, id, year, grade, today()).await?;
    Ok((StatusCode::CREATED, Json(crate::archive::views::assessment_view(&a))).into_response())
}

/// `GET /api/v1/workers/{id}/assessments`.
pub async fn list_assessments(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Value>> {
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    let flag = career::flag_of(&grades, shegong_domain::career::ExitRule::default());
    Ok(Json(json!({
        "items": grades.iter().map(crate::archive::views::assessment_view).collect::<Vec<_>>(),
        "exit_flag": flag.is_some(),
        "exit_rule": flag.map(|t| t.message),
    })))
}

/// `POST /api/v1/workers/{id}/rewards`: a reward (奖励) or sanction (处分).
pub async fn add_reward(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<career::RewardInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::EditArchive)?;
    let r = career::add_reward(&st.db, &caller.access, id, &i).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// `GET /api/v1/workers/{id}/rewards`.
pub async fn list_rewards(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let items = career::rewards(&st.db, &caller.scope, id).await?;
    Ok(Json(json!({ "items": items })))
}
