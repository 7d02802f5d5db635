//! How the tables are laid out on Citus (PostgreSQL distributed by province), as data: every table
//! the migrations create is declared here with its kind, [`plan`] turns the list into the
//! statements that distribute a fresh database, and [`distribute`] runs the ones a database still
//! needs whenever the Citus extension is installed (every start, after migrating). A test fails when
//! a migration adds a table that is not declared, and another checks the keys Citus needs.

use crate::Db;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// How a table is placed on the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Copied to every node: small, read by every query, changed rarely.
    Reference,
    /// Split by `province_code`, every such table in one co-location group with `workers`: a
    /// province's rows of every table sit together.
    ByProvince,
    /// Split by `id_number`, in a group of its own: one ID number, one person, nationwide.
    ByIdNumber,
    /// Left on the coordinator.
    Local,
}

/// Every table, parents before the tables whose foreign keys point at them.
pub const TABLES: &[(&str, Kind)] = &[
    ("regions", Kind::Reference),
    ("policies", Kind::Reference),
    ("users", Kind::Reference),
    ("sessions", Kind::Reference),
    ("api_tokens", Kind::Reference),
    ("applicant_sessions", Kind::Reference),
    ("login_devices", Kind::Reference),
    ("calendar_days", Kind::Reference),
    ("open311_keys", Kind::Reference),
    ("workers", Kind::ByProvince),
    ("worker_search", Kind::ByProvince),
    ("appointments", Kind::ByProvince),
    ("educations", Kind::ByProvince),
    ("certificates", Kind::ByProvince),
    ("agreements", Kind::ByProvince),
    ("rewards", Kind::ByProvince),
    ("attachments", Kind::ByProvince),
    ("worker_changes", Kind::ByProvince),
    ("worker_spells", Kind::ByProvince),
    ("correction_requests", Kind::ByProvince),
    ("assessments", Kind::ByProvince),
    ("assessment_amendments", Kind::ByProvince),
    ("assessment_rounds", Kind::ByProvince),
    ("assessment_entries", Kind::ByProvince),
    ("trainings", Kind::ByProvince),
    ("training_records", Kind::ByProvince),
    ("reserves", Kind::ByProvince),
    ("policy_assignments", Kind::ByProvince),
    ("reference_wages", Kind::ByProvince),
    ("payroll_runs", Kind::ByProvince),
    ("payslips", Kind::ByProvince),
    ("payslip_adjustments", Kind::ByProvince),
    ("imports", Kind::ByProvince),
    ("events", Kind::ByProvince),
    ("event_actions", Kind::ByProvince),
    ("event_tallies", Kind::ByProvince),
    ("event_photos", Kind::ByProvince),
    ("grid_duties", Kind::ByProvince),
    ("departments", Kind::ByProvince),
    ("recruitment_rounds", Kind::ByProvince),
    ("recruitment_posts", Kind::ByProvince),
    ("applicants", Kind::ByProvince),
    ("applications", Kind::ByProvince),
    ("households", Kind::ByProvince),
    ("household_changes", Kind::ByProvince),
    ("visits", Kind::ByProvince),
    ("wishes", Kind::ByProvince),
    ("deliberation_places", Kind::ByProvince),
    ("deliberation_meetings", Kind::ByProvince),
    ("deliberation_topics", Kind::ByProvince),
    ("deliberation_items", Kind::ByProvince),
    ("service_roles", Kind::ByProvince),
    ("window_duties", Kind::ByProvince),
    ("talks", Kind::ByProvince),
    ("work_items", Kind::ByProvince),
    ("proofs", Kind::ByProvince),
    ("proof_refusals", Kind::ByProvince),
    ("admissions", Kind::ByProvince),
    ("demands", Kind::ByProvince),
    ("seal_uses", Kind::ByProvince),
    ("disclosures", Kind::ByProvince),
    ("disclosure_questions", Kind::ByProvince),
    ("inspection_rounds", Kind::ByProvince),
    ("inspection_targets", Kind::ByProvince),
    ("inspection_findings", Kind::ByProvince),
    ("application_files", Kind::ByProvince),
    ("recruitment_objections", Kind::ByProvince),
    ("audit_log", Kind::ByProvince),
    ("id_registry", Kind::ByIdNumber),
    ("import_reservations", Kind::ByIdNumber),
    ("applicant_accounts", Kind::ByIdNumber),
    ("seaql_migrations", Kind::Local),
];

/// The kind of `table`, if declared.
pub fn kind_of(table: &str) -> Option<Kind> {
    TABLES.iter().find(|(t, _)| *t == table).map(|(_, k)| *k)
}

/// The statement that distributes `table`, if it is distributed at all.
pub fn statement_for(table: &str, kind: Kind) -> Option<String> {
    // The first table of a group starts it; the others join it.
    let first_of = |k: Kind| TABLES.iter().find(|(_, x)| *x == k).map(|(t, _)| *t);
    Some(match kind {
        Kind::Reference => format!("SELECT create_reference_table('{table}')"),
        Kind::ByProvince | Kind::ByIdNumber => {
            let column = if kind == Kind::ByProvince { "province_code" } else { "id_number" };
            let with = match first_of(kind) {
                Some(first) if first != table => first.to_string(),
                _ => "none".to_string(),
            };
            format!("SELECT create_distributed_table('{table}', '{column}', colocate_with => '{with}')")
        }
        Kind::Local => return None,
    })
}

/// The statements that distribute a fresh database, in order. The session setting comes first: without
/// it, making `regions` a reference table would pull `workers` (whose foreign key points at it) and
/// every table linked to `workers` onto the coordinator as local tables, which then cannot be
/// distributed.
pub fn plan() -> Vec<String> {
    std::iter::once("SET citus.enable_local_reference_table_foreign_keys TO off".to_string())
        .chain(TABLES.iter().filter_map(|(t, k)| statement_for(t, *k)))
        .collect()
}

/// On a PostgreSQL database with the Citus extension, distributes every declared table that is not
/// distributed yet, in [`TABLES`] order (nothing to do on a database already laid out). Returns how
/// many tables it distributed; 0 without Citus.
pub async fn distribute(db: &Db) -> anyhow::Result<usize> {
    if db.backend() != DbBackend::Postgres {
        return Ok(0);
    }
    let has_citus = db
        .writer
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM pg_extension WHERE extname = 'citus'",
        ))
        .await?
        .is_some();
    if !has_citus {
        return Ok(0);
    }
    let done: std::collections::HashSet<String> = db
        .writer
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT logicalrelid::regclass::text AS name FROM pg_dist_partition",
        ))
        .await?
        .into_iter()
        .filter_map(|r| r.try_get::<String>("", "name").ok())
        .map(|n| n.trim_matches('"').to_string())
        .collect();
    let todo: Vec<String> =
        TABLES.iter().filter(|(t, _)| !done.contains(*t)).filter_map(|(t, k)| statement_for(t, *k)).collect();
    if todo.is_empty() {
        return Ok(0);
    }
    let txn = sea_orm::TransactionTrait::begin(&db.writer).await?;
    txn.execute_unprepared("SET LOCAL citus.enable_local_reference_table_foreign_keys TO off").await?;
    for s in &todo {
        txn.execute_unprepared(s).await?;
    }
    txn.commit().await?;
    Ok(todo.len())
}

/// The statement's shape (numbered parameters and the lengths of lists made alike) when it reads or
/// changes a table distributed by province without naming the province for every such table it
/// names: on Citus it would go to every shard. Inserts go where their values say and are never
/// reported.
pub fn fans_out(sql: &str) -> Option<String> {
    let s = sql.trim_start();
    if s.len() >= 6 && s[..6].eq_ignore_ascii_case("INSERT") {
        return None;
    }
    let tables = ["FROM ", "JOIN ", "UPDATE "]
        .iter()
        .flat_map(|kw| s.match_indices(kw).map(move |(i, _)| &s[i + kw.len()..]))
        .filter_map(|rest| rest.strip_prefix('"').and_then(|r| r.split('"').next()))
        .filter(|t| kind_of(t) == Some(Kind::ByProvince))
        .count();
    if tables == 0 {
        return None;
    }
    let named = s.matches("\"province_code\" = ").count() + s.matches("\"province_code\" IN (").count();
    (named < tables).then(|| shape(s))
}

/// `sql` with `$1`, `$2`, … made `$` and `($, $, $)` made `($…)`.
fn shape(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '$' {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        }
    }
    while out.contains("$, $") {
        out = out.replace("$, $", "$");
    }
    out.replace("($)", "($…)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_fans_out_unless_each_province_table_names_its_province() {
        assert!(fans_out(r#"SELECT "id" FROM "workers" WHERE "region_code" >= $1"#).is_some());
        assert!(fans_out(r#"SELECT "id" FROM "workers" WHERE "province_code" = $1 AND "id" = $2"#).is_none());
        assert!(fans_out(r#"SELECT "id" FROM "regions" WHERE "code" = $1"#).is_none(), "a reference table");
        assert!(fans_out(r#"INSERT INTO "workers" ("province_code") VALUES ($1)"#).is_none());
        let join = r#"SELECT "w"."id" FROM "workers" LEFT JOIN "training_records" ON "worker_id" = "id" WHERE "province_code" = $1"#;
        assert!(fans_out(join).is_some(), "the second table is not pinned");
        assert_eq!(
            fans_out(r#"DELETE FROM "payslips" WHERE "run_id" IN ($1, $2, $3)"#).unwrap(),
            r#"DELETE FROM "payslips" WHERE "run_id" IN ($…)"#
        );
    }

    #[test]
    fn the_plan_starts_each_group_once_and_joins_the_rest_to_it() {
        let p = plan();
        assert_eq!(p[0], "SET citus.enable_local_reference_table_foreign_keys TO off");
        assert!(p.contains(&"SELECT create_reference_table('policies')".to_string()));
        assert!(p.contains(
            &"SELECT create_distributed_table('workers', 'province_code', colocate_with => 'none')".to_string()
        ));
        assert!(p.contains(
            &"SELECT create_distributed_table('payslips', 'province_code', colocate_with => 'workers')".to_string()
        ));
        assert!(p.contains(
            &"SELECT create_distributed_table('id_registry', 'id_number', colocate_with => 'none')".to_string()
        ));
        assert!(
            p.contains(
                &"SELECT create_distributed_table('import_reservations', 'id_number', colocate_with => 'id_registry')"
                    .to_string()
            )
        );
        assert!(!p.iter().any(|s| s.contains("seaql_migrations")));
        // Parents before children: a table's statement comes after those of the tables it points at.
        let at = |t: &str| p.iter().position(|s| s.contains(&format!("'{t}'"))).unwrap();
        for (child, parent) in [
            ("payslips", "payroll_runs"),
            ("assessment_entries", "assessment_rounds"),
            ("assessment_amendments", "assessments"),
            ("training_records", "trainings"),
            ("workers", "regions"),
            ("policy_assignments", "policies"),
        ] {
            assert!(at(parent) < at(child), "{parent} before {child}");
        }
    }
}
