//! Years of service, derived from appointments (任职).

use chrono::{Datelike, NaiveDate};

/// A period of appointment; `end` is exclusive, `None` while still serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// Days of service up to `as_of`, counting overlapping appointments once.
pub fn service_days(periods: &[Period], as_of: NaiveDate) -> i64 {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = periods
        .iter()
        .filter(|p| p.start < as_of)
        .map(|p| (p.start, p.end.map_or(as_of, |e| e.min(as_of))))
        .filter(|(s, e)| s < e)
        .collect();
    spans.sort();
    let mut total = 0;
    let mut current: Option<(NaiveDate, NaiveDate)> = None;
    for (s, e) in spans {
        match current {
            Some((cs, ce)) if s <= ce => current = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += (ce - cs).num_days();
                current = Some((s, e));
            }
            None => current = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = current {
        total += (ce - cs).num_days();
    }
    total
}

/// Full years of service up to `as_of` (365-day years over the merged periods, leap days allowed).
pub fn service_years(periods: &[Period], as_of: NaiveDate) -> i64 {
    // 365.2425 days a year in integer arithmetic; the +1 makes two calendar years without a leap
    // day (730 days) count as two.
    let days = service_days(periods, as_of);
    if days == 0 { 0 } else { (days + 1) * 10_000 / 3_652_425 }
}

/// The earliest start of service, for "工作年限自…".
pub fn first_start(periods: &[Period]) -> Option<NaiveDate> {
    periods.iter().map(|p| p.start).min()
}

/// Service years as the seeds' brackets.
pub fn service_bracket(years: i64) -> &'static str {
    match years {
        i64::MIN..=2 => "3年以下",
        3..=5 => "3-5年",
        6..=10 => "6-10年",
        _ => "10年以上",
    }
}

/// Age bands used in the figures.
pub fn age_band(birth: NaiveDate, as_of: NaiveDate) -> &'static str {
    let age = crate::worker::years_between(birth, as_of);
    let _ = birth.year();
    match age {
        i32::MIN..=29 => "30岁以下",
        30..=39 => "30-39岁",
        40..=49 => "40-49岁",
        _ => "50岁及以上",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn overlaps_count_once() {
        let p = [
            Period { start: d(2010, 1, 1), end: Some(d(2015, 1, 1)) },
            Period { start: d(2014, 1, 1), end: Some(d(2016, 1, 1)) },
            Period { start: d(2020, 1, 1), end: None },
        ];
        assert_eq!(service_years(&p, d(2026, 1, 1)), 12);
        assert_eq!(service_years(&p, d(2012, 1, 1)), 2);
        assert_eq!(service_days(&p, d(2009, 1, 1)), 0);
    }

    proptest! {
        #[test]
        fn service_never_exceeds_the_calendar(starts in proptest::collection::vec((0i64..6000, 0i64..4000), 0..6)) {
            let base = d(2005, 1, 1);
            let periods: Vec<Period> = starts.iter().map(|(s, l)| Period {
                start: base + chrono::Duration::days(*s),
                end: Some(base + chrono::Duration::days(s + l)),
            }).collect();
            let as_of = d(2026, 1, 1);
            let days = service_days(&periods, as_of);
            prop_assert!(days >= 0);
            prop_assert!(days <= (as_of - base).num_days());
            let longest = periods.iter().map(|p| (p.end.unwrap().min(as_of) - p.start).num_days().max(0)).max().unwrap_or(0);
            prop_assert!(days >= longest);
        }
    }
}
