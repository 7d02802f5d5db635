//! Times as people read them: Asia/Shanghai.

use chrono::NaiveDate;

/// A UTC timestamp as shown on screen: Asia/Shanghai (UTC+8, no daylight saving).
pub fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Today in Asia/Shanghai.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}
