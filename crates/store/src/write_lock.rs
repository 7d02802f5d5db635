//! Write transactions that hold the write lock from their first statement.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// A transaction on `writer` that holds the write lock from its first statement (see
/// [`crate::Db::begin_write`]).
pub(crate) async fn begin_immediate(writer: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match writer.get_database_backend() {
        DbBackend::Sqlite => {
            writer
                .begin_with_options(TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..Default::default()
                })
                .await
        }
        _ => writer.begin().await,
    }
}
