//! A month computed for a region: the workers in force, their levels and grades, the policies; nothing stored.

use super::bad;
use shegong_domain::worker::WorkerStatus;

use crate::entity::{assessment, worker};
use crate::error::Result;
use crate::policies::{Resolver, Wages};
use crate::regions::in_subtree;
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use shegong_domain::career::Grade;
use shegong_domain::codes::education_bracket;
use shegong_domain::pay::{self, PayInput, Payslip};
use shegong_domain::policy::{BasePay, EducationKey, Fen, Policy};
use shegong_domain::worker::CertificateLevel;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use uuid::Uuid;

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

pub(super) type WorkerRow = (
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
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
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

    pub(super) fn is_empty(&self) -> bool {
        self.reference_wage_change_pct.is_none()
            && self.start_pct.is_none()
            && self.step_pct.is_none()
            && self.certificate_allowance_yuan.is_empty()
    }

    pub(super) fn apply(&self, p: &Policy) -> Policy {
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

    pub(super) fn wage(&self, w: Option<Fen>) -> Option<Fen> {
        let w = w?;
        Some(match self.reference_wage_change_pct {
            Some(pct) => w + (w as f64 * pct / 100.0).round() as i64,
            None => w,
        })
    }
}
