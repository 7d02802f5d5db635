use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "reserves")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_code: String,
    pub name: String,
    pub gender: String,
    pub birth_date: Date,
    pub education: Option<String>,
    pub political_status: String,
    pub current_post: Option<String>,
    pub note: Option<String>,
    pub added_by: String,
    pub added_on: Date,
    pub removed_on: Option<Date>,
}
super::no_relations!();
