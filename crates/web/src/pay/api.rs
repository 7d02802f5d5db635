//! Payroll as JSON: runs, review, lock, adjustments, the sheet, a worker's payslips and level, the budget.
use crate::query::region_of;

use crate::auth::Caller;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::PageQuery;
use crate::extract::{Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_domain::pay::parse_yuan;
use shegong_store::payroll;
use uuid::Uuid;

#[derive(Deserialize, Default)]
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

/// `GET /api/v1/regions/{code}/budget?year=&reference_wage_change_pct=…`: the year's cost per child
/// region and the what-if; nothing stored changes.
pub async fn region_budget(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(q): Query<BudgetQuery>,
) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::ViewBudget)?;
    let code = region_of(&code)?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&today()));
    let b = payroll::budget(&st.db, &caller.access, &code, year, &q.what_if()).await?;
    Ok(Json(json!(b)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RunInput {
    pub region: String,
    pub month: String,
}

/// `POST /api/v1/payroll/runs`: computes (or recomputes, unless locked) a month for a region.
pub async fn create_run(State(st): State<AppState>, caller: Caller, Json(i): Json<RunInput>) -> ApiResult<Response> {
    caller.access.require(Permission::RunPayroll)?;
    let region = if i.region.trim().is_empty() {
        caller.scope.region().to_string()
    } else {
        i.region.trim().to_string()
    };
    let s = payroll::run(&st.db, &caller.access, &region, &i.month).await?;
    Ok((StatusCode::CREATED, Json(json!(s))).into_response())
}

/// `GET /api/v1/payroll/runs`.
pub async fn list_runs(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let rows = payroll::list(&st.db, &caller.scope).await?;
    Ok(Json(json!({ "items": rows, "total": rows.len() })))
}

/// `GET /api/v1/payroll/runs/{id}`: totals by component and one page of payslips.
pub async fn get_run(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let (run, totals) = payroll::get(&st.db, &caller.scope, id).await?;
    let (page, per) = q.paging(50, 500)?;
    let (slips, total) = payroll::slips(&st.db, &caller.scope, id, page, per).await?;
    let items: Vec<Value> = slips
        .into_iter()
        .map(|(s, n)| {
            let mut v = json!(s);
            v["name"] = json!(n);
            v
        })
        .collect();
    Ok(Json(
        json!({"run": run, "totals": totals, "payslips": items, "total": total}),
    ))
}

pub async fn review_run(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::RunPayroll)?;
    Ok(Json(json!(payroll::review(&st.db, &caller.access, id).await?)))
}

pub async fn lock_run(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    caller.access.require(Permission::RunPayroll)?;
    Ok(Json(json!(payroll::lock(&st.db, &caller.access, id).await?)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdjustInput {
    pub worker_id: Option<Uuid>,
    pub amount_yuan: String,
    pub reason: String,
}

/// `POST /api/v1/payroll/runs/{id}/adjustments`: a correction line on a locked month.
pub async fn adjust_run(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(i): Json<AdjustInput>,
) -> ApiResult<Response> {
    caller.access.require(Permission::RunPayroll)?;
    let worker = i
        .worker_id
        .ok_or_else(|| FieldError::new("adjust_worker", "worker_id", "请指定人员"))?;
    let fen = parse_yuan(&i.amount_yuan)
        .ok_or_else(|| FieldError::new("adjust_amount", "amount_yuan", "调整金额应为元金额，最多两位小数"))?;
    let m = payroll::adjust(&st.db, &caller.access, id, worker, fen, &i.reason).await?;
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}

/// `GET /api/v1/payroll/runs/{id}/payslips.xlsx`: the pay sheet.
pub async fn run_xlsx(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Response> {
    crate::pay::export::paysheet_xlsx(&st, &caller, id).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MonthQuery {
    pub month: Option<String>,
}

/// `GET /api/v1/workers/{id}/payslips?month=2025-01`: components and total in fen.
pub async fn worker_payslips(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Json<Value>> {
    let items = payroll::payslips(&st.db, &caller.scope, id, q.month.as_deref()).await?;
    if q.month.is_some() {
        if let Some(one) = items.first() {
            let mut v = json!(one);
            v["items"] = json!(items);
            return Ok(Json(v));
        }
        return Err(AppError::NotFound);
    }
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/workers/{id}/level`: the level under the policy in force, explained.
pub async fn worker_level(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let l = payroll::level_of(&st.db, &caller.scope, id, today()).await?;
    Ok(Json(
        json!({ "level": l.as_ref().map(|l| l.level), "steps": l.map(|l| l.steps).unwrap_or_default() }),
    ))
}
