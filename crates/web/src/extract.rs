//! The API's extractors: axum's `Json`, `Query` and `Path`, whose rejections answer in the one error
//! shape `{"code","field","message"}` with a zh-CN message naming the field, never axum's English
//! plain text. `Json` also serialises responses, as axum's does.
//!
//! [`plain_errors`] is the net below them: any error response still in plain text (a route's method,
//! a body over the limit, a page's form) is rewritten, as JSON under `/api` and as a page elsewhere.

use crate::error::AppError;
use axum::extract::ConnectInfo;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

/// A JSON body, or a JSON response.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A query string.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(e) => Err(query_rejection(e)),
        }
    }
}

/// Path parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(e) => Err(path_rejection(e)),
        }
    }
}

/// `?page=&per_page=` on a paged list: a page from 1 to 1,000,000 and a page size up to the list's
/// maximum; anything else is refused with 422, never clamped into a different answer.
#[derive(serde::Deserialize, Default, Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PageQuery {
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// The largest page number any list accepts.
pub const MAX_PAGE: u64 = 1_000_000;

impl PageQuery {
    /// `(page, per_page)`, page counted from 1.
    pub fn paging(&self, default_per_page: u64, max_per_page: u64) -> Result<(u64, u64), AppError> {
        Ok((
            bounded(&self.page, "page", 1, MAX_PAGE)?,
            bounded(&self.per_page, "per_page", default_per_page, max_per_page)?,
        ))
    }
}

/// A whole number from 1 to `max` in a query value, or `default` when absent or blank.
pub fn bounded(s: &Option<String>, field: &'static str, default: u64, max: u64) -> Result<u64, AppError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => {
                let label = if field == "page" { "页码" } else { "每页条数" };
                Err(shegong_domain::FieldError::new("paging_invalid", field, format!("{label}应为1至{max}之间的整数"))
                    .into())
            }
        },
    }
}

fn rejected(status: StatusCode, code: &'static str, field: Option<String>, message: String) -> AppError {
    AppError::Rejected { status, code, field, message }
}

/// The path and serde's message of a deserialisation error somewhere in `e`'s sources.
fn path_error(e: &(dyn std::error::Error + 'static)) -> Option<(String, String)> {
    let mut cur = Some(e);
    while let Some(x) = cur {
        if let Some(p) = x.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            return Some((p.path().to_string(), p.inner().to_string()));
        }
        if let Some(p) = x.downcast_ref::<serde_path_to_error::Error<serde_urlencoded::de::Error>>() {
            return Some((p.path().to_string(), p.inner().to_string()));
        }
        cur = x.source();
    }
    None
}

/// A serde message in zh-CN, with the field it concerns (never echoing the value sent).
fn describe(path: &str, inner: &str) -> (&'static str, Option<String>, String) {
    let path = if path == "." || path == "?" { "" } else { path };
    if let Some(rest) = inner.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let field = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
        let message = format!("缺少必填项 {field}");
        return ("field_missing", Some(field), message);
    }
    let field = (!path.is_empty()).then(|| path.to_string());
    let what = field.clone().unwrap_or_else(|| "请求内容".into());
    let message = if inner.starts_with("invalid type") {
        format!("{what} 的类型不对")
    } else if inner.starts_with("unknown variant") {
        format!("{what} 不是可选的值之一")
    } else if inner.starts_with("unknown field") {
        let name = inner.split('`').nth(1).unwrap_or_default();
        return ("field_unknown", Some(name.to_string()), format!("不认识的字段 {name}"));
    } else if inner.contains("too large") || inner.contains("too small") || inner.contains("out of range") {
        format!("{what} 超出允许的范围")
    } else {
        format!("{what} 的值无效")
    };
    ("field_invalid", field, message)
}

fn json_rejection(e: JsonRejection) -> AppError {
    match &e {
        JsonRejection::MissingJsonContentType(_) => rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            None,
            "请求内容应为 JSON（Content-Type: application/json）".into(),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            rejected(StatusCode::UNPROCESSABLE_ENTITY, "json_invalid", None, "请求内容不是有效的 JSON".into())
        }
        JsonRejection::JsonDataError(_) => {
            let (code, field, message) = path_error(&e).map(|(p, m)| describe(&p, &m)).unwrap_or((
                "field_invalid",
                None,
                "请求内容的字段有误".into(),
            ));
            rejected(StatusCode::UNPROCESSABLE_ENTITY, code, field, message)
        }
        JsonRejection::BytesRejection(_) => body_too_large_or_bad(e.status()),
        _ => rejected(e.status(), "bad_request", None, "请求有误".into()),
    }
}

fn body_too_large_or_bad(status: StatusCode) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        rejected(status, "body_too_large", None, "请求内容过大".into())
    } else {
        rejected(status, "body_unreadable", None, "无法读取请求内容".into())
    }
}

fn query_rejection(e: QueryRejection) -> AppError {
    let (code, field, message) =
        path_error(&e).map(|(p, m)| describe(&p, &m)).unwrap_or(("query_invalid", None, "查询参数有误".into()));
    rejected(StatusCode::UNPROCESSABLE_ENTITY, code, field, message)
}

fn path_rejection(e: PathRejection) -> AppError {
    use axum::extract::path::ErrorKind;
    match e {
        PathRejection::FailedToDeserializePathParams(d) => {
            let key = match d.kind() {
                ErrorKind::ParseErrorAtKey { key, .. }
                | ErrorKind::InvalidUtf8InPathParam { key }
                | ErrorKind::DeserializeError { key, .. } => Some(key.clone()),
                _ => None,
            };
            let message = match &key {
                Some(k) => format!("地址中的 {k} 无效"),
                None => "地址中的参数无效".into(),
            };
            // A malformed identifier names nothing that exists.
            rejected(StatusCode::NOT_FOUND, "path_invalid", key, message)
        }
        other => rejected(other.status(), "path_invalid", None, "地址中的参数无效".into()),
    }
}

/// The zh-CN words for an error status that carries no message of ours.
fn status_message(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => ("not_found", "未找到该页面或记录"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "该地址不能这样访问，请从页面上的链接或按钮进入"),
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "请求内容过大"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("content_type", "请求内容的格式不受支持"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid", "提交的内容有误"),
        StatusCode::BAD_REQUEST => ("bad_request", "提交的内容或地址有误，请返回后重试"),
        s if s.is_server_error() => ("internal", "系统内部错误，请稍后再试"),
        _ => ("bad_request", "请求有误"),
    }
}

/// Rewrites every error response that is still plain text (or has no body type at all) into the
/// error shape: JSON under `/api`, an error page elsewhere.
pub async fn plain_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let method = req.method().clone();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let plain = match res.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(v) => v.to_str().is_ok_and(|t| t.starts_with("text/plain")),
    };
    if !plain {
        return res;
    }
    // A query value a page cannot read (`?page=abc`) is said, naming it; a malformed identifier
    // elsewhere in a page's address names nothing that exists.
    if !api && status == StatusCode::BAD_REQUEST && method == axum::http::Method::GET {
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        if let Some(rest) = text.strip_prefix("Failed to deserialize query string: ")
            && let Some((key, _)) = rest.split_once(':')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            let message = match key {
                "page" => "地址中的页码（page）应为正整数".to_string(),
                "per_page" => "地址中的每页条数（per_page）应为20、50或100".to_string(),
                _ => format!("地址中的参数“{key}”无法识别，请从页面上的筛选条件重新选择"),
            };
            let err = rejected(StatusCode::UNPROCESSABLE_ENTITY, "query_invalid", Some(key.to_string()), message);
            return crate::error::PageError::from(err).into_response();
        }
        let (code, message) = status_message(StatusCode::NOT_FOUND);
        return crate::error::PageError::from(rejected(StatusCode::NOT_FOUND, code, None, message.into()))
            .into_response();
    }
    let (code, message) = status_message(status);
    let err = rejected(status, code, None, message.into());
    if api { err.into_response() } else { crate::error::PageError::from(err).into_response() }
}

/// The client's address when the server knows it (not under in-process tests).
pub struct ClientAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn serde_messages_become_chinese_and_name_the_field() {
        let (code, field, msg) = describe(".", "missing field `name`");
        assert_eq!((code, field.as_deref()), ("field_missing", Some("name")));
        assert!(msg.contains("name"));
        let (_, field, msg) = describe("scores[2].org_score", "invalid type: string \"x\", expected i32");
        assert_eq!(field.as_deref(), Some("scores[2].org_score"));
        assert!(msg.contains("类型") && !msg.contains('x'));
        let (_, field, _) = describe("page", "invalid digit found in string");
        assert_eq!(field.as_deref(), Some("page"));
    }
}
