//! A payroll run: computed and stored, with its totals.

use super::compute::{Computed, Problem, compute_month};
use super::{bad, parse_month};
use shegong_domain::status::{RunStatus, Status};

use crate::Db;
use crate::access::Access;
use crate::entity::{payroll_run, payslip};
use crate::error::{Result, StoreError};
use crate::workers::editable;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use shegong_domain::Permission;
use shegong_domain::pay;
use shegong_domain::pay::Component;
use shegong_domain::policy::Fen;
use shegong_domain::{FieldError, RegionCode, RegionLevel};
use uuid::Uuid;

/// A run with its totals, and the workers left out.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RunSummary {
    #[serde(flatten)]
    pub run: payroll_run::Model,
    pub totals: Totals,
    pub problems: Vec<Problem>,
}

/// A run's sums: each pay component (in [`Component::ALL`]'s order), the total, the adjustments
/// after locking, and how many workers fell below the floor. In JSON each component is a field of
/// its own key (`base`, `post_pay`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub components: [Fen; 6],
    pub total: Fen,
    pub adjustments: Fen,
    pub floor_shortfall_workers: i64,
}

impl Totals {
    pub fn of(&self, c: Component) -> Fen {
        self.components[c as usize]
    }
}

impl utoipa::PartialSchema for Totals {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut o = ObjectBuilder::new();
        for key in Component::ALL.iter().map(|c| c.key()).chain(["total", "adjustments", "floor_shortfall_workers"]) {
            o = o.property(key, ObjectBuilder::new().schema_type(Type::Integer)).required(key);
        }
        o.description(Some("各项合计（分）、合计、锁定后的调整和低于保底的人数")).into()
    }
}

impl utoipa::ToSchema for Totals {}

impl Serialize for Totals {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(Component::ALL.len() + 3))?;
        for c in Component::ALL {
            m.serialize_entry(c.key(), &self.of(c))?;
        }
        m.serialize_entry("total", &self.total)?;
        m.serialize_entry("adjustments", &self.adjustments)?;
        m.serialize_entry("floor_shortfall_workers", &self.floor_shortfall_workers)?;
        m.end()
    }
}

/// Computes (or recomputes, while not locked) the month for a region in scope and stores it, in one
/// transaction. Runs may not overlap: a street's month cannot be run inside a county's run.
pub async fn run(db: &Db, access: &Access, region: &str, month: &str) -> Result<RunSummary> {
    access.require(Permission::RunPayroll)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let first = parse_month(month)?;
    shegong_domain::dates::month_begun("month", "发薪月份", first, crate::clock::today())
        .map_err(StoreError::invalid)?;
    let month = first.format("%Y-%m").to_string();
    let region = RegionCode::parse(region)
        .ok()
        .filter(|r| scope.allows_region(r.as_str()) && r.level() <= RegionLevel::Street)
        .ok_or_else(|| bad("region_out_of_scope", "region", "发薪区划应为您管辖范围内的街道（乡镇）或以上区划"))?;
    let policy = crate::policies::require_in_force(&db.conn, region.as_str(), first).await?;
    let txn = db.begin_write().await?;
    let province = region.province().to_string();
    Db::lock_province(&txn, &province).await?;
    let same_month = payroll_run::Entity::find()
        .filter(payroll_run::Column::ProvinceCode.eq(&province))
        .filter(payroll_run::Column::Month.eq(&month))
        .all(&txn)
        .await?;
    let mut previous = None;
    for r in same_month {
        if r.region_code == region.as_str() {
            if RunStatus::parse(&r.status).is_some_and(|s| !s.may_recompute()) {
                return Err(StoreError::Conflict(FieldError::new(
                    "payroll_locked",
                    "month",
                    format!("{month}的薪酬已锁定，不能重算；如需更正请添加调整项"),
                )));
            }
            // A reviewed month is not quietly recomputed under its reviewer: it is sent back first.
            if r.status == RunStatus::Reviewed.as_str() {
                return Err(StoreError::Conflict(FieldError::new(
                    "payroll_reviewed",
                    "month",
                    format!(
                        "{month}的薪酬已由{}审核，重算会作废审核结果；如需重算，请先“退回”",
                        r.reviewed_by.as_deref().unwrap_or("他人")
                    ),
                )));
            }
            previous = Some(r);
        } else if r.region_code.starts_with(region.as_str()) || region.as_str().starts_with(&r.region_code) {
            return Err(StoreError::Conflict(FieldError::new(
                "payroll_overlap",
                "region",
                // The other run's region is named only when the caller can see it.
                if scope.allows_region(&r.region_code) {
                    format!("{month}已有覆盖该区划的薪酬计算（区划 {}），不能重复发放", r.region_code)
                } else {
                    format!("{month}的薪酬已由上级区划统一计算，不能重复发放")
                },
            )));
        }
    }
    let (computed, problems) = compute_month(crate::scan::Source::In(&*txn), region.as_str(), first, None).await?;
    if let Some(p) = &previous {
        payslip::Entity::delete_many()
            .filter(payslip::Column::ProvinceCode.eq(&province))
            .filter(payslip::Column::RunId.eq(p.id))
            .exec(&txn)
            .await?;
        payroll_run::Entity::delete_many()
            .filter(payroll_run::Column::ProvinceCode.eq(&province))
            .filter(payroll_run::Column::Id.eq(p.id))
            .exec(&txn)
            .await?;
    }
    let total: Fen = computed.iter().map(|c| c.slip.total).sum();
    let run = payroll_run::ActiveModel {
        province_code: Set(province.clone()),
        id: Set(Uuid::now_v7()),
        region_code: Set(region.to_string()),
        month: Set(month.clone()),
        status: Set(RunStatus::Computed.as_str().into()),
        policy_name: Set(policy.name.clone()),
        policy_version: Set(policy.version),
        workers: Set(computed.len() as i32),
        total_fen: Set(total),
        skipped: Set(problems.len() as i32),
        created_by: Set(actor.username.clone()),
        created_at: Set(Utc::now()),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        locked_by: Set(None),
        locked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    store_slips(&txn, &run, &computed).await?;
    crate::audit::entry(actor, "payroll.compute", region.as_str())
        .target(run.id)
        .detail(format!("{month} {} 人 {} 元", computed.len(), pay::yuan(total)))
        .save(&txn)
        .await?;
    txn.commit().await?;
    let totals = totals_of(&computed);
    Ok(RunSummary { run, totals, problems })
}

async fn store_slips(db: &impl ConnectionTrait, run: &payroll_run::Model, computed: &[Computed]) -> Result<()> {
    crate::bulk::insert(db, "payslips", &slip_columns(), slip_rows(run, computed)).await?;
    Ok(())
}

/// The payslips' columns, in the order of [`slip_rows`].
pub(crate) fn slip_columns() -> Vec<&'static str> {
    let mut cols = vec!["province_code", "id", "run_id", "worker_id", "region_code", "month", "post_category", "level"];
    cols.extend(Component::ALL.map(Component::column));
    cols.extend(["total_fen", "floor_shortfall_fen"]);
    cols
}

/// The run's payslips as rows of [`slip_columns`], written by one multi-row INSERT per chunk: the
/// statement builder's per-value cost dominated a year of province payroll (480,000 rows).
pub(crate) fn slip_rows<'a>(
    run: &payroll_run::Model,
    computed: impl IntoIterator<Item = &'a Computed>,
) -> Vec<Vec<sea_orm::Value>> {
    use sea_orm::Value;
    computed
        .into_iter()
        .map(|c| {
            let mut v = vec![
                Value::from(c.province_code.clone()),
                Value::from(Uuid::now_v7()),
                Value::from(run.id),
                Value::from(c.worker_id),
                Value::from(c.region_code.clone()),
                Value::from(run.month.clone()),
                Value::from(c.post.clone()),
                Value::from(c.slip.level as i32),
            ];
            v.extend(c.slip.components().map(Value::from));
            v.extend([Value::from(c.slip.total), Value::from(c.floor_shortfall)]);
            v
        })
        .collect()
}

pub(super) fn totals_of(c: &[Computed]) -> Totals {
    let mut t = Totals::default();
    for x in c {
        for (sum, fen) in t.components.iter_mut().zip(x.slip.components()) {
            *sum += fen;
        }
        t.total += x.slip.total;
        t.floor_shortfall_workers += i64::from(x.floor_shortfall > 0);
    }
    t
}
