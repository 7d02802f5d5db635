//! The archive page's sub-forms: records added to an archive, exit, corrections.
use crate::page::CsrfForm;
use crate::page::PageResult;
use crate::page::SubForm;

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use shegong_domain::Permission;
use shegong_domain::records::{AgreementInput, CertificateInput, EducationInput};
use shegong_store::workers;
use uuid::Uuid;

/// After a sub-form: back to the tab, with the first error (if any) shown there.
pub(crate) fn back(user: Uuid, id: Uuid, tab: &str, r: Result<(), AppError>) -> PageResult {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/workers/{id}?tab={tab}&notice=saved")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let q = crate::flash::query("error", &e.body().message, user);
            Ok(Redirect::to(&format!("/workers/{id}?tab={tab}&{q}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn editor(caller: &Caller, f: &SubForm) -> Result<(), AppError> {
    caller.check_csrf(&f._csrf)?;
    Ok(caller.access.require(Permission::EditArchive)?)
}

pub(crate) async fn add_education(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let r = async {
        let e = shegong_domain::records::parse_education(&EducationInput {
            education_code: f.get("education_code"),
            school: f.opt("school"),
            major: f.opt("major"),
            graduated_on: f.opt("graduated_on"),
        })?;
        workers::add_education(&st.db, &caller.access, id, e).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "education", r)
}

pub(crate) async fn add_certificate(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let r = async {
        let c = shegong_domain::records::parse_certificate(&CertificateInput {
            level: f.get("level"),
            number: f.opt("number"),
            issued_on: f.opt("issued_on"),
        })?;
        workers::add_certificate(&st.db, &caller.access, id, c).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "certificate", r)
}

pub(crate) async fn add_appointment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let r = async {
        let a = workers::parse_appointment(
            &f.get("community_code"),
            &f.get("post_category"),
            &f.get("title"),
            &f.get("start_date"),
            (f.flag("two_committees"), f.flag("full_time"), f.flag("party_building")),
        )
        .map_err(AppError::Invalid)?;
        workers::add_appointment(&st.db, &caller.access, id, a, true).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "appointment", r)
}

pub(crate) async fn add_agreement(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    editor(&caller, &f)?;
    let r = async {
        let a = shegong_domain::records::parse_agreement(&AgreementInput {
            term: f.get("term"),
            number: f.opt("number"),
            start_date: f.get("start_date"),
            end_date: f.get("end_date"),
            signed_on: f.opt("signed_on"),
        })?;
        workers::add_agreement(&st.db, &caller.access, id, a).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "agreement", r)
}

pub(crate) async fn exit_worker(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ExitWorker)?;
    let r = async {
        let on = shegong_domain::worker::parse_date("exited_on", "退出日期", &f.get("exited_on"))?;
        workers::exit(&st.db, &caller.access, id, on, &f.get("reason")).await?;
        Ok(())
    }
    .await;
    back(caller.user.id, id, "basic", r)
}

pub(crate) async fn resolve_correction(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ResolveCorrection)?;
    workers::resolve_correction(&st.db, &caller.access, cid).await?;
    back(caller.user.id, id, "basic", Ok(()))
}

pub(crate) async fn request_correction(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    match workers::request_correction(&st.db, &caller.access, id, &f.get("field"), &f.get("message")).await {
        Ok(_) => Ok(Redirect::to(&format!("/workers/{id}?notice=requested")).into_response()),
        Err(e) => back(caller.user.id, id, "basic", Err(e.into())),
    }
}
