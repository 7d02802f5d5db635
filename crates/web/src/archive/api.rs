//! The archive's JSON API: the list, one worker, registration, changes, records, exit, corrections.
use crate::query::ListQuery;

use crate::archive::views::{ChangeView, WorkerDetail, WorkerItem};
use crate::archive::views::{worker_detail, worker_item};
use crate::auth::Ctx;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::PageQuery;
use crate::extract::{Path, Query};
use crate::query::{Items, Paged, SuggestQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::Permission;
use shegong_domain::records::{
    AgreementInput, CertificateInput, EducationInput, parse_agreement, parse_certificate, parse_education,
};
use shegong_domain::worker::{NewWorkerInput, parse_date};
use shegong_store::workers::WorkerFilter;
use shegong_store::workers::{self, WorkerPatch};
use shegong_store::{audit, career};
use uuid::Uuid;

/// Keyset paging of the worker list (documented here; read by [`ListQuery`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AfterQuery {
    /// 从该人员之后开始的一页（上一页结果中的 next）；翻到很深的页时比 page 快
    after: Option<Uuid>,
}

/// 社区工作者名单（分页、筛选、排序；page 按页码，after 按上一页的 next 接着翻）
#[utoipa::path(get, path = "/workers", tag = "社区工作者", params(WorkerFilter, PageQuery, AfterQuery),
    responses((status = 200, description = "名单", body = Paged<WorkerItem>)))]
pub async fn list_workers(Ctx { st, caller }: Ctx, Query(q): Query<ListQuery>) -> ApiResult<Json<Paged<WorkerItem>>> {
    let (page, per_page) = q.paging()?;
    let today = today();
    let filter = q.filter_for(&caller);
    crate::id_search::guard(&st, &caller, &filter).await?;
    let (page, (rows, total)) = match q.after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(after) => {
            let after = Uuid::parse_str(after).map_err(|_| {
                AppError::Invalid(vec![shegong_domain::FieldError::new("filter_invalid", "after", "翻页位置无效")])
            })?;
            (0, workers::list_after(&st.db, &caller.scope, &filter, today, after, per_page).await?)
        }
        None => (page, workers::list(&st.db, &caller.scope, &filter, today, page, per_page).await?),
    };
    let next = (rows.len() as u64 == per_page).then(|| rows.last().map(|w| w.id.to_string())).flatten();
    let names =
        workers::community_names(&st.db, &caller.scope, rows.iter().map(|w| w.region_code.clone()).collect()).await?;
    let items: Vec<_> = rows.iter().map(|w| worker_item(w, &names, today)).collect();
    Ok(Json(Paged { items, total, page, per_page, next }))
}

/// 新建档案（按身份证号码登记；曾在别处任职者为调入）
#[utoipa::path(post, path = "/workers", tag = "社区工作者", request_body = NewWorkerInput,
    responses((status = 201, description = "新档案", body = WorkerDetail)))]
pub async fn create_worker(
    Ctx { st, caller }: Ctx,
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

/// Asks for the full ID number (`?full_id=true`); without it the number is masked.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FullIdQuery {
    /// 为 true 时返回完整身份证号码（仅限有权限的角色，查看记入审计日志）
    pub full_id: bool,
}

/// 一名社区工作者的完整档案（身份证号码默认隐去部分数字；有权限者以 full_id=true 查看完整号码，查看留痕）
#[utoipa::path(get, path = "/workers/{id}", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员"), FullIdQuery),
    responses((status = 200, description = "档案", body = WorkerDetail)))]
pub async fn get_worker(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<FullIdQuery>,
) -> ApiResult<Json<WorkerDetail>> {
    let a = workers::archive(&st.db, &caller.scope, id, today()).await?;
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    let full = q.full_id && caller.role.may(Permission::ViewFullIdNumber);
    if full {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "api").await?;
    }
    Ok(Json(worker_detail(&a, &grades, full, today())))
}

/// 修改基本信息（未给出的字段不变；每个改动留痕）
#[utoipa::path(patch, path = "/workers/{id}", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员")), request_body = WorkerPatch,
    responses((status = 200, description = "更新后的档案", body = WorkerDetail)))]
pub async fn patch_worker(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    body: Result<Json<WorkerPatch>, AppError>,
) -> ApiResult<Json<WorkerDetail>> {
    caller.access.require(Permission::EditArchive)?;
    let Json(patch) = body?;
    workers::update(&st.db, &caller.access, id, &patch).await?;
    let a = workers::archive(&st.db, &caller.scope, id, today()).await?;
    let grades = career::grades(&st.db, &caller.scope, id).await?;
    Ok(Json(worker_detail(&a, &grades, false, today())))
}

/// 档案变更记录（身份证号码的更正默认隐去部分数字，full_id=true 同上）
#[utoipa::path(get, path = "/workers/{id}/history", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员"), FullIdQuery),
    responses((status = 200, description = "变更记录", body = History)))]
pub async fn worker_history(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<FullIdQuery>,
) -> ApiResult<Json<History>> {
    let full = q.full_id && caller.role.may(Permission::ViewFullIdNumber);
    let rows = workers::history(&st.db, &caller.scope, id, full).await?;
    if full && let Some(r) = rows.iter().find(|r| r.field == workers::ID_NUMBER_FIELD) {
        audit::full_id_viewed(&st.db, &caller.actor, &r.region_code, id, "history").await?;
    }
    Ok(Json(History { items: rows.iter().map(crate::archive::views::change_view).collect() }))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
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

/// 新增任职（默认同时结束现任职务，即调动）
#[utoipa::path(post, path = "/workers/{id}/appointments", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员")), request_body = AppointmentInput,
    responses((status = 200, description = "更新后的档案", body = WorkerDetail)))]
pub async fn add_appointment(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<AppointmentInput>,
) -> ApiResult<Json<WorkerDetail>> {
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
    get_worker(Ctx { st, caller }, Path(id), Query(FullIdQuery::default())).await
}

/// 新增学历
#[utoipa::path(post, path = "/workers/{id}/educations", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员")), request_body = EducationInput,
    responses((status = 200, description = "更新后的档案", body = WorkerDetail)))]
pub async fn add_education(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<EducationInput>,
) -> ApiResult<Json<WorkerDetail>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_education(&st.db, &caller.access, id, parse_education(&i)?).await?;
    get_worker(Ctx { st, caller }, Path(id), Query(FullIdQuery::default())).await
}

/// 新增职业资格证书
#[utoipa::path(post, path = "/workers/{id}/certificates", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员")), request_body = CertificateInput,
    responses((status = 200, description = "更新后的档案", body = WorkerDetail)))]
pub async fn add_certificate(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<CertificateInput>,
) -> ApiResult<Json<WorkerDetail>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_certificate(&st.db, &caller.access, id, parse_certificate(&i)?).await?;
    get_worker(Ctx { st, caller }, Path(id), Query(FullIdQuery::default())).await
}

/// 新增服务协议
#[utoipa::path(post, path = "/workers/{id}/agreements", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员")), request_body = AgreementInput,
    responses((status = 200, description = "更新后的档案", body = WorkerDetail)))]
pub async fn add_agreement(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<AgreementInput>,
) -> ApiResult<Json<WorkerDetail>> {
    caller.access.require(Permission::EditArchive)?;
    workers::add_agreement(&st.db, &caller.access, id, parse_agreement(&i)?).await?;
    get_worker(Ctx { st, caller }, Path(id), Query(FullIdQuery::default())).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ExitInput {
    pub exited_on: String,
    pub reason: String,
}

/// 办理退出（档案保留，只读）
#[utoipa::path(post, path = "/workers/{id}/exit", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员")), request_body = ExitInput,
    responses((status = 200, description = "更新后的档案", body = WorkerDetail)))]
pub async fn exit_worker(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<ExitInput>,
) -> ApiResult<Json<WorkerDetail>> {
    caller.access.require(Permission::ExitWorker)?;
    let on = parse_date("exited_on", "退出日期", &i.exited_on)?;
    workers::exit(&st.db, &caller.access, id, on, &i.reason).await?;
    get_worker(Ctx { st, caller }, Path(id), Query(FullIdQuery::default())).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct CorrectionInput {
    pub field: String,
    pub message: String,
}

/// 本人或管理员提出更正申请
#[utoipa::path(post, path = "/workers/{id}/corrections", tag = "社区工作者", params(("id" = Uuid, Path, description = "人员")), request_body = CorrectionInput,
    responses((status = 201, description = "更正申请", body = shegong_store::entity::correction::Model)))]
pub async fn request_correction(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<CorrectionInput>,
) -> ApiResult<Response> {
    let c = workers::request_correction(&st.db, &caller.access, id, &i.field, &i.message).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// 标记更正申请已处理
#[utoipa::path(post, path = "/workers/{id}/corrections/{cid}/resolve", tag = "社区工作者",
    params(("id" = Uuid, Path, description = "人员"), ("cid" = Uuid, Path, description = "更正申请")),
    responses((status = 200, description = "更正申请", body = shegong_store::entity::correction::Model)))]
pub async fn resolve_correction(
    Ctx { st, caller }: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<shegong_store::entity::correction::Model>> {
    caller.access.require(Permission::ResolveCorrection)?;
    let c = workers::resolve_correction(&st.db, &caller.access, id, cid, None).await?;
    Ok(Json(c))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RejectInput {
    /// 不予更正的理由（告知本人，必填）
    #[serde(default)]
    pub reason: String,
}

/// 不予更正：理由告知本人
#[utoipa::path(post, path = "/workers/{id}/corrections/{cid}/reject", tag = "社区工作者",
    params(("id" = Uuid, Path, description = "人员"), ("cid" = Uuid, Path, description = "更正申请")), request_body = RejectInput,
    responses((status = 200, description = "更正申请", body = shegong_store::entity::correction::Model)))]
pub async fn reject_correction(
    Ctx { st, caller }: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    Json(i): Json<RejectInput>,
) -> ApiResult<Json<shegong_store::entity::correction::Model>> {
    caller.access.require(Permission::ResolveCorrection)?;
    let c = workers::reject_correction(&st.db, &caller.access, id, cid, &i.reason).await?;
    Ok(Json(c))
}

/// 导出名单（Excel，与名单筛选相同）
#[utoipa::path(get, path = "/workers.xlsx", tag = "社区工作者", params(WorkerFilter),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_workers(Ctx { st, caller }: Ctx, Query(q): Query<ListQuery>) -> ApiResult<Response> {
    crate::archive::export::workers_xlsx(&st, &caller, &q.filter).await
}

/// A worker's history, newest first.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct History {
    pub items: Vec<ChangeView>,
}

/// 查找管辖范围内的在岗人员（供人员选择框输入提示）：按姓名、拼音或首字母，完全匹配在前，最多10人；每项为“姓名（尾号1234）”及所在社区。数字不查（按身份证号码查找请用人员列表，并记入审计）
#[utoipa::path(get, path = "/workers/suggest", tag = "社区工作者", params(SuggestQuery),
    responses((status = 200, description = "人员", body = Items<workers::pick::Choice>)))]
pub async fn suggest_workers(
    Ctx { st, caller }: Ctx,
    Query(q): Query<SuggestQuery>,
) -> ApiResult<Json<Items<workers::pick::Choice>>> {
    Ok(Json(Items::new(workers::pick::suggest(&st.db, &caller.scope, &q.q, today()).await?)))
}
