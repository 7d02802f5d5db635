//! Applicants' own sign-in (报名账号), apart from staff accounts: registering from a round's
//! announcement, signing in by ID number and password, the session cookie, and the extractor every
//! applicant route takes — it answers one applicant and nobody else.

use crate::account::login::{cookie, safe_next};
use crate::auth::{LOGIN_CSRF_COOKIE, constant_eq, cookie_in, cookie_value};
use crate::error::AppError;
use crate::extract::ClientAddr;
use crate::page::PageResult;
use crate::state::AppState;
use crate::throttle::Limit;
use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shegong_store::recruitment::applicants::{self, Applicant, RegisterInput};
use shegong_store::{StoreError, users};

/// The applicant's session cookie (not the staff one).
pub const APPLICANT_COOKIE: &str = "sg_applicant";

/// The signed-in applicant of a request.
pub struct ApplicantCaller {
    pub st: AppState,
    pub who: Applicant,
    /// The session's CSRF token (browser sessions).
    pub csrf: Option<String>,
}

impl ApplicantCaller {
    pub fn check_csrf(&self, sent: &str) -> Result<(), AppError> {
        match &self.csrf {
            Some(t) if constant_eq(t.as_bytes(), sent.as_bytes()) => Ok(()),
            Some(_) => Err(AppError::Csrf),
            None => Ok(()),
        }
    }
}

/// What a request without an applicant's session gets: 401 for the API, the sign-in page else.
pub struct ApplicantRejection {
    api: bool,
    next: String,
    error: Option<AppError>,
}

impl IntoResponse for ApplicantRejection {
    fn into_response(self) -> Response {
        match (self.error, self.api) {
            (Some(e), _) => e.into_response(),
            (None, true) => AppError::Unauthorized.into_response(),
            (None, false) => {
                let q = serde_urlencoded::to_string([("next", self.next.as_str())]).unwrap_or_default();
                Redirect::to(&format!("/applicant/login?{q}")).into_response()
            }
        }
    }
}

impl FromRequestParts<AppState> for ApplicantCaller {
    type Rejection = ApplicantRejection;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let uri =
            parts.extensions.get::<axum::extract::OriginalUri>().map_or_else(|| parts.uri.clone(), |o| o.0.clone());
        let api = uri.path().starts_with("/api/");
        let reject = |error: Option<AppError>| ApplicantRejection {
            api,
            next: uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default(),
            error,
        };
        let bearer =
            parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
                v.get(..7).filter(|s| s.eq_ignore_ascii_case("bearer ")).map(|_| v[7..].trim().to_string())
            });
        let (token, browser) = match (api, bearer) {
            (true, Some(t)) => (t, false),
            _ => match cookie_value(parts, APPLICANT_COOKIE) {
                Some(t) => (t.to_string(), true),
                None => return Err(reject(if api { Some(AppError::Unauthorized) } else { None })),
            },
        };
        let (who, csrf) = match applicants::session_applicant(&st.db, &token).await {
            Ok(Some(x)) => x,
            Ok(None) => return Err(reject(if api { Some(AppError::Unauthorized) } else { None })),
            Err(e) => return Err(reject(Some(e.into()))),
        };
        if api && browser && !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if !constant_eq(csrf.as_bytes(), sent.as_bytes()) {
                return Err(reject(Some(AppError::Csrf)));
            }
        }
        Ok(ApplicantCaller { st: st.clone(), who, csrf: browser.then_some(csrf) })
    }
}

#[derive(Template)]
#[template(path = "recruitment/applicant_login.html")]
struct SignInPage {
    register: bool,
    error: String,
    next: String,
    round: String,
    round_title: String,
    id_number: String,
    name: String,
    phone: String,
    csrf: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct SignInForm {
    next: String,
    round: String,
    id_number: String,
    name: String,
    phone: String,
    password: String,
    _csrf: String,
}

/// The round a registration is for, named.
async fn round_title(st: &AppState, round: &str) -> String {
    match uuid::Uuid::parse_str(round.trim()) {
        Ok(id) => shegong_store::recruitment::public::announcement(&st.db, id)
            .await
            .map(|r| r.round.title)
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn form(st: &AppState, register: bool, status: StatusCode, error: &str, f: &SignInForm) -> PageResult {
    let csrf = users::random_token();
    // Sent here from a round's application form: that round, for the link to register.
    let from_next = f
        .next
        .strip_prefix("/jobs/")
        .and_then(|r| r.strip_suffix("/apply"))
        .filter(|r| uuid::Uuid::parse_str(r).is_ok())
        .unwrap_or("");
    let f =
        &SignInForm { round: if f.round.is_empty() { from_next.to_string() } else { f.round.clone() }, ..f.clone() };
    let page = SignInPage {
        register,
        error: error.into(),
        next: safe_next(&f.next).into(),
        round: f.round.chars().take(40).collect(),
        round_title: round_title(st, &f.round).await,
        id_number: f.id_number.chars().take(18).collect(),
        name: f.name.chars().take(40).collect(),
        phone: f.phone.chars().take(20).collect(),
        csrf: csrf.clone(),
    };
    let html = page.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((status, AppendHeaders([(header::SET_COOKIE, cookie(st, LOGIN_CSRF_COOKIE, &csrf, 3600))]), Html(html))
        .into_response())
}

/// `GET /applicant/login?next=&round=`.
pub(crate) async fn login_page(State(st): State<AppState>, Query(f): Query<SignInForm>) -> PageResult {
    form(&st, false, StatusCode::OK, "", &f).await
}

/// `GET /applicant/register?round=`.
pub(crate) async fn register_page(State(st): State<AppState>, Query(f): Query<SignInForm>) -> PageResult {
    form(&st, true, StatusCode::OK, "", &f).await
}

fn signed_in(st: &AppState, token: &str, to: &str) -> Response {
    let cookies = [
        (header::SET_COOKIE, cookie(st, APPLICANT_COOKIE, token, users::SESSION_HOURS * 3600)),
        (header::SET_COOKIE, cookie(st, LOGIN_CSRF_COOKIE, "", 0)),
    ];
    (AppendHeaders(cookies), Redirect::to(to)).into_response()
}

fn fresh(headers: &HeaderMap, sent: &str) -> bool {
    let expected = cookie_in(headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    !expected.is_empty() && constant_eq(expected.as_bytes(), sent.as_bytes())
}

/// Checks an ID number and password under the login throttle.
pub(crate) async fn guarded(
    st: &AppState,
    addr: Option<std::net::SocketAddr>,
    id_number: &str,
    password: &str,
) -> Result<Option<Applicant>, AppError> {
    let limits = Limit::for_applicant(id_number, addr);
    let Some(attempt) = st.throttle.begin(&limits) else {
        return Err(AppError::TooManyAttempts);
    };
    match applicants::authenticate(&st.db, id_number, password).await? {
        Some(a) => {
            attempt.succeeded();
            Ok(Some(a))
        }
        None => {
            attempt.failed();
            Ok(None)
        }
    }
}

/// `POST /applicant/login`.
pub(crate) async fn login(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> PageResult {
    if !fresh(&headers, &f._csrf) {
        return form(&st, false, StatusCode::FORBIDDEN, "页面已过期，请重新输入后登录", &f).await;
    }
    let who = match guarded(&st, addr, &f.id_number, &f.password).await {
        Ok(Some(a)) => a,
        Ok(None) => return form(&st, false, StatusCode::UNAUTHORIZED, "身份证号码或密码错误", &f).await,
        Err(AppError::TooManyAttempts) => {
            return form(&st, false, StatusCode::TOO_MANY_REQUESTS, "登录失败次数过多，请15分钟后再试", &f).await;
        }
        Err(e) => return Err(e.into()),
    };
    let (token, _) = applicants::create_session(&st.db, &who).await?;
    let to = match safe_next(&f.next) {
        "/" => "/applicant",
        n => n,
    };
    Ok(signed_in(&st, &token, to))
}

/// `POST /applicant/register`: the account, signed in, on to the application form.
pub(crate) async fn register(State(st): State<AppState>, headers: HeaderMap, Form(f): Form<SignInForm>) -> PageResult {
    if !fresh(&headers, &f._csrf) {
        return form(&st, true, StatusCode::FORBIDDEN, "页面已过期，请重新填写后提交", &f).await;
    }
    let input = RegisterInput {
        round: f.round.clone(),
        name: f.name.clone(),
        id_number: f.id_number.clone(),
        phone: f.phone.clone(),
        password: f.password.clone(),
    };
    let who = match applicants::register(&st.db, &input, crate::clock::today()).await {
        Ok(a) => a,
        Err(StoreError::Invalid(errors)) => {
            let msg: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            return form(&st, true, StatusCode::UNPROCESSABLE_ENTITY, &msg.join("；"), &f).await;
        }
        Err(StoreError::Conflict(e)) => return form(&st, false, StatusCode::CONFLICT, &e.message, &f).await,
        Err(e) => return Err(AppError::from(e).into()),
    };
    let (token, _) = applicants::create_session(&st.db, &who).await?;
    Ok(signed_in(&st, &token, &format!("/jobs/{}/apply", f.round.trim())))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CsrfOnly {
    _csrf: String,
}

/// `POST /applicant/logout`.
pub(crate) async fn logout(a: ApplicantCaller, headers: HeaderMap, Form(f): Form<CsrfOnly>) -> PageResult {
    a.check_csrf(&f._csrf)?;
    if let Some(t) = cookie_in(&headers, APPLICANT_COOKIE) {
        applicants::delete_session(&a.st.db, t).await?;
    }
    Ok(([(header::SET_COOKIE, cookie(&a.st, APPLICANT_COOKIE, "", 0))], Redirect::to("/jobs")).into_response())
}
