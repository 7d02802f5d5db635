//! What the web benchmarks share: a token for a demo user, and one request on a keep-alive connection.
#![allow(dead_code)] // each benchmark uses a part of it

/// The allocator the binary ships with (see `src/main.rs`), so that the figures are its figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use axum::body::Body;
use axum::http::Request;
use shegong_store::demo;
use std::time::{Duration, Instant};
use tower::ServiceExt;

pub async fn token(app: &axum::Router, user: &str) -> String {
    let body = serde_json::json!({"username": user, "password": demo::DEMO_PASSWORD}).to_string();
    let req =
        Request::post("/api/v1/auth/token").header("content-type", "application/json").body(Body::from(body)).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// One request on a keep-alive connection: the status line's code and the latency, or `None` when
/// the connection failed.
pub async fn round_trip(
    stream: &mut tokio::io::BufReader<tokio::net::TcpStream>,
    request: &str,
) -> Option<(u16, Duration)> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let t = Instant::now();
    stream.get_mut().write_all(request.as_bytes()).await.ok()?;
    let mut status = String::new();
    stream.read_line(&mut status).await.ok()?;
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    let code = status.split_whitespace().nth(1)?.parse().ok()?;
    Some((code, t.elapsed()))
}

/// The database the benchmark runs on (`SHEGONG_BENCH_DATABASE_URL`, else SQLite in `dir`), migrated,
/// with its engine's name.
pub async fn bench_db(dir: &std::path::Path) -> (shegong_store::Db, &'static str) {
    let url = std::env::var("SHEGONG_BENCH_DATABASE_URL").unwrap_or_else(|_| shegong_store::db::sqlite_url(dir));
    let engine = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let db = shegong_store::Db::connect(&url).await.unwrap();
    shegong_store::setup::run(&db).await.unwrap();
    (db, engine)
}

/// The demo province, as the README's figures were measured on it (seed 2026, 2026-11-23).
pub async fn load_demo(db: &shegong_store::Db) -> (demo::DemoSummary, Duration) {
    let opts = demo::DemoOptions::counties(2026, &[], chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let t = Instant::now();
    let summary = demo::load(db, &opts, &|_, _, _| {}).await.unwrap();
    (summary, t.elapsed())
}

/// The demo province in the benchmark's database, loaded and announced (with `target`, what the
/// README asks of the load), and the application over it.
pub async fn demo_app(dir: &std::path::Path, target: &str) -> (shegong_store::Db, axum::Router) {
    let (db, engine) = bench_db(dir).await;
    let (summary, load) = load_demo(&db).await;
    println!("engine: {engine}");
    println!(
        "demo province loaded: {} active + {} exited workers, {} regions in {:.1} s{target}",
        summary.workers_active,
        summary.workers_exited,
        summary.regions,
        load.as_secs_f64()
    );
    if engine == "PostgreSQL" {
        // What autovacuum does to freshly loaded tables in production, done now so that the
        // latencies are not measured under it.
        use sea_orm::ConnectionTrait;
        db.conn.execute_unprepared("VACUUM ANALYZE").await.unwrap();
    }
    let app = shegong_web::router(shegong_web::AppState::new(db.clone(), shegong_web::Settings::default()));
    (db, app)
}

/// Requests `make(i)` in a loop until `until`: (ok, errors, latencies, first error seen).
pub async fn keep_going(
    addr: std::net::SocketAddr,
    until: Instant,
    make: impl Fn(usize) -> String,
) -> (usize, usize, Vec<Duration>, Option<String>) {
    let (mut ok, mut errors, mut lat, mut first) = (0, 0, Vec::new(), None);
    let Ok(s) = tokio::net::TcpStream::connect(addr).await else {
        return (0, 1, lat, Some("connect".into()));
    };
    let mut stream = tokio::io::BufReader::new(s);
    let mut i = 0;
    while Instant::now() < until {
        match round_trip(&mut stream, &make(i)).await {
            Some((code, d)) if (200..300).contains(&code) => {
                ok += 1;
                lat.push(d);
            }
            Some((code, _)) => {
                errors += 1;
                first.get_or_insert(format!("status {code}"));
            }
            None => {
                errors += 1;
                first.get_or_insert("connection".into());
                break;
            }
        }
        i += 1;
    }
    (ok, errors, lat, first)
}

/// The `p` quantile of some latencies (sorted in place).
pub fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// A latency as the benchmarks print it.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// One GET through the application in-process, as `token`: its time and its JSON (asserted 200).
pub async fn get_json(app: &axum::Router, token: &str, path: &str) -> (Duration, serde_json::Value) {
    let req = Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
    let t = Instant::now();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    let e = t.elapsed();
    assert_eq!(status, axum::http::StatusCode::OK, "{path}");
    (e, serde_json::from_slice(&body).unwrap_or_default())
}

/// p50 and p99 of `n` GETs after one to warm up, and the first answer.
pub async fn timed(app: &axum::Router, token: &str, path: &str, n: usize) -> (Duration, Duration, serde_json::Value) {
    let (_, first) = get_json(app, token, path).await;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        times.push(get_json(app, token, path).await.0);
    }
    (percentile(&mut times, 0.5), percentile(&mut times, 0.99), first)
}
