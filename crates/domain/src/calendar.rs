//! Working time in China: the State Council's holiday schedules with their 调休 working weekends,
//! and the time limits of the grid events (受理、处置、办结) counted in natural days, working days or
//! working hours.
//!
//! The official schedules 2020–2026 ship in `data/holidays/` (one file per notice year, `date,kind,name`;
//! the sources are cited in its README). An administrator adds a year when its notice is published
//! (the same format); a date no schedule names follows the usual rule: Monday to Friday work,
//! Saturday and Sunday off.
//!
//! Times here are wall-clock times in Asia/Shanghai (see [`crate::time`]).

use crate::FieldError;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use std::collections::BTreeMap;

/// What a schedule makes of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A day off (休), weekend days inside a holiday span included.
    Holiday,
    /// A Saturday or Sunday made a working day (调休上班).
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Holiday => "放假",
            Self::Workday => "调休上班",
        }
    }
}

/// One date of a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The festival the notice lists it under (春节, 国庆节…).
    pub name: String,
}

/// The shipped schedules, by notice year.
pub const OFFICIAL: [(i32, &str); 7] = [
    (2020, include_str!("../data/holidays/2020.csv")),
    (2021, include_str!("../data/holidays/2021.csv")),
    (2022, include_str!("../data/holidays/2022.csv")),
    (2023, include_str!("../data/holidays/2023.csv")),
    (2024, include_str!("../data/holidays/2024.csv")),
    (2025, include_str!("../data/holidays/2025.csv")),
    (2026, include_str!("../data/holidays/2026.csv")),
];

/// Reads a schedule in the shipped format (`date,kind,name`, a header line first). Refused with
/// the line when a date is not a date, a kind is neither `holiday` nor `workday`, a `workday` is
/// not a Saturday or Sunday, or a date is listed twice.
pub fn parse_schedule(text: &str) -> Result<Vec<ScheduledDay>, FieldError> {
    let bad =
        |line: usize, what: String| FieldError::new("calendar_invalid", "calendar", format!("第{line}行：{what}"));
    let mut out: Vec<ScheduledDay> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || (i == 0 && line.starts_with("date")) {
            continue;
        }
        let mut parts = line.splitn(3, ',').map(str::trim);
        let (Some(d), Some(k)) = (parts.next(), parts.next()) else {
            return Err(bad(line_no, "应为“日期,类型,名称”".into()));
        };
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| bad(line_no, format!("日期“{d}”应写作 2026-10-01")))?;
        let kind = match k {
            "holiday" | "休" | "放假" => DayKind::Holiday,
            "workday" | "班" | "调休上班" => DayKind::Workday,
            _ => return Err(bad(line_no, format!("类型“{k}”应为 holiday（放假）或 workday（调休上班）"))),
        };
        if kind == DayKind::Workday && !is_weekend(date) {
            return Err(bad(line_no, format!("{date}不是周六或周日，不能列为调休上班")));
        }
        if out.iter().any(|x| x.date == date) {
            return Err(bad(line_no, format!("{date}重复列出")));
        }
        out.push(ScheduledDay { date, kind, name: parts.next().unwrap_or("").to_string() });
    }
    Ok(out)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The working calendar: the schedules it was given, and the usual rule elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, DayKind>,
    /// Notice years whose schedule is known.
    years: Vec<i32>,
}

impl Calendar {
    /// The shipped schedules 2020–2026.
    pub fn official() -> Self {
        let mut c = Self::default();
        for (year, text) in OFFICIAL {
            let days = parse_schedule(text).expect("the shipped schedules are well formed");
            c.add(year, &days);
        }
        c
    }

    /// Adds (or replaces date by date) the schedule of a notice year.
    pub fn add(&mut self, year: i32, days: &[ScheduledDay]) {
        for d in days {
            self.days.insert(d.date, d.kind);
        }
        if !self.years.contains(&year) {
            self.years.push(year);
            self.years.sort_unstable();
        }
    }

    /// The notice years whose schedule is known.
    pub fn years(&self) -> &[i32] {
        &self.years
    }

    /// Whether `date`'s year has a known schedule (otherwise only weekends are known to be off).
    pub fn knows(&self, date: NaiveDate) -> bool {
        self.years.contains(&date.year())
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(date),
        }
    }

    /// The first working day after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date + Duration::days(1);
        // The longest run of days off in any schedule is 10 (2020's 春节); a year has working days.
        while !self.is_working_day(d) {
            d += Duration::days(1);
        }
        d
    }

    /// Working days in `from..to` (`to` not counted).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            if self.is_working_day(d) {
                n += 1;
            }
            d += Duration::days(1);
        }
        n
    }
}

/// How a limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Unit {
    /// 自然日: calendar days from the moment.
    NaturalDays,
    /// 小时: hours of the clock from the moment (an urgent matter does not wait for the morning).
    Hours,
    /// 工作日: whole working days after the day of the moment; due at the end of the last one.
    WorkingDays,
    /// 工作时: hours of the working day's office hours, counted on working days only.
    WorkingHours,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NaturalDays => "d",
            Self::Hours => "h",
            Self::WorkingDays => "wd",
            Self::WorkingHours => "wh",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NaturalDays => "自然日",
            Self::Hours => "小时",
            Self::WorkingDays => "个工作日",
            Self::WorkingHours => "个工作小时",
        }
    }
}

/// A time limit: `3wd` (three working days), `24wh`, `7d`, `2h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Limit {
    pub amount: u32,
    pub unit: Unit,
}

/// The longest limit a policy may set, in its unit (a year of days; a year of working hours).
pub const MAX_LIMIT: u32 = 2000;

impl Limit {
    /// Reads `3wd`, `24wh`, `7d`, `2h` (or `3工作日`, `24工作时`, `7天`, `2小时`).
    pub fn parse(s: &str) -> Option<Limit> {
        let s = s.trim();
        let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let amount: u32 = s[..digits].parse().ok().filter(|n| (1..=MAX_LIMIT).contains(n))?;
        let unit = match s[digits..].trim() {
            "d" | "天" | "自然日" => Unit::NaturalDays,
            "h" | "小时" => Unit::Hours,
            "wd" | "工作日" | "个工作日" => Unit::WorkingDays,
            "wh" | "工作时" | "工作小时" | "个工作小时" => Unit::WorkingHours,
            _ => return None,
        };
        Some(Limit { amount, unit })
    }

    pub fn text(&self) -> String {
        format!("{}{}", self.amount, self.unit.as_str())
    }

    /// `3个工作日`, `7自然日`.
    pub fn label(&self) -> String {
        format!("{}{}", self.amount, self.unit.label())
    }
}

/// Office hours of a working day, for limits in working hours (08:30–17:30 unless the policy says
/// otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct OfficeHours {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

impl Default for OfficeHours {
    fn default() -> Self {
        Self { open: hm(8, 30), close: hm(17, 30) }
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl OfficeHours {
    /// Reads `08:30-17:30`; the close must come after the opening.
    pub fn parse(s: &str) -> Option<OfficeHours> {
        let (a, b) = s.split_once(['-', '–', '~'])?;
        let open = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
        let close = NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
        (open < close).then_some(OfficeHours { open, close })
    }

    /// Minutes the office is open on a working day.
    pub fn minutes(&self) -> i64 {
        (self.close - self.open).num_minutes()
    }
}

/// When a limit started at `from` runs out.
///
/// - natural days and hours: `from` plus the days or hours;
/// - working days: the end (24:00) of the n-th working day after the day of `from`, so that a report
///   on Friday afternoon with one working day is due at the end of Monday, and one made on the eve of
///   the Spring Festival at the end of the first working day after it;
/// - working hours: the hours counted inside office hours on working days from `from` (a report made
///   after hours starts counting at the next opening).
pub fn due(cal: &Calendar, hours: OfficeHours, from: NaiveDateTime, limit: Limit) -> NaiveDateTime {
    let n = i64::from(limit.amount);
    match limit.unit {
        Unit::NaturalDays => from + Duration::days(n),
        Unit::Hours => from + Duration::hours(n),
        Unit::WorkingDays => {
            let mut d = from.date();
            for _ in 0..n {
                d = cal.next_working_day(d);
            }
            (d + Duration::days(1)).and_time(NaiveTime::MIN)
        }
        Unit::WorkingHours => {
            let mut left = n * 60;
            let mut day = from.date();
            let mut at = from.time();
            if !cal.is_working_day(day) || at >= hours.close {
                day = cal.next_working_day(day);
                at = hours.open;
            }
            at = at.max(hours.open);
            loop {
                let room = (hours.close - at).num_minutes();
                if left <= room {
                    return day.and_time(at) + Duration::minutes(left);
                }
                left -= room;
                day = cal.next_working_day(day);
                at = hours.open;
            }
        }
    }
}

/// When the yellow warning starts: `warn_pct` per cent of the span from `from` to `due` gone.
pub fn warn_at(from: NaiveDateTime, due: NaiveDateTime, warn_pct: u32) -> NaiveDateTime {
    let span = (due - from).num_seconds().max(0);
    from + Duration::seconds(span * i64::from(warn_pct.min(100)) / 100)
}

/// 督办 colours: 正常, 黄牌 (the limit is running out), 红牌 (past it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Warning {
    None,
    Yellow,
    Red,
}

impl Warning {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Yellow => "yellow",
            Self::Red => "red",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::None => "正常",
            Self::Yellow => "黄牌预警",
            Self::Red => "红牌超期",
        }
    }
}

/// The warning at `now` for a limit that started at `from` and runs out at `due`.
pub fn warning(now: NaiveDateTime, from: NaiveDateTime, due: NaiveDateTime, warn_pct: u32) -> Warning {
    if now > due {
        Warning::Red
    } else if now >= warn_at(from, due, warn_pct) {
        Warning::Yellow
    } else {
        Warning::None
    }
}

/// Minutes of office hours between two moments (for "how long it took" in working time).
pub fn working_minutes(cal: &Calendar, hours: OfficeHours, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    if to <= from {
        return 0;
    }
    let mut total = 0;
    let mut day = from.date();
    while day <= to.date() {
        if cal.is_working_day(day) {
            let open = day.and_time(hours.open).max(from);
            let close = day.and_time(hours.close).min(to);
            if close > open {
                total += (close - open).num_minutes();
            }
        }
        day += Duration::days(1);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn the_shipped_schedules_hold_the_notices() {
        let c = Calendar::official();
        assert_eq!(c.years(), &[2020, 2021, 2022, 2023, 2024, 2025, 2026]);
        // 2026 春节: 02-15 to 02-23 off, Saturdays 02-14 and 02-28 worked.
        assert!(!c.is_working_day(d(2026, 2, 16)));
        assert!(!c.is_working_day(d(2026, 2, 23)));
        assert!(c.is_working_day(d(2026, 2, 14)));
        assert!(c.is_working_day(d(2026, 2, 28)));
        // 2023's 元旦 begins in 2022, in the 2023 file.
        assert!(!c.is_working_day(d(2023, 1, 2)));
        // The usual rule elsewhere.
        assert!(c.is_working_day(d(2026, 11, 27)));
        assert!(!c.is_working_day(d(2026, 11, 28)));
        assert!(!c.knows(d(2027, 3, 1)));
        // The counts the README cross-checks: 2026 has 33 days off and 6 worked weekend days.
        let y2026 = parse_schedule(OFFICIAL[6].1).unwrap();
        assert_eq!(y2026.iter().filter(|x| x.kind == DayKind::Holiday).count(), 33);
        assert_eq!(y2026.iter().filter(|x| x.kind == DayKind::Workday).count(), 6);
    }

    #[test]
    fn a_schedule_with_a_mistake_is_refused_with_its_line() {
        let e = parse_schedule("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,workday,元旦\n").unwrap_err();
        assert_eq!(e.field, "calendar");
        assert!(e.message.contains("第3行"), "{}", e.message);
        assert!(parse_schedule("date,kind,name\n2027-13-01,holiday,x\n").unwrap_err().message.contains("第2行"));
        assert!(parse_schedule("date,kind,name\n2027-01-01,off,x\n").unwrap_err().message.contains("holiday"));
        assert!(
            parse_schedule("2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦\n").unwrap_err().message.contains("重复")
        );
        let ok = parse_schedule("2027-01-01,休,元旦\n2027-01-02,放假\n").unwrap();
        assert_eq!(ok.len(), 2);
    }

    #[test]
    fn working_days_skip_the_spring_festival_and_count_its_saturdays() {
        let c = Calendar::official();
        let h = OfficeHours::default();
        let wd = |n| Limit { amount: n, unit: Unit::WorkingDays };
        // Friday 2026-02-13, 16:00, one working day: Saturday 02-14 is worked → due at its end.
        assert_eq!(due(&c, h, at(2026, 2, 13, 16, 0), wd(1)), at(2026, 2, 15, 0, 0));
        // Two working days: the next is Tuesday 02-24, after nine days off.
        assert_eq!(due(&c, h, at(2026, 2, 13, 16, 0), wd(2)), at(2026, 2, 25, 0, 0));
        // An ordinary Friday: due at the end of Monday.
        assert_eq!(due(&c, h, at(2026, 11, 27, 10, 0), wd(1)), at(2026, 12, 1, 0, 0));
        assert_eq!(
            due(&c, h, at(2026, 11, 27, 10, 0), Limit { amount: 7, unit: Unit::NaturalDays }),
            at(2026, 12, 4, 10, 0)
        );
    }

    #[test]
    fn working_hours_count_office_hours_only() {
        let c = Calendar::official();
        let h = OfficeHours::default();
        let wh = |n| Limit { amount: n, unit: Unit::WorkingHours };
        // Friday 15:30 + 4 h: 2 h on Friday, 2 h from Monday 08:30.
        assert_eq!(due(&c, h, at(2026, 11, 27, 15, 30), wh(4)), at(2026, 11, 30, 10, 30));
        // Made at night: counting starts at the next opening.
        assert_eq!(due(&c, h, at(2026, 11, 26, 22, 0), wh(1)), at(2026, 11, 27, 9, 30));
        // Made before the opening.
        assert_eq!(due(&c, h, at(2026, 11, 27, 7, 0), wh(9)), at(2026, 11, 27, 17, 30));
        assert_eq!(working_minutes(&c, h, at(2026, 11, 27, 15, 30), at(2026, 11, 30, 10, 30)), 240);
    }

    #[test]
    fn limits_and_hours_are_read_from_policy_text() {
        assert_eq!(Limit::parse("3wd"), Some(Limit { amount: 3, unit: Unit::WorkingDays }));
        assert_eq!(Limit::parse("24工作时"), Some(Limit { amount: 24, unit: Unit::WorkingHours }));
        assert_eq!(Limit::parse("7天"), Some(Limit { amount: 7, unit: Unit::NaturalDays }));
        assert_eq!(Limit::parse("2h"), Some(Limit { amount: 2, unit: Unit::Hours }));
        assert_eq!(Limit::parse("0d"), None);
        assert_eq!(Limit::parse("3"), None);
        assert_eq!(Limit::parse("99999d"), None);
        assert_eq!(Limit::parse("3wd").unwrap().label(), "3个工作日");
        assert_eq!(OfficeHours::parse("09:00-17:00").unwrap().minutes(), 480);
        assert_eq!(OfficeHours::parse("17:00-09:00"), None);
    }

    #[test]
    fn warnings_turn_yellow_then_red() {
        let from = at(2026, 11, 27, 0, 0);
        let due = at(2026, 11, 28, 0, 0);
        assert_eq!(warning(at(2026, 11, 27, 12, 0), from, due, 75), Warning::None);
        assert_eq!(warning(at(2026, 11, 27, 18, 0), from, due, 75), Warning::Yellow);
        assert_eq!(warning(at(2026, 11, 28, 0, 0), from, due, 75), Warning::Yellow);
        assert_eq!(warning(at(2026, 11, 28, 0, 1), from, due, 75), Warning::Red);
    }

    fn moment() -> impl Strategy<Value = NaiveDateTime> {
        // Any minute from 2020 to the end of 2026, where the schedules are known.
        (0i64..(7 * 366 * 24 * 60)).prop_map(|m| at(2020, 1, 1, 0, 0) + Duration::minutes(m))
    }

    proptest! {
        /// A limit in working days runs out at the end of a working day, after exactly that many
        /// working days following the day of the report; more days never come earlier.
        #[test]
        fn working_days_are_counted_exactly(from in moment(), n in 1u32..40) {
            let c = Calendar::official();
            let h = OfficeHours::default();
            let end = due(&c, h, from, Limit { amount: n, unit: Unit::WorkingDays });
            prop_assert_eq!(end.time(), NaiveTime::MIN);
            let last = end.date() - Duration::days(1);
            prop_assert!(c.is_working_day(last));
            prop_assert_eq!(c.working_days_between(from.date() + Duration::days(1), end.date()), n);
            let more = due(&c, h, from, Limit { amount: n + 1, unit: Unit::WorkingDays });
            prop_assert!(more > end);
        }

        /// A limit in working hours runs out inside office hours on a working day, after exactly that
        /// many hours of office time; and n + m hours is m hours after n.
        #[test]
        fn working_hours_are_counted_exactly(from in moment(), n in 1u32..60, m in 1u32..30) {
            let c = Calendar::official();
            let h = OfficeHours::default();
            let wh = |k| Limit { amount: k, unit: Unit::WorkingHours };
            let end = due(&c, h, from, wh(n));
            prop_assert!(c.is_working_day(end.date()));
            prop_assert!(end.time() > h.open && end.time() <= h.close);
            prop_assert_eq!(working_minutes(&c, h, from, end), i64::from(n) * 60);
            prop_assert_eq!(due(&c, h, end, wh(m)), due(&c, h, from, wh(n + m)));
        }

        /// The warning never goes back: once yellow, never none again; once red, red.
        #[test]
        fn warnings_only_grow(from in moment(), len in 1i64..10_000, a in 0i64..20_000, b in 0i64..20_000, pct in 0u32..=100) {
            let due = from + Duration::minutes(len);
            let (early, late) = (from + Duration::minutes(a.min(b)), from + Duration::minutes(a.max(b)));
            prop_assert!(warning(early, from, due, pct) <= warning(late, from, due, pct));
        }
    }
}
