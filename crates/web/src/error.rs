//! The one edge error type: every failure becomes `{"code","field","message"}` with a zh-CN message.
//! Internal causes are logged, never sent.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use shegong_domain::FieldError;
use shegong_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("unauthorized")]
    Unauthorized,
    #[error("login failed")]
    LoginFailed,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("too many attempts")]
    TooManyAttempts,
    #[error("csrf")]
    Csrf,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("invalid: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(FieldError),
    /// A request refused before it reached a handler (malformed JSON, a bad query value, a body over
    /// the limit…), already in zh-CN.
    #[error("rejected: {message}")]
    Rejected { status: StatusCode, code: &'static str, field: Option<String>, message: String },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The one error shape: a code, the field it names (if any), a zh-CN message, and for rejected
/// input every field's error.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Invalid(errs) => Self::Invalid(errs),
            StoreError::Conflict(e) => Self::Conflict(e),
            StoreError::Forbidden(m) => Self::Forbidden(m),
            StoreError::Db(e) => Self::Internal(anyhow::Error::new(e)),
            StoreError::Other(e) => Self::Internal(e),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(vec![e])
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized | Self::LoginFailed => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::Csrf | Self::PasswordChangeRequired => StatusCode::FORBIDDEN,
            Self::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Rejected { status, .. } => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let simple = |code, message: &str| ErrorBody { code, field: None, message: message.into(), errors: vec![] };
        match self {
            Self::NotFound => simple("not_found", "未找到该记录，或不在您的管辖范围内"),
            Self::Unauthorized => simple("unauthorized", "请先登录"),
            Self::LoginFailed => ErrorBody {
                code: "login_failed",
                field: Some("password".into()),
                message: "用户名或密码错误".into(),
                errors: vec![],
            },
            Self::Forbidden(m) => simple("forbidden", m),
            Self::TooManyAttempts => simple("too_many_attempts", "登录失败次数过多，请15分钟后再试"),
            Self::Csrf => simple("csrf", "页面已过期，请刷新后重试"),
            Self::PasswordChangeRequired => {
                simple("password_change_required", "管理员已重置您的密码，请先修改密码（POST /api/v1/me/password）")
            }
            Self::Invalid(errs) => {
                let first = errs.first().cloned().unwrap_or_else(|| FieldError::new("invalid", "", "输入有误"));
                ErrorBody {
                    code: first.code,
                    field: Some(first.field.into()),
                    message: first.message,
                    errors: errs.clone(),
                }
            }
            Self::Conflict(e) => {
                ErrorBody { code: e.code, field: Some(e.field.into()), message: e.message.clone(), errors: vec![] }
            }
            Self::Rejected { code, field, message, .. } => {
                ErrorBody { code, field: field.clone(), message: message.clone(), errors: vec![] }
            }
            Self::Internal(_) => simple("internal", "系统内部错误，请稍后再试"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        (self.status(), Json(self.body())).into_response()
    }
}

pub type ApiResult<T> = Result<T, AppError>;

/// An error as a page.
pub struct PageError(AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    heading: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self.0 {
            tracing::error!(error = ?e, "internal error");
        }
        let status = self.0.status();
        let body = self.0.body();
        let heading = match status {
            StatusCode::NOT_FOUND => "未找到",
            StatusCode::FORBIDDEN => "无权操作",
            StatusCode::UNPROCESSABLE_ENTITY => "输入有误",
            _ => "出错了",
        };
        let page = ErrorPage { heading: heading.into(), message: body.message };
        (status, Html(page.render().unwrap_or_else(|_| "出错了".into()))).into_response()
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
