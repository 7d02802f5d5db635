//! 减负清单 and 出具证明 over HTTP: the lists a community inherits, an item added by the county (a street
//! refused), a list replaced from a file (dry run first), proofs from the list (201 with the number)
//! and outside it (422 proof_not_listed, the exact sentence), the register masked above the community,
//! the next county and a department kept out; the pages, the print and the Excel.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, flash_kind, text_of};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::json;

async fn lists_and_proofs_over_http(app: TestApp) {
    let community = app.token("community").await;
    let worker = app.token("worker").await;
    let haining = app.token("haining").await;
    let street = app.token("street").await;
    let tongxiang = app.token("tongxiang").await;
    let zhujian = app.token("zhujian").await;
    let (s, v) = app.get_json(&community, "/api/v1/work-items?list=proof").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let region = v["region_code"].as_str().unwrap().to_string();
    let items = v["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 11, "{v}");
    assert!(v["sentence"].as_str().unwrap().starts_with("明确规定街道职责清单87项"), "{v}");
    let (s, e) = app.get_json(&community, "/api/v1/work-items?list=chores").await;
    assert_eq!((s, e["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("list")), "{e}");
    assert_eq!(app.get_json(&tongxiang, &format!("/api/v1/work-items?region={region}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get_json(&zhujian, "/api/v1/work-items").await.0, StatusCode::OK, "a department reads the lists");

    // The county adds; a street may not.
    let body = json!({"list": "assistance", "title": "协助开展适龄青年兵役登记", "funding": "县人武部按事项拨付"});
    let (s, m) = app.post_json(&haining, "/api/v1/work-items", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(app.post_json(&street, "/api/v1/work-items", body).await.0, StatusCode::FORBIDDEN);
    let (s, e) = app.post_json(&haining, "/api/v1/work-items", json!({"list": "assistance"})).await;
    assert_eq!((s, e["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("title")), "{e}");
    // A list from a file: checked, nothing written by the dry run.
    let csv = "序号,事项名称,所需材料\n1,居住情况证明,身份证\n2,亲属关系证明,户口簿\n";
    let upload = |dry: bool| {
        let form = Form::new().part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("proofs.csv"));
        Client::new()
            .post(app.url(&format!("/api/v1/work-items/import?list=proof&dry_run={dry}")))
            .bearer_auth(&haining)
            .multipart(form)
            .send()
    };
    let o: serde_json::Value = upload(true).await.unwrap().json().await.unwrap();
    assert_eq!((o["added"].as_u64(), o["committed"].as_bool()), (Some(2), Some(false)), "{o}");
    assert_eq!(
        app.get_json(&community, "/api/v1/work-items?list=proof").await.1["items"].as_array().unwrap().len(),
        11
    );

    // Proofs: from the list, numbered; outside it refused with the sentence and counted.
    let item = items[0]["id"].as_str().unwrap();
    let (s, p) = app
        .post_json(&worker, "/api/v1/proofs", json!({"item_id": item, "applicant": "沈阿大", "purpose": "申请补助"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert!(p["number"].as_str().unwrap().contains("证〔"), "{p}");
    let (_, before) = app.get_json(&community, "/api/v1/proofs").await;
    let (s, e) =
        app.post_json(&worker, "/api/v1/proofs", json!({"asked": "无犯罪记录证明", "applicant": "沈阿大"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["code"], "proof_not_listed");
    assert_eq!(e["errors"][0]["message"], "该事项不在出具证明事项清单内");
    let (_, after) = app.get_json(&community, "/api/v1/proofs").await;
    assert_eq!(after["refused"].as_u64().unwrap(), before["refused"].as_u64().unwrap() + 1);
    assert_eq!(after["issued"], before["issued"]);
    assert_eq!(after["rows"][0]["applicant"], "沈阿大", "in full inside the community");
    let (_, above) = app.get_json(&haining, &format!("/api/v1/proofs?region={region}")).await;
    let shown = above["rows"][0]["applicant"].as_str().unwrap();
    assert!(shown.starts_with('沈') && shown.contains('*'), "masked above: {above}");
    assert_eq!(app.get_json(&zhujian, "/api/v1/proofs").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get_json(&tongxiang, &format!("/api/v1/proofs?region={region}")).await.0, StatusCode::NOT_FOUND);
    let (s, e) = app.get_json(&community, "/api/v1/proofs?from=2026-12-31&to=2026-01-01").await;
    assert_eq!((s, e["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")), "{e}");

    // The pages: the lists, the register with its form, the print, the Excel.
    let head = browser();
    browser_login(&app, &head, "community", "shegong2026", "/").await;
    let page = text_of(&head, app.url("/work-items?kind=proof")).await;
    assert!(page.contains("出具证明事项清单") && page.contains("（示例）"), "{page}");
    let page = text_of(&head, app.url("/proofs")).await;
    assert!(page.contains("清单外事项") && page.contains("证明登记"), "{page}");
    let r = head
        .post(app.url("/proofs"))
        .form(&[
            ("_csrf", csrf_of(&page).as_str()),
            ("community", region.as_str()),
            ("asked", "收入证明"),
            ("applicant", "沈阿大"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(flash_kind(&r).as_deref(), Some("error"));
    let id = p["id"].as_str().unwrap();
    let print = text_of(&head, app.url(&format!("/proofs/{id}/print"))).await;
    assert!(print.contains(p["number"].as_str().unwrap()) && print.contains("特此证明"), "{print}");
    // 准入: a department applies, the county decides once; a refusal needs its reason.
    let ask = json!({"title": "协助开展适龄青年兵役登记", "from": "2026-12-01", "funding": "县人武部拨付"});
    let (s, a) = app.post_json(&zhujian, "/api/v1/admissions", ask.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(app.post_json(&community, "/api/v1/admissions", ask.clone()).await.0, StatusCode::FORBIDDEN);
    let id = a["id"].as_str().unwrap();
    let (s, e) = app.post_json(&haining, &format!("/api/v1/admissions/{id}/refuse"), json!({})).await;
    assert_eq!((s, e["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")), "{e}");
    assert_eq!(
        app.post_json(&street, &format!("/api/v1/admissions/{id}/approve"), json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_json(&tongxiang, &format!("/api/v1/admissions/{id}/approve"), json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, ok) = app.post_json(&haining, &format!("/api/v1/admissions/{id}/approve"), json!({})).await;
    assert_eq!((s, ok["state"].as_str()), (StatusCode::OK, Some("approved")), "{ok}");
    assert_eq!(
        app.post_json(&haining, &format!("/api/v1/admissions/{id}/approve"), json!({})).await.0,
        StatusCode::CONFLICT
    );
    let (_, mine) = app.get_json(&zhujian, "/api/v1/admissions").await;
    assert!(mine["items"].as_array().unwrap().iter().any(|x| x["id"] == id), "{mine}");
    // Demands never admitted, counted per department for the county.
    let d = json!({"department": "县文明办", "what": "每月报送创建台账", "kind": "ledger"});
    let (s, m) = app.post_json(&worker, "/api/v1/demands", d.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (s, f) = app.get_json(&haining, "/api/v1/demands/figures").await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert!(f["by_department"].as_array().unwrap().iter().any(|l| l[0] == "县文明办"), "{f}");
    assert_eq!(app.get_json(&zhujian, "/api/v1/demands/figures").await.0, StatusCode::FORBIDDEN);
    let page = text_of(&head, app.url("/admissions")).await;
    assert!(page.contains("登记未经准入的要求") && page.contains("准入申请"), "{page}");

    let r = head.get(app.url("/work-items?kind=proof&format=xlsx")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rows = shegong_store::imports::read_rows("x.xlsx", &r.bytes().await.unwrap()).unwrap();
    assert!(rows.len() >= 11);
}

both_engines!(lists_and_proofs_over_http);
