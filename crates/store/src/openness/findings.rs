//! A drawn community's inspection recorded (once) with its findings against the round's checklist,
//! each with a deadline to put it right (the policy's days by default); a finding closed (once).

use super::inspections::{CloseInput, RecordInput, lines};
use super::{day, policy_for};
use crate::Db;
use crate::access::Access;
use crate::entity::{inspection_finding, inspection_round, inspection_target};
use crate::error::{Result, StoreError};
use crate::work_items::{display_name, text};
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set};
use shegong_domain::{FieldError, Permission};
use uuid::Uuid;

/// Only the region that organised the round (or one above it) records its inspections and closes
/// their findings: a street reads a county's round of its communities but does not act in it.
fn organiser(access: &Access, round: &inspection_round::Model) -> Result<()> {
    if access.scope.allows_region(&round.region_code) {
        Ok(())
    } else {
        Err(StoreError::Forbidden("抽查结果由组织抽查的单位登记和销号"))
    }
}

/// Records the inspection of one drawn community and what it found (once).
pub async fn record_inspection(
    db: &Db,
    access: &Access,
    target_id: Uuid,
    i: &RecordInput,
    today: NaiveDate,
) -> Result<inspection_target::Model> {
    access.require(Permission::Inspect)?;
    let province = access.scope.region().province().to_string();
    let find = || {
        inspection_target::Entity::find()
            .filter(inspection_target::Column::ProvinceCode.eq(province.clone()))
            .filter(inspection_target::Column::Id.eq(target_id))
    };
    let t = find()
        .one(&db.conn)
        .await?
        .filter(|t| access.scope.allows_region(&t.community_code))
        .ok_or(StoreError::NotFound)?;
    let round = inspection_round::Entity::find()
        .filter(inspection_round::Column::ProvinceCode.eq(&province))
        .filter(inspection_round::Column::Id.eq(t.round_id))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    organiser(access, &round)?;
    let checklist = lines(&round.checklist);
    let policy = policy_for(db, &t.community_code, today).await?;
    let mut errors = Vec::new();
    let on = day(i.date.as_deref(), "date", "检查日期", today).map_err(|e| errors.push(e)).ok();
    if let Some(d) = on
        && (d > today || d < round.drawn_on)
    {
        errors.push(FieldError::new("inspection_date", "date", format!("检查日期应在{}至今天之间", round.drawn_on)));
    }
    let note = text(i.note.as_deref(), "note", "检查情况", 1000, &mut errors);
    if i.findings.len() > 50 {
        errors.push(FieldError::new("inspection_findings", "findings", "一次最多登记50个问题"));
    }
    let mut found = Vec::new();
    for f in i.findings.iter().take(50) {
        if f.item.trim().is_empty() {
            errors.push(FieldError::new("inspection_item", "item", "请为每个问题选择检查项"));
            continue;
        }
        if !checklist.iter().any(|c| c == f.item.trim()) {
            errors.push(FieldError::new(
                "inspection_item",
                "item",
                format!("检查项“{}”不在本次检查清单内（{}）", f.item.trim(), checklist.join("、")),
            ));
            continue;
        }
        let what = text(Some(&f.finding), "finding", "问题", 300, &mut errors);
        let Some(on) = on else { continue };
        let due = day(f.due.as_deref(), "due", "整改期限", on + chrono::Duration::days(policy.rectify_days.into()))
            .map_err(|e| errors.push(e))
            .ok();
        match (what, due) {
            (Some(w), Some(d)) if d >= on && d <= on + chrono::Duration::days(366) => {
                found.push((f.item.trim().to_string(), w, d))
            }
            (None, _) if !errors.iter().any(|e| e.field == "finding") => {
                errors.push(FieldError::new("inspection_finding", "finding", "请写明发现的问题"))
            }
            (_, Some(_)) => errors.push(FieldError::new("inspection_due", "due", "整改期限应在检查日起一年内")),
            _ => {}
        }
    }
    let (Some(on), true) = (on, errors.is_empty()) else { return Err(StoreError::Invalid(errors)) };
    let by = display_name(db, access).await?;
    let txn = db.begin_write().await?;
    crate::Db::lock_province(&txn, &province).await?;
    let t = find().one(&*txn).await?.ok_or(StoreError::NotFound)?;
    if t.inspected_on.is_some() {
        return Err(StoreError::Conflict(FieldError::new("inspection_recorded", "date", "该社区的检查结果已经登记")));
    }
    let code = t.community_code.clone();
    let mut am = t.into_active_model();
    am.inspected_on = Set(Some(on));
    am.note = Set(note);
    am.recorded_by = Set(Some(by.clone()));
    let t = am.update(&*txn).await?;
    let rows: Vec<inspection_finding::ActiveModel> = found
        .into_iter()
        .map(|(item, finding, due)| inspection_finding::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(Uuid::now_v7()),
            round_id: Set(t.round_id),
            target_id: Set(t.id),
            community_code: Set(code.clone()),
            item: Set(item),
            finding: Set(finding),
            due_on: Set(due),
            closed_on: Set(None),
            closing: Set(None),
            recorded_by: Set(by.clone()),
            closed_by: Set(None),
        })
        .collect();
    let n = rows.len();
    if !rows.is_empty() {
        inspection_finding::Entity::insert_many(rows).exec_without_returning(&*txn).await?;
    }
    crate::audit::entry(&access.actor, "inspection.record", &code)
        .target(t.id)
        .detail(format!("发现问题{n}个"))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(t)
}

/// Closes a finding once it has been put right (once).
pub async fn close_finding(
    db: &Db,
    access: &Access,
    id: Uuid,
    i: &CloseInput,
    today: NaiveDate,
) -> Result<inspection_finding::Model> {
    access.require(Permission::Inspect)?;
    let province = access.scope.region().province().to_string();
    let mut errors = Vec::new();
    let on = day(i.date.as_deref(), "date", "整改完成日期", today).map_err(|e| errors.push(e)).ok();
    let closing = text(Some(&i.closing), "closing", "整改情况", 300, &mut errors);
    if closing.is_none() && !errors.iter().any(|e| e.field == "closing") {
        errors.push(FieldError::new("inspection_closing", "closing", "请写明整改情况"));
    }
    if on.is_some_and(|d| d > today) {
        errors.push(FieldError::new("inspection_date", "date", "整改完成日期不能晚于今天"));
    }
    let (Some(on), Some(closing), true) = (on, closing, errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let by = display_name(db, access).await?;
    let txn = db.begin_write().await?;
    crate::Db::lock_province(&txn, &province).await?;
    let f = inspection_finding::Entity::find()
        .filter(inspection_finding::Column::ProvinceCode.eq(&province))
        .filter(inspection_finding::Column::Id.eq(id))
        .one(&*txn)
        .await?
        .filter(|f| access.scope.allows_region(&f.community_code))
        .ok_or(StoreError::NotFound)?;
    let round = inspection_round::Entity::find()
        .filter(inspection_round::Column::ProvinceCode.eq(&province))
        .filter(inspection_round::Column::Id.eq(f.round_id))
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    organiser(access, &round)?;
    if f.closed_on.is_some() {
        return Err(StoreError::Conflict(FieldError::new("finding_closed", "closing", "该问题已经整改销号")));
    }
    let inspected: Option<NaiveDate> = inspection_target::Entity::find()
        .select_only()
        .column(inspection_target::Column::InspectedOn)
        .filter(inspection_target::Column::ProvinceCode.eq(&province))
        .filter(inspection_target::Column::Id.eq(f.target_id))
        .into_tuple::<Option<NaiveDate>>()
        .one(&*txn)
        .await?
        .flatten();
    if let Some(d) = inspected.filter(|d| on < *d) {
        return Err(StoreError::invalid(FieldError::new(
            "inspection_date",
            "date",
            format!("整改完成日期应在检查日期（{d}）至今天之间"),
        )));
    }
    let code = f.community_code.clone();
    let mut am = f.into_active_model();
    am.closed_on = Set(Some(on));
    am.closing = Set(Some(closing));
    am.closed_by = Set(Some(by));
    let m = am.update(&*txn).await?;
    crate::audit::entry(&access.actor, "inspection.close", &code).target(m.id).save(&*txn).await?;
    txn.commit().await?;
    Ok(m)
}
