use crate::both_engines;
use crate::helpers::TestApp;
use calamine::{Reader, Xlsx};
use reqwest::StatusCode;

async fn export_is_scoped_and_in_chinese(app: TestApp) {
    let t = app.token("haining").await;
    let r = app.get(&t, "/api/v1/workers.xlsx?certificate=any").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = r.bytes().await.unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = wb.worksheet_range("社区工作者").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][0], "姓名");
    assert_eq!(rows[0][1], "身份证号码");
    assert_eq!(rows[0][7], "所在社区代码");
    let expected = app.all_workers(&t, "certificate=any").await.len();
    assert_eq!(rows.len() - 1, expected, "one row per listed worker");
    assert!(rows[1..].iter().all(|r| r[7].starts_with("330481")), "only 海宁市 rows");
    assert!(rows[1..].iter().all(|r| r[1].contains("********")), "ID numbers masked");
    // The neighbour's export from 海宁市's token, narrowed to 桐乡市: headers only.
    let r = app.get(&t, "/api/v1/workers.xlsx?region=330483").await;
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(wb.worksheet_range("社区工作者").unwrap().rows().count(), 1);
    // The page export is the same file.
    let r = app.get(&t, "/workers.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
}
both_engines!(export_is_scoped_and_in_chinese);

fn sheet_rows(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).unwrap();
            let rows = r.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
            (n, rows)
        })
        .collect()
}

async fn xlsx(app: &TestApp, t: &str, path: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let r = app.get(t, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"), "{path}");
    sheet_rows(&r.bytes().await.unwrap())
}

async fn every_list_page_exports_what_it_shows(app: TestApp) {
    let t = app.token("haining").await;
    // The career pages' tables: the same handler with format=xlsx, one sheet a table.
    let staffing = xlsx(&app, &t, "/staffing?region=330481&format=xlsx").await;
    let (_, v) = app.get_json(&t, "/api/v1/regions/330481/staffing").await;
    let table = &staffing.iter().find(|(_, rows)| rows[0][0] == "代码").unwrap().1;
    assert_eq!(table.len() - 1, v["children"].as_array().unwrap().len(), "one row per street");
    assert!(table[1..].iter().all(|r| r[0].starts_with("330481")));
    for path in [
        "/staffing?region=330481&format=xlsx",
        "/reserves?format=xlsx",
        "/assessments?format=xlsx",
        "/payroll?format=xlsx",
        "/budget?format=xlsx",
    ] {
        let sheets = xlsx(&app, &t, path).await;
        assert!(!sheets.is_empty(), "{path}");
        for (name, rows) in &sheets {
            // Every column the page shows has its header.
            assert!(rows[0].iter().all(|h| !h.is_empty()), "{path} sheet {name}: {:?}", rows[0]);
        }
    }
    // Outside the caller's region: 404, as the page.
    assert_eq!(app.get(&t, "/staffing?region=330483&format=xlsx").await.status(), StatusCode::NOT_FOUND);
    // Region children, users, trainings, audit log.
    let kids = xlsx(&app, &t, "/regions/330481/children.xlsx").await;
    let (_, region) = app.get_json(&t, "/api/v1/regions/330481").await;
    assert_eq!(kids[0].1.len() - 1, region["children"].as_array().unwrap().len());
    assert_eq!(app.get(&t, "/regions/330483/children.xlsx").await.status(), StatusCode::NOT_FOUND);
    let users = xlsx(&app, &t, "/users.xlsx").await;
    assert!(users[0].1[1..].iter().all(|r| r[3].contains("（330481")), "{:?}", users[0].1);
    let trainings = xlsx(&app, &t, "/trainings.xlsx").await;
    assert!(trainings[0].1.len() > 1);
    let audit = xlsx(&app, &t, "/audit.xlsx").await;
    // 区划 as 名称（代码）, every one inside 海宁.
    assert!(
        audit[0].1[1..].iter().all(|r| r[4].starts_with("330481") || r[4].contains("（330481")),
        "{:?}",
        &audit[0].1[..3]
    );
    let (_, log) = app.get_json(&t, "/api/v1/audit?per_page=1").await;
    assert_eq!((audit[0].1.len() - 1) as u64, log["total"].as_u64().unwrap(), "the whole log, not a page");
}
both_engines!(every_list_page_exports_what_it_shows);
