//! An uploaded roster, kept between its check and its commit.

super::province_table! {
    "imports" as Import,
    pub region_code: String,
    pub username: String,
    pub filename: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub rows: i32,
    pub error_count: i32,
    pub status: String,
    pub committed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created: Option<i32>,
    pub updated: Option<i32>,
    /// The errors found by the check, as JSON (`[{"row","field","message"}]`).
    #[sea_orm(column_type = "Text")]
    pub errors: String,
    pub file: Vec<u8>,
    /// The last spreadsheet row whose update of a known person is written (a commit under way).
    pub progress_row: i32,
}
