//! Editing a policy as a form (`/policies/{name}/edit`): each rule a labelled field, the checker's
//! message beside the field it is about, what was typed kept; saving writes the values into the
//! TOML (comments kept) as the policy's next version. The TOML upload stays for those who want it.
use crate::auth::{Caller, Ctx};
use crate::error::AppError;
use crate::page::{Chrome, PageResult, SubForm, chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use shegong_domain::Permission;
use shegong_domain::policy_form::{self, FormError, FormGroup, Kind};
use shegong_store::policies;

#[derive(Template)]
#[template(path = "policies/edit.html")]
struct EditPage {
    c: Chrome,
    name: String,
    version: i32,
    title: String,
    groups: Vec<FormGroup>,
    /// Errors not about one field (and a count of those that are).
    general: Vec<String>,
    field_errors: usize,
}

impl EditPage {
    /// The keyboard a phone shows: digits for numbers (typed as text, so that "118%" can be typed).
    fn input_mode(k: &Kind) -> &'static str {
        match k {
            Kind::Int => "numeric",
            Kind::Number | Kind::Yuan | Kind::Range | Kind::YuanList => "decimal",
            _ => "text",
        }
    }
    fn is_choice(k: &Kind) -> bool {
        *k == Kind::Choice
    }
    fn is_flag(k: &Kind) -> bool {
        *k == Kind::Flag
    }
    fn is_list(k: &Kind) -> bool {
        *k == Kind::YuanList
    }
    fn is_text(k: &Kind) -> bool {
        *k == Kind::Text
    }
}

fn may_edit(caller: &Caller) -> Result<(), AppError> {
    if caller.role.may(Permission::ApplyPolicy)
        && caller.scope.region().level() == shegong_domain::RegionLevel::Province
    {
        Ok(())
    } else {
        Err(AppError::Forbidden("只有省级管理员可以修改政策文件"))
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct VersionQ {
    version: Option<i32>,
}

async fn page(
    st: &AppState,
    caller: &Caller,
    name: &str,
    version: i32,
    title: &str,
    groups: Vec<FormGroup>,
    errors: &[FormError],
) -> PageResult {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(EditPage {
        c: chrome(st, caller, "policies").await?,
        name: name.to_string(),
        version,
        title: title.to_string(),
        groups,
        general: errors.iter().filter(|e| e.path.is_empty()).map(|e| e.message.clone()).collect(),
        field_errors: errors.iter().filter(|e| !e.path.is_empty()).count(),
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub(crate) async fn edit_page(
    Ctx { st, caller }: Ctx,
    Path(name): Path<String>,
    Query(q): Query<VersionQ>,
) -> PageResult {
    may_edit(&caller)?;
    let (m, pol) = policies::get(&st.db.conn, &name, q.version).await?;
    let groups = policy_form::form(&m.body).map_err(|e| AppError::Internal(anyhow::anyhow!(e.message)))?;
    page(&st, &caller, &m.name, m.version, &pol.title, groups, &[]).await
}

/// Saves the form as the next version of the policy it was opened from (`version` names it, so
/// that a form opened on an old version does not silently overwrite a newer one).
pub(crate) async fn save(Ctx { st, caller }: Ctx, Path(name): Path<String>, Form(f): Form<SubForm>) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    may_edit(&caller)?;
    // The version the form was opened on: the edit applies to it, and only while it is the latest.
    let Ok(opened) = f.get("_version").trim().parse::<i32>() else {
        return Err(AppError::Invalid(vec![shegong_domain::FieldError::new(
            "policy_version",
            "_version",
            "表单缺少所依据的版本，请重新打开修改页面",
        )])
        .into());
    };
    let (m, pol) = policies::get(&st.db.conn, &name, Some(opened)).await?;
    let values = f.rest.clone();
    let errors = match policy_form::check(&m.body, &values) {
        Ok((body, _)) => match policies::upload_over(&st.db, &caller.access, &body, Some(opened)).await {
            Ok(saved) => {
                let to = format!("/policies/{}?version={}", saved.name, saved.version);
                let notice = if saved.version == m.version {
                    "未作修改，版本不变".to_string()
                } else {
                    format!(
                        "已保存“{}”第{}版。已指定旧版本的区划仍按旧版本计算，请在政策配置中为其指定新版本及生效日期",
                        saved.title, saved.version
                    )
                };
                return Ok(crate::flash::back(caller.user.id, &to, Ok(notice)));
            }
            Err(shegong_store::StoreError::Conflict(e)) => vec![FormError { path: String::new(), message: e.message }],
            Err(e) => return Err(AppError::from(e).into()),
        },
        Err(errors) => errors,
    };
    let groups = policy_form::refill(&m.body, &values, &errors);
    page(&st, &caller, &m.name, m.version, &pol.title, groups, &errors).await
}
