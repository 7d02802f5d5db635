super::province_table! {
    "admissions" as Admission,
    pub county_code: String,
    pub department_id: Uuid,
    pub department_name: String,
    /// The task communities would take on.
    pub title: String,
    pub basis: Option<String>,
    /// The communities (codes separated by commas), or 全部 for every community of the county.
    pub communities: String,
    pub from_on: chrono::NaiveDate,
    pub to_on: Option<chrono::NaiveDate>,
    /// 人随事动: the staff that come with it.
    pub staff: Option<String>,
    /// 费随事转: the money that comes with it.
    pub funding: Option<String>,
    /// `pending`, `approved`, `refused`.
    pub state: String,
    /// Why it was refused.
    pub reason: Option<String>,
    /// The 协助 item an approval added.
    pub item_id: Option<Uuid>,
    pub applied_by: String,
    pub applied_at: chrono::DateTime<chrono::Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}
