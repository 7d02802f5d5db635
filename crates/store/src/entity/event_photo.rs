super::province_table! {
    "event_photos" as EventPhoto,
    pub event_id: Uuid,
    /// SHA-256 of the kept bytes (the metadata already taken out), hex.
    pub sha256: String,
    /// image/jpeg or image/png (sniffed).
    pub content_type: String,
    pub size: i32,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
