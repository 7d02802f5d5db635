//! Regions by name, not code: the picker's suggestions, the worker list's region filter, and the
//! community of a new archive typed by name; a name that fits nothing is an error, not ignored.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, flash_kind, fresh_id, text_of};
use reqwest::StatusCode;
use shegong_store::demo::DEMO_PASSWORD;

async fn regions_are_picked_by_name(app: TestApp) {
    let hn = app.token("haining").await;
    let (_, county) = app.get_json(&hn, "/api/v1/regions/330481").await;
    let street = &county["children"][1];
    let (street_code, street_name) = (street["code"].as_str().unwrap(), street["name"].as_str().unwrap());
    // The picker: the street, labelled with the county above it.
    let (s, v) = app.get_json(&hn, &format!("/api/v1/regions/suggest?q={}", &street_name[..6])).await;
    assert_eq!(s, StatusCode::OK);
    let labels: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&format!("海宁市 {street_name}").as_str()), "{labels:?}");
    // A place above, then part of a name: the communities of that street (not the first street's).
    let (_, v) =
        app.get_json(&hn, &format!("/api/v1/regions/suggest?q={}", urlencode(&format!("{street_name} 社区")))).await;
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{v}");
    assert!(
        items.iter().all(|i| i["code"].as_str().unwrap().starts_with(street_code)
            && i["label"].as_str().unwrap().contains(street_name)),
        "{v}"
    );
    // Nothing outside the scope is suggested.
    let (_, other) = app.get_json(&hn, "/api/v1/regions/suggest?q=桐乡").await;
    assert_eq!(other["items"].as_array().unwrap().len(), 0, "{other}");
    // LIKE's wildcards match nothing (not every region).
    for q in ["%25", "_", "%5C"] {
        let (_, v) = app.get_json(&hn, &format!("/api/v1/regions/suggest?q={q}")).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 0, "{q}");
    }
    // The list filter by name equals the filter by code.
    let (_, by_code) = app.get_json(&hn, &format!("/api/v1/workers?region={street_code}&per_page=1")).await;
    for name in [street_name.to_string(), format!("海宁市 {street_name}")] {
        let (s, by_name) = app.get_json(&hn, &format!("/api/v1/workers?region={}&per_page=1", urlencode(&name))).await;
        assert_eq!(s, StatusCode::OK, "{by_name}");
        assert_eq!(by_name["total"], by_code["total"], "{name}");
    }
    // A name that fits no region is refused, naming the field.
    let (s, v) = app.get_json(&hn, &format!("/api/v1/workers?region={}", urlencode("不存在街道"))).await;
    assert_eq!((s, v["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("region")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("不存在街道"));
    // A region of another county, by name: not in scope, refused the same way.
    let (s, _) = app.get_json(&hn, &format!("/api/v1/workers?region={}", urlencode("桐乡市"))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The training list takes a region by name too, and says when it cannot.
    let page =
        app.get(&hn, &format!("/training/overdue?region={}", urlencode(street_name))).await.text().await.unwrap();
    assert!(page.contains("街道（乡镇）") && !page.contains("没有名为"));
    let page =
        app.get(&hn, &format!("/training/overdue?region={}", urlencode("不存在街道"))).await.text().await.unwrap();
    assert!(page.contains("没有名为“不存在街道”的区划"));
    // The page shows the refusal instead of ignoring the filter.
    let page = app.get(&hn, &format!("/workers?region={}", urlencode("不存在街道"))).await.text().await.unwrap();
    assert!(page.contains("没有名为“不存在街道”的区划"));
}
both_engines!(regions_are_picked_by_name);

async fn a_new_archive_names_its_community(app: TestApp) {
    let hn = app.token("haining").await;
    let (_, street) = app.get_json(&hn, "/api/v1/regions/330481001").await;
    let community = &street["children"][0];
    let (code, name) = (community["code"].as_str().unwrap(), community["name"].as_str().unwrap());
    let street_name = street["name"].as_str().unwrap();
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let form = text_of(&b, app.url("/workers/new")).await;
    let csrf = csrf_of(&form);
    let id_number = fresh_id(11);
    let r = b
        .post(app.url("/workers/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "张名字"),
            ("id_number", id_number.as_str()),
            ("ethnicity", "01"),
            ("political_status", "13"),
            ("community_code", &format!("{street_name} {name}")),
            ("post_category", "staff"),
            ("title", "网格员"),
            ("start_date", "2025-03-01"),
            ("education_code", "21"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    let (_, found) = app.get_json(&hn, &format!("/api/v1/workers?q={id_number}")).await;
    assert_eq!(found["items"][0]["community_code"], code);
    // A community name that fits nothing: the form comes back naming the field.
    let r = b
        .post(app.url("/workers/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "李名字"),
            ("id_number", fresh_id(12).as_str()),
            ("community_code", "没有这个社区"),
            ("post_category", "staff"),
            ("title", "网格员"),
            ("start_date", "2025-03-01"),
        ])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("没有名为“没有这个社区”的区划"), "the form shows the refusal");
    // Every bad field at once, the unknown community among them: one round of corrections.
    let r = b
        .post(app.url("/workers/new"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", ""),
            ("id_number", "330481199001011231"),
            ("community_code", "没有这个社区"),
            ("post_category", "staff"),
            ("title", ""),
            ("start_date", "2025-03-01"),
        ])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    for text in ["没有名为“没有这个社区”的区划", "身份证号码校验位错误", "请填写姓名"] {
        assert!(html.contains(text), "{text} is not reported with the others");
    }
}
both_engines!(a_new_archive_names_its_community);

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}

async fn a_change_of_title_keeps_the_community_the_form_names(app: TestApp) {
    let hn = app.token("haining").await;
    let (_, list) = app.get_json(&hn, "/api/v1/workers?per_page=1").await;
    let w = &list["items"][0];
    let (id, code) = (w["id"].as_str().unwrap(), w["community_code"].as_str().unwrap());
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url(&format!("/workers/{id}?tab=appointment"))).await;
    // The form comes filled with the community's name, not its code.
    let (_, region) = app.get_json(&hn, &format!("/api/v1/regions/{code}")).await;
    let name = region["name"].as_str().unwrap();
    assert!(
        page.contains(&format!("name=\"community_code\" value=\"{name}\"")),
        "the form is not filled with the name"
    );
    let r = b
        .post(app.url(&format!("/workers/{id}/appointments")))
        .form(&[
            ("_csrf", csrf_of(&page).as_str()),
            ("community_code", name),
            ("post_category", "staff"),
            ("title", "网格员"),
            ("start_date", "2026-10-01"),
            ("full_time", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(flash_kind(&r).as_deref(), Some("notice"), "{:?}", r.headers());
    let (_, after) = app.get_json(&hn, &format!("/api/v1/workers/{id}")).await;
    assert_eq!(after["community_code"], code, "the community stays");
    assert_eq!(after["title"], "网格员");
}
both_engines!(a_change_of_title_keeps_the_community_the_form_names);
