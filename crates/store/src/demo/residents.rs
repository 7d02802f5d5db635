//! The demo county's work among residents: households registered on every grid (a sample of each
//! grid's households, about one in seven carrying a care tag), a year of visits by every worker in
//! post (most meet the weekly 两走访、两排查, some fall behind, a few this week), and micro-wishes
//! at every step.

use super::people::{FEMALE, MALE, SURNAMES};
use crate::Db;
use crate::bulk;
use crate::entity::{grid_duty, region, worker};
use crate::error::Result;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value};
use shegong_domain::grids::Duty;
use shegong_domain::visits::VisitKind;
use shegong_domain::wishes::{ClaimantKind, WishState};
use std::collections::HashMap;
use uuid::Uuid;

/// Households registered per grid at most (a sample: a grid holds a few hundred).
const PER_GRID: i64 = 24;

const TAGS: [(&str, u32); 7] =
    [("独居老人", 40), ("空巢老人", 35), ("低保", 25), ("残疾人", 15), ("留守儿童", 8), ("特困", 6), ("重点关注", 10)];

const WISHES: [&str; 12] = [
    "想要一台收音机听戏",
    "希望有人陪去医院复查",
    "孩子想要一套课外读物",
    "想学用智能手机视频通话",
    "家里的灯坏了想请人修",
    "想要一副老花镜",
    "希望有人帮忙理发",
    "孩子想要一个新书包",
    "想要一床厚棉被过冬",
    "希望有人每周来聊聊天",
    "想去看看新建的公园",
    "想要一根助行拐杖",
];

const FINDINGS: [&str; 8] = [
    "身体状况良好，生活正常",
    "反映楼道灯不亮，已联系物业",
    "独居，叮嘱注意用电安全",
    "家中有老人行动不便，需定期探访",
    "邻里因停车有矛盾，已劝解",
    "楼道堆放杂物，已提醒清理",
    "反映小区路面破损",
    "无异常",
];

fn name(rng: &mut ChaCha8Rng) -> String {
    let given = if rng.random_bool(0.5) { MALE } else { FEMALE };
    format!("{}{}", SURNAMES[rng.random_range(0..SURNAMES.len())], given[rng.random_range(0..given.len())])
}

/// Loads the county's households, visits and wishes; returns how many of each.
pub(super) async fn load(db: &Db, county: &str, today: NaiveDate, seed: u64) -> Result<(usize, usize, usize)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5e41_ce00);
    let province = &county[..2];
    let grids: Vec<(String, Option<String>, i64)> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::ParentCode)
        .column(region::Column::Households)
        .filter(region::Column::Code.starts_with(county))
        .filter(region::Column::Level.eq("grid"))
        .order_by_asc(region::Column::Code)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let duties: Vec<(String, String, Option<Uuid>, String)> = grid_duty::Entity::find()
        .select_only()
        .column(grid_duty::Column::GridCode)
        .column(grid_duty::Column::Duty)
        .column(grid_duty::Column::WorkerId)
        .column(grid_duty::Column::Name)
        .filter(grid_duty::Column::ProvinceCode.eq(province))
        .filter(grid_duty::Column::CommunityCode.starts_with(county))
        .filter(grid_duty::Column::EndOn.is_null())
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut grid_worker: HashMap<&str, Uuid> = HashMap::new();
    let mut leaders: HashMap<&str, Vec<&str>> = HashMap::new();
    for (g, duty, w, n) in &duties {
        if duty == Duty::GridWorker.as_str() {
            if let Some(w) = w {
                grid_worker.entry(g.as_str()).or_insert(*w);
            }
        } else if duty == Duty::LinkLeader.as_str() {
            leaders.entry(g.as_str()).or_default().push(n.as_str());
        }
    }
    let staff: Vec<(Uuid, String)> = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::RegionCode)
        .filter(worker::Column::ProvinceCode.eq(province))
        .filter(worker::Column::RegionCode.starts_with(county))
        .filter(worker::Column::Status.eq("active"))
        .order_by_asc(worker::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut by_community: HashMap<&str, Vec<Uuid>> = HashMap::new();
    for (id, c) in &staff {
        by_community.entry(c.as_str()).or_default().push(*id);
    }
    let registered = today - Duration::days(400);
    let now = Utc::now();
    // Households: (id, grid, community) kept for the visits.
    let mut homes: Vec<(Uuid, String, String)> = Vec::new();
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let tag_total: u32 = 1000;
    for (grid, parent, households) in &grids {
        let community = parent.clone().unwrap_or_default();
        let people = by_community.get(community.as_str()).cloned().unwrap_or_default();
        let n = (*households / 10).clamp(6, PER_GRID);
        for k in 0..n {
            let id = Uuid::now_v7();
            let building = (k / 6 + 1).to_string();
            let unit = ((k % 6) / 2 + 1).to_string();
            let room = format!("{}0{}", rng.random_range(1..7), k % 2 + 1);
            let mut tags = Vec::new();
            let roll = rng.random_range(0..tag_total);
            let mut acc = 0;
            for (t, w) in TAGS {
                acc += w;
                if roll < acc {
                    tags.push(t);
                    break;
                }
            }
            let responsible = grid_worker.get(grid.as_str()).copied().or_else(|| people.choose(&mut rng).copied());
            let liaison = leaders.get(grid.as_str()).and_then(|l| l.choose(&mut rng)).map(|s| s.to_string());
            homes.push((id, grid.clone(), community.clone()));
            rows.push(vec![
                Value::from(province.to_string()),
                id.into(),
                community.clone().into(),
                grid.clone().into(),
                building.into(),
                unit.into(),
                room.into(),
                name(&mut rng).into(),
                format!("13{}{:08}", rng.random_range(5..10), rng.random_range(0..100_000_000u32)).into(),
                rng.random_range(1..6i32).into(),
                tags.join("、").into(),
                responsible.into(),
                liaison.into(),
                registered.into(),
                Option::<NaiveDate>::None.into(),
                1i32.into(),
                "system".to_string().into(),
                now.into(),
                now.into(),
            ]);
        }
    }
    // A year of visits: each worker's weekly 两走访、两排查, most of the time.
    let mut by_community_homes: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, h) in homes.iter().enumerate() {
        by_community_homes.entry(h.2.as_str()).or_default().push(i);
    }
    let mut last: Vec<Option<NaiveDate>> = vec![None; homes.len()];
    let mut visits: Vec<Vec<Value>> = Vec::new();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    for (w, community) in &staff {
        let mine = by_community_homes.get(community.as_str()).cloned().unwrap_or_default();
        // Most are steady; about one in eight often falls behind.
        let steady = rng.random_bool(0.87);
        for week in 0..52i64 {
            let start = monday - Duration::days(7 * week);
            let days = if week == 0 { (today - start).num_days() + 1 } else { 7 };
            let (visit_n, check_n) = if steady && rng.random_bool(0.92) {
                (2 + u32::from(rng.random_bool(0.2)), 2)
            } else {
                (rng.random_range(0..3), rng.random_range(0..3))
            };
            // This week only as far as today has come (of five working days).
            let share = |n: u32| if days >= 5 { n } else { (n * days as u32).div_ceil(5).min(n) };
            let (visit_n, check_n) = (share(visit_n), share(check_n));
            let talks = u32::from(rng.random_bool(0.3));
            for (kind, count) in [(VisitKind::Visit, visit_n), (VisitKind::Check, check_n), (VisitKind::Talk, talks)] {
                for _ in 0..count {
                    let day = start + Duration::days(rng.random_range(0..days.clamp(1, 5)));
                    if day > today {
                        continue;
                    }
                    let home = (kind != VisitKind::Check || rng.random_bool(0.5))
                        .then(|| mine.choose(&mut rng).copied())
                        .flatten();
                    if let Some(i) = home {
                        last[i] = last[i].max(Some(day));
                    }
                    visits.push(vec![
                        Value::from(province.to_string()),
                        Uuid::now_v7().into(),
                        community.clone().into(),
                        home.map(|i| homes[i].1.clone()).into(),
                        (*w).into(),
                        kind.as_str().to_string().into(),
                        day.into(),
                        home.map(|i| homes[i].0).into(),
                        home.is_none().then(|| "小区公共区域".to_string()).into(),
                        Some(FINDINGS[rng.random_range(0..FINDINGS.len())].to_string()).into(),
                        Option::<Uuid>::None.into(),
                        "system".to_string().into(),
                        now.into(),
                    ]);
                }
            }
        }
    }
    for (row, l) in rows.iter_mut().zip(&last) {
        row[14] = (*l).into();
    }
    // Wishes: a few per community, at every step.
    let mut wishes: Vec<Vec<Value>> = Vec::new();
    let communities: Vec<&str> =
        by_community.keys().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    for c in communities {
        for _ in 0..rng.random_range(2..7) {
            let posted = today - Duration::days(rng.random_range(1..330));
            let at = posted.and_hms_opt(2, 0, 0).expect("a time").and_utc();
            let state = match rng.random_range(0..10) {
                0..=1 => WishState::Open,
                2 => WishState::Claimed,
                3 => WishState::Fulfilled,
                _ => WishState::Closed,
            };
            let kind = ClaimantKind::ALL[rng.random_range(0..4)];
            let claimed = (state != WishState::Open).then(|| at + Duration::days(rng.random_range(0..5)));
            let fulfilled = matches!(state, WishState::Fulfilled | WishState::Closed)
                .then(|| claimed.unwrap_or(at) + Duration::days(rng.random_range(1..15)))
                .map(|t| t.min(now));
            let closed =
                (state == WishState::Closed).then(|| fulfilled.unwrap_or(at) + Duration::days(1)).map(|t| t.min(now));
            let claimant = match kind {
                ClaimantKind::Unit => "海宁市供电公司志愿服务队".to_string(),
                _ => name(&mut rng),
            };
            wishes.push(vec![
                Value::from(province.to_string()),
                Uuid::now_v7().into(),
                c.to_string().into(),
                Option::<String>::None.into(),
                Option::<Uuid>::None.into(),
                WISHES[rng.random_range(0..WISHES.len())].to_string().into(),
                Option::<String>::None.into(),
                name(&mut rng).into(),
                Option::<String>::None.into(),
                (state == WishState::Open).then(|| today + Duration::days(rng.random_range(10..60))).into(),
                state.as_str().to_string().into(),
                claimed.map(|_| kind.as_str().to_string()).into(),
                claimed.map(|_| claimant.clone()).into(),
                Option::<Uuid>::None.into(),
                claimed.into(),
                fulfilled.map(|_| "已送达，居民很满意".to_string()).into(),
                fulfilled.into(),
                Option::<String>::None.into(),
                closed.into(),
                "system".to_string().into(),
                at.into(),
                1i32.into(),
            ]);
        }
    }
    let talks = deliberation(&mut rng, province, &by_community, today);
    let cal = crate::calendar::load(db).await?;
    let posts = window(&mut rng, province, &by_community, today, &cal);
    let counts = (rows.len(), visits.len(), wishes.len());
    let txn = db.begin_write().await?;
    for (table, cols, rows) in talks.into_iter().chain(posts) {
        bulk::insert(&*txn, table, cols, rows).await?;
    }
    bulk::insert(&*txn, "households", &crate::residents::HOUSEHOLD_COLUMNS, rows).await?;
    bulk::insert(&*txn, "visits", &crate::residents::VISIT_COLUMNS, visits).await?;
    bulk::insert(&*txn, "wishes", &WISH_COLUMNS, wishes).await?;
    txn.commit().await?;
    Ok(counts)
}

/// Every worker in post given a service role (about a third each of 全科, 走访, 项目社工, some not yet),
/// and the window's roster: two a working day over the last 60 days and the next 14 (one on some days).
fn window(
    rng: &mut ChaCha8Rng,
    province: &str,
    by_community: &HashMap<&str, Vec<Uuid>>,
    today: NaiveDate,
    cal: &shegong_domain::calendar::Calendar,
) -> Vec<(&'static str, &'static [&'static str], Rows)> {
    let now = Utc::now();
    let (mut roles, mut duties) = (Vec::new(), Vec::new());
    let communities: std::collections::BTreeSet<&str> = by_community.keys().copied().collect();
    for c in communities {
        let people = &by_community[c];
        for (k, w) in people.iter().enumerate() {
            if rng.random_bool(0.1) {
                continue;
            }
            roles.push(vec![
                Value::from(province.to_string()),
                Uuid::now_v7().into(),
                c.to_string().into(),
                (*w).into(),
                ["全科社工", "走访社工", "项目社工"][k % 3].to_string().into(),
                (today - Duration::days(200)).into(),
                Option::<NaiveDate>::None.into(),
                "system".to_string().into(),
                now.into(),
            ]);
        }
        for d in -60..=14i64 {
            let day = today + Duration::days(d);
            if !cal.is_working_day(day) || people.is_empty() {
                continue;
            }
            let n = if rng.random_bool(0.9) { 2 } else { 1 }.min(people.len());
            for w in people.choose_multiple(rng, n) {
                duties.push(vec![
                    Value::from(province.to_string()),
                    Uuid::now_v7().into(),
                    c.to_string().into(),
                    day.into(),
                    (*w).into(),
                    "system".to_string().into(),
                    now.into(),
                ]);
            }
        }
    }
    // The secretary's talks: every quarter of this year, most workers (the quarter in hand: about half).
    let mut talks = Vec::new();
    let mut quarter = shegong_domain::talks::Quarter { year: today.year(), q: 1 };
    let current = shegong_domain::talks::Quarter::of(today);
    while quarter <= current {
        let (first, last) = (quarter.first_day(), quarter.last_day().min(today));
        let span = (last - first).num_days().max(0);
        for c in by_community.keys().copied().collect::<std::collections::BTreeSet<&str>>() {
            for w in &by_community[c] {
                if !rng.random_bool(if quarter == current { 0.55 } else { 0.9 }) {
                    continue;
                }
                let raised = rng.random_range(0..4);
                talks.push(vec![
                    Value::from(province.to_string()),
                    Uuid::now_v7().into(),
                    c.to_string().into(),
                    (*w).into(),
                    (first + Duration::days(rng.random_range(0..=span))).into(),
                    "社区书记".to_string().into(),
                    Value::from(raised),
                    Value::from(rng.random_range(0..=raised)),
                    Option::<String>::None.into(),
                    "system".to_string().into(),
                    now.into(),
                ]);
            }
        }
        quarter = quarter.next();
    }
    vec![
        (
            "talks",
            &[
                "province_code",
                "id",
                "community_code",
                "worker_id",
                "held_on",
                "held_by",
                "raised",
                "solved",
                "note",
                "recorded_by",
                "recorded_at",
            ],
            talks,
        ),
        (
            "service_roles",
            &["province_code", "id", "community_code", "worker_id", "role", "from_on", "to_on", "set_by", "set_at"],
            roles,
        ),
        (
            "window_duties",
            &["province_code", "id", "community_code", "on_date", "worker_id", "set_by", "set_at"],
            duties,
        ),
    ]
}

const TOPICS: [&str; 10] = [
    "加装电梯",
    "小区停车位划线",
    "楼道堆物清理",
    "广场舞音量扰民",
    "垃圾分类投放点位置",
    "老旧管网改造",
    "增设非机动车充电桩",
    "宠物管理公约",
    "健身器材维修",
    "楼顶防水渗漏",
];

type Rows = Vec<Vec<Value>>;

/// A year of residents' deliberation in every community: a place or two, a meeting or two a month,
/// their topics and follow-up items (most done, some still open).
fn deliberation(
    rng: &mut ChaCha8Rng,
    province: &str,
    by_community: &HashMap<&str, Vec<Uuid>>,
    today: NaiveDate,
) -> Vec<(&'static str, &'static [&'static str], Rows)> {
    let now = Utc::now();
    let (mut places, mut meetings, mut topics, mut items) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let communities: std::collections::BTreeSet<&str> = by_community.keys().copied().collect();
    for c in communities {
        let mut here = Vec::new();
        for (k, (kind, label)) in [("hall", "议事厅"), ("yard", "说事小院")].into_iter().enumerate() {
            if k == 1 && rng.random_bool(0.5) {
                continue;
            }
            let id = Uuid::now_v7();
            here.push(id);
            places.push(vec![
                Value::from(province.to_string()),
                id.into(),
                c.to_string().into(),
                format!("居民{label}").into(),
                kind.to_string().into(),
                name(rng).into(),
                Option::<Uuid>::None.into(),
                "system".to_string().into(),
                now.into(),
            ]);
        }
        for m in 0..rng.random_range(10..20) {
            let held = today - Duration::days(rng.random_range(1..360));
            let id = Uuid::now_v7();
            let place = here[m % here.len()];
            meetings.push(vec![
                Value::from(province.to_string()),
                id.into(),
                c.to_string().into(),
                place.into(),
                held.into(),
                rng.random_range(8..40i32).into(),
                "经协商达成一致，明确责任人和完成时限".to_string().into(),
                "system".to_string().into(),
                now.into(),
            ]);
            for _ in 0..rng.random_range(1..3) {
                topics.push(vec![
                    Value::from(province.to_string()),
                    Uuid::now_v7().into(),
                    c.to_string().into(),
                    Some(place).into(),
                    TOPICS[rng.random_range(0..TOPICS.len())].to_string().into(),
                    name(rng).into(),
                    (held - Duration::days(rng.random_range(1..20))).into(),
                    Some(id).into(),
                    "system".to_string().into(),
                    now.into(),
                ]);
            }
            let due = held + Duration::days(rng.random_range(7..40));
            let done = (due < today || rng.random_bool(0.5))
                .then(|| (held + Duration::days(rng.random_range(3..35))).min(today));
            let done = done.filter(|_| rng.random_bool(0.85));
            items.push(vec![
                Value::from(province.to_string()),
                Uuid::now_v7().into(),
                c.to_string().into(),
                id.into(),
                "协调相关单位落实议定事项".to_string().into(),
                name(rng).into(),
                due.into(),
                done.into(),
                done.map(|_| "已落实，居民满意".to_string()).into(),
                done.map(|_| "system".to_string()).into(),
                now.into(),
            ]);
        }
        // A topic or two waiting for the next meeting.
        for _ in 0..rng.random_range(0..3) {
            topics.push(vec![
                Value::from(province.to_string()),
                Uuid::now_v7().into(),
                c.to_string().into(),
                Option::<Uuid>::None.into(),
                TOPICS[rng.random_range(0..TOPICS.len())].to_string().into(),
                name(rng).into(),
                (today - Duration::days(rng.random_range(0..20))).into(),
                Option::<Uuid>::None.into(),
                "system".to_string().into(),
                now.into(),
            ]);
        }
    }
    vec![
        (
            "deliberation_places",
            &[
                "province_code",
                "id",
                "community_code",
                "name",
                "kind",
                "host_name",
                "host_worker_id",
                "created_by",
                "created_at",
            ],
            places,
        ),
        (
            "deliberation_meetings",
            &[
                "province_code",
                "id",
                "community_code",
                "place_id",
                "held_on",
                "attendees",
                "decision",
                "recorded_by",
                "recorded_at",
            ],
            meetings,
        ),
        (
            "deliberation_topics",
            &[
                "province_code",
                "id",
                "community_code",
                "place_id",
                "title",
                "raised_by",
                "raised_on",
                "meeting_id",
                "created_by",
                "created_at",
            ],
            topics,
        ),
        (
            "deliberation_items",
            &[
                "province_code",
                "id",
                "community_code",
                "meeting_id",
                "what",
                "owner",
                "due_on",
                "done_on",
                "result",
                "closed_by",
                "created_at",
            ],
            items,
        ),
    ]
}

const WISH_COLUMNS: [&str; 22] = [
    "province_code",
    "id",
    "community_code",
    "grid_code",
    "household_id",
    "title",
    "detail",
    "for_name",
    "for_phone",
    "due_on",
    "state",
    "claimant_kind",
    "claimant_name",
    "claimant_worker_id",
    "claimed_at",
    "fulfil_note",
    "fulfilled_at",
    "confirm_note",
    "closed_at",
    "created_by",
    "created_at",
    "version",
];

/// Visits at a province's full volume, for the benchmarks: `total` visits over the year before
/// `today`, spread evenly over the province's workers in post (走访 and 排查 mostly, some 谈心 and
/// 巡查), written in transactions of 50,000 rows. Returns how many were written.
pub async fn visits_at_scale(
    db: &Db,
    province: &str,
    total: u64,
    today: NaiveDate,
    seed: u64,
    progress: &dyn Fn(u64),
) -> Result<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0051_7e00);
    let staff: Vec<(Uuid, String)> = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::RegionCode)
        .filter(worker::Column::ProvinceCode.eq(province))
        .filter(worker::Column::Status.eq("active"))
        .order_by_asc(worker::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    if staff.is_empty() {
        return Ok(0);
    }
    let now = Utc::now();
    let (per, extra) = (total / staff.len() as u64, total % staff.len() as u64);
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(50_000);
    let mut written = 0u64;
    for (i, (w, community)) in staff.iter().enumerate() {
        let n = per + u64::from((i as u64) < extra);
        for _ in 0..n {
            let kind = match rng.random_range(0..100) {
                0..45 => VisitKind::Visit,
                45..90 => VisitKind::Check,
                90..95 => VisitKind::Talk,
                _ => VisitKind::Patrol,
            };
            batch.push(vec![
                Value::from(province.to_string()),
                Uuid::now_v7().into(),
                community.clone().into(),
                Option::<String>::None.into(),
                (*w).into(),
                kind.as_str().to_string().into(),
                (today - Duration::days(rng.random_range(0..365))).into(),
                Option::<Uuid>::None.into(),
                Some("小区公共区域".to_string()).into(),
                Option::<String>::None.into(),
                Option::<Uuid>::None.into(),
                "system".to_string().into(),
                now.into(),
            ]);
            if batch.len() == 50_000 {
                written += flush(db, &mut batch).await?;
                progress(written);
            }
        }
    }
    written += flush(db, &mut batch).await?;
    progress(written);
    Ok(written)
}

async fn flush(db: &Db, batch: &mut Vec<Vec<Value>>) -> Result<u64> {
    let rows = std::mem::take(batch);
    let n = rows.len() as u64;
    let txn = db.begin_write().await?;
    bulk::insert(&*txn, "visits", &crate::residents::VISIT_COLUMNS, rows).await?;
    txn.commit().await?;
    Ok(n)
}
