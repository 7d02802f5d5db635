//! Grid events at demo scale (issue 15), printed beside each target:
//!   cargo bench -p shegong-web --bench events
//! - intake through HTTP: 50 concurrent keep-alive clients reporting events for
//!   `SHEGONG_BENCH_EVENTS_SECS` seconds (default 60) as a community head and a grid worker, each into
//!   their own community: events a second, p50/p99, errors, and whether every event answered 201 is
//!   stored (target ≥ 1,000 events/s on SQLite, 0 errors, all present);
//! - a community's 待办, the province's overdue scan and its open events, in-process, p50 over the
//!   demo's year of events plus the intake's (the 20 ms and 1 s are for 5,000,000 events,
//!   which this bench does not generate yet).
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shegong_store::entity::event;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;
use common::{get_json, keep_going, ms, percentile, timed, token};

/// A reporter: their token and the community they report into.
struct Reporter {
    token: String,
    region: String,
}

impl Reporter {
    fn request(&self, i: usize) -> String {
        let category = ["safety.fire", "sanitation.waste", "facilities.lighting", "dispute.neighbour"][i % 4];
        let body = serde_json::json!({
            "region": self.region,
            "category": category,
            "source": if i.is_multiple_of(2) { "patrol" } else { "window" },
            "description": format!("压测上报第{i}件：楼道堆放杂物"),
            "reporter_phone": "13900001111",
        })
        .to_string();
        format!(
            "POST /api/v1/events HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.token,
            body.len()
        )
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let (db, app) = common::demo_app(dir.path(), "").await;
    let demo_events = event::Entity::find().count(&db.conn).await.unwrap();
    println!("demo events: {demo_events}");

    let mut reporters = Vec::new();
    for user in ["community", "worker"] {
        let token = token(&app, user).await;
        let (_, me) = get_json(&app, &token, "/api/v1/me").await;
        let region = me["region"].as_str().unwrap().to_string();
        reporters.push(Arc::new(Reporter { token, region }));
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    shegong_web::spawn(db.clone(), listener).await;
    let secs = std::env::var("SHEGONG_BENCH_EVENTS_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let until = Instant::now() + Duration::from_secs(secs);
    let t = Instant::now();
    let handles: Vec<_> = (0..50)
        .map(|c| {
            let who = reporters[c % reporters.len()].clone();
            tokio::spawn(keep_going(addr, until, move |i| who.request(c * 100_000 + i)))
        })
        .collect();
    let (mut ok, mut errors, mut lat, mut first) = (0, 0, Vec::new(), None);
    for h in handles {
        let (o, e, l, f) = h.await.unwrap();
        ok += o;
        errors += e;
        lat.extend(l);
        first = first.or(f);
    }
    let elapsed = t.elapsed().as_secs_f64();
    let stored = event::Entity::find()
        .filter(event::Column::ProvinceCode.eq("33"))
        .filter(event::Column::ReportedBy.is_in(["community", "worker"]))
        .count(&db.conn)
        .await
        .unwrap();
    println!(
        "intake, 50 clients, {secs} s: {:.0} events/s, p50 {}, p99 {}, {ok} answered 201, {errors} errors{}, {stored} stored (target ≥ 1,000 events/s on SQLite, 0 errors, every one stored)",
        ok as f64 / elapsed,
        ms(percentile(&mut lat, 0.5)),
        ms(percentile(&mut lat, 0.99)),
        first.map(|f| format!(" (first: {f})")).unwrap_or_default(),
    );

    let total = event::Entity::find().count(&db.conn).await.unwrap();
    let community = &reporters[0].token;
    let province = token(&app, "province").await;
    let county = token(&app, "haining").await;
    println!("reads over {total} events, in-process, p50 / p99 of 200:");
    for (what, token, path) in [
        ("a community's 待办", community, "/api/v1/todo"),
        ("the province's overdue events, first page", &province, "/api/v1/events?overdue=true"),
        ("the province's open events, first page", &province, "/api/v1/events?state=open"),
        ("the county's events, first page", &county, "/api/v1/events"),
    ] {
        let (p50, p99, v) = timed(&app, token, path, 200).await;
        let n = v["total"].as_u64().unwrap_or(0);
        println!("  {what}: p50 {}, p99 {} ({n} found)", ms(p50), ms(p99));
    }
}
