//! Helpers for tests on both engines: a fresh database per test.

use crate::Db;
use sea_orm::{ConnectionTrait, Database};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The PostgreSQL server to test against, when `SHEGONG_TEST_PG_URL` is set.
pub fn pg_url() -> Option<String> {
    std::env::var("SHEGONG_TEST_PG_URL").ok().filter(|s| !s.is_empty())
}

/// The engines a storage test runs on: SQLite, and PostgreSQL when `SHEGONG_TEST_PG_URL` is set
/// (`true` for PostgreSQL).
pub fn engines() -> Vec<bool> {
    let mut v = vec![false];
    if pg_url().is_some() {
        v.push(true);
    }
    v
}

/// A new, empty, migrated database: SQLite in `dir`, or a new PostgreSQL database on the server
/// named by `SHEGONG_TEST_PG_URL` when `postgres` is true.
pub async fn fresh(postgres: bool, dir: &std::path::Path) -> anyhow::Result<(Db, String)> {
    let url = if postgres {
        let admin_url = pg_url().ok_or_else(|| anyhow::anyhow!("SHEGONG_TEST_PG_URL is not set"))?;
        // Named by the test process, so that the databases of finished runs can be dropped.
        let name = format!("shegong_test_p{}_{}", std::process::id(), uuid::Uuid::now_v7().simple());
        let admin = Database::connect(&admin_url).await?;
        drop_finished_runs(&admin).await;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        admin.close().await?;
        replace_db_name(&admin_url, &name)
    } else {
        crate::db::sqlite_url(dir)
    };
    let hook: crate::db::StatementHook = Arc::new(|sql: &str| {
        if let Some(shape) = crate::distribution::fans_out(sql) {
            *FAN_OUT.lock().unwrap_or_else(|e| e.into_inner()).entry(shape).or_default() += 1;
        }
    });
    let db = Db::connect_observed(&url, postgres.then_some(hook)).await?;
    crate::setup::run(&db).await?;
    Ok((db, url))
}

/// The statements run on the PostgreSQL test databases of this process that would go to every
/// shard on Citus, by shape, with how often each ran.
static FAN_OUT: std::sync::LazyLock<Mutex<BTreeMap<String, usize>>> = std::sync::LazyLock::new(Default::default);

/// What [`FAN_OUT`] holds so far.
pub fn fan_outs() -> BTreeMap<String, usize> {
    FAN_OUT.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Drops, once per test process, the test databases of processes that have ended (a test cannot
/// drop its own at the end: it may be killed, and async code does not run on drop).
async fn drop_finished_runs(admin: &sea_orm::DatabaseConnection) {
    static ONCE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    // Whether a process has ended is read from /proc: elsewhere nothing is dropped.
    if ONCE.swap(true, std::sync::atomic::Ordering::SeqCst) || !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let Ok(rows) = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'shegong_test_p%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid = name.trim_start_matches("shegong_test_p").split('_').next().and_then(|p| p.parse::<u32>().ok());
        let ended = pid.is_some_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists());
        if ended {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Hand-made `.xlsx` files for tests and benchmarks of the upload limits: a workbook is a zip of
/// XML parts, written here part by part so that a test can declare what a real program never would.
pub mod hostile {
    use std::io::Write;

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

    /// A workbook of one sheet from its XML parts, deflated.
    pub fn xlsx(sheet: &str, shared: Option<&str>) -> Vec<u8> {
        xlsx_padded(sheet, shared, 0)
    }

    /// The same, with `padding_mb` megabytes of blanks streamed into the sheet before its end (never
    /// held in memory).
    pub fn xlsx_padded(sheet: &str, shared: Option<&str>, padding_mb: usize) -> Vec<u8> {
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

    pub fn sheet(dimension: &str, rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    pub fn header_row() -> String {
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>"#.into()
    }

    /// A workbook from named parts; a part's body is `head`, then `unit` repeated `times` (streamed,
    /// never held whole), then `tail`.
    pub fn xlsx_parts(parts: &[(&str, &str, &str, usize, &str)]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (name, head, unit, times, tail) in parts {
                z.start_file(*name, opts).unwrap();
                z.write_all(head.as_bytes()).unwrap();
                let chunk = unit.repeat((1 << 16) / unit.len().max(1) + 1);
                let per_chunk = (1 << 16) / unit.len().max(1) + 1;
                let mut left = *times;
                while left > 0 {
                    let k = left.min(per_chunk);
                    z.write_all(&chunk.as_bytes()[..k * unit.len()]).unwrap();
                    left -= k;
                }
                z.write_all(tail.as_bytes()).unwrap();
            }
            z.finish().unwrap();
        }
        out.into_inner()
    }

    /// A workbook whose shared-string part is named `name` and holds `sst` as its text.
    fn with_shared(name: &str, sst: &str) -> Vec<u8> {
        let sheet = sheet("A1:B1", &header_row());
        xlsx_parts(&[
            ("[Content_Types].xml", CONTENT_TYPES, "", 0, ""),
            ("_rels/.rels", RELS, "", 0, ""),
            ("xl/workbook.xml", WORKBOOK, "", 0, ""),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS, "", 0, ""),
            ("xl/worksheets/sheet1.xml", &sheet, "", 0, ""),
            (name, sst, "", 0, ""),
        ])
    }

    /// The files an attacker would send, by name: each must be refused with a reason.
    pub fn files() -> Vec<(&'static str, Vec<u8>)> {
        let far = xlsx(
            &sheet(
                "A1:XFD1048576",
                &format!(r#"{}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#, header_row()),
            ),
            None,
        );
        let big = "字".repeat(1 << 18);
        let shared = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000" uniqueCount="1"><si><t>{big}</t></si></sst>"#
        );
        let rows: String = (2..1002)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}" t="s"><v>0</v></c></row>"#))
            .collect();
        let strings = xlsx(&sheet("A1:B1001", &format!("{}{rows}", header_row())), Some(&shared));
        let announced = xlsx(
            &sheet("A1:B1", &header_row()),
            Some(
                r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>x</t></si></sst>"#,
            ),
        );
        let bomb = xlsx_padded(&sheet("A1:B1", &header_row()), None, 300);
        let mut csv = String::from("姓名,身份证号,手机号码\n");
        for i in 0..200_000 {
            csv.push_str(&format!("张{i},110101199001011234,13800000000\n"));
        }
        let long = format!("姓名,身份证号\n{},1\n", "长".repeat(5_000));
        let huge = "10000000000000";
        let quoted = with_shared("xl/sharedStrings.xml", &format!("<sst uniqueCount='{huge}'><si><t>x</t></si></sst>"));
        let cased =
            with_shared("xl/SharedStrings.xml", &format!(r#"<sst uniqueCount="{huge}"><si><t>x</t></si></sst>"#));
        let commented = with_shared(
            "xl/sharedStrings.xml",
            &format!(r#"<!--{}--><sst uniqueCount="{huge}"><si><t>x</t></si></sst>"#, "x".repeat(100_000)),
        );
        let prefixed = with_shared(
            "xl/sharedStrings.xml",
            &format!(
                r#"<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{huge}"><x:si><x:t>x</x:t></x:si></x:sst>"#
            ),
        );
        let sheet = sheet("A1:B1", &header_row());
        let styles = xlsx_parts(&[
            ("[Content_Types].xml", CONTENT_TYPES, "", 0, ""),
            ("_rels/.rels", RELS, "", 0, ""),
            ("xl/workbook.xml", WORKBOOK, "", 0, ""),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS, "", 0, ""),
            ("xl/worksheets/sheet1.xml", &sheet, "", 0, ""),
            (
                "xl/styles.xml",
                r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>"#,
                r#"<xf fontId="0" fillId="0" borderId="0"/>"#,
                6_000_000,
                "</cellXfs></styleSheet>",
            ),
        ]);
        vec![
            ("sst-quoted.xlsx", quoted),
            ("sst-case.xlsx", cased),
            ("sst-comment.xlsx", commented),
            ("sst-prefix.xlsx", prefixed),
            ("styles.xlsx", styles),
            ("far.xlsx", far),
            ("strings.xlsx", strings),
            ("announced.xlsx", announced),
            ("bomb.xlsx", bomb),
            ("rows.csv", csv.into_bytes()),
            ("long.csv", long.into_bytes()),
        ]
    }
}

/// The access of a person of `role` bound to `region`, acting as `name` (tests' callers).
pub fn person(role: shegong_domain::access::Role, region: &str, name: &str) -> crate::access::Access {
    crate::access::Access::new(
        shegong_domain::Scope::Region(shegong_domain::RegionCode::parse(region).expect("a region code")),
        role,
        crate::access::Actor { username: name.into(), role: role.as_str().into(), region_code: region.into() },
    )
}

/// A step on an event as a test takes it: the action and the version seen.
pub fn step(action: &str, version: i32) -> crate::events::ActInput {
    crate::events::ActInput { action: action.into(), version: Some(version.into()), ..Default::default() }
}

/// The code a refusal answers with (`not_found`, `forbidden`, or the field error's own).
pub fn code(e: &crate::error::StoreError) -> &str {
    use crate::error::StoreError;
    match e {
        StoreError::Conflict(f) => f.code,
        StoreError::Invalid(v) => v.first().map_or("invalid", |f| f.code),
        StoreError::NotFound => "not_found",
        StoreError::Forbidden(_) => "forbidden",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_names() {
        assert_eq!(super::replace_db_name("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(super::replace_db_name("postgres://u@h/postgres?host=/tmp", "x"), "postgres://u@h/x?host=/tmp");
        assert_eq!(super::replace_db_name("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
