//! Speed under load at demo scale (issue 14), printed beside each target:
//!   cargo bench -p shegong-web --bench load
//! - the demo province's load on SQLite (target ≤ 15 s);
//! - the name search, in-process through the router as the province administrator: a fragment, the
//!   name in full, 拼音 initials and full 拼音 (target p50 ≤ 3 ms);
//! - 50 concurrent keep-alive clients over loopback for `SHEGONG_BENCH_LOAD_SECS` seconds (default 60),
//!   each alternating a list page with a name search and one worker's archive, as the province, city
//!   and county administrators: throughput, p50/p95/p99, errors (target ≥ 1,000 req/s, p99 ≤ 200 ms,
//!   0 errors).
//!
//! The clients run in the same process as the server, on the same 2 cores.
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use shegong_store::entity::worker;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[path = "common/mod.rs"]
mod common;
use common::{keep_going, ms, percentile, token};

fn encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn median_of(app: &axum::Router, token: &str, path: &str, n: usize) -> (Duration, Duration, u64) {
    let mut times = Vec::with_capacity(n);
    let mut total = 0;
    for i in 0..n + 10 {
        let req = Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
        let t = Instant::now();
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let e = t.elapsed();
        assert_eq!(status, StatusCode::OK, "{path}");
        if i == 0 {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            total = v["total"].as_u64().unwrap_or(0);
        }
        if i >= 10 {
            times.push(e);
        }
    }
    (percentile(&mut times, 0.5), percentile(&mut times, 0.95), total)
}

/// What a client asks for, in turn: a list page with a name search, then one worker's archive.
struct Mix {
    token: String,
    searches: Vec<String>,
    ids: Vec<uuid::Uuid>,
}

impl Mix {
    fn request(&self, i: usize) -> String {
        let path = if i.is_multiple_of(2) {
            format!("/api/v1/workers?q={}", self.searches[(i / 2) % self.searches.len()])
        } else {
            format!("/api/v1/workers/{}", self.ids[(i * 7919) % self.ids.len()])
        };
        format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\n\r\n", self.token)
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let (db, app) = common::demo_app(dir.path(), " (target ≤ 15 s on SQLite)").await;
    let province = token(&app, "province").await;

    // Real names of the demo, for the searches: a thousand from each county the users below work in,
    // and from the rest of the province.
    let mut sample: Vec<(uuid::Uuid, String, String)> = Vec::new();
    for (low, high) in [("330481", "330482"), ("330483", "330484"), ("3304", "3305"), ("33", "34")] {
        let some: Vec<(uuid::Uuid, String, String)> = worker::Entity::find()
            .select_only()
            .columns([worker::Column::Id, worker::Column::Name, worker::Column::RegionCode])
            .filter(worker::Column::ProvinceCode.eq("33"))
            .filter(worker::Column::RegionCode.gte(low))
            .filter(worker::Column::RegionCode.lt(high))
            .filter(worker::Column::Status.eq("active"))
            .limit(1000)
            .into_tuple()
            .all(&db.conn)
            .await
            .unwrap();
        sample.extend(some);
    }
    let someone = &sample[sample.len() / 2].1;
    let given: String = someone.chars().skip(1).collect();
    let initials: String = shegong_domain::search::syllables(someone).iter().filter_map(|s| s.chars().next()).collect();
    let full_pinyin: String = shegong_domain::search::syllables(someone).concat();
    println!("name search, province administrator, in-process, page 1 (target p50 ≤ 3 ms):");
    for (what, q) in [
        ("拼音 initials zjm", "zjm".to_string()),
        ("one character 王", "王".to_string()),
        (&*format!("given name {given}"), given.clone()),
        (&*format!("full name {someone}"), someone.clone()),
        (&*format!("initials {initials}"), initials.clone()),
        (&*format!("full 拼音 {full_pinyin}"), full_pinyin.clone()),
    ] {
        let (m, p, total) = median_of(&app, &province, &format!("/api/v1/workers?q={}", encode(&q)), 300).await;
        println!("  {what}: p50 {}, p95 {} ({total} found)", ms(m), ms(p));
    }

    // 50 clients over loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    shegong_web::spawn(db.clone(), listener).await;
    let secs = std::env::var("SHEGONG_BENCH_LOAD_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let mut mixes = Vec::new();
    for (user, prefix) in [("province", "33"), ("city", "3304"), ("haining", "330481"), ("tongxiang", "330483")] {
        let ids: Vec<uuid::Uuid> = sample.iter().filter(|s| s.2.starts_with(prefix)).map(|s| s.0).collect();
        let searches: Vec<String> = sample
            .iter()
            .filter(|s| s.2.starts_with(prefix))
            .take(200)
            .enumerate()
            .map(|(i, s)| {
                let syl = shegong_domain::search::syllables(&s.1);
                let q = match i % 4 {
                    0 => s.1.clone(),
                    1 => s.1.chars().skip(1).collect(),
                    2 => syl.iter().filter_map(|x| x.chars().next()).collect(),
                    _ => s.1.chars().take(1).collect(),
                };
                encode(&q)
            })
            .collect();
        if ids.is_empty() {
            continue;
        }
        let token = token(&app, user).await;
        mixes.push(std::sync::Arc::new(Mix { token, searches, ids }));
    }
    let until = Instant::now() + Duration::from_secs(secs);
    let t = Instant::now();
    let mut handles = Vec::new();
    for c in 0..50 {
        let mix = mixes[c % mixes.len()].clone();
        handles.push(tokio::spawn(keep_going(addr, until, move |i| mix.request(c * 13 + i))));
    }
    let (mut ok, mut errors, mut lat, mut first) = (0, 0, Vec::new(), None);
    for h in handles {
        let (o, e, l, f) = h.await.unwrap();
        ok += o;
        errors += e;
        lat.extend(l);
        first = first.or(f);
    }
    let elapsed = t.elapsed().as_secs_f64();
    println!(
        "50 clients, {secs} s, list with name search + one archive, alternating ({} users): {:.0} req/s, p50 {}, p95 {}, p99 {}, {ok} ok, {errors} errors{} (target ≥ 1,000 req/s, p99 ≤ 200 ms, 0 errors)",
        mixes.len(),
        ok as f64 / elapsed,
        ms(percentile(&mut lat, 0.5)),
        ms(percentile(&mut lat, 0.95)),
        ms(percentile(&mut lat, 0.99)),
        first.map(|f| format!(" (first: {f})")).unwrap_or_default()
    );
}
