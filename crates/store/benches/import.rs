//! Bulk import beside the engine underneath it (issue 14), printed:
//!   cargo bench -p shegong-store --bench import
//! 1. the demo province (about 40,000 workers) is loaded and copied as it stands (`VACUUM INTO`);
//! 2. a 100,000-row roster (.xlsx) is read, checked and committed into it: rows a second (target
//!    ≥ 30,000);
//! 3. the raw engine: the rows that import wrote (the archives with their appointment, education,
//!    certificate, history, statistics spells, search keys and ID registry rows) are read into
//!    memory, then inserted into the copy through the SQLite library itself (`rusqlite`, one prepared
//!    statement a table, one transaction, the same pragmas and indexes): the import's time over the
//!    raw time (target ≤ 3×).
//!
//! SQLite only (the raw comparison is with SQLite's own library).

use rusqlite::types::Value;
use shegong_domain::{RegionCode, Scope};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::imports;
use std::time::Instant;

#[path = "common/mod.rs"]
mod common;
use common::{d, roster};

/// The tables a new archive is written to.
const TABLES: [&str; 8] = [
    "workers",
    "appointments",
    "educations",
    "certificates",
    "worker_changes",
    "worker_spells",
    "worker_search",
    "id_registry",
];

/// A table's name, its columns and rows.
type Rows = (String, Vec<String>, Vec<Vec<Value>>);

/// The rows of `TABLES` in `after` that are not in `before`.
fn new_rows(before: &std::path::Path, after: &std::path::Path) -> Vec<Rows> {
    let c = rusqlite::Connection::open(before).unwrap();
    c.execute("ATTACH DATABASE ?1 AS post", [after.to_str().unwrap()]).unwrap();
    let mut out = Vec::new();
    for t in TABLES {
        let cols: Vec<String> = c
            .prepare(&format!("PRAGMA main.table_info({t})"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(1))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let list = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let mut stmt = c.prepare(&format!("SELECT {list} FROM post.{t} EXCEPT SELECT {list} FROM main.{t}")).unwrap();
        let n = cols.len();
        let rows: Vec<Vec<Value>> = stmt
            .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.push((t.to_string(), cols, rows));
    }
    out
}

/// Inserts `rows` into the database at `path` as a program using SQLite directly would: one
/// transaction, one prepared statement a table, the pragmas the server sets. Returns the seconds,
/// and each table's.
fn raw_insert(path: &std::path::Path, tables: &[Rows]) -> (f64, Vec<f64>) {
    let mut c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; \
         PRAGMA cache_size=-65536; PRAGMA temp_store=memory;",
    )
    .unwrap();
    let t = Instant::now();
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
    let mut each = Vec::new();
    for (table, cols, rows) in tables {
        let start = Instant::now();
        let list = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let marks = vec!["?"; cols.len()].join(", ");
        let mut stmt = tx.prepare(&format!("INSERT INTO {table} ({list}) VALUES ({marks})")).unwrap();
        for r in rows {
            stmt.execute(rusqlite::params_from_iter(r.iter())).unwrap();
        }
        each.push(start.elapsed().as_secs_f64());
    }
    tx.commit().unwrap();
    (t.elapsed().as_secs_f64(), each)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let db = shegong_store::Db::connect(&shegong_store::db::sqlite_url(dir.path())).await.unwrap();
    shegong_store::setup::run(&db).await.unwrap();
    let opts = DemoOptions::counties(2026, &[], d(2026, 11, 23));
    let t = Instant::now();
    let s = demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    println!(
        "SQLite: demo province loaded ({} active workers) in {:.1} s",
        s.workers_active,
        t.elapsed().as_secs_f64()
    );
    let before = dir.path().join("before.db");
    db.backup_sqlite(&before).await.unwrap();

    let communities = shegong_store::regions::communities_under(&db.conn, "33")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.code)
        .collect::<Vec<_>>();
    let n = 100_000;
    let bytes = roster(n, &communities);
    let size = bytes.len() as f64 / 1e6;
    let scope = Scope::Region(RegionCode::parse("33").unwrap());
    let t = Instant::now();
    let table = imports::read_table("roster.xlsx", &bytes).unwrap();
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (_, checked, done) = imports::commit_upload(
        &db,
        &shegong_store::Access::system(scope.region().clone()),
        "roster.xlsx",
        bytes,
        &table,
        d(2026, 11, 23),
        &|_, _| {},
    )
    .await
    .unwrap();
    let import = t.elapsed().as_secs_f64();
    assert!(checked.errors.is_empty());
    let done = done.unwrap();
    assert_eq!(done.created, n);
    println!(
        "import of {n} rows (.xlsx {size:.1} MB): read in {read:.2} s, checked and committed in {import:.2} s = {:.0} rows/s (target ≥ 30,000 rows/s)",
        n as f64 / import
    );
    drop(db);

    let rows = new_rows(&before, &dir.path().join("shegong.db"));
    let physical: usize = rows.iter().map(|r| r.2.len()).sum();
    let (raw, each) = raw_insert(&before, &rows);
    let detail = rows
        .iter()
        .zip(&each)
        .map(|((t, _, r), s)| format!("{t} {} in {s:.2} s", r.len()))
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "raw SQLite inserting the same {physical} rows ({detail}): {raw:.2} s = {:.0} roster rows/s, {:.0} table rows/s",
        n as f64 / raw,
        physical as f64 / raw
    );
    println!("import / raw: {:.2}× (target ≤ 3×)", import / raw);
}
