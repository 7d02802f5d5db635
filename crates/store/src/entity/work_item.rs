super::province_table! {
    "work_items" as WorkItem,
    /// The region whose list it is (a county's, inherited by its streets and communities).
    pub region_code: String,
    /// `street_duty`, `committee_duty`, `assistance`, `proof`, `micro_power`.
    pub list: String,
    /// Its place in the list.
    pub seq: i32,
    pub title: String,
    /// 法律依据
    pub basis: Option<String>,
    /// 责任部门
    pub department: Option<String>,
    /// For an assistance item: the funding that follows the task (费随事转).
    pub funding: Option<String>,
    /// For a proof: the documents the applicant brings.
    pub documents: Option<String>,
    /// For a micro power: its procedure.
    pub procedure: Option<String>,
    /// An example item shipped where the seeds give only the count (（示例）).
    pub example: bool,
    pub from_on: chrono::NaiveDate,
    /// The day it left the list (`None`: in force).
    pub to_on: Option<chrono::NaiveDate>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
