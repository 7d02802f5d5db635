use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "trainings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_code: String,
    pub name: String,
    pub kind: String,
    pub organiser: String,
    pub start_date: Date,
    pub end_date: Date,
    pub hours: i32,
    pub credits: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}
super::no_relations!();
