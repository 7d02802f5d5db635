//! The 待办 inbox: counts on the home page that link to full lists by name and region, a
//! correction refused with a reason the worker reads, and figures that count one's own save at once.

use crate::both_engines;
use crate::helpers::{TestApp, fresh_id, new_worker};
use reqwest::StatusCode;
use serde_json::json;

/// The number shown on the home page's 待办 line `label`.
fn todo_count(home: &str, label: &str) -> u64 {
    let at = home.find(&format!("<span>{label}</span><b>")).unwrap_or_else(|| panic!("{label} missing"));
    let rest = &home[at + label.len() + 16..];
    rest[..rest.find("</b>").unwrap()].replace(',', "").parse().unwrap()
}

async fn corrections_wait_in_the_inbox_until_answered(app: TestApp) {
    let worker = app.token("worker").await;
    let haining = app.token("haining").await;
    let (_, me) = app.get_json(&worker, "/api/v1/me").await;
    let me = me["worker_id"].as_str().unwrap().to_string();
    let home = app.get(&haining, "/").await.text().await.unwrap();
    let before = todo_count(&home, "待处理的更正申请");
    let (s, c) = app
        .post_json(
            &worker,
            &format!("/api/v1/workers/{me}/corrections"),
            json!({"field": "学历", "message": "应为大学本科毕业"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_str().unwrap().to_string();
    let home = app.get(&haining, "/").await.text().await.unwrap();
    assert_eq!(todo_count(&home, "待处理的更正申请"), before + 1);
    assert!(home.contains(r#"href="/corrections""#));
    // The list names the person and the county, street and community; no codes or ids shown.
    let (_, w) = app.get_json(&haining, &format!("/api/v1/workers/{me}")).await;
    let list = app.get(&haining, "/corrections").await.text().await.unwrap();
    assert!(list.contains(w["name"].as_str().unwrap()), "the worker's name");
    assert!(list.contains("应为大学本科毕业"));
    assert!(list.contains("海宁市"), "the county by name");
    assert!(list.contains("不予更正"));
    // A refusal needs its reason.
    let (s, v) = app
        .post_json(&haining, &format!("/api/v1/workers/{me}/corrections/{cid}/reject"), json!({"reason": "  "}))
        .await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")), "{v}");
    let (s, v) = app
        .post_json(
            &haining,
            &format!("/api/v1/workers/{me}/corrections/{cid}/reject"),
            json!({"reason": "毕业证书显示为大学专科"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("rejected")), "{v}");
    assert_eq!(v["reply"], "毕业证书显示为大学专科");
    // Answered once only.
    let (s, _) = app.post_json(&haining, &format!("/api/v1/workers/{me}/corrections/{cid}/resolve"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The worker reads the answer on their own archive.
    let page = app.get(&worker, &format!("/workers/{me}")).await.text().await.unwrap();
    assert!(page.contains("不予更正（"), "the outcome");
    assert!(page.contains("毕业证书显示为大学专科"), "the reason");
    assert!(page.contains("县级民政局管理员（haining）"), "who answered, by name");
    let home = app.get(&haining, "/").await.text().await.unwrap();
    assert_eq!(todo_count(&home, "待处理的更正申请"), before);
    // A community head's menu has no 薪酬 (their community's pay is run above them).
    let head = app.token("community").await;
    let home = app.get(&head, "/").await.text().await.unwrap();
    assert!(!home.contains(r#"href="/payroll""#));
    assert!(haining_home_has_pay(&app, &haining).await);
    // A worker makes no API tokens (they are for staff connecting systems, under 系统).
    {
        use crate::helpers::{browser, browser_login, csrf_of, text_of};
        let b = browser();
        browser_login(&app, &b, "worker", shegong_store::demo::DEMO_PASSWORD, "/").await;
        let csrf = csrf_of(&text_of(&b, app.url("/account")).await);
        let r = b
            .post(app.url("/account/tokens"))
            .form(&[("_csrf", csrf.as_str()), ("name", "脚本")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    // Workers have no inbox lists.
    assert_eq!(app.get(&worker, "/corrections").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&worker, "/alerts").await.status(), StatusCode::FORBIDDEN);
}
both_engines!(corrections_wait_in_the_inbox_until_answered);

async fn every_alert_count_links_to_its_full_list(app: TestApp) {
    let province = app.token("province").await;
    let home = app.get(&province, "/").await.text().await.unwrap();
    // The first kind the demo has some of.
    let (kind, n) = [
        ("agreement_expiring", "服务协议即将到期"),
        ("exit_flag", "符合退出情形"),
        ("certificate_goal", "持证社工不足的社区"),
    ]
    .into_iter()
    .map(|(k, l)| (k, todo_count(&home, l)))
    .find(|(_, n)| *n > 0)
    .expect("the demo has alerts");
    assert!(home.contains(&format!(r#"href="/alerts?kind={kind}""#)));
    let list = app.get(&province, &format!("/alerts?kind={kind}&per_page=20")).await.text().await.unwrap();
    assert!(list.contains(&format!("共{n}项")), "the whole count, not the page's");
    for col in ["县（市、区）", "街道（乡镇）", "社区"] {
        assert!(list.contains(col), "{col}");
    }
    assert!(list.contains("嘉兴市") || list.contains("海宁市") || list.contains("区"));
    // The export has every row, with a header.
    let x = app.get(&province, &format!("/alerts?kind={kind}&format=xlsx")).await;
    assert_eq!(x.status(), StatusCode::OK);
    let bytes = x.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.rows().count() as u64, n + 1);
    // A filter value that is not understood is an error, not ignored.
    let r = app.get(&province, "/alerts?kind=bogus").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("没有这类提醒"));
    // Another province's region: not found.
    let haining = app.token("haining").await;
    assert_eq!(app.get(&haining, "/alerts?region=3302").await.status(), StatusCode::NOT_FOUND);
    // The corrections list exports; a region with a line break in it is never put in a header.
    let r = app.get(&province, "/corrections?format=xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/alerts?kind=training_overdue&region=3304%0D%0Ax"))
        .bearer_auth(&province)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/alerts?kind=training_overdue&region=3304%0A&format=xlsx"))
        .bearer_auth(&province)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/training/overdue?format=xlsx&region=3304");
    // Training overdue has its own list.
    let r = app.get(&province, "/training/overdue").await;
    assert_eq!(r.status(), StatusCode::OK);
}
both_engines!(every_alert_count_links_to_its_full_list);

async fn ones_own_save_shows_at_once_on_the_kept_figures(app: TestApp) {
    let haining = app.token("haining").await;
    let (_, me) = app.get_json(&haining, "/api/v1/me").await;
    let county = me["region"].as_str().unwrap().to_string();
    let (_, communities) = app.get_json(&haining, &format!("/api/v1/regions/{county}")).await;
    let street = communities["children"][0]["code"].as_str().unwrap().to_string();
    let (_, street) = app.get_json(&haining, &format!("/api/v1/regions/{street}")).await;
    let community = street["children"][0]["code"].as_str().unwrap().to_string();
    let count = |html: String| -> u64 {
        let at = html.find("在岗社区工作者</div><div class=\"value\">").unwrap();
        let rest = &html[at + "在岗社区工作者</div><div class=\"value\">".len()..];
        rest[..rest.find('<').unwrap()].replace(',', "").parse().unwrap()
    };
    let before = count(app.get(&haining, "/").await.text().await.unwrap());
    // Saved through another credential of the same user (a second token, as a browser session and
    // a script would be): the user's next page counts it, whichever credential reads it.
    let other_token = app.token("haining").await;
    let (s, v) = app.post_json(&other_token, "/api/v1/workers", new_worker(&community, &fresh_id(7))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let after = count(app.get(&haining, "/").await.text().await.unwrap());
    assert_eq!(after, before + 1, "the clerk who saved sees the new count on the next page");
}
both_engines!(ones_own_save_shows_at_once_on_the_kept_figures);

async fn a_correction_follows_its_worker_to_a_new_county(app: TestApp) {
    let haining = app.token("haining").await;
    let tongxiang = app.token("tongxiang").await;
    let id_number = fresh_id(8);
    let (s, w) = app.post_json(&haining, "/api/v1/workers", new_worker("330481001001", &id_number)).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let id = w["id"].as_str().unwrap().to_string();
    let (s, c) = app
        .post_json(
            &haining,
            &format!("/api/v1/workers/{id}/corrections"),
            json!({"field": "住址", "message": "已搬家"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_str().unwrap().to_string();
    // Hidden characters in a reason are refused, as in every free text.
    let (s, v) = app
        .post_json(
            &haining,
            &format!("/api/v1/workers/{id}/corrections/{cid}/reject"),
            json!({"reason": "a\u{0}b\u{202e}c"}),
        )
        .await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")), "{v}");
    // The person leaves 海宁 and 桐乡 takes the archive over.
    let (s, v) = app
        .post_json(
            &haining,
            &format!("/api/v1/workers/{id}/exit"),
            json!({"exited_on": "2026-06-30", "reason": "个人辞职"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut moved = new_worker("330483001001", &id_number);
    moved["start_date"] = json!("2026-07-01");
    let (s, v) = app.post_json(&tongxiang, "/api/v1/workers", moved).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // The request went with the archive: 海宁 neither lists nor answers it; 桐乡 does.
    let list = app.get(&haining, "/corrections").await.text().await.unwrap();
    assert!(!list.contains("已搬家"));
    let (s, _) = app
        .post_json(&haining, &format!("/api/v1/workers/{id}/corrections/{cid}/reject"), json!({"reason": "不在本辖区"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let list = app.get(&tongxiang, "/corrections").await.text().await.unwrap();
    assert!(list.contains("已搬家"));
    let (s, v) = app.post_json(&tongxiang, &format!("/api/v1/workers/{id}/corrections/{cid}/resolve"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
both_engines!(a_correction_follows_its_worker_to_a_new_county);

async fn haining_home_has_pay(app: &TestApp, token: &str) -> bool {
    app.get(token, "/").await.text().await.unwrap().contains(r#"href="/payroll""#)
}
