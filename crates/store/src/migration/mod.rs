//! One portable migration set for SQLite and PostgreSQL (and Citus: see docs/scaling.md).
//! Portable types only: text, integers, booleans, dates, UTC timestamps, UUIDs made by the app.
//! No triggers, no arrays, no JSON operators. One schema change per step; steps never change once
//! released.

use sea_orm_migration::prelude::*;

mod m0001_regions;
mod m0002_archive;
mod m0003_access;
mod m0004_worker_list_index;
mod m0005_assessments;
mod m0006_rewards;
mod m0007_training;
mod m0008_policies;
mod m0009_assessment_rounds;
mod m0010_reserves;
mod m0011_payroll;
mod m0012_assessment_region_index;
mod m0013_statistics;
mod m0014_accounts;
mod m0015_import_runs;
mod m0016_correction_replies;
mod m0017_bank_accounts;
mod m0018_attachments;
mod m0019_covering_indexes;
mod m0020_worker_search;
mod m0021_worker_sort_indexes;
mod m0022_worker_search_by_worker;
mod m0023_calendar;
mod m0024_events;
mod m0025_event_figures;
mod m0026_open311;
mod m0027_event_photos;
mod m0028_grids;
mod m0029_affairs;
mod m0030_token_source;
mod m0031_departments;
mod m0032_recruitment;
mod m0033_applications;
mod m0034_service;
mod m0035_deliberation;
mod m0036_window;
mod m0037_talks;
mod m0038_work_items;
mod m0039_admissions;
mod m0040_openness;
mod m0041_workers_found;

pub struct Migrator;

/// Each step list as a migration named after its file, as seaql_migrations records it.
macro_rules! migrations {
    ($($m:ident),* $(,)?) => {
        vec![$(Box::new(Steps { name: stringify!($m), steps: $m::STEPS }) as Box<dyn MigrationTrait>),*]
    };
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        migrations![
            m0001_regions,
            m0002_archive,
            m0003_access,
            m0004_worker_list_index,
            m0005_assessments,
            m0006_rewards,
            m0007_training,
            m0008_policies,
            m0009_assessment_rounds,
            m0010_reserves,
            m0011_payroll,
            m0012_assessment_region_index,
            m0013_statistics,
            m0014_accounts,
            m0015_import_runs,
            m0016_correction_replies,
            m0017_bank_accounts,
            m0018_attachments,
            m0019_covering_indexes,
            m0020_worker_search,
            m0021_worker_sort_indexes,
            m0022_worker_search_by_worker,
            m0023_calendar,
            m0024_events,
            m0025_event_figures,
            m0026_open311,
            m0027_event_photos,
            m0028_grids,
            m0029_affairs,
            m0030_token_source,
            m0031_departments,
            m0032_recruitment,
            m0033_applications,
            m0034_service,
            m0035_deliberation,
            m0036_window,
            m0037_talks,
            m0038_work_items,
            m0039_admissions,
            m0040_openness,
            m0041_workers_found,
        ]
    }
}

/// One schema change. A migration is a list of them, applied in order and undone in reverse.
///
/// Columns are written as `name:type` words, in the table's order:
/// `s12` (text of at most 12 characters), `c32` (the same, compared byte by byte: `COLLATE "C"` on
/// PostgreSQL, as SQLite compares), `str`, `text`, `uuid`, `i16`, `i32`, `i64`, `bool`, `date`,
/// `ts` (a UTC timestamp), `blob`. After the type, `?` lets the column be NULL, `!` makes it unique,
/// `*` makes it the primary key on its own, and `=v` gives a default (`=0`, `=true`, `=attended`).
pub(crate) enum Step {
    /// `CREATE TABLE IF NOT EXISTS`.
    Create(TableDef),
    /// `CREATE INDEX IF NOT EXISTS name ON table (columns)`.
    Index(&'static str, &'static str, &'static str),
    /// `CREATE UNIQUE INDEX IF NOT EXISTS name ON table (columns)`.
    Unique(&'static str, &'static str, &'static str),
    /// `DROP INDEX IF EXISTS name` of an index on `table (columns)`: the columns recreate it on the
    /// way down.
    DropIndex(&'static str, &'static str, &'static str),
    /// `ALTER TABLE table ADD COLUMN`, unless the table has it already.
    AddColumn(&'static str, &'static str),
}

/// A table to create.
pub(crate) struct TableDef {
    pub name: &'static str,
    /// A table of a province's data: `province_code:s2 id:uuid` come first and are its key, so that
    /// Citus can distribute it by province. Otherwise the key is `key`, or a column marked `*`.
    pub province: bool,
    pub cols: &'static str,
    /// A primary key of several columns (space-separated).
    pub key: &'static str,
    /// Foreign keys, `;`-separated: `worker_id>workers` is `(province_code, worker_id)` to
    /// `workers (province_code, id)`, aligned with the distribution key so that it holds on Citus;
    /// `a,b>table.x,y` is a plain reference from `(a, b)` to `table (x, y)`.
    pub refs: &'static str,
}

/// A table's fields with nothing set, for `..TABLE` in the step lists.
pub(crate) const TABLE: TableDef = TableDef { name: "", province: false, cols: "", key: "", refs: "" };

/// A province's table (see [`TableDef::province`]) with its columns and foreign keys.
pub(crate) const fn province(name: &'static str, cols: &'static str, refs: &'static str) -> Step {
    Step::Create(TableDef { name, province: true, cols, refs, ..TABLE })
}

struct Steps {
    name: &'static str,
    steps: &'static [Step],
}

impl MigrationName for Steps {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Steps {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let postgres = m.get_database_backend() == sea_orm::DbBackend::Postgres;
        for step in self.steps {
            match step {
                Step::Create(t) => m.create_table(t.statement(postgres)?).await?,
                Step::Index(name, table, cols) => m.create_index(index(name, table, cols)).await?,
                Step::Unique(name, table, cols) => m.create_index(index(name, table, cols).unique().to_owned()).await?,
                Step::DropIndex(name, table, _) => m.drop_index(drop_index(name, table)).await?,
                Step::AddColumn(table, col) => {
                    let mut col = column(col, postgres)?;
                    if !m.has_column(*table, col.get_column_name()).await? {
                        m.alter_table(Table::alter().table(*table).add_column(&mut col).to_owned()).await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Drops what the steps created and recreates the indexes they dropped; added columns stay.
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for step in self.steps.iter().rev() {
            match step {
                Step::Create(t) => m.drop_table(Table::drop().table(t.name).if_exists().to_owned()).await?,
                Step::Index(name, table, _) | Step::Unique(name, table, _) => {
                    m.drop_index(drop_index(name, table)).await?
                }
                Step::DropIndex(name, table, cols) => m.create_index(index(name, table, cols)).await?,
                Step::AddColumn(..) => {}
            }
        }
        Ok(())
    }
}

impl TableDef {
    fn statement(&self, postgres: bool) -> Result<TableCreateStatement, DbErr> {
        let mut t = Table::create();
        t.table(self.name).if_not_exists();
        if self.province {
            t.col(column("province_code:s2", postgres)?).col(column("id:uuid", postgres)?);
        }
        for word in self.cols.split_whitespace() {
            t.col(column(word, postgres)?);
        }
        let key = if self.province { "province_code id" } else { self.key };
        if !key.is_empty() {
            t.primary_key(&mut names(Index::create(), key));
        }
        for r in self.refs.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            let (from, to) = r.split_once('>').ok_or_else(|| mistake("外键", r))?;
            let mut fk = ForeignKey::create();
            fk.from_tbl(self.name);
            let (to, to_cols) = match to.split_once('.') {
                Some((table, cols)) => (table, cols),
                None => {
                    fk.from_col("province_code");
                    (to, "province_code,id")
                }
            };
            fk.to_tbl(to);
            for c in from.split(',') {
                fk.from_col(c);
            }
            for c in to_cols.split(',') {
                fk.to_col(c);
            }
            t.foreign_key(&mut fk);
        }
        Ok(t)
    }
}

/// A step written wrong: a mistake in a migration, which every test that opens a database meets.
fn mistake(what: &str, text: &str) -> DbErr {
    DbErr::Migration(format!("迁移步骤的{what}写法有误：{text}"))
}

/// One column from its `name:type` word (see [`Step`]).
fn column(word: &'static str, postgres: bool) -> Result<ColumnDef, DbErr> {
    let (name, spec) = word.split_once(':').ok_or_else(|| mistake("列", word))?;
    let end = spec.find(['?', '!', '*', '=']).unwrap_or(spec.len());
    let (ty, flags) = spec.split_at(end);
    let mut c = ColumnDef::new(name);
    match ty {
        "uuid" => c.uuid(),
        "str" => c.string(),
        "text" => c.text(),
        "i16" => c.small_integer(),
        "i32" => c.integer(),
        "i64" => c.big_integer(),
        "bool" => c.boolean(),
        "date" => c.date(),
        "ts" => c.timestamp_with_time_zone(),
        "blob" => c.blob(),
        _ => match ty.split_at(1) {
            ("s" | "c", n) => c.string_len(n.parse().map_err(|_| mistake("列", word))?),
            _ => return Err(mistake("列类型", word)),
        },
    };
    if flags.contains('?') {
        c.null()
    } else {
        c.not_null()
    };
    if ty.starts_with('c') && postgres {
        c.extra("COLLATE \"C\"");
    }
    if let Some((_, v)) = flags.split_once('=') {
        match (ty, v) {
            ("bool", v) => c.default(v == "true"),
            ("i16" | "i32" | "i64", v) => c.default(v.parse::<i32>().map_err(|_| mistake("默认值", word))?),
            (_, v) => c.default(v),
        };
    }
    if flags.contains('!') {
        c.unique_key();
    }
    if flags.contains('*') {
        c.primary_key();
    }
    Ok(c)
}

fn names(mut i: IndexCreateStatement, cols: &'static str) -> IndexCreateStatement {
    for c in cols.split_whitespace() {
        i.col(c);
    }
    i
}

fn index(name: &'static str, table: &'static str, cols: &'static str) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table).if_not_exists();
    names(i, cols)
}

fn drop_index(name: &'static str, table: &'static str) -> IndexDropStatement {
    Index::drop().name(name).table(table).if_exists().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Database};

    fn sqlite(c: ColumnDef) -> String {
        Table::create().table("t").col(c).to_owned().to_string(SqliteQueryBuilder)
    }

    #[test]
    fn column_words_are_the_builder_columns() {
        use sea_orm_migration::schema as s;
        for (word, built) in [
            ("phone:s20?", s::string_len_null("phone", 20)),
            ("code:s15*", s::string_len("code", 15).primary_key().to_owned()),
            ("username:s64!", s::string_len("username", 64).unique_key().to_owned()),
            ("households:i64=0", s::big_integer("households").default(0).to_owned()),
            ("full_time_study:bool=true", s::boolean("full_time_study").default(true).to_owned()),
            ("attendance:s16=attended", s::string_len("attendance", 16).default("attended").to_owned()),
            ("at:ts", s::timestamp_with_time_zone("at")),
            ("handled_at:ts?", s::timestamp_with_time_zone_null("handled_at")),
            ("seq:i16", s::small_integer("seq")),
            ("bytes:blob", s::blob("bytes")),
            ("password_hash:str", s::string("password_hash")),
            ("key:c32", s::string_len("key", 32)),
        ] {
            assert_eq!(sqlite(column(word, false).unwrap()), sqlite(built), "{word}");
        }
        for wrong in ["phone", "phone:s", "phone:x20", "n:i32=a"] {
            assert!(column(wrong, false).is_err(), "{wrong}");
        }
        let key = column("key:c32", true).unwrap();
        let pg = Table::create().table("t").col(key).to_owned().to_string(PostgresQueryBuilder);
        assert!(pg.contains(r#""key" varchar(32) NOT NULL COLLATE "C""#), "{pg}");
    }

    #[tokio::test]
    async fn every_step_is_undone_on_the_way_down() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let tables = "SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE 'seaql%' AND name NOT LIKE 'sqlite%'";
        let count = |db: &sea_orm::DatabaseConnection| {
            let db = db.clone();
            async move {
                let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), tables));
                row.await.unwrap().unwrap().try_get::<i64>("", "n").unwrap()
            }
        };
        Migrator::up(&db, None).await.unwrap();
        let created = count(&db).await;
        assert!(created > 40, "{created}");
        Migrator::down(&db, None).await.unwrap();
        assert_eq!(count(&db).await, 0);
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(count(&db).await, created);
    }
}
