//! The search keys of every worker (`worker_search`), written with the name and ID number they come
//! from: the keys a name is found by (`shegong_domain::search::name_keys`) and the ID number reversed.
//! A query is a key range on the table's primary key, inside one province.

use crate::Db;
use crate::bulk;
use crate::entity::worker;
use crate::error::Result;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Value};
use shegong_domain::search::{id_tail_key, name_keys, prefix_end, query_key, whole_keys};
use uuid::Uuid;

pub(crate) const TABLE: &str = "worker_search";
const COLS: [&str; 4] = ["province_code", "kind", "key", "worker_id"];

/// What a key was made from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(i16)]
pub enum Kind {
    /// The name, its 拼音 and its initials.
    Name = 0,
    /// The ID number, reversed: its last digits are a prefix.
    IdTail = 1,
    /// The whole name, its whole 拼音 and its whole initials (the name's other keys are `Name`):
    /// found like the others, and what a search ranks first.
    Whole = 2,
}

/// One search key of one worker.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    province: String,
    kind: i16,
    key: String,
    worker: Uuid,
}

fn key(province: &str, worker: Uuid, kind: Kind, key: String) -> Key {
    Key { province: province.to_string(), kind: kind as i16, key, worker }
}

/// One worker's keys.
pub(crate) fn keys(province: &str, worker: Uuid, name: &str, id_number: &str) -> Vec<Key> {
    let mut out = name_keys_of(province, worker, name);
    out.push(id_tail(province, worker, id_number));
    out
}

/// A name's keys: the whole name's as `Whole`, the other fragments' as `Name`.
fn name_keys_of(province: &str, worker: Uuid, name: &str) -> Vec<Key> {
    let whole = whole_keys(name);
    name_keys(name)
        .into_iter()
        .map(|k| {
            let kind = if whole.contains(&k) { Kind::Whole } else { Kind::Name };
            key(province, worker, kind, k)
        })
        .collect()
}

/// The key a worker's ID number's last digits find them by.
fn id_tail(province: &str, worker: Uuid, id_number: &str) -> Key {
    key(province, worker, Kind::IdTail, id_tail_key(id_number))
}

/// Writes keys made with [`keys`] (for workers that have none yet), in the order of the table's
/// primary key: each multi-row insert then fills neighbouring pages of the index instead of one
/// page here and one there (a fifth faster for an import's thousands, far more into an empty table).
pub(crate) async fn insert(db: &impl ConnectionTrait, keys: Vec<Key>) -> Result<u64> {
    let n = keys.len() as u64;
    bulk::run(db, statements(db.get_database_backend(), keys)).await?;
    Ok(n)
}

/// The statements [`insert`] runs, the keys sorted first.
pub(crate) fn statements(
    backend: sea_orm::DbBackend,
    mut keys: Vec<Key>,
) -> impl Iterator<Item = sea_orm::Statement> + Send + use<> {
    keys.sort_unstable();
    let rows = keys
        .into_iter()
        .map(|k| vec![Value::from(k.province), Value::from(k.kind), Value::from(k.key), Value::from(k.worker)])
        .collect();
    bulk::statements(backend, TABLE, &COLS, rows)
}

/// Replaces one worker's keys after their name or ID number changed.
pub(crate) async fn replace(db: &impl ConnectionTrait, w: &worker::Model) -> Result<()> {
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "DELETE FROM worker_search WHERE province_code = $1 AND worker_id = $2",
            _ => "DELETE FROM worker_search WHERE province_code = ? AND worker_id = ?",
        },
        [w.province_code.clone().into(), w.id.into()],
    ))
    .await?;
    insert(db, keys(&w.province_code, w.id, &w.name, &w.id_number)).await?;
    Ok(())
}

/// The workers of `province` a query finds: `kind`'s keys starting with the query, as a subquery
/// for `workers.id IN (…)`. `None` when the query has nothing to match.
pub fn matching(province: &str, kind: Kind, q: &str) -> Option<SelectStatement> {
    let (key, kinds) = match kind {
        Kind::Name | Kind::Whole => (query_key(q)?, vec![Kind::Name as i16, Kind::Whole as i16]),
        Kind::IdTail => (id_tail_key(q), vec![Kind::IdTail as i16]),
    };
    let end = prefix_end(&key);
    Some(
        Query::select()
            .column(Alias::new("worker_id"))
            .from(Alias::new(TABLE))
            .and_where(Expr::col(Alias::new("province_code")).eq(province))
            .and_where(Expr::col(Alias::new("kind")).is_in(kinds))
            .and_where(Expr::col(Alias::new("key")).gte(key))
            .and_where(Expr::col(Alias::new("key")).lt(end))
            .to_owned(),
    )
}

/// The workers of `province` a name query finds, each once with its `search_rank`: 0 when their
/// whole name, 拼音 or initials is the query, 1 when one of them begins with it, 2 for a fragment
/// inside (as [`shegong_domain::search::rank`]), read from the keys' index range alone. `None` when
/// the query has nothing to match.
pub fn ranks(province: &str, q: &str) -> Option<SelectStatement> {
    let key = query_key(q)?;
    let end = prefix_end(&key);
    let whole = Kind::Whole as i16;
    let rank = Expr::case(Expr::col(Alias::new("kind")).eq(whole).and(Expr::col(Alias::new("key")).eq(key.clone())), 0)
        .case(Expr::col(Alias::new("kind")).eq(whole), 1)
        .finally(2);
    Some(
        Query::select()
            .column(Alias::new("worker_id"))
            .expr_as(Expr::expr(rank).min(), Alias::new("search_rank"))
            .from(Alias::new(TABLE))
            .and_where(Expr::col(Alias::new("province_code")).eq(province))
            .and_where(Expr::col(Alias::new("kind")).is_in([Kind::Name as i16, whole]))
            .and_where(Expr::col(Alias::new("key")).gte(key))
            .and_where(Expr::col(Alias::new("key")).lt(end))
            .group_by_col(Alias::new("worker_id"))
            .to_owned(),
    )
}

/// Whether a worker's whole name, 拼音 or initials is `q` (`exact`) or begins with it: an
/// `EXISTS` on the worker's own keys, for ranking a search (see [`shegong_domain::search::rank`]).
pub fn whole_match(province: &str, q: &str, exact: bool) -> Option<sea_orm::sea_query::SimpleExpr> {
    let key = query_key(q)?;
    let mut sub = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new(TABLE))
        .and_where(Expr::col((Alias::new(TABLE), Alias::new("province_code"))).eq(province))
        .and_where(Expr::col((Alias::new(TABLE), Alias::new("worker_id"))).equals((worker::Entity, worker::Column::Id)))
        .and_where(Expr::col((Alias::new(TABLE), Alias::new("kind"))).eq(Kind::Whole as i16))
        .to_owned();
    if exact {
        sub.and_where(Expr::col((Alias::new(TABLE), Alias::new("key"))).eq(key));
    } else {
        let end = prefix_end(&key);
        sub.and_where(Expr::col((Alias::new(TABLE), Alias::new("key"))).gte(key))
            .and_where(Expr::col((Alias::new(TABLE), Alias::new("key"))).lt(end));
    }
    Some(Expr::exists(sub))
}

/// Writes the keys of these kinds of every worker of `province` anew (a database from before the
/// keys existed, a bulk load). Returns how many keys.
pub async fn rebuild_province(db: &Db, province: &str, kinds: &[Kind]) -> Result<u64> {
    let all = province_keys(db, province, kinds).await?;
    let txn = db.begin_write().await?;
    for clear in clear_statements(db.backend(), province, kinds) {
        txn.execute_raw(clear).await?;
    }
    // All of them sorted at once: the index is then written front to back.
    let n = insert(&*txn, all).await?;
    txn.commit().await?;
    Ok(n)
}

/// The keys of these kinds of every worker of `province`, as stored (committed data).
pub(crate) async fn province_keys(db: &Db, province: &str, kinds: &[Kind]) -> Result<Vec<Key>> {
    let people: Vec<(Uuid, String, String)> = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::Name)
        .column(worker::Column::IdNumber)
        .filter(worker::Column::ProvinceCode.eq(province))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let kinds = with_whole(kinds);
    let mut all = Vec::new();
    for (id, name, number) in &people {
        if kinds.contains(&Kind::Name) {
            all.extend(name_keys_of(province, *id, name));
        }
        if kinds.contains(&Kind::IdTail) {
            all.push(id_tail(province, *id, number));
        }
    }
    Ok(all)
}

/// The statements that delete the keys of these kinds of every worker of `province`.
pub(crate) fn clear_statements(backend: sea_orm::DbBackend, province: &str, kinds: &[Kind]) -> Vec<sea_orm::Statement> {
    let sql = match backend {
        sea_orm::DbBackend::Postgres => "DELETE FROM worker_search WHERE province_code = $1 AND kind = $2",
        _ => "DELETE FROM worker_search WHERE province_code = ? AND kind = ?",
    };
    with_whole(kinds)
        .iter()
        .map(|k| sea_orm::Statement::from_sql_and_values(backend, sql, [province.into(), (*k as i16).into()]))
        .collect()
}

/// The name's keys are of two kinds.
fn with_whole(kinds: &[Kind]) -> Vec<Kind> {
    let mut kinds = kinds.to_vec();
    if kinds.contains(&Kind::Name) {
        kinds.push(Kind::Whole);
    }
    kinds
}

/// Both kinds of keys.
pub const ALL: [Kind; 2] = [Kind::Name, Kind::IdTail];

/// Writes the keys of `province` when it has none yet (a database from before the keys existed).
/// Cheap when there is nothing to do.
pub async fn backfill(db: &Db, province: &str) -> Result<()> {
    // A province without whole-name keys has none, or those written before the whole name was a
    // kind of its own: both are written anew.
    if !has_keys(db, province).await? {
        tracing::info!(province = %province, "building the search keys");
        rebuild_province(db, province, &ALL).await?;
    }
    Ok(())
}

async fn has_keys(db: &Db, province: &str) -> Result<bool> {
    let q = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("province_code")).eq(province))
        .and_where(Expr::col(Alias::new("kind")).eq(Kind::Whole as i16))
        .limit(1)
        .to_owned();
    Ok(db.conn.query_one(&q).await?.is_some())
}
