use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "workers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_code: String,
    pub name: String,
    pub id_number: String,
    pub gender: String,
    pub birth_date: Date,
    pub ethnicity: String,
    pub political_status: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub status: String,
    pub post_category: String,
    pub title: String,
    pub two_committees: bool,
    pub full_time: bool,
    pub party_building: bool,
    pub highest_education: Option<String>,
    pub certificate_level: Option<String>,
    pub service_start: Option<Date>,
    pub exited_on: Option<Date>,
    pub exit_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
super::no_relations!();
