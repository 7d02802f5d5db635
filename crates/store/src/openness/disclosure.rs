//! 居务公开: a community publishes items under 党务、居务、财务 for a period (a month or a quarter, as
//! the policy says for the heading) or for an event. Nothing published changes: a correction is a new
//! item citing the one it corrects. Residents' questions (left on the public page) are answered by the
//! community and shown once it has reviewed them. A street sees, per community and heading, the
//! periods published on time, late or not at all.

use super::{policy_for, region_in};
use crate::Db;
use crate::access::Access;
use crate::entity::{disclosure, disclosure_question};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::work_items::{community, display_name, text};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::openness::{Category, Period, Timeliness, periods_since};
use shegong_domain::{FieldError, Permission, RegionCode};
use std::collections::HashMap;
use uuid::Uuid;

/// What "per event" items carry as their period.
pub const EVENT: &str = "event";

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DisclosureInput {
    /// 社区代码（社区的人员省略）
    pub community: Option<String>,
    /// party | affairs | finance（党务、居务、财务）
    pub category: String,
    /// 公开期：月 2026-11、季度 2026-Q4（按政策规定的周期），或 event（随时公开的事项）
    pub period: String,
    /// 标题（最多100字）
    pub title: String,
    /// 内容（最多5000字）
    pub body: String,
    /// 更正的是哪一条（已公开的内容不能修改，更正另发一条并注明）
    pub corrects: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DisclosureRow {
    pub id: Uuid,
    pub community_code: String,
    pub community_name: String,
    pub category: Category,
    pub period: String,
    /// 2026年11月 / 2026年第四季度 / 随时公开
    pub period_label: String,
    pub title: String,
    pub body: String,
    pub corrects: Option<Uuid>,
    /// The item that corrects this one, if any.
    pub corrected_by: Option<Uuid>,
    pub published_on: NaiveDate,
    pub published_by: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = DisclosureQuestionRow)]
pub struct QuestionRow {
    pub id: Uuid,
    pub community_code: String,
    pub community_name: String,
    /// The item asked about: its title.
    pub about: Option<String>,
    pub question: String,
    pub asked_at: chrono::DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<chrono::DateTime<Utc>>,
    pub shown: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = DisclosureAnswerInput)]
#[serde(default)]
pub struct AnswerInput {
    /// 答复（最多1000字）
    pub answer: String,
    /// 是否在公开页显示（审核后显示）
    pub show: bool,
}

pub(crate) fn period_label(period: &str) -> String {
    Period::parse(period).map_or_else(|| "随时公开".to_string(), Period::label)
}

pub(crate) fn to_row(
    m: disclosure::Model,
    names: &HashMap<String, String>,
    corrected: &HashMap<Uuid, Uuid>,
) -> DisclosureRow {
    DisclosureRow {
        id: m.id,
        community_name: names.get(&m.community_code).cloned().unwrap_or_default(),
        category: Category::parse(&m.category).unwrap_or(Category::Affairs),
        period_label: period_label(&m.period),
        corrected_by: corrected.get(&m.id).copied(),
        community_code: m.community_code,
        period: m.period,
        title: m.title,
        body: m.body,
        corrects: m.corrects_id,
        published_on: m.published_on,
        published_by: m.published_by,
    }
}

/// Which of `items` were corrected, and by which later item.
pub(crate) fn corrections(items: &[disclosure::Model]) -> HashMap<Uuid, Uuid> {
    items.iter().filter_map(|m| m.corrects_id.map(|old| (old, m.id))).collect()
}

/// Publishes an item. It never changes afterwards.
pub async fn publish(db: &Db, access: &Access, i: &DisclosureInput, today: NaiveDate) -> Result<disclosure::Model> {
    access.require(Permission::PublishDisclosure)?;
    let c = community(db, access, i.community.as_deref()).await?;
    let policy = policy_for(db, c.as_str(), today).await?;
    let mut errors = Vec::new();
    let category = Category::parse_field(&i.category).map_err(|e| errors.push(e)).ok();
    let period = i.period.trim();
    if let Some(cat) = category {
        let rule = policy.rule(cat);
        if period != EVENT {
            match (Period::parse(period), rule) {
                (Some(p), Some(r)) if p.cadence == r.cadence => {
                    if p.first_day() > today || p.last_day() < today - chrono::Duration::days(5 * 366) {
                        errors.push(FieldError::new("disclosure_period", "period", "公开期应在五年内且已经开始"));
                    }
                }
                (_, Some(r)) => errors.push(FieldError::new(
                    "disclosure_period",
                    "period",
                    match r.cadence {
                        shegong_domain::openness::Cadence::Monthly => {
                            format!("{}公开按月，公开期应写作 2026-11，或 event（随时公开）", cat.label())
                        }
                        shegong_domain::openness::Cadence::Quarterly => {
                            format!("{}公开按季度，公开期应写作 2026-Q4，或 event（随时公开）", cat.label())
                        }
                    },
                )),
                (_, None) => errors.push(FieldError::new(
                    "disclosure_period",
                    "period",
                    format!("政策未规定{}公开的周期，只能随时公开（event）", cat.label()),
                )),
            }
        }
    }
    let title = text(Some(&i.title), "title", "标题", 100, &mut errors);
    if title.is_none() && !errors.iter().any(|e| e.field == "title") {
        errors.push(FieldError::new("disclosure_required", "title", "请填写标题"));
    }
    let body = text(Some(&i.body), "body", "内容", 5000, &mut errors);
    if body.is_none() && !errors.iter().any(|e| e.field == "body") {
        errors.push(FieldError::new("disclosure_required", "body", "请填写公开内容"));
    }
    let province = c.province().to_string();
    let corrected = |old: Uuid| {
        disclosure::Entity::find()
            .filter(disclosure::Column::ProvinceCode.eq(province.clone()))
            .filter(disclosure::Column::CommunityCode.eq(c.to_string()))
            .filter(disclosure::Column::CorrectsId.eq(old))
    };
    if let Some(old) = i.corrects {
        let found = disclosure::Entity::find()
            .filter(disclosure::Column::ProvinceCode.eq(&province))
            .filter(disclosure::Column::Id.eq(old))
            .filter(disclosure::Column::CommunityCode.eq(c.as_str()))
            .one(&db.conn)
            .await?;
        match found {
            None => {
                errors.push(FieldError::new("disclosure_corrects", "corrects", "要更正的公开事项不存在或不属于本社区"))
            }
            Some(o) if category.is_some_and(|k| k.as_str() != o.category) => {
                errors.push(FieldError::new("disclosure_corrects", "category", "更正应与原公开事项属于同一类别"))
            }
            Some(_) => {}
        }
    }
    let (Some(category), Some(title), Some(body), true) = (category, title, body, errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let by = display_name(db, access).await?;
    let txn = db.begin_write().await?;
    crate::Db::lock_province(&txn, &province).await?;
    // Corrected once: a further correction corrects the correction (checked under the lock).
    if let Some(old) = i.corrects
        && corrected(old).one(&*txn).await?.is_some()
    {
        return Err(StoreError::Conflict(FieldError::new(
            "disclosure_corrected",
            "corrects",
            "该条已被更正；如需再更正，请更正最新的一条",
        )));
    }
    let m = disclosure::ActiveModel {
        province_code: Set(province),
        id: Set(Uuid::now_v7()),
        community_code: Set(c.to_string()),
        category: Set(category.as_str().into()),
        period: Set(period.to_string()),
        title: Set(title),
        body: Set(body),
        corrects_id: Set(i.corrects),
        published_on: Set(today),
        published_by: Set(by),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "disclosure.publish", c.as_str())
        .target(m.id)
        .detail(m.title.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The items a region's communities published between two days, newest first.
pub async fn disclosures(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    from: NaiveDate,
    to: NaiveDate,
    per_page: u64,
) -> Result<Vec<DisclosureRow>> {
    let r = region_in(access, region)?;
    let items = disclosure::Entity::find()
        .filter(disclosure::Column::ProvinceCode.eq(r.province()))
        .filter(in_subtree(disclosure::Column::CommunityCode, r.as_str()))
        .filter(disclosure::Column::PublishedOn.between(from, to))
        .order_by_desc(disclosure::Column::PublishedOn)
        .order_by_desc(disclosure::Column::CreatedAt)
        .limit(per_page.clamp(1, 1000))
        .all(&db.conn)
        .await?;
    let corrected = corrections(&items);
    let names = crate::regions::names(&db.conn, items.iter().map(|m| m.community_code.clone()).collect()).await?;
    Ok(items.into_iter().map(|m| to_row(m, &names, &corrected)).collect())
}

/// Residents' questions in a region, unanswered first, then newest.
pub async fn questions(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    per_page: u64,
) -> Result<Vec<QuestionRow>> {
    let r = region_in(access, region)?;
    let qs = disclosure_question::Entity::find()
        .filter(disclosure_question::Column::ProvinceCode.eq(r.province()))
        .filter(in_subtree(disclosure_question::Column::CommunityCode, r.as_str()))
        .order_by_desc(disclosure_question::Column::AskedAt)
        .limit(per_page.clamp(1, 1000))
        .all(&db.conn)
        .await?;
    let about: Vec<Uuid> = qs.iter().filter_map(|q| q.disclosure_id).collect();
    let titles: HashMap<Uuid, String> = disclosure::Entity::find()
        .select_only()
        .column(disclosure::Column::Id)
        .column(disclosure::Column::Title)
        .filter(disclosure::Column::ProvinceCode.eq(r.province()))
        .filter(disclosure::Column::Id.is_in(about))
        .into_tuple::<(Uuid, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    let names = crate::regions::names(&db.conn, qs.iter().map(|q| q.community_code.clone()).collect()).await?;
    let mut rows: Vec<QuestionRow> = qs
        .into_iter()
        .map(|q| QuestionRow {
            id: q.id,
            community_name: names.get(&q.community_code).cloned().unwrap_or_default(),
            about: q.disclosure_id.and_then(|d| titles.get(&d).cloned()),
            community_code: q.community_code,
            question: q.question,
            asked_at: q.asked_at,
            answer: q.answer,
            answered_by: q.answered_by,
            answered_at: q.answered_at,
            shown: q.shown,
        })
        .collect();
    rows.sort_by_key(|q| q.answer.is_some());
    Ok(rows)
}

/// Answers a resident's question, once, and says whether it is shown on the public page.
pub async fn answer(db: &Db, access: &Access, id: Uuid, i: &AnswerInput) -> Result<disclosure_question::Model> {
    access.require(Permission::PublishDisclosure)?;
    let mut errors = Vec::new();
    let a = text(Some(&i.answer), "answer", "答复", 1000, &mut errors);
    if a.is_none() && errors.is_empty() {
        errors.push(FieldError::new("disclosure_required", "answer", "请填写答复"));
    }
    let Some(a) = a else { return Err(StoreError::Invalid(errors)) };
    let province = access.scope.region().province().to_string();
    let by = display_name(db, access).await?;
    let txn = db.begin_write().await?;
    crate::Db::lock_province(&txn, &province).await?;
    let q = disclosure_question::Entity::find()
        .filter(disclosure_question::Column::ProvinceCode.eq(&province))
        .filter(disclosure_question::Column::Id.eq(id))
        .one(&*txn)
        .await?
        .filter(|q| access.scope.allows_region(&q.community_code))
        .ok_or(StoreError::NotFound)?;
    if q.answer.is_some() {
        return Err(StoreError::Conflict(FieldError::new(
            "question_answered",
            "answer",
            "该提问已经答复，答复不能修改",
        )));
    }
    let code = q.community_code.clone();
    let mut am = q.into_active_model();
    am.answer = Set(Some(a));
    am.answered_by = Set(Some(by));
    am.answered_at = Set(Some(Utc::now()));
    am.shown = Set(i.show);
    let m = am.update(&*txn).await?;
    crate::audit::entry(&access.actor, "disclosure.answer", &code).target(m.id).save(&*txn).await?;
    txn.commit().await?;
    Ok(m)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelinessRow {
    pub community_code: String,
    pub community_name: String,
    pub category: Category,
    pub period: String,
    pub period_label: String,
    pub deadline: NaiveDate,
    pub first_published: Option<NaiveDate>,
    pub state: Timeliness,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelinessReport {
    pub region_code: String,
    pub on: NaiveDate,
    /// Periods due: on time, late, missing.
    pub on_time: u64,
    pub late: u64,
    pub missing: u64,
    /// Share published on time of the periods due, 0–100 (none due: absent).
    pub on_time_pct: Option<f64>,
    /// Late and missing in all.
    pub alerts_total: u64,
    /// The late and missing ones (the alerts), newest period first, at most `limit`.
    pub alerts: Vec<TimelinessRow>,
    /// Per child region: (code, name, due, on time, late, missing).
    pub by_child: Vec<(String, String, u64, u64, u64, u64)>,
}

/// Each community's headings over the periods that began on or after `since` and have ended by
/// `today` (months or quarters as its policy says): published on time, late, or missing.
pub async fn timeliness(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    since: NaiveDate,
    today: NaiveDate,
    limit: usize,
) -> Result<TimelinessReport> {
    let r = region_in(access, region)?;
    let (mut report, _) = timeliness_in(db, &r, since, today).await?;
    report.alerts.truncate(limit);
    Ok(report)
}

/// The report, and per community the periods due and those published on time.
pub(crate) async fn timeliness_in(
    db: &Db,
    r: &RegionCode,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<(TimelinessReport, HashMap<String, (u64, u64)>)> {
    let communities = crate::regions::communities_under(&db.conn, r.as_str()).await?;
    // Periods due before the county's first publication were before it kept its disclosure here.
    let county = &r.as_str()[..r.as_str().len().min(6)];
    let first_use: NaiveDate = disclosure::Entity::find()
        .select_only()
        .column_as(disclosure::Column::PublishedOn.min(), "first")
        .filter(disclosure::Column::ProvinceCode.eq(r.province()))
        .filter(in_subtree(disclosure::Column::CommunityCode, county))
        .into_tuple::<Option<NaiveDate>>()
        .one(&db.conn)
        .await?
        .flatten()
        .unwrap_or(today);
    let resolver = crate::policies::Resolver::load(&db.conn, r.as_str(), today).await?;
    let mut due: Vec<(String, Category, Period, NaiveDate)> = Vec::new();
    let mut keys = std::collections::BTreeSet::new();
    for c in &communities {
        let policy = resolver.resolve(&c.code).map(|f| f.policy.openness.clone()).unwrap_or_default();
        for rule in &policy.disclosure {
            for p in periods_since(rule.cadence, since, today) {
                let deadline = p.deadline(rule.deadline_days);
                if deadline < first_use {
                    continue;
                }
                keys.insert(p.key());
                due.push((c.code.clone(), rule.category, p, deadline));
            }
        }
    }
    let first: HashMap<(String, String, String), NaiveDate> = disclosure::Entity::find()
        .select_only()
        .column(disclosure::Column::CommunityCode)
        .column(disclosure::Column::Category)
        .column(disclosure::Column::Period)
        .column_as(disclosure::Column::PublishedOn.min(), "first")
        .filter(disclosure::Column::ProvinceCode.eq(r.province()))
        .filter(in_subtree(disclosure::Column::CommunityCode, r.as_str()))
        .filter(disclosure::Column::Period.is_in(keys))
        .group_by(disclosure::Column::CommunityCode)
        .group_by(disclosure::Column::Category)
        .group_by(disclosure::Column::Period)
        .into_tuple::<(String, String, String, NaiveDate)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|(c, k, p, d)| ((c, k, p), d))
        .collect();
    let names: HashMap<&str, &str> = communities.iter().map(|c| (c.code.as_str(), c.name.as_str())).collect();
    let (mut on_time, mut late, mut missing) = (0, 0, 0);
    let mut alerts = Vec::new();
    let mut per: HashMap<String, (u64, u64)> = HashMap::new();
    let mut children: std::collections::BTreeMap<String, [u64; 4]> = std::collections::BTreeMap::new();
    for (code, cat, p, deadline) in due {
        let published = first.get(&(code.clone(), cat.as_str().to_string(), p.key())).copied();
        let state = Timeliness::of(published, deadline, today);
        if state != Timeliness::Open {
            let e = per.entry(code.clone()).or_default();
            e.0 += 1;
            e.1 += u64::from(state == Timeliness::OnTime);
        }
        let child = children.entry(super::child_of(r.as_str(), &code)).or_default();
        match state {
            Timeliness::OnTime => (on_time, child[1]) = (on_time + 1, child[1] + 1),
            Timeliness::Late => (late, child[2]) = (late + 1, child[2] + 1),
            Timeliness::Missing => (missing, child[3]) = (missing + 1, child[3] + 1),
            Timeliness::Open => continue,
        }
        child[0] += 1;
        if state != Timeliness::OnTime {
            alerts.push(TimelinessRow {
                community_name: names.get(code.as_str()).map(|s| s.to_string()).unwrap_or_default(),
                community_code: code,
                category: cat,
                period: p.key(),
                period_label: p.label(),
                deadline,
                first_published: published,
                state,
            });
        }
    }
    alerts.sort_by(|a, b| b.deadline.cmp(&a.deadline).then(a.community_code.cmp(&b.community_code)));
    let due_n = on_time + late + missing;
    let child_names = crate::regions::names(&db.conn, children.keys().cloned().collect()).await?;
    let by_child = children
        .into_iter()
        .map(|(c, v)| (child_names.get(&c).cloned().unwrap_or_default(), c, v))
        .map(|(n, c, v)| (c, n, v[0], v[1], v[2], v[3]))
        .collect();
    let report = TimelinessReport {
        alerts_total: alerts.len() as u64,
        by_child,
        region_code: r.to_string(),
        on: today,
        on_time,
        late,
        missing,
        on_time_pct: (due_n > 0).then(|| on_time as f64 * 100.0 / due_n as f64),
        alerts,
    };
    Ok((report, per))
}
