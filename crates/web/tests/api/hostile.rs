//! No request can take a handler down or answer outside the error shape: every documented route is
//! walked with extreme numbers and dates in its query and path, and every write route is sent
//! malformed, mistyped, empty and oversize bodies. Each answer is below 500 and, when it is an error,
//! `{"code","field","message"}` JSON with a zh-CN message.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

const EXTREME_QUERIES: &[&str] = &[
    "page=9223372036854775808",
    "page=18446744073709551616",
    "page=-1&per_page=0",
    "per_page=99999999999",
    "date=1989-12-31",
    "date=9999-12-31",
    "date=0000-00-00",
    "base_date=1800-01-01",
    "from_year=-2147483648",
    "from_year=99999999999",
    "age_min=-5&age_max=4294967295",
    "year=99999999999",
    "year=-99999",
    "month=9999-99",
    "month=9999-01",
    "region=%25",
    "region=99999999999999999999",
    "q=%25",
    "q=_",
    "sort=%00",
    "format=xlsx&page=9223372036854775808",
];

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Checks one answer: never 5xx, and an error is the error shape in zh-CN.
async fn check(what: &str, r: reqwest::Result<reqwest::Response>) {
    let r = r.unwrap_or_else(|e| panic!("{what}: the connection failed: {e:?}"));
    let status = r.status();
    assert!(status.as_u16() < 500, "{what}: answered {status}");
    if status.is_client_error() {
        let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert!(ct.starts_with("application/json"), "{what}: {status} answered as {ct:?}");
        let v: Value = r.json().await.unwrap_or(Value::Null);
        // Open311 answers in the shape its specification defines: [{"code": 400, "description"}].
        let open311 = what.split_whitespace().nth(1).is_some_and(|p| p.starts_with("/open311/"));
        let (v, key) = if open311 { (v[0].clone(), "description") } else { (v, "message") };
        assert!(v["code"].is_string() || (open311 && v["code"].is_u64()), "{what}: {status} without a code: {v}");
        let msg = v[key].as_str().unwrap_or("");
        assert!(has_cjk(msg), "{what}: {status} message not in Chinese: {v}");
    }
}

/// Every `(method, path template)` of the OpenAPI document.
async fn routes(app: &TestApp) -> Vec<(Method, String)> {
    let doc: Value = Client::new().get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for m in ops.as_object().unwrap().keys() {
            if let Ok(m) = m.to_uppercase().parse::<Method>() {
                out.push((m, path.clone()));
            }
        }
    }
    assert!(out.len() > 40, "the document lists only {} operations", out.len());
    out
}

/// Real identifiers for path parameters, so that extreme queries reach the handlers behind them.
async fn real_ids(app: &TestApp, t: &str) -> Vec<(&'static str, String)> {
    let first = |v: &Value| {
        v["items"][0]["id"].as_str().or_else(|| v[0]["id"].as_str()).map(str::to_string).unwrap_or_default()
    };
    let (_, w) = app.get_json(t, "/api/v1/workers?per_page=1").await;
    let (_, runs) = app.get_json(t, "/api/v1/payroll/runs").await;
    let (_, rounds) = app.get_json(t, "/api/v1/assessment-rounds").await;
    let (_, trainings) = app.get_json(t, "/api/v1/trainings").await;
    vec![
        ("/workers/", first(&w)),
        ("/payroll/runs/", first(&runs)),
        ("/assessment-rounds/", first(&rounds)),
        ("/trainings/", first(&trainings)),
    ]
}

fn fill(path: &str, ids: &[(&'static str, String)], worker: &str, bad: bool) -> String {
    let id = ids.iter().find(|(p, _)| path.contains(p)).map(|(_, id)| id.as_str()).unwrap_or(worker);
    if bad {
        return path
            .replace("{id}", "9223372036854775808")
            .replace("{worker_id}", "not-a-uuid")
            .replace("{cid}", "%00")
            .replace("{code}", "99999999999999999999")
            .replace("{year}", "99999999999")
            .replace("{name}", "..%2F..%2Fetc%2Fpasswd");
    }
    path.replace("{id}", id)
        .replace("{worker_id}", worker)
        .replace("{cid}", worker)
        .replace("{code}", "330481")
        .replace("{year}", "2025")
        .replace("{name}", "haining-2020")
}

async fn every_route_survives_extremes(app: TestApp) {
    let t = app.token("province").await;
    let ids = real_ids(&app, &t).await;
    let worker = ids[0].1.clone();
    // No kept-alive connections: a server that refuses an oversize body closes the connection, and a
    // pooled client would then fail the next request on it for reasons of its own.
    let client = Client::builder().pool_max_idle_per_host(0).build().unwrap();
    for (method, template) in routes(&app).await {
        for bad_path in [false, true] {
            let path = fill(&template, &ids, &worker, bad_path);
            if method == Method::GET {
                for q in EXTREME_QUERIES {
                    let url = app.url(&format!("{path}?{q}"));
                    check(&format!("GET {path}?{q}"), client.get(&url).bearer_auth(&t).send().await).await;
                }
                continue;
            }
            if method == Method::DELETE {
                // Only the malformed-path form: a real DELETE would remove demo data under the walk.
                if bad_path {
                    let r = client.delete(app.url(&path)).bearer_auth(&t).send().await;
                    check(&format!("DELETE {path}"), r).await;
                }
                continue;
            }
            let bodies: Vec<(&str, Vec<u8>, &str)> = vec![
                ("truncated", b"{".to_vec(), "application/json"),
                ("array", b"[1,2,3]".to_vec(), "application/json"),
                ("wrong types", br#"{"name":1,"region":[],"month":{},"year":"x","page":-1,"start_date":7,"scores":"x","username":false}"#.to_vec(), "application/json"),
                ("empty", Vec::new(), "application/json"),
                ("not json", b"name=x".to_vec(), "text/plain"),
                ("3 MB", {
                    let mut b = b"{\"name\":\"".to_vec();
                    b.extend(std::iter::repeat_n(b'a', 3 << 20));
                    b.extend(b"\"}");
                    b
                }, "application/json"),
            ];
            for (what, body, ct) in bodies {
                let r = client
                    .request(method.clone(), app.url(&path))
                    .bearer_auth(&t)
                    .header("content-type", ct)
                    .body(body)
                    .send()
                    .await;
                check(&format!("{method} {path} ({what})"), r).await;
            }
        }
    }
    // The pages that read the same query values: never a 5xx, never a dropped connection.
    let pages = [
        "/",
        "/regions/330481",
        "/workers",
        "/workers.xlsx",
        "/users.xlsx",
        "/audit.xlsx",
        "/trainings.xlsx",
        "/regions/330481/children.xlsx",
        "/audit",
        "/training/overdue",
        "/policies",
        "/staffing",
        "/budget",
        "/stats",
        "/reserves",
        "/assessments",
        "/payroll",
    ];
    let mut pages: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
    pages.push(format!("/workers/{worker}"));
    pages.push(format!("/payroll/{}", ids[1].1));
    pages.push(format!("/assessments/{}", ids[2].1));
    for p in &pages {
        let plain = client.get(app.url(p)).bearer_auth(&t).send().await.unwrap();
        assert_eq!(plain.status(), StatusCode::OK, "GET {p} as the province admin");
        for q in EXTREME_QUERIES {
            let r = client.get(app.url(&format!("{p}?{q}"))).bearer_auth(&t).send().await;
            let r = r.unwrap_or_else(|e| panic!("GET {p}?{q}: the connection failed: {e:?}"));
            assert!(r.status().as_u16() < 500, "GET {p}?{q}: answered {}", r.status());
        }
    }
    // Routes that do not exist, and a method a route does not have.
    check("GET /api/v1/nowhere", client.get(app.url("/api/v1/nowhere")).bearer_auth(&t).send().await).await;
    check("DELETE /api/v1/workers", client.delete(app.url("/api/v1/workers")).bearer_auth(&t).send().await).await;
    // The server is still up.
    let r = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
both_engines!(every_route_survives_extremes);

/// Uploads the server cannot read, or that are over the size limit, are refused in the error shape
/// and the server goes on answering.
async fn hostile_uploads_are_refused(app: TestApp) {
    let t = app.token("haining").await;
    let client = Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let uploads: Vec<(&str, Vec<u8>)> = vec![
        ("broken.xlsx", b"PK\x03\x04 this is no zip".to_vec()),
        ("old.xls", vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]),
        ("huge.csv", vec![b'a'; 40 << 20]),
        ("empty.csv", Vec::new()),
    ];
    for (name, bytes) in uploads {
        let form = reqwest::multipart::Form::new()
            .text("dry_run", "true")
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        let r = client.post(app.url("/api/v1/imports")).bearer_auth(&t).multipart(form).send().await;
        match r {
            // A body over the limit may be cut off before the answer is read; the server must live on.
            Err(e) if name == "huge.csv" => eprintln!("{name}: {e}"),
            r => check(&format!("upload {name}"), r).await,
        }
    }
    let r = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
both_engines!(hostile_uploads_are_refused);
