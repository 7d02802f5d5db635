//! A demo province's career records: trainings, assessment rounds, reserves and a year of payroll.

use super::Community;
use super::DemoOptions;
use super::people::{FEMALE, MALE, SURNAMES, v7, ymd};

use crate::Db;
use crate::entity::{assessment, worker};
use crate::error::Result;
use chrono::{Datelike, Utc};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

/// The demo's policy, reference wages, last year's assessment rounds, reserve candidates and a
/// year of locked payroll.
pub(super) async fn career_and_pay(
    db: &Db,
    opts: &DemoOptions,
    rng: &mut ChaCha8Rng,
    communities: &[Community],
    last_year: Vec<(String, Uuid, &'static str)>,
    progress: &(dyn Fn(u64, u64, &str) + Sync),
) -> Result<()> {
    use crate::entity::{assessment_entry, assessment_round, payroll_run, policy_assignment, reference_wage, reserve};
    use sea_orm::sea_query::ExprTrait;
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    use shegong_domain::career::{Grade, excellent_cap, propose_grades, weighted_score_tenths};
    let today = opts.today;
    let province = opts.province.clone();
    let last = today.year() - 1;
    let policy_name = "haining-2020";
    let (_, policy) = crate::policies::get(&db.conn, policy_name, None).await?;
    let txn = db.begin_write().await?;
    policy_assignment::ActiveModel {
        province_code: Set(province.clone()),
        id: Set(v7(rng, ymd(2019, 12, 1))),
        region_code: Set(province.clone()),
        policy_name: Set(policy_name.into()),
        policy_version: Set(1),
        effective_from: Set(ymd(2020, 1, 1)),
        assigned_by: Set("demo".into()),
        assigned_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    // Demo figures for last year's average wage of all employed (not official statistics).
    let mut wage: i64 = 8_000_000;
    for year in 2019..=last {
        reference_wage::Entity::insert(reference_wage::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(v7(rng, ymd(year + 1, 3, 1))),
            region_code: Set(province.clone()),
            key: Set("average_wage".into()),
            year: Set(year),
            annual_fen: Set(wage),
            set_by: Set("demo".into()),
            set_at: Set(Utc::now()),
        })
        .exec_without_returning(&txn)
        .await?;
        wage = wage * 1055 / 1000 / 100 * 100;
    }
    // Last year's rounds, one per street: scores that give each grade, the 优秀 cap applied.
    let mut by_street: std::collections::BTreeMap<String, Vec<(String, Uuid, &'static str)>> = Default::default();
    for row in last_year {
        by_street.entry(row.0[..9].to_string()).or_default().push(row);
    }
    let held_back = communities.iter().find(|c| c.code.starts_with("330481")).map(|c| c.code[..9].to_string());
    let a = &policy.assessment;
    let mut entries = Vec::new();
    let mut grades = Vec::new();
    for (street, rows) in &by_street {
        let published = held_back.as_deref() != Some(street.as_str());
        let round_id = v7(rng, ymd(last + 1, 1, 10));
        assessment_round::Entity::insert(assessment_round::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(round_id),
            region_code: Set(street.clone()),
            year: Set(last),
            status: Set(if published { "published" } else { "scored" }.into()),
            policy_name: Set(policy_name.into()),
            policy_version: Set(1),
            created_by: Set("demo".into()),
            created_at: Set(Utc::now()),
            published_by: Set(published.then(|| "demo".to_string())),
            published_at: Set(published.then(Utc::now)),
        })
        .exec_without_returning(&txn)
        .await?;
        let mut scores = Vec::new();
        let mut parts = Vec::new();
        for (_, _, g) in rows {
            let t: i32 = match *g {
                "excellent" => rng.random_range(90..=97),
                "competent" => rng.random_range(72..=89),
                "basically_competent" => rng.random_range(60..=69),
                _ => rng.random_range(45..=59),
            };
            let d: i32 = rng.random_range(-2..=2);
            // 60/30/10 weights: +d on the organisation's score, -2d on the residents' keeps the sum.
            let (o, r, x) = ((t + d).clamp(0, 100), (t - 2 * d).clamp(0, 100), t);
            let tenths = weighted_score_tenths(&[
                (o as u32, a.organisation_weight),
                (r as u32, a.residents_weight),
                (x as u32, a.routine_weight),
            ]);
            scores.push(tenths);
            parts.push((o, r, x));
        }
        let cap = a.excellent_cap_pct.map(|c| excellent_cap(rows.len() as u32, c));
        let proposed = propose_grades(&scores, |s| policy.grade_for_score(s), cap);
        for (((community, worker, _), (o, r, x)), (s, g)) in rows.iter().zip(parts).zip(scores.iter().zip(proposed)) {
            entries.push(assessment_entry::ActiveModel {
                province_code: Set(province.clone()),
                id: Set(v7(rng, ymd(last + 1, 1, 10))),
                round_id: Set(round_id),
                worker_id: Set(*worker),
                region_code: Set(community.clone()),
                organisation_score: Set(Some(o)),
                residents_score: Set(Some(r)),
                routine_score: Set(Some(x)),
                combined_tenths: Set(Some(*s as i32)),
                grade: Set(Some(g.as_str().into())),
                note: Set(None),
                routine_proposal: Set(None),
                routine_reason: Set(None),
            });
            if published {
                grades.push(assessment::ActiveModel {
                    province_code: Set(province.clone()),
                    id: Set(v7(rng, ymd(last + 1, 1, 20))),
                    worker_id: Set(*worker),
                    region_code: Set(community.clone()),
                    year: Set(last),
                    grade: Set(g.as_str().into()),
                    recorded_by: Set("demo".into()),
                    recorded_at: Set(Utc::now()),
                });
            }
        }
    }
    crate::bulk::insert_models(&txn, entries, 2000).await?;
    crate::bulk::insert_models(&txn, grades, 2000).await?;
    let _ = Grade::ALL;
    // Reserve candidates: three per 两委 seat in most communities, fewer in some.
    let seats: std::collections::HashMap<String, i64> = worker::Entity::find()
        .select_only()
        .column(worker::Column::RegionCode)
        .column_as(sea_orm::sea_query::Expr::col(worker::Column::Id).count(), "n")
        .filter(worker::Column::ProvinceCode.eq(&province))
        .filter(worker::Column::Status.eq("active"))
        .filter(worker::Column::TwoCommittees.eq(true))
        .group_by(worker::Column::RegionCode)
        .into_tuple::<(String, i64)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let mut reserves = Vec::new();
    for c in communities {
        let s = seats.get(&c.code).copied().unwrap_or(0);
        let n = if rng.random_bool(0.85) { s * 3 } else { rng.random_range(0..=s * 2) };
        for _ in 0..n {
            let female = rng.random_bool(0.6);
            let surname = SURNAMES.choose(rng).expect("non-empty");
            let pool = if female { FEMALE } else { MALE };
            let given: String = (0..rng.random_range(1..=2)).map(|_| *pool.choose(rng).expect("non-empty")).collect();
            reserves.push(reserve::ActiveModel {
                province_code: Set(province.clone()),
                id: Set(v7(rng, ymd(last, 6, 1))),
                region_code: Set(c.code.clone()),
                name: Set(format!("{surname}{given}")),
                gender: Set(if female { "2" } else { "1" }.into()),
                birth_date: Set(ymd(rng.random_range(1985..=2000), rng.random_range(1..=12), rng.random_range(1..=28))),
                education: Set(Some(["21", "21", "31", "14"].choose(rng).expect("non-empty").to_string())),
                political_status: Set(["01", "01", "02", "03", "13"].choose(rng).expect("non-empty").to_string()),
                current_post: Set(Some(
                    ["网格员", "专职工作者", "居民小组长", "志愿者骨干"].choose(rng).expect("non-empty").to_string(),
                )),
                note: Set(None),
                added_by: Set("demo".into()),
                added_on: Set(ymd(last, 6, 1)),
                removed_on: Set(None),
            });
        }
    }
    crate::bulk::insert_models(&txn, reserves, 2000).await?;
    // A year of locked payroll: last year's twelve months, one run per county. Levels change on
    // 1 January, so December's computation serves every month, less those not yet in service
    // (the demo's policy has no performance pool, whose split would depend on the month's members).
    let mut counties: Vec<String> = communities.iter().map(|c| c.county.clone()).collect();
    counties.dedup();
    let total = counties.len() as u64;
    txn.commit().await?;
    // One transaction for all of it: one commit writes each page once (a commit per county wrote
    // the payslips' worker index out again ninety times).
    let (drops, builds) = super::indexes::deferred(db, &["payslips"]).await?;
    let mut loader = crate::bulk::Loader::begin(db).await?;
    loader.run(drops.into_iter()).await?;
    for (i, county) in counties.iter().enumerate() {
        let (december, _) =
            crate::payroll::compute_month(crate::scan::Source::db(db), county, ymd(last, 12, 1), None).await?;
        let at = Utc::now();
        let in_service = |month: chrono::NaiveDate| {
            let month_end =
                month.checked_add_months(chrono::Months::new(1)).expect("valid") - chrono::Duration::days(1);
            december.iter().filter(move |c| c.service_start <= month_end)
        };
        let runs: Vec<payroll_run::Model> = (1..=12)
            .map(|m| {
                let month = ymd(last, m, 1);
                payroll_run::Model {
                    province_code: province.clone(),
                    id: v7(rng, month),
                    region_code: county.clone(),
                    month: month.format("%Y-%m").to_string(),
                    status: "locked".into(),
                    policy_name: policy_name.into(),
                    policy_version: 1,
                    workers: in_service(month).count() as i32,
                    total_fen: in_service(month).map(|c| c.slip.total).sum(),
                    skipped: 0,
                    // Made by two people, as the policy's separate duties ask (制表 and 审核).
                    created_by: "演示：制表人".into(),
                    created_at: at,
                    reviewed_by: Some("演示：审核人".into()),
                    reviewed_at: Some(at),
                    locked_by: Some("演示：制表人".into()),
                    locked_at: Some(at),
                }
            })
            .collect();
        // The twelve runs, then their payslips, each statement made while the one before is written.
        let backend = db.backend();
        let cols = crate::payroll::slip_columns();
        let run_rows = runs.iter().cloned().map(sea_orm::IntoActiveModel::into_active_model).collect();
        let slips = runs.iter().zip(1..=12).flat_map(|(run, m)| {
            let rows = crate::payroll::slip_rows(run, in_service(ymd(last, m, 1)));
            crate::bulk::statements(backend, "payslips", &cols, rows)
        });
        loader.run(crate::bulk::model_statements(backend, run_rows, 12).chain(slips)).await?;
        progress(i as u64 + 1, total, "薪酬");
    }
    loader.run(builds.into_iter()).await?;
    loader.commit().await?;
    Ok(())
}
