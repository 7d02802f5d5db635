use serde::Serialize;

/// A rejected input: a stable machine code, the field it concerns and a zh-CN message that a person
/// can act on. This is the one error shape the API and the forms show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub code: &'static str,
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(code: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        Self { code, field, message: message.into() }
    }
}
