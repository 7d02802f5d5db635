//! The 待办 inbox: what waits for the caller — correction requests, exit flags, agreements ending,
//! communities short of certificate holders, rounds to publish, payroll runs to review or lock,
//! training overdue. The home page shows the counts; each is a link to its full list, paged,
//! filtered by region and exported to Excel like every list.

pub(crate) mod lists;
pub(crate) mod todo;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new().route("/alerts", get(lists::alerts_page)).route("/corrections", get(lists::corrections_page))
}
