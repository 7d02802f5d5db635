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
/// Inflated bytes of any other part (styles, workbook, relationships), which the reader builds whole.
pub const MAX_OTHER_PART_BYTES: u64 = 4 << 20;
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
        let mut entry = zip.by_index(i).map_err(|_| "无法读取 Excel 文件：文件已损坏".to_string())?;
        let name = entry.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        // Part names are matched as the reader matches them: without regard to case.
        let shared = name.ends_with("sharedstrings.xml");
        let cap = if shared {
            MAX_SHARED_STRING_BYTES
        } else if name.contains("worksheets/") {
            MAX_INFLATED_BYTES
        } else {
            // Styles, the workbook, relationships, themes: parts the reader builds whole in memory.
            MAX_OTHER_PART_BYTES
        };
        if entry.size() > cap || total.saturating_add(entry.size()) > MAX_INFLATED_BYTES {
            return Err(too_much_content());
        }
        // Inflate for real (the declared size may lie), reading at most one byte past the cap.
        let mut counted = CountingReader { inner: (&mut entry).take(cap + 1), n: 0 };
        if shared && announced_strings(&mut counted)?.is_some_and(|n| n > MAX_SHARED_STRINGS) {
            return Err(too_much_content());
        }
        std::io::copy(&mut counted, &mut std::io::sink()).map_err(|_| "无法读取 Excel 文件：文件已损坏".to_string())?;
        total = total.saturating_add(counted.n);
        if counted.n > cap || total > MAX_INFLATED_BYTES {
            return Err(too_much_content());
        }
    }
    Ok(())
}

/// A reader that counts what passes through it.
struct CountingReader<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}

/// The `uniqueCount` the shared-string table announces (what the reader reserves room for), read
/// with an XML parser as the reader reads it: any quoting, prefix, comments or declarations before
/// the element. `Err` when the part is not XML.
fn announced_strings<R: Read>(r: &mut R) -> Result<Option<u64>, String> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(r));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if e.local_name().into_inner() != "sst" {
                    return Ok(None);
                }
                let mut most = None;
                for a in e.attributes().flatten() {
                    if matches!(a.key.local_name().into_inner(), "uniqueCount" | "count") {
                        let v = a.value.trim().to_string();
                        // Anything the reader could take for a number it would reserve; what is not
                        // a plain number here is refused rather than guessed at.
                        let n = v.parse::<u64>().unwrap_or(u64::MAX);
                        most = Some(most.map_or(n, |m: u64| m.max(n)));
                    }
                }
                return Ok(most);
            }
            Ok(Event::Eof) => return Ok(None),
            Ok(_) => {}
            Err(_) => return Err("无法读取 Excel 文件：共享字符串部分已损坏".into()),
        }
    }
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
    fn reads_the_announced_string_count_as_the_reader_would() {
        let count = |x: &str| announced_strings(&mut x.as_bytes()).unwrap();
        assert_eq!(count(r#"<?xml version="1.0"?><sst xmlns="x" count="12" uniqueCount="7"><si>"#), Some(12));
        assert_eq!(count(r#"<sst uniqueCount="99999999999999999999999">"#), Some(u64::MAX));
        assert_eq!(count("<sst uniqueCount='10000000000000'>"), Some(10_000_000_000_000));
        assert_eq!(count(r#"<x:sst xmlns:x="m" uniqueCount="10000000000000">"#), Some(10_000_000_000_000));
        let comment = format!("<!--{}--><sst uniqueCount=\"10000000000000\">", "x".repeat(100_000));
        assert_eq!(count(&comment), Some(10_000_000_000_000));
        assert_eq!(count("<sst>"), None);
    }

    #[test]
    fn budget_refuses_long_cells_and_too_much_text() {
        let mut b = TextBudget::default();
        assert!(b.take(&"字".repeat(MAX_CELL_CHARS), 2, 0).is_ok());
        assert!(b.take(&"字".repeat(MAX_CELL_CHARS + 1), 2, 0).unwrap_err().contains("第2行第1列"));
        let mut b = TextBudget(MAX_TEXT_BYTES - 1);
        assert!(b.take("ab", 3, 0).is_err());
    }

    #[test]
    fn refuses_what_is_not_a_zip() {
        assert!(check_xlsx_container(b"PK\x03\x04garbage").is_err());
    }
}
