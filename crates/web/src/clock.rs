//! Times as people read them: Asia/Shanghai (see `shegong_domain::time`).

use chrono::NaiveDate;

/// A UTC timestamp as shown on screen.
pub fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    shegong_domain::time::seconds_text(t)
}

/// Today in Asia/Shanghai.
pub fn today() -> NaiveDate {
    shegong_store::clock::today()
}
