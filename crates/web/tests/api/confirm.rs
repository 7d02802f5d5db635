//! Irreversible steps ask first, saying what will happen with its counts.

use crate::both_engines;
use crate::helpers::{TestApp, browser_login, text_of};
use shegong_store::demo::DEMO_PASSWORD;

async fn irreversible_steps_ask_first(app: TestApp) {
    let b = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
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
    assert!(
        page.contains(&format!(
            "data-confirm=\"将发布{}人的等次：优秀{excellent}人",
            entries.len()
        )),
        "{page}"
    );

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
