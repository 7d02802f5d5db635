super::province_table! {
    "proofs" as Proof,
    pub community_code: String,
    /// 江丰社区证〔2026〕0007号
    pub number: String,
    pub year: i32,
    pub seq: i32,
    pub item_id: Uuid,
    pub item_title: String,
    /// The applicant (personal data: masked outside the community).
    pub applicant: String,
    pub purpose: Option<String>,
    pub issued_on: chrono::NaiveDate,
    /// The issuer's name as it stood then.
    pub issued_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
