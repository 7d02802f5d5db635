super::province_table! {
    "proof_refusals" as ProofRefusal,
    pub community_code: String,
    /// What was asked for, as typed.
    pub asked: String,
    pub on_date: chrono::NaiveDate,
    pub refused_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
