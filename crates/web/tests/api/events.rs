//! 民情事件 over HTTP: reported by a community, taken round the loop with the version seen, refused
//! steps answering 409 with their code and changing nothing, the 待办 of each level, and the
//! reporter masked above the handling chain.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn act(app: &TestApp, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    app.post_json(token, &format!("/api/v1/events/{id}/actions"), body).await
}

async fn an_event_is_reported_and_handled_over_http(app: TestApp) {
    let community = app.token("community").await;
    let street = app.token("street").await;
    let province = app.token("province").await;
    let auditor = app.token("auditor").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let home = me["region"].as_str().unwrap().to_string();

    // Bad input: one JSON shape, every field named, in Chinese.
    let (s, v) = app.post_json(&community, "/api/v1/events", json!({"region": home, "source": "window"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "description", "{v}");
    let (s, v) = app
        .post_json(
            &community,
            "/api/v1/events",
            json!({"region": home, "source": "window", "description": "x", "category": "nonesuch"}),
        )
        .await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("category")), "{v}");
    let (s, _) = app
        .post_json(
            &auditor,
            "/api/v1/events",
            json!({"region": home, "source": "window", "description": "x", "category": "other"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, e) = app
        .post_json(
            &community,
            "/api/v1/events",
            json!({"region": home, "source": "window", "category": "safety.fire", "urgency": "urgent",
                   "description": "楼道堆放杂物堵塞消防通道", "reporter_name": "李四", "reporter_phone": "13812345678"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let id = e["id"].as_str().unwrap().to_string();
    assert_eq!((e["state"].as_str(), e["version"].as_i64()), (Some("reported"), Some(1)), "{e}");
    assert_eq!(e["category_label"], "安全隐患 / 消防隐患");
    assert_eq!(e["urgency_label"], "紧急");
    assert_eq!(e["reporter_phone"], "13812345678");
    assert!(e["number"].as_str().unwrap().starts_with('E'));
    assert!(!e["region_name"].as_str().unwrap().is_empty(), "a name, not a code: {e}");
    let allowed: Vec<&str> =
        e["allowed_actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(allowed, ["accept", "reject"]);

    // Above the chain the reporter is masked; an auditor reads without buttons.
    let (_, p) = app.get_json(&province, &format!("/api/v1/events/{id}")).await;
    assert_eq!((p["reporter_name"].as_str(), p["reporter_phone"].as_str()), (Some("李*"), Some("138****5678")), "{p}");
    let (s, a) = app.get_json(&auditor, &format!("/api/v1/events/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(a["allowed_actions"].as_array().unwrap().is_empty());

    // The community's 待办 holds it; the street's does not, until it is sent up.
    let ids = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
    };
    let (_, t) = app.get_json(&community, "/api/v1/todo").await;
    assert!(ids(&t).contains(&id), "{t}");
    let (_, t) = app.get_json(&street, "/api/v1/todo").await;
    assert!(!ids(&t).contains(&id));

    let (s, v) = act(&app, &community, &id, json!({"action": "accept", "version": 1})).await;
    assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(2)), "{v}");
    // A stale version, then a step the state does not allow: 409 each, nothing changed.
    let (s, v) = act(&app, &community, &id, json!({"action": "escalate", "version": 1})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("event_version")), "{v}");
    let (s, v) = act(&app, &community, &id, json!({"action": "close", "version": 2})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("event_transition")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("已受理"), "{v}");
    let (s, v) = act(&app, &community, &id, json!({"action": "fly", "version": 2})).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("action")), "{v}");
    let (_, v) = app.get_json(&community, &format!("/api/v1/events/{id}")).await;
    assert_eq!((v["version"].as_i64(), v["steps"].as_array().unwrap().len()), (Some(2), 2));

    let (s, v) = act(&app, &community, &id, json!({"action": "escalate", "version": 2})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, t) = app.get_json(&street, "/api/v1/todo").await;
    assert!(ids(&t).contains(&id), "sent up to the street: {t}");
    let (s, v) = act(&app, &street, &id, json!({"action": "assign", "version": 3})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("assigned")), "{v}");
    let (s, v) = act(&app, &street, &id, json!({"action": "supervise", "version": 4, "level": 2})).await;
    assert_eq!((s, v["supervision"].as_i64()), (StatusCode::OK, Some(2)), "{v}");
    let (s, v) = act(&app, &community, &id, json!({"action": "feedback", "version": 5, "result": "杂物已清理"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for (step, version) in [("verify", 6), ("close", 7)] {
        let (s, v) = act(&app, &community, &id, json!({"action": step, "version": version})).await;
        assert_eq!(s, StatusCode::OK, "{step}: {v}");
    }
    let (s, v) = act(&app, &community, &id, json!({"action": "rate", "version": 8, "rating": "satisfied"})).await;
    assert_eq!((s, v["rating_label"].as_str()), (StatusCode::OK, Some("满意")), "{v}");
    let labels: Vec<&str> =
        v["steps"].as_array().unwrap().iter().map(|s| s["action_label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["上报", "受理", "上报街道", "分办", "督办", "反馈", "核查通过", "结案", "评价"]);

    // The list: filters, and a filter written wrong named in the error.
    let (_, l) = app.get_json(&street, "/api/v1/events?state=rated&category=safety").await;
    assert!(ids(&l).contains(&id), "{l}");
    assert!(l["total"].as_u64().unwrap() >= 1);
    let (_, l) = app.get_json(&street, "/api/v1/events?state=open").await;
    assert!(!ids(&l).contains(&id));
    let (s, v) = app.get_json(&street, "/api/v1/events?overdue=maybe").await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("overdue")), "{v}");
    let (_, l) = app.get_json(&app.token("tongxiang").await, "/api/v1/events").await;
    assert!(!ids(&l).contains(&id), "another county sees nothing of it");
    let (s, _) = app.get_json(&app.token("tongxiang").await, &format!("/api/v1/events/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both_engines!(an_event_is_reported_and_handled_over_http);
