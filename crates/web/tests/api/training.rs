use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn training_enrolment_and_overdue(app: TestApp) {
    let t = app.token("haining").await;
    // Bad input is named and nothing is created.
    let (s, v) = app
        .post_json(
            &t,
            "/api/v1/trainings",
            json!({"name": "", "kind": "x", "start_date": "2026-05-01", "end_date": "2026-04-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"name") && fields.contains(&"kind") && fields.contains(&"end_date"), "{v}");
    let (s, _) = app.post_json(&t, "/api/v1/trainings", json!({"region": "330483", "name": "x", "kind": "duty", "start_date": "2026-05-01", "end_date": "2026-05-02"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = app.get_json(&t, "/api/v1/trainings").await;
    let existing = list["total"].as_u64().unwrap();
    assert!(existing >= 3, "the demo's yearly county trainings");
    assert!(list["items"].as_array().unwrap().iter().all(|x| x["region_code"].as_str().unwrap().starts_with("330481")));

    // Some are behind the rotation in the demo, and the alerts say so.
    let (s, before) = app.get_json(&t, "/api/v1/training/overdue").await;
    let (_, al) = app.get_json(&t, "/api/v1/alerts").await;
    let first = before["items"][0]["worker_id"].clone();
    assert!(al["items"].as_array().unwrap().iter().any(|a| a["kind"] == "training_overdue" && a["worker_id"] == first));
    assert_eq!(s, StatusCode::OK);
    let n_before = before["total"].as_u64().unwrap();
    assert!(n_before > 0);
    assert!(
        before["items"].as_array().unwrap().iter().all(|o| o["community_code"].as_str().unwrap().starts_with("330481"))
    );

    // A training for one street, enrolled by filter: those workers are no longer overdue.
    let today = chrono::Utc::now().date_naive();
    let (s, tr) = app
        .post_json(&t, "/api/v1/trainings", json!({"region": "330481001", "name": "2026年度履职培训", "kind": "duty", "start_date": today.to_string(), "end_date": today.to_string(), "hours": 16, "credits": 8}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{tr}");
    let id = tr["id"].as_str().unwrap();
    let street_workers = app.all_workers(&t, "region=330481001").await.len() as u64;
    let (s, r) = app.post_json(&t, &format!("/api/v1/trainings/{id}/enrol"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["added"].as_u64().unwrap(), street_workers, "the whole organising street, nobody outside it");
    let (_, r) = app.post_json(&t, &format!("/api/v1/trainings/{id}/enrol"), json!({})).await;
    assert_eq!(r["added"], 0, "enrolling again adds nobody");
    let (_, after) = app.get_json(&t, "/api/v1/training/overdue").await;
    let items = after["items"].as_array().unwrap();
    assert!(items.iter().all(|o| !o["community_code"].as_str().unwrap().starts_with("330481001")));
    assert!(after["total"].as_u64().unwrap() <= n_before);
    let (_, list) = app.get_json(&t, "/api/v1/trainings").await;
    assert_eq!(list["items"][0]["participants"].as_u64().unwrap(), street_workers);

    // A worker who was behind before failed the exam: no credits, so still behind on the quota.
    let w = before["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["community_code"].as_str().unwrap().starts_with("330481001"))
        .expect("someone in the street was behind")["worker_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/trainings/{id}/records/{w}");
    let (s, _) = app.put_json(&t, &path, json!({"attendance": "maybe"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, r) = app.put_json(&t, &path, json!({"attendance": "attended", "result": "failed"})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["credits"], 0);
    let (_, after) = app.get_json(&t, "/api/v1/training/overdue").await;
    let me = after["items"].as_array().unwrap().iter().find(|o| o["worker_id"] == w.as_str()).cloned();
    let me = me.expect("a failed exam leaves the worker behind on credits");
    assert_eq!(me["credits_required"], 4);
    assert_eq!(me["credits_behind"].as_i64().unwrap(), 4 - me["credits_this_year"].as_i64().unwrap());
    let (s, _) = app.put_json(&app.token("tongxiang").await, &path, json!({"attendance": "absent"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Another county sees neither the training nor can enrol into it.
    let tongxiang = app.token("tongxiang").await;
    let (_, list) = app.get_json(&tongxiang, "/api/v1/trainings").await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["id"] != id && x["region_code"].as_str().unwrap().starts_with("330483"))
    );
    let (s, _) = app.post_json(&tongxiang, &format!("/api/v1/trainings/{id}/enrol"), json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json(&t, "/api/v1/training/overdue?region=330483").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The export.
    let r = app.get(&t, "/api/v1/training/overdue.xlsx?region=330481002").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().len() > 1000);
}
both_engines!(training_enrolment_and_overdue);

/// Two clerks saving the same person's result at once both get an answer, and one record stands.
async fn results_saved_at_once_leave_one_record(app: TestApp) {
    let t = app.token("haining").await;
    let (s, c) = app
        .post_json(
            &t,
            "/api/v1/trainings",
            json!({"name": "同时登记测试", "kind": "duty", "start_date": "2026-06-01", "end_date": "2026-06-02", "credits": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let people: Vec<String> = app
        .all_workers(&t, "region=330481001")
        .await
        .iter()
        .take(4)
        .map(|w| w["id"].as_str().unwrap().to_string())
        .collect();
    for w in &people {
        let url = app.url(&format!("/api/v1/trainings/{id}/records/{w}"));
        let mut saves = tokio::task::JoinSet::new();
        for i in 0..6 {
            let (url, t) = (url.clone(), t.clone());
            saves.spawn(async move {
                let result = if i % 2 == 0 { "passed" } else { "failed" };
                reqwest::Client::new()
                    .put(url)
                    .bearer_auth(t)
                    .json(&json!({"attendance": "attended", "result": result}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            });
        }
        let statuses = saves.join_all().await;
        assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    }
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use shegong_store::entity::training_record;
    let records = training_record::Entity::find()
        .filter(training_record::Column::ProvinceCode.eq("33"))
        .filter(training_record::Column::TrainingId.eq(uuid::Uuid::parse_str(&id).unwrap()))
        .count(&app.db.conn)
        .await
        .unwrap();
    assert_eq!(records as usize, people.len());
}
both_engines!(results_saved_at_once_leave_one_record);
