//! The recruitment self-check: anyone, without an account, asks whether they may apply in a region
//! and gets the answer line by line by that region's policy; bad input is named field by field.

use crate::both_engines;
use crate::helpers::{TestApp, browser, text_of};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn check(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let r = Client::new().post(app.url("/api/v1/recruitment/eligibility")).json(&body).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn anyone_checks_their_eligibility_by_the_regions_policy(app: TestApp) {
    // The demo province runs 海宁's rules: 大专 or above, 35, relaxed to 40 for current workers.
    let base = json!({"region": "330481", "reference_date": "2026-06-01", "birth_date": "1989-03-01",
                      "education": "本科", "major": "社会工作"});
    let (s, v) = check(&app, base.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["eligible"], false);
    assert_eq!(v["explanation"][1], "年龄37岁，超过35岁上限：不符合", "{v}");
    let mut worker = base.clone();
    worker["current_worker"] = json!(true);
    let (_, v) = check(&app, worker).await;
    assert_eq!(v["eligible"], true, "{v}");
    assert_eq!(v["explanation"][1], "年龄37岁，超过35岁上限；系现有社区工作者，放宽至40岁：符合");
    let mut school = base.clone();
    school["birth_date"] = json!("2000-01-01");
    school["education"] = json!("61");
    let (_, v) = check(&app, school).await;
    assert_eq!(v["eligible"], false);
    assert!(v["explanation"][0].as_str().unwrap().ends_with("要求大专以上：不符合"), "{v}");

    // Every bad field at once, in the one error shape; a region that is not there is named.
    let (s, v) =
        check(&app, json!({"region": "330481", "birth_date": "1990-13-01", "education": "私塾", "certificate": "x"}))
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["birth_date", "education", "certificate"], "{v}");
    let (s, v) = check(&app, json!({"region": "339999", "birth_date": "1990-01-01", "education": "本科"})).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("region")), "{v}");

    // The page, for a phone: the answer under the form, the form as typed.
    let client = browser();
    let page = text_of(&client, app.url("/jobs/check?region=330481")).await;
    assert!(page.contains("报名资格自查") && page.contains("value=\"330481\""), "{page}");
    let r = client
        .post(app.url("/jobs/check"))
        .form(&[
            ("region", "330481"),
            ("birth_date", "1989-03-01"),
            ("education", "21"),
            ("current_worker", "1"),
            ("reference_date", "2026-06-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("符合报名条件") && page.contains("放宽至40岁"), "{page}");
    let r =
        client.post(app.url("/jobs/check")).form(&[("region", "330481"), ("birth_date", "x")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("日期应写作"));
}
both_engines!(anyone_checks_their_eligibility_by_the_regions_policy);
