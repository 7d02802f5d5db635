//! 减负 and openness at the demo province's volume (issue 18), printed beside each target:
//!   cargo bench -p shegong-web --bench openness
//! The demo province (its county 海宁 with full lists, a year of proofs, seal uses, disclosure and two
//! spot-check rounds) and five years of disclosure for one community. Then:
//! - the community's public page `/p/{community}/disclosure` (no login; target ≤ 20 ms median);
//! - the province's lists and counts: `GET /api/v1/work-items?region=33`, `GET /api/v1/openness/figures`
//!   for the province, and the county's lists (target ≤ 200 ms median);
//! - issuing a proof through HTTP (`POST /api/v1/proofs` on a keep-alive connection to the server on a
//!   TCP port, a worker's own, 300 one after another: target ≤ 20 ms median).
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

use axum::body::Body;
use axum::http::Request;
use std::time::Instant;
use tower::ServiceExt;

#[path = "common/mod.rs"]
mod common;
use common::{ms, percentile, round_trip, timed, token};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let (db, app) = common::demo_app(dir.path(), "").await;
    let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
    let community = token(&app, "community").await;
    let province = token(&app, "province").await;
    let haining = token(&app, "haining").await;
    let worker = token(&app, "worker").await;
    let (_, v) = common::get_json(&app, &community, "/api/v1/work-items?list=proof").await;
    let here = v["region_code"].as_str().unwrap().to_string();
    let item = v["items"][0]["id"].as_str().unwrap().to_string();
    let name = shegong_store::regions::names(&db.conn, vec![here.clone()]).await.unwrap()[&here].clone();
    let added = shegong_store::demo::openness::disclosure_years(&db, &here, &name, 5, today).await.unwrap();
    db.analyze().await.unwrap();
    println!("{added} items of five years' disclosure added to {name}");

    // The public page, no login.
    let path = format!("/p/{here}/disclosure");
    let get = async || {
        let t = Instant::now();
        let res = app.clone().oneshot(Request::get(&path).body(Body::empty()).unwrap()).await.unwrap();
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        assert_eq!(status, axum::http::StatusCode::OK);
        (t.elapsed(), body.len())
    };
    let (_, size) = get().await;
    let mut times = Vec::new();
    for _ in 0..200 {
        times.push(get().await.0);
    }
    println!(
        "the public disclosure page ({size} bytes, this year's items of five years): p50 {}, p99 {} (target ≤ 20 ms median)",
        ms(percentile(&mut times, 0.5)),
        ms(percentile(&mut times, 0.99))
    );
    let year = chrono::Datelike::year(&today) - 3;
    let (_, older) = {
        let t = Instant::now();
        let res = app
            .clone()
            .oneshot(Request::get(format!("{path}?year={year}")).body(Body::empty()).unwrap())
            .await
            .unwrap();
        (t.elapsed(), axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().len())
    };
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let res = app
            .clone()
            .oneshot(Request::get(format!("{path}?year={year}")).body(Body::empty()).unwrap())
            .await
            .unwrap();
        axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        times.push(t.elapsed());
    }
    println!("the same page for {year} ({older} bytes): p50 {}", ms(percentile(&mut times, 0.5)));

    // The province's lists and counts.
    let (p50, p99, v) = timed(&app, &province, "/api/v1/openness/figures", 10).await;
    println!(
        "the province's 减负统计 ({} lines, {} proofs, {} seal uses): p50 {}, p99 {} (target ≤ 200 ms median)",
        v["lines"].as_array().map_or(0, Vec::len),
        v["total"]["values"][4],
        v["total"]["values"][6],
        ms(p50),
        ms(p99)
    );
    let (p50, p99, v) = timed(&app, &province, "/api/v1/work-items", 20).await;
    println!(
        "the province's lists in force ({} items): p50 {}, p99 {} (target ≤ 200 ms median)",
        v["items"].as_array().map_or(0, Vec::len),
        ms(p50),
        ms(p99)
    );
    let (p50, p99, v) = timed(&app, &haining, "/api/v1/work-items", 20).await;
    println!(
        "the county's lists in force ({} items): p50 {}, p99 {}",
        v["items"].as_array().map_or(0, Vec::len),
        ms(p50),
        ms(p99)
    );
    let (p50, p99, v) = timed(&app, &province, "/api/v1/proofs", 20).await;
    println!("the province's proof register ({} issued this year): p50 {}, p99 {}", v["issued"], ms(p50), ms(p99));
    let (p50, p99, v) = timed(&app, &haining, "/api/v1/disclosures/timeliness", 10).await;
    println!(
        "the county's disclosure timeliness ({} periods due): p50 {}, p99 {}",
        v["on_time"].as_u64().unwrap_or(0) + v["late"].as_u64().unwrap_or(0) + v["missing"].as_u64().unwrap_or(0),
        ms(p50),
        ms(p99)
    );

    // A proof through HTTP: the server on a TCP port, one keep-alive connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    shegong_web::spawn(db.clone(), listener).await;
    let mut stream = tokio::io::BufReader::new(tokio::net::TcpStream::connect(addr).await.unwrap());
    let mut times = Vec::new();
    for i in 0..310 {
        let body = format!(r#"{{"item_id":"{item}","applicant":"居民{i}","purpose":"办理业务"}}"#);
        let request = format!(
            "POST /api/v1/proofs HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {worker}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let (code, d) = round_trip(&mut stream, &request).await.expect("the connection holds");
        assert_eq!(code, 201, "proof {i}");
        if i >= 10 {
            times.push(d);
        }
    }
    println!(
        "issuing a proof through HTTP (300 in a row): p50 {}, p99 {} (target ≤ 20 ms median)",
        ms(percentile(&mut times, 0.5)),
        ms(percentile(&mut times, 0.99))
    );
    drop(db);
}
