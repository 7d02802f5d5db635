//! The budget page and its what-if.
use crate::sections::Kpi;
use crate::sections::Msg;
use crate::sections::Section;
use crate::sections::SectionsPage;
use crate::sections::esc;
use crate::sections::headers;
use crate::sections::link;
use crate::sections::money;
use crate::sections::n;
use crate::sections::not_for_workers;
use crate::sections::region_in;
use crate::sections::row;
use crate::sections::t;

use crate::auth::Caller;
use crate::clock::today;
use crate::error::AppError;
use crate::page::PageResult;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use shegong_domain::Permission;
use shegong_store::payroll;

pub(crate) async fn budget_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    caller.access.require(Permission::ViewBudget)?;
    let (code, _) = region_in(&caller, m.region.as_deref())?;
    let year = m.year.unwrap_or_else(|| chrono::Datelike::year(&today()));
    // A figure as people type it (5%, 1,000, full-width digits); one that still is not a number is
    // said, naming the field, instead of being left out of the what-if without a word.
    let mut unread = Vec::new();
    let mut num = |label: &str, s: &Option<String>| {
        let typed = s.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let plain: String = typed
            .chars()
            .filter_map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                '．' | '。' => Some('.'),
                '－' => Some('-'),
                '＋' => Some('+'),
                ',' | '，' | '%' | '％' | ' ' => None,
                c => Some(c),
            })
            .collect();
        match plain.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                unread.push(format!("{label}“{typed}”不是数字"));
                None
            }
        }
    };
    let q = crate::pay::api::BudgetQuery {
        year: Some(year),
        reference_wage_change_pct: num("参照工资变动（%）", &m.reference_wage_change_pct),
        start_pct: num("第1级系数（%）", &m.start_pct),
        step_pct: num("每级增加（%）", &m.step_pct),
        certificate_intermediate_yuan: num("中级社工证津贴（元/月）", &m.certificate_intermediate_yuan)
            .map(|v| v as i64),
        ..Default::default()
    };
    // Half a what-if would pass for the whole one: with a figure unread, none is applied.
    let q = if unread.is_empty() { q } else { crate::pay::api::BudgetQuery { year: Some(year), ..Default::default() } };
    let b = payroll::budget(&st.db, &caller.access, &code, year, &q.what_if()).await?;
    let mut p = SectionsPage::new(&st, &caller, "payroll", "年度薪酬预算测算", &m).await?;
    if !unread.is_empty() {
        p.error = format!("{}；请改正后再测算（以下为现行政策）。", unread.join("；"));
    }
    p.subtitle = format!("{}（{}），{} 年", b.total.name, b.total.region_code, year);
    p.kpis = Kpi::list(vec![
        (
            "在岗人数".into(),
            b.total.workers.to_string(),
            if b.problems > 0 { format!("{} 人无法计算", b.problems) } else { String::new() },
        ),
        ("现行政策年度支出（元）".into(), money(b.total.current), "按1月薪酬×12".into()),
        ("测算后（元）".into(), money(b.total.what_if), "仅测算，不改变任何数据".into()),
        (
            "差额（元）".into(),
            money(b.total.difference),
            if b.total.current > 0 {
                format!("{:+.2}%", b.total.difference as f64 * 100.0 / b.total.current as f64)
            } else {
                String::new()
            },
        ),
    ]);
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut form = Section {
        chart: serde_json::json!({
            "type": "bars",
            "categories": b.rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            "series": [
                ["现行（万元）", b.rows.iter().map(|r| r.current / 1_000_000).collect::<Vec<_>>()],
                ["测算后（万元）", b.rows.iter().map(|r| r.what_if / 1_000_000).collect::<Vec<_>>()],
            ]
        })
        .to_string(),
        headers: headers(&["代码", "名称", "#人数", "#现行（元）", "#测算后（元）", "#差额（元）"]),
        ..Default::default()
    };
    for r in &b.rows {
        form.rows.push(row(vec![
            t(&r.region_code),
            link(&r.name, format!("/budget?region={}&year={year}", r.region_code)),
            n(r.workers),
            n(money(r.current)),
            n(money(r.what_if)),
            n(money(r.difference)),
        ]));
    }
    p.sections.push(Section {
        title: "测算条件".into(),
        text: "调整参照工资、级别薪酬系数或中级社工证津贴，查看各地年度支出的变化；留空即沿用现行政策。".into(),
        ..Default::default()
    });
    p.sections.push(form);
    p.links = vec![(format!("/policies?region={code}"), "适用政策".into())];
    if SectionsPage::wants_xlsx(&m) {
        return Ok(p.xlsx().await?);
    }
    let html = p.render().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    // The what-if form is a GET form: inserted here so it keeps the query in the address.
    let form_html = format!(
        r#"<form class="inline" method="get" action="/budget"><input type="hidden" name="region" value="{code}"><label>年度<input name="year" value="{year}" size="6"></label><label>参照工资变动（%）<input name="reference_wage_change_pct" value="{}" size="6"></label><label>第1级系数（%）<input name="start_pct" value="{}" size="6"></label><label>每级增加（%）<input name="step_pct" value="{}" size="6"></label><label>中级社工证津贴（元/月）<input name="certificate_intermediate_yuan" value="{}" size="6"></label><button type="submit">测算</button></form>"#,
        esc(&s(&m.reference_wage_change_pct)),
        esc(&s(&m.start_pct)),
        esc(&s(&m.step_pct)),
        esc(&s(&m.certificate_intermediate_yuan))
    );
    let marker = "留空即沿用现行政策。</p>";
    let status =
        if unread.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, axum::response::Html(html.replacen(marker, &format!("{marker}{form_html}"), 1))).into_response())
}
