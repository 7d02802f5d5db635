super::province_table! {
    "wishes" as Wish,
    pub community_code: String,
    pub grid_code: Option<String>,
    pub household_id: Option<Uuid>,
    /// What is wished for.
    pub title: String,
    pub detail: Option<String>,
    /// For whom (personal data: masked on the public wall).
    pub for_name: String,
    pub for_phone: Option<String>,
    pub due_on: Option<chrono::NaiveDate>,
    /// `open`, `claimed`, `fulfilled`, `closed` (see `shegong_domain::wishes::WishState`).
    pub state: String,
    pub claimant_kind: Option<String>,
    pub claimant_name: Option<String>,
    pub claimant_worker_id: Option<Uuid>,
    pub claimed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub fulfil_note: Option<String>,
    pub fulfilled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub confirm_note: Option<String>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}
