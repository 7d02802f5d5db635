//! The reads the steps after the exam share: a round's ticketed applications, one post's, and who
//! an upheld objection has taken out.

use super::rounds::Round;
use crate::entity::{application as app, recruitment_objection as objection, recruitment_round as round};
use crate::error::Result;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The applications holding tickets in a round, and the upheld objections' applicants.
pub(super) async fn ticketed(c: &impl ConnectionTrait, r: &round::Model) -> Result<(Vec<app::Model>, Vec<Uuid>)> {
    let apps = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq(&r.province_code))
        .filter(app::Column::RoundId.eq(r.id))
        .filter(app::Column::Ticket.is_not_null())
        .all(c)
        .await?;
    let out = upheld(c, r).await?;
    Ok((apps, out))
}

/// The one post application `id` is for, with the ticketed applications of that post only (a
/// post's standings need nothing of the others), and the upheld objections' applicants; `None`
/// when the application is not of this round.
pub(super) async fn of_post(
    c: &impl ConnectionTrait,
    r: &Round,
    id: Uuid,
) -> Result<Option<(Round, Vec<app::Model>, Vec<Uuid>)>> {
    let Some(a) = app::Entity::find_by_id((r.round.province_code.clone(), id)).one(c).await? else {
        return Ok(None);
    };
    let Some(p) = r.posts.iter().find(|p| p.id == a.post_id && a.round_id == r.round.id) else {
        return Ok(None);
    };
    let apps = app::Entity::find()
        .filter(app::Column::ProvinceCode.eq(&r.round.province_code))
        .filter(app::Column::RoundId.eq(r.round.id))
        .filter(app::Column::PostId.eq(p.id))
        .filter(app::Column::Ticket.is_not_null())
        .all(c)
        .await?;
    let out = upheld(c, &r.round).await?;
    Ok(Some((Round { round: r.round.clone(), posts: vec![p.clone()] }, apps, out)))
}

/// The applicants an upheld objection keeps from being hired.
pub(super) async fn upheld(c: &impl ConnectionTrait, r: &round::Model) -> Result<Vec<Uuid>> {
    Ok(objection::Entity::find()
        .filter(objection::Column::ProvinceCode.eq(&r.province_code))
        .filter(objection::Column::RoundId.eq(r.id))
        .filter(objection::Column::Upheld.eq(true))
        .all(c)
        .await?
        .into_iter()
        .map(|o| o.application_id)
        .collect())
}
