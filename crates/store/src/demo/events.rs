//! A year of 民情事件 for one county of the demo: about one report a year for every ten households,
//! from patrols, the one-stop window and the 12345 hotline, each taken round the closed loop by the
//! domain's own state machine as far as its age allows — most closed and rated, some still open, some
//! past their limits, a few refused as duplicates, sent up to the street, extended or reworked.

use crate::Db;
use crate::bulk;
use crate::entity::region;
use crate::error::Result;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Value};
use shegong_domain::calendar::Calendar;
use shegong_domain::event_policy::{EventPolicy, Urgency, deadlines};
use shegong_domain::events::{Action, EventState, Progress, Satisfaction, apply};
use shegong_domain::time::{from_china, in_china};
use uuid::Uuid;

const EVENT_COLS: [&str; 36] = [
    "province_code",
    "id",
    "number",
    "region_code",
    "community_code",
    "category",
    "urgency",
    "source",
    "source_label",
    "description",
    "address",
    "lat",
    "lon",
    "reporter_name",
    "reporter_phone",
    "state",
    "version",
    "escalated",
    "reworks",
    "extension_asked",
    "extended_days",
    "supervision",
    "rating",
    "handler_kind",
    "handler_code",
    "duplicate_of",
    "reported_at",
    "accepted_at",
    "assigned_at",
    "closed_at",
    "accept_due",
    "handle_due",
    "total_due",
    "reported_by",
    "close_minutes",
    "on_time",
];

/// What residents report, by top category.
const WHAT: &[(&str, &[&str])] = &[
    (
        "dispute",
        &["楼上装修噪声扰民，协商未果", "邻里因公共通道堆物发生争执", "物业费收取标准有异议", "家庭矛盾需要调解"],
    ),
    ("safety", &["楼道堆放杂物堵塞消防通道", "电动车在楼道内充电", "小区围墙出现裂缝", "路口缺少减速标志"]),
    ("livelihood", &["独居老人需要助餐服务", "申请临时救助咨询", "失业人员求职登记", "残疾人证办理咨询"]),
    ("sanitation", &["垃圾桶满溢未及时清运", "雨水井堵塞污水外溢", "夜间广场舞噪声扰民", "绿化带内有积存垃圾"]),
    ("facilities", &["路灯不亮", "单元门禁损坏", "人行道地砖破损", "电梯运行异响"]),
    ("consultation", &["咨询医保缴费办法", "咨询居住证办理", "咨询老年优待证"]),
    ("other", &["反映小区停车难", "建议增设快递柜"]),
];

const FAMILY: &[char] = &['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '沈', '钱', '朱'];

struct Row {
    event: Vec<Value>,
    steps: Vec<Vec<Value>>,
}

/// Loads the year ending `today` for the communities of `county`. Returns how many events.
pub(super) async fn load(
    db: &Db,
    county: &str,
    today: NaiveDate,
    seed: u64,
    departments: &[crate::entity::department::Model],
) -> Result<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0e7e_0715);
    let places: Vec<region::Model> = region::Entity::find()
        .filter(region::Column::Code.starts_with(county))
        .filter(region::Column::Level.is_in(["community", "grid"]))
        .order_by_asc(region::Column::Code)
        .all(&db.conn)
        .await?;
    let policy = EventPolicy::default();
    let cal = crate::calendar::load(db).await?;
    // Up to the start of today (China): the demo is the same whenever in the day it is loaded.
    let end = from_china(today.and_hms_opt(0, 0, 0).unwrap_or_default());
    let mut rows: Vec<Row> = Vec::new();
    let mut per_day: std::collections::HashMap<NaiveDate, u32> = std::collections::HashMap::new();
    let mut reports: Vec<(DateTime<Utc>, &region::Model, &region::Model)> = Vec::new();
    for c in places.iter().filter(|p| p.level == "community") {
        let grids: Vec<&region::Model> = places.iter().filter(|g| g.parent_code.as_deref() == Some(&c.code)).collect();
        for _ in 0..(c.households / 10).max(12) {
            let at = end - Duration::minutes(rng.random_range(0..365 * 24 * 60));
            let local = in_china(at);
            // Reports come in by day (07:00–21:00), not at night.
            let at = from_china(
                local.date().and_hms_opt(rng.random_range(7..21), rng.random_range(0..60), 0).unwrap_or(local),
            );
            let place = grids.choose(&mut rng).copied().unwrap_or(c);
            reports.push((at.min(end), c, place));
        }
    }
    reports.sort_by_key(|r| r.0);
    let accounts = grid_accounts(db, county).await?;
    for (at, community, place) in reports {
        let day = in_china(at).date();
        let seq = per_day.entry(day).or_default();
        *seq += 1;
        let number = format!("E{}-{county}-{:04}", day.format("%y%m%d"), seq);
        let by = accounts.get(&place.code).map(|(u, n)| (u.as_str(), n.as_str()));
        rows.push(one(&mut rng, &cal, &policy, number, at, (community, place), end, by, departments));
    }
    let n = rows.len() as u64;
    let (events, steps): (Vec<_>, Vec<_>) = rows.into_iter().map(|r| (r.event, r.steps)).unzip();
    let txn = db.begin_write().await?;
    bulk::insert(&*txn, "events", &EVENT_COLS, events).await?;
    bulk::insert(
        &*txn,
        "event_actions",
        &[
            "province_code",
            "id",
            "event_id",
            "seq",
            "action",
            "from_state",
            "to_state",
            "actor",
            "actor_name",
            "at",
            "note",
            "detail",
        ],
        steps.into_iter().flatten().collect(),
    )
    .await?;
    crate::events::rebuild_tallies(&*txn, &county[..2]).await?;
    txn.commit().await?;
    Ok(n)
}

/// One event and its steps, as far as its age allows.
#[allow(clippy::too_many_arguments)]
fn one(
    rng: &mut ChaCha8Rng,
    cal: &Calendar,
    policy: &EventPolicy,
    number: String,
    reported: DateTime<Utc>,
    (community, place): (&region::Model, &region::Model),
    now: DateTime<Utc>,
    grid_worker: Option<(&str, &str)>,
    departments: &[crate::entity::department::Model],
) -> Row {
    let province = community.code[..2].to_string();
    let (top, texts) = WHAT.choose(rng).copied().unwrap_or(("other", &["反映小区停车难"]));
    let subs: Vec<&str> =
        policy.categories.iter().filter(|c| c.parent.as_deref() == Some(top)).map(|c| c.key.as_str()).collect();
    let category = subs.choose(rng).copied().unwrap_or(top).to_string();
    // What the street hands down goes to the county department whose remit holds it, if any.
    let department = departments
        .iter()
        .find(|d| shegong_domain::departments::covers(&shegong_domain::departments::split(&d.remit), &category));
    let urgency = if rng.random_bool(0.08) { Urgency::Urgent } else { Urgency::Normal };
    let limits = policy.limits(&category, urgency).or_else(|| policy.limits("other", urgency));
    let (source, label) = match rng.random_range(0..10) {
        0..=4 => ("patrol", None),
        5..=7 => ("window", None),
        _ => ("external", Some("12345热线")),
    };
    let id = Uuid::now_v7();
    let mut p = Progress::reported();
    let mut steps: Vec<Vec<Value>> = Vec::new();
    let mut t = reported;
    let mut accepted_at = None;
    let mut assigned_at = None;
    let mut closed_at = None;
    let mut handler = None;
    let mut step =
        |p: &Progress, before: EventState, action: &str, at: DateTime<Utc>, actor: &str, note: Option<&str>| {
            // The grid's 网格员 with an account takes their steps under their own name.
            let (username, actor) = match (grid_worker, department) {
                (_, Some(d)) if actor == "网格员" && p.escalated => ("demo", d.name.as_str()),
                (Some((u, n)), _) if actor == "网格员" => (u, n),
                _ => ("demo", actor),
            };
            steps.push(vec![
                province.clone().into(),
                Uuid::now_v7().into(),
                id.into(),
                (p.version as i32).into(),
                action.to_string().into(),
                before.as_str().to_string().into(),
                p.state.as_str().to_string().into(),
                username.to_string().into(),
                actor.to_string().into(),
                at.into(),
                note.map(str::to_string).into(),
                Option::<String>::None.into(),
            ]);
        };
    step(&p, EventState::Reported, "report", t, if source == "patrol" { "网格员" } else { "社区工作人员" }, None);
    // How fast this community works on this one: most in time, some late.
    let slow = rng.random_bool(0.12);
    let plan: Vec<(Action, i64, &str)> = {
        let mut v: Vec<(Action, i64, &str)> = Vec::new();
        let h = |lo: i64, hi: i64, rng: &mut ChaCha8Rng| rng.random_range(lo..=hi);
        if rng.random_bool(0.03) {
            v.push((Action::Reject { reason: "重复件，已并入原事件办理".into() }, h(1, 20, rng), "社区书记"));
        } else {
            v.push((Action::Accept, h(1, 20, rng), "社区书记"));
            if rng.random_bool(0.12) {
                v.push((Action::Escalate, h(1, 8, rng), "社区书记"));
                v.push((Action::Assign, h(2, 30, rng), "街道管理员"));
            } else {
                v.push((Action::Assign, h(0, 4, rng), "社区书记"));
            }
            if rng.random_bool(0.05) {
                v.push((Action::ExtendRequest { days: 5, reason: "需协调相关单位".into() }, h(24, 72, rng), "网格员"));
                v.push((Action::ExtendGrant, h(2, 24, rng), "街道管理员"));
            }
            let handling = if slow { h(24 * 8, 24 * 25, rng) } else { h(2, 24 * 5, rng) };
            v.push((Action::Feedback { result: "已现场处置，情况已反馈".into() }, handling, "网格员"));
            if rng.random_bool(0.08) {
                v.push((Action::Rework { reason: "处置不到位，请补充".into() }, h(2, 24, rng), "社区书记"));
                v.push((Action::Feedback { result: "已补充处置".into() }, h(12, 72, rng), "网格员"));
            }
            v.push((Action::Verify, h(1, 24, rng), "社区书记"));
            v.push((Action::Close, h(0, 6, rng), "社区书记"));
            if rng.random_bool(0.75) {
                let r = match rng.random_range(0..20) {
                    0 => Satisfaction::Dissatisfied,
                    1..=3 => Satisfaction::Fair,
                    _ => Satisfaction::Satisfied,
                };
                v.push((Action::Rate(r), h(6, 72, rng), "社区书记"));
            }
        }
        v
    };
    for (action, hours, actor) in plan {
        let at = t + Duration::hours(hours) + Duration::minutes(rng.random_range(0..60));
        if at > now {
            break;
        }
        let before = p.state;
        let Ok(next) = apply(&p, &action) else { break };
        p = next;
        t = at;
        match action {
            Action::Accept => accepted_at = Some(at),
            Action::Assign => {
                assigned_at = Some(at);
                handler = Some(match department.filter(|_| p.escalated) {
                    Some(d) => ("department", d.id.to_string()),
                    None => ("community", community.code.clone()),
                });
            }
            Action::Close => closed_at = Some(at),
            _ => {}
        }
        let note = match &action {
            Action::Reject { reason } | Action::Rework { reason } => Some(reason.as_str()),
            Action::Feedback { result } => Some(result.as_str()),
            Action::ExtendRequest { reason, .. } => Some(reason.as_str()),
            _ => None,
        };
        step(&p, before, action.name(), at, actor, note);
    }
    let (accept_due, handle_due, total_due) = match limits {
        Some(l) => {
            let d = deadlines(cal, policy, l, in_china(reported), assigned_at.map(in_china), p.extended_days);
            (from_china(d.accept), d.handle.map(from_china), from_china(d.total))
        }
        None => (reported, None, reported),
    };
    let text = texts.choose(rng).copied().unwrap_or("反映问题");
    let family = FAMILY.choose(rng).copied().unwrap_or('王');
    let who = if source == "patrol" {
        None
    } else {
        Some(format!("{family}{}", if rng.random_bool(0.5) { "先生" } else { "女士" }))
    };
    let phone =
        who.as_ref().map(|_| format!("13{}{:08}", rng.random_range(0..10), rng.random_range(0..100_000_000u32)));
    let event = vec![
        province.clone().into(),
        id.into(),
        number.into(),
        place.code.clone().into(),
        community.code.clone().into(),
        category.into(),
        urgency.as_str().to_string().into(),
        source.to_string().into(),
        label.map(str::to_string).into(),
        text.to_string().into(),
        Some(format!("{}{}号", place.name, rng.random_range(1..40))).into(),
        Option::<String>::None.into(),
        Option::<String>::None.into(),
        who.into(),
        phone.into(),
        p.state.as_str().to_string().into(),
        (p.version as i32).into(),
        p.escalated.into(),
        (p.reworks as i32).into(),
        p.extension_asked.map(|d| d as i32).into(),
        (p.extended_days as i32).into(),
        i16::from(p.supervision).into(),
        p.rating.map(|r| r.as_str().to_string()).into(),
        handler.as_ref().map(|h| h.0.to_string()).into(),
        handler.map(|h| h.1).into(),
        Option::<Uuid>::None.into(),
        reported.into(),
        accepted_at.into(),
        assigned_at.into(),
        closed_at.into(),
        accept_due.into(),
        handle_due.into(),
        total_due.into(),
        "demo".to_string().into(),
        closed_at.map(|c| i32::try_from((c - reported).num_minutes()).unwrap_or(i32::MAX)).into(),
        closed_at.map(|c| c <= total_due).into(),
    ];
    Row { event, steps }
}

/// Adds `total` events over the year ending `today` to every community of `province`, in proportion
/// to their households, generated as the demo's own (their numbers start with `B`) but without their
/// steps: the benchmark's province at scale (issue 15 asks for 5,000,000). Reports progress.
pub async fn at_scale(
    db: &Db,
    province: &str,
    total: u64,
    today: NaiveDate,
    seed: u64,
    progress: &dyn Fn(u64),
) -> Result<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5ca1e);
    let places: Vec<region::Model> = region::Entity::find()
        .filter(region::Column::Code.starts_with(province))
        .filter(region::Column::Level.eq("community"))
        .order_by_asc(region::Column::Code)
        .all(&db.conn)
        .await?;
    let mut cumulative = Vec::with_capacity(places.len());
    let mut households = 0i64;
    for c in &places {
        households += c.households.max(1);
        cumulative.push(households);
    }
    let policy = EventPolicy::default();
    let cal = crate::calendar::load(db).await?;
    let end = from_china(today.and_hms_opt(0, 0, 0).unwrap_or_default());
    let mut seq: std::collections::HashMap<(NaiveDate, String), u32> = std::collections::HashMap::new();
    // In the order they come in, as a year of reports would have been written.
    let mut times: Vec<DateTime<Utc>> = (0..total)
        .map(|_| {
            let at = end - Duration::minutes(rng.random_range(0..365 * 24 * 60));
            let local = in_china(at);
            from_china(local.date().and_hms_opt(rng.random_range(7..21), rng.random_range(0..60), 0).unwrap_or(local))
                .min(end)
        })
        .collect();
    times.sort_unstable();
    // The events' indexes are built once at the end, from sorted keys, rather than grown row by row
    // (the indexes in random order outgrow the cache and turn every insert into reads from disk).
    let indexes = secondary_indexes(db).await?;
    for (name, _) in &indexes {
        db.writer.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
    }
    let mut done = 0u64;
    let mut times = times.into_iter();
    while done < total {
        let batch = (total - done).min(20_000);
        let mut rows = Vec::with_capacity(batch as usize);
        for at in times.by_ref().take(batch as usize) {
            let pick = rng.random_range(0..households);
            let c = &places[cumulative.partition_point(|h| *h <= pick)];
            let county = c.code[..6].to_string();
            let n = seq.entry((in_china(at).date(), county.clone())).or_default();
            *n += 1;
            let number = format!("B{}-{county}-{:05}", in_china(at).format("%y%m%d"), n);
            rows.push(one(&mut rng, &cal, &policy, number, at, (c, c), end, None, &[]).event);
        }
        let txn = db.begin_write().await?;
        bulk::insert(&*txn, "events", &EVENT_COLS, rows).await?;
        txn.commit().await?;
        done += batch;
        progress(done);
    }
    for (_, sql) in &indexes {
        db.writer.execute_unprepared(sql).await?;
    }
    let txn = db.begin_write().await?;
    crate::events::rebuild_tallies(&*txn, province).await?;
    txn.commit().await?;
    Ok(done)
}

/// The events table's indexes other than its keys: name and the statement that makes it.
async fn secondary_indexes(db: &Db) -> Result<Vec<(String, String)>> {
    use sea_orm::{DbBackend, Statement};
    let sql = match db.backend() {
        DbBackend::Postgres => {
            "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'events' \
             AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        }
        _ => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' \
             AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
        }
    };
    let rows = db.conn.query_all_raw(Statement::from_string(db.backend(), sql)).await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.try_get::<String>("", "name").ok()?, r.try_get::<String>("", "sql").ok()?)))
        .collect())
}

/// The county's 网格员 who have an account: grid → (username, display name).
async fn grid_accounts(db: &Db, county: &str) -> Result<std::collections::HashMap<String, (String, String)>> {
    use crate::entity::{grid_duty, user};
    use sea_orm::QuerySelect;
    let users: Vec<(String, String, Option<Uuid>)> = user::Entity::find()
        .select_only()
        .column(user::Column::Username)
        .column(user::Column::DisplayName)
        .column(user::Column::WorkerId)
        .filter(user::Column::WorkerId.is_not_null())
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut out = std::collections::HashMap::new();
    for (username, display, worker) in users {
        let Some(worker) = worker else { continue };
        let grids: Vec<String> = grid_duty::Entity::find()
            .select_only()
            .column(grid_duty::Column::GridCode)
            .filter(grid_duty::Column::ProvinceCode.eq(&county[..2]))
            .filter(grid_duty::Column::WorkerId.eq(worker))
            .filter(grid_duty::Column::Duty.eq("grid_worker"))
            .filter(grid_duty::Column::EndOn.is_null())
            .into_tuple()
            .all(&db.conn)
            .await?;
        for g in grids.into_iter().filter(|g| g.starts_with(county)) {
            out.insert(g, (username.clone(), display.clone()));
        }
    }
    Ok(out)
}
