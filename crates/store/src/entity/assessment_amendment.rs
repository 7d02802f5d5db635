use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "assessment_amendments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub year: i32,
    pub old_grade: String,
    pub new_grade: String,
    pub reason: String,
    pub amended_by: String,
    pub amended_at: DateTimeUtc,
}
super::no_relations!();
