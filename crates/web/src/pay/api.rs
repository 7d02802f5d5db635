//! Payroll as JSON: runs, review, lock, adjustments, the sheet, a worker's payslips and level, the budget.
use crate::query::region_of;

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::PageQuery;
use crate::extract::{Path, Query};
use crate::query::Items;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::pay::parse_yuan;
use shegong_store::entity::payroll_run::Model as PayrollRun;
use shegong_store::payroll;
use uuid::Uuid;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct BudgetQuery {
    pub year: Option<i32>,
    pub reference_wage_change_pct: Option<f64>,
    pub start_pct: Option<f64>,
    pub step_pct: Option<f64>,
    pub certificate_junior_yuan: Option<i64>,
    pub certificate_intermediate_yuan: Option<i64>,
    pub certificate_senior_yuan: Option<i64>,
}

impl BudgetQuery {
    pub fn what_if(&self) -> payroll::WhatIf {
        use shegong_domain::worker::CertificateLevel::*;
        let mut w = payroll::WhatIf {
            reference_wage_change_pct: self.reference_wage_change_pct,
            start_pct: self.start_pct,
            step_pct: self.step_pct,
            ..Default::default()
        };
        for (l, v) in [
            (Junior, self.certificate_junior_yuan),
            (Intermediate, self.certificate_intermediate_yuan),
            (Senior, self.certificate_senior_yuan),
        ] {
            if let Some(v) = v {
                w.certificate_allowance_yuan.insert(l, v);
            }
        }
        w
    }
}

/// 年度薪酬预算及测算（不改变任何数据），按下级区划列出差额
#[utoipa::path(get, path = "/regions/{code}/budget", tag = "薪酬", params(("code" = String, Path, description = "区划代码"), BudgetQuery),
    responses((status = 200, description = "预算", body = payroll::Budget)))]
pub async fn region_budget(
    Ctx { st, caller }: Ctx,
    Path(code): Path<String>,
    Query(q): Query<BudgetQuery>,
) -> ApiResult<Json<payroll::Budget>> {
    caller.access.require(Permission::ViewBudget)?;
    let code = region_of(&code)?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&today()));
    let b = payroll::budget(&st.db, &caller.access, &code, year, &q.what_if()).await?;
    Ok(Json(b))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct RunInput {
    pub region: String,
    pub month: String,
}

/// 计算某区划某月薪酬（未锁定时可重算）
#[utoipa::path(post, path = "/payroll/runs", tag = "薪酬", request_body = RunInput,
    responses((status = 201, description = "计算结果、各项合计（分）和未能计算的人员", body = payroll::RunSummary)))]
pub async fn create_run(State(st): State<AppState>, caller: Caller, Json(i): Json<RunInput>) -> ApiResult<Response> {
    caller.access.require(Permission::RunPayroll)?;
    let region =
        if i.region.trim().is_empty() { caller.scope.region().to_string() } else { i.region.trim().to_string() };
    let s = payroll::run(&st.db, &caller.access, &region, &i.month).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// 管辖范围内的月度薪酬
#[utoipa::path(get, path = "/payroll/runs", tag = "薪酬",
    responses((status = 200, description = "列表", body = Items<PayrollRun>)))]
pub async fn list_runs(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Items<PayrollRun>>> {
    Ok(Json(Items::new(payroll::list(&st.db, &caller.scope).await?)))
}

/// 月度薪酬：各项合计与工资条（分页）
#[utoipa::path(get, path = "/payroll/runs/{id}", tag = "薪酬", params(("id" = Uuid, Path, description = "月度薪酬"), PageQuery),
    responses((status = 200, description = "月度薪酬", body = RunDetail)))]
pub async fn get_run(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<RunDetail>> {
    let (run, totals) = payroll::get(&st.db, &caller.scope, id).await?;
    let (page, per) = q.paging(50, 500)?;
    let (slips, total) = payroll::slips(&st.db, &caller.scope, id, page, per).await?;
    let payslips = slips.into_iter().map(|(slip, name)| NamedPayslip { slip, name }).collect();
    Ok(Json(RunDetail { run, totals, payslips, total }))
}

/// 审核（已计算 → 已审核）
#[utoipa::path(post, path = "/payroll/runs/{id}/review", tag = "薪酬", params(("id" = Uuid, Path, description = "月度薪酬")),
    responses((status = 200, description = "月度薪酬", body = PayrollRun)))]
pub async fn review_run(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<PayrollRun>> {
    caller.access.require(Permission::RunPayroll)?;
    Ok(Json(payroll::review(&st.db, &caller.access, id).await?))
}

/// 锁定（已审核 → 已锁定，此后只能加调整项）
#[utoipa::path(post, path = "/payroll/runs/{id}/lock", tag = "薪酬", params(("id" = Uuid, Path, description = "月度薪酬")),
    responses((status = 200, description = "月度薪酬", body = PayrollRun)))]
pub async fn lock_run(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<PayrollRun>> {
    caller.access.require(Permission::RunPayroll)?;
    Ok(Json(payroll::lock(&st.db, &caller.access, id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct AdjustInput {
    pub worker_id: Option<Uuid>,
    pub amount_yuan: String,
    pub reason: String,
}

/// 已锁定月份的调整项
#[utoipa::path(post, path = "/payroll/runs/{id}/adjustments", tag = "薪酬", params(("id" = Uuid, Path, description = "月度薪酬")), request_body = AdjustInput,
    responses((status = 201, description = "调整项", body = shegong_store::entity::payslip_adjustment::Model)))]
pub async fn adjust_run(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Json(i): Json<AdjustInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::RunPayroll)?;
    let worker = i.worker_id.ok_or_else(|| FieldError::new("adjust_worker", "worker_id", "请指定人员"))?;
    let fen = parse_yuan(&i.amount_yuan)
        .ok_or_else(|| FieldError::new("adjust_amount", "amount_yuan", "调整金额应为元金额，最多两位小数"))?;
    let m = payroll::adjust(&st.db, &caller.access, id, worker, fen, &i.reason).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// 导出工资表（Excel）
#[utoipa::path(get, path = "/payroll/runs/{id}/payslips.xlsx", tag = "薪酬", params(("id" = Uuid, Path, description = "月度薪酬")),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn run_xlsx(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Response> {
    crate::pay::export::paysheet_xlsx(&st, &caller, id).await
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct MonthQuery {
    pub month: Option<String>,
}

/// 本人或管辖范围内人员的工资条：各项（分）与合计；给出 month 时为该月工资条（另附 items）
#[utoipa::path(get, path = "/workers/{id}/payslips", tag = "薪酬", params(("id" = Uuid, Path, description = "人员"), MonthQuery),
    responses((status = 200, description = "工资条", body = WorkerPayslips)))]
pub async fn worker_payslips(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Json<WorkerPayslips>> {
    let items = payroll::payslips(&st.db, &caller.scope, id, q.month.as_deref()).await?;
    Ok(Json(match q.month {
        Some(_) => WorkerPayslips::Month { month: items.first().cloned().ok_or(AppError::NotFound)?, items },
        None => WorkerPayslips::All(AllPayslips { items }),
    }))
}

/// 按适用政策计算的等级及每次变动的说明
#[utoipa::path(get, path = "/workers/{id}/level", tag = "薪酬", params(("id" = Uuid, Path, description = "人员")),
    responses((status = 200, description = "等级（无适用政策时 level 为空）", body = Level)))]
pub async fn worker_level(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Level>> {
    let l = payroll::level_of(&st.db, &caller.scope, id, today()).await?;
    Ok(Json(Level {
        level: l.as_ref().map(|(l, _)| l.level),
        unit: l.as_ref().map(|(_, u)| u.clone()),
        steps: l.map(|(l, _)| l.steps).unwrap_or_default(),
    }))
}

/// A payslip of the sheet, with the worker's name.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NamedPayslip {
    #[serde(flatten)]
    pub slip: shegong_store::entity::payslip::Model,
    pub name: String,
}

/// A month's run: its totals and one page of its payslips.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RunDetail {
    pub run: PayrollRun,
    pub totals: payroll::Totals,
    pub payslips: Vec<NamedPayslip>,
    /// Payslips in all pages.
    pub total: u64,
}

/// A worker's payslips, newest first; asked for one month, that month's payslip is also given at the
/// top level.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum WorkerPayslips {
    /// One month asked for: its payslip, and every month in `items`.
    Month {
        #[serde(flatten)]
        month: payroll::PayslipView,
        items: Vec<payroll::PayslipView>,
    },
    /// Every month.
    All(AllPayslips),
}

/// Every month's payslip, newest first (and nothing else: told apart from one month's answer).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllPayslips {
    pub items: Vec<payroll::PayslipView>,
}

/// A worker's level under the policy in force, and why.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Level {
    pub level: Option<u32>,
    /// The policy's word for a level: 级 or 档.
    pub unit: Option<String>,
    pub steps: Vec<shegong_domain::pay::LevelStep>,
}
