//! A community's public page (`/p/{community}`), no login: residents report a problem, get its
//! number, follow it and rate it when closed. It shows nothing personal; reports are bounded per
//! address and per phone; every refusal is a sentence in Chinese.

use crate::account::login::cookie;
use crate::auth::{constant_eq, cookie_in};
use crate::error::AppError;
use crate::extract::ClientAddr;
use crate::page::PageResult;
use crate::state::AppState;
use crate::throttle::Limit;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shegong_domain::events::EventState;
use shegong_domain::time::minutes_text;
use shegong_store::StoreError;
use shegong_store::entity::region;
use shegong_store::events::public::{self, PublicReport};

pub(crate) const CSRF_COOKIE: &str = "sg_public_csrf";
/// Reports one address may send in the throttle's window (15 minutes).
pub const REPORTS_PER_ADDRESS: u32 = 10;
/// Reports one phone number may send in the window.
pub const REPORTS_PER_PHONE: u32 = 3;
/// Wrong phone tails a report may be rated with in the window, and an address may send.
pub const RATING_TRIES_PER_EVENT: u32 = 5;
pub const RATING_TRIES_PER_ADDRESS: u32 = 20;

#[derive(Template)]
#[template(path = "public/community.html")]
struct CommunityPage {
    code: String,
    name: String,
    place: String,
    error: String,
    csrf: String,
    categories: Vec<(String, String)>,
    grids: Vec<(String, String)>,
    category: String,
    description: String,
    address: String,
}

#[derive(Template)]
#[template(path = "public/event.html")]
struct EventPage {
    code: String,
    name: String,
    number: String,
    notice: String,
    error: String,
    csrf: String,
    state: String,
    category: String,
    reported: String,
    due: String,
    steps: Vec<(String, String)>,
    can_rate: bool,
    needs_phone: bool,
}

pub(crate) fn html(st: &AppState, status: StatusCode, csrf: &str, body: Result<String, askama::Error>) -> PageResult {
    let body = body.map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((status, AppendHeaders([(header::SET_COOKIE, cookie(st, CSRF_COOKIE, csrf, 3600))]), Html(body)).into_response())
}

async fn community(st: &AppState, code: &str) -> Result<region::Model, AppError> {
    Ok(public::community(&st.db, code).await?)
}

/// The page's CSRF token: the one the browser holds already (other tabs keep working), else a new one.
pub(crate) fn token(headers: &HeaderMap) -> String {
    match cookie_in(headers, CSRF_COOKIE) {
        Some(t) if t.len() >= 16 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => t.into(),
        _ => shegong_store::users::random_token(),
    }
}

async fn form_page(
    st: &AppState,
    headers: &HeaderMap,
    c: &region::Model,
    status: StatusCode,
    error: &str,
    typed: &PublicReport,
) -> PageResult {
    let policy = shegong_store::events::policy_for(&st.db, &c.code, crate::clock::today()).await?;
    let grids = public::grids(&st.db, &c.code).await?;
    let street = public::street_name(&st.db, c).await?;
    let csrf = token(headers);
    let page = CommunityPage {
        code: c.code.clone(),
        name: c.name.clone(),
        place: format!("{street} · 居民反映问题"),
        error: error.into(),
        csrf: csrf.clone(),
        categories: policy
            .categories
            .iter()
            .map(|k| (k.key.clone(), policy.path_label(&k.key).unwrap_or_else(|| k.label.clone())))
            .collect(),
        grids: grids.into_iter().map(|g| (g.code, g.name)).collect(),
        category: typed.category.clone(),
        description: typed.description.clone(),
        address: typed.address.clone().unwrap_or_default(),
    };
    html(st, status, &csrf, page.render())
}

/// `GET /p/{community}`.
pub(crate) async fn page(State(st): State<AppState>, Path(code): Path<String>, headers: HeaderMap) -> PageResult {
    let c = community(&st, &code).await?;
    form_page(&st, &headers, &c, StatusCode::OK, "", &PublicReport::default()).await
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The first refusal of a store error, as a sentence.
fn refusal(e: &StoreError) -> Option<String> {
    match e {
        StoreError::Invalid(v) => v.first().map(|f| f.message.clone()),
        StoreError::Conflict(f) => Some(f.message.clone()),
        _ => None,
    }
}

/// `POST /p/{community}` (URL-encoded, or multipart with up to three photos): a resident's report;
/// to its progress page with its number.
pub(crate) async fn report(
    State(st): State<AppState>,
    Path(code): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    req: axum::extract::Request,
) -> PageResult {
    let c = community(&st, &code).await?;
    let f = match super::public_form::read(&st, req).await {
        Ok(f) => f,
        Err(m) => {
            return form_page(&st, &headers, &c, StatusCode::UNPROCESSABLE_ENTITY, &m, &PublicReport::default()).await;
        }
    };
    let typed = PublicReport {
        category: f.get("category").trim().into(),
        description: f.get("description").trim().into(),
        address: opt(&f.get("address")),
        grid: opt(&f.get("grid")),
        phone: opt(&f.get("phone")),
    };
    let expected = cookie_in(&headers, CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_eq(expected.as_bytes(), f.get("_csrf").as_bytes()) {
        return form_page(&st, &headers, &c, StatusCode::FORBIDDEN, "页面已过期，请重新提交", &typed).await;
    }
    let mut limits = Vec::new();
    if let Some(a) = addr {
        limits.push(Limit::new(format!("public-ip:{}", a.ip()), REPORTS_PER_ADDRESS));
    }
    if let Some(p) = &typed.phone {
        let digits = shegong_domain::event_access::phone_digits(p);
        limits.push(Limit::new(format!("public-phone:{digits}"), REPORTS_PER_PHONE));
    }
    let Some(attempt) = st.public_reports.begin(&limits) else {
        let m = "提交过于频繁，请15分钟后再试；紧急情况请直接拨打社区电话或110";
        return form_page(&st, &headers, &c, StatusCode::TOO_MANY_REQUESTS, m, &typed).await;
    };
    match public::report_with_photos(&st.db, &c, &typed, f.photos).await {
        Ok(e) => {
            // Counted against the address and the phone for the window.
            attempt.failed();
            Ok(Redirect::to(&format!("/p/{}/e/{}?new=1", c.code, e.number)).into_response())
        }
        Err(e) => match refusal(&e) {
            Some(m) => form_page(&st, &headers, &c, StatusCode::UNPROCESSABLE_ENTITY, &m, &typed).await,
            None => Err(AppError::from(e).into()),
        },
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NumberQuery {
    number: String,
    new: Option<String>,
    rated: Option<String>,
}

/// `GET /p/{community}/e?number=…`: to the report's page.
pub(crate) async fn find(Path(code): Path<String>, Query(q): Query<NumberQuery>) -> Response {
    // Only what a code and a number are made of goes into the address.
    let code: String = code.chars().filter(char::is_ascii_digit).take(15).collect();
    let n: String = q.number.trim().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(32).collect();
    Redirect::to(&format!("/p/{code}/e/{}", n.to_uppercase())).into_response()
}

async fn event_page(
    st: &AppState,
    headers: &HeaderMap,
    code: &str,
    number: &str,
    status: StatusCode,
    notice: &str,
    error: &str,
) -> PageResult {
    let c = community(st, code).await?;
    let t = match public::find(&st.db, &c.code, number).await {
        Ok(t) => t,
        Err(StoreError::NotFound) => {
            let m = format!("没有找到编号为“{}”的事件，请核对后再查", number.chars().take(32).collect::<String>());
            return form_page(st, headers, &c, StatusCode::NOT_FOUND, &m, &PublicReport::default()).await;
        }
        Err(e) => return Err(AppError::from(e).into()),
    };
    let e = &t.event;
    let policy = shegong_store::events::policy_for(&st.db, &c.code, crate::clock::today()).await?;
    let state = EventState::parse(&e.state);
    let csrf = token(headers);
    let page = EventPage {
        code: c.code.clone(),
        name: c.name.clone(),
        number: e.number.clone(),
        notice: notice.into(),
        error: error.into(),
        csrf: csrf.clone(),
        state: state.map_or("", EventState::label).into(),
        category: policy.path_label(&e.category).unwrap_or_default(),
        reported: minutes_text(e.reported_at),
        due: if state.is_some_and(EventState::is_open) { minutes_text(e.total_due) } else { String::new() },
        steps: t.steps.iter().map(|s| (crate::events::views::action_label(&s.action), minutes_text(s.at))).collect(),
        can_rate: state == Some(EventState::Closed),
        needs_phone: e.reporter_phone.is_some(),
    };
    html(st, status, &csrf, page.render())
}

/// `GET /p/{community}/e/{number}`: the report's progress.
pub(crate) async fn event(
    State(st): State<AppState>,
    Path((code, number)): Path<(String, String)>,
    headers: HeaderMap,
    Query(q): Query<NumberQuery>,
) -> PageResult {
    let notice = if q.new.is_some() {
        format!("已收到您反映的问题。事件编号 {number}，请记下以便查询进度。")
    } else if q.rated.is_some() {
        "感谢您的评价。".to_string()
    } else {
        String::new()
    };
    event_page(&st, &headers, &code, &number, StatusCode::OK, &notice, "").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RateForm {
    _csrf: String,
    rating: String,
    phone_tail: String,
}

/// `POST /p/{community}/e/{number}/rate`: the resident's rating of a closed report.
pub(crate) async fn rate(
    State(st): State<AppState>,
    Path((code, number)): Path<(String, String)>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<RateForm>,
) -> PageResult {
    let expected = cookie_in(&headers, CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_eq(expected.as_bytes(), f._csrf.as_bytes()) {
        return event_page(&st, &headers, &code, &number, StatusCode::FORBIDDEN, "", "页面已过期，请重新提交").await;
    }
    let c = community(&st, &code).await?;
    // Wrong phone tails are counted per event and per address: the tail cannot be guessed.
    let mut limits = vec![Limit::new(format!("rate-event:{}:{number}", c.code), RATING_TRIES_PER_EVENT)];
    if let Some(a) = addr {
        limits.push(Limit::new(format!("rate-ip:{}", a.ip()), RATING_TRIES_PER_ADDRESS));
    }
    let Some(attempt) = st.public_reports.begin(&limits) else {
        let m = "尝试次数过多，请15分钟后再试";
        return event_page(&st, &headers, &code, &number, StatusCode::TOO_MANY_REQUESTS, "", m).await;
    };
    match public::rate(&st.db, &c.code, &number, &f.rating, &f.phone_tail).await {
        Ok(_) => {
            attempt.succeeded();
            Ok(Redirect::to(&format!("/p/{}/e/{number}?rated=1", c.code)).into_response())
        }
        Err(e) => match refusal(&e) {
            Some(m) => {
                if matches!(&e, StoreError::Invalid(v) if v.iter().any(|f| f.field == "phone_tail")) {
                    attempt.failed();
                }
                event_page(&st, &headers, &code, &number, StatusCode::UNPROCESSABLE_ENTITY, "", &m).await
            }
            None => Err(AppError::from(e).into()),
        },
    }
}
