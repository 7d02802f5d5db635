//! Irreversible steps ask first, saying what will happen with its counts.

use crate::both_engines;
use crate::helpers::{TestApp, browser_login, text_of};
use shegong_store::demo::DEMO_PASSWORD;

async fn irreversible_steps_ask_first(app: TestApp) {
    let b = crate::helpers::browser();
    browser_login(&app, &b, "street", DEMO_PASSWORD, "/").await;
    // The demo's street has its round scored, not yet published.
    let t = app.token("street").await;
    let (_, rounds) = app.get_json(&t, "/api/v1/assessment-rounds").await;
    let scored = rounds["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "scored")
        .expect("a scored round in the demo");
    let id = scored["id"].as_str().unwrap();
    let (_, round) = app.get_json(&t, &format!("/api/v1/assessment-rounds/{id}")).await;
    let entries = round["entries"].as_array().unwrap();
    let excellent = entries.iter().filter(|e| e["grade"] == "excellent").count();
    let page = text_of(&b, app.url(&format!("/assessments/{id}"))).await;
    assert!(page.contains(&format!("data-confirm=\"将发布{}人的等次：优秀{excellent}人", entries.len())), "{page}");

    // A worker's exit: asked first, and no reason chosen in advance.
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let ht = app.token("haining").await;
    let (_, list) = app.get_json(&ht, "/api/v1/workers?per_page=1").await;
    let w = list["items"][0]["id"].as_str().unwrap().to_string();
    let page = text_of(&b, app.url(&format!("/workers/{w}"))).await;
    assert!(page.contains("办理退出？退出后档案保留并转为只读"), "{page}");
    assert!(page.contains("<select name=\"reason\" required><option value=\"\">请选择</option>"));
}
both_engines!(irreversible_steps_ask_first);

/// A payroll adjustment names its person as the office knows them: by name, or by ID number when
/// the name is shared; never by an internal id.
async fn adjustments_name_their_person(app: TestApp) {
    let b = crate::helpers::browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let t = app.token("haining").await;
    let (_, runs) = app.get_json(&t, "/api/v1/payroll/runs").await;
    let run = runs["items"].as_array().unwrap().iter().find(|r| r["status"] == "locked").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let page = text_of(&b, app.url(&format!("/payroll/{run}"))).await;
    assert!(page.contains("人员（姓名或身份证号码）") && !page.contains("人员ID"), "{page}");
    let csrf = crate::helpers::csrf_of(&page);
    let (_, sheet) = app.get_json(&t, &format!("/api/v1/payroll/runs/{run}?per_page=500")).await;
    let slips = sheet["payslips"].as_array().unwrap();
    let names: Vec<&str> = slips.iter().map(|s| s["name"].as_str().unwrap()).collect();
    let unique = names.iter().find(|n| names.iter().filter(|m| m == n).count() == 1).unwrap().to_string();
    // By name: one adjustment on that person's payslip.
    let r = b
        .post(app.url(&format!("/payroll/{run}/adjust")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("worker", unique.as_str()),
            ("amount_yuan", "12.50"),
            ("reason", "补发交通补贴"),
        ])
        .send()
        .await
        .unwrap();
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let shown = text_of(&b, app.url(&back)).await;
    assert!(shown.contains("已添加调整项 12.50 元"), "{shown}");
    // Someone not paid in that month is named as not found there.
    let r = b
        .post(app.url(&format!("/payroll/{run}/adjust")))
        .form(&[("_csrf", csrf.as_str()), ("worker", "查无此人"), ("amount_yuan", "1"), ("reason", "试")])
        .send()
        .await
        .unwrap();
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let shown = text_of(&b, app.url(&back)).await;
    assert!(shown.contains("本月工资条中没有“查无此人”"), "{shown}");
}
both_engines!(adjustments_name_their_person);
