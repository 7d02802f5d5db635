//! Figures as of any date: the stored aggregate equals a count made directly from the archive, a
//! county equals the sum of its streets, and a write to an archive moves today's figures but not
//! yesterday's. On SQLite, and on PostgreSQL when `SHEGONG_TEST_PG_URL` is set.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shegong_domain::stats::{AppointmentSpan, Counts, WorkerFacts, spells};
use shegong_domain::worker::{CertificateFields, CertificateLevel};
use shegong_domain::{RegionCode, Scope};
use shegong_store::Db;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{appointment, certificate, education, worker};
use shegong_store::{stats, workers};
use std::collections::HashMap;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 11, 1);

async fn demo_db(postgres: bool, dir: &std::path::Path) -> Db {
    let (db, _) = shegong_store::testing::fresh(postgres, dir).await.unwrap();
    let opts = DemoOptions::counties(11, &["330481"], d(TODAY.0, TODAY.1, TODAY.2));
    demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
    db
}

/// Counts made straight from the archive tables with the domain's rules, per county prefix.
async fn reference(db: &Db, prefix: &str, day: NaiveDate) -> Counts {
    let ws = worker::Entity::find().all(&db.conn).await.unwrap();
    let mut appts: HashMap<_, Vec<AppointmentSpan>> = HashMap::new();
    for a in appointment::Entity::find().all(&db.conn).await.unwrap() {
        appts.entry(a.worker_id).or_default().push(AppointmentSpan {
            region_code: a.region_code,
            post_category: a.post_category,
            full_time: a.full_time,
            two_committees: a.two_committees,
            start: a.start_date,
            end: a.end_date,
        });
    }
    let mut edus: HashMap<_, Vec<(String, Option<NaiveDate>)>> = HashMap::new();
    for e in education::Entity::find().all(&db.conn).await.unwrap() {
        edus.entry(e.worker_id).or_default().push((e.education_code, e.graduated_on));
    }
    let mut certs: HashMap<_, Vec<(CertificateLevel, Option<NaiveDate>)>> = HashMap::new();
    for c in certificate::Entity::find().all(&db.conn).await.unwrap() {
        if let Some(l) = c.level.as_deref().and_then(|l| CertificateLevel::parse(l).ok()) {
            certs.entry(c.worker_id).or_default().push((l, c.issued_on));
        }
    }
    let mut counts = Counts::default();
    for w in ws {
        let a = appts.remove(&w.id).unwrap_or_default();
        let Some(first) = a.iter().map(|a| a.start).min() else {
            continue;
        };
        let facts = WorkerFacts {
            gender: w.gender.clone(),
            birth_date: w.birth_date,
            political_status: w.political_status.clone(),
            service_start: w.service_start.unwrap_or(first).min(first),
        };
        let s = spells(&a, &edus.remove(&w.id).unwrap_or_default(), &certs.remove(&w.id).unwrap_or_default());
        if let Some(sp) = s.iter().find(|s| s.covers(day) && s.region_code.starts_with(prefix)) {
            counts.count(sp, &facts, day);
        }
    }
    counts
}

async fn check(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(postgres, dir.path()).await;
    let scope = Scope::Region(RegionCode::parse("33").unwrap());
    let county = RegionCode::parse("330481").unwrap();
    for day in [d(2012, 12, 31), d(2015, 12, 31), d(2019, 12, 31), d(2024, 6, 30), d(2026, 11, 1)] {
        let f = stats::figures(&db, &scope, &county, day, false).await.unwrap();
        assert_eq!(f.counts, reference(&db, "330481", day).await, "on {day}");
        assert!(f.counts.workers > 0 || day.year() < 2013);
        // The county is the sum of its streets, each asked for on its own.
        let mut sum = Counts::default();
        for street in &f.children {
            let s = stats::figures(&db, &scope, &RegionCode::parse(&street.code).unwrap(), day, false).await.unwrap();
            assert_eq!(s.counts, street.counts, "{} on {day}", street.code);
            sum.add(&s.counts);
        }
        assert_eq!(sum, f.counts, "streets add up to the county on {day}");
    }
    let earlier = stats::figures(&db, &scope, &county, d(2024, 6, 30), false).await.unwrap();

    // A certificate issued today shows today, not on an earlier day.
    let today = d(TODAY.0, TODAY.1, TODAY.2);
    let before = stats::figures(&db, &scope, &county, today, false).await.unwrap();
    let w = worker::Entity::find()
        .filter(worker::Column::Status.eq("active"))
        .filter(worker::Column::CertificateLevel.is_null())
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    workers::add_certificate(
        &db,
        &shegong_store::Access::system(scope.region().clone()),
        w.id,
        CertificateFields { level: CertificateLevel::Junior, number: None, issued_on: Some(today) },
    )
    .await
    .unwrap();
    let after = stats::figures(&db, &scope, &county, today, false).await.unwrap();
    assert_eq!(after.counts.certified(), before.counts.certified() + 1);
    assert_eq!(after.counts.workers, before.counts.workers);
    assert_eq!(after.counts, reference(&db, "330481", today).await);
    let still = stats::figures(&db, &scope, &county, d(2024, 6, 30), false).await.unwrap();
    assert_eq!(still.counts, earlier.counts);

    // The trend agrees with the figures of each day.
    let days = [d(2015, 12, 31), d(2019, 12, 31), today];
    let trend = stats::trend(&db, &scope, &county, &days, false).await.unwrap();
    for (day, n, ft) in trend {
        let f = stats::figures(&db, &scope, &county, day, false).await.unwrap();
        assert_eq!((n, ft), (f.counts.workers, f.counts.full_time), "{day}");
    }

    // Outside the scope there is nothing to see.
    let other = Scope::Region(RegionCode::parse("330483").unwrap());
    assert!(stats::figures(&db, &other, &county, today, false).await.is_err());

    // Rebuilding everything gives the same figures as the per-write upkeep.
    stats::rebuild_province(&db, "33").await.unwrap();
    let rebuilt = stats::figures(&db, &scope, &county, today, false).await.unwrap();
    assert_eq!(rebuilt.counts, after.counts);
}

#[tokio::test]
async fn figures_sqlite() {
    check(false).await;
}

#[tokio::test]
async fn figures_postgres() {
    if shegong_store::testing::pg_url().is_some() {
        check(true).await;
    }
}
