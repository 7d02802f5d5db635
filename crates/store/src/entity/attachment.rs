super::province_table! {
    "attachments" as Attachment,
    pub worker_id: Uuid,
    pub region_code: String,
    /// photo | certificate | diploma | agreement | other
    pub kind: String,
    pub filename: String,
    /// What the bytes are (sniffed): application/pdf, image/jpeg or image/png.
    pub content_type: String,
    pub size: i32,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
