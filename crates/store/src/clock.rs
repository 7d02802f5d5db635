//! The China date, for the store's rules about "today" (Asia/Shanghai is UTC+8 all year).

use chrono::{Duration, NaiveDate, Utc};

/// Today in Asia/Shanghai.
pub fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}
