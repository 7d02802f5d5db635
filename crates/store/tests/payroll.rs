//! Property: a locked payroll month never changes, whatever happens after the lock (recomputing,
//! reviewing or locking again, new grades, archive edits, a new policy); only adjustment lines are
//! added. Runs on SQLite, and on PostgreSQL when `SHEGONG_TEST_PG_URL` is set.

use proptest::prelude::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shegong_domain::RegionCode;
use shegong_domain::career::Grade;
use shegong_store::demo::{self, DemoOptions};
use shegong_store::entity::{payslip, worker};
use shegong_store::{Db, payroll, policies, rounds};

#[derive(Debug, Clone)]
enum Op {
    Recompute,
    Review,
    Lock,
    Adjust(i64),
    GradeWorker(usize, usize),
    NewPolicy(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Recompute),
        Just(Op::Review),
        Just(Op::Lock),
        (-50_000i64..50_000).prop_filter("non-zero", |a| *a != 0).prop_map(Op::Adjust),
        (0usize..50, 0usize..4).prop_map(|(w, g)| Op::GradeWorker(w, g)),
        (0usize..2).prop_map(Op::NewPolicy),
    ]
}

async fn slips(db: &Db, run: uuid::Uuid) -> Vec<payslip::Model> {
    payslip::Entity::find()
        .filter(payslip::Column::RunId.eq(run))
        .order_by_asc(payslip::Column::WorkerId)
        .all(&db.conn)
        .await
        .unwrap()
}

async fn scenario(db: &Db, street: &str, month_index: u32, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let access = shegong_store::Access::system(RegionCode::parse("33").unwrap());
    // A fresh month for every case (shrinking included), counting back from 2024-12: months that
    // have begun (a run for a month to come is refused), before the demo's locked year.
    let m = 2024 * 12 + 11 - month_index;
    let month = format!("{}-{:02}", m / 12, m % 12 + 1);
    let summary = payroll::run(db, &access, street, &month).await.unwrap();
    prop_assert!(summary.run.workers > 0, "{:?}", summary.problems.first());
    let run = summary.run;
    // Computed by one, reviewed by another (the policy separates the duties), locked by the first.
    let reviewer = shegong_store::Access::admin("33", "reviewer");
    payroll::review(db, &reviewer, run.id).await.unwrap();
    payroll::lock(db, &access, run.id).await.unwrap();
    let locked = slips(db, run.id).await;
    prop_assert!(!locked.is_empty());
    let workers: Vec<worker::Model> = worker::Entity::find()
        .filter(worker::Column::RegionCode.starts_with(street))
        .filter(worker::Column::Status.eq("active"))
        .order_by_asc(worker::Column::Id)
        .all(&db.conn)
        .await
        .unwrap();
    let mut adjusted = 0;
    for (i, o) in ops.into_iter().enumerate() {
        match o {
            Op::Recompute => prop_assert!(payroll::run(db, &access, street, &month).await.is_err()),
            Op::Review => prop_assert!(payroll::review(db, &access, run.id).await.is_err()),
            Op::Lock => prop_assert!(payroll::lock(db, &access, run.id).await.is_err()),
            Op::Adjust(fen) => {
                payroll::adjust(db, &access, run.id, locked[0].worker_id, fen, "补发或扣回").await.unwrap();
                adjusted += 1;
            }
            Op::GradeWorker(w, g) => {
                let w = &workers[w % workers.len()];
                // An amendment or a new grade of any year; refusals are fine too.
                let _ = rounds::amend(db, &access, w.id, 2024, Grade::ALL[g], "复核更正").await;
            }
            Op::NewPolicy(p) => {
                // Policies whose wages the demo has (a table, or the average wage).
                let name = ["xiamen-xiangan-2013", "haining-2020"][p];
                let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(i as i64 + 1);
                let _ = policies::apply(db, &access, street, name, from).await;
            }
        }
        prop_assert_eq!(&slips(db, run.id).await, &locked, "a locked month changed after {:?}", i);
    }
    let (r, totals) = payroll::get(db, &access.scope, run.id).await.unwrap();
    prop_assert_eq!(r.status, "locked");
    prop_assert_eq!(r.total_fen, locked.iter().map(|s| s.total_fen).sum::<i64>());
    let view = payroll::payslips(db, &access.scope, locked[0].worker_id, Some(&month)).await.unwrap();
    prop_assert_eq!(view[0].adjustments.len(), adjusted);
    prop_assert_eq!(view[0].paid, view[0].total + totals.adjustments);
    Ok(())
}

use shegong_store::testing::engines;

#[test]
fn a_locked_run_never_changes() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for postgres in engines() {
        let dir = tempfile::tempdir().unwrap();
        let db = rt.block_on(async {
            let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
            let opts = DemoOptions::counties(3, &["330481"], chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
            demo::load(&db, &opts, &|_, _, _| {}).await.unwrap();
            db
        });
        // Each case takes its own month of one street.
        let street = "330481001";
        let month = std::cell::Cell::new(0u32);
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 11,
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        runner
            .run(&proptest::collection::vec(op(), 1..8), |ops| {
                month.set(month.get() + 1);
                rt.block_on(scenario(&db, street, month.get(), ops))
            })
            .unwrap();
    }
}
