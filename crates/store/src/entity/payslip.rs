use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "payslips")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub run_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub month: String,
    pub post_category: String,
    pub level: i32,
    pub base_fen: i64,
    pub post_pay_fen: i64,
    pub allowance_fen: i64,
    pub education_fen: i64,
    pub certificate_fen: i64,
    pub performance_fen: i64,
    pub total_fen: i64,
    pub floor_shortfall_fen: i64,
}
super::no_relations!();
