//! TLS to PostgreSQL: `sslmode` as libpq reads it. `SHEGONG_TEST_PG_TLS_URL` names a server with TLS on
//! and a self-signed X.509 version-1 certificate, as `CREATE EXTENSION citus` leaves a coordinator
//! (`.ci/run` starts one); `SHEGONG_TEST_PG_URL` a server without TLS.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use shegong_store::Db;

/// `url` with `sslmode=mode` added last (the last one counts).
fn with_ssl_mode(url: &str, mode: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sslmode={mode}")
}

fn tls_url() -> Option<String> {
    std::env::var("SHEGONG_TEST_PG_TLS_URL").ok().filter(|s| !s.is_empty())
}

async fn encrypted(db: &Db) -> bool {
    db.conn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<bool>("", "ssl")
        .unwrap()
}

#[tokio::test]
async fn prefer_falls_back_to_plain_when_the_certificate_is_refused() {
    let Some(url) = tls_url() else {
        eprintln!("SHEGONG_TEST_PG_TLS_URL not set: skipped");
        return;
    };
    // The default mode (none in the URL) and an explicit prefer both connect, unencrypted.
    for url in [url.clone(), with_ssl_mode(&url, "prefer")] {
        let db = Db::connect(&url).await.expect("prefer connects without TLS when TLS fails");
        assert!(!encrypted(&db).await);
    }
    let db = Db::connect(&with_ssl_mode(&url, "disable")).await.unwrap();
    assert!(!encrypted(&db).await);
    // When the plain connection fails too, the message names the URL as given and both causes.
    let missing = shegong_store::testing::replace_db_name(&url, "no_such_database_here");
    let err = Db::connect(&missing).await.unwrap_err().to_string();
    assert!(err.contains("TLS 连接失败") && err.contains("no_such_database_here"), "{err}");
    assert!(!err.contains("sslmode=disable"), "{err}");
}

#[tokio::test]
async fn require_refuses_a_version_1_certificate_and_says_why() {
    let Some(url) = tls_url() else {
        eprintln!("SHEGONG_TEST_PG_TLS_URL not set: skipped");
        return;
    };
    for mode in ["require", "verify-full"] {
        let err = Db::connect(&with_ssl_mode(&url, mode)).await.unwrap_err().to_string();
        assert!(err.contains("第 1 版"), "{mode}: {err}");
        assert!(err.contains(&format!("sslmode={mode}")), "{err}");
    }
    // However the URL asks for it, as the driver reads it: never a silent fall-back.
    let sep = if url.contains('?') { '&' } else { '?' };
    for asked in ["ssl-mode=require", "sslmode=prefer&sslmode=require", "ssl%6Dode=verify-full", "sslmode=Require"] {
        let err = Db::connect(&format!("{url}{sep}{asked}")).await.unwrap_err().to_string();
        assert!(err.contains("第 1 版"), "{asked}: {err}");
    }
}

#[tokio::test]
async fn require_refuses_a_server_without_tls() {
    let Some(url) = shegong_store::testing::pg_url() else {
        eprintln!("SHEGONG_TEST_PG_URL not set: skipped");
        return;
    };
    let err = Db::connect(&with_ssl_mode(&url, "require")).await.unwrap_err().to_string();
    assert!(err.contains("未开启 TLS"), "{err}");
    let db = Db::connect(&url).await.expect("prefer connects to a server without TLS");
    assert!(!encrypted(&db).await);
}
