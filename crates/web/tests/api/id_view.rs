//! The full ID number on demand (查看完整号码): masked on every read until asked for, each view
//! audited exactly once, the audit written by the log's own writer so that reads never wait for
//! the write lock, and no view lost when many happen at once.
use crate::both_engines;
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::Duration;

async fn views_of(app: &crate::helpers::TestApp, auditor: &str, id: &str) -> Vec<String> {
    let (_, log) = app.get_json(auditor, "/api/v1/audit?action=worker.view_id_number&per_page=200").await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == id)
        .map(|e| e["detail"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn the_full_id_number_is_shown_only_when_asked_and_each_view_is_logged(app: crate::helpers::TestApp) {
    let app = Arc::new(app);
    let admin = app.token("haining").await;
    let auditor = app.token("auditor").await;
    let (_, list) = app.get_json(&admin, "/api/v1/workers?per_page=2").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();

    // An ordinary read: masked, and nothing logged.
    let (s, d) = app.get_json(&admin, &format!("/api/v1/workers/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(d["id_number_full"].is_null(), "{d}");
    assert!(d["id_number"].as_str().unwrap().contains('*'));
    let page = app.get(&admin, &format!("/workers/{id}")).await.text().await.unwrap();
    assert!(page.contains("查看完整号码"), "the page offers the full number");
    assert!(views_of(&app, &auditor, &id).await.is_empty(), "a masked read is not logged");

    // Asked for: whole, and logged once per view with where it was seen.
    let (_, d) = app.get_json(&admin, &format!("/api/v1/workers/{id}?full_id=true")).await;
    let number = d["id_number_full"].as_str().unwrap().to_string();
    assert_eq!(number.len(), 18);
    let page = app.get(&admin, &format!("/workers/{id}?full_id=true")).await.text().await.unwrap();
    assert!(page.contains(&number) && page.contains("已记录查看"));
    let mut views = views_of(&app, &auditor, &id).await;
    views.sort();
    assert_eq!(views, ["api", "page"]);

    // A role that may not see it gets it masked even when asking, and nothing is logged.
    let head = app.token("community").await;
    let (_, mine) = app.get_json(&head, "/api/v1/workers?per_page=1").await;
    let theirs = mine["items"][0]["id"].as_str().unwrap().to_string();
    let before = views_of(&app, &auditor, &theirs).await.len();
    let (_, d) = app.get_json(&head, &format!("/api/v1/workers/{theirs}?full_id=true")).await;
    assert!(d["id_number_full"].is_null());
    let page = app.get(&head, &format!("/workers/{theirs}?full_id=true")).await.text().await.unwrap();
    assert!(!page.contains("查看完整号码"));
    assert_eq!(views_of(&app, &auditor, &theirs).await.len(), before);

    // Forty views at once: forty entries, none lost to the batching.
    let other = list["items"][1]["id"].as_str().unwrap().to_string();
    let mut all = Vec::new();
    for _ in 0..40 {
        let (app, admin, other) = (app.clone(), admin.clone(), other.clone());
        all.push(tokio::spawn(async move {
            app.get_json(&admin, &format!("/api/v1/workers/{other}?full_id=true")).await.0
        }));
    }
    for h in all {
        assert_eq!(h.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(views_of(&app, &auditor, &other).await.len(), 40);
}
both_engines!(the_full_id_number_is_shown_only_when_asked_and_each_view_is_logged);

async fn reads_go_on_while_a_write_holds_the_lock(app: crate::helpers::TestApp) {
    let app = Arc::new(app);
    let admin = app.token("haining").await;
    let (_, list) = app.get_json(&admin, "/api/v1/workers?per_page=1").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let sqlite = app.db.backend() == sea_orm::DbBackend::Sqlite;
    // A long write holds the lock (on SQLite, the database's one write lock).
    let txn = app.db.begin_write().await.unwrap();
    let wait = Duration::from_secs(10);
    for path in [
        format!("/api/v1/workers/{id}"),
        format!("/workers/{id}"),
        "/api/v1/workers?q=zh".to_string(),
        "/workers?q=张".to_string(),
    ] {
        let r = tokio::time::timeout(wait, app.get(&admin, &path)).await;
        assert!(r.is_ok_and(|r| r.status() == StatusCode::OK), "{path} waited for the write");
    }
    // The audited view waits for its entry to be committed, which needs the lock on SQLite; it is
    // answered once the write ends, with its entry.
    let (handle, a2, id2) = (app.clone(), admin.clone(), id.clone());
    let audited =
        tokio::spawn(async move { handle.get_json(&a2, &format!("/api/v1/workers/{id2}?full_id=true")).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    if sqlite {
        assert!(!audited.is_finished(), "answered before its audit entry could be written");
    }
    txn.rollback().await.unwrap();
    let (s, d) = tokio::time::timeout(wait, audited).await.unwrap().unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(d["id_number_full"].is_string());
    let auditor = app.token("auditor").await;
    assert_eq!(views_of(&app, &auditor, &id).await, ["api"]);
}
both_engines!(reads_go_on_while_a_write_holds_the_lock);
