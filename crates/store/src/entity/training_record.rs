use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "training_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub training_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub completed_on: Date,
    pub credits: i32,
    /// attended | absent
    pub attendance: String,
    /// passed | failed, when examined
    pub result: Option<String>,
}
super::no_relations!();
