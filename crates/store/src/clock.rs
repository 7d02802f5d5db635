//! The clock: today in Asia/Shanghai (see `shegong_domain::time`), for the store's rules.

use chrono::{NaiveDate, Utc};

/// Today in Asia/Shanghai.
pub fn today() -> NaiveDate {
    shegong_domain::time::date_in_china(Utc::now())
}
