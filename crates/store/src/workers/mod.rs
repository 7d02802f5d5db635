//! The workers' archives, read and written through the caller's scope.

pub mod attachments;
mod corrections;
mod create;
mod exit;
mod grid_duties;
pub(crate) mod list;
mod new_archives;
mod page;
pub mod pick;
mod read;
pub(crate) mod records;
mod summary;
mod update;

pub use corrections::{
    corrections, pending_corrections, pending_page, reject_correction, request_correction, resolve_correction,
};
pub use create::{ACTIVE_ELSEWHERE, create, create_in};
pub(crate) use create::{insert_appointment, insert_certificate, insert_education, refresh_derived};
pub use exit::exit;
pub use list::{WorkerFilter, for_each, list_after, queries, ranked_name};
pub(crate) use new_archives::write_new;
pub use page::{list, ranked_query};
pub(crate) use read::find_scoped;
pub(crate) use read::names_in_province;
pub use read::{Archive, ID_NUMBER_FIELD, archive, community_names, get, history, labels_of, names_of};
pub use records::{add_agreement, add_appointment, add_certificate, add_education, parse_appointment};
pub use summary::{Summary, count_by_child, summary};
pub(crate) use summary::{active_count_by_community, certified_by_community};
pub use update::{WorkerPatch, update};

use crate::audit::Actor;
use crate::entity::{region, worker, worker_change};
use crate::error::{Result, StoreError};
use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, Set};
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{FieldError, RegionCode, Scope};
use uuid::Uuid;

/// Collects history rows for one write and inserts them together.
pub(crate) struct Changes<'a> {
    worker: &'a worker::Model,
    actor: &'a Actor,
    at: chrono::DateTime<Utc>,
    rows: Vec<worker_change::ActiveModel>,
}

impl<'a> Changes<'a> {
    pub(crate) fn new(worker: &'a worker::Model, actor: &'a Actor) -> Self {
        Self { worker, actor, at: Utc::now(), rows: Vec::new() }
    }

    pub(crate) fn push(&mut self, section: &str, field: &str, before: Option<String>, after: Option<String>) {
        if before == after {
            return;
        }
        self.rows.push(worker_change::ActiveModel {
            province_code: Set(self.worker.province_code.clone()),
            id: Set(Uuid::now_v7()),
            worker_id: Set(self.worker.id),
            region_code: Set(self.worker.region_code.clone()),
            changed_at: Set(self.at),
            actor: Set(self.actor.username.clone()),
            section: Set(section.to_string()),
            field: Set(field.to_string()),
            before: Set(before),
            after: Set(after),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(crate) async fn save(self, txn: &DatabaseTransaction) -> Result<()> {
        if !self.rows.is_empty() {
            worker_change::Entity::insert_many(self.rows).exec_without_returning(txn).await?;
        }
        Ok(())
    }
}

pub(crate) fn d(x: NaiveDate) -> String {
    x.format("%Y-%m-%d").to_string()
}

async fn community_in_scope(db: &impl ConnectionTrait, scope: &Scope, code: &RegionCode) -> Result<region::Model> {
    let not_found = || {
        StoreError::invalid(FieldError::new(
            "community_not_found",
            "community_code",
            format!("社区代码 {code} 不存在或不在您的管辖范围内"),
        ))
    };
    if !scope.allows_region(code.as_str()) || scope.only_worker().is_some() {
        return Err(not_found());
    }
    region::Entity::find_by_id(code.to_string()).one(db).await?.filter(|r| r.level == "community").ok_or_else(not_found)
}

/// An archive whose person has left is read-only: it changes again only when they are registered
/// again (or through a correction request that an admin handles after re-registration).
pub(crate) fn still_serving(w: &worker::Model) -> Result<()> {
    if w.status == WorkerStatus::Active.as_str() {
        Ok(())
    } else {
        Err(StoreError::invalid(FieldError::new(
            "worker_exited",
            "status",
            "该人员已退出，档案只读；如需修改请先重新聘用",
        )))
    }
}

pub(crate) fn editable(scope: &Scope) -> Result<()> {
    if scope.only_worker().is_some() {
        return Err(StoreError::Forbidden("本人只能查看档案并申请更正"));
    }
    Ok(())
}

/// At most this many records of one kind in an archive (a career holds a few dozen at most): a
/// script posting thousands would make the archive and its 登记表 unreadable.
pub const MAX_RECORDS: u64 = 100;

/// `w`'s appointments not ended yet (their present post, or none once exited).
pub(crate) async fn open_appointments(
    txn: &impl ConnectionTrait,
    w: &worker::Model,
) -> Result<Vec<crate::entity::appointment::Model>> {
    use crate::entity::appointment::{Column, Entity};
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(Entity::find()
        .filter(Column::ProvinceCode.eq(&w.province_code))
        .filter(Column::WorkerId.eq(w.id))
        .filter(Column::EndDate.is_null())
        .all(txn)
        .await?)
}

/// Refuses a record of `kind` (`what`: 学历…) when `w`'s archive already holds [`MAX_RECORDS`] of them.
pub(crate) async fn room_for<E: sea_orm::EntityTrait>(
    txn: &impl ConnectionTrait,
    _kind: E,
    w: &worker::Model,
    what: &str,
) -> Result<()>
where
    E::Model: Sync,
{
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{PaginatorTrait, QueryFilter};
    let existing = E::find()
        .filter(Expr::col("province_code").eq(w.province_code.as_str()))
        .filter(Expr::col("worker_id").eq(w.id))
        .count(txn)
        .await?;
    if existing >= MAX_RECORDS {
        return Err(StoreError::invalid(FieldError::new(
            "records_full",
            "archive",
            format!("每份档案最多记录{MAX_RECORDS}条{what}，已达上限"),
        )));
    }
    Ok(())
}
