//! Coverage figures of a region's grids: grids without a 网格员, grids above the norm's household
//! ceiling, households per 网格员, 联户长 per 100 households, party groups. Computed per community
//! (a worker covers grids of their own community only) and added up the tree, so a region's
//! figures are exactly the sum of its children's.

use crate::Db;
use crate::entity::{grid_duty, region};
use crate::error::{Result, StoreError};
use crate::policies::Resolver;
use crate::regions::in_subtree;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use shegong_domain::grids::{Coverage, Duty, GridFacts};
use shegong_domain::{RegionCode, RegionLevel, Scope};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// One region's coverage, with the two ratios worked out.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageRow {
    pub region_code: String,
    pub name: String,
    #[serde(flatten)]
    pub coverage: Coverage,
    /// Households per 网格员, rounded (`null` without any).
    pub households_per_worker: Option<i64>,
    /// 联户长 per 100 households, two decimals (`null` without households).
    pub leaders_per_100_households: Option<f64>,
}

impl CoverageRow {
    fn new(region_code: String, name: String, coverage: Coverage) -> Self {
        Self {
            region_code,
            name,
            households_per_worker: coverage.households_per_worker(),
            leaders_per_100_households: coverage.leaders_per_100_households().map(|h| h as f64 / 100.0),
            coverage,
        }
    }
}

/// A region's grid coverage and its children's (a community's children are its grids).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageReport {
    pub total: CoverageRow,
    pub children: Vec<CoverageRow>,
    /// The household ceilings of the grid norms in force (吉林: 500), lowest first.
    pub ceilings: Vec<u32>,
}

/// Kept between requests (see [`crate::cache`]).
pub async fn coverage(db: &Db, scope: &Scope, code: &RegionCode, on: NaiveDate) -> Result<CoverageReport> {
    let key = format!("grids::coverage|{scope:?}|{code:?}|{on}");
    db.cache.get_or(key, coverage_now(db, scope, code, on)).await
}

async fn coverage_now(db: &Db, scope: &Scope, code: &RegionCode, on: NaiveDate) -> Result<CoverageReport> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let here = crate::regions::get(db, scope, code).await?;
    let prefix = code.as_str();
    let province = code.province();
    let grids: Vec<(String, Option<String>, i64)> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::ParentCode)
        .column(region::Column::Households)
        .filter(region::Column::Level.eq(RegionLevel::Grid.as_str()))
        .filter(in_subtree(region::Column::Code, prefix))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let people: Vec<(String, String, Option<Uuid>)> = grid_duty::Entity::find()
        .select_only()
        .column(grid_duty::Column::GridCode)
        .column(grid_duty::Column::Duty)
        .column(grid_duty::Column::WorkerId)
        .filter(grid_duty::Column::ProvinceCode.eq(province))
        .filter(super::in_region(prefix))
        .filter(grid_duty::Column::EndOn.is_null())
        .filter(grid_duty::Column::Duty.is_in([Duty::GridWorker.as_str(), Duty::Committee.as_str()]))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let others: Vec<(String, String, i64, Option<i64>)> = grid_duty::Entity::find()
        .select_only()
        .column(grid_duty::Column::GridCode)
        .column(grid_duty::Column::Duty)
        .column_as(Expr::col(grid_duty::Column::Id).count(), "n")
        .column_as(Expr::col(grid_duty::Column::Households).sum().cast_as("bigint"), "h")
        .filter(grid_duty::Column::ProvinceCode.eq(province))
        .filter(super::in_region(prefix))
        .filter(grid_duty::Column::EndOn.is_null())
        .filter(grid_duty::Column::Duty.is_in([Duty::LinkLeader.as_str(), Duty::PartyGroup.as_str()]))
        .group_by(grid_duty::Column::GridCode)
        .group_by(grid_duty::Column::Duty)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut facts: HashMap<String, GridFacts> =
        grids.iter().map(|(c, _, h)| (c.clone(), GridFacts { households: *h, ..Default::default() })).collect();
    for (g, duty, w) in people {
        if let Some(f) = facts.get_mut(&g) {
            match (Duty::parse(&duty), w) {
                (Some(Duty::GridWorker), Some(w)) => f.workers.push(w),
                (Some(Duty::Committee), _) => f.committee += 1,
                _ => {}
            }
        }
    }
    for (g, duty, n, h) in others {
        if let Some(f) = facts.get_mut(&g) {
            match Duty::parse(&duty) {
                Some(Duty::LinkLeader) => {
                    f.link_leaders += n;
                    f.linked_households += h.unwrap_or(0);
                }
                Some(Duty::PartyGroup) => f.party_group = n > 0,
                _ => {}
            }
        }
    }
    let resolver = Resolver::load(&db.conn, prefix, on).await?;
    let mut by_community: BTreeMap<String, Vec<(String, GridFacts)>> = BTreeMap::new();
    let mut ceilings = std::collections::BTreeSet::new();
    for (g, parent, _) in grids {
        let Some(community) = parent else { continue };
        let Some(mut f) = facts.remove(&g) else { continue };
        f.ceiling = resolver.resolve(&community).map(|p| p.policy.staffing.grid_households_max);
        ceilings.extend(f.ceiling);
        by_community.entry(community).or_default().push((g, f));
    }
    let child_len = code.level().child().map(RegionLevel::code_len);
    let mut children: BTreeMap<String, CoverageRow> = BTreeMap::new();
    if let Some(len) = child_len {
        for c in crate::regions::children(db, scope, code).await? {
            if c.code.len() == len {
                children.insert(c.code.clone(), CoverageRow::new(c.code, c.name, Coverage::default()));
            }
        }
    }
    let mut total = Coverage::default();
    for grids in by_community.values() {
        let all: Vec<GridFacts> = grids.iter().map(|(_, f)| f.clone()).collect();
        total.add(&Coverage::of(&all));
        match child_len {
            // A community's children are its grids, each on its own.
            Some(15) => {
                for (g, f) in grids {
                    if let Some(ch) = children.get_mut(g) {
                        ch.coverage.add(&Coverage::of(std::slice::from_ref(f)));
                    }
                }
            }
            Some(len) => {
                let key = &grids[0].0[..len];
                if let Some(ch) = children.get_mut(key) {
                    ch.coverage.add(&Coverage::of(&all));
                }
            }
            None => {}
        }
    }
    Ok(CoverageReport {
        total: CoverageRow::new(here.code, here.name, total),
        children: children.into_values().map(|r| CoverageRow::new(r.region_code, r.name, r.coverage)).collect(),
        ceilings: ceilings.into_iter().collect(),
    })
}
