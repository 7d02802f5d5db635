//! A province's queries at the nation's size against the same on the demo province alone, printed:
//!   cargo bench -p shegong-web --bench national
//! - two databases: the demo province alone (about 42,000 workers), and the nation: the same demo
//!   province, copied by `shegong demo --national` into the other 30 provinces until there are
//!   `SHEGONG_BENCH_NATIONAL_WORKERS` workers (default 4,400,000);
//! - on SQLite in a temporary folder (about 12 GB for the nation), or on PostgreSQL with
//!   `SHEGONG_BENCH_DATABASE_URL` (demo province) and `SHEGONG_BENCH_NATIONAL_URL` (nation): empty
//!   databases are filled, databases that hold data already are used as they are (the nation takes
//!   minutes to make);
//! - for each: the province administrator's worker list, one worker's archive, a search by 拼音
//!   initials, by one character and by a fragment of a name, and the figures
//!   (computed, as after a save), a county's (海宁市) payroll month computed and read, and its
//!   roster exported; median and p95 of `SHEGONG_BENCH_RUNS` runs (default 20; 5 for the export),
//!   and the nation's median over the demo's (target ≤ 1.5×; list ≤ 20 ms, archive ≤ 5 ms, figures
//!   ≤ 1 s, payroll month ≤ 200 ms on PostgreSQL).

use axum::body::Body;
use axum::http::Request;
use shegong_store::{Db, demo};
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[path = "common/mod.rs"]
mod common;

struct Case {
    name: &'static str,
    user: &'static str,
    method: &'static str,
    path: String,
    body: Option<String>,
    runs: u64,
    /// Whether the figures are computed anew before each run (the first view after a save).
    after_save: bool,
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn open(url: &str, national: Option<u64>) -> (Db, String) {
    let db = Db::connect(url).await.unwrap();
    shegong_store::setup::run(&db).await.unwrap();
    let mut loaded = String::from("used as it was");
    if demo::is_empty(&db).await.unwrap() {
        let (summary, took) = common::load_demo(&db).await;
        loaded = format!(
            "demo province loaded: {} workers in {:.1} s",
            summary.workers_active + summary.workers_exited,
            took.as_secs_f64()
        );
        if let Some(target) = national {
            let t = Instant::now();
            let source = demo::national::source_workers(&db, "33").await.unwrap();
            let plan = demo::national::plan("33", source, target);
            let made = demo::national::replicate(&db, "33", &plan, &|_| {}).await.unwrap();
            loaded.push_str(&format!(
                "; copied into {} provinces: {} copies, {} rows, {} workers in all, in {:.1} s",
                plan.len(),
                made.copies,
                made.rows,
                made.workers + source,
                t.elapsed().as_secs_f64()
            ));
        } else if db.backend() == sea_orm::DbBackend::Postgres {
            use sea_orm::ConnectionTrait;
            db.writer.execute_unprepared("VACUUM ANALYZE").await.unwrap();
        }
    }
    (db, loaded)
}

async fn send(app: &axum::Router, token: &str, c: &Case) -> (u16, axum::body::Bytes, Duration) {
    let mut req = Request::builder().method(c.method).uri(&c.path).header("authorization", format!("Bearer {token}"));
    if c.body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let req = req.body(Body::from(c.body.clone().unwrap_or_default())).unwrap();
    let t = Instant::now();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, bytes, t.elapsed())
}

/// Median and p95 of a case's runs, after two that warm the caches.
async fn time(app: &axum::Router, db: &Db, token: &str, c: &Case) -> (Duration, Duration) {
    let mut times = Vec::new();
    for i in 0..c.runs + 2 {
        if c.after_save {
            db.cache.written();
        }
        let (status, body, took) = send(app, token, c).await;
        assert!((200..300).contains(&status), "{} {}: {status} {}", c.method, c.path, String::from_utf8_lossy(&body));
        if i >= 2 {
            times.push(took);
        }
    }
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.95))
}

async fn json(app: &axum::Router, token: &str, path: &str) -> serde_json::Value {
    let c = Case { name: "", user: "", method: "GET", path: path.into(), body: None, runs: 1, after_save: false };
    let (_, body, _) = send(app, token, &c).await;
    serde_json::from_slice(&body).unwrap()
}

/// The cases, with the ids they need read from this database.
async fn cases(app: &axum::Router, province: &str) -> Vec<Case> {
    let runs = env_num("SHEGONG_BENCH_RUNS", 20);
    let first = json(app, province, "/api/v1/workers?per_page=1").await;
    let worker = first["items"][0]["id"].as_str().unwrap().to_string();
    let region = "330481"; // 海宁市
    // A month after the demo's locked year, computed again each run (not locked, so allowed).
    let month = "2026-10";
    let c = |name, user, method, path: String, body: Option<String>, runs, after_save| Case {
        name,
        user,
        method,
        path,
        body,
        runs,
        after_save,
    };
    vec![
        c("社区工作者列表（省）", "province", "GET", "/api/v1/workers?per_page=50".into(), None, runs, false),
        c("一人档案（省）", "province", "GET", format!("/api/v1/workers/{worker}"), None, runs, false),
        c("拼音首字母搜索 zjm（省）", "province", "GET", "/api/v1/workers?q=zjm".into(), None, runs, false),
        c("单字搜索 王（省）", "province", "GET", "/api/v1/workers?q=%E7%8E%8B".into(), None, runs, false),
        c(
            "姓名片段搜索 佳明（省）",
            "province",
            "GET",
            "/api/v1/workers?q=%E4%BD%B3%E6%98%8E".into(),
            None,
            runs,
            false,
        ),
        c("统计（省，保存后重算）", "province", "GET", "/api/v1/stats".into(), None, runs, true),
        c(
            "县薪酬月计算（海宁市）",
            "haining",
            "POST",
            "/api/v1/payroll/runs".into(),
            Some(serde_json::json!({"region": region, "month": month}).to_string()),
            runs,
            false,
        ),
        c("县工资条一页（海宁市）", "haining", "GET", "LATEST_RUN".into(), None, runs, false),
        c("县花名册导出（海宁市）", "haining", "GET", "/api/v1/workers.xlsx".into(), None, runs.min(5), false),
    ]
}

async fn measure(db: &Db) -> Vec<(&'static str, (Duration, Duration))> {
    let app = shegong_web::router(shegong_web::AppState::new(
        db.clone(),
        shegong_web::Settings { figures_stale_secs: 0, ..Default::default() },
    ));
    let province = common::token(&app, "province").await;
    let county = common::token(&app, "haining").await;
    let mut out = Vec::new();
    for mut c in cases(&app, &province).await {
        let token = if c.user == "province" { &province } else { &county };
        if c.path == "LATEST_RUN" {
            let runs = json(&app, token, "/api/v1/payroll/runs").await;
            let id = runs["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["region_code"] == "330481")
                .max_by_key(|r| r["created_at"].as_str().unwrap_or_default().to_string())
                .map(|r| r["id"].as_str().unwrap().to_string())
                .unwrap();
            c.path = format!("/api/v1/payroll/runs/{id}");
        }
        out.push((c.name, time(&app, db, token, &c).await));
    }
    out
}

#[tokio::main]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let url = |var: &str, file: &str| {
        std::env::var(var).unwrap_or_else(|_| {
            let d = dir.path().join(file);
            std::fs::create_dir_all(&d).unwrap();
            shegong_store::db::sqlite_url(&d)
        })
    };
    let target = env_num("SHEGONG_BENCH_NATIONAL_WORKERS", 4_400_000);
    let (demo_db, demo_loaded) = open(&url("SHEGONG_BENCH_DATABASE_URL", "demo"), None).await;
    let engine = if demo_db.backend() == sea_orm::DbBackend::Postgres { "PostgreSQL" } else { "SQLite" };
    println!("engine: {engine}");
    println!("demo province alone: {demo_loaded}");
    let demo = measure(&demo_db).await;
    drop(demo_db);
    let (nation_db, nation_loaded) = open(&url("SHEGONG_BENCH_NATIONAL_URL", "nation"), Some(target)).await;
    println!("nation: {nation_loaded}");
    let nation = measure(&nation_db).await;
    println!("\n  {:<24} {:>26}   {:>26}   {:>6}", "", "demo province alone", "nation", "ratio");
    for ((name, d), (_, n)) in demo.iter().zip(&nation) {
        println!(
            "  {name:<18} median {:>9}, p95 {:>9}   median {:>9}, p95 {:>9}   {:>5.2}×",
            ms(d.0),
            ms(d.1),
            ms(n.0),
            ms(n.1),
            n.0.as_secs_f64() / d.0.as_secs_f64()
        );
    }
}
