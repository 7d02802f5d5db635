//! A street's score grid: the whole round saved at once, a bad value named by row and person with
//! nothing saved, the people still without scores, and an Excel file of scores.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, flash_kind, text_of};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use shegong_store::demo::DEMO_PASSWORD;

async fn new_round(app: &TestApp, token: &str) -> (String, Vec<Value>) {
    let (_, me) = app.get_json(token, "/api/v1/me").await;
    let street = me["region"].as_str().unwrap().to_string();
    let (s, round) = app.post_json(token, "/api/v1/assessment-rounds", json!({"region": street, "year": 2021})).await;
    assert_eq!(s, StatusCode::CREATED, "{round}");
    let id = round["id"].as_str().unwrap().to_string();
    let (_, v) = app.get_json(token, &format!("/api/v1/assessment-rounds/{id}")).await;
    (id, v["entries"].as_array().unwrap().clone())
}

fn all_scores(entries: &[Value], bad: Option<(usize, &str)>) -> Vec<(String, String)> {
    let mut form = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let w = e["worker_id"].as_str().unwrap();
        form.push((format!("{w}.organisation"), (80 + i % 20).to_string()));
        let residents = match bad {
            Some((row, v)) if row == i => v.to_string(),
            _ => "90".to_string(),
        };
        form.push((format!("{w}.residents"), residents));
        form.push((format!("{w}.routine"), "85".into()));
    }
    form
}

async fn scored(app: &TestApp, token: &str, id: &str) -> usize {
    let (_, v) = app.get_json(token, &format!("/api/v1/assessment-rounds/{id}")).await;
    v["entries"].as_array().unwrap().iter().filter(|e| !e["residents_score"].is_null()).count()
}

async fn the_whole_grid_is_saved_at_once_or_not_at_all(app: TestApp) {
    let token = app.token("street").await;
    let (id, entries) = new_round(&app, &token).await;
    assert!(entries.len() > 21, "a street round has more than 21 people: {}", entries.len());
    let b = browser();
    browser_login(&app, &b, "street", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/assessments/{id}"))).await;
    assert!(page.contains("保存全部") && page.contains(r#"form="grid""#), "the grid");
    assert!(page.contains(&format!("尚缺评分（{}人）", entries.len())), "who lacks scores");
    let csrf = csrf_of(&page);
    // A bad value in row 21: named by row, person and column; the grid comes back as typed.
    let mut form = all_scores(&entries, Some((20, "九十")));
    form.push(("_csrf".into(), csrf.clone()));
    let r = b.post(app.url(&format!("/assessments/{id}/scores"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let name = entries[20]["name"].as_str().unwrap();
    assert!(
        html.contains(&format!("第21行{name}的群众评议应为0至100之间的整数，“九十”不是")),
        "{}",
        &html[html.find("errors").unwrap_or(0)..][..400.min(html.len())]
    );
    assert!(html.contains(r#"value="九十""#), "the typed value is kept");
    assert!(html.contains("wrong"), "the bad cell is marked");
    assert_eq!(scored(&app, &token, &id).await, 0, "nothing saved");
    // All good: every score saved in one post.
    let mut form = all_scores(&entries, None);
    form.push(("_csrf".into(), csrf));
    let r = b.post(app.url(&format!("/assessments/{id}/scores"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(scored(&app, &token, &id).await, entries.len());
    let page = text_of(&b, app.url(&format!("/assessments/{id}"))).await;
    assert!(!page.contains("尚缺评分（"), "nobody lacks a score");
    // Every row has a cell under every heading, a proposal or not (the columns stay aligned).
    let list = &page[page.find("<h2>名单</h2>").unwrap()..];
    let list = &list[..list.find("</table>").unwrap()];
    let heads = list.matches("<th").count() - list.matches("<thead").count();
    for row in list.split("<tr").skip(2) {
        assert_eq!(row.matches("<td").count(), heads, "a row out of line: {row}");
    }
    // Graded (after the reasons for routine scores other than 事务办理's proposals), then taken back
    // to scoring to correct a score: the grid is back, the grades cleared.
    let (_, round) = app.get_json(&token, &format!("/api/v1/assessment-rounds/{id}")).await;
    for e in round["entries"].as_array().unwrap() {
        if !e["proposal"].is_null() && e["routine_score"] != e["proposal"]["score"] {
            let reason = json!({"worker_id": e["worker_id"], "reason": "平时表现另行考核"});
            let (s, _) = app.post_json(&token, &format!("/api/v1/assessment-rounds/{id}/routine/reason"), reason).await;
            assert_eq!(s, StatusCode::NO_CONTENT);
        }
    }
    let (s, v) = app.post_json(&token, &format!("/api/v1/assessment-rounds/{id}/score"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let page = text_of(&b, app.url(&format!("/assessments/{id}"))).await;
    assert!(page.contains("退回评分（修改分数）") && !page.contains("保存全部"));
    let r =
        b.post(app.url(&format!("/assessments/{id}/reopen"))).form(&[("_csrf", csrf_of(&page))]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = text_of(&b, app.url(&format!("/assessments/{id}"))).await;
    assert!(page.contains("保存全部"), "scores can be changed again");
    let (_, v) = app.get_json(&token, &format!("/api/v1/assessment-rounds/{id}")).await;
    assert_eq!(v["status"], "draft");
    assert!(v["entries"].as_array().unwrap().iter().all(|e| e["grade"].is_null()));
}
both_engines!(the_whole_grid_is_saved_at_once_or_not_at_all);

fn scores_file(rows: &[(String, String)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["姓名", "组织评价", "群众评议", "平时考核"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (name, residents)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, name).unwrap();
        ws.write_number(r, 1, 88.0).unwrap();
        match residents.parse::<f64>() {
            Ok(v) => ws.write_number(r, 2, v).unwrap(),
            Err(_) => ws.write_string(r, 2, residents).unwrap(),
        };
        ws.write_number(r, 3, 80.0).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

async fn scores_come_in_from_an_excel_file(app: TestApp) {
    let token = app.token("street").await;
    let (id, entries) = new_round(&app, &token).await;
    // Names that appear once in the round (the file matches by name).
    let unique: Vec<String> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .filter(|n| entries.iter().filter(|e| e["name"] == n.as_str()).count() == 1)
        .take(5)
        .collect();
    let b = browser();
    browser_login(&app, &b, "street", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/assessments/{id}"))).await;
    let csrf = csrf_of(&page);
    let upload = |bytes: Vec<u8>| {
        Form::new().text("_csrf", csrf.clone()).part("file", Part::bytes(bytes).file_name("评分.xlsx"))
    };
    // One bad value and one stranger: both named, nothing imported.
    let mut rows: Vec<(String, String)> = unique.iter().map(|n| (n.clone(), "91".into())).collect();
    rows[2].1 = "120".into();
    rows.push(("查无此人".into(), "90".into()));
    let r = b
        .post(app.url(&format!("/assessments/{id}/scores/import")))
        .multipart(upload(scores_file(&rows)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = text_of(&b, app.url(r.headers()["location"].to_str().unwrap())).await;
    assert!(back.contains(&format!("第4行{}的群众评议应为0至100之间的整数", unique[2])), "{back}");
    assert!(back.contains("第7行查无此人不在本次考核名单中"), "{back}");
    assert_eq!(scored(&app, &token, &id).await, 0);
    // A good file.
    let rows: Vec<(String, String)> = unique.iter().map(|n| (n.clone(), "91".into())).collect();
    let r = b
        .post(app.url(&format!("/assessments/{id}/scores/import")))
        .multipart(upload(scores_file(&rows)))
        .send()
        .await
        .unwrap();
    let back = text_of(&b, app.url(r.headers()["location"].to_str().unwrap())).await;
    assert!(back.contains(&format!("导入{}人的评分", unique.len())), "{back}");
    assert_eq!(scored(&app, &token, &id).await, unique.len());
}
both_engines!(scores_come_in_from_an_excel_file);

async fn clerk(app: &TestApp, id: &str, user: &str) -> (reqwest::Client, String) {
    let b = browser();
    browser_login(app, &b, user, DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/assessments/{id}"))).await;
    let csrf = csrf_of(&page);
    (b, csrf)
}

async fn a_stale_grid_does_not_undo_another_clerks_save(app: TestApp) {
    let token = app.token("street").await;
    let (id, entries) = new_round(&app, &token).await;
    let (a, bw) =
        (entries[0]["worker_id"].as_str().unwrap().to_string(), entries[1]["worker_id"].as_str().unwrap().to_string());
    // Both open the grid while it is empty.
    let (one, csrf1) = clerk(&app, &id, "street").await;
    let (two, csrf2) = clerk(&app, &id, "street2").await;
    let post = |b: &reqwest::Client, form: Vec<(String, String)>| {
        b.post(app.url(&format!("/assessments/{id}/scores"))).form(&form).send()
    };
    let mut f1 = vec![("_csrf".to_string(), csrf1)];
    f1.push((format!("{a}.organisation"), "88".into()));
    f1.push((format!("o.{a}.organisation"), String::new()));
    assert_eq!(post(&one, f1).await.unwrap().status(), StatusCode::SEE_OTHER);
    // The second, from the page opened before, changes only B; A's cell is sent as it was shown.
    let mut f2 = vec![("_csrf".to_string(), csrf2.clone())];
    f2.push((format!("{a}.organisation"), String::new()));
    f2.push((format!("o.{a}.organisation"), String::new()));
    f2.push((format!("{bw}.residents"), "77".into()));
    f2.push((format!("o.{bw}.residents"), String::new()));
    assert_eq!(post(&two, f2).await.unwrap().status(), StatusCode::SEE_OTHER);
    let (_, v) = app.get_json(&token, &format!("/api/v1/assessment-rounds/{id}")).await;
    let score =
        |w: &str, k: &str| v["entries"].as_array().unwrap().iter().find(|e| e["worker_id"] == w).unwrap()[k].clone();
    assert_eq!(score(&a, "organisation_score"), 88, "the first clerk's save stands");
    assert_eq!(score(&bw, "residents_score"), 77);
    // Changing a cell someone else changed since the page was opened is refused, naming both values.
    let mut f3 = vec![("_csrf".to_string(), csrf2)];
    f3.push((format!("{a}.organisation"), "70".into()));
    f3.push((format!("o.{a}.organisation"), String::new()));
    let r = post(&two, f3).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("已被他人改为“88”"));
    // Two clerks saving the same cell at the same moment from pages opened together: one value
    // stands and the other clerk is told; never two "saved" with one of them lost.
    let current = |v: &Value| {
        v["entries"].as_array().unwrap().iter().find(|e| e["worker_id"] == a.as_str()).unwrap()["organisation_score"]
            .clone()
    };
    for round in 0..4 {
        let (_, v) = app.get_json(&token, &format!("/api/v1/assessment-rounds/{id}")).await;
        let shown = current(&v).to_string();
        let (one, c1) = clerk(&app, &id, "street").await;
        let (two, c2) = clerk(&app, &id, "street2").await;
        let form = |csrf: String, v: i32| {
            vec![
                ("_csrf".to_string(), csrf),
                (format!("{a}.organisation"), v.to_string()),
                (format!("o.{a}.organisation"), shown.clone()),
            ]
        };
        let (r1, r2) = tokio::join!(post(&one, form(c1, 60 + round)), post(&two, form(c2, 90 + round)));
        let (r1, r2) = (r1.unwrap(), r2.unwrap());
        let saved =
            |r: &reqwest::Response| r.status() == StatusCode::SEE_OTHER && flash_kind(r).as_deref() == Some("notice");
        assert!(saved(&r1) != saved(&r2), "exactly one save stands (round {round})");
        let (_, v) = app.get_json(&token, &format!("/api/v1/assessment-rounds/{id}")).await;
        assert_eq!(
            current(&v),
            if saved(&r1) { 60 + round } else { 90 + round },
            "the value of the save that was reported"
        );
    }
}
both_engines!(a_stale_grid_does_not_undo_another_clerks_save);
