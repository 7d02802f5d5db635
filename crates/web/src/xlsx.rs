//! Excel exports. Rows are read a page at a time and written to a constant-memory worksheet, so a
//! province-wide export never holds every row in memory at once.

use crate::error::{ApiResult, AppError};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

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
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
            (header::CONTENT_DISPOSITION, disposition(ascii, name)),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

/// `Content-Disposition` for a download: `ascii` for old clients, the Chinese `name` (RFC 5987) for the rest.
pub(crate) fn disposition(ascii: &str, name: &str) -> String {
    // RFC 5987 wants %20, not the form encoding's '+', for a space.
    let encoded: String = serde_urlencoded::to_string([("f", name)]).unwrap_or_default().replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", &encoded[2..])
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
