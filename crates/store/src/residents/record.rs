//! A worker's share of the work among residents, year by year, for their archive (服务记录): the
//! visits of each kind, the days spent among residents, the wishes they claimed and fulfilled, and
//! the deliberation meetings at the places they host, the days on window duty and the secretary's
//! talks with them.

use crate::Db;
use crate::entity::{deliberation_meeting as meeting, deliberation_place as place, talk, visit, window_duty, wish};
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
    /// Days on duty at the 综合岗 window.
    pub duty_days: u32,
    /// The secretary's talks held with the worker (谈心谈话).
    pub talks_received: u32,
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
    // Days served: a roster planned ahead counts once its day has come.
    let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
    let duty: Vec<NaiveDate> = window_duty::Entity::find()
        .select_only()
        .column(window_duty::Column::OnDate)
        .filter(window_duty::Column::ProvinceCode.eq(&prov))
        .filter(window_duty::Column::WorkerId.eq(worker_id))
        .filter(window_duty::Column::OnDate.lte(today))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let talked: Vec<NaiveDate> = talk::Entity::find()
        .select_only()
        .column(talk::Column::HeldOn)
        .filter(talk::Column::ProvinceCode.eq(&prov))
        .filter(talk::Column::WorkerId.eq(worker_id))
        .into_tuple()
        .all(&db.conn)
        .await?;
    fn year_of(years: &mut BTreeMap<i32, ServiceYear>, on: NaiveDate) -> &mut ServiceYear {
        years.entry(on.year()).or_insert_with(|| ServiceYear { year: on.year(), ..Default::default() })
    }
    for on in duty {
        year_of(&mut years, on).duty_days += 1;
    }
    for on in talked {
        year_of(&mut years, on).talks_received += 1;
    }
    let mut out: Vec<ServiceYear> = years.into_values().collect();
    out.reverse();
    Ok(out)
}

/// What the service record adds to each worker's affairs of `year` (走访和排查, wishes fulfilled,
/// meetings hosted, window duty days), for the routine score's proposal.
pub async fn add_service_counts(
    db: &Db,
    province: &str,
    affairs: &mut std::collections::HashMap<Uuid, shegong_domain::affairs::Affairs>,
    workers: &[Uuid],
    year: i32,
) -> Result<()> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Ok(());
    };
    let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
    let start = shegong_domain::time::from_china(from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end =
        shegong_domain::time::from_china((to + chrono::Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default());
    for chunk in workers.chunks(500) {
        let ids = chunk.to_vec();
        let visits: Vec<(Uuid, i64)> = visit::Entity::find()
            .select_only()
            .column(visit::Column::WorkerId)
            .column_as(Expr::col(visit::Column::Id).count(), "n")
            .filter(visit::Column::ProvinceCode.eq(province))
            .filter(visit::Column::WorkerId.is_in(ids.clone()))
            .filter(visit::Column::OnDate.between(from, to))
            .filter(visit::Column::Kind.is_in([VisitKind::Visit.as_str(), VisitKind::Check.as_str()]))
            .group_by(visit::Column::WorkerId)
            .into_tuple()
            .all(&db.conn)
            .await?;
        for (w, n) in visits {
            affairs.entry(w).or_default().visits = n;
        }
        let wishes: Vec<(Option<Uuid>, i64)> = wish::Entity::find()
            .select_only()
            .column(wish::Column::ClaimantWorkerId)
            .column_as(Expr::col(wish::Column::Id).count(), "n")
            .filter(wish::Column::ProvinceCode.eq(province))
            .filter(wish::Column::ClaimantWorkerId.is_in(ids.clone()))
            .filter(wish::Column::FulfilledAt.gte(start))
            .filter(wish::Column::FulfilledAt.lt(end))
            .group_by(wish::Column::ClaimantWorkerId)
            .into_tuple()
            .all(&db.conn)
            .await?;
        for (w, n) in wishes {
            if let Some(w) = w {
                affairs.entry(w).or_default().wishes = n;
            }
        }
        let duty: Vec<(Uuid, i64)> = window_duty::Entity::find()
            .select_only()
            .column(window_duty::Column::WorkerId)
            .column_as(Expr::col(window_duty::Column::Id).count(), "n")
            .filter(window_duty::Column::ProvinceCode.eq(province))
            .filter(window_duty::Column::WorkerId.is_in(ids.clone()))
            .filter(window_duty::Column::OnDate.between(from, Ord::min(to, today)))
            .group_by(window_duty::Column::WorkerId)
            .into_tuple()
            .all(&db.conn)
            .await?;
        for (w, n) in duty {
            affairs.entry(w).or_default().duty_days = n;
        }
        let hosts: Vec<(Uuid, Option<Uuid>)> = place::Entity::find()
            .select_only()
            .column(place::Column::Id)
            .column(place::Column::HostWorkerId)
            .filter(place::Column::ProvinceCode.eq(province))
            .filter(place::Column::HostWorkerId.is_in(ids))
            .into_tuple()
            .all(&db.conn)
            .await?;
        let host_of: std::collections::HashMap<Uuid, Uuid> =
            hosts.into_iter().filter_map(|(p, h)| h.map(|h| (p, h))).collect();
        if host_of.is_empty() {
            continue;
        }
        let held: Vec<(Uuid, i64)> = meeting::Entity::find()
            .select_only()
            .column(meeting::Column::PlaceId)
            .column_as(Expr::col(meeting::Column::Id).count(), "n")
            .filter(meeting::Column::ProvinceCode.eq(province))
            .filter(meeting::Column::PlaceId.is_in(host_of.keys().copied().collect::<Vec<_>>()))
            .filter(meeting::Column::HeldOn.between(from, to))
            .group_by(meeting::Column::PlaceId)
            .into_tuple()
            .all(&db.conn)
            .await?;
        for (p, n) in held {
            if let Some(h) = host_of.get(&p) {
                affairs.entry(*h).or_default().meetings += n;
            }
        }
    }
    Ok(())
}
