super::province_table! {
    "applications" as Application,
    pub round_id: Uuid,
    pub post_id: Uuid,
    pub applicant_id: Uuid,
    pub name: String,
    pub id_number: String,
    /// `male` or `female`, from the ID number.
    pub gender: String,
    pub birth_date: chrono::NaiveDate,
    pub phone: String,
    /// The highest education's code (GB/T 4658).
    pub education_code: String,
    pub school: String,
    pub major: String,
    pub graduated_on: Option<chrono::NaiveDate>,
    /// `junior`, `intermediate`, `senior`.
    pub certificate: Option<String>,
    pub work_history: String,
    pub veteran: bool,
    pub current_worker: bool,
    /// The barring grounds the applicant declared do not apply, one per line.
    pub declared: String,
    /// The check on submission: whether, and why (one line each).
    pub eligible: bool,
    pub explanation: String,
    /// See `shegong_domain::status::ApplicationStatus`.
    pub status: String,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub ticket: Option<String>,
    pub room: Option<String>,
    pub seat: Option<i32>,
    /// Written score without the bonus, in hundredths.
    pub written: Option<i32>,
    /// Bonus points from the policy, in hundredths.
    pub bonus: i32,
    pub interview: Option<i32>,
    /// 体检: `pass` or `fail`.
    pub medical: Option<String>,
    pub medical_reason: Option<String>,
    /// 考察: `pass` or `fail`.
    pub vetting: Option<String>,
    pub vetting_reason: Option<String>,
    /// The archive the hired applicant arrived in.
    pub worker_id: Option<Uuid>,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
