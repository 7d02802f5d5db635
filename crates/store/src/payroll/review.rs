//! Runs as they are reviewed and locked: listing, the sheet, the slips, adjustments after locking.

use super::bad;
use super::run::Totals;
use shegong_domain::pay::Component;
use shegong_domain::status::{RunStatus, Status};

use crate::Db;
use crate::access::Access;
use crate::entity::{audit, payroll_run, payslip, payslip_adjustment};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::editable;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use shegong_domain::Permission;
use shegong_domain::pay;
use shegong_domain::policy::Fen;
use shegong_domain::{FieldError, Scope};
use uuid::Uuid;

pub(super) async fn find(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<payroll_run::Model> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    payroll_run::Entity::find()
        .filter(payroll_run::Column::ProvinceCode.eq(scope.region().province()))
        .filter(payroll_run::Column::Id.eq(id))
        .filter(in_subtree(payroll_run::Column::RegionCode, scope.region().as_str()))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Runs in scope, newest month first.
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<payroll_run::Model>> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    Ok(payroll_run::Entity::find()
        .filter(payroll_run::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(payroll_run::Column::RegionCode, scope.region().as_str()))
        .order_by_desc(payroll_run::Column::Month)
        .order_by_asc(payroll_run::Column::RegionCode)
        .all(&db.conn)
        .await?)
}

/// A run with its component totals (from the stored payslips) and adjustments.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<(payroll_run::Model, Totals)> {
    let run = find(&db.conn, scope, id).await?;
    // The sums in one query: a column per component, named by the component list.
    let mut sql = crate::bulk::Sql::new(db.conn.get_database_backend());
    sql.push("SELECT ");
    for c in Component::ALL {
        sql.push(&format!("CAST(COALESCE(SUM({}), 0) AS BIGINT), ", c.column()));
    }
    sql.push(
        "CAST(COALESCE(SUM(total_fen), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN floor_shortfall_fen > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM payslips WHERE province_code = ",
    );
    sql.bind(run.province_code.clone());
    sql.push(" AND run_id = ");
    sql.bind(run.id);
    let row =
        db.conn.query_one_raw(sql.statement()).await?.ok_or_else(|| StoreError::Other(anyhow::anyhow!("no sums")))?;
    let mut t = Totals::default();
    for (i, sum) in t.components.iter_mut().enumerate() {
        *sum = row.try_get_by_index(i)?;
    }
    t.total = row.try_get_by_index(Component::ALL.len())?;
    t.floor_shortfall_workers = row.try_get_by_index(Component::ALL.len() + 1)?;
    t.adjustments = adjustments_of_run(db, &run).await?.iter().map(|a| a.amount_fen).sum();
    Ok((run, t))
}

pub(super) async fn adjustments_of_run(db: &Db, run: &payroll_run::Model) -> Result<Vec<payslip_adjustment::Model>> {
    Ok(payslip_adjustment::Entity::find()
        .filter(payslip_adjustment::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip_adjustment::Column::RunId.eq(run.id))
        .order_by_asc(payslip_adjustment::Column::CreatedAt)
        .all(&db.conn)
        .await?)
}

/// A run's payslips with worker names, by community and name; one page at a time.
pub async fn slips(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Vec<(payslip::Model, String)>, u64)> {
    let run = find(&db.conn, scope, id).await?;
    let q = payslip::Entity::find()
        .filter(payslip::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip::Column::RunId.eq(run.id))
        .filter(in_subtree(payslip::Column::RegionCode, scope.region().as_str()));
    let total = sea_orm::PaginatorTrait::count(q.clone(), &db.conn).await?;
    let rows = q
        .order_by_asc(payslip::Column::RegionCode)
        .order_by_asc(payslip::Column::WorkerId)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(&db.conn)
        .await?;
    let names =
        crate::workers::names_in_province(db, &run.province_code, rows.iter().map(|r| r.worker_id).collect()).await?;
    Ok((
        rows.into_iter()
            .map(|r| {
                let n = names.get(&r.worker_id).cloned().unwrap_or_default();
                (r, n)
            })
            .collect(),
        total,
    ))
}

/// Every payslip of a run in scope, streamed to `f` in pages (for exports).
pub async fn for_each_slip(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    mut f: impl FnMut(&payslip::Model, &str) -> anyhow::Result<()>,
) -> Result<payroll_run::Model> {
    let run = find(&db.conn, scope, id).await?;
    let mut page = 1;
    loop {
        let (rows, _) = slips(db, scope, id, page, 5000).await?;
        if rows.is_empty() {
            break;
        }
        for (s, n) in &rows {
            f(s, n)?;
        }
        page += 1;
    }
    Ok(run)
}

pub(super) async fn transition(db: &Db, access: &Access, id: Uuid, to: RunStatus) -> Result<payroll_run::Model> {
    access.require(Permission::RunPayroll)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    // Review, lock and 退回 of one month at once: each reads the status the one before it left.
    Db::lock_province(&txn, scope.region().province()).await?;
    let run = find(&txn, scope, id).await?;
    RunStatus::step(&run.status, to).map_err(StoreError::Conflict)?;
    // A month with people left out would lock them out of it for good: it is completed first.
    if run.skipped > 0 {
        return Err(StoreError::Conflict(FieldError::new(
            "payroll_incomplete",
            "status",
            format!("本月有{}人未能计算薪酬（如缺少参照工资），补齐后重新计算，才能审核和锁定", run.skipped),
        )));
    }
    // Who computed may not review, and who reviewed may not lock, when the policy separates duties.
    let (_, policy) = crate::policies::get(&txn, &run.policy_name, Some(run.policy_version)).await?;
    if policy.pay.separate_duties {
        let (earlier, step, did) = if to == RunStatus::Reviewed {
            (Some(&run.created_by), "审核", "计算")
        } else {
            (run.reviewed_by.as_ref(), "锁定", "审核")
        };
        if earlier == Some(&actor.username) {
            return Err(StoreError::Conflict(FieldError::new(
                "payroll_same_person",
                "status",
                format!("本月薪酬由您{did}，按政策须由另一人{step}（制表与审核分开）"),
            )));
        }
    }
    let region = run.region_code.clone();
    let mut am = run.into_active_model();
    am.status = Set(to.as_str().into());
    if to == RunStatus::Reviewed {
        am.reviewed_by = Set(Some(actor.username.clone()));
        am.reviewed_at = Set(Some(Utc::now()));
    } else {
        am.locked_by = Set(Some(actor.username.clone()));
        am.locked_at = Set(Some(Utc::now()));
    }
    let run = am.update(&txn).await?;
    crate::audit::entry(actor, &format!("payroll.{}", to.as_str()), &region).target(id).save(&txn).await?;
    txn.commit().await?;
    Ok(run)
}

/// Sends a month back to be recomputed, with the reason: a reviewed month loses its review; a
/// computed one is refused at review (by someone other than who computed it, when the policy
/// separates duties). Recorded; the reason shows on the month until it is recomputed.
pub async fn send_back(db: &Db, access: &Access, id: Uuid, reason: &str) -> Result<payroll_run::Model> {
    access.require(Permission::RunPayroll)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let Some(reason) = shegong_domain::text::lines("reason", "退回原因", reason, 200).map_err(StoreError::invalid)?
    else {
        return Err(bad("reason_required", "reason", "请填写退回原因"));
    };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, scope.region().province()).await?;
    let run = find(&txn, scope, id).await?;
    let reviewed = run.status == RunStatus::Reviewed.as_str();
    if !reviewed && run.status != RunStatus::Computed.as_str() {
        return Err(StoreError::Conflict(FieldError::new(
            "payroll_locked",
            "status",
            "已锁定的月份不能退回，只能添加调整项",
        )));
    }
    if !reviewed {
        let (_, policy) = crate::policies::get(&txn, &run.policy_name, Some(run.policy_version)).await?;
        if policy.pay.separate_duties && run.created_by == actor.username {
            return Err(StoreError::Conflict(FieldError::new(
                "payroll_same_person",
                "status",
                "本月薪酬由您计算，可直接重新计算；退回由审核人提出",
            )));
        }
    }
    let region = run.region_code.clone();
    let run = if reviewed {
        let mut am = run.into_active_model();
        am.status = Set(RunStatus::Computed.as_str().into());
        am.reviewed_by = Set(None);
        am.reviewed_at = Set(None);
        am.update(&txn).await?
    } else {
        run
    };
    crate::audit::entry(actor, RETURNED, &region).target(id).detail(reason).save(&txn).await?;
    txn.commit().await?;
    Ok(run)
}

/// The audit action of a month sent back.
const RETURNED: &str = "payroll.returned";

/// The last time month `run` was sent back: who, when, and why.
pub async fn last_return(db: &Db, run: &payroll_run::Model) -> Result<Option<(String, DateTime<Utc>, String)>> {
    Ok(audit::Entity::find()
        .filter(audit::Column::ProvinceCode.eq(&run.province_code))
        .filter(audit::Column::Target.eq(run.id.to_string()))
        .filter(audit::Column::Action.eq(RETURNED))
        .order_by_desc(audit::Column::At)
        .one(&db.conn)
        .await?
        .map(|a| (a.username, a.at, a.detail.unwrap_or_default())))
}

pub async fn review(db: &Db, access: &Access, id: Uuid) -> Result<payroll_run::Model> {
    transition(db, access, id, RunStatus::Reviewed).await
}

pub async fn lock(db: &Db, access: &Access, id: Uuid) -> Result<payroll_run::Model> {
    transition(db, access, id, RunStatus::Locked).await
}

/// Adds an adjustment line to a locked month (the only change a locked month takes).
pub async fn adjust(
    db: &Db,
    access: &Access,
    id: Uuid,
    worker_id: Uuid,
    amount_fen: Fen,
    reason: &str,
) -> Result<payslip_adjustment::Model> {
    access.require(Permission::RunPayroll)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let reason = reason.trim();
    let mut errors = Vec::new();
    if amount_fen == 0 || amount_fen.abs() > 10_000_000 {
        errors.push(FieldError::new("adjust_amount", "amount_yuan", "调整金额应不为0且绝对值不超过10万元"));
    }
    if let Err(e) = shegong_domain::text::lines("reason", "调整原因", reason, 200) {
        errors.push(e);
    }
    if reason.chars().count() < 2 || reason.chars().count() > 200 {
        errors.push(FieldError::new("adjust_reason", "reason", "请填写调整原因（2至200字）"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = db.begin_write().await?;
    let run = find(&txn, scope, id).await?;
    if !RunStatus::parse(&run.status).is_some_and(RunStatus::may_adjust) {
        return Err(StoreError::Conflict(FieldError::new(
            "payroll_not_locked",
            "status",
            "未锁定的月份请直接重算，调整项只用于已锁定的月份",
        )));
    }
    let slip = payslip::Entity::find()
        .filter(payslip::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip::Column::RunId.eq(run.id))
        .filter(payslip::Column::WorkerId.eq(worker_id))
        .filter(in_subtree(payslip::Column::RegionCode, scope.region().as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| bad("adjust_worker", "worker_id", "该人员不在本月薪酬名单中"))?;
    let m = payslip_adjustment::ActiveModel {
        province_code: Set(run.province_code.clone()),
        id: Set(Uuid::now_v7()),
        run_id: Set(run.id),
        worker_id: Set(worker_id),
        region_code: Set(slip.region_code.clone()),
        month: Set(run.month.clone()),
        amount_fen: Set(amount_fen),
        reason: Set(reason.into()),
        created_by: Set(actor.username.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::entry(actor, "payroll.adjust", &slip.region_code)
        .target(worker_id)
        .detail(format!("{} {} 元：{reason}", run.month, pay::yuan(amount_fen)))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The people of run `id` named by `who`: the exact name, the whole ID number, or a person picker's
/// `姓名（尾号1234）` (for picking the person of an adjustment). Several when a name is shared.
pub async fn people_in_run(db: &Db, scope: &Scope, id: Uuid, who: &str) -> Result<Vec<(Uuid, String)>> {
    use crate::entity::worker;
    let run = find(&db.conn, scope, id).await?;
    let (name, _) = shegong_domain::search::picked_person(who);
    if name.is_empty() {
        return Ok(vec![]);
    }
    let named: Vec<(Uuid, String, String)> = worker::Entity::find()
        .select_only()
        .columns([worker::Column::Id, worker::Column::Name, worker::Column::IdNumber])
        .filter(worker::Column::ProvinceCode.eq(&run.province_code))
        .filter(in_subtree(worker::Column::RegionCode, scope.region().as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(worker::Column::Name.eq(name))
                .add(worker::Column::IdNumber.eq(name.to_uppercase())),
        )
        .into_tuple()
        .all(&db.conn)
        .await?;
    let named: Vec<(Uuid, String)> = named
        .into_iter()
        .filter(|(_, n, number)| crate::workers::pick::is_picked(who, n, number))
        .map(|(id, n, _)| (id, n))
        .collect();
    if named.is_empty() {
        return Ok(vec![]);
    }
    let paid: Vec<Uuid> = payslip::Entity::find()
        .select_only()
        .column(payslip::Column::WorkerId)
        .filter(payslip::Column::ProvinceCode.eq(&run.province_code))
        .filter(payslip::Column::RunId.eq(run.id))
        .filter(payslip::Column::WorkerId.is_in(named.iter().map(|(w, _)| *w)))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(named.into_iter().filter(|(w, _)| paid.contains(w)).collect())
}
