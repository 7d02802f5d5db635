//! Excel exports. Rows are read a page at a time and written to a constant-memory worksheet, so a
//! province-wide export never holds every row in memory at once.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::views::{today, worker_item};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};
use shegong_domain::codes::{ETHNICITY, POLITICAL_STATUS};
use shegong_store::workers::{self, WorkerFilter};
use shegong_store::{audit, regions};

const HEADERS: [(&str, f64); 17] = [
    ("姓名", 10.0),
    ("身份证号码", 22.0),
    ("性别", 6.0),
    ("出生日期", 12.0),
    ("年龄", 6.0),
    ("民族", 8.0),
    ("政治面貌", 12.0),
    ("所在社区代码", 15.0),
    ("所在社区", 14.0),
    ("岗位类别", 12.0),
    ("职务", 12.0),
    ("两委成员", 8.0),
    ("专职", 6.0),
    ("最高学历", 14.0),
    ("社工证等级", 14.0),
    ("任职开始日期", 12.0),
    ("状态", 8.0),
];

/// Excel's limit on the characters of a cell.
pub const CELL_CHARS: usize = 32_767;

/// A text cell that always fits: a longer text is cut with a marker saying how long it was, so an
/// export never fails on one long value.
pub(crate) fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    shegong_domain::text::clipped(s, CELL_CHARS)
}

pub(crate) fn xerr(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("xlsx: {e}"))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Finishes a workbook into an anonymous temporary file and streams it to the client, so a large
/// export is never held in memory whole (the constant-memory sheets spill rows to disk as they are
/// written; the finished file goes out in 64 KiB pieces). `ascii` is the fallback file name,
/// `name` the Chinese one.
pub(crate) async fn xlsx_response(mut wb: Workbook, ascii: &str, name: &str) -> ApiResult<Response> {
    let file = tokio::task::spawn_blocking(move || -> Result<std::fs::File, AppError> {
        use std::io::Seek;
        let mut f = tempfile::tempfile().map_err(|e| AppError::Internal(e.into()))?;
        wb.save_to_writer(&mut f).map_err(xerr)?;
        f.rewind().map_err(|e| AppError::Internal(e.into()))?;
        Ok(f)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))??;
    let len = file.metadata().map_err(|e| AppError::Internal(e.into()))?.len();
    let stream = tokio_util::io::ReaderStream::with_capacity(tokio::fs::File::from_std(file), 64 * 1024);
    let encoded: String = serde_urlencoded::to_string([("f", name)]).unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", &encoded[2..]),
            ),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

pub async fn workers_xlsx(st: &AppState, caller: &Caller, filter: &WorkerFilter) -> ApiResult<Response> {
    let filter = &WorkerFilter {
        id_prefix_search: caller.role.may(shegong_domain::Permission::ViewFullIdNumber),
        ..filter.clone()
    };
    let today = today();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name("社区工作者").map_err(xerr)?;
    for (i, (h, w)) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, *w).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    // Community names for the whole scope (a few thousand rows a province), then the rows a page
    // at a time straight into the sheet.
    let names = regions::community_names_in(&st.db, caller.scope.region().as_str()).await?;
    let mut row = 1u32;
    let mut failure = None;
    let n = workers::for_each(&st.db, &caller.scope, filter, today, |w| {
        let it = worker_item(w, &names, today);
        let cells: [&str; 17] = [
            &it.name,
            &it.id_number,
            &it.gender_label,
            &it.birth_date.to_string(),
            &it.age.to_string(),
            ETHNICITY.name(&w.ethnicity).unwrap_or(""),
            POLITICAL_STATUS.name(&w.political_status).unwrap_or(""),
            &it.community_code,
            &it.community_name,
            &it.post_category_label,
            &it.title,
            if it.two_committees { "是" } else { "否" },
            if it.full_time { "是" } else { "否" },
            &it.education_label,
            &it.certificate_label,
            &it.service_start.map(|d| d.to_string()).unwrap_or_default(),
            &it.status_label,
        ];
        for (c, v) in cells.iter().enumerate() {
            if let Err(e) = ws.write_string(row, c as u16, cell(v)) {
                failure = Some(e);
            }
        }
        row += 1;
    })
    .await?;
    if let Some(e) = failure {
        return Err(xerr(e));
    }
    audit::record(
        &st.db.writer,
        &caller.actor,
        "worker.export",
        caller.scope.region().as_str(),
        None,
        Some(format!("{n} 行")),
    )
    .await?;
    let filename = format!("社区工作者名单-{}.xlsx", today.format("%Y%m%d"));
    xlsx_response(wb, "workers.xlsx", &filename).await
}

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
            o.last_trained
                .map(|d| d.to_string())
                .unwrap_or_else(|| "从未参训".into()),
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

/// The pay sheet of a run: one row per worker, every component in yuan (numbers with two
/// decimals, summable in Excel), written page by page to a constant-memory sheet.
pub async fn paysheet_xlsx(st: &AppState, caller: &Caller, run_id: uuid::Uuid) -> ApiResult<Response> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name("工资表").map_err(xerr)?;
    let mut headers = vec!["姓名", "所在社区代码", "所在社区", "岗位类别", "等级"];
    headers.extend(shegong_store::payroll::COMPONENTS.iter().map(|(_, l)| *l));
    headers.extend(["应发合计", "低于保障线差额（月）"]);
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, if i == 1 { 15 } else { 12 })
            .map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    let names = regions::community_names_in(&st.db, caller.scope.region().as_str()).await?;
    let mut row = 1u32;
    let run = shegong_store::payroll::for_each_slip(&st.db, &caller.scope, run_id, |s, name| {
        let text = [
            name.to_string(),
            s.region_code.clone(),
            names.get(&s.region_code).cloned().unwrap_or_default(),
            shegong_domain::worker::post_category_label(&s.post_category).to_string(),
        ];
        for (c, v) in text.iter().enumerate() {
            ws.write_string(row, c as u16, cell(v))?;
        }
        ws.write_number(row, 4, f64::from(s.level))?;
        let amounts = [
            s.base_fen,
            s.post_pay_fen,
            s.allowance_fen,
            s.education_fen,
            s.certificate_fen,
            s.performance_fen,
            s.total_fen,
            s.floor_shortfall_fen,
        ];
        for (i, f) in amounts.iter().enumerate() {
            ws.write_number_with_format(row, 5 + i as u16, *f as f64 / 100.0, &money)?;
        }
        row += 1;
        Ok(())
    })
    .await?;
    audit::record(
        &st.db.writer,
        &caller.actor,
        "payroll.export",
        &run.region_code,
        Some(run.id.to_string()),
        Some(format!("{} 行", row - 1)),
    )
    .await?;
    let ascii = format!("paysheet-{}-{}.xlsx", run.region_code, run.month);
    let name = format!("工资表-{}-{}.xlsx", run.region_code, run.month);
    xlsx_response(wb, &ascii, &name).await
}

/// A cell of a simple table export.
pub(crate) enum XCell {
    T(String),
    N(f64),
}

/// Writes rows under Chinese headers into a constant-memory sheet, `next_rows` called until it
/// gives an empty batch (so a long list is read and written a page at a time), then streams it.
pub(crate) async fn table_xlsx<F, Fut>(
    sheet: &str,
    headers: &[(&str, f64)],
    mut next_rows: F,
    ascii: &str,
    name: &str,
) -> ApiResult<Response>
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = ApiResult<Vec<Vec<XCell>>>>,
{
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name(sheet).map_err(xerr)?;
    for (i, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, *w).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    let mut row = 1u32;
    for batch in 0.. {
        let rows = next_rows(batch).await?;
        if rows.is_empty() {
            break;
        }
        for cells in rows {
            for (c, v) in cells.into_iter().enumerate() {
                match v {
                    XCell::T(t) => ws.write_string(row, c as u16, cell(&t)),
                    XCell::N(n) => ws.write_number(row, c as u16, n),
                }
                .map_err(xerr)?;
            }
            row += 1;
        }
    }
    xlsx_response(wb, ascii, name).await
}
