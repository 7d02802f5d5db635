//! The GeoReport v2 endpoints under `/open311/v2/`: services (the event categories of the policy in
//! force), requests (posted with a key, read with the standard filters), one request, a token.

use crate::open311::format::{Fmt, Record, V, error, respond, split};
use crate::state::AppState;
use crate::throttle::Limit;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use shegong_domain::RegionCode;
use shegong_domain::event_policy::EventPolicy;
use shegong_domain::events::EventState;
use shegong_store::entity::{event, open311_key};
use shegong_store::error::StoreError;
use shegong_store::events::{self, open311};
use std::collections::HashMap;

/// How many requests one key may post in the throttle's window (15 minutes).
const POSTS_PER_KEY: u32 = 3_000;

type Params = HashMap<String, String>;

fn params(raw: &[u8]) -> Option<Params> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw).ok().map(|v| v.into_iter().collect())
}

fn get<'a>(p: &'a Params, k: &str) -> Option<&'a str> {
    p.get(k).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Times as Open311 writes them: ISO 8601 with China's offset.
fn time(t: DateTime<Utc>) -> V {
    let china = shegong_domain::time::in_china(t);
    V::S(format!("{}+08:00", china.format("%Y-%m-%dT%H:%M:%S")))
}

/// A store refusal as an Open311 error.
fn refused(fmt: Fmt, e: StoreError) -> Response {
    match e {
        StoreError::Invalid(v) => {
            let text = v.iter().map(|f| format!("{}：{}", f.field, f.message)).collect::<Vec<_>>().join("；");
            error(StatusCode::BAD_REQUEST, fmt, &text)
        }
        StoreError::NotFound => error(StatusCode::NOT_FOUND, fmt, "不存在"),
        StoreError::Forbidden(m) => error(StatusCode::FORBIDDEN, fmt, m),
        e => {
            tracing::error!(error = %e, "open311");
            error(StatusCode::INTERNAL_SERVER_ERROR, fmt, "服务器内部错误")
        }
    }
}

/// The policy in force for `jurisdiction_id` (a region code), or the shipped one.
async fn policy(st: &AppState, p: &Params) -> Result<EventPolicy, StoreError> {
    match get(p, "jurisdiction_id") {
        None => Ok(EventPolicy::default()),
        Some(j) => {
            let code = open311::jurisdiction(&st.db, j).await?;
            Ok((*events::policy_for(&st.db, code.as_str(), crate::clock::today()).await?).clone())
        }
    }
}

fn service(policy: &EventPolicy, key: &str) -> Record {
    let c = policy.category(key);
    let group = c.and_then(|c| c.parent.as_deref()).and_then(|p| policy.category(p)).map(|p| p.label.clone());
    vec![
        ("service_code", V::S(key.to_string())),
        ("service_name", V::S(c.map(|c| c.label.clone()).unwrap_or_default())),
        ("description", V::S(policy.path_label(key).unwrap_or_default())),
        ("metadata", V::B(false)),
        ("type", V::S("realtime".into())),
        ("keywords", V::S(String::new())),
        ("group", V::S(group.unwrap_or_else(|| c.map(|c| c.label.clone()).unwrap_or_default()))),
    ]
}

/// `/open311/v2/services.{json,xml}` and `/open311/v2/requests.{json,xml}`.
pub(crate) async fn top(
    State(st): State<AppState>,
    Path(file): Path<String>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
    RawQuery(q): RawQuery,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let fmt = split(&file).map_or(Fmt::Json, |(_, f)| f);
    let Ok(body) = body else { return error(StatusCode::PAYLOAD_TOO_LARGE, fmt, "提交内容过大") };
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if method == axum::http::Method::POST && !form {
        return error(StatusCode::BAD_REQUEST, fmt, "请以 application/x-www-form-urlencoded 提交服务请求");
    }
    match split(&file) {
        Some(("services", fmt)) if method == axum::http::Method::GET => services(&st, fmt, q).await,
        Some(("requests", fmt)) if method == axum::http::Method::GET => {
            requests(&st, fmt, q.unwrap_or_default().as_bytes(), false).await
        }
        Some(("requests", fmt)) if method == axum::http::Method::POST => requests(&st, fmt, &body, true).await,
        Some(("services" | "requests", fmt)) => error(StatusCode::METHOD_NOT_ALLOWED, fmt, "不支持的请求方法"),
        Some((_, fmt)) => error(StatusCode::NOT_FOUND, fmt, "不存在"),
        None => error(StatusCode::NOT_FOUND, Fmt::Json, "不存在"),
    }
}

/// `GET /open311/v2/services.{json,xml}`: every category of the policy in force.
async fn services(st: &AppState, fmt: Fmt, q: Option<String>) -> Response {
    let Some(p) = params(q.unwrap_or_default().as_bytes()) else {
        return error(StatusCode::BAD_REQUEST, fmt, "查询参数无效");
    };
    match policy(st, &p).await {
        Ok(pol) => {
            let list = pol.categories.iter().map(|c| service(&pol, &c.key)).collect();
            respond(StatusCode::OK, fmt, "services", "service", list)
        }
        Err(e) => refused(fmt, e),
    }
}

/// `GET /open311/v2/services/{code}.{json,xml}`: a service's definition (no extra attributes).
pub(crate) async fn definition(
    State(st): State<AppState>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Some((code, fmt)) = split(&file) else { return error(StatusCode::NOT_FOUND, Fmt::Json, "不存在") };
    let Some(p) = params(q.unwrap_or_default().as_bytes()) else {
        return error(StatusCode::BAD_REQUEST, fmt, "查询参数无效");
    };
    match policy(&st, &p).await {
        // The definition is one object with an empty attribute list.
        Ok(pol) if pol.category(code).is_some() => match fmt {
            Fmt::Json => {
                use axum::response::IntoResponse;
                axum::Json(serde_json::json!({"service_code": code, "attributes": []})).into_response()
            }
            Fmt::Xml => {
                let r: Record = vec![("service_code", V::S(code.to_string())), ("attributes", V::Null)];
                respond(StatusCode::OK, fmt, "service_definitions", "service_definition", vec![r])
            }
        },
        Ok(_) => error(StatusCode::NOT_FOUND, fmt, "没有这个服务代码"),
        Err(e) => refused(fmt, e),
    }
}

/// A request as Open311 reads it. `full`: the key that sent it asks (its text, place and who).
fn request(e: &event::Model, names: &HashMap<String, String>, full: bool) -> Record {
    let state = EventState::parse(&e.state);
    let updated = [Some(e.reported_at), e.accepted_at, e.assigned_at, e.closed_at].into_iter().flatten().max();
    let mut r: Record = vec![
        ("service_request_id", V::S(e.number.clone())),
        ("status", V::S(open311::status_of(&e.state).into())),
        ("status_notes", V::S(state.map(|s| s.label().to_string()).unwrap_or_default())),
        ("service_code", V::S(e.category.clone())),
        ("agency_responsible", V::opt(names.get(e.handler_code.as_deref().unwrap_or(&e.community_code)).cloned())),
        ("service_notice", V::S(String::new())),
        ("requested_datetime", time(e.reported_at)),
        ("updated_datetime", updated.map_or(V::Null, time)),
        ("expected_datetime", time(e.total_due)),
        ("address_id", V::S(e.region_code.clone())),
        ("zipcode", V::Null),
        ("media_url", V::Null),
    ];
    if full {
        r.push(("description", V::S(e.description.clone())));
        r.push(("address", V::opt(e.address.clone())));
        r.push(("lat", V::coord(e.lat.as_deref())));
        r.push(("long", V::coord(e.lon.as_deref())));
    }
    r
}

async fn key_of(st: &AppState, p: &Params) -> Result<Option<open311_key::Model>, StoreError> {
    match get(p, "api_key") {
        None => Ok(None),
        Some(k) => open311::key(&st.db, k).await?.map(Some).ok_or(StoreError::Forbidden("api_key 无效或已吊销")),
    }
}

fn date(p: &Params, k: &'static str) -> Result<Option<DateTime<Utc>>, StoreError> {
    get(p, k)
        .map(|s| {
            DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).map_err(|_| {
                StoreError::invalid(shegong_domain::FieldError::new(
                    "date_invalid",
                    k,
                    "应为 ISO 8601 时间，如 2026-11-01T00:00:00+08:00",
                ))
            })
        })
        .transpose()
}

async fn list(st: &AppState, p: &Params) -> Result<(Vec<event::Model>, bool), StoreError> {
    let key = key_of(st, p).await?;
    let region = match (get(p, "jurisdiction_id"), &key) {
        (Some(j), _) => open311::jurisdiction(&st.db, j).await?,
        (None, Some(k)) => RegionCode::parse(&k.region_code).map_err(|_| StoreError::NotFound)?,
        (None, None) => {
            return Err(StoreError::invalid(shegong_domain::FieldError::new(
                "jurisdiction_required",
                "jurisdiction_id",
                "请用 jurisdiction_id 指明区划代码",
            )));
        }
    };
    let f = open311::RequestFilter {
        numbers: get(p, "service_request_id").map(|s| s.split(',').map(str::to_string).collect()).unwrap_or_default(),
        service_code: get(p, "service_code").map(str::to_string),
        start: date(p, "start_date")?,
        end: date(p, "end_date")?,
        status: get(p, "status").map(str::to_string),
    };
    let rows = open311::requests(&st.db, &region, key.as_ref(), &f).await?;
    Ok((rows, key.is_some()))
}

async fn named(st: &AppState, rows: &[event::Model], fmt: Fmt, full: bool) -> Response {
    match events::names(&st.db, rows).await {
        Ok(names) => {
            let mut names = names;
            if let Ok(more) = shegong_store::regions::names(
                &st.db.conn,
                rows.iter()
                    .map(|e| e.community_code.clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            )
            .await
            {
                names.extend(more);
            }
            respond(
                StatusCode::OK,
                fmt,
                "service_requests",
                "request",
                rows.iter().map(|e| request(e, &names, full)).collect(),
            )
        }
        Err(e) => refused(fmt, e),
    }
}

/// `GET /open311/v2/requests.{json,xml}`; `POST` to report, with an `api_key`.
async fn requests(st: &AppState, fmt: Fmt, raw: &[u8], post: bool) -> Response {
    let Some(p) = params(raw) else { return error(StatusCode::BAD_REQUEST, fmt, "参数无效") };
    if !post {
        return match list(st, &p).await {
            Ok((rows, full)) => named(st, &rows, fmt, full).await,
            Err(e) => refused(fmt, e),
        };
    }
    let key = match key_of(st, &p).await {
        Ok(Some(k)) => k,
        Ok(None) => return error(StatusCode::FORBIDDEN, fmt, "提交服务请求须提供 api_key"),
        Err(e) => return refused(fmt, e),
    };
    let Some(attempt) = st.public_reports.begin(&[Limit::new(format!("open311-key:{}", key.id), POSTS_PER_KEY)]) else {
        return error(StatusCode::TOO_MANY_REQUESTS, fmt, "提交过于频繁，请稍后再试");
    };
    let r = open311::ServiceRequest {
        service_code: get(&p, "service_code").unwrap_or_default().to_string(),
        address_id: get(&p, "address_id").unwrap_or_default().to_string(),
        address_string: get(&p, "address_string").map(str::to_string),
        lat: get(&p, "lat").map(str::to_string),
        long: get(&p, "long").map(str::to_string),
        first_name: get(&p, "first_name").map(str::to_string),
        last_name: get(&p, "last_name").map(str::to_string),
        phone: get(&p, "phone").map(str::to_string),
        description: get(&p, "description").unwrap_or_default().to_string(),
    };
    match open311::submit(&st.db, &key, &r).await {
        Ok(e) => {
            attempt.failed();
            let rec: Record = vec![
                ("service_request_id", V::S(e.number.clone())),
                ("token", V::S(e.id.to_string())),
                ("service_notice", V::S(format!("已受理登记，事件编号 {}", e.number))),
                ("account_id", V::Null),
            ];
            respond(StatusCode::CREATED, fmt, "service_requests", "request", vec![rec])
        }
        Err(e) => refused(fmt, e),
    }
}

/// `GET /open311/v2/requests/{number}.{json,xml}`: one request (in full to the key that sent it).
pub(crate) async fn one(State(st): State<AppState>, Path(file): Path<String>, RawQuery(q): RawQuery) -> Response {
    let Some((number, fmt)) = split(&file) else { return error(StatusCode::NOT_FOUND, Fmt::Json, "不存在") };
    let Some(p) = params(q.unwrap_or_default().as_bytes()) else {
        return error(StatusCode::BAD_REQUEST, fmt, "参数无效");
    };
    let key = match key_of(&st, &p).await {
        Ok(k) => k,
        Err(e) => return refused(fmt, e),
    };
    match open311::request(&st.db, number).await {
        Ok(e) => {
            let full = key.as_ref().is_some_and(|k| {
                e.source == "open311"
                    && e.source_label.as_deref() == Some(k.name.as_str())
                    && e.community_code.starts_with(&k.region_code)
            });
            named(&st, std::slice::from_ref(&e), fmt, full).await
        }
        Err(e) => refused(fmt, e),
    }
}

/// Any other method on an Open311 path.
pub(crate) async fn not_allowed(Path(file): Path<String>) -> Response {
    error(StatusCode::METHOD_NOT_ALLOWED, split(&file).map_or(Fmt::Json, |(_, f)| f), "不支持的请求方法")
}

/// `GET /open311/v2/tokens/{token}.{json,xml}`: the request a token stands for.
pub(crate) async fn token(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((token, fmt)) = split(&file) else { return error(StatusCode::NOT_FOUND, Fmt::Json, "不存在") };
    if uuid::Uuid::parse_str(token).is_err() {
        return error(StatusCode::NOT_FOUND, fmt, "没有这个令牌");
    }
    match open311::request(&st.db, token).await {
        Ok(e) => respond(
            StatusCode::OK,
            fmt,
            "service_requests",
            "request",
            vec![vec![("service_request_id", V::S(e.number)), ("token", V::S(token.to_string()))]],
        ),
        Err(e) => refused(fmt, e),
    }
}
