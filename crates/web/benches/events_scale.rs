//! Grid events at a province's full volume (issue 15), printed beside each target:
//!   cargo bench -p shegong-web --bench events_scale
//! The demo province gets `SHEGONG_BENCH_EVENTS_TOTAL` events (default 5,000,000) over its year, in
//! proportion to each community's households, generated as the demo's own (without their steps). Then,
//! in-process through the API:
//! - the province's figures (`GET /api/v1/events/stats`) for each month of the year: the median of
//!   each month, and the median and worst of those (target ≤ 200 ms median for any month);
//! - a county's and a street's month;
//! - a community's 待办 (`GET /api/v1/todo`, target ≤ 20 ms);
//! - the province's overdue scan (`GET /api/v1/events?overdue=true`: counted and first page, target ≤ 1 s).
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

use chrono::{Datelike, Months, NaiveDate};
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;
use common::{ms, percentile, timed, token};

fn month(first: NaiveDate) -> String {
    let last = first.checked_add_months(Months::new(1)).unwrap().pred_opt().unwrap();
    format!("from={first}&to={last}")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let (db, app) = common::demo_app(dir.path(), "").await;
    let total: u64 = std::env::var("SHEGONG_BENCH_EVENTS_TOTAL").ok().and_then(|s| s.parse().ok()).unwrap_or(5_000_000);
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let t = Instant::now();
    let added = shegong_store::demo::events::at_scale(&db, "33", total, today, 2026, &|n| {
        if n % 1_000_000 == 0 {
            println!("  {n} events generated and stored, {:.0} s", t.elapsed().as_secs_f64());
        }
    })
    .await
    .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!("{added} events added in {secs:.0} s ({:.0} a second)", added as f64 / secs);
    db.analyze().await.unwrap();

    let province = token(&app, "province").await;
    let county = token(&app, "haining").await;
    let street = token(&app, "street").await;
    let community = token(&app, "community").await;

    // Each month of the year up to the demo's day, the province's figures.
    let mut medians = Vec::new();
    let mut first = today.with_day(1).unwrap();
    let mut reported = 0;
    for _ in 0..12 {
        let (p50, _, v) = timed(&app, &province, &format!("/api/v1/events/stats?{}", month(first)), 5).await;
        reported = reported.max(v["total"]["reported"].as_i64().unwrap_or(0));
        medians.push((first, p50));
        first = first.checked_sub_months(Months::new(1)).unwrap();
    }
    let worst = medians.iter().max_by_key(|(_, d)| *d).copied().unwrap();
    let mut all: Vec<Duration> = medians.iter().map(|(_, d)| *d).collect();
    println!(
        "the province's figures for a month (12 months, 5 runs each; up to {reported} events a month): median {}, worst month {} ({}) (target ≤ 200 ms median for any month)",
        ms(percentile(&mut all, 0.5)),
        ms(worst.1),
        worst.0.format("%Y-%m"),
    );
    let this_month = month(today.with_day(1).unwrap().checked_sub_months(Months::new(1)).unwrap());
    for (what, token) in [("the county's", &county), ("the street's", &street)] {
        let (p50, p99, v) = timed(&app, token, &format!("/api/v1/events/stats?{this_month}"), 20).await;
        println!(
            "{what} figures for a month ({} events): p50 {}, p99 {}",
            v["total"]["reported"].as_i64().unwrap_or(0),
            ms(p50),
            ms(p99)
        );
    }
    let (p50, p99, v) = timed(&app, &community, "/api/v1/todo", 50).await;
    println!(
        "a community's 待办 ({} waiting): p50 {}, p99 {} (target ≤ 20 ms)",
        v["items"].as_array().map_or(0, Vec::len),
        ms(p50),
        ms(p99)
    );
    let (p50, p99, v) = timed(&app, &province, "/api/v1/events?overdue=true", 20).await;
    println!(
        "the province's overdue scan ({} overdue, counted, first page): p50 {}, p99 {} (target ≤ 1 s)",
        v["total"].as_u64().unwrap_or(0),
        ms(p50),
        ms(p99)
    );
    drop(db);
}
