use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "assessment_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub round_id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub organisation_score: Option<i32>,
    pub residents_score: Option<i32>,
    pub routine_score: Option<i32>,
    pub combined_tenths: Option<i32>,
    pub grade: Option<String>,
    pub note: Option<String>,
}
super::no_relations!();
