//! The import page: upload, the check's preview with every bad row, commit.
use crate::imports::api::admin_only;
use crate::imports::api::read_upload;
use crate::imports::api::run;
use crate::page::CsrfForm;
use shegong_domain::status::{Status, UploadStatus};

use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::AppError;
use crate::extract::Path;
use crate::page::{Chrome, PageResult, chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect};
use shegong_domain::Permission;
use shegong_store::imports::{self, RowError};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "imports/imports.html")]
struct ImportsPage {
    c: Chrome,
    can_import: bool,
    current: Option<Current>,
    recent: Vec<(String, String, String, String, String, String)>,
    error: String,
}

struct Current {
    id: String,
    filename: String,
    rows: i32,
    error_count: i32,
    status: String,
    created: String,
    updated: String,
    errors: Vec<RowError>,
    more: usize,
}

async fn page(st: &AppState, caller: &Caller, current: Option<Uuid>, error: String) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    let c = chrome(st, caller, "workers").await?;
    let current = match current {
        Some(id) => {
            let m = imports::get_summary(&st.db, &caller.scope, id).await?;
            let mut errors = imports::errors_of(&m);
            let more = errors.len().saturating_sub(500);
            errors.truncate(500);
            Some(Current {
                id: m.id.to_string(),
                filename: m.filename,
                rows: m.rows,
                error_count: m.error_count,
                status: m.status,
                created: m.created.map(|n| n.to_string()).unwrap_or_default(),
                updated: m.updated.map(|n| n.to_string()).unwrap_or_default(),
                errors,
                more,
            })
        }
        None => None,
    };
    let recent = imports::recent(&st.db, &caller.scope, 20)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.id.to_string(),
                shegong_domain::time::minutes_text(m.created_at),
                m.filename,
                m.username,
                m.rows.to_string(),
                match (UploadStatus::parse(&m.status), m.error_count) {
                    (Some(UploadStatus::Committed), 0) => UploadStatus::Committed.label().to_string(),
                    (Some(UploadStatus::Committed), n) => format!("已导入（{n} 行未导入）"),
                    (Some(s @ (UploadStatus::Committing | UploadStatus::Checking)), _) => s.label().to_string(),
                    (_, 0) => "检查通过，待确认".to_string(),
                    (_, n) => format!("{n} 处错误"),
                },
            )
        })
        .collect();
    render(ImportsPage { c, can_import: caller.role.may(Permission::EditArchive), current, recent, error })
}

/// `GET /imports`.
pub async fn imports_page(State(st): State<AppState>, caller: Caller) -> PageResult {
    page(&st, &caller, None, String::new()).await
}

/// `GET /imports/{id}`: the preview of a checked upload.
pub async fn import_page(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
    page(&st, &caller, Some(id), String::new()).await
}

/// `POST /imports` (multipart): check the file, then show its preview.
pub async fn upload_page(State(st): State<AppState>, caller: Caller, m: Multipart) -> PageResult {
    admin_only(&caller)?;
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(AppError::Invalid(e)) => return page(&st, &caller, None, e[0].message.clone()).await,
        Err(e) => return Err(e.into()),
    };
    caller.check_csrf(up.csrf())?;
    match run(&st, &caller, up, true).await {
        Ok((id, _, _)) => Ok(Redirect::to(&format!("/imports/{id}")).into_response()),
        Err(AppError::Invalid(e)) => {
            page(&st, &caller, None, e.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；")).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /imports/{id}/commit`.
pub async fn commit_page(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> PageResult {
    admin_only(&caller)?;
    caller.check_csrf(&f._csrf)?;
    let (db, access) = (st.db.clone(), caller.access.clone());
    let outcome =
        crate::imports::api::detached(async move { imports::commit_kept(&db, &access, id, today()).await }).await?;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/imports/{id}")).into_response()),
        Err(e) => {
            let e: AppError = e.into();
            let msg = match &e {
                AppError::Invalid(v) => v.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；"),
                AppError::Conflict(x) => x.message.clone(),
                _ => return Err(e.into()),
            };
            page(&st, &caller, Some(id), format!("未导入，未作任何修改：{msg}")).await
        }
    }
}

/// The upload form of a register kept by region (the grid roster, the household register): the
/// file, and whether to check it only or to check and import it.
pub(crate) fn upload_section(title: &str, text: String, action: &str, region: &str) -> crate::sections::Section {
    use crate::sections::{FormSpec, Section, hidden, input, select};
    Section {
        id: "import".into(),
        title: title.into(),
        text,
        forms: vec![FormSpec {
            action: action.into(),
            fields: vec![
                hidden("region", region),
                input("文件（.xlsx 或 .csv）", "file", "file", "", 0),
                select(
                    "方式",
                    "mode",
                    "check",
                    vec![("check".into(), "仅检查，不导入".into()), ("commit".into(), "检查并导入".into())],
                ),
            ],
            button: "上传".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}
