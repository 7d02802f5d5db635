//! Monthly payroll (月度薪酬): compute a month for a region under the policies in force, review,
//! lock. A locked month never changes; a correction is a new adjustment line. The same
//! computation, unstored and with changed parameters, answers the budget's what-if.

use crate::Db;
use crate::access::Access;
use crate::entity::{assessment, payroll_run, payslip, payslip_adjustment, region, worker};
use crate::error::{Result, StoreError};
use crate::policies::{Resolver, Wages};
use crate::regions::in_subtree;
use crate::workers::{editable, find_scoped};
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_domain::career::Grade;
use shegong_domain::codes::education_bracket;
use shegong_domain::pay::{self, PayInput, Payslip};
use shegong_domain::policy::{BasePay, EducationKey, Fen, Policy};
use shegong_domain::worker::CertificateLevel;
use shegong_domain::{FieldError, RegionCode, RegionLevel, Scope};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use uuid::Uuid;

pub const STATUSES: [(&str, &str); 3] = [("computed", "已计算"), ("reviewed", "已审核"), ("locked", "已锁定")];

pub fn status_label(s: &str) -> &str {
    STATUSES.iter().find(|(k, _)| *k == s).map_or(s, |(_, l)| l)
}

fn bad(code: &'static str, field: &'static str, msg: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, msg))
}

/// `YYYY-MM` to the month's first day.
pub fn parse_month(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .ok()
        .filter(|_| s.trim().len() == 7)
        .ok_or_else(|| bad("month_invalid", "month", "月份格式应为 YYYY-MM，例如 2025-01"))
}

/// Changes to try in a budget what-if; nothing stored changes.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WhatIf {
    /// Per-cent change of every reference wage (e.g. 5 for +5 %).
    pub reference_wage_change_pct: Option<f64>,
    /// New coefficients for reference-based base pay, in per cent of the monthly reference.
    pub start_pct: Option<f64>,
    pub step_pct: Option<f64>,
    /// New monthly certificate allowances, yuan.
    pub certificate_allowance_yuan: BTreeMap<CertificateLevel, i64>,
}

impl WhatIf {
    /// Refuses numbers no budget means: not finite, or outside what a what-if can ask.
    pub fn check(&self) -> Result<()> {
        for (field, v, lo, hi) in [
            (
                "reference_wage_change_pct",
                self.reference_wage_change_pct,
                -100.0,
                1000.0,
            ),
            ("start_pct", self.start_pct, 0.0, 10_000.0),
            ("step_pct", self.step_pct, 0.0, 10_000.0),
        ] {
            if let Some(v) = v
                && !(v.is_finite() && (lo..=hi).contains(&v))
            {
                return Err(bad("what_if_invalid", field, format!("应为{lo}至{hi}之间的数")));
            }
        }
        for (level, yuan) in &self.certificate_allowance_yuan {
            if !(0..=100_000).contains(yuan) {
                return Err(bad(
                    "what_if_invalid",
                    "certificate_allowance_yuan",
                    format!("{}津贴应为0至100000元之间的整数", level.label()),
                ));
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.reference_wage_change_pct.is_none()
            && self.start_pct.is_none()
            && self.step_pct.is_none()
            && self.certificate_allowance_yuan.is_empty()
    }

    fn apply(&self, p: &Policy) -> Policy {
        let mut p = p.clone();
        if let BasePay::Reference {
            start_permille,
            step_permille,
            ..
        } = &mut p.pay.base
        {
            if let Some(s) = self.start_pct {
                *start_permille = (s * 10.0).round().max(0.0) as u32;
            }
            if let Some(s) = self.step_pct {
                *step_permille = (s * 10.0).round().max(0.0) as u32;
            }
        }
        for (k, v) in &self.certificate_allowance_yuan {
            p.pay.certificate_allowance.insert(*k, v * 100);
        }
        p
    }

    fn wage(&self, w: Option<Fen>) -> Option<Fen> {
        let w = w?;
        Some(match self.reference_wage_change_pct {
            Some(pct) => w + (w as f64 * pct / 100.0).round() as i64,
            None => w,
        })
    }
}

/// One worker's computed month.
#[derive(Debug, Clone)]
pub struct Computed {
    pub worker_id: Uuid,
    pub province_code: String,
    pub region_code: String,
    pub post: String,
    pub slip: Payslip,
    pub floor_shortfall: Fen,
    pub service_start: NaiveDate,
}

/// A worker whose pay could not be computed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub worker_id: Uuid,
    pub name: String,
    pub region_code: String,
    pub message: String,
}

type WorkerRow = (
    Uuid,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
);

/// Computes a month for every active worker under `prefix`, pure functions over what is stored.
pub async fn compute_month(
    db: &impl ConnectionTrait,
    prefix: &str,
    month: NaiveDate,
    what_if: Option<&WhatIf>,
) -> Result<(Vec<Computed>, Vec<Problem>)> {
    let month_end = month
        .checked_add_months(chrono::Months::new(1))
        .expect("valid")
        .pred_opt()
        .expect("valid");
    let workers: Vec<WorkerRow> = worker::Entity::find()
        .select_only()
        .columns([
            worker::Column::Id,
            worker::Column::ProvinceCode,
            worker::Column::RegionCode,
            worker::Column::Name,
            worker::Column::PostCategory,
            worker::Column::HighestEducation,
            worker::Column::CertificateLevel,
            worker::Column::ServiceStart,
        ])
        .filter(in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::Status.eq("active"))
        // Lets the (status, province_code, region_code, …) index seek the subtree's range.
        .filter(worker::Column::ProvinceCode.eq(&prefix[..2]))
        .order_by_asc(worker::Column::RegionCode)
        .order_by_asc(worker::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut grades: HashMap<Uuid, Vec<(i32, Grade)>> = HashMap::new();
    let rows: Vec<(Uuid, i32, String)> = assessment::Entity::find()
        .select_only()
        .columns([
            assessment::Column::WorkerId,
            assessment::Column::Year,
            assessment::Column::Grade,
        ])
        .filter(in_subtree(assessment::Column::RegionCode, prefix))
        .filter(assessment::Column::Year.lt(month.year()))
        .into_tuple()
        .all(db)
        .await?;
    for (w, y, g) in rows {
        if let Some(g) = Grade::parse(&g) {
            grades.entry(w).or_default().push((y, g));
        }
    }
    let resolver = Resolver::load(db, prefix, month).await?;
    let wages = Wages::load(db, prefix).await?;
    let mut changed: HashMap<(String, i32), Arc<Policy>> = HashMap::new();
    let mut out = Vec::with_capacity(workers.len());
    let mut problems = Vec::new();
    // (street, index in out) for the performance pool
    let mut pools: BTreeMap<String, Vec<(usize, i64)>> = BTreeMap::new();
    let no_grades = Vec::new();
    let mut problem = |id: Uuid, name: &str, region: &str, message: String| {
        problems.push(Problem {
            worker_id: id,
            name: name.to_string(),
            region_code: region.to_string(),
            message,
        })
    };
    for (id, province, region, name, post, edu, cert, start) in workers {
        let start = start.unwrap_or(month);
        if start > month_end {
            continue;
        }
        let Some(f) = resolver.resolve(&region) else {
            problem(id, &name, &region, "没有适用的政策".into());
            continue;
        };
        let policy: Arc<Policy> = match what_if.filter(|w| !w.is_empty()) {
            Some(w) => changed
                .entry((f.name.clone(), f.version))
                .or_insert_with(|| Arc::new(w.apply(&f.policy)))
                .clone(),
            None => f.policy.clone(),
        };
        let wage_key = match &policy.pay.base {
            BasePay::Reference { key, .. } => Some(key.as_str()),
            BasePay::Table { .. } => None,
        };
        // The reference wage of the year before the month's year ("上年度").
        let reference = wage_key.and_then(|k| wages.get(&region, k, month.year() - 1));
        let reference = what_if.map_or(reference, |w| w.wage(reference));
        let education: Option<EducationKey> = edu.as_deref().map(|e| education_bracket(e).into());
        let certificate = cert
            .as_deref()
            .and_then(|c| CertificateLevel::ALL.into_iter().find(|l| l.as_str() == c));
        let g = grades.get(&id).unwrap_or(&no_grades);
        let input = PayInput {
            post: &post,
            education,
            certificate,
            service_start: start,
            grades: g,
        };
        let level = match pay::level(&policy, &input, month) {
            Ok(l) => l.level,
            Err(e) => {
                problem(id, &name, &region, e.message);
                continue;
            }
        };
        let slip = match pay::monthly(&policy, &post, level, education, certificate, reference) {
            Ok(s) => s,
            Err(e) => {
                problem(id, &name, &region, e.message);
                continue;
            }
        };
        let last = g.iter().find(|(y, _)| *y == month.year() - 1).map(|(_, g)| *g);
        if slip.performance > 0 {
            let weight = slip.performance * pay::performance_factor(&policy, last);
            pools
                .entry(region[..9.min(region.len())].to_string())
                .or_default()
                .push((out.len(), weight));
        }
        let floor = policy
            .pay
            .floor
            .as_ref()
            .and_then(|fl| pay::yearly_floor(&policy, wages.get(&region, &fl.key, month.year() - 1)));
        out.push(Computed {
            worker_id: id,
            province_code: province,
            region_code: region,
            post,
            slip,
            floor_shortfall: 0,
            service_start: start,
        });
        if let Some(floor) = floor {
            let c = out.last_mut().expect("pushed");
            c.floor_shortfall = (std::cmp::max(floor - c.slip.total * 12, 0) + 11) / 12;
        }
    }
    // Each street's pool (the sum of targets) split by target × grade factor.
    for members in pools.values() {
        let pool: Fen = members.iter().map(|(i, _)| out[*i].slip.performance).sum();
        let weights: Vec<i64> = members.iter().map(|(_, w)| *w).collect();
        for ((i, _), part) in members.iter().zip(pay::split_pool(pool, &weights)) {
            out[*i].slip = out[*i].slip.with_performance(part);
        }
    }
    Ok((out, problems))
}

/// A run with its totals, and the workers left out.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    #[serde(flatten)]
    pub run: payroll_run::Model,
    pub totals: Totals,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub base: Fen,
    pub post_pay: Fen,
    pub allowance: Fen,
    pub education: Fen,
    pub certificate: Fen,
    pub performance: Fen,
    pub total: Fen,
    pub adjustments: Fen,
    pub floor_shortfall_workers: i64,
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
        .ok_or_else(|| {
            bad(
                "region_out_of_scope",
                "region",
                "发薪区划应为您管辖范围内的街道（乡镇）或以上区划",
            )
        })?;
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
            if r.status == "locked" {
                return Err(StoreError::Conflict(FieldError::new(
                    "payroll_locked",
                    "month",
                    format!("{month}的薪酬已锁定，不能重算；如需更正请添加调整项"),
                )));
            }
            previous = Some(r);
        } else if r.region_code.starts_with(region.as_str()) || region.as_str().starts_with(&r.region_code) {
            return Err(StoreError::Conflict(FieldError::new(
                "payroll_overlap",
                "region",
                // The other run's region is named only when the caller can see it.
                if scope.allows_region(&r.region_code) {
                    format!(
                        "{month}已有覆盖该区划的薪酬计算（区划 {}），不能重复发放",
                        r.region_code
                    )
                } else {
                    format!("{month}的薪酬已由上级区划统一计算，不能重复发放")
                },
            )));
        }
    }
    let (computed, problems) = compute_month(&txn, region.as_str(), first, None).await?;
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
        status: Set("computed".into()),
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
    crate::audit::record(
        &txn,
        actor,
        "payroll.compute",
        region.as_str(),
        Some(run.id.to_string()),
        Some(format!("{month} {} 人 {} 元", computed.len(), pay::yuan(total))),
    )
    .await?;
    txn.commit().await?;
    let totals = totals_of(&computed);
    Ok(RunSummary { run, totals, problems })
}

pub(crate) async fn store_slips(
    db: &impl ConnectionTrait,
    run: &payroll_run::Model,
    computed: &[Computed],
) -> Result<()> {
    // One multi-row INSERT per chunk, written directly: the statement builder's per-value cost
    // dominated a year of province payroll (480,000 rows).
    use sea_orm::Value;
    const COLS: [&str; 16] = [
        "province_code",
        "id",
        "run_id",
        "worker_id",
        "region_code",
        "month",
        "post_category",
        "level",
        "base_fen",
        "post_pay_fen",
        "allowance_fen",
        "education_fen",
        "certificate_fen",
        "performance_fen",
        "total_fen",
        "floor_shortfall_fen",
    ];
    let rows: Vec<Vec<Value>> = computed
        .iter()
        .map(|c| {
            vec![
                Value::from(c.province_code.clone()),
                Value::from(Uuid::now_v7()),
                Value::from(run.id),
                Value::from(c.worker_id),
                Value::from(c.region_code.clone()),
                Value::from(run.month.clone()),
                Value::from(c.post.clone()),
                Value::from(c.slip.level as i32),
                Value::from(c.slip.base),
                Value::from(c.slip.post_pay),
                Value::from(c.slip.allowance),
                Value::from(c.slip.education),
                Value::from(c.slip.certificate),
                Value::from(c.slip.performance),
                Value::from(c.slip.total),
                Value::from(c.floor_shortfall),
            ]
        })
        .collect();
    crate::bulk::insert(db, "payslips", &COLS, rows).await?;
    Ok(())
}

fn totals_of(c: &[Computed]) -> Totals {
    let mut t = Totals::default();
    for x in c {
        t.base += x.slip.base;
        t.post_pay += x.slip.post_pay;
        t.allowance += x.slip.allowance;
        t.education += x.slip.education;
        t.certificate += x.slip.certificate;
        t.performance += x.slip.performance;
        t.total += x.slip.total;
        t.floor_shortfall_workers += i64::from(x.floor_shortfall > 0);
    }
    t
}

/// A payslip's six components, total and shortfall.
type Amounts = (i64, i64, i64, i64, i64, i64, i64, i64);

async fn find(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<payroll_run::Model> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    payroll_run::Entity::find()
        .filter(payroll_run::Column::Id.eq(id))
        .filter(in_subtree(payroll_run::Column::RegionCode, scope.region().as_str()))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Runs in scope, newest month first.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<payroll_run::Model>> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    Ok(payroll_run::Entity::find()
        .filter(in_subtree(payroll_run::Column::RegionCode, scope.region().as_str()))
        .order_by_desc(payroll_run::Column::Month)
        .order_by_asc(payroll_run::Column::RegionCode)
        .limit(500)
        .all(&db.conn)
        .await?)
}

/// A run with its component totals (from the stored payslips) and adjustments.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<(payroll_run::Model, Totals)> {
    let run = find(&db.conn, scope, id).await?;
    let slips: Vec<Amounts> = payslip::Entity::find()
        .select_only()
        .columns([
            payslip::Column::BaseFen,
            payslip::Column::PostPayFen,
            payslip::Column::AllowanceFen,
            payslip::Column::EducationFen,
            payslip::Column::CertificateFen,
            payslip::Column::PerformanceFen,
            payslip::Column::TotalFen,
            payslip::Column::FloorShortfallFen,
        ])
        .filter(payslip::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip::Column::RunId.eq(run.id))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut t = Totals::default();
    for s in slips {
        t.base += s.0;
        t.post_pay += s.1;
        t.allowance += s.2;
        t.education += s.3;
        t.certificate += s.4;
        t.performance += s.5;
        t.total += s.6;
        t.floor_shortfall_workers += i64::from(s.7 > 0);
    }
    t.adjustments = adjustments_of_run(db, &run).await?.iter().map(|a| a.amount_fen).sum();
    Ok((run, t))
}

async fn adjustments_of_run(db: &Db, run: &payroll_run::Model) -> Result<Vec<payslip_adjustment::Model>> {
    Ok(payslip_adjustment::Entity::find()
        .filter(payslip_adjustment::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip_adjustment::Column::RunId.eq(run.id))
        .order_by_asc(payslip_adjustment::Column::CreatedAt)
        .all(&db.conn)
        .await?)
}

/// A run's payslips with worker names, by community and name; one page at a time.
pub async fn slips(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Vec<(payslip::Model, String)>, u64)> {
    let run = find(&db.conn, scope, id).await?;
    let q = payslip::Entity::find()
        .filter(payslip::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip::Column::RunId.eq(run.id))
        .filter(in_subtree(payslip::Column::RegionCode, scope.region().as_str()));
    let total = sea_orm::PaginatorTrait::count(q.clone(), &db.conn).await?;
    let rows = q
        .order_by_asc(payslip::Column::RegionCode)
        .order_by_asc(payslip::Column::WorkerId)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(&db.conn)
        .await?;
    let names: HashMap<Uuid, String> = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::Name)
        .filter(worker::Column::Id.is_in(rows.iter().map(|r| r.worker_id).collect::<Vec<_>>()))
        .into_tuple::<(Uuid, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    Ok((
        rows.into_iter()
            .map(|r| {
                let n = names.get(&r.worker_id).cloned().unwrap_or_default();
                (r, n)
            })
            .collect(),
        total,
    ))
}

/// Every payslip of a run in scope, streamed to `f` in pages (for exports).
pub async fn for_each_slip(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    mut f: impl FnMut(&payslip::Model, &str) -> anyhow::Result<()>,
) -> Result<payroll_run::Model> {
    let run = find(&db.conn, scope, id).await?;
    let mut page = 1;
    loop {
        let (rows, _) = slips(db, scope, id, page, 5000).await?;
        if rows.is_empty() {
            break;
        }
        for (s, n) in &rows {
            f(s, n)?;
        }
        page += 1;
    }
    Ok(run)
}

async fn transition(db: &Db, access: &Access, id: Uuid, from: &str, to: &str) -> Result<payroll_run::Model> {
    access.require(Permission::RunPayroll)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let run = find(&txn, scope, id).await?;
    if run.status != from {
        return Err(StoreError::Conflict(FieldError::new(
            "payroll_state",
            "status",
            format!(
                "该月薪酬当前为“{}”，只有“{}”的才能{}",
                status_label(&run.status),
                status_label(from),
                if to == "reviewed" { "审核" } else { "锁定" }
            ),
        )));
    }
    let region = run.region_code.clone();
    let mut am = run.into_active_model();
    am.status = Set(to.into());
    if to == "reviewed" {
        am.reviewed_by = Set(Some(actor.username.clone()));
        am.reviewed_at = Set(Some(Utc::now()));
    } else {
        am.locked_by = Set(Some(actor.username.clone()));
        am.locked_at = Set(Some(Utc::now()));
    }
    let run = am.update(&txn).await?;
    crate::audit::record(
        &txn,
        actor,
        &format!("payroll.{to}"),
        &region,
        Some(id.to_string()),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(run)
}

pub async fn review(db: &Db, access: &Access, id: Uuid) -> Result<payroll_run::Model> {
    transition(db, access, id, "computed", "reviewed").await
}

pub async fn lock(db: &Db, access: &Access, id: Uuid) -> Result<payroll_run::Model> {
    transition(db, access, id, "reviewed", "locked").await
}

/// Adds an adjustment line to a locked month (the only change a locked month takes).
pub async fn adjust(
    db: &Db,
    access: &Access,
    id: Uuid,
    worker_id: Uuid,
    amount_fen: Fen,
    reason: &str,
) -> Result<payslip_adjustment::Model> {
    access.require(Permission::RunPayroll)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let reason = reason.trim();
    let mut errors = Vec::new();
    if amount_fen == 0 || amount_fen.abs() > 10_000_000 {
        errors.push(FieldError::new(
            "adjust_amount",
            "amount_yuan",
            "调整金额应不为0且绝对值不超过10万元",
        ));
    }
    if let Err(e) = shegong_domain::text::lines("reason", "调整原因", reason, 200) {
        errors.push(e);
    }
    if reason.chars().count() < 2 || reason.chars().count() > 200 {
        errors.push(FieldError::new("adjust_reason", "reason", "请填写调整原因（2至200字）"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    let run = find(&txn, scope, id).await?;
    if run.status != "locked" {
        return Err(StoreError::Conflict(FieldError::new(
            "payroll_not_locked",
            "status",
            "未锁定的月份请直接重算，调整项只用于已锁定的月份",
        )));
    }
    let slip = payslip::Entity::find()
        .filter(payslip::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip::Column::RunId.eq(run.id))
        .filter(payslip::Column::WorkerId.eq(worker_id))
        .filter(in_subtree(payslip::Column::RegionCode, scope.region().as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| bad("adjust_worker", "worker_id", "该人员不在本月薪酬名单中"))?;
    let m = payslip_adjustment::ActiveModel {
        province_code: Set(run.province_code.clone()),
        id: Set(Uuid::now_v7()),
        run_id: Set(run.id),
        worker_id: Set(worker_id),
        region_code: Set(slip.region_code.clone()),
        month: Set(run.month.clone()),
        amount_fen: Set(amount_fen),
        reason: Set(reason.into()),
        created_by: Set(actor.username.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        actor,
        "payroll.adjust",
        &slip.region_code,
        Some(worker_id.to_string()),
        Some(format!("{} {} 元：{reason}", run.month, pay::yuan(amount_fen))),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// A worker's payslip for a month: the stored components, the adjustment lines, and what is paid.
#[derive(Debug, Clone, Serialize)]
pub struct PayslipView {
    pub month: String,
    pub status: String,
    pub policy: String,
    pub level: i32,
    pub components: Vec<Component>,
    pub total: Fen,
    pub adjustments: Vec<payslip_adjustment::Model>,
    /// Total plus adjustments.
    pub paid: Fen,
    pub floor_shortfall: Fen,
}

#[derive(Debug, Clone, Serialize)]
pub struct Component {
    pub key: &'static str,
    pub label: &'static str,
    pub fen: Fen,
}

pub const COMPONENTS: [(&str, &str); 6] = [
    ("base", "级别薪酬"),
    ("post_pay", "岗位薪酬"),
    ("allowance", "岗位津贴"),
    ("education", "学历津贴"),
    ("certificate", "职业资格津贴"),
    ("performance", "绩效薪酬"),
];

pub fn components_of(s: &payslip::Model) -> Vec<Component> {
    let v = [
        s.base_fen,
        s.post_pay_fen,
        s.allowance_fen,
        s.education_fen,
        s.certificate_fen,
        s.performance_fen,
    ];
    COMPONENTS
        .iter()
        .zip(v)
        .map(|((k, l), fen)| Component { key: k, label: l, fen })
        .collect()
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
    let slips = q.order_by_desc(payslip::Column::Month).limit(120).all(&db.conn).await?;
    let runs: HashMap<Uuid, payroll_run::Model> = payroll_run::Entity::find()
        .filter(payroll_run::Column::ProvinceCode.eq(&w.province_code))
        .filter(payroll_run::Column::Id.is_in(slips.iter().map(|s| s.run_id).collect::<Vec<_>>()))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
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
                status: run.map_or("computed".into(), |r| r.status.clone()),
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
pub async fn level_of(db: &Db, scope: &Scope, worker_id: Uuid, on: NaiveDate) -> Result<Option<pay::LevelResult>> {
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
    Ok(pay::level(&f.policy, &input, on).ok())
}

/// A year's cost for each child region, under the stored parameters and under a what-if.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetRow {
    pub region_code: String,
    pub name: String,
    pub workers: i64,
    pub current: Fen,
    pub what_if: Fen,
    pub difference: Fen,
}

#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    pub year: i32,
    pub rows: Vec<BudgetRow>,
    pub total: BudgetRow,
    pub problems: usize,
}

/// The year's cost (12 × January's pay under the policy in force) per child region, and the same
/// with the what-if applied. Nothing stored changes.
pub async fn budget(db: &Db, access: &Access, code: &RegionCode, year: i32, w: &WhatIf) -> Result<Budget> {
    access.require(Permission::ViewBudget)?;
    let scope = &access.scope;
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let here = crate::regions::get(db, scope, code).await?;
    w.check()?;
    if !(2000..=2100).contains(&year) {
        return Err(bad("year_invalid", "year", "年度应在2000年至2100年之间"));
    }
    let month = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| bad("year_invalid", "year", "年度无效"))?;
    let (now, problems) = compute_month(&db.conn, code.as_str(), month, None).await?;
    let (alt, _) = compute_month(&db.conn, code.as_str(), month, Some(w)).await?;
    let child_len = here
        .code
        .len()
        .max(2)
        .saturating_add(if here.code.len() >= 6 { 3 } else { 2 })
        .min(12);
    let children: Vec<region::Model> = crate::regions::children(db, scope, code).await?;
    let names: HashMap<String, String> = children.into_iter().map(|c| (c.code, c.name)).collect();
    let mut rows: BTreeMap<String, BudgetRow> = BTreeMap::new();
    let row = |rows: &mut BTreeMap<String, BudgetRow>, r: &str| {
        let k = r[..child_len.min(r.len())].to_string();
        rows.entry(k.clone())
            .or_insert_with(|| BudgetRow {
                name: names.get(&k).cloned().unwrap_or_else(|| k.clone()),
                region_code: k,
                workers: 0,
                current: 0,
                what_if: 0,
                difference: 0,
            })
            .region_code
            .clone()
    };
    for c in &now {
        let k = row(&mut rows, &c.region_code);
        let e = rows.get_mut(&k).expect("inserted");
        e.workers += 1;
        e.current += c.slip.total * 12;
    }
    for c in &alt {
        let k = row(&mut rows, &c.region_code);
        rows.get_mut(&k).expect("inserted").what_if += c.slip.total * 12;
    }
    let mut total = BudgetRow {
        region_code: here.code.clone(),
        name: here.name.clone(),
        workers: 0,
        current: 0,
        what_if: 0,
        difference: 0,
    };
    let rows: Vec<BudgetRow> = rows
        .into_values()
        .map(|mut r| {
            r.difference = r.what_if - r.current;
            total.workers += r.workers;
            total.current += r.current;
            total.what_if += r.what_if;
            r
        })
        .collect();
    total.difference = total.what_if - total.current;
    Ok(Budget {
        year,
        rows,
        total,
        problems: problems.len(),
    })
}
