//! Read-your-writes for the figures kept between requests (see `shegong_store::cache`): a user's
//! own save is counted on their next page, whichever session or token they use.
use crate::state::AppState;
use axum::response::Response;
use std::cell::Cell;
use std::time::{Duration, Instant};
use uuid::Uuid;

tokio::task_local! {
    /// The user this request turned out to be (set when the caller is known).
    static WHO: Cell<Option<Uuid>>;
}

/// Called once the request knows its user: remembers them for after the request, and tells the
/// figures cache their last write.
pub(crate) fn seen(st: &AppState, user: Uuid) {
    let _ = WHO.try_with(|w| w.set(Some(user)));
    let stale_for = Duration::from_secs(st.settings.figures_stale_secs);
    let map = st.last_writes.0.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((g, at)) = map.get(&user)
        && at.elapsed() <= stale_for
    {
        shegong_store::cache::note_last_write(*g);
    }
}

/// Every request runs inside the cache's read-your-writes scope; a request that may have written
/// records, for its user, the generation after it.
pub async fn own_writes(
    axum::extract::State(st): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let writes = !matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    let (res, who) = shegong_store::cache::with_last_write(
        0,
        WHO.scope(Cell::new(None), async {
            let res = next.run(req).await;
            (res, WHO.with(Cell::get))
        }),
    )
    .await;
    if writes && let Some(user) = who {
        let stale_for = Duration::from_secs(st.settings.figures_stale_secs);
        let g = st.db.cache.generation();
        let mut map = st.last_writes.0.lock().unwrap_or_else(|e| e.into_inner());
        // Past `stale_for` nothing older is served anyway: the entry is not needed any more.
        if map.len() > 10_000 {
            map.retain(|_, (_, at)| at.elapsed() <= stale_for);
        }
        map.insert(user, (g, Instant::now()));
    }
    res
}
