//! Regions named as people name them: "海洲街道", or with the places above it ("海宁市 海洲街道"), for
//! filters and pickers. A name that fits no region, or several, is refused with the choices.
use crate::Db;
use crate::entity::region;
use crate::error::{Result, StoreError};
use crate::regions::{in_subtree, names};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shegong_domain::{FieldError, RegionCode, Scope};
use std::collections::HashMap;

/// How many regions a picker suggests at most.
pub const SUGGESTIONS: u64 = 20;

/// A region with the names of the places above it inside the caller's view, e.g.
/// ("330481002", "海宁市 海洲街道").
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Named {
    pub code: String,
    pub label: String,
}

async fn labelled(db: &Db, scope: &Scope, rows: Vec<region::Model>) -> Result<Vec<Named>> {
    labelled_below(db, scope.region().as_str().len(), rows).await
}

/// Where each of these communities is, below the caller's own region ("海洲街道 青春社区" for a
/// county's administrator): for lines that name a person's community.
pub(crate) async fn places(db: &Db, scope: &Scope, codes: Vec<String>) -> Result<HashMap<String, String>> {
    let rows = region::Entity::find().filter(region::Column::Code.is_in(codes)).all(&db.conn).await?;
    let below = labelled_below(db, scope.region().as_str().len() + 1, rows).await?;
    Ok(below.into_iter().map(|n| (n.code, n.label)).collect())
}

/// Regions labelled with the places above them whose code is at least `here` characters long.
async fn labelled_below(db: &Db, here: usize, rows: Vec<region::Model>) -> Result<Vec<Named>> {
    let mut prefixes: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            [2, 4, 6, 9].into_iter().filter(|n| *n >= here && *n < r.code.len()).map(|n| r.code[..n].to_string())
        })
        .collect();
    prefixes.sort();
    prefixes.dedup();
    let above = names(&db.conn, prefixes).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut parts: Vec<&str> = [2, 4, 6, 9]
                .into_iter()
                .filter(|n| *n >= here && *n < r.code.len())
                .filter_map(|n| above.get(&r.code[..n]).map(String::as_str))
                .collect();
            parts.push(&r.name);
            Named { label: parts.join(" "), code: r.code }
        })
        .collect())
}

/// Regions in scope whose name contains `q`, or whose 拼音 or initials answer it (`hzjd` → 海洲街道,
/// best match first), the larger first (a county before its streets). Words before the last name
/// places above (`马桥 社区`: the communities of 马桥街道).
pub async fn suggest(db: &Db, scope: &Scope, q: &str, limit: u64) -> Result<Vec<Named>> {
    if scope.department().is_some() {
        return Ok(vec![]);
    }
    // Words without LIKE's wildcards or control characters (a name never holds them; a NUL would end
    // the pattern in SQLite).
    let words: Vec<String> = q
        .split_whitespace()
        .map(|w| w.chars().filter(|c| !matches!(c, '%' | '_' | '\\') && !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect();
    let Some((q, above)) = words.split_last() else {
        return Ok(vec![]);
    };
    if q.chars().count() > 30 || above.len() > 4 || above.iter().any(|w| w.chars().count() > 30) {
        return Ok(vec![]);
    }
    // The places the earlier words name, each narrowing where the last one is looked for.
    let mut under = vec![scope.region().as_str().to_string()];
    for w in above {
        let mut next = Vec::new();
        for root in &under {
            let found = region::Entity::find()
                .filter(in_subtree(region::Column::Code, root))
                .filter(region::Column::Name.contains(w))
                .filter(region::Column::Level.ne("grid"))
                .order_by_asc(region::Column::Code)
                .limit(20)
                .all(&db.conn)
                .await?;
            next.extend(found.into_iter().map(|r| r.code));
        }
        if next.is_empty() {
            return Ok(vec![]);
        }
        next.truncate(20);
        under = next;
    }
    let mut within = sea_orm::Condition::any();
    for root in &under {
        within = within.add(in_subtree(region::Column::Code, root));
    }
    let others = region::Column::Code.is_not_in(if above.is_empty() { vec![] } else { under.clone() });
    if shegong_domain::search::query_key(q).is_some_and(|k| k.chars().all(|c| c.is_ascii_lowercase())) {
        // 拼音 or its initials (`hzjd`, `haizhou`): the places in view, read as written and ranked.
        let named: Vec<(String, String)> = region::Entity::find()
            .select_only()
            .columns([region::Column::Code, region::Column::Name])
            .filter(within)
            .filter(others)
            .filter(region::Column::Level.ne("grid"))
            .into_tuple()
            .all(&db.conn)
            .await?;
        let mut ranked: Vec<(u8, String)> = named
            .into_iter()
            .filter_map(|(code, name)| shegong_domain::search::place_rank(&name, q).map(|r| (r, code)))
            .collect();
        ranked.sort_by(|a, b| (a.0, a.1.len(), &a.1).cmp(&(b.0, b.1.len(), &b.1)));
        ranked.truncate(limit as usize);
        let order: Vec<String> = ranked.into_iter().map(|(_, code)| code).collect();
        let mut rows = region::Entity::find().filter(region::Column::Code.is_in(order.clone())).all(&db.conn).await?;
        rows.sort_by_key(|r| order.iter().position(|c| *c == r.code));
        return labelled(db, scope, rows).await;
    }
    let rows = region::Entity::find()
        .filter(within)
        .filter(others)
        .filter(region::Column::Name.contains(q.as_str()))
        .filter(region::Column::Level.ne("grid"))
        .order_by_asc(sea_orm::sea_query::Expr::cust("LENGTH(code)"))
        .order_by_asc(region::Column::Code)
        .limit(limit)
        .all(&db.conn)
        .await?;
    labelled(db, scope, rows).await
}

/// The region `text` names: a code, a name, or a name after the names of places above it. Errors
/// name the field `field` and, when several regions fit, list them.
pub async fn resolve(db: &Db, scope: &Scope, field: &'static str, text: &str) -> Result<RegionCode> {
    let text = text.trim();
    if let Ok(code) = RegionCode::parse(text) {
        return Ok(code);
    }
    let refuse = |m: String| StoreError::invalid(FieldError::new("region_unknown", field, m));
    if text.is_empty() || text.chars().count() > 100 {
        return Err(refuse("请填写区划名称或代码".into()));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let name = words.last().copied().unwrap_or_default();
    let exact = region::Entity::find()
        .filter(in_subtree(region::Column::Code, scope.region().as_str()))
        .filter(region::Column::Name.eq(name))
        .order_by_asc(region::Column::Code)
        .limit(200)
        .all(&db.conn)
        .await?;
    let found = labelled(db, scope, exact).await?;
    // The places above, as typed, must all appear in the label.
    let fit: Vec<&Named> =
        found.iter().filter(|n| words.iter().all(|w| n.label.split(' ').any(|part| part == *w))).collect();
    match fit.as_slice() {
        [one] => RegionCode::parse(&one.code).map_err(|_| refuse("区划代码无效".into())),
        [] => Err(refuse(format!("您的管辖范围内没有名为“{text}”的区划"))),
        many => Err(refuse(format!(
            "“{text}”有{}处，请从列表中选择或写上所属地方：{}",
            many.len(),
            many.iter().take(5).map(|n| n.label.as_str()).collect::<Vec<_>>().join("；")
        ))),
    }
}
