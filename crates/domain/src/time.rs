//! Time as people in China read it: Asia/Shanghai, UTC+8 all year (no daylight saving). Storage is
//! UTC; dates of facts ("today", a deadline) and times on screen are in Asia/Shanghai. The one
//! place that knows the offset.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// Asia/Shanghai is UTC+8.
pub const OFFSET_HOURS: i64 = 8;

/// The wall-clock time in Asia/Shanghai at `at`.
pub fn in_china(at: DateTime<Utc>) -> NaiveDateTime {
    (at + Duration::hours(OFFSET_HOURS)).naive_utc()
}

/// The moment a wall-clock time in Asia/Shanghai names (a deadline counted on China's calendar).
pub fn from_china(local: NaiveDateTime) -> DateTime<Utc> {
    // At the very first moment chrono can hold there is nothing earlier: kept as it is.
    local.checked_sub_signed(Duration::hours(OFFSET_HOURS)).unwrap_or(local).and_utc()
}

/// The date in Asia/Shanghai at `at` ("today" for the rules when `at` is now).
pub fn date_in_china(at: DateTime<Utc>) -> NaiveDate {
    in_china(at).date()
}

/// `2026-11-29 08:05:09`: a stored time as shown on screen.
pub fn seconds_text(at: DateTime<Utc>) -> String {
    in_china(at).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `2026-11-29 08:05`: a stored time in a list.
pub fn minutes_text(at: DateTime<Utc>) -> String {
    in_china(at).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_china_date_turns_at_16_utc() {
        let before = Utc.with_ymd_and_hms(2026, 12, 31, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap();
        assert_eq!(date_in_china(before), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(date_in_china(after), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(seconds_text(after), "2027-01-01 00:00:00");
        assert_eq!(minutes_text(before), "2026-12-31 23:59");
        assert_eq!(from_china(in_china(after)), after);
    }
}
