//! The worker's archive (电子档案): the parsed values a record is made of.

use crate::codes::{EDUCATION, ETHNICITY, POLITICAL_STATUS};
use crate::error::FieldError;
use crate::id_number::IdNumber;
use crate::person::{Gender, PersonName, Phone};
use crate::region::{RegionCode, RegionLevel};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Post category keys (岗位类别). The 三岗 keys are fixed; a policy may add its own keys, which are
/// lower-case ASCII identifiers.
pub const POST_CATEGORIES: [(&str, &str); 5] = [
    ("head", "社区正职"),
    ("deputy", "社区副职"),
    ("staff", "其他工作人员"),
    ("committee", "社区专职委员"),
    ("station", "社区工作站工作人员"),
];

pub fn post_category_label(key: &str) -> &str {
    POST_CATEGORIES.iter().find(|(k, _)| *k == key).map_or(key, |(_, l)| l)
}

pub fn parse_post_category(input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if let Some((k, _)) = POST_CATEGORIES
        .iter()
        .find(|(k, l)| *k == s || *l == s || (s == "正职" && *k == "head") || (s == "副职" && *k == "deputy"))
    {
        return Ok((*k).to_string());
    }
    Err(FieldError::new(
        "post_category_unknown",
        "post_category",
        format!("岗位类别“{s}”无效，应为：社区正职、社区副职或其他工作人员"),
    ))
}

/// Titles (职务) used in appointments.
pub const TITLES: [&str; 10] =
    ["书记", "主任", "书记兼主任", "副书记", "副主任", "委员", "专职工作者", "网格员", "党建专职", "工作站人员"];

pub fn parse_title(input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new("title_required", "title", "请填写职务"));
    }
    if s.chars().count() > 20 {
        return Err(FieldError::new("title_too_long", "title", "职务不能超过20个字"));
    }
    Ok(s.to_string())
}

/// Social-work qualification levels (全国社会工作者职业水平证书).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateLevel {
    Junior,
    Intermediate,
    Senior,
}

impl CertificateLevel {
    pub const ALL: [CertificateLevel; 3] = [Self::Junior, Self::Intermediate, Self::Senior];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Junior => "junior",
            Self::Intermediate => "intermediate",
            Self::Senior => "senior",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Junior => "助理社会工作师",
            Self::Intermediate => "社会工作师",
            Self::Senior => "高级社会工作师",
        }
    }

    pub fn short_label(self) -> &'static str {
        match self {
            Self::Junior => "初级",
            Self::Intermediate => "中级",
            Self::Senior => "高级",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        Self::ALL.into_iter().find(|l| l.as_str() == s || l.label() == s || l.short_label() == s).ok_or_else(|| {
            FieldError::new(
                "certificate_level_unknown",
                "certificate_level",
                format!("社工证等级“{s}”无效，应为：初级、中级或高级"),
            )
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerStatus {
    Active,
    Exited,
}

impl WorkerStatus {
    pub const ALL: [Self; 2] = [Self::Active, Self::Exited];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Exited => "exited",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "exited" => Some(Self::Exited),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "在岗",
            Self::Exited => "已退出",
        }
    }
}

/// A new worker as the forms, the API and imports give it, before parsing.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewWorkerInput {
    pub name: String,
    pub id_number: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub ethnicity: Option<String>,
    pub political_status: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub community_code: String,
    pub post_category: String,
    pub title: String,
    pub start_date: String,
    pub education_code: Option<String>,
    pub school: Option<String>,
    pub major: Option<String>,
    pub two_committees: Option<bool>,
    pub full_time: Option<bool>,
    pub party_building: Option<bool>,
    pub certificate_level: Option<String>,
    pub certificate_number: Option<String>,
    pub certificate_date: Option<String>,
}

/// A new worker, every field checked.
#[derive(Debug, Clone)]
pub struct NewWorker {
    pub name: PersonName,
    pub id_number: IdNumber,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    pub political_status: String,
    pub phone: Option<Phone>,
    pub address: Option<String>,
    pub appointment: AppointmentFields,
    pub education: Option<EducationFields>,
    pub certificate: Option<CertificateFields>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentFields {
    pub community: RegionCode,
    pub post_category: String,
    pub title: String,
    pub two_committees: bool,
    pub full_time: bool,
    pub party_building: bool,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EducationFields {
    pub code: String,
    pub school: Option<String>,
    pub major: Option<String>,
    pub graduated_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFields {
    pub level: CertificateLevel,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
}

impl EducationFields {
    /// The free-text fields within their limits and the graduation not in the future (every path
    /// that writes an education calls this).
    pub fn checked(&self, today: NaiveDate) -> Result<Self, FieldError> {
        if let Some(g) = self.graduated_on {
            crate::dates::past("graduated_on", "毕业日期", g, today)?;
        }
        Ok(Self {
            school: crate::text::line("school", "毕业学校", self.school.as_deref().unwrap_or(""), 100)?,
            major: crate::text::line("major", "专业", self.major.as_deref().unwrap_or(""), 100)?,
            ..self.clone()
        })
    }
}

impl CertificateFields {
    /// The certificate number within its limits and the issue not in the future (every path that
    /// writes a certificate calls this).
    pub fn checked(&self, today: NaiveDate) -> Result<Self, FieldError> {
        if let Some(d) = self.issued_on {
            crate::dates::past("issued_on", "发证日期", d, today)?;
        }
        Ok(Self {
            number: crate::text::line("number", "证书编号", self.number.as_deref().unwrap_or(""), 60)?,
            ..self.clone()
        })
    }
}

pub fn parse_date(field: &'static str, label: &str, s: &str) -> Result<NaiveDate, FieldError> {
    let t = s.trim();
    let t = t.replace(['/', '.'], "-");
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(&t, "%Y%m%d")).map_err(|_| {
        FieldError::new("date_format", field, format!("{label}“{}”不是有效日期（格式如 2024-03-01）", s.trim()))
    })
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Parses a community code: it must name a community (12 digits).
pub fn parse_community(s: &str) -> Result<RegionCode, FieldError> {
    if s.trim().is_empty() {
        return Err(FieldError::new("community_required", "community_code", "请填写所在社区代码"));
    }
    let code = RegionCode::parse(s).map_err(|e| FieldError { field: "community_code", ..e })?;
    if code.level() != RegionLevel::Community {
        return Err(FieldError::new(
            "community_code_level",
            "community_code",
            "所在社区代码应为12位社区（居委会）代码",
        ));
    }
    Ok(code)
}

impl NewWorkerInput {
    /// Checks every field; returns every error found, each naming its field.
    pub fn parse(&self, today: NaiveDate) -> Result<NewWorker, Vec<FieldError>> {
        let mut errors = Vec::new();
        macro_rules! take {
            ($e:expr) => {
                match $e {
                    Ok(v) => Some(v),
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                }
            };
        }
        let name = take!(PersonName::parse(&self.name));
        let id_number = take!(IdNumber::parse(&self.id_number));
        let address = take!(crate::text::line("address", "住址", self.address.as_deref().unwrap_or(""), 200));
        let gender = match non_empty(&self.gender) {
            Some(g) => take!(Gender::from_code(g).ok_or_else(|| FieldError::new(
                "gender_unknown",
                "gender",
                "性别应为“男”或“女”"
            ))),
            None => id_number.as_ref().map(IdNumber::gender),
        };
        let birth_date = match non_empty(&self.birth_date) {
            Some(b) => take!(parse_date("birth_date", "出生日期", b)),
            None => id_number.as_ref().map(IdNumber::birth_date),
        };
        if let Some(id) = &id_number {
            take!(id.check_agrees(gender, birth_date));
            let age = years_between(id.birth_date(), today);
            if !(16..=80).contains(&age) {
                errors.push(FieldError::new(
                    "id_number_age",
                    "id_number",
                    format!("按身份证号码计算年龄为{age}岁，不在16至80岁之间"),
                ));
            }
        }
        let ethnicity = match non_empty(&self.ethnicity) {
            Some(e) => take!(ETHNICITY.parse(e)),
            None => Some("01".to_string()),
        };
        let political_status = match non_empty(&self.political_status) {
            Some(p) => take!(POLITICAL_STATUS.parse(p)),
            None => Some("13".to_string()),
        };
        let phone = match non_empty(&self.phone) {
            Some(p) => take!(Phone::parse(p)).map(Some),
            None => Some(None),
        };
        let community = take!(parse_community(&self.community_code));
        let post_category = take!(parse_post_category(&self.post_category));
        let title = take!(parse_title(&self.title));
        let start_date = if self.start_date.trim().is_empty() {
            errors.push(FieldError::new("start_date_required", "start_date", "请填写任职开始日期"));
            None
        } else {
            take!(parse_date("start_date", "任职开始日期", &self.start_date))
        };
        if let Some(d) = start_date
            && d > today
        {
            errors.push(FieldError::new("start_date_future", "start_date", "任职开始日期不能晚于今天"));
        } else if let (Some(d), Some(b)) = (start_date, birth_date) {
            take!(crate::dates::in_service("start_date", "任职开始日期", d, b, today, 0));
        }
        if let Some(b) = birth_date {
            take!(crate::dates::past("birth_date", "出生日期", b, today));
        }
        let education = match non_empty(&self.education_code) {
            Some(code) => take!(EDUCATION.parse(code)).map(|code| {
                Some(EducationFields {
                    code,
                    school: non_empty(&self.school).map(str::to_string),
                    major: non_empty(&self.major).map(str::to_string),
                    graduated_on: None,
                })
            }),
            None => Some(None),
        };
        let certificate = match non_empty(&self.certificate_level) {
            Some(l) => {
                let level = take!(CertificateLevel::parse(l));
                let issued_on = match non_empty(&self.certificate_date) {
                    Some(d) => take!(parse_date("certificate_date", "发证日期", d).and_then(|d| crate::dates::past(
                        "certificate_date",
                        "发证日期",
                        d,
                        today
                    ))),
                    None => None,
                };
                level.map(|level| {
                    Some(CertificateFields {
                        level,
                        number: non_empty(&self.certificate_number).map(str::to_string),
                        issued_on,
                    })
                })
            }
            None => Some(None),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(name), Some(id_number), Some(gender), Some(birth_date)) = (name, id_number, gender, birth_date)
        else {
            unreachable!("every missing value pushed an error")
        };
        let post_category = post_category.expect("no error");
        let two_committees = self.two_committees.unwrap_or(matches!(post_category.as_str(), "head" | "deputy"));
        Ok(NewWorker {
            name,
            id_number,
            gender,
            birth_date,
            ethnicity: ethnicity.expect("no error"),
            political_status: political_status.expect("no error"),
            phone: phone.expect("no error"),
            address: address.flatten(),
            appointment: AppointmentFields {
                community: community.expect("no error"),
                post_category,
                title: title.expect("no error"),
                two_committees,
                full_time: self.full_time.unwrap_or(true),
                party_building: self.party_building.unwrap_or(false),
                start_date: start_date.expect("no error"),
                end_date: None,
            },
            education: education.expect("no error"),
            certificate: certificate.expect("no error"),
        })
    }
}

/// Whole years from `from` to `to` (age, years of service).
pub fn years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut y = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        y -= 1;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn valid() -> NewWorkerInput {
        NewWorkerInput {
            name: "王小明".into(),
            id_number: IdNumber::compose("330481", NaiveDate::from_ymd_opt(1990, 5, 17).unwrap(), 123).to_string(),
            community_code: "330481001001".into(),
            post_category: "staff".into(),
            title: "专职工作者".into(),
            start_date: "2020-03-01".into(),
            education_code: Some("21".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_worker_parses_with_derived_fields() {
        let w = valid().parse(today()).unwrap();
        assert_eq!(w.gender, Gender::Male);
        assert_eq!(w.birth_date, NaiveDate::from_ymd_opt(1990, 5, 17).unwrap());
        assert_eq!(w.ethnicity, "01");
        assert!(!w.appointment.two_committees);
        assert!(w.appointment.full_time);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut i = valid();
        i.name = "".into();
        i.id_number = "330481199005171231".into();
        i.community_code = "330481".into();
        i.post_category = "boss".into();
        i.start_date = "2020-13-01".into();
        let errs = i.parse(today()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert!(fields.contains(&"name"));
        assert!(fields.contains(&"id_number"));
        assert!(fields.contains(&"community_code"));
        assert!(fields.contains(&"post_category"));
        assert!(fields.contains(&"start_date"));
    }

    #[test]
    fn stated_gender_must_agree() {
        let mut i = valid();
        i.gender = Some("女".into());
        let errs = i.parse(today()).unwrap_err();
        assert_eq!(errs[0].code, "id_number_gender_mismatch");
    }

    #[test]
    fn categories_and_levels_accept_chinese() {
        assert_eq!(parse_post_category("社区正职").unwrap(), "head");
        assert_eq!(parse_post_category("副职").unwrap(), "deputy");
        assert_eq!(CertificateLevel::parse("中级").unwrap(), CertificateLevel::Intermediate);
        assert_eq!(CertificateLevel::parse("高级社会工作师").unwrap(), CertificateLevel::Senior);
    }

    #[test]
    fn years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(years_between(d(1990, 5, 17), d(2026, 5, 16)), 35);
        assert_eq!(years_between(d(1990, 5, 17), d(2026, 5, 17)), 36);
    }
}
