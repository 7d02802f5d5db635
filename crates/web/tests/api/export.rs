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
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
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
