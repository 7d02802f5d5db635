//! Staffing (员额): per community, the range of posts the norm in force allows, grids needed and
//! present, party-building posts, against the actual headcount; rolled up the tree (县级总量控制).

use crate::Db;
use crate::entity::{region, worker};
use crate::error::{Result, StoreError};
use crate::policies::Resolver;
use crate::regions::in_subtree;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use shegong_domain::staffing::grids_needed;
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{RegionCode, RegionLevel, Scope};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Staffing figures of one region (a community's own, or the sums over a subtree).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Staffing {
    pub region_code: String,
    pub name: String,
    pub communities: i64,
    pub households: i64,
    pub residents: i64,
    /// Posts the norm allows: at least `min`, at most `max`.
    pub min: i64,
    pub max: i64,
    /// Active workers.
    pub actual: i64,
    pub grids_needed: i64,
    pub grids: i64,
    /// Active grid workers (网格员).
    pub grid_workers: i64,
    /// Active full-time party-building workers, and the norm's minimum.
    pub party_building_posts: i64,
    pub party_building_min: i64,
    /// Active workers holding a social-work certificate, and communities below the policy's goal.
    pub certified: i64,
    pub below_certificate_goal: i64,
    /// Communities above the norm's maximum / below its minimum.
    pub over: i64,
    pub under: i64,
    /// Communities with no policy in force (not counted in min/max).
    pub without_policy: i64,
    /// The policies in force over the communities counted.
    pub policies: BTreeSet<String>,
}

impl Staffing {
    fn add(&mut self, o: &Staffing) {
        self.communities += o.communities;
        self.households += o.households;
        self.residents += o.residents;
        self.min += o.min;
        self.max += o.max;
        self.actual += o.actual;
        self.grids_needed += o.grids_needed;
        self.grids += o.grids;
        self.grid_workers += o.grid_workers;
        self.party_building_posts += o.party_building_posts;
        self.party_building_min += o.party_building_min;
        self.certified += o.certified;
        self.below_certificate_goal += o.below_certificate_goal;
        self.over += o.over;
        self.under += o.under;
        self.without_policy += o.without_policy;
        self.policies.extend(o.policies.iter().cloned());
    }
}

/// A region's staffing and its children's, rolled up from the communities beneath it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    #[serde(flatten)]
    pub total: Staffing,
    pub children: Vec<Staffing>,
}

/// Kept between requests (see [`crate::cache`]).
pub async fn report(db: &Db, scope: &Scope, code: &RegionCode, on: NaiveDate) -> Result<Report> {
    let key = format!("staffing::report|{scope:?}|{code:?}|{on}");
    db.cache.get_or(key, report_now(db, scope, code, on)).await
}

async fn report_now(db: &Db, scope: &Scope, code: &RegionCode, on: NaiveDate) -> Result<Report> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let here = crate::regions::get(db, scope, code).await?;
    let prefix = code.as_str();
    let communities = crate::regions::communities_under(&db.conn, prefix).await?;
    let grids: HashMap<String, i64> = region::Entity::find()
        .select_only()
        .column(region::Column::ParentCode)
        .column_as(Expr::col(region::Column::Code).count(), "n")
        .filter(region::Column::Level.eq(RegionLevel::Grid.as_str()))
        .filter(in_subtree(region::Column::Code, prefix))
        .group_by(region::Column::ParentCode)
        .into_tuple::<(Option<String>, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .filter_map(|(p, n)| p.map(|p| (p, n)))
        .collect();
    // (region, title is 网格员, party building) → count
    let heads: Vec<(String, String, bool, i64)> = worker::Entity::find()
        .select_only()
        .column(worker::Column::RegionCode)
        .column(worker::Column::Title)
        .column(worker::Column::PartyBuilding)
        .column_as(Expr::col(worker::Column::Id).count(), "n")
        .filter(in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .filter(worker::Column::ProvinceCode.eq(&prefix[..2]))
        .group_by(worker::Column::RegionCode)
        .group_by(worker::Column::Title)
        .group_by(worker::Column::PartyBuilding)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let certified = crate::workers::certified_by_community(&db.conn, prefix).await?;
    let mut people: HashMap<String, (i64, i64, i64)> = HashMap::new();
    for (r, title, pb, n) in heads {
        let e = people.entry(r).or_default();
        e.0 += n;
        if title == "网格员" {
            e.1 += n;
        }
        if pb {
            e.2 += n;
        }
    }
    let resolver = Resolver::load(&db.conn, prefix, on).await?;
    let child_len = RegionLevel::from_code_len(prefix.len()).and_then(|l| l.child()).map(RegionLevel::code_len);
    let mut children: BTreeMap<String, Staffing> = BTreeMap::new();
    if let Some(len) = child_len.filter(|l| *l <= 12) {
        for c in crate::regions::children(db, scope, code).await? {
            if c.code.len() == len {
                children.insert(
                    c.code.clone(),
                    Staffing { region_code: c.code.clone(), name: c.name.clone(), ..Default::default() },
                );
            }
        }
    }
    let mut total = Staffing { region_code: here.code.clone(), name: here.name.clone(), ..Default::default() };
    for c in communities {
        let (actual, grid_workers, pb) = people.get(&c.code).copied().unwrap_or_default();
        let mut s = Staffing {
            region_code: c.code.clone(),
            name: c.name.clone(),
            communities: 1,
            households: c.households,
            residents: c.residents,
            actual,
            grids: grids.get(&c.code).copied().unwrap_or(0),
            grid_workers,
            party_building_posts: pb,
            certified: certified.get(&c.code).copied().unwrap_or(0),
            ..Default::default()
        };
        match resolver.resolve(&c.code) {
            Some(f) => {
                let st = &f.policy.staffing;
                let range = st.norm.range(
                    u32::try_from(c.households).unwrap_or(u32::MAX),
                    u32::try_from(c.residents).unwrap_or(u32::MAX),
                );
                s.min = i64::from(range.min);
                s.max = i64::from(range.max);
                s.grids_needed =
                    i64::from(grids_needed(u32::try_from(c.households).unwrap_or(u32::MAX), st.grid_households_max));
                s.party_building_min = i64::from(st.party_building_min);
                s.over = i64::from(actual > s.max);
                s.under = i64::from(actual < s.min);
                s.policies.insert(f.name.clone());
                s.below_certificate_goal = i64::from(s.certified < i64::from(f.policy.training.certificate_goal));
            }
            None => s.without_policy = 1,
        }
        if let Some(len) = child_len
            && let Some(ch) = children.get_mut(&c.code[..len.min(c.code.len())])
        {
            ch.add(&s);
        }
        total.add(&s);
    }
    Ok(Report { total, children: children.into_values().collect() })
}
