//! What residents do without an account, on their community's public page: report a problem, follow
//! it by its number, rate it once closed. Nothing personal is ever read back: a report's progress is
//! its category, state, times and the names of its steps.

use super::steps::{Step, record};
use crate::Db;
use crate::entity::{event, event_action, region};
use crate::error::{Result, StoreError};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use shegong_domain::events::{Action, Satisfaction, apply};
use shegong_domain::{FieldError, RegionCode, RegionLevel};

/// A resident's report.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PublicReport {
    pub category: String,
    pub description: String,
    pub address: Option<String>,
    /// The grid, when the resident knows it (a code under the community).
    pub grid: Option<String>,
    pub phone: Option<String>,
}

/// The longest report a resident may send.
pub const MAX_PUBLIC_TEXT: usize = 500;

/// The community a public page is about, when the code names one.
pub async fn community(db: &Db, code: &str) -> Result<region::Model> {
    let c = RegionCode::parse(code).map_err(|_| StoreError::NotFound)?;
    if c.level() != RegionLevel::Community {
        return Err(StoreError::NotFound);
    }
    region::Entity::find_by_id(c.as_str().to_string()).one(&db.conn).await?.ok_or(StoreError::NotFound)
}

/// The street (or town) a community belongs to, by name.
pub async fn street_name(db: &Db, community: &region::Model) -> Result<String> {
    let Some(parent) = &community.parent_code else { return Ok(String::new()) };
    Ok(region::Entity::find_by_id(parent.clone()).one(&db.conn).await?.map(|r| r.name).unwrap_or_default())
}

/// The grids of a community, for the report form.
pub async fn grids(db: &Db, community: &str) -> Result<Vec<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::ParentCode.eq(community))
        .filter(region::Column::Level.eq("grid"))
        .order_by_asc(region::Column::Code)
        .all(&db.conn)
        .await?)
}

/// Records a resident's report in `community` (or one of its grids), as the system.
pub async fn report(db: &Db, community: &region::Model, input: &PublicReport) -> Result<event::Model> {
    if shegong_domain::events::has_control(&input.description) {
        return Err(StoreError::invalid(FieldError::new("event_text_invalid", "description", "问题描述含有无效字符")));
    }
    if input.description.chars().count() > MAX_PUBLIC_TEXT {
        return Err(StoreError::invalid(FieldError::new(
            "event_text_long",
            "description",
            format!("问题描述最多{MAX_PUBLIC_TEXT}字"),
        )));
    }
    let region = match input.grid.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        Some(g) if g.starts_with(&community.code) && g.len() == 15 => g.to_string(),
        Some(_) => return Err(StoreError::invalid(FieldError::new("event_region", "grid", "请选择本社区的网格"))),
        None => community.code.clone(),
    };
    let new = super::NewEvent {
        region,
        category: input.category.clone(),
        urgency: None,
        source: "public".into(),
        description: input.description.clone(),
        address: input.address.clone(),
        reporter_phone: input.phone.clone(),
        ..Default::default()
    };
    super::create::create_as(db, None, &new).await
}

/// Photos a resident may send with a report.
pub const MAX_PUBLIC_PHOTOS: usize = 3;

/// [`report`] with the resident's photos (JPEG or PNG, at most [`MAX_PUBLIC_PHOTOS`]): every photo is
/// checked first, so that a bad one refuses the report and nothing is kept; then they are kept
/// without their metadata.
pub async fn report_with_photos(
    db: &Db,
    community: &region::Model,
    input: &PublicReport,
    photos: Vec<Vec<u8>>,
) -> Result<event::Model> {
    let bad = |m: String| StoreError::invalid(FieldError::new("event_photo", "photo", m));
    if photos.len() > MAX_PUBLIC_PHOTOS {
        return Err(bad(format!("最多上传{MAX_PUBLIC_PHOTOS}张照片")));
    }
    for (i, p) in photos.iter().enumerate() {
        if let Some(why) = shegong_domain::files::refusal("photo", p) {
            return Err(bad(format!("第{}张照片：{why}", i + 1)));
        }
        if shegong_domain::photo_meta::strip(p).is_none() {
            return Err(bad(format!("第{}张照片已损坏或不完整，无法读取", i + 1)));
        }
    }
    let e = report(db, community, input).await?;
    for p in photos {
        super::photos::keep(db, &e, super::PUBLIC, p).await?;
    }
    Ok(e)
}

/// A report of `community` by its number, with its steps.
pub async fn find(db: &Db, community: &str, number: &str) -> Result<super::Timeline> {
    let e = event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(community.get(..2).unwrap_or_default()))
        .filter(event::Column::Number.eq(number.trim()))
        .filter(event::Column::CommunityCode.eq(community))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let steps = event_action::Entity::find()
        .filter(event_action::Column::ProvinceCode.eq(e.province_code.as_str()))
        .filter(event_action::Column::EventId.eq(e.id))
        .order_by_asc(event_action::Column::Seq)
        .all(&db.conn)
        .await?;
    Ok(super::Timeline { event: e, steps })
}

/// The resident's rating of a closed report. When a phone was left with the report, its last four
/// digits must be given: the number alone does not let anyone else rate it.
pub async fn rate(db: &Db, community: &str, number: &str, rating: &str, phone_tail: &str) -> Result<event::Model> {
    let t = find(db, community, number).await?;
    let e = t.event;
    let r = Satisfaction::parse(rating)
        .ok_or_else(|| StoreError::invalid(FieldError::new("event_action_invalid", "rating", "请选择评价")))?;
    let Some(phone) = &e.reporter_phone else {
        return Err(StoreError::invalid(FieldError::new(
            "event_phone_tail",
            "phone_tail",
            "反映时未留电话的事件，请由社区工作人员回访时评价",
        )));
    };
    if !(phone_tail.trim().len() == 4 && phone.ends_with(phone_tail.trim())) {
        return Err(StoreError::invalid(FieldError::new(
            "event_phone_tail",
            "phone_tail",
            "请填写反映问题时所留电话的后四位",
        )));
    }
    let before = super::progress(&e);
    let after = apply(&before, &Action::Rate(r)).map_err(|_| {
        StoreError::Conflict(FieldError::new("event_transition", "rating", "事件尚未办结或已评价，不能评价"))
    })?;
    let txn = db.begin_write().await?;
    let done = event::Entity::update_many()
        .col_expr(event::Column::State, sea_orm::sea_query::Expr::value(after.state.as_str()))
        .col_expr(event::Column::Version, sea_orm::sea_query::Expr::value(after.version as i32))
        .col_expr(event::Column::Rating, sea_orm::sea_query::Expr::value(r.as_str()))
        .filter(event::Column::ProvinceCode.eq(e.province_code.as_str()))
        .filter(event::Column::Id.eq(e.id))
        .filter(event::Column::Version.eq(e.version))
        .exec(&*txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Conflict(FieldError::new("event_version", "rating", "事件刚刚有变化，请刷新后再评价")));
    }
    let step = Step {
        seq: after.version as i32,
        action: "rate",
        from: before.state,
        to: after.state,
        actor: super::PUBLIC,
        at: Utc::now(),
        note: None,
        detail: Some(serde_json::json!({ "rating": r.as_str(), "by": "resident" }).to_string()),
    };
    record(db, &txn, &e, step).await?;
    let rated = event::Entity::find()
        .filter(event::Column::ProvinceCode.eq(e.province_code.as_str()))
        .filter(event::Column::Id.eq(e.id))
        .one(&*txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    super::tallies::moved(&*txn, Some(&e), &rated).await?;
    txn.commit().await?;
    Ok(rated)
}
