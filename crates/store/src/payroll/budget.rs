//! The budget: a year's pay bill per region, and what it would be under changed parameters (what-if).

use shegong_domain::pay::WhatIf;

use super::bad;
use super::compute::compute_month;
use crate::scan::Source;

use crate::Db;
use crate::access::Access;
use crate::entity::region;
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use serde::Serialize;
use shegong_domain::Permission;
use shegong_domain::RegionCode;
use shegong_domain::RegionLevel;
use shegong_domain::policy::Fen;
use std::collections::{BTreeMap, HashMap};

/// A year's cost for each child region, under the stored parameters and under a what-if.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BudgetRow {
    pub region_code: String,
    pub name: String,
    pub workers: i64,
    #[schema(value_type = i64)]
    pub current: Fen,
    #[schema(value_type = i64)]
    pub what_if: Fen,
    #[schema(value_type = i64)]
    pub difference: Fen,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    let key = format!("payroll::budget|{:?}|{code:?}|{year}|{w:?}", access.scope);
    db.cache.get_or(key, budget_now(db, access, code, year, w)).await
}

/// At most this many budgets are computed at once: each holds a province's month twice (tens of MB
/// at a province's scale), and two hundred different what-ifs at once had taken 10 GB. The others
/// wait their turn (the same what-if is computed once for all who ask, see [`crate::cache`]).
static AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

async fn budget_now(db: &Db, access: &Access, code: &RegionCode, year: i32, w: &WhatIf) -> Result<Budget> {
    let _turn =
        AT_ONCE.acquire().await.map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("测算中断：{e}"))))?;
    let scope = &access.scope;
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let here = crate::regions::get(db, scope, code).await?;
    w.check().map_err(StoreError::invalid)?;
    if !(2000..=2100).contains(&year) {
        return Err(bad("year_invalid", "year", "年度应在2000年至2100年之间"));
    }
    let month = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| bad("year_invalid", "year", "年度无效"))?;
    let (now, problems) = compute_month(Source::db(db), code.as_str(), month, None).await?;
    // Without a what-if the alternative is the same computation.
    let alt =
        if w.is_empty() { now.clone() } else { compute_month(Source::db(db), code.as_str(), month, Some(w)).await?.0 };
    // Rows by child region, down to communities.
    let child_len =
        code.level().child().filter(|l| *l <= RegionLevel::Community).unwrap_or(RegionLevel::Community).code_len();
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
    Ok(Budget { year, rows, total, problems: problems.len() })
}
