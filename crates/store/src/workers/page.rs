//! One page of the worker list: a name search in the default order ranked by how well each name
//! answers it, any other the filtered list in its order.

use super::list::{WorkerFilter, ranked_name, scope_condition};
use crate::Db;
use crate::entity::worker;
use crate::error::Result;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shegong_domain::Scope;

/// One page of the scoped, filtered list, and the total.
pub async fn list(
    db: &Db,
    scope: &Scope,
    filter: &WorkerFilter,
    today: NaiveDate,
    page: u64,
    per_page: u64,
) -> Result<(Vec<worker::Model>, u64)> {
    let filter = &filter.named(db, scope).await?;
    let offset = page.saturating_sub(1).saturating_mul(per_page);
    if let Some(q) = ranked_name(filter) {
        return ranked(db, scope, filter, today, q, offset, per_page).await;
    }
    let (count, rows) = super::list::queries(filter, scope, today, page, per_page)?;
    let total = count.count(&db.conn).await?;
    let rows = rows.all(&db.conn).await?;
    Ok((rows, total))
}

/// The statement of [`ranked`]: the page's ids, best match first, each with the count of all matches.
/// `None` when the query has nothing to match. Public so that a test can ask each engine for its plan.
pub fn ranked_query(
    filter: &WorkerFilter,
    scope: &Scope,
    today: NaiveDate,
    q: &str,
    offset: u64,
    limit: u64,
) -> Result<Option<sea_orm::sea_query::SelectStatement>> {
    use sea_orm::sea_query::{Alias, Order, Query};
    use worker::Column as C;
    // The filter's own checks, the query's included; the match itself is the join below.
    filter.condition(scope, today)?;
    let Some(ranks) = crate::search::ranks(scope.region().province(), q) else { return Ok(None) };
    let cond = WorkerFilter { q: None, ..filter.clone() }.condition(scope, today)?;
    let s = Alias::new("s");
    Ok(Some(
        Query::select()
            .column((worker::Entity, C::Id))
            .expr(Expr::cust("COUNT(*) OVER ()"))
            .from(worker::Entity)
            .join_subquery(
                sea_orm::JoinType::InnerJoin,
                ranks,
                s.clone(),
                Expr::col((s.clone(), Alias::new("worker_id"))).equals((worker::Entity, C::Id)),
            )
            .cond_where(cond)
            .order_by((s, Alias::new("search_rank")), Order::Asc)
            .order_by((worker::Entity, C::RegionCode), Order::Asc)
            .order_by((worker::Entity, C::Name), Order::Asc)
            .order_by((worker::Entity, C::Id), Order::Asc)
            .limit(limit)
            .offset(offset)
            .to_owned(),
    ))
}

/// A name search in the default order, best match first (the whole name, then names beginning with
/// the query: [`shegong_domain::search::rank`]), then the list's own order. One statement ranks the
/// matches from their search keys (one pass over the keys' index range), orders only their ids and
/// counts them alongside (`COUNT(*) OVER ()`); then the page's rows are read in full. Ranking with a
/// correlated lookup per match and sorting whole rows, counted in a second pass, took 4–5 ms for `王`
/// at province level; returning every match to rank here costs a hand-over between threads per row.
pub(crate) async fn ranked(
    db: &Db,
    scope: &Scope,
    filter: &WorkerFilter,
    today: NaiveDate,
    q: &str,
    offset: u64,
    limit: u64,
) -> Result<(Vec<worker::Model>, u64)> {
    use sea_orm::ConnectionTrait;
    use worker::Column as C;
    let Some(stmt) = ranked_query(filter, scope, today, q, offset, limit)? else { return Ok((vec![], 0)) };
    let found = db.conn.query_all(&stmt).await?;
    let mut ids = Vec::with_capacity(found.len());
    let mut total = None;
    for r in &found {
        ids.push(r.try_get_by_index::<uuid::Uuid>(0)?);
        total = Some(r.try_get_by_index::<i64>(1)?);
    }
    let Some(total) = total else {
        // A page past the end: nothing to rank, only to count.
        let total = worker::Entity::find().filter(filter.condition(scope, today)?).count(&db.conn).await?;
        return Ok((vec![], total));
    };
    let mut rows = worker::Entity::find()
        .filter(scope_condition(scope))
        .filter(C::Id.is_in(ids.iter().copied()))
        .all(&db.conn)
        .await?;
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}
