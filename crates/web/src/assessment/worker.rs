//! A worker's assessments and rewards from the archive page, and amending a published grade.
use crate::archive::records::back;
use crate::archive::records::editor;
use crate::page::PageResult;
use crate::page::SubForm;

use crate::auth::Caller;
use crate::clock::today;
use crate::error::AppError;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use uuid::Uuid;

pub(crate) async fn add_assessment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageAssessment)?;
    let r = async {
        let year: i32 = f
            .get("year")
            .trim()
            .parse()
            .map_err(|_| AppError::from(FieldError::new("year_invalid", "year", "考核年度应为四位年份")))?;
        let grade = shegong_domain::career::Grade::parse(&f.get("grade"))
            .ok_or_else(|| AppError::from(FieldError::new("grade_unknown", "grade", "考核等次无效")))?;
        shegong_store::career::record_grade(&st.db, &caller.access, id, year, grade, today()).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "assessment", r)
}

pub(crate) async fn add_reward(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let input = shegong_store::career::RewardInput {
        kind: f.get("kind"),
        title: f.get("title"),
        issuer: f.get("issuer"),
        issued_on: f.get("issued_on"),
        note: f.opt("note"),
    };
    let r = shegong_store::career::add_reward(&st.db, &caller.access, id, &input)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    back(caller.user.id, id, "reward", r)
}

pub(crate) async fn amend_grade(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ManageAssessment)?;
    let r = async {
        let grade = shegong_domain::career::Grade::parse(&f.get("grade")).ok_or(AppError::NotFound)?;
        let year = f.get("year").trim().parse().unwrap_or(0);
        shegong_store::rounds::amend(&st.db, &caller.access, id, year, grade, &f.get("reason"))
            .await
            .map(|_| ())
            .map_err(AppError::from)
    }
    .await;
    back(caller.user.id, id, "assessment", r)
}
