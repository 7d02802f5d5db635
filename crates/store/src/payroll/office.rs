//! What a payroll office hands on: a run's adjustment lines with who made them and when, the
//! subtotals per community, and the rows of the bank's 代发工资 sheet.
use super::review::find;
use crate::Db;
use crate::access::Access;
use crate::entity::{payroll_run, payslip, payslip_adjustment, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use shegong_domain::status::{RunStatus, Status};
use shegong_domain::{FieldError, Permission, Scope};
use std::collections::HashMap;
use uuid::Uuid;

/// One adjustment line of a locked month, with the person's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AdjustmentLine {
    #[serde(flatten)]
    pub line: payslip_adjustment::Model,
    pub name: String,
}

async fn names(
    db: &Db,
    province: &str,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, (String, String, Option<String>, Option<String>)>> {
    type Row = (Uuid, String, String, Option<String>, Option<String>);
    let rows: Vec<Row> = worker::Entity::find()
        .select_only()
        .columns([
            worker::Column::Id,
            worker::Column::Name,
            worker::Column::IdNumber,
            worker::Column::BankName,
            worker::Column::BankAccount,
        ])
        .filter(worker::Column::ProvinceCode.eq(province))
        .filter(worker::Column::Id.is_in(ids))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows.into_iter().map(|(id, n, i, b, a)| (id, (n, i, b, a))).collect())
}

/// The adjustment lines of run `id` in scope, oldest first.
pub async fn adjustment_lines(db: &Db, scope: &Scope, id: Uuid) -> Result<Vec<AdjustmentLine>> {
    let run = find(&db.conn, scope, id).await?;
    let lines = payslip_adjustment::Entity::find()
        .filter(payslip_adjustment::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip_adjustment::Column::RunId.eq(run.id))
        .filter(in_subtree(payslip_adjustment::Column::RegionCode, scope.region().as_str()))
        .order_by_asc(payslip_adjustment::Column::CreatedAt)
        .all(&db.conn)
        .await?;
    let who = names(db, &run.province_code, lines.iter().map(|l| l.worker_id).collect()).await?;
    Ok(lines
        .into_iter()
        .map(|line| AdjustmentLine { name: who.get(&line.worker_id).map(|w| w.0.clone()).unwrap_or_default(), line })
        .collect())
}

/// A community's part of a run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Subtotal {
    pub community_code: String,
    pub workers: i64,
    pub total_fen: i64,
}

/// Headcount and 应发 per community of run `id`, in scope, by community code.
pub async fn subtotals(db: &Db, scope: &Scope, id: Uuid) -> Result<Vec<Subtotal>> {
    let run = find(&db.conn, scope, id).await?;
    let rows: Vec<(String, i64, i64)> = payslip::Entity::find()
        .select_only()
        .column(payslip::Column::RegionCode)
        .column_as(Expr::col(payslip::Column::Id).count(), "n")
        .column_as(Expr::col(payslip::Column::TotalFen).sum().cast_as("bigint"), "t")
        .filter(payslip::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip::Column::RunId.eq(run.id))
        .filter(in_subtree(payslip::Column::RegionCode, scope.region().as_str()))
        .group_by(payslip::Column::RegionCode)
        .order_by_asc(payslip::Column::RegionCode)
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(community_code, workers, total_fen)| Subtotal { community_code, workers, total_fen })
        .collect())
}

/// One line of the bank's sheet: 应发 is the payslip with any additions, 扣款 the deductions among
/// the adjustment lines, 实发 what the bank pays.
#[derive(Debug, Clone)]
pub struct BankRow {
    pub name: String,
    pub id_number: String,
    pub community_code: String,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    pub gross_fen: i64,
    pub deduction_fen: i64,
    pub net_fen: i64,
}

/// The bank's rows of a locked run, by community then name; payroll staff only (whole card and ID
/// numbers).
pub async fn bank_rows(db: &Db, access: &Access, id: Uuid) -> Result<(payroll_run::Model, Vec<BankRow>)> {
    access.require(Permission::RunPayroll)?;
    let scope = &access.scope;
    let run = find(&db.conn, scope, id).await?;
    if run.status != RunStatus::Locked.as_str() {
        return Err(StoreError::Conflict(FieldError::new(
            "payroll_not_locked",
            "status",
            "代发工资表在本月薪酬锁定后生成",
        )));
    }
    let slips = payslip::Entity::find()
        .filter(payslip::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip::Column::RunId.eq(run.id))
        .filter(in_subtree(payslip::Column::RegionCode, scope.region().as_str()))
        .all(&db.conn)
        .await?;
    let mut adjust: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for a in adjustment_lines(db, scope, id).await? {
        let e = adjust.entry(a.line.worker_id).or_default();
        if a.line.amount_fen > 0 {
            e.0 += a.line.amount_fen;
        } else {
            e.1 -= a.line.amount_fen;
        }
    }
    let who = names(db, &run.province_code, slips.iter().map(|s| s.worker_id).collect()).await?;
    let mut rows: Vec<BankRow> = slips
        .into_iter()
        .map(|s| {
            let (plus, minus) = adjust.get(&s.worker_id).copied().unwrap_or_default();
            let (name, id_number, bank_name, bank_account) = who.get(&s.worker_id).cloned().unwrap_or_default();
            BankRow {
                name,
                id_number,
                community_code: s.region_code,
                bank_name,
                bank_account,
                gross_fen: s.total_fen + plus,
                deduction_fen: minus,
                net_fen: s.total_fen + plus - minus,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.community_code.cmp(&b.community_code).then(a.name.cmp(&b.name)));
    Ok((run, rows))
}

/// How many of a run's people (in scope) have no wage card on record: the bank cannot pay them,
/// so the run says so before it is locked and sent.
pub async fn without_card(db: &Db, scope: &Scope, id: Uuid) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    let run = find(&db.conn, scope, id).await?;
    let paid = sea_orm::sea_query::Query::select()
        .column(payslip::Column::WorkerId)
        .from(payslip::Entity)
        .and_where(payslip::Column::ProvinceCode.eq(&run.province_code))
        .and_where(payslip::Column::RunId.eq(run.id))
        .to_owned();
    Ok(worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(&run.province_code))
        .filter(in_subtree(worker::Column::RegionCode, scope.region().as_str()))
        .filter(worker::Column::Id.in_subquery(paid))
        .filter(
            sea_orm::Condition::any()
                .add(worker::Column::BankAccount.is_null())
                .add(worker::Column::BankAccount.eq("")),
        )
        .count(&db.conn)
        .await?)
}

/// Runs among `ids` (in scope) by what people call them (2026-11 月度薪酬), for the audit log.
pub async fn labels_of(db: &Db, scope: &Scope, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>> {
    if ids.is_empty() || scope.only_worker().is_some() {
        return Ok(HashMap::new());
    }
    Ok(payroll_run::Entity::find()
        .filter(payroll_run::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(payroll_run::Column::RegionCode, scope.region().as_str()))
        .filter(payroll_run::Column::Id.is_in(ids.into_iter().take(500)))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|r| (r.id, format!("{} 月度薪酬", r.month)))
        .collect())
}
