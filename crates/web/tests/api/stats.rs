//! 统计分析 over HTTP: figures for a date against a base date, the county as the sum of its
//! streets, the generated sentence, scope, bad dates, and the Excel export.

use crate::both_engines;
use crate::helpers::TestApp;
use calamine::{Reader, Xlsx};
use reqwest::StatusCode;

async fn figures_add_up_and_stay_in_scope(app: TestApp) {
    let t = app.token("haining").await;
    let (s, v) = app.get_json(&t, "/api/v1/stats?region=330481&date=2025-12-31&base_date=2020-12-31").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let f = &v["figures"];
    let workers = f["workers"].as_i64().unwrap();
    assert!(workers > 0);
    // Every breakdown covers everybody.
    for k in [
        "by_post_category",
        "by_education",
        "by_certificate",
        "by_gender",
        "by_political_status",
        "by_age",
        "by_service_years",
    ] {
        let sum: i64 = f[k].as_array().unwrap().iter().map(|x| x["count"].as_i64().unwrap()).sum();
        assert_eq!(sum, workers, "{k}");
    }
    // The county equals the sum of its streets, each asked for on its own, for every count.
    let counts = [
        "workers",
        "full_time",
        "two_committees",
        "college_or_above",
        "certified",
        "postgraduate",
        "residents",
        "households",
    ];
    let mut sums = vec![0i64; counts.len()];
    for child in v["children"].as_array().unwrap() {
        let code = child["code"].as_str().unwrap();
        let (s, sv) = app.get_json(&t, &format!("/api/v1/stats?region={code}&date=2025-12-31")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(sv["figures"]["workers"], child["workers"]);
        for (i, k) in counts.iter().enumerate() {
            sums[i] += sv["figures"][*k].as_i64().unwrap();
        }
    }
    for (i, k) in counts.iter().enumerate() {
        assert_eq!(sums[i], f[*k].as_i64().unwrap(), "{k}: streets add up to the county");
    }
    // Change against the base date, and the sentence that says it.
    let base = v["base"]["workers"].as_i64().unwrap();
    assert_eq!(v["change"]["workers"]["delta"].as_i64().unwrap(), workers - base);
    let first = v["sentences"][0].as_str().unwrap();
    assert!(first.starts_with(&format!("截至2025年底，海宁市共有{workers}名社区工作者，相比2020年")), "{first}");
    assert!(first.contains(&format!("{}名", (workers - base).abs())));
    // A different day gives different figures (from the history, not today's state).
    let (_, old) = app.get_json(&t, "/api/v1/stats?region=330481&date=2016-12-31").await;
    assert!(old["figures"]["workers"].as_i64().unwrap() < workers);
    // The trend agrees.
    let (_, tr) = app.get_json(&t, "/api/v1/stats/trend?region=330481&from_year=2016&date=2025-12-31").await;
    let tr = tr.as_array().unwrap();
    assert_eq!(tr.first().unwrap()["workers"], old["figures"]["workers"]);
    assert_eq!(tr.last().unwrap()["workers"].as_i64().unwrap(), workers);

    // Outside the caller's region: 404; a bad date: 422 naming the field.
    let (s, _) = app.get_json(&t, "/api/v1/stats?region=330483").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = app.get_json(&t, "/api/v1/stats?date=2025-13-40").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["field"], "date");
    let (s, e) = app.get_json(&t, "/api/v1/stats?date=2020-01-01&base_date=2021-01-01").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["field"], "base_date");
    let w = app.token("worker").await;
    let (s, _) = app.get_json(&w, "/api/v1/stats").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Excel: every chart and table, the figures the API gives.
    let r = app.get(&t, "/api/v1/stats.xlsx?region=330481&date=2025-12-31&base_date=2020-12-31").await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(wb.sheet_names(), vec!["概况", "队伍结构", "下级区划", "历年变化"]);
    let kids = wb.worksheet_range("下级区划").unwrap();
    assert_eq!(kids.rows().count() - 1, v["children"].as_array().unwrap().len());
    let total: f64 = kids.rows().skip(1).map(|r| r[2].to_string().parse::<f64>().unwrap()).sum();
    assert_eq!(total as i64, workers);
    let r = app.get(&t, "/api/v1/stats.xlsx?region=330481&part=children").await;
    let wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(wb.sheet_names(), vec!["下级区划"]);
}
both_engines!(figures_add_up_and_stay_in_scope);
