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

mod check;
mod commit;
mod kept;
mod read;
mod reservations;
mod sheet;
mod update;

pub use check::{Checked, check};
pub use commit::{Committed, NEW_PER_TXN};
pub use kept::{
    OUTSIDE_THE_SERVER, commit_kept, commit_upload, commit_upload_paced, expire, get, get_summary, recent, record,
    resume_unfinished,
};
pub use read::{Cell, Table, decode_text, excel_serial_date, read_rows, read_table};
pub use sheet::{Layout, Sheet, cell_text, headed};

use serde::Serialize;

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
    ("所在社区代码", "community_code", true, &["社区代码", "所在社区", "社区名称", "社区"]),
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    pub field: String,
    pub message: String,
}

impl RowError {
    fn new(row: usize, field: &str, message: impl Into<String>) -> Self {
        Self { row, field: field.to_string(), message: message.into() }
    }
}

/// The errors kept with an upload: the first [`MAX_KEPT_ERRORS`](crate::upload_limits::MAX_KEPT_ERRORS)
/// in row order, as JSON (the count of all of them is kept in `error_count`).
fn kept_errors(errors: &[RowError]) -> String {
    let kept = &errors[..errors.len().min(crate::upload_limits::MAX_KEPT_ERRORS)];
    serde_json::to_string(kept).unwrap_or_else(|_| "[]".into())
}

/// The errors a kept check found.
pub fn errors_of(m: &crate::entity::import::Model) -> Vec<RowError> {
    serde_json::from_str(&m.errors).unwrap_or_default()
}
