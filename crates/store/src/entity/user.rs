use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub region_code: String,
    pub worker_id: Option<Uuid>,
    pub disabled: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Set by an admin's reset: every page but the password form waits until it is changed.
    pub must_change_password: bool,
    pub password_changed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// For `department` users: the department they act for.
    pub department_id: Option<Uuid>,
}
super::no_relations!();
