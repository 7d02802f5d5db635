super::province_table! {
    "applicants" as Applicant,
    pub id_number: String,
    pub name: String,
    pub phone: String,
    #[serde(skip)]
    pub password_hash: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
