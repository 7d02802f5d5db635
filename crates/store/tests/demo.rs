//! The demo is deterministic for a seed and has the shape the seeds report for Zhejiang.

use sea_orm::EntityTrait;
use shegong_domain::IdNumber;
use shegong_domain::person::Gender;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{appointment, worker};

async fn load(seed: u64) -> (Vec<worker::Model>, Vec<appointment::Model>) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(false, dir.path()).await.unwrap();
    let opts = DemoOptions::counties(seed, &["3301"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    let mut w = worker::Entity::find().all(&db.conn).await.unwrap();
    w.sort_by_key(|w| w.id);
    (w, appointment::Entity::find().all(&db.conn).await.unwrap())
}

#[tokio::test]
async fn same_seed_same_province() {
    let (a, appts) = load(5).await;
    let (b, _) = load(5).await;
    let key = |w: &worker::Model| (w.id, w.name.clone(), w.id_number.clone(), w.region_code.clone());
    assert_eq!(a.iter().map(key).collect::<Vec<_>>(), b.iter().map(key).collect::<Vec<_>>());
    let (c, _) = load(6).await;
    assert_ne!(a.iter().map(key).collect::<Vec<_>>(), c.iter().map(key).collect::<Vec<_>>());

    // Valid ID numbers agreeing with the record, from the community's county.
    for w in &a {
        let id = IdNumber::parse(&w.id_number).expect("valid ID number");
        assert_eq!(id.birth_date(), w.birth_date);
        assert_eq!(Some(id.gender()), Gender::from_code(&w.gender));
        assert_eq!(id.address_code(), &w.region_code[..6]);
    }
    // The shape: ≈86% full-time, ≈80% college or above, ≈43% certified (杭州市 alone, so loose bounds).
    let active: Vec<_> = a.iter().filter(|w| w.status == "active").collect();
    let share =
        |f: &dyn Fn(&&worker::Model) -> bool| active.iter().filter(|w| f(w)).count() as f64 / active.len() as f64;
    assert!((0.80..0.92).contains(&share(&|w| w.full_time)), "full-time");
    assert!(
        (0.74..0.86).contains(&share(&|w| w
            .highest_education
            .as_deref()
            .is_some_and(shegong_domain::codes::is_college_or_above))),
        "college or above"
    );
    assert!((0.37..0.49).contains(&share(&|w| w.certificate_level.is_some())), "certified");
    // Secretaries and directors in every community; people who moved and who left.
    assert!(active.iter().any(|w| w.title == "书记") && active.iter().any(|w| w.title == "主任"));
    assert!(a.iter().any(|w| w.status == "exited"));
    assert!(appts.iter().any(|x| x.end_reason.as_deref() == Some("调动")));
    assert!(appts.iter().any(|x| x.start_date.format("%Y").to_string() == "2010"));
}

/// The national dataset's copies: every table's rows again under the other provinces, references
/// intact, ID numbers valid for their new regions, on both engines.
#[tokio::test]
async fn national_copies_are_whole_provinces() {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    use shegong_store::entity::{certificate, education, id_registry, worker_spell};
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let opts = DemoOptions::counties(7, &["330481"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
        let source = demo::national::source_workers(&db, "33").await.unwrap();
        let plan = demo::national::plan("33", source, 3 * source);
        assert_eq!(plan, vec![("11".to_string(), 1), ("12".to_string(), 1)]);
        let made = demo::national::replicate(&db, "33", &plan, &|_| {}).await.unwrap();
        assert_eq!((made.copies, made.workers), (2, 2 * source));
        macro_rules! per_province {
            ($e:ident) => {
                for p in ["11", "12"] {
                    let n = |p: &'static str| $e::Entity::find().filter($e::Column::ProvinceCode.eq(p)).count(&db.conn);
                    assert_eq!(n(p).await.unwrap(), n("33").await.unwrap(), "{} in {p}", stringify!($e));
                }
            };
        }
        per_province!(worker);
        per_province!(appointment);
        per_province!(education);
        per_province!(certificate);
        per_province!(worker_spell);
        per_province!(id_registry);
        let copied = worker::Entity::find().filter(worker::Column::ProvinceCode.eq("12")).all(&db.conn).await.unwrap();
        for w in &copied {
            let id = IdNumber::parse(&w.id_number).expect("a copied ID number is valid");
            assert_eq!(id.address_code(), &w.region_code[..6]);
            assert_eq!(id.birth_date(), w.birth_date);
            assert!(w.region_code.starts_with("12"));
        }
        // Each copied worker's appointments are their own (the ids were carried over together).
        let mine = appointment::Entity::find()
            .filter(appointment::Column::ProvinceCode.eq("12"))
            .filter(appointment::Column::WorkerId.eq(copied[0].id))
            .count(&db.conn)
            .await
            .unwrap();
        assert!(mine > 0);
        let province =
            shegong_store::entity::region::Entity::find_by_id("12".to_string()).one(&db.conn).await.unwrap().unwrap();
        assert_eq!(province.name, "天津市");
    }
}

/// A province whose prefectures are numbered 20 or above cannot be the copies' source: they would
/// overflow their two digits or meet another copy's.
#[tokio::test]
async fn national_copies_refuse_a_source_they_would_garble() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(false, dir.path()).await.unwrap();
    let opts = DemoOptions::counties(7, &["4602"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    let plan = vec![("11".to_string(), 2)];
    let err = demo::national::replicate(&db, "46", &plan, &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("地级编号都小于 20"), "{err}");
    assert_eq!(demo::national::source_workers(&db, "11").await.unwrap(), 0);
}

/// The demo is written on SQLite with its foreign keys unchecked (no statement journal for its
/// many-row inserts): every key must hold all the same, and the writer checks them again after.
#[tokio::test]
async fn every_foreign_key_holds_after_the_load() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(false, dir.path()).await.unwrap();
    let opts = DemoOptions::counties(7, &["330481"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    let summary = demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    assert!(summary.events > 0 && summary.households > 0 && summary.workers_active > 0);
    let broken =
        db.writer.query_all_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA foreign_key_check")).await.unwrap();
    assert!(broken.is_empty(), "{} rows break a foreign key", broken.len());
    let on = db
        .writer
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA foreign_keys"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(on.try_get_by_index::<i32>(0).unwrap(), 1, "the writer checks foreign keys again");
}

/// Every index of a database after the demo's load (which drops the secondary indexes of the tables
/// it fills and builds them again) is the one the migrations made, with the same definition.
#[tokio::test]
async fn the_load_ends_with_the_migrations_indexes() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    async fn indexes(db: &shegong_store::Db) -> Vec<(String, String, String)> {
        let rows = db
            .writer
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT name, tbl_name, COALESCE(sql, '') AS sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| {
                (r.try_get("", "name").unwrap(), r.try_get("", "tbl_name").unwrap(), r.try_get("", "sql").unwrap())
            })
            .collect()
    }
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(false, dir.path()).await.unwrap();
    let made = indexes(&db).await;
    assert!(made.iter().any(|(n, _, _)| n == "idx_worker_search_worker_key"));
    let opts = DemoOptions::counties(5, &["3301"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    assert_eq!(indexes(&db).await, made);
}
