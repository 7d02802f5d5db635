//! Uploads as JSON: check (dry run) or commit, commit a checked upload, its errors.
use crate::imports::template::errors_xlsx;

use crate::auth::Caller;
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::extract::Path;
use crate::state::AppState;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use shegong_domain::FieldError;
use shegong_domain::Permission;
use shegong_store::imports::RowError;
use shegong_store::imports::{self, Checked, Committed};
use uuid::Uuid;

/// Uploads read at the same time.
static READING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Largest upload accepted (a 100,000-row roster is about 10 MB as .xlsx, 15 MB as CSV).
pub const MAX_UPLOAD: usize = shegong_store::upload_limits::MAX_FILE_BYTES + (1 << 20);

/// A file refused for its rows' problems (the grid roster, the household register), as one message
/// naming the first 20 by their rows.
pub(crate) fn file_refusal(code: &'static str, errors: &[String]) -> AppError {
    let shown: Vec<&str> = errors.iter().take(20).map(String::as_str).collect();
    let more = if errors.len() > 20 { format!("；另有{}处未列出", errors.len() - 20) } else { String::new() };
    AppError::Invalid(vec![FieldError::new(
        code,
        "file",
        format!("文件中有{}处问题，均未导入：{}{more}", errors.len(), shown.join("；")),
    )])
}

pub(crate) fn admin_only(caller: &Caller) -> ApiResult<()> {
    Ok(caller.access.require(Permission::EditArchive)?)
}

pub(crate) struct Upload {
    pub(crate) filename: String,
    pub(crate) bytes: Vec<u8>,
    pub(crate) fields: Vec<(String, String)>,
}

impl Upload {
    /// The form's CSRF token, sent as a field beside the file.
    pub(crate) fn csrf(&self) -> &str {
        self.fields.iter().find(|(k, _)| k == "_csrf").map_or("", |(_, v)| v.as_str())
    }
}

pub(crate) async fn read_upload(mut m: Multipart) -> ApiResult<Upload> {
    let bad = |msg: String| AppError::Invalid(vec![FieldError::new("import_file", "file", msg)]);
    let mut up = Upload { filename: String::new(), bytes: Vec::new(), fields: Vec::new() };
    while let Some(f) = m.next_field().await.map_err(|_| bad("上传内容无法读取：请重新选择文件上传".into()))?
    {
        let name = f.name().unwrap_or_default().to_string();
        if name == "file" {
            up.filename = f.file_name().unwrap_or("upload.xlsx").to_string();
            up.bytes = f.bytes().await.map_err(|_| bad(shegong_store::upload_limits::too_big_file()))?.to_vec();
        } else {
            let v = f.text().await.map_err(|e| bad(e.to_string()))?;
            up.fields.push((name, v));
        }
    }
    if up.bytes.is_empty() {
        return Err(bad("请选择要导入的文件".into()));
    }
    Ok(up)
}

/// What became of an upload: its rows, the errors found (the first 1,000), and when committed how
/// many were created, updated, unchanged and skipped.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Outcome {
    pub id: Uuid,
    pub rows: usize,
    pub error_count: usize,
    pub errors: Vec<RowError>,
    pub committed: bool,
    /// Valid rows naming a worker already in the archive (updated by a commit).
    pub existing: usize,
    pub created: Option<usize>,
    pub updated: Option<usize>,
    pub unchanged: Option<usize>,
    /// Rows not imported because another clerk changed their person while the file was written.
    pub skipped: Option<Vec<RowError>>,
}

/// Why an upload was refused: rows with errors (the outcome), or a file that could not be read (the
/// error shape). Nothing was changed either way.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Refused {
    Rows(Outcome),
    /// Answered through the error path (`AppError`); named here for the document.
    #[allow(dead_code)]
    File(crate::error::ErrorBody),
}

/// 200 with the outcome when no row has an error, otherwise 422 with it.
fn answer(o: Outcome, ok: bool) -> Response {
    if ok {
        (axum::http::StatusCode::OK, Json(o)).into_response()
    } else {
        (axum::http::StatusCode::UNPROCESSABLE_ENTITY, Json(Refused::Rows(o))).into_response()
    }
}

fn outcome(id: Uuid, checked: &Checked, done: Option<&Committed>) -> Outcome {
    let first = |e: &[RowError]| e[..e.len().min(shegong_store::upload_limits::MAX_KEPT_ERRORS)].to_vec();
    Outcome {
        id,
        rows: checked.rows,
        error_count: checked.errors.len(),
        errors: first(&checked.errors),
        committed: done.is_some(),
        existing: checked.existing,
        created: done.map(|d| d.created),
        updated: done.map(|d| d.updated),
        unchanged: done.map(|d| d.unchanged),
        skipped: done.map(|d| first(&d.skipped)),
    }
}

/// Runs a commit in a task of its own, so that it goes on to the end when the client goes away (a
/// closed tab, a proxy's timeout); the request waits for it and answers with its result.
pub(crate) async fn detached<T: Send + 'static>(
    f: impl std::future::Future<Output = T> + Send + 'static,
) -> ApiResult<T> {
    tokio::spawn(f).await.map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
}

/// Checks, and commits unless `dry_run`; keeps the file either way.
pub(crate) async fn run(
    st: &AppState,
    caller: &Caller,
    up: Upload,
    dry_run: bool,
) -> ApiResult<(Uuid, Checked, Option<Committed>)> {
    // Reading a large workbook is CPU and memory work: off the async workers, and two at a time at
    // most, so that many uploads at once queue for a moment instead of adding up.
    let _slot = match tokio::time::timeout(std::time::Duration::from_secs(30), READING.acquire()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            return Err(AppError::Rejected {
                status: axum::http::StatusCode::SERVICE_UNAVAILABLE,
                code: "uploads_busy",
                field: Some("file".into()),
                message: "系统正在处理其他人的导入，请稍后再试".into(),
            });
        }
    };
    let Upload { filename, bytes, .. } = up;
    let (table, filename, bytes) = tokio::task::spawn_blocking(move || {
        let t = imports::read_table(&filename, &bytes);
        (t, filename, bytes)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let table = table?;
    if dry_run {
        let checked = imports::check(&st.db.conn, &caller.scope, &table, today()).await?;
        let m = imports::record(&st.db, &caller.access, &filename, bytes, &checked).await?;
        return Ok((m.id, checked, None));
    }
    let (db, access) = (st.db.clone(), caller.access.clone());
    let (m, checked, done) =
        detached(
            async move { imports::commit_upload(&db, &access, &filename, bytes, &table, today(), &|_, _| {}).await },
        )
        .await??;
    Ok((m.id, checked, done))
}

/// 上传花名册（multipart：file，dry_run=true|false，缺省只检查）：逐行检查，无误且 dry_run=false 时全部导入，有误时不作任何修改
#[utoipa::path(post, path = "/imports", tag = "导入", request_body(content_type = "multipart/form-data", description = "file：.xlsx 或 CSV（UTF-8 / GB18030）；dry_run"),
    responses((status = 200, description = "检查（及导入）结果", body = Outcome),
        (status = 422, description = "有错误的行（未作任何修改），或文件本身无法读取", body = Refused)))]
pub async fn api_upload(State(st): State<AppState>, caller: Caller, m: Multipart) -> ApiResult<Response> {
    admin_only(&caller)?;
    let up = read_upload(m).await?;
    let dry_run = !up.fields.iter().any(|(k, v)| k == "dry_run" && matches!(v.trim(), "false" | "0" | "no"));
    let (id, checked, done) = run(&st, &caller, up, dry_run).await?;
    Ok(answer(outcome(id, &checked, done.as_ref()), checked.errors.is_empty()))
}

/// 确认导入已检查的文件（重新检查后全部导入或不作任何修改）
#[utoipa::path(post, path = "/imports/{id}/commit", tag = "导入", params(("id" = Uuid, Path, description = "上传的文件")),
    responses((status = 200, description = "已导入", body = Outcome),
        (status = 422, description = "重新检查发现错误，未作任何修改", body = Refused)))]
pub async fn api_commit(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Response> {
    admin_only(&caller)?;
    let (db, access) = (st.db.clone(), caller.access.clone());
    let (m, checked, done) = detached(async move { imports::commit_kept(&db, &access, id, today()).await }).await??;
    Ok(answer(outcome(m.id, &checked, done.as_ref()), done.is_some()))
}

/// 下载检查出的错误表（行号、列、原因）
#[utoipa::path(get, path = "/imports/{id}/errors.xlsx", tag = "导入", params(("id" = Uuid, Path, description = "上传的文件")),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn api_errors(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let m = imports::get_summary(&st.db, &caller.scope, id).await?;
    errors_xlsx(&imports::errors_of(&m), &m.filename).await
}
