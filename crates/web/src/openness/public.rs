//! `/p/{community}/disclosure`: a community's 居务公开, no login, fit for a phone — what it published
//! each year under 党务、居务、财务 (a corrected item says so and points to its correction), the
//! questions it answered and chose to show, the results of the spot checks of it; and the form a
//! resident leaves a question with (kept unseen until answered and reviewed, bounded per address).
use crate::error::AppError;
use crate::events::public::{html, token};
use crate::extract::ClientAddr;
use crate::page::PageResult;
use crate::state::AppState;
use crate::throttle::Limit;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use shegong_store::StoreError;
use shegong_store::entity::region;
use shegong_store::openness::{self, PublicDisclosure};

/// Questions one address may leave in the throttle's window (15 minutes).
pub const QUESTIONS_PER_ADDRESS: u32 = 5;

#[derive(Template)]
#[template(path = "public/disclosure.html")]
struct DisclosurePage {
    code: String,
    name: String,
    place: String,
    notice: String,
    error: String,
    csrf: String,
    question: String,
    d: PublicDisclosure,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct YearQuery {
    year: Option<String>,
    asked: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn show(
    st: &AppState,
    headers: &HeaderMap,
    c: &region::Model,
    year: Option<i32>,
    status: StatusCode,
    notice: &str,
    error: &str,
    question: &str,
) -> PageResult {
    let d = openness::public_page(&st.db, c, year, crate::clock::today()).await?;
    let place = shegong_store::events::public::street_name(&st.db, c).await?;
    let csrf = token(headers);
    let page = DisclosurePage {
        code: c.code.clone(),
        name: c.name.clone(),
        place,
        notice: notice.into(),
        error: error.into(),
        csrf: csrf.clone(),
        question: question.into(),
        d,
    };
    html(st, status, &csrf, page.render())
}

/// `GET /p/{community}/disclosure?year=`.
pub(crate) async fn page(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
    headers: HeaderMap,
) -> PageResult {
    let c = shegong_store::events::public::community(&st.db, &code).await?;
    let year = q.year.as_deref().and_then(|y| y.trim().parse().ok());
    let notice =
        if q.asked.is_some() { "您的问题已提交。社区答复并审核后会显示在本页。" } else { "" };
    show(&st, &headers, &c, year, StatusCode::OK, notice, "", "").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AskForm {
    _csrf: String,
    about: String,
    question: String,
}

/// `POST /p/{community}/disclosure`: a resident's question; back to the page with a notice.
pub(crate) async fn ask(
    State(st): State<AppState>,
    Path(code): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<AskForm>,
) -> PageResult {
    let c = shegong_store::events::public::community(&st.db, &code).await?;
    let expected = crate::auth::cookie_in(&headers, crate::events::public::CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !crate::auth::constant_eq(expected.as_bytes(), f._csrf.as_bytes()) {
        return show(&st, &headers, &c, None, StatusCode::FORBIDDEN, "", "页面已过期，请重新提交", &f.question).await;
    }
    let limits: Vec<Limit> =
        addr.map(|a| Limit::new(format!("public-question:{}", a.ip()), QUESTIONS_PER_ADDRESS)).into_iter().collect();
    let Some(attempt) = st.public_reports.begin(&limits) else {
        let m = "提交过于频繁，请15分钟后再试";
        return show(&st, &headers, &c, None, StatusCode::TOO_MANY_REQUESTS, "", m, &f.question).await;
    };
    let about = uuid::Uuid::parse_str(f.about.trim()).ok();
    match openness::ask(&st.db, &c, about, &f.question).await {
        Ok(_) => {
            attempt.failed();
            Ok(axum::response::Redirect::to(&format!("/p/{}/disclosure?asked=1", c.code)).into_response())
        }
        Err(StoreError::Invalid(v)) => {
            let m = v.first().map(|e| e.message.clone()).unwrap_or_default();
            show(&st, &headers, &c, None, StatusCode::UNPROCESSABLE_ENTITY, "", &m, &f.question).await
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

use axum::response::IntoResponse;
