use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "worker_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub worker_id: Uuid,
    pub region_code: String,
    pub changed_at: DateTimeUtc,
    pub actor: String,
    pub section: String,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}
super::no_relations!();
