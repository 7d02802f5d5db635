//! A region with its children, and the alerts, as JSON.
use crate::query::RegionQuery;
use crate::query::narrowed;
use crate::query::parse_region;

use crate::auth::Caller;
use crate::clock::today;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::{Path, Query};
use crate::state::AppState;
use axum::extract::State;
use serde_json::{Value, json};
use shegong_store::{career, regions};

/// `GET /api/v1/regions/{code}`.
pub async fn region(State(st): State<AppState>, caller: Caller, Path(code): Path<String>) -> ApiResult<Json<Value>> {
    let code = parse_region(&code)?;
    let r = regions::get(&st.db, &caller.scope, &code).await?;
    let children = regions::children(&st.db, &caller.scope, &code).await?;
    Ok(Json(
        serde_json::to_value(crate::dashboard::views::region_view(&r, &children)).map_err(anyhow::Error::from)?,
    ))
}

/// `GET /api/v1/alerts?region=CODE`: what needs acting on in the region.
pub async fn alerts(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<RegionQuery>,
) -> ApiResult<Json<Value>> {
    let scope = narrowed(&caller, &q)?;
    let rules = career::rules_in_force(&st.db, scope.region().as_str(), today()).await?;
    let items = career::alerts(&st.db, &scope, today(), rules).await?;
    Ok(Json(json!({ "items": items, "total": items.len() })))
}
