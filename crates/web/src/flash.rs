//! Messages carried to the page a form redirects to (flash messages). They ride in a cookie, not in
//! the address, so that a reload, a bookmark or a copied link never shows them again; the page that
//! shows one clears it. A message is signed with a key this process made at start over the message,
//! the user it was written for and the time, so that a page shows only messages the server wrote
//! for this user in the last ten minutes: a link with `?error=<any text>` shows no banner, and
//! neither does a signed message passed on to someone else.
//!
//! The pages read a message as query parameters (`notice`/`error`, `t`, `sig`, see [`Flash`]):
//! [`carry`] hands the cookie's over to them that way.

use crate::error::AppError;
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderValue, Method};
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

/// How long a message stays showable.
const FRESH_SECS: i64 = 600;

fn mac(kind: &str, message: &str, user: uuid::Uuid, t: i64) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(KEY.as_slice()).expect("HMAC takes any key length");
    for part in [kind.as_bytes(), message.as_bytes(), user.as_bytes(), &t.to_be_bytes()] {
        m.update(&(part.len() as u64).to_be_bytes());
        m.update(part);
    }
    m
}

/// `kind=<message>&t=<time>&sig=<signature>` for an address, for `user` only.
pub fn query(kind: &str, message: &str, user: uuid::Uuid) -> String {
    let t = chrono::Utc::now().timestamp();
    let sig = hex::encode(mac(kind, message, user, t).finalize().into_bytes());
    serde_urlencoded::to_string([(kind, message), ("t", &t.to_string()), ("sig", sig.as_str())]).unwrap_or_default()
}

/// The message of `kind` if the server signed it for `user` in the last ten minutes, else empty.
pub fn verified(kind: &str, message: Option<&str>, t: Option<&str>, sig: Option<&str>, user: uuid::Uuid) -> String {
    let t = t.and_then(|t| t.parse::<i64>().ok());
    let fresh = t.is_some_and(|t| (0..=FRESH_SECS).contains(&(chrono::Utc::now().timestamp() - t)));
    match (message, t, sig.and_then(|s| hex::decode(s).ok())) {
        (Some(m), Some(t), Some(sig)) if fresh && mac(kind, m, user, t).verify_slice(&sig).is_ok() => m.to_string(),
        _ => String::new(),
    }
}

/// The message parameters of a page's address, as a page reads them back.
#[derive(serde::Deserialize, Default, Debug)]
#[serde(default)]
pub struct Flash {
    pub notice: Option<String>,
    pub error: Option<String>,
    pub t: Option<String>,
    pub sig: Option<String>,
}

impl Flash {
    /// The notice the server signed for `user`, or empty.
    pub fn notice(&self, user: uuid::Uuid) -> String {
        verified("notice", self.notice.as_deref(), self.t.as_deref(), self.sig.as_deref(), user)
    }

    /// The error the server signed for `user`, as the list a page shows (empty when none).
    pub fn errors(&self, user: uuid::Uuid) -> Vec<shegong_domain::FieldError> {
        let e = verified("error", self.error.as_deref(), self.t.as_deref(), self.sig.as_deref(), user);
        if e.is_empty() { vec![] } else { vec![shegong_domain::FieldError::new("invalid", "", e)] }
    }
}

/// The cookie a message rides in.
const FLASH_COOKIE: &str = "shegong_flash";

/// Back to `to` with the outcome for `user`: a notice on success, the error's message on rejected
/// input; other errors are answered as they are.
pub fn back(user: uuid::Uuid, to: &str, r: Result<String, AppError>) -> Response {
    let (kind, message) = match r {
        Ok(n) => ("notice", n),
        Err(e) => ("error", e.body().message),
    };
    with_message(Redirect::to(to).into_response(), &query(kind, &fitted(&message), user))
}

/// The longest a message may be once encoded: browsers drop a cookie past about 4 KB, and with it
/// the whole message (20 row errors of a score file came to 4.6 KB).
const MESSAGE_BYTES: usize = 3_000;

/// `message`, shortened (ending in “……”) until its encoded form fits in [`MESSAGE_BYTES`].
fn fitted(message: &str) -> String {
    let encoded = |m: &str| serde_urlencoded::to_string([("m", m)]).map_or(usize::MAX, |s| s.len());
    if encoded(message) <= MESSAGE_BYTES {
        return message.to_string();
    }
    let chars: Vec<char> = message.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    // The longest prefix that fits, with the ellipsis.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let cut: String = chars[..mid].iter().collect::<String>() + "……";
        if encoded(&cut) <= MESSAGE_BYTES {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    chars[..lo].iter().collect::<String>() + "……"
}

/// `res` (a redirect) carrying the signed message `q` (from [`query`]) to the next page. The
/// message is URL-encoded, which leaves nothing a cookie value may not hold.
pub fn with_message(mut res: Response, q: &str) -> Response {
    let cookie = format!("{FLASH_COOKIE}={q}; Path=/; HttpOnly; SameSite=Lax; Max-Age={FRESH_SECS}");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// The message cookie of a request, if any.
fn message_of(req: &axum::extract::Request) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, v)| *k == FLASH_COOKIE && !v.is_empty())
        .map(|(_, v)| v.to_string())
}

/// Middleware: a page opened with a message cookie gets the message among its query parameters,
/// in place of any the address had; the HTML page that shows it clears the cookie.
pub async fn carry(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // Only the message's own parameters ride along: a cookie cannot add others to the address.
    let message = (req.method() == Method::GET)
        .then(|| message_of(&req))
        .flatten()
        .map(|m| {
            m.split('&')
                .filter(|p| matches!(p.split('=').next(), Some("notice" | "error" | "t" | "sig")))
                .filter(|p| !p.contains(['#', ' ']))
                .collect::<Vec<_>>()
                .join("&")
        })
        .filter(|m| !m.is_empty());
    let secure = st.settings.secure_cookies;
    let Some(message) = message else {
        return secured(next.run(req).await, secure);
    };
    let uri = req.uri();
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| {
            let name = p.split('=').next().unwrap_or("");
            !p.is_empty() && !matches!(name, "notice" | "error" | "t" | "sig")
        })
        .collect();
    let query = kept.into_iter().chain([message.as_str()]).collect::<Vec<_>>().join("&");
    if let Ok(u) = format!("{}?{query}", uri.path()).parse() {
        *req.uri_mut() = u;
    }
    let mut res = next.run(req).await;
    let page =
        res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if page {
        res.headers_mut()
            .append(SET_COOKIE, HeaderValue::from_static("shegong_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"));
    }
    secured(res, secure)
}

/// `res` with its message cookies marked `Secure` when the server is configured so (as the session's).
fn secured(mut res: Response, secure: bool) -> Response {
    if !secure {
        return res;
    }
    let cookies: Vec<HeaderValue> = res.headers().get_all(SET_COOKIE).iter().cloned().collect();
    if !cookies.iter().any(|c| c.as_bytes().starts_with(FLASH_COOKIE.as_bytes())) {
        return res;
    }
    res.headers_mut().remove(SET_COOKIE);
    for c in cookies {
        let v = match c.to_str() {
            Ok(t) if t.starts_with(FLASH_COOKIE) && !t.contains("; Secure") => {
                HeaderValue::from_str(&format!("{t}; Secure")).unwrap_or(c)
            }
            _ => c,
        };
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_is_shortened_to_fit_a_cookie() {
        let long = "第21行何瑶的组织评价应为0至100之间的整数，“85.5”不是；".repeat(40);
        let f = fitted(&long);
        assert!(f.ends_with("……") && long.starts_with(f.trim_end_matches('…')));
        let q = query("error", &f, uuid::Uuid::now_v7());
        assert!(q.len() <= MESSAGE_BYTES + 200, "{}", q.len());
        assert_eq!(fitted("已保存。"), "已保存。");
    }

    #[test]
    fn only_messages_signed_for_this_user_and_recently_show() {
        let me = uuid::Uuid::now_v7();
        let q = query("error", "身份证号码校验位错误", me);
        let parsed: Vec<(String, String)> = serde_urlencoded::from_str(&q).unwrap();
        let (msg, t, sig) = (&parsed[0].1, &parsed[1].1, &parsed[2].1);
        let v = |kind: &str, m: &str, t: &str, s: Option<&str>, u| verified(kind, Some(m), Some(t), s, u);
        assert_eq!(v("error", msg, t, Some(sig), me), "身份证号码校验位错误");
        assert_eq!(v("notice", msg, t, Some(sig), me), "", "signed for another kind");
        assert_eq!(v("error", msg, t, Some(sig), uuid::Uuid::now_v7()), "", "passed on to someone else");
        assert_eq!(v("error", "请拨打 400-000-0000 领取补贴", t, Some(sig), me), "");
        assert_eq!(v("error", msg, "0", Some(sig), me), "", "another time");
        assert_eq!(v("error", msg, t, None, me), "");
        assert_eq!(v("error", msg, t, Some("zz"), me), "");
        let old = chrono::Utc::now().timestamp() - 3600;
        let stale = hex::encode(mac("error", msg, me, old).finalize().into_bytes());
        assert_eq!(v("error", msg, &old.to_string(), Some(&stale), me), "", "an hour old");
    }
}
