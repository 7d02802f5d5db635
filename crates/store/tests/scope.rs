//! A scoped query never returns a row outside the scope, and sees every row inside it: checked for
//! every county, street and community of a generated two-county demo, on SQLite and (when
//! `SHEGONG_TEST_PG_URL` is set) PostgreSQL.

use sea_orm::EntityTrait;
use shegong_domain::{RegionCode, Scope};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{region, worker};
use shegong_store::workers::{self, WorkerFilter};
use std::collections::HashMap;

async fn check(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
    let opts = DemoOptions::counties(11, &["330481", "330483"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    let all = worker::Entity::find().all(&db.conn).await.unwrap();
    let today = opts.today;
    let filter = WorkerFilter { status: Some("all".into()), ..Default::default() };
    let mut regions: Vec<String> = region::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.code)
        .filter(|c| c.starts_with("3304") && c.len() <= 12)
        .collect();
    regions.sort();
    let mut expected: HashMap<&str, usize> = HashMap::new();
    for code in &regions {
        expected.insert(code, all.iter().filter(|w| w.region_code.starts_with(code.as_str())).count());
    }
    // Every county and street, and every fifth community.
    for (i, code) in regions.iter().enumerate().filter(|(i, c)| c.len() < 12 || i % 5 == 0) {
        let _ = i;
        let scope = Scope::Region(RegionCode::parse(code).unwrap());
        let (rows, total) = workers::list(&db, &scope, &filter, today, 1, 10_000).await.unwrap();
        assert!(rows.iter().all(|w| w.region_code.starts_with(code.as_str())), "{code}: a row outside the scope");
        assert_eq!(total as usize, expected[code.as_str()], "{code}: total");
        assert_eq!(rows.len(), expected[code.as_str()], "{code}: rows");
        // Reading one worker of another region through this scope is NotFound.
        if let Some(outside) = all.iter().find(|w| !w.region_code.starts_with(code.as_str())) {
            assert!(matches!(workers::get(&db, &scope, outside.id).await, Err(shegong_store::StoreError::NotFound)));
        }
    }
    // Counties partition the city: the sum of the parts is the whole.
    let city = Scope::Region(RegionCode::parse("3304").unwrap());
    let (_, city_total) = workers::list(&db, &city, &filter, today, 1, 1).await.unwrap();
    assert_eq!(city_total as usize, expected["330481"] + expected["330483"]);
}

/// The neighbouring county (桐乡, 330483) sees none of 海宁's (330481) rounds, payroll runs, slips,
/// trainings, overdue workers, reserves, figures or uploads, in lists or by id.
async fn neighbour(postgres: bool) {
    use shegong_store::StoreError::NotFound;
    use shegong_store::{imports, payroll, reserves, rounds, stats, training};
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let opts = DemoOptions::counties(11, &["330481", "330483"], today);
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    let haining = Scope::Region(RegionCode::parse("330481").unwrap());
    let tongxiang = Scope::Region(RegionCode::parse("330483").unwrap());
    let inside = |code: &str| code.starts_with("330483");

    // Assessment rounds.
    let theirs = rounds::list(&db, &haining).await.unwrap();
    assert!(!theirs.is_empty(), "the demo has rounds in 海宁");
    assert!(rounds::list(&db, &tongxiang).await.unwrap().iter().all(|r| inside(&r.region_code)));
    assert!(matches!(rounds::get(&db, &tongxiang, theirs[0].id).await, Err(NotFound)));

    // Payroll runs and their slips.
    let runs = payroll::list(&db, &haining).await.unwrap();
    assert!(!runs.is_empty(), "the demo has payroll runs in 海宁");
    assert!(payroll::list(&db, &tongxiang).await.unwrap().iter().all(|r| inside(&r.region_code)));
    assert!(matches!(payroll::get(&db, &tongxiang, runs[0].id).await, Err(NotFound)));
    assert!(matches!(payroll::slips(&db, &tongxiang, runs[0].id, 1, 10).await, Err(NotFound)));

    // Trainings and who is behind on them.
    assert!(!training::list(&db, &haining).await.unwrap().is_empty(), "the demo has trainings in 海宁");
    assert!(training::list(&db, &tongxiang).await.unwrap().iter().all(|(t, _)| inside(&t.region_code)));
    let overdue = training::overdue(&db, &tongxiang, today, training::Rotation::default()).await.unwrap();
    assert!(overdue.iter().all(|o| inside(&o.community_code)));

    // Reserves: the list, the coverage, and a region of the neighbour asked for by name.
    let (theirs, n) = reserves::list(&db, &haining, None, 1, 10).await.unwrap();
    assert!(n > 0 && !theirs.is_empty(), "the demo has reserves in 海宁");
    let (ours, _) = reserves::list(&db, &tongxiang, None, 1, 10_000).await.unwrap();
    assert!(ours.iter().all(|r| inside(&r.region_code)));
    assert!(reserves::list(&db, &tongxiang, Some("330481"), 1, 10).await.is_err());
    let cov = reserves::coverage(&db, &tongxiang, today).await.unwrap();
    assert!(cov.iter().all(|c| inside(&c.community_code)));

    // Figures: the neighbour's own, and 海宁's refused.
    let own = stats::figures(&db, &tongxiang, tongxiang.region(), today, false).await.unwrap();
    assert!(own.children.iter().all(|c| inside(&c.code)));
    assert!(stats::figures(&db, &tongxiang, haining.region(), today, false).await.is_err());

    // Uploads: 海宁's kept file is neither listed nor readable from 桐乡.
    let clerk = shegong_store::Access::admin("330481", "admin-330481");
    let head: Vec<&str> = imports::COLUMNS.iter().map(|c| c.0).collect();
    let t = imports::read_table("r.csv", format!("{}\n", head.join(",")).as_bytes()).unwrap();
    let checked = imports::check(&db.conn, &haining, &t, today).await.unwrap();
    let kept = imports::record(&db, &clerk, "r.csv", b"x".to_vec(), &checked).await.unwrap();
    assert!(imports::recent(&db, &tongxiang, 50).await.unwrap().iter().all(|m| inside(&m.region_code)));
    assert!(matches!(imports::get(&db, &tongxiang, kept.id).await, Err(NotFound)));
    let tx = shegong_store::Access::admin("330483", "admin-330483");
    assert!(matches!(imports::commit_kept(&db, &tx, kept.id, today).await, Err(NotFound)));

    // Region names: the neighbour's own and those above it, never 海宁's.
    use shegong_store::{regions, workers};
    let asked = vec!["33".into(), "3304".into(), "330483".into(), "330481".into(), "330481001001".into()];
    let names = regions::names_seen(&db, &tongxiang, asked.clone()).await.unwrap();
    assert!(names.contains_key("33") && names.contains_key("3304") && names.contains_key("330483"));
    assert!(!names.keys().any(|k| k.starts_with("330481")), "{names:?}");
    let names = workers::community_names(&db, &tongxiang, asked).await.unwrap();
    assert!(!names.keys().any(|k| k.starts_with("330481")), "{names:?}");
    let names = regions::community_names_in(&db, &tongxiang, "3304").await.unwrap();
    assert!(!names.is_empty() && names.keys().all(|k| inside(k)), "{names:?}");
    assert!(regions::community_names_in(&db, &tongxiang, "330481").await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_a_neighbouring_county_sees_nothing() {
    neighbour(false).await;
}

#[tokio::test]
async fn postgres_a_neighbouring_county_sees_nothing() {
    if shegong_store::testing::pg_url().is_none() {
        eprintln!("SHEGONG_TEST_PG_URL not set: PostgreSQL run skipped");
        return;
    }
    neighbour(true).await;
}

#[tokio::test]
async fn sqlite_scoped_reads_stay_inside() {
    check(false).await;
}

#[tokio::test]
async fn postgres_scoped_reads_stay_inside() {
    if shegong_store::testing::pg_url().is_none() {
        eprintln!("SHEGONG_TEST_PG_URL not set: PostgreSQL run skipped");
        return;
    }
    check(true).await;
}
