//! A stretch of a worker's history with constant counted attributes (derived; see `stats`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "worker_spells")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub worker_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i16,
    pub region_code: String,
    pub valid_from: chrono::NaiveDate,
    pub valid_to: Option<chrono::NaiveDate>,
    pub post: i16,
    pub full_time: bool,
    pub two_committees: bool,
    pub education: i16,
    pub certificate: i16,
    pub gender: i16,
    pub political: i16,
    pub birth_date: chrono::NaiveDate,
    pub service_start: chrono::NaiveDate,
}

super::no_relations!();
