//! The search keys: written with the demo, found by an index range (never a scan of the names), on
//! both engines.

use sea_orm::{ConnectionTrait, TransactionTrait};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::search::{Kind, matching};

#[tokio::test]
async fn a_name_fragment_is_an_index_range() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let opts = DemoOptions::counties(3, &["330481"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
        let backend = db.backend();
        let sub = matching("33", Kind::Name, "zjm").unwrap();
        let built = backend.build(&sub);
        let (sql, values) = (built.sql, built.values);
        let txn = db.conn.begin().await.unwrap();
        let explain = if postgres {
            // The demo's few thousand keys are small enough for a scan; ask whether an index serves.
            txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.unwrap();
            format!("EXPLAIN {sql}")
        } else {
            format!("EXPLAIN QUERY PLAN {sql}")
        };
        let rows = txn.query_all_raw(sea_orm::Statement { sql: explain, values, db_backend: backend }).await.unwrap();
        let plan: Vec<String> = rows
            .iter()
            .map(|r| {
                let col = if postgres { "QUERY PLAN" } else { "detail" };
                r.try_get::<String>("", col).unwrap()
            })
            .collect();
        let plan = plan.join("\n");
        if postgres {
            assert!(plan.contains("Index") && plan.contains("worker_search_pkey"), "{plan}");
            assert!(!plan.contains("Seq Scan"), "{plan}");
        } else {
            assert!(plan.contains("SEARCH") && plan.contains("worker_search"), "{plan}");
            assert!(!plan.contains("SCAN"), "{plan}");
        }
        txn.rollback().await.unwrap();
        // Every worker has keys: the ID number's, and at least one of the name's.
        for kind in [Kind::Name, Kind::IdTail] {
            let row = db
                .conn
                .query_one_raw(sea_orm::Statement::from_string(
                    backend,
                    format!(
                        "SELECT COUNT(*) AS n FROM workers w WHERE w.province_code = '33' AND NOT EXISTS \
                         (SELECT 1 FROM worker_search s WHERE s.province_code = '33' AND s.kind = {} AND s.worker_id = w.id)",
                        kind as i16
                    ),
                ))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0, "{kind:?}");
        }
    }
}
