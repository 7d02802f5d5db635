//! Applications to a recruitment round through HTTP: applicants' own accounts (no staff account),
//! applying with the declarations and scans, isolation (an applicant reaches only their own; staff
//! and applicant tokens never cross), the county's review with its reason read by the applicant,
//! the applicant's pages at a phone's pace, and the demo's finished round with its hired.

use crate::both_engines;
use crate::helpers::{TestApp, browser, csrf_of, text_of};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const PASSWORD: &str = "baoming-2026!";

fn id_number(n: u32) -> String {
    let first = format!("33048319960101{:03}", 300 + n);
    let c = shegong_domain::id_number::check_char(first.as_bytes());
    format!("{first}{c}")
}

async fn post(token: Option<&str>, app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    let mut r = Client::new().post(app.url(path)).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let s = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    crate::schema::check("POST", path, s.as_u16(), &v);
    (s, v)
}

/// A round of 海宁市 open for applications today, with one post; `(round, post)`.
async fn open_round(app: &TestApp) -> (String, String) {
    let (t, rv) = (app.token("haining").await, app.token("reviewer").await);
    let today = shegong_domain::time::date_in_china(chrono::Utc::now());
    let body = json!({"title": "测试招聘", "reference_date": (today + chrono::Duration::days(30)).to_string(),
                      "apply_from": today.to_string(), "apply_to": (today + chrono::Duration::days(10)).to_string()});
    let (s, r) = app.post_json(&t, "/api/v1/recruitment/rounds", body).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let round = r["id"].as_str().unwrap().to_string();
    let mut post = None;
    for c in shegong_store::regions::communities_under(&app.db.conn, "330481").await.unwrap() {
        if shegong_store::recruitment::rounds::room(&app.db, &c.code, today).await.unwrap().is_some_and(|n| n > 0) {
            let body =
                json!({"community": c.code, "title": "社区专职工作者", "places": 1, "majors": "社会工作、社会学"});
            let (s, p) = app.post_json(&t, &format!("/api/v1/recruitment/rounds/{round}/posts"), body).await;
            assert_eq!(s, StatusCode::CREATED, "{p}");
            post = Some(p["id"].as_str().unwrap().to_string());
            break;
        }
    }
    let (s, v) = app.post_json(&rv, &format!("/api/v1/recruitment/rounds/{round}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app.post_json(&t, &format!("/api/v1/recruitment/rounds/{round}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (round, post.expect("a community with room"))
}

async fn grounds(app: &TestApp) -> Vec<String> {
    let today = shegong_domain::time::date_in_china(chrono::Utc::now());
    shegong_store::recruitment::policy_for(&app.db, "330481", today).await.unwrap().barring_grounds.clone()
}

async fn sign_in(app: &TestApp, n: u32) -> String {
    let (s, v) =
        post(None, app, "/api/v1/applicants/session", json!({"id_number": id_number(n), "password": PASSWORD})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().unwrap().to_string()
}

async fn applicants_apply_and_reach_only_their_own(app: TestApp) {
    let (round, post_id) = open_round(&app).await;
    let register = |n: u32, name: &str| json!({"round": round, "name": name, "id_number": id_number(n), "phone": format!("1395730{:04}", n), "password": PASSWORD});
    let (s, v) =
        post(None, &app, "/api/v1/applicants", json!({"round": round, "id_number": "1", "password": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "id_number", "phone", "password"], "{v}");
    for (n, name) in [(1, "林小雨"), (2, "高志远")] {
        let (s, v) = post(None, &app, "/api/v1/applicants", register(n, name)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, v) = post(None, &app, "/api/v1/applicants", register(1, "林小雨")).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("applicant_exists")), "{v}");
    let (s, _) = post(
        None,
        &app,
        "/api/v1/applicants/session",
        json!({"id_number": id_number(1), "password": "wrong-password"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (a, b) = (sign_in(&app, 1).await, sign_in(&app, 2).await);
    let (s, me) = app.get_json(&a, "/api/v1/applicants/me").await;
    assert_eq!((s, me["name"].as_str()), (StatusCode::OK, Some("林小雨")), "{me}");

    // The application: every ground declared, the post's major; refused otherwise, nothing kept.
    let all = grounds(&app).await;
    let apply = |major: &str, declared: &[String]| {
        json!({"round": round, "post": post_id, "education": "本科", "school": "浙江工业大学", "major": major,
               "certificate": "intermediate", "work_history": "2019年起在某公司任行政专员", "declarations": declared})
    };
    let (s, v) = post(Some(&a), &app, "/api/v1/applications", apply("社会工作", &all[1..])).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("declarations")), "{v}");
    let (s, v) = post(Some(&a), &app, "/api/v1/applications", apply("汉语言文学", &all)).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_eligible")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("专业汉语言文学"), "{v}");
    let (_, mine) = app.get_json(&a, "/api/v1/applications").await;
    assert_eq!(mine["total"], 0, "a refused application is not kept");
    let (s, mine) = post(Some(&a), &app, "/api/v1/applications", apply("社会工作", &all)).await;
    assert_eq!(s, StatusCode::CREATED, "{mine}");
    assert_eq!(mine["status_label"], "待资格审查");
    assert_eq!(mine["bonus"], "5", "海宁: 中级 +5 {mine}");
    let id = mine["id"].as_str().unwrap().to_string();
    let (s, theirs) = post(Some(&b), &app, "/api/v1/applications", apply("社会学", &all)).await;
    assert_eq!(s, StatusCode::CREATED, "{theirs}");

    // Each reaches their own only; tokens of one kind open nothing of the other.
    let (s, _) = app.get_json(&b, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = app.get_json(&b, "/api/v1/applications").await;
    assert_eq!(list["total"], 1);
    let staff = app.token("haining").await;
    let (s, _) = app.get_json(&staff, "/api/v1/applications").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a staff token is no applicant's");
    for path in ["/api/v1/workers", &format!("/api/v1/recruitment/rounds/{round}/applications"), "/api/v1/me"] {
        let (s, _) = app.get_json(&a, path).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "an applicant's token on {path}");
    }

    // Scans: PDF, JPEG or PNG, to one's own application only.
    let upload = |token: &str, app_id: &str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("kind", "diploma")
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("毕业证.pdf"));
        Client::new()
            .post(app.url(&format!("/api/v1/applications/{app_id}/files")))
            .bearer_auth(token)
            .multipart(form)
            .send()
    };
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    assert_eq!(upload(&b, &id, pdf.clone()).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(
        upload(&a, &id, b"MZ\x90\x00not a pdf".to_vec()).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(upload(&a, &id, pdf).await.unwrap().status(), StatusCode::CREATED);
    // A scan of 3 MB is within its 10 MB (the API's body limit is the scan's, not 2 MB).
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(3 * 1024 * 1024, b' ');
    big.extend_from_slice(b"\n%%EOF\n");
    let r = upload(&a, &id, big).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let (_, files) = app.get_json(&a, &format!("/api/v1/applications/{id}/files")).await;
    assert_eq!(files["total"], 2);

    // The county reviews; nobody else of the county reads applicants' data; the reason reaches the applicant.
    let (s, list) = app.get_json(&staff, &format!("/api/v1/recruitment/rounds/{round}/applications")).await;
    assert_eq!((s, list["total"].as_u64()), (StatusCode::OK, Some(2)), "{list}");
    assert!(list["items"][0]["id_number"].as_str().unwrap().contains('*'), "masked in the list: {list}");
    let street = app.token("street").await;
    let (s, _) = app.get_json(&street, &format!("/api/v1/recruitment/rounds/{round}/applications")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = app.token("tongxiang").await;
    let (s, _) = app.get_json(&other, &format!("/api/v1/recruitment/rounds/{round}/applications")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let review = format!("/api/v1/recruitment/rounds/{round}/applications/{id}/review");
    let (s, v) = app.post_json(&staff, &review, json!({"qualified": false})).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")), "{v}");
    let (s, v) =
        app.post_json(&staff, &review, json!({"qualified": false, "reason": "学历证书扫描件不清晰，无法核实"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, seen) = app.get_json(&a, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(seen["status"], "refused");
    assert_eq!(seen["review_reason"], "学历证书扫描件不清晰，无法核实");
    let (s, v) = post(Some(&a), &app, "/api/v1/applications", apply("社会工作", &all)).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("application_reviewed")), "{v}");
    // Tickets wait for the applications to close.
    let (s, v) = app.post_json(&staff, &format!("/api/v1/recruitment/rounds/{round}/tickets"), json!({})).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::CONFLICT, Some("applications_open")), "{v}");
}
both_engines!(applicants_apply_and_reach_only_their_own);

async fn an_applicant_applies_through_the_pages(app: TestApp) {
    let (round, post_id) = open_round(&app).await;
    let c = browser();
    let job = text_of(&c, app.url(&format!("/jobs/{round}"))).await;
    assert!(job.contains("我要报名"), "{job}");
    let r = c.get(app.url(&format!("/jobs/{round}/apply"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let login = r.headers()["location"].to_str().unwrap().to_string();
    assert!(login.starts_with("/applicant/login?next="), "{login}");
    // The sign-in page sent from a round offers to register for it.
    let page = text_of(&c, app.url(&login)).await;
    assert!(page.contains(&format!("/applicant/register?round={round}")), "{page}");
    let form = text_of(&c, app.url(&format!("/applicant/register?round={round}"))).await;
    let csrf = csrf_of(&form);
    let id = id_number(7);
    let r = c
        .post(app.url("/applicant/register"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("round", round.as_str()),
            ("name", "方晓晴"),
            ("id_number", id.as_str()),
            ("phone", "13957300007"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/jobs/{round}/apply").as_str());
    let page = text_of(&c, app.url(&format!("/jobs/{round}/apply"))).await;
    assert!(page.contains("报名表") && page.contains("诚信承诺"), "{page}");
    let csrf = csrf_of(&page);
    let mut body = vec![
        ("_csrf".to_string(), csrf),
        ("post".into(), post_id.clone()),
        ("education".into(), "21".into()),
        ("school".into(), "嘉兴学院".into()),
        ("major".into(), "社会学".into()),
    ];
    // One ground left out: the form comes back, with what was typed.
    let all = grounds(&app).await;
    let partial: Vec<(String, String)> = all[1..].iter().map(|g| ("declared".to_string(), g.clone())).collect();
    let r =
        c.post(app.url(&format!("/jobs/{round}/apply"))).form(&[body.clone(), partial].concat()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let back = r.text().await.unwrap();
    assert!(back.contains("请逐项确认") && back.contains("嘉兴学院"), "{back}");
    body.extend(all.iter().map(|g| ("declared".to_string(), g.clone())));
    let r = c.post(app.url(&format!("/jobs/{round}/apply"))).form(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mine = r.headers()["location"].to_str().unwrap().to_string();
    assert!(mine.starts_with("/applicant/applications/"), "{mine}");
    let page = text_of(&c, app.url(&mine)).await;
    assert!(page.contains("待资格审查") && page.contains("报名表已提交"), "{page}");
    // Another applicant's browser does not open it; a staff session is not an applicant's.
    let other = browser();
    let r = other.get(app.url(&mine)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "not signed in: to the applicant's sign-in");
    let home = text_of(&c, app.url("/applicant")).await;
    assert!(home.contains("测试招聘") && home.contains("待资格审查"), "{home}");
}
both_engines!(an_applicant_applies_through_the_pages);

async fn the_demo_round_ended_with_its_hired_in_the_archive(app: TestApp) {
    let t = app.token("haining").await;
    let (_, rounds) = app.get_json(&t, "/api/v1/recruitment/rounds").await;
    let done = rounds["items"].as_array().unwrap().iter().find(|r| r["status"] == "closed").expect("a finished round");
    let id = done["id"].as_str().unwrap();
    let (s, st) = app.get_json(&t, &format!("/api/v1/recruitment/rounds/{id}/standings")).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    let rows: Vec<&Value> =
        st["items"].as_array().unwrap().iter().flat_map(|p| p["rows"].as_array().unwrap()).collect();
    let hired: Vec<&&Value> = rows.iter().filter(|r| r["hired"] == true).collect();
    assert!(!hired.is_empty(), "{st}");
    let (_, a) = app
        .get_json(&t, &format!("/api/v1/recruitment/rounds/{id}/applications/{}", hired[0]["id"].as_str().unwrap()))
        .await;
    let worker = a["worker_id"].as_str().expect("the hired arrive in the archive");
    let (s, w) = app.get_json(&t, &format!("/api/v1/workers/{worker}")).await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(w["name"], a["name"]);
    // A page number beyond any list is the last page's neighbour, not an overflow.
    for page in ["exams", "applications"] {
        let r = app.get(&t, &format!("/recruitment/{id}/{page}?page=18446744073709551615")).await;
        assert_eq!(r.status(), StatusCode::OK, "{page}");
    }
    // Its figures, and the year's: the seeds' sentence, the steps, the hired by education.
    let (s, f) = app.get_json(&t, &format!("/api/v1/recruitment/rounds/{id}/figures")).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["applicants"], 8, "{f}");
    assert_eq!(f["hired"].as_u64(), Some(hired.len() as u64), "{f}");
    assert!(f["sentence"].as_str().unwrap().contains("吸引8人报名"), "{f}");
    assert!(f["hired_by_education"].as_array().is_some_and(|v| !v.is_empty()), "{f}");
    let (_, y) = app.get_json(&t, "/api/v1/recruitment/figures?year=2026").await;
    assert_eq!(y["rounds"], 2, "{y}");
    let (s, _) = app.get_json(&t, "/api/v1/recruitment/figures?year=abc").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The publicity stays on the public page; a finished round takes no more steps.
    let page = text_of(&Client::new(), app.url(&format!("/jobs/{id}"))).await;
    assert!(page.contains("拟聘用人员公示") && page.contains("已聘用"), "{page}");
    assert!(!page.contains(a["phone"].as_str().unwrap()), "no phone on the public page");
    let (s, v) = app
        .post_json(
            &t,
            &format!("/api/v1/recruitment/rounds/{id}/applications/{}/hire", hired[0]["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    // The demo applicant signs in and finds their application waiting.
    let (s, v) = post(
        None,
        &app,
        "/api/v1/applicants/session",
        json!({"id_number": "330481199603150049", "password": "baoming-2026"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, mine) = app.get_json(v["token"].as_str().unwrap(), "/api/v1/applications").await;
    assert_eq!(mine["items"][0]["status"], "submitted", "{mine}");
}
both_engines!(the_demo_round_ended_with_its_hired_in_the_archive);
