//! Who is behind the rotation (书记、主任 and the others) and the yearly credits.

use crate::Db;
use crate::entity::{training_record, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree_of;
use chrono::NaiveDate;
use sea_orm::Condition;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query};
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
        Self { head_every_years: 1, others_every_years: 2, credits_per_year: 0 }
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
    // Each worker's last attended training and this year's credits, in one grouped pass over the
    // records (for a region below the province, only its workers' records), joined to the workers;
    // only those who may be behind leave the database: the rotation's cut-off days are a little
    // generous, and the rule itself is applied below.
    let t = Alias::new("t");
    let in_scope = || {
        Condition::all()
            .add(Expr::col((worker::Entity, worker::Column::ProvinceCode)).eq(province))
            .add(in_subtree_of((worker::Entity, worker::Column::RegionCode), prefix))
            .add(Expr::col((worker::Entity, worker::Column::Status)).eq(WorkerStatus::Active.as_str()))
    };
    let mut records = Query::select();
    records
        .column(training_record::Column::WorkerId)
        .expr_as(
            Func::max(Expr::case(
                Expr::col(training_record::Column::Attendance).eq(Attendance::Attended.as_str()),
                Expr::col(training_record::Column::CompletedOn),
            )),
            Alias::new("last"),
        )
        .expr_as(
            Func::sum(
                Expr::case(
                    Expr::col(training_record::Column::CompletedOn).gte(year_start),
                    Expr::col(training_record::Column::Credits),
                )
                .finally(0),
            ),
            Alias::new("earned"),
        )
        .from(training_record::Entity)
        .and_where(Expr::col(training_record::Column::ProvinceCode).eq(province))
        .group_by_col(training_record::Column::WorkerId);
    if prefix.len() > 2 {
        records.and_where(
            Expr::col(training_record::Column::WorkerId).in_subquery(
                Query::select()
                    .column((worker::Entity, worker::Column::Id))
                    .from(worker::Entity)
                    .cond_where(in_scope())
                    .to_owned(),
            ),
        );
    }
    let last = Expr::col((t.clone(), Alias::new("last")));
    let earned =
        Expr::expr(Func::coalesce([Expr::col((t.clone(), Alias::new("earned"))), Expr::val(0)])).cast_as("bigint");
    let from = Expr::expr(Func::coalesce([last.clone(), Expr::col((worker::Entity, worker::Column::ServiceStart))]));
    let cut = |years: u32| rotation_cut_off(as_of, years);
    let mut behind = Condition::any()
        .add(
            Condition::all()
                .add(Expr::col((worker::Entity, worker::Column::Title)).is_in(HEAD_TITLES))
                .add(from.clone().lte(cut(rotation.head_every_years))),
        )
        .add(from.lte(cut(rotation.others_every_years)));
    if quota > 0 {
        behind = behind.add(earned.clone().lt(quota));
    }
    type Candidate = (Uuid, String, String, String, Option<NaiveDate>, Option<NaiveDate>, i64);
    let query = Query::select()
        .columns([
            (worker::Entity, worker::Column::Id),
            (worker::Entity, worker::Column::Name),
            (worker::Entity, worker::Column::RegionCode),
            (worker::Entity, worker::Column::Title),
            (worker::Entity, worker::Column::ServiceStart),
        ])
        .expr_as(last, Alias::new("last"))
        .expr_as(earned, Alias::new("earned"))
        .from(worker::Entity)
        .join_subquery(
            JoinType::LeftJoin,
            records,
            t.clone(),
            Expr::col((t.clone(), training_record::Column::WorkerId)).equals((worker::Entity, worker::Column::Id)),
        )
        .cond_where(Condition::all().add(in_scope()).add(behind))
        .to_owned();
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
