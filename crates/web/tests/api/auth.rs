use crate::both_engines;
use crate::helpers::TestApp;
use crate::helpers::text_of;
use reqwest::{Client, StatusCode};
use serde_json::json;

async fn tokens_and_throttling(app: TestApp) {
    // Wrong password: 401 with the error shape.
    let r = Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "haining", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["code"], "login_failed");
    assert_eq!(v["message"], "用户名或密码错误");
    // No token: 401 on the API.
    let r = Client::new().get(app.url("/api/v1/workers")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // A bad token: 401.
    let r = Client::new().get(app.url("/api/v1/workers")).bearer_auth("sg_forged").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // A good token works, and a revoked one does not.
    let t = app.token("haining").await;
    let (s, me) = app.get_json(&t, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["region"], "330481");
    // The scheme's name in any case (RFC 9110).
    for scheme in ["bearer", "BEARER"] {
        let r = Client::new().get(app.url("/api/v1/me")).header("authorization", format!("{scheme} {t}")).send();
        assert_eq!(r.await.unwrap().status(), StatusCode::OK, "{scheme}");
    }
    let r = Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "haining", "password": "shegong2026"}))
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    let (tok2, id2) = (v["token"].as_str().unwrap().to_string(), v["id"].as_str().unwrap().to_string());
    let r =
        Client::new().delete(app.url(&format!("/api/v1/auth/tokens/{id2}"))).bearer_auth(&tok2).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&tok2, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
    // Stored hashed: the token itself is nowhere in the table.
    use sea_orm::EntityTrait;
    let stored = shegong_store::entity::api_token::Entity::find().all(&app.db.conn).await.unwrap();
    assert!(stored.iter().all(|s| s.token_hash != t && s.token_hash.len() == 64));
    // Five failures, then 429 even with the right password.
    for _ in 0..5 {
        Client::new()
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"username": "street", "password": "bad"}))
            .send()
            .await
            .unwrap();
    }
    let r = Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "street", "password": "shegong2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}
both_engines!(tokens_and_throttling);

async fn browser_session_cookie_and_csrf(app: TestApp) {
    let client = crate::helpers::browser();
    // Pages redirect to the login page.
    let r = client.get(app.url("/workers")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
    let r = crate::helpers::browser_login(&app, &client, "haining", "shegong2026", "//evil.example").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/", "an outside next is not followed");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let r = client.get(app.url("/workers")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("社区工作者"));
    // A form post without the CSRF token is refused and changes nothing.
    let before = app.counts().await;
    let r = client
        .post(app.url("/workers/new"))
        .form(&[
            ("name", "张三"),
            ("id_number", &crate::helpers::fresh_id(1)),
            ("community_code", "330481001001"),
            ("post_category", "staff"),
            ("title", "专职工作者"),
            ("start_date", "2025-01-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.counts().await, before);
    // The API called with the session cookie also needs the token header.
    let r = client
        .post(app.url("/api/v1/workers"))
        .json(&crate::helpers::new_worker("330481001001", &crate::helpers::fresh_id(1)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.counts().await, before);
    // With the token from the page, the form works.
    let page = text_of(&client, app.url("/workers/new")).await;
    let csrf = page.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = client
        .post(app.url("/workers/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "张三"),
            ("id_number", &crate::helpers::fresh_id(1)),
            ("community_code", "330481001001"),
            ("post_category", "staff"),
            ("title", "专职工作者"),
            ("start_date", "2025-01-01"),
            ("full_time", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    // Logout ends the session.
    client.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(client.get(app.url("/workers")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
}
both_engines!(browser_session_cookie_and_csrf);

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document() {
    let spec = shegong_web::openapi::spec();
    let paths = spec["paths"].as_object().unwrap();
    // Every feature's JSON routes (its `api_routes()`), nested under /api/v1, and the root's.
    let features = [
        include_str!("../../src/account/mod.rs"),
        include_str!("../../src/admin/mod.rs"),
        include_str!("../../src/archive/mod.rs"),
        include_str!("../../src/assessment/mod.rs"),
        include_str!("../../src/dashboard/mod.rs"),
        include_str!("../../src/events/mod.rs"),
        include_str!("../../src/departments/mod.rs"),
        include_str!("../../src/grids/mod.rs"),
        include_str!("../../src/imports/mod.rs"),
        include_str!("../../src/pay/mod.rs"),
        include_str!("../../src/policies/mod.rs"),
        include_str!("../../src/recruitment/mod.rs"),
        include_str!("../../src/reserves/mod.rs"),
        include_str!("../../src/residents/mod.rs"),
        include_str!("../../src/stats/mod.rs"),
        include_str!("../../src/training/mod.rs"),
        include_str!("../../src/work_items/mod.rs"),
        include_str!("../../src/openness/mod.rs"),
    ];
    let mut src = String::new();
    for f in features {
        let api = f.split("pub fn api_routes()").nth(1).unwrap().split("\n}\n").next().unwrap();
        src.push_str(api);
        src.push('\n');
    }
    // A route added with `.route(` would be served but not described: every API route goes through
    // `routes!`, which registers the handler together with its own description.
    assert!(!src.contains(".route("), "an API route registered without its description:\n{src}");
    let groups = src.matches("routes!(").count();
    assert!(groups >= 50, "found only {groups} routes");
    // Each group is one path of the document (the handlers of one path, one per method).
    let documented = paths.keys().filter(|p| p.starts_with("/api/v1/")).count();
    assert_eq!(documented, groups, "documented paths and routed paths differ");
    assert!(paths.contains_key("/healthz"));
}
