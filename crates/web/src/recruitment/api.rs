//! Recruitment as JSON.

use crate::error::ApiResult;
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use shegong_domain::recruitment::Eligibility;
use shegong_store::recruitment::{self, SelfCheck};

/// 报名资格自查（无需登录）：按招聘地区适用政策的学历、年龄（及放宽条件）逐条说明是否符合；不保存任何信息
#[utoipa::path(post, path = "/recruitment/eligibility", tag = "招聘", request_body = SelfCheck,
    responses((status = 200, description = "是否符合及逐条说明", body = Eligibility)))]
pub async fn eligibility(State(st): State<AppState>, Json(i): Json<SelfCheck>) -> ApiResult<Json<Eligibility>> {
    Ok(Json(recruitment::self_check(&st.db, &i, crate::clock::today()).await?))
}
