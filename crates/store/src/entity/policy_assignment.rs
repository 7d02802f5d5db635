use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "policy_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_code: String,
    pub policy_name: String,
    pub policy_version: i32,
    pub effective_from: Date,
    pub assigned_by: String,
    pub assigned_at: DateTimeUtc,
}
super::no_relations!();
