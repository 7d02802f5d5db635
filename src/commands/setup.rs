//! What every command needs: the database opened (and migrated), a password from standard input, a
//! store error as the operator should read it.

use crate::cli::Global;
use anyhow::Context;
use shegong_store::Db;
use std::io::Read;

pub(crate) async fn open(g: &Global) -> anyhow::Result<Db> {
    let url = match &g.database_url {
        Some(u) => u.clone(),
        None => {
            std::fs::create_dir_all(&g.data_dir)
                .with_context(|| format!("无法创建数据目录 {}", g.data_dir.display()))?;
            shegong_store::db::sqlite_url(&g.data_dir)
        }
    };
    let db = Db::connect(&url).await?;
    shegong_store::setup::run(&db).await?;
    Ok(db)
}

/// A password from standard input (one line; the line end is not part of it).
pub(crate) fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin().take(4096).read_to_string(&mut password).context("无法从标准输入读取密码")?;
    Ok(password.trim_end_matches(['\r', '\n']).to_string())
}

/// A storage error as the operator should read it.
pub(crate) fn describe(e: shegong_store::StoreError) -> anyhow::Error {
    use shegong_store::StoreError as E;
    match e {
        E::Invalid(errs) => anyhow::anyhow!(errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n")),
        E::Conflict(e) => anyhow::anyhow!(e.message),
        other => anyhow::anyhow!(other),
    }
}
