//! Payroll's figures, printed:
//!   cargo bench -p shegong-store --bench payroll
//! - the pure pay computation (`pay::monthly`, and `pay::level` + `pay::monthly`) on one core,
//!   payslips per second (target ≥ 1,000,000/s for the computation);
//! - the demo province (about 40,000 workers) loaded, then one month's payroll for the whole
//!   province computed and stored (`payroll::run`), wall time (target ≤ 5 s on SQLite).
//!
//! `SHEGONG_BENCH_DATABASE_URL=postgres://…` runs the stored part against an empty PostgreSQL
//! database instead.

/// The allocator the binary ships with (see `src/main.rs`), so that the figures are its figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::NaiveDate;
use shegong_domain::career::Grade;
use shegong_domain::pay::{self, PayInput};
use shegong_domain::policy::{EducationKey, shipped};
use shegong_domain::worker::CertificateLevel;
use shegong_domain::{RegionCode, Scope};
use shegong_store::Db;
use shegong_store::demo::{self, DemoOptions};
use std::hint::black_box;
use std::time::Instant;

fn pure() {
    let p = shipped("haining-2020").unwrap();
    let posts = ["head", "deputy", "staff", "staff", "staff"];
    let edus = [None, Some(EducationKey::Bachelor), Some(EducationKey::College), Some(EducationKey::Postgraduate)];
    let certs = [None, Some(CertificateLevel::Junior), Some(CertificateLevel::Intermediate)];
    let n = 5_000_000u64;
    let wage = Some(10_800_000);
    let t = Instant::now();
    let mut sum = 0i64;
    for i in 0..n {
        let post = posts[(i % 5) as usize];
        let level = 1 + (i % 18) as u32;
        let s = pay::monthly(&p, post, level, edus[(i % 4) as usize], certs[(i % 3) as usize], wage).unwrap();
        sum = sum.wrapping_add(black_box(s).total);
    }
    let e = t.elapsed();
    black_box(sum);
    println!(
        "pure pay computation (pay::monthly): {n} payslips in {:.2} s = {:.0} payslips/s on one core",
        e.as_secs_f64(),
        n as f64 / e.as_secs_f64()
    );
    let grades: Vec<(i32, Grade)> =
        (2016..2026).map(|y| (y, if y % 4 == 0 { Grade::Excellent } else { Grade::Competent })).collect();
    let start = NaiveDate::from_ymd_opt(2015, 7, 1).unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let n = 500_000u64;
    let t = Instant::now();
    for i in 0..n {
        let input = PayInput {
            post: posts[(i % 5) as usize],
            education: edus[(i % 4) as usize],
            certificate: certs[(i % 3) as usize],
            service_start: start,
            grades: &grades[..(i % 10) as usize],
        };
        let l = pay::level(&p, &input, on).unwrap();
        let s = pay::monthly(&p, input.post, l.level, input.education, input.certificate, wage).unwrap();
        black_box(s);
    }
    let e = t.elapsed();
    println!(
        "level with explanation + pay (pay::level + pay::monthly): {n} in {:.2} s = {:.0} payslips/s on one core",
        e.as_secs_f64(),
        n as f64 / e.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    shegong_store::process::no_huge_pages();
    pure();
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("SHEGONG_BENCH_DATABASE_URL").unwrap_or_else(|_| shegong_store::db::sqlite_url(dir.path()));
    let engine = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let db = Db::connect(&url).await.unwrap();
    shegong_store::setup::run(&db).await.unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let t = Instant::now();
    let s = demo::load(&db, &DemoOptions::counties(1, &[], today), &|_, _, _| {}).await.unwrap();
    println!(
        "{engine}: demo province loaded ({} active workers, a year of locked payroll) in {:.1} s",
        s.workers_active,
        t.elapsed().as_secs_f64()
    );
    if engine == "PostgreSQL" {
        sea_orm::ConnectionTrait::execute_unprepared(&db.conn, "VACUUM ANALYZE").await.unwrap();
    } else {
        db.analyze().await.unwrap();
    }
    let scope = Scope::Region(RegionCode::parse("33").unwrap());
    let mut times = Vec::new();
    for month in ["2026-01", "2026-02", "2026-03"] {
        let t = Instant::now();
        let r = shegong_store::payroll::run(&db, &shegong_store::Access::system(scope.region().clone()), "33", month)
            .await
            .unwrap();
        let e = t.elapsed();
        println!(
            "{engine}: payroll {month} for the province: {} payslips computed and stored in {:.2} s (total {} yuan, {} left out)",
            r.run.workers,
            e.as_secs_f64(),
            pay::yuan(r.run.total_fen),
            r.problems.len()
        );
        times.push(e.as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let province_rate = s.workers_active as f64 / times[1];
    println!(
        "{engine}: payroll for the province, median of 3: {:.2} s = {province_rate:.0} payslips/s (target ≤ 2 s)",
        times[1]
    );

    // The rate at about 5,000 people: the city nearest that size, three later months.
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use shegong_store::entity::worker;
    let mut nearest: Option<(String, u64)> = None;
    for city in shegong_store::regions::children(&db, &scope, scope.region()).await.unwrap() {
        let (low, high) = (city.code.clone(), format!("{}", city.code.parse::<u64>().unwrap() + 1));
        let n = worker::Entity::find()
            .filter(worker::Column::ProvinceCode.eq("33"))
            .filter(worker::Column::RegionCode.gte(low))
            .filter(worker::Column::RegionCode.lt(high))
            .filter(worker::Column::Status.eq("active"))
            .count(&db.conn)
            .await
            .unwrap();
        if nearest.as_ref().is_none_or(|(_, m)| n.abs_diff(5000) < m.abs_diff(5000)) {
            nearest = Some((city.code.clone(), n));
        }
    }
    let (city, _) = nearest.unwrap();
    let mut small = Vec::new();
    for month in ["2026-04", "2026-05", "2026-06"] {
        let t = Instant::now();
        let r = shegong_store::payroll::run(&db, &shegong_store::Access::system(scope.region().clone()), &city, month)
            .await
            .unwrap();
        small.push((t.elapsed().as_secs_f64(), r.run.workers));
    }
    small.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (secs, people) = small[1];
    let small_rate = f64::from(people) / secs;
    println!(
        "{engine}: payroll for {city} ({people} payslips), median of 3: {secs:.3} s = {small_rate:.0} payslips/s; the province's rate is {:.0}% of it (target ≥ 80%)",
        province_rate / small_rate * 100.0
    );
}
