//! What a walk through the forms found: a community head scores their community, a correction is
//! handled once, and a month with people left out is not locked.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn a_community_head_scores_their_own_community(app: TestApp) {
    let st = app.token("street").await;
    let head = app.token("community").await;
    let (_, me) = app.get_json(&head, "/api/v1/me").await;
    let community = me["region"].as_str().unwrap().to_string();
    let street = community[..9].to_string();
    let (s, round) = app.post_json(&st, "/api/v1/assessment-rounds", json!({"region": street, "year": 2021})).await;
    assert_eq!(s, StatusCode::CREATED, "{round}");
    let id = round["id"].as_str().unwrap();
    // The head sees the round with their community's entries only, and scores them.
    let (s, seen) = app.get_json(&head, &format!("/api/v1/assessment-rounds/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    let entries = seen["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["region_code"] == community.as_str()));
    let items: Vec<_> = entries
        .iter()
        .map(|e| json!({"worker_id": e["worker_id"], "organisation": 90, "residents": 85, "routine": 80}))
        .collect();
    let (s, v) = app.put_json(&head, &format!("/api/v1/assessment-rounds/{id}/scores"), json!({"items": items})).await;
    assert_eq!((s, v["saved"].as_u64()), (StatusCode::OK, Some(entries.len() as u64)), "{v}");
    // Not another community's people, and not the grading.
    let (_, all) = app.get_json(&st, &format!("/api/v1/assessment-rounds/{id}")).await;
    let other = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["region_code"] != community.as_str())
        .expect("the street has other communities");
    let (s, _) = app
        .put_json(
            &head,
            &format!("/api/v1/assessment-rounds/{id}/scores"),
            json!({"items": [{"worker_id": other["worker_id"], "organisation": 1, "residents": 1, "routine": 1}]}),
        )
        .await;
    assert!(s.is_client_error(), "{s}");
    let (_, after) = app.get_json(&st, &format!("/api/v1/assessment-rounds/{id}")).await;
    let kept = after["entries"].as_array().unwrap().iter().find(|e| e["worker_id"] == other["worker_id"]).unwrap();
    assert!(kept["organisation_score"].is_null(), "{kept}");
    let (s, _) = app.post_json(&head, &format!("/api/v1/assessment-rounds/{id}/score"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_engines!(a_community_head_scores_their_own_community);

async fn a_correction_is_handled_once_on_its_own_worker(app: TestApp) {
    let worker = app.token("worker").await;
    let street = app.token("street").await;
    let (_, me) = app.get_json(&worker, "/api/v1/me").await;
    let me = me["worker_id"].as_str().unwrap().to_string();
    let (s, c) = app
        .post_json(
            &worker,
            &format!("/api/v1/workers/{me}/corrections"),
            json!({"field": "phone", "message": "手机号码已更换"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_str().unwrap();
    // Through another worker's address: not found.
    let (_, list) = app.get_json(&street, "/api/v1/workers?per_page=2").await;
    let other = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .find(|w| *w != me)
        .unwrap()
        .to_string();
    let (s, _) = app.post_json(&street, &format!("/api/v1/workers/{other}/corrections/{cid}/resolve"), json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, done) = app.post_json(&street, &format!("/api/v1/workers/{me}/corrections/{cid}/resolve"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["handled_by"], "street");
    // Once handled, it stays as it was handled.
    let haining = app.token("haining").await;
    let (s, v) = app.post_json(&haining, &format!("/api/v1/workers/{me}/corrections/{cid}/resolve"), json!({})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("correction_handled")), "{v}");
}
both_engines!(a_correction_is_handled_once_on_its_own_worker);

async fn a_month_with_people_left_out_is_not_reviewed(app: TestApp) {
    let hn = app.token("haining").await;
    // A street's policy that needs a reference wage nobody entered: its people cannot be paid.
    let (_, me) = app.get_json(&app.token("street").await, "/api/v1/me").await;
    let street = me["region"].as_str().unwrap().to_string();
    let (s, v) = app
        .post_json(
            &hn,
            &format!("/api/v1/regions/{street}/policy"),
            json!({"name": "xinzhou-2020", "from": "2026-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, run) = app.post_json(&hn, "/api/v1/payroll/runs", json!({"region": "330481", "month": "2026-02"})).await;
    assert_eq!(s, StatusCode::CREATED, "{run}");
    let left_out = run["problems"].as_array().unwrap().len();
    assert!(left_out > 0, "the street's people are left out: {run}");
    let id = run["id"].as_str().unwrap();
    let (s, v) = app.post_json(&hn, &format!("/api/v1/payroll/runs/{id}/review"), json!({})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("payroll_incomplete")), "{v}");
    assert!(v["message"].as_str().unwrap().contains(&format!("{left_out}人未能计算")));
}
both_engines!(a_month_with_people_left_out_is_not_reviewed);

async fn a_reserve_candidate_is_removed_from_the_page(app: TestApp) {
    use crate::helpers::{browser_login, csrf_of, text_of};
    let b = crate::helpers::browser();
    browser_login(&app, &b, "community", shegong_store::demo::DEMO_PASSWORD, "/").await;
    let head = app.token("community").await;
    let (_, me) = app.get_json(&head, "/api/v1/me").await;
    let community = me["region"].as_str().unwrap().to_string();
    let (s, added) = app
        .post_json(
            &head,
            "/api/v1/reserves",
            json!({"community_code": community, "name": "韩梅梅", "gender": "2", "birth_date": "1995-03-02",
                   "political_status": "13"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{added}");
    let id = added["id"].as_str().unwrap();
    let page = text_of(&b, app.url(&format!("/reserves?region={community}"))).await;
    assert!(page.contains(&format!("action=\"/reserves/{id}/remove\"")), "{page}");
    let r = b
        .post(app.url(&format!("/reserves/{id}/remove")))
        .form(&[("_csrf", csrf_of(&page).as_str()), ("region", community.as_str())])
        .send()
        .await
        .unwrap();
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(back.starts_with(&format!("/reserves?region={community}")), "{back}");
    assert!(text_of(&b, app.url(&back)).await.contains("已移出后备名单"));
    let (_, list) = app.get_json(&head, &format!("/api/v1/reserves?region={community}&per_page=1000")).await;
    assert!(list["items"].as_array().unwrap().iter().all(|r| r["id"] != id));
}
both_engines!(a_reserve_candidate_is_removed_from_the_page);
