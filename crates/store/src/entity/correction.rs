use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "correction_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub created_at: DateTimeUtc,
    pub requested_by: String,
    pub field: String,
    pub message: String,
    pub status: String,
    pub handled_by: Option<String>,
    pub handled_at: Option<DateTimeUtc>,
}
super::no_relations!();
