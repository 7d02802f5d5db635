//! The region tree: a reference table, read through the caller's scope.

use crate::Db;
use crate::entity::region;
use crate::error::{Result, StoreError};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use shegong_domain::region::prefix_range;
use shegong_domain::{FieldError, RegionCode, RegionLevel, Scope};

/// `col` lies in the subtree of `prefix`, as an indexable range on every engine.
pub fn in_subtree<C: ColumnTrait>(col: C, prefix: &str) -> Condition {
    let (low, high) = prefix_range(prefix);
    let mut c = Condition::all().add(col.gte(low));
    if let Some(h) = high {
        c = c.add(col.lt(h));
    }
    c
}

/// [`in_subtree`] for a column named with its table, in a query over several tables.
pub fn in_subtree_of(
    col: (impl sea_orm::sea_query::IntoIden + Clone, impl sea_orm::sea_query::IntoIden + Clone),
    prefix: &str,
) -> Condition {
    let (low, high) = prefix_range(prefix);
    let mut c = Condition::all().add(Expr::col(col.clone()).gte(low));
    if let Some(h) = high {
        c = c.add(Expr::col(col).lt(h));
    }
    c
}

/// The communities under `prefix` (a region's code), in code order.
pub async fn communities_under(db: &impl ConnectionTrait, prefix: &str) -> Result<Vec<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::Level.eq(RegionLevel::Community.as_str()))
        .filter(in_subtree(region::Column::Code, prefix))
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?)
}

/// A region row as files give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow {
    pub code: RegionCode,
    pub name: String,
    pub households: i64,
    pub residents: i64,
    pub urban_rural_class: Option<String>,
}

/// Inserts or updates region rows in one transaction, parents before children. Every row's parent
/// must be in the file or already stored.
pub async fn import(db: &Db, mut rows: Vec<RegionRow>, progress: &dyn Fn(usize)) -> Result<usize> {
    rows.sort_by(|a, b| a.code.as_str().len().cmp(&b.code.as_str().len()).then(a.code.cmp(&b.code)));
    let known: std::collections::HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let mut missing_parents = Vec::new();
    for r in &rows {
        if let Some(p) = r.code.parent()
            && !known.contains(p.as_str())
        {
            missing_parents.push(p.to_string());
        }
    }
    missing_parents.sort();
    missing_parents.dedup();
    let stored: Vec<String> = if missing_parents.is_empty() {
        Vec::new()
    } else {
        region::Entity::find()
            .select_only()
            .column(region::Column::Code)
            .filter(region::Column::Code.is_in(missing_parents.clone()))
            .into_tuple()
            .all(&db.conn)
            .await?
    };
    if let Some(p) = missing_parents.iter().find(|p| !stored.contains(p)) {
        return Err(StoreError::invalid(FieldError::new(
            "region_parent_missing",
            "parent_code",
            format!("上级区划 {p} 不存在，请先导入上级区划"),
        )));
    }
    let txn = db.begin_write().await?;
    let n = rows.len();
    for (i, chunk) in rows.chunks(1000).enumerate() {
        let models = chunk.iter().map(|r| region::ActiveModel {
            code: sea_orm::Set(r.code.to_string()),
            parent_code: sea_orm::Set(r.code.parent().map(|p| p.to_string())),
            level: sea_orm::Set(r.code.level().as_str().to_string()),
            name: sea_orm::Set(r.name.clone()),
            households: sea_orm::Set(r.households),
            residents: sea_orm::Set(r.residents),
            urban_rural_class: sea_orm::Set(r.urban_rural_class.clone()),
        });
        region::Entity::insert_many(models)
            .on_conflict(
                OnConflict::column(region::Column::Code)
                    .update_columns([
                        region::Column::Name,
                        region::Column::Households,
                        region::Column::Residents,
                        region::Column::UrbanRuralClass,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        progress(((i + 1) * 1000).min(n));
    }
    txn.commit().await?;
    db.memo.forget();
    Ok(n)
}

/// Parses a region CSV: either the project's own shape
/// (`code,name,parent_code,level,households,residents,urban_rural_class`) or one of the statistical
/// list's files (`code,name,…`), in which case only code and name are taken.
pub fn parse_csv(text: &str) -> Result<Vec<RegionRow>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = rdr.headers().map_err(|e| anyhow::anyhow!("无法读取表头：{e}"))?.clone();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim()));
    let code_i = col(&["code", "区划代码", "代码"]).ok_or_else(|| {
        StoreError::invalid(FieldError::new("region_csv_header", "code", "区划文件缺少“code”（区划代码）列"))
    })?;
    let name_i = col(&["name", "名称"]).ok_or_else(|| {
        StoreError::invalid(FieldError::new("region_csv_header", "name", "区划文件缺少“name”（名称）列"))
    })?;
    let hh_i = col(&["households", "户数"]);
    let res_i = col(&["residents", "人口", "常住人口"]);
    let urc_i = col(&["urban_rural_class", "城乡分类代码"]);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| anyhow::anyhow!("第{line}行无法读取：{e}"))?;
        let get = |j: Option<usize>| j.and_then(|j| rec.get(j)).map(str::trim).unwrap_or("");
        let code = match RegionCode::parse(get(Some(code_i))) {
            Ok(c) => c,
            Err(e) => {
                errors.push(FieldError { message: format!("第{line}行：{}", e.message), ..e });
                continue;
            }
        };
        let num = |j: Option<usize>, field: &'static str, label: &str, errors: &mut Vec<FieldError>| {
            let s = get(j);
            if s.is_empty() {
                return 0;
            }
            s.parse::<i64>().unwrap_or_else(|_| {
                errors.push(FieldError::new("number_format", field, format!("第{line}行：{label}“{s}”不是整数")));
                0
            })
        };
        let households = num(hh_i, "households", "户数", &mut errors);
        let residents = num(res_i, "residents", "人口", &mut errors);
        let urc = get(urc_i);
        let urban_rural_class = if urc.is_empty() {
            None
        } else {
            match shegong_domain::codes::URBAN_RURAL.parse(urc) {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(FieldError { message: format!("第{line}行：{}", e.message), ..e });
                    None
                }
            }
        };
        let name = get(Some(name_i));
        if name.is_empty() {
            errors.push(FieldError::new("region_name_required", "name", format!("第{line}行：缺少名称")));
        }
        rows.push(RegionRow { code, name: name.to_string(), households, residents, urban_rural_class });
    }
    if errors.is_empty() { Ok(rows) } else { Err(StoreError::Invalid(errors)) }
}

/// A region in the caller's scope; anything outside answers [`StoreError::NotFound`].
pub async fn get(db: &Db, scope: &Scope, code: &RegionCode) -> Result<region::Model> {
    // A department works for its county, not in it: the county itself (its name on every page), and
    // nothing below.
    if !scope.allows_region(code.as_str()) || scope.department().is_some() && code != scope.region() {
        return Err(StoreError::NotFound);
    }
    // Regions change only by an import (which forgets what is kept): read once, kept a while.
    let load = async { region::Entity::find_by_id(code.to_string()).one(&db.conn).await?.ok_or(StoreError::NotFound) };
    db.memo.get_or(format!("region|{code}"), load).await
}

/// The direct children of a region in scope, by code.
pub async fn children(db: &Db, scope: &Scope, code: &RegionCode) -> Result<Vec<region::Model>> {
    get(db, scope, code).await?;
    if scope.department().is_some() {
        return Err(StoreError::NotFound);
    }
    Ok(region::Entity::find()
        .filter(region::Column::ParentCode.eq(code.as_str()))
        .order_by_asc(region::Column::Code)
        .all(&db.conn)
        .await?)
}

/// The chain from the scope's root down to `code` (for breadcrumbs), names only from inside scope.
pub async fn path(db: &Db, scope: &Scope, code: &RegionCode) -> Result<Vec<region::Model>> {
    let mut codes = Vec::new();
    let mut c = Some(code.clone());
    while let Some(x) = c {
        if !scope.allows_region(x.as_str()) {
            break;
        }
        c = x.parent();
        codes.push(x.to_string());
    }
    Ok(region::Entity::find()
        .filter(region::Column::Code.is_in(codes))
        .order_by_asc(region::Column::Code)
        .all(&db.conn)
        .await?)
}

/// Names of the regions a caller may see among `codes`: those in their scope and those above it
/// (the path to it). Codes outside are left out.
pub async fn names_seen(
    db: &Db,
    scope: &Scope,
    codes: Vec<String>,
) -> Result<std::collections::HashMap<String, String>> {
    let here = scope.region().as_str();
    let codes = codes.into_iter().filter(|c| scope.allows_region(c) || here.starts_with(c.as_str())).collect();
    names(&db.conn, codes).await
}

/// Names for a set of codes, whoever may see them: for the store's own use.
pub async fn names(db: &impl ConnectionTrait, codes: Vec<String>) -> Result<std::collections::HashMap<String, String>> {
    let codes: std::collections::BTreeSet<String> = codes.into_iter().collect();
    let codes: Vec<String> = codes.into_iter().collect();
    let mut out = std::collections::HashMap::with_capacity(codes.len());
    // In pieces: a statement binds at most 32,766 values on SQLite.
    for chunk in codes.chunks(10_000) {
        let rows: Vec<(String, String)> = region::Entity::find()
            .select_only()
            .column(region::Column::Code)
            .column(region::Column::Name)
            .filter(region::Column::Code.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, FromQueryResult, serde::Serialize)]
pub struct RegionTotals {
    pub communities: i64,
    pub households: Option<i64>,
    pub residents: Option<i64>,
}

/// Communities, households and residents under a region.
pub async fn totals(db: &Db, scope: &Scope, code: &RegionCode) -> Result<(RegionTotals, i64)> {
    get(db, scope, code).await?;
    if scope.department().is_some() {
        return Err(StoreError::NotFound);
    }
    let t = region::Entity::find()
        .select_only()
        .column_as(Expr::col(region::Column::Code).count(), "communities")
        .column_as(Expr::col(region::Column::Households).sum().cast_as("bigint"), "households")
        .column_as(Expr::col(region::Column::Residents).sum().cast_as("bigint"), "residents")
        .filter(region::Column::Level.eq(RegionLevel::Community.as_str()))
        .filter(in_subtree(region::Column::Code, code.as_str()))
        .into_model::<RegionTotals>()
        .one(&db.conn)
        .await?
        .unwrap_or_default();
    let grids = region::Entity::find()
        .filter(region::Column::Level.eq(RegionLevel::Grid.as_str()))
        .filter(in_subtree(region::Column::Code, code.as_str()))
        .count(&db.conn)
        .await?;
    Ok((t, grids as i64))
}

use sea_orm::PaginatorTrait;

/// Communities in a subtree whose name or code matches (for pickers), limited.
pub async fn search_communities(db: &Db, scope: &Scope, q: &str, limit: u64) -> Result<Vec<region::Model>> {
    if scope.department().is_some() {
        return Ok(vec![]);
    }
    let mut query = region::Entity::find()
        .filter(region::Column::Level.eq(RegionLevel::Community.as_str()))
        .filter(in_subtree(region::Column::Code, scope.region().as_str()));
    let q = q.trim();
    if !q.is_empty() {
        query = query
            .filter(Condition::any().add(region::Column::Name.contains(q)).add(region::Column::Code.starts_with(q)));
    }
    Ok(query.order_by_asc(region::Column::Code).limit(limit).all(&db.conn).await?)
}

/// Code → name of every community in a subtree that is also in the caller's scope (for exports: a
/// few thousand rows a province).
pub async fn community_names_in(
    db: &Db,
    scope: &Scope,
    prefix: &str,
) -> Result<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::Name)
        .filter(region::Column::Level.eq(RegionLevel::Community.as_str()))
        .filter(in_subtree(region::Column::Code, prefix))
        .filter(in_subtree(region::Column::Code, scope.region().as_str()))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Every province's code (the regions without a parent). On Citus `regions` is on every node, so a
/// task over all provinces asks this first and then each province's own tables by name.
pub async fn provinces(db: &impl sea_orm::ConnectionTrait) -> crate::error::Result<Vec<String>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    Ok(crate::entity::region::Entity::find()
        .select_only()
        .column(crate::entity::region::Column::Code)
        .filter(crate::entity::region::Column::ParentCode.is_null())
        .into_tuple()
        .all(db)
        .await?)
}
