//! Grids (网格) and who covers them: each grid's 网格员, 包格两委, 联户长 and party group (see
//! `shegong_domain::grids`). A duty is a row from a date; ending it keeps the row, so every grid's
//! history and every worker's grids stay readable. Writes take the write lock up front and record
//! a worker's grids in their archive's change history.

mod coverage;
mod import;
mod write;

pub use coverage::{CoverageReport, CoverageRow, coverage};
pub use import::{HEADINGS as IMPORT_HEADINGS, ImportOutcome, MAX_LINES, import};
pub(crate) use write::grid_in_scope;
pub use write::{DutyInput, Households, add, end};

use crate::Db;
use crate::entity::{grid_duty, region};
use crate::error::{Result, StoreError};
use crate::policies::Resolver;
use crate::regions::in_subtree;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use shegong_domain::grids::Duty;
use shegong_domain::{RegionCode, RegionLevel, Scope};
use uuid::Uuid;

/// One grid with the duties held on it now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Grid {
    pub code: String,
    pub name: String,
    pub community_code: String,
    pub households: i64,
    /// The household ceiling of the grid norm in force (`None`: no policy applies).
    pub ceiling: Option<u32>,
    /// Current duties: 网格员, 包格两委, 联户长, the party group, in that order.
    pub duties: Vec<grid_duty::Model>,
}

impl Grid {
    pub fn held(&self, duty: Duty) -> impl Iterator<Item = &grid_duty::Model> {
        self.duties.iter().filter(move |d| d.duty == duty.as_str())
    }

    /// Above the norm's household ceiling.
    pub fn over_ceiling(&self) -> bool {
        self.ceiling.is_some_and(|c| self.households > i64::from(c))
    }
}

fn order(d: &grid_duty::Model) -> (usize, String) {
    (Duty::ALL.iter().position(|x| x.as_str() == d.duty).unwrap_or(9), d.name.clone())
}

/// The grids of one community with their current duties. Outside the scope: not found.
pub async fn of_community(db: &Db, scope: &Scope, community: &RegionCode, on: NaiveDate) -> Result<Vec<Grid>> {
    if scope.only_worker().is_some() || community.level() != RegionLevel::Community {
        return Err(StoreError::NotFound);
    }
    crate::regions::get(db, scope, community).await?;
    let grids = region::Entity::find()
        .filter(region::Column::ParentCode.eq(community.as_str()))
        .filter(region::Column::Level.eq(RegionLevel::Grid.as_str()))
        .order_by_asc(region::Column::Code)
        .all(&db.conn)
        .await?;
    let duties = current(&db.conn, community.as_str()).await?;
    let ceiling = ceiling_of(db, community.as_str(), on).await?;
    Ok(grids
        .into_iter()
        .map(|g| {
            let mut duties: Vec<grid_duty::Model> = duties.iter().filter(|d| d.grid_code == g.code).cloned().collect();
            duties.sort_by_key(order);
            Grid {
                code: g.code,
                name: g.name,
                community_code: community.to_string(),
                households: g.households,
                ceiling,
                duties,
            }
        })
        .collect())
}

/// The grid norm's household ceiling in force for a community.
async fn ceiling_of(db: &Db, community: &str, on: NaiveDate) -> Result<Option<u32>> {
    let resolver = Resolver::load(&db.conn, community, on).await?;
    Ok(resolver.resolve(community).map(|f| f.policy.staffing.grid_households_max))
}

/// The duties of a region's grids: by community (on the index), or one grid.
pub(super) fn in_region(prefix: &str) -> sea_orm::Condition {
    match (prefix.get(..12), prefix.len() > 12) {
        (Some(community), true) => sea_orm::Condition::all()
            .add(grid_duty::Column::CommunityCode.eq(community))
            .add(grid_duty::Column::GridCode.eq(prefix)),
        _ => in_subtree(grid_duty::Column::CommunityCode, prefix),
    }
}

/// Current duties in a subtree (a community, or a whole region for the coverage figures).
async fn current(db: &impl ConnectionTrait, prefix: &str) -> Result<Vec<grid_duty::Model>> {
    Ok(grid_duty::Entity::find()
        .filter(grid_duty::Column::ProvinceCode.eq(&prefix[..2]))
        .filter(in_region(prefix))
        .filter(grid_duty::Column::EndOn.is_null())
        .all(db)
        .await?)
}

/// One grid, now, and every duty it has had (newest first).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridPage {
    #[serde(flatten)]
    pub grid: Grid,
    pub community_name: String,
    pub history: Vec<grid_duty::Model>,
}

/// A grid in scope, with its history. A code that is not a grid, or outside the scope, is not found.
pub async fn get(db: &Db, scope: &Scope, code: &str, on: NaiveDate) -> Result<GridPage> {
    let code = RegionCode::parse(code).map_err(|_| StoreError::NotFound)?;
    if code.level() != RegionLevel::Grid || scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let g = crate::regions::get(db, scope, &code).await?;
    let community = code.parent().ok_or(StoreError::NotFound)?;
    let c = crate::regions::get(db, scope, &community).await?;
    let mut history = grid_duty::Entity::find()
        .filter(grid_duty::Column::ProvinceCode.eq(code.province()))
        .filter(grid_duty::Column::CommunityCode.eq(community.as_str()))
        .filter(grid_duty::Column::GridCode.eq(code.as_str()))
        .order_by_desc(grid_duty::Column::AddedAt)
        .all(&db.conn)
        .await?;
    let mut duties: Vec<grid_duty::Model> = history.iter().filter(|d| d.end_on.is_none()).cloned().collect();
    duties.sort_by_key(order);
    history.sort_by_key(|d| std::cmp::Reverse(d.ended_at.max(Some(d.added_at))));
    // The history is read more widely than the contact list: its phones are masked.
    for d in &mut history {
        d.phone = d.phone.as_deref().map(shegong_domain::event_access::mask_phone);
    }
    Ok(GridPage {
        grid: Grid {
            code: g.code,
            name: g.name,
            community_code: c.code.clone(),
            households: g.households,
            ceiling: ceiling_of(db, &c.code, on).await?,
            duties,
        },
        community_name: c.name,
        history,
    })
}

/// A worker's current grids (网格员 and 包格两委), with the grids' names, for their archive.
pub async fn of_worker(db: &Db, scope: &Scope, worker_id: Uuid) -> Result<Vec<(grid_duty::Model, String)>> {
    let w = crate::workers::get(db, scope, worker_id).await?;
    let rows = grid_duty::Entity::find()
        .filter(grid_duty::Column::ProvinceCode.eq(&w.province_code))
        .filter(grid_duty::Column::WorkerId.eq(worker_id))
        .filter(grid_duty::Column::EndOn.is_null())
        .order_by_asc(grid_duty::Column::GridCode)
        .all(&db.conn)
        .await?;
    let names = crate::regions::names(&db.conn, rows.iter().map(|r| r.grid_code.clone()).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = names.get(&r.grid_code).cloned().unwrap_or_else(|| r.grid_code.clone());
            (r, n)
        })
        .collect())
}

/// A community's workers in post who may take a grid (name, 职务, whether 两委), by name: the
/// choices of the grid page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub worker_id: Uuid,
    pub name: String,
    pub title: String,
    pub two_committees: bool,
}

pub async fn candidates(db: &Db, scope: &Scope, community: &str) -> Result<Vec<Candidate>> {
    use crate::entity::worker;
    use sea_orm::QuerySelect;
    if scope.only_worker().is_some() || !scope.allows_region(community) {
        return Err(StoreError::NotFound);
    }
    let rows: Vec<(Uuid, String, String, bool)> = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::Name)
        .column(worker::Column::Title)
        .column(worker::Column::TwoCommittees)
        .filter(worker::Column::ProvinceCode.eq(community.get(..2).unwrap_or_default()))
        .filter(worker::Column::RegionCode.eq(community))
        .filter(worker::Column::Status.eq(shegong_domain::worker::WorkerStatus::Active.as_str()))
        .order_by_asc(worker::Column::Name)
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(worker_id, name, title, two_committees)| Candidate { worker_id, name, title, two_committees })
        .collect())
}

/// One line of the roster file (the import's columns): a duty held now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterLine {
    pub grid_code: String,
    pub grid_name: String,
    pub duty: String,
    pub name: String,
    /// A worker's birth date (tells two of one name apart on import).
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub households: Option<i32>,
}

/// Every duty held now in a region, by grid, duty and name: what the export writes and the import reads.
pub async fn roster(db: &Db, scope: &Scope, code: &RegionCode) -> Result<Vec<RosterLine>> {
    use crate::entity::worker;
    use sea_orm::QuerySelect;
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    crate::regions::get(db, scope, code).await?;
    let prefix = code.as_str();
    let mut duties = current(&db.conn, prefix).await?;
    duties.sort_by(|a, b| (&a.grid_code, order(a)).cmp(&(&b.grid_code, order(b))));
    let names: std::collections::HashMap<String, String> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::Name)
        .filter(region::Column::Level.eq(RegionLevel::Grid.as_str()))
        .filter(in_subtree(region::Column::Code, prefix))
        .into_tuple::<(String, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    let born: std::collections::HashMap<Uuid, NaiveDate> = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::BirthDate)
        .filter(worker::Column::ProvinceCode.eq(code.province()))
        .filter(in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::Status.eq(shegong_domain::worker::WorkerStatus::Active.as_str()))
        .into_tuple::<(Uuid, NaiveDate)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(duties
        .into_iter()
        .map(|d| RosterLine {
            grid_name: names.get(&d.grid_code).cloned().unwrap_or_default(),
            duty: Duty::parse(&d.duty).map_or("", Duty::label).to_string(),
            birth_date: d.worker_id.and_then(|w| born.get(&w).copied()),
            grid_code: d.grid_code,
            name: d.name,
            phone: d.phone,
            households: d.households,
        })
        .collect())
}
