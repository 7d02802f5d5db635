//! Writers queue, they never fail: 20 writers patching different workers (and computing overlapping
//! payroll months, asking and handling corrections, adding and removing reserves) at once for 30 s, beside readers, answer no error, and every acknowledged write is
//! there afterwards. On SQLite, and on PostgreSQL when `SHEGONG_TEST_PG_URL` is set.
//! `SHEGONG_CONCURRENCY_SECS` shortens or lengthens the run (default 30).

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::worker;
use shegong_store::workers::{self, WorkerFilter, WorkerPatch};
use shegong_store::{Access, Db, StoreError, payroll};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

const WRITERS: usize = 20;
const READERS: usize = 8;

fn seconds() -> u64 {
    std::env::var("SHEGONG_CONCURRENCY_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30)
}

async fn demo_db(postgres: bool, dir: &std::path::Path) -> Db {
    let (db, _) = shegong_store::testing::fresh(postgres, dir).await.unwrap();
    let opts = DemoOptions::counties(5, &["330481", "330483"], NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    db
}

fn admin(region: &str) -> Access {
    Access::admin(region, &format!("admin-{region}"))
}

async fn run(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(postgres, dir.path()).await;
    // Two counties' active workers, a disjoint slice for each writer.
    let mut ids: Vec<(Uuid, String)> = Vec::new();
    for county in ["330481", "330483"] {
        let ws = worker::Entity::find()
            .filter(worker::Column::RegionCode.starts_with(county))
            .filter(worker::Column::Status.eq("active"))
            .order_by_asc(worker::Column::Id)
            .limit(200)
            .all(&db.conn)
            .await
            .unwrap();
        ids.extend(ws.into_iter().map(|w| (w.id, county.to_string())));
    }
    assert!(ids.len() >= WRITERS * 4, "the demo has too few workers: {}", ids.len());
    let ids = Arc::new(ids);
    let deadline = Instant::now() + Duration::from_secs(seconds());

    let mut writers = Vec::new();
    for k in 0..WRITERS {
        let db = db.clone();
        let ids = ids.clone();
        writers.push(tokio::spawn(async move {
            let mut acknowledged: HashMap<Uuid, String> = HashMap::new();
            let mut errors = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                // Writer 0 recomputes overlapping payroll months: a county's and its street's.
                if k == 0 {
                    let access = admin("330481");
                    let region = if n.is_multiple_of(2) { "330481" } else { "330481001" };
                    match payroll::run(&db, &access, region, "2026-10").await {
                        // Reviewed by a second person, then sent back (the review undone) so that
                        // the month can be recomputed on the next round.
                        Ok(s) => {
                            let reviewer = Access::admin("330481", "reviewer");
                            if let Err(e) = payroll::review(&db, &reviewer, s.run.id).await {
                                errors.push(format!("review: {e:?}"));
                            } else if let Err(e) = payroll::send_back(&db, &reviewer, s.run.id, "重新核对").await {
                                errors.push(format!("send back: {e:?}"));
                            }
                        }
                        Err(StoreError::Conflict(_)) | Err(StoreError::Invalid(_)) => {}
                        Err(e) => errors.push(format!("payroll: {e:?}")),
                    }
                    continue;
                }
                let (id, county) = &ids[k + WRITERS * (n as usize % (ids.len() / WRITERS))];
                let access = admin(county);
                // Every fifth round, the other archive writes: a correction asked and handled, and a
                // reserve candidate added and taken out again.
                if n.is_multiple_of(5) {
                    match workers::request_correction(&db, &access, *id, "phone", "号码已更换").await {
                        Ok(c) => {
                            let answered = if n.is_multiple_of(10) {
                                workers::reject_correction(&db, &access, *id, c.id, "号码未变").await
                            } else {
                                workers::resolve_correction(&db, &access, *id, c.id, Some("已更正")).await
                            };
                            if let Err(e) = answered {
                                errors.push(format!("answer {id}: {e:?}"));
                            }
                        }
                        Err(e) => errors.push(format!("correction {id}: {e:?}")),
                    }
                    // A scan kept and removed.
                    let jpeg = vec![
                        0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF,
                        0xC0, 0, 17, 8, 0, 2, 0, 2, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9,
                    ];
                    match workers::attachments::add(&db, &access, *id, "certificate", "证书.jpg", jpeg).await {
                        Ok(a) => {
                            if let Err(e) = workers::attachments::remove(&db, &access, *id, a.id).await {
                                errors.push(format!("scan remove: {e:?}"));
                            }
                        }
                        Err(e) => errors.push(format!("scan add: {e:?}")),
                    }
                    let w = workers::get(&db, &access.scope, *id).await.unwrap();
                    let candidate = shegong_store::reserves::ReserveInput {
                        community_code: w.region_code.clone(),
                        name: ["张后备", "李后备", "王后备", "赵后备"][k % 4].into(),
                        gender: "1".into(),
                        birth_date: "1990-05-01".into(),
                        political_status: "13".into(),
                        ..Default::default()
                    };
                    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
                    match shegong_store::reserves::add(&db, &access, &candidate, today).await {
                        Ok(r) => {
                            if let Err(e) = shegong_store::reserves::remove(&db, &access, r.id, today).await {
                                errors.push(format!("reserve remove: {e:?}"));
                            }
                        }
                        Err(e) => errors.push(format!("reserve add: {e:?}")),
                    }
                }
                let phone = format!("139{:04}{:04}", k, n % 10_000);
                let patch = WorkerPatch { phone: Some(phone.clone()), ..Default::default() };
                match workers::update(&db, &access, *id, &patch).await {
                    Ok(_) => {
                        acknowledged.insert(*id, phone);
                    }
                    Err(e) => errors.push(format!("patch {id}: {e:?}")),
                }
            }
            (acknowledged, errors, n)
        }));
    }
    let mut readers = Vec::new();
    for r in 0..READERS {
        let db = db.clone();
        readers.push(tokio::spawn(async move {
            let access = admin(if r % 2 == 0 { "330481" } else { "330483" });
            let scope = access.scope.clone();
            let mut errors = Vec::new();
            let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
            while Instant::now() < deadline {
                let f = WorkerFilter::default();
                if let Err(e) = workers::list(&db, &scope, &f, today, 1, 50).await {
                    errors.push(format!("list: {e:?}"));
                }
                // The kept figures, while the writers commit.
                if let Err(e) = workers::summary(&db, &scope, scope.region()).await {
                    errors.push(format!("summary: {e:?}"));
                }
            }
            errors
        }));
    }
    let mut all: HashMap<Uuid, String> = HashMap::new();
    let mut errors = Vec::new();
    let mut total = 0;
    for w in writers {
        let (ack, errs, n) = w.await.unwrap();
        total += n;
        all.extend(ack);
        errors.extend(errs);
    }
    for r in readers {
        errors.extend(r.await.unwrap());
    }
    eprintln!("{total} writes, {} acknowledged workers, {} errors", all.len(), errors.len());
    assert!(errors.is_empty(), "{} of {total} writes failed, first: {:?}", errors.len(), errors.first());
    assert!(total > WRITERS as u64, "the writers made only {total} writes");
    for (id, phone) in &all {
        let w = worker::Entity::find().filter(worker::Column::Id.eq(*id)).one(&db.conn).await.unwrap().unwrap();
        assert_eq!(w.phone.as_deref(), Some(phone.as_str()), "acknowledged write of {id} is lost");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_writers_queue_and_never_fail() {
    run(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_writers_queue_and_never_fail() {
    if shegong_store::testing::pg_url().is_none() {
        eprintln!("SHEGONG_TEST_PG_URL not set: PostgreSQL skipped");
        return;
    }
    run(true).await;
}
