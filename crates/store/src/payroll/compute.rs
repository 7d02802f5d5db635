//! A month computed for a region: the workers in force, their levels and grades, the policies; nothing stored.

use shegong_domain::pay::WhatIf;
use shegong_domain::worker::WorkerStatus;

use crate::entity::{assessment, worker};
use crate::error::Result;
use crate::policies::{Resolver, Wages};
use crate::regions::in_subtree;
use crate::scan::Source;
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use serde::Serialize;
use shegong_domain::career::Grade;
use shegong_domain::codes::education_bracket;
use shegong_domain::pay::{self, PayInput, Payslip};
use shegong_domain::policy::{BasePay, EducationKey, Fen, Policy};
use shegong_domain::worker::CertificateLevel;
use std::collections::HashMap;
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub worker_id: Uuid,
    pub name: String,
    pub region_code: String,
    pub message: String,
}

pub(super) type WorkerRow = (Uuid, String, String, String, String, Option<String>, Option<String>, Option<NaiveDate>);

/// Computes a month for every active worker under `prefix`, pure functions over what is stored.
pub async fn compute_month<C: ConnectionTrait>(
    src: Source<'_, C>,
    prefix: &str,
    month: NaiveDate,
    what_if: Option<&WhatIf>,
) -> Result<(Vec<Computed>, Vec<Problem>)> {
    let month_end = month.checked_add_months(chrono::Months::new(1)).expect("valid").pred_opt().expect("valid");
    let province = &prefix[..2];
    let workers = worker::Entity::find()
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
        .filter(worker::Column::ProvinceCode.eq(province))
        .order_by_asc(worker::Column::RegionCode)
        .order_by_asc(worker::Column::Id);
    let grades = assessment::Entity::find()
        .select_only()
        .columns([assessment::Column::WorkerId, assessment::Column::Year, assessment::Column::Grade])
        .filter(assessment::Column::ProvinceCode.eq(province))
        .filter(in_subtree(assessment::Column::RegionCode, prefix))
        .filter(assessment::Column::Year.lt(month.year()));
    // Four independent reads, at once (in a transaction they take turns).
    let (workers, rows, resolver, wages): (Vec<WorkerRow>, Vec<(Uuid, i32, String)>, _, _) = tokio::try_join!(
        src.all(workers.into_query()),
        src.all(grades.into_query()),
        async {
            match &src {
                Source::Db(db) => Resolver::load(&db.conn, prefix, month).await,
                Source::In(c) => Resolver::load(*c, prefix, month).await,
            }
        },
        async {
            match &src {
                Source::Db(db) => Wages::load(&db.conn, prefix).await,
                Source::In(c) => Wages::load(*c, prefix).await,
            }
        },
    )?;
    let mut grades: HashMap<Uuid, Vec<(i32, Grade)>> = HashMap::with_capacity(workers.len());
    for (w, y, g) in rows {
        if let Some(g) = Grade::parse(&g) {
            grades.entry(w).or_default().push((y, g));
        }
    }
    let mut changed: HashMap<(String, i32), Arc<Policy>> = HashMap::new();
    let mut out = Vec::with_capacity(workers.len());
    let mut problems = Vec::new();
    // Each computed slip's place in its street's performance pool (one per entry of `out`).
    let mut pool_members: Vec<pay::PoolMember> = Vec::with_capacity(workers.len());
    let no_grades = Vec::new();
    let mut problem = |id: Uuid, name: &str, region: &str, message: String| {
        problems.push(Problem { worker_id: id, name: name.to_string(), region_code: region.to_string(), message })
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
            Some(w) => {
                changed.entry((f.name.clone(), f.version)).or_insert_with(|| Arc::new(w.apply(&f.policy))).clone()
            }
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
        let certificate = cert.as_deref().and_then(|c| CertificateLevel::ALL.into_iter().find(|l| l.as_str() == c));
        let g = grades.get(&id).unwrap_or(&no_grades);
        let input = PayInput { post: &post, education, certificate, service_start: start, grades: g };
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
        pool_members.push(pay::PoolMember {
            pool: region[..9.min(region.len())].to_string(),
            target: slip.performance,
            factor: pay::performance_factor(&policy, last),
        });
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
            c.floor_shortfall = pay::monthly_floor_shortfall(floor, c.slip.total);
        }
    }
    // Each street's pool split among its members.
    for (c, part) in out.iter_mut().zip(pay::split_pools(&pool_members)) {
        c.slip = c.slip.with_performance(part);
    }
    Ok((out, problems))
}
