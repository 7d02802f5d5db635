//! 导入: the roster template, upload → check (dry run) → preview with every bad row → commit, the
//! error sheet, over the API and as pages. The store reads, checks and writes; this module carries
//! files in and out.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::export::{xerr, xlsx_response};
use crate::extract::Json;
use crate::extract::Path;
use crate::pages::{Chrome, PageResult, chrome, render};
use crate::views::today;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use rust_xlsxwriter::{Color, DataValidation, Format, Formula, Workbook};
use serde_json::{Value, json};
use shegong_domain::Permission;
use shegong_domain::codes::{EDUCATION, ETHNICITY, POLITICAL_STATUS};
use shegong_domain::worker::{CertificateLevel, POST_CATEGORIES};
use shegong_domain::{FieldError, IdNumber};
use shegong_store::imports::{self, COLUMNS, Checked, Committed, RowError};
use uuid::Uuid;

/// Uploads read at the same time.
static READING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Largest upload accepted (a 100,000-row roster is about 10 MB as .xlsx, 15 MB as CSV).
pub const MAX_UPLOAD: usize = shegong_store::upload_limits::MAX_FILE_BYTES + (1 << 20);

const EXAMPLE: [&str; 21] = [
    "张三",
    "",
    "女",
    "1990-05-17",
    "汉族",
    "中共党员",
    "13812345678",
    "某某街道某某小区1幢",
    "330481001001",
    "其他工作人员",
    "专职工作者",
    "2020-03-01",
    "否",
    "是",
    "21 大学本科毕业",
    "某某大学",
    "社会工作",
    "助理社会工作师",
    "2021330000001",
    "2021-06-20",
    "",
];

/// `GET /api/v1/imports/template.xlsx`: headers (required ones marked), dropdowns from the national
/// code lists, notes, and an example row on the notes sheet.
pub async fn template(caller: Caller) -> ApiResult<Response> {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound);
    }
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_background_color(Color::RGB(0xF2F2F2));
    let required = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0xB7231B))
        .set_background_color(Color::RGB(0xF2F2F2));
    let text = Format::new().set_num_format("@");
    let lists: [(&str, Vec<String>); 8] = [
        ("岗位类别", POST_CATEGORIES.iter().map(|(_, l)| l.to_string()).collect()),
        (
            "学历代码",
            EDUCATION.entries().map(|(c, n)| format!("{c} {n}")).collect(),
        ),
        ("社工证等级", {
            let mut v = vec!["无".to_string()];
            v.extend(CertificateLevel::ALL.iter().map(|l| l.label().to_string()));
            v
        }),
        (
            "政治面貌",
            POLITICAL_STATUS.entries().map(|(_, n)| n.to_string()).collect(),
        ),
        ("民族", ETHNICITY.entries().map(|(_, n)| n.to_string()).collect()),
        ("性别", vec!["男".into(), "女".into()]),
        ("两委成员", vec!["是".into(), "否".into()]),
        ("专职", vec!["是".into(), "否".into()]),
    ];
    {
        let ws = wb.add_worksheet().set_name("社区工作者").map_err(xerr)?;
        for (i, (h, _, req, _)) in COLUMNS.iter().enumerate() {
            let col = i as u16;
            ws.write_string_with_format(0, col, *h, if *req { &required } else { &head })
                .map_err(xerr)?;
            ws.set_column_width(
                col,
                if matches!(*h, "身份证号" | "所在社区代码" | "学历代码" | "住址") {
                    20
                } else {
                    12
                },
            )
            .map_err(xerr)?;
            if matches!(*h, "身份证号" | "所在社区代码" | "手机号码" | "证书编号") {
                ws.set_column_format(col, &text).map_err(xerr)?;
            }
            if let Some((k, (_, values))) = lists.iter().enumerate().find(|(_, (name, _))| name == h) {
                let letter = (b'A' + k as u8) as char;
                let dv = DataValidation::new()
                    .allow_list_formula(Formula::new(format!(
                        "=代码表!${letter}$2:${letter}${}",
                        values.len() + 1
                    )))
                    .set_error_message(format!("请从下拉列表中选择{h}"))
                    .map_err(xerr)?;
                ws.add_data_validation(1, col, 100_000, col, &dv).map_err(xerr)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
    }
    {
        let ws = wb.add_worksheet().set_name("填写说明").map_err(xerr)?;
        let notes = [
            "社区工作者花名册导入模板",
            "1. 第一行为表头，请勿修改表头文字；红色表头为必填项。每行一名社区工作者，空行会被跳过。",
            "2. 身份证号须为18位且校验位正确；性别、出生日期可不填，按身份证号自动取得，填写时须与身份证号一致。",
            "3. 所在社区代码为12位统计用区划代码，须在您的管辖范围内。",
            "4. 岗位类别、学历代码、社工证等级、政治面貌、民族请从下拉列表选择（学历可只填代码，如 21）。",
            "5. 日期格式如 2020-03-01，也可使用 Excel 日期单元格。",
            "6. 上传后先检查全部行，列出每个有误的行、列和原因，可下载错误表；全部无误后才能确认导入，导入要么全部成功，要么不做任何修改。",
            "7. 同一身份证号再次导入时更新原档案（姓名、联系方式等；社区、岗位或职务不同则自该行任职开始日期起变动任职），不会重复建档。",
            "8. 也可上传 CSV 文件（UTF-8 或 Excel 另存的 GB18030 编码）。",
            "",
            "示例（请勿把本行复制到“社区工作者”表，身份证号请填写真实号码）：",
        ];
        for (i, n) in notes.iter().enumerate() {
            ws.write_string(i as u32, 0, *n).map_err(xerr)?;
        }
        let r = notes.len() as u32;
        let example_id = IdNumber::compose(
            "330481",
            chrono::NaiveDate::from_ymd_opt(1990, 5, 17).expect("valid date"),
            124,
        )
        .to_string();
        for (i, (h, _, _, _)) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(r, i as u16, *h, &head).map_err(xerr)?;
            let v = if i == 1 { example_id.as_str() } else { EXAMPLE[i] };
            ws.write_string(r + 1, i as u16, v).map_err(xerr)?;
        }
        ws.set_column_width(0, 14).map_err(xerr)?;
    }
    {
        let ws = wb.add_worksheet().set_name("代码表").map_err(xerr)?;
        for (k, (name, values)) in lists.iter().enumerate() {
            ws.write_string_with_format(0, k as u16, *name, &head).map_err(xerr)?;
            ws.set_column_width(k as u16, 18).map_err(xerr)?;
            for (i, v) in values.iter().enumerate() {
                ws.write_string(i as u32 + 1, k as u16, v).map_err(xerr)?;
            }
        }
    }
    xlsx_response(wb, "import-template.xlsx", "社区工作者导入模板.xlsx").await
}

/// The error sheet: row, column, reason.
pub async fn errors_xlsx(errors: &[RowError], name: &str) -> ApiResult<Response> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name("错误清单").map_err(xerr)?;
    for (i, (h, w)) in [("行号", 8.0), ("列", 16.0), ("原因", 80.0)].iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, *w).map_err(xerr)?;
    }
    for (i, e) in errors.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, e.row as f64).map_err(xerr)?;
        ws.write_string(r, 1, &e.field).map_err(xerr)?;
        ws.write_string(r, 2, crate::export::cell(&e.message)).map_err(xerr)?;
    }
    xlsx_response(wb, "import-errors.xlsx", &format!("导入错误-{name}.xlsx")).await
}

fn admin_only(caller: &Caller) -> ApiResult<()> {
    Ok(caller.access.require(Permission::EditArchive)?)
}

struct Upload {
    filename: String,
    bytes: Vec<u8>,
    fields: Vec<(String, String)>,
}

async fn read_upload(mut m: Multipart) -> ApiResult<Upload> {
    let bad = |msg: String| AppError::Invalid(vec![FieldError::new("import_file", "file", msg)]);
    let mut up = Upload {
        filename: String::new(),
        bytes: Vec::new(),
        fields: Vec::new(),
    };
    while let Some(f) = m
        .next_field()
        .await
        .map_err(|_| bad("上传内容无法读取：请重新选择文件上传".into()))?
    {
        let name = f.name().unwrap_or_default().to_string();
        if name == "file" {
            up.filename = f.file_name().unwrap_or("upload.xlsx").to_string();
            up.bytes = f
                .bytes()
                .await
                .map_err(|_| bad(shegong_store::upload_limits::too_big_file()))?
                .to_vec();
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

fn outcome(id: Uuid, checked: &Checked, done: Option<&Committed>) -> Value {
    json!({
        "id": id,
        "rows": checked.rows,
        "error_count": checked.errors.len(),
        "errors": &checked.errors[..checked.errors.len().min(shegong_store::upload_limits::MAX_KEPT_ERRORS)],
        "committed": done.is_some(),
        "existing": checked.existing,
        "created": done.map(|d| d.created),
        "updated": done.map(|d| d.updated),
        "unchanged": done.map(|d| d.unchanged),
    })
}

/// Checks, and commits unless `dry_run`; keeps the file either way.
async fn run(
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
        let m = imports::record(&st.db, &caller.access, &filename, bytes, &checked, None).await?;
        return Ok((m.id, checked, None));
    }
    let (m, checked, done) =
        imports::commit_upload(&st.db, &caller.access, &filename, bytes, &table, today(), &|_, _| {}).await?;
    Ok((m.id, checked, done))
}

/// `POST /api/v1/imports` (multipart: `file`, `dry_run=true|false`).
pub async fn api_upload(State(st): State<AppState>, caller: Caller, m: Multipart) -> ApiResult<Response> {
    admin_only(&caller)?;
    let up = read_upload(m).await?;
    let dry_run = !up
        .fields
        .iter()
        .any(|(k, v)| k == "dry_run" && matches!(v.trim(), "false" | "0" | "no"));
    let (id, checked, done) = run(&st, &caller, up, dry_run).await?;
    let status = if checked.errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(outcome(id, &checked, done.as_ref()))).into_response())
}

/// `POST /api/v1/imports/{id}/commit`: commits a checked upload.
pub async fn api_commit(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Response> {
    admin_only(&caller)?;
    let (m, checked, done) = imports::commit_kept(&st.db, &caller.access, id, today()).await?;
    let status = if done.is_some() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(outcome(m.id, &checked, done.as_ref()))).into_response())
}

/// `GET /api/v1/imports/{id}/errors.xlsx`.
pub async fn api_errors(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let m = imports::get_summary(&st.db, &caller.scope, id).await?;
    errors_xlsx(&imports::errors_of(&m), &m.filename).await
}

// ---------------------------------------------------------------------------------------------
// Pages

/// The import pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/imports",
            get(imports_page)
                .post(upload_page)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/imports/{id}", get(import_page))
        .route("/imports/{id}/commit", post(commit_page))
}

#[derive(Template)]
#[template(path = "imports.html")]
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
                (m.created_at + chrono::Duration::hours(8))
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                m.filename,
                m.username,
                m.rows.to_string(),
                match (m.status.as_str(), m.error_count) {
                    ("committed", _) => "已导入".to_string(),
                    ("committing", _) => "导入中".to_string(),
                    (_, 0) => "检查通过，待确认".to_string(),
                    (_, n) => format!("{n} 处错误"),
                },
            )
        })
        .collect();
    render(ImportsPage {
        c,
        can_import: caller.role.may(Permission::EditArchive),
        current,
        recent,
        error,
    })
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
    let csrf = up
        .fields
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    caller.check_csrf(&csrf)?;
    match run(&st, &caller, up, true).await {
        Ok((id, _, _)) => Ok(Redirect::to(&format!("/imports/{id}")).into_response()),
        Err(AppError::Invalid(e)) => {
            page(
                &st,
                &caller,
                None,
                e.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    _csrf: String,
}

/// `POST /imports/{id}/commit`.
pub async fn commit_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> PageResult {
    admin_only(&caller)?;
    caller.check_csrf(&f._csrf)?;
    match imports::commit_kept(&st.db, &caller.access, id, today()).await {
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
