//! The dashboard of the work among residents (服务群众统计) for a region: the last weeks' visits and
//! checks against the rule, this week's compliance, household coverage, wishes, deliberation and the
//! secretary's talks, each summed exactly from the communities up to the children of the region
//! viewed, with the sentences the seeds quote.

use super::{DeliberationReport, Reach};
use crate::Db;
use crate::access::Access;
use crate::bulk::Sql;
use crate::entity::wish;
use crate::error::Result;
use crate::regions::in_subtree;
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use shegong_domain::deliberation::DeliberationFigures;
use shegong_domain::talks::{Quarter, TalkFigures};
use shegong_domain::visits::{Period, Tally, VisitKind, week_text};
use shegong_domain::wishes::{WishFigures, WishState};
use shegong_domain::{RegionCode, RegionLevel};
use std::collections::BTreeMap;

/// One week of the region: what was recorded and what the rule asked of the workers in post.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeekLine {
    /// `2026-W48`
    pub week: String,
    /// 第48周（11/23–11/29）
    pub label: String,
    pub done: Tally,
    pub required: Tally,
}

/// One child region's line.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ChildLine {
    pub region_code: String,
    pub region_name: String,
    pub workers: u32,
    /// The last week ended: workers behind, and visits and checks done against required.
    pub behind_workers: u32,
    pub done: Tally,
    pub required: Tally,
    pub households: u64,
    pub covered: u64,
    pub wishes: WishFigures,
    pub deliberation: DeliberationFigures,
    pub talks: TalkFigures,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceDashboard {
    pub region_code: String,
    pub year: i32,
    pub week_label: String,
    pub quarter_label: String,
    pub weeks: Vec<WeekLine>,
    pub children: Vec<ChildLine>,
    pub total: ChildLine,
    /// Wishes of the year by their state now: (状态, 条数).
    pub wish_states: Vec<(String, u64)>,
    /// "发布微心愿N条……", "组织开展群众议事活动N次、协调解决问题M项", "开展谈心谈话N次……".
    pub sentences: Vec<String>,
}

/// The number of weeks the dashboard draws.
pub const WEEKS: i64 = 12;

fn child_len(prefix: &str) -> usize {
    match RegionLevel::of_code(prefix) {
        Some(RegionLevel::Community) | None => 12,
        Some(l) => l.child().map_or(12, |c| c.code_len().min(12)),
    }
}

/// Visits per day and kind in a region between two days (one pass on the index that fits).
async fn per_day(
    db: &Db,
    prefix: &str,
    worker: Option<uuid::Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, String, i64)>> {
    let mut sql = Sql::new(db.conn.get_database_backend());
    sql.push("SELECT on_date, kind, COUNT(*) AS n");
    super::compliance::visits_between(&mut sql, prefix, from, to, true);
    if let Some(w) = worker {
        sql.push(" AND worker_id = ").bind(w);
    }
    sql.push(" GROUP BY on_date, kind");
    let mut out = Vec::new();
    for r in db.conn.query_all_raw(sql.statement()).await? {
        out.push((r.try_get("", "on_date")?, r.try_get("", "kind")?, r.try_get("", "n")?));
    }
    Ok(out)
}

fn add(t: &mut Tally, o: &Tally) {
    t.visits += o.visits;
    t.checks += o.checks;
    t.patrols += o.patrols;
    t.talks += o.talks;
    t.days += o.days;
}

/// The dashboard of `region` (the caller's own by default) in `year`, as of `today`.
pub async fn dashboard(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    year: i32,
    today: NaiveDate,
) -> Result<ServiceDashboard> {
    let reach = Reach::of_communities(access, region)?;
    let prefix = reach.prefix().to_string();
    let region = RegionCode::parse(&prefix).ok();
    let len = child_len(&prefix);
    let mut by: BTreeMap<String, ChildLine> = BTreeMap::new();
    let line = |code: &str| -> String { code[..len.min(code.len())].to_string() };

    // Everything as of today, or of the year's last day for a past year.
    let as_of = if year >= today.year() { today } else { NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today) };
    // The last week ended (the one in hand would show everyone behind on a Monday), and the rule's
    // weekly requirement of those in post.
    let sunday = as_of - Duration::days(i64::from((as_of.weekday().num_days_from_monday() + 1) % 7));
    let this_week = Period::week(sunday.iso_week());
    let c = super::compliance(db, access, region.as_ref(), this_week, as_of).await?;
    let mut weekly_required = Tally::default();
    for community in &c.communities {
        let e = by.entry(line(&community.community_code)).or_default();
        e.workers += community.workers;
        e.behind_workers += community.behind_workers;
        add(&mut e.done, &community.done);
        add(&mut e.required, &community.required);
        weekly_required.visits += community.required.visits;
        weekly_required.checks += community.required.checks;
    }
    for g in &c.coverage {
        let e = by.entry(line(&g.grid_code)).or_default();
        e.households += g.households;
        e.covered += g.covered;
    }

    // The weeks ended up to that one; their requirement is the week's rule for those in post now.
    let first = sunday - Duration::days(7 * WEEKS - 1);
    let mut weeks: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    for k in 0..WEEKS {
        weeks.insert(first + Duration::days(7 * k), Tally::default());
    }
    {
        let own = match &reach {
            Reach::Worker { worker_id, .. } => Some(*worker_id),
            Reach::Region(_) => None,
        };
        for (on, kind, n) in per_day(db, &prefix, own, first, sunday).await? {
            let monday = on - Duration::days(i64::from(on.weekday().num_days_from_monday()));
            let t = weeks.entry(monday).or_default();
            let n = u32::try_from(n).unwrap_or(0);
            match VisitKind::parse(&kind) {
                Some(VisitKind::Visit) => t.visits += n,
                Some(VisitKind::Check) => t.checks += n,
                Some(VisitKind::Patrol) => t.patrols += n,
                Some(VisitKind::Talk) => t.talks += n,
                None => {}
            }
        }
    }
    let weeks = weeks
        .into_iter()
        .map(|(monday, done)| {
            let end = monday + Duration::days(6);
            WeekLine {
                week: week_text(monday.iso_week()),
                label: format!(
                    "第{}周（{}/{}–{}/{}）",
                    monday.iso_week().week(),
                    monday.month(),
                    monday.day(),
                    end.month(),
                    end.day()
                ),
                done,
                required: weekly_required,
            }
        })
        .collect();

    // Wishes posted this year, by the state they are in now.
    let (from, to) =
        (NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today), NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
    let start = shegong_domain::time::from_china(from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = shegong_domain::time::from_china((to + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default());
    let mut wq = wish::Entity::find()
        .select_only()
        .column(wish::Column::CommunityCode)
        .column(wish::Column::State)
        .column(wish::Column::CreatedAt)
        .column(wish::Column::FulfilledAt)
        .filter(wish::Column::ProvinceCode.eq(reach.province()))
        .filter(in_subtree(wish::Column::CommunityCode, &prefix))
        .filter(wish::Column::CreatedAt.gte(start))
        .filter(wish::Column::CreatedAt.lt(end));
    if let Reach::Worker { worker_id, .. } = &reach {
        wq = wq.filter(wish::Column::ClaimantWorkerId.eq(*worker_id));
    }
    type At = chrono::DateTime<chrono::Utc>;
    let wishes: Vec<(String, String, At, Option<At>)> = wq.into_tuple().all(&db.conn).await?;
    let mut states: BTreeMap<WishState, u64> = BTreeMap::new();
    for (community, state, created, fulfilled) in wishes {
        let Some(s) = WishState::parse(&state) else { continue };
        *states.entry(s).or_default() += 1;
        let days = fulfilled.map(|f| (f - created).num_days());
        by.entry(line(&community)).or_default().wishes.add(s, days);
    }

    // Deliberation this year, and this quarter's talks.
    let deliberation: DeliberationReport = if matches!(reach, Reach::Region(_)) {
        super::deliberation_figures(db, access, region.as_ref(), Some(from), as_of).await?
    } else {
        DeliberationReport {
            region_code: prefix.clone(),
            total: DeliberationFigures::default(),
            sentence: String::new(),
            communities: Vec::new(),
        }
    };
    for d in &deliberation.communities {
        let e = by.entry(line(&d.community_code)).or_default();
        let f = &mut e.deliberation;
        f.places += d.figures.places;
        f.meetings += d.figures.meetings;
        f.topics += d.figures.topics;
        f.solved += d.figures.solved;
        f.open_items += d.figures.open_items;
        f.overdue_items += d.figures.overdue_items;
        f.attendees += d.figures.attendees;
    }
    let quarter = Quarter::of(as_of);
    let talks = super::talks(db, access, region.as_ref(), quarter).await?;
    for l in &talks.lines {
        by.entry(line(&l.region_code)).or_default().talks.add(&l.figures);
    }

    let names = crate::regions::names(&db.conn, by.keys().cloned().collect()).await?;
    let mut total = ChildLine { region_code: prefix.clone(), ..Default::default() };
    let children: Vec<ChildLine> = by
        .into_iter()
        .map(|(code, mut l)| {
            l.region_name = names.get(&code).cloned().unwrap_or_default();
            l.region_code = code;
            total.workers += l.workers;
            total.behind_workers += l.behind_workers;
            add(&mut total.done, &l.done);
            add(&mut total.required, &l.required);
            total.households += l.households;
            total.covered += l.covered;
            total.talks.add(&l.talks);
            l
        })
        .collect();
    // The average days are the children's, weighted by what each fulfilled.
    let w = &mut total.wishes;
    for c in &children {
        w.posted += c.wishes.posted;
        w.claimed += c.wishes.claimed;
        w.fulfilled += c.wishes.fulfilled;
        w.closed += c.wishes.closed;
    }
    w.average_days = (w.fulfilled > 0).then(|| {
        children.iter().map(|c| c.wishes.average_days.unwrap_or(0.0) * c.wishes.fulfilled as f64).sum::<f64>()
            / w.fulfilled as f64
    });
    total.deliberation = deliberation.total;
    let sentences = vec![total.wishes.sentence(), total.deliberation.sentence(), total.talks.sentence()];
    Ok(ServiceDashboard {
        region_code: prefix,
        year,
        week_label: this_week.label(),
        quarter_label: quarter.label(),
        weeks,
        children,
        total,
        wish_states: states.into_iter().map(|(s, n)| (s.label().to_string(), n)).collect(),
        sentences,
    })
}
