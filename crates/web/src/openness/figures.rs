//! `/openness?region=&year=`: 减负统计 — per child region the items on the lists, applications
//! admitted and refused, demands never admitted, proofs issued and refused, seal uses, disclosure on
//! time, communities inspected and findings still open, with a 合计 that is their sum; ECharts, every
//! table in Excel, and the seeds' sentences.
use super::api::year_of;
use super::pages::{here, links};
use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::sections::{FormSpec, Header, Kpi, Msg, Section, SectionsPage, hidden, link, n, row, select, t};
use crate::state::AppState;
use axum::extract::{Query, State};
use chrono::Datelike;
use serde_json::json;
use shegong_store::openness::{self, OpennessLine};
use shegong_store::work_items;

fn cells(l: &OpennessLine, href: Option<String>) -> Vec<crate::sections::Cell> {
    let mut c = vec![match href {
        Some(h) => link(&l.name, h),
        None => t(&l.name),
    }];
    c.extend(l.values.iter().map(n));
    c.push(t(l.on_time_pct.map_or("—".into(), |p| format!("{p:.1}%"))));
    c
}

/// `GET /openness?region=&year=`.
pub(crate) async fn page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let mut p = SectionsPage::new(&st, &caller, "lists", "减负统计", &m).await?;
    let here = here(&caller, &m)?;
    let year = year_of(m.year)?;
    let on = today();
    let f = openness::figures(&st.db, &caller.access, Some(&here), year, on).await?;
    let (from, to) = (f.from, f.to);
    let demands = work_items::demand_figures(&st.db, &caller.access, Some(&here), from, to).await?;
    p.links = links(&here);
    p.subtitle = format!("{} · {year}年（{from} 至 {to}）", f.region_name);
    if SectionsPage::wants_xlsx(&m) {
        p.title = format!("减负统计-{}-{year}年", f.region_name);
    }
    let v = &f.total.values;
    p.kpis = Kpi::list(vec![
        ("准入申请".into(), format!("通过 {} 件", v[1]), format!("不予准入 {} 件", v[2])),
        ("未经准入的要求".into(), format!("{} 项", v[3]), "社区登记".into()),
        ("出具证明".into(), format!("{} 份", v[4]), format!("清单外拒绝 {} 次", v[5])),
        (
            "三务按时公开率".into(),
            f.total.on_time_pct.map_or("—".into(), |p| format!("{p:.1}%")),
            format!("应公开 {} 期", v[7]),
        ),
        ("“双随机”抽查".into(), format!("{} 个社区", v[9]), format!("未整改问题 {} 个", v[10])),
    ]);
    let this_year = on.year();
    p.sections.push(Section {
        id: "sentence".into(),
        title: "说明".into(),
        text: format!("{}。{}", f.lists_sentence, f.sentence),
        forms: vec![FormSpec {
            get: true,
            fields: vec![
                hidden("region", here.as_str()),
                select(
                    "年度",
                    "year",
                    &year.to_string(),
                    (this_year - 4..=this_year).rev().map(|y| (y.to_string(), format!("{y}年"))).collect(),
                ),
            ],
            button: "查看".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let names: Vec<String> = f.lines.iter().map(|l| l.name.clone()).collect();
    let col = |k: usize| f.lines.iter().map(|l| l.values[k]).collect::<Vec<_>>();
    let mut s = Section {
        id: "children".into(),
        title: "各下级".into(),
        text: "清单事项为各下级自行制定、年末（或今天）有效的事项；“本级”为本区划自己的清单和准入申请；合计行等于各行之和。".into(),
        chart: json!({
            "type": "bars",
            "categories": names,
            "series": [
                ["出具证明", col(4)],
                ["用印次数", col(6)],
                ["清单外拒绝出具", col(5)],
            ],
        })
        .to_string(),
        headers: std::iter::once("区划")
            .chain(f.columns.iter().map(String::as_str))
            .map(|h| Header { num: h != "区划", label: h.to_string() })
            .chain(std::iter::once(Header { label: "按时公开率".into(), num: true }))
            .collect(),
        cards: true,
        ..Default::default()
    };
    for l in &f.lines {
        let href = (l.code.len() > here.as_str().len()).then(|| format!("/openness?region={}&year={year}", l.code));
        let mut r = row(cells(l, href));
        r.flag = l.values[10] > 0;
        s.rows.push(r);
    }
    s.rows.push(row(cells(&f.total, None)));
    p.sections.push(s);
    let mut s = Section {
        id: "lists".into(),
        title: "现行清单".into(),
        text: "本区划适用的清单（本级和上级制定）。".into(),
        chart: json!({"type": "pie", "unit": "项", "data": f.lists.iter().filter(|(_, n)| *n > 0).collect::<Vec<_>>()})
            .to_string(),
        headers: crate::sections::headers(&["清单", "#项数"]),
        ..Default::default()
    };
    for (l, c) in &f.lists {
        s.rows.push(row(vec![t(l), n(c)]));
    }
    p.sections.push(s);
    let mut s = Section {
        id: "months".into(),
        title: "未经准入的要求（按月）".into(),
        text: "社区登记的、未经县（市、区）准入的工作任务、会议、台账、报表和责任状。".into(),
        chart: json!({
            "type": "line",
            "categories": demands.by_month.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>(),
            "series": [["未经准入的要求", demands.by_month.iter().map(|(_, c)| *c).collect::<Vec<_>>()]],
        })
        .to_string(),
        headers: crate::sections::headers(&["月份", "#项数"]),
        ..Default::default()
    };
    for (month, c) in &demands.by_month {
        s.rows.push(row(vec![t(month), n(c)]));
    }
    p.sections.push(s);
    let mut s = Section {
        id: "demands".into(),
        title: "未经准入的要求（按部门）".into(),
        headers: crate::sections::headers(&["部门", "#工作任务", "#会议", "#台账", "#报表", "#责任状", "#合计"]),
        ..Default::default()
    };
    for (d, k, total) in &demands.by_department {
        let mut c = vec![t(d)];
        c.extend(k.iter().map(n));
        c.push(n(total));
        s.rows.push(row(c));
    }
    p.sections.push(s);
    p.finish(&m).await
}
