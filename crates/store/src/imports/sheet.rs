//! A sheet whose columns are found by their headings (the grid roster, the household register): the
//! heading row found by its first needed heading, each column by its heading, each cell read as
//! text; a file without the headings, or with more lines than a file may hold, refused whole.

use super::Cell;
use crate::error::{Result, StoreError};
use shegong_domain::FieldError;
use std::collections::HashMap;

/// A cell as text: trimmed; a whole number without its `.0`; a date as `2026-11-30`.
pub fn cell_text(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Text(s)) => s.trim().to_string(),
        Some(Cell::Number(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Some(Cell::Number(f)) => f.to_string(),
        Some(Cell::Date(d)) => d.to_string(),
        _ => String::new(),
    }
}

/// The lines of a sheet under its heading row, and where each heading is.
pub struct Sheet<'a> {
    pub lines: &'a [(usize, Vec<Cell>)],
    at: HashMap<&'a str, usize>,
}

impl Sheet<'_> {
    /// The cell of a line under heading `k` (empty when the sheet has no such column).
    pub fn cell(&self, cells: &[Cell], k: &str) -> String {
        self.at.get(k).map(|i| cell_text(cells.get(*i))).unwrap_or_default()
    }
}

/// What a sheet must have: its headings, those it cannot do without (the first finds the heading
/// row), the most lines (`unit`: 行, 户) and the template to start from; `code` names the refusals.
pub struct Layout<'a> {
    pub headings: &'a [&'a str],
    pub needed: &'a [&'a str],
    pub max_lines: usize,
    pub unit: &'a str,
    pub template: &'a str,
    pub code: &'static str,
}

/// Finds the heading row and the columns, or refuses the file with the reason.
pub fn headed<'a>(rows: &'a [(usize, Vec<Cell>)], l: &Layout<'a>) -> Result<Sheet<'a>> {
    let bad = |m: String| StoreError::invalid(FieldError::new(l.code, "file", m));
    let key = l.needed.first().copied().unwrap_or_default();
    let Some(h) =
        rows.iter().position(|(_, cells)| cells.iter().any(|c| matches!(c, Cell::Text(t) if t.trim() == key)))
    else {
        let names: String = l.needed.iter().map(|n| format!("“{n}”")).collect();
        return Err(bad(format!("未找到表头：应有一行包含{names}，可先导出{}作为模板", l.template)));
    };
    let at: HashMap<&str, usize> = l
        .headings
        .iter()
        .filter_map(|k| rows[h].1.iter().position(|c| matches!(c, Cell::Text(t) if t.trim() == *k)).map(|i| (*k, i)))
        .collect();
    if let Some(need) = l.needed.iter().find(|n| !at.contains_key(*n)) {
        return Err(bad(format!("表头中缺少“{need}”列")));
    }
    if rows.len() - h - 1 > l.max_lines {
        return Err(bad(format!("一次最多导入{}{}，请按街道或社区分批导入", l.max_lines, l.unit)));
    }
    Ok(Sheet { lines: &rows[h + 1..], at })
}
