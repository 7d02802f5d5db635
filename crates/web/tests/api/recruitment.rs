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
    assert!(v.to_string().contains("年龄按2026-06-01计算"), "the date it was judged on: {v}");
    // A certificate's bonus is said; a child is not of age.
    let mut certified = base.clone();
    certified["certificate"] = json!("intermediate");
    let (_, v) = check(&app, certified).await;
    assert!(v.to_string().contains("笔试可加5分"), "{v}");
    let mut child = base.clone();
    child["birth_date"] = json!("2012-01-01");
    let (_, v) = check(&app, child).await;
    assert_eq!(v["eligible"], false, "{v}");
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

/// A county plans a round over the API, another administrator approves it, it is published, and
/// anyone reads the announcement on a phone; a draft is nowhere public.
async fn a_round_is_announced_after_approval(app: TestApp) {
    let county = app.token("haining").await;
    let reviewer = app.token("reviewer").await;
    let street = app.token("street").await;
    let (s, r) = app
        .post_json(
            &county,
            "/api/v1/recruitment/rounds",
            json!({"title": "2027年海宁市社区专职工作者统一招聘", "reference_date": "2027-03-31",
                   "apply_from": "2026-11-01", "apply_to": "2027-03-01", "notes": "咨询电话：0573-87000000"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!((r["status_label"].as_str(), r["county_name"].as_str()), (Some("编制计划"), Some("海宁市")));
    let id = r["id"].as_str().unwrap().to_string();
    let (s, _) = app.post_json(&street, "/api/v1/recruitment/rounds", json!({"title": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A community whose norm leaves room (the staffing figures say where; the demo's own round has
    // taken some), and the cap named when asked for more than any norm leaves.
    let post = |home: &str, places: i64| json!({"community": home, "title": "社区专职工作者", "places": places, "min_education": "本科", "majors": "社会工作"});
    let mut added = None;
    let (_, streets) = app.get_json(&county, "/api/v1/regions/330481/staffing").await;
    'find: for st in streets["children"].as_array().unwrap() {
        let path = format!("/api/v1/regions/{}/staffing", st["region_code"].as_str().unwrap());
        let (_, cs) = app.get_json(&county, &path).await;
        for c in cs["children"].as_array().unwrap() {
            let home = c["region_code"].as_str().unwrap();
            if c["max"].as_i64().unwrap() <= c["actual"].as_i64().unwrap() || c["without_policy"] != 0 {
                continue;
            }
            let (s, v) =
                app.post_json(&county, &format!("/api/v1/recruitment/rounds/{id}/posts"), post(home, 50)).await;
            assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("post_over_norm")), "{v}");
            let (s, v) = app.post_json(&county, &format!("/api/v1/recruitment/rounds/{id}/posts"), post(home, 1)).await;
            if s == StatusCode::CREATED {
                added = Some(v);
                break 'find;
            }
        }
    }
    let p = added.expect("a community below its norm's maximum");
    assert_eq!(p["requirements"], "本科以上学历；35周岁以下；社会工作类专业", "{p}");
    assert_eq!(p["category_label"], "其他工作人员", "the default category: {p}");
    assert!(!p["community_name"].as_str().unwrap().is_empty());
    let r = Client::new().get(app.url(&format!("/jobs/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "a draft is not public");

    let (s, v) = app.post_json(&county, &format!("/api/v1/recruitment/rounds/{id}/approve"), json!({})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("recruitment_same_person")), "{v}");
    // The plan waits in the other administrator's 待办, not in its author's.
    for (who, n) in [("reviewer", 1), ("haining", 0)] {
        let client = browser();
        crate::helpers::browser_login(&app, &client, who, shegong_store::demo::DEMO_PASSWORD, "/").await;
        let home = text_of(&client, app.url("/")).await;
        assert!(home.contains(&format!("<span>待审批的招聘计划</span><b>{n}</b>")), "{who}: {home}");
    }
    // The approver says what they saw; a plan that changed since is refused.
    let (s, v) = app
        .post_json(&reviewer, &format!("/api/v1/recruitment/rounds/{id}/approve"), json!({"posts": 2, "places": 2}))
        .await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("recruitment_changed")), "{v}");
    let (s, v) = app
        .post_json(&reviewer, &format!("/api/v1/recruitment/rounds/{id}/approve"), json!({"posts": 1, "places": 1}))
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("approved")), "{v}");
    let (s, v) = app.post_json(&county, &format!("/api/v1/recruitment/rounds/{id}/publish"), json!({})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("published")), "{v}");

    let client = browser();
    let list = text_of(&client, app.url("/jobs")).await;
    assert!(list.contains("2027年海宁市社区专职工作者统一招聘") && list.contains("报名中"), "{list}");
    let page = text_of(&client, app.url(&format!("/jobs/{id}"))).await;
    for want in ["社区专职工作者", "本科以上学历", "不得报名", "0573-87000000", "1:3", "/jobs/check?region=330481"]
    {
        assert!(page.contains(want), "{want}: {page}");
    }
    // The county's own pages: the round with its posts.
    let (_, rounds) = app.get_json(&street, "/api/v1/recruitment/rounds").await;
    assert_eq!(rounds["items"][0]["places"], 1, "{rounds}");
}
both_engines!(a_round_is_announced_after_approval);
