//! The records added to an archive (education, certificates, agreements) as forms and the JSON API
//! give them, and their parsing: one parser each, for both.

use crate::FieldError;
use crate::codes::EDUCATION;
use crate::worker::{CertificateFields, CertificateLevel, EducationFields, parse_date};
use chrono::NaiveDate;
use serde::Deserialize;

/// An education record as typed.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct EducationInput {
    pub education_code: String,
    pub school: Option<String>,
    pub major: Option<String>,
    pub graduated_on: Option<String>,
}

pub fn parse_education(i: &EducationInput) -> Result<EducationFields, FieldError> {
    let code = EDUCATION.parse(&i.education_code)?;
    let graduated_on = match i.graduated_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => Some(parse_date("graduated_on", "毕业日期", d)?),
        None => None,
    };
    let clean = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    Ok(EducationFields { code, school: clean(&i.school), major: clean(&i.major), graduated_on })
}

/// A certificate as typed.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct CertificateInput {
    pub level: String,
    pub number: Option<String>,
    pub issued_on: Option<String>,
}

pub fn parse_certificate(i: &CertificateInput) -> Result<CertificateFields, FieldError> {
    let level = CertificateLevel::parse(&i.level)?;
    let issued_on = match i.issued_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => Some(parse_date("issued_on", "发证日期", d)?),
        None => None,
    };
    Ok(CertificateFields {
        level,
        number: i.number.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string),
        issued_on,
    })
}

/// A service agreement (服务协议) for one 两委 term ("一届一签"), parsed.
#[derive(Debug, Clone)]
pub struct AgreementFields {
    pub number: Option<String>,
    pub term: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub signed_on: Option<NaiveDate>,
}

/// A service agreement as typed.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct AgreementInput {
    pub term: String,
    pub number: Option<String>,
    pub start_date: String,
    pub end_date: String,
    pub signed_on: Option<String>,
}

pub fn parse_agreement(i: &AgreementInput) -> Result<AgreementFields, FieldError> {
    Ok(AgreementFields {
        number: i.number.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string),
        term: i.term.trim().to_string(),
        start_date: parse_date("start_date", "协议开始日期", &i.start_date)?,
        end_date: parse_date("end_date", "协议结束日期", &i.end_date)?,
        signed_on: match i.signed_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => Some(parse_date("signed_on", "签订日期", d)?),
            None => None,
        },
    })
}
