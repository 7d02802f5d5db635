//! The archive's figures at province scale, printed:
//!   cargo bench -p shegong-web --bench archive
//! - loading the demo province (about 40,000 workers) on SQLite;
//! - server-side latency of the filtered worker list (page 1) and of a worker's page/archive,
//!   measured in-process through the router (no network), median and p95;
//! - 200 concurrent clients on the list endpoint over loopback, counting errors.
//!
//! - 20 writers (PATCH, each on its own workers, as the county admins) and 200 readers (the list) at
//!   once over loopback for `SHEGONG_BENCH_MIXED_SECS` seconds (default 60): errors, throughput,
//!   p50/p95/p99;
//! - the province's worker export after the archive is grown to 200,000 workers.
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use shegong_store::Db;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[path = "common/mod.rs"]
mod common;
use common::{keep_going, ms, percentile, round_trip, token};

async fn time_requests(app: &axum::Router, token: &str, path: &str, n: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(n);
    for i in 0..n + 10 {
        let req = Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
        let t = Instant::now();
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let _ = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let e = t.elapsed();
        assert_eq!(status, StatusCode::OK, "{path}");
        if i >= 10 {
            times.push(e);
        }
    }
    (percentile(&mut times, 0.5), percentile(&mut times, 0.95))
}

/// Grows the archive to `target` workers with copies of the demo's (new ids and ID numbers), written
/// straight into `workers` (what the export reads).
async fn grow_workers(db: &Db, target: u64) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait, QuerySelect};
    use shegong_store::entity::worker;
    let have = worker::Entity::find().count(&db.conn).await.unwrap();
    let templates = worker::Entity::find().limit(2000).all(&db.conn).await.unwrap();
    let mut n = have;
    let mut seq = 0u32;
    while n < target {
        let batch: Vec<worker::ActiveModel> = (0..500.min(target - n))
            .map(|_| {
                let t = &templates[seq as usize % templates.len()];
                let birth =
                    chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap() + chrono::Duration::days(i64::from(seq / 900));
                let id_number = shegong_domain::IdNumber::compose("330481", birth, (seq % 900 + 50) as u16).to_string();
                seq += 1;
                let mut m = t.clone();
                m.id = uuid::Uuid::now_v7();
                m.id_number = id_number;
                m.birth_date = birth;
                worker::ActiveModel::from(m)
            })
            .collect();
        let k = batch.len() as u64;
        worker::Entity::insert_many(batch).exec(&db.writer).await.unwrap();
        n += k;
    }
    n
}

/// One HTTP/1.1 keep-alive client doing `n` GETs; returns (ok, errors, latencies).
async fn client(addr: std::net::SocketAddr, token: String, path: String, n: usize) -> (usize, usize, Vec<Duration>) {
    let (mut ok, mut errors, mut lat) = (0, 0, Vec::new());
    let Ok(stream) = tokio::net::TcpStream::connect(addr).await else {
        return (0, n, lat);
    };
    let mut stream = tokio::io::BufReader::new(stream);
    let req = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n");
    for _ in 0..n {
        match round_trip(&mut stream, &req).await {
            Some((200, d)) => {
                ok += 1;
                lat.push(d);
            }
            _ => errors += 1,
        }
    }
    (ok, errors, lat)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let (db, app) = common::demo_app(dir.path(), " (target ≤ 60 s)").await;
    let province = token(&app, "province").await;
    let county = token(&app, "haining").await;
    let filtered = "/api/v1/workers?region=3304&certificate=any&post_category=staff&page=1";
    let (m, p) = time_requests(&app, &province, filtered, 300).await;
    println!(
        "worker list, filtered, page 1 (province admin, 嘉兴市): median {}, p95 {} (target median ≤ 15 ms)",
        ms(m),
        ms(p)
    );
    let (m, p) = time_requests(&app, &province, "/api/v1/workers?page=1", 300).await;
    println!("worker list, whole province, page 1: median {}, p95 {}", ms(m), ms(p));
    let (m, p) = time_requests(&app, &province, "/api/v1/workers?q=王&age_min=30&age_max=45&page=1", 300).await;
    println!("worker list, name search + age range, province: median {}, p95 {}", ms(m), ms(p));
    let (m, p) = time_requests(&app, &county, "/workers?education=college_or_above&page=1", 300).await;
    println!("worker list page (HTML), county admin: median {}, p95 {}", ms(m), ms(p));
    let body = app
        .clone()
        .oneshot(
            Request::get("/api/v1/workers?per_page=1")
                .header("authorization", format!("Bearer {county}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&axum::body::to_bytes(body.into_body(), usize::MAX).await.unwrap()).unwrap();
    let id = v["items"][0]["id"].as_str().unwrap().to_string();
    let (m, p) = time_requests(&app, &county, &format!("/workers/{id}?tab=appointment"), 300).await;
    println!("worker page (HTML, 任职 tab): median {}, p95 {} (target median ≤ 5 ms)", ms(m), ms(p));
    let (m, p) = time_requests(&app, &county, &format!("/api/v1/workers/{id}"), 300).await;
    println!("worker archive (API, full ID number viewed and audited): median {}, p95 {}", ms(m), ms(p));

    // 200 concurrent clients over loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    shegong_web::spawn(db.clone(), listener).await;
    let clients = 200;
    let per_client = 10;
    let t = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            tokio::spawn(client(addr, county.clone(), "/api/v1/workers?certificate=any&page=1".into(), per_client))
        })
        .collect();
    let (mut ok, mut errors, mut lat) = (0, 0, Vec::new());
    for h in handles {
        let (o, e, l) = h.await.unwrap();
        ok += o;
        errors += e;
        lat.extend(l);
    }
    let wall = t.elapsed();
    println!(
        "{clients} concurrent clients × {per_client} list requests over loopback: {ok} ok, {errors} errors, {:.0} req/s, latency median {}, p99 {}",
        ok as f64 / wall.as_secs_f64(),
        ms(percentile(&mut lat, 0.5)),
        ms(percentile(&mut lat, 0.99))
    );
    assert_eq!(errors, 0, "errors under concurrency");

    // 20 writers and 200 readers at once.
    let secs: u64 = std::env::var("SHEGONG_BENCH_MIXED_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let tongxiang = token(&app, "tongxiang").await;
    let mut targets = Vec::new();
    for (tok, region) in [(&county, "330481"), (&tongxiang, "330483")] {
        let req = Request::get(format!("/api/v1/workers?region={region}&per_page=200"))
            .header("authorization", format!("Bearer {tok}"))
            .body(Body::empty())
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap()).unwrap();
        for w in v["items"].as_array().unwrap() {
            targets.push((tok.clone(), w["id"].as_str().unwrap().to_string()));
        }
    }
    let until = Instant::now() + Duration::from_secs(secs);
    let t = Instant::now();
    let writers: Vec<_> = (0..20)
        .map(|k| {
            let mine: Vec<(String, String)> = targets.iter().skip(k).step_by(20).cloned().collect();
            tokio::spawn(keep_going(addr, until, move |i| {
                let (tok, id) = &mine[i % mine.len()];
                let body = format!("{{\"phone\":\"139{:04}{:04}\"}}", k, i % 10_000);
                format!(
                    "PATCH /api/v1/workers/{id} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {tok}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
            }))
        })
        .collect();
    let readers: Vec<_> = (0..200)
        .map(|k| {
            let tok = if k % 2 == 0 { county.clone() } else { province.clone() };
            tokio::spawn(keep_going(addr, until, move |i| {
                format!(
                    "GET /api/v1/workers?certificate=any&page={} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {tok}\r\n\r\n",
                    1 + i % 5
                )
            }))
        })
        .collect();
    let mut report = Vec::new();
    for (what, handles) in [("writes", writers), ("reads", readers)] {
        let (mut ok, mut errors, mut lat, mut first) = (0, 0, Vec::new(), None);
        for h in handles {
            let (o, e, l, f) = h.await.unwrap();
            ok += o;
            errors += e;
            lat.extend(l);
            first = first.or(f);
        }
        report.push((what, ok, errors, lat, first));
    }
    let wall = t.elapsed();
    for (what, ok, errors, mut lat, first) in report {
        println!(
            "20 writers + 200 readers for {secs} s, {what}: {ok} ok, {errors} errors{}, {:.0}/s, p50 {}, p95 {}, p99 {}",
            first.map(|f| format!(" (first: {f})")).unwrap_or_default(),
            ok as f64 / wall.as_secs_f64(),
            ms(percentile(&mut lat, 0.5)),
            ms(percentile(&mut lat, 0.95)),
            ms(percentile(&mut lat, 0.99))
        );
        assert_eq!(errors, 0, "{what} failed under concurrent writers");
    }

    // The province's export at 200,000 workers.
    let n = grow_workers(&db, 200_000).await;
    let t = Instant::now();
    let res = app
        .clone()
        .oneshot(
            Request::get("/api/v1/workers.xlsx?status=all")
                .header("authorization", format!("Bearer {province}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    println!(
        "worker export, whole province, {n} workers: {:.1} s, {:.1} MB (target ≤ 20 s)",
        t.elapsed().as_secs_f64(),
        bytes.len() as f64 / 1e6
    );
}
