//! A region with its children, and the alerts, as JSON.
use crate::query::RegionQuery;
use crate::query::narrowed;
use crate::query::parse_region;

use crate::auth::Ctx;
use crate::clock::today;
use crate::dashboard::views::RegionView;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::{Path, Query};
use crate::query::Items;
use shegong_store::{career, regions};

/// 区划及其下级
#[utoipa::path(get, path = "/regions/{code}", tag = "行政区划", params(("code" = String, Path, description = "区划代码")),
    responses((status = 200, description = "区划", body = RegionView)))]
pub async fn region(Ctx { st, caller }: Ctx, Path(code): Path<String>) -> ApiResult<Json<RegionView>> {
    let code = parse_region(&code)?;
    let r = regions::get(&st.db, &caller.scope, &code).await?;
    let children = regions::children(&st.db, &caller.scope, &code).await?;
    Ok(Json(crate::dashboard::views::region_view(&r, &children)))
}

/// 待办提醒：区划内需要处理的事项（退出情形、合同到期、培训逾期、持证目标）
#[utoipa::path(get, path = "/alerts", tag = "行政区划", params(RegionQuery),
    responses((status = 200, description = "提醒", body = Items<career::Alert>)))]
pub async fn alerts(Ctx { st, caller }: Ctx, Query(q): Query<RegionQuery>) -> ApiResult<Json<Items<career::Alert>>> {
    let scope = narrowed(&caller, &q)?;
    let rules = career::rules_in_force(&st.db, scope.region().as_str(), today()).await?;
    let items = career::alerts(&st.db, &scope, today(), rules).await?;
    Ok(Json(Items::new(items)))
}

/// 按名称、拼音或首字母查找管辖范围内的区划（供选择框输入提示）：较大的区划在前（拼音按匹配程度），每项带上级名称，最多20项
#[utoipa::path(get, path = "/regions/suggest", tag = "行政区划", params(crate::query::SuggestQuery),
    responses((status = 200, description = "区划", body = Items<shegong_store::region_names::Named>)))]
pub async fn suggest_regions(
    Ctx { st, caller }: Ctx,
    Query(q): Query<crate::query::SuggestQuery>,
) -> ApiResult<Json<Items<shegong_store::region_names::Named>>> {
    let items =
        shegong_store::region_names::suggest(&st.db, &caller.scope, &q.q, shegong_store::region_names::SUGGESTIONS)
            .await?;
    Ok(Json(Items::new(items)))
}
