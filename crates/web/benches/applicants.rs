//! Applicants submitting at once through HTTP (issue 16), printed beside the target:
//!   cargo bench -p shegong-web --bench applicants
//! The demo county's round open today; 200 applicants register and sign in, then each submits
//! (and re-submits, changing it, as people do before the deadline) their application in a loop
//! for `SHEGONG_BENCH_LOAD_SECS` seconds (default 60), each on its own keep-alive connection over
//! loopback. Target: zero errors, and every applicant's application stored once.
//!
//! The clients run in the same process as the server, on the same 2 cores.
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

use axum::body::Body;
use axum::http::Request;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shegong_store::demo;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[path = "common/mod.rs"]
mod common;
use common::{bench_db, keep_going, ms, percentile};

const APPLICANTS: usize = 200;
const PASSWORD: &str = "baoming-bench-2026";

async fn post(app: &axum::Router, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let req =
        Request::post(path).header("content-type", "application/json").body(Body::from(body.to_string())).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let code = res.status().as_u16();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (code, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

fn id_number(n: usize) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1996, 1, 1).unwrap() + chrono::Duration::days(n as i64);
    shegong_domain::IdNumber::compose("330481", birth, 800).to_string()
}

/// A round of the demo county open today with 10 posts, written directly (the plan's checks of the
/// staffing norm are not what is measured).
async fn open_round(
    db: &shegong_store::Db,
    today: chrono::NaiveDate,
) -> shegong_store::entity::recruitment_round::Model {
    use sea_orm::{ActiveModelTrait, Set};
    use shegong_store::entity::{recruitment_post as post, recruitment_round as round};
    let now = chrono::Utc::now();
    let r = round::ActiveModel {
        province_code: Set("33".into()),
        id: Set(uuid::Uuid::now_v7()),
        county_code: Set("330481".into()),
        title: Set("基准测试招聘".into()),
        reference_date: Set(today + chrono::Duration::days(30)),
        apply_from: Set(today - chrono::Duration::days(1)),
        apply_to: Set(today + chrono::Duration::days(10)),
        status: Set("published".into()),
        notes: Set(String::new()),
        created_by: Set("haining".into()),
        created_at: Set(now),
        approved_by: Set(Some("reviewer".into())),
        approved_at: Set(Some(now)),
        published_at: Set(Some(now)),
        pass_line: Set(None),
        tickets_at: Set(None),
        publicity_from: Set(None),
    }
    .insert(&db.conn)
    .await
    .unwrap();
    let communities = shegong_store::regions::communities_under(&db.conn, "330481").await.unwrap();
    for c in communities.iter().take(10) {
        post::ActiveModel {
            province_code: Set("33".into()),
            id: Set(uuid::Uuid::now_v7()),
            round_id: Set(r.id),
            community_code: Set(c.code.clone()),
            category: Set("staff".into()),
            title: Set("社区专职工作者".into()),
            places: Set(2),
            min_education: Set(None),
            max_age: Set(None),
            certificate: Set(None),
            majors: Set("社会工作、社会学".into()),
            hukou: Set(None),
            dedicated: Set(false),
            added_by: Set("haining".into()),
            added_at: Set(now),
        }
        .insert(&db.conn)
        .await
        .unwrap();
    }
    r
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let (db, engine) = bench_db(dir.path()).await;
    let today = shegong_domain::time::date_in_china(chrono::Utc::now());
    demo::load(&db, &demo::DemoOptions::counties(2026, &["330481"], today), &|_, _, _| {}).await.unwrap();
    println!("engine: {engine}");
    let app = shegong_web::router(shegong_web::AppState::new(db.clone(), shegong_web::Settings::default()));
    let round = open_round(&db, today).await;
    let posts = shegong_store::recruitment::public::announcement(&db, round.id).await.unwrap().posts;
    let grounds = shegong_store::recruitment::policy_for(&db, "330481", round.reference_date)
        .await
        .unwrap()
        .barring_grounds
        .clone();

    // Accounts and sessions first (each a password hash).
    let t = Instant::now();
    let mut tokens = Vec::new();
    for n in 0..APPLICANTS {
        let body = serde_json::json!({"round": round.id, "name": "测试报名", "id_number": id_number(n),
                                      "phone": format!("137{:08}", n), "password": PASSWORD});
        let (code, v) = post(&app, "/api/v1/applicants", body).await;
        assert_eq!(code, 201, "{v}");
        let (code, v) = post(
            &app,
            "/api/v1/applicants/session",
            serde_json::json!({"id_number": id_number(n), "password": PASSWORD}),
        )
        .await;
        assert_eq!(code, 200, "{v}");
        tokens.push(v["token"].as_str().unwrap().to_string());
    }
    println!("{APPLICANTS} applicants registered and signed in: {:.1} s", t.elapsed().as_secs_f64());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    shegong_web::spawn(db.clone(), listener).await;
    let secs = std::env::var("SHEGONG_BENCH_LOAD_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let until = Instant::now() + Duration::from_secs(secs);
    let schools = ["浙江工业大学", "嘉兴学院", "杭州师范大学"];
    let t = Instant::now();
    let mut handles = Vec::new();
    for (c, token) in tokens.into_iter().enumerate() {
        let bodies: Arc<Vec<String>> = Arc::new(
            (0..6)
                .map(|k| {
                    serde_json::json!({"round": round.id, "post": posts[(c + k) % posts.len()].id, "education": "本科",
                        "school": schools[k % 3], "major": "社会工作", "declarations": grounds})
                    .to_string()
                })
                .collect(),
        );
        handles.push(tokio::spawn(keep_going(addr, until, move |i| {
            let b = &bodies[i % bodies.len()];
            format!(
                "POST /api/v1/applications HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            )
        })));
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
    use shegong_store::entity::application as app_row;
    let stored = app_row::Entity::find()
        .filter(app_row::Column::ProvinceCode.eq("33"))
        .filter(app_row::Column::RoundId.eq(round.id))
        .filter(app_row::Column::Phone.starts_with("137"))
        .count(&db.conn)
        .await
        .unwrap();
    println!(
        "{APPLICANTS} applicants submitting at once, {secs} s: {ok} submissions ({:.0}/s), p50 {}, p99 {}, {errors} errors{}; applications stored: {stored} for {APPLICANTS} applicants (target: 0 errors, each stored once)",
        ok as f64 / elapsed,
        ms(percentile(&mut lat, 0.5)),
        ms(percentile(&mut lat, 0.99)),
        first.map(|f| format!(" (first: {f})")).unwrap_or_default()
    );
}
