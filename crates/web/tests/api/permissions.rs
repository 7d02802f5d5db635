//! The permission matrix of `docs/permissions.md`, driven route by route as every demo role: a ✗ is
//! a 403 that changes nothing, a ✓ is never a 403.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

const USERS: [&str; 8] = ["province", "city", "haining", "street", "community", "worker", "auditor", "zhujian"];

/// `(method, path, allowed per user)` from the write-route table.
fn matrix() -> Vec<(Method, String, [bool; 8])> {
    let doc = include_str!("../../../../docs/permissions.md");
    let table = doc.split("## Write routes").nth(1).expect("a write-route table");
    let mut out = Vec::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
        let route = cells[0].trim_matches('`');
        let (method, path) = route.split_once(' ').unwrap();
        let allowed: Vec<bool> = cells[1..].iter().map(|c| c.starts_with('✓')).collect();
        assert_eq!(allowed.len(), USERS.len(), "{line}");
        out.push((method.parse().unwrap(), path.to_string(), allowed.try_into().unwrap()));
    }
    assert!(out.len() >= 30, "only {} routes in the matrix", out.len());
    out
}

async fn send(app: &TestApp, token: &str, method: &Method, path: &str) -> (StatusCode, Value) {
    let client = Client::new();
    let req = client.request(method.clone(), app.url(path)).bearer_auth(token);
    let req = if path == "/api/v1/imports" {
        let form = reqwest::multipart::Form::new()
            .text("dry_run", "true")
            .part("file", reqwest::multipart::Part::bytes(b"x,y\n1,2\n".to_vec()).file_name("a.csv"));
        req.multipart(form)
    } else if *method == Method::DELETE {
        req
    } else {
        req.header("content-type", "application/json").body("{}")
    };
    let r = req.send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn every_write_route_as_every_role(app: TestApp) {
    let mut tokens = Vec::new();
    for u in USERS {
        tokens.push(app.token(u).await);
    }
    // Targets inside every user's scope: the demo worker's own archive, the demo street.
    let (_, me) = app.get_json(&tokens[5], "/api/v1/me").await;
    let worker = me["worker_id"].as_str().unwrap().to_string();
    let (_, st) = app.get_json(&tokens[3], "/api/v1/me").await;
    let street = st["region"].as_str().unwrap().to_string();
    let other = uuid::Uuid::now_v7().to_string();
    let fill = |p: &str| {
        let p = if p.starts_with("/api/v1/workers/{id}") { p.replacen("{id}", &worker, 1) } else { p.to_string() };
        p.replace("{id}", &other)
            .replace("{cid}", &other)
            .replace("{post_id}", &other)
            .replace("{application_id}", &other)
            .replace("{objection_id}", &other)
            .replace("{worker_id}", &worker)
            .replace("{year}", "2024")
            .replace("{code}", &street)
    };
    let routes = matrix();
    // Refusals first, all of them, then nothing may have changed.
    let before = app.counts().await;
    let mut refused = 0;
    for (method, path, allowed) in &routes {
        for (k, token) in tokens.iter().enumerate() {
            if allowed[k] {
                continue;
            }
            let (s, v) = send(&app, token, method, &fill(path)).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path} as {}: {v}", USERS[k]);
            assert_eq!(v["code"], "forbidden", "{method} {path} as {}: {v}", USERS[k]);
            refused += 1;
        }
    }
    assert!(refused > 80, "only {refused} refusals");
    assert_eq!(app.counts().await, before, "a refused request changed the archive");
    for (method, path, allowed) in &routes {
        for (k, token) in tokens.iter().enumerate() {
            if !allowed[k] {
                continue;
            }
            let (s, v) = send(&app, token, method, &fill(path)).await;
            assert_ne!(s, StatusCode::FORBIDDEN, "{method} {path} as {}: {v}", USERS[k]);
            assert!(s.as_u16() < 500, "{method} {path} as {}: {s} {v}", USERS[k]);
        }
    }
}
both_engines!(every_write_route_as_every_role);

/// The matrix's routes are the API's write routes: none missing from it.
#[test]
fn the_matrix_lists_every_write_route() {
    let listed: Vec<String> = matrix().iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    let spec = shegong_web::openapi::spec();
    // Open311's requests are posted with a client's key, not as a role (tested in open311.rs);
    // applicants act with their own accounts, never a staff role (tested in applications.rs).
    let skip = [
        "/api/v1/auth/token",
        "/api/v1/auth/tokens/{id}",
        "/api/v1/policies/check",
        "/open311/v2/requests.json",
        "/api/v1/applicants",
        "/api/v1/applicants/session",
        "/api/v1/applications",
        "/api/v1/applications/{id}/files",
    ];
    for (path, ops) in spec["paths"].as_object().unwrap() {
        if skip.contains(&path.as_str()) {
            continue;
        }
        for m in ops.as_object().unwrap().keys() {
            let m = m.to_uppercase();
            if matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE") {
                assert!(listed.contains(&format!("{m} {path}")), "{m} {path} is not in docs/permissions.md");
            }
        }
    }
}

/// An archive whose person has left is read-only until they are registered again.
async fn an_exited_archive_is_read_only(app: TestApp) {
    let t = app.token("haining").await;
    let (_, mine) = app.get_json(&t, "/api/v1/workers?per_page=1").await;
    let id = mine["items"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/exit"),
            serde_json::json!({"exited_on": "2026-06-30", "reason": "个人辞职"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let before = app.counts().await;
    let writes = [
        (Method::PATCH, format!("/api/v1/workers/{id}"), serde_json::json!({"phone": "13900002222"})),
        (Method::POST, format!("/api/v1/workers/{id}/educations"), serde_json::json!({"education_code": "21"})),
        (Method::POST, format!("/api/v1/workers/{id}/certificates"), serde_json::json!({"level": "junior"})),
        (
            Method::POST,
            format!("/api/v1/workers/{id}/agreements"),
            serde_json::json!({"term": "2026届", "start_date": "2026-01-01", "end_date": "2027-01-01"}),
        ),
        (
            Method::POST,
            format!("/api/v1/workers/{id}/rewards"),
            serde_json::json!({"kind": "reward", "title": "优秀", "issuer": "海宁市民政局", "issued_on": "2026-01-01"}),
        ),
    ];
    for (m, path, body) in writes {
        let (s, v) = app.send_json(m.clone(), &t, &path, body).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("worker_exited")),
            "{m} {path}: {v}"
        );
    }
    assert_eq!(app.counts().await, before);
}
both_engines!(an_exited_archive_is_read_only);
