//! The working calendar: the shipped State Council schedules (2020–2026, see
//! [`shegong_domain::calendar`]) and the years an administrator adds as their notices are published
//! (`shegong calendar add`), kept in `calendar_days`.

use crate::Db;
use crate::error::{Result, StoreError};
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, Value};
use shegong_domain::FieldError;
use shegong_domain::calendar::{Calendar, DayKind, OFFICIAL, ScheduledDay, parse_schedule};

const TABLE: &str = "calendar_days";

/// One notice year the calendar knows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Year {
    pub year: i32,
    pub holidays: usize,
    pub workdays: usize,
    /// Shipped with shegong (else added by an administrator).
    pub shipped: bool,
}

/// The years added, each with its days.
async fn added(db: &Db) -> Result<Vec<(i32, Vec<ScheduledDay>)>> {
    let q = Query::select()
        .columns([Alias::new("notice_year"), Alias::new("day"), Alias::new("kind"), Alias::new("name")])
        .from(Alias::new(TABLE))
        .order_by(Alias::new("day"), sea_orm::Order::Asc)
        .to_owned();
    let mut out: Vec<(i32, Vec<ScheduledDay>)> = Vec::new();
    for r in db.conn.query_all(&q).await? {
        let year: i32 = r.try_get_by_index(0)?;
        let date: NaiveDate = r.try_get_by_index(1)?;
        let kind: String = r.try_get_by_index(2)?;
        let name: String = r.try_get_by_index(3)?;
        let kind = if kind == DayKind::Workday.as_str() { DayKind::Workday } else { DayKind::Holiday };
        let day = ScheduledDay { date, kind, name };
        match out.iter_mut().find(|(y, _)| *y == year) {
            Some((_, days)) => days.push(day),
            None => out.push((year, vec![day])),
        }
    }
    Ok(out)
}

/// The shipped schedules, read once.
fn official() -> &'static Calendar {
    static OFFICIAL: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    OFFICIAL.get_or_init(Calendar::official)
}

/// The calendar: the shipped schedules and the years added.
pub async fn load(db: &Db) -> Result<std::sync::Arc<Calendar>> {
    let build = async {
        let mut c = official().clone();
        for (year, days) in added(db).await? {
            c.add(year, &days);
        }
        Ok(std::sync::Arc::new(c))
    };
    db.memo.get_or("calendar".into(), build).await
}

/// Every year known, oldest first.
pub async fn years(db: &Db) -> Result<Vec<Year>> {
    let count = |days: &[ScheduledDay], k: DayKind| days.iter().filter(|d| d.kind == k).count();
    let mut out: Vec<Year> = OFFICIAL
        .iter()
        .map(|(year, text)| {
            let days = parse_schedule(text).unwrap_or_default();
            Year {
                year: *year,
                holidays: count(&days, DayKind::Holiday),
                workdays: count(&days, DayKind::Workday),
                shipped: true,
            }
        })
        .collect();
    for (year, days) in added(db).await? {
        out.push(Year {
            year,
            holidays: count(&days, DayKind::Holiday),
            workdays: count(&days, DayKind::Workday),
            shipped: false,
        });
    }
    out.sort_by_key(|y| y.year);
    Ok(out)
}

fn refuse(message: String) -> StoreError {
    StoreError::invalid(FieldError::new("calendar_invalid", "calendar", message))
}

/// Adds the schedule of notice year `year` from its file (`date,kind,name`, as the shipped ones), or
/// replaces what was added for that year before. All or nothing: a file with a mistake, a date
/// outside the notice year (or its December before), or a shipped year changes nothing.
pub async fn add_year(db: &Db, year: i32, text: &str, by: &str) -> Result<Vec<ScheduledDay>> {
    if OFFICIAL.iter().any(|(y, _)| *y == year) {
        return Err(refuse(format!("{year}年的放假安排随系统提供（国务院办公厅通知），不能修改")));
    }
    if !(2000..=2100).contains(&year) {
        return Err(refuse(format!("年份{year}无效")));
    }
    let days = parse_schedule(text).map_err(StoreError::invalid)?;
    if days.is_empty() {
        return Err(refuse("文件中没有日期".into()));
    }
    if let Some(d) =
        days.iter().find(|d| !(d.date.year() == year || (d.date.year() == year - 1 && d.date.month() == 12)))
    {
        return Err(refuse(format!("{}不属于{year}年的放假安排（只可包含该年及上一年12月的日期）", d.date)));
    }
    let txn = db.begin_write().await?;
    let delete = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("notice_year")).eq(year))
        .to_owned();
    txn.execute(&delete).await?;
    // A date another added year holds is that year's: refused rather than moved silently.
    let dates: Vec<Value> = days.iter().map(|d| d.date.into()).collect();
    let taken = Query::select()
        .columns([Alias::new("day"), Alias::new("notice_year")])
        .from(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("day")).is_in(dates))
        .limit(1)
        .to_owned();
    if let Some(r) = txn.query_one(&taken).await? {
        let day: NaiveDate = r.try_get_by_index(0)?;
        let other: i32 = r.try_get_by_index(1)?;
        return Err(refuse(format!("{day}已列在{other}年的放假安排中")));
    }
    let now = Utc::now();
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new(TABLE))
        .columns(["day", "kind", "name", "notice_year", "added_by", "added_at"].map(Alias::new));
    for d in &days {
        let name: String = d.name.chars().take(16).collect();
        insert
            .values([
                d.date.into(),
                d.kind.as_str().into(),
                name.into(),
                year.into(),
                by.to_string().into(),
                now.into(),
            ])
            .map_err(|e| StoreError::Other(anyhow::anyhow!("calendar insert: {e}")))?;
    }
    txn.execute(&insert).await?;
    txn.commit().await?;
    db.memo.forget();
    Ok(days)
}
