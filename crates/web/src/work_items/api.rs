//! 减负清单 and 出具证明 as JSON.
use crate::auth::Ctx;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Path, Query};
use crate::imports::api::read_upload;
use crate::query::region_of;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::work_items::ListKind;
use shegong_store::entity::{proof, work_item};
use shegong_store::work_items::{self, ItemImport, ItemInput, ListView, ProofInput, ProofReport};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    /// 区划代码（默认本辖区）：该区划适用的清单（本级和上级制定的）
    pub region: Option<String>,
    /// street_duty | committee_duty | assistance | proof | micro_power（默认全部）
    pub list: Option<String>,
    /// 哪一天适用的版本 YYYY-MM-DD（默认今天）
    pub on: Option<String>,
}

pub(crate) fn list_of(s: Option<&str>) -> Result<Option<ListKind>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => ListKind::parse_field(s).map(Some).map_err(|e| AppError::Invalid(vec![e])),
    }
}

pub(crate) fn day_of(s: Option<&str>, field: &'static str, label: &str) -> Result<chrono::NaiveDate, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today()),
        Some(s) => shegong_domain::worker::parse_date(field, label, s).map_err(|e| AppError::Invalid(vec![e])),
    }
}

/// 某区划某日适用的清单（本级和上级制定、当日有效的事项），各清单项数和说明句
#[utoipa::path(get, path = "/work-items", tag = "减负清单", params(ListQuery),
    responses((status = 200, description = "清单", body = ListView)))]
pub async fn list_items(Ctx { st, caller }: Ctx, Query(q): Query<ListQuery>) -> ApiResult<Json<ListView>> {
    let region = q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(region_of).transpose()?;
    let list = list_of(q.list.as_deref())?;
    let on = day_of(q.on.as_deref(), "on", "日期")?;
    Ok(Json(work_items::lists(&st.db, &caller.access, region.as_ref(), list, on).await?))
}

/// 在本级清单中增加一项（自起始日期起有效；县及以上民政部门管理员）
#[utoipa::path(post, path = "/work-items", tag = "减负清单", request_body = ItemInput,
    responses((status = 201, description = "已增加", body = work_item::Model)))]
pub async fn add_item(Ctx { st, caller }: Ctx, Json(i): Json<ItemInput>) -> ApiResult<Response> {
    let m = work_items::add(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EndInput {
    /// 自哪一天起移出 YYYY-MM-DD
    pub to: String,
}

/// 将一项移出清单（自该日起不再适用，历史保留）
#[utoipa::path(post, path = "/work-items/{id}/end", tag = "减负清单", params(("id" = Uuid, Path)),
    request_body = EndInput, responses((status = 200, description = "已移出", body = work_item::Model)))]
pub async fn end_item(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<EndInput>,
) -> ApiResult<Json<work_item::Model>> {
    Ok(Json(work_items::end(&st.db, &caller.access, id, &i.to, today()).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ImportQuery {
    /// 制定清单的区划（县及以上；默认本辖区）
    pub region: Option<String>,
    /// 清单 street_duty | committee_duty | assistance | proof | micro_power
    pub list: String,
    /// 新清单起始日期（默认今天）：原清单事项自该日移出
    pub from: Option<String>,
    /// true：只检查，不写入
    pub dry_run: bool,
}

/// 以文件替换本级某一清单（multipart，字段 file：.xlsx 或 .csv，列：序号、事项名称、法律依据、责任部门、经费保障、所需材料、办理流程）。全部无误才写入
#[utoipa::path(post, path = "/work-items/import", tag = "减负清单", params(ImportQuery),
    request_body(content_type = "multipart/form-data", description = "file：清单"),
    responses((status = 200, description = "结果", body = ItemImport)))]
pub async fn import_items(
    Ctx { st, caller }: Ctx,
    Query(q): Query<ImportQuery>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<ItemImport>> {
    caller.access.require(shegong_domain::Permission::ManageWorkItems)?;
    let m = m.map_err(|_| {
        AppError::Invalid(vec![FieldError::new("work_file", "file", "请以 multipart/form-data 上传文件（字段 file）")])
    })?;
    let up = read_upload(m).await?;
    let rows = shegong_store::imports::read_rows(&up.filename, &up.bytes)?;
    let o = work_items::import(
        &st.db,
        &caller.access,
        q.region.as_deref(),
        &q.list,
        q.from.as_deref(),
        &rows,
        q.dry_run,
        today(),
    )
    .await?;
    Ok(Json(o))
}

/// 出具证明：只能出具清单中的事项（201，带证明编号）；清单外的事项拒绝（422 proof_not_listed「该事项不在出具证明事项清单内」）并计数
#[utoipa::path(post, path = "/proofs", tag = "减负清单", request_body = ProofInput,
    responses((status = 201, description = "已出具", body = proof::Model)))]
pub async fn issue_proof(Ctx { st, caller }: Ctx, Json(i): Json<ProofInput>) -> ApiResult<Response> {
    let m = work_items::issue(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ProofQuery {
    /// 区划代码（默认本辖区）
    pub region: Option<String>,
    /// 起 YYYY-MM-DD（默认今年1月1日）
    pub from: Option<String>,
    /// 止 YYYY-MM-DD（默认今天）
    pub to: Option<String>,
    /// 最多列出几条（1–1000，默认100）
    pub per_page: Option<u64>,
}

/// 出具证明登记（最新的在前；社区以外申请人脱敏）和期间内出具、拒绝的数量
#[utoipa::path(get, path = "/proofs", tag = "减负清单", params(ProofQuery),
    responses((status = 200, description = "证明登记", body = ProofReport)))]
pub async fn list_proofs(Ctx { st, caller }: Ctx, Query(q): Query<ProofQuery>) -> ApiResult<Json<ProofReport>> {
    let region = q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(region_of).transpose()?;
    let (from, to) = period(q.from.as_deref(), q.to.as_deref())?;
    let r = work_items::proofs(&st.db, &caller.access, region.as_ref(), from, to, q.per_page.unwrap_or(100)).await?;
    Ok(Json(r))
}

pub(crate) fn period(from: Option<&str>, to: Option<&str>) -> Result<(chrono::NaiveDate, chrono::NaiveDate), AppError> {
    use chrono::Datelike;
    let t = today();
    let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
        None => chrono::NaiveDate::from_ymd_opt(t.year(), 1, 1).unwrap_or(t),
        Some(s) => day_of(Some(s), "from", "起始日期")?,
    };
    let to = day_of(to, "to", "截止日期")?;
    if to < from {
        return Err(AppError::Invalid(vec![FieldError::new("proof_period", "to", "截止日期不能早于起始日期")]));
    }
    Ok((from, to))
}
