//! The list of workers behind on training, whose candidates are chosen inside the database, is
//! exactly what the rule gives when applied to every worker and every record: for several days,
//! rotations and scopes, on SQLite and (when `SHEGONG_TEST_PG_URL` is set) PostgreSQL.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shegong_domain::career::training_overdue_since;
use shegong_domain::{RegionCode, Scope};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{training_record, worker};
use shegong_store::training::{self, Rotation};
use std::collections::HashMap;
use uuid::Uuid;

type Line = (Uuid, Option<NaiveDate>, Option<NaiveDate>, i64, i64);

async fn check(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
    let opts = DemoOptions::counties(21, &["330481"], NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    let workers = worker::Entity::find().filter(worker::Column::Status.eq("active")).all(&db.conn).await.unwrap();
    let records = training_record::Entity::find().all(&db.conn).await.unwrap();
    assert!(records.len() > 100, "the demo trains people: {}", records.len());
    let street = workers[0].region_code[..9].to_string();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let rotations = [
        Rotation::default(),
        Rotation { head_every_years: 1, others_every_years: 2, credits_per_year: 4 },
        Rotation { head_every_years: 2, others_every_years: 3, credits_per_year: 12 },
        Rotation { head_every_years: 1, others_every_years: 1, credits_per_year: 0 },
    ];
    let mut compared = 0;
    for scope in ["33", "330481", street.as_str()] {
        for as_of in [d(2026, 11, 1), d(2025, 2, 28), d(2024, 2, 29), d(2027, 1, 5)] {
            for rotation in rotations {
                let expected = by_rule(&workers, &records, scope, as_of, rotation);
                let mut got: Vec<Line> =
                    training::overdue(&db, &Scope::Region(RegionCode::parse(scope).unwrap()), as_of, rotation)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|o| (o.worker_id, o.last_trained, o.overdue_since, o.credits_this_year, o.credits_behind))
                        .collect();
                got.sort();
                assert_eq!(got, expected, "{scope} {as_of} {rotation:?}");
                compared += got.len();
            }
        }
    }
    assert!(compared > 1_000, "the cases list people: {compared}");
}

/// The rule over every active worker in `scope` and every record.
fn by_rule(
    workers: &[worker::Model],
    records: &[training_record::Model],
    scope: &str,
    as_of: NaiveDate,
    rotation: Rotation,
) -> Vec<Line> {
    let mut last: HashMap<Uuid, NaiveDate> = HashMap::new();
    let mut credits: HashMap<Uuid, i64> = HashMap::new();
    for r in records {
        if r.attendance == "attended" {
            let e = last.entry(r.worker_id).or_insert(r.completed_on);
            *e = (*e).max(r.completed_on);
        }
        if r.completed_on.year() >= as_of.year() {
            *credits.entry(r.worker_id).or_default() += i64::from(r.credits);
        }
    }
    let quota = i64::from(rotation.credits_per_year);
    let mut out: Vec<Line> = workers
        .iter()
        .filter(|w| w.region_code.starts_with(scope))
        .filter_map(|w| {
            let head = matches!(w.title.as_str(), "书记" | "主任" | "书记兼主任");
            let l = last.get(&w.id).copied();
            let since = training_overdue_since(
                head,
                l,
                w.service_start.unwrap_or(as_of),
                as_of,
                rotation.head_every_years,
                rotation.others_every_years,
            );
            let earned = credits.get(&w.id).copied().unwrap_or(0);
            let behind = (quota - earned).max(0);
            (since.is_some() || behind > 0).then_some((w.id, l, since, earned, behind))
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn sqlite_the_overdue_list_is_the_rule() {
    check(false).await;
}

#[tokio::test]
async fn postgres_the_overdue_list_is_the_rule() {
    if shegong_store::testing::pg_url().is_none() {
        eprintln!("SHEGONG_TEST_PG_URL not set: PostgreSQL run skipped");
        return;
    }
    check(true).await;
}
