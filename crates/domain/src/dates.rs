//! One date policy for everything typed into the archive: a fact (a birth, a graduation, a
//! certificate, a grade, an exit) is not in the future; service does not start before the person's
//! 16th birthday; a date in the future is accepted only where a plan is meant (a training, an
//! agreement's next term, a policy from a coming date), within a horizon, and then takes effect on
//! that date. Nothing before 1900.

use crate::FieldError;
use chrono::{Datelike, Months, NaiveDate};

/// The earliest date the archive takes.
pub fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

/// The age from which a person may serve (labour law's minimum working age).
pub const MIN_SERVICE_AGE: u32 = 16;

fn too_early(field: &'static str, label: &str) -> FieldError {
    FieldError::new("date_too_early", field, format!("{label}不能早于1900年"))
}

/// A fact: from 1900 to today.
pub fn past(field: &'static str, label: &str, d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if d < earliest() {
        return Err(too_early(field, label));
    }
    if d > today {
        return Err(FieldError::new("date_future", field, format!("{label}不能晚于今天")));
    }
    Ok(d)
}

/// A plan: from 1900 to `horizon_days` after today.
pub fn plan(
    field: &'static str,
    label: &str,
    d: NaiveDate,
    today: NaiveDate,
    horizon_days: u32,
) -> Result<NaiveDate, FieldError> {
    if d < earliest() {
        return Err(too_early(field, label));
    }
    let latest = today + chrono::Duration::days(i64::from(horizon_days));
    if d > latest {
        return Err(FieldError::new("date_too_far", field, format!("{label}不能晚于{latest}")));
    }
    Ok(d)
}

/// The day someone turns `years`.
pub fn birthday(birth: NaiveDate, years: u32) -> NaiveDate {
    birth.checked_add_months(Months::new(12 * years)).unwrap_or(NaiveDate::MAX)
}

/// A date in someone's service: not before their 16th birthday, and a fact (or, with a horizon, a
/// plan).
pub fn in_service(
    field: &'static str,
    label: &str,
    d: NaiveDate,
    birth: NaiveDate,
    today: NaiveDate,
    horizon_days: u32,
) -> Result<NaiveDate, FieldError> {
    let d = if horizon_days == 0 { past(field, label, d, today)? } else { plan(field, label, d, today, horizon_days)? };
    let sixteen = birthday(birth, MIN_SERVICE_AGE);
    if d < sixteen {
        return Err(FieldError::new(
            "date_before_service_age",
            field,
            format!("{label}不能早于本人年满{MIN_SERVICE_AGE}周岁之日（{sixteen}）"),
        ));
    }
    Ok(d)
}

/// A month `YYYY-MM` that has begun: from 2000 to the current month.
pub fn month_begun(
    field: &'static str,
    label: &str,
    first: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    let this_month = today.with_day(1).expect("day 1 exists");
    if first.year() < 2000 || first > this_month {
        return Err(FieldError::new("month_out_of_range", field, format!("{label}应在2000年1月至本月之间")));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn facts_plans_and_service() {
        let today = d(2026, 11, 28);
        assert!(past("x", "日期", d(9999, 12, 31), today).is_err());
        assert!(past("x", "日期", d(1800, 1, 1), today).is_err());
        assert!(past("x", "日期", today, today).is_ok());
        assert!(plan("x", "日期", d(2027, 6, 1), today, 366).is_ok());
        assert!(plan("x", "日期", d(9999, 1, 1), today, 366).is_err());
        let birth = d(1989, 5, 17);
        let e = in_service("start_date", "任职开始日期", d(1800, 1, 1), birth, today, 0).unwrap_err();
        assert_eq!(e.code, "date_too_early");
        let e = in_service("start_date", "任职开始日期", d(2005, 5, 16), birth, today, 0).unwrap_err();
        assert_eq!(e.code, "date_before_service_age");
        assert!(in_service("start_date", "任职开始日期", d(2005, 5, 17), birth, today, 0).is_ok());
        assert!(month_begun("month", "月份", d(9999, 1, 1), today).is_err());
        assert!(month_begun("month", "月份", d(2026, 11, 1), today).is_ok());
        assert!(month_begun("month", "月份", d(2026, 12, 1), today).is_err());
    }

    proptest! {
        #[test]
        fn a_date_in_service_is_never_before_sixteen_nor_after_today(
            birth_days in 0i64..40_000, offset in -40_000i64..40_000, today_days in 30_000i64..50_000,
        ) {
            let base = d(1900, 1, 1);
            let birth = base + chrono::Duration::days(birth_days);
            let today = base + chrono::Duration::days(today_days);
            let day = birth + chrono::Duration::days(offset);
            if let Ok(v) = in_service("x", "x", day, birth, today, 0) {
                prop_assert!(v >= birthday(birth, MIN_SERVICE_AGE) && v <= today && v >= earliest());
            }
        }
    }
}
