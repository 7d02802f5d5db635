//! Reading a roster file: `.xlsx` (first sheet) or CSV into a table of cells under its header row.

use super::COLUMNS;

use crate::error::{Result, StoreError};
use chrono::NaiveDate;

/// A cell as read: text, a number, or a date the program stored as a date.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

/// The rows of a file under its header row.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// (spreadsheet row number, cells)
    pub rows: Vec<(usize, Vec<Cell>)>,
}

pub(super) fn file_error(message: impl Into<String>) -> StoreError {
    StoreError::invalid(shegong_domain::FieldError::new("import_file", "file", message))
}

pub(super) fn is_header_row(cells: &[Cell]) -> bool {
    let texts: Vec<&str> = cells
        .iter()
        .filter_map(|c| match c {
            Cell::Text(t) => Some(t.trim()),
            _ => None,
        })
        .collect();
    texts.contains(&"姓名") && texts.iter().any(|t| matches!(*t, "身份证号" | "身份证号码" | "公民身份号码"))
}

pub(super) fn table_from(rows: impl Iterator<Item = (usize, Vec<Cell>)>) -> Result<Table> {
    let mut t = Table::default();
    let mut found = false;
    for (n, cells) in rows {
        if !found {
            if is_header_row(&cells) {
                t.headers = cells
                    .iter()
                    .map(|c| match c {
                        // "姓名*" and "姓名\n（必填）" mean 姓名.
                        Cell::Text(s) => s.split(['*', '\n', '（', '(']).next().unwrap_or("").trim().to_string(),
                        _ => String::new(),
                    })
                    .collect();
                found = true;
            } else if n > 10 {
                break;
            }
            continue;
        }
        if cells.iter().all(|c| match c {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }) {
            continue;
        }
        t.rows.push((n, cells));
    }
    if !found {
        return Err(file_error("未找到表头：前10行中应有一行包含“姓名”和“身份证号”"));
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| c.2)
        .filter(|c| !t.headers.iter().any(|h| h == c.0 || c.3.contains(&h.as_str())))
        .map(|c| c.0)
        .collect();
    if !missing.is_empty() {
        return Err(file_error(format!("缺少必需的列：{}", missing.join("、"))));
    }
    Ok(t)
}

/// Reads a roster: an `.xlsx` (first sheet) or a CSV file, by name and content.
pub fn read_table(filename: &str, bytes: &[u8]) -> Result<Table> {
    use crate::upload_limits::{self as limits, MAX_ROWS};
    let t = table_from(read_rows(filename, bytes)?.into_iter())?;
    if t.rows.len() > MAX_ROWS {
        return Err(file_error(limits::too_many_rows()));
    }
    Ok(t)
}

/// The non-empty rows of an `.xlsx` (first sheet) or a CSV file, numbered as the spreadsheet
/// numbers them, within the upload limits (any sheet, not only a roster).
pub fn read_rows(filename: &str, bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>> {
    let lower = filename.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        return read_csv(bytes);
    }
    if bytes.starts_with(b"PK") {
        return read_xlsx(bytes);
    }
    if lower.ends_with(".xls") {
        return Err(file_error("不支持旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后上传"));
    }
    Err(file_error("文件格式无法识别：请上传 .xlsx 或 .csv 文件"))
}

pub(super) fn read_xlsx(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>> {
    use crate::upload_limits::{self as limits, MAX_COLS, MAX_ROWS, TextBudget};
    use calamine::{DataRef, Reader, Xlsx};
    limits::check_xlsx_container(bytes).map_err(file_error)?;
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| {
        tracing::info!(error = %e, "unreadable workbook");
        file_error("无法读取 Excel 文件：文件已损坏，或不是 Excel 保存的 .xlsx 文件")
    })?;
    let Some(name) = wb.sheet_names().first().cloned() else {
        return Err(file_error("Excel 文件中没有工作表"));
    };
    let mut reader = wb.worksheet_cells_reader(&name).map_err(|e| {
        tracing::info!(error = %e, "unreadable worksheet");
        file_error(format!("无法读取工作表“{name}”：内容已损坏，请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传"))
    })?;
    // Cells arrive row by row; the used range the file declares is never allocated.
    let mut rows: Vec<(usize, Vec<Cell>)> = Vec::new();
    let mut budget = TextBudget::default();
    let mut current: Option<(usize, Vec<Cell>)> = None;
    loop {
        let cell = reader.next_cell().map_err(|e| {
            tracing::info!(error = %e, "unreadable worksheet");
            file_error(format!("无法读取工作表“{name}”：内容已损坏，请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传"))
        })?;
        let Some(cell) = cell else { break };
        let (r, c) = cell.get_position();
        let (row, col) = (r as usize + 1, c as usize);
        // Blank rows are allowed between rows, but not a sheet reaching twice the rows allowed.
        if row > 2 * MAX_ROWS {
            return Err(file_error(limits::too_many_rows()));
        }
        if col >= MAX_COLS {
            continue;
        }
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                budget.take(s, row, col).map_err(file_error)?;
                match cell.get_value() {
                    DataRef::DateTimeIso(_) => Cell::Text(s.chars().take(10).collect()),
                    _ => Cell::Text(s.clone()),
                }
            }
            DataRef::SharedString(s) => {
                budget.take(s, row, col).map_err(file_error)?;
                Cell::Text((*s).to_string())
            }
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
            DataRef::DateTime(d) => excel_serial_date(d.as_f64()).map_or(Cell::Number(d.as_f64()), Cell::Date),
            DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
        };
        if current.as_ref().is_none_or(|(n, _)| *n != row) {
            if let Some(done) = current.take() {
                rows.push(done);
            }
            // The header may sit up to 10 rows down, so data rows are counted from there on.
            if rows.len() > MAX_ROWS + 10 {
                return Err(file_error(limits::too_many_rows()));
            }
            current = Some((row, Vec::new()));
        }
        if let Some((_, cells)) = current.as_mut() {
            if cells.len() <= col {
                cells.resize(col + 1, Cell::Empty);
            }
            cells[col] = value;
        }
    }
    rows.extend(current);
    rows.sort_by_key(|(n, _)| *n);
    Ok(rows)
}

/// UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030.
pub fn decode_text(bytes: &[u8]) -> String {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(b).0.into_owned(),
    }
}

pub(super) fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>> {
    use crate::upload_limits::{self as limits, MAX_COLS, MAX_ROWS, TextBudget};
    if bytes.len() > limits::MAX_FILE_BYTES {
        return Err(file_error(limits::too_big_file()));
    }
    let text = decode_text(bytes);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut budget = TextBudget::default();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|_| file_error(format!("CSV 第{}行格式有误（引号或分隔符不匹配）", i + 1)))?;
        if rows.len() > MAX_ROWS + 10 {
            return Err(file_error(limits::too_many_rows()));
        }
        let mut cells = Vec::with_capacity(rec.len().min(MAX_COLS));
        for (col, s) in rec.iter().take(MAX_COLS).enumerate() {
            budget.take(s, i + 1, col).map_err(file_error)?;
            cells.push(if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) });
        }
        rows.push((i + 1, cells));
    }
    Ok(rows)
}

/// Excel's day count (1900 system): serial 1 is 1900-01-01, with the phantom 1900-02-29.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 60 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates() {
        assert_eq!(excel_serial_date(43831.0), NaiveDate::from_ymd_opt(2020, 1, 1));
        assert_eq!(excel_serial_date(1.0), NaiveDate::from_ymd_opt(1900, 1, 1));
        assert_eq!(excel_serial_date(61.0), NaiveDate::from_ymd_opt(1900, 3, 1));
        assert_eq!(excel_serial_date(0.0), None);
    }

    #[test]
    fn gb18030_and_utf8() {
        let (gb, _, _) = encoding_rs::GB18030.encode("姓名,身份证号\n张三,1\n");
        assert_eq!(decode_text(&gb), "姓名,身份证号\n张三,1\n");
        assert_eq!(decode_text("\u{feff}姓名".as_bytes()), "姓名");
    }

    #[test]
    fn header_row_is_found_under_a_title_and_blank_rows_are_skipped() {
        let csv = "社区工作者花名册,,,,,,,,\n\
                   姓名,身份证号,所在社区代码,岗位类别,职务,任职开始日期,学历代码,社工证等级,手机号码\n\
                   ,,,,,,,,\n\
                   张三,1,2,3,4,5,6,7,8\n";
        let t = read_table("a.csv", csv.as_bytes()).unwrap();
        assert_eq!(t.headers[0], "姓名");
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].0, 4);
        let missing = read_table("a.csv", "姓名,身份证号\n张三,1\n".as_bytes()).unwrap_err();
        assert!(format!("{missing:?}").contains("缺少必需的列"));
    }
}
