//! The exams of a round: admission tickets for those who passed review, written and interview
//! scores (typed or imported: all rows or none), the pass line, and the standings computed from them
//! by the policy — the interview list by the ratio to places with ties at the cut all included, the
//! ranking, and who is to be hired once 体检 and 考察 have thinned it.

use super::applications::facts;
use super::rounds::{Round, get as get_round};
use crate::Db;
use crate::access::Access;
use crate::entity::{application as app, recruitment_round as round};
use crate::error::{Result, StoreError};
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use shegong_domain::recruitment::{Candidate, RecruitmentPolicy, parse_score};
use shegong_domain::status::{ApplicationStatus, RecruitmentStatus, Status};
use shegong_domain::{FieldError, Permission};
use std::collections::HashMap;
use uuid::Uuid;

/// A score recorded as 缺考 (absent), apart from one not entered yet (none).
pub const ABSENT: i32 = -1;

fn conflict(code: &'static str, field: &'static str, m: impl Into<String>) -> StoreError {
    StoreError::Conflict(FieldError::new(code, field, m))
}

/// A round the caller runs, published.
pub(super) async fn running(db: &Db, access: &Access, round_id: Uuid) -> Result<Round> {
    access.require(Permission::ManageRecruitment)?;
    let r = get_round(db, access, round_id).await?;
    RecruitmentStatus::require(&r.round.status, RecruitmentStatus::Published).map_err(StoreError::Conflict)?;
    Ok(r)
}

/// Re-reads the round inside a write, so that two clerks cannot both pass a check made before it.
pub(super) async fn reread(c: &impl ConnectionTrait, r: &round::Model) -> Result<round::Model> {
    round::Entity::find_by_id((r.province_code.clone(), r.id)).one(c).await?.ok_or(StoreError::NotFound)
}

/// Issues the admission tickets (准考证) once applications have closed and every one is reviewed:
/// numbered by post, then by the order applications came; rooms of 30.
pub async fn issue_tickets(db: &Db, access: &Access, round_id: Uuid, today: NaiveDate) -> Result<u64> {
    let r = running(db, access, round_id).await?;
    if today <= r.round.apply_to {
        return Err(conflict(
            "applications_open",
            "status",
            format!("报名截止（{}）后才能生成准考证", r.round.apply_to),
        ));
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.round.province_code).await?;
    if reread(&*txn, &r.round).await?.tickets_at.is_some() {
        return Err(conflict("tickets_issued", "status", "准考证已经生成"));
    }
    let of_round = || {
        app::Entity::find()
            .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
            .filter(app::Column::RoundId.eq(r.round.id))
    };
    let waiting = of_round().filter(app::Column::Status.eq(ApplicationStatus::Submitted.as_str())).count(&*txn).await?;
    if waiting > 0 {
        return Err(conflict("review_pending", "status", format!("尚有{waiting}份报名未完成资格审查")));
    }
    let order: HashMap<Uuid, usize> = r.posts.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut qualified: Vec<(usize, Uuid)> = of_round()
        .filter(app::Column::Status.eq(ApplicationStatus::Qualified.as_str()))
        .order_by_asc(app::Column::Id)
        .all(&*txn)
        .await?
        .into_iter()
        .map(|a| (order.get(&a.post_id).copied().unwrap_or(usize::MAX), a.id))
        .collect();
    qualified.sort();
    let year = today.year();
    // The county's rounds ticketed before this one this year number their tickets apart.
    let before = round::Entity::find()
        .filter(round::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(round::Column::CountyCode.eq(&r.round.county_code))
        .filter(round::Column::TicketsAt.gte(
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
        ))
        .count(&*txn)
        .await?;
    let batch = u32::try_from(before).unwrap_or(0) + 1;
    for (n, (_, id)) in qualified.iter().enumerate() {
        let t = shegong_domain::hiring::ticket(&r.round.county_code, year, batch, u32::try_from(n).unwrap_or(u32::MAX));
        app::Entity::update_many()
            .col_expr(app::Column::Ticket, Expr::value(t.number))
            .col_expr(app::Column::Room, Expr::value(t.room))
            .col_expr(app::Column::Seat, Expr::value(i32::try_from(t.seat).unwrap_or(0)))
            .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
            .filter(app::Column::Id.eq(*id))
            .exec(&*txn)
            .await?;
    }
    round::Entity::update_many()
        .col_expr(round::Column::TicketsAt, Expr::value(Utc::now()))
        .filter(round::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(round::Column::Id.eq(r.round.id))
        .exec(&*txn)
        .await?;
    crate::audit::entry(&access.actor, "recruitment.tickets", &r.round.county_code)
        .target(r.round.id)
        .detail(format!("{}张", qualified.len()))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(qualified.len() as u64)
}

/// Which score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Exam {
    /// 笔试
    Written,
    /// 面试
    Interview,
}

impl Exam {
    pub fn label(self) -> &'static str {
        match self {
            Self::Written => "笔试",
            Self::Interview => "面试",
        }
    }
}

/// One score as typed or read from a sheet.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScoreRow {
    /// 准考证号
    pub ticket: String,
    /// 成绩，0至100，最多两位小数；缺考填“缺考”或留空
    pub score: String,
}

/// Records scores, all rows or none: every ticket of this round, once; written scores until the
/// pass line is set, interview scores for those on the interview list until the publicity.
/// Errors name the row in their message (`第3行：…`). Returns how many were recorded.
pub async fn record_scores(db: &Db, access: &Access, round_id: Uuid, exam: Exam, rows: &[ScoreRow]) -> Result<u64> {
    let r = running(db, access, round_id).await?;
    if rows.is_empty() {
        return Err(StoreError::invalid(FieldError::new("rows_required", "rows", "没有成绩可以录入")));
    }
    if rows.len() > 100_000 {
        return Err(StoreError::invalid(FieldError::new("rows_too_many", "rows", "一次最多录入100000条成绩")));
    }
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.round.province_code).await?;
    let now = reread(&*txn, &r.round).await?;
    let stage = match (exam, now.tickets_at, now.pass_line, now.publicity_from) {
        (_, None, ..) => Err("准考证生成后才能录入成绩"),
        (Exam::Written, _, Some(_), _) => Err("合格分数线已经划定，笔试成绩不能再改"),
        (Exam::Interview, _, None, _) => Err("划定笔试合格分数线、确定面试名单后才能录入面试成绩"),
        (Exam::Interview, _, _, Some(_)) => Err("拟聘用人员已经公示，面试成绩不能再改"),
        _ => Ok(()),
    };
    stage.map_err(|m| conflict("scores_closed", "rows", m))?;
    // A post whose 体检/考察 have begun keeps its interview scores (the other posts' stay open).
    let checked: std::collections::HashSet<Uuid> = if exam == Exam::Interview {
        app::Entity::find()
            .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
            .filter(app::Column::RoundId.eq(r.round.id))
            .filter(
                sea_orm::Condition::any()
                    .add(app::Column::Medical.is_not_null())
                    .add(app::Column::Vetting.is_not_null()),
            )
            .all(&*txn)
            .await?
            .into_iter()
            .map(|a| a.post_id)
            .collect()
    } else {
        Default::default()
    };
    let ticketed: Vec<app::Model> = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(app::Column::RoundId.eq(r.round.id))
        .filter(app::Column::Ticket.is_not_null())
        .all(&*txn)
        .await?;
    let invited: Option<std::collections::HashSet<Uuid>> = match (exam, now.pass_line) {
        (Exam::Interview, Some(line)) => Some(
            standings_of(&policy, &r, &ticketed, Some(line), &[])
                .into_iter()
                .flat_map(|p| p.rows)
                .filter(|s| s.invited)
                .map(|s| s.id)
                .collect(),
        ),
        _ => None,
    };
    let by_ticket: HashMap<&str, &app::Model> =
        ticketed.iter().filter_map(|a| Some((a.ticket.as_deref()?, a))).collect();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut writes: Vec<(Uuid, Option<i32>)> = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let t = row.ticket.trim();
        let Some(a) = by_ticket.get(t) else {
            errors.push(FieldError::new("ticket_unknown", "rows", format!("第{}行：本次招聘没有准考证号“{t}”", n + 1)));
            continue;
        };
        if !seen.insert(t) {
            errors.push(FieldError::new("ticket_repeated", "rows", format!("第{}行：准考证号{t}重复", n + 1)));
            continue;
        }
        if checked.contains(&a.post_id) {
            errors.push(FieldError::new(
                "scores_closed",
                "rows",
                format!("第{}行：{}（{t}）所报岗位的体检、考察已经开始，面试成绩不能再改", n + 1, a.name),
            ));
            continue;
        }
        if let Some(inv) = &invited
            && !inv.contains(&a.id)
        {
            errors.push(FieldError::new(
                "not_invited",
                "rows",
                format!("第{}行：{}（{t}）不在面试名单中", n + 1, a.name),
            ));
            continue;
        }
        let s = row.score.trim();
        // 缺考 is recorded as such (-1), apart from a score not entered yet.
        let score = if s.is_empty() || s == "缺考" {
            Some(ABSENT)
        } else {
            match parse_score("score", s) {
                Ok(h) => Some(i32::try_from(h).unwrap_or(0)),
                Err(e) => {
                    errors.push(FieldError::new(e.code, "rows", format!("第{}行：{}", n + 1, e.message)));
                    continue;
                }
            }
        };
        writes.push((a.id, score));
    }
    if !errors.is_empty() {
        errors.truncate(100);
        return Err(StoreError::Invalid(errors));
    }
    let column = match exam {
        Exam::Written => app::Column::Written,
        Exam::Interview => app::Column::Interview,
    };
    let at = Utc::now();
    for (id, score) in &writes {
        app::Entity::update_many()
            .col_expr(column, Expr::value(*score))
            .col_expr(app::Column::UpdatedAt, Expr::value(at))
            .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
            .filter(app::Column::Id.eq(*id))
            .exec(&*txn)
            .await?;
    }
    crate::audit::entry(&access.actor, &format!("recruitment.scores_{}", exam.label()), &r.round.county_code)
        .target(r.round.id)
        .detail(format!("{}条", writes.len()))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(writes.len() as u64)
}

/// 划定合格分数线: the written score (with its bonus) at or above which one may be called to the
/// interview. Written scores are final from then on.
pub async fn set_pass_line(db: &Db, access: &Access, round_id: Uuid, line: &str) -> Result<round::Model> {
    let r = running(db, access, round_id).await?;
    let h = parse_score("pass_line", line).map_err(StoreError::invalid)?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.round.province_code).await?;
    let now = reread(&*txn, &r.round).await?;
    if now.tickets_at.is_none() {
        return Err(conflict("scores_closed", "pass_line", "准考证生成、录入笔试成绩后才能划定合格分数线"));
    }
    if now.pass_line.is_some() {
        return Err(conflict("pass_line_set", "pass_line", "合格分数线已经划定"));
    }
    // Every ticket has its score or 缺考 first: a line drawn over missing scores locks people out.
    let missing: Vec<String> = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(app::Column::RoundId.eq(r.round.id))
        .filter(app::Column::Ticket.is_not_null())
        .filter(app::Column::Written.is_null())
        .all(&*txn)
        .await?
        .into_iter()
        .filter_map(|a| a.ticket)
        .collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
        return Err(conflict(
            "scores_missing",
            "pass_line",
            format!(
                "还有{}张准考证没有笔试成绩（缺考的请录“缺考”）：{}{}",
                missing.len(),
                shown.join("、"),
                if missing.len() > 10 { "等" } else { "" }
            ),
        ));
    }
    round::Entity::update_many()
        .col_expr(round::Column::PassLine, Expr::value(i32::try_from(h).unwrap_or(0)))
        .filter(round::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(round::Column::Id.eq(r.round.id))
        .exec(&*txn)
        .await?;
    crate::audit::entry(&access.actor, "recruitment.pass_line", &r.round.county_code)
        .target(r.round.id)
        .detail(shegong_domain::recruitment::points_text(h))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    reread(&db.conn, &r.round).await
}

/// One applicant's place in a post's standings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobStanding {
    /// 报名编号
    pub id: Uuid,
    pub name: String,
    pub ticket: String,
    /// 笔试成绩（不含加分），百分之一分为单位；缺考或未录入为空
    pub written: Option<u32>,
    /// 笔试缺考
    pub absent: bool,
    /// 加分，百分之一分为单位
    pub bonus: u32,
    /// 面试成绩，百分之一分为单位
    pub interview: Option<u32>,
    /// 总成绩（按政策权重），万分之一分为单位
    pub total: Option<u64>,
    /// 排名（有面试成绩者）
    pub rank: Option<u32>,
    /// 进入面试
    pub invited: bool,
    /// 拟聘用
    pub selected: bool,
    /// 体检：pass / fail
    pub medical: Option<String>,
    /// 考察：pass / fail
    pub vetting: Option<String>,
    pub hired: bool,
}

/// A post's standings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostStandings {
    pub post_id: Uuid,
    pub places: u32,
    pub rows: Vec<JobStanding>,
}

/// Computes the standings of every post from the ticketed applications; `out` are those no longer
/// to be hired for a reason besides 体检 and 考察 (an objection upheld).
pub(super) fn standings_of(
    policy: &RecruitmentPolicy,
    r: &Round,
    ticketed: &[app::Model],
    pass_line: Option<i32>,
    out: &[Uuid],
) -> Vec<PostStandings> {
    let mut by_post: HashMap<Uuid, Vec<&app::Model>> = HashMap::new();
    for a in ticketed.iter().filter(|a| a.ticket.is_some()) {
        by_post.entry(a.post_id).or_default().push(a);
    }
    let score = |h: Option<i32>| h.and_then(|h| u32::try_from(h).ok());
    r.posts
        .iter()
        .map(|p| {
            let apps = by_post.remove(&p.id).unwrap_or_default();
            let places = u32::try_from(p.places).unwrap_or(0);
            let candidates: Vec<Candidate<Uuid>> = apps
                .iter()
                .filter_map(|a| {
                    let w = score(a.written)?;
                    Some(Candidate {
                        key: a.id,
                        written: w + score(Some(a.bonus)).unwrap_or(0),
                        interview: score(a.interview),
                        groups: policy.groups(&facts(a)),
                    })
                })
                .collect();
            let invited: Vec<Uuid> = match pass_line.and_then(|l| u32::try_from(l).ok()) {
                Some(line) => policy.interview_list(&candidates, places, line),
                None => vec![],
            };
            let interviewed: Vec<Candidate<Uuid>> =
                candidates.iter().filter(|c| invited.contains(&c.key)).cloned().collect();
            let mut ranked = interviewed.iter().filter(|c| c.interview.is_some()).cloned().collect::<Vec<_>>();
            policy.rank(&mut ranked);
            let failed: Vec<Uuid> = apps
                .iter()
                .filter(|a| a.medical.as_deref() == Some("fail") || a.vetting.as_deref() == Some("fail"))
                .map(|a| a.id)
                .chain(out.iter().copied())
                .collect();
            let selected = shegong_domain::hiring::selection(policy, &interviewed, places, &failed);
            let cand: HashMap<Uuid, &Candidate<Uuid>> = candidates.iter().map(|c| (c.key, c)).collect();
            let mut rows: Vec<JobStanding> = apps
                .iter()
                .map(|a| {
                    let c = cand.get(&a.id);
                    JobStanding {
                        id: a.id,
                        name: a.name.clone(),
                        ticket: a.ticket.clone().unwrap_or_default(),
                        written: score(a.written),
                        absent: a.written == Some(ABSENT),
                        bonus: score(Some(a.bonus)).unwrap_or(0),
                        interview: score(a.interview),
                        total: c
                            .filter(|c| c.interview.is_some() && invited.contains(&c.key))
                            .map(|c| policy.total(c.written, c.interview.unwrap_or(0))),
                        rank: ranked.iter().position(|x| x.key == a.id).map(|i| i as u32 + 1),
                        invited: invited.contains(&a.id),
                        selected: selected.contains(&a.id) || a.status == ApplicationStatus::Hired.as_str(),
                        medical: a.medical.clone(),
                        vetting: a.vetting.clone(),
                        hired: a.status == ApplicationStatus::Hired.as_str(),
                    }
                })
                .collect();
            // Ranked first, then the rest by written score, then by ticket.
            rows.sort_by(|a, b| {
                (a.rank.is_none(), a.rank, std::cmp::Reverse(a.written.map(|w| w + a.bonus)), &a.ticket).cmp(&(
                    b.rank.is_none(),
                    b.rank,
                    std::cmp::Reverse(b.written.map(|w| w + b.bonus)),
                    &b.ticket,
                ))
            });
            PostStandings { post_id: p.id, places, rows }
        })
        .collect()
}

/// The standings of every post of a round in the caller's reach.
pub async fn standings(db: &Db, access: &Access, round_id: Uuid) -> Result<(Round, Vec<PostStandings>)> {
    access.require(Permission::ManageRecruitment)?;
    let r = get_round(db, access, round_id).await?;
    let policy = super::policy_for(db, &r.round.county_code, r.round.reference_date).await?;
    let (apps, out) = super::reads::ticketed(&db.conn, &r.round).await?;
    let s = standings_of(&policy, &r, &apps, r.round.pass_line, &out);
    Ok((r, s))
}
