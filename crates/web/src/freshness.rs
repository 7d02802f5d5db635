//! Read-your-writes for the figures kept between requests (see `shegong_store::cache`).
use crate::state::AppState;
use axum::http::header;
use axum::response::Response;

/// Who is calling, as far as the figures cache cares: the session or token, hashed (0: nobody).
fn caller_key(headers: &axum::http::HeaderMap) -> u64 {
    use std::hash::{Hash, Hasher};
    let who = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .or_else(|| crate::auth::cookie_in(headers, crate::auth::SESSION_COOKIE));
    who.map_or(0, |w| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        w.hash(&mut h);
        h.finish()
    })
}

/// Read-your-writes for the kept figures: a request runs knowing its caller's last write, and a
/// request that may have written records the generation after it. So a clerk sees their own save
/// at once, while figures may lag behind other users' saves by `figures_stale_secs`.
pub async fn own_writes(
    axum::extract::State(st): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let key = caller_key(req.headers());
    let writes = !matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    let stale_for = std::time::Duration::from_secs(st.settings.figures_stale_secs);
    let last = {
        let mut map = st.last_writes.0.lock().unwrap_or_else(|e| e.into_inner());
        // Past `stale_for` nothing older is served anyway: the entry is not needed any more.
        if map.len() > 10_000 {
            map.retain(|_, (_, at)| at.elapsed() <= stale_for);
        }
        match map.get(&key) {
            Some((g, at)) if key != 0 && at.elapsed() <= stale_for => *g,
            _ => 0,
        }
    };
    let res = shegong_store::cache::with_last_write(last, next.run(req)).await;
    if writes && key != 0 {
        let g = st.db.cache.generation();
        let mut map = st.last_writes.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(key, (g, std::time::Instant::now()));
    }
    res
}
