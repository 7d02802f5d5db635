//! The registry rows an import looks at: ID numbers already registered, the archives its reservations have become, and
//! releasing the reservations when it ends.

use crate::entity::{id_registry, import_reservation, worker};
use crate::error::Result;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashSet;
use uuid::Uuid;

/// The ID numbers among these that are in the registry.
pub(super) async fn registered(db: &impl ConnectionTrait, ids: Vec<String>) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(500) {
        let found: Vec<String> = id_registry::Entity::find()
            .select_only()
            .column(id_registry::Column::IdNumber)
            .filter(id_registry::Column::IdNumber.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(found);
    }
    Ok(out)
}

/// The workers of `province` among these ids that exist.
pub(super) async fn existing(db: &impl ConnectionTrait, province: &str, ids: Vec<Uuid>) -> Result<HashSet<Uuid>> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(500) {
        let found: Vec<Uuid> = worker::Entity::find()
            .select_only()
            .column(worker::Column::Id)
            .filter(worker::Column::ProvinceCode.eq(province))
            .filter(worker::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(found);
    }
    Ok(out)
}

/// Ends an import's reservations: a reserved ID number whose archive was not made leaves the
/// registry (nobody is kept from registering that person), and the reservations go.
pub(super) async fn release(txn: &DatabaseTransaction, province: &str, run: Uuid) -> Result<()> {
    let reserved =
        import_reservation::Entity::find().filter(import_reservation::Column::ImportId.eq(run)).all(txn).await?;
    let made = existing(txn, province, reserved.iter().map(|r| r.worker_id).collect()).await?;
    let orphans: Vec<(String, Uuid)> =
        reserved.into_iter().filter(|r| !made.contains(&r.worker_id)).map(|r| (r.id_number, r.worker_id)).collect();
    for chunk in orphans.chunks(500) {
        id_registry::Entity::delete_many()
            .filter(id_registry::Column::IdNumber.is_in(chunk.iter().map(|(id, _)| id.clone())))
            .filter(id_registry::Column::WorkerId.is_in(chunk.iter().map(|(_, w)| *w)))
            .exec(txn)
            .await?;
    }
    import_reservation::Entity::delete_many().filter(import_reservation::Column::ImportId.eq(run)).exec(txn).await?;
    Ok(())
}
