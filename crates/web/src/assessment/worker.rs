//! A worker's assessments and rewards from the archive page, and amending a published grade.
use crate::clock::today;
use crate::error::AppError;
use crate::page::PageResult;
use crate::posted::Posted;
use axum::extract::Path;
use shegong_domain::FieldError;
use shegong_domain::Permission;
use uuid::Uuid;

pub(crate) async fn add_assessment(Path(id): Path<Uuid>, form: Posted) -> PageResult {
    form.save_archive(id, Permission::ManageAssessment, "assessment", async |st, access, f| {
        let year: i32 = f
            .get("year")
            .trim()
            .parse()
            .map_err(|_| AppError::from(FieldError::new("year_invalid", "year", "考核年度应为四位年份")))?;
        let grade = shegong_domain::career::Grade::parse(&f.get("grade"))
            .ok_or_else(|| AppError::from(FieldError::new("grade_unknown", "grade", "考核等次无效")))?;
        shegong_store::career::record_grade(&st.db, access, id, year, grade, today()).await?;
        Ok(())
    })
    .await
}

pub(crate) async fn add_reward(Path(id): Path<Uuid>, form: Posted) -> PageResult {
    form.save_archive(id, Permission::EditArchive, "reward", async |st, access, f| {
        let input = shegong_store::career::RewardInput {
            kind: f.get("kind"),
            title: f.get("title"),
            issuer: f.get("issuer"),
            issued_on: f.get("issued_on"),
            note: f.opt("note"),
        };
        shegong_store::career::add_reward(&st.db, access, id, &input).await?;
        Ok(())
    })
    .await
}

pub(crate) async fn amend_grade(Path(id): Path<Uuid>, form: Posted) -> PageResult {
    form.save_archive(id, Permission::ManageAssessment, "assessment", async |st, access, f| {
        let grade = shegong_domain::career::Grade::parse(&f.get("grade")).ok_or(AppError::NotFound)?;
        let year = f.get("year").trim().parse().unwrap_or(0);
        shegong_store::rounds::amend(&st.db, access, id, year, grade, &f.get("reason")).await?;
        Ok(())
    })
    .await
}
