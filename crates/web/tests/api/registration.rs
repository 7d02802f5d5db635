//! The 社区工作者登记表: one printable page per worker with the archive's records and signature lines;
//! the whole ID number only for those who may see it (and the view logged); nobody outside the region.

use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;

async fn the_registration_form_prints_the_archive(app: TestApp) {
    let hn = app.token("haining").await;
    let head = app.token("community").await;
    let (_, me) = app.get_json(&head, "/api/v1/me").await;
    let community = me["region"].as_str().unwrap().to_string();
    let (_, list) = app
        .get_json(&hn, &format!("/api/v1/workers?region={community}&per_page=1"))
        .await;
    let w = &list["items"][0];
    let id = w["id"].as_str().unwrap();
    let (_, full) = app.get_json(&hn, &format!("/api/v1/workers/{id}")).await;
    let id_number = full["id_number_full"].as_str().unwrap().to_string();
    let page = app
        .get(&hn, &format!("/workers/{id}/registration-form"))
        .await
        .text()
        .await
        .unwrap();
    for text in [
        "社区工作者登记表",
        w["name"].as_str().unwrap(),
        "简历",
        "学历",
        "年度考核",
        "奖惩",
        "本人签字",
        "街道（乡镇）审核意见",
        "照片",
        id_number.as_str(),
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(page.contains("@page { size: A4"), "an A4 print layout");
    let (_, log) = app.get_json(&hn, "/api/v1/audit?per_page=5").await;
    assert!(
        log["items"].to_string().contains("registration-form"),
        "the whole ID number's view is logged"
    );
    // A community head prints it with the ID number masked.
    let page = app
        .get(&head, &format!("/workers/{id}/registration-form"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&id_number));
    assert!(page.contains(&shegong_domain::id_number::mask(&id_number)));
    // Another county: not found.
    let tx = app.token("tongxiang").await;
    assert_eq!(
        app.get(&tx, &format!("/workers/{id}/registration-form")).await.status(),
        StatusCode::NOT_FOUND
    );
}
both_engines!(the_registration_form_prints_the_archive);
