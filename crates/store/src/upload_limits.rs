//! Limits on an uploaded roster, checked before anything is allocated for it.
//!
//! An `.xlsx` is a zip of XML: a 2 KB file can declare a used range of 17 billion cells, a shared
//! string of a megabyte can be referenced from every cell, and a zip entry can inflate a
//! thousandfold. So before the workbook is opened, every entry is inflated into a counter (never
//! into memory) against the caps below, and the shared-string count the file announces is checked;
//! then the sheet is read cell by cell with caps on rows, columns, cell length and total text.

use std::io::{Cursor, Read};

/// Data rows a roster may have (a county's roster; a province imports county by county).
pub const MAX_ROWS: usize = 100_000;
/// Columns read; cells to the right are ignored (the template has 21).
pub const MAX_COLS: usize = 32;
/// Characters in one cell.
pub const MAX_CELL_CHARS: usize = 2_000;
/// Bytes of text over all cells read.
pub const MAX_TEXT_BYTES: usize = 64 << 20;
/// Bytes of one uploaded file.
pub const MAX_FILE_BYTES: usize = 32 << 20;
/// Inflated bytes of all zip entries together.
pub const MAX_INFLATED_BYTES: u64 = 256 << 20;
/// Inflated bytes of the shared-string table.
pub const MAX_SHARED_STRING_BYTES: u64 = 32 << 20;
/// Shared strings the table may announce (calamine reserves that many up front).
pub const MAX_SHARED_STRINGS: u64 = (MAX_ROWS * MAX_COLS) as u64;
/// Entries in the zip.
pub const MAX_ENTRIES: usize = 1_000;
/// Errors kept with an upload (and shown); the count of all of them is kept beside.
pub const MAX_KEPT_ERRORS: usize = 1_000;

/// Checks an `.xlsx` container against the caps, inflating each entry into a counter. `Err` is the
/// zh-CN reason to show.
pub fn check_xlsx_container(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big_file());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式".to_string())?;
    if zip.len() > MAX_ENTRIES {
        return Err("Excel 文件结构异常（包含的部件过多），请另存为 .xlsx 或 CSV 后重新上传".into());
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|_| "无法读取 Excel 文件：文件已损坏".to_string())?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let shared = name.ends_with("sharedStrings.xml");
        let cap = if shared {
            MAX_SHARED_STRING_BYTES
        } else {
            MAX_INFLATED_BYTES
        };
        if entry.size() > cap || total.saturating_add(entry.size()) > MAX_INFLATED_BYTES {
            return Err(too_much_content());
        }
        // Inflate for real: the declared size may lie. Read at most one byte past the cap.
        let mut head = Vec::new();
        let mut limited = (&mut entry).take(cap + 1);
        if shared {
            (&mut limited)
                .take(64 << 10)
                .read_to_end(&mut head)
                .map_err(|_| "无法读取 Excel 文件：文件已损坏".to_string())?;
            if announced_strings(&head).is_some_and(|n| n > MAX_SHARED_STRINGS) {
                return Err(too_much_content());
            }
        }
        let rest = std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|_| "无法读取 Excel 文件：文件已损坏".to_string())?;
        let inflated = head.len() as u64 + rest;
        total = total.saturating_add(inflated);
        if inflated > cap || total > MAX_INFLATED_BYTES {
            return Err(too_much_content());
        }
    }
    Ok(())
}

/// The `uniqueCount` (or `count`) the shared-string table announces in its opening tag.
fn announced_strings(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let sst = text.find("<sst")?;
    let tag_end = text[sst..].find('>').map_or(text.len(), |e| sst + e);
    let tag = &text[sst..tag_end];
    ["uniqueCount=\"", "count=\""]
        .iter()
        .filter_map(|attr| {
            let at = tag.find(attr)? + attr.len();
            let digits: String = tag[at..].chars().take_while(char::is_ascii_digit).collect();
            // More digits than u64 holds is certainly too many.
            Some(digits.parse::<u64>().unwrap_or(u64::MAX))
        })
        .max()
}

pub fn too_big_file() -> String {
    format!("文件过大：上传的文件不能超过{} MB", MAX_FILE_BYTES >> 20)
}

pub fn too_much_content() -> String {
    format!("文件内容过多：一次最多导入{MAX_ROWS}行、每格不超过{MAX_CELL_CHARS}个字，请按县（市、区）分批导入")
}

pub fn too_many_rows() -> String {
    format!("文件超过{MAX_ROWS}行：请按县（市、区）或街道分批导入")
}

pub fn cell_too_long(row: usize, col: usize) -> String {
    format!("第{row}行第{}列的内容超过{MAX_CELL_CHARS}个字", col + 1)
}

/// Counts text read from cells against [`MAX_TEXT_BYTES`].
#[derive(Default)]
pub struct TextBudget(usize);

impl TextBudget {
    /// Takes `s` into the budget, or refuses the cell (too long) or the file (too much text).
    pub fn take(&mut self, s: &str, row: usize, col: usize) -> Result<(), String> {
        if s.chars().count() > MAX_CELL_CHARS {
            return Err(cell_too_long(row, col));
        }
        self.0 += s.len();
        if self.0 > MAX_TEXT_BYTES {
            return Err(too_much_content());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_announced_string_count() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="12" uniqueCount="7"><si>"#;
        assert_eq!(announced_strings(head), Some(12));
        let huge = br#"<sst uniqueCount="99999999999999999999999">"#;
        assert_eq!(announced_strings(huge), Some(u64::MAX));
        assert_eq!(announced_strings(b"<sst>"), None);
    }

    #[test]
    fn budget_refuses_long_cells_and_too_much_text() {
        let mut b = TextBudget::default();
        assert!(b.take(&"字".repeat(MAX_CELL_CHARS), 2, 0).is_ok());
        assert!(
            b.take(&"字".repeat(MAX_CELL_CHARS + 1), 2, 0)
                .unwrap_err()
                .contains("第2行第1列")
        );
        let mut b = TextBudget(MAX_TEXT_BYTES - 1);
        assert!(b.take("ab", 3, 0).is_err());
    }

    #[test]
    fn refuses_what_is_not_a_zip() {
        assert!(check_xlsx_container(b"PK\x03\x04garbage").is_err());
    }
}
