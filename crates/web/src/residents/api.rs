//! Work among residents as JSON: households (masked list, audited full record, edit, import, care
//! alerts), visits and who is behind, micro-wishes and their steps.
use crate::auth::Ctx;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, PageQuery, Path, Query};
use crate::imports::api::read_upload;
use crate::query::{Items, Paged, RegionQuery, region_of};
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::visits::period_of;
use shegong_domain::wishes::WishFigures;
use shegong_domain::{FieldError, Permission};
use shegong_store::entity::{
    deliberation_item, deliberation_meeting, deliberation_place, deliberation_topic, household, service_role, visit,
    window_duty, wish,
};
use shegong_store::residents::{
    self, Board, CareAlert, ComplianceReport, DeliberationReport, DutyDayInput, HouseholdFilter, HouseholdImport,
    HouseholdInput, HouseholdRow, HouseholdView, ItemDone, MeetingInput, PlaceInput, RoleInput, TopicInput,
    VisitFilter, VisitInput, VisitRow, WindowReport, WishFilter, WishInput, WishRow, WishStepInput,
};
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HouseholdListQuery {
    #[serde(flatten)]
    pub filter: HouseholdFilter,
    #[serde(flatten)]
    pub paging: PageQuery,
}

/// 住户列表（本辖区；社区工作者为本人负责的住户）。户主姓名、电话、联户长均脱敏
#[utoipa::path(get, path = "/households", tag = "服务群众", params(HouseholdFilter, PageQuery),
    responses((status = 200, description = "住户", body = Paged<HouseholdRow>)))]
pub async fn list_households(
    Ctx { st, caller }: Ctx,
    Query(q): Query<HouseholdListQuery>,
) -> ApiResult<Json<Paged<HouseholdRow>>> {
    let (page, per_page) = q.paging.paging(50, 500)?;
    let (items, total) = residents::list(&st.db, &caller.access, &q.filter, page, per_page, today()).await?;
    Ok(Json(Paged { items, total, page, per_page, next: None }))
}

/// 登记住户（地址、户主、电话、人口、关爱标签、负责社工、联户长）
#[utoipa::path(post, path = "/households", tag = "服务群众", request_body = HouseholdInput,
    responses((status = 201, description = "已登记", body = household::Model)))]
pub async fn add_household(Ctx { st, caller }: Ctx, Json(i): Json<HouseholdInput>) -> ApiResult<Response> {
    let h = residents::add(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(h)).into_response())
}

/// 一户的完整信息、变动记录和最近的走访（限所在社区及以上、负责的社区工作者；每次查看记入审计日志）
#[utoipa::path(get, path = "/households/{id}", tag = "服务群众", params(("id" = Uuid, Path)),
    responses((status = 200, description = "住户", body = HouseholdView)))]
pub async fn get_household(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<HouseholdView>> {
    Ok(Json(residents::get(&st.db, &caller.access, id, today()).await?))
}

/// 修改住户信息（带上读取时的 version；他人已改则 409）
#[utoipa::path(put, path = "/households/{id}", tag = "服务群众", params(("id" = Uuid, Path)),
    request_body = HouseholdInput,
    responses((status = 200, description = "已修改", body = household::Model)))]
pub async fn update_household(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<HouseholdInput>,
) -> ApiResult<Json<household::Model>> {
    Ok(Json(residents::update(&st.db, &caller.access, id, &i, today()).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DryRun {
    /// true：只检查，不写入
    pub dry_run: bool,
}

pub(crate) fn refusal(o: &HouseholdImport) -> AppError {
    crate::imports::api::file_refusal("household_file", &o.errors)
}

/// 导入住户名册（multipart，字段 file：.xlsx 或 .csv；列同导出的住户名册）。按网格和地址对应：新的登记，有变化的修改，相同的不变；全部无误才写入
#[utoipa::path(post, path = "/households/import", tag = "服务群众", params(DryRun),
    request_body(content_type = "multipart/form-data", description = "file：住户名册"),
    responses((status = 200, description = "结果", body = HouseholdImport)))]
pub async fn import_households(
    Ctx { st, caller }: Ctx,
    Query(q): Query<DryRun>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<HouseholdImport>> {
    caller.access.require(Permission::ManageHouseholds)?;
    let m = m.map_err(|_| {
        AppError::Invalid(vec![FieldError::new(
            "household_file",
            "file",
            "请以 multipart/form-data 上传文件（字段 file）",
        )])
    })?;
    let up = read_upload(m).await?;
    let rows = shegong_store::imports::read_rows(&up.filename, &up.bytes)?;
    let o = residents::import(&st.db, &caller.access, &rows, q.dry_run, today()).await?;
    if o.errors.is_empty() { Ok(Json(o)) } else { Err(refusal(&o)) }
}

/// 逾期未走访的关爱户（按应走访日期，最早的在前；户主脱敏）
#[utoipa::path(get, path = "/households/care-alerts", tag = "服务群众", params(RegionQuery),
    responses((status = 200, description = "逾期的关爱户", body = Items<CareAlert>)))]
pub async fn care_alerts(Ctx { st, caller }: Ctx, Query(q): Query<RegionQuery>) -> ApiResult<Json<Items<CareAlert>>> {
    let region = q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(region_of).transpose()?;
    Ok(Json(Items::new(residents::care_alerts(&st.db, &caller.access, region.as_ref(), today()).await?)))
}

/// 登记走访、排查、巡查或谈心（社区工作者登记本人的；可同时把发现的问题上报为民情事件）
#[utoipa::path(post, path = "/visits", tag = "服务群众", request_body = VisitInput,
    responses((status = 201, description = "已登记", body = visit::Model)))]
pub async fn record_visit(Ctx { st, caller }: Ctx, Json(i): Json<VisitInput>) -> ApiResult<Response> {
    let v = residents::record(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisitListQuery {
    #[serde(flatten)]
    pub filter: VisitFilter,
    #[serde(flatten)]
    pub paging: PageQuery,
}

/// 走访记录（本辖区；社区工作者为本人的），按日期倒序
#[utoipa::path(get, path = "/visits", tag = "服务群众", params(VisitFilter, PageQuery),
    responses((status = 200, description = "走访记录", body = Paged<VisitRow>)))]
pub async fn list_visits(Ctx { st, caller }: Ctx, Query(q): Query<VisitListQuery>) -> ApiResult<Json<Paged<VisitRow>>> {
    let (page, per_page) = q.paging.paging(50, 500)?;
    let (items, total) = residents::visits(&st.db, &caller.access, &q.filter, page, per_page).await?;
    Ok(Json(Paged { items, total, page, per_page, next: None }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PeriodQuery {
    pub region: Option<String>,
    /// 周：2026-W48（默认本周）
    pub week: Option<String>,
    /// 月：2026-11
    pub month: Option<String>,
    /// 年：2026
    pub year: Option<String>,
}

/// 走访排查达标情况：本辖区每名在岗社区工作者在一周（或一月、一年）内应完成、已完成和差额，各社区汇总，网格住户走访覆盖
#[utoipa::path(get, path = "/visits/compliance", tag = "服务群众", params(PeriodQuery),
    responses((status = 200, description = "达标情况", body = ComplianceReport)))]
pub async fn compliance(Ctx { st, caller }: Ctx, Query(q): Query<PeriodQuery>) -> ApiResult<Json<ComplianceReport>> {
    let period = period_of(q.week.as_deref(), q.month.as_deref(), q.year.as_deref(), today())?;
    let region = q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(region_of).transpose()?;
    Ok(Json(residents::compliance(&st.db, &caller.access, region.as_ref(), period, today()).await?))
}

/// 登记微心愿（待认领）
#[utoipa::path(post, path = "/wishes", tag = "服务群众", request_body = WishInput,
    responses((status = 201, description = "已登记", body = wish::Model)))]
pub async fn post_wish(Ctx { st, caller }: Ctx, Json(i): Json<WishInput>) -> ApiResult<Response> {
    let w = residents::post(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(w)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WishListQuery {
    #[serde(flatten)]
    pub filter: WishFilter,
    #[serde(flatten)]
    pub paging: PageQuery,
}

/// 微心愿（本辖区；居民姓名脱敏），按登记时间倒序
#[utoipa::path(get, path = "/wishes", tag = "服务群众", params(WishFilter, PageQuery),
    responses((status = 200, description = "微心愿", body = Paged<WishRow>)))]
pub async fn list_wishes(Ctx { st, caller }: Ctx, Query(q): Query<WishListQuery>) -> ApiResult<Json<Paged<WishRow>>> {
    let (page, per_page) = q.paging.paging(50, 500)?;
    let (items, total) = residents::wishes(&st.db, &caller.access, &q.filter, page, per_page).await?;
    Ok(Json(Paged { items, total, page, per_page, next: None }))
}

/// 微心愿统计：发布、认领、实现、办结和平均实现天数
#[utoipa::path(get, path = "/wishes/figures", tag = "服务群众", params(RegionQuery),
    responses((status = 200, description = "统计", body = WishFigures)))]
pub async fn wish_figures(Ctx { st, caller }: Ctx, Query(q): Query<RegionQuery>) -> ApiResult<Json<WishFigures>> {
    Ok(Json(residents::wish_figures(&st.db, &caller.access, q.region.as_deref()).await?))
}

/// 认领微心愿（认领人类别和姓名或单位名称）
#[utoipa::path(post, path = "/wishes/{id}/claim", tag = "服务群众", params(("id" = Uuid, Path)),
    request_body = WishStepInput, responses((status = 200, description = "已认领", body = wish::Model)))]
pub async fn claim_wish(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<WishStepInput>,
) -> ApiResult<Json<wish::Model>> {
    Ok(Json(residents::claim(&st.db, &caller.access, id, &i).await?))
}

/// 登记微心愿已实现（note：实现情况）
#[utoipa::path(post, path = "/wishes/{id}/fulfil", tag = "服务群众", params(("id" = Uuid, Path)),
    request_body = WishStepInput, responses((status = 200, description = "已实现", body = wish::Model)))]
pub async fn fulfil_wish(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<WishStepInput>,
) -> ApiResult<Json<wish::Model>> {
    Ok(Json(residents::fulfil(&st.db, &caller.access, id, &i).await?))
}

/// 居民确认，微心愿办结
#[utoipa::path(post, path = "/wishes/{id}/confirm", tag = "服务群众", params(("id" = Uuid, Path)),
    request_body = WishStepInput, responses((status = 200, description = "已办结", body = wish::Model)))]
pub async fn confirm_wish(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<WishStepInput>,
) -> ApiResult<Json<wish::Model>> {
    Ok(Json(residents::confirm(&st.db, &caller.access, id, &i).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DeliberationQuery {
    pub region: Option<String>,
    /// 自此日期起计 YYYY-MM-DD（默认全部）
    pub from: Option<String>,
}

/// 居民议事统计：议事场所、议事活动、议题、协调解决问题（跟进事项办结）、未办结和超期的事项，及各社区
#[utoipa::path(get, path = "/deliberation", tag = "服务群众", params(DeliberationQuery),
    responses((status = 200, description = "统计", body = DeliberationReport)))]
pub async fn deliberation(
    Ctx { st, caller }: Ctx,
    Query(q): Query<DeliberationQuery>,
) -> ApiResult<Json<DeliberationReport>> {
    let region = q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(region_of).transpose()?;
    let from = match q.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(shegong_domain::worker::parse_date("from", "起始日期", s)?),
        None => None,
    };
    Ok(Json(residents::deliberation_figures(&st.db, &caller.access, region.as_ref(), from, today()).await?))
}

/// 一个社区的居民议事：场所和说事长、待议议题、最近的议事活动及跟进事项、未办结事项
#[utoipa::path(get, path = "/deliberation/board", tag = "服务群众", params(RegionQuery),
    responses((status = 200, description = "社区居民议事", body = Board)))]
pub async fn deliberation_board(Ctx { st, caller }: Ctx, Query(q): Query<RegionQuery>) -> ApiResult<Json<Board>> {
    let region = q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(region_of).transpose()?;
    Ok(Json(residents::board(&st.db, &caller.access, region.as_ref()).await?))
}

/// 设立议事场所（议事厅、说事小院、楼道议事点）及说事长
#[utoipa::path(post, path = "/deliberation/places", tag = "服务群众", request_body = PlaceInput,
    responses((status = 201, description = "已设立", body = deliberation_place::Model)))]
pub async fn add_place(Ctx { st, caller }: Ctx, Json(i): Json<PlaceInput>) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(residents::add_place(&st.db, &caller.access, &i).await?)).into_response())
}

/// 登记居民提出的议题（待议）
#[utoipa::path(post, path = "/deliberation/topics", tag = "服务群众", request_body = TopicInput,
    responses((status = 201, description = "已登记", body = deliberation_topic::Model)))]
pub async fn raise_topic(Ctx { st, caller }: Ctx, Json(i): Json<TopicInput>) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(residents::raise_topic(&st.db, &caller.access, &i, today()).await?)).into_response())
}

/// 登记议事活动：讨论的议题、议定事项、跟进事项（责任人、期限）
#[utoipa::path(post, path = "/deliberation/meetings", tag = "服务群众", request_body = MeetingInput,
    responses((status = 201, description = "已登记", body = deliberation_meeting::Model)))]
pub async fn hold_meeting(Ctx { st, caller }: Ctx, Json(i): Json<MeetingInput>) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(residents::hold_meeting(&st.db, &caller.access, &i, today()).await?)).into_response())
}

/// 跟进事项办结（填写办理结果）
#[utoipa::path(post, path = "/deliberation/items/{id}/done", tag = "服务群众", params(("id" = Uuid, Path)),
    request_body = ItemDone, responses((status = 200, description = "已办结", body = deliberation_item::Model)))]
pub async fn close_item(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<ItemDone>,
) -> ApiResult<Json<deliberation_item::Model>> {
    Ok(Json(residents::close_item(&st.db, &caller.access, id, &i, today()).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct WindowQuery {
    /// 社区代码（社区书记、社区工作者省略）
    pub region: Option<String>,
    /// 月：2026-11（默认本月）
    pub month: Option<String>,
}

/// 一个社区的服务岗位（对照政策占比）和综合岗窗口值班表（逐日在岗人数、低于最少人数的缺口）
#[utoipa::path(get, path = "/window", tag = "服务群众", params(WindowQuery),
    responses((status = 200, description = "服务岗位和窗口值班", body = WindowReport)))]
pub async fn window(Ctx { st, caller }: Ctx, Query(q): Query<WindowQuery>) -> ApiResult<Json<WindowReport>> {
    let on = today();
    let month = q.month.clone().unwrap_or_else(|| on.format("%Y-%m").to_string());
    let period = period_of(None, Some(&month), None, on)?;
    let region = q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(region_of).transpose()?;
    Ok(Json(residents::window(&st.db, &caller.access, region.as_ref(), period).await?))
}

/// 排定某一天的窗口值班（替换当天的排班）
#[utoipa::path(put, path = "/window/days", tag = "服务群众", request_body = DutyDayInput,
    responses((status = 200, description = "当天的值班", body = Items<window_duty::Model>)))]
pub async fn set_window_day(
    Ctx { st, caller }: Ctx,
    Json(i): Json<DutyDayInput>,
) -> ApiResult<Json<Items<window_duty::Model>>> {
    Ok(Json(Items::new(residents::set_day(&st.db, &caller.access, &i, today()).await?)))
}

/// 设定社区工作者的服务岗位（自今日起；空则取消）
#[utoipa::path(post, path = "/workers/{id}/service-role", tag = "服务群众", params(("id" = Uuid, Path)),
    request_body = RoleInput, responses((status = 200, description = "现任服务岗位", body = Option<service_role::Model>)))]
pub async fn set_service_role(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<RoleInput>,
) -> ApiResult<Json<Option<service_role::Model>>> {
    Ok(Json(residents::set_role(&st.db, &caller.access, id, &i, today()).await?))
}
