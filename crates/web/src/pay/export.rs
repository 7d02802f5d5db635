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
        ws.set_column_width(i as u16, if i == 1 { 15 } else { 12 }).map_err(xerr)?;
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
        .record(&st.db)
        .await?;
    let ascii = format!("paysheet-{}-{}.xlsx", run.region_code, run.month);
    let name = format!("工资表-{}-{}.xlsx", run.region_code, run.month);
    xlsx_response(wb, &ascii, &name).await
}

/// `GET /payroll/{id}/bank.xlsx`: the 代发工资 sheet banks take, for a locked month — a title, then
/// 序号、姓名、身份证号、开户银行、银行卡号、应发、扣款、实发, a 合计 row and the 制表/审核 signature
/// lines. People without a card number on record are marked and counted.
pub(crate) async fn bank_xlsx(
    axum::extract::State(st): axum::extract::State<AppState>,
    caller: Caller,
    axum::extract::Path(id): axum::extract::Path<uuid::Uuid>,
) -> ApiResult<Response> {
    let (run, rows) = shegong_store::payroll::bank_rows(&st.db, &caller.access, id).await?;
    let full_id = caller.access.role.may(shegong_domain::Permission::ViewFullIdNumber);
    let place = regions::names_seen(&st.db, &caller.scope, vec![run.region_code.clone()])
        .await?
        .remove(&run.region_code)
        .unwrap_or_default();
    let (year, month) = run.month.split_once('-').unwrap_or((&run.month, ""));
    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16).set_align(rust_xlsxwriter::FormatAlign::Center);
    let bold = Format::new().set_bold().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let text = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let missing = text.clone().set_background_color("#FFF2CC");
    let money = Format::new().set_num_format("#,##0.00").set_border(rust_xlsxwriter::FormatBorder::Thin);
    let ws = wb.add_worksheet();
    ws.set_name("代发工资表").map_err(xerr)?;
    let heading = format!("{place}{year}年{}月社区工作者工资代发表", month.trim_start_matches('0'));
    ws.merge_range(0, 0, 0, 7, &heading, &title).map_err(xerr)?;
    ws.write_string(1, 0, format!("发放单位：{place}　　所属期：{}　　金额单位：元", run.month)).map_err(xerr)?;
    let headers = ["序号", "姓名", "身份证号", "开户银行", "银行卡号", "应发", "扣款", "实发"];
    for (c, (h, w)) in headers.iter().zip([6, 10, 21, 24, 24, 12, 10, 12]).enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(c as u16, w).map_err(xerr)?;
    }
    let (mut gross, mut deduction, mut net, mut without_card) = (0i64, 0i64, 0i64, 0usize);
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        let card = r.bank_account.clone().unwrap_or_default();
        let f = if card.is_empty() {
            without_card += 1;
            &missing
        } else {
            &text
        };
        ws.write_number_with_format(row, 0, (i + 1) as f64, &text).map_err(xerr)?;
        let id_number = if full_id { r.id_number.clone() } else { shegong_domain::id_number::mask(&r.id_number) };
        for (c, v) in [
            (1, r.name.as_str()),
            (2, id_number.as_str()),
            (3, r.bank_name.as_deref().unwrap_or("")),
            (4, card.as_str()),
        ] {
            ws.write_string_with_format(row, c, cell(v), f).map_err(xerr)?;
        }
        for (c, fen) in [(5, r.gross_fen), (6, r.deduction_fen), (7, r.net_fen)] {
            ws.write_number_with_format(row, c, fen as f64 / 100.0, &money).map_err(xerr)?;
        }
        gross += r.gross_fen;
        deduction += r.deduction_fen;
        net += r.net_fen;
    }
    let total_row = 3 + rows.len() as u32;
    ws.merge_range(total_row, 0, total_row, 4, &format!("合计（{}人）", rows.len()), &bold).map_err(xerr)?;
    for (c, fen) in [(5, gross), (6, deduction), (7, net)] {
        ws.write_number_with_format(total_row, c, fen as f64 / 100.0, &money).map_err(xerr)?;
    }
    let sign = total_row + 2;
    let names = shegong_store::users::signed_names(
        &st.db,
        [Some(run.created_by.clone()), run.reviewed_by.clone()].into_iter().flatten().collect(),
    )
    .await?;
    let name = |u: &str| names.get(u).cloned().unwrap_or_else(|| u.to_string());
    ws.write_string(
        sign,
        0,
        format!(
            "制表：{}　　　　审核：{}　　　　单位负责人：　　　　　　日期：　　　年　　月　　日",
            name(&run.created_by),
            run.reviewed_by.as_deref().map(name).unwrap_or_default()
        ),
    )
    .map_err(xerr)?;
    if without_card > 0 {
        ws.write_string(
            sign + 1,
            0,
            format!("注：有{without_card}人未登记工资卡号（底色标出），请在档案中补录后再送银行。"),
        )
        .map_err(xerr)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_repeat_rows(2, 2).map_err(xerr)?;
    ws.set_print_fit_to_pages(1, 0);
    audit::entry(&caller.actor, "payroll.bank_export", &run.region_code)
        .target(run.id)
        .detail(format!("{} 行，实发合计 {} 元", rows.len(), shegong_domain::pay::yuan(net)))
        .record(&st.db)
        .await?;
    let ascii = format!("bank-{}-{}.xlsx", run.region_code, run.month);
    let name = format!("代发工资表-{place}-{}.xlsx", run.month);
    xlsx_response(wb, &ascii, &name).await
}
