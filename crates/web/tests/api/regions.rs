use crate::both_engines;
use crate::helpers::TestApp;
use reqwest::StatusCode;

async fn region_tree_is_scoped(app: TestApp) {
    let t = app.token("haining").await;
    let (s, v) = app.get_json(&t, "/api/v1/regions/330481").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["name"], "海宁市");
    assert_eq!(v["level"], "county");
    assert_eq!(v["parent_code"], "3304");
    assert!(v["households"].as_i64().unwrap() > 0, "households roll up");
    let streets = v["children"].as_array().unwrap();
    assert!(streets.iter().any(|c| c["name"] == "硖石街道"));
    // Down to communities and grids.
    let (_, street) = app.get_json(&t, "/api/v1/regions/330481001").await;
    let community = street["children"][0]["code"].as_str().unwrap().to_string();
    let (s, c) = app.get_json(&t, &format!("/api/v1/regions/{community}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["level"], "community");
    assert_eq!(c["children"][0]["level"], "grid");
    // Outside the county: 404, for a sibling county, the parent and a padded code alike.
    for other in ["330483", "330483001", "3304", "33", "330483000000", "110101"] {
        let (s, v) = app.get_json(&t, &format!("/api/v1/regions/{other}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{other}: {v}");
        assert_eq!(v["code"], "not_found");
    }
    // Pages too.
    let r = reqwest::Client::new().get(app.url("/regions/330483")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
both_engines!(region_tree_is_scoped);
