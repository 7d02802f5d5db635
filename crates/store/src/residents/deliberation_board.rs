//! One community's deliberation as its page shows it: the places and their 说事长, topics waiting
//! for a meeting, the latest meetings with the topics they took up and their follow-up items, and
//! the items still open.

use super::Reach;
use crate::Db;
use crate::access::Access;
use crate::entity::deliberation_topic as topic;
use crate::entity::{deliberation_item as item, deliberation_meeting as meeting, deliberation_place as place};
use crate::error::{Result, StoreError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use shegong_domain::deliberation::PlaceKind;
use shegong_domain::{RegionCode, RegionLevel};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub meeting: meeting::Model,
    pub place_name: String,
    pub topics: Vec<String>,
    pub items: Vec<item::Model>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Board {
    pub community_code: String,
    pub places: Vec<PlaceView>,
    pub waiting: Vec<topic::Model>,
    pub meetings: Vec<MeetingView>,
    pub open_items: Vec<item::Model>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlaceView {
    #[serde(flatten)]
    pub place: place::Model,
    pub kind_label: String,
}

/// A community's board (a worker: their own community's), the latest 50 meetings.
pub async fn board(db: &Db, access: &Access, community: Option<&RegionCode>) -> Result<Board> {
    let reach = Reach::of(access, community)?;
    let c = reach.prefix().to_string();
    if RegionCode::parse(&c).map_err(|_| StoreError::NotFound)?.level() != RegionLevel::Community {
        return Err(StoreError::NotFound);
    }
    let prov = reach.province().to_string();
    let places = place::Entity::find()
        .filter(place::Column::ProvinceCode.eq(&prov))
        .filter(place::Column::CommunityCode.eq(&c))
        .order_by_asc(place::Column::CreatedAt)
        .all(&db.conn)
        .await?;
    let names: HashMap<_, _> = places.iter().map(|p| (p.id, p.name.clone())).collect();
    let topics = topic::Entity::find()
        .filter(topic::Column::ProvinceCode.eq(&prov))
        .filter(topic::Column::CommunityCode.eq(&c))
        .order_by_desc(topic::Column::RaisedOn)
        .limit(2000)
        .all(&db.conn)
        .await?;
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::ProvinceCode.eq(&prov))
        .filter(meeting::Column::CommunityCode.eq(&c))
        .order_by_desc(meeting::Column::HeldOn)
        .order_by_desc(meeting::Column::Id)
        .limit(50)
        .all(&db.conn)
        .await?;
    let items = item::Entity::find()
        .filter(item::Column::ProvinceCode.eq(&prov))
        .filter(item::Column::CommunityCode.eq(&c))
        .order_by_asc(item::Column::DueOn)
        .limit(5000)
        .all(&db.conn)
        .await?;
    Ok(Board {
        community_code: c,
        places: places
            .into_iter()
            .map(|p| PlaceView { kind_label: PlaceKind::parse(&p.kind).map_or("", PlaceKind::label).into(), place: p })
            .collect(),
        waiting: topics.iter().filter(|t| t.meeting_id.is_none()).cloned().collect(),
        meetings: meetings
            .into_iter()
            .map(|m| MeetingView {
                place_name: names.get(&m.place_id).cloned().unwrap_or_default(),
                topics: topics.iter().filter(|t| t.meeting_id == Some(m.id)).map(|t| t.title.clone()).collect(),
                items: items.iter().filter(|i| i.meeting_id == m.id).cloned().collect(),
                meeting: m,
            })
            .collect(),
        open_items: items.into_iter().filter(|i| i.done_on.is_none()).collect(),
    })
}
