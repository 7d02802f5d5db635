super::province_table! {
    "inspection_findings" as InspectionFinding,
    pub round_id: Uuid,
    pub target_id: Uuid,
    pub community_code: String,
    /// The checklist point.
    pub item: String,
    pub finding: String,
    /// 整改期限
    pub due_on: chrono::NaiveDate,
    pub closed_on: Option<chrono::NaiveDate>,
    /// How it was put right.
    pub closing: Option<String>,
    pub recorded_by: String,
    pub closed_by: Option<String>,
}
