use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn grades_raise_the_exit_flag_and_alerts(app: TestApp) {
    let t = app.token("haining").await;
    let mut body = crate::helpers::new_worker("330481001001", &crate::helpers::fresh_id(40));
    body["start_date"] = json!("2016-03-01");
    let (s, w) = app.post_json(&t, "/api/v1/workers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let id = w["id"].as_str().unwrap().to_string();
    assert_eq!(w["exit_flag"], false);
    let path = format!("/api/v1/workers/{id}/assessments");
    // Bad input and the wrong caller change nothing.
    let (s, v) = app.post_json(&t, &path, json!({"year": 2018, "grade": "bad"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["field"], "grade");
    let (s, _) = app.post_json(&t, &path, json!({"year": 2999, "grade": "competent"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let tongxiang = app.token("tongxiang").await;
    let (s, _) = app.post_json(&tongxiang, &path, json!({"year": 2018, "grade": "incompetent"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let head = app.token("community").await;
    let (s, _) = app.post_json(&head, &path, json!({"year": 2018, "grade": "incompetent"})).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND);
    // One 不合格: no flag. Two running: the flag, with the rule.
    let (s, a) = app.post_json(&t, &path, json!({"year": 2017, "grade": "incompetent"})).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["grade_label"], "不合格");
    let (_, d) = app.get_json(&t, &format!("/api/v1/workers/{id}")).await;
    assert_eq!(d["exit_flag"], false);
    let (s, _) = app.post_json(&t, &path, json!({"year": 2018, "grade": "incompetent"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, d) = app.get_json(&t, &format!("/api/v1/workers/{id}")).await;
    assert_eq!(d["exit_flag"], true, "{d}");
    assert!(d["exit_rule"].as_str().unwrap().contains("连续2年考核不合格"));
    // A published grade is final.
    let (s, v) = app.post_json(&t, &path, json!({"year": 2018, "grade": "excellent"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "assessment_published");
    let (_, g) = app.get_json(&t, &path).await;
    assert_eq!(g["exit_flag"], true);
    assert_eq!(g["items"].as_array().unwrap().iter().filter(|a| a["year"] == 2018).count(), 1);

    // Alerts: the flag is there for 海宁市 and not for 桐乡市.
    let (s, al) = app.get_json(&t, "/api/v1/alerts?region=330481").await;
    assert_eq!(s, StatusCode::OK);
    let items = al["items"].as_array().unwrap();
    assert!(items.iter().any(|a| a["kind"] == "exit_flag" && a["worker_id"] == id.as_str()));
    assert!(items.iter().all(|a| a["region_code"].as_str().is_none_or(|r| r.starts_with("330481"))));
    let (_, al) = app.get_json(&tongxiang, "/api/v1/alerts").await;
    assert!(al["items"].as_array().unwrap().iter().all(|a| a["worker_id"] != id.as_str()));
    let (s, _) = app.get_json(&t, "/api/v1/alerts?region=330483").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // An agreement ending within 90 days is an alert until a later one is signed.
    let soon = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    let (s, _) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/agreements"),
            json!({"term": "测试届", "start_date": "2021-03-01", "end_date": soon.to_string()}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, al) = app.get_json(&t, "/api/v1/alerts").await;
    let has_expiring = |v: &serde_json::Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "agreement_expiring" && a["worker_id"] == id.as_str())
    };
    assert!(has_expiring(&al), "expiring agreement not alerted");
    let (s, _) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/agreements"),
            json!({"term": "下一届", "start_date": soon.to_string(), "end_date": "2031-02-28"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, al) = app.get_json(&t, "/api/v1/alerts").await;
    assert!(!has_expiring(&al), "a renewed agreement is no longer alerted");
    // Rewards and sanctions: checked, scoped, and in the history.
    let rpath = format!("/api/v1/workers/{id}/rewards");
    let (s, v) = app
        .post_json(
            &t,
            &rpath,
            json!({"kind": "praise", "title": "", "issuer": "海宁市民政局", "issued_on": "2024-13-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["errors"].as_array().unwrap().len(), 3, "{v}");
    let (s, _) = app
        .post_json(
            &tongxiang,
            &rpath,
            json!({"kind": "reward", "title": "优秀社区工作者", "issuer": "桐乡市民政局", "issued_on": "2024-12-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, r) = app
        .post_json(
            &t,
            &rpath,
            json!({"kind": "reward", "title": "优秀社区工作者", "issuer": "海宁市民政局", "issued_on": "2024-12-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, list) = app.get_json(&t, &rpath).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (_, h) = app.get_json(&t, &format!("/api/v1/workers/{id}/history")).await;
    assert!(h["items"].as_array().unwrap().iter().any(|c| c["field"] == "奖励"));
    let html = app.get(&t, &format!("/workers/{id}?tab=reward")).await.text().await.unwrap();
    assert!(html.contains("优秀社区工作者"));
    // Exit removes the flag from the alerts.
    let (s, _) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/exit"),
            json!({"exited_on": "2026-01-31", "reason": "连续两年考核不合格"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, al) = app.get_json(&t, "/api/v1/alerts").await;
    assert!(al["items"].as_array().unwrap().iter().all(|a| a["worker_id"] != id.as_str()));
    // A worker sees no alerts.
    let me = app.token("worker").await;
    let (_, al) = app.get_json(&me, "/api/v1/alerts").await;
    assert_eq!(al["total"], 0);
}
both_engines!(grades_raise_the_exit_flag_and_alerts);
