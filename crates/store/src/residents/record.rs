//! A worker's share of the work among residents, year by year, for their archive (服务记录): the
//! visits of each kind, the days spent among residents, the wishes they claimed and fulfilled, and
//! the deliberation meetings at the places they host.

use crate::Db;
use crate::entity::{deliberation_meeting as meeting, deliberation_place as place, visit, wish};
use crate::error::Result;
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use shegong_domain::Scope;
use shegong_domain::visits::VisitKind;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// One year of a worker's service record.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ServiceYear {
    pub year: i32,
    pub visits: u32,
    pub checks: u32,
    pub patrols: u32,
    pub talks: u32,
    /// Days with at least one 走访 or 排查 (海宁 counts 走访社工's days among residents).
    pub days_among_residents: u32,
    pub wishes_fulfilled: u32,
    /// Meetings held at places the worker hosts as 说事长.
    pub meetings_hosted: u32,
}

/// A worker's service record in the caller's scope (a worker: their own), newest year first.
pub async fn service_record(db: &Db, scope: &Scope, worker_id: Uuid) -> Result<Vec<ServiceYear>> {
    let w = crate::workers::get(db, scope, worker_id).await?;
    let prov = w.province_code.clone();
    let mut years: BTreeMap<i32, ServiceYear> = BTreeMap::new();
    let mut days: BTreeMap<i32, BTreeSet<NaiveDate>> = BTreeMap::new();
    let rows: Vec<(NaiveDate, String)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::OnDate)
        .column(visit::Column::Kind)
        .filter(visit::Column::ProvinceCode.eq(&prov))
        .filter(visit::Column::WorkerId.eq(worker_id))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (on, kind) in rows {
        let y = years.entry(on.year()).or_insert_with(|| ServiceYear { year: on.year(), ..Default::default() });
        match VisitKind::parse(&kind) {
            Some(VisitKind::Visit) => y.visits += 1,
            Some(VisitKind::Check) => y.checks += 1,
            Some(VisitKind::Patrol) => y.patrols += 1,
            Some(VisitKind::Talk) => y.talks += 1,
            None => {}
        }
        if matches!(VisitKind::parse(&kind), Some(VisitKind::Visit | VisitKind::Check)) {
            days.entry(on.year()).or_default().insert(on);
        }
    }
    for (y, d) in days {
        years.entry(y).or_default().days_among_residents = d.len() as u32;
    }
    let fulfilled: Vec<Option<chrono::DateTime<chrono::Utc>>> = wish::Entity::find()
        .select_only()
        .column(wish::Column::FulfilledAt)
        .filter(wish::Column::ProvinceCode.eq(&prov))
        .filter(wish::Column::CommunityCode.eq(&w.region_code))
        .filter(wish::Column::ClaimantWorkerId.eq(worker_id))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for at in fulfilled.into_iter().flatten() {
        let y = shegong_domain::time::in_china(at).year();
        years.entry(y).or_insert_with(|| ServiceYear { year: y, ..Default::default() }).wishes_fulfilled += 1;
    }
    let hosted: Vec<Uuid> = place::Entity::find()
        .select_only()
        .column(place::Column::Id)
        .filter(place::Column::ProvinceCode.eq(&prov))
        .filter(place::Column::CommunityCode.eq(&w.region_code))
        .filter(place::Column::HostWorkerId.eq(worker_id))
        .into_tuple()
        .all(&db.conn)
        .await?;
    if !hosted.is_empty() {
        let held: Vec<NaiveDate> = meeting::Entity::find()
            .select_only()
            .column(meeting::Column::HeldOn)
            .filter(meeting::Column::ProvinceCode.eq(&prov))
            .filter(meeting::Column::CommunityCode.eq(&w.region_code))
            .filter(meeting::Column::PlaceId.is_in(hosted))
            .into_tuple()
            .all(&db.conn)
            .await?;
        for on in held {
            years
                .entry(on.year())
                .or_insert_with(|| ServiceYear { year: on.year(), ..Default::default() })
                .meetings_hosted += 1;
        }
    }
    let mut out: Vec<ServiceYear> = years.into_values().collect();
    out.reverse();
    Ok(out)
}
