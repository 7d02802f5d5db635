//! The worker list as Excel, streamed.
use crate::xlsx::cell;
use crate::xlsx::xerr;
use crate::xlsx::xlsx_response;

use crate::archive::views::worker_item;
use crate::auth::Caller;
use crate::clock::today;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::response::Response;
use rust_xlsxwriter::{Format, Workbook};
use shegong_domain::codes::{ETHNICITY, POLITICAL_STATUS};
use shegong_store::workers::{self, WorkerFilter};
use shegong_store::{audit, regions};

const HEADERS: [(&str, f64); 17] = [
    ("姓名", 10.0),
    ("身份证号码", 22.0),
    ("性别", 6.0),
    ("出生日期", 12.0),
    ("年龄", 6.0),
    ("民族", 8.0),
    ("政治面貌", 12.0),
    ("所在社区代码", 15.0),
    ("所在社区", 14.0),
    ("岗位类别", 12.0),
    ("职务", 12.0),
    ("两委成员", 8.0),
    ("专职", 6.0),
    ("最高学历", 14.0),
    ("社工证等级", 14.0),
    ("任职开始日期", 12.0),
    ("状态", 8.0),
];

pub async fn workers_xlsx(st: &AppState, caller: &Caller, filter: &WorkerFilter) -> ApiResult<Response> {
    let filter = &WorkerFilter {
        id_prefix_search: caller.role.may(shegong_domain::Permission::ViewFullIdNumber),
        ..filter.clone()
    };
    crate::id_search::guard(st, caller, filter).await?;
    let today = today();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name("社区工作者").map_err(xerr)?;
    for (i, (h, w)) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, *w).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    // Community names for the whole scope (a few thousand rows a province), then the rows a page
    // at a time straight into the sheet.
    let names = regions::community_names_in(&st.db, &caller.scope, caller.scope.region().as_str()).await?;
    let mut row = 1u32;
    let mut failure = None;
    let n = workers::for_each(&st.db, &caller.scope, filter, today, |w| {
        let it = worker_item(w, &names, today);
        let cells: [&str; 17] = [
            &it.name,
            &it.id_number,
            &it.gender_label,
            &it.birth_date.to_string(),
            &it.age.to_string(),
            ETHNICITY.name(&w.ethnicity).unwrap_or(""),
            POLITICAL_STATUS.name(&w.political_status).unwrap_or(""),
            &it.community_code,
            &it.community_name,
            &it.post_category_label,
            &it.title,
            if it.two_committees { "是" } else { "否" },
            if it.full_time { "是" } else { "否" },
            &it.education_label,
            &it.certificate_label,
            &it.service_start.map(|d| d.to_string()).unwrap_or_default(),
            &it.status_label,
        ];
        for (c, v) in cells.iter().enumerate() {
            if let Err(e) = ws.write_string(row, c as u16, cell(v)) {
                failure = Some(e);
            }
        }
        row += 1;
    })
    .await?;
    if let Some(e) = failure {
        return Err(xerr(e));
    }
    audit::entry(&caller.actor, "worker.export", caller.scope.region().as_str())
        .detail(format!("{n} 行"))
        .record(&st.db)
        .await?;
    let filename = format!("社区工作者名单-{}.xlsx", today.format("%Y%m%d"));
    xlsx_response(wb, "workers.xlsx", &filename).await
}
