//! The auditor's question: who viewed this person's full ID number last week? The log is filtered
//! by person, action, user, dates and region, shows the person by name and masked ID number, and
//! exports what it shows; a filter it does not understand is said, not ignored.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;

async fn the_auditor_finds_who_viewed_an_id_number(app: TestApp) {
    let haining = app.token("haining").await;
    let auditor = app.token("auditor").await;
    let (_, list) = app.get_json(&haining, "/api/v1/workers?per_page=2").await;
    let viewed = &list["items"][0];
    let (id, name) = (viewed["id"].as_str().unwrap(), viewed["name"].as_str().unwrap());
    let other = list["items"][1]["id"].as_str().unwrap();
    // 海宁 views two people's full ID numbers (admins see them; each view is logged).
    for w in [id, other] {
        let (s, _) = app.get_json(&haining, &format!("/api/v1/workers/{w}?full_id=true")).await;
        assert_eq!(s, StatusCode::OK);
    }
    let (_, full) = app.get_json(&auditor, &format!("/api/v1/workers/{id}?full_id=true")).await;
    let id_number = full["id_number_full"].as_str().unwrap().to_string();
    // The day in China, as the pages read dates (after 16:00 UTC it is already tomorrow there).
    let today = shegong_domain::time::date_in_china(chrono::Utc::now());
    let week_ago = today - chrono::Duration::days(7);
    let q = format!("/audit?person={id_number}&action=worker.view_id_number&from={week_ago}&to={today}");
    let page = app.get(&auditor, &q).await.text().await.unwrap();
    assert!(page.contains("查看完整身份证号码"));
    assert!(page.contains(&format!("{name}（")), "the person by name");
    let table = &page[page.find("<table").unwrap()..];
    assert!(!table.contains(&id_number), "the ID number masked in the log");
    assert!(page.contains("<td>haining</td>"), "who viewed it");
    let other_name = list["items"][1]["name"].as_str().unwrap();
    if other_name != name {
        assert!(!page.contains(&format!("{other_name}（")), "only that person's entries");
    }
    // By user: the auditor's own view is there under their name, not under 海宁's filter.
    let mine = app.get(&auditor, &format!("{q}&user=haining")).await.text().await.unwrap();
    assert!(!mine.contains("<td>auditor</td>"));
    // The export has the same rows.
    let r = app.get(&auditor, &format!("/audit.xlsx?person={id_number}&action=worker.view_id_number")).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Filters not understood are said.
    for (bad, says) in [
        ("from=2026-13-01", "起始日期应为2000年至2100年之间的日期"),
        ("from=-262143-01-01", "起始日期应为2000年至2100年之间的日期"),
        ("to=262142-12-31", "截止日期应为2000年至2100年之间的日期"),
        ("from=2026-11-20&to=2026-11-01", "起始日期不能晚于截止日期"),
        ("action=worker.fly", "没有“worker.fly”这种操作"),
        ("region=不存在的地方", "没有名为“不存在的地方”的区划"),
    ] {
        let page = app.get(&auditor, &format!("/audit?{bad}")).await.text().await.unwrap();
        assert!(page.contains(says), "{bad}");
    }
    // Nobody found by that name: nothing listed (not the whole log).
    let page = app.get(&auditor, "/audit?person=查无此人").await.text().await.unwrap();
    assert!(page.contains("没有符合条件的记录"));
}
both_engines!(the_auditor_finds_who_viewed_an_id_number);

async fn months_and_rounds_are_named_in_the_log(app: TestApp) {
    let hn = app.token("haining").await;
    let (s, run) =
        app.post_json(&hn, "/api/v1/payroll/runs", serde_json::json!({"region": "330481", "month": "2026-10"})).await;
    assert!(s.is_success(), "{run}");
    let id = run["id"].as_str().unwrap().to_string();
    let auditor = app.token("auditor").await;
    let page = app.get(&auditor, "/audit?action=payroll.compute").await.text().await.unwrap();
    assert!(page.contains("2026-10 月度薪酬"), "the month is named");
    assert!(!page.contains(&id), "not its number");
    // The demo's users and its seed, in words (found by the browser walker: `community_head`).
    let page = app.get(&auditor, "/audit?action=user.create").await.text().await.unwrap();
    assert!(page.contains("社区书记/主任") && !page.contains("community_head"), "roles named");
    let page = app.get(&auditor, "/audit?action=demo.load").await.text().await.unwrap();
    assert!(page.contains("随机种子") && !page.contains(">seed "), "the seed named");
}
both_engines!(months_and_rounds_are_named_in_the_log);
