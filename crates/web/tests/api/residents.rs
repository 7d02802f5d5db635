//! Work among residents over HTTP: households (masked list, audited full record for the community
//! and the worker responsible, edit on the version read, import and a re-import that changes
//! nothing), visits (a worker's own, the compliance by week with a bad week refused by field),
//! wishes through their steps with the public wall showing no one's name, the pages, and the
//! boundaries: the next county, a department, the worker.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, flash_kind, text_of};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn import(app: &TestApp, token: &str, dry_run: bool, csv: &str) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("households.csv"));
    let r = Client::new()
        .post(app.url(&format!("/api/v1/households/import?dry_run={dry_run}")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

async fn residents_are_served_over_http(app: TestApp) {
    let community = app.token("community").await;
    let worker = app.token("worker").await;
    let tongxiang = app.token("tongxiang").await;
    let street = app.token("street").await;
    let zhujian = app.token("zhujian").await;
    let auditor = app.token("auditor").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let region = me["region"].as_str().unwrap().to_string();
    let (_, mine) = app.get_json(&community, &format!("/api/v1/grids?region={region}")).await;
    let grid = mine["children"][0]["region_code"].as_str().unwrap().to_string();

    // The demo's households, masked in the list.
    let (s, list) = app.get_json(&community, "/api/v1/households?per_page=5").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert!(list["total"].as_u64().unwrap() > 20, "{list}");
    let first = &list["items"][0];
    assert!(first["head_name"].as_str().unwrap().contains('*'), "{first}");
    assert!(first["phone"].as_str().unwrap().contains("****"), "{first}");
    let (s, _) = app.get_json(&tongxiang, &format!("/api/v1/households?region={region}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json(&zhujian, "/api/v1/households").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Registering: bad input names every field and keeps nothing.
    let before = app.get_json(&community, "/api/v1/households").await.1["total"].as_u64().unwrap();
    let (s, e) = app
        .post_json(
            &community,
            "/api/v1/households",
            json!({"grid": grid, "room": "", "head_name": "", "phone": "12", "members": 99, "tags": ["富户"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(fields(&e), vec!["room", "head_name", "phone", "members", "tags"], "{e}");
    assert_eq!(app.get_json(&community, "/api/v1/households").await.1["total"].as_u64().unwrap(), before);
    let body = json!({"grid": grid, "building": "9", "unit": "1", "room": "301", "head_name": "沈阿大", "phone": "13957311111", "members": 2, "tags": ["独居老人"]});
    let (s, h) = app.post_json(&community, "/api/v1/households", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let id = h["id"].as_str().unwrap().to_string();
    let (s, _) = app.post_json(&community, "/api/v1/households", body.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = app.post_json(&worker, "/api/v1/households", body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The full record: the community, not the next county nor a worker not responsible for it.
    let (s, v) = app.get_json(&community, &format!("/api/v1/households/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["household"]["head_name"], "沈阿大");
    for t in [&tongxiang, &worker] {
        let (s, _) = app.get_json(t, &format!("/api/v1/households/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (_, log) = app.get_json(&auditor, "/api/v1/audit?action=household.view").await;
    assert!(log.to_string().contains("household.view"), "every full view is audited: {log}");
    let edit = json!({"grid": grid, "building": "9", "unit": "1", "room": "301", "head_name": "沈阿大", "phone": "13957322222", "members": 2, "tags": ["独居老人"], "version": 1});
    let (s, e) = app.put_json(&community, &format!("/api/v1/households/{id}"), edit.clone()).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let (s, e) = app.put_json(&community, &format!("/api/v1/households/{id}"), edit).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::CONFLICT, Some("household_changed")), "{e}");

    // Visits: the worker records their own and lists only their own.
    let (s, v) =
        app.post_json(&worker, "/api/v1/visits", json!({"kind": "巡查", "grid": grid, "place": "小区北门"})).await;
    assert!(s == StatusCode::CREATED || s == StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = app
        .post_json(&worker, "/api/v1/visits", json!({"kind": "visit", "place": "社区广场", "finding": "无异常"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let me_id = v["worker_id"].as_str().unwrap().to_string();
    let (s, e) = app.post_json(&worker, "/api/v1/visits", json!({"kind": "散步", "on_date": "2099-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&e)[..2], ["kind".to_string(), "on_date".to_string()], "{e}");
    let (_, mine) = app.get_json(&worker, "/api/v1/visits?per_page=500").await;
    assert!(mine["items"].as_array().unwrap().iter().all(|x| x["worker_id"] == me_id.as_str()), "{mine}");
    let (s, _) = app.post_json(&auditor, "/api/v1/visits", json!({"kind": "visit", "place": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Who is behind: a street's week, each worker required, done and behind; a bad week named.
    let (s, c) = app.get_json(&street, "/api/v1/visits/compliance?week=2026-W47").await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert!(c["workers"].as_u64().unwrap() > 10 && c["rows"][0]["behind"].as_u64().is_some(), "{c}");
    assert_eq!(c["period"]["from"], "2026-11-16");
    let (s, e) = app.get_json(&street, "/api/v1/visits/compliance?week=2026-W60").await;
    assert_eq!((s, fields(&e)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["week".to_string()]));
    let street_code = c["region_code"].as_str().unwrap().to_string();
    let (s, _) = app.get_json(&tongxiang, &format!("/api/v1/visits/compliance?region={street_code}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, c) = app.get_json(&worker, "/api/v1/visits/compliance").await;
    assert_eq!((s, c["workers"].as_u64()), (StatusCode::OK, Some(1)), "a worker sees their own line only");

    // Wishes through their steps; the public wall names no one.
    let (s, w) =
        app.post_json(&worker, "/api/v1/wishes", json!({"title": "想要一副老花镜", "for_name": "钱桂英"})).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let wid = w["id"].as_str().unwrap().to_string();
    let (s, e) = app.post_json(&worker, &format!("/api/v1/wishes/{wid}/claim"), json!({"claimant_kind": "好人"})).await;
    assert_eq!(
        (s, fields(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["claimant_kind".to_string(), "claimant_name".to_string()])
    );
    let (s, _) = app
        .post_json(
            &tongxiang,
            &format!("/api/v1/wishes/{wid}/claim"),
            json!({"claimant_kind": "volunteer", "claimant_name": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post_json(
            &community,
            &format!("/api/v1/wishes/{wid}/claim"),
            json!({"claimant_kind": "volunteer", "claimant_name": "吴志愿"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let html = Client::new().get(app.url(&format!("/p/{region}/wishes"))).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    let html = html.text().await.unwrap();
    assert!(
        html.contains("想要一副老花镜")
            && html.contains("钱**")
            && !html.contains("钱桂英")
            && !html.contains("吴志愿")
    );
    let (s, _) =
        app.post_json(&community, &format!("/api/v1/wishes/{wid}/fulfil"), json!({"note": "已配好送到"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, w) = app.post_json(&worker, &format!("/api/v1/wishes/{wid}/confirm"), json!({})).await;
    assert_eq!((s, w["state"].as_str()), (StatusCode::OK, Some("closed")));
    let (s, f) = app.get_json(&community, "/api/v1/wishes/figures").await;
    assert!(s == StatusCode::OK && f["closed"].as_u64().unwrap() >= 1, "{f}");

    // Residents' deliberation over the API: the demo's year, a meeting recorded, the next county refused.
    let (s, d) = app.get_json(&community, "/api/v1/deliberation").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert!(
        d["total"]["meetings"].as_u64().unwrap() > 5
            && d["sentence"].as_str().unwrap().starts_with("组织开展群众议事活动"),
        "{d}"
    );
    let (_, b) = app.get_json(&community, "/api/v1/deliberation/board").await;
    let place = b["places"][0]["id"].as_str().unwrap().to_string();
    let meeting = json!({"place_id": place, "attendees": 12, "new_topics": "楼道照明", "decision": "物业一周内修复",
        "items": [{"what": "修复3幢楼道灯", "owner": "物业王经理", "due_on": "2099-01-01"}]});
    let (s, m) = app.post_json(&worker, "/api/v1/deliberation/meetings", meeting.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (s, _) = app.post_json(&tongxiang, "/api/v1/deliberation/meetings", meeting).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.get_json(&tongxiang, &format!("/api/v1/deliberation?region={region}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post_json(&auditor, "/api/v1/deliberation/places", json!({"name": "x", "kind": "hall", "host_name": "y"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The window: a day's roster, read back, refused to the worker.
    let (s, _) =
        app.put_json(&community, "/api/v1/window/days", json!({"date": "2026-12-01", "workers": [me_id]})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, w) = app.get_json(&community, "/api/v1/window?month=2026-12").await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(w["days"][0]["on_duty"].as_u64(), Some(1), "{w}");
    let (s, _) = app.put_json(&worker, "/api/v1/window/days", json!({"date": "2026-12-01", "workers": []})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The import: checked, committed, and the same file again changes nothing.
    let csv = format!(
        "网格编码,楼栋,单元,门牌,户主,联系电话,家庭人口,关爱标签\n{grid},12,1,101,陆文华,13957333333,3,空巢老人\n{grid},12,1,102,陆文清,,1,\n"
    );
    let (s, o) = import(&app, &community, true, &csv).await;
    assert_eq!((s, o["added"].as_u64(), o["committed"].as_bool()), (StatusCode::OK, Some(2), Some(false)), "{o}");
    let (s, o) = import(&app, &community, false, &csv).await;
    assert_eq!((s, o["added"].as_u64(), o["committed"].as_bool()), (StatusCode::OK, Some(2), Some(true)), "{o}");
    let (s, o) = import(&app, &community, false, &csv).await;
    assert_eq!((s, o["unchanged"].as_u64(), o["added"].as_u64()), (StatusCode::OK, Some(2), Some(0)), "{o}");
    let bad = format!("网格编码,门牌,户主\n{grid},1,张**\n");
    let (s, e) = import(&app, &community, false, &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a masked export read back is refused: {e}");
    let (s, _) = import(&app, &worker, false, &csv).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The pages answer; the export is masked.
    let head = browser();
    browser_login(&app, &head, "community", "shegong2026", "/").await;
    for path in
        ["/visits", "/visits/compliance", "/households", &format!("/households/{id}"), "/wishes", "/deliberation"]
    {
        let r = head.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let r = head.get(app.url("/households?format=xlsx")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let rows = shegong_store::imports::read_rows("x.xlsx", &bytes).unwrap();
    assert!(
        rows.iter()
            .any(|(_, cells)| cells.iter().any(|c| matches!(c, shegong_store::imports::Cell::Text(t) if t == "沈**")))
    );
    assert!(
        !rows.iter().any(|(_, cells)| cells
            .iter()
            .any(|c| matches!(c, shegong_store::imports::Cell::Text(t) if t == "沈阿大")))
    );
    let dept = browser();
    browser_login(&app, &dept, "zhujian", "shegong2026", "/").await;
    assert_eq!(dept.get(app.url("/households")).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    // The worker's phone form: one post, back to the page with the notice.
    let phone = browser();
    browser_login(&app, &phone, "worker", "shegong2026", "/").await;
    let page = text_of(&phone, app.url("/visits")).await;
    assert!(page.contains("登记走访") && page.contains("本周走访排查"), "{page}");
    let count = app.get_json(&worker, "/api/v1/visits").await.1["total"].as_u64().unwrap();
    let r = phone
        .post(app.url("/visits"))
        .form(&[("_csrf", csrf_of(&page).as_str()), ("kind", "check"), ("place", "3幢楼道"), ("finding", "无异常")])
        .send()
        .await
        .unwrap();
    assert_eq!(flash_kind(&r).as_deref(), Some("notice"));
    assert_eq!(app.get_json(&worker, "/api/v1/visits").await.1["total"].as_u64().unwrap(), count + 1);
    // The worker's archive carries their share: 服务记录 by year.
    let record = text_of(&phone, app.url(&format!("/workers/{me_id}?tab=service"))).await;
    assert!(record.contains("服务记录") && record.contains("入户天数") && record.contains("2026"), "{record}");
}

both_engines!(residents_are_served_over_http);
