//! The audit log: who did or looked at what, when.

use crate::Db;
use crate::access::Access;
use crate::entity::audit;
use crate::error::Result;
use crate::regions::in_subtree;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use shegong_domain::Permission;
use uuid::Uuid;

pub use crate::access::Actor;

/// One line of the audit log, written with the command it records: `entry(actor, action, region)`,
/// then what it was done to and how, then `save` in the command's transaction.
#[must_use = "an audit entry is written only by save"]
pub struct Entry<'a> {
    actor: &'a Actor,
    action: &'a str,
    region_code: &'a str,
    target: Option<String>,
    detail: Option<String>,
}

/// An entry of `actor` doing `action` in `region_code` (the actor's own region when empty).
pub fn entry<'a>(actor: &'a Actor, action: &'a str, region_code: &'a str) -> Entry<'a> {
    Entry { actor, action, region_code, target: None, detail: None }
}

impl Entry<'_> {
    /// What the action was done to (a worker's or a round's id, a username…).
    pub fn target(mut self, target: impl ToString) -> Self {
        self.target = Some(target.to_string());
        self
    }

    /// What was done, in words; the log keeps a bounded excerpt of what was typed.
    pub fn detail(self, detail: impl Into<String>) -> Self {
        self.detail_opt(Some(detail.into()))
    }

    pub fn detail_opt(mut self, detail: Option<String>) -> Self {
        self.detail = detail;
        self
    }

    fn row(self) -> audit::ActiveModel {
        let actor = self.actor;
        let region = if self.region_code.len() >= 2 { self.region_code } else { &actor.region_code };
        audit::ActiveModel {
            province_code: Set(region.get(..2).unwrap_or("00").to_string()),
            id: Set(Uuid::now_v7()),
            at: Set(Utc::now()),
            username: Set(actor.username.clone()),
            role: Set(actor.role.clone()),
            action: Set(self.action.to_string()),
            region_code: Set(region.to_string()),
            target: Set(self.target.map(|t| shegong_domain::text::clipped(&t, 64).into_owned())),
            detail: Set(self.detail.map(|d| shegong_domain::text::clipped(&d, 2000).into_owned())),
        }
    }

    /// Writes the entry in the command's own transaction (a write records what it did with it).
    pub async fn save(self, db: &impl ConnectionTrait) -> Result<()> {
        self.row().insert(db).await?;
        Ok(())
    }

    /// Records what a *read* showed: the entry joins the next batch of the log's writer (see
    /// [`crate::audit_queue::Queue`]) and this returns once that batch is committed, so a request that answered has its
    /// entry on disk, while the read itself never takes the write lock.
    pub async fn record(self, db: &Db) -> Result<()> {
        db.audit.record(self.row()).await
    }
}

/// Who acted, as the log shows it: a role's name, or the system (the command line, a task at start).
pub fn role_label(role: &str) -> String {
    match shegong_domain::Role::parse(role) {
        Some(r) => r.label().to_string(),
        None if role == crate::access::Actor::system().role => "系统（命令行或自动任务）".to_string(),
        None => role.to_string(),
    }
}

/// Records that `actor` saw a worker's full ID number, and where (`api`, `page`, `edit`, `history`,
/// the printed form), through the log's own writer ([`Entry::record`]).
pub async fn full_id_viewed(db: &Db, actor: &Actor, region_code: &str, worker_id: Uuid, place: &str) -> Result<()> {
    entry(actor, "worker.view_id_number", region_code).target(worker_id).detail(place).record(db).await
}

/// What the audit log is narrowed to: who, which action, which days (Asia/Shanghai), which region,
/// which people (the entries whose object is one of them).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub action: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// A region code prefix inside the caller's scope.
    pub region: Option<String>,
    /// Worker ids (as stored in `target`).
    pub targets: Option<Vec<String>>,
}

impl AuditFilter {
    fn apply(&self, mut q: sea_orm::Select<audit::Entity>) -> sea_orm::Select<audit::Entity> {
        // Days are Beijing days: 00:00 +08:00 is 16:00 UTC the day before.
        let utc =
            |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - chrono::Duration::hours(8);
        if let Some(u) = &self.user {
            q = q.filter(audit::Column::Username.eq(u.as_str()));
        }
        if let Some(a) = &self.action {
            q = q.filter(audit::Column::Action.eq(a.as_str()));
        }
        if let Some(d) = self.from {
            q = q.filter(audit::Column::At.gte(utc(d)));
        }
        if let Some(d) = self.to.and_then(|d| d.succ_opt()) {
            q = q.filter(audit::Column::At.lt(utc(d)));
        }
        if let Some(r) = &self.region {
            q = q.filter(in_subtree(audit::Column::RegionCode, r));
        }
        if let Some(t) = &self.targets {
            q = q.filter(audit::Column::Target.is_in(t.clone()));
        }
        q
    }
}

/// Entries in scope older than `after` (an entry's time and id; `None` for the newest), newest first,
/// at most `n`: a keyset read, so that reading the whole log is linear in its length.
pub async fn older_than(
    db: &Db,
    access: &Access,
    filter: &AuditFilter,
    after: Option<(chrono::DateTime<Utc>, Uuid)>,
    n: u64,
) -> Result<Vec<audit::Model>> {
    access.require(Permission::ReadAuditLog)?;
    let scope = &access.scope;
    use sea_orm::{Condition, QuerySelect};
    let mut q = audit::Entity::find().filter(in_subtree(audit::Column::RegionCode, scope.region().as_str()));
    if scope.region().as_str().len() >= 2 {
        q = q.filter(audit::Column::ProvinceCode.eq(scope.region().province()));
    }
    q = filter.apply(q);
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any()
                .add(audit::Column::At.lt(at))
                .add(Condition::all().add(audit::Column::At.eq(at)).add(audit::Column::Id.lt(id))),
        );
    }
    Ok(q.order_by_desc(audit::Column::At).order_by_desc(audit::Column::Id).limit(n).all(&db.conn).await?)
}

/// The newest entries in scope, a page at a time.
pub async fn list(
    db: &Db,
    access: &Access,
    filter: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit::Model>, u64)> {
    access.require(Permission::ReadAuditLog)?;
    let scope = &access.scope;
    let mut q = audit::Entity::find().filter(in_subtree(audit::Column::RegionCode, scope.region().as_str()));
    if scope.region().as_str().len() >= 2 {
        q = q.filter(audit::Column::ProvinceCode.eq(scope.region().province()));
    }
    let q = filter.apply(q);
    let total = q.clone().count(&db.conn).await?;
    let rows = q
        .order_by_desc(audit::Column::At)
        .order_by_desc(audit::Column::Id)
        .paginate(&db.conn, per_page)
        .fetch_page(page)
        .await?;
    Ok((rows, total))
}
