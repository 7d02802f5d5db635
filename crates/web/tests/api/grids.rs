//! Grids over HTTP: the coverage figures, a grid's roster and history, assigning a duty through the
//! API and the page, the roster's Excel out and in, and the region and role boundaries.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, flash_kind, text_of};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn import(app: &TestApp, token: &str, dry_run: bool, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    let r = Client::new()
        .post(app.url(&format!("/api/v1/grids/import?dry_run={dry_run}")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn grids_are_staffed_over_http(app: TestApp) {
    let community = app.token("community").await;
    let worker = app.token("worker").await;
    let tongxiang = app.token("tongxiang").await;
    let haining = app.token("haining").await;
    let (_, me) = app.get_json(&community, "/api/v1/me").await;
    let region = me["region"].as_str().unwrap().to_string();

    // The county's coverage, and its streets adding up to it.
    let (s, c) = app.get_json(&haining, "/api/v1/grids").await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let total = c["total"]["grids"].as_i64().unwrap();
    let sum: i64 = c["children"].as_array().unwrap().iter().map(|x| x["grids"].as_i64().unwrap()).sum();
    assert!(total > 100 && sum == total, "{c}");
    assert!(c["total"]["households_per_worker"].as_i64().unwrap() > 0);
    assert!(c["total"]["leaders_per_100_households"].as_f64().unwrap() > 1.0);
    // A community's children are its grids.
    let (_, mine) = app.get_json(&community, &format!("/api/v1/grids?region={region}")).await;
    let grid = mine["children"][0]["region_code"].as_str().unwrap().to_string();
    assert_eq!(grid.len(), 15);
    let (s, g) = app.get_json(&community, &format!("/api/v1/grids/{grid}")).await;
    assert_eq!(s, StatusCode::OK, "{g}");
    assert!(g["duties"].as_array().unwrap().iter().any(|d| d["duty"] == "link_leader"), "{g}");

    // A 联户长 through the API; bad input names its field and changes nothing.
    let duties = format!("/api/v1/grids/{grid}/duties");
    let add = |body: Value| app.post_json(&community, &duties, body);
    let (s, d) =
        add(json!({"duty": "link_leader", "name": "周桂芳", "phone": "13957300011", "households": "16"})).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    for (body, field) in [
        (json!({"duty": "link_leader", "name": "周桂芳", "phone": "1395", "households": "16"}), "phone"),
        (json!({"duty": "link_leader", "name": "周桂芳", "phone": "13957300012", "households": "九"}), "households"),
        (json!({"duty": "boss"}), "duty"),
        (json!({"duty": "grid_worker"}), "worker_id"),
    ] {
        let (s, v) = add(body).await;
        assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{v}");
    }
    // Outside the region: not found; a worker may not read or staff grids.
    let (s, _) = app.get_json(&tongxiang, &format!("/api/v1/grids/{grid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json(&tongxiang, &format!("/api/v1/grids?region={region}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post_json(
            &tongxiang,
            &format!("/api/v1/grids/{grid}/duties"),
            json!({"duty": "party_group", "name": "某党小组"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.post_json(&tongxiang, &format!("/api/v1/grids/duties/{id}/end"), json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json(&worker, "/api/v1/grids").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post_json(&worker, &format!("/api/v1/grids/{grid}/duties"), json!({"duty": "party_group", "name": "某党小组"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for bad in ["abc", "330481", "33048100100100x", "999999999999999"] {
        let (s, _) = app.get_json(&community, &format!("/api/v1/grids/{bad}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{bad}");
    }

    // The roster's Excel comes back in unchanged: nothing to do.
    let r = app.get(&community, &format!("/grids/roster.xlsx?region={region}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let xlsx = r.bytes().await.unwrap().to_vec();
    let (s, o) = import(&app, &community, true, "网格名册.xlsx", xlsx.clone()).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!((o["added"].as_i64(), o["ended"].as_i64(), o["committed"].as_bool()), (Some(0), Some(0), Some(false)));
    assert!(o["unchanged"].as_i64().unwrap() > 10, "{o}");
    // A CSV naming an unknown worker is refused whole with its row.
    let csv =
        format!("网格编码,职责,姓名,联系电话,联系户数\n{grid},网格员,查无此人,,\n{grid},联户长,吴丽,13957300013,12\n");
    let (s, v) = import(&app, &community, false, "grid.csv", csv.into_bytes()).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file")), "{v}");
    assert!(v.to_string().contains("第2行"), "{v}");
    let (_, g) = app.get_json(&community, &format!("/api/v1/grids/{grid}")).await;
    assert!(!g.to_string().contains("吴丽"), "nothing of a refused file is written");
    let (s, _) = import(&app, &worker, false, "grid.csv", b"x".to_vec()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Ending the duty keeps it in the history.
    let (s, e) = app.post_json(&community, &format!("/api/v1/grids/duties/{id}/end"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert!(e["end_on"].is_string());
    let (_, g) = app.get_json(&community, &format!("/api/v1/grids/{grid}")).await;
    assert!(!g["duties"].as_array().unwrap().iter().any(|d| d["id"] == id.as_str()));
    assert!(g["history"].as_array().unwrap().iter().any(|d| d["id"] == id.as_str()));

    // The pages: the coverage, the grid, a form that assigns.
    let client = browser();
    browser_login(&app, &client, "community", shegong_store::demo::DEMO_PASSWORD, "/grids").await;
    let page = text_of(&client, app.url("/grids")).await;
    assert!(page.contains("每百户联户长") && page.contains(&format!("/grids/{grid}")), "{page}");
    let page = text_of(&client, app.url(&format!("/grids/{grid}"))).await;
    assert!(page.contains("变动记录") && page.contains("周桂芳") && page.contains("添加联户长"));
    let r = client
        .post(app.url(&format!("/grids/{grid}/duties")))
        .form(&[
            ("_csrf", csrf_of(&page).as_str()),
            ("duty", "link_leader"),
            ("name", "郑美华"),
            ("phone", "13957300014"),
            ("households", "20"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(flash_kind(&r).as_deref(), Some("notice"));
    let page = text_of(&client, app.url(&format!("/grids/{grid}"))).await;
    assert!(page.contains("郑美华") && page.contains("13957300014"));
    // The street's page lists its communities with their figures.
    let street = app.token("street").await;
    let r = app.get(&street, "/grids?format=xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
}

both_engines!(grids_are_staffed_over_http);
