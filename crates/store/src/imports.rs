//! Roster import (导入): an Excel or CSV file of workers, checked row by row, then committed all or
//! nothing.
//!
//! Reading accepts what offices produce: `.xlsx` from Excel or WPS (a title or merged cells above
//! the header row, blank rows, dates as Excel serial numbers or text, numbers where text was meant),
//! and CSV in UTF-8 or GB18030 (what Chinese Excel writes). The check names every bad row with its
//! column and the reason in Chinese. The commit re-checks against the database, reserves the new
//! people's ID numbers, then creates new workers in bulk and updates existing ones by ID number in
//! short transactions (see [`commit_run`]: all rows or none, finished after a crash), so that other
//! clerks' saves wait for one chunk, and importing the same file twice changes nothing the second time.

use crate::Db;
use crate::access::Access;
use crate::audit::Actor;
use crate::entity::{appointment, certificate, education, id_registry, import, region, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Value,
};
use serde::Serialize;
use shegong_domain::Permission;
use shegong_domain::worker::{NewWorker, NewWorkerInput, WorkerStatus};
use shegong_domain::{RegionLevel, Scope};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The columns of the roster: header, the field of [`NewWorkerInput`] it fills, whether required,
/// and the other headers offices use for it.
pub const COLUMNS: [(&str, &str, bool, &[&str]); 21] = [
    ("姓名", "name", true, &[]),
    ("身份证号", "id_number", true, &["身份证号码", "公民身份号码"]),
    ("性别", "gender", false, &[]),
    ("出生日期", "birth_date", false, &[]),
    ("民族", "ethnicity", false, &[]),
    ("政治面貌", "political_status", false, &[]),
    ("手机号码", "phone", true, &["手机号", "联系电话"]),
    ("住址", "address", false, &["家庭住址"]),
    ("所在社区代码", "community_code", true, &["社区代码"]),
    ("岗位类别", "post_category", true, &[]),
    ("职务", "title", true, &[]),
    ("任职开始日期", "start_date", true, &["任职日期"]),
    ("两委成员", "two_committees", false, &["是否两委成员"]),
    ("专职", "full_time", false, &["是否专职"]),
    ("学历代码", "education_code", true, &["学历", "最高学历"]),
    ("毕业学校", "school", false, &[]),
    ("专业", "major", false, &[]),
    ("社工证等级", "certificate_level", true, &["社会工作职业水平证书等级"]),
    ("证书编号", "certificate_number", false, &[]),
    ("发证日期", "certificate_date", false, &[]),
    ("备注", "", false, &[]),
];

const DATE_FIELDS: [&str; 3] = ["birth_date", "start_date", "certificate_date"];

/// The header of a field, for error messages.
pub fn header_of(field: &str) -> &'static str {
    COLUMNS.iter().find(|c| c.1 == field).map_or("（整行）", |c| c.0)
}

/// One problem in the file: the spreadsheet row (1-based, as the office program shows it), the
/// column header, and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RowError {
    pub row: usize,
    pub field: String,
    pub message: String,
}

impl RowError {
    fn new(row: usize, field: &str, message: impl Into<String>) -> Self {
        Self {
            row,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

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

fn file_error(message: impl Into<String>) -> StoreError {
    StoreError::invalid(shegong_domain::FieldError::new("import_file", "file", message))
}

fn is_header_row(cells: &[Cell]) -> bool {
    let texts: Vec<&str> = cells
        .iter()
        .filter_map(|c| match c {
            Cell::Text(t) => Some(t.trim()),
            _ => None,
        })
        .collect();
    texts.contains(&"姓名")
        && texts
            .iter()
            .any(|t| matches!(*t, "身份证号" | "身份证号码" | "公民身份号码"))
}

fn table_from(rows: impl Iterator<Item = (usize, Vec<Cell>)>) -> Result<Table> {
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

/// Reads an `.xlsx` (first sheet) or a CSV file, by name and content.
pub fn read_table(filename: &str, bytes: &[u8]) -> Result<Table> {
    let lower = filename.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        return read_csv(bytes);
    }
    if bytes.starts_with(b"PK") {
        return read_xlsx(bytes);
    }
    if lower.ends_with(".xls") {
        return Err(file_error(
            "不支持旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后上传",
        ));
    }
    Err(file_error("文件格式无法识别：请上传 .xlsx 或 .csv 文件"))
}

fn read_xlsx(bytes: &[u8]) -> Result<Table> {
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
        file_error(format!(
            "无法读取工作表“{name}”：内容已损坏，请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传"
        ))
    })?;
    // Cells arrive row by row; the used range the file declares is never allocated.
    let mut rows: Vec<(usize, Vec<Cell>)> = Vec::new();
    let mut budget = TextBudget::default();
    let mut current: Option<(usize, Vec<Cell>)> = None;
    loop {
        let cell = reader.next_cell().map_err(|e| {
            tracing::info!(error = %e, "unreadable worksheet");
            file_error(format!(
                "无法读取工作表“{name}”：内容已损坏，请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传"
            ))
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
    let t = table_from(rows.into_iter())?;
    if t.rows.len() > MAX_ROWS {
        return Err(file_error(limits::too_many_rows()));
    }
    Ok(t)
}

/// UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030.
pub fn decode_text(bytes: &[u8]) -> String {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(b).0.into_owned(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table> {
    use crate::upload_limits::{self as limits, MAX_COLS, MAX_ROWS, TextBudget};
    if bytes.len() > limits::MAX_FILE_BYTES {
        return Err(file_error(limits::too_big_file()));
    }
    let text = decode_text(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
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
            cells.push(if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.to_string())
            });
        }
        rows.push((i + 1, cells));
    }
    let t = table_from(rows.into_iter())?;
    if t.rows.len() > MAX_ROWS {
        return Err(file_error(limits::too_many_rows()));
    }
    Ok(t)
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

fn cell_text(field: &str, cell: &Cell, row: usize, errors: &mut Vec<RowError>) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(s) => {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            // Dropdown values read "21 大学本科毕业": the code comes first.
            if field == "education_code"
                && let Some((code, _)) = s.split_once(' ')
                && code.chars().all(|c| c.is_ascii_digit())
            {
                return Some(code.to_string());
            }
            Some(s.trim_start_matches('\'').to_string())
        }
        Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
        Cell::Number(f) => {
            if DATE_FIELDS.contains(&field) {
                return match excel_serial_date(*f) {
                    Some(d) => Some(d.format("%Y-%m-%d").to_string()),
                    None => {
                        errors.push(RowError::new(row, header_of(field), format!("日期数值“{f}”无效")));
                        None
                    }
                };
            }
            if field == "id_number" {
                errors.push(RowError::new(
                    row,
                    "身份证号",
                    "身份证号被存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写",
                ));
                return None;
            }
            if f.fract() == 0.0 && f.abs() < 1e15 {
                Some(format!("{}", *f as i64))
            } else {
                Some(f.to_string())
            }
        }
    }
}

fn yes_no(field: &str, s: Option<String>, row: usize, errors: &mut Vec<RowError>) -> Option<bool> {
    match s.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("是" | "Y" | "y" | "1" | "true" | "TRUE") => Some(true),
        Some("否" | "N" | "n" | "0" | "false" | "FALSE") => Some(false),
        Some(other) => {
            errors.push(RowError::new(row, header_of(field), format!("“{other}”应填“是”或“否”")));
            None
        }
    }
}

/// One row of the table as the archive's input form.
fn row_input(
    t: &Table,
    cols: &HashMap<&'static str, usize>,
    row: usize,
    cells: &[Cell],
    errors: &mut Vec<RowError>,
) -> NewWorkerInput {
    let _ = t;
    let mut get = |field: &'static str| -> Option<String> {
        cols.get(field)
            .and_then(|&i| cells.get(i))
            .and_then(|c| cell_text(field, c, row, errors))
    };
    let mut i = NewWorkerInput {
        name: get("name").unwrap_or_default(),
        id_number: get("id_number").unwrap_or_default(),
        gender: get("gender"),
        birth_date: get("birth_date"),
        ethnicity: get("ethnicity"),
        political_status: get("political_status"),
        phone: get("phone"),
        address: get("address"),
        community_code: get("community_code").unwrap_or_default(),
        post_category: get("post_category").unwrap_or_default(),
        title: get("title").unwrap_or_default(),
        start_date: get("start_date").unwrap_or_default(),
        education_code: get("education_code"),
        school: get("school"),
        major: get("major"),
        two_committees: None,
        full_time: None,
        party_building: None,
        certificate_level: get("certificate_level").filter(|s| !matches!(s.as_str(), "无" | "无证书")),
        certificate_number: get("certificate_number"),
        certificate_date: get("certificate_date"),
    };
    let tc = get("two_committees");
    let ft = get("full_time");
    i.two_committees = yes_no("two_committees", tc, row, errors);
    i.full_time = yes_no("full_time", ft, row, errors);
    i
}

/// The result of checking a file.
#[derive(Debug, Default)]
pub struct Checked {
    /// Data rows in the file (blank rows not counted).
    pub rows: usize,
    pub errors: Vec<RowError>,
    /// Rows that passed, with their spreadsheet row number.
    pub valid: Vec<(usize, NewWorker)>,
    /// How many valid rows name a worker already in the archive (they will be updated).
    pub existing: usize,
    /// Who holds the valid rows' ID numbers now (read once by the check, used by the commit).
    holders: HashMap<String, Holder>,
}

/// Checks every row: each field, the community (exists, is a community, inside the importer's
/// scope), duplicates inside the file, and ID numbers held by an active worker outside the scope or
/// in another province. Nothing is written.
pub async fn check(db: &impl ConnectionTrait, scope: &Scope, t: &Table, today: NaiveDate) -> Result<Checked> {
    if scope.only_worker().is_some() {
        return Err(StoreError::Forbidden("只有管理员可以导入"));
    }
    let mut cols: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in t.headers.iter().enumerate() {
        if let Some(c) = COLUMNS.iter().find(|c| c.0 == h || c.3.contains(&h.as_str())) {
            cols.entry(c.1).or_insert(i);
        }
    }
    let communities: HashSet<String> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .filter(region::Column::Level.eq(RegionLevel::Community.as_str()))
        .filter(in_subtree(region::Column::Code, scope.region().as_str()))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut out = Checked {
        rows: t.rows.len(),
        ..Default::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &t.rows {
        let mut errs = Vec::new();
        let input = row_input(t, &cols, *row, cells, &mut errs);
        match input.parse(today) {
            Ok(w) => {
                let code = w.appointment.community.as_str();
                if !communities.contains(code) {
                    errs.push(RowError::new(
                        *row,
                        "所在社区代码",
                        format!("社区代码 {code} 不存在或不在您的管辖范围内"),
                    ));
                }
                if let Some(first) = seen.insert(w.id_number.to_string(), *row) {
                    errs.push(RowError::new(*row, "身份证号", format!("与第{first}行的身份证号重复")));
                }
                // The same text limits as every other path that writes these records.
                let text = [
                    w.education.as_ref().and_then(|e| e.checked(today).err()),
                    w.certificate.as_ref().and_then(|c| c.checked(today).err()),
                ];
                for e in text.into_iter().flatten() {
                    let header = match e.field {
                        "school" => "毕业学校",
                        "major" => "专业",
                        "issued_on" => "发证日期",
                        _ => "证书编号",
                    };
                    errs.push(RowError::new(*row, header, e.message));
                }
                if errs.is_empty() {
                    out.valid.push((*row, w));
                }
            }
            Err(fe) => errs.extend(
                fe.into_iter()
                    .map(|e| RowError::new(*row, header_of(e.field), e.message)),
            ),
        }
        out.errors.extend(errs);
    }
    // Against the archive: an ID number active outside the scope, or kept in another province.
    let holders = registry(db, out.valid.iter().map(|(_, w)| w.id_number.to_string()).collect()).await?;
    let open = open_posts(
        db,
        holders.values().filter(|h| h.status == WorkerStatus::Active.as_str()),
    )
    .await?;
    let mut keep = Vec::with_capacity(out.valid.len());
    for (row, w) in std::mem::take(&mut out.valid) {
        if let Some(h) = holders.get(w.id_number.as_str()) {
            if h.province_code != w.appointment.community.as_str()[..2] {
                out.errors.push(RowError::new(
                    row,
                    "身份证号",
                    "该人员档案在其他省份，请由原省份办理档案转移",
                ));
                continue;
            }
            if h.status != WorkerStatus::Active.as_str() && h.name != w.name.as_str() {
                // The same rule as registering one person again: the name must be the archive's.
                out.errors.push(RowError::new(
                    row,
                    "姓名",
                    "姓名与该身份证号码已有档案中的姓名不一致；如姓名确有变更，请先更正档案",
                ));
                continue;
            }
            if h.status == WorkerStatus::Active.as_str() && !scope.allows_region(&h.region_code) {
                out.errors.push(RowError::new(
                    row,
                    "身份证号",
                    "该身份证号码对应人员已在其他地区登记在岗，不能导入",
                ));
                continue;
            }
            if let Some((start, post)) = open.get(&h.worker_id) {
                let a = &w.appointment;
                let differs = (post.0.as_str(), post.1.as_str(), post.2.as_str())
                    != (a.community.as_str(), a.post_category.as_str(), a.title.as_str());
                if differs && a.start_date < *start {
                    out.errors.push(RowError::new(
                        row,
                        "任职开始日期",
                        format!(
                            "该人员现任职务自{start}起，社区、岗位或职务变动的开始日期不能早于此日（同日视为更正现任职务）"
                        ),
                    ));
                    continue;
                }
            }
            out.existing += 1;
        }
        keep.push((row, w));
    }
    out.valid = keep;
    out.holders = holders;
    out.errors.sort_by_key(|e| e.row);
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Holder {
    worker_id: Uuid,
    province_code: String,
    region_code: String,
    status: String,
    name: String,
}

/// The open appointment of each of these workers: its start, and (community, post, title).
async fn open_posts<'a>(
    db: &impl ConnectionTrait,
    holders: impl Iterator<Item = &'a Holder>,
) -> Result<HashMap<Uuid, (NaiveDate, (String, String, String))>> {
    let mut by_province: HashMap<&str, Vec<Uuid>> = HashMap::new();
    for h in holders {
        by_province
            .entry(h.province_code.as_str())
            .or_default()
            .push(h.worker_id);
    }
    let mut out: HashMap<Uuid, (NaiveDate, (String, String, String))> = HashMap::new();
    for (p, ids) in by_province {
        for chunk in ids.chunks(500) {
            let rows: Vec<(Uuid, NaiveDate, String, String, String)> = appointment::Entity::find()
                .select_only()
                .columns([
                    appointment::Column::WorkerId,
                    appointment::Column::StartDate,
                    appointment::Column::RegionCode,
                    appointment::Column::PostCategory,
                    appointment::Column::Title,
                ])
                .filter(appointment::Column::ProvinceCode.eq(p))
                .filter(appointment::Column::WorkerId.is_in(chunk.to_vec()))
                .filter(appointment::Column::EndDate.is_null())
                .into_tuple()
                .all(db)
                .await?;
            for (id, start, region, post, title) in rows {
                // The latest open post is the one in force.
                if out.get(&id).is_none_or(|(s, _)| start > *s) {
                    out.insert(id, (start, (region, post, title)));
                }
            }
        }
    }
    Ok(out)
}

/// Who holds each of these ID numbers now.
async fn registry(db: &impl ConnectionTrait, ids: Vec<String>) -> Result<HashMap<String, Holder>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let regs = id_registry::Entity::find()
            .filter(id_registry::Column::IdNumber.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        let mut by_province: HashMap<String, Vec<Uuid>> = HashMap::new();
        for r in &regs {
            by_province
                .entry(r.province_code.clone())
                .or_default()
                .push(r.worker_id);
        }
        let mut state: HashMap<Uuid, (String, String, String)> = HashMap::new();
        for (p, ids) in by_province {
            let rows: Vec<(Uuid, String, String, String)> = worker::Entity::find()
                .select_only()
                .columns([
                    worker::Column::Id,
                    worker::Column::RegionCode,
                    worker::Column::Status,
                    worker::Column::Name,
                ])
                .filter(worker::Column::ProvinceCode.eq(p))
                .filter(worker::Column::Id.is_in(ids))
                .into_tuple()
                .all(db)
                .await?;
            state.extend(rows.into_iter().map(|(id, r, s, n)| (id, (r, s, n))));
        }
        for r in regs {
            if let Some((region_code, status, name)) = state.remove(&r.worker_id) {
                out.insert(
                    r.id_number,
                    Holder {
                        worker_id: r.worker_id,
                        province_code: r.province_code,
                        region_code,
                        status,
                        name,
                    },
                );
            }
        }
    }
    Ok(out)
}

/// What a commit did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Committed {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Rows written per write transaction of a commit: another clerk's save waits for one chunk at
/// most, never for the whole file.
const NEW_PER_TXN: usize = 1000;
const UPDATES_PER_TXN: usize = 200;

/// What a clerk is told when a row's person is being registered by another import right now.
const RESERVED_ELSEWHERE: &str = "该身份证号码正在由另一批导入建档，请稍后再试";

/// Checks the file and writes it: all rows or none (see [`commit_run`]). Without a kept upload to
/// resume from (the command line, benches); the server commits kept uploads.
pub async fn commit(
    db: &Db,
    access: &Access,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Checked, Option<Committed>)> {
    commit_run(db, access, t, today, progress, None).await
}

/// A commit in short write transactions, so that other writers wait for one chunk, not the file:
///
/// 1. every row is checked, without the write lock;
/// 2. one transaction reads again who holds the file's ID numbers (if anything changed, the whole
///    check runs again there), reserves each new person's ID number in the registry for the
///    archive about to be made (so nobody can register that person meanwhile), and marks the kept
///    upload `committing`;
/// 3. the new archives are written [`NEW_PER_TXN`] at a time, then the known ones updated
///    [`UPDATES_PER_TXN`] at a time;
/// 4. the last transaction writes the audit row and marks the upload `committed`.
///
/// Nothing is written unless step 2 commits; after it every row is valid and every new person
/// reserved, so the file is then written whole: if the process stops in between, the upload stays
/// `committing` and is finished at the next start (or when committed again). A resumed run finds
/// the archives already made as known ones (unchanged) and its own reservations for the rest.
/// While step 3 runs, the archives already written are visible; a reserved person is refused to
/// other registrations with [`RESERVED_ELSEWHERE`].
async fn commit_run(
    db: &Db,
    access: &Access,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
    run: Option<(Uuid, bool)>,
) -> Result<(Checked, Option<Committed>)> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    let resuming = run.is_some_and(|(_, r)| r);
    let mut checked = check(&db.conn, scope, t, today).await?;
    if !checked.errors.is_empty() {
        return Ok((checked, None));
    }
    // 2. Re-check and reserve.
    let txn = db.begin_write().await?;
    let ids: Vec<String> = checked.valid.iter().map(|(_, w)| w.id_number.to_string()).collect();
    if registry(&txn, ids).await? != checked.holders {
        checked = check(&txn, scope, t, today).await?;
        if !checked.errors.is_empty() {
            return Ok((checked, None));
        }
    }
    let holders = &checked.holders;
    let (known, new): (Vec<_>, Vec<_>) = checked
        .valid
        .iter()
        .partition(|(_, w)| holders.contains_key(w.id_number.as_str()));
    // Registry rows for a "new" person point at no archive: reservations of a commit under way.
    let reserved = reservations(&txn, new.iter().map(|(_, w)| w.id_number.to_string()).collect()).await?;
    if !reserved.is_empty() && !resuming {
        let refused = Checked {
            rows: checked.rows,
            errors: new
                .iter()
                .filter(|(_, w)| reserved.contains_key(w.id_number.as_str()))
                .map(|(row, _)| RowError::new(*row, "身份证号", RESERVED_ELSEWHERE))
                .collect(),
            ..Default::default()
        };
        return Ok((refused, None));
    }
    let plan: Vec<(Uuid, &NewWorker)> = new
        .iter()
        .map(|(_, w)| {
            let id = reserved.get(w.id_number.as_str()).copied();
            (id.unwrap_or_else(Uuid::now_v7), w)
        })
        .collect();
    let reserve: Vec<Vec<Value>> = plan
        .iter()
        .filter(|(_, w)| !reserved.contains_key(w.id_number.as_str()))
        .map(|(id, w)| {
            vec![
                Value::from(w.id_number.to_string()),
                Value::from(w.appointment.community.as_str()[..2].to_string()),
                Value::from(*id),
            ]
        })
        .collect();
    crate::bulk::insert(
        &txn,
        "id_registry",
        &["id_number", "province_code", "worker_id"],
        reserve,
    )
    .await?;
    if let Some((id, _)) = run {
        set_status(&txn, id, "committing").await?;
    }
    txn.commit().await?;
    // 3. Write, a chunk per transaction.
    let total = checked.valid.len();
    let mut done = Committed::default();
    for chunk in plan.chunks(NEW_PER_TXN) {
        let txn = db.begin_write().await?;
        create_many(&txn, actor, chunk).await?;
        txn.commit().await?;
        done.created += chunk.len();
        progress(done.created, total);
    }
    for chunk in known.chunks(UPDATES_PER_TXN) {
        let of = |w: &NewWorker| &holders[w.id_number.as_str()];
        // Which rows change anything is read without the lock; each update reads its worker again.
        let current = known_state(&db.conn, &chunk.iter().map(|(_, w)| of(w)).collect::<Vec<_>>()).await?;
        let mut changed = Vec::new();
        for (_, w) in chunk {
            match current.get(&of(w).worker_id) {
                Some((m, edus, certs)) if crate::workers::import_unchanged(m, edus, certs, w) => done.unchanged += 1,
                Some((m, _, _)) => changed.push((w, m.status.clone())),
                None => {
                    return Err(StoreError::Other(anyhow::anyhow!(
                        "an archive vanished during an import"
                    )));
                }
            }
        }
        if !changed.is_empty() {
            let txn = db.begin_write().await?;
            for (w, status) in changed {
                let h = of(w);
                if crate::workers::import_update(&txn, access, h.worker_id, &h.province_code, &status, w).await? {
                    done.updated += 1;
                } else {
                    done.unchanged += 1;
                }
            }
            txn.commit().await?;
        }
        progress(done.created + done.updated + done.unchanged, total);
    }
    // 4. Done.
    let txn = db.begin_write().await?;
    crate::audit::record(
        &txn,
        actor,
        "worker.import",
        scope.region().as_str(),
        None,
        Some(format!(
            "{} 行：新建 {}，更新 {}，未变 {}",
            checked.rows, done.created, done.updated, done.unchanged
        )),
    )
    .await?;
    if let Some((id, _)) = run {
        set_status(&txn, id, "committed").await?;
    }
    txn.commit().await?;
    progress(total, total);
    Ok((checked, Some(done)))
}

/// The registry rows of these ID numbers (for ID numbers no archive holds: reservations).
async fn reservations(db: &impl ConnectionTrait, ids: Vec<String>) -> Result<HashMap<String, Uuid>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in id_registry::Entity::find()
            .filter(id_registry::Column::IdNumber.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(r.id_number, r.worker_id);
        }
    }
    Ok(out)
}

async fn set_status(txn: &DatabaseTransaction, id: Uuid, status: &str) -> Result<()> {
    use sea_orm::sea_query::Expr;
    import::Entity::update_many()
        .col_expr(import::Column::Status, Expr::value(status))
        .col_expr(
            import::Column::CommittedAt,
            Expr::value(Some(Utc::now()).filter(|_| status == "committed")),
        )
        .filter(import::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// New archives in bulk (their ID numbers already reserved): workers, appointments, education, certificates, the
/// history row and the spells, with multi-row inserts.
async fn create_many(txn: &DatabaseTransaction, actor: &Actor, new: &[(Uuid, &NewWorker)]) -> Result<()> {
    let now = Utc::now();
    let mut workers = Vec::with_capacity(new.len());
    let mut appts = Vec::with_capacity(new.len());
    let mut edus = Vec::new();
    let mut certs = Vec::new();
    let mut changes = Vec::with_capacity(new.len());
    let mut spells = Vec::with_capacity(new.len());
    for &(id, w) in new {
        let a = &w.appointment;
        let province = a.community.as_str()[..2].to_string();
        let region = a.community.to_string();
        workers.push(vec![
            Value::from(province.clone()),
            Value::from(id),
            Value::from(region.clone()),
            Value::from(w.name.as_str().to_string()),
            Value::from(w.id_number.to_string()),
            Value::from(w.gender.code().to_string()),
            Value::from(w.birth_date),
            Value::from(w.ethnicity.clone()),
            Value::from(w.political_status.clone()),
            Value::from(w.phone.as_ref().map(|p| p.as_str().to_string())),
            Value::from(w.address.clone()),
            Value::from(WorkerStatus::Active.as_str().to_string()),
            Value::from(a.post_category.clone()),
            Value::from(a.title.clone()),
            Value::from(a.two_committees),
            Value::from(a.full_time),
            Value::from(a.party_building),
            Value::from(w.education.as_ref().map(|e| e.code.clone())),
            Value::from(w.certificate.as_ref().map(|c| c.level.as_str().to_string())),
            Value::from(Some(a.start_date)),
            Value::from(now),
            Value::from(now),
        ]);
        appts.push(vec![
            Value::from(province.clone()),
            Value::from(Uuid::now_v7()),
            Value::from(id),
            Value::from(region.clone()),
            Value::from(a.post_category.clone()),
            Value::from(a.title.clone()),
            Value::from(a.two_committees),
            Value::from(a.full_time),
            Value::from(a.party_building),
            Value::from(a.start_date),
        ]);
        if let Some(e) = &w.education {
            edus.push(vec![
                Value::from(province.clone()),
                Value::from(Uuid::now_v7()),
                Value::from(id),
                Value::from(e.code.clone()),
                Value::from(e.school.clone()),
                Value::from(e.major.clone()),
                Value::from(e.graduated_on),
                Value::from(true),
            ]);
        }
        if let Some(c) = &w.certificate {
            certs.push(vec![
                Value::from(province.clone()),
                Value::from(Uuid::now_v7()),
                Value::from(id),
                Value::from("social_work".to_string()),
                Value::from(Some(c.level.as_str().to_string())),
                Value::from(c.level.label().to_string()),
                Value::from(c.number.clone()),
                Value::from(c.issued_on),
            ]);
        }
        changes.push(vec![
            Value::from(province.clone()),
            Value::from(Uuid::now_v7()),
            Value::from(id),
            Value::from(region.clone()),
            Value::from(now),
            Value::from(actor.username.clone()),
            Value::from("archive".to_string()),
            Value::from("建档".to_string()),
            Value::from(None::<String>),
            Value::from(Some(format!("{} 经批量导入建立档案", w.name.as_str()))),
        ]);
        let facts = shegong_domain::stats::WorkerFacts {
            gender: w.gender.code().to_string(),
            birth_date: w.birth_date,
            political_status: w.political_status.clone(),
            service_start: a.start_date,
        };
        let history = shegong_domain::stats::spells(
            &[shegong_domain::stats::AppointmentSpan {
                region_code: region.clone(),
                post_category: a.post_category.clone(),
                full_time: a.full_time,
                two_committees: a.two_committees,
                start: a.start_date,
                end: None,
            }],
            &w.education
                .iter()
                .map(|e| (e.code.clone(), e.graduated_on))
                .collect::<Vec<_>>(),
            &w.certificate.iter().map(|c| (c.level, c.issued_on)).collect::<Vec<_>>(),
        );
        for (i, s) in history.iter().enumerate() {
            spells.push(crate::stats::spell_row(&province, id, i, s, &facts));
        }
    }
    use crate::bulk::insert;
    insert(
        txn,
        "workers",
        &[
            "province_code",
            "id",
            "region_code",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "political_status",
            "phone",
            "address",
            "status",
            "post_category",
            "title",
            "two_committees",
            "full_time",
            "party_building",
            "highest_education",
            "certificate_level",
            "service_start",
            "created_at",
            "updated_at",
        ],
        workers,
    )
    .await?;
    insert(
        txn,
        "appointments",
        &[
            "province_code",
            "id",
            "worker_id",
            "region_code",
            "post_category",
            "title",
            "two_committees",
            "full_time",
            "party_building",
            "start_date",
        ],
        appts,
    )
    .await?;
    insert(
        txn,
        "educations",
        &[
            "province_code",
            "id",
            "worker_id",
            "education_code",
            "school",
            "major",
            "graduated_on",
            "full_time_study",
        ],
        edus,
    )
    .await?;
    insert(
        txn,
        "certificates",
        &[
            "province_code",
            "id",
            "worker_id",
            "kind",
            "level",
            "name",
            "number",
            "issued_on",
        ],
        certs,
    )
    .await?;
    insert(
        txn,
        "worker_changes",
        &[
            "province_code",
            "id",
            "worker_id",
            "region_code",
            "changed_at",
            "actor",
            "section",
            "field",
            "before",
            "after",
        ],
        changes,
    )
    .await?;
    insert(txn, "worker_spells", &crate::stats::COLS, spells).await?;
    Ok(())
}

type Known = HashMap<Uuid, (worker::Model, Vec<String>, Vec<String>)>;

/// The known workers' records with the education codes and certificate levels they hold, read in
/// chunks.
async fn known_state(db: &impl ConnectionTrait, holders: &[&Holder]) -> Result<Known> {
    let mut out: Known = HashMap::new();
    let mut by_province: HashMap<&str, Vec<Uuid>> = HashMap::new();
    for h in holders {
        by_province
            .entry(h.province_code.as_str())
            .or_default()
            .push(h.worker_id);
    }
    for (p, ids) in by_province {
        for chunk in ids.chunks(500) {
            for w in worker::Entity::find()
                .filter(worker::Column::ProvinceCode.eq(p))
                .filter(worker::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                out.insert(w.id, (w, Vec::new(), Vec::new()));
            }
            let edus: Vec<(Uuid, String)> = education::Entity::find()
                .select_only()
                .columns([education::Column::WorkerId, education::Column::EducationCode])
                .filter(education::Column::ProvinceCode.eq(p))
                .filter(education::Column::WorkerId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            for (id, code) in edus {
                if let Some(e) = out.get_mut(&id) {
                    e.1.push(code);
                }
            }
            let certs: Vec<(Uuid, Option<String>)> = certificate::Entity::find()
                .select_only()
                .columns([certificate::Column::WorkerId, certificate::Column::Level])
                .filter(certificate::Column::ProvinceCode.eq(p))
                .filter(certificate::Column::WorkerId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            for (id, level) in certs {
                if let (Some(e), Some(l)) = (out.get_mut(&id), level) {
                    e.2.push(l);
                }
            }
        }
    }
    Ok(out)
}

/// Educations and certificate levels a worker holds (for the update of a known worker).
pub(crate) async fn held(
    txn: &DatabaseTransaction,
    province: &str,
    id: Uuid,
) -> Result<(Vec<String>, Vec<Option<String>>)> {
    let edus = education::Entity::find()
        .select_only()
        .column(education::Column::EducationCode)
        .filter(education::Column::ProvinceCode.eq(province))
        .filter(education::Column::WorkerId.eq(id))
        .into_tuple()
        .all(txn)
        .await?;
    let certs = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Level)
        .filter(certificate::Column::ProvinceCode.eq(province))
        .filter(certificate::Column::WorkerId.eq(id))
        .into_tuple()
        .all(txn)
        .await?;
    Ok((edus, certs))
}

// ---------------------------------------------------------------------------------------------
// Uploaded files between check and commit

/// Keeps an uploaded file with the result of its check (and of its commit, when it was one step).
pub async fn record(
    db: &Db,
    access: &Access,
    filename: &str,
    bytes: Vec<u8>,
    checked: &Checked,
    committed: Option<&Committed>,
) -> Result<import::Model> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    let region = scope.region().as_str();
    let province = if region.len() >= 2 { &region[..2] } else { "00" };
    let name: String = filename
        .chars()
        .rev()
        .take(200)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Ok(import::ActiveModel {
        province_code: Set(province.to_string()),
        id: Set(Uuid::now_v7()),
        region_code: Set(region.to_string()),
        username: Set(actor.username.clone()),
        filename: Set(name),
        created_at: Set(Utc::now()),
        rows: Set(checked.rows as i32),
        error_count: Set(checked.errors.len() as i32),
        status: Set(if committed.is_some() { "committed" } else { "checked" }.into()),
        committed_at: Set(committed.map(|_| Utc::now())),
        created: Set(committed.map(|c| c.created as i32)),
        updated: Set(committed.map(|c| (c.updated + c.unchanged) as i32)),
        errors: Set(kept_errors(&checked.errors)),
        file: Set(bytes),
    }
    .insert(&db.writer)
    .await?)
}

/// The errors kept with an upload: the first [`MAX_KEPT_ERRORS`](crate::upload_limits::MAX_KEPT_ERRORS)
/// in row order, as JSON (the count of all of them is kept in `error_count`).
fn kept_errors(errors: &[RowError]) -> String {
    let kept = &errors[..errors.len().min(crate::upload_limits::MAX_KEPT_ERRORS)];
    serde_json::to_string(kept).unwrap_or_else(|_| "[]".into())
}

/// Deletes kept uploads (files and their error lists) made before `before`; returns how many.
pub async fn expire(db: &Db, before: chrono::DateTime<Utc>) -> Result<u64> {
    let r = import::Entity::delete_many()
        .filter(import::Column::CreatedAt.lt(before))
        .filter(import::Column::Status.ne("committing"))
        .exec(&db.writer)
        .await?;
    Ok(r.rows_affected)
}

/// A kept upload, if it is inside the caller's scope.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<import::Model> {
    find_kept(db, scope, id, true).await
}

/// A kept upload without its file (for showing it).
pub async fn get_summary(db: &Db, scope: &Scope, id: Uuid) -> Result<import::Model> {
    find_kept(db, scope, id, false).await
}

async fn find_kept(db: &Db, scope: &Scope, id: Uuid, with_file: bool) -> Result<import::Model> {
    use sea_orm::{Iterable, sea_query::Expr};
    let mut q = import::Entity::find();
    if !with_file {
        q = q
            .select_only()
            .columns(import::Column::iter().filter(|c| !matches!(c, import::Column::File)))
            .column_as(Expr::val(Vec::<u8>::new()), "file");
    }
    q.filter(import::Column::Id.eq(id))
        .filter(in_subtree(import::Column::RegionCode, scope.region().as_str()))
        .one(&db.conn)
        .await?
        .filter(|_| scope.only_worker().is_none())
        .ok_or(StoreError::NotFound)
}

/// The errors a kept check found.
pub fn errors_of(m: &import::Model) -> Vec<RowError> {
    serde_json::from_str(&m.errors).unwrap_or_default()
}

/// Recent uploads in the caller's scope (without their files).
pub async fn recent(db: &Db, scope: &Scope, limit: u64) -> Result<Vec<import::Model>> {
    if scope.only_worker().is_some() {
        return Ok(Vec::new());
    }
    use sea_orm::{Iterable, sea_query::Expr};
    Ok(import::Entity::find()
        .select_only()
        .columns(import::Column::iter().filter(|c| !matches!(c, import::Column::File)))
        .column_as(Expr::val(Vec::<u8>::new()), "file")
        .filter(in_subtree(import::Column::RegionCode, scope.region().as_str()))
        .order_by_desc(import::Column::CreatedAt)
        .limit(limit)
        .all(&db.conn)
        .await?)
}

/// Commits a kept upload (checked again first): all rows or none. An upload left `committing` (the
/// process stopped in the middle) is finished.
pub async fn commit_kept(
    db: &Db,
    access: &Access,
    id: Uuid,
    today: NaiveDate,
) -> Result<(import::Model, Checked, Option<Committed>)> {
    access.require(Permission::EditArchive)?;
    let m = get(db, &access.scope, id).await?;
    if m.status == "committed" {
        return Err(StoreError::Conflict(shegong_domain::FieldError::new(
            "import_committed",
            "id",
            "该文件已经导入，如需更新请重新上传",
        )));
    }
    let (name, file) = (m.filename.clone(), m.file.clone());
    let t = tokio::task::spawn_blocking(move || read_table(&name, &file))
        .await
        .map_err(|e| StoreError::Other(anyhow::anyhow!(e)))??;
    commit_recorded(db, access, m, &t, today, &|_, _| {}).await
}

/// Keeps an uploaded file, then commits it (so that a commit the process could not finish is
/// finished from the kept file). `progress(done, total)` is called between the write transactions.
pub async fn commit_upload(
    db: &Db,
    access: &Access,
    filename: &str,
    bytes: Vec<u8>,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(import::Model, Checked, Option<Committed>)> {
    let pending = Checked {
        rows: t.rows.len(),
        ..Default::default()
    };
    let m = record(db, access, filename, bytes, &pending, None).await?;
    commit_recorded(db, access, m, t, today, progress).await
}

async fn commit_recorded(
    db: &Db,
    access: &Access,
    m: import::Model,
    t: &Table,
    today: NaiveDate,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(import::Model, Checked, Option<Committed>)> {
    let resuming = m.status == "committing";
    let (checked, done) = commit_run(db, access, t, today, progress, Some((m.id, resuming))).await?;
    let mut am: import::ActiveModel = m.into();
    am.rows = Set(checked.rows as i32);
    am.error_count = Set(checked.errors.len() as i32);
    am.errors = Set(kept_errors(&checked.errors));
    if let Some(c) = &done {
        am.status = Set("committed".into());
        am.created = Set(Some(c.created as i32));
        am.updated = Set(Some((c.updated + c.unchanged) as i32));
    }
    let m = am.update(&db.writer).await?;
    Ok((m, checked, done))
}

/// Finishes the commits the process stopped in the middle of (uploads left `committing`), as the
/// clerk who started each; returns how many were finished.
pub async fn resume_unfinished(db: &Db, today: NaiveDate) -> Result<usize> {
    let ids: Vec<(Uuid, String, String)> = import::Entity::find()
        .select_only()
        .columns([import::Column::Id, import::Column::RegionCode, import::Column::Username])
        .filter(import::Column::Status.eq("committing"))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut n = 0;
    for (id, region, username) in ids {
        let Ok(code) = shegong_domain::RegionCode::parse(&region) else {
            continue;
        };
        let access = Access::admin(code.as_str(), &username);
        let (_, checked, done) = commit_kept(db, &access, id, today).await?;
        if done.is_some() {
            n += 1;
        } else {
            tracing::warn!(%id, errors = checked.errors.len(), "an unfinished import could not be finished");
        }
    }
    Ok(n)
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
