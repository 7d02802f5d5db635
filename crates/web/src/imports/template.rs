//! The roster template and the Excel list of a file's errors.

use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::xlsx::{xerr, xlsx_response};
use axum::response::Response;
use rust_xlsxwriter::{Color, DataValidation, Format, Formula, Workbook};
use shegong_domain::IdNumber;
use shegong_domain::codes::{EDUCATION, ETHNICITY, POLITICAL_STATUS};
use shegong_domain::worker::{CertificateLevel, POST_CATEGORIES};
use shegong_store::imports::{COLUMNS, RowError};

const EXAMPLE: [&str; 21] = [
    "张三",
    "",
    "女",
    "1990-05-17",
    "汉族",
    "中共党员",
    "13812345678",
    "某某街道某某小区1幢",
    "330481001001",
    "其他工作人员",
    "专职工作者",
    "2020-03-01",
    "否",
    "是",
    "21 大学本科毕业",
    "某某大学",
    "社会工作",
    "助理社会工作师",
    "2021330000001",
    "2021-06-20",
    "",
];

/// 导入模板：中文表头、国家标准代码下拉列表、填写说明和示例行
#[utoipa::path(get, path = "/imports/template.xlsx", tag = "导入",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn template(caller: Caller) -> ApiResult<Response> {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound);
    }
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_background_color(Color::RGB(0xF2F2F2));
    let required =
        Format::new().set_bold().set_font_color(Color::RGB(0xB7231B)).set_background_color(Color::RGB(0xF2F2F2));
    let text = Format::new().set_num_format("@");
    let lists: [(&str, Vec<String>); 8] = [
        ("岗位类别", POST_CATEGORIES.iter().map(|(_, l)| l.to_string()).collect()),
        ("学历代码", EDUCATION.entries().map(|(c, n)| format!("{c} {n}")).collect()),
        ("社工证等级", {
            let mut v = vec!["无".to_string()];
            v.extend(CertificateLevel::ALL.iter().map(|l| l.label().to_string()));
            v
        }),
        ("政治面貌", POLITICAL_STATUS.entries().map(|(_, n)| n.to_string()).collect()),
        ("民族", ETHNICITY.entries().map(|(_, n)| n.to_string()).collect()),
        ("性别", vec!["男".into(), "女".into()]),
        ("两委成员", vec!["是".into(), "否".into()]),
        ("专职", vec!["是".into(), "否".into()]),
    ];
    {
        let ws = wb.add_worksheet().set_name("社区工作者").map_err(xerr)?;
        for (i, (h, _, req, _)) in COLUMNS.iter().enumerate() {
            let col = i as u16;
            ws.write_string_with_format(0, col, *h, if *req { &required } else { &head }).map_err(xerr)?;
            ws.set_column_width(
                col,
                if matches!(*h, "身份证号" | "所在社区代码" | "学历代码" | "住址") { 20 } else { 12 },
            )
            .map_err(xerr)?;
            if matches!(*h, "身份证号" | "所在社区代码" | "手机号码" | "证书编号") {
                ws.set_column_format(col, &text).map_err(xerr)?;
            }
            if let Some((k, (_, values))) = lists.iter().enumerate().find(|(_, (name, _))| name == h) {
                let letter = (b'A' + k as u8) as char;
                let dv = DataValidation::new()
                    .allow_list_formula(Formula::new(format!("=代码表!${letter}$2:${letter}${}", values.len() + 1)))
                    .set_error_message(format!("请从下拉列表中选择{h}"))
                    .map_err(xerr)?;
                ws.add_data_validation(1, col, 100_000, col, &dv).map_err(xerr)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
    }
    {
        let ws = wb.add_worksheet().set_name("填写说明").map_err(xerr)?;
        let notes = [
            "社区工作者花名册导入模板",
            "1. 第一行为表头，请勿修改表头文字；红色表头为必填项。每行一名社区工作者，空行会被跳过。",
            "2. 身份证号须为18位且校验位正确；性别、出生日期可不填，按身份证号自动取得，填写时须与身份证号一致。",
            "3. 所在社区代码为12位统计用区划代码，须在您的管辖范围内。",
            "4. 岗位类别、学历代码、社工证等级、政治面貌、民族请从下拉列表选择（学历可只填代码，如 21）。",
            "5. 日期格式如 2020-03-01，也可使用 Excel 日期单元格。",
            "6. 上传后先检查全部行，列出每个有误的行、列和原因，可下载错误表；全部无误后才能确认导入，有一处错误就不做任何修改；导入期间他人修改了某人档案的，以他人的修改为准，该行列为“未导入”。",
            "7. 同一身份证号再次导入时更新原档案（姓名、联系方式等；社区、岗位或职务不同则自该行任职开始日期起变动任职），不会重复建档。",
            "8. 也可上传 CSV 文件（UTF-8 或 Excel 另存的 GB18030 编码）。",
            "",
            "示例（请勿把本行复制到“社区工作者”表，身份证号请填写真实号码）：",
        ];
        for (i, n) in notes.iter().enumerate() {
            ws.write_string(i as u32, 0, *n).map_err(xerr)?;
        }
        let r = notes.len() as u32;
        let example_id =
            IdNumber::compose("330481", chrono::NaiveDate::from_ymd_opt(1990, 5, 17).expect("valid date"), 124)
                .to_string();
        for (i, (h, _, _, _)) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(r, i as u16, *h, &head).map_err(xerr)?;
            let v = if i == 1 { example_id.as_str() } else { EXAMPLE[i] };
            ws.write_string(r + 1, i as u16, v).map_err(xerr)?;
        }
        ws.set_column_width(0, 14).map_err(xerr)?;
    }
    {
        let ws = wb.add_worksheet().set_name("代码表").map_err(xerr)?;
        for (k, (name, values)) in lists.iter().enumerate() {
            ws.write_string_with_format(0, k as u16, *name, &head).map_err(xerr)?;
            ws.set_column_width(k as u16, 18).map_err(xerr)?;
            for (i, v) in values.iter().enumerate() {
                ws.write_string(i as u32 + 1, k as u16, v).map_err(xerr)?;
            }
        }
    }
    xlsx_response(wb, "import-template.xlsx", "社区工作者导入模板.xlsx").await
}

/// The error sheet: row, column, reason.
pub async fn errors_xlsx(errors: &[RowError], name: &str) -> ApiResult<Response> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name("错误清单").map_err(xerr)?;
    for (i, (h, w)) in [("行号", 8.0), ("列", 16.0), ("原因", 80.0)].iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, *w).map_err(xerr)?;
    }
    for (i, e) in errors.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, e.row as f64).map_err(xerr)?;
        ws.write_string(r, 1, &e.field).map_err(xerr)?;
        ws.write_string(r, 2, crate::xlsx::cell(&e.message)).map_err(xerr)?;
    }
    // The uploaded file's name without its own extension: 「导入错误-花名册.xlsx」, not 「….xlsx.xlsx」.
    let stem = std::path::Path::new(name).file_stem().and_then(|s| s.to_str()).unwrap_or(name);
    xlsx_response(wb, "import-errors.xlsx", &format!("导入错误-{stem}.xlsx")).await
}
