use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "payslip_adjustments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub run_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub month: String,
    pub amount_fen: i64,
    pub reason: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}
super::no_relations!();
