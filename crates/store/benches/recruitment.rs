//! A recruitment round at the scale of a large county, printed beside each target (issue 16):
//!   cargo bench -p shegong-store --bench recruitment
//! A round of 20,000 applications for 500 places (250 posts of 2 in the demo county's
//! communities), every application reviewed, then:
//! - eligibility of all applications re-checked against their posts and the policy (target ≤ 1 s);
//! - the written scores of 20,000 tickets recorded at once, all or nothing (target ≤ 10 s);
//! - the standings of every post — the interview list by the ratio, ties included, and the ranking
//!   (target ≤ 500 ms, median of 3);
//! - 体检 and 考察 of the 500 to be hired, the publicity, and hiring the 500 into the archive, each
//!   hire one transaction with its archive, appointment and agreement (target ≤ 5 s).
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs it against an empty PostgreSQL database instead.

#[path = "common/mod.rs"]
mod common;
use common::d;

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shegong_domain::IdNumber;
use shegong_store::access::Access;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{application as app, recruitment_post as post, recruitment_round as round};
use shegong_store::recruitment::exams::{self, Exam, ScoreRow};
use shegong_store::recruitment::steps::{self, Check, CheckInput, HireInput};
use shegong_store::{Db, recruitment};
use std::time::Instant;
use uuid::Uuid;

const APPLICANTS: usize = 20_000;
const POSTS: usize = 250;
const PLACES: i32 = 2;

#[tokio::main]
async fn main() {
    shegong_store::process::no_huge_pages();
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("SHEGONG_BENCH_DATABASE_URL").unwrap_or_else(|_| shegong_store::db::sqlite_url(dir.path()));
    let engine = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let db = Db::connect(&url).await.unwrap();
    shegong_store::setup::run(&db).await.unwrap();
    demo::load(&db, &DemoOptions::counties(1, &["330481"], d(2026, 11, 1)), &|_, _, _| {}).await.unwrap();
    let county = Access::admin("330481", "haining");

    // The round, its posts and its applications, written directly (the plan's checks are not what
    // is measured here).
    let communities: Vec<String> = shegong_store::regions::communities_under(&db.conn, "330481")
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .collect();
    let now = Utc::now();
    let r = round::ActiveModel {
        province_code: sea_orm::Set("33".into()),
        id: sea_orm::Set(Uuid::now_v7()),
        county_code: sea_orm::Set("330481".into()),
        title: sea_orm::Set("基准测试招聘".into()),
        reference_date: sea_orm::Set(d(2026, 5, 31)),
        apply_from: sea_orm::Set(d(2026, 5, 1)),
        apply_to: sea_orm::Set(d(2026, 5, 15)),
        status: sea_orm::Set("published".into()),
        notes: sea_orm::Set(String::new()),
        created_by: sea_orm::Set("haining".into()),
        created_at: sea_orm::Set(now),
        approved_by: sea_orm::Set(Some("reviewer".into())),
        approved_at: sea_orm::Set(Some(now)),
        published_at: sea_orm::Set(Some(now)),
        pass_line: sea_orm::Set(None),
        tickets_at: sea_orm::Set(None),
        publicity_from: sea_orm::Set(None),
    };
    let r = sea_orm::ActiveModelTrait::insert(r, &db.conn).await.unwrap();
    let posts: Vec<post::ActiveModel> = (0..POSTS)
        .map(|i| post::ActiveModel {
            province_code: sea_orm::Set("33".into()),
            id: sea_orm::Set(Uuid::now_v7()),
            round_id: sea_orm::Set(r.id),
            community_code: sea_orm::Set(communities[i % communities.len()].clone()),
            category: sea_orm::Set("staff".into()),
            title: sea_orm::Set("社区专职工作者".into()),
            places: sea_orm::Set(PLACES),
            min_education: sea_orm::Set(None),
            max_age: sea_orm::Set(None),
            certificate: sea_orm::Set(None),
            majors: sea_orm::Set(if i % 2 == 0 { "社会工作、社会学".into() } else { String::new() }),
            hukou: sea_orm::Set(None),
            dedicated: sea_orm::Set(false),
            added_by: sea_orm::Set("haining".into()),
            added_at: sea_orm::Set(now),
        })
        .collect();
    let post_ids: Vec<Uuid> = posts.iter().map(|p| *p.id.as_ref()).collect();
    post::Entity::insert_many(posts).exec(&db.conn).await.unwrap();
    let majors = ["社会工作", "社会学"];
    let t = Instant::now();
    let mut batch = Vec::new();
    for i in 0..APPLICANTS {
        let birth = d(1992, 1, 1) + Duration::days((i % 3650) as i64);
        let id = IdNumber::compose("330481", birth, 900 + (i / 3650) as u16);
        batch.push(app::ActiveModel {
            province_code: sea_orm::Set("33".into()),
            id: sea_orm::Set(Uuid::now_v7()),
            round_id: sea_orm::Set(r.id),
            post_id: sea_orm::Set(post_ids[i % POSTS]),
            applicant_id: sea_orm::Set(Uuid::now_v7()),
            name: sea_orm::Set(format!("应聘{}", ["甲", "乙", "丙", "丁", "戊"][i % 5])),
            id_number: sea_orm::Set(id.to_string()),
            gender: sea_orm::Set("female".into()),
            birth_date: sea_orm::Set(birth),
            phone: sea_orm::Set(format!("139{:08}", i)),
            education_code: sea_orm::Set(if i % 3 == 0 { "31" } else { "21" }.into()),
            school: sea_orm::Set("浙江工业大学".into()),
            major: sea_orm::Set(majors[i % 2].into()),
            graduated_on: sea_orm::Set(Some(d(2018, 6, 30))),
            certificate: sea_orm::Set(if i % 4 == 0 { Some("intermediate".into()) } else { None }),
            work_history: sea_orm::Set(String::new()),
            veteran: sea_orm::Set(i % 50 == 0),
            current_worker: sea_orm::Set(false),
            declared: sea_orm::Set(String::new()),
            eligible: sea_orm::Set(true),
            explanation: sea_orm::Set(String::new()),
            status: sea_orm::Set("qualified".into()),
            review_reason: sea_orm::Set(None),
            reviewed_by: sea_orm::Set(Some("haining".into())),
            reviewed_at: sea_orm::Set(Some(now)),
            ticket: sea_orm::Set(None),
            room: sea_orm::Set(None),
            seat: sea_orm::Set(None),
            written: sea_orm::Set(None),
            bonus: sea_orm::Set(if i % 4 == 0 { 500 } else { 0 }),
            interview: sea_orm::Set(None),
            medical: sea_orm::Set(None),
            medical_reason: sea_orm::Set(None),
            vetting: sea_orm::Set(None),
            vetting_reason: sea_orm::Set(None),
            worker_id: sea_orm::Set(None),
            submitted_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
        });
        if batch.len() == 500 {
            app::Entity::insert_many(std::mem::take(&mut batch)).exec(&db.conn).await.unwrap();
        }
    }
    println!(
        "{engine}: {APPLICANTS} applications for {} places written in {:.1} s (setup)",
        POSTS as i32 * PLACES,
        t.elapsed().as_secs_f64()
    );

    // Eligibility of every application against its post and the policy.
    let t = Instant::now();
    let full = recruitment::rounds::get(&db, &county, r.id).await.unwrap();
    let policy = recruitment::policy_for(&db, "330481", r.reference_date).await.unwrap();
    let reqs: std::collections::HashMap<Uuid, _> = full
        .posts
        .iter()
        .map(|p| {
            let q = shegong_domain::recruitment::post_requirements("", "", "", &p.majors).unwrap();
            (p.id, q)
        })
        .collect();
    let all = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq("33"))
        .filter(app::Column::RoundId.eq(r.id))
        .all(&db.conn)
        .await
        .unwrap();
    let mut eligible = 0;
    for a in &all {
        let f = shegong_domain::recruitment::Facts {
            birth_date: a.birth_date,
            education_code: a.education_code.clone(),
            certificate: a.certificate.as_deref().and_then(|c| shegong_domain::worker::CertificateLevel::parse(c).ok()),
            major: a.major.clone(),
            veteran: a.veteran,
            current_worker: a.current_worker,
        };
        if policy.eligibility(&reqs[&a.post_id], &f, r.reference_date).eligible {
            eligible += 1;
        }
    }
    println!(
        "{engine}: eligibility of all {} applications (read and checked): {:.3} s, {eligible} eligible (target ≤ 1 s)",
        all.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let n = exams::issue_tickets(&db, &county, r.id, d(2026, 5, 20)).await.unwrap();
    println!("{engine}: {n} admission tickets issued in {:.2} s", t.elapsed().as_secs_f64());
    let tickets: Vec<(Uuid, String)> = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq("33"))
        .filter(app::Column::RoundId.eq(r.id))
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.ticket.unwrap()))
        .collect();
    let rows: Vec<ScoreRow> = tickets
        .iter()
        .enumerate()
        .map(|(i, (_, t))| ScoreRow { ticket: t.clone(), score: format!("{}.{}", 40 + (i * 7919) % 56, i % 10) })
        .collect();
    let t = Instant::now();
    let n = exams::record_scores(&db, &county, r.id, Exam::Written, &rows).await.unwrap();
    println!(
        "{engine}: written scores of {n} tickets recorded, all or nothing: {:.2} s (target ≤ 10 s)",
        t.elapsed().as_secs_f64()
    );
    exams::set_pass_line(&db, &county, r.id, "60").await.unwrap();

    let mut times = Vec::new();
    let mut invited = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let (_, s) = exams::standings(&db, &county, r.id).await.unwrap();
        times.push(t.elapsed().as_secs_f64());
        invited = s.iter().flat_map(|p| p.rows.iter()).filter(|x| x.invited).map(|x| x.id).collect();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{engine}: standings of {POSTS} posts (interview list {} people, ranking): median {:.0} ms (target ≤ 500 ms)",
        invited.len(),
        times[1] * 1000.0
    );
    let by_id: std::collections::HashMap<Uuid, &String> = tickets.iter().map(|(id, t)| (*id, t)).collect();
    let rows: Vec<ScoreRow> = invited
        .iter()
        .enumerate()
        .map(|(i, id)| ScoreRow { ticket: by_id[id].clone(), score: format!("{}", 60 + (i * 31) % 40) })
        .collect();
    exams::record_scores(&db, &county, r.id, Exam::Interview, &rows).await.unwrap();
    let (_, s) = exams::standings(&db, &county, r.id).await.unwrap();
    let chosen: Vec<Uuid> = s.iter().flat_map(|p| p.rows.iter()).filter(|x| x.selected).map(|x| x.id).collect();
    let t = Instant::now();
    for id in &chosen {
        for check in [Check::Medical, Check::Vetting] {
            let i = CheckInput { check: Some(check), passed: Some(true), reason: None };
            steps::record_check(&db, &county, r.id, *id, &i).await.unwrap();
        }
    }
    println!("{engine}: 体检 and 考察 of {} recorded in {:.2} s", chosen.len(), t.elapsed().as_secs_f64());
    steps::start_publicity(&db, &county, r.id, "2026-06-01", d(2026, 6, 1)).await.unwrap();
    let t = Instant::now();
    for id in &chosen {
        let h = HireInput { start_date: Some("2026-06-20".into()) };
        steps::hire(&db, &county, r.id, *id, &h, d(2026, 6, 20)).await.unwrap();
    }
    println!(
        "{engine}: {} hired into the archive (archive, appointment, agreement each in one transaction): {:.2} s (target ≤ 5 s)",
        chosen.len(),
        t.elapsed().as_secs_f64()
    );
}
