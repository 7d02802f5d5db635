//! The 社区工作者登记表: one A4 page per worker — identity, photo box, 简历 (appointments), 学历,
//! 证书, 考核, 奖惩 and signature lines — printed from the browser (`/workers/{id}/registration-form`).
use crate::archive::tabs::{self, AppointmentRow, CertificateRow, EducationRow, RewardRow};
use crate::archive::views::{WorkerDetail, worker_detail};
use crate::auth::Caller;
use crate::clock::today;
use crate::page::{PageResult, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use shegong_domain::Permission;
use shegong_store::{audit, workers};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "archive/registration.html")]
struct RegistrationForm {
    w: WorkerDetail,
    /// The ID number as printed: whole for those who may see it (the view is logged), else masked.
    id_number: String,
    educations: Vec<EducationRow>,
    certificates: Vec<CertificateRow>,
    appointments: Vec<AppointmentRow>,
    rewards: Vec<RewardRow>,
    printed: String,
    has_photo: bool,
}

pub(crate) async fn registration_form(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
    let today = today();
    let a = workers::archive(&st.db, &caller.scope, id, today).await?;
    let grades = shegong_store::career::grades(&st.db, &caller.scope, id).await?;
    let full = caller.role.may(Permission::ViewFullIdNumber);
    if full {
        audit::full_id_viewed(&st.db, &caller.actor, &a.worker.region_code, id, "registration-form").await?;
    }
    let id_number = if full {
        a.worker.id_number.clone()
    } else {
        shegong_domain::id_number::mask(&a.worker.id_number)
    };
    render(RegistrationForm {
        educations: tabs::educations(&a),
        certificates: tabs::certificates(&a),
        appointments: tabs::appointments(&a)?,
        rewards: tabs::rewards(&st, &caller, id).await?,
        w: worker_detail(&a, &grades, false, today),
        id_number,
        printed: today.format("%Y年%m月%d日").to_string(),
        has_photo: workers::attachments::photo(&st.db, &caller.scope, id).await?.is_some(),
    })
}
