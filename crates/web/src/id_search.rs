//! Searching the worker list by ID number: every such search is written to the audit log (it can
//! confirm or complete a number without a full view), and a role that may not see full numbers —
//! whose search matches only a whole number, so that confirming a guess is all it can do — may
//! make at most [`LIMIT`] of them in [`WINDOW`]: enough to find the people who come to the
//! office, far too few to try the few hundred numbers a masked one leaves open.

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use axum::http::StatusCode;
use shegong_domain::Permission;
use shegong_store::workers::WorkerFilter;
use std::time::Instant;

pub use crate::throttle::{ID_SEARCH_LIMIT as LIMIT, ID_SEARCH_WINDOW as WINDOW};

/// The ID number (or its part) a list query searches by, as typed; `None` for a name.
fn id_query(filter: &WorkerFilter) -> Option<String> {
    let q = filter.q.as_deref()?;
    let key = shegong_domain::search::query_key(q)?.to_ascii_uppercase();
    (key.len() >= 4 && key.bytes().all(|b| b.is_ascii_digit() || b == b'X')).then_some(key)
}

/// Before a list answers `filter`: refuses a search by ID number past the limit, and records it.
pub async fn guard(st: &AppState, caller: &Caller, filter: &WorkerFilter) -> Result<(), AppError> {
    let Some(number) = id_query(filter) else {
        return Ok(());
    };
    let limited = !caller.role.may(Permission::ViewFullIdNumber);
    if limited && !st.id_searches.admit(caller.user.id, Instant::now()) {
        return Err(AppError::Rejected {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "too_many_id_searches",
            field: Some("q".into()),
            message: format!("按身份证号码查询过于频繁（每10分钟至多{LIMIT}次），请稍后再试"),
        });
    }
    // The log keeps what was typed, masked like any number it shows.
    let shown = if number.len() == 18 { shegong_domain::id_number::mask(&number) } else { number };
    shegong_store::audit::entry(&caller.actor, "worker.search_id_number", caller.scope.region().as_str())
        .detail(shown)
        .record(&st.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::throttle::IdSearches;
    use uuid::Uuid;

    #[test]
    fn the_limit_counts_per_user_and_window() {
        let s = IdSearches::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let t = Instant::now();
        for _ in 0..LIMIT {
            assert!(s.admit(a, t));
        }
        assert!(!s.admit(a, t));
        assert!(s.admit(b, t), "another user");
        assert!(s.admit(a, t + WINDOW), "the next window");
    }

    #[test]
    fn only_numbers_are_id_searches() {
        let f = |q: &str| WorkerFilter { q: Some(q.into()), ..Default::default() };
        assert_eq!(id_query(&f("１５０ｘ")), Some("150X".into()));
        assert_eq!(id_query(&f("张佳明")), None);
        assert_eq!(id_query(&f("150")), None);
    }
}
