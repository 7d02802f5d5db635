//! 招聘 in the store: the region's recruitment rules from the policy in force, and the self-check
//! anyone may run before applying.

pub mod applicants;
pub mod applications;
pub mod exams;
pub mod figures;
pub mod objections;
pub mod public;
pub mod publicity;
pub(crate) mod reads;
pub mod review;
pub mod rounds;
pub mod steps;

use crate::Db;
use crate::error::{Result, StoreError};
use chrono::{Datelike, NaiveDate};
use sea_orm::EntityTrait;
use serde::Deserialize;
use shegong_domain::codes::EDUCATION;
use shegong_domain::recruitment::{Eligibility, Facts, PostRequirements, RecruitmentPolicy};
use shegong_domain::worker::CertificateLevel;
use shegong_domain::{FieldError, RegionCode};
use std::sync::Arc;

/// The recruitment rules in force for a region on a day (the shipped default where no policy is
/// assigned), kept between requests (see [`crate::memo`]).
pub async fn policy_for(db: &Db, region: &str, on: NaiveDate) -> Result<Arc<RecruitmentPolicy>> {
    let load = async {
        let f = crate::policies::in_force(&db.conn, region, on).await?;
        Ok(Arc::new(f.map(|f| f.policy.recruitment.clone()).unwrap_or_default()))
    };
    db.memo.get_or(format!("recruitment_policy|{region}|{on}"), load).await
}

/// What the self-check is asked: where (whose policy), when, and the applicant's facts.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SelfCheck {
    /// 招聘地区（县级或以下区划代码），按其适用的政策判断
    pub region: String,
    /// 资格审查基准日，如 2026-12-31；不填为今天
    pub reference_date: Option<String>,
    /// 出生日期，如 1990-05-01
    pub birth_date: String,
    /// 最高学历：代码（如 21）或名称（如 本科、大专）
    pub education: String,
    /// 社会工作职业资格：junior（助理社会工作师）、intermediate（社会工作师）、senior（高级社会工作师）
    pub certificate: Option<String>,
    /// 所学专业
    pub major: Option<String>,
    /// 复员退伍军人
    pub veteran: bool,
    /// 现有社区工作者
    pub current_worker: bool,
}

fn day(field: &'static str, s: &str) -> std::result::Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2100).contains(&d.year()))
        .ok_or_else(|| FieldError::new("date_invalid", field, "日期应写作 1990-05-01"))
}

/// Checks the facts against the region's rules; every bad field is named at once.
pub async fn self_check(db: &Db, input: &SelfCheck, today: NaiveDate) -> Result<Eligibility> {
    let mut errors = Vec::new();
    let region = RegionCode::parse(input.region.trim())
        .map_err(|_| {
            FieldError::new("region_invalid", "region", "招聘地区应为区划代码（如 330481），可从招聘公告进入自查")
        })
        .map_err(|e| errors.push(e))
        .ok();
    let on = match input.reference_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => day("reference_date", s).map_err(|e| errors.push(e)).ok(),
        None => Some(today),
    };
    let birth = day("birth_date", &input.birth_date).map_err(|e| errors.push(e)).ok();
    if let (Some(b), Some(on)) = (birth, on)
        && b > on
    {
        errors.push(FieldError::new("date_invalid", "birth_date", "出生日期不能晚于基准日"));
    }
    let education = EDUCATION
        .parse(input.education.trim())
        .map_err(|_| FieldError::new("education_unknown", "education", "学历应为代码或名称，如 本科、大专"))
        .map_err(|e| errors.push(e))
        .ok();
    let certificate = match input.certificate.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => match CertificateLevel::ALL.into_iter().find(|l| l.as_str() == c || l.label() == c) {
            Some(l) => Some(l),
            None => {
                errors.push(FieldError::new(
                    "certificate_unknown",
                    "certificate",
                    "证书应为 junior（助理社会工作师）、intermediate（社会工作师）或 senior（高级社会工作师）",
                ));
                None
            }
        },
    };
    let major = input.major.clone().unwrap_or_default();
    if let Err(e) = shegong_domain::text::line("major", "专业", &major, 60) {
        errors.push(e);
    }
    if let Some(r) = &region
        && crate::entity::region::Entity::find_by_id(r.to_string()).one(&db.conn).await?.is_none()
    {
        errors.push(FieldError::new("region_not_found", "region", format!("没有区划代码为{r}的地区")));
    }
    let (Some(region), Some(on), Some(birth), Some(education), true) =
        (region, on, birth, education, errors.is_empty())
    else {
        return Err(StoreError::Invalid(errors));
    };
    let policy = policy_for(db, region.as_str(), on).await?;
    let facts = Facts {
        birth_date: birth,
        education_code: education,
        certificate,
        major: major.trim().to_string(),
        veteran: input.veteran,
        current_worker: input.current_worker,
    };
    let mut e = policy.eligibility(&PostRequirements::default(), &facts, on);
    // What the applicant typed besides counts too: the bonus it brings, and the date it was judged on.
    let bonus = policy.bonus(&facts);
    if bonus > 0 {
        e.explanation
            .push(format!("笔试可加{}分（按政策的加分规定）", shegong_domain::recruitment::points_text(bonus)));
    }
    e.explanation.push(format!(
        "年龄按{}计算；以上为政策的通用条件，岗位另有学历、专业、证书等要求的，报名时按岗位要求审查",
        on
    ));
    Ok(e)
}
