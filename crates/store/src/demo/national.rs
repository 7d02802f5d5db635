//! The national dataset for measuring a province's queries at the nation's size: the demo province's
//! archives copied, inside the database, into the other 30 provinces until the nation has about 4.4
//! million workers. Each copy is the demo province's region tree under the target province's code
//! (its prefectures renumbered so that copies do not meet), with every worker, their appointments,
//! education, certificates, agreements, yearly grades, statistics spells, search keys and ID numbers. IDs are the
//! source's with two bytes marking the copy, so every reference between copied rows still holds.
//! The copies' search keys are the source's for the names and made anew for the ID numbers.
//! Payroll, training, rounds and reserves stay the demo province's own. Copied ID numbers are valid:
//! their region digits follow the copy's and the check digit is computed again.

use crate::Db;
use crate::error::Result;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The tables copied, parents first; `regions` is filtered by code, the others by province.
const TABLES: &[&str] = &[
    "regions",
    "workers",
    "worker_search",
    "id_registry",
    "appointments",
    "educations",
    "certificates",
    "agreements",
    "assessments",
    "worker_spells",
];

/// Columns holding a region code (or an ID number, whose first digits are one): renumbered per copy.
const CODES: &[&str] = &["code", "parent_code", "province_code", "region_code", "id_number"];

/// Copies per target province to reach `target` workers from a source of `source` workers: the
/// 30 other provinces in code order, each at most 4 copies (a copy's prefectures are numbered 20
/// apart, so a province holds at most 4).
pub fn plan(source_province: &str, source: u64, target: u64) -> Vec<(String, u32)> {
    let others: Vec<String> = super::regions::PROVINCES
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(',').map(|(c, _)| c.to_string()))
        .filter(|c| c != source_province && c.as_str() < "70")
        .collect();
    let wanted = target.saturating_sub(source).div_ceil(source.max(1));
    let n = others.len() as u64;
    others
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let copies = (wanted / n + u64::from((i as u64) < wanted % n)).min(4) as u32;
            (p, copies)
        })
        .filter(|(_, c)| *c > 0)
        .collect()
}

/// What [`replicate`] made.
#[derive(Debug, Default, Clone, Copy)]
pub struct Made {
    pub copies: u32,
    pub workers: u64,
    pub rows: u64,
}

/// Copies `source`'s archives into the provinces of `plan` (see the module's text), one transaction a
/// copy; `progress` is told each copy done with the workers so far.
pub async fn replicate(
    db: &Db,
    source: &str,
    plan: &[(String, u32)],
    progress: &(dyn Fn(&Made) + Sync),
) -> Result<Made> {
    let backend = db.backend();
    // A copy moves the prefectures 20 on: the source's must all be numbered below 20, or copies would
    // overflow the two digits or meet each other.
    let highest = db
        .conn
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT MAX(substr(code, 3, 2)) AS p FROM regions WHERE code LIKE '{source}%' AND length(code) >= 4"
            ),
        ))
        .await?
        .and_then(|r| r.try_get::<Option<String>>("", "p").ok().flatten())
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(0);
    if highest >= 20 {
        return Err(crate::error::StoreError::Conflict(shegong_domain::FieldError::new(
            "national_source",
            "province",
            format!(
                "省份 {source} 有编号 {highest:02} 的地级区划：复制时地级编号每份加 20，只能用地级编号都小于 20 的省份（如 33 浙江）作复制源"
            ),
        )));
    }
    let mut columns = Vec::new();
    for t in TABLES {
        columns.push((*t, table_columns(db, t).await?));
    }
    let source_workers = count(db, "workers", source).await?;
    let mut made = Made::default();
    for (province, copies) in plan {
        let name = super::province_name(province).unwrap_or_else(|| province.clone());
        let txn = db.begin_write().await?;
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO regions (code, parent_code, level, name, households, residents) \
                 VALUES ({}, NULL, 'province', {}, 0, 0)",
                param(backend, 1),
                param(backend, 2)
            ),
            [province.clone().into(), name.into()],
        ))
        .await?;
        txn.commit().await?;
        for k in 0..*copies {
            made.copies += 1;
            let copy = Copy { backend, province, offset: 20 * k, marker: 0xC000 | made.copies as u16 };
            let txn = db.begin_write().await?;
            for (table, cols) in &columns {
                made.rows += txn.execute_unprepared(&copy.statement(table, cols, source)).await?.rows_affected();
            }
            txn.commit().await?;
            made.workers += source_workers;
            progress(&made);
        }
        // The copies' ID numbers differ from the source's: their keys are made here.
        made.rows += crate::search::rebuild_province(db, province, &[crate::search::Kind::IdTail]).await?;
    }
    if backend == DbBackend::Postgres {
        db.writer.execute_unprepared("VACUUM ANALYZE").await?;
    } else {
        db.analyze().await?;
    }
    Ok(made)
}

/// One copy of the source province: its target, how far its prefectures are moved, and the two
/// bytes that mark its IDs (`C0`–`FF` in the UUID's variant byte, which no generated UUID has).
struct Copy<'a> {
    backend: DbBackend,
    province: &'a str,
    offset: u32,
    marker: u16,
}

impl Copy<'_> {
    fn statement(&self, table: &str, cols: &[(String, bool)], source: &str) -> String {
        let names: Vec<String> = cols.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let exprs: Vec<String> = cols.iter().map(|(c, is_uuid)| self.expr(c, *is_uuid)).collect();
        let filter = if table == "regions" {
            format!("code LIKE '{source}%' AND length(code) > 2")
        } else if table == "worker_search" {
            // The name's keys; the ID numbers' are made anew, since the copies' numbers differ.
            format!(
                "province_code = '{source}' AND kind IN ({}, {})",
                crate::search::Kind::Name as i16,
                crate::search::Kind::Whole as i16
            )
        } else {
            format!("province_code = '{source}'")
        };
        format!(
            "INSERT INTO \"{table}\" ({}) SELECT {} FROM \"{table}\" WHERE {filter}",
            names.join(", "),
            exprs.join(", ")
        )
    }

    fn expr(&self, col: &str, is_uuid: bool) -> String {
        let c = format!("\"{col}\"");
        let (p, m, off) = (self.province, self.marker, self.offset);
        if is_uuid {
            return match self.backend {
                DbBackend::Postgres => {
                    format!("encode(overlay(uuid_send({c}) placing '\\x{m:04X}'::bytea from 9 for 2), 'hex')::uuid")
                }
                _ => format!("unhex(hex(substr({c}, 1, 8)) || '{m:04X}' || hex(substr({c}, 11, 6)))"),
            };
        }
        if !CODES.contains(&col) {
            return c;
        }
        let prefecture = match self.backend {
            DbBackend::Postgres => format!("lpad((substr({c}, 3, 2)::int + {off})::text, 2, '0')"),
            _ => format!("printf('%02d', CAST(substr({c}, 3, 2) AS INTEGER) + {off})"),
        };
        let code = format!(
            "CASE WHEN {c} IS NULL THEN NULL WHEN length({c}) > 2 THEN '{p}' || {prefecture} || substr({c}, 5) ELSE '{p}' END"
        );
        if col != "id_number" {
            return code;
        }
        // The ID number's check digit, computed again (GB 11643: ISO 7064 MOD 11-2) over its new digits.
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: Vec<String> = WEIGHTS
            .iter()
            .enumerate()
            .map(|(i, w)| format!("CAST(substr(id17, {}, 1) AS INTEGER) * {w}", i + 1))
            .collect();
        let id17 = format!("substr({code}, 1, 17)");
        let check = format!("substr('10X98765432', ({}) % 11 + 1, 1)", sum.join(" + ")).replace("id17", &id17);
        format!("{id17} || {check}")
    }
}

/// The table's columns in order, each with whether it holds a UUID.
async fn table_columns(db: &Db, table: &str) -> Result<Vec<(String, bool)>> {
    let sql = match db.backend() {
        DbBackend::Postgres => format!(
            "SELECT column_name AS name, data_type = 'uuid' AS is_uuid FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        ),
        _ => format!("SELECT name, type = 'uuid_text' AS is_uuid FROM pragma_table_info('{table}') ORDER BY cid"),
    };
    let rows = db.conn.query_all_raw(Statement::from_string(db.backend(), sql)).await?;
    rows.into_iter().map(|r| Ok((r.try_get::<String>("", "name")?, r.try_get::<bool>("", "is_uuid")?))).collect()
}

/// The workers (active and exited) of `province`, what one copy adds.
pub async fn source_workers(db: &Db, province: &str) -> Result<u64> {
    count(db, "workers", province).await
}

async fn count(db: &Db, table: &str, province: &str) -> Result<u64> {
    let row = db
        .conn
        .query_one_raw(Statement::from_string(
            db.backend(),
            format!("SELECT COUNT(*) AS n FROM \"{table}\" WHERE province_code = '{province}'"),
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0) as u64)
}

fn param(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::plan;

    #[test]
    fn the_plan_reaches_the_nation_in_the_other_provinces() {
        let p = plan("33", 42_318, 4_400_000);
        assert_eq!(p.len(), 30);
        assert!(p.iter().all(|(c, n)| c != "33" && (3..=4).contains(n)));
        let workers: u64 = p.iter().map(|(_, n)| u64::from(*n) * 42_318).sum::<u64>() + 42_318;
        assert!((4_400_000..4_400_000 + 42_318).contains(&workers), "{workers}");
    }
}
