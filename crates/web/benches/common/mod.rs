//! What the web benchmarks share: a token for a demo user, and one request on a keep-alive connection.
use axum::body::Body;
use axum::http::Request;
use shegong_store::demo;
use std::time::{Duration, Instant};
use tower::ServiceExt;

pub async fn token(app: &axum::Router, user: &str) -> String {
    let body = serde_json::json!({"username": user, "password": demo::DEMO_PASSWORD}).to_string();
    let req = Request::post("/api/v1/auth/token")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// One request on a keep-alive connection: the status line's code and the latency, or `None` when
/// the connection failed.
pub async fn round_trip(
    stream: &mut tokio::io::BufReader<tokio::net::TcpStream>,
    request: &str,
) -> Option<(u16, Duration)> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let t = Instant::now();
    stream.get_mut().write_all(request.as_bytes()).await.ok()?;
    let mut status = String::new();
    stream.read_line(&mut status).await.ok()?;
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    let code = status.split_whitespace().nth(1)?.parse().ok()?;
    Some((code, t.elapsed()))
}
