//! The archive page's sub-forms: records added to an archive, exit, corrections.
use crate::auth::{Caller, Ctx};
use crate::error::AppError;
use crate::page::{PageResult, SubForm};
use crate::posted::{Posted, back_to_archive};
use axum::Form;
use axum::extract::Path;
use shegong_domain::Permission;
use shegong_domain::records::{AgreementInput, CertificateInput, EducationInput};
use shegong_store::workers;
use uuid::Uuid;

pub(crate) async fn add_education(Path(id): Path<Uuid>, form: Posted) -> PageResult {
    form.save_archive(id, Permission::EditArchive, "education", async |st, access, f| {
        let e = shegong_domain::records::parse_education(&EducationInput {
            education_code: f.get("education_code"),
            school: f.opt("school"),
            major: f.opt("major"),
            graduated_on: f.opt("graduated_on"),
        })?;
        workers::add_education(&st.db, access, id, e).await?;
        Ok(())
    })
    .await
}

pub(crate) async fn add_certificate(Path(id): Path<Uuid>, form: Posted) -> PageResult {
    form.save_archive(id, Permission::EditArchive, "certificate", async |st, access, f| {
        let c = shegong_domain::records::parse_certificate(&CertificateInput {
            level: f.get("level"),
            number: f.opt("number"),
            issued_on: f.opt("issued_on"),
        })?;
        workers::add_certificate(&st.db, access, id, c).await?;
        Ok(())
    })
    .await
}

pub(crate) async fn add_appointment(Path(id): Path<Uuid>, form: Posted) -> PageResult {
    form.save_archive(id, Permission::EditArchive, "appointment", async |st, access, f| {
        // The community by name ("海洲街道 新兴社区") or code; the form comes filled with the present
        // community's name, which stands for it even where another community shares the name.
        let typed = f.get("community_code");
        let now = workers::get(&st.db, &access.scope, id).await?;
        let here = shegong_store::regions::names_seen(&st.db, &access.scope, vec![now.region_code.clone()]).await?;
        let community = if here.get(&now.region_code).is_some_and(|n| n.as_str() == typed.trim()) {
            shegong_domain::RegionCode::parse(&now.region_code).map_err(|e| AppError::Invalid(vec![e]))?
        } else {
            shegong_store::region_names::resolve(&st.db, &access.scope, "community_code", &typed).await?
        };
        let a = workers::parse_appointment(
            community.as_str(),
            &f.get("post_category"),
            &f.get("title"),
            &f.get("start_date"),
            (f.flag("two_committees"), f.flag("full_time"), f.flag("party_building")),
        )
        .map_err(AppError::Invalid)?;
        workers::add_appointment(&st.db, access, id, a, true).await?;
        Ok(())
    })
    .await
}

pub(crate) async fn add_agreement(Path(id): Path<Uuid>, form: Posted) -> PageResult {
    form.save_archive(id, Permission::EditArchive, "agreement", async |st, access, f| {
        let a = shegong_domain::records::parse_agreement(&AgreementInput {
            term: f.get("term"),
            number: f.opt("number"),
            start_date: f.get("start_date"),
            end_date: f.get("end_date"),
            signed_on: f.opt("signed_on"),
        })?;
        workers::add_agreement(&st.db, access, id, a).await?;
        Ok(())
    })
    .await
}

pub(crate) async fn exit_worker(Path(id): Path<Uuid>, form: Posted) -> PageResult {
    form.save_archive(id, Permission::ExitWorker, "basic", async |st, access, f| {
        let on = shegong_domain::worker::parse_date("exited_on", "退出日期", &f.get("exited_on"))?;
        workers::exit(&st.db, access, id, on, &f.get("reason")).await?;
        Ok(())
    })
    .await
}

/// Where an answered correction goes back to: the inbox's list when it was answered there.
fn after_answer(caller: &Caller, id: Uuid, f: &SubForm, r: Result<(), AppError>) -> PageResult {
    if f.get("back") == "corrections" {
        return Ok(crate::flash::back(caller.user.id, "/corrections", r.map(|_| "已答复，结果已告知本人".to_string())));
    }
    back_to_archive(caller.user.id, id, "basic", r)
}

pub(crate) async fn resolve_correction(
    Ctx { st, caller }: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ResolveCorrection)?;
    let reply = f.get("reply");
    let r = workers::resolve_correction(&st.db, &caller.access, id, cid, Some(&reply)).await;
    after_answer(&caller, id, &f, r.map(|_| ()).map_err(AppError::from))
}

pub(crate) async fn reject_correction(
    Ctx { st, caller }: Ctx,
    Path((id, cid)): Path<(Uuid, Uuid)>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    caller.access.require(Permission::ResolveCorrection)?;
    let r = workers::reject_correction(&st.db, &caller.access, id, cid, &f.get("reason")).await;
    after_answer(&caller, id, &f, r.map(|_| ()).map_err(AppError::from))
}

pub(crate) async fn request_correction(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<SubForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    match workers::request_correction(&st.db, &caller.access, id, &f.get("field"), &f.get("message")).await {
        Ok(_) => Ok(crate::flash::back(
            caller.user.id,
            &format!("/workers/{id}"),
            Ok("更正申请已提交，管理员处理后会更新档案。".into()),
        )),
        Err(e) => back_to_archive(caller.user.id, id, "basic", Err(e.into())),
    }
}
