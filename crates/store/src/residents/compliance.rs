//! Who is behind (走访排查达标情况): every worker in post in a region, what the rules of their
//! community's policy required of them in a week, month or year and what they recorded; the
//! household coverage of each grid; care households overdue for a visit.

use super::Reach;
use crate::Db;
use crate::access::Access;
use crate::bulk::Sql;
use crate::entity::{grid_duty, household, service_role, worker};
use crate::error::Result;
use crate::policies::Resolver;
use crate::regions::in_subtree;
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use shegong_domain::RegionCode;
use shegong_domain::households::{address, masked_name, split_tags};
use shegong_domain::visits::{
    Compliance, Period, Posts, ServicePolicy, Tally, VisitKind, care_due, compliance as judge, required,
};
use shegong_domain::worker::WorkerStatus;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// One worker's line.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplianceRow {
    pub worker_id: Uuid,
    pub name: String,
    pub community_code: String,
    pub community_name: String,
    /// Holds a grid as 网格员 (the patrol rule applies).
    pub grid_worker: bool,
    /// Holds the 走访 role (the days-among-residents rule applies).
    pub visiting: bool,
    #[serde(flatten)]
    pub compliance: Compliance,
}

/// A community's workers summed.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CommunityCompliance {
    pub community_code: String,
    pub community_name: String,
    pub workers: u32,
    pub behind_workers: u32,
    pub behind: u32,
    pub required: Tally,
    pub done: Tally,
}

/// A grid's households visited within the policy's coverage period (吉林 月全覆盖).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridCoverage {
    pub grid_code: String,
    pub grid_name: String,
    pub households: u64,
    pub covered: u64,
    /// The rule's days (visited on or after `since`).
    pub days: u32,
    pub since: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplianceReport {
    pub region_code: String,
    pub period: Period,
    pub period_label: String,
    /// The rule of the region's own policy (communities may differ; each row has its own).
    pub rule: ServiceRule,
    pub workers: u32,
    pub behind_workers: u32,
    /// Workers, the most behind first.
    pub rows: Vec<ComplianceRow>,
    pub communities: Vec<CommunityCompliance>,
    pub coverage: Vec<GridCoverage>,
}

/// The numbers of a service policy that a compliance page states.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ServiceRule {
    pub visits_per_week: u32,
    pub checks_per_week: u32,
    pub patrols_per_day: u32,
    pub coverage_days: u32,
    pub days_among_residents: u32,
    pub among_residents_role: String,
}

impl From<&ServicePolicy> for ServiceRule {
    fn from(p: &ServicePolicy) -> Self {
        Self {
            visits_per_week: p.visits_per_week,
            checks_per_week: p.checks_per_week,
            patrols_per_day: p.patrols_per_day,
            coverage_days: p.coverage_days,
            days_among_residents: p.days_among_residents,
            among_residents_role: p.among_residents_role.clone(),
        }
    }
}

/// `FROM visits WHERE …`: a region's visits between two days, on the index that fits the region (a
/// region below the province reads its communities' rows, not the whole province's days; the
/// province its days, when `by_date`).
pub(super) fn visits_between(sql: &mut Sql, prefix: &str, from: NaiveDate, to: NaiveDate, by_date: bool) {
    sql.push(" FROM visits");
    if sql.backend() == DbBackend::Sqlite {
        if prefix.len() > 2 {
            sql.push(" INDEXED BY idx_visits_community");
        } else if by_date {
            sql.push(" INDEXED BY idx_visits_date");
        }
    }
    sql.push(" WHERE province_code = ").bind(&prefix[..2]);
    if prefix.len() > 2 {
        let (low, high) = shegong_domain::region::prefix_range(prefix);
        sql.push(" AND community_code >= ").bind(low);
        if let Some(h) = high {
            sql.push(" AND community_code < ").bind(h);
        }
    }
    sql.push(" AND on_date >= ").bind(from);
    sql.push(" AND on_date <= ").bind(to);
}

/// Visits per worker and kind in a period, counted on the index that fits the region.
async fn counts(db: &Db, prefix: &str, period: &Period) -> Result<HashMap<Uuid, Tally>> {
    let mut sql = Sql::new(db.conn.get_database_backend());
    sql.push("SELECT worker_id, kind, COUNT(*) AS n");
    visits_between(&mut sql, prefix, period.from, period.to, false);
    sql.push(" GROUP BY worker_id, kind");
    let mut out: HashMap<Uuid, Tally> = HashMap::new();
    for r in db.conn.query_all_raw(sql.statement()).await? {
        let (w, kind, n): (Uuid, String, i64) =
            (r.try_get("", "worker_id")?, r.try_get("", "kind")?, r.try_get("", "n")?);
        let t = out.entry(w).or_default();
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        match VisitKind::parse(&kind) {
            Some(VisitKind::Visit) => t.visits += n,
            Some(VisitKind::Check) => t.checks += n,
            Some(VisitKind::Patrol) => t.patrols += n,
            Some(VisitKind::Talk) => t.talks += n,
            None => {}
        }
    }
    Ok(out)
}

/// Days among residents (days with a 走访 or 排查) per worker in a period.
async fn days_among(db: &Db, prefix: &str, period: &Period) -> Result<HashMap<Uuid, u32>> {
    let mut sql = Sql::new(db.conn.get_database_backend());
    sql.push("SELECT worker_id, COUNT(DISTINCT on_date) AS n");
    visits_between(&mut sql, prefix, period.from, period.to, false);
    sql.push(" AND kind IN (").bind(VisitKind::Visit.as_str());
    sql.push(", ").bind(VisitKind::Check.as_str()).push(")");
    sql.push(" GROUP BY worker_id");
    let mut out = HashMap::new();
    for r in db.conn.query_all_raw(sql.statement()).await? {
        let (w, n): (Uuid, i64) = (r.try_get("", "worker_id")?, r.try_get("", "n")?);
        out.insert(w, u32::try_from(n).unwrap_or(u32::MAX));
    }
    Ok(out)
}

/// The days in `from..=to` on which each worker of a region held one of `roles` (a role ends the
/// day before its `to_on`), with the role.
async fn holding(
    db: &Db,
    prefix: &str,
    roles: &HashSet<String>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Uuid, (String, u32)>> {
    let mut out: HashMap<Uuid, (String, u32)> = HashMap::new();
    if roles.is_empty() {
        return Ok(out);
    }
    let spells: Vec<(Uuid, String, NaiveDate, Option<NaiveDate>)> = service_role::Entity::find()
        .select_only()
        .column(service_role::Column::WorkerId)
        .column(service_role::Column::Role)
        .column(service_role::Column::FromOn)
        .column(service_role::Column::ToOn)
        .filter(service_role::Column::ProvinceCode.eq(&prefix[..2]))
        .filter(in_subtree(service_role::Column::CommunityCode, prefix))
        .filter(service_role::Column::Role.is_in(roles.iter().cloned()))
        .filter(service_role::Column::FromOn.lte(to))
        .filter(
            sea_orm::Condition::any()
                .add(service_role::Column::ToOn.is_null())
                .add(service_role::Column::ToOn.gt(from)),
        )
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (w, role, start, end) in spells {
        let last = end.map_or(to, |e| Ord::min(e - Duration::days(1), to));
        let first = Ord::max(start, from);
        if last >= first {
            let e = out.entry(w).or_insert((role, 0));
            e.1 += u32::try_from((last - first).num_days() + 1).unwrap_or(0);
        }
    }
    Ok(out)
}

/// The compliance of every worker in post in `region` (a worker: their own) over `period`.
pub async fn compliance(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    period: Period,
    today: NaiveDate,
) -> Result<ComplianceReport> {
    let reach = Reach::of_communities(access, region)?;
    let (prefix, province) = (reach.prefix().to_string(), reach.province().to_string());
    let period = period.as_of(today);
    let mut q = worker::Entity::find()
        .select_only()
        .column(worker::Column::Id)
        .column(worker::Column::Name)
        .column(worker::Column::RegionCode)
        .filter(worker::Column::ProvinceCode.eq(&province))
        .filter(in_subtree(worker::Column::RegionCode, &prefix))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()));
    if let Reach::Worker { worker_id, .. } = &reach {
        q = q.filter(worker::Column::Id.eq(*worker_id));
    }
    let people: Vec<(Uuid, String, String)> = q.into_tuple().all(&db.conn).await?;
    let grid_workers: HashSet<Uuid> = grid_duty::Entity::find()
        .select_only()
        .column(grid_duty::Column::WorkerId)
        .filter(grid_duty::Column::ProvinceCode.eq(&province))
        .filter(in_subtree(grid_duty::Column::CommunityCode, &prefix))
        .filter(grid_duty::Column::Duty.eq(shegong_domain::grids::Duty::GridWorker.as_str()))
        .filter(grid_duty::Column::EndOn.is_null())
        .into_tuple::<Option<Uuid>>()
        .all(&db.conn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let mut done = counts(db, &prefix, &period).await?;
    let cal = crate::calendar::load(db).await?;
    let last = period.counted_to(today);
    let working_days = cal.working_days_between(period.from, last + Duration::days(1));
    let resolver = Resolver::load(&db.conn, &prefix, period.to).await?;
    let mut policies: HashMap<String, ServicePolicy> = HashMap::new();
    let communities: HashSet<String> = people.iter().map(|p| p.2.clone()).collect();
    for c in &communities {
        policies.insert(c.clone(), resolver.resolve(c).map(|f| f.policy.service.clone()).unwrap_or_default());
    }
    // 海宁's 200 days among residents: read only where a community's policy has the rule.
    let visiting_roles: HashSet<String> =
        policies.values().filter(|p| p.days_among_residents > 0).map(|p| p.among_residents_role.clone()).collect();
    let visiting = holding(db, &prefix, &visiting_roles, period.from, last).await?;
    if !visiting.is_empty() {
        for (w, n) in days_among(db, &prefix, &period).await? {
            done.entry(w).or_default().days = n;
        }
    }
    let names = crate::regions::names(&db.conn, communities.iter().cloned().collect()).await?;
    let mut rows: Vec<ComplianceRow> = people
        .into_iter()
        .map(|(id, name, community)| {
            let grid_worker = grid_workers.contains(&id);
            let p = &policies[&community];
            let visiting_days = match visiting.get(&id) {
                Some((role, days)) if p.days_among_residents > 0 && *role == p.among_residents_role => *days,
                _ => 0,
            };
            let need = required(p, &period, Posts { grid_worker, visiting_days }, working_days);
            ComplianceRow {
                worker_id: id,
                name,
                community_name: names.get(&community).cloned().unwrap_or_default(),
                community_code: community,
                grid_worker,
                visiting: visiting_days > 0,
                compliance: judge(need, done.get(&id).copied().unwrap_or_default()),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (std::cmp::Reverse(a.compliance.behind), &a.community_code, &a.name).cmp(&(
            std::cmp::Reverse(b.compliance.behind),
            &b.community_code,
            &b.name,
        ))
    });
    let mut by_community: BTreeMap<String, CommunityCompliance> = BTreeMap::new();
    for r in &rows {
        let c = by_community.entry(r.community_code.clone()).or_insert_with(|| CommunityCompliance {
            community_code: r.community_code.clone(),
            community_name: r.community_name.clone(),
            ..Default::default()
        });
        c.workers += 1;
        c.behind += r.compliance.behind;
        c.behind_workers += u32::from(r.compliance.behind > 0);
        let (q, d) = (&r.compliance.required, &r.compliance.done);
        c.required.visits += q.visits;
        c.required.checks += q.checks;
        c.required.patrols += q.patrols;
        c.required.days += q.days;
        c.done.days += if q.days > 0 { d.days } else { 0 };
        c.done.visits += d.visits;
        c.done.checks += d.checks;
        c.done.patrols += d.patrols;
        c.done.talks += d.talks;
    }
    let own = resolver.resolve(&prefix).map(|f| f.policy.service.clone()).unwrap_or_default();
    let coverage = if matches!(reach, Reach::Region(_)) && prefix.len() >= 9 {
        grid_coverage(db, &prefix, &policies, today).await?
    } else {
        Vec::new()
    };
    Ok(ComplianceReport {
        region_code: prefix,
        period_label: if period.to > today {
            format!("{}（截至{}月{}日）", period.label(), today.month(), today.day())
        } else {
            period.label()
        },
        period,
        rule: ServiceRule::from(&own),
        workers: rows.len() as u32,
        behind_workers: rows.iter().filter(|r| r.compliance.behind > 0).count() as u32,
        rows,
        communities: by_community.into_values().collect(),
        coverage,
    })
}

/// The coverage of a street's or a community's grids on `today`, where the policy has the rule.
async fn grid_coverage(
    db: &Db,
    prefix: &str,
    policies: &HashMap<String, ServicePolicy>,
    today: NaiveDate,
) -> Result<Vec<GridCoverage>> {
    let rows: Vec<(String, Option<NaiveDate>)> = household::Entity::find()
        .select_only()
        .column(household::Column::GridCode)
        .column(household::Column::LastVisitOn)
        .filter(household::Column::ProvinceCode.eq(&prefix[..2]))
        .filter(in_subtree(household::Column::GridCode, prefix))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut by_grid: BTreeMap<String, (u64, u64, u32)> = BTreeMap::new();
    for (grid, last) in rows {
        let days = policies.get(&grid[..12]).map_or(0, |p| p.coverage_days);
        if days == 0 {
            continue;
        }
        let e = by_grid.entry(grid).or_insert((0, 0, days));
        e.0 += 1;
        e.1 += u64::from(shegong_domain::visits::covered(days, last, today));
    }
    let names = crate::regions::names(&db.conn, by_grid.keys().cloned().collect()).await?;
    Ok(by_grid
        .into_iter()
        .map(|(g, (households, covered, days))| GridCoverage {
            grid_name: names.get(&g).cloned().unwrap_or_default(),
            grid_code: g,
            households,
            covered,
            days,
            since: today - Duration::days(i64::from(days) - 1),
        })
        .collect())
}

/// A care household overdue for a visit (the head masked).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareAlert {
    pub household_id: Uuid,
    pub community_name: String,
    pub grid_code: String,
    pub grid_name: String,
    pub address: String,
    pub head_name: String,
    pub tags: Vec<String>,
    pub every_days: u32,
    pub last_visit_on: Option<NaiveDate>,
    pub due: NaiveDate,
    pub worker_name: Option<String>,
}

/// The care households the caller reaches whose visit is overdue on `today`, the longest overdue first.
pub async fn care_alerts(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    today: NaiveDate,
) -> Result<Vec<CareAlert>> {
    let reach = Reach::of(access, region)?;
    let prefix = reach.prefix().to_string();
    let mut q = household::Entity::find()
        .filter(household::Column::ProvinceCode.eq(reach.province()))
        .filter(in_subtree(household::Column::GridCode, &prefix))
        .filter(household::Column::Tags.ne(""));
    if let Reach::Worker { worker_id, .. } = &reach {
        q = q.filter(household::Column::WorkerId.eq(*worker_id));
    }
    let homes = q.order_by_asc(household::Column::GridCode).all(&db.conn).await?;
    let resolver = Resolver::load(&db.conn, &prefix, today).await?;
    let mut policies: HashMap<String, ServicePolicy> = HashMap::new();
    let mut out = Vec::new();
    for h in homes {
        let p = policies.entry(h.community_code.clone()).or_insert_with(|| {
            resolver.resolve(&h.community_code).map(|f| f.policy.service.clone()).unwrap_or_default()
        });
        let tags = split_tags(&h.tags);
        let Some(every) = p.care_every(&tags) else { continue };
        let due = care_due(every, h.last_visit_on, h.registered_on);
        if !shegong_domain::visits::overdue(due, today) {
            continue;
        }
        out.push((h, tags, every, due));
    }
    out.sort_by_key(|x| x.3);
    let codes: std::collections::BTreeSet<String> =
        out.iter().flat_map(|x| [x.0.grid_code.clone(), x.0.community_code.clone()]).collect();
    let names = crate::regions::names(&db.conn, codes.into_iter().collect()).await?;
    let workers = super::worker_names(&db.conn, reach.province(), out.iter().filter_map(|x| x.0.worker_id)).await?;
    Ok(out
        .into_iter()
        .map(|(h, tags, every, due)| CareAlert {
            household_id: h.id,
            community_name: names.get(&h.community_code).cloned().unwrap_or_default(),
            grid_name: names.get(&h.grid_code).cloned().unwrap_or_default(),
            address: address(&h.building, &h.unit, &h.room),
            head_name: masked_name(&h.head_name),
            tags,
            every_days: every,
            last_visit_on: h.last_visit_on,
            due,
            worker_name: h.worker_id.and_then(|w| workers.get(&w).cloned()),
            grid_code: h.grid_code,
        })
        .collect())
}
