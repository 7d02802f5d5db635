//! The grid roster as Excel: exported in the import's own columns, so a community downloads it,
//! edits it and uploads it again.
use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::imports::api::read_upload;
use crate::page::PageResult;
use crate::sections::{Msg, back, not_for_workers, region_in};
use crate::xlsx::{XCell, table_xlsx};
use axum::extract::{Multipart, Query};
use axum::response::Response;
use shegong_domain::Permission;
use shegong_store::grids::{self, IMPORT_HEADINGS, ImportOutcome};

/// `GET /grids/roster.xlsx?region=`: every duty held now in the region, one per row.
pub(crate) async fn export(Ctx { st, caller }: Ctx, Query(m): Query<Msg>) -> ApiResult<Response> {
    export_for(&st, &caller, &m).await
}

async fn export_for(st: &crate::state::AppState, caller: &Caller, m: &Msg) -> ApiResult<Response> {
    not_for_workers(caller)?;
    let (code, scope) = region_in(caller, m.region.as_deref())?;
    let lines = grids::roster(&st.db, &scope, &code).await?;
    let here = shegong_store::regions::get(&st.db, &scope, &code).await?;
    // The import's columns, and the community (so that grids of one name are told apart; the
    // import does not read it).
    let widths = [16.0, 12.0, 10.0, 10.0, 12.0, 14.0, 10.0];
    let mut headers: Vec<(&str, f64)> = IMPORT_HEADINGS.iter().copied().zip(widths).collect();
    headers.insert(1, ("社区", 14.0));
    let codes: std::collections::BTreeSet<String> = lines.iter().map(|l| l.grid_code[..12].to_string()).collect();
    let communities = shegong_store::regions::names(&st.db.conn, codes.into_iter().collect()).await?;
    let table: Vec<Vec<XCell>> = lines
        .into_iter()
        .map(|l| {
            vec![
                XCell::T(l.grid_code.clone()),
                XCell::T(communities.get(&l.grid_code[..12]).cloned().unwrap_or_default()),
                XCell::T(l.grid_name),
                XCell::T(l.duty),
                XCell::T(l.name),
                XCell::T(l.birth_date.map(|d| d.to_string()).unwrap_or_default()),
                XCell::T(l.phone.unwrap_or_default()),
                l.households.map_or(XCell::T(String::new()), |h| XCell::N(f64::from(h))),
            ]
        })
        .collect();
    let mut rows = Some(table);
    table_xlsx(
        "网格名册",
        &headers,
        move |_| {
            let batch = rows.take().unwrap_or_default();
            async move { Ok(batch) }
        },
        "grid-roster.xlsx",
        &format!("网格名册-{}.xlsx", here.name),
    )
    .await
}

/// What an outcome says to a clerk.
pub(crate) fn summary(o: &ImportOutcome) -> String {
    let counts = format!("{}个网格：新增{}项，解除{}项，不变{}项", o.grids, o.added, o.ended, o.unchanged);
    let mut s = if o.committed {
        format!("已导入网格名册，{counts}")
    } else {
        format!("检查通过，尚未导入。导入后{counts}")
    };
    if !o.changes.is_empty() {
        let shown: Vec<&str> = o.changes.iter().take(10).map(String::as_str).collect();
        s.push_str(&format!("。{}", shown.join("；")));
        if o.added + o.ended > shown.len() {
            s.push_str(&format!("；等共{}项", o.added + o.ended));
        }
    }
    s
}

/// The problems of a refused file, as one message naming the first rows.
pub(crate) fn refusal(o: &ImportOutcome) -> AppError {
    crate::imports::api::file_refusal("grid_file", &o.errors)
}

/// `POST /grids/import` (multipart: `_csrf`, `region`, `file`, `mode` check|commit); back to the page.
pub(crate) async fn import_page(Ctx { st, caller }: Ctx, m: Multipart) -> PageResult {
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(e) => return Ok(back(&caller, "/grids", Err(e))),
    };
    caller.check_csrf(up.csrf())?;
    let field = |k: &str| up.fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    let to = match field("region").and_then(|r| shegong_domain::RegionCode::parse(&r).ok()) {
        Some(c) if caller.scope.allows_region(c.as_str()) => format!("/grids?region={c}"),
        _ => "/grids".into(),
    };
    caller.access.require(Permission::ManageGrids)?;
    let dry_run = field("mode").as_deref() != Some("commit");
    let r = async {
        let rows = shegong_store::imports::read_rows(&up.filename, &up.bytes)?;
        let o = grids::import(&st.db, &caller.access, &rows, dry_run, today()).await?;
        if o.errors.is_empty() { Ok(summary(&o)) } else { Err(refusal(&o)) }
    }
    .await;
    Ok(back(&caller, &to, r))
}
