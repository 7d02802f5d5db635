//! An event's photos: added on its page or through the API (JPEG or PNG, kept without where and when
//! they were taken), listed with the event, opened as images only by those who see the event.

use crate::auth::{Caller, Ctx};
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Path};
use crate::page::PageResult;
use crate::query::Items;
use crate::sections::{FormSpec, Section, headers, hidden, input, link, n, row, t};
use axum::extract::Multipart;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shegong_domain::FieldError;
use shegong_store::events::photos::{self, PhotoInfo};
use uuid::Uuid;

/// The largest request the photo routes read: the largest photo and the form's fields.
pub(crate) const MAX_UPLOAD: usize = shegong_domain::files::MAX_PHOTO_BYTES + 64 * 1024;

/// The `file` (or `photo`) part of a multipart body, and its `_csrf` field.
async fn read(mut m: Multipart) -> ApiResult<(Vec<u8>, String)> {
    let bad = |msg: &str| AppError::Invalid(vec![FieldError::new("event_photo", "file", msg)]);
    let (mut bytes, mut csrf) = (Vec::new(), String::new());
    while let Some(f) = m.next_field().await.map_err(|_| bad("上传内容无法读取：请重新选择照片上传"))?
    {
        match f.name().unwrap_or_default() {
            "file" | "photo" => bytes = f.bytes().await.map_err(|_| bad("照片过大：不能超过2MB"))?.to_vec(),
            "_csrf" => csrf = f.text().await.map_err(|_| bad("上传内容无法读取"))?,
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(bad("请选择要上传的照片"));
    }
    Ok((bytes, csrf))
}

/// 为事件添加照片（multipart，字段 file；JPEG 或 PNG，不超过2MB，去除拍摄地点等元数据，同一照片只存一次）
#[utoipa::path(post, path = "/events/{id}/photos", tag = "民情事件", params(("id" = Uuid, Path, description = "事件")),
    request_body(content_type = "multipart/form-data", description = "file：照片"),
    responses((status = 201, description = "已保存", body = PhotoInfo)))]
pub async fn api_add(
    Ctx { st, caller }: Ctx,
    Path(id): Path<Uuid>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    // Who may add is answered before the body is read.
    photos::may_add(&caller.access)?;
    let m = m.map_err(|_| {
        AppError::Invalid(vec![FieldError::new(
            "event_photo",
            "file",
            "请以 multipart/form-data 上传照片（字段 file）",
        )])
    })?;
    let (bytes, _) = read(m).await?;
    let p = photos::add(&st.db, &caller.access, id, bytes).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

/// 事件的照片（按添加顺序）；每张照片的图片在 /events/{id}/photos/{sha256}
#[utoipa::path(get, path = "/events/{id}/photos", tag = "民情事件", params(("id" = Uuid, Path, description = "事件")),
    responses((status = 200, description = "照片", body = Items<PhotoInfo>)))]
pub async fn api_list(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>) -> ApiResult<Json<Items<PhotoInfo>>> {
    Ok(Json(Items::new(photos::list(&st.db, &caller.scope, id).await?)))
}

/// `GET /events/{id}/photos/{sha256}`: the image, never run as a page.
pub(crate) async fn open(Ctx { st, caller }: Ctx, Path((id, sha)): Path<(Uuid, String)>) -> PageResult {
    let p = photos::get(&st.db, &caller.scope, id, &sha).await?;
    let mut res = p.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&p.content_type).unwrap_or(HeaderValue::from_static("image/jpeg")),
    );
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(res)
}

/// `POST /events/{id}/photos` from the event's page (multipart: `_csrf`, `photo`); back to the page.
pub(crate) async fn page_add(Ctx { st, caller }: Ctx, Path(id): Path<Uuid>, m: Multipart) -> Response {
    let r = async {
        let (bytes, csrf) = read(m).await?;
        caller.check_csrf(&csrf)?;
        photos::add(&st.db, &caller.access, id, bytes).await?;
        Ok::<_, AppError>("已添加照片".to_string())
    }
    .await;
    crate::flash::back(caller.user.id, &format!("/events/{id}#photos"), r)
}

/// The event page's photos: each one to open, and the form to add one for those who may.
pub(crate) async fn section(st: &crate::state::AppState, caller: &Caller, id: Uuid) -> Result<Section, AppError> {
    let list = photos::list(&st.db, &caller.scope, id).await?;
    let mut s = Section {
        id: "photos".into(),
        title: format!("照片（{}张）", list.len()),
        text: if list.is_empty() { "还没有照片。".into() } else { String::new() },
        headers: if list.is_empty() {
            vec![]
        } else {
            headers(&["照片", "添加人", "添加时间", "#大小（KB）"])
        },
        ..Default::default()
    };
    for (i, p) in list.iter().enumerate() {
        s.rows.push(row(vec![
            link(format!("照片{}", i + 1), format!("/events/{id}/photos/{}", p.sha256)),
            t(&p.created_by_name),
            t(crate::clock::local_time(p.created_at)),
            n((p.size + 1023) / 1024),
        ]));
    }
    if photos::may_add(&caller.access).is_ok() && (list.len() as u64) < photos::MAX_PER_EVENT {
        s.forms.push(FormSpec {
            action: format!("/events/{id}/photos"),
            fields: vec![hidden("kind", "photo"), input("照片（JPEG或PNG）", "photo", "file", "", 0)],
            button: "上传照片".into(),
            ..Default::default()
        });
    }
    Ok(s)
}
