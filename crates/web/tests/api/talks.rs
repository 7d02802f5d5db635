//! The secretary's talks and the dashboard of the work among residents over HTTP: a talk recorded
//! (201), twice refused (409), bad input refused by field (422) with nothing written, a worker and a
//! department refused, the next county kept out; the quarter's coverage summed up the tree; the
//! dashboard as JSON, as a page with its charts and as Excel; the service record's new columns.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, flash_kind, text_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

async fn talks_and_the_dashboard_over_http(app: TestApp) {
    let community = app.token("community").await;
    let worker = app.token("worker").await;
    let street = app.token("street").await;
    let tongxiang = app.token("tongxiang").await;
    let zhujian = app.token("zhujian").await;
    let (s, r) = app.get_json(&community, "/api/v1/talks").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let region = r["region_code"].as_str().unwrap().to_string();
    let people = r["people"].as_array().unwrap().clone();
    assert!(people.len() >= 2, "{r}");
    let (before, raised) = (r["total"]["talks"].as_u64().unwrap(), r["total"]["raised"].as_u64().unwrap());
    let today = shegong_domain::time::in_china(chrono::Utc::now()).date();
    // Someone not talked with today (the demo's talks fall on any day of the quarter).
    let who = people[people.len() - 1]["worker_id"].as_str().unwrap().to_string();
    let body = json!({"worker_id": who, "date": today.to_string(), "problems_raised": 2, "problems_solved": 1, "note": "谈岗位调整"});
    let (s, t) = app.post_json(&community, "/api/v1/talks", body.clone()).await;
    if s == StatusCode::CONFLICT {
        assert_eq!(t["code"], "talk_duplicate", "{t}");
    } else {
        assert_eq!(s, StatusCode::CREATED, "{t}");
        assert_eq!(t["held_by"].as_str().map(|h| !h.is_empty()), Some(true), "{t}");
    }
    let (s, e) = app.post_json(&community, "/api/v1/talks", body.clone()).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::CONFLICT, Some("talk_duplicate")), "{e}");
    let (s, e) = app
        .post_json(
            &community,
            "/api/v1/talks",
            json!({"worker_id": who, "date": "2026-13-40", "problems_raised": 1, "problems_solved": 5}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(fields(&e), ["date", "problems_solved"], "every problem named at once: {e}");
    let (s, e) = app.post_json(&community, "/api/v1/talks", json!({"date": today.to_string()})).await;
    assert_eq!((s, fields(&e)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["worker_id".to_string()]), "{e}");
    let (_, after) = app.get_json(&community, "/api/v1/talks").await;
    assert!(after["total"]["talks"].as_u64().unwrap() <= before + 1, "nothing refused was written: {after}");
    assert!(after["total"]["raised"].as_u64().unwrap() <= raised + 2);
    // A worker records none and sees only their own; a department nothing; the next county nothing.
    let (s, _) = app.post_json(&worker, "/api/v1/talks", body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, mine) = app.get_json(&worker, "/api/v1/talks").await;
    assert_eq!(s, StatusCode::OK);
    let me = app.get_json(&worker, "/api/v1/me").await.1["worker_id"].as_str().unwrap_or("").to_string();
    assert!(mine["talks"].as_array().unwrap().iter().all(|t| t["worker_id"] == me.as_str()), "{mine}");
    assert_eq!(app.get_json(&zhujian, "/api/v1/talks").await.0, StatusCode::FORBIDDEN);
    let (s, _) = app.get_json(&tongxiang, &format!("/api/v1/talks?region={region}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = app
        .post_json(
            &tongxiang,
            "/api/v1/talks",
            json!({"community": region, "worker_id": who, "date": today.to_string()}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only a community's secretary records talks: {e}");
    let (s, _) = app
        .post_json(&street, "/api/v1/talks", json!({"community": region, "worker_id": who, "date": today.to_string()}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the street reads the figures but records no talk");
    let (s, e) = app.get_json(&community, "/api/v1/talks?quarter=2026-Q7").await;
    assert_eq!((s, fields(&e)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["quarter".to_string()]), "{e}");
    // The street's line for the community is the community's own figures.
    let (_, s_view) = app.get_json(&street, "/api/v1/talks").await;
    let (_, c_view) = app.get_json(&community, "/api/v1/talks").await;
    let line =
        s_view["lines"].as_array().unwrap().iter().find(|l| l["region_code"] == region.as_str()).unwrap().clone();
    for k in ["workers", "talked", "talks", "raised", "solved"] {
        assert_eq!(line[k], c_view["total"][k], "{k}");
    }

    // The dashboard: children sum to the total; the page draws its charts; the Excel opens.
    let (s, d) = app.get_json(&street, "/api/v1/visits/dashboard").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let children = d["children"].as_array().unwrap();
    let sum: u64 = children.iter().map(|c| c["workers"].as_u64().unwrap()).sum();
    assert_eq!(sum, d["total"]["workers"].as_u64().unwrap());
    assert_eq!(d["weeks"].as_array().unwrap().len(), 12);
    assert!(d["sentences"][1].as_str().unwrap().starts_with("组织开展群众议事活动"), "{d}");
    let (s, e) = app.get_json(&street, "/api/v1/visits/dashboard?year=1999").await;
    assert_eq!((s, fields(&e)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["year".to_string()]));
    assert_eq!(
        app.get_json(&tongxiang, &format!("/api/v1/visits/dashboard?region={region}")).await.0,
        StatusCode::NOT_FOUND
    );
    let head = browser();
    browser_login(&app, &head, "street", "shegong2026", "/").await;
    let page = text_of(&head, app.url("/visits/dashboard")).await;
    assert!(
        page.contains("服务群众统计") && page.contains("data-chart") && page.contains("已认领办结微心愿"),
        "{page}"
    );
    let r = head.get(app.url("/visits/dashboard?format=xlsx")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rows = shegong_store::imports::read_rows("x.xlsx", &r.bytes().await.unwrap()).unwrap();
    assert!(rows.len() > 12, "every table in the file");
    let page = text_of(&head, app.url("/talks")).await;
    assert!(page.contains("各下级覆盖情况") && page.contains("覆盖率"), "{page}");

    // The secretary's form: one post, back with the notice; the compliance page states 海宁's rule.
    let sec = browser();
    browser_login(&app, &sec, "community", "shegong2026", "/").await;
    let page = text_of(&sec, app.url("/talks")).await;
    assert!(page.contains("记录谈话") && page.contains("谈话记录"), "{page}");
    let other = people[0]["worker_id"].as_str().unwrap();
    let day = (today - chrono::Duration::days(1)).max(shegong_domain::talks::Quarter::of(today).first_day());
    let r = sec
        .post(app.url("/talks"))
        .form(&[
            ("_csrf", csrf_of(&page).as_str()),
            ("community", region.as_str()),
            ("worker_id", other),
            ("date", &day.to_string()),
            ("problems_raised", "1"),
            ("problems_solved", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert!(flash_kind(&r).is_some(), "the form goes back with a message");
    let page = text_of(&sec, app.url("/visits/compliance?year=2026")).await;
    assert!(page.contains("入户天数"), "{page}");
    let phone = browser();
    browser_login(&app, &phone, "worker", "shegong2026", "/").await;
    let record = text_of(&phone, app.url(&format!("/workers/{me}?tab=service"))).await;
    assert!(record.contains("窗口值班天数") && record.contains("书记谈心谈话"), "{record}");
}

both_engines!(talks_and_the_dashboard_over_http);
