//! The electronic archive. Every table here is distributed by `province_code` on Citus, so every
//! primary key and foreign key includes it.

use super::{
    Step,
    Step::{Create, Index},
    TABLE, TableDef, province,
};

pub(super) const STEPS: &[Step] = &[
    // `region_code`: the community the worker serves in now (or last served in, once exited).
    // `post_category`, `title` and the flags after them: derived from the current appointment,
    // education and certificates, for lists.
    Create(TableDef {
        name: "workers",
        province: true,
        cols: "region_code:s15 name:s60 id_number:s18 gender:s1 birth_date:date ethnicity:s2 political_status:s2 \
               phone:s20? address:s200? status:s16 post_category:s32 title:s40 two_committees:bool full_time:bool \
               party_building:bool highest_education:s2? certificate_level:s16? service_start:date? exited_on:date? \
               exit_reason:s200? created_at:ts updated_at:ts",
        refs: "region_code>regions.code",
        ..TABLE
    }),
    Index("idx_workers_region_name", "workers", "region_code name"),
    Index("idx_workers_id_number", "workers", "id_number"),
    Index("idx_workers_id", "workers", "id"),
    // One ID number, one person, nationwide. On Citus this table is distributed by `id_number` on
    // its own, so the uniqueness holds across provinces.
    Create(TableDef { name: "id_registry", cols: "id_number:s18* province_code:s2 worker_id:uuid", ..TABLE }),
    province(
        "appointments",
        "worker_id:uuid region_code:s15 post_category:s32 title:s40 two_committees:bool full_time:bool \
         party_building:bool start_date:date end_date:date? end_reason:s200?",
        "worker_id>workers",
    ),
    Index("idx_appointments_worker", "appointments", "worker_id start_date"),
    Index("idx_appointments_region", "appointments", "region_code"),
    province(
        "educations",
        "worker_id:uuid education_code:s2 school:s100? major:s100? graduated_on:date? full_time_study:bool=true",
        "worker_id>workers",
    ),
    Index("idx_educations_worker", "educations", "worker_id"),
    // `kind`: social_work, or other (职称, other qualifications).
    province(
        "certificates",
        "worker_id:uuid kind:s16 level:s16? name:s100 number:s60? issued_on:date?",
        "worker_id>workers",
    ),
    Index("idx_certificates_worker", "certificates", "worker_id"),
    province(
        "agreements",
        "worker_id:uuid region_code:s15 number:s60? term:s40 start_date:date end_date:date signed_on:date?",
        "worker_id>workers",
    ),
    Index("idx_agreements_worker", "agreements", "worker_id"),
    // The field-by-field history of every write to an archive.
    province(
        "worker_changes",
        "worker_id:uuid region_code:s15 changed_at:ts actor:s64 section:s32 field:s64 before:text? after:text?",
        "worker_id>workers",
    ),
    Index("idx_worker_changes_worker", "worker_changes", "worker_id changed_at"),
    province(
        "correction_requests",
        "worker_id:uuid region_code:s15 created_at:ts requested_by:s64 field:s64 message:text status:s16 \
         handled_by:s64? handled_at:ts?",
        "worker_id>workers",
    ),
    Index("idx_corrections_region", "correction_requests", "region_code status"),
];
