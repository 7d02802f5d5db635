//! A county's recruitment rounds (招聘计划): drafted with their posts — each in a community, capped by
//! the room its staffing norm leaves (总量控制) — approved by another of the county's administrators,
//! then published as the public announcement.

use crate::Db;
use crate::access::Access;
use crate::entity::{recruitment_post as post, recruitment_round as round, region};
use crate::error::{Result, StoreError};
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;
use shegong_domain::recruitment::post_requirements;
use shegong_domain::status::{RecruitmentStatus, Status};
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel, Scope};
use uuid::Uuid;

/// A round as given.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct JobRoundInput {
    /// 组织招聘的县（市、区）区划代码；县级管理员可不填
    pub county: Option<String>,
    /// 如“2026年海宁市社区专职工作者统一招聘”
    pub title: String,
    /// 资格审查基准日（年龄、学历按此日计算），如 2026-12-31
    pub reference_date: String,
    /// 报名起止日期
    pub apply_from: String,
    pub apply_to: String,
    /// 公告正文：招聘程序、咨询电话等
    pub notes: Option<String>,
}

/// A number as JSON sends it (35) or a form types it ("35").
#[derive(Debug, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(i64),
    Text(String),
}

impl NumberOrText {
    pub fn text(&self) -> String {
        match self {
            Self::Number(n) => n.to_string(),
            Self::Text(t) => t.clone(),
        }
    }
}

/// A post as given: where, what, how many, and what it asks beyond the policy.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct JobPostInput {
    /// 社区区划代码
    pub community: String,
    /// 岗位类别：head、deputy、staff（默认 staff）
    pub category: Option<String>,
    /// 岗位名称，如“社区专职工作者”
    pub title: String,
    /// 招聘人数
    pub places: Option<i64>,
    /// 学历要求：大专、本科、研究生；不填按政策
    pub min_education: Option<String>,
    /// 年龄上限；不填按政策（不能高于政策的上限）
    pub max_age: Option<NumberOrText>,
    /// 证书要求：junior、intermediate、senior
    pub certificate: Option<String>,
    /// 专业要求，用顿号分隔；不填为不限
    pub majors: Option<String>,
    /// 户籍要求
    pub hukou: Option<String>,
    /// 专设社工岗
    pub dedicated: bool,
}

fn invalid(code: &'static str, field: &'static str, m: impl Into<String>) -> FieldError {
    FieldError::new(code, field, m)
}

fn day(field: &'static str, label: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().filter(|d| (2000..=2100).contains(&d.year()));
    if d.is_none() {
        errors.push(invalid("date_invalid", field, format!("{label}应写作 2026-12-01")));
    }
    d
}

/// The county a round is about: given, or the caller's own; in the caller's region and there.
async fn county_of(db: &Db, access: &Access, asked: Option<&str>) -> Result<RegionCode> {
    let mine = access.scope.region().as_str();
    let text = asked.map(str::trim).filter(|s| !s.is_empty()).or_else(|| mine.get(..6).filter(|_| mine.len() == 6));
    let bad = || StoreError::invalid(invalid("county_invalid", "county", "请选择组织招聘的县（市、区）"));
    let code = RegionCode::parse(text.ok_or_else(bad)?).map_err(|_| bad())?;
    if code.level() != RegionLevel::County {
        return Err(bad());
    }
    if !access.scope.allows_region(code.as_str()) {
        return Err(StoreError::NotFound);
    }
    region::Entity::find_by_id(code.to_string()).one(&db.conn).await?.ok_or_else(bad)?;
    Ok(code)
}

/// Opens a round (a draft plan) in a county, on `today` (its applications may not have closed).
pub async fn create(db: &Db, access: &Access, i: &JobRoundInput, today: NaiveDate) -> Result<round::Model> {
    access.require(Permission::ManageRecruitment)?;
    let county = county_of(db, access, i.county.as_deref()).await?;
    let mut errors = Vec::new();
    let title =
        shegong_domain::text::line("title", "招聘名称", &i.title, 100).map_err(|e| errors.push(e)).ok().flatten();
    if title.is_none() && errors.is_empty() {
        errors.push(invalid("title_required", "title", "请填写招聘名称"));
    }
    let reference = day("reference_date", "资格审查基准日", &i.reference_date, &mut errors);
    let from = day("apply_from", "报名开始日期", &i.apply_from, &mut errors);
    let to = day("apply_to", "报名截止日期", &i.apply_to, &mut errors);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(invalid("date_order", "apply_to", "报名截止日期不能早于开始日期"));
    }
    if let Some(t) = to
        && t < today
    {
        errors.push(invalid("date_past", "apply_to", "报名截止日期已过，请填写今后的日期"));
    }
    // The day ages are counted on lies near the applications: not before they open, at most a year after.
    if let (Some(r), Some(f), Some(t)) = (reference, from, to)
        && (r < f || r > t + chrono::Duration::days(366))
    {
        errors.push(invalid("date_reference", "reference_date", "资格审查基准日应在报名开始之后、报名截止后一年以内"));
    }
    let notes = shegong_domain::text::lines("notes", "公告正文", i.notes.as_deref().unwrap_or(""), 5000)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let (Some(title), Some(reference), Some(from), Some(to), true) = (title, reference, from, to, errors.is_empty())
    else {
        return Err(StoreError::Invalid(errors));
    };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, county.province()).await?;
    let m = round::ActiveModel {
        province_code: Set(county.province().to_string()),
        id: Set(Uuid::now_v7()),
        county_code: Set(county.to_string()),
        title: Set(title),
        reference_date: Set(reference),
        apply_from: Set(from),
        apply_to: Set(to),
        status: Set(RecruitmentStatus::Draft.as_str().into()),
        notes: Set(notes.unwrap_or_default()),
        created_by: Set(access.actor.username.clone()),
        created_at: Set(Utc::now()),
        approved_by: Set(None),
        approved_at: Set(None),
        published_at: Set(None),
        pass_line: Set(None),
        tickets_at: Set(None),
        publicity_from: Set(None),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "recruitment.create", county.as_str())
        .target(m.id)
        .detail(m.title.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The rounds of the counties in the caller's region (a street's or community's: its county's),
/// newest first.
pub async fn list(db: &Db, access: &Access) -> Result<Vec<round::Model>> {
    access.require(Permission::ViewRegion)?;
    let region = access.scope.region().as_str();
    let prefix = region.get(..6).unwrap_or(region);
    Ok(round::Entity::find()
        .filter(round::Column::ProvinceCode.eq(&region[..2]))
        .filter(crate::regions::in_subtree(round::Column::CountyCode, prefix))
        .order_by_desc(round::Column::CreatedAt)
        .all(&db.conn)
        .await?)
}

/// A round with its posts, by community.
#[derive(Debug, Clone)]
pub struct Round {
    pub round: round::Model,
    pub posts: Vec<post::Model>,
}

pub(super) async fn posts_of(db: &Db, r: &round::Model) -> Result<Vec<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::ProvinceCode.eq(&r.province_code))
        .filter(post::Column::RoundId.eq(r.id))
        .order_by_asc(post::Column::CommunityCode)
        .order_by_asc(post::Column::AddedAt)
        .all(&db.conn)
        .await?)
}

/// One round of a county in the caller's reach.
pub async fn get(db: &Db, access: &Access, id: Uuid) -> Result<Round> {
    access.require(Permission::ViewRegion)?;
    let province = access.scope.region().province().to_string();
    let r = round::Entity::find_by_id((province, id)).one(&db.conn).await?.ok_or(StoreError::NotFound)?;
    let mine = access.scope.region().as_str();
    if !(r.county_code.starts_with(mine) || mine.starts_with(r.county_code.as_str())) {
        return Err(StoreError::NotFound);
    }
    let posts = posts_of(db, &r).await?;
    Ok(Round { round: r, posts })
}

/// The room a community's norm leaves: the norm's most posts less those filled, less the places
/// of its posts in rounds not yet closed. `None` without a norm in force.
pub async fn room(db: &Db, community: &str, on: NaiveDate) -> Result<Option<i64>> {
    let code = RegionCode::parse(community).map_err(|_| StoreError::NotFound)?;
    let scope = Scope::Region(code.clone());
    let s = crate::staffing::report(db, &scope, &code, on).await?.total;
    if s.without_policy > 0 {
        return Ok(None);
    }
    let open: Vec<Uuid> = round::Entity::find()
        .filter(round::Column::ProvinceCode.eq(code.province()))
        .filter(round::Column::CountyCode.eq(&community[..6]))
        .filter(round::Column::Status.ne(RecruitmentStatus::Closed.as_str()))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let posts = post::Entity::find()
        .filter(post::Column::ProvinceCode.eq(code.province()))
        .filter(post::Column::CommunityCode.eq(community))
        .filter(post::Column::RoundId.is_in(open))
        .all(&db.conn)
        .await?;
    // Those hired already count among the filled posts, not among the places still planned.
    let hired = crate::entity::application::Entity::find()
        .filter(crate::entity::application::Column::ProvinceCode.eq(code.province()))
        .filter(crate::entity::application::Column::PostId.is_in(posts.iter().map(|p| p.id)))
        .filter(
            crate::entity::application::Column::Status.eq(shegong_domain::status::ApplicationStatus::Hired.as_str()),
        )
        .count(&db.conn)
        .await?;
    let planned: i64 = posts.iter().map(|p| i64::from(p.places)).sum::<i64>() - i64::try_from(hired).unwrap_or(0);
    Ok(Some((s.max - s.actual - planned.max(0)).max(0)))
}

/// Adds a post to a draft round: a community of the round's county, at most the places its norm
/// leaves room for.
pub async fn add_post(db: &Db, access: &Access, round_id: Uuid, i: &JobPostInput) -> Result<post::Model> {
    access.require(Permission::ManageRecruitment)?;
    let Round { round: r, .. } = get(db, access, round_id).await?;
    RecruitmentStatus::require(&r.status, RecruitmentStatus::Draft).map_err(StoreError::Conflict)?;
    let mut errors = Vec::new();
    // A code, or the name the picker puts in (`硖石街道 江丰社区`).
    let typed = i.community.trim();
    let code = match RegionCode::parse(typed) {
        Ok(c) => Some(c),
        Err(_) if typed.is_empty() => None,
        Err(_) => crate::region_names::resolve(db, &access.scope, "community", typed).await.ok(),
    };
    let mut community =
        code.filter(|c| c.level() == RegionLevel::Community && c.as_str().starts_with(r.county_code.as_str()));
    if let Some(c) = &community
        && region::Entity::find_by_id(c.to_string()).one(&db.conn).await?.is_none()
    {
        community = None;
    }
    if community.is_none() {
        errors.push(invalid("post_community", "community", "请选择本次招聘所在县（市、区）的社区"));
    }
    let category = match i.category.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some("staff".to_string()),
        Some(c) => shegong_domain::worker::parse_post_category(c)
            .map_err(|e| errors.push(FieldError { field: "category", ..e }))
            .ok(),
    };
    let title =
        shegong_domain::text::line("title", "岗位名称", &i.title, 40).map_err(|e| errors.push(e)).ok().flatten();
    if title.is_none() && !errors.iter().any(|e| e.field == "title") {
        errors.push(invalid("title_required", "title", "请填写岗位名称"));
    }
    let places = i.places.filter(|p| (1..=50).contains(p));
    if places.is_none() {
        errors.push(invalid("post_places", "places", "招聘人数应为1至50"));
    }
    let req = post_requirements(
        i.min_education.as_deref().unwrap_or(""),
        &i.max_age.as_ref().map(NumberOrText::text).unwrap_or_default(),
        i.certificate.as_deref().unwrap_or(""),
        i.majors.as_deref().unwrap_or(""),
    )
    .map_err(|e| errors.extend(e))
    .ok();
    // A post may ask for less than the policy allows, never more.
    let policy = super::policy_for(db, &r.county_code, r.reference_date).await?;
    if let Some(a) = req.as_ref().and_then(|q| q.max_age)
        && a > policy.max_age
    {
        errors.push(invalid("post_age", "max_age", format!("岗位年龄上限不能高于政策规定的{}周岁", policy.max_age)));
    }
    let hukou = shegong_domain::text::line("hukou", "户籍要求", i.hukou.as_deref().unwrap_or(""), 100)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let (Some(community), Some(category), Some(title), Some(places), Some(req), true) =
        (community, category, title, places, req, errors.is_empty())
    else {
        return Err(StoreError::Invalid(errors));
    };
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, community.province()).await?;
    // Still a draft now that nobody else writes (an approval may have come in between).
    still(&*txn, &r, RecruitmentStatus::Draft).await?;
    // 总量控制: no more places than the norm leaves, counted inside the lock.
    match room(db, community.as_str(), crate::clock::today()).await? {
        None => {
            return Err(StoreError::invalid(invalid(
                "post_no_norm",
                "community",
                "该社区没有适用的员额政策，不能确定可招聘人数",
            )));
        }
        Some(room) if places > room => {
            let names = crate::regions::names(&db.conn, vec![community.to_string()]).await?;
            let name = names.get(community.as_str()).cloned().unwrap_or_else(|| "该社区".into());
            return Err(StoreError::invalid(invalid(
                "post_over_norm",
                "places",
                format!("{name}按员额标准只能再招{room}人（已在岗和已列入未结束招聘计划的均已计入）"),
            )));
        }
        Some(_) => {}
    }
    let m = post::ActiveModel {
        province_code: Set(community.province().to_string()),
        id: Set(Uuid::now_v7()),
        round_id: Set(r.id),
        community_code: Set(community.to_string()),
        category: Set(category),
        title: Set(title),
        places: Set(i32::try_from(places).unwrap_or(1)),
        min_education: Set(req.min_education.clone()),
        max_age: Set(req.max_age.and_then(|a| i32::try_from(a).ok())),
        certificate: Set(req.certificate.map(|c| c.as_str().to_string())),
        majors: Set(req.majors.join("、")),
        hukou: Set(hukou),
        dedicated: Set(i.dedicated),
        added_by: Set(access.actor.username.clone()),
        added_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    crate::audit::entry(&access.actor, "recruitment.post", community.as_str())
        .target(r.id)
        .detail(format!("{} {}人", m.title, m.places))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The round is still in `want`, read inside the write lock.
async fn still(txn: &impl sea_orm::ConnectionTrait, r: &round::Model, want: RecruitmentStatus) -> Result<()> {
    let now = round::Entity::find_by_id((r.province_code.clone(), r.id)).one(txn).await?.ok_or(StoreError::NotFound)?;
    RecruitmentStatus::require(&now.status, want).map_err(StoreError::Conflict)
}

/// Moves a round on (审批: another administrator than the one who drew it up; 发布: the
/// announcement goes public); one step at a time, refused in any other state.
async fn advance(
    db: &Db,
    access: &Access,
    id: Uuid,
    from: RecruitmentStatus,
    to: RecruitmentStatus,
    seen: Option<Seen>,
) -> Result<round::Model> {
    access.require(Permission::ManageRecruitment)?;
    let Round { round: r, .. } = get(db, access, id).await?;
    RecruitmentStatus::require(&r.status, from).map_err(StoreError::Conflict)?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.province_code).await?;
    if to == RecruitmentStatus::Approved {
        // The posts as they are now that nobody else writes: what is approved is what was seen.
        let posts = post::Entity::find()
            .filter(post::Column::ProvinceCode.eq(&r.province_code))
            .filter(post::Column::RoundId.eq(r.id))
            .all(&*txn)
            .await?;
        if posts.is_empty() {
            return Err(StoreError::invalid(invalid("recruitment_no_posts", "posts", "招聘计划还没有岗位")));
        }
        // Nobody approves what they drew up, the plan or any of its posts.
        if r.created_by == access.actor.username || posts.iter().any(|p| p.added_by == access.actor.username) {
            return Err(StoreError::invalid(invalid(
                "recruitment_same_person",
                "approved_by",
                "招聘计划须由编制人（含添加岗位的人）以外的管理员审批",
            )));
        }
        let places: i64 = posts.iter().map(|p| i64::from(p.places)).sum();
        if let Some(s) = seen
            && (s.posts != posts.len() as i64 || s.places != places)
        {
            return Err(StoreError::Conflict(invalid(
                "recruitment_changed",
                "posts",
                format!("计划已变动（现有{}个岗位、{places}人），请刷新后再审批", posts.len()),
            )));
        }
    }
    let mut q = round::Entity::update_many()
        .col_expr(round::Column::Status, Expr::value(to.as_str()))
        .filter(round::Column::ProvinceCode.eq(&r.province_code))
        .filter(round::Column::Id.eq(r.id))
        .filter(round::Column::Status.eq(from.as_str()));
    q = match to {
        RecruitmentStatus::Approved => q
            .col_expr(round::Column::ApprovedBy, Expr::value(access.actor.username.clone()))
            .col_expr(round::Column::ApprovedAt, Expr::value(now)),
        RecruitmentStatus::Published => q.col_expr(round::Column::PublishedAt, Expr::value(now)),
        _ => q,
    };
    if q.exec(&*txn).await?.rows_affected != 1 {
        return Err(StoreError::Conflict(invalid("recruitment_state", "status", "该招聘已被他人处理，请刷新")));
    }
    crate::audit::entry(&access.actor, &format!("recruitment.{}", to.as_str()), &r.county_code)
        .target(r.id)
        .detail(r.title.clone())
        .save(&*txn)
        .await?;
    txn.commit().await?;
    round::Entity::find_by_id((r.province_code.clone(), r.id)).one(&db.conn).await?.ok_or(StoreError::NotFound)
}

/// What the approver saw of the plan: its posts and places.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Seen {
    /// 审批时看到的岗位数
    pub posts: i64,
    /// 审批时看到的招聘人数
    pub places: i64,
}

/// 审批: the plan is approved — as the approver saw it, when they say what they saw.
pub async fn approve(db: &Db, access: &Access, id: Uuid, seen: Option<Seen>) -> Result<round::Model> {
    advance(db, access, id, RecruitmentStatus::Draft, RecruitmentStatus::Approved, seen).await
}

/// 发布: the announcement is public and applications open on its dates.
pub async fn publish(db: &Db, access: &Access, id: Uuid) -> Result<round::Model> {
    advance(db, access, id, RecruitmentStatus::Approved, RecruitmentStatus::Published, None).await
}

/// 结束 a round: a draft withdrawn, or a round whose recruitment is over; its posts no longer hold
/// places under the norm. Final.
pub async fn close(db: &Db, access: &Access, id: Uuid) -> Result<round::Model> {
    access.require(Permission::ManageRecruitment)?;
    let Round { round: r, .. } = get(db, access, id).await?;
    let from = RecruitmentStatus::parse(&r.status)
        .filter(|s| *s != RecruitmentStatus::Closed)
        .ok_or_else(|| StoreError::Conflict(invalid("recruitment_state", "status", "该招聘已经结束")))?;
    advance(db, access, id, from, RecruitmentStatus::Closed, None).await
}

/// Takes a post out of a draft round.
pub async fn remove_post(db: &Db, access: &Access, round_id: Uuid, post_id: Uuid) -> Result<()> {
    access.require(Permission::ManageRecruitment)?;
    let Round { round: r, posts } = get(db, access, round_id).await?;
    RecruitmentStatus::require(&r.status, RecruitmentStatus::Draft).map_err(StoreError::Conflict)?;
    let p = posts.into_iter().find(|p| p.id == post_id).ok_or(StoreError::NotFound)?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &r.province_code).await?;
    still(&*txn, &r, RecruitmentStatus::Draft).await?;
    post::Entity::delete_many()
        .filter(post::Column::ProvinceCode.eq(&r.province_code))
        .filter(post::Column::Id.eq(p.id))
        .filter(post::Column::RoundId.eq(r.id))
        .exec(&*txn)
        .await?;
    crate::audit::entry(&access.actor, "recruitment.post_remove", &p.community_code)
        .target(r.id)
        .detail(format!("{} {}人", p.title, p.places))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
