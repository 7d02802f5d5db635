//! Issue 5's figures, printed:
//!   cargo bench -p shegong-store --bench figures
//! 1. the demo province (about 40,000 workers): province-level figures (`stats::figures`, one
//!    aggregate over the spells, with child regions) for several dates, median (target ≤ 200 ms);
//! 2. a 100,000-row roster (.xlsx written by rust_xlsxwriter) read, checked and committed into it,
//!    then the same file again (target ≤ 30 s on SQLite; the second import must create nobody);
//! 3. with `SHEGONG_BENCH_NATIONAL=1`: a national-size statistics table (4.4 million workers in 31
//!    provinces, generated straight into `worker_spells` and `regions`), province figures, median
//!    (target ≤ 1 s).
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs against an empty PostgreSQL database instead.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shegong_domain::{RegionCode, Scope};
use shegong_store::Db;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{region, worker};
use shegong_store::{imports, stats};
use std::time::Instant;

#[path = "common/mod.rs"]
mod common;
use common::{d, roster};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

async fn figures(db: &Db, province: &str, label: &str) {
    let scope = Scope::Region(RegionCode::parse(province).unwrap());
    let code = RegionCode::parse(province).unwrap();
    let days = [d(2015, 12, 31), d(2019, 12, 31), d(2022, 6, 30), d(2025, 12, 31), d(2026, 11, 1)];
    let mut times = Vec::new();
    let mut workers = 0;
    for _ in 0..3 {
        for day in days {
            let t = Instant::now();
            let f = stats::figures(db, &scope, &code, day, false).await.unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            workers = workers.max(f.counts.workers);
        }
    }
    println!(
        "{label}: province {province} figures for any date (5 dates × 3): median {:.1} ms, max {:.1} ms ({workers} workers at most)",
        median(times.clone()),
        times.iter().cloned().fold(0.0, f64::max)
    );
}

async fn import_bench(db: &Db) {
    let communities: Vec<String> = region::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.level == "community")
        .map(|r| r.code)
        .collect();
    let n = 100_000;
    let bytes = roster(n, &communities);
    let scope = Scope::Region(RegionCode::parse("33").unwrap());
    let before = worker::Entity::find().count(&db.conn).await.unwrap();
    let today = d(2026, 11, 1);
    // A clerk elsewhere keeps saving one worker while the import commits: the longest wait.
    let clerk_worker = worker::Entity::find()
        .filter(worker::Column::RegionCode.starts_with("330483"))
        .filter(worker::Column::Status.eq("active"))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    for pass in ["first import", "same file again"] {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let clerk = {
            let (db, stop) = (db.clone(), stop.clone());
            tokio::spawn(async move {
                let access = shegong_store::Access::admin("330483", "clerk");
                let (mut longest, mut n, mut k) = (0f64, 0u32, 0u32);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    k += 1;
                    let patch = shegong_store::workers::WorkerPatch {
                        phone: Some(format!("1390000{:04}", k % 10_000)),
                        ..Default::default()
                    };
                    let t = Instant::now();
                    shegong_store::workers::update(&db, &access, clerk_worker, &patch).await.unwrap();
                    longest = longest.max(t.elapsed().as_secs_f64());
                    n += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                (n, longest)
            })
        };
        let t = Instant::now();
        let table = imports::read_table("roster.xlsx", &bytes).unwrap();
        let read = t.elapsed().as_secs_f64();
        let (_, checked, done) = imports::commit_upload(
            db,
            &shegong_store::Access::system(scope.region().clone()),
            "roster.xlsx",
            bytes.clone(),
            &table,
            today,
            &|_, _| {},
        )
        .await
        .unwrap();
        let total = t.elapsed().as_secs_f64();
        assert!(checked.errors.is_empty(), "{:?}", &checked.errors[..3.min(checked.errors.len())]);
        let done = done.unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (saves, longest) = clerk.await.unwrap();
        println!(
            "  meanwhile another county saved a worker {saves} times, the longest save took {longest:.2} s (none failed)"
        );
        let after = worker::Entity::find().count(&db.conn).await.unwrap();
        println!(
            "import, {pass}: {n} rows ({:.1} MB xlsx) read in {read:.1} s, checked and committed in {total:.1} s in all; created {}, updated {}, unchanged {}; workers {before} → {after}",
            bytes.len() as f64 / 1e6,
            done.created,
            done.updated,
            done.unchanged
        );
    }
}

/// 4.4 million workers across 31 provinces, straight into the statistics table.
async fn national(db: &Db) {
    const PROVINCES: [(&str, u32); 31] = [
        ("11", 9),
        ("12", 6),
        ("13", 27),
        ("14", 13),
        ("15", 9),
        ("21", 16),
        ("22", 9),
        ("23", 12),
        ("31", 12),
        ("32", 32),
        ("33", 25),
        ("34", 22),
        ("35", 15),
        ("36", 16),
        ("37", 36),
        ("41", 35),
        ("42", 22),
        ("43", 24),
        ("44", 48),
        ("45", 18),
        ("46", 4),
        ("50", 12),
        ("51", 30),
        ("52", 14),
        ("53", 17),
        ("54", 2),
        ("61", 14),
        ("62", 9),
        ("63", 2),
        ("64", 3),
        ("65", 9),
    ];
    let weights: u32 = PROVINCES.iter().map(|p| p.1).sum();
    let total = 4_400_000u64;
    let t = Instant::now();
    let backend = db.conn.get_database_backend();
    let mut seq = 0u64;
    for (p, w) in PROVINCES {
        let n = total * w as u64 / weights as u64;
        // 10 cities × 10 counties × 10 streets × 10 communities per province.
        let mut regs = vec![(p.to_string(), None::<String>, "province")];
        for c in 1..=10 {
            let city = format!("{p}{c:02}");
            regs.push((city.clone(), Some(p.to_string()), "city"));
            for k in 1..=10 {
                let county = format!("{city}{k:02}");
                regs.push((county.clone(), Some(city.clone()), "county"));
                for s in 1..=10 {
                    let street = format!("{county}{s:03}");
                    regs.push((street.clone(), Some(county.clone()), "street"));
                    for m in 1..=10 {
                        regs.push((format!("{street}{m:03}"), Some(street.clone()), "community"));
                    }
                }
            }
        }
        for chunk in regs.chunks(1000) {
            let mut sql = String::from(
                "INSERT INTO regions (code, parent_code, level, name, households, residents, urban_rural_class) VALUES ",
            );
            for (i, (code, parent, level)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                let parent = parent.as_ref().map_or("NULL".to_string(), |p| format!("'{p}'"));
                let (h, r) = if *level == "community" { (3000, 8000) } else { (0, 0) };
                sql.push_str(&format!("('{code}', {parent}, '{level}', '区划{code}', {h}, {r}, '111')"));
            }
            db.conn.execute_unprepared(&sql).await.unwrap();
        }
        let communities: Vec<&String> = regs.iter().filter(|r| r.2 == "community").map(|r| &r.0).collect();
        let mut i = 0u64;
        while i < n {
            let k = (n - i).min(2000);
            let mut sql = String::from(
                "INSERT INTO worker_spells (province_code, worker_id, seq, region_code, valid_from, valid_to, post, full_time, two_committees, education, certificate, gender, political, birth_date, service_start) VALUES ",
            );
            for j in 0..k {
                seq += 1;
                let x = i + j;
                if j > 0 {
                    sql.push(',');
                }
                let c = communities[(x % communities.len() as u64) as usize];
                let from = format!("{}-{:02}-01", 2008 + x % 18, 1 + x % 12);
                let birth = format!("{}-{:02}-15", 1962 + x % 38, 1 + x % 12);
                let id = uuid::Uuid::from_u128(seq as u128);
                let (t, f) = match backend {
                    sea_orm::DbBackend::Postgres => ("true", "false"),
                    _ => ("1", "0"),
                };
                sql.push_str(&format!(
                    "('{p}', '{id}', 0, '{c}', '{from}', NULL, {}, {}, {}, {}, {}, {}, {}, '{birth}', '{from}')",
                    x % 4,
                    if !x.is_multiple_of(8) { t } else { f },
                    if x.is_multiple_of(3) { t } else { f },
                    x % 5,
                    x % 4,
                    x % 2,
                    1 + x % 5
                ));
            }
            db.conn.execute_unprepared(&sql).await.unwrap();
            i += k;
        }
    }
    db.analyze().await.unwrap();
    println!("national dataset: {total} workers in 31 provinces generated in {:.0} s", t.elapsed().as_secs_f64());
    for p in ["44", "37", "11"] {
        figures(db, p, "national dataset").await;
    }
}

#[tokio::main]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("SHEGONG_BENCH_DATABASE_URL").unwrap_or_else(|_| shegong_store::db::sqlite_url(dir.path()));
    println!("engine: {}", if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" });
    let db = Db::connect(&url).await.unwrap();
    shegong_store::setup::run(&db).await.unwrap();
    if std::env::var("SHEGONG_BENCH_NATIONAL").is_ok() {
        national(&db).await;
        return;
    }
    let opts = DemoOptions::counties(1, &[], d(2026, 11, 1));
    let t = Instant::now();
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    db.analyze().await.unwrap();
    println!("demo province loaded in {:.1} s", t.elapsed().as_secs_f64());
    figures(&db, "33", "demo").await;
    import_bench(&db).await;
    figures(&db, "33", "demo + 100,000 imported").await;
}
