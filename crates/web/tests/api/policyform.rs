//! A policy edited as a form: every rule a labelled field, bad values refused beside their field with
//! what was typed kept, a good save the policy's next version with the file's comments kept, and
//! nobody but a province administrator let in.

use crate::both_engines;
use crate::helpers::{TestApp, browser, browser_login, csrf_of, flash_kind, text_of};
use reqwest::StatusCode;
use shegong_domain::policy_form;
use shegong_store::demo::DEMO_PASSWORD;
use std::collections::HashMap;

/// The fields of the form as the page shows them, as a browser would send them back untouched.
fn fields_of(body: &str) -> HashMap<String, String> {
    policy_form::form(body)
        .unwrap()
        .into_iter()
        .flat_map(|g| g.fields)
        .filter(|f| f.kind != policy_form::Kind::Flag || f.value == "true")
        .map(|f| (f.path, if f.kind == policy_form::Kind::Flag { "on".into() } else { f.value }))
        .collect()
}

/// Posts the policy form as a browser would.
async fn post_edit(app: &TestApp, b: &reqwest::Client, v: &HashMap<String, String>) -> reqwest::Response {
    b.post(app.url("/policies/haining-2020/edit")).form(v).send().await.unwrap()
}

async fn a_policy_is_edited_as_a_form(app: TestApp) {
    let prov = app.token("province").await;
    let (_, before) = app.get_json(&prov, "/api/v1/policies/haining-2020").await;
    let version = before["version"].as_i64().unwrap();
    let body = before["body"].as_str().unwrap().to_string();

    let b = browser();
    browser_login(&app, &b, "province", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url("/policies/haining-2020/edit")).await;
    for text in [
        "修改政策",
        "岗位类别 1：社区正职",
        "等级范围",
        "组织考核权重（%）",
        "持证补助·社会工作师（元/月）",
        "晋升所需最低考核等次",
        "7-18",
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(!page.contains("organisation_weight\">") && !page.contains("average_wage</"), "no keys shown as text");
    let csrf = csrf_of(&page);

    // A bad value and a rule the checker refuses: 422, the messages beside the fields, the typed
    // values kept, nothing saved.
    let mut v = fields_of(&body);
    v.insert("_csrf".into(), csrf.clone());
    v.insert("_version".into(), version.to_string());
    v.insert("training.head_every_years".into(), "每年".into());
    v.insert("assessment.routine_weight".into(), "25".into());
    let r = post_edit(&app, &b, &v).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("书记、主任轮训周期（年）应为0或正整数"), "{html}");
    assert!(html.contains("value=\"每年\""), "what was typed is kept");
    let (_, same) = app.get_json(&prov, "/api/v1/policies/haining-2020").await;
    assert_eq!(same["version"].as_i64().unwrap(), version);
    v.insert("training.head_every_years".into(), "1".into());
    let html = post_edit(&app, &b, &v).await.text().await.unwrap();
    assert!(html.contains("考核权重之和应为100，实际为115"), "{html}");

    // A good change: saved as the next version, the comments kept, the rule changed.
    v.insert("assessment.routine_weight".into(), "10".into());
    v.insert("assessment.excellent_cap_pct".into(), "15".into());
    v.insert("pay.certificate_allowance.junior".into(), "120".into());
    let r = post_edit(&app, &b, &v).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("/policies/haining-2020?version={}", version + 1)));
    let shown = text_of(&b, app.url(&to)).await;
    assert!(
        shown.contains("已保存") && shown.contains("为区划指定政策"),
        "the policy page says it was saved and what next"
    );
    let (_, after) = app.get_json(&prov, "/api/v1/policies/haining-2020").await;
    assert_eq!(after["version"].as_i64().unwrap(), version + 1);
    let new_body = after["body"].as_str().unwrap();
    assert!(new_body.contains("excellent_cap_pct = 15"));
    assert!(new_body.contains("junior = 120"));
    assert!(new_body.contains("# 岗位津贴（示例）"), "comments kept");
    assert_eq!(after["rules"]["assessment"]["excellent_cap_pct"], 15, "{after}");

    // The same form posted again (opened on the old version): refused, not a silent overwrite.
    let html = post_edit(&app, &b, &v).await.text().await.unwrap();
    assert!(html.contains("其后已有人保存了"), "{html}");

    // Without the version it was opened on, a form is refused rather than taken as the latest.
    let mut bare = v.clone();
    bare.remove("_version");
    let r = post_edit(&app, &b, &bare).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Two people saving the same version at the same moment: one is saved, the other is told.
    let latest = version + 1;
    let page = text_of(&b, app.url("/policies/haining-2020/edit")).await;
    let csrf = csrf_of(&page);
    let mut one = fields_of(new_body);
    one.insert("_csrf".into(), csrf.clone());
    one.insert("_version".into(), latest.to_string());
    let mut two = one.clone();
    one.insert("title".into(), "甲改的标题".into());
    two.insert("source".into(), "乙改的依据".into());
    let (r1, r2) = tokio::join!(
        b.post(app.url("/policies/haining-2020/edit")).form(&one).send(),
        b.post(app.url("/policies/haining-2020/edit")).form(&two).send()
    );
    let statuses = [r1.unwrap().status(), r2.unwrap().status()];
    assert!(statuses.contains(&StatusCode::SEE_OTHER), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::UNPROCESSABLE_ENTITY), "{statuses:?}");
    let (_, now) = app.get_json(&prov, "/api/v1/policies/haining-2020").await;
    assert_eq!(now["version"].as_i64().unwrap(), latest + 1, "one save, not two");
    // Eight uploads of new versions at once through the API: every one saved, none fails.
    let now_body = now["body"].as_str().unwrap().to_string();
    let uploads = (0..8).map(|i| {
        let body = now_body.replacen("title = \"", &format!("title = \"并发{i}"), 1);
        let (app, prov) = (&app, &prov);
        async move { app.post_json(prov, "/api/v1/policies", serde_json::json!({"body": body})).await.0 }
    });
    for s in futures_join_all(uploads).await {
        assert!(s.is_success(), "{s}");
    }
    let (_, after8) = app.get_json(&prov, "/api/v1/policies/haining-2020").await;
    assert_eq!(after8["version"].as_i64().unwrap(), latest + 9);

    // A county administrator and a worker may not open or post it.
    for user in ["haining", "worker"] {
        let c = browser();
        browser_login(&app, &c, user, DEMO_PASSWORD, "/").await;
        let r = c.get(app.url("/policies/haining-2020/edit")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user}");
        let home = text_of(&c, app.url("/")).await;
        let mut v = fields_of(&body);
        v.insert("_csrf".into(), csrf_of(&home));
        v.insert("_version".into(), (version + 1).to_string());
        let r = c.post(app.url("/policies/haining-2020/edit")).form(&v).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user}");
    }
    let (_, still) = app.get_json(&prov, "/api/v1/policies/haining-2020").await;
    assert_eq!(still["version"].as_i64().unwrap(), latest + 9);
}
both_engines!(a_policy_is_edited_as_a_form);

/// Runs the futures at once and gives their outputs in order.
async fn futures_join_all<F: std::future::Future>(fs: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = fs.into_iter().map(Box::pin).collect();
    let mut out = Vec::new();
    // Polled together: each is started before any is awaited to its end.
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    out.extend(results.into_iter().map(|r| r.expect("every future finished")));
    out
}

async fn a_policy_is_applied_to_a_region_named_by_its_name(app: TestApp) {
    let hn = app.token("haining").await;
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    let page = text_of(&b, app.url("/policies")).await;
    assert!(page.contains("data-region-picker"), "the region is picked by name");
    assert!(!page.contains("岗位类别键"), "no keys as a column");
    let r = b
        .post(app.url("/policies/apply"))
        .form(&[
            ("_csrf", csrf_of(&page).as_str()),
            ("region", "海宁市 硖石街道"),
            ("name", "jilin-2020"),
            ("from", "2026-12-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(flash_kind(&r).as_deref(), Some("notice"), "{:?}", r.headers());
    let (_, p) = app.get_json(&hn, "/api/v1/regions/330481001/policy?date=2026-12-02").await;
    assert_eq!(p["in_force"]["name"], "jilin-2020", "{p}");
    // A name that fits nothing is refused, naming it.
    let r = b
        .post(app.url("/policies/apply"))
        .form(&[
            ("_csrf", csrf_of(&page).as_str()),
            ("region", "没有这个街道"),
            ("name", "jilin-2020"),
            ("from", "2026-12-01"),
        ])
        .send()
        .await
        .unwrap();
    let back = text_of(&b, app.url(r.headers()["location"].to_str().unwrap())).await;
    assert!(back.contains("没有名为“没有这个街道”的区划"), "the refusal names the region");
}
both_engines!(a_policy_is_applied_to_a_region_named_by_its_name);
