//! Files made to bring a server down are refused with a zh-CN reason, without allocating what they
//! announce: a 2 KB workbook whose used range reaches XFD1048576, a megabyte shared string referenced
//! from a thousand rows, a shared-string table announcing a trillion entries, a zip entry inflating
//! past the cap, and a CSV of 200,000 rows. Peak memory while reading all of them stays under 300 MB.

use shegong_store::StoreError;
use shegong_store::imports::read_table;
use std::io::Write;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A workbook of one sheet from its XML parts, deflated.
fn xlsx(sheet: &str, shared: Option<&str>) -> Vec<u8> {
    xlsx_padded(sheet, shared, 0)
}

/// The same, with `padding_mb` megabytes of blanks streamed into the sheet before its end (never
/// held in memory).
fn xlsx_padded(sheet: &str, shared: Option<&str>, padding_mb: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut parts = vec![
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        if let Some(s) = shared {
            parts.push(("xl/sharedStrings.xml", s));
        }
        let blanks = vec![b' '; 1 << 20];
        for (name, body) in parts {
            z.start_file(name, opts).unwrap();
            if name.ends_with("sheet1.xml") && padding_mb > 0 {
                let cut = body.find("</sheetData>").unwrap();
                z.write_all(&body.as_bytes()[..cut]).unwrap();
                for _ in 0..padding_mb {
                    z.write_all(&blanks).unwrap();
                }
                z.write_all(&body.as_bytes()[cut..]).unwrap();
            } else {
                z.write_all(body.as_bytes()).unwrap();
            }
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

fn sheet(dimension: &str, rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
}

fn header_row() -> String {
    r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>"#.into()
}

fn refused(name: &str, bytes: &[u8]) -> String {
    match read_table(name, bytes) {
        Err(StoreError::Invalid(e)) => e[0].message.clone(),
        Err(other) => panic!("{name}: refused with {other:?}, not a reason for the user"),
        Ok(t) => panic!("{name}: read {} rows instead of being refused", t.rows.len()),
    }
}

/// Peak resident memory of this process since the last reset, in MB (Linux).
fn peak_mb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb / 1024)
}

#[test]
fn hostile_files_are_refused_in_bounded_memory() {
    // Reset the peak so that only what follows counts (ignored where the kernel does not allow it).
    let _ = std::fs::write("/proc/self/clear_refs", "5");

    // 1. The used range reaches the last cell Excel has.
    let far = xlsx(
        &sheet(
            "A1:XFD1048576",
            &format!(
                r#"{}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
                header_row()
            ),
        ),
        None,
    );
    assert!(far.len() < 4096, "the file is {} bytes", far.len());
    let msg = refused("far.xlsx", &far);
    assert!(msg.contains("100000行"), "{msg}");

    // 2. One shared string of a megabyte, referenced by a thousand rows.
    let big = "字".repeat(1 << 18);
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000" uniqueCount="1"><si><t>{big}</t></si></sst>"#
    );
    let rows: String = (2..1002)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    let strings = xlsx(&sheet("A1:B1001", &format!("{}{rows}", header_row())), Some(&shared));
    assert!(strings.len() < 64 << 10, "the file is {} bytes", strings.len());
    let msg = refused("strings.xlsx", &strings);
    assert!(msg.contains("2000个字"), "{msg}");

    // 3. A shared-string table that announces a trillion entries.
    let announced = xlsx(
        &sheet("A1:B1", &header_row()),
        Some(
            r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>x</t></si></sst>"#,
        ),
    );
    let msg = refused("announced.xlsx", &announced);
    assert!(msg.contains("文件内容过多"), "{msg}");

    // 4. A sheet that inflates past the cap (300 MB of blanks in a few hundred KB).
    let bomb = xlsx_padded(&sheet("A1:B1", &header_row()), None, 300);
    assert!(bomb.len() < 2 << 20, "the file is {} bytes", bomb.len());
    let msg = refused("bomb.xlsx", &bomb);
    assert!(msg.contains("文件内容过多"), "{msg}");
    drop(bomb);

    // 5. More rows than a roster may have.
    let mut csv = String::from("姓名,身份证号,手机号码\n");
    for i in 0..200_000 {
        csv.push_str(&format!("张{i},110101199001011234,13800000000\n"));
    }
    let msg = refused("rows.csv", csv.as_bytes());
    assert!(msg.contains("100000行"), "{msg}");

    // 6. A cell past the length limit, in CSV.
    let long = format!("姓名,身份证号\n{},1\n", "长".repeat(5_000));
    let msg = refused("long.csv", long.as_bytes());
    assert!(msg.contains("第2行第1列"), "{msg}");

    if let Some(mb) = peak_mb() {
        eprintln!("peak resident memory while reading: {mb} MB");
        assert!(mb < 300, "peak resident memory {mb} MB");
    }
}
