//! Who is short of training hours, as Excel.
use crate::xlsx::cell;
use crate::xlsx::xerr;
use crate::xlsx::xlsx_response;

use crate::error::ApiResult;
use axum::response::Response;
use rust_xlsxwriter::{Format, Workbook};

/// The training-compliance list (who is behind the rotation) as Excel.
pub async fn overdue_xlsx(
    rows: &[shegong_store::training::Overdue],
    names: &std::collections::HashMap<String, String>,
) -> ApiResult<Response> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("培训逾期人员").map_err(xerr)?;
    let headers = [
        "姓名",
        "所在社区代码",
        "所在社区",
        "职务",
        "最近一次参训",
        "应训日期（逾期自）",
        "本年度学分",
        "年度学分要求",
        "学分差额",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, 16).map_err(xerr)?;
    }
    for (r, o) in rows.iter().enumerate() {
        let row = r as u32 + 1;
        let cells = [
            o.name.clone(),
            o.community_code.clone(),
            names.get(&o.community_code).cloned().unwrap_or_default(),
            o.title.clone(),
            o.last_trained.map(|d| d.to_string()).unwrap_or_else(|| "从未参训".into()),
            o.overdue_since.map_or(String::new(), |d| d.to_string()),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, c as u16, cell(v)).map_err(xerr)?;
        }
        ws.write_number(row, 6, o.credits_this_year as f64).map_err(xerr)?;
        ws.write_number(row, 7, o.credits_required as f64).map_err(xerr)?;
        ws.write_number(row, 8, o.credits_behind as f64).map_err(xerr)?;
    }
    xlsx_response(wb, "training-overdue.xlsx", "培训逾期人员.xlsx").await
}
