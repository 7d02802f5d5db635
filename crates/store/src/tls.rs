//! TLS to PostgreSQL as libpq does it: `sslmode` in the URL (`disable`, `allow`, `prefer` — the
//! default —, `require`, `verify-ca`, `verify-full`, with `sslrootcert` for the verifying two).
//! `prefer` and `allow` take an unencrypted connection when the TLS one fails, as libpq does: a
//! Citus coordinator turns TLS on with a self-signed X.509 version-1 certificate, which the TLS
//! library refuses even when nothing is verified, so without this fall-back the default URL could not
//! connect at all. The stricter modes keep the error, explained.

use sea_orm::{DbErr, RuntimeErr};

/// The URL's `sslmode`, or `prefer` (libpq's default) when it names none.
pub fn ssl_mode(url: &str) -> &str {
    query_pairs(url)
        .find(|(k, _)| *k == "sslmode")
        .map(|(_, v)| v)
        .unwrap_or("prefer")
}

/// `url` with its `sslmode` set to `mode` (added when it has none).
pub fn with_ssl_mode(url: &str, mode: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("sslmode="))
        .map(str::to_string)
        .collect();
    pairs.push(format!("sslmode={mode}"));
    format!("{base}?{}", pairs.join("&"))
}

/// Whether a failed connection may be tried again without TLS: the mode allows it and the failure
/// was TLS's.
pub fn falls_back(url: &str, err: &DbErr) -> bool {
    matches!(ssl_mode(url), "prefer" | "allow") && is_tls(err)
}

/// Whether the connection failed in TLS (the handshake or the server's certificate).
pub fn is_tls(err: &DbErr) -> bool {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e)) => match &**e {
            sea_orm::SqlxError::Tls(_) => true,
            // A handshake that failed (the certificate refused) comes as an I/O error around TLS's.
            sea_orm::SqlxError::Io(io) => io
                .get_ref()
                .is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some()),
            _ => false,
        },
        _ => false,
    }
}

/// What an administrator reads when a TLS connection fails under a mode that keeps the error.
pub fn explain(url: &str, err: &DbErr) -> Option<String> {
    if !is_tls(err) {
        return None;
    }
    let mode = ssl_mode(url);
    let text = err.to_string();
    Some(if text.contains("UnsupportedCertVersion") {
        format!(
            "数据库服务器的证书是 X.509 第 1 版（Citus 自动生成的自签名证书即是），TLS 库不接受（sslmode={mode}）：\
             请为服务器换用第 3 版证书，或在可信内网中改用 sslmode=prefer（TLS 失败时不加密连接）或 sslmode=disable"
        )
    } else if text.contains("does not support TLS") {
        format!("数据库服务器未开启 TLS，连接串却要求 sslmode={mode}：请在服务器上开启 ssl，或改用 sslmode=prefer")
    } else {
        format!("与数据库建立 TLS 连接失败（sslmode={mode}）：{text}")
    })
}

fn query_pairs(url: &str) -> impl Iterator<Item = (&str, &str)> {
    url.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .filter_map(|p| p.split_once('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_defaults_to_prefer_as_libpq() {
        assert_eq!(ssl_mode("postgres://u@h/db"), "prefer");
        assert_eq!(
            ssl_mode("postgres://u@h/db?application_name=x&sslmode=require"),
            "require"
        );
    }

    #[test]
    fn setting_the_mode_keeps_the_other_parameters() {
        assert_eq!(
            with_ssl_mode("postgres://u@h/db", "disable"),
            "postgres://u@h/db?sslmode=disable"
        );
        assert_eq!(
            with_ssl_mode("postgres://u@h/db?sslmode=prefer&application_name=x", "disable"),
            "postgres://u@h/db?application_name=x&sslmode=disable"
        );
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
        let refused = sqlx(sea_orm::SqlxError::Io(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "refused",
        )));
        assert!(is_tls(&sqlx(sea_orm::SqlxError::Tls(
            "server does not support TLS".into()
        ))));
        assert!(!falls_back("postgres://h/db", &refused));
        assert!(falls_back("postgres://h/db", &tls));
        assert!(falls_back("postgres://h/db?sslmode=allow", &tls));
        assert!(!falls_back("postgres://h/db?sslmode=require", &tls));
        assert!(!falls_back("postgres://h/db", &other));
        assert!(
            explain("postgres://h/db?sslmode=require", &tls)
                .unwrap()
                .contains("第 1 版")
        );
        assert!(explain("postgres://h/db", &other).is_none());
    }
}
