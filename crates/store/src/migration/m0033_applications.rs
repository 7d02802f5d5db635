//! Applicants (报名人员) and their applications to recruitment rounds: an applicant's own account
//! (ID number, phone, password; no staff account), their browser sessions, one application per
//! round with the facts declared and every decision on it, the scans it carries, objections raised
//! in the publicity (公示), and the round's steps after the exam.

use super::{
    Step,
    Step::{AddColumn, Create, Index, Unique},
    TABLE, TableDef, province,
};

pub(super) const STEPS: &[Step] = &[
    province("applicants", "id_number:s18 name:s40 phone:s20 password_hash:str created_at:ts", ""),
    Unique("idx_applicants_id_number", "applicants", "province_code id_number"),
    // Where an ID number has accounts, for signing in by the number alone: split by ID number on
    // Citus, so that a sign-in reads one shard, not every province's.
    Create(TableDef {
        name: "applicant_accounts",
        cols: "id_number:s18 province_code:s2 applicant_id:uuid",
        key: "id_number province_code",
        ..TABLE
    }),
    Create(TableDef {
        name: "applicant_sessions",
        cols: "token_hash:s64* province_code:s2 applicant_id:uuid csrf_token:s64 created_at:ts expires_at:ts",
        ..TABLE
    }),
    province(
        "applications",
        "round_id:uuid post_id:uuid applicant_id:uuid name:s40 id_number:s18 gender:s8 birth_date:date phone:s20 \
         education_code:s8 school:s100 major:s100 graduated_on:date? certificate:s16? work_history:text \
         veteran:bool current_worker:bool declared:text eligible:bool explanation:text status:s16 \
         review_reason:text? reviewed_by:s64? reviewed_at:ts? ticket:s20? room:s20? seat:i32? written:i32? \
         bonus:i32=0 interview:i32? medical:s8? medical_reason:text? vetting:s8? vetting_reason:text? \
         worker_id:uuid? submitted_at:ts updated_at:ts",
        "",
    ),
    Unique("idx_applications_applicant", "applications", "province_code round_id applicant_id"),
    Index("idx_applications_round", "applications", "province_code round_id post_id status"),
    province(
        "application_files",
        "application_id:uuid kind:s16 filename:s100 content_type:s32 size:i32 sha256:s64 bytes:blob created_at:ts",
        "",
    ),
    Index("idx_application_files_application", "application_files", "province_code application_id"),
    province(
        "recruitment_objections",
        "round_id:uuid application_id:uuid received_on:date content:text recorded_by:s64 recorded_at:ts \
         resolution:text? upheld:bool? resolved_by:s64? resolved_at:ts?",
        "",
    ),
    Index("idx_recruitment_objections_round", "recruitment_objections", "province_code round_id"),
    AddColumn("recruitment_rounds", "pass_line:i32?"),
    AddColumn("recruitment_rounds", "tickets_at:ts?"),
    AddColumn("recruitment_rounds", "publicity_from:date?"),
];
