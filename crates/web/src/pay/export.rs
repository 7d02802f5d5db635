//! A payroll run's sheet as Excel.
use crate::xlsx::cell;
use crate::xlsx::xerr;
use crate::xlsx::xlsx_response;
use shegong_domain::pay::Component;
use shegong_store::payroll::fen_of;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::response::Response;
use rust_xlsxwriter::{Format, Workbook};
use shegong_store::{audit, regions};

/// The pay sheet of a run: one row per worker, every component in yuan (numbers with two
/// decimals, summable in Excel), written page by page to a constant-memory sheet.
pub async fn paysheet_xlsx(st: &AppState, caller: &Caller, run_id: uuid::Uuid) -> ApiResult<Response> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name("工资表").map_err(xerr)?;
    let mut headers = vec!["姓名", "所在社区代码", "所在社区", "岗位类别", "等级"];
    headers.extend(Component::ALL.map(Component::label));
    headers.extend(["应发合计", "低于保障线差额（月）"]);
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, if i == 1 { 15 } else { 12 })
            .map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    let names = regions::community_names_in(&st.db, &caller.scope, caller.scope.region().as_str()).await?;
    let mut row = 1u32;
    let run = shegong_store::payroll::for_each_slip(&st.db, &caller.scope, run_id, |s, name| {
        let text = [
            name.to_string(),
            s.region_code.clone(),
            names.get(&s.region_code).cloned().unwrap_or_default(),
            shegong_domain::worker::post_category_label(&s.post_category).to_string(),
        ];
        for (c, v) in text.iter().enumerate() {
            ws.write_string(row, c as u16, cell(v))?;
        }
        ws.write_number(row, 4, f64::from(s.level))?;
        let mut amounts: Vec<i64> = Component::ALL.iter().map(|&c| fen_of(s, c)).collect();
        amounts.extend([s.total_fen, s.floor_shortfall_fen]);
        for (i, f) in amounts.iter().enumerate() {
            ws.write_number_with_format(row, 5 + i as u16, *f as f64 / 100.0, &money)?;
        }
        row += 1;
        Ok(())
    })
    .await?;
    audit::entry(&caller.actor, "payroll.export", &run.region_code)
        .target(run.id)
        .detail(format!("{} 行", row - 1))
        .save(&st.db.writer)
        .await?;
    let ascii = format!("paysheet-{}-{}.xlsx", run.region_code, run.month);
    let name = format!("工资表-{}-{}.xlsx", run.region_code, run.month);
    xlsx_response(wb, &ascii, &name).await
}
