//! Pickers: a person or a region found as the worker list finds people (a fragment, 拼音, initials),
//! a person offered as "姓名（尾号1234）" beside their community and read back to that one person by
//! the forms that take a person; nothing outside the caller's region offered.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, fresh_id, new_worker, text_of};
use reqwest::StatusCode;
use serde_json::{Value, json};
use shegong_store::demo::DEMO_PASSWORD;

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().unwrap()
}

async fn people_are_offered_and_read_back(app: TestApp) {
    let hn = app.token("haining").await;
    // Two people of one name in the county.
    let mut ids = Vec::new();
    for i in 0..2 {
        let mut body = new_worker("330481001001", &fresh_id(90 + i));
        body["name"] = json!("钱佳明");
        let (s, w) = app.post_json(&hn, "/api/v1/workers", body).await;
        assert_eq!(s, StatusCode::CREATED, "{w}");
        ids.push(w["id"].as_str().unwrap().to_string());
    }
    let ours = |v: &Value| -> Vec<Value> {
        items(v).iter().filter(|c| ids.iter().any(|id| c["id"] == id.as_str())).cloned().collect()
    };
    for typed in ["qjm", "qianjiaming", "佳明", "钱佳明"] {
        let (s, v) = app.get_json(&hn, &format!("/api/v1/workers/suggest?q={}", urlencode(typed))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(ours(&v).len(), 2, "{typed}: {v}");
    }
    let (_, v) = app.get_json(&hn, "/api/v1/workers/suggest?q=qjm").await;
    let offered = ours(&v);
    let values: Vec<&str> = offered.iter().map(|c| c["value"].as_str().unwrap()).collect();
    assert_ne!(values[0], values[1], "two people of one name are told apart: {v}");
    for c in &offered {
        let value = c["value"].as_str().unwrap();
        assert!(value.starts_with("钱佳明（尾号") && value.ends_with('）'), "{c}");
        let label = c["label"].as_str().unwrap();
        assert!(label.contains("社区") && !label.chars().any(|ch| ch.is_ascii_digit()), "names, never codes: {c}");
    }
    // Digits find nobody here, as any input method types them (a search by number is the list's,
    // and audited there); nor does one Latin letter.
    let (_, me) = app.get_json(&hn, &format!("/api/v1/workers/{}?full_id=true", ids[0])).await;
    let number = me["id_number_full"].as_str().unwrap().to_string();
    let wide: String = number.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
    for typed in ["330481", number.as_str(), wide.as_str(), "q"] {
        let (_, v) = app.get_json(&hn, &format!("/api/v1/workers/suggest?q={}", urlencode(typed))).await;
        assert_eq!(v["total"], 0, "{typed}: {v}");
    }
    // Nobody outside the caller's region is offered.
    let tongxiang = app.token("tongxiang").await;
    let (_, v) = app.get_json(&tongxiang, "/api/v1/workers/suggest?q=qjm").await;
    assert!(ours(&v).is_empty(), "{v}");
    let worker = app.token("worker").await;
    let (_, v) = app.get_json(&worker, "/api/v1/workers/suggest?q=qjm").await;
    assert!(ours(&v).is_empty(), "{v}");

    // A course's roster takes the picked text and adds that one person; the bare name is ambiguous.
    let course = app.new_course("选择框培训").await;
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/trainings/{course}"))).await;
    assert!(page.contains("data-person-picker"), "the roster's person box is a picker");
    let csrf = csrf_of(&page);
    let add = |who: String| {
        let b = b.clone();
        let (csrf, url) = (csrf.clone(), app.url(&format!("/trainings/{course}/people")));
        async move {
            let r = b.post(url).form(&[("_csrf", csrf.as_str()), ("who", who.as_str()), ("outcome", "passed")]);
            let r = r.send().await.unwrap();
            r.headers()["location"].to_str().unwrap().to_string()
        }
    };
    let back = add("钱佳明".into()).await;
    assert!(text_of(&b, app.url(&back)).await.contains("请从输入提示中选择"), "the bare name picked someone");
    let picked = offered.iter().find(|c| c["id"] == ids[1].as_str()).unwrap();
    add(picked["value"].as_str().unwrap().to_string()).await;
    let page = text_of(&b, app.url(&format!("/trainings/{course}"))).await;
    assert!(page.contains(&format!("/workers/{}?tab=training", ids[1])), "the picked person is on the roster");
    assert!(!page.contains(&format!("/workers/{}?tab=training", ids[0])), "the other is not");
    // Typed with ASCII brackets and a lower-case x, the picked text reads the same; someone on the
    // roster already is not added twice, and the clerk is told their result changed.
    let ascii = picked["value"].as_str().unwrap().replace('（', "(").replace('）', ")").to_lowercase();
    let back = add(ascii).await;
    assert!(text_of(&b, app.url(&back)).await.contains("钱佳明已在名单中"), "ASCII brackets");
    // A tail that is not theirs picks nobody.
    let back = add("钱佳明（尾号0000）".into()).await;
    assert!(text_of(&b, app.url(&back)).await.contains("没有在岗人员"), "a wrong tail picked someone");
}
both_engines!(people_are_offered_and_read_back);

/// A payroll adjustment takes the picked text too.
async fn an_adjustment_takes_a_picked_person(app: TestApp) {
    let t = app.token("haining").await;
    let (_, runs) = app.get_json(&t, "/api/v1/payroll/runs").await;
    let run = items(&runs).iter().find(|r| r["status"] == "locked").unwrap()["id"].as_str().unwrap().to_string();
    let (_, sheet) = app.get_json(&t, &format!("/api/v1/payroll/runs/{run}?per_page=5")).await;
    let slip = &sheet["payslips"][0];
    let (_, v) =
        app.get_json(&t, &format!("/api/v1/workers/suggest?q={}", urlencode(slip["name"].as_str().unwrap()))).await;
    let choice = items(&v).iter().find(|c| c["id"] == slip["worker_id"]).unwrap_or_else(|| panic!("{v}"));
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/payroll/{run}"))).await;
    assert!(page.contains("data-person-picker"), "the adjustment's person box is a picker");
    let csrf = csrf_of(&page);
    let r = b
        .post(app.url(&format!("/payroll/{run}/adjust")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("worker", choice["value"].as_str().unwrap()),
            ("amount_yuan", "3.00"),
            ("reason", "补发"),
        ])
        .send()
        .await
        .unwrap();
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(text_of(&b, app.url(&back)).await.contains("已添加调整项 3.00 元"));
}
both_engines!(an_adjustment_takes_a_picked_person);

/// Regions by 拼音 or initials, read as places are read; only inside the caller's region.
async fn regions_are_found_by_pinyin(app: TestApp) {
    let hn = app.token("haining").await;
    let (_, streets) = app.get_json(&hn, "/api/v1/regions/suggest?q=街道").await;
    let street = items(&streets)[0]["label"].as_str().unwrap().rsplit(' ').next().unwrap().to_string();
    let initials: String =
        shegong_domain::search::syllables(&street).iter().filter_map(|s| s.chars().next()).collect::<String>();
    let (s, v) = app.get_json(&hn, &format!("/api/v1/regions/suggest?q={initials}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(items(&v)[0]["label"].as_str().unwrap().ends_with(&street), "{initials} → {street}: {v}");
    // 海宁市 is the caller's own region, offered by its 拼音 too; 桐乡市 never.
    let (_, v) = app.get_json(&hn, "/api/v1/regions/suggest?q=haining").await;
    assert!(items(&v).iter().any(|r| r["code"] == "330481"), "{v}");
    let (_, v) = app.get_json(&hn, "/api/v1/regions/suggest?q=tongxiang").await;
    assert!(items(&v).iter().all(|r| r["code"].as_str().unwrap().starts_with("330481")), "{v}");
}
both_engines!(regions_are_found_by_pinyin);

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}
