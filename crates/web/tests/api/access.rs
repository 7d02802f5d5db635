//! Nobody sees outside their region, by any path: a county admin of 海宁市 (330481) gets nothing of
//! 桐乡市 (330483) from the list, search, detail, history, edit, export or pages.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn county_sees_nothing_of_the_neighbour(app: TestApp) {
    let haining = app.token("haining").await;
    let tongxiang = app.token("tongxiang").await;
    let mine = app.all_workers(&haining, "status=all").await;
    let theirs = app.all_workers(&tongxiang, "status=all").await;
    assert!(mine.len() > 100 && theirs.len() > 100, "both counties have workers");
    assert!(mine.iter().all(|w| w["community_code"].as_str().unwrap().starts_with("330481")));
    assert!(theirs.iter().all(|w| w["community_code"].as_str().unwrap().starts_with("330483")));

    // List narrowed to the neighbour: nothing.
    let (s, v) = app.get_json(&haining, "/api/v1/workers?region=330483").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 0);
    // Search by a neighbour's name and by their ID-number prefix: nothing of theirs.
    let other = &theirs[0];
    let name = other["name"].as_str().unwrap();
    let (_, v) = app.get_json(&haining, &format!("/api/v1/workers?status=all&q={}", urlencode(name))).await;
    assert!(v["items"].as_array().unwrap().iter().all(|w| w["community_code"].as_str().unwrap().starts_with("330481")));
    let (_, v) = app.get_json(&haining, "/api/v1/workers?status=all&q=330483").await;
    assert_eq!(v["total"], 0, "ID prefix search leaks: {v}");
    // Detail, history, edit, sub-records: 404, and nothing changes.
    let id = other["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/workers/{id}"),
        format!("/api/v1/workers/{id}/history"),
        format!("/workers/{id}"),
        format!("/workers/{id}?tab=history"),
        format!("/workers/{id}/edit"),
    ] {
        let r = app.get(&haining, &path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let before = app.counts().await;
    let (s, _) = app.patch_json(&haining, &format!("/api/v1/workers/{id}"), json!({"phone": "13911112222"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) =
        app.post_json(&haining, &format!("/api/v1/workers/{id}/educations"), json!({"education_code": "14"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post_json(
            &haining,
            &format!("/api/v1/workers/{id}/exit"),
            json!({"exited_on": "2026-01-01", "reason": "个人辞职"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.counts().await, before);
    // Moving one of mine into their community is refused.
    let my = mine.iter().find(|w| w["status"] == "active").unwrap();
    let (s, v) = app
        .post_json(&haining, &format!("/api/v1/workers/{}/appointments", my["id"].as_str().unwrap()), json!({"community_code": other["community_code"], "post_category": "staff", "title": "专职工作者", "start_date": "2026-10-01"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "community_code");
    assert_eq!(app.counts().await, before);
    // The page list too.
    let html = app.get(&haining, "/workers?region=330483").await.text().await.unwrap();
    assert!(html.contains("共 0 人"));
    let html = app.get(&haining, "/").await.text().await.unwrap();
    assert!(!html.contains("桐乡"), "home shows the neighbour");
    // Users and the audit log.
    let (_, users) = app.get_json(&haining, "/api/v1/users").await;
    assert!(users["items"].as_array().unwrap().iter().all(|u| u["region"].as_str().unwrap().starts_with("330481")));
    let (_, log) = app.get_json(&haining, "/api/v1/audit?per_page=500").await;
    assert!(log["items"].as_array().unwrap().iter().all(|e| e["region_code"].as_str().unwrap().starts_with("330481")));
}
both_engines!(county_sees_nothing_of_the_neighbour);

async fn roles_inside_a_county(app: TestApp) {
    // The city sees both counties; the street only its street.
    let city = app.token("city").await;
    let (_, v) = app.get_json(&city, "/api/v1/workers?region=330483").await;
    assert!(v["total"].as_u64().unwrap() > 0);
    let street = app.token("street").await;
    let ws = app.all_workers(&street, "").await;
    assert!(!ws.is_empty());
    let street_code = &ws[0]["community_code"].as_str().unwrap()[..9];
    assert!(ws.iter().all(|w| w["community_code"].as_str().unwrap().starts_with(street_code)));

    // A worker sees only their own archive and cannot edit it, but may ask for a correction.
    let worker = app.token("worker").await;
    let mine = app.all_workers(&worker, "status=all").await;
    assert_eq!(mine.len(), 1);
    let me = mine[0]["id"].as_str().unwrap();
    let (s, d) = app.get_json(&worker, &format!("/api/v1/workers/{me}?full_id=true")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(d["id_number_full"].is_null(), "a worker sees the masked number in the API detail");
    let neighbour = app.all_workers(&street, "").await.into_iter().find(|w| w["id"] != me).unwrap();
    let (s, _) = app.get_json(&worker, &format!("/api/v1/workers/{}", neighbour["id"].as_str().unwrap())).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.patch_json(&worker, &format!("/api/v1/workers/{me}"), json!({"phone": "13911112222"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post_json(
            &worker,
            &format!("/api/v1/workers/{me}/corrections"),
            json!({"field": "手机号码", "message": "号码已更换为13911112222"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, c) = app.post_json(&worker, &format!("/api/v1/workers/{me}/corrections"), json!({"message": "  "})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{c}");
    let (_, c) = app
        .post_json(&worker, &format!("/api/v1/workers/{me}/corrections"), json!({"field": "住址", "message": "已搬家"}))
        .await;
    let cid = c["id"].as_str().unwrap().to_string();
    let (s, _) = app.post_json(&worker, &format!("/api/v1/workers/{me}/corrections/{cid}/resolve"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a worker cannot close their own request");
    let tongxiang = app.token("tongxiang").await;
    let (s, _) = app.post_json(&tongxiang, &format!("/api/v1/workers/{me}/corrections/{cid}/resolve"), json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another county cannot see the request");
    let (s, r) = app.post_json(&street, &format!("/api/v1/workers/{me}/corrections/{cid}/resolve"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "handled");
    assert_eq!(r["handled_by"], "street");
    let (s, _) = app.get_json(&worker, "/api/v1/regions/330481").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The auditor reads everything in the province and the log, but cannot write.
    let auditor = app.token("auditor").await;
    let (_, v) = app.get_json(&auditor, "/api/v1/audit").await;
    assert!(v["total"].as_u64().unwrap() > 0);
    let (s, _) = app
        .post_json(
            &auditor,
            "/api/v1/workers",
            crate::helpers::new_worker("330481001001", &crate::helpers::fresh_id(3)),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Admins create users only at or below their level and inside their region.
    let haining = app.token("haining").await;
    let (s, v) = app
        .post_json(
            &haining,
            "/api/v1/users",
            json!({"username": "hn_street", "role": "street_admin", "region": "330481002", "password": "longenough"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = app
        .post_json(
            &haining,
            "/api/v1/users",
            json!({"username": "hn_city", "role": "city_admin", "region": "3304", "password": "longenough"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app
        .post_json(
            &haining,
            "/api/v1/users",
            json!({"username": "tx_street", "role": "street_admin", "region": "330483001", "password": "longenough"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["field"], "region");
    let (s, _) = app
        .post_json(
            &haining,
            "/api/v1/users",
            json!({"username": "hn_street", "role": "street_admin", "region": "330481002", "password": "longenough"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}
both_engines!(roles_inside_a_county);

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}
