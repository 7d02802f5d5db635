//! Page speed for the province's users, printed:
//!   cargo bench -p shegong-web --bench pages
//! - loads the demo province (about 40,000 workers);
//! - every page a province administrator opens, one user on a quiet server, in-process through the
//!   router: median and p95 of `SHEGONG_BENCH_PAGE_RUNS` runs (default 20) (target: each ≤ 300 ms),
//!   both as the first view after a save (the figures computed) and with the figures kept since;
//!   then the same pages for a county's and a street's administrator, after their own save;
//! - 50 province users at once over loopback, each going round the same pages for
//!   `SHEGONG_BENCH_PAGE_SECS` seconds (default 30) while the data changes every second: errors,
//!   p50/p95/p99 (target p95 ≤ 1 s).
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use shegong_store::Db;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[path = "common/mod.rs"]
mod common;
use common::{percentile, round_trip, token};

/// The pages a province administrator works in, as the menu links them.
const PAGES: &[(&str, &str)] = &[
    ("首页", "/"),
    ("社区工作者", "/workers"),
    ("统计", "/stats"),
    ("员额", "/staffing"),
    ("薪酬预算", "/budget"),
    ("薪酬", "/payroll"),
    ("培训", "/trainings"),
    ("培训学时未达标", "/training/overdue"),
    ("考核", "/assessments"),
    ("后备人才", "/reserves"),
    ("政策", "/policies"),
    ("审计日志", "/audit"),
    ("用户管理", "/users"),
    ("本人账户", "/account"),
];

const USERS: usize = 50;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn time_page(
    app: &axum::Router,
    db: &Db,
    token: &str,
    path: &str,
    runs: u64,
    after_save: bool,
) -> (Duration, Duration) {
    let mut times = Vec::new();
    for i in 0..runs + 2 {
        if after_save {
            db.cache.written();
        }
        let req = Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
        let t = Instant::now();
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let _ = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let e = t.elapsed();
        assert_eq!(status, StatusCode::OK, "{path}");
        // The first two warm the caches, as a working server's are.
        if i >= 2 {
            times.push(e);
        }
    }
    (percentile(&mut times, 0.5), percentile(&mut times, 0.95))
}

/// One user going round the pages until `until`, starting at page `start`.
async fn user(
    addr: std::net::SocketAddr,
    token: String,
    start: usize,
    until: Instant,
) -> (usize, Vec<Duration>, Vec<(usize, Duration)>) {
    let mut errors = 0;
    let mut lat = Vec::new();
    let mut by_page = Vec::new();
    let Ok(s) = tokio::net::TcpStream::connect(addr).await else {
        return (1, lat, by_page);
    };
    let mut stream = tokio::io::BufReader::new(s);
    let mut i = start;
    while Instant::now() < until {
        let page = i % PAGES.len();
        let req = format!("GET {} HTTP/1.1\r\nhost: bench\r\nauthorization: Bearer {token}\r\n\r\n", PAGES[page].1);
        match round_trip(&mut stream, &req).await {
            Some((200, d)) => {
                lat.push(d);
                by_page.push((page, d));
            }
            Some(_) => errors += 1,
            None => {
                errors += 1;
                break;
            }
        }
        i += 1;
    }
    (errors, lat, by_page)
}

#[tokio::main]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let (db, app) = common::demo_app(dir.path(), "").await;
    let province = token(&app, "province").await;
    // The first view after one's own save: figures computed, never one kept from before the save
    // (its own cache, so that the shared one keeps the default).
    let fresh_db = Db { cache: Default::default(), ..db.clone() };
    let strict = shegong_web::router(shegong_web::AppState::new(
        fresh_db.clone(),
        shegong_web::Settings { figures_stale_secs: 0, ..Default::default() },
    ));

    let runs = env_num("SHEGONG_BENCH_PAGE_RUNS", 20);
    println!("\none province administrator, quiet server, {runs} runs per page (target ≤ 300 ms):");
    println!("  {:<28} {:>22}   {:>22}", "", "first view after own save", "figures kept");
    let mut slowest = [(Duration::ZERO, ""); 2];
    for (name, path) in PAGES {
        let cold = time_page(&strict, &fresh_db, &province, path, runs, true).await;
        let warm = time_page(&app, &db, &province, path, runs, false).await;
        println!(
            "  {name:<10} {path:<18} median {:>6}, p95 {:>6}   median {:>6}, p95 {:>6}",
            ms(cold.0),
            ms(cold.1),
            ms(warm.0),
            ms(warm.1)
        );
        for (i, t) in [cold.0, warm.0].into_iter().enumerate() {
            if t > slowest[i].0 {
                slowest[i] = (t, name);
            }
        }
    }
    println!(
        "  slowest median: {} ({}) after a save, {} ({}) kept",
        ms(slowest[0].0),
        slowest[0].1,
        ms(slowest[1].0),
        slowest[1].1
    );
    // A county's and a street's clerk: the same pages inside their region, after their own save.
    for (user, label) in [("haining", "county (海宁市)"), ("street", "street")] {
        let t = token(&app, user).await;
        let mut line = Vec::new();
        let mut worst = (Duration::ZERO, "");
        for (name, path) in PAGES {
            // Pages the role may not open are left out.
            let req = Request::get(*path).header("authorization", format!("Bearer {t}")).body(Body::empty()).unwrap();
            if strict.clone().oneshot(req).await.unwrap().status() != StatusCode::OK {
                line.push(format!("{name} —"));
                continue;
            }
            let (median, _) = time_page(&strict, &fresh_db, &t, path, runs, true).await;
            line.push(format!("{name} {}", ms(median)));
            if median > worst.0 {
                worst = (median, name);
            }
        }
        println!(
            "\none {label} administrator, first view after own save, median per page (slowest {} {}):\n  {}",
            worst.1,
            ms(worst.0),
            line.join(", ")
        );
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let secs = env_num("SHEGONG_BENCH_PAGE_SECS", 30);
    let until = Instant::now() + Duration::from_secs(secs);
    // Clerks save all day: the kept figures are made stale every second, as a save would.
    let saves = {
        let db = db.clone();
        tokio::spawn(async move {
            while Instant::now() < until {
                tokio::time::sleep(Duration::from_secs(1)).await;
                db.cache.written();
            }
        })
    };
    let tokens: Vec<String> = (0..USERS).map(|_| province.clone()).collect();
    let handles: Vec<_> = tokens.into_iter().enumerate().map(|(i, t)| tokio::spawn(user(addr, t, i, until))).collect();
    let (mut errors, mut lat) = (0, Vec::new());
    let mut per_page: Vec<Vec<Duration>> = vec![Vec::new(); PAGES.len()];
    for h in handles {
        let (e, l, by) = h.await.unwrap();
        errors += e;
        lat.extend(l);
        for (p, d) in by {
            per_page[p].push(d);
        }
    }
    server.abort();
    saves.abort();
    let n = lat.len();
    println!(
        "\n{USERS} province users at once for {secs} s, every page in turn, a save every second: {n} pages served ({:.1}/s), {errors} errors",
        n as f64 / secs as f64
    );
    if n > 0 {
        println!(
            "  p50 {}, p95 {} (target ≤ 1 s), p99 {}",
            ms(percentile(&mut lat, 0.5)),
            ms(percentile(&mut lat, 0.95)),
            ms(percentile(&mut lat, 0.99))
        );
    }
    for (i, v) in per_page.iter_mut().enumerate() {
        if !v.is_empty() {
            println!("  {:<10} p95 {:>7}", PAGES[i].0, ms(percentile(v, 0.95)));
        }
    }
}
