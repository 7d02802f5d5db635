#![recursion_limit = "512"]
//! The HTTP side of shegong: pages in zh-CN (askama + htmx), the JSON API with its OpenAPI document,
//! Excel exports. Handlers are thin; rules live in `shegong-domain`, data access in `shegong-store`.

pub mod account;
pub mod api;
pub mod auth;
pub mod career_pages;
pub mod error;
pub mod export;
pub mod extract;
pub mod flash;
pub mod imports;
pub mod openapi;
pub mod pages;
pub mod policy_api;
pub mod stats;
pub mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use shegong_store::Db;
use std::net::SocketAddr;
use std::sync::Arc;

/// What the server is configured with beyond the database (see the README's configuration table).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Days an API token lasts from its creation.
    pub token_days: u32,
    /// Days a kept upload (roster file and its errors) is kept.
    pub upload_retention_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            token_days: 90,
            upload_retention_days: 30,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub throttle: Arc<auth::Throttle>,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self {
            db,
            throttle: Arc::new(auth::Throttle::default()),
            settings: Arc::new(settings),
        }
    }
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/regions/{code}", get(api::region))
        .route("/workers", get(api::list_workers).post(api::create_worker))
        .route("/workers.xlsx", get(api::export_workers))
        .route("/imports/template.xlsx", get(imports::template))
        .route(
            "/imports",
            post(imports::api_upload).layer(DefaultBodyLimit::max(imports::MAX_UPLOAD)),
        )
        .route("/imports/{id}/commit", post(imports::api_commit))
        .route("/imports/{id}/errors.xlsx", get(imports::api_errors))
        .route("/stats", get(stats::api_stats))
        .route("/stats.xlsx", get(stats::api_stats_xlsx))
        .route("/stats/trend", get(stats::api_trend))
        .route("/workers/{id}", get(api::get_worker).patch(api::patch_worker))
        .route("/workers/{id}/history", get(api::worker_history))
        .route("/workers/{id}/appointments", post(api::add_appointment))
        .route("/workers/{id}/educations", post(api::add_education))
        .route("/workers/{id}/certificates", post(api::add_certificate))
        .route("/workers/{id}/agreements", post(api::add_agreement))
        .route("/workers/{id}/exit", post(api::exit_worker))
        .route("/workers/{id}/corrections", post(api::request_correction))
        .route("/workers/{id}/corrections/{cid}/resolve", post(api::resolve_correction))
        .route(
            "/workers/{id}/assessments",
            get(api::list_assessments).post(api::add_assessment),
        )
        .route("/workers/{id}/rewards", get(api::list_rewards).post(api::add_reward))
        .route("/alerts", get(api::alerts))
        .route("/trainings", get(api::list_trainings).post(api::create_training))
        .route("/trainings/{id}/enrol", post(api::enrol_training))
        .route(
            "/trainings/{id}/records/{worker_id}",
            put(policy_api::set_training_result),
        )
        .route("/training/overdue", get(api::training_overdue))
        .route("/training/overdue.xlsx", get(api::training_overdue_xlsx))
        .route(
            "/policies",
            get(policy_api::list_policies).post(policy_api::upload_policy),
        )
        .route("/policies/check", post(policy_api::check_policy))
        .route("/policies/{name}", get(policy_api::get_policy))
        .route(
            "/regions/{code}/policy",
            get(policy_api::region_policy).post(policy_api::apply_policy),
        )
        .route("/regions/{code}/reference-wages", post(policy_api::set_wage))
        .route("/regions/{code}/staffing", get(policy_api::region_staffing))
        .route("/regions/{code}/budget", get(policy_api::region_budget))
        .route("/payroll/runs", get(policy_api::list_runs).post(policy_api::create_run))
        .route("/payroll/runs/{id}", get(policy_api::get_run))
        .route("/payroll/runs/{id}/review", post(policy_api::review_run))
        .route("/payroll/runs/{id}/lock", post(policy_api::lock_run))
        .route("/payroll/runs/{id}/adjustments", post(policy_api::adjust_run))
        .route("/payroll/runs/{id}/payslips.xlsx", get(policy_api::run_xlsx))
        .route("/workers/{id}/payslips", get(policy_api::worker_payslips))
        .route("/workers/{id}/level", get(policy_api::worker_level))
        .route("/workers/{id}/assessments/{year}/amend", post(policy_api::amend_grade))
        .route(
            "/assessment-rounds",
            get(policy_api::list_rounds).post(policy_api::create_round),
        )
        .route("/assessment-rounds/{id}", get(policy_api::get_round))
        .route("/assessment-rounds/{id}/scores", put(policy_api::save_scores))
        .route("/assessment-rounds/{id}/score", post(policy_api::score_round))
        .route("/assessment-rounds/{id}/grades", post(policy_api::set_round_grade))
        .route("/assessment-rounds/{id}/publish", post(policy_api::publish_round))
        .route(
            "/reserves",
            get(policy_api::list_reserves).post(policy_api::add_reserve),
        )
        .route("/reserves/coverage", get(policy_api::reserve_coverage))
        .route("/reserves/{id}", delete(policy_api::remove_reserve))
        .route("/users", get(api::list_users).post(api::create_user))
        .route("/audit", get(api::audit_log))
        .merge(account::api_routes())
        .fallback(api::not_found);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::swagger_page))
        .nest("/api/v1", api)
        .route("/assets/{*path}", get(asset))
        .merge(stats::routes())
        .merge(imports::routes())
        .merge(account::routes())
        .merge(pages::routes())
        .merge(career_pages::routes())
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn(extract::plain_errors))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// A handler that panicked answers 500 in the error shape instead of dropping the connection; the
/// panic is logged. (No request should get here: this is the last net, not the rule.)
fn panicked(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "handler panicked");
    error::AppError::Internal(anyhow::anyhow!("panic: {detail}")).into_response()
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    res
}

async fn healthz(axum::extract::State(st): axum::extract::State<AppState>) -> Response {
    match st.db.ping().await {
        Ok(_) => (StatusCode::OK, axum::Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "database_unavailable"})),
            )
                .into_response()
        }
    }
}

/// Embedded assets: our stylesheet and the vendored libraries (no CDN).
async fn asset(axum::extract::Path(path): axum::extract::Path<String>) -> Response {
    let (body, mime): (&'static [u8], &str) = match path.as_str() {
        "app.css" => (include_bytes!("../assets/app.css"), "text/css; charset=utf-8"),
        "app.js" => (include_bytes!("../assets/app.js"), "text/javascript; charset=utf-8"),
        "htmx.min.js" => (
            include_bytes!("../assets/vendor/htmx/htmx.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "echarts.min.js" => (
            include_bytes!("../assets/vendor/echarts/echarts.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "swagger-ui-bundle.js" => (
            include_bytes!("../assets/vendor/swagger-ui/swagger-ui-bundle.js"),
            "text/javascript; charset=utf-8",
        ),
        "swagger-ui.css" => (
            include_bytes!("../assets/vendor/swagger-ui/swagger-ui.css"),
            "text/css; charset=utf-8",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// Binds `bind` and serves until Ctrl-C.
pub async fn serve(db: Db, bind: &str, settings: Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("无法监听 {bind}：{e}"))?;
    let addr = listener.local_addr()?;
    spawn_upload_expiry(db.clone(), settings.upload_retention_days);
    spawn_import_resume(db.clone());
    println!("shegong 已启动：http://{addr}/");
    tracing::info!(%addr, "listening");
    axum::serve(
        listener,
        router(AppState::new(db, settings)).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// Finishes the imports the last run stopped in the middle of (see `imports::commit_kept`).
fn spawn_import_resume(db: Db) {
    tokio::spawn(async move {
        match shegong_store::imports::resume_unfinished(&db, views::today()).await {
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
