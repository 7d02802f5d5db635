//! Rounds and posts as the API and the pages show them: named places, labels, the requirements in
//! words.

use crate::error::AppError;
use crate::state::AppState;
use chrono::NaiveDate;
use serde::Serialize;
use shegong_domain::recruitment::{PostRequirements, RecruitmentPolicy};
use shegong_domain::status::{RecruitmentStatus, Status};
use shegong_domain::worker::CertificateLevel;
use shegong_store::entity::{recruitment_post as post, recruitment_round as round};
use std::collections::HashMap;
use uuid::Uuid;

/// A recruitment round.
#[derive(Serialize, utoipa::ToSchema)]
pub struct JobRoundView {
    pub id: Uuid,
    pub county_code: String,
    pub county_name: String,
    pub title: String,
    /// 资格审查基准日
    pub reference_date: NaiveDate,
    pub apply_from: NaiveDate,
    pub apply_to: NaiveDate,
    /// draft、approved、published、closed
    pub status: String,
    pub status_label: String,
    pub notes: String,
    pub created_by: String,
    pub approved_by: Option<String>,
    /// 岗位数、招聘人数
    pub posts: usize,
    pub places: i64,
}

/// A post of a round.
#[derive(Serialize, utoipa::ToSchema)]
pub struct JobPostView {
    pub id: Uuid,
    pub community_code: String,
    pub community_name: String,
    pub category: String,
    pub category_label: String,
    pub title: String,
    pub places: i32,
    /// 资格条件（文字）
    pub requirements: String,
    pub hukou: Option<String>,
    /// 专设社工岗
    pub dedicated: bool,
}

/// A round with its posts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct JobRoundDetail {
    #[serde(flatten)]
    pub round: JobRoundView,
    pub post_list: Vec<JobPostView>,
}

pub(crate) fn requirements(p: &post::Model) -> PostRequirements {
    PostRequirements {
        min_education: p.min_education.clone(),
        max_age: p.max_age.and_then(|a| u32::try_from(a).ok()),
        certificate: p.certificate.as_deref().and_then(|c| CertificateLevel::ALL.into_iter().find(|l| l.as_str() == c)),
        majors: p.majors.split('、').filter(|m| !m.is_empty()).map(String::from).collect(),
    }
}

pub(crate) fn round_view(r: &round::Model, posts: &[post::Model], names: &HashMap<String, String>) -> JobRoundView {
    JobRoundView {
        id: r.id,
        county_name: names.get(&r.county_code).cloned().unwrap_or_default(),
        county_code: r.county_code.clone(),
        title: r.title.clone(),
        reference_date: r.reference_date,
        apply_from: r.apply_from,
        apply_to: r.apply_to,
        status: r.status.clone(),
        status_label: RecruitmentStatus::label_of(&r.status).to_string(),
        notes: r.notes.clone(),
        created_by: r.created_by.clone(),
        approved_by: r.approved_by.clone(),
        posts: posts.len(),
        places: posts.iter().map(|p| i64::from(p.places)).sum(),
    }
}

pub(crate) fn post_view(p: &post::Model, names: &HashMap<String, String>, policy: &RecruitmentPolicy) -> JobPostView {
    JobPostView {
        id: p.id,
        community_name: names.get(&p.community_code).cloned().unwrap_or_default(),
        community_code: p.community_code.clone(),
        category_label: shegong_domain::worker::post_category_label(&p.category).to_string(),
        category: p.category.clone(),
        title: p.title.clone(),
        places: p.places,
        requirements: requirements(p).describe(policy),
        hukou: p.hukou.clone(),
        dedicated: p.dedicated,
    }
}

/// A round with its posts, named and described by the county's policy.
pub(crate) async fn detail(
    st: &AppState,
    r: &round::Model,
    posts: &[post::Model],
) -> Result<(JobRoundDetail, std::sync::Arc<RecruitmentPolicy>), AppError> {
    let mut codes: Vec<String> = posts.iter().map(|p| p.community_code.clone()).collect();
    codes.push(r.county_code.clone());
    let names = shegong_store::regions::names(&st.db.conn, codes).await?;
    let policy = shegong_store::recruitment::policy_for(&st.db, &r.county_code, r.reference_date).await?;
    let d = JobRoundDetail {
        round: round_view(r, posts, &names),
        post_list: posts.iter().map(|p| post_view(p, &names, &policy)).collect(),
    };
    Ok((d, policy))
}
