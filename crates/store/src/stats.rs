//! Figures as of any date (统计分析), read from the spells table.
//!
//! Every write to a worker's appointments, education, certificates or identity rebuilds that worker's
//! spells in the same transaction ([`rebuild_worker`]). A region's figures for a day are one aggregate over
//! the spells covering that day, by child region; a county always equals the sum of its streets.

use crate::Db;
use crate::bulk::{self, Sql};
use crate::entity::{appointment, certificate, education, region, worker, worker_spell};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value, sea_query::Expr,
};
use serde::Serialize;
use shegong_domain::region::prefix_range;
use shegong_domain::stats::{
    AGE_BANDS, AppointmentSpan, Counts, POST_KEYS, SERVICE_BANDS, Spell, WorkerFacts, certificate_code, education_code,
    political_group, spells, threshold,
};
use shegong_domain::worker::CertificateLevel;
use shegong_domain::{RegionCode, RegionLevel, Scope};
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) const COLS: [&str; 15] = [
    "province_code",
    "worker_id",
    "seq",
    "region_code",
    "valid_from",
    "valid_to",
    "post",
    "full_time",
    "two_committees",
    "education",
    "certificate",
    "gender",
    "political",
    "birth_date",
    "service_start",
];

/// The stored row of a spell.
pub fn spell_row(province: &str, worker_id: Uuid, seq: usize, s: &Spell, facts: &WorkerFacts) -> Vec<Value> {
    vec![
        Value::from(province.to_string()),
        Value::from(worker_id),
        Value::from(seq as i16),
        Value::from(s.region_code.clone()),
        Value::from(s.from),
        Value::from(s.to),
        Value::from(POST_KEYS[..3].iter().position(|k| *k == s.post_category).unwrap_or(3) as i16),
        Value::from(s.full_time),
        Value::from(s.two_committees),
        Value::from(education_code(s.education)),
        Value::from(certificate_code(s.certificate)),
        Value::from(i16::from(facts.gender != "1")),
        Value::from(political_group(&facts.political_status)),
        Value::from(facts.birth_date),
        Value::from(facts.service_start),
    ]
}

/// A worker's history as the spells need it.
#[derive(Default)]
struct History {
    appointments: Vec<AppointmentSpan>,
    educations: Vec<(String, Option<NaiveDate>)>,
    certificates: Vec<(CertificateLevel, Option<NaiveDate>)>,
}

impl History {
    fn push_appointment(&mut self, a: appointment::Model) {
        self.appointments.push(AppointmentSpan {
            region_code: a.region_code,
            post_category: a.post_category,
            full_time: a.full_time,
            two_committees: a.two_committees,
            start: a.start_date,
            end: a.end_date,
        });
    }

    fn rows(&self, w: &worker::Model) -> Vec<Vec<Value>> {
        let Some(first) = self.appointments.iter().map(|a| a.start).min() else {
            return Vec::new();
        };
        let facts = WorkerFacts {
            gender: w.gender.clone(),
            birth_date: w.birth_date,
            political_status: w.political_status.clone(),
            service_start: Ord::min(w.service_start.unwrap_or(first), first),
        };
        spells(&self.appointments, &self.educations, &self.certificates)
            .iter()
            .enumerate()
            .map(|(i, s)| spell_row(&w.province_code, w.id, i, s, &facts))
            .collect()
    }
}

fn cert_level(kind: &str, level: Option<&str>) -> Option<CertificateLevel> {
    (kind == "social_work").then_some(level).flatten().and_then(|l| CertificateLevel::parse(l).ok())
}

/// Rebuilds one worker's spells from their archive, inside the caller's transaction.
pub async fn rebuild_worker(db: &impl ConnectionTrait, w: &worker::Model) -> Result<()> {
    let mut h = History::default();
    for a in appointment::Entity::find()
        .filter(appointment::Column::ProvinceCode.eq(&w.province_code))
        .filter(appointment::Column::WorkerId.eq(w.id))
        .all(db)
        .await?
    {
        h.push_appointment(a);
    }
    h.educations = education::Entity::find()
        .select_only()
        .columns([education::Column::EducationCode, education::Column::GraduatedOn])
        .filter(education::Column::ProvinceCode.eq(&w.province_code))
        .filter(education::Column::WorkerId.eq(w.id))
        .into_tuple()
        .all(db)
        .await?;
    let certs: Vec<(String, Option<String>, Option<NaiveDate>)> = certificate::Entity::find()
        .select_only()
        .columns([certificate::Column::Kind, certificate::Column::Level, certificate::Column::IssuedOn])
        .filter(certificate::Column::ProvinceCode.eq(&w.province_code))
        .filter(certificate::Column::WorkerId.eq(w.id))
        .into_tuple()
        .all(db)
        .await?;
    h.certificates = certs.into_iter().filter_map(|(k, l, d)| cert_level(&k, l.as_deref()).map(|l| (l, d))).collect();
    worker_spell::Entity::delete_many()
        .filter(worker_spell::Column::ProvinceCode.eq(&w.province_code))
        .filter(worker_spell::Column::WorkerId.eq(w.id))
        .exec(db)
        .await?;
    bulk::insert(db, "worker_spells", &COLS, h.rows(w)).await?;
    Ok(())
}

/// Rebuilds every worker's spells in a province (after a bulk load, or to repair). One transaction.
pub async fn rebuild_province(db: &Db, province: &str) -> Result<u64> {
    let mut by_worker: HashMap<Uuid, History> = HashMap::new();
    for a in appointment::Entity::find().filter(appointment::Column::ProvinceCode.eq(province)).all(&db.conn).await? {
        by_worker.entry(a.worker_id).or_default().push_appointment(a);
    }
    let edus: Vec<(Uuid, String, Option<NaiveDate>)> = education::Entity::find()
        .select_only()
        .columns([education::Column::WorkerId, education::Column::EducationCode, education::Column::GraduatedOn])
        .filter(education::Column::ProvinceCode.eq(province))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (w, c, d) in edus {
        by_worker.entry(w).or_default().educations.push((c, d));
    }
    let certs: Vec<(Uuid, String, Option<String>, Option<NaiveDate>)> = certificate::Entity::find()
        .select_only()
        .columns([
            certificate::Column::WorkerId,
            certificate::Column::Kind,
            certificate::Column::Level,
            certificate::Column::IssuedOn,
        ])
        .filter(certificate::Column::ProvinceCode.eq(province))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (w, k, l, d) in certs {
        if let Some(l) = cert_level(&k, l.as_deref()) {
            by_worker.entry(w).or_default().certificates.push((l, d));
        }
    }
    let workers = worker::Entity::find()
        .filter(worker::Column::ProvinceCode.eq(province))
        .order_by_asc(worker::Column::Id)
        .all(&db.conn)
        .await?;
    let rows: Vec<Vec<Value>> =
        workers.iter().flat_map(|w| by_worker.get(&w.id).map(|h| h.rows(w)).unwrap_or_default()).collect();
    let txn = db.begin_write().await?;
    worker_spell::Entity::delete_many().filter(worker_spell::Column::ProvinceCode.eq(province)).exec(&txn).await?;
    let n = bulk::insert(&txn, "worker_spells", &COLS, rows).await?;
    txn.commit().await?;
    Ok(n)
}

/// Rebuilds the spells of `province` when it has none (a database migrated from before the spells
/// existed). Cheap when there is nothing to do.
pub async fn backfill(db: &Db, province: &str) -> Result<()> {
    let has = worker_spell::Entity::find()
        .filter(worker_spell::Column::ProvinceCode.eq(province))
        .one(&db.conn)
        .await?
        .is_some();
    if !has {
        tracing::info!(province = %province, "building the statistics table");
        rebuild_province(db, province).await?;
    }
    Ok(())
}

/// The figures of one child region (or of the region itself when it has none).
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub code: String,
    pub name: String,
    pub counts: Counts,
    pub residents: i64,
    pub households: i64,
}

/// Figures of a region on a day: its own counts (the sum of its children's) and its children's.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub code: String,
    pub name: String,
    pub level: String,
    pub date: NaiveDate,
    pub urban_only: bool,
    pub counts: Counts,
    pub residents: i64,
    pub households: i64,
    pub children: Vec<Part>,
}

fn subtree(sql: &mut Sql, col: &str, prefix: &str) {
    let (lo, hi) = prefix_range(prefix);
    sql.push(col).push(" >= ").bind(lo);
    if let Some(hi) = hi {
        sql.push(" AND ").push(col).push(" < ").bind(hi);
    }
}

fn urban_filter(sql: &mut Sql, prefix: &str) {
    sql.push(
        " AND region_code IN (SELECT code FROM regions WHERE level = 'community' AND urban_rural_class LIKE '1%' AND ",
    );
    subtree(sql, "code", prefix);
    sql.push(")");
}

fn sum_when(sql: &mut Sql, cond: &str) {
    sql.push(", SUM(CASE WHEN ").push(cond).push(" THEN 1 ELSE 0 END)");
}

/// Counts per child region (`child_len` digits of the code) on `day`, in one pass over the spells.
async fn counts_by_child(
    db: &impl ConnectionTrait,
    prefix: &str,
    child_len: usize,
    day: NaiveDate,
    urban: bool,
) -> Result<HashMap<String, Counts>> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(&format!("SELECT SUBSTR(region_code, 1, {child_len}) AS child, COUNT(*)"));
    sum_when(&mut sql, "full_time");
    sum_when(&mut sql, "two_committees");
    for v in 0..4 {
        sum_when(&mut sql, &format!("post = {v}"));
    }
    for v in [1, 2, 3, 4, 0] {
        sum_when(&mut sql, &format!("education = {v}"));
    }
    for v in 0..4 {
        sum_when(&mut sql, &format!("certificate = {v}"));
    }
    for v in 0..2 {
        sum_when(&mut sql, &format!("gender = {v}"));
    }
    for v in 1..=5 {
        sum_when(&mut sql, &format!("political = {v}"));
    }
    // Reached N years by the day ⟺ the date is on or before `threshold(day, N)`.
    for (col, bands) in [("birth_date", &AGE_BANDS), ("service_start", &SERVICE_BANDS)] {
        for (years, _) in &bands[1..] {
            sql.push(", SUM(CASE WHEN ")
                .push(col)
                .push(" <= ")
                .bind(threshold(day, *years))
                .push(" THEN 1 ELSE 0 END)");
        }
    }
    sql.push(" FROM worker_spells WHERE province_code = ").bind(prefix[..2].to_string()).push(" AND ");
    subtree(&mut sql, "region_code", prefix);
    sql.push(" AND valid_from <= ").bind(day).push(" AND (valid_to IS NULL OR valid_to > ").bind(day).push(")");
    if urban {
        urban_filter(&mut sql, prefix);
    }
    sql.push(&format!(" GROUP BY SUBSTR(region_code, 1, {child_len})"));
    let rows = db.query_all_raw(sql.statement()).await?;
    let mut out = HashMap::new();
    for r in rows {
        let child: String = r.try_get_by_index(0)?;
        let mut v = [0i64; 29];
        for (i, slot) in v.iter_mut().enumerate() {
            *slot = r.try_get_by_index::<Option<i64>>(i + 1)?.unwrap_or(0);
        }
        let ge = |a: i64, b: i64| a - b;
        let c = Counts {
            workers: v[0],
            full_time: v[1],
            two_committees: v[2],
            post: [v[3], v[4], v[5], v[6]],
            education: [v[7], v[8], v[9], v[10], v[11]],
            certificate: [v[12], v[13], v[14], v[15]],
            gender: [v[16], v[17]],
            political: [v[18], v[19], v[20], v[21], v[22]],
            age: [ge(v[0], v[23]), ge(v[23], v[24]), ge(v[24], v[25]), v[25]],
            service: [ge(v[0], v[26]), ge(v[26], v[27]), ge(v[27], v[28]), v[28]],
        };
        out.insert(child, c);
    }
    Ok(out)
}

/// Households and residents per child region (sums over communities).
async fn population_by_child(
    db: &impl ConnectionTrait,
    prefix: &str,
    child_len: usize,
    urban: bool,
) -> Result<HashMap<String, (i64, i64)>> {
    let expr = Expr::cust(format!("SUBSTR(code, 1, {child_len})"));
    let mut q = region::Entity::find()
        .select_only()
        .column_as(expr.clone(), "child")
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
        .column_as(Expr::cust("CAST(SUM(households) AS BIGINT)"), "households")
        .column_as(Expr::cust("CAST(SUM(residents) AS BIGINT)"), "residents")
        .filter(region::Column::Level.eq(RegionLevel::Community.as_str()))
        .filter(in_subtree(region::Column::Code, prefix));
    if urban {
        q = q.filter(region::Column::UrbanRuralClass.like("1%"));
    }
    let rows: Vec<(String, Option<i64>, Option<i64>)> = q.group_by(expr).into_tuple().all(db).await?;
    Ok(rows.into_iter().map(|(c, h, r)| (c, (h.unwrap_or(0), r.unwrap_or(0)))).collect())
}

/// The figures of `region` on `day`, inside the caller's scope. With `urban`, only urban
/// communities (城乡分类 1xx) count, as the seeds' "城市社区工作者". Kept (see [`crate::cache`]).
pub async fn figures(db: &Db, scope: &Scope, region: &RegionCode, day: NaiveDate, urban: bool) -> Result<Figures> {
    let key = format!("stats::figures|{scope:?}|{region:?}|{day}|{urban}");
    db.cache.get_or(key, figures_now(db, scope, region, day, urban)).await
}
async fn figures_now(db: &Db, scope: &Scope, region: &RegionCode, day: NaiveDate, urban: bool) -> Result<Figures> {
    if !scope.allows_region(region.as_str()) || scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let me = region::Entity::find_by_id(region.to_string()).one(&db.conn).await?.ok_or(StoreError::NotFound)?;
    let level = region.level();
    let child_len = match level.child() {
        Some(c) if c.code_len() <= 12 => c.code_len(),
        _ => region.as_str().len(),
    };
    let prefix = region.as_str();
    let (counts, pop) = tokio::try_join!(
        counts_by_child(&db.conn, prefix, child_len, day, urban),
        population_by_child(&db.conn, prefix, child_len, urban)
    )?;
    let mut total = Counts::default();
    for c in counts.values() {
        total.add(c);
    }
    let (households, residents) = pop.values().fold((0, 0), |(h, r), (a, b)| (h + a, r + b));
    let children = if child_len > prefix.len() {
        let kids = region::Entity::find()
            .filter(region::Column::ParentCode.eq(prefix))
            .order_by_asc(region::Column::Code)
            .all(&db.conn)
            .await?;
        kids.into_iter()
            .map(|k| {
                let (h, r) = pop.get(&k.code).copied().unwrap_or_default();
                Part {
                    counts: counts.get(&k.code).cloned().unwrap_or_default(),
                    code: k.code,
                    name: k.name,
                    residents: r,
                    households: h,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Figures {
        code: me.code,
        name: me.name,
        level: level.as_str().to_string(),
        date: day,
        urban_only: urban,
        counts: total,
        residents,
        households,
        children,
    })
}

/// Workers and full-time workers on each of `days`, in one pass over the spells.
pub async fn trend(
    db: &Db,
    scope: &Scope,
    region: &RegionCode,
    days: &[NaiveDate],
    urban: bool,
) -> Result<Vec<(NaiveDate, i64, i64)>> {
    if !scope.allows_region(region.as_str()) || scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    if days.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(db.backend());
    sql.push("SELECT 0");
    for d in days {
        for ft in [false, true] {
            sql.push(", SUM(CASE WHEN valid_from <= ")
                .bind(*d)
                .push(" AND (valid_to IS NULL OR valid_to > ")
                .bind(*d)
                .push(if ft { ") AND full_time" } else { ")" })
                .push(" THEN 1 ELSE 0 END)");
        }
    }
    sql.push(" FROM worker_spells WHERE province_code = ").bind(region.province().to_string()).push(" AND ");
    subtree(&mut sql, "region_code", region.as_str());
    sql.push(" AND valid_from <= ").bind(*days.iter().max().expect("non-empty"));
    if urban {
        urban_filter(&mut sql, region.as_str());
    }
    let row = db.conn.query_one_raw(sql.statement()).await?;
    let mut out = Vec::new();
    for (i, d) in days.iter().enumerate() {
        let get = |k: usize| -> Result<i64> {
            Ok(row.as_ref().map(|r| r.try_get_by_index::<Option<i64>>(k)).transpose()?.flatten().unwrap_or(0))
        };
        out.push((*d, get(1 + 2 * i)?, get(2 + 2 * i)?));
    }
    Ok(out)
}
