//! The yearly reference wages (e.g. last year's average wage) a policy's pay is computed from, per
//! region, inherited down the tree.
use super::{list, path_of, province_of};
use crate::Db;
use crate::access::Access;
use crate::entity::reference_wage;
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::editable;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shegong_domain::Permission;
use shegong_domain::policy::Fen;
use shegong_domain::{FieldError, RegionCode};
use std::collections::HashMap;
use uuid::Uuid;

/// Sets a region's reference wage (e.g. last year's average wage) for a year, in fen.
pub async fn set_reference_wage(
    db: &Db,
    access: &Access,
    region: &str,
    key: &str,
    year: i32,
    annual_fen: Fen,
) -> Result<reference_wage::Model> {
    access.require(Permission::ApplyPolicy)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let mut errors = Vec::new();
    let region = RegionCode::parse(region).ok().filter(|r| scope.allows_region(r.as_str()));
    if region.is_none() {
        errors.push(FieldError::new("region_out_of_scope", "region", "区划无效或不在您的管辖范围内"));
    }
    // Only a wage some policy reads: a typo would be stored and never used.
    let mut known: Vec<String> = Vec::new();
    for m in list(db).await? {
        if let Ok(p) = shegong_domain::policy::Policy::parse(&m.body) {
            known.extend(p.pay.reference_keys().into_iter().map(str::to_string));
        }
    }
    if !known.iter().any(|k| k == key) {
        known.sort();
        known.dedup();
        errors.push(FieldError::new(
            "wage_key",
            "key",
            format!(
                "没有政策使用这项参照工资；可录入：{}",
                known.iter().map(|k| shegong_domain::policy::reference_wage_label(k)).collect::<Vec<_>>().join("、")
            ),
        ));
    }
    if !(2000..=2100).contains(&year) {
        errors.push(FieldError::new("year_invalid", "year", "年度应在2000至2100之间"));
    }
    if !(100_000..=100_000_000).contains(&annual_fen) {
        errors.push(FieldError::new("wage_amount", "annual_yuan", "年平均工资应在1000元至100万元之间"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let region = region.expect("checked");
    let txn = db.begin_write().await?;
    let existing = reference_wage::Entity::find()
        .filter(reference_wage::Column::ProvinceCode.eq(region.province()))
        .filter(reference_wage::Column::RegionCode.eq(region.as_str()))
        .filter(reference_wage::Column::Key.eq(key))
        .filter(reference_wage::Column::Year.eq(year))
        .one(&txn)
        .await?;
    let m = match existing {
        Some(e) => {
            let mut am: reference_wage::ActiveModel = e.into();
            am.annual_fen = Set(annual_fen);
            am.set_by = Set(actor.username.clone());
            am.set_at = Set(Utc::now());
            am.update(&txn).await?
        }
        None => {
            reference_wage::ActiveModel {
                province_code: Set(region.province().into()),
                id: Set(Uuid::now_v7()),
                region_code: Set(region.to_string()),
                key: Set(key.into()),
                year: Set(year),
                annual_fen: Set(annual_fen),
                set_by: Set(actor.username.clone()),
                set_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?
        }
    };
    crate::audit::entry(actor, "policy.reference_wage", region.as_str())
        .target(format!("{key} {year}"))
        .detail(shegong_domain::pay::yuan(annual_fen))
        .save(&txn)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// Reference wages for many regions: the nearest region on the path that has one wins.
pub struct Wages {
    rows: HashMap<(String, String, i32), Fen>,
}

impl Wages {
    pub async fn load(db: &impl ConnectionTrait, region: &str) -> Result<Wages> {
        let mut rows = reference_wage::Entity::find()
            .filter(reference_wage::Column::ProvinceCode.eq(province_of(region)))
            .filter(reference_wage::Column::RegionCode.is_in(path_of(region)))
            .all(db)
            .await?;
        rows.extend(
            reference_wage::Entity::find()
                .filter(reference_wage::Column::ProvinceCode.eq(province_of(region)))
                .filter(in_subtree(reference_wage::Column::RegionCode, region))
                .filter(reference_wage::Column::RegionCode.ne(region))
                .all(db)
                .await?,
        );
        Ok(Wages { rows: rows.into_iter().map(|r| ((r.region_code, r.key, r.year), r.annual_fen)).collect() })
    }

    pub fn get(&self, region: &str, key: &str, year: i32) -> Option<Fen> {
        path_of(region).into_iter().find_map(|p| self.rows.get(&(p, key.to_string(), year)).copied())
    }

    /// Every stored row, for display.
    pub fn all(&self) -> Vec<(String, String, i32, Fen)> {
        let mut v: Vec<_> = self.rows.iter().map(|((r, k, y), f)| (r.clone(), k.clone(), *y, *f)).collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_run_from_the_region_up() {
        assert_eq!(super::path_of("330481001001"), ["330481001001", "330481001", "330481", "3304", "33"]);
        assert_eq!(super::path_of("33"), ["33"]);
    }
}
