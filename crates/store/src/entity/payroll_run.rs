use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "payroll_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_code: String,
    pub month: String,
    pub status: String,
    pub policy_name: String,
    pub policy_version: i32,
    pub workers: i32,
    pub total_fen: i64,
    pub skipped: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub locked_by: Option<String>,
    pub locked_at: Option<DateTimeUtc>,
}
super::no_relations!();
