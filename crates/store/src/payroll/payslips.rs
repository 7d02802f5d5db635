//! A worker's payslips and the components they show, and a worker's level on a date.

use super::parse_month;
use shegong_domain::status::{RunStatus, Status};

use crate::Db;
use crate::entity::{assessment, payroll_run, payslip, payslip_adjustment};
use crate::error::Result;
use crate::workers::find_scoped;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use shegong_domain::Scope;
use shegong_domain::career::Grade;
use shegong_domain::codes::education_bracket;
use shegong_domain::pay::{self, PayInput};
use shegong_domain::policy::Fen;
use shegong_domain::worker::CertificateLevel;
use std::collections::HashMap;
use uuid::Uuid;

/// A worker's payslip for a month: the stored components, the adjustment lines, and what is paid.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayslipView {
    pub month: String,
    pub status: String,
    pub policy: String,
    pub level: i32,
    pub components: Vec<Component>,
    #[schema(value_type = i64)]
    pub total: Fen,
    pub adjustments: Vec<payslip_adjustment::Model>,
    /// Total plus adjustments.
    #[schema(value_type = i64)]
    pub paid: Fen,
    #[schema(value_type = i64)]
    pub floor_shortfall: Fen,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Component {
    pub key: &'static str,
    pub label: &'static str,
    #[schema(value_type = i64)]
    pub fen: Fen,
}

/// A stored payslip's amount of one component.
pub fn fen_of(s: &payslip::Model, c: pay::Component) -> Fen {
    match c {
        pay::Component::Base => s.base_fen,
        pay::Component::PostPay => s.post_pay_fen,
        pay::Component::Allowance => s.allowance_fen,
        pay::Component::Education => s.education_fen,
        pay::Component::Certificate => s.certificate_fen,
        pay::Component::Performance => s.performance_fen,
    }
}

pub fn components_of(s: &payslip::Model) -> Vec<Component> {
    pay::Component::ALL.iter().map(|&c| Component { key: c.key(), label: c.label(), fen: fen_of(s, c) }).collect()
}

/// The worker's payslips (one month, or every month newest first).
pub async fn payslips(db: &Db, scope: &Scope, worker_id: Uuid, month: Option<&str>) -> Result<Vec<PayslipView>> {
    let w = find_scoped(&db.conn, scope, worker_id).await?;
    let mut q = payslip::Entity::find()
        .filter(payslip::Column::ProvinceCode.eq(&w.province_code))
        .filter(payslip::Column::WorkerId.eq(worker_id));
    if let Some(m) = month {
        let m = parse_month(m)?.format("%Y-%m").to_string();
        q = q.filter(payslip::Column::Month.eq(m));
    }
    let mut slips = q.order_by_desc(payslip::Column::Month).limit(120).all(&db.conn).await?;
    let runs: HashMap<Uuid, payroll_run::Model> = payroll_run::Entity::find()
        .filter(payroll_run::Column::ProvinceCode.eq(&w.province_code))
        .filter(payroll_run::Column::Id.is_in(slips.iter().map(|s| s.run_id).collect::<Vec<_>>()))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    // A worker sees a month once it is locked: figures still being computed or reviewed may change.
    if scope.only_worker().is_some() {
        slips.retain(|s| runs.get(&s.run_id).is_some_and(|r| r.status == RunStatus::Locked.as_str()));
    }
    let adjustments = payslip_adjustment::Entity::find()
        .filter(payslip_adjustment::Column::ProvinceCode.eq(&w.province_code))
        .filter(payslip_adjustment::Column::WorkerId.eq(worker_id))
        .all(&db.conn)
        .await?;
    Ok(slips
        .into_iter()
        .map(|s| {
            let adj: Vec<_> = adjustments.iter().filter(|a| a.run_id == s.run_id).cloned().collect();
            let run = runs.get(&s.run_id);
            PayslipView {
                month: s.month.clone(),
                status: run.map_or(RunStatus::Computed.as_str().into(), |r| r.status.clone()),
                policy: run.map_or(String::new(), |r| format!("{} v{}", r.policy_name, r.policy_version)),
                level: s.level,
                components: components_of(&s),
                total: s.total_fen,
                paid: s.total_fen + adj.iter().map(|a| a.amount_fen).sum::<i64>(),
                adjustments: adj,
                floor_shortfall: s.floor_shortfall_fen,
            }
        })
        .collect())
}

/// A worker's level today under the policy in force, step by step.
pub async fn level_of(
    db: &Db,
    scope: &Scope,
    worker_id: Uuid,
    on: NaiveDate,
) -> Result<Option<(pay::LevelResult, String)>> {
    let w = find_scoped(&db.conn, scope, worker_id).await?;
    let Some(f) = crate::policies::in_force(&db.conn, &w.region_code, on).await? else {
        return Ok(None);
    };
    let grades: Vec<(i32, Grade)> = assessment::Entity::find()
        .filter(assessment::Column::ProvinceCode.eq(&w.province_code))
        .filter(assessment::Column::WorkerId.eq(worker_id))
        .all(&db.conn)
        .await?
        .into_iter()
        .filter_map(|a| Grade::parse(&a.grade).map(|g| (a.year, g)))
        .collect();
    let input = PayInput {
        post: &w.post_category,
        education: w.highest_education.as_deref().map(|e| education_bracket(e).into()),
        certificate: w
            .certificate_level
            .as_deref()
            .and_then(|c| CertificateLevel::ALL.into_iter().find(|l| l.as_str() == c)),
        service_start: w.service_start.unwrap_or(on),
        grades: &grades,
    };
    Ok(pay::level(&f.policy, &input, on).ok().map(|l| (l, f.policy.pay.unit.clone())))
}
