use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "appointments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub post_category: String,
    pub title: String,
    pub two_committees: bool,
    pub full_time: bool,
    pub party_building: bool,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<String>,
}
super::no_relations!();
