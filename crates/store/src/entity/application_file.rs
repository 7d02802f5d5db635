super::province_table! {
    "application_files" as ApplicationFile,
    pub application_id: Uuid,
    /// `id_card`, `diploma`, `certificate`, `other`.
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i32,
    pub sha256: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
