//! A region's page and the Excel list of its children.
use crate::dashboard::home::ChildRow;
use crate::dashboard::home::child_rows;
use crate::page::Chrome;
use crate::page::PageResult;
use crate::page::chrome;
use crate::page::render;

use crate::auth::{Caller, Ctx};
use crate::error::AppError;
use crate::state::AppState;
use crate::xlsx::{XCell, table_xlsx};
use askama::Template;
use axum::extract::{Path, State};
use shegong_domain::codes::URBAN_RURAL;
use shegong_domain::{RegionCode, RegionLevel};
use shegong_store::entity::region;
use shegong_store::regions;
use shegong_store::workers;

#[derive(Template)]
#[template(path = "dashboard/region.html")]
struct RegionPage {
    c: Chrome,
    path: Vec<region::Model>,
    region: region::Model,
    level_label: String,
    child_label: String,
    urban_rural: String,
    workers: i64,
    workers_link: bool,
    show_workers: bool,
    children: Vec<ChildRow>,
}

pub(crate) async fn region_page(State(st): State<AppState>, caller: Caller, Path(code): Path<String>) -> PageResult {
    if caller.scope.only_worker().is_some() {
        return Err(AppError::NotFound.into());
    }
    let code = RegionCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let region = regions::get(&st.db, &caller.scope, &code).await?;
    let level = code.level();
    let children = child_rows(&st, &caller, &code).await?;
    let workers =
        if level == RegionLevel::Grid { 0 } else { workers::summary(&st.db, &caller.scope, &code).await?.active };
    render(RegionPage {
        c: chrome(&st, &caller, "regions").await?,
        path: regions::path(&st.db, &caller.scope, &code).await?,
        level_label: code.township_kind().unwrap_or(level.label()).to_string(),
        child_label: level.child().map_or("下级区划", |l| l.label()).to_string(),
        urban_rural: region.urban_rural_class.as_deref().and_then(|c| URBAN_RURAL.name(c)).unwrap_or("—").to_string(),
        workers,
        workers_link: level != RegionLevel::Grid,
        show_workers: level < RegionLevel::Community,
        children,
        region,
    })
}

pub(crate) async fn region_children_xlsx(Ctx { st, caller }: Ctx, Path(code): Path<String>) -> PageResult {
    let code = RegionCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let region = regions::get(&st.db, &caller.scope, &code).await?;
    let mut list = Some(child_rows(&st, &caller, &code).await?);
    let headers = [("代码", 16.0), ("名称", 20.0), ("户数", 10.0), ("人口", 10.0), ("在岗社区工作者", 14.0)];
    Ok(table_xlsx(
        "下级区划",
        &headers,
        |_| {
            let rows = list.take().unwrap_or_default();
            async move {
                Ok(rows
                    .into_iter()
                    .map(|r| {
                        vec![
                            XCell::T(r.code),
                            XCell::T(r.name),
                            XCell::N(r.households as f64),
                            XCell::N(r.residents as f64),
                            XCell::N(r.workers as f64),
                        ]
                    })
                    .collect())
            }
        },
        "regions.xlsx",
        &format!("{}-下级区划.xlsx", region.name),
    )
    .await?)
}
