//! An archive's scans on its page (材料 tab): the photo, certificates, diplomas, agreements and other
//! papers uploaded, opened and removed; the photo shown on the archive and the 登记表.
use crate::auth::{Caller, Ctx};
use crate::error::AppError;
use crate::imports::api::read_upload;
use crate::page::{CsrfForm, PageResult};
use crate::posted::back_to_archive;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use shegong_store::entity::attachment;
use shegong_store::workers::attachments;
use uuid::Uuid;

/// The largest upload the route reads (the largest scan and the form's fields).
pub(crate) const MAX_UPLOAD: usize = shegong_domain::files::MAX_SCAN_BYTES + 64 * 1024;

/// `POST /workers/{id}/attachments` (multipart: `_csrf`, `kind`, `file`).
pub(crate) async fn upload(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>, m: Multipart) -> PageResult {
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(e) => return back_to_archive(caller.user.id, id, "files", Err(e)),
    };
    caller.check_csrf(up.csrf())?;
    let kind = up.fields.iter().find(|(k, _)| k == "kind").map(|(_, v)| v.clone()).unwrap_or_default();
    let r = attachments::add(&st.db, &caller.access, id, &kind, &up.filename, up.bytes).await;
    back_to_archive(caller.user.id, id, "files", r.map(|_| ()).map_err(AppError::from))
}

/// A file name for `filename*=UTF-8''…` (RFC 5987): every byte but letters, digits and `-._~` as %XX.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The bytes of a kept scan, as what they are (sniffed on upload), never run as a page.
fn file_response(a: attachment::Model, download: bool) -> Response {
    let disposition =
        format!("{}; filename*=UTF-8''{}", if download { "attachment" } else { "inline" }, percent_encode(&a.filename));
    let mut res = a.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&a.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}

/// `GET /workers/{id}/attachments/{aid}`: opened in the browser (PDF, images).
pub(crate) async fn open(Ctx { st, caller }: Ctx, Path((id, aid)): Path<(Uuid, Uuid)>) -> PageResult {
    let a = attachments::get(&st.db, &caller.scope, id, aid).await?;
    Ok(file_response(a, false))
}

/// `GET /workers/{id}/photo`: the archive's photo, or 404.
pub(crate) async fn photo(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
    match attachments::photo(&st.db, &caller.scope, id).await? {
        Some(a) => Ok(file_response(a, false)),
        None => Err(AppError::NotFound.into()),
    }
}

/// `POST /workers/{id}/attachments/{aid}/remove`.
pub(crate) async fn remove(
    Ctx { st, caller }: Ctx,
    Path((id, aid)): Path<(Uuid, Uuid)>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    caller.check_csrf(&f._csrf)?;
    let r = attachments::remove(&st.db, &caller.access, id, aid).await;
    back_to_archive(caller.user.id, id, "files", r.map_err(AppError::from))
}
