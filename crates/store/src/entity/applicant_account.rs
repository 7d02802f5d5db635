use sea_orm::entity::prelude::*;

/// Where an ID number has an applicant's account (one per province), for signing in by the number.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applicant_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_number: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub province_code: String,
    pub applicant_id: Uuid,
}
super::no_relations!();
