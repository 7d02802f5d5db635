//! SeaORM entities, one per table of the migrations.

pub mod admission;
pub mod agreement;
pub mod api_token;
pub mod applicant;
pub mod applicant_account;
pub mod applicant_session;
pub mod application;
pub mod application_file;
pub mod appointment;
pub mod assessment;
pub mod assessment_amendment;
pub mod assessment_entry;
pub mod assessment_round;
pub mod attachment;
pub mod audit;
pub mod certificate;
pub mod correction;
pub mod deliberation_item;
pub mod deliberation_meeting;
pub mod deliberation_place;
pub mod deliberation_topic;
pub mod demand;
pub mod department;
pub mod disclosure;
pub mod disclosure_question;
pub mod education;
pub mod event;
pub mod event_action;
pub mod event_photo;
pub mod grid_duty;
pub mod household;
pub mod household_change;
pub mod id_registry;
pub mod import;
pub mod import_reservation;
pub mod inspection_finding;
pub mod inspection_round;
pub mod inspection_target;
pub mod login_device;
pub mod open311_key;
pub mod payroll_run;
pub mod payslip;
pub mod payslip_adjustment;
pub mod policy;
pub mod policy_assignment;
pub mod proof;
pub mod proof_refusal;
pub mod recruitment_objection;
pub mod recruitment_post;
pub mod recruitment_round;
pub mod reference_wage;
pub mod region;
pub mod reserve;
pub mod reward;
pub mod seal_use;
pub mod service_role;
pub mod session;
pub mod talk;
pub mod training;
pub mod training_record;
pub mod user;
pub mod visit;
pub mod window_duty;
pub mod wish;
pub mod work_item;
pub mod worker;
pub mod worker_change;
pub mod worker_spell;

/// Boilerplate shared by every entity here: no relations are declared (queries join explicitly).
macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, sea_orm::EnumIter, sea_orm::DeriveRelation)]
        pub enum Relation {}
        impl sea_orm::ActiveModelBehavior for ActiveModel {}
    };
}
pub(crate) use no_relations;

/// A table of one province's data, keyed as every such table is by the province and a UUIDv7:
/// `province_table! { "table_name" as SchemaName, pub field: Type, … }` declares its `Model` (serialisable),
/// `Entity`, `Column` and an empty `Relation`.
macro_rules! province_table {
    ($table:literal as $schema:ident, $($fields:tt)*) => {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, utoipa::ToSchema)]
        #[sea_orm(table_name = $table)]
        #[schema(as = $schema)]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub province_code: String,
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            $($fields)*
        }

        super::no_relations!();
    };
}
pub(crate) use province_table;
