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
    let (s, v) = app
        .post_json(&community, "/api/v1/events", json!({"region": home, "source": "window", "category": "other"}))
        .await;
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
    assert_eq!(s, StatusCode::FORBIDDEN, "an auditor reports nothing");

    for (body, field) in [
        (
            json!({"region": home, "source": "window", "category": "other", "description": "a\u{0}b\u{1b}[31m"}),
            "description",
        ),
        (json!({"region": home, "source": "public", "category": "other", "description": "x"}), "source"),
        (json!({"region": home, "source": "window", "description": "x"}), "category"),
    ] {
        let (s, v) = app.post_json(&community, "/api/v1/events", body).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{v}");
    }

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
    for (q, field) in [("from=-262143-01-01", "from"), ("to=262142-12-31", "to"), ("from=1900-01-01", "from")] {
        let (s, v) = app.get_json(&street, &format!("/api/v1/events?{q}")).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{q}: {v}");
    }
    let (_, l) = app.get_json(&app.token("tongxiang").await, "/api/v1/events").await;
    assert!(!ids(&l).contains(&id), "another county sees nothing of it");
    let (s, _) = app.get_json(&app.token("tongxiang").await, &format!("/api/v1/events/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both_engines!(an_event_is_reported_and_handled_over_http);

/// The `_csrf` of the first form on a page.
fn csrf(page: &str) -> String {
    crate::helpers::csrf_of(page)
}

async fn a_resident_reports_follows_and_rates_on_the_public_page(app: TestApp) {
    let community = app.token("community").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let home = me["region"].as_str().unwrap().to_string();
    let resident = crate::helpers::browser();
    let url = app.url(&format!("/p/{home}"));
    let page = crate::helpers::text_of(&resident, url.clone()).await;
    assert!(page.contains("反映问题") && page.contains("消防隐患"), "{page}");
    let token = csrf(&page);
    let post = |fields: Vec<(&'static str, String)>| {
        let resident = resident.clone();
        let url = url.clone();
        async move { resident.post(url).form(&fields).send().await.unwrap() }
    };
    // Refused in words, nothing stored.
    let r = post(vec![("_csrf", "forged".into()), ("category", "other".into()), ("description", "x".into())]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(vec![("_csrf", token.clone()), ("category", "".into()), ("description", "路灯坏了".into())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请选择事件分类"));
    let r = post(vec![("_csrf", token.clone()), ("category", "other".into()), ("description", "x".repeat(501))]).await;
    assert!(r.text().await.unwrap().contains("最多500字"));
    let r = post(vec![
        ("_csrf", token.clone()),
        ("category", "other".into()),
        ("description", "x".into()),
        ("grid", "330483001001001".into()),
    ])
    .await;
    assert!(r.text().await.unwrap().contains("请选择本社区的网格"));
    let (_, before) = app.get_json(&community, "/api/v1/events?source=public").await;
    assert_eq!(before["total"], 0, "{before}");

    let r = post(vec![
        ("_csrf", token.clone()),
        ("category", "facilities.lighting".into()),
        ("description", "3幢门口路灯不亮".into()),
        ("phone", "13700001234".into()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("/p/{home}/e/E")) && to.ends_with("?new=1"), "{to}");
    let number = to.split('/').nth(4).unwrap().split('?').next().unwrap().to_string();
    let progress = crate::helpers::text_of(&resident, app.url(&to)).await;
    assert!(progress.contains(&number) && progress.contains("已上报"), "{progress}");
    assert!(!progress.contains("13700001234") && !progress.contains("1234</"), "nothing personal on the page");
    let lookup = resident.get(app.url(&format!("/p/{home}/e?number={}", number.to_lowercase()))).send().await.unwrap();
    assert_eq!(lookup.headers()["location"].to_str().unwrap(), format!("/p/{home}/e/{number}"));
    let missing = resident.get(app.url(&format!("/p/{home}/e/E000000-000000-0000"))).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("没有找到编号"));
    assert_eq!(resident.get(app.url("/p/3304")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // The community sees it, the phone in full.
    let (_, l) = app.get_json(&community, "/api/v1/events?source=public").await;
    let e = &l["items"][0];
    assert_eq!(
        (e["number"].as_str(), e["reporter_phone"].as_str()),
        (Some(number.as_str()), Some("13700001234")),
        "{l}"
    );
    let id = e["id"].as_str().unwrap().to_string();

    // Rated only once closed, and only with the phone's last four digits.
    let rate = |tail: &'static str| {
        let resident = resident.clone();
        let url = app.url(&format!("/p/{home}/e/{number}/rate"));
        let token = token.clone();
        async move {
            resident
                .post(url)
                .form(&[("_csrf", token.as_str()), ("rating", "satisfied"), ("phone_tail", tail)])
                .send()
                .await
                .unwrap()
        }
    };
    let r = rate("1234").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("尚未办结"));
    for (i, (step, extra)) in [
        ("accept", json!({})),
        ("assign", json!({})),
        ("feedback", json!({"result": "已更换灯泡"})),
        ("verify", json!({})),
        ("close", json!({})),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = json!({"action": step, "version": i + 1});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let (s, v) = act(&app, &community, &id, body).await;
        assert_eq!(s, StatusCode::OK, "{step}: {v}");
    }
    let r = rate("1234").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, v) = app.get_json(&community, &format!("/api/v1/events/{id}")).await;
    assert_eq!((v["state"].as_str(), v["rating"].as_str()), (Some("rated"), Some("satisfied")), "{v}");
    // Wrong tails are counted: after five in the window the guessing ends.
    for i in 0..6 {
        let r = rate("9999").await;
        if i < 5 {
            assert!(r.text().await.unwrap().contains("后四位"), "try {i}");
        } else {
            assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "try {i}");
        }
    }

    // One phone may report three times in the window.
    for i in 0..3 {
        let r = post(vec![
            ("_csrf", token.clone()),
            ("category", "other".into()),
            ("description", format!("第{i}次")),
            ("phone", "137-0000-1234".into()),
        ])
        .await;
        let expected = if i < 2 { StatusCode::SEE_OTHER } else { StatusCode::TOO_MANY_REQUESTS };
        assert_eq!(r.status(), expected, "report {i}");
    }
}
both_engines!(a_resident_reports_follows_and_rates_on_the_public_page);

async fn the_figures_add_up_and_refuse_what_reads_wrong(app: TestApp) {
    let province = app.token("province").await;
    let community = app.token("community").await;
    let worker = app.token("worker").await;
    let today = chrono::Utc::now().date_naive();
    let year = format!("from={}&to={today}", today - chrono::Duration::days(365));
    let (s, p) = app.get_json(&province, &format!("/api/v1/events/stats?{year}")).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let sum =
        |v: &Value, key: &str| v["children"].as_array().unwrap().iter().map(|c| c[key].as_i64().unwrap()).sum::<i64>();
    assert!(p["total"]["reported"].as_i64().unwrap() > 1_000, "{}", p["total"]);
    for key in ["reported", "closed", "on_time", "rated", "overdue_now"] {
        assert_eq!(sum(&p, key), p["total"][key].as_i64().unwrap(), "{key}");
    }
    assert!(p["total"]["on_time_rate"].as_f64().is_some() && p["by_source"][0]["label"].is_string());
    // Down to the county: its streets add up too, and each reads the same on its own.
    let (s, c) = app.get_json(&province, &format!("/api/v1/events/stats?region=330481&{year}")).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(sum(&c, "reported"), c["total"]["reported"].as_i64().unwrap());
    let street = &c["children"][0];
    let (_, s1) = app
        .get_json(&province, &format!("/api/v1/events/stats?region={}&{year}", street["code"].as_str().unwrap()))
        .await;
    assert_eq!(s1["total"]["reported"], street["reported"]);
    // Every table as Excel.
    for part in ["children", "source", "category", "state", "people"] {
        let r = app.get(&province, &format!("/events/stats.xlsx?region=330481&{year}&part={part}")).await;
        assert_eq!(r.status(), StatusCode::OK, "{part}");
        assert_eq!(&r.bytes().await.unwrap()[..2], b"PK", "{part}");
    }

    // A community sees its own people; a worker sees no figures; nobody sees outside their region.
    let (s, m) = app.get_json(&community, &format!("/api/v1/events/stats?{year}")).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert!(m["children"].as_array().unwrap().is_empty() && m["people"].is_array());
    let (s, v) = app.get_json(&worker, "/api/v1/events/stats").await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{v}");
    let (s, _) = app.get_json(&community, "/api/v1/events/stats?region=3301").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for (q, field) in [
        ("from=2026-13-01", "from"),
        ("from=2026-11-02&to=2026-11-01", "to"),
        ("from=1899-01-01", "from"),
        ("region=abc", "region"),
    ] {
        let (s, v) = app.get_json(&province, &format!("/api/v1/events/stats?{q}")).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{q}: {v}");
    }
    let r = app.get(&province, "/events/stats.xlsx?part=bogus").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
both_engines!(the_figures_add_up_and_refuse_what_reads_wrong);

async fn a_refused_report_form_keeps_what_was_typed(app: TestApp) {
    use crate::helpers::{browser, browser_login, csrf_of};
    let client = browser();
    browser_login(&app, &client, "community", "shegong2026", "/events").await;
    let page = client.get(app.url("/events")).send().await.unwrap().text().await.unwrap();
    let community = app.token("community").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let home = me["region"].as_str().unwrap();
    let (_, before) = app.get_json(&community, "/api/v1/events").await;
    let r = client
        .post(app.url("/events"))
        .form(&[
            ("_csrf", csrf_of(&page).as_str()),
            ("region", home),
            ("category", "safety.fire"),
            ("source", "window"),
            ("address", "7幢东侧楼道"),
            ("reporter_name", "赵六"),
            ("reporter_phone", "12"),
            ("description", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer = r.text().await.unwrap();
    // Every reason at once, and nothing typed is lost.
    assert!(answer.contains("请填写事件描述") && answer.contains("电话"), "{answer}");
    assert!(answer.contains("7幢东侧楼道") && answer.contains("赵六"), "the typed values are gone");
    let (_, after) = app.get_json(&community, "/api/v1/events").await;
    assert_eq!(before["total"], after["total"]);
}
both_engines!(a_refused_report_form_keeps_what_was_typed);

/// A resident's report with photos: each photo checked before anything is kept, three at most, kept
/// without where they were taken and seen by the staff on the event.
async fn a_resident_reports_with_photos(app: TestApp) {
    use reqwest::multipart::{Form, Part};
    let community = app.token("community").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let home = me["region"].as_str().unwrap().to_string();
    let resident = crate::helpers::browser();
    let url = app.url(&format!("/p/{home}"));
    let page = crate::helpers::text_of(&resident, url.clone()).await;
    assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("name=\"photo\""), "{page}");
    let token = csrf(&page);
    let send = |photos: Vec<Vec<u8>>| {
        let (resident, url, token) = (resident.clone(), url.clone(), token.clone());
        async move {
            let mut form = Form::new()
                .text("_csrf", token)
                .text("category", "facilities.lighting")
                .text("description", "路灯倒了，见照片");
            for (i, p) in photos.into_iter().enumerate() {
                form = form.part("photo", Part::bytes(p).file_name(format!("现场{i}.jpg")));
            }
            resident.post(url).multipart(form).send().await.unwrap()
        }
    };
    let jpeg = crate::event_photos::jpeg();
    let mut other = jpeg.clone();
    other.insert(other.len() - 2, 0x42);
    let r = send(vec![jpeg.clone(), b"%PDF-1.4 not a photo".to_vec()]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("第2张照片"));
    let r = send(vec![jpeg.clone(); 4]).await;
    assert!(r.text().await.unwrap().contains("最多上传3张照片"));
    let (_, none) = app.get_json(&community, "/api/v1/events?source=public").await;
    assert_eq!(none["total"], 0, "a refused report keeps nothing: {none}");
    let r = send(vec![jpeg, other]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.get_json(&community, "/api/v1/events?source=public").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let (_, photos) = app.get_json(&community, &format!("/api/v1/events/{id}/photos")).await;
    let items = photos["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{photos}");
    let sha = items[0]["sha256"].as_str().unwrap();
    let kept = app.get(&community, &format!("/events/{id}/photos/{sha}")).await.bytes().await.unwrap();
    assert!(!kept.windows(3).any(|w| w == b"GPS"), "kept where it was taken");
}

both_engines!(a_resident_reports_with_photos);

/// Another system (a 12345 hotline) reports with its own token: its reports come from 外部系统 under
/// the token's name, whatever the request says.
async fn another_system_reports_under_its_own_name(app: TestApp) {
    let login = |label: serde_json::Value| {
        let url = app.url("/api/v1/auth/token");
        async move {
            let body = serde_json::json!({"username": "community", "password": shegong_store::demo::DEMO_PASSWORD,
                                          "name": "热线对接", "source_label": label});
            let r = reqwest::Client::new().post(url).json(&body).send().await.unwrap();
            let s = r.status();
            (s, r.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    let (s, v) = login(serde_json::json!("x".repeat(65))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("source_label")), "{v}");
    let (s, v) = login(serde_json::json!("12345热线")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let hotline = v["token"].as_str().unwrap().to_string();
    let (_, me) = app.get_json(&hotline, "/api/v1/me").await;
    let body = serde_json::json!({"region": me["region"], "category": "facilities.lighting", "source": "window",
                                  "source_label": "别的名字", "description": "来电反映路灯不亮"});
    let (s, e) = app.post_json(&hotline, "/api/v1/events", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!((e["source"].as_str(), e["source_label"].as_str()), (Some("external"), Some("12345热线")), "{e}");
    // The same person's ordinary token reports as they say.
    let own = app.token("community").await;
    let (s, e) = app.post_json(&own, "/api/v1/events", body).await;
    assert_eq!((s, e["source"].as_str()), (StatusCode::CREATED, Some("window")), "{e}");
}

both_engines!(another_system_reports_under_its_own_name);
