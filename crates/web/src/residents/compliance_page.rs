//! `/visits/compliance`: who is behind the region's rules in a week, month or year — per community
//! and per worker, by how much — the grids' household coverage and the care households overdue,
//! each table exported to Excel.
use crate::auth::Caller;
use crate::clock::today;
use crate::error::AppError;
use crate::page::PageResult;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, link, n, pct, row, select, t};
use crate::state::AppState;
use axum::extract::{Query, State};
use shegong_domain::RegionLevel;
use shegong_domain::visits::{Tally, period_of, week_text};
use shegong_store::residents::{self, CommunityCompliance, ComplianceReport};

fn done_of(d: &Tally, r: &Tally, kind: &str) -> String {
    match kind {
        "visits" => format!("{}/{}", d.visits, r.visits),
        "checks" => format!("{}/{}", d.checks, r.checks),
        "days" if r.days == 0 => "—".into(),
        "days" => format!("{}/{}", d.days, r.days),
        _ if r.patrols == 0 && d.patrols == 0 => "—".into(),
        _ => format!("{}/{}", d.patrols, r.patrols),
    }
}

fn query_of(m: &Msg) -> String {
    let q = Msg { page: None, per_page: None, format: None, ..m.clone() };
    serde_urlencoded::to_string(&q).unwrap_or_default()
}

/// The communities of the report summed into the children of the region viewed (a province's
/// cities, a county's streets, a street's communities).
async fn children(
    st: &AppState,
    r: &ComplianceReport,
    code: &shegong_domain::RegionCode,
) -> Result<Vec<CommunityCompliance>, AppError> {
    let len = match code.level() {
        RegionLevel::Province => 4,
        RegionLevel::City => 6,
        RegionLevel::County => 9,
        _ => 12,
    };
    let mut by: std::collections::BTreeMap<String, CommunityCompliance> = std::collections::BTreeMap::new();
    for c in &r.communities {
        let k = c.community_code[..len.min(c.community_code.len())].to_string();
        let e = by.entry(k.clone()).or_insert_with(|| CommunityCompliance { community_code: k, ..Default::default() });
        e.workers += c.workers;
        e.behind_workers += c.behind_workers;
        e.behind += c.behind;
        for (x, y) in [(&mut e.required, &c.required), (&mut e.done, &c.done)] {
            x.visits += y.visits;
            x.checks += y.checks;
            x.patrols += y.patrols;
            x.talks += y.talks;
            x.days += y.days;
        }
    }
    let names = shegong_store::regions::names(&st.db.conn, by.keys().cloned().collect()).await?;
    Ok(by
        .into_values()
        .map(|mut c| {
            c.community_name = names.get(&c.community_code).cloned().unwrap_or_default();
            c
        })
        .collect())
}

fn children_section(rows: &[CommunityCompliance], m: &Msg) -> Section {
    let mut s = Section {
        title: "下级区划".into(),
        text: "应完成按各社区适用政策计；差额为未完成的走访、排查、巡查次数和入户天数之和（多做的不抵其他）。".into(),
        headers: headers(&["区划", "#在岗人数", "#未达标人数", "走访", "排查", "巡查", "入户天数", "#谈心", "#差额"]),
        ..Default::default()
    };
    let period = query_of(&Msg { region: None, ..m.clone() });
    for c in rows {
        let mut x = row(vec![
            link(&c.community_name, format!("/visits/compliance?region={}&{period}", c.community_code)),
            n(c.workers),
            n(c.behind_workers),
            t(done_of(&c.done, &c.required, "visits")),
            t(done_of(&c.done, &c.required, "checks")),
            t(done_of(&c.done, &c.required, "patrols")),
            t(done_of(&c.done, &c.required, "days")),
            n(c.done.talks),
            n(c.behind),
        ]);
        x.flag = c.behind_workers > 0;
        s.rows.push(x);
    }
    s
}

fn workers(r: &ComplianceReport, m: &Msg, path: &str) -> Section {
    let mut s = Section {
        id: "workers".into(),
        title: format!("社区工作者（{}人，未达标{}人）", r.workers, r.behind_workers),
        text: "差额最多的在前。走访、排查、巡查写作“已完成/应完成”；巡查只对网格员计；入户天数（有走访或排查的天数）只对政策规定的走访岗位计，按已过天数折算全年要求。".into(),
        headers: headers(&["姓名", "社区", "岗位", "走访", "排查", "巡查", "入户天数", "#谈心", "#差额"]),
        cards: true,
        whole_export: true,
        ..Default::default()
    };
    let total = r.rows.len();
    for w in m.paging().slice(r.rows.iter().collect::<Vec<_>>()) {
        let (d, q) = (&w.compliance.done, &w.compliance.required);
        let mut x = row(vec![
            link(&w.name, format!("/workers/{}", w.worker_id)),
            t(&w.community_name),
            t(match (w.grid_worker, w.visiting) {
                (true, true) => "网格员、走访社工",
                (true, false) => "网格员",
                (false, true) => "走访社工",
                (false, false) => "",
            }),
            t(done_of(d, q, "visits")),
            t(done_of(d, q, "checks")),
            t(done_of(d, q, "patrols")),
            t(done_of(d, q, "days")),
            n(d.talks),
            n(w.compliance.behind),
        ]);
        x.flag = w.compliance.behind > 0;
        s.rows.push(x);
    }
    s.pager = m.page_links(path, total);
    s
}

/// `GET /visits/compliance?region=&week=|month=|year=`.
pub(crate) async fn compliance_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let on = today();
    let year = m.year.map(|y| y.to_string());
    let period = period_of(m.week.as_deref(), m.month.as_deref(), year.as_deref(), on)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let region = match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Some(shegong_domain::RegionCode::parse(r).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let r = residents::compliance(&st.db, &caller.access, region.as_ref(), period, on).await?;
    let mut p = SectionsPage::new(&st, &caller, "service", "走访排查达标情况", &m).await?;
    p.links = super::links(&caller);
    let code = shegong_domain::RegionCode::parse(&r.region_code).map_err(|_| AppError::NotFound)?;
    if caller.scope.only_worker().is_none() {
        let path = shegong_store::regions::path(&st.db, &caller.scope, &code).await?;
        p.subtitle = format!("{} · {}", path.last().map(|x| x.name.clone()).unwrap_or_default(), r.period_label);
        let period_q = query_of(&Msg { region: None, ..m.clone() });
        p.crumbs =
            path.iter().map(|x| (format!("/visits/compliance?region={}&{period_q}", x.code), x.name.clone())).collect();
    } else {
        p.subtitle = r.period_label.clone();
    }
    if SectionsPage::wants_xlsx(&m) {
        // The file says which area and period it holds.
        p.title = format!("走访排查达标情况-{}", p.subtitle.replace(" · ", "-"));
    }
    let rule = &r.rule;
    let mut rule_text = format!("每人每周走访{}次、排查{}次", rule.visits_per_week, rule.checks_per_week);
    if rule.patrols_per_day > 0 {
        rule_text.push_str(&format!("；网格员每个工作日巡查{}次", rule.patrols_per_day));
    }
    if rule.coverage_days > 0 {
        rule_text.push_str(&format!("；网格住户{}天内走访全覆盖", rule.coverage_days));
    }
    if rule.days_among_residents > 0 {
        rule_text.push_str(&format!("；{}每年入户{}天", rule.among_residents_role, rule.days_among_residents));
    }
    let covered: u64 = r.coverage.iter().map(|g| g.covered).sum();
    let homes: u64 = r.coverage.iter().map(|g| g.households).sum();
    p.kpis = Kpi::list(vec![
        ("在岗社区工作者".into(), r.workers.to_string(), r.period_label.clone()),
        (
            "未达标".into(),
            r.behind_workers.to_string(),
            format!("占 {}", pct(i64::from(r.behind_workers), i64::from(r.workers))),
        ),
        ("规则".into(), format!("{}+{}", rule.visits_per_week, rule.checks_per_week), rule_text),
        (
            "网格住户走访覆盖".into(),
            if homes == 0 { "—".into() } else { pct(covered as i64, homes as i64) },
            if homes == 0 {
                "本地政策未设覆盖要求或未登记住户".into()
            } else {
                format!("{covered}/{homes} 户")
            },
        ),
    ]);
    let w = chrono::Datelike::iso_week(&period.from);
    let region_q = m.region.as_deref().map(|r| format!("region={r}&")).unwrap_or_default();
    let last_week = chrono::Datelike::iso_week(&(on - chrono::Duration::days(7)));
    let last_month = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&on), chrono::Datelike::month(&on), 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(on);
    for (q, label) in [
        (String::new(), "本周".to_string()),
        (format!("week={}", week_text(last_week)), "上周".to_string()),
        (format!("month={}", on.format("%Y-%m")), "本月".to_string()),
        (format!("month={}", last_month.format("%Y-%m")), "上月".to_string()),
        (format!("year={}", chrono::Datelike::year(&on)), "本年".to_string()),
    ] {
        p.links.push((format!("/visits/compliance?{region_q}{q}"), label));
    }
    let weeks: Vec<(String, String)> = (0..12)
        .map(|k| {
            let w = chrono::Datelike::iso_week(&(on - chrono::Duration::weeks(k)));
            (week_text(w), shegong_domain::visits::Period::week(w).label())
        })
        .collect();
    let months: Vec<(String, String)> = (0..12)
        .filter_map(|k| {
            let first = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&on), chrono::Datelike::month(&on), 1)?
                .checked_sub_months(chrono::Months::new(k))?;
            Some((first.format("%Y-%m").to_string(), first.format("%Y年%m月").to_string()))
        })
        .collect();
    let keep = hidden("region", m.region.clone().unwrap_or_default());
    p.sections.push(Section {
        forms: vec![
            FormSpec {
                get: true,
                fields: vec![keep, select("按周", "week", &m.week.clone().unwrap_or_else(|| week_text(w)), weeks)],
                button: "查看".into(),
                ..Default::default()
            },
            FormSpec {
                get: true,
                fields: vec![
                    hidden("region", m.region.clone().unwrap_or_default()),
                    select("按月", "month", &m.month.clone().unwrap_or_default(), months),
                ],
                button: "查看".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    });
    if code.level() != RegionLevel::Community && caller.scope.only_worker().is_none() {
        p.sections.push(children_section(&children(&st, &r, &code).await?, &m));
    }
    p.sections.push(workers(&r, &m, "/visits/compliance"));
    if !r.coverage.is_empty() {
        let mut s = Section {
            title: "网格住户走访覆盖".into(),
            text: format!("截至今天，{}天内走访到的住户占网格登记住户的比例。", r.coverage[0].days),
            headers: headers(&["网格", "#登记户数", "#已走访", "覆盖率"]),
            ..Default::default()
        };
        for g in &r.coverage {
            let mut x = row(vec![
                t(&g.grid_name),
                n(g.households),
                n(g.covered),
                t(pct(g.covered as i64, g.households as i64)),
            ]);
            x.flag = g.covered < g.households;
            s.rows.push(x);
        }
        p.sections.push(s);
    }
    let alerts = residents::care_alerts(&st.db, &caller.access, region.as_ref(), on).await?;
    let mut s = Section {
        id: "care".into(),
        title: format!("逾期未走访的关爱户（{}户）", alerts.len()),
        text: format!(
            "按关爱标签要求的走访周期，自上次走访（未走访过的自登记之日）起计；最久的在前。{}",
            if alerts.len() > 200 { "页面显示前200户，导出Excel有全部。" } else { "" }
        ),
        headers: headers(&["社区", "网格", "住户", "户主", "关爱标签", "应走访日期", "上次走访", "负责社工"]),
        cards: true,
        ..Default::default()
    };
    for a in alerts.iter().take(if SectionsPage::wants_xlsx(&m) { usize::MAX } else { 200 }) {
        s.rows.push(row(vec![
            t(&a.community_name),
            t(&a.grid_name),
            link(&a.address, format!("/households/{}", a.household_id)),
            t(&a.head_name),
            t(a.tags.join("、")),
            t(a.due),
            t(a.last_visit_on.map_or("未走访".into(), |d| d.to_string())),
            t(a.worker_name.clone().unwrap_or_default()),
        ]));
    }
    p.sections.push(s);
    p.finish(&m).await
}
