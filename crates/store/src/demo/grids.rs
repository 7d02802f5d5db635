//! The demo's grid rosters: every community's 网格员 spread over its grids (a few grids left
//! without one, as in life), a 两委 member responsible for each grid, and for the demo county the
//! 联户长 (one for every 20 to 35 households) and party groups of most grids.

use super::people::{FEMALE, MALE, SURNAMES, date_between, ymd};
use crate::Db;
use crate::entity::{grid_duty, region, worker};
use crate::error::Result;
use chrono::{NaiveDate, Utc};
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shegong_domain::grids::Duty;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) async fn load(db: &Db, province: &str, full_county: &str, today: NaiveDate, seed: u64) -> Result<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0006_11d5);
    let grids: Vec<(String, Option<String>, String, i64)> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::ParentCode)
        .column(region::Column::Name)
        .column(region::Column::Households)
        .filter(region::Column::Code.starts_with(province))
        .filter(region::Column::Level.eq("grid"))
        .order_by_asc(region::Column::Code)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let staff: Vec<(Uuid, String, String, String, bool)> = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::RegionCode)
        .column(worker::Column::Name)
        .column(worker::Column::Title)
        .column(worker::Column::TwoCommittees)
        .filter(worker::Column::ProvinceCode.eq(province))
        .filter(worker::Column::Status.eq("active"))
        .order_by_asc(worker::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    // Per community: who may be 网格员, and its 两委 members.
    type People<'a> = Vec<(Uuid, &'a str)>;
    let mut by_community: HashMap<&str, (People, People)> = HashMap::new();
    let mut others: HashMap<&str, Vec<(Uuid, &str)>> = HashMap::new();
    for (id, community, name, title, committee) in &staff {
        let e = by_community.entry(community.as_str()).or_default();
        if title == "网格员" {
            e.0.push((*id, name));
        } else if !*committee {
            others.entry(community.as_str()).or_default().push((*id, name));
        }
        if *committee {
            e.1.push((*id, name));
        }
    }
    // Where the 网格员 are too few for the grids, other full-time workers take grids as well
    // (一人多岗), about three grids each.
    let mut grids_of: HashMap<&str, usize> = HashMap::new();
    for (_, parent, _, _) in &grids {
        if let Some(p) = parent.as_deref() {
            *grids_of.entry(p).or_default() += 1;
        }
    }
    for (community, (gw, _)) in by_community.iter_mut() {
        let wanted = grids_of.get(community).copied().unwrap_or(0).div_ceil(3);
        if let Some(more) = others.get(community) {
            gw.extend(more.iter().take(wanted.saturating_sub(gw.len())).copied());
        }
    }
    let added_at = Utc::now();
    let mut rows = Vec::new();
    let row = |grid: &str, community: &str, duty: Duty, worker: Option<Uuid>, name: String, start: NaiveDate| {
        grid_duty::ActiveModel {
            province_code: Set(province.to_string()),
            id: Set(Uuid::now_v7()),
            grid_code: Set(grid.to_string()),
            community_code: Set(community.to_string()),
            duty: Set(duty.as_str().into()),
            worker_id: Set(worker),
            name: Set(name),
            phone: Set(None),
            households: Set(None),
            start_on: Set(start),
            end_on: Set(None),
            added_by: Set("demo".into()),
            added_at: Set(added_at),
            ended_by: Set(None),
            ended_at: Set(None),
        }
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (code, parent, name, households) in &grids {
        let Some(community) = parent.as_deref() else { continue };
        let i = {
            let n = seen.entry(community).or_default();
            *n += 1;
            *n - 1
        };
        let start = date_between(&mut rng, ymd(2024, 1, 1), today);
        let (gw, committee) = by_community.get(community).cloned().unwrap_or_default();
        // One grid in twenty waits for its 网格员.
        if !gw.is_empty() && !rng.random_bool(0.05) {
            let (id, n) = gw[i % gw.len()];
            rows.push(row(code, community, Duty::GridWorker, Some(id), n.to_string(), start));
        }
        if !committee.is_empty() {
            let (id, n) = committee[i % committee.len()];
            rows.push(row(code, community, Duty::Committee, Some(id), n.to_string(), start));
        }
        if !code.starts_with(full_county) {
            continue;
        }
        if rng.random_bool(0.7) {
            rows.push(row(code, community, Duty::PartyGroup, None, format!("{name}党小组"), start));
        }
        // Most households are linked; a share (new buildings, vacant flats) not yet.
        let unlinked = households * rng.random_range(15..=25) / 100;
        let mut left = *households;
        while left > unlinked {
            let linked = rng.random_range(20..=35).min(left - unlinked);
            left -= linked;
            let female = rng.random_bool(0.6);
            let given = (if female { FEMALE } else { MALE }).choose(&mut rng).copied().unwrap_or("明");
            let full = format!("{}{given}", SURNAMES.choose(&mut rng).copied().unwrap_or("王"));
            let mut m = row(code, community, Duty::LinkLeader, None, full, start);
            m.phone = Set(Some(format!("13{}{:08}", rng.random_range(0..10), rng.random_range(0..100_000_000u32))));
            m.households = Set(Some(linked as i32));
            rows.push(m);
        }
    }
    let n = rows.len() as u64;
    let txn = db.begin_write().await?;
    crate::bulk::insert_models(&*txn, rows, 500).await?;
    txn.commit().await?;
    Ok(n)
}
