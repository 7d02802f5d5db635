//! Messages carried to the page a form redirects to. They travel in the address
//! (`?notice=…&sig=…`), signed with a key this process made at start, so that a page shows only
//! messages the server wrote: a link with `?error=<any text>` shows no banner.

use crate::error::AppError;
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::LazyLock;

static KEY: LazyLock<[u8; 32]> = LazyLock::new(|| {
    use rand::RngCore;
    let mut k = [0u8; 32];
    rand::rng().fill_bytes(&mut k);
    k
});

fn mac(kind: &str, message: &str) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(KEY.as_slice()).expect("HMAC takes any key length");
    m.update(kind.as_bytes());
    m.update(&[0]);
    m.update(message.as_bytes());
    m
}

/// `kind=<message>&sig=<signature>` for an address.
pub fn query(kind: &str, message: &str) -> String {
    let sig = hex::encode(mac(kind, message).finalize().into_bytes());
    serde_urlencoded::to_string([(kind, message), ("sig", sig.as_str())]).unwrap_or_default()
}

/// The message of `kind` if its signature is the server's, else empty.
pub fn verified(kind: &str, message: Option<&str>, sig: Option<&str>) -> String {
    match (message, sig.and_then(|s| hex::decode(s).ok())) {
        (Some(m), Some(sig)) if mac(kind, m).verify_slice(&sig).is_ok() => m.to_string(),
        _ => String::new(),
    }
}

/// Back to `to` with the outcome: a notice on success, the error's message on rejected input;
/// other errors are answered as they are.
pub fn back(to: &str, r: Result<String, AppError>) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    let q = match r {
        Ok(n) => query("notice", &n),
        Err(e) => query("error", &e.body().message),
    };
    Redirect::to(&format!("{to}{sep}{q}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_signed_messages_show() {
        let q = query("error", "身份证号码校验位错误");
        let parsed: Vec<(String, String)> = serde_urlencoded::from_str(&q).unwrap();
        let (msg, sig) = (&parsed[0].1, &parsed[1].1);
        assert_eq!(verified("error", Some(msg), Some(sig)), "身份证号码校验位错误");
        assert_eq!(verified("notice", Some(msg), Some(sig)), "", "signed for another kind");
        assert_eq!(verified("error", Some("请拨打 400-000-0000 领取补贴"), Some(sig)), "");
        assert_eq!(verified("error", Some(msg), None), "");
        assert_eq!(verified("error", Some(msg), Some("zz")), "");
    }
}
