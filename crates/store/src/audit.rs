//! The audit log: who did or looked at what, when.

use crate::Db;
use crate::entity::audit;
use crate::error::Result;
use crate::regions::in_subtree;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use shegong_domain::Scope;
use uuid::Uuid;

/// The acting user, as storage records it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub username: String,
    pub role: String,
    pub region_code: String,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            username: "system".into(),
            role: "system".into(),
            region_code: "00".into(),
        }
    }
}

pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    region_code: &str,
    target: Option<String>,
    detail: Option<String>,
) -> Result<()> {
    let region = if region_code.len() >= 2 {
        region_code
    } else {
        &actor.region_code
    };
    audit::ActiveModel {
        province_code: Set(region.get(..2).unwrap_or("00").to_string()),
        id: Set(Uuid::now_v7()),
        at: Set(Utc::now()),
        username: Set(actor.username.clone()),
        role: Set(actor.role.clone()),
        action: Set(action.to_string()),
        region_code: Set(region.to_string()),
        target: Set(target),
        detail: Set(detail),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest entries in scope, a page at a time.
pub async fn list(db: &Db, scope: &Scope, page: u64, per_page: u64) -> Result<(Vec<audit::Model>, u64)> {
    let q = audit::Entity::find().filter(in_subtree(audit::Column::RegionCode, scope.region().as_str()));
    let total = q.clone().count(&db.conn).await?;
    let rows = q
        .order_by_desc(audit::Column::At)
        .order_by_desc(audit::Column::Id)
        .paginate(&db.conn, per_page)
        .fetch_page(page)
        .await?;
    Ok((rows, total))
}
