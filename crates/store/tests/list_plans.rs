//! The worker list by index, never by a scan of the workers, for every combination of the filters
//! it offers and every order, on both engines: each engine is asked for its plan of the two
//! statements the list runs (the count and the page). The first page of a whole province in any
//! order reads an index in that order (no sort of every worker).

use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, TransactionTrait};
use shegong_domain::{RegionCode, Scope};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::workers::{WorkerFilter, queries, ranked_name, ranked_query};

const SORTS: [&str; 7] = ["region", "name", "-name", "age", "-age", "service", "-service"];

/// The filter with the filters of `mask` set (bit i: the i-th filter), in `status` and `sort`.
fn filter(mask: u32, status: &str, sort: &str) -> WorkerFilter {
    let on = |i: u32, v: &str| (mask & (1 << i) != 0).then(|| v.to_string());
    WorkerFilter {
        region: on(0, "330481"),
        q: on(1, "张"),
        post_category: on(2, "staff"),
        education: on(3, "bachelor"),
        certificate: on(4, "any"),
        full_time: on(5, "true"),
        two_committees: on(6, "false"),
        age_min: on(7, "30"),
        age_max: on(7, "45"),
        status: Some(status.to_string()),
        sort: Some(sort.to_string()),
        id_prefix_search: true,
    }
}

async fn plan(txn: &sea_orm::DatabaseTransaction, stmt: sea_orm::Statement) -> String {
    let postgres = stmt.db_backend == DbBackend::Postgres;
    let sql = if postgres { format!("EXPLAIN {}", stmt.sql) } else { format!("EXPLAIN QUERY PLAN {}", stmt.sql) };
    let rows =
        txn.query_all_raw(sea_orm::Statement { sql, values: stmt.values, db_backend: stmt.db_backend }).await.unwrap();
    rows.iter()
        .map(|r| r.try_get::<String>("", if postgres { "QUERY PLAN" } else { "detail" }).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_filter_combination_and_order_reads_an_index() {
    for postgres in shegong_store::testing::engines() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let opts = DemoOptions::counties(5, &["330481", "330483"], today);
        demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
        db.analyze().await.unwrap();
        let backend = db.backend();
        // The reads' own connections, as the list runs on them (after the load's statistics).
        let txn = db.conn.begin().await.unwrap();
        if postgres {
            // The test's few thousand workers are few enough for a scan; ask whether an index serves.
            txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.unwrap();
        }
        let mut checked = 0;
        for scope in ["33", "330481"] {
            let scope = Scope::Region(RegionCode::parse(scope).unwrap());
            for mask in 0..256u32 {
                for (k, sort) in SORTS.iter().enumerate() {
                    let status = ["active", "exited", "all"][(mask as usize + k) % 3];
                    let f = filter(mask, status, sort);
                    let (count, page) = queries(&f, &scope, today, 1, 20).unwrap();
                    let count = count.build(backend);
                    let count = sea_orm::Statement {
                        sql: format!("SELECT COUNT(*) AS num_items FROM ({}) AS sub_query", count.sql),
                        ..count
                    };
                    let mut stmts = vec![("count", count), ("page", page.build(backend))];
                    // A name search in the default order runs one statement of its own instead.
                    if let Some(q) = ranked_name(&f) {
                        let ranked = ranked_query(&f, &scope, today, q, 0, 20).unwrap().unwrap();
                        stmts = vec![("ranked page", backend.build(&ranked))];
                    }
                    for (what, stmt) in stmts {
                        let p = plan(&txn, stmt).await;
                        let scanned = if postgres {
                            p.contains("Seq Scan on workers") || p.contains("Seq Scan on worker_search")
                        } else {
                            p.lines().any(|l| l.contains("SCAN workers") || l.contains("SCAN worker_search"))
                        };
                        assert!(!scanned, "{what} of {f:?} in {scope:?} scans the workers:\n{p}");
                        if !postgres {
                            // A search's ranks look at each found worker's own keys (one seek each).
                            let ranks = p.lines().filter(|l| l.contains("CORRELATED")).count();
                            let seeks =
                                p.lines().filter(|l| l.contains("worker_search") && l.contains("worker_id=?")).count();
                            assert!(seeks >= ranks, "{what} of {f:?} ranks by a range of keys:\n{p}");
                        }
                        if !postgres && what == "page" && mask == 0 && scope.region().as_str() == "33" {
                            assert!(
                                !p.contains("TEMP B-TREE"),
                                "the province's first page sorted by {sort} sorts every worker:\n{p}"
                            );
                        }
                        checked += 1;
                    }
                }
            }
        }
        txn.rollback().await.unwrap();
        // Two statements each, but one for the searches in the default order (half the masks, one sort).
        assert_eq!(checked, 2 * 256 * SORTS.len() * 2 - 2 * 128);
    }
}
