//! 导入 over HTTP: the template, a spreadsheet as offices make them (a merged title above the header
//! row, blank rows, dates as Excel serial numbers), the dry run naming every bad row, all-or-nothing
//! commit, re-import without duplicates, the error sheet, and GB18030 CSV.

use crate::both_engines;
use crate::helpers::{TestApp, fresh_id};
use calamine::{Reader, Xlsx};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;

async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>, dry_run: bool) -> (StatusCode, Value) {
    let form =
        Form::new().part("file", Part::bytes(bytes).file_name(name.to_string())).text("dry_run", dry_run.to_string());
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/imports"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = (r.status(), r.json().await.unwrap());
    crate::schema::check("POST", "/api/v1/imports", status.as_u16(), &body);
    (status, body)
}

const HEADERS: [&str; 10] = [
    "姓名",
    "身份证号",
    "所在社区代码",
    "岗位类别",
    "职务",
    "任职开始日期",
    "学历代码",
    "社工证等级",
    "手机号码",
    "发证日期",
];

/// A roster as an office would save it: a merged title row, the header row, a blank row, rows with
/// dates as serial numbers.
fn workbook(rows: &[[String; 10]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.merge_range(0, 0, 0, 9, "海宁市社区工作者花名册（2026年）", &Format::new().set_bold()).unwrap();
    for (i, h) in HEADERS.iter().enumerate() {
        ws.write_string(1, i as u16, *h).unwrap();
    }
    // Row 3 left blank on purpose.
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, v) in row.iter().enumerate() {
            if c == 5 && !v.is_empty() {
                let d = ExcelDateTime::parse_from_str(v).unwrap();
                ws.write_datetime_with_format(r, c as u16, &d, &date).unwrap();
            } else if c == 9 && !v.is_empty() {
                // A date typed as a bare serial number, without a date format.
                let d = ExcelDateTime::parse_from_str(v).unwrap();
                ws.write_number(r, c as u16, d.to_excel()).unwrap();
            } else if c == 8 {
                // A phone number typed as a number.
                ws.write_number(r, c as u16, v.parse::<f64>().unwrap()).unwrap();
            } else {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn row(name: &str, id: &str, community: &str, cert: &str) -> [String; 10] {
    [
        name.into(),
        id.into(),
        community.into(),
        "其他工作人员".into(),
        "专职工作者".into(),
        "2024-03-01".into(),
        "21 大学本科毕业".into(),
        cert.into(),
        "13912345678".into(),
        if cert.is_empty() { String::new() } else { "2023-06-20".into() },
    ]
}

async fn import_checks_every_row_and_commits_all_or_nothing(app: TestApp) {
    let t = app.token("haining").await;
    // The template: the exact headers, dropdown lists, notes.
    let r = app.get(&t, "/api/v1/imports/template.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(wb.sheet_names(), vec!["社区工作者", "填写说明", "代码表"]);
    let heads: Vec<String> =
        wb.worksheet_range("社区工作者").unwrap().rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    for h in
        ["姓名", "身份证号", "所在社区代码", "岗位类别", "职务", "任职开始日期", "学历代码", "社工证等级", "手机号码"]
    {
        assert!(heads.iter().any(|x| x == h), "template lacks {h}");
    }
    let codes = wb.worksheet_range("代码表").unwrap();
    assert!(codes.rows().any(|r| r.iter().any(|c| *c == "21 大学本科毕业")));

    let before = app.counts().await;
    let (a, b, c) = (fresh_id(11), fresh_id(12), fresh_id(13));
    let mut bad_id = fresh_id(14);
    bad_id.replace_range(17.., if bad_id.ends_with('0') { "1" } else { "0" });
    let rows = vec![
        row("王一", &a, "330481001001", "初级"),
        row("王二", &b, "330481001001", ""),
        row("王三", &c, "330481002001", "中级"),
        row("王四", &bad_id, "330481001001", ""),
        row("王五", &fresh_id(15), "330483001001", ""),
        row("王六", &a, "330481001001", ""),
    ];
    let file = workbook(&rows);
    let (s, v) = upload(&app, &t, "花名册.xlsx", file.clone(), true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["rows"], 6, "the blank row is not a row");
    assert_eq!(v["committed"], false);
    let errors = v["errors"].as_array().unwrap();
    let at = |row: u64| errors.iter().find(|e| e["row"] == row).unwrap_or_else(|| panic!("row {row} not flagged: {v}"));
    assert_eq!(at(7)["field"], "身份证号");
    assert!(at(7)["message"].as_str().unwrap().contains("校验"), "{}", at(7));
    assert_eq!(at(8)["field"], "所在社区代码");
    assert!(at(8)["message"].as_str().unwrap().contains("管辖范围"));
    assert!(at(9)["message"].as_str().unwrap().contains("第4行"), "duplicate of spreadsheet row 4");
    assert_eq!(errors.len(), 3, "{v}");
    // The error sheet of that check.
    let id = v["id"].as_str().unwrap();
    let r = app.get(&t, &format!("/api/v1/imports/{id}/errors.xlsx")).await;
    let named = r.headers()["content-disposition"].to_str().unwrap().to_string();
    // 「导入错误-花名册.xlsx」, percent-encoded: the upload's name without its extension twice.
    assert!(named.ends_with("%E8%8A%B1%E5%90%8D%E5%86%8C.xlsx"), "{named}");
    let mut es: Xlsx<_> = Xlsx::new(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(es.worksheet_range("错误清单").unwrap().rows().count(), 4);
    // Committing a file with errors changes nothing.
    let (s, v) = upload(&app, &t, "花名册.xlsx", file, false).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["committed"], false);
    assert_eq!(app.counts().await, before, "nothing written");
    // Neither can another county see the upload.
    let other = app.token("tongxiang").await;
    assert_eq!(app.get(&other, &format!("/api/v1/imports/{id}/errors.xlsx")).await.status(), StatusCode::NOT_FOUND);

    // The good rows: committed together; again: nobody duplicated.
    let good = workbook(&rows[..3]);
    let (s, v) = upload(&app, &t, "花名册.xlsx", good.clone(), false).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["committed"].as_bool(), v["created"].as_u64()), (Some(true), Some(3)));
    let after = app.counts().await;
    assert_eq!(after[0], before[0] + 3);
    let (_, list) = app.get_json(&t, &format!("/api/v1/workers?q={c}")).await;
    let w = &list["items"][0];
    assert_eq!(w["service_start"], "2024-03-01", "date cell read as a date: {w}");
    let (_, archive) = app.get_json(&t, &format!("/api/v1/workers/{}", w["id"].as_str().unwrap())).await;
    assert!(archive.to_string().contains("2023-06-20"), "serial number read as the certificate date: {archive}");
    let (s, v) = upload(&app, &t, "花名册.xlsx", good, false).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!((v["created"].as_u64(), v["unchanged"].as_u64()), (Some(0), Some(3)));
    assert_eq!(app.counts().await, after, "re-import writes nothing");
    // A changed phone number updates the archive in place.
    let mut changed = rows[1].clone();
    changed[8] = "13700000000".into();
    let (_, v) = upload(&app, &t, "更新.xlsx", workbook(&[changed]), false).await;
    assert_eq!(v["updated"], 1, "{v}");
    assert_eq!(app.counts().await[0], after[0]);

    // A move that would start before the current post is flagged at its row by the dry run.
    let mut earlier = rows[2].clone();
    earlier[2] = "330481001001".into();
    earlier[5] = "2023-01-01".into();
    let (s, v) = upload(&app, &t, "调动.xlsx", workbook(&[earlier]), true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["errors"][0]["row"], 4);
    assert_eq!(v["errors"][0]["field"], "任职开始日期");
    assert_eq!(app.counts().await[1], after[1], "no appointment written");

    // GB18030 CSV as Chinese Excel saves it, with a blank line.
    let csv = format!(
        "姓名,身份证号,所在社区代码,岗位类别,职务,任职开始日期,学历代码,社工证等级,手机号码\r\n\
         李雷,{},330481001001,其他工作人员,专职工作者,2025-01-02,31,,13900000001\r\n,,,,,,,,\r\n\
         韩梅梅,{},330481001001,社区副职,副主任,2025/1/2,大学本科毕业,助理社会工作师,13900000002\r\n",
        fresh_id(21),
        fresh_id(22)
    );
    let (gb, _, _) = encoding_rs::GB18030.encode(&csv);
    let (s, v) = upload(&app, &t, "名单.csv", gb.into_owned(), true).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["rows"], 2);
    // A worker or a file without the required columns is refused.
    let (s, v) = upload(&app, &t, "x.csv", "姓名,身份证号\n张三,1\n".as_bytes().to_vec(), true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["message"].as_str().unwrap().contains("缺少必需的列"), "{v}");
    let wt = app.token("worker").await;
    let (s, _) = upload(&app, &wt, "名单.csv", csv.into_bytes(), true).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND);
}
both_engines!(import_checks_every_row_and_commits_all_or_nothing);

/// A row naming a person whose archive is kept (they left) with another name is refused at its row
/// by the check, as registering them one by one would be, not later by the commit as a whole.
async fn import_checks_the_name_of_a_kept_archive(app: TestApp) {
    let t = app.token("haining").await;
    let (_, mine) = app.get_json(&t, "/api/v1/workers?per_page=1").await;
    let id = mine["items"][0]["id"].as_str().unwrap().to_string();
    let (_, w) = app.get_json(&t, &format!("/api/v1/workers/{id}?full_id=true")).await;
    let number = w["id_number_full"].as_str().unwrap().to_string();
    let (s, v) = app
        .post_json(
            &t,
            &format!("/api/v1/workers/{id}/exit"),
            serde_json::json!({"exited_on": "2026-06-30", "reason": "个人辞职"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let csv = format!(
        "姓名,身份证号,所在社区代码,岗位类别,职务,任职开始日期,学历代码,社工证等级,手机号码\n\
         冒名顶替,{number},330481001001,其他工作人员,专职工作者,2026-07-01,31,,13900000001\n"
    );
    let (s, v) = upload(&app, &t, "名单.csv", csv.into_bytes(), true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["errors"][0]["row"], 2, "{v}");
    assert_eq!(v["errors"][0]["field"], "姓名", "{v}");
}
both_engines!(import_checks_the_name_of_a_kept_archive);

async fn a_roster_names_communities_and_education_as_offices_write_them(app: TestApp) {
    let t = app.token("haining").await;
    let (_, community) = app.get_json(&t, "/api/v1/regions/330481001001").await;
    let name = community["name"].as_str().unwrap().to_string();
    let (_, street) = app.get_json(&t, "/api/v1/regions/330481001").await;
    let street_name = street["name"].as_str().unwrap().to_string();
    let (a, b) = (fresh_id(21), fresh_id(22));
    let csv = format!(
        "姓名,身份证号,所在社区,岗位类别,职务,任职开始日期,学历,社工证等级,手机号码\n\
         名称甲,{a},{street_name} {name},其他工作人员,专职工作者,2025-03-01,本科,,13900000001\n\
         名称乙,{b},没有这个社区,其他工作人员,专职工作者,2025-03-01,大专,,13900000002\n"
    );
    let (s, v) = upload(&app, &t, "名单.csv", csv.into_bytes(), true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "only the unknown community is wrong: {v}");
    assert_eq!(errors[0]["row"], 3);
    assert!(errors[0]["message"].as_str().unwrap().contains("没有名为“没有这个社区”的社区"), "{v}");
    // The good row alone goes in, its community and education read from the names.
    let csv = format!(
        "姓名,身份证号,所在社区,岗位类别,职务,任职开始日期,学历,社工证等级,手机号码\n\
         名称甲,{a},{street_name} {name},其他工作人员,专职工作者,2025-03-01,本科,,13900000001\n"
    );
    let (s, v) = upload(&app, &t, "名单.csv", csv.into_bytes(), false).await;
    assert!(s.is_success(), "{v}");
    let (_, found) = app.get_json(&t, &format!("/api/v1/workers?q={a}")).await;
    assert_eq!(found["items"][0]["community_code"], "330481001001", "{found}");
    assert_eq!(found["items"][0]["education_code"], "21", "{found}");
}
both_engines!(a_roster_names_communities_and_education_as_offices_write_them);

/// A roster larger than a web form's usual 2 MB is read and checked (the limit is the file limit).
async fn a_roster_of_several_megabytes_is_read(app: TestApp) {
    let t = app.token("haining").await;
    let mut csv = String::from("姓名,身份证号,手机号码,所在社区代码,岗位类别,职务,任职开始日期,学历代码,社工证等级\n");
    let mut i = 0;
    while csv.len() < 3 << 20 {
        csv.push_str(&format!("测试{i},不是号码,13900000000,330481001001,其他工作人员,专职工作者,2020-01-01,21,\n"));
        i += 1;
    }
    let (s, v) = upload(&app, &t, "big.csv", csv.into_bytes(), true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}", &v.to_string()[..300.min(v.to_string().len())]);
    assert!(!v.to_string().contains("文件过大"), "{}", &v.to_string()[..300]);
    assert!(v["errors"].as_array().is_some_and(|e| !e.is_empty()));
}
both_engines!(a_roster_of_several_megabytes_is_read);
