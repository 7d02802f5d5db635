//! Lists on the pages are paged on the server and say their total: nothing stops silently.

use crate::both_engines;
use crate::helpers::{TestApp, browser_login, text_of};
use shegong_store::demo::DEMO_PASSWORD;

use crate::helpers::browser;

/// The workers linked from a page's table rows, in order.
fn workers_listed(html: &str) -> Vec<String> {
    html.split("<td><a href=\"/workers/").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

async fn lists_are_paged_and_say_their_total(app: TestApp) {
    let b = browser();
    browser_login(&app, &b, "haining", DEMO_PASSWORD, "/").await;
    // Training overdue: every worker behind is reachable, a page at a time.
    let t = app.token("haining").await;
    let (_, all) = app.get_json(&t, "/api/v1/training/overdue").await;
    let total = all["total"].as_u64().unwrap();
    assert!(total > 40, "the demo has more people behind than one page: {total}");
    // The home page counts them, linked to the list.
    let home = text_of(&b, app.url("/")).await;
    assert!(
        home.contains(&format!(
            r#"<a href="/training/overdue"><span>培训未达要求</span><b>{}</b></a>"#,
            grouped(total)
        )),
        "{home}"
    );
    let first = text_of(&b, app.url("/training/overdue?per_page=20")).await;
    let second = text_of(&b, app.url("/training/overdue?page=2&per_page=20")).await;
    assert!(first.contains(&format!("共 {total} 人未达要求")), "{first}");
    assert!(first.contains(&format!("共 {total} 条")));
    let (a, z) = (workers_listed(&first), workers_listed(&second));
    assert_eq!((a.len(), z.len()), (20, 20));
    assert!(a.iter().all(|w| !z.contains(w)), "page 2 repeats page 1");
    let api_ids: Vec<&str> =
        all["items"].as_array().unwrap().iter().map(|o| o["worker_id"].as_str().unwrap()).collect();
    assert_eq!(a, api_ids[..20], "the pages list the same people in the same order as the API");
    assert_eq!(z, api_ids[20..40]);
    let last_page = total.div_ceil(100);
    let last = text_of(&b, app.url(&format!("/training/overdue?page={last_page}&per_page=100"))).await;
    assert_eq!(workers_listed(&last).len() as u64, total - (last_page - 1) * 100);
    // Hostile paging: refused or brought back, never a server error.
    for q in [
        "page=abc",
        "page=-1",
        "page=99999999999999999999999",
        "per_page=18446744073709551615",
        "page=1000000&per_page=100",
        "page=0",
    ] {
        let r = b.get(app.url(&format!("/training/overdue?{q}"))).send().await.unwrap();
        assert!(r.status().as_u16() < 500, "{q}: {}", r.status());
    }
    // A page number that is not a number is said, naming it (not a 404 as if nothing were there).
    for page in ["/training/overdue?page=abc", "/alerts?per_page=abc", "/corrections?page=x"] {
        let r = b.get(app.url(page)).send().await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("地址中的页码（page）") || html.contains("地址中的每页条数（per_page）"),
            "{page}: {html}"
        );
    }
    let far = text_of(&b, app.url("/training/overdue?page=1000000&per_page=100")).await;
    assert!(workers_listed(&far).is_empty());
    // A size not offered falls back to 50.
    let odd = text_of(&b, app.url("/training/overdue?per_page=7")).await;
    assert_eq!(workers_listed(&odd).len(), 50);

    // Payroll runs of the city (two counties, a year each): two pages of 20, and the export has all.
    let c = browser();
    browser_login(&app, &c, "city", DEMO_PASSWORD, "/").await;
    let runs = |html: &str| html.matches("<a href=\"/payroll/0").count();
    let p1 = text_of(&c, app.url("/payroll?per_page=20")).await;
    let p2 = text_of(&c, app.url("/payroll?page=2&per_page=20")).await;
    let city = app.token("city").await;
    let (_, listed) = app.get_json(&city, "/api/v1/payroll/runs").await;
    let n = listed["total"].as_u64().unwrap() as usize;
    assert!(n > 20, "{n} runs");
    assert_eq!(runs(&p1) + runs(&p2), n, "the two pages hold every run");
    assert!(p1.contains(&format!("共 {n} 条")));
    let x = c.get(app.url("/payroll?format=xlsx")).send().await.unwrap();
    assert_eq!(x.status(), reqwest::StatusCode::OK);
}
both_engines!(lists_are_paged_and_say_their_total);

/// A count as pages show it: 14337 → "14,337".
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Every id of a list walked one way: by page number, or by `after` (keyset).
async fn walk(app: &TestApp, token: &str, query: &str, keyset: bool) -> (Vec<String>, u64) {
    let (mut ids, mut page, mut after) = (Vec::new(), 1, None::<String>);
    let mut total;
    loop {
        let path = match (&after, keyset) {
            (Some(a), true) => format!("/api/v1/workers?{query}&per_page=97&after={a}"),
            _ => format!("/api/v1/workers?{query}&per_page=97&page={page}"),
        };
        let (s, v) = app.get_json(token, &path).await;
        assert_eq!(s, reqwest::StatusCode::OK, "{path}: {v}");
        total = v["total"].as_u64().unwrap();
        let items = v["items"].as_array().unwrap();
        ids.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_string()));
        match v["next"].as_str() {
            Some(n) if !items.is_empty() => after = Some(n.to_string()),
            _ => break,
        }
        page += 1;
        assert!(page < 200, "{query} does not end");
    }
    (ids, total)
}

async fn keyset_paging_walks_the_same_list_as_page_numbers(app: TestApp) {
    let t = app.token("haining").await;
    for query in [
        "sort=region",
        "sort=name",
        "sort=-name",
        "sort=age",
        "sort=-age",
        "sort=service",
        "sort=-service",
        "status=all&sort=-service",
        "status=exited&sort=service",
        "q=%E7%8E%8B",
        "q=%E7%8E%8B&sort=-age",
        "certificate=any&education=bachelor&sort=name",
    ] {
        let (by_number, total) = walk(&app, &t, query, false).await;
        let (by_key, key_total) = walk(&app, &t, query, true).await;
        assert_eq!(total, key_total);
        assert_eq!(by_number.len() as u64, total, "{query}: page numbers reach every row");
        assert_eq!(by_key, by_number, "{query}: keyset pages differ from numbered pages");
        let mut unique = by_key.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), by_key.len(), "{query}: a row on two pages");
    }
    // A name typed in full comes first, and the pages after it go on from there.
    let (_, first) = app.get_json(&t, "/api/v1/workers?per_page=1").await;
    let name = first["items"][0]["name"].as_str().unwrap().to_string();
    let q: String = name.chars().take(1).collect();
    let (ids, _) = walk(&app, &t, &format!("q={q}"), true).await;
    let (_, v) = app.get_json(&t, &format!("/api/v1/workers?q={q}&per_page=200")).await;
    assert_eq!(v["items"].as_array().unwrap().len().min(ids.len()), ids.len().min(200));
    // A bad or foreign position is refused by name, and says nothing of the other county.
    let (s, v) = app.get_json(&t, "/api/v1/workers?after=abc").await;
    assert_eq!(s, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["errors"][0]["field"], "after", "{v}");
    let tx = app.token("tongxiang").await;
    let (_, theirs) = app.get_json(&tx, "/api/v1/workers?per_page=1").await;
    let foreign = theirs["items"][0]["id"].as_str().unwrap();
    let (s, v) = app.get_json(&t, &format!("/api/v1/workers?after={foreign}")).await;
    assert_eq!(s, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, v2) = app.get_json(&t, &format!("/api/v1/workers?after={}", uuid::Uuid::now_v7())).await;
    assert_eq!(v["errors"], v2["errors"], "a foreign worker answers as a missing one");
}
both_engines!(keyset_paging_walks_the_same_list_as_page_numbers);

async fn the_worker_list_numbers_its_pages(app: TestApp) {
    let t = app.token("haining").await;
    let (_, v) = app.get_json(&t, "/api/v1/workers?per_page=20").await;
    let pages = v["total"].as_u64().unwrap().div_ceil(20);
    assert!(pages > 3);
    let r = app.get(&t, "/workers?page=2").await;
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!(">{pages}</a>")), "a link to the last page");
    let pager = &html[html.find("class=\"pager\"").unwrap()..];
    assert!(pager.contains("page=3&#38;per_page=20") && pager.contains("上一页"), "{}", &pager[..pager.len().min(800)]);
    assert!(!html.contains("?&#38;page"), "no empty parameter");
    // Past the end: the last page, not an empty one.
    let r = app.get(&t, "/workers?page=9999").await;
    assert!(r.url().as_str().ends_with(&format!("page={pages}&per_page=20")), "{}", r.url());
    let html = r.text().await.unwrap();
    assert!(!html.contains("没有符合条件的人员"));
}
both_engines!(the_worker_list_numbers_its_pages);
