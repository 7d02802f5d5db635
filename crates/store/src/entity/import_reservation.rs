//! A person an import under way has reserved: their ID number is in the registry, pointing at the
//! archive the import will make (`worker_id`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_reservations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub import_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_number: String,
    pub worker_id: Uuid,
}

super::no_relations!();
