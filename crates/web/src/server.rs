//! Serving: the listener, the background jobs (finishing imports, expiring uploads), health,
//! embedded assets, the last-resort panic answer and the security headers.
use crate::Settings;
use crate::router;
use crate::state::AppState;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shegong_store::Db;
use std::net::SocketAddr;

/// A handler that panicked answers 500 in the error shape instead of dropping the connection; the
/// panic is logged. (No request should get here: this is the last net, not the rule.)
pub(crate) fn panicked(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "handler panicked");
    crate::error::AppError::Internal(anyhow::anyhow!("panic: {detail}")).into_response()
}

pub(crate) async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    // Personal data (full ID numbers among it) is never kept by a browser or a proxy; the static
    // files say otherwise themselves.
    h.entry(axum::http::header::CACHE_CONTROL).or_insert(HeaderValue::from_static("private, no-store"));
    res
}

/// Whether the server and its database answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `database_unavailable`.
    pub status: &'static str,
}

/// 健康检查
#[utoipa::path(get, path = "/healthz", tag = "运行", security(()),
    responses((status = 200, description = "正常", body = Health), (status = 503, description = "数据库不可用", body = Health)))]
pub(crate) async fn healthz(axum::extract::State(st): axum::extract::State<AppState>) -> Response {
    match st.db.ping().await {
        Ok(_) => (StatusCode::OK, axum::Json(Health { status: "ok" })).into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "health check failed");
            let down = Health { status: "database_unavailable" };
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(down)).into_response()
        }
    }
}

/// Embedded assets: our stylesheet and the vendored libraries (no CDN).
pub(crate) async fn asset(axum::extract::Path(path): axum::extract::Path<String>) -> Response {
    let (body, mime): (&'static [u8], &str) = match path.as_str() {
        "app.css" => (include_bytes!("../assets/app.css"), "text/css; charset=utf-8"),
        "app.js" => (include_bytes!("../assets/app.js"), "text/javascript; charset=utf-8"),
        "htmx.min.js" => (include_bytes!("../assets/vendor/htmx/htmx.min.js"), "text/javascript; charset=utf-8"),
        "echarts.min.js" => {
            (include_bytes!("../assets/vendor/echarts/echarts.min.js"), "text/javascript; charset=utf-8")
        }
        "swagger-ui-bundle.js" => {
            (include_bytes!("../assets/vendor/swagger-ui/swagger-ui-bundle.js"), "text/javascript; charset=utf-8")
        }
        "swagger-ui.css" => (include_bytes!("../assets/vendor/swagger-ui/swagger-ui.css"), "text/css; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=86400")], body).into_response()
}

/// Binds `bind` and serves until Ctrl-C.
pub async fn serve(db: Db, bind: &str, settings: Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| anyhow::anyhow!("无法监听 {bind}：{e}"))?;
    let addr = listener.local_addr()?;
    spawn_upload_expiry(db.clone(), settings.upload_retention_days);
    spawn_import_resume(db.clone());
    println!("shegong 已启动：http://{addr}/");
    tracing::info!(%addr, "listening");
    axum::serve(listener, router(AppState::new(db, settings)).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Finishes the imports the last run stopped in the middle of (see `imports::commit_kept`).
fn spawn_import_resume(db: Db) {
    tokio::spawn(async move {
        match shegong_store::imports::resume_unfinished(&db, crate::clock::today()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "finished imports left unfinished"),
            Err(e) => tracing::warn!(error = ?e, "could not finish the imports left unfinished"),
        }
    });
}

/// Deletes kept uploads older than the retention, at start and every six hours.
fn spawn_upload_expiry(db: Db, days: u32) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(6 * 3600));
        loop {
            every.tick().await;
            let before = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
            match shegong_store::imports::expire(&db, before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, days, "expired kept uploads"),
                Err(e) => tracing::warn!(error = ?e, "could not expire kept uploads"),
            }
        }
    });
}

/// Starts the application on an already-bound listener (tests bind port 0).
pub async fn spawn(db: Db, listener: tokio::net::TcpListener) -> tokio::task::JoinHandle<()> {
    spawn_with(db, listener, Settings::default()).await
}

/// The same, with settings.
pub async fn spawn_with(db: Db, listener: tokio::net::TcpListener, settings: Settings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router(AppState::new(db, settings)).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    })
}
