//! Who is behind the rotation (书记、主任 and the others) and the yearly credits.

use crate::Db;
use crate::entity::{training_record, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, QueryStatementBuilder};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use shegong_domain::Scope;
use shegong_domain::career::{rotation_cut_off, training_overdue_since};
use shegong_domain::status::{Attendance, Status};
use shegong_domain::worker::WorkerStatus;
use uuid::Uuid;

/// One worker behind on training.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overdue {
    pub worker_id: Uuid,
    pub name: String,
    pub community_code: String,
    pub title: String,
    pub last_trained: Option<NaiveDate>,
    /// When the rotation made them overdue; `None` when only behind on credits.
    pub overdue_since: Option<NaiveDate>,
    pub credits_this_year: i64,
    /// The year's quota (0: none) and how many credits short of it.
    pub credits_required: i64,
    pub credits_behind: i64,
}

/// Training rules of the policy (吉林 by default: secretaries and directors every year, others
/// every 2 years, no credit quota).
#[derive(Debug, Clone, Copy)]
pub struct Rotation {
    pub head_every_years: u32,
    pub others_every_years: u32,
    /// Credits each worker must earn in a calendar year (0: no quota).
    pub credits_per_year: u32,
}

impl Default for Rotation {
    fn default() -> Self {
        Self {
            head_every_years: 1,
            others_every_years: 2,
            credits_per_year: 0,
        }
    }
}

impl Rotation {
    pub fn from_policy(p: &shegong_domain::policy::Policy) -> Self {
        Self {
            head_every_years: p.training.head_every_years,
            others_every_years: p.training.others_every_years,
            credits_per_year: p.training.credits_per_year,
        }
    }
}

/// The titles trained on the heads' rotation.
const HEAD_TITLES: [&str; 3] = ["书记", "主任", "书记兼主任"];

/// Kept between requests (see [`crate::cache`]).
pub async fn overdue(db: &Db, scope: &Scope, as_of: NaiveDate, rotation: Rotation) -> Result<Vec<Overdue>> {
    let key = format!("training::overdue|{scope:?}|{as_of}|{rotation:?}");
    db.cache.get_or(key, overdue_now(db, scope, as_of, rotation)).await
}

/// Active workers in scope who are behind on `as_of`: overdue under the rotation, or short of the
/// year's credit quota. Longest overdue first, then the furthest behind on credits.
async fn overdue_now(db: &Db, scope: &Scope, as_of: NaiveDate, rotation: Rotation) -> Result<Vec<Overdue>> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let prefix = scope.region().as_str();
    let province = scope.region().province();
    let year_start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&as_of), 1, 1).expect("valid");
    let quota = i64::from(rotation.credits_per_year);
    // Each worker's last attended training and this year's credits, looked up per worker (an index
    // on the worker), and only the workers who may be behind leave the database: the rotation's
    // cut-off days are a little generous, and the rule itself is applied below.
    let record = |mut q: sea_orm::sea_query::SelectStatement| {
        q.from_as(training_record::Entity, Alias::new("tr"))
            .and_where(Expr::col((Alias::new("tr"), training_record::Column::ProvinceCode)).eq(province))
            .and_where(
                Expr::col((Alias::new("tr"), training_record::Column::WorkerId))
                    .equals((worker::Entity, worker::Column::Id)),
            );
        Expr::SubQuery(None, Box::new(q.into_sub_query_statement()))
    };
    let last = record(
        Query::select()
            .expr(Expr::col((Alias::new("tr"), training_record::Column::CompletedOn)).max())
            // Absence is not training.
            .and_where(
                Expr::col((Alias::new("tr"), training_record::Column::Attendance)).eq(Attendance::Attended.as_str()),
            )
            .to_owned(),
    );
    let earned = Expr::expr(Func::coalesce([
        record(
            Query::select()
                .expr(Expr::col((Alias::new("tr"), training_record::Column::Credits)).sum())
                .and_where(Expr::col((Alias::new("tr"), training_record::Column::CompletedOn)).gte(year_start))
                .to_owned(),
        ),
        Expr::val(0),
    ]))
    .cast_as("bigint");
    let from = Expr::expr(Func::coalesce([
        last.clone(),
        Expr::col((worker::Entity, worker::Column::ServiceStart)),
    ]));
    let cut = |years: u32| rotation_cut_off(as_of, years);
    let mut behind = Condition::any()
        .add(
            Condition::all()
                .add(worker::Column::Title.is_in(HEAD_TITLES))
                .add(from.clone().lte(cut(rotation.head_every_years))),
        )
        .add(from.lte(cut(rotation.others_every_years)));
    if quota > 0 {
        behind = behind.add(earned.clone().lt(quota));
    }
    type Candidate = (Uuid, String, String, String, Option<NaiveDate>, Option<NaiveDate>, i64);
    let query = worker::Entity::find()
        .select_only()
        .columns([
            worker::Column::Id,
            worker::Column::Name,
            worker::Column::RegionCode,
            worker::Column::Title,
            worker::Column::ServiceStart,
        ])
        .column_as(last, "last")
        .column_as(earned, "earned")
        .filter(worker::Column::ProvinceCode.eq(province))
        .filter(in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .filter(behind);
    let workers: Vec<Candidate> = crate::scan::all(db, query).await?;
    let mut out: Vec<Overdue> = workers
        .into_iter()
        .filter_map(|(id, name, region, title, start, last, earned)| {
            let head = HEAD_TITLES.contains(&title.as_str());
            let since = training_overdue_since(
                head,
                last,
                start.unwrap_or(as_of),
                as_of,
                rotation.head_every_years,
                rotation.others_every_years,
            );
            let behind = std::cmp::max(quota - earned, 0);
            if since.is_none() && behind == 0 {
                return None;
            }
            Some(Overdue {
                worker_id: id,
                name,
                community_code: region,
                title,
                last_trained: last,
                overdue_since: since,
                credits_this_year: earned,
                credits_required: quota,
                credits_behind: behind,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.overdue_since.is_none(), a.overdue_since)
            .cmp(&(b.overdue_since.is_none(), b.overdue_since))
            .then(b.credits_behind.cmp(&a.credits_behind))
            .then(a.community_code.cmp(&b.community_code))
    });
    Ok(out)
}
