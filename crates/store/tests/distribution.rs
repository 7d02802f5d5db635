//! The layout on Citus holds for the schema the migrations make: every table is declared with its
//! kind, and (on PostgreSQL) every key Citus needs is there — checked on a freshly migrated database
//! of each engine.

use sea_orm::{ConnectionTrait, Statement};
use shegong_store::distribution::{Kind, TABLES, kind_of};

async fn names(db: &shegong_store::Db, sql: &str) -> Vec<String> {
    db.conn
        .query_all_raw(Statement::from_string(db.backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
}

async fn every_table_is_declared(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(postgres, dir.path()).await.unwrap();
    let sql = if postgres {
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    let mut tables = names(&db, sql).await;
    tables.sort();
    let undeclared: Vec<&String> = tables.iter().filter(|t| kind_of(t).is_none()).collect();
    assert!(undeclared.is_empty(), "tables without a kind in shegong_store::distribution::TABLES: {undeclared:?}");
    let gone: Vec<&str> = TABLES.iter().map(|(t, _)| *t).filter(|t| !tables.iter().any(|x| x == t)).collect();
    assert!(gone.is_empty(), "declared but not in the schema: {gone:?}");
}

#[tokio::test]
async fn sqlite_every_table_is_declared() {
    every_table_is_declared(false).await;
}

#[tokio::test]
async fn postgres_every_table_is_declared() {
    if shegong_store::testing::pg_url().is_none() {
        eprintln!("SHEGONG_TEST_PG_URL not set: PostgreSQL run skipped");
        return;
    }
    every_table_is_declared(true).await;
}

/// Citus's rules, read from PostgreSQL's catalogue: every primary key and unique index of a
/// distributed table includes its distribution column; every foreign key between tables distributed
/// by province includes `province_code` on both sides; no reference table points at a distributed
/// one; and the ID-number registry is not joined to the workers by a key.
#[tokio::test]
async fn postgres_keys_hold_the_distribution_column() {
    if shegong_store::testing::pg_url().is_none() {
        eprintln!("SHEGONG_TEST_PG_URL not set: PostgreSQL run skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = shegong_store::testing::fresh(true, dir.path()).await.unwrap();
    let column = |k: Kind| match k {
        Kind::ByProvince => Some("province_code"),
        Kind::ByIdNumber => Some("id_number"),
        _ => None,
    };
    // Unique indexes (primary keys among them): table, index, its columns.
    let unique = db
        .conn
        .query_all_raw(Statement::from_string(
            db.backend(),
            "SELECT t.relname::text, i.relname::text, \
                    string_agg(a.attname::text, ',' ORDER BY a.attnum)::text \
             FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey) \
             WHERE n.nspname = 'public' AND x.indisunique GROUP BY 1, 2",
        ))
        .await
        .unwrap();
    let mut checked = 0;
    for r in unique {
        let (table, index, cols): (String, String, String) =
            (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap(), r.try_get_by_index(2).unwrap());
        if let Some(c) = kind_of(&table).and_then(column) {
            assert!(cols.split(',').any(|x| x == c), "{table}: unique index {index} ({cols}) lacks {c}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "unique keys checked: {checked}");
    // Foreign keys: from table, to table, the columns on each side.
    let fks = db
        .conn
        .query_all_raw(Statement::from_string(
            db.backend(),
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, \
                    (SELECT string_agg(attname::text, ',') FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = ANY(c.conkey))::text, \
                    (SELECT string_agg(attname::text, ',') FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = ANY(c.confkey))::text \
             FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
             WHERE c.contype = 'f' AND n.nspname = 'public'",
        ))
        .await
        .unwrap();
    let mut between = 0;
    for r in fks {
        let (from, to, from_cols, to_cols): (String, String, String, String) = (
            r.try_get_by_index(0).unwrap(),
            r.try_get_by_index(1).unwrap(),
            r.try_get_by_index(2).unwrap(),
            r.try_get_by_index(3).unwrap(),
        );
        let (kf, kt) = (kind_of(&from), kind_of(&to));
        assert!(
            !(kf == Some(Kind::Reference) && matches!(kt, Some(Kind::ByProvince | Kind::ByIdNumber))),
            "reference table {from} points at distributed {to}"
        );
        if kf == Some(Kind::ByProvince) && kt == Some(Kind::ByProvince) {
            assert!(
                from_cols.split(',').any(|c| c == "province_code") && to_cols.split(',').any(|c| c == "province_code"),
                "{from} ({from_cols}) → {to} ({to_cols}) lacks province_code"
            );
            between += 1;
        }
        assert!(
            !(from == "id_registry" && to == "workers" || from == "workers" && to == "id_registry"),
            "id_registry and workers are in different groups: no key between them"
        );
    }
    assert!(between >= 14, "foreign keys between province tables: {between}");
}
