//! Counts over a region's workers.

use crate::Db;
use crate::entity::worker;
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use serde::Serialize;
use shegong_domain::person::Gender;
use shegong_domain::worker::{CertificateLevel, WorkerStatus};
use shegong_domain::{RegionCode, Scope};

/// Headline figures of the active workers in a region subtree.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub active: i64,
    pub full_time: i64,
    pub two_committees: i64,
    pub college_or_above: i64,
    pub certified: i64,
    pub by_post_category: Vec<(String, i64)>,
    pub by_education: Vec<(String, i64)>,
    pub by_certificate: Vec<(String, i64)>,
    pub by_gender: Vec<(String, i64)>,
}

/// Kept between requests (see [`crate::cache`]).
pub async fn summary(db: &Db, scope: &Scope, region: &RegionCode) -> Result<Summary> {
    let key = format!("workers::summary|{scope:?}|{region:?}");
    db.cache.get_or(key, summary_now(db, scope, region)).await
}

/// Figures for the home and region pages: counts by post category, education bracket,
/// certificate level and gender; full-time and 两委 counts. Only in scope.
async fn summary_now(db: &Db, scope: &Scope, region: &RegionCode) -> Result<Summary> {
    if !scope.allows_region(region.as_str()) || scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let p = region.as_str();
    // One pass over the workers: a count per combination of the six, folded below.
    type Group = (Option<String>, Option<String>, Option<String>, Option<String>, bool, bool, i64);
    let groups: Vec<Group> = crate::scan::all(
        db,
        worker::Entity::find()
            .select_only()
            .columns([
                worker::Column::PostCategory,
                worker::Column::HighestEducation,
                worker::Column::CertificateLevel,
                worker::Column::Gender,
                worker::Column::FullTime,
                worker::Column::TwoCommittees,
            ])
            .column_as(Expr::col(worker::Column::Id).count(), "n")
            .filter(worker::Column::ProvinceCode.eq(region.province()))
            .filter(in_subtree(worker::Column::RegionCode, p))
            .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
            .group_by(worker::Column::PostCategory)
            .group_by(worker::Column::HighestEducation)
            .group_by(worker::Column::CertificateLevel)
            .group_by(worker::Column::Gender)
            .group_by(worker::Column::FullTime)
            .group_by(worker::Column::TwoCommittees)
            .into_query(),
    )
    .await?;
    type Counts = std::collections::BTreeMap<Option<String>, i64>;
    let (mut by_post, mut by_edu, mut by_cert, mut by_gender) =
        (Counts::new(), Counts::new(), Counts::new(), Counts::new());
    let (mut full_time, mut two_committees) = (0, 0);
    for (post, edu, cert, gender, full, two, n) in groups {
        *by_post.entry(post).or_default() += n;
        *by_edu.entry(edu).or_default() += n;
        *by_cert.entry(cert).or_default() += n;
        *by_gender.entry(gender).or_default() += n;
        full_time += if full { n } else { 0 };
        two_committees += if two { n } else { 0 };
    }
    let active: i64 = by_post.values().sum();
    let mut brackets: std::collections::BTreeMap<shegong_domain::codes::EducationBracket, i64> = Default::default();
    for (code, n) in &by_edu {
        *brackets.entry(shegong_domain::codes::education_bracket(code.as_deref().unwrap_or(""))).or_default() += n;
    }
    let college_or_above = by_edu
        .iter()
        .filter(|(c, _)| c.as_deref().is_some_and(shegong_domain::codes::is_college_or_above))
        .map(|(_, n)| n)
        .sum();
    let certified = by_cert.iter().filter(|(c, _)| c.is_some()).map(|(_, n)| n).sum();
    let mut by_certificate: Vec<(String, i64)> = by_cert
        .iter()
        .map(|(c, n)| {
            (c.as_deref().and_then(|c| CertificateLevel::parse(c).ok()).map_or("无证书", |l| l.label()).to_string(), *n)
        })
        .collect();
    by_certificate.sort();
    Ok(Summary {
        active,
        full_time,
        two_committees,
        college_or_above,
        certified,
        by_post_category: by_post
            .into_iter()
            .map(|(c, n)| (shegong_domain::worker::post_category_label(c.as_deref().unwrap_or("")).to_string(), n))
            .collect(),
        by_education: brackets.into_iter().map(|(b, n)| (b.label().to_string(), n)).collect(),
        by_certificate,
        by_gender: by_gender
            .into_iter()
            .map(|(g, n)| (g.as_deref().and_then(Gender::from_code).map_or("未知", |g| g.label()).to_string(), n))
            .collect(),
    })
}

/// Active workers per child region of `region` (the children are one level down).
pub async fn count_by_child(
    db: &Db,
    scope: &Scope,
    region: &RegionCode,
) -> Result<std::collections::HashMap<String, i64>> {
    let key = format!("workers::count_by_child|{scope:?}|{region:?}");
    db.cache.get_or(key, count_by_child_now(db, scope, region)).await
}

async fn count_by_child_now(
    db: &Db,
    scope: &Scope,
    region: &RegionCode,
) -> Result<std::collections::HashMap<String, i64>> {
    if !scope.allows_region(region.as_str()) || scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let Some(child) = region.level().child() else {
        return Ok(Default::default());
    };
    // Workers sit at community level; for a community, group by grid is meaningless.
    if child.code_len() > 12 {
        return Ok(Default::default());
    }
    let len = child.code_len();
    let rows: Vec<(String, i64)> = worker::Entity::find()
        .select_only()
        .column_as(Expr::cust(format!("SUBSTR(region_code, 1, {len})")), "child")
        .column_as(Expr::col(worker::Column::Id).count(), "n")
        .filter(worker::Column::ProvinceCode.eq(region.province()))
        .filter(in_subtree(worker::Column::RegionCode, region.as_str()))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .group_by(Expr::cust(format!("SUBSTR(region_code, 1, {len})")))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Active workers per community under `prefix` who also meet `extra` (e.g. certified, 两委).
pub(crate) async fn active_count_by_community(
    db: &impl ConnectionTrait,
    prefix: &str,
    extra: sea_orm::Condition,
) -> Result<std::collections::HashMap<String, i64>> {
    Ok(worker::Entity::find()
        .select_only()
        .column(worker::Column::RegionCode)
        .column_as(Expr::col(worker::Column::Id).count(), "n")
        .filter(crate::regions::in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        // Lets the (status, province_code, region_code, …) index seek the subtree's range.
        .filter(worker::Column::ProvinceCode.eq(&prefix[..2]))
        .filter(extra)
        .group_by(worker::Column::RegionCode)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Active certified social workers (社工证 holders) per community under `prefix`.
pub(crate) async fn certified_by_community(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<std::collections::HashMap<String, i64>> {
    active_count_by_community(db, prefix, sea_orm::Condition::all().add(worker::Column::CertificateLevel.is_not_null()))
        .await
}
