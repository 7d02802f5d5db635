//! 谈心谈话: the secretary of a community (or the street above it) records a talk with a worker in
//! post, with the problems raised and solved; a quarter's coverage per community (who has been
//! talked with) is summed up the tree. A worker sees the talks held with them.

use super::{Reach, typed, wishes::community_of, worker_names};
use crate::Db;
use crate::access::Access;
use crate::entity::{talk, user, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::talks::{Quarter, TalkFigures, check_problems, is_secretary};
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TalkInput {
    /// 社区代码（社区书记省略）
    pub community: Option<String>,
    /// 谈话对象（本社区在岗的社区工作者）
    pub worker_id: Option<Uuid>,
    /// 谈话日期 YYYY-MM-DD（一年内，不晚于今天）
    pub date: String,
    /// 反映问题数
    pub problems_raised: i64,
    /// 其中已解决
    pub problems_solved: i64,
    /// 谈话要点（最多500字）
    pub note: Option<String>,
}

/// One talk as a list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalkRow {
    pub id: Uuid,
    pub date: NaiveDate,
    pub community_code: String,
    pub worker_id: Uuid,
    pub worker_name: String,
    pub held_by: String,
    pub problems_raised: u32,
    pub problems_solved: u32,
    pub note: Option<String>,
}

/// One region's line of a quarter (a child of the region asked for, or a community).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalkLine {
    pub region_code: String,
    pub region_name: String,
    #[serde(flatten)]
    pub figures: TalkFigures,
    pub coverage: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalkReport {
    pub region_code: String,
    pub quarter: String,
    pub quarter_label: String,
    pub total: TalkFigures,
    pub coverage: String,
    pub sentence: String,
    /// The next level down (for a community: itself).
    pub lines: Vec<TalkLine>,
    /// For a community (or a worker): the quarter's talks, newest first, with the workers not yet
    /// talked with.
    pub talks: Vec<TalkRow>,
    pub not_yet: Vec<String>,
    /// For a community: its workers in post, and whether each has been talked with.
    pub people: Vec<TalkPerson>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalkPerson {
    pub worker_id: Uuid,
    pub name: String,
    pub talked: bool,
}

fn bad(code: &'static str, field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, message))
}

/// Records a talk.
pub async fn record(db: &Db, access: &Access, i: &TalkInput, today: NaiveDate) -> Result<talk::Model> {
    access.require(Permission::HoldTalks)?;
    crate::workers::editable(&access.scope)?;
    let reach = Reach::of(access, None)?;
    let community = community_of(db, access, &reach, i.community.as_deref()).await?;
    let mut errors = Vec::new();
    let date = match shegong_domain::worker::parse_date("date", "谈话日期", &i.date) {
        _ if i.date.trim().is_empty() => {
            errors.push(FieldError::new("talk_date", "date", "请填写谈话日期"));
            None
        }
        Ok(d) if d > today => {
            errors.push(FieldError::new("talk_date", "date", "谈话日期不能晚于今天"));
            None
        }
        Ok(d) if today - d > Duration::days(366) => {
            errors.push(FieldError::new("talk_date", "date", "只能补记一年内的谈话"));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let problems = check_problems(i.problems_raised, i.problems_solved).map_err(|e| errors.push(e)).ok();
    let note = typed(i.note.as_deref(), "note", "谈话要点", 500, &mut errors);
    let person = match i.worker_id {
        None => {
            errors.push(FieldError::new("talk_worker", "worker_id", "请选择谈话对象"));
            None
        }
        Some(id) => {
            let w: Option<(Uuid, String, String, Option<NaiveDate>)> = worker::Entity::find()
                .select_only()
                .column(worker::Column::Id)
                .column(worker::Column::Name)
                .column(worker::Column::Title)
                .column(worker::Column::ServiceStart)
                .filter(worker::Column::ProvinceCode.eq(&community[..2]))
                .filter(worker::Column::RegionCode.eq(&community))
                .filter(worker::Column::Id.eq(id))
                .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
                .into_tuple()
                .one(&db.conn)
                .await?;
            match w {
                None => {
                    errors.push(FieldError::new("talk_worker", "worker_id", "谈话对象应为本社区在岗的社区工作者"));
                    None
                }
                Some((_, name, title, _)) if is_secretary(&title) => {
                    errors.push(FieldError::new(
                        "talk_worker",
                        "worker_id",
                        format!("{name}是社区书记，是谈话人而不是谈话对象"),
                    ));
                    None
                }
                Some((_, name, _, Some(start))) if date.is_some_and(|d| d < start) => {
                    errors.push(FieldError::new(
                        "talk_date",
                        "date",
                        format!("谈话日期早于{name}到岗的日期（{start}）"),
                    ));
                    None
                }
                Some((id, name, _, _)) => Some((id, name)),
            }
        }
    };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let (Some(date), Some((raised, solved)), Some((worker_id, _))) = (date, problems, person) else {
        return Err(bad("talk", "date", "谈话信息不完整"));
    };
    let held_by: String = user::Entity::find()
        .select_only()
        .column(user::Column::DisplayName)
        .filter(user::Column::Username.eq(&access.actor.username))
        .into_tuple()
        .one(&db.conn)
        .await?
        .unwrap_or_else(|| access.actor.username.clone());
    let province = community[..2].to_string();
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &province).await?;
    let twice = talk::Entity::find()
        .filter(talk::Column::ProvinceCode.eq(&province))
        .filter(talk::Column::WorkerId.eq(worker_id))
        .filter(talk::Column::HeldOn.eq(date))
        .one(&*txn)
        .await?;
    if twice.is_some() {
        return Err(StoreError::Conflict(FieldError::new(
            "talk_duplicate",
            "date",
            "这一天已经记录过与该社区工作者的谈话",
        )));
    }
    let m = talk::ActiveModel {
        province_code: Set(province),
        id: Set(Uuid::now_v7()),
        community_code: Set(community.clone()),
        worker_id: Set(worker_id),
        held_on: Set(date),
        held_by: Set(held_by),
        raised: Set(raised as i32),
        solved: Set(solved as i32),
        note: Set(note),
        recorded_by: Set(access.actor.username.clone()),
        recorded_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "talk.record", &community)
        .target(worker_id)
        .detail(format!("{date} 谈心谈话，反映问题{raised}个、解决{solved}个"))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The talks of a quarter in `region` (a worker: those held with them), with coverage per child.
pub async fn talks(db: &Db, access: &Access, region: Option<&RegionCode>, quarter: Quarter) -> Result<TalkReport> {
    let reach = Reach::of_communities(access, region)?;
    let (prefix, province) = (reach.prefix().to_string(), reach.province().to_string());
    let (from, to) = (quarter.first_day(), quarter.last_day());
    // Those in post at some time in the quarter (a past quarter's, not today's), the secretary left out.
    let mut q = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::Name)
        .column(worker::Column::RegionCode)
        .column(worker::Column::Title)
        .filter(worker::Column::ProvinceCode.eq(&province))
        .filter(in_subtree(worker::Column::RegionCode, &prefix))
        .filter(
            Condition::any()
                .add(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
                .add(worker::Column::ExitedOn.gte(from)),
        )
        .filter(Condition::any().add(worker::Column::ServiceStart.is_null()).add(worker::Column::ServiceStart.lte(to)));
    let mut t = talk::Entity::find()
        .filter(talk::Column::ProvinceCode.eq(&province))
        .filter(in_subtree(talk::Column::CommunityCode, &prefix))
        .filter(talk::Column::HeldOn.between(from, to));
    if let Reach::Worker { worker_id, .. } = &reach {
        q = q.filter(worker::Column::Id.eq(*worker_id));
        t = t.filter(talk::Column::WorkerId.eq(*worker_id));
    }
    let people: Vec<(Uuid, String, String)> = q
        .order_by_asc(worker::Column::Name)
        .into_tuple::<(Uuid, String, String, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .filter(|(_, _, _, title)| !is_secretary(title))
        .map(|(id, name, region, _)| (id, name, region))
        .collect();
    let held = t.order_by_desc(talk::Column::HeldOn).all(&db.conn).await?;
    let level = RegionLevel::of_code(&prefix).unwrap_or(RegionLevel::Community);
    let child_len =
        if level == RegionLevel::Community { 12 } else { level.child().map_or(12, |c| c.code_len().min(12)) };
    let in_post: HashMap<Uuid, &str> = people.iter().map(|(id, _, c)| (*id, c.as_str())).collect();
    let mut talked: HashSet<Uuid> = HashSet::new();
    let mut lines: BTreeMap<String, TalkFigures> = BTreeMap::new();
    for (_, _, c) in &people {
        lines.entry(c[..child_len].to_string()).or_default().workers += 1;
    }
    for h in &held {
        let f = lines.entry(h.community_code[..child_len].to_string()).or_default();
        f.talks += 1;
        f.raised += h.raised.max(0) as u32;
        f.solved += h.solved.max(0) as u32;
        if in_post.contains_key(&h.worker_id) && talked.insert(h.worker_id) {
            f.talked += 1;
        }
    }
    let names = crate::regions::names(&db.conn, lines.keys().cloned().collect()).await?;
    let mut total = TalkFigures::default();
    let lines: Vec<TalkLine> = lines
        .into_iter()
        .map(|(code, f)| {
            total.add(&f);
            TalkLine {
                region_name: names.get(&code).cloned().unwrap_or_default(),
                region_code: code,
                coverage: f.coverage_text(),
                figures: f,
            }
        })
        .collect();
    // One community's (or a worker's own) talks are listed; a larger region's are summed only.
    let (rows, not_yet, listed) = if prefix.len() == 12 {
        let who = worker_names(&db.conn, &province, held.iter().map(|h| h.worker_id)).await?;
        let rows = held
            .into_iter()
            .map(|h| TalkRow {
                id: h.id,
                date: h.held_on,
                community_code: h.community_code,
                worker_name: who.get(&h.worker_id).cloned().unwrap_or_default(),
                worker_id: h.worker_id,
                held_by: h.held_by,
                problems_raised: h.raised.max(0) as u32,
                problems_solved: h.solved.max(0) as u32,
                note: h.note,
            })
            .collect();
        let not_yet = people.iter().filter(|(id, _, _)| !talked.contains(id)).map(|(_, n, _)| n.clone()).collect();
        let listed = people
            .iter()
            .map(|(id, n, _)| TalkPerson { worker_id: *id, name: n.clone(), talked: talked.contains(id) })
            .collect();
        (rows, not_yet, listed)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(TalkReport {
        region_code: prefix,
        quarter: quarter.text(),
        quarter_label: quarter.label(),
        coverage: total.coverage_text(),
        sentence: total.sentence(),
        total,
        lines,
        talks: rows,
        not_yet,
        people: listed,
    })
}
