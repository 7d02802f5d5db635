//! TLS to PostgreSQL as libpq does it: `sslmode` in the URL (`disable`, `allow`, `prefer` — the
//! default —, `require`, `verify-ca`, `verify-full`, with `sslrootcert` for the verifying two).
//! `prefer` and `allow` take an unencrypted connection when the TLS one fails, as libpq does: a
//! Citus coordinator turns TLS on with a self-signed X.509 version-1 certificate, which the TLS
//! library refuses even when nothing is verified, so without this fall-back the default URL could not
//! connect at all. The stricter modes keep the error, explained.

use sea_orm::sqlx::postgres::{PgConnectOptions, PgSslMode};
use sea_orm::{DbErr, RuntimeErr};
use std::str::FromStr;

/// The mode the driver will use for `url`, read as the driver reads it (`sslmode` or `ssl-mode`, any
/// case, the last one given, else `PGSSLMODE`, else `prefer`); `None` when the URL does not parse.
pub fn ssl_mode(url: &str) -> Option<PgSslMode> {
    PgConnectOptions::from_str(url).ok().map(|o| o.get_ssl_mode())
}

/// The mode's name as libpq writes it.
pub fn mode_name(mode: PgSslMode) -> &'static str {
    match mode {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        PgSslMode::Require => "require",
        PgSslMode::VerifyCa => "verify-ca",
        PgSslMode::VerifyFull => "verify-full",
    }
}

/// Whether a failed connection may be tried again without TLS: the mode allows it and the failure
/// was TLS's.
pub fn falls_back(url: &str, err: &DbErr) -> bool {
    matches!(ssl_mode(url), Some(PgSslMode::Prefer | PgSslMode::Allow)) && is_tls(err)
}

/// Whether the connection failed in TLS (the handshake or the server's certificate).
pub fn is_tls(err: &DbErr) -> bool {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e)) => match &**e {
            sea_orm::SqlxError::Tls(_) => true,
            // A handshake that failed (the certificate refused) comes as an I/O error around TLS's.
            sea_orm::SqlxError::Io(io) => io.get_ref().is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some()),
            _ => false,
        },
        _ => false,
    }
}

/// Why a TLS connection failed, in a few words; `None` when the failure was not TLS's.
pub fn cause(err: &DbErr) -> Option<String> {
    if !is_tls(err) {
        return None;
    }
    let text = err.to_string();
    Some(if text.contains("UnsupportedCertVersion") {
        "数据库服务器的证书是 X.509 第 1 版（Citus 自动生成的自签名证书即是），TLS 库不接受".to_string()
    } else if text.contains("does not support TLS") {
        "数据库服务器未开启 TLS".to_string()
    } else {
        format!("TLS 握手失败：{text}")
    })
}

/// What an administrator reads when a TLS connection fails under a mode that keeps the error: the
/// cause and what to do.
pub fn explain(url: &str, err: &DbErr) -> Option<String> {
    let cause = cause(err)?;
    let mode = ssl_mode(url).map(mode_name).unwrap_or("prefer");
    let advice = if err.to_string().contains("does not support TLS") {
        "请在服务器上开启 ssl，或改用 sslmode=prefer"
    } else {
        "请为服务器换用第 3 版证书，或在可信内网中改用 sslmode=prefer（TLS 失败时不加密连接）"
    };
    Some(format!("{cause}（sslmode={mode}）：{advice}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_is_read_as_the_driver_reads_it() {
        let m = |u: &str| ssl_mode(u).map(mode_name);
        assert_eq!(m("postgres://u@h/db?application_name=x&sslmode=require"), Some("require"));
        assert_eq!(m("postgres://u@h/db?ssl-mode=verify-full"), Some("verify-full"));
        assert_eq!(m("postgres://u@h/db?sslmode=prefer&sslmode=require"), Some("require"));
        assert_eq!(m("postgres://u@h/db?ssl%6Dode=require"), Some("require"));
        assert_eq!(m("postgres://u@h/db?sslmode=Require"), Some("require"));
        assert_eq!(m("postgres://u@h/db?sslmode=garbage"), None);
    }

    #[test]
    fn only_tls_failures_under_prefer_or_allow_fall_back() {
        let sqlx = |e| DbErr::Conn(RuntimeErr::SqlxError(std::sync::Arc::new(e)));
        // As the driver reports a refused certificate: an I/O error around TLS's own.
        let tls = sqlx(sea_orm::SqlxError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(
                std::sync::Arc::new(std::io::Error::other("UnsupportedCertVersion")),
            ))),
        )));
        let other = DbErr::Conn(RuntimeErr::Internal("refused".into()));
        let refused =
            sqlx(sea_orm::SqlxError::Io(std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused")));
        assert!(is_tls(&sqlx(sea_orm::SqlxError::Tls("server does not support TLS".into()))));
        assert!(!falls_back("postgres://h/db?sslmode=prefer", &refused));
        assert!(falls_back("postgres://h/db?sslmode=prefer", &tls));
        assert!(falls_back("postgres://h/db?sslmode=allow", &tls));
        assert!(!falls_back("postgres://h/db?sslmode=require", &tls));
        assert!(!falls_back("postgres://h/db?ssl-mode=require", &tls));
        assert!(!falls_back("postgres://h/db?sslmode=prefer&sslmode=verify-full", &tls));
        assert!(!falls_back("postgres://h/db?sslmode=prefer", &other));
        assert!(explain("postgres://h/db?sslmode=require", &tls).unwrap().contains("第 1 版"));
        assert!(explain("postgres://h/db", &other).is_none());
    }
}
