//! The applicant's pages, made for a phone: `/jobs/{id}/apply` (the application form, filled once
//! and changed while it waits for review), `/applicant` (their applications and where each stands)
//! and `/applicant/applications/{id}` (one, with every decision and its reason, the ticket, the
//! scores, and the scans, which may be added while it waits).

use super::app_views::{JobApplicationView, passed_label, view};
use super::applicant::ApplicantCaller;
use super::views::{JobRoundDetail, detail};
use crate::error::AppError;
use crate::page::PageResult;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shegong_store::StoreError;
use shegong_store::recruitment::applications::{self, ApplicationInput, FILE_KINDS, ScanInfo};
use shegong_store::recruitment::public;
use std::collections::HashMap;
use uuid::Uuid;

/// A round's title and its posts' labels (社区 · 岗位).
pub(crate) async fn labels(st: &AppState, round_id: Uuid) -> Result<(String, HashMap<Uuid, String>), AppError> {
    let r = public::announcement(&st.db, round_id).await?;
    let (d, _) = detail(st, &r.round, &r.posts).await?;
    Ok((
        d.round.title.clone(),
        d.post_list
            .iter()
            .map(|p| {
                let dedicated = if p.dedicated { "（专设社工岗）" } else { "" };
                (p.id, format!("{} · {}{dedicated}", p.community_name, p.title))
            })
            .collect(),
    ))
}

/// An applicant's application as they see it.
pub(crate) async fn own_view(
    st: &AppState,
    a: &shegong_store::entity::application::Model,
) -> Result<JobApplicationView, AppError> {
    let (title, posts) = labels(st, a.round_id).await?;
    Ok(view(a, &title, posts.get(&a.post_id).map_or("", String::as_str), true))
}

fn html(status: StatusCode, r: Result<String, askama::Error>) -> PageResult {
    Ok((status, Html(r.map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?)).into_response())
}

#[derive(Template)]
#[template(path = "recruitment/apply.html")]
struct ApplyPage {
    d: JobRoundDetail,
    open: bool,
    /// The application already reviewed (its page), when it can no longer be changed.
    reviewed: Option<Uuid>,
    name: String,
    form: ApplyForm,
    grounds: Vec<(String, bool)>,
    errors: Vec<String>,
    csrf: String,
    educations: Vec<(String, String)>,
    certificates: Vec<(String, String)>,
}

/// The form as typed (kept when it comes back).
#[derive(Default, Clone)]
pub(crate) struct ApplyForm {
    post: String,
    education: String,
    school: String,
    major: String,
    graduated_on: String,
    certificate: String,
    work_history: String,
    veteran: Option<String>,
    current_worker: Option<String>,
    declared: Vec<String>,
    _csrf: String,
}

impl ApplyForm {
    /// The form's fields; `declared` repeats, one per ground ticked.
    fn parse(body: &[u8]) -> Self {
        let mut f = Self::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "post" => f.post = v,
                "education" => f.education = v,
                "school" => f.school = v,
                "major" => f.major = v,
                "graduated_on" => f.graduated_on = v,
                "certificate" => f.certificate = v,
                "work_history" => f.work_history = v,
                "veteran" => f.veteran = Some(v),
                "current_worker" => f.current_worker = Some(v),
                "declared" if f.declared.len() < 50 => f.declared.push(v),
                "_csrf" => f._csrf = v,
                _ => {}
            }
        }
        f
    }
}

pub(crate) const EDUCATIONS: [(&str, &str); 6] = [
    ("11", "博士研究生"),
    ("14", "硕士研究生"),
    ("21", "大学本科"),
    ("31", "大学专科"),
    ("41", "中等专科"),
    ("61", "普通高中"),
];

async fn render(a: &ApplicantCaller, id: Uuid, form: ApplyForm, errors: Vec<String>, status: StatusCode) -> PageResult {
    let reviewed = applications::mine(&a.st.db, &a.who)
        .await?
        .into_iter()
        .find(|x| x.round_id == id && x.status != "submitted")
        .map(|x| x.id);
    let r = public::announcement(&a.st.db, id).await?;
    if r.round.province_code != a.who.province {
        return Err(AppError::NotFound.into());
    }
    let (d, policy) = detail(&a.st, &r.round, &r.posts).await?;
    let today = crate::clock::today();
    let open = r.round.status == "published" && today >= r.round.apply_from && today <= r.round.apply_to;
    let grounds = policy.barring_grounds.iter().map(|g| (g.clone(), form.declared.contains(g))).collect();
    let page = ApplyPage {
        d,
        open,
        reviewed,
        name: a.who.name.clone(),
        form,
        grounds,
        errors,
        csrf: a.csrf.clone().unwrap_or_default(),
        educations: EDUCATIONS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        certificates: shegong_domain::worker::CertificateLevel::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label().to_string()))
            .collect(),
    };
    html(status, page.render())
}

/// `GET /jobs/{id}/apply`: the form, with what was sent before when there is an application.
pub(crate) async fn apply_page(a: ApplicantCaller, Path(id): Path<Uuid>) -> PageResult {
    let mine = applications::mine(&a.st.db, &a.who).await?;
    let form = match mine.iter().find(|x| x.round_id == id) {
        Some(x) => ApplyForm {
            post: x.post_id.to_string(),
            education: x.education_code.clone(),
            school: x.school.clone(),
            major: x.major.clone(),
            graduated_on: x.graduated_on.map(|d| d.to_string()).unwrap_or_default(),
            certificate: x.certificate.clone().unwrap_or_default(),
            work_history: x.work_history.clone(),
            veteran: x.veteran.then(|| "1".into()),
            current_worker: x.current_worker.then(|| "1".into()),
            declared: x.declared.lines().map(String::from).collect(),
            _csrf: String::new(),
        },
        None => ApplyForm::default(),
    };
    render(&a, id, form, vec![], StatusCode::OK).await
}

/// `POST /jobs/{id}/apply`: submitted, on to the application's page; refused, the form again with
/// every reason.
pub(crate) async fn apply(a: ApplicantCaller, Path(id): Path<Uuid>, body: axum::body::Bytes) -> PageResult {
    let form = ApplyForm::parse(&body);
    a.check_csrf(&form._csrf)?;
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = ApplicationInput {
        post: form.post.clone(),
        education: form.education.clone(),
        school: form.school.clone(),
        major: form.major.clone(),
        graduated_on: opt(&form.graduated_on),
        certificate: opt(&form.certificate),
        work_history: form.work_history.clone(),
        veteran: form.veteran.is_some(),
        current_worker: form.current_worker.is_some(),
        declarations: form.declared.clone(),
    };
    match applications::submit(&a.st.db, &a.who, id, &input, crate::clock::today()).await {
        Ok(x) => Ok(Redirect::to(&format!("/applicant/applications/{}?done=submitted", x.id)).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let msgs = errors.into_iter().map(|e| e.message).collect();
            render(&a, id, form, msgs, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::Conflict(e)) => render(&a, id, form, vec![e.message], StatusCode::CONFLICT).await,
        Err(e) => Err(AppError::from(e).into()),
    }
}

#[derive(Template)]
#[template(path = "recruitment/applicant_home.html")]
struct HomePage {
    name: String,
    apps: Vec<JobApplicationView>,
    csrf: String,
}

/// `GET /applicant`: the applicant's applications.
pub(crate) async fn home(a: ApplicantCaller) -> PageResult {
    let mut apps = Vec::new();
    for x in applications::mine(&a.st.db, &a.who).await? {
        apps.push(own_view(&a.st, &x).await?);
    }
    html(StatusCode::OK, HomePage { name: a.who.name.clone(), apps, csrf: a.csrf.clone().unwrap_or_default() }.render())
}

#[derive(Template)]
#[template(path = "recruitment/application.html")]
struct ApplicationPage {
    v: JobApplicationView,
    files: Vec<ScanInfo>,
    kinds: Vec<(String, String)>,
    notice: String,
    error: String,
    csrf: String,
    medical: &'static str,
    vetting: &'static str,
    submitted: String,
    /// An objection in the publicity was found true: not to be hired.
    struck: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Done {
    done: String,
}

async fn application_page(
    a: &ApplicantCaller,
    id: Uuid,
    notice: &str,
    error: String,
    status: StatusCode,
) -> PageResult {
    let x = applications::own(&a.st.db, &a.who, id).await?;
    let files = applications::files_of(&a.st.db, &x).await?;
    let v = own_view(&a.st, &x).await?;
    let struck = applications::struck(&a.st.db, &x).await?;
    let page = ApplicationPage {
        struck,
        submitted: shegong_domain::time::minutes_text(v.submitted_at),
        medical: passed_label(v.medical.as_deref()),
        vetting: passed_label(v.vetting.as_deref()),
        v,
        files,
        kinds: FILE_KINDS.iter().map(|(k, l)| (k.to_string(), l.to_string())).collect(),
        notice: notice.into(),
        error,
        csrf: a.csrf.clone().unwrap_or_default(),
    };
    html(status, page.render())
}

/// `GET /applicant/applications/{id}`.
pub(crate) async fn application(a: ApplicantCaller, Path(id): Path<Uuid>, Query(d): Query<Done>) -> PageResult {
    let notice = match d.done.as_str() {
        "submitted" => "报名表已提交，请上传身份证、学历证书等材料，并留意资格审查结果。",
        "file" => "材料已上传。",
        _ => "",
    };
    application_page(&a, id, notice, String::new(), StatusCode::OK).await
}

/// The largest request the scan route reads: the largest scan and the form's fields.
pub(crate) const MAX_UPLOAD: usize = shegong_domain::files::MAX_SCAN_BYTES + 64 * 1024;

/// The parts of a scan upload: kind, file name, bytes, CSRF token.
pub(crate) async fn read_scan(mut m: Multipart) -> Result<(String, String, Vec<u8>, String), String> {
    let (mut kind, mut name, mut bytes, mut csrf) = (String::new(), String::new(), Vec::new(), String::new());
    while let Some(f) =
        m.next_field().await.map_err(|_| "上传内容无法读取：请重新选择文件上传（不超过10MB）".to_string())?
    {
        match f.name().unwrap_or_default() {
            "file" => {
                name = f.file_name().unwrap_or("材料").to_string();
                bytes = f.bytes().await.map_err(|_| "文件过大：不能超过10MB".to_string())?.to_vec();
            }
            "kind" => kind = f.text().await.unwrap_or_default(),
            "_csrf" => csrf = f.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    Ok((kind, name, bytes, csrf))
}

/// `POST /applicant/applications/{id}/files` (multipart: kind, file).
pub(crate) async fn add_file(a: ApplicantCaller, Path(id): Path<Uuid>, m: Multipart) -> PageResult {
    let (kind, name, bytes, csrf) = match read_scan(m).await {
        Ok(x) => x,
        Err(e) => return application_page(&a, id, "", e, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    a.check_csrf(&csrf)?;
    match applications::add_file(&a.st.db, &a.who, id, &kind, &name, bytes).await {
        Ok(_) => Ok(Redirect::to(&format!("/applicant/applications/{id}?done=file")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let msg = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；");
            application_page(&a, id, "", msg, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::Conflict(e)) => application_page(&a, id, "", e.message, StatusCode::CONFLICT).await,
        Err(e) => Err(AppError::from(e).into()),
    }
}

/// A scan's bytes, never run as a page.
pub(crate) fn scan_response(f: shegong_store::entity::application_file::Model) -> Response {
    let mut res = f.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&f.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    // Saved under its own name, not the address's.
    let name: String = f
        .filename
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename*=UTF-8''{name}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /applicant/applications/{id}/files/{file_id}`.
pub(crate) async fn open_file(a: ApplicantCaller, Path((id, file_id)): Path<(Uuid, Uuid)>) -> PageResult {
    let x = applications::own(&a.st.db, &a.who, id).await?;
    Ok(scan_response(applications::file(&a.st.db, &x, file_id).await?))
}
