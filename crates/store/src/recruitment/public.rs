//! The public side of recruitment: the rounds announced (published, or closed after being
//! published) and one announcement with its posts. A draft, approved or withdrawn plan is as absent as
//! nothing.

use super::rounds::{Round, posts_of};
use crate::Db;
use crate::entity::recruitment_round as round;
use crate::error::{Result, StoreError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shegong_domain::status::{RecruitmentStatus, Status};
use uuid::Uuid;

/// The announced rounds anyone may read (published or closed), newest first, every province's.
pub async fn announced(db: &Db) -> Result<Vec<round::Model>> {
    let mut out = Vec::new();
    for p in crate::regions::provinces(&db.conn).await? {
        out.extend(
            round::Entity::find()
                .filter(round::Column::ProvinceCode.eq(p))
                .filter(
                    round::Column::Status
                        .is_in([RecruitmentStatus::Published.as_str(), RecruitmentStatus::Closed.as_str()]),
                )
                // A draft withdrawn was never announced.
                .filter(round::Column::PublishedAt.is_not_null())
                .all(&db.conn)
                .await?,
        );
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.published_at));
    Ok(out)
}

/// One announced round with its posts, for the public page; a draft is as absent as nothing.
pub async fn announcement(db: &Db, id: Uuid) -> Result<Round> {
    for p in crate::regions::provinces(&db.conn).await? {
        if let Some(r) = round::Entity::find_by_id((p, id)).one(&db.conn).await? {
            let public = r.published_at.is_some()
                && matches!(
                    RecruitmentStatus::parse(&r.status),
                    Some(RecruitmentStatus::Published | RecruitmentStatus::Closed)
                );
            if !public {
                return Err(StoreError::NotFound);
            }
            let posts = posts_of(db, &r).await?;
            return Ok(Round { round: r, posts });
        }
    }
    Err(StoreError::NotFound)
}
