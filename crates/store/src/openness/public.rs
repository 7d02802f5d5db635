//! What the public page of a community shows, no login: its published items by year (a corrected
//! item marked, citing its correction), the questions it has answered and reviewed, and the result of
//! every spot check of it. And a resident's question, kept unseen until answered and reviewed.

use super::disclosure::{DisclosureRow, corrections, to_row};
use crate::Db;
use crate::entity::{disclosure, disclosure_question, inspection_finding, inspection_target, region};
use crate::error::Result;
use crate::work_items::text;
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use shegong_domain::FieldError;
use uuid::Uuid;

/// A question and its answer, as the public page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct PublicQuestion {
    pub about: Option<String>,
    pub question: String,
    pub asked_on: NaiveDate,
    pub answer: String,
    pub answered_on: Option<NaiveDate>,
}

/// A spot check of the community, as published.
#[derive(Debug, Clone, Serialize)]
pub struct PublicInspection {
    pub inspected_on: NaiveDate,
    /// (检查项, 问题, 整改期限, 整改完成日期)
    pub findings: Vec<(String, String, NaiveDate, Option<NaiveDate>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicDisclosure {
    pub year: i32,
    /// Years with items, newest first (the current one always).
    pub years: Vec<i32>,
    pub items: Vec<DisclosureRow>,
    pub questions: Vec<PublicQuestion>,
    pub inspections: Vec<PublicInspection>,
}

fn shanghai_day(t: chrono::DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// The public page's content for a community and a year.
pub async fn public_page(db: &Db, c: &region::Model, year: Option<i32>, today: NaiveDate) -> Result<PublicDisclosure> {
    let province = &c.code[..2];
    let first: Option<NaiveDate> = disclosure::Entity::find()
        .select_only()
        .column_as(disclosure::Column::PublishedOn.min(), "first")
        .filter(disclosure::Column::ProvinceCode.eq(province))
        .filter(disclosure::Column::CommunityCode.eq(&c.code))
        .into_tuple::<Option<NaiveDate>>()
        .one(&db.conn)
        .await?
        .flatten();
    let first_year = first.map_or(today.year(), |d| d.year()).min(today.year());
    let years: Vec<i32> = (first_year..=today.year()).rev().collect();
    let year = year.filter(|y| years.contains(y)).unwrap_or(today.year());
    let (from, to) =
        (NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today), NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
    let items = disclosure::Entity::find()
        .filter(disclosure::Column::ProvinceCode.eq(province))
        .filter(disclosure::Column::CommunityCode.eq(&c.code))
        .filter(disclosure::Column::PublishedOn.between(from, to))
        .order_by_desc(disclosure::Column::PublishedOn)
        .order_by_desc(disclosure::Column::CreatedAt)
        .limit(1000)
        .all(&db.conn)
        .await?;
    // A correction published the next year still marks the item it corrects.
    let mut corrected = corrections(&items);
    let ids: Vec<Uuid> = items.iter().map(|m| m.id).collect();
    let later: Vec<(Uuid, Option<Uuid>)> = disclosure::Entity::find()
        .select_only()
        .column(disclosure::Column::Id)
        .column(disclosure::Column::CorrectsId)
        .filter(disclosure::Column::ProvinceCode.eq(province))
        .filter(disclosure::Column::CommunityCode.eq(&c.code))
        .filter(disclosure::Column::PublishedOn.gt(to))
        .filter(disclosure::Column::CorrectsId.is_in(ids))
        .into_tuple()
        .all(&db.conn)
        .await?;
    corrected.extend(later.into_iter().filter_map(|(id, old)| old.map(|o| (o, id))));
    let names = std::collections::HashMap::from([(c.code.clone(), c.name.clone())]);
    let items: Vec<DisclosureRow> = items.into_iter().map(|m| to_row(m, &names, &corrected)).collect();
    let qs = disclosure_question::Entity::find()
        .filter(disclosure_question::Column::ProvinceCode.eq(province))
        .filter(disclosure_question::Column::CommunityCode.eq(&c.code))
        .filter(disclosure_question::Column::Shown.eq(true))
        .order_by_desc(disclosure_question::Column::AskedAt)
        .limit(50)
        .all(&db.conn)
        .await?;
    let questions = qs
        .into_iter()
        .map(|q| PublicQuestion {
            about: q.disclosure_id.and_then(|d| items.iter().find(|i| i.id == d).map(|i| i.title.clone())),
            question: q.question,
            asked_on: shanghai_day(q.asked_at),
            answer: q.answer.unwrap_or_default(),
            answered_on: q.answered_at.map(shanghai_day),
        })
        .collect();
    let targets = inspection_target::Entity::find()
        .filter(inspection_target::Column::ProvinceCode.eq(province))
        .filter(inspection_target::Column::CommunityCode.eq(&c.code))
        .filter(inspection_target::Column::InspectedOn.is_not_null())
        .all(&db.conn)
        .await?;
    let findings = inspection_finding::Entity::find()
        .filter(inspection_finding::Column::ProvinceCode.eq(province))
        .filter(inspection_finding::Column::CommunityCode.eq(&c.code))
        .order_by_asc(inspection_finding::Column::DueOn)
        .all(&db.conn)
        .await?;
    let mut inspections: Vec<PublicInspection> = targets
        .iter()
        .filter_map(|t| {
            Some(PublicInspection {
                inspected_on: t.inspected_on?,
                findings: findings
                    .iter()
                    .filter(|f| f.target_id == t.id)
                    .map(|f| (f.item.clone(), f.finding.clone(), f.due_on, f.closed_on))
                    .collect(),
            })
        })
        .collect();
    inspections.sort_by_key(|i| std::cmp::Reverse(i.inspected_on));
    Ok(PublicDisclosure { year, years, items, questions, inspections })
}

/// A resident's question about the community's disclosure (or one item of it), kept until the
/// community answers and reviews it.
pub async fn ask(
    db: &Db,
    c: &region::Model,
    about: Option<Uuid>,
    question: &str,
) -> Result<disclosure_question::Model> {
    let province = c.code[..2].to_string();
    let mut errors = Vec::new();
    let q = text(Some(question), "question", "问题", 300, &mut errors);
    if q.is_none() && errors.is_empty() {
        errors.push(FieldError::new("disclosure_required", "question", "请填写您的问题"));
    }
    let Some(q) = q else { return Err(crate::error::StoreError::Invalid(errors)) };
    // An item of this community, or none.
    let about = match about {
        None => None,
        Some(id) => {
            disclosure::Entity::find()
                .select_only()
                .column(disclosure::Column::Id)
                .filter(disclosure::Column::ProvinceCode.eq(&province))
                .filter(disclosure::Column::Id.eq(id))
                .filter(disclosure::Column::CommunityCode.eq(&c.code))
                .into_tuple::<Uuid>()
                .one(&db.conn)
                .await?
        }
    };
    let txn = db.begin_write().await?;
    crate::Db::lock_province(&txn, &province).await?;
    let m = disclosure_question::ActiveModel {
        province_code: Set(province),
        id: Set(Uuid::now_v7()),
        community_code: Set(c.code.clone()),
        disclosure_id: Set(about),
        question: Set(q),
        asked_at: Set(Utc::now()),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        shown: Set(false),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(m)
}
