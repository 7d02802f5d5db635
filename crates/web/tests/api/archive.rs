use crate::both_engines;
use crate::helpers::{TestApp, fresh_id, new_worker};
use reqwest::StatusCode;
use serde_json::json;

async fn create_read_edit_with_history(app: TestApp) {
    let t = app.token("haining").await;
    let id_number = fresh_id(7);
    let (s, w) = app.post_json(&t, "/api/v1/workers", new_worker("330481001001", &id_number)).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let id = w["id"].as_str().unwrap().to_string();
    assert_eq!(w["gender"], "1", "gender from the ID number");
    assert_eq!(w["birth_date"], "1995-02-03");
    assert_eq!(w["education_code"], "21");
    // UUIDv7
    assert_eq!(&id[14..15], "7");
    // The list masks, the admin's detail shows the full number and audits it.
    let (_, list) = app.get_json(&t, &format!("/api/v1/workers?q={}", &id_number[..10])).await;
    let row = list["items"].as_array().unwrap().iter().find(|x| x["id"] == id.as_str()).unwrap().clone();
    assert_eq!(row["id_number"], format!("{}************", &id_number[..6]));
    let (_, d) = app.get_json(&t, &format!("/api/v1/workers/{id}?full_id=true")).await;
    assert_eq!(d["id_number_full"], id_number.as_str());
    let (_, log) = app.get_json(&t, "/api/v1/audit?per_page=50").await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "worker.view_id_number" && e["target"] == id.as_str())
    );
    // The community head sees it masked.
    let head = app.token("community").await;
    let (s, d) = app.get_json(&head, &format!("/api/v1/workers/{id}?full_id=true")).await;
    if s == StatusCode::OK {
        assert!(d["id_number_full"].is_null());
    }
    // Edit: each changed field is one history row with before and after.
    let (s, _) = app
        .patch_json(&t, &format!("/api/v1/workers/{id}"), json!({"phone": "13912345678", "political_status": "01"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, h) = app.get_json(&t, &format!("/api/v1/workers/{id}/history")).await;
    let items = h["items"].as_array().unwrap();
    let phone = items.iter().find(|c| c["field"] == "手机号码").expect("phone change recorded");
    assert_eq!(phone["before"], "13800000000");
    assert_eq!(phone["after"], "13912345678");
    assert_eq!(phone["actor"], "haining");
    assert!(items.iter().any(|c| c["field"] == "政治面貌" && c["after"] == "中共党员"));
    // A transfer ends the old appointment; service years come from appointments.
    let (s, d) = app
        .post_json(&t, &format!("/api/v1/workers/{id}/appointments"), json!({"community_code": "330481002001", "post_category": "deputy", "title": "副主任", "start_date": "2026-01-01", "two_committees": true}))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["community_code"], "330481002001");
    assert_eq!(d["post_category"], "deputy");
    let appts = d["appointments"].as_array().unwrap();
    assert_eq!(appts.len(), 2);
    assert!(appts.iter().any(|a| a["end_date"] == "2026-01-01"));
    // Education and certificate update the derived highest values.
    let (_, d) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/educations"),
            json!({"education_code": "14", "school": "浙江大学", "major": "社会工作"}),
        )
        .await;
    assert_eq!(d["education_code"], "14");
    let (_, d) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/certificates"),
            json!({"level": "intermediate", "number": "Z123"}),
        )
        .await;
    assert_eq!(d["certificate_level"], "intermediate");
    let (s, d) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/agreements"),
            json!({"term": "2026—2031届", "start_date": "2026-03-01", "end_date": "2031-02-28"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["agreements"].as_array().unwrap().len(), 1);
    // Exit keeps the archive, leaves active lists; registering the person again reopens it.
    let (s, d) = app
        .post_json(&t, &format!("/api/v1/workers/{id}/exit"), json!({"exited_on": "2026-06-30", "reason": "个人辞职"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["status"], "exited");
    let (_, v) = app.get_json(&t, &format!("/api/v1/workers?q={id_number}")).await;
    assert_eq!(v["total"], 0);
    // The new post starts after the earlier service (an overlap is refused).
    let mut rehire = new_worker("330481001002", &id_number);
    let (s, _) = app.post_json(&t, "/api/v1/workers", rehire.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a start before the exit overlaps");
    rehire["start_date"] = json!("2026-07-01");
    let (s, again) = app.post_json(&t, "/api/v1/workers", rehire).await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    assert_eq!(again["id"], id.as_str(), "re-hiring reopens the same archive");
    assert_eq!(again["status"], "active");
}
both_engines!(create_read_edit_with_history);

async fn bad_input_changes_nothing(app: TestApp) {
    let t = app.token("haining").await;
    let before = app.counts().await;
    let cases = [
        (json!({"id_number": "330481199502030011"}), "id_number_checksum", "id_number", "身份证号码校验位错误"),
        (json!({"id_number": "3304811995"}), "id_number_length", "id_number", "身份证号码应为18位"),
        (json!({"name": ""}), "name_required", "name", "请填写姓名"),
        (json!({"community_code": "330481"}), "community_code_level", "community_code", "12位"),
        (json!({"community_code": "330483001001"}), "community_not_found", "community_code", "不在您的管辖范围内"),
        (json!({"post_category": "boss"}), "post_category_unknown", "post_category", "岗位类别"),
        (json!({"start_date": "2025-02-30"}), "date_format", "start_date", "任职开始日期"),
        (json!({"education_code": "99"}), "code_unknown", "education_code", "学历"),
        (json!({"gender": "1"}), "id_number_gender_mismatch", "gender", "性别与身份证号码不符"),
        (json!({"phone": "12345"}), "phone_format", "phone", "手机号码"),
    ];
    for (i, (patch, code, field, msg)) in cases.into_iter().enumerate() {
        let mut body = new_worker("330481001001", &fresh_id(20 + i as u16));
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, v) = app.post_json(&t, "/api/v1/workers", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {v}");
        assert_eq!(v["code"], code, "{v}");
        assert_eq!(v["field"], field, "{v}");
        assert!(v["message"].as_str().unwrap().contains(msg), "{v}");
    }
    // Malformed JSON gets the same shape.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/workers"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["code"], "json_invalid");
    // Someone active in another county: 409 that says so without naming where (no oracle across
    // the boundary); an admin whose region holds them is told the community.
    let tongxiang = app.token("tongxiang").await;
    let (_, theirs) = app.get_json(&tongxiang, "/api/v1/workers?per_page=1").await;
    let their_id = theirs["items"][0]["id"].as_str().unwrap();
    let (_, full) = app.get_json(&tongxiang, &format!("/api/v1/workers/{their_id}?full_id=true")).await;
    let their_id_number = full["id_number_full"].as_str().unwrap();
    let (s, v) = app.post_json(&t, "/api/v1/workers", new_worker("330481001001", their_id_number)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "id_number_active_elsewhere");
    let msg = v["message"].as_str().unwrap();
    assert!(msg.contains("已在其他地区登记在岗"), "{v}");
    let community = full["community_name"].as_str().unwrap();
    let code = full["community_code"].as_str().unwrap();
    assert!(!msg.contains(community) && !msg.contains(&code[..6]), "{v}");
    let province = app.token("province").await;
    let (s, v) = app.post_json(&province, "/api/v1/workers", new_worker("330481001001", their_id_number)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["message"].as_str().unwrap().contains(community), "{v}");
    // A bad patch changes nothing, even its good fields.
    let (_, mine) = app.get_json(&t, "/api/v1/workers?per_page=1").await;
    let id = mine["items"][0]["id"].as_str().unwrap();
    let (s, v) =
        app.patch_json(&t, &format!("/api/v1/workers/{id}"), json!({"phone": "13900001111", "ethnicity": "99"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["field"], "ethnicity");
    let (_, d) = app.get_json(&t, &format!("/api/v1/workers/{id}")).await;
    assert_ne!(d["phone"], "13900001111");
    // Bad filters are named too.
    let (s, v) = app.get_json(&t, "/api/v1/workers?education=phd").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["field"], "education");
    // An unknown post category is refused, not answered with nobody (found by the hostile tester).
    let (s, v) = app.get_json(&t, "/api/v1/workers?post_category=bogus").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "post_category");
    let (s, _) = app.get_json(&t, "/api/v1/workers?post_category=committee").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get_json(&t, "/api/v1/workers?per_page=100000").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.counts().await, before, "nothing was written");
}
both_engines!(bad_input_changes_nothing);

async fn list_filters_and_sorting(app: TestApp) {
    let t = app.token("haining").await;
    let all = app.all_workers(&t, "").await;
    let n = all.len();
    let certified = app.all_workers(&t, "certificate=any").await.len();
    let uncertified = app.all_workers(&t, "certificate=none").await.len();
    assert_eq!(certified + uncertified, n);
    let ft = app.all_workers(&t, "full_time=true").await.len();
    let pt = app.all_workers(&t, "full_time=false").await.len();
    assert_eq!(ft + pt, n);
    let heads = app.all_workers(&t, "post_category=head").await;
    assert!(heads.iter().all(|w| w["post_category"] == "head") && !heads.is_empty());
    let young = app.all_workers(&t, "age_min=20&age_max=35").await;
    assert!(young.iter().all(|w| (20..=35).contains(&w["age"].as_i64().unwrap())), "age filter");
    let (_, p) = app.get_json(&t, "/api/v1/workers?sort=-age&per_page=5").await;
    let ages: Vec<i64> = p["items"].as_array().unwrap().iter().map(|w| w["age"].as_i64().unwrap()).collect();
    assert!(ages.windows(2).all(|w| w[0] >= w[1]), "{ages:?}");
    let (_, p2) = app.get_json(&t, "/api/v1/workers?page=2&per_page=5").await;
    let (_, p1) = app.get_json(&t, "/api/v1/workers?page=1&per_page=5").await;
    assert_ne!(p1["items"][0]["id"], p2["items"][0]["id"]);
    assert_eq!(p1["total"].as_u64().unwrap() as usize, n);
}
both_engines!(list_filters_and_sorting);

async fn an_archive_holds_at_most_a_hundred_records_of_a_kind(app: TestApp) {
    let t = app.token("haining").await;
    let (_, list) = app.get_json(&t, "/api/v1/workers?per_page=1").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let (_, before) = app.get_json(&t, &format!("/api/v1/workers/{id}")).await;
    let had = before["educations"].as_array().map_or(0, Vec::len);
    for i in had..100 {
        let (s, v) = app
            .post_json(
                &t,
                &format!("/api/v1/workers/{id}/educations"),
                json!({"education_code": "21", "school": format!("学校{i}"), "major": "社会工作"}),
            )
            .await;
        assert!(s.is_success(), "{i}: {v}");
    }
    let (s, v) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/educations"),
            json!({"education_code": "21", "school": "再多一所", "major": "社会工作"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "records_full");
    assert!(v["message"].as_str().unwrap().contains("最多记录100条学历"), "{v}");
}
both_engines!(an_archive_holds_at_most_a_hundred_records_of_a_kind);
