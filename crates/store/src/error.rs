use shegong_domain::FieldError;

/// What a storage call can answer besides success. The web layer maps each to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Absent, or outside the caller's scope: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    /// Rejected input; nothing was written.
    #[error("invalid: {0:?}")]
    Invalid(Vec<FieldError>),
    /// Conflicts with what is stored (e.g. an ID number active elsewhere); nothing was written.
    #[error("conflict: {0}")]
    Conflict(FieldError),
    /// The caller's role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl StoreError {
    pub fn invalid(e: FieldError) -> Self {
        Self::Invalid(vec![e])
    }
}

impl<T> From<sea_orm::TransactionError<T>> for StoreError
where
    T: Into<StoreError> + std::error::Error,
{
    fn from(e: sea_orm::TransactionError<T>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(e) => Self::Db(e),
            sea_orm::TransactionError::Transaction(e) => e.into(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
