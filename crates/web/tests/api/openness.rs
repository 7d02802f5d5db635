//! Openness over HTTP: the seal-use log (a worker records, an auditor and a department may not, bad
//! input named), 居务公开 (only the community head publishes, a period in the policy's cadence, a
//! correction cites the item, the street's late and missing periods), the public page without login
//! (a question unseen until answered and shown), the 双随机 draw (the same seed draws the same
//! communities; the next county and a community refused), an inspection recorded once with its
//! findings, closed once, shown on the public page; the figures (合计 = the sum of the lines, the
//! seeds' sentences), the pages and the Excel.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, text_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn field(e: &Value) -> Option<&str> {
    e["errors"][0]["field"].as_str()
}

async fn openness_over_http(app: TestApp) {
    let community = app.token("community").await;
    let worker = app.token("worker").await;
    let haining = app.token("haining").await;
    let street = app.token("street").await;
    let tongxiang = app.token("tongxiang").await;
    let zhujian = app.token("zhujian").await;
    let auditor = app.token("auditor").await;
    let (_, v) = app.get_json(&community, "/api/v1/work-items?list=proof").await;
    let here = v["region_code"].as_str().unwrap().to_string();

    // 印章: a worker records; others refused; bad input names its field and writes nothing.
    let seal = json!({"purpose": "出具居住证明", "document": "居住证明", "approver": "沈书记"});
    let (s, m) = app.post_json(&worker, "/api/v1/seals", seal.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(app.post_json(&auditor, "/api/v1/seals", seal.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.post_json(&zhujian, "/api/v1/seals", seal.clone()).await.0, StatusCode::FORBIDDEN);
    let (_, before) = app.get_json(&community, "/api/v1/seals").await;
    let (s, e) = app.post_json(&worker, "/api/v1/seals", json!({"purpose": "x", "document": "y"})).await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("approver")), "{e}");
    let (s, e) = app
        .post_json(
            &worker,
            "/api/v1/seals",
            json!({"date": "2099-01-01", "purpose": "x", "document": "y", "approver": "z"}),
        )
        .await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("date")), "{e}");
    let (_, after) = app.get_json(&community, "/api/v1/seals").await;
    assert_eq!(before["total"], after["total"], "nothing written by refused input");
    assert_eq!(after["rows"][0]["document"], "居住证明");
    let (_, county) = app.get_json(&haining, "/api/v1/seals").await;
    let sum: u64 = county["monthly"].as_array().unwrap().iter().map(|l| l[3].as_u64().unwrap()).sum();
    assert_eq!(sum, county["total"].as_u64().unwrap(), "monthly counts add up: {}", county["total"]);
    assert_eq!(app.get_json(&tongxiang, &format!("/api/v1/seals?region={here}")).await.0, StatusCode::NOT_FOUND);

    // 居务公开: the head publishes; the period follows the policy's cadence; a correction cites.
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let item =
        json!({"category": "finance", "period": month, "title": "本月财务收支", "body": "收入1000元，支出800元。"});
    assert_eq!(app.post_json(&worker, "/api/v1/disclosures", item.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.post_json(&street, "/api/v1/disclosures", item.clone()).await.0, StatusCode::FORBIDDEN);
    let (s, d) = app.post_json(&community, "/api/v1/disclosures", item.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let (s, e) = app
        .post_json(
            &community,
            "/api/v1/disclosures",
            json!({"category": "party", "period": month, "title": "t", "body": "b"}),
        )
        .await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("period")), "党务 is quarterly: {e}");
    let (s, e) = app
        .post_json(
            &community,
            "/api/v1/disclosures",
            json!({"category": "gossip", "period": "event", "title": "t", "body": "b"}),
        )
        .await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("category")), "{e}");
    let old = d["id"].as_str().unwrap();
    let fix = json!({"category": "finance", "period": "event", "title": "更正：本月财务收支", "body": "支出应为850元。", "corrects": old});
    let (s, c) = app.post_json(&community, "/api/v1/disclosures", fix).await;
    assert_eq!((s, c["corrects_id"].as_str()), (StatusCode::CREATED, Some(old)), "{c}");
    let foreign =
        json!({"category": "finance", "period": "event", "title": "t", "body": "b", "corrects": uuid::Uuid::now_v7()});
    let (s, e) = app.post_json(&community, "/api/v1/disclosures", foreign).await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("corrects")), "{e}");
    let (_, list) = app.get_json(&community, "/api/v1/disclosures").await;
    let first = list.as_array().unwrap().iter().find(|i| i["id"] == old).unwrap();
    assert_eq!(first["corrected_by"], c["id"], "the old item points to its correction");
    let (s, t) = app.get_json(&street, "/api/v1/disclosures/timeliness").await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let due = t["on_time"].as_u64().unwrap() + t["late"].as_u64().unwrap() + t["missing"].as_u64().unwrap();
    assert!(due > 0 && !t["alerts"].as_array().unwrap().is_empty(), "the demo has late and missing periods: {t}");
    assert!(
        t["alerts"].as_array().unwrap().iter().all(|a| a["community_code"].as_str().unwrap().starts_with(&here[..9]))
    );
    assert_eq!(app.get_json(&zhujian, "/api/v1/disclosures").await.0, StatusCode::FORBIDDEN);

    // The public page: no login; a question waits unseen until answered and shown.
    let resident = browser();
    let page = text_of(&resident, app.url(&format!("/p/{here}/disclosure"))).await;
    assert!(page.contains("本月财务收支") && page.contains("本条已被更正"), "{page}");
    let question = "小区停车费收入用在哪里了？";
    let r = resident
        .post(app.url(&format!("/p/{here}/disclosure")))
        .form(&[("_csrf", csrf_of(&page).as_str()), ("about", old), ("question", question)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r =
        browser().post(app.url(&format!("/p/{here}/disclosure"))).form(&[("question", "无令牌")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(!text_of(&resident, app.url(&format!("/p/{here}/disclosure"))).await.contains(question));
    let (_, qs) = app.get_json(&community, "/api/v1/disclosures/questions").await;
    let q = qs.as_array().unwrap().iter().find(|q| q["question"] == question).unwrap();
    assert_eq!(q["about"], "本月财务收支");
    let qid = q["id"].as_str().unwrap();
    let answer = json!({"answer": "用于小区道路修缮。", "show": true});
    assert_eq!(
        app.post_json(&worker, &format!("/api/v1/disclosures/questions/{qid}/answer"), answer.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, e) =
        app.post_json(&community, &format!("/api/v1/disclosures/questions/{qid}/answer"), json!({"show": true})).await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("answer")), "{e}");
    let (s, a) = app.post_json(&community, &format!("/api/v1/disclosures/questions/{qid}/answer"), answer).await;
    assert_eq!((s, a["shown"].as_bool()), (StatusCode::OK, Some(true)), "{a}");
    let page = text_of(&resident, app.url(&format!("/p/{here}/disclosure"))).await;
    assert!(page.contains(question) && page.contains("用于小区道路修缮"), "{page}");
    let twice = json!({"answer": "改口", "show": false});
    let (s, _) = app.post_json(&community, &format!("/api/v1/disclosures/questions/{qid}/answer"), twice).await;
    assert_eq!(s, StatusCode::CONFLICT, "an answer, once given, stays");
    assert_eq!(
        browser().get(app.url("/p/330481999999/disclosure")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // 双随机: the same seed draws the same communities; refused outside the region and to a community.
    let draw = json!({"count": 3, "seed": "2026-抽查", "inspectors": ["甲", "乙", "丙", "丁"], "per_target": 2});
    let (s, r1) = app.post_json(&haining, "/api/v1/inspections/draw", draw.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{r1}");
    let (_, r2) = app.post_json(&haining, "/api/v1/inspections/draw", draw.clone()).await;
    let drawn = |r: &Value| {
        r["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["community_code"].clone(), t["inspectors"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(drawn(&r1), drawn(&r2), "the same seed, the same draw");
    assert_eq!(r1["targets"].as_array().unwrap().len(), 3);
    assert_eq!(r1["reproduced"], true);
    let (_, r3) = app
        .post_json(&haining, "/api/v1/inspections/draw", json!({"count": 3, "seed": 42, "inspectors": ["甲", "乙"]}))
        .await;
    assert_eq!(r3["seed"], "42");
    assert_eq!(app.post_json(&community, "/api/v1/inspections/draw", draw.clone()).await.0, StatusCode::FORBIDDEN);
    let theirs = json!({"region": "330481", "count": 1, "inspectors": ["甲", "乙"]});
    assert_eq!(app.post_json(&tongxiang, "/api/v1/inspections/draw", theirs).await.0, StatusCode::NOT_FOUND);
    let (s, e) =
        app.post_json(&haining, "/api/v1/inspections/draw", json!({"count": 100000, "inspectors": ["甲", "乙"]})).await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("count")), "{e}");
    let (s, e) = app.post_json(&haining, "/api/v1/inspections/draw", json!({"count": 1, "inspectors": ["甲"]})).await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("inspectors")), "{e}");
    let (s, mine) =
        app.post_json(&street, "/api/v1/inspections/draw", json!({"count": 1, "inspectors": ["甲", "乙"]})).await;
    assert_eq!(s, StatusCode::CREATED, "{mine}");
    assert!(mine["targets"][0]["community_code"].as_str().unwrap().starts_with(&here[..9]));

    // An inspection recorded once, its finding closed once; the public page shows the result.
    let target = &r1["targets"][0];
    let (tid, tcode) = (target["id"].as_str().unwrap(), target["community_code"].as_str().unwrap());
    let bad = json!({"findings": [{"item": "卫生评比", "finding": "x"}]});
    let (s, e) = app.post_json(&haining, &format!("/api/v1/inspections/targets/{tid}/record"), bad).await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("item")), "{e}");
    let blank = json!({"findings": [{"item": "", "finding": "公开栏未更新"}]});
    let (s, e) = app.post_json(&haining, &format!("/api/v1/inspections/targets/{tid}/record"), blank).await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("item")), "a finding needs its item: {e}");
    let rec = json!({"note": "逐项检查", "findings": [{"item": "印章管理", "finding": "用印登记缺少审批人"}]});
    let all = json!({"count": r1["candidates"], "inspectors": ["甲", "乙"]});
    let (_, county_round) = app.post_json(&haining, "/api/v1/inspections/draw", all).await;
    let targets = county_round["targets"].as_array().unwrap();
    let ours = targets.iter().find(|t| t["community_code"].as_str().unwrap().starts_with(&here[..9])).unwrap();
    let ctid = ours["id"].as_str().unwrap();
    let (s, _) = app.post_json(&street, &format!("/api/v1/inspections/targets/{ctid}/record"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a street does not act in the county's round");
    let stid = mine["targets"][0]["id"].as_str().unwrap();
    assert_eq!(
        app.post_json(&street, &format!("/api/v1/inspections/targets/{stid}/record"), json!({})).await.0,
        StatusCode::OK,
        "the street records its own round"
    );
    assert_eq!(
        app.post_json(&community, &format!("/api/v1/inspections/targets/{tid}/record"), rec.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_json(&tongxiang, &format!("/api/v1/inspections/targets/{tid}/record"), rec.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, t) = app.post_json(&haining, &format!("/api/v1/inspections/targets/{tid}/record"), rec.clone()).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(
        app.post_json(&haining, &format!("/api/v1/inspections/targets/{tid}/record"), rec).await.0,
        StatusCode::CONFLICT
    );
    let (_, round) = app.get_json(&haining, &format!("/api/v1/inspections/{}", r1["id"].as_str().unwrap())).await;
    let finding = &round["targets"][0]["findings"][0];
    assert_eq!(finding["item"], "印章管理", "{round}");
    let fid = finding["id"].as_str().unwrap();
    let (s, e) = app.post_json(&haining, &format!("/api/v1/inspections/findings/{fid}/close"), json!({})).await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("closing")), "{e}");
    let (s, f) = app
        .post_json(&haining, &format!("/api/v1/inspections/findings/{fid}/close"), json!({"closing": "已补签"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(
        app.post_json(&haining, &format!("/api/v1/inspections/findings/{fid}/close"), json!({"closing": "再次"}))
            .await
            .0,
        StatusCode::CONFLICT
    );
    let page = text_of(&resident, app.url(&format!("/p/{tcode}/disclosure"))).await;
    assert!(page.contains("用印登记缺少审批人") && page.contains("已整改"), "{page}");

    // The figures: 合计 = the sum of the lines; the seeds' sentences.
    let (s, f) = app.get_json(&haining, "/api/v1/openness/figures").await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let lines = f["lines"].as_array().unwrap();
    for k in 0..f["columns"].as_array().unwrap().len() {
        let sum: u64 = lines.iter().map(|l| l["values"][k].as_u64().unwrap()).sum();
        assert_eq!(sum, f["total"]["values"][k].as_u64().unwrap(), "column {k}: {f}");
    }
    assert!(f["lists_sentence"].as_str().unwrap().starts_with("明确规定街道职责清单87项"), "{f}");
    assert!(f["sentence"].as_str().unwrap().contains("清理不规范出具证明事项43项"), "{f}");
    assert!(f["total"]["values"][4].as_u64().unwrap() > 0, "proofs counted");
    let (_, d) = app.get_json(&haining, "/api/v1/demands/figures").await;
    let by_month: u64 = d["by_month"].as_array().unwrap().iter().map(|m| m[1].as_u64().unwrap()).sum();
    assert_eq!(by_month, d["total"].as_u64().unwrap(), "the demands over time add up: {d}");
    assert_eq!(by_month, f["total"]["values"][3].as_u64().unwrap(), "the same count as the figures");
    assert_eq!(app.get_json(&zhujian, "/api/v1/openness/figures").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_json(&tongxiang, &format!("/api/v1/openness/figures?region={here}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, e) = app.get_json(&haining, "/api/v1/openness/figures?year=1999").await;
    assert_eq!((s, field(&e)), (StatusCode::UNPROCESSABLE_ENTITY, Some("year")), "{e}");

    // The pages, in Chinese, and the Excel.
    let head = browser();
    browser_login(&app, &head, "community", "shegong2026", "/").await;
    let page = text_of(&head, app.url("/disclosure")).await;
    assert!(page.contains("发布公开事项") && page.contains("居民提问"), "{page}");
    let home = text_of(&head, app.url("/")).await;
    assert!(home.contains("三务公开逾期未公开") && home.contains("待答复的居民提问"), "the head's 待办");
    let page = text_of(&head, app.url("/seals")).await;
    assert!(page.contains("登记用印") && page.contains("每月用印次数"), "{page}");
    let county = browser();
    browser_login(&app, &county, "haining", "shegong2026", "/").await;
    let page = text_of(&county, app.url("/inspections")).await;
    assert!(page.contains("抽取社区") && page.contains("结果与记录一致"), "{page}");
    let page = text_of(&county, app.url("/openness")).await;
    assert!(page.contains("清理不规范出具证明事项43项") && page.contains("合计"), "{page}");
    let r = county.get(app.url("/openness?format=xlsx")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rows = shegong_store::imports::read_rows("x.xlsx", &r.bytes().await.unwrap()).unwrap();
    assert!(rows.iter().any(|r| r.1.iter().any(|c| matches!(c, shegong_store::imports::Cell::Text(t) if t == "合计"))));
}

both_engines!(openness_over_http);
