//! Imports written in short transactions: the people an import has reserved (their ID numbers are
//! in the registry before their archives exist), and how far its updates of known people have got,
//! so that a commit the process stopped in the middle is finished without doing anything twice.

use super::{
    Step,
    Step::{AddColumn, Create, Index},
    TABLE, TableDef,
};

pub(super) const STEPS: &[Step] = &[
    Create(TableDef {
        name: "import_reservations",
        cols: "import_id:uuid id_number:s18 worker_id:uuid",
        key: "import_id id_number",
        ..TABLE
    }),
    Index("idx_import_reservations_worker", "import_reservations", "worker_id"),
    AddColumn("imports", "progress_row:i32=0"),
];
