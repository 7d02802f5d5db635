//! The reserve pool (后备力量): candidates for each community's 两委, against the ratio the policy
//! in force asks for (六盘水: 1∶3, read as three candidates per 两委 seat).

use crate::Db;
use crate::access::Access;
use crate::entity::{region, reserve, worker};
use crate::error::{Result, StoreError};
use crate::policies::Resolver;
use crate::regions::in_subtree;
use crate::workers::editable;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_domain::codes::{EDUCATION, POLITICAL_STATUS};
use shegong_domain::person::{Gender, PersonName};
use shegong_domain::worker::parse_date;
use shegong_domain::{FieldError, RegionCode, RegionLevel, Scope};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReserveInput {
    pub community_code: String,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    pub education: Option<String>,
    pub political_status: String,
    pub current_post: Option<String>,
    pub note: Option<String>,
}

fn opt(s: &Option<String>, max: usize) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(max).collect())
}

/// Adds a candidate to a community's reserve pool; every field is checked first.
pub async fn add(db: &Db, access: &Access, i: &ReserveInput, today: NaiveDate) -> Result<reserve::Model> {
    access.require(Permission::ManageReserves)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let mut errors = Vec::new();
    let community = RegionCode::parse(&i.community_code)
        .ok()
        .filter(|c| c.level() == RegionLevel::Community && scope.allows_region(c.as_str()));
    if community.is_none() {
        errors.push(FieldError::new("community_out_of_scope", "community_code", "所在社区无效或不在您的管辖范围内"));
    }
    let name = PersonName::parse(&i.name).map_err(|e| errors.push(e)).ok();
    let gender = Gender::from_code(&i.gender);
    if gender.is_none() {
        errors.push(FieldError::new("gender_invalid", "gender", "性别应为“男”或“女”"));
    }
    let birth = parse_date("birth_date", "出生日期", &i.birth_date)
        .and_then(|b| {
            let b = shegong_domain::dates::past("birth_date", "出生日期", b, today)?;
            if shegong_domain::dates::birthday(b, 18) > today {
                return Err(FieldError::new("reserve_too_young", "birth_date", "后备人选应年满18周岁"));
            }
            Ok(b)
        })
        .map_err(|e| errors.push(e))
        .ok();
    let education = match opt(&i.education, 2) {
        Some(e) => EDUCATION.parse(&e).map_err(|e| errors.push(e)).ok(),
        None => None,
    };
    let political = POLITICAL_STATUS.parse(&i.political_status).map_err(|e| errors.push(e)).ok();
    let current_post =
        shegong_domain::text::line("current_post", "现任职务", i.current_post.as_deref().unwrap_or(""), 100)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
    let note = shegong_domain::text::lines("note", "备注", i.note.as_deref().unwrap_or(""), 200)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let community = community.expect("checked");
    crate::regions::get(db, scope, &community).await?;
    let txn = db.begin_write().await?;
    let m = reserve::ActiveModel {
        province_code: Set(community.province().into()),
        id: Set(Uuid::now_v7()),
        region_code: Set(community.to_string()),
        name: Set(name.expect("checked").as_str().into()),
        gender: Set(gender.expect("checked").code().into()),
        birth_date: Set(birth.expect("checked")),
        education: Set(education),
        political_status: Set(political.expect("checked")),
        current_post: Set(current_post),
        note: Set(note),
        added_by: Set(actor.username.clone()),
        added_on: Set(today),
        removed_on: Set(None),
    }
    .insert(&txn)
    .await?;
    crate::audit::entry(actor, "reserve.add", &m.region_code).target(m.id).detail(m.name.clone()).save(&txn).await?;
    txn.commit().await?;
    Ok(m)
}

/// Takes a candidate out of the pool (kept, dated).
pub async fn remove(db: &Db, access: &Access, id: Uuid, today: NaiveDate) -> Result<()> {
    access.require(Permission::ManageReserves)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let r = reserve::Entity::find()
        .filter(reserve::Column::ProvinceCode.eq(scope.region().province()))
        .filter(reserve::Column::Id.eq(id))
        .filter(in_subtree(reserve::Column::RegionCode, scope.region().as_str()))
        .filter(reserve::Column::RemovedOn.is_null())
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let region = r.region_code.clone();
    let mut am = r.into_active_model();
    am.removed_on = Set(Some(today));
    am.update(&txn).await?;
    crate::audit::entry(actor, "reserve.remove", &region).target(id).save(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Current candidates in scope (or in one region of it), by community and name, one page at a time
/// (`page` from 1), with the total. A region outside the scope is not found.
pub async fn list(
    db: &Db,
    scope: &Scope,
    region: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<reserve::Model>, u64)> {
    use sea_orm::PaginatorTrait;
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let prefix = match region.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => {
            let code = shegong_domain::RegionCode::parse(r).map_err(|_| StoreError::NotFound)?;
            scope.narrow(&code).ok_or(StoreError::NotFound)?.region().to_string()
        }
        None => scope.region().to_string(),
    };
    let q = reserve::Entity::find()
        .filter(reserve::Column::ProvinceCode.eq(scope.region().province()))
        .filter(in_subtree(reserve::Column::RegionCode, &prefix))
        .filter(reserve::Column::RemovedOn.is_null());
    let total = q.clone().count(&db.conn).await?;
    let rows = q
        .order_by_asc(reserve::Column::RegionCode)
        .order_by_asc(reserve::Column::Name)
        .order_by_asc(reserve::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(&db.conn)
        .await?;
    Ok((rows, total))
}

/// One community's pool against the ratio.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub community_code: String,
    pub name: String,
    /// Active 两委 members: the seats.
    pub seats: i64,
    pub candidates: i64,
    pub wanted: i64,
    pub per_seat: u32,
}

impl Coverage {
    pub fn short(&self) -> i64 {
        std::cmp::max(self.wanted - self.candidates, 0)
    }
}

/// Every community in scope with its seats, candidates and the number wanted under its policy.
/// Kept between requests (see [`crate::cache`]).
pub async fn coverage(db: &Db, scope: &Scope, on: NaiveDate) -> Result<Vec<Coverage>> {
    let key = format!("reserves::coverage|{scope:?}|{on}");
    db.cache.get_or(key, coverage_now(db, scope, on)).await
}

async fn coverage_now(db: &Db, scope: &Scope, on: NaiveDate) -> Result<Vec<Coverage>> {
    if scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let prefix = scope.region().as_str();
    let province = scope.region().province();
    // Four independent reads, at once.
    let (seats, candidates, resolver, communities) = tokio::try_join!(
        crate::workers::active_count_by_community(
            &db.conn,
            prefix,
            sea_orm::Condition::all().add(worker::Column::TwoCommittees.eq(true)),
        ),
        async {
            Ok::<HashMap<String, i64>, StoreError>(
                reserve::Entity::find()
                    .select_only()
                    .column(reserve::Column::RegionCode)
                    .column_as(Expr::col(reserve::Column::Id).count(), "n")
                    .filter(reserve::Column::ProvinceCode.eq(province))
                    .filter(in_subtree(reserve::Column::RegionCode, prefix))
                    .filter(reserve::Column::RemovedOn.is_null())
                    .group_by(reserve::Column::RegionCode)
                    .into_tuple::<(String, i64)>()
                    .all(&db.conn)
                    .await?
                    .into_iter()
                    .collect(),
            )
        },
        Resolver::load(&db.conn, prefix, on),
        async {
            Ok::<Vec<(String, String)>, StoreError>(
                region::Entity::find()
                    .select_only()
                    .column(region::Column::Code)
                    .column(region::Column::Name)
                    .filter(region::Column::Level.eq(RegionLevel::Community.as_str()))
                    .filter(in_subtree(region::Column::Code, prefix))
                    .order_by_asc(region::Column::Code)
                    .into_tuple()
                    .all(&db.conn)
                    .await?,
            )
        },
    )?;
    Ok(communities
        .into_iter()
        .map(|(code, name)| {
            let per_seat = resolver.resolve(&code).map_or(0, |f| f.policy.reserve.per_seat);
            let s = seats.get(&code).copied().unwrap_or(0);
            Coverage {
                seats: s,
                candidates: candidates.get(&code).copied().unwrap_or(0),
                wanted: s * i64::from(per_seat),
                per_seat,
                community_code: code,
                name,
            }
        })
        .collect())
}

/// Candidates' age today, for lists.
pub fn age(r: &reserve::Model, today: NaiveDate) -> i32 {
    today.years_since(r.birth_date).map_or(0, |y| y as i32)
}
