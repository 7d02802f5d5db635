//! The demo province: real prefectures, counties and streets from the statistical list, generated
//! communities, grids and about one worker per 300 households, deterministic for a seed.

mod career;
mod departments;
pub mod events;
mod grids;
mod hiring;
mod indexes;
mod load;
pub mod national;
pub mod openness;
mod people;
mod recruitment;
mod regions;
pub mod residents;
mod work_items;

pub use hiring::{DEMO_APPLICANT_ID, DEMO_APPLICANT_PASSWORD};
pub use load::load;
pub use regions::{province_name, statistical_regions};

use crate::Db;
use crate::error::Result;
use crate::users;
use chrono::NaiveDate;
use sea_orm::EntityTrait;

/// The password of every demo login (printed by `serve --demo` and `demo`).
pub const DEMO_PASSWORD: &str = "shegong2026";

/// Settings for the generator.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub province: String,
    pub seed: u64,
    /// The day the demo is "today" (appointments never start after it).
    pub today: NaiveDate,
    /// Only these counties get communities and workers (empty: every county). Tests use a few.
    pub only_counties: Vec<String>,
}

impl DemoOptions {
    /// The demo with workers in `counties` only (all of one province; none: every county of
    /// Zhejiang), as tests and benchmarks load it.
    pub fn counties(seed: u64, counties: &[&str], today: NaiveDate) -> Self {
        let province = counties.first().map_or("33", |c| &c[..2]).to_string();
        Self { province, seed, today, only_counties: counties.iter().map(|c| c.to_string()).collect() }
    }
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct DemoSummary {
    pub regions: usize,
    pub communities: usize,
    pub grids: usize,
    pub workers_active: usize,
    pub workers_exited: usize,
    /// 网格员, 包格两委, 联户长 and party groups on the grids' rosters.
    pub grid_duties: u64,
    /// 民情事件 of the demo county's year.
    pub events: u64,
    /// The demo county's households, a year of visits, and micro-wishes.
    pub households: usize,
    pub visits: usize,
    pub wishes: usize,
    pub logins: Vec<(String, String, String)>,
}

/// Whether the database already holds a demo (or any) data.
pub async fn is_empty(db: &Db) -> Result<bool> {
    use sea_orm::PaginatorTrait;
    Ok(crate::entity::region::Entity::find().count(&db.conn).await? == 0 && users::count(db).await? == 0)
}

struct Community {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) street_name: String,
    pub(super) county: String,
    pub(super) households: i64,
}
