//! The routine part of a round proposed from 事务办理: adopted where no score was entered, or
//! overridden with a recorded reason (page forms and JSON).
use crate::auth::Ctx;
use crate::error::ApiResult;
use crate::extract::{Json, Path};
use crate::posted::Posted;
use crate::sections::store;
use axum::response::Response;
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_store::rounds;
use uuid::Uuid;

/// `POST /assessments/{id}/routine/adopt`: fills the routine scores not entered yet with the proposals.
pub(crate) async fn adopt_page(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ScoreAssessment, &format!("/assessments/{id}"), async |st, access, _f| {
        let n = store(rounds::adopt_proposals(&st.db, access, id).await)?;
        Ok(format!("已为{n}人填入事务办理建议分（已录入的平时考核未改动）"))
    })
    .await
}

/// `POST /assessments/{id}/routine/reason` (`worker_id`, `reason`).
pub(crate) async fn reason_page(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ScoreAssessment, &format!("/assessments/{id}"), async |st, access, f| {
        let worker = Uuid::parse_str(f.get("worker_id").trim()).map_err(|_| crate::error::AppError::NotFound)?;
        store(rounds::explain_routine(&st.db, access, id, worker, &f.get("reason")).await)?;
        Ok("已记录理由".to_string())
    })
    .await
}

/// How many routine scores were filled.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Adopted {
    pub filled: u64,
}

/// 采用事务办理建议分：为尚未录入平时考核的人员填入由事务办理算出的建议分
#[utoipa::path(post, path = "/assessment-rounds/{id}/routine/adopt", tag = "考核", params(("id" = Uuid, Path, description = "年度考核")),
    responses((status = 200, description = "填入人数", body = Adopted)))]
pub async fn adopt(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<Adopted>> {
    caller.access.require(Permission::ScoreAssessment)?;
    Ok(Json(Adopted { filled: rounds::adopt_proposals(&st.db, &caller.access, id).await? }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReasonInput {
    pub worker_id: Option<Uuid>,
    /// 平时考核与建议分不同的理由（1–200字）
    pub reason: String,
}

/// 记录平时考核与事务办理建议分不同的理由（评定等次前必须记录）
#[utoipa::path(post, path = "/assessment-rounds/{id}/routine/reason", tag = "考核", params(("id" = Uuid, Path, description = "年度考核")),
    request_body = ReasonInput, responses((status = 204, description = "已记录")))]
pub async fn reason(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<ReasonInput>,
) -> ApiResult<axum::http::StatusCode> {
    caller.access.require(Permission::ScoreAssessment)?;
    let worker = i.worker_id.ok_or_else(|| {
        crate::error::AppError::Invalid(vec![shegong_domain::FieldError::new(
            "worker_id_required",
            "worker_id",
            "请指明人员",
        )])
    })?;
    rounds::explain_routine(&st.db, &caller.access, id, worker, &i.reason).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
