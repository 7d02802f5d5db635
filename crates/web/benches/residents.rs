//! Work among residents at a province's volume (issue 17), printed beside each target:
//!   cargo bench -p shegong-web --bench residents
//! The demo province gets `SHEGONG_BENCH_VISITS` visits (default 10,000,000) over the year before
//! today, spread over its workers in post. Then:
//! - the weekly compliance view (`GET /api/v1/visits/compliance`, this week) for the province
//!   (target ≤ 500 ms median), for a street (target ≤ 50 ms median) and a community;
//! - recording a visit through HTTP (`POST /api/v1/visits` on a keep-alive connection to the server
//!   on a TCP port, a worker's own, 300 one after another: target ≤ 10 ms median);
//! - a household register of 100,000 rows (an `.csv` over the demo county's grids) read, checked
//!   and committed (target ≤ 30 s), and the same file again: nothing changes.
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

use std::time::Instant;

#[path = "common/mod.rs"]
mod common;
use common::{ms, percentile, round_trip, timed, token};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let (db, app) = common::demo_app(dir.path(), "").await;
    let total: u64 = std::env::var("SHEGONG_BENCH_VISITS").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000_000);
    let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
    let t = Instant::now();
    let added = shegong_store::demo::residents::visits_at_scale(&db, "33", total, today, 2026, &|n| {
        if n % 2_000_000 == 0 {
            println!("  {n} visits generated and stored, {:.0} s", t.elapsed().as_secs_f64());
        }
    })
    .await
    .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!("{added} visits added in {secs:.0} s ({:.0} a second)", added as f64 / secs);
    db.analyze().await.unwrap();

    let province = token(&app, "province").await;
    let street = token(&app, "street").await;
    let community = token(&app, "community").await;
    let worker = token(&app, "worker").await;
    let path = "/api/v1/visits/compliance";
    let (p50, p99, v) = timed(&app, &province, path, 5).await;
    println!(
        "the province's week ({} workers, {} behind): median {}, worst {} (target ≤ 500 ms median)",
        v["workers"],
        v["behind_workers"],
        ms(p50),
        ms(p99)
    );
    let (p50, _, v) = timed(&app, &province, &format!("{path}?month={}", today.format("%Y-%m")), 3).await;
    println!("the province's month ({} workers): median {}", v["workers"], ms(p50));
    let (p50, p99, v) = timed(&app, &street, path, 20).await;
    println!("a street's week ({} workers): p50 {}, p99 {} (target ≤ 50 ms median)", v["workers"], ms(p50), ms(p99));
    let (p50, p99, v) = timed(&app, &street, &format!("{path}?year={}", today.format("%Y")), 10).await;
    println!("a street's year ({} workers): p50 {}, p99 {}", v["workers"], ms(p50), ms(p99));
    let (p50, p99, v) = timed(&app, &community, path, 20).await;
    println!("a community's week ({} workers): p50 {}, p99 {}", v["workers"], ms(p50), ms(p99));

    // A visit through HTTP: the server on a TCP port, one keep-alive connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    shegong_web::spawn(db.clone(), listener).await;
    let mut stream = tokio::io::BufReader::new(tokio::net::TcpStream::connect(addr).await.unwrap());
    let mut times = Vec::new();
    for i in 0..310 {
        // Each a different place: the same visit twice is refused as a repeat.
        let body = format!(r#"{{"kind":"check","place":"小区北门{i}号楼","finding":"楼道畅通，无异常"}}"#);
        let request = format!(
            "POST /api/v1/visits HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {worker}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let (code, d) = round_trip(&mut stream, &request).await.expect("the connection holds");
        assert_eq!(code, 201, "visit {i}");
        if i >= 10 {
            times.push(d);
        }
    }
    println!(
        "recording a visit through HTTP (300 in a row): p50 {}, p99 {} (target ≤ 10 ms median)",
        ms(percentile(&mut times, 0.5)),
        ms(percentile(&mut times, 0.99))
    );

    // 100,000 households over the demo county's grids, as a clerk's file.
    let grids: Vec<String> = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        shegong_store::entity::region::Entity::find()
            .filter(shegong_store::entity::region::Column::Code.starts_with("330481"))
            .filter(shegong_store::entity::region::Column::Level.eq("grid"))
            .order_by_asc(shegong_store::entity::region::Column::Code)
            .all(&db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|g| g.code)
            .collect()
    };
    let mut csv = String::from("网格编码,楼栋,单元,门牌,户主,联系电话,家庭人口,关爱标签\n");
    let tags = ["", "", "", "", "独居老人", "低保", "空巢老人、残疾人"];
    for i in 0..100_000usize {
        let g = &grids[i % grids.len()];
        let k = i / grids.len();
        csv.push_str(&format!(
            "{g},B{},{},{},居民{i},139{:08},{},{}\n",
            k / 40 + 1,
            k % 40 / 10 + 1,
            100 + k % 10,
            i,
            i % 5 + 1,
            tags[i % tags.len()]
        ));
    }
    let county = shegong_store::access::Access::admin("330481", "haining");
    let run = async |label: &str| {
        let t = Instant::now();
        let rows = shegong_store::imports::read_rows("households.csv", csv.as_bytes()).unwrap();
        let o = shegong_store::residents::import(&db, &county, &rows, false, today).await.unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(o.errors.is_empty() && o.committed, "{:?}", &o.errors[..o.errors.len().min(3)]);
        println!(
            "{label}: {} rows ({} grids) read, checked and committed in {secs:.1} s — added {}, changed {}, unchanged {} (target ≤ 30 s)",
            o.rows,
            grids.len(),
            o.added,
            o.changed,
            o.unchanged
        );
        o
    };
    let first = run("household import").await;
    assert_eq!(first.added, 100_000);
    let again = run("the same file again").await;
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 100_000), "a re-import changes nothing");
    drop(db);
}
