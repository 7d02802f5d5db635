//! 事务办理: what each worker did on 民情事件, read by who took the steps (the accounts bound to the
//! worker): events reported, events handled (a result fed back), and of those the ones closed and
//! closed on time, per year (China time). For the archive and for the assessment round's proposed
//! routine scores.

use crate::Db;
use crate::entity::{event, event_action, user};
use crate::error::Result;
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use shegong_domain::Scope;
use shegong_domain::affairs::Affairs;
use shegong_domain::time::{from_china, in_china};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// The accounts bound to each worker.
async fn accounts(db: &Db, workers: &[Uuid]) -> Result<HashMap<String, Uuid>> {
    let mut out = HashMap::new();
    for chunk in workers.chunks(500) {
        let rows: Vec<(String, Option<Uuid>)> = user::Entity::find()
            .select_only()
            .column(user::Column::Username)
            .column(user::Column::WorkerId)
            .filter(user::Column::WorkerId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&db.conn)
            .await?;
        out.extend(rows.into_iter().filter_map(|(u, w)| w.map(|w| (u, w))));
    }
    Ok(out)
}

/// Per worker and year (China time), between `from` and `to` years inclusive.
async fn tally(db: &Db, province: &str, workers: &[Uuid], years: (i32, i32)) -> Result<HashMap<(Uuid, i32), Affairs>> {
    let who = accounts(db, workers).await?;
    if who.is_empty() {
        return Ok(HashMap::new());
    }
    let year_start = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(from_china);
    let (start, end) = (year_start(years.0), year_start(years.1 + 1));
    let names: Vec<String> = who.keys().cloned().collect();
    let mut steps: Vec<(String, String, chrono::DateTime<chrono::Utc>, Uuid)> = Vec::new();
    for chunk in names.chunks(200) {
        let mut q = event_action::Entity::find()
            .select_only()
            .column(event_action::Column::Actor)
            .column(event_action::Column::Action)
            .column(event_action::Column::At)
            .column(event_action::Column::EventId)
            .filter(event_action::Column::ProvinceCode.eq(province))
            .filter(event_action::Column::Actor.is_in(chunk.to_vec()))
            .filter(event_action::Column::Action.is_in(["report", "feedback"]));
        if let Some(s) = start {
            q = q.filter(event_action::Column::At.gte(s));
        }
        if let Some(e) = end {
            q = q.filter(event_action::Column::At.lt(e));
        }
        steps.extend(q.into_tuple::<(String, String, chrono::DateTime<chrono::Utc>, Uuid)>().all(&db.conn).await?);
    }
    // How each handled event ended: closed, and on time.
    let handled: Vec<Uuid> =
        steps.iter().filter(|s| s.1 == "feedback").map(|s| s.3).collect::<HashSet<_>>().into_iter().collect();
    let mut ends: HashMap<Uuid, (bool, bool)> = HashMap::new();
    for chunk in handled.chunks(500) {
        let rows: Vec<(Uuid, Option<chrono::DateTime<chrono::Utc>>, Option<bool>)> = event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .column(event::Column::ClosedAt)
            .column(event::Column::OnTime)
            .filter(event::Column::ProvinceCode.eq(province))
            .filter(event::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&db.conn)
            .await?;
        ends.extend(rows.into_iter().map(|(id, closed, on_time)| (id, (closed.is_some(), on_time == Some(true)))));
    }
    let mut out: HashMap<(Uuid, i32), Affairs> = HashMap::new();
    let mut seen: HashSet<(Uuid, i32, Uuid)> = HashSet::new();
    for (actor, action, at, event_id) in steps {
        let Some(w) = who.get(&actor).copied() else { continue };
        let year = in_china(at).year();
        let a = out.entry((w, year)).or_default();
        if action == "report" {
            a.reported += 1;
        } else if seen.insert((w, year, event_id)) {
            a.handled += 1;
            let (closed, on_time) = ends.get(&event_id).copied().unwrap_or_default();
            a.closed += i64::from(closed);
            a.closed_on_time += i64::from(on_time);
        }
    }
    Ok(out)
}

/// One worker's 事务办理, year by year (newest first). Outside the scope: not found.
pub async fn of_worker(db: &Db, scope: &Scope, worker_id: Uuid) -> Result<Vec<(i32, Affairs)>> {
    let w = crate::workers::get(db, scope, worker_id).await?;
    let by = tally(db, &w.province_code, &[worker_id], (2000, 9999)).await?;
    let years: BTreeMap<i32, Affairs> = by.into_iter().map(|((_, y), a)| (y, a)).collect();
    Ok(years.into_iter().rev().collect())
}

/// The 事务办理 of a round's workers in its year: every worker with an account (nothing done is
/// zero); a worker without one is left out (their work is not recorded under their name).
pub async fn of_workers(db: &Db, province: &str, workers: &[Uuid], year: i32) -> Result<HashMap<Uuid, Affairs>> {
    let mut out: HashMap<Uuid, Affairs> =
        accounts(db, workers).await?.into_values().map(|w| (w, Affairs::default())).collect();
    for ((w, _), a) in tally(db, province, workers, (year, year)).await? {
        out.insert(w, a);
    }
    Ok(out)
}
