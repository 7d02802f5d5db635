//! `event_tallies`: the figures' counts added up per county, day reported and dimension, moved in the
//! same transaction as every report and step (what the event counted before is taken away and what
//! it counts after is added), so that a province's month is read from a few thousand rows. Rebuilt
//! from the events themselves after a bulk load (the demo, the benchmark) or where it is missing.

use crate::bulk::Sql;
use crate::entity::event;
use crate::error::Result;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use shegong_domain::event_stats::{Counted, Tally};
use shegong_domain::events::{EventState, Satisfaction};
use shegong_domain::time::in_china;
use std::collections::BTreeMap;

/// The counters' columns, in [`Tally::counters`] order.
pub(super) const COUNTERS: [&str; 13] = [
    "reported",
    "decided",
    "rejected",
    "closed",
    "on_time",
    "reworked",
    "rated",
    "satisfied",
    "fair",
    "dissatisfied",
    "still_open",
    "timed",
    "close_minutes",
];

/// What an event counts for.
pub(super) fn counted(e: &event::Model) -> Counted {
    Counted {
        state: EventState::parse(&e.state).unwrap_or(EventState::Reported),
        rating: e.rating.as_deref().and_then(Satisfaction::parse),
        reworked: e.reworks > 0,
        on_time: e.on_time,
        close_minutes: e.close_minutes.map(i64::from),
    }
}

/// The rows an event adds to: all, its source, its top category, its state.
fn dims(e: &event::Model) -> [String; 4] {
    let top = e.category.split('.').next().unwrap_or_default();
    [String::new(), format!("s:{}", e.source), format!("c:{top}"), format!("t:{}", e.state)]
}

/// Moves the tallies from what `before` counted (none for a new report) to what `after` counts.
pub(super) async fn moved(
    db: &impl ConnectionTrait,
    before: Option<&event::Model>,
    after: &event::Model,
) -> Result<()> {
    moved_many(db, &[(before, after)]).await
}

/// [`moved`] for many events at once, in one statement (each row's changes added up first: one
/// statement may not touch a row twice).
pub(super) async fn moved_many(
    db: &impl ConnectionTrait,
    changes: &[(Option<&event::Model>, &event::Model)],
) -> Result<()> {
    let mut delta: BTreeMap<(String, NaiveDate, String, String), Tally> = BTreeMap::new();
    for (before, after) in changes {
        let day = in_china(after.reported_at).date();
        let county = after.community_code[..6].to_string();
        let key = |d: String| (after.province_code.clone(), day, county.clone(), d);
        if let Some(b) = before {
            let t = -Tally::of(&counted(b), 1);
            for d in dims(b) {
                *delta.entry(key(d)).or_default() += t;
            }
        }
        let t = Tally::of(&counted(after), 1);
        for d in dims(after) {
            *delta.entry(key(d)).or_default() += t;
        }
    }
    delta.retain(|_, t| !t.is_zero());
    if delta.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(&format!(
        "INSERT INTO event_tallies (province_code, day, county_code, dim, {}) VALUES ",
        COUNTERS.join(", ")
    ));
    for (i, ((province, day, county, dim), t)) in delta.into_iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(province).push(", ").bind(day).push(", ").bind(county).push(", ");
        sql.bind(dim);
        for v in t.counters() {
            sql.push(", ").bind(v);
        }
        sql.push(")");
    }
    let set: Vec<String> = COUNTERS.iter().map(|c| format!("{c} = event_tallies.{c} + excluded.{c}")).collect();
    sql.push(&format!(" ON CONFLICT (province_code, day, county_code, dim) DO UPDATE SET {}", set.join(", ")));
    db.execute_raw(sql.statement()).await?;
    Ok(())
}

/// Recounts a province's tallies from its events (in one transaction with the caller's writes).
pub async fn rebuild(db: &impl ConnectionTrait, province: &str) -> Result<()> {
    let backend = db.get_database_backend();
    let (day, top) = match backend {
        DbBackend::Postgres => ("(reported_at AT TIME ZONE 'Asia/Shanghai')::date", "split_part(category, '.', 1)"),
        _ => (
            "date(reported_at, '+8 hours')",
            "CASE WHEN instr(category, '.') > 0 THEN substr(category, 1, instr(category, '.') - 1) ELSE category END",
        ),
    };
    let closed = "state IN ('closed', 'rated')";
    let open = "state IN ('reported', 'accepted', 'escalated', 'assigned', 'fed_back', 'verified')";
    let when = |c: &str| format!("SUM(CASE WHEN {c} THEN 1 ELSE 0 END)");
    let sums = [
        "COUNT(*)".to_string(),
        when("state <> 'reported'"),
        when("state = 'rejected'"),
        when(closed),
        when(&format!("{closed} AND on_time = TRUE")),
        when(&format!("{closed} AND reworks > 0")),
        when("rating IS NOT NULL"),
        when("rating = 'satisfied'"),
        when("rating = 'fair'"),
        when("rating = 'dissatisfied'"),
        when(open),
        when(&format!("{closed} AND close_minutes IS NOT NULL")),
        format!("SUM(CASE WHEN {closed} AND close_minutes IS NOT NULL THEN close_minutes ELSE 0 END)"),
    ];
    let p = |n: usize| if backend == DbBackend::Postgres { format!("${n}") } else { "?".to_string() };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("DELETE FROM event_tallies WHERE province_code = {}", p(1)),
        [province.into()],
    ))
    .await?;
    for dim in ["''".to_string(), "'s:' || source".into(), format!("'c:' || {top}"), "'t:' || state".into()] {
        let text = format!(
            "INSERT INTO event_tallies (province_code, day, county_code, dim, {cols}) \
             SELECT province_code, {day}, SUBSTR(community_code, 1, 6), {dim}, {sums} FROM events \
             WHERE province_code = {p1} GROUP BY province_code, {day}, SUBSTR(community_code, 1, 6){by}",
            cols = COUNTERS.join(", "),
            sums = sums.join(", "),
            p1 = p(1),
            // PostgreSQL refuses a constant to group by.
            by = if dim == "''" { String::new() } else { format!(", {dim}") },
        );
        db.execute_raw(Statement::from_sql_and_values(backend, text, [province.into()])).await?;
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct Row {
    child: String,
    dim: String,
    reported: i64,
    decided: i64,
    rejected: i64,
    closed: i64,
    on_time: i64,
    reworked: i64,
    rated: i64,
    satisfied: i64,
    fair: i64,
    dissatisfied: i64,
    still_open: i64,
    timed: i64,
    close_minutes: i64,
}

/// Per child (the first `child_len` characters of the county code) and dimension, the tallies of the
/// days `from` to `to` for the counties under `region`.
pub(super) async fn read(
    db: &impl ConnectionTrait,
    province: &str,
    region: &str,
    child_len: usize,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, String, Tally)>> {
    let mut sql = Sql::new(db.get_database_backend());
    let sums: Vec<String> = COUNTERS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).collect();
    sql.push(&format!(
        "SELECT SUBSTR(county_code, 1, {child_len}) AS child, dim, {} FROM event_tallies",
        sums.join(", ")
    ));
    sql.push(" WHERE province_code = ").bind(province.to_string());
    sql.push(" AND day >= ").bind(from).push(" AND day <= ").bind(to);
    if region.len() > 2 {
        let (low, high) = shegong_domain::region::prefix_range(region);
        sql.push(" AND county_code >= ").bind(low);
        if let Some(h) = high {
            sql.push(" AND county_code < ").bind(h);
        }
    }
    sql.push(&format!(" GROUP BY SUBSTR(county_code, 1, {child_len}), dim"));
    let rows = Row::find_by_statement(sql.statement()).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = Tally::from_counters([
                r.reported,
                r.decided,
                r.rejected,
                r.closed,
                r.on_time,
                r.reworked,
                r.rated,
                r.satisfied,
                r.fair,
                r.dissatisfied,
                r.still_open,
                r.timed,
                r.close_minutes,
            ]);
            (r.child, r.dim, t)
        })
        .collect())
}
