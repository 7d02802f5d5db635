//! Open311 GeoReport v2 driven as a client would: the services, a request posted with a key (form
//! encoded), followed by its number and its token, listed with the standard filters, in JSON and
//! XML; what a request without a key reads; and the refusals, each in Open311's error shape.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn get(app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = Client::new().get(app.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let (s, t) = get(app, path).await;
    (s, serde_json::from_str(&t).unwrap_or_else(|_| panic!("{path}: {t}")))
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let r = Client::new().post(app.url(path)).form(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn an_open311_client_reports_and_follows(app: TestApp) {
    let (_, key) = shegong_store::events::open311::add_key(&app.db, None, "12345热线", "330481").await.unwrap();
    let community = app.token("community").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let home = me["region"].as_str().unwrap().to_string();
    assert!(home.starts_with("330481"), "the demo's community is in the key's county");

    // The services: the categories of the policy in force, in JSON and XML.
    let (s, services) = json(&app, "/open311/v2/services.json?jurisdiction_id=330481").await;
    assert_eq!(s, StatusCode::OK);
    let fire = services.as_array().unwrap().iter().find(|x| x["service_code"] == "safety.fire").expect("消防安全");
    assert_eq!((fire["metadata"].as_bool(), fire["type"].as_str()), (Some(false), Some("realtime")));
    let (s, xml) = get(&app, "/open311/v2/services.xml").await;
    assert!(
        s == StatusCode::OK && xml.starts_with("<?xml") && xml.contains("<service_code>safety.fire</service_code>")
    );
    let (s, def) = json(&app, "/open311/v2/services/safety.fire.json").await;
    assert_eq!((s, def["attributes"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    assert_eq!(get(&app, "/open311/v2/services/nonesuch.json").await.0, StatusCode::NOT_FOUND);

    // A request, as a client posts it.
    let form = [
        ("api_key", key.as_str()),
        ("service_code", "safety.fire"),
        ("address_id", home.as_str()),
        ("address_string", "3幢2单元楼道"),
        ("lat", "30.5101"),
        ("long", "120.6803"),
        ("last_name", "王"),
        ("first_name", "五"),
        ("phone", "13900002222"),
        ("description", "楼道堆放杂物，堵塞消防通道"),
    ];
    let (s, t) = post(&app, "/open311/v2/requests.json", &form).await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let v: Value = serde_json::from_str(&t).unwrap();
    let number = v[0]["service_request_id"].as_str().unwrap().to_string();
    let token = v[0]["token"].as_str().unwrap().to_string();
    assert!(number.starts_with('E') && number.contains("-330481-"), "{number}");

    // Followed by number: in full with the key that sent it; without a key, nothing anyone wrote.
    let (s, full) = json(&app, &format!("/open311/v2/requests/{number}.json?api_key={key}")).await;
    assert_eq!(s, StatusCode::OK);
    let r = &full[0];
    assert_eq!((r["status"].as_str(), r["service_code"].as_str()), (Some("open"), Some("safety.fire")));
    assert_eq!((r["description"].as_str(), r["lat"].as_f64()), (Some("楼道堆放杂物，堵塞消防通道"), Some(30.5101)));
    assert!(r["requested_datetime"].as_str().unwrap().ends_with("+08:00"));
    let (_, bare) = get(&app, &format!("/open311/v2/requests/{number}.json")).await;
    assert!(!bare.contains("楼道") && !bare.contains("13900002222") && !bare.contains("王"), "{bare}");
    let (s, x) = get(&app, &format!("/open311/v2/requests/{number}.xml")).await;
    assert!(s == StatusCode::OK && x.contains(&format!("<service_request_id>{number}</service_request_id>")), "{x}");
    let (s, t) = json(&app, &format!("/open311/v2/tokens/{token}.json")).await;
    assert_eq!((s, t[0]["service_request_id"].as_str()), (StatusCode::OK, Some(number.as_str())));

    // Staff see it as an event from Open311, named after the key, the reporter with the chain.
    let (_, list) = app.get_json(&community, "/api/v1/events?source=open311").await;
    let e = &list["items"][0];
    assert_eq!(
        (e["number"].as_str(), e["source_label"].as_str()),
        (Some(number.as_str()), Some("Open311（12345热线）")),
        "{e}"
    );

    // Listed with the standard filters; closed ones excluded by status=open.
    let (s, open) = json(&app, &format!("/open311/v2/requests.json?api_key={key}&status=open")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(open.as_array().unwrap().iter().any(|r| r["service_request_id"] == number.as_str()));
    let (_, closed) = json(&app, &format!("/open311/v2/requests.json?api_key={key}&status=closed")).await;
    assert!(closed.as_array().unwrap().iter().all(|r| r["service_request_id"] != number.as_str()));
    let (s, public) = json(&app, "/open311/v2/requests.json?jurisdiction_id=330481&service_code=safety.fire").await;
    assert_eq!(s, StatusCode::OK);
    assert!(public.as_array().unwrap().iter().all(|r| r.get("description").is_none()));

    // Refusals, in Open311's shape: no key, a wrong key, a place outside the key's region, an
    // unknown service, no jurisdiction, a bad date; none stores anything.
    let (_, before) = app.get_json(&community, "/api/v1/events?source=open311").await;
    let outside = "330402001001";
    for (form, status) in [
        (
            vec![("service_code", "safety.fire"), ("address_id", home.as_str()), ("description", "x")],
            StatusCode::FORBIDDEN,
        ),
        (
            vec![
                ("api_key", "nonesuch"),
                ("service_code", "safety.fire"),
                ("address_id", home.as_str()),
                ("description", "x"),
            ],
            StatusCode::FORBIDDEN,
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "safety.fire"),
                ("address_id", outside),
                ("description", "x"),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "nonesuch"),
                ("address_id", home.as_str()),
                ("description", "x"),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "safety.fire"),
                ("address_id", home.as_str()),
                ("description", "a\u{0}b"),
            ],
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (s, t) = post(&app, "/open311/v2/requests.json", &form).await;
        assert_eq!(s, status, "{form:?}: {t}");
        let v: Value = serde_json::from_str(&t).unwrap();
        assert!(v[0]["code"].as_i64() == Some(i64::from(status.as_u16())) && v[0]["description"].is_string(), "{t}");
    }
    let (s, x) = post(&app, "/open311/v2/requests.xml", &[("service_code", "x")]).await;
    assert!(s == StatusCode::FORBIDDEN && x.contains("<errors><error><code>403</code>"), "{x}");
    let (_, after) = app.get_json(&community, "/api/v1/events?source=open311").await;
    assert_eq!(before["total"], after["total"]);
    assert_eq!(json(&app, "/open311/v2/requests.json").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        json(&app, "/open311/v2/requests.json?jurisdiction_id=330481&start_date=yesterday").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(get(&app, "/open311/v2/requests/E000000-999999-0001.json").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/open311/v2/nonesuch.json").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/open311/v2/services.csv").await.0, StatusCode::NOT_FOUND);

    // Characters XML cannot carry are left out of it; a jurisdiction that does not exist, a body
    // that is not a form, another method: each an Open311 error.
    let odd = [
        ("api_key", key.as_str()),
        ("service_code", "other"),
        ("address_id", home.as_str()),
        ("description", "a\u{FFFE}b\u{FFFF}c"),
    ];
    let (s, t) = post(&app, "/open311/v2/requests.json", &odd).await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let odd_number = serde_json::from_str::<Value>(&t).unwrap()[0]["service_request_id"].as_str().unwrap().to_string();
    let (_, x) = get(&app, &format!("/open311/v2/requests/{odd_number}.xml?api_key={key}")).await;
    assert!(x.contains("<description>abc</description>"), "{x}");
    assert_eq!(get(&app, "/open311/v2/services.json?jurisdiction_id=99").await.0, StatusCode::NOT_FOUND);
    let r = Client::new()
        .post(app.url("/open311/v2/requests.json"))
        .json(&serde_json::json!({"api_key": key, "service_code": "other"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = Client::new().put(app.url("/open311/v2/requests.json")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v[0]["code"], 405);
    // Two keys never share a name (the name labels a key's requests).
    let twice = shegong_store::events::open311::add_key(&app.db, None, "12345热线", "330481").await;
    assert!(twice.is_err());

    // The OpenAPI document describes it.
    let (_, doc) = app.get_json(&community, "/api/openapi.json").await;
    assert!(doc["paths"]["/open311/v2/requests.json"]["post"].is_object());
}
both_engines!(an_open311_client_reports_and_follows);

async fn an_administrator_issues_and_revokes_keys(app: TestApp) {
    let client = browser();
    browser_login(&app, &client, "haining", "shegong2026", "/system/open311").await;
    let page = client.get(app.url("/system/open311")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("签发密钥"), "{page}");
    let csrf = csrf_of(&page);
    let r = client
        .post(app.url("/system/open311"))
        .form(&[("_csrf", csrf.as_str()), ("name", "城管平台"), ("region", "330481")])
        .send()
        .await
        .unwrap();
    let final_url = r.url().to_string();
    let answer = r.text().await.unwrap();
    // Shown once on the answer, never in an address.
    let key: String = answer.split("签发密钥：").nth(1).unwrap_or_default().chars().take(64).collect();
    assert!(key.len() == 64 && !final_url.contains(&key), "{answer}");
    assert!(shegong_store::events::open311::key(&app.db, &key).await.unwrap().is_some());
    // Outside the county: refused; a street administrator issues none.
    let page = client.get(app.url("/system/open311")).send().await.unwrap().text().await.unwrap();
    let r = client
        .post(app.url("/system/open311"))
        .form(&[("_csrf", csrf_of(&page).as_str()), ("name", "x"), ("region", "330402")])
        .send()
        .await
        .unwrap();
    let after = r.text().await.unwrap();
    assert!(!after.contains("签发密钥："), "issued outside the county");
    // Revoked: the key no longer reports.
    let id = shegong_store::events::open311::key(&app.db, &key).await.unwrap().unwrap().id;
    let page = client.get(app.url("/system/open311")).send().await.unwrap().text().await.unwrap();
    client
        .post(app.url(&format!("/system/open311/{id}/revoke")))
        .form(&[("_csrf", csrf_of(&page).as_str())])
        .send()
        .await
        .unwrap();
    assert!(shegong_store::events::open311::key(&app.db, &key).await.unwrap().is_none());
    let community = app.token("community").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let home = me["region"].as_str().unwrap();
    let (s, _) = post(
        &app,
        "/open311/v2/requests.json",
        &[("api_key", &key), ("service_code", "other"), ("address_id", home), ("description", "x")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_engines!(an_administrator_issues_and_revokes_keys);
