//! County departments (职能部门) over HTTP: kept by the county, handed an escalated event by the
//! street, and a department clerk who sees that event and nothing else — in the API and the pages.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, text_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn act(app: &TestApp, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    app.post_json(token, &format!("/api/v1/events/{id}/actions"), body).await
}

async fn a_department_is_kept_handed_an_event_and_sees_only_that(app: TestApp) {
    let county = app.token("haining").await;
    let street = app.token("street").await;
    let community = app.token("community").await;
    let clerk = app.token("zhujian").await;

    // The county keeps them; bad input is named; a street reads them, does not add.
    let (s, v) = app.post_json(&county, "/api/v1/departments", json!({"name": "", "remit": ["nonesuch"]})).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")), "{v}");
    let (s, v) =
        app.post_json(&county, "/api/v1/departments", json!({"name": "海宁市水利局", "remit": ["nonesuch"]})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("department_remit_unknown")), "{v}");
    let body = json!({"name": "海宁市水利局", "remit": ["facilities.water"]});
    let (s, _) = app.post_json(&street, "/api/v1/departments", body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, water) = app.post_json(&county, "/api/v1/departments", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{water}");
    assert_eq!(water["remit_labels"], json!(["设施维护 / 供水供电"]));
    let (s, v) = app.post_json(&county, "/api/v1/departments", body).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("department_name_taken")), "{v}");
    let (s, list) = app.get_json(&street, "/api/v1/departments").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4, "the demo's three and ours: {names:?}");
    let housing = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"].as_str().unwrap().ends_with("住房和城乡建设局"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _) = app.get_json(&clerk, "/api/v1/departments").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a department reads no region's lists");

    // A community sends a broken road up; the street hands it to the housing bureau (the demo
    // clerk's department).
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let home = me["region"].as_str().unwrap().to_string();
    let (s, e) = app
        .post_json(
            &community,
            "/api/v1/events",
            json!({"region": home, "source": "window", "category": "facilities.road",
                   "description": "人行道地砖大面积破损", "reporter_name": "王五", "reporter_phone": "13912345678"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let id = e["id"].as_str().unwrap().to_string();
    act(&app, &community, &id, json!({"action": "accept", "version": 1})).await;
    act(&app, &community, &id, json!({"action": "escalate", "version": 2})).await;
    let (s, v) = app.get_json(&clerk, &format!("/api/v1/events/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not yet its own: {v}");
    let wrong = water["id"].as_str().unwrap();
    let (s, v) = act(&app, &street, &id, json!({"action": "assign", "version": 3, "department": wrong})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("event_department")), "{v}");
    let (s, v) = act(&app, &street, &id, json!({"action": "assign", "version": 3, "department": housing})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, e) = app.get_json(&community, &format!("/api/v1/events/{id}")).await;
    assert_eq!(e["handler_kind"], "department");
    assert!(e["handler_name"].as_str().unwrap().ends_with("住房和城乡建设局"), "a name, not an id: {e}");
    let allowed: Vec<&str> =
        e["allowed_actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(!allowed.contains(&"feedback"), "the community does not handle it now: {allowed:?}");

    // The clerk: that event, in the list and the 待办, the reporter in full (the handling chain).
    let (_, mine) = app.get_json(&clerk, "/api/v1/events?per_page=50").await;
    let ids: Vec<&str> = mine["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&id.as_str()), "{mine}");
    assert!(
        mine["items"].as_array().unwrap().iter().all(|x| x["handler_kind"] == "department"),
        "only what was handed to it"
    );
    let (_, todo) = app.get_json(&clerk, "/api/v1/todo").await;
    assert!(todo.to_string().contains(&id), "{todo}");
    let (_, e) = app.get_json(&clerk, &format!("/api/v1/events/{id}")).await;
    assert_eq!(e["reporter_phone"], "13912345678");
    // Nothing else: no archive, no region, no figures, no report of its own.
    for path in ["/api/v1/workers", "/api/v1/grids", "/api/v1/stats", "/api/v1/events/stats"] {
        let (s, v) = app.get_json(&clerk, path).await;
        let refused = matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
        assert!(refused || v["items"].as_array().is_some_and(Vec::is_empty), "{path}: {s} {v}");
    }
    let (s, _) = app
        .post_json(
            &clerk,
            "/api/v1/events",
            json!({"region": home, "source": "window", "category": "other", "description": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = act(&app, &clerk, &id, json!({"action": "feedback", "version": 4, "result": "已修复破损地砖"})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("fed_back")), "{v}");

    // A second one, reported by the place's name as the picker gives it, handed down, and sent
    // back by the department: the answer is the step taken, not "not found".
    let (_, named) = app.get_json(&community, &format!("/api/v1/regions/{home}")).await;
    let place = named["name"].as_str().unwrap().to_string();
    let (s, e2) = app
        .post_json(
            &community,
            "/api/v1/events",
            json!({"region": place, "source": "window", "category": "facilities.lift", "description": "电梯异响"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "a name from the picker: {e2}");
    let id2 = e2["id"].as_str().unwrap().to_string();
    act(&app, &community, &id2, json!({"action": "accept", "version": 1})).await;
    act(&app, &community, &id2, json!({"action": "escalate", "version": 2})).await;
    let (s, v) = act(&app, &street, &id2, json!({"action": "assign", "version": 3, "department": housing})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = act(&app, &clerk, &id2, json!({"action": "return", "version": 4, "reason": "属物业维保"})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("escalated")), "{v}");
    assert!(v["allowed_actions"].as_array().unwrap().is_empty(), "nothing left for the department: {v}");
    // A street cannot make a department's account: refused as such, not as a missing department.
    let (s, v) = app
        .post_json(
            &street,
            "/api/v1/users",
            json!({"username": "dept2", "role": "department", "department": housing, "password": "Shegong-2026-ok"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // The pages: the clerk lands on the events, with no archive or region in the menu.
    let client = browser();
    browser_login(&app, &client, "zhujian", shegong_store::demo::DEMO_PASSWORD, "/").await;
    let r = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/events");
    let page = text_of(&client, app.url("/events")).await;
    assert!(page.contains("我的待办") && !page.contains("上报事件"), "no report form");
    assert!(!page.contains("我的档案") && !page.contains("行政区划") && !page.contains("/workers/0000"));
    let r = client.get(app.url("/workers")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/events");
    let r = client.get(app.url("/departments")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The county's page: the departments with what they hold; one added by ticking its remit.
    let client = browser();
    browser_login(&app, &client, "haining", shegong_store::demo::DEMO_PASSWORD, "/").await;
    let page = text_of(&client, app.url("/departments")).await;
    assert!(page.contains("海宁市水利局") && page.contains("设施维护 / 供水供电"), "{page}");
    let r = client
        .post(app.url("/departments"))
        .form(&[
            ("_csrf", csrf_of(&page).as_str()),
            ("county", "330481"),
            ("name", "海宁市民政局"),
            ("remit.livelihood", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = text_of(&client, app.url("/departments")).await;
    assert!(page.contains("海宁市民政局") && page.contains("民生服务"), "{page}");
    // Refused: the form comes back with what was typed and the reason.
    let r = client
        .post(app.url("/departments"))
        .form(&[("_csrf", csrf_of(&page).as_str()), ("county", "330481"), ("name", "海宁市卫健局")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("请至少勾选一类") && page.contains("value=\"海宁市卫健局\""), "{page}");
    // The street's event page offers the departments whose remit holds an escalated event.
    let users = text_of(&client, app.url("/users")).await;
    assert!(users.contains("住建局办事员") && users.contains("住房和城乡建设局"), "a named department user");
}
both_engines!(a_department_is_kept_handed_an_event_and_sees_only_that);
