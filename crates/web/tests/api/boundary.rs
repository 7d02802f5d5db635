//! The region boundary where a number or a person could leak through: full ID numbers only for the
//! roles that may see them, on every path (search, edit form, history, API), each full view
//! audited; searches that take text literally; filters out of range refused.
use crate::helpers::text_of;

use crate::both_engines;
use crate::helpers::{TestApp, browser_login};
use reqwest::StatusCode;
use serde_json::json;
use shegong_store::demo::DEMO_PASSWORD;

/// A community head's token, the county administrator's, and the first person of the head's list
/// with their full ID number (as the administrator sees it).
async fn head_admin_and_someone(app: &TestApp) -> (String, String, String, String) {
    let head = app.token("community").await;
    let admin = app.token("haining").await;
    let (_, mine) = app.get_json(&head, "/api/v1/workers?per_page=1").await;
    let id = mine["items"][0]["id"].as_str().unwrap().to_string();
    let (_, full) = app.get_json(&admin, &format!("/api/v1/workers/{id}?full_id=true")).await;
    let number = full["id_number_full"].as_str().unwrap().to_string();
    (head, admin, id, number)
}

async fn id_numbers_leave_the_store_only_to_those_who_may_see_them(app: TestApp) {
    let (head, admin, id, number) = head_admin_and_someone(&app).await;
    let (_, seen) = app.get_json(&head, &format!("/api/v1/workers/{id}?full_id=true")).await;
    assert!(seen["id_number_full"].is_null(), "{seen}");

    // Search: a prefix finds nothing for a role without full view, the whole number finds the one.
    let (_, v) = app.get_json(&head, &format!("/api/v1/workers?q={}", &number[..8])).await;
    assert_eq!(v["total"], 0, "a prefix search leaks the number: {v}");
    let (_, v) = app.get_json(&head, &format!("/api/v1/workers?q={number}")).await;
    assert_eq!(v["total"], 1);
    let (_, v) = app.get_json(&admin, &format!("/api/v1/workers?q={}", &number[..8])).await;
    assert!(v["total"].as_u64().unwrap() >= 1, "admins search by prefix");

    // The edit form shows the number masked to the head, who cannot change it.
    let b = crate::helpers::browser();
    browser_login(&app, &b, "community", DEMO_PASSWORD, "/").await;
    let form = text_of(&b, app.url(&format!("/workers/{id}/edit"))).await;
    assert!(!form.contains(&number), "the edit form shows the full number");
    let (s, v) = app.patch_json(&head, &format!("/api/v1/workers/{id}"), json!({"id_number": number})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // An admin corrects the number: the history shows both numbers to admins only.
    let corrected = shegong_domain::IdNumber::compose(
        &number[..6],
        shegong_domain::IdNumber::parse(&number).unwrap().birth_date(),
        777,
    )
    .to_string();
    let (s, v) = app.patch_json(&admin, &format!("/api/v1/workers/{id}"), json!({"id_number": corrected})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, h) = app.get_json(&head, &format!("/api/v1/workers/{id}/history")).await;
    let text = h.to_string();
    assert!(!text.contains(&number) && !text.contains(&corrected), "the history leaks: {text}");
    let page = text_of(&b, app.url(&format!("/workers/{id}?tab=history"))).await;
    assert!(!page.contains(&number) && !page.contains(&corrected), "the history page leaks");
    let (_, h) = app.get_json(&admin, &format!("/api/v1/workers/{id}/history")).await;
    assert!(!h.to_string().contains(&corrected), "masked until asked for");
    let (_, h) = app.get_json(&admin, &format!("/api/v1/workers/{id}/history?full_id=true")).await;
    assert!(h.to_string().contains(&corrected));
    // Every full view is in the audit log: the API detail, the history.
    let (_, log) = app.get_json(&admin, "/api/v1/audit?per_page=200").await;
    let views: Vec<String> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "worker.view_id_number")
        .filter_map(|r| r["detail"].as_str().map(str::to_string))
        .collect();
    assert!(views.iter().any(|d| d == "api") && views.iter().any(|d| d == "history"), "{views:?}");
}
both_engines!(id_numbers_leave_the_store_only_to_those_who_may_see_them);

async fn searches_take_text_literally_and_filters_are_bounded(app: TestApp) {
    let t = app.token("haining").await;
    let (_, all) = app.get_json(&t, "/api/v1/workers?per_page=1").await;
    assert!(all["total"].as_u64().unwrap() > 100);
    for q in ["%25", "_", "%5C", "%25%25"] {
        let (s, v) = app.get_json(&t, &format!("/api/v1/workers?q={q}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["total"], 0, "q={q} matched {}", v["total"]);
    }
    for (q, field) in [
        ("age_max=4294967295", "age_max"),
        ("age_min=-1", "age_min"),
        ("age_min=50&age_max=30", "age_max"),
        ("sort=password", "sort"),
        ("q=%00abc", "q"),
    ] {
        let (s, v) = app.get_json(&t, &format!("/api/v1/workers?{q}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
        assert_eq!(v["field"], field, "{q}: {v}");
    }
    // Another county's reserves are not found (not the caller's own list instead), and the list
    // pages through all of its rows, never stopping silently.
    let (s, _) = app.get_json(&t, "/api/v1/reserves?region=330483").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, first) = app.get_json(&t, "/api/v1/reserves?per_page=100").await;
    assert_eq!(s, StatusCode::OK);
    let total = first["total"].as_u64().unwrap();
    assert!(total > 100, "the demo county has {total} candidates");
    let mut seen = 0;
    for page in 1..=total.div_ceil(100) {
        let (_, v) = app.get_json(&t, &format!("/api/v1/reserves?per_page=100&page={page}")).await;
        seen += v["items"].as_array().unwrap().len() as u64;
    }
    assert_eq!(seen, total);
    let long = "张".repeat(51);
    let (s, _) = app.get_json(&t, &format!("/api/v1/workers?q={long}")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}
both_engines!(searches_take_text_literally_and_filters_are_bounded);

async fn no_oracle_across_the_boundary(app: TestApp) {
    // A worker user cannot be created for an archive outside the admin's county: the answer is the
    // same as for an ID number nobody has.
    let haining = app.token("haining").await;
    let tongxiang = app.token("tongxiang").await;
    let (_, theirs) = app.get_json(&tongxiang, "/api/v1/workers?per_page=1").await;
    let their_id = theirs["items"][0]["id"].as_str().unwrap();
    let (_, full) = app.get_json(&tongxiang, &format!("/api/v1/workers/{their_id}?full_id=true")).await;
    let theirs = full["id_number_full"].as_str().unwrap();
    let body = |n: &str| json!({"username": format!("w{}", &n[12..]), "role": "worker", "id_number": n, "password": "一个足够长的好密码呀"});
    let (s1, v1) = app.post_json(&haining, "/api/v1/users", body(theirs)).await;
    let (s2, v2) = app.post_json(&haining, "/api/v1/users", body(&crate::helpers::fresh_id(77))).await;
    assert_eq!((s1, &v1["code"], &v1["message"]), (s2, &v2["code"], &v2["message"]), "{v1} vs {v2}");
}
both_engines!(no_oracle_across_the_boundary);

/// Free text has one limit on every path, hidden characters are refused, and an export never fails
/// on a long value already stored.
async fn free_text_is_bounded_on_every_path(app: TestApp) {
    let t = app.token("haining").await;
    let (_, mine) = app.get_json(&t, "/api/v1/workers?per_page=1").await;
    let id = mine["items"][0]["id"].as_str().unwrap().to_string();
    let before = app.counts().await;
    let long = "长".repeat(40_000);
    let cases = [
        (format!("/api/v1/workers/{id}/exit"), json!({"exited_on": "2026-06-30", "reason": long}), "exit_reason"),
        (
            format!("/api/v1/workers/{id}/educations"),
            json!({"education_code": "21", "school": "学".repeat(101)}),
            "school",
        ),
        (
            format!("/api/v1/workers/{id}/educations"),
            json!({"education_code": "21", "school": "浙江\u{202E}大学"}),
            "school",
        ),
        (format!("/api/v1/workers/{id}/certificates"), json!({"level": "junior", "number": "Z".repeat(61)}), "number"),
        (
            format!("/api/v1/workers/{id}/agreements"),
            json!({"term": "届".repeat(41), "start_date": "2026-03-01", "end_date": "2031-02-28"}),
            "term",
        ),
        (
            "/api/v1/workers".to_string(),
            {
                let mut w = crate::helpers::new_worker("330481001001", &crate::helpers::fresh_id(31));
                w["name"] = json!("王\u{200B}小明");
                w
            },
            "name",
        ),
        (
            "/api/v1/workers".to_string(),
            {
                let mut w = crate::helpers::new_worker("330481001001", &crate::helpers::fresh_id(32));
                w["address"] = json!("路".repeat(201));
                w
            },
            "address",
        ),
    ];
    for (path, body, field) in cases {
        let (s, v) = app.post_json(&t, &path, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {v}");
        let fields: Vec<&str> =
            v["errors"].as_array().map_or(vec![], |e| e.iter().filter_map(|x| x["field"].as_str()).collect());
        assert!(v["field"] == field || fields.contains(&field), "{path}: {v}");
    }
    let (s, v) = app.patch_json(&t, &format!("/api/v1/workers/{id}"), json!({"address": "路".repeat(201)})).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("address")));
    assert_eq!(app.counts().await, before, "a refused write changes nothing");

    // A value longer than a cell holds, already in the log: the export still answers.
    use sea_orm::ActiveModelTrait;
    shegong_store::entity::audit::ActiveModel {
        province_code: sea_orm::Set("33".into()),
        id: sea_orm::Set(uuid::Uuid::now_v7()),
        at: sea_orm::Set(chrono::Utc::now()),
        username: sea_orm::Set("haining".into()),
        role: sea_orm::Set("county_admin".into()),
        action: sea_orm::Set("worker.exit".into()),
        region_code: sea_orm::Set("330481".into()),
        target: sea_orm::Set(None),
        detail: sea_orm::Set(Some("长".repeat(40_000))),
    }
    .insert(&app.db.writer)
    .await
    .unwrap();
    let province = app.token("province").await;
    let r = app.get(&province, "/audit.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let cut = range.rows().flat_map(|r| r.iter()).any(|c| c.to_string().contains("已截断，全文共40000字"));
    assert!(cut, "the long value is cut with a marker");
}
both_engines!(free_text_is_bounded_on_every_path);

/// One date policy on every path: facts not in the future, service not before 16, plans within a
/// horizon; each refusal names the field and changes nothing.
async fn impossible_dates_are_refused_everywhere(app: TestApp) {
    let t = app.token("haining").await;
    let (_, mine) = app.get_json(&t, "/api/v1/workers?per_page=1").await;
    let id = mine["items"][0]["id"].as_str().unwrap().to_string();
    let (_, w) = app.get_json(&t, &format!("/api/v1/workers/{id}")).await;
    let community = w["community_code"].as_str().unwrap().to_string();
    let before = app.counts().await;
    let appointment = |start: &str| json!({"community_code": community, "post_category": "staff", "title": "专职工作者", "start_date": start});
    let cases = vec![
        (format!("/api/v1/workers/{id}/appointments"), appointment("9999-12-31"), "start_date"),
        (format!("/api/v1/workers/{id}/appointments"), appointment("1800-01-01"), "start_date"),
        (format!("/api/v1/workers/{id}/appointments"), appointment("1985-01-01"), "start_date"),
        (format!("/api/v1/workers/{id}/exit"), json!({"exited_on": "9999-01-01", "reason": "个人辞职"}), "exited_on"),
        (
            format!("/api/v1/workers/{id}/educations"),
            json!({"education_code": "21", "graduated_on": "9999-07-01"}),
            "graduated_on",
        ),
        (
            format!("/api/v1/workers/{id}/certificates"),
            json!({"level": "junior", "issued_on": "9999-01-01"}),
            "issued_on",
        ),
        (
            format!("/api/v1/workers/{id}/agreements"),
            json!({"term": "9999届", "start_date": "9999-01-01", "end_date": "9999-12-31"}),
            "start_date",
        ),
        (
            format!("/api/v1/workers/{id}/agreements"),
            json!({"term": "长期", "start_date": "2026-03-01", "end_date": "2099-12-31"}),
            "end_date",
        ),
        (
            format!("/api/v1/workers/{id}/rewards"),
            json!({"kind": "reward", "title": "优秀社区工作者", "issuer": "海宁市民政局", "issued_on": "9999-01-01"}),
            "issued_on",
        ),
        (
            "/api/v1/reserves".to_string(),
            json!({"community_code": community, "name": "王晓燕", "gender": "女", "birth_date": "9999-05-01", "education": "21", "political_status": "01"}),
            "birth_date",
        ),
        (
            "/api/v1/trainings".to_string(),
            json!({"name": "履职培训", "kind": "duty", "start_date": "9999-05-01", "end_date": "9999-05-02"}),
            "start_date",
        ),
        ("/api/v1/payroll/runs".to_string(), json!({"region": "330481", "month": "9999-01"}), "month"),
        ("/api/v1/regions/330481/policy".to_string(), json!({"name": "jilin-2020", "from": "9999-01-01"}), "from"),
    ];
    for (path, body, field) in cases {
        let (s, v) = app.post_json(&t, &path, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path} {body}: {v}");
        let fields: Vec<&str> =
            v["errors"].as_array().map_or(vec![], |e| e.iter().filter_map(|x| x["field"].as_str()).collect());
        assert!(v["field"] == field || fields.contains(&field), "{path} {body}: {v}");
    }
    let (s, v) = app.patch_json(&t, &format!("/api/v1/workers/{id}"), json!({"birth_date": "9999-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let mut new = crate::helpers::new_worker(&community, &crate::helpers::fresh_id(41));
    new["start_date"] = json!("1800-01-01");
    let (s, v) = app.post_json(&t, "/api/v1/workers", new).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("start_date")), "{v}");
    assert_eq!(app.counts().await, before, "a refused date changes nothing");
    let (_, after) = app.get_json(&t, &format!("/api/v1/workers/{id}")).await;
    assert_eq!(after["status"], "active");
    assert_eq!(after["community_code"], w["community_code"]);
}
both_engines!(impossible_dates_are_refused_everywhere);

/// Registering a person who left another county is a transfer of their archive: the name must be
/// the archive's, the new post must start after the earlier service, both counties' logs record it,
/// and the other county's contact details do not pass over.
async fn registering_someone_who_left_elsewhere_is_a_transfer(app: TestApp) {
    let haining = app.token("haining").await;
    let tongxiang = app.token("tongxiang").await;
    let (_, theirs) = app.get_json(&tongxiang, "/api/v1/workers?per_page=1").await;
    let id = theirs["items"][0]["id"].as_str().unwrap().to_string();
    let (_, w) = app.get_json(&tongxiang, &format!("/api/v1/workers/{id}?full_id=true")).await;
    let number = w["id_number_full"].as_str().unwrap().to_string();
    let name = w["name"].as_str().unwrap().to_string();
    let old_address = w["address"].as_str().unwrap_or_default().to_string();
    let (s, v) = app
        .post_json(
            &tongxiang,
            &format!("/api/v1/workers/{id}/exit"),
            json!({"exited_on": "2026-06-30", "reason": "调离"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let mut body = crate::helpers::new_worker("330481001001", &number);
    body["name"] = json!("冒名顶替");
    let (s, v) = app.post_json(&haining, "/api/v1/workers", body.clone()).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("name_mismatch")), "{v}");
    assert!(!v.to_string().contains(&name), "the archive's name leaks: {v}");
    body["name"] = json!(name);
    body["start_date"] = json!("2026-06-01");
    let (s, v) = app.post_json(&haining, "/api/v1/workers", body.clone()).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("start_date")), "{v}");
    body["start_date"] = json!("2026-07-01");
    body["phone"] = json!("13912345678");
    let (s, v) = app.post_json(&haining, "/api/v1/workers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["id"], id.as_str(), "the archive follows the person");
    assert_eq!(v["phone"], "13912345678");
    assert!(v["address"].is_null() || (!old_address.is_empty() && v["address"] != old_address.as_str()), "{v}");
    let (_, h) = app.get_json(&haining, &format!("/api/v1/workers/{id}/history")).await;
    assert!(h.to_string().contains("档案转入"), "{h}");
    // Both counties' logs say so.
    for (token, action) in [(&haining, "worker.transfer_in"), (&tongxiang, "worker.transfer_out")] {
        let (_, log) = app.get_json(token, "/api/v1/audit?per_page=50").await;
        assert!(log["items"].as_array().unwrap().iter().any(|r| r["action"] == action), "{action} missing");
    }
    // And the county it left no longer sees the archive.
    assert_eq!(app.get(&tongxiang, &format!("/api/v1/workers/{id}")).await.status(), StatusCode::NOT_FOUND);
}
both_engines!(registering_someone_who_left_elsewhere_is_a_transfer);

/// A number can be confirmed by a search, never guessed by many: a role without full view may search
/// by ID number a few dozen times in ten minutes, and every search by number is in the audit log.
async fn searches_by_id_number_are_counted_and_logged(app: TestApp) {
    let (head, admin, _, number) = head_admin_and_someone(&app).await;
    let limit = shegong_web::id_search::LIMIT;
    for i in 0..limit {
        // Guesses: the number with another sequence part (one of them is right).
        let guess = format!("{}{:03}{}", &number[..14], i, &number[17..]);
        let (s, v) = app.get_json(&head, &format!("/api/v1/workers?q={guess}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = app.get_json(&head, &format!("/api/v1/workers?q={number}")).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(v["field"], "q", "{v}");
    // Names are not counted.
    let (s, _) = app.get_json(&head, "/api/v1/workers?q=zjm").await;
    assert_eq!(s, StatusCode::OK);
    // Admins are not limited, and each of their searches by number is logged, masked.
    for _ in 0..3 {
        let (s, _) = app.get_json(&admin, &format!("/api/v1/workers?q={}", &number[..10])).await;
        assert_eq!(s, StatusCode::OK);
    }
    let auditor = app.token("auditor").await;
    let (_, log) = app.get_json(&auditor, "/api/v1/audit?action=worker.search_id_number&per_page=500").await;
    let items = log["items"].as_array().unwrap();
    assert!(items.iter().all(|e| e["action"] == "worker.search_id_number"), "the filter applies");
    let by = |u: &str| items.iter().filter(|e| e["username"] == u).count();
    assert_eq!(by("haining"), 3);
    assert_eq!(by("community"), limit as usize, "the refused one is not run, nor logged");
    assert!(!log.to_string().contains(&number), "the log masks whole numbers");
}
both_engines!(searches_by_id_number_are_counted_and_logged);
