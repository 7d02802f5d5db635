//! `/seals`: the seal-use log with its monthly counts and the form to record a use.
use super::pages::{area, here, links};
use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, link, n, row, t};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use shegong_domain::{Permission, RegionLevel};
use shegong_store::openness::{self, SealInput};

/// `GET /seals?region=&from=&to=`.
pub(crate) async fn page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let mut p = SectionsPage::new(&st, &caller, "lists", "印章使用登记", &m).await?;
    let here = here(&caller, &m)?;
    let (from, to) = crate::work_items::api::period(m.from.as_deref(), m.to.as_deref())?;
    let r = openness::seals(
        &st.db,
        &caller.access,
        Some(&here),
        from,
        to,
        if SectionsPage::wants_xlsx(&m) { 1000 } else { 100 },
    )
    .await?;
    let area = area(&st, &here).await?;
    p.links = links(&here);
    p.subtitle = format!("{area} · {from} 至 {to}");
    if SectionsPage::wants_xlsx(&m) {
        p.title = format!("印章使用登记-{area}-{from}至{to}");
    }
    p.kpis = Kpi::list(vec![("用印".into(), format!("{} 次", r.total), "期间内".into())]);
    if here.level() == RegionLevel::Community
        && caller.role.may(Permission::ServeResidents)
        && !SectionsPage::wants_xlsx(&m)
    {
        p.sections.push(Section {
            id: "record".into(),
            title: "登记用印".into(),
            text: "每次使用社区印章都须登记：用途、用印文件和审批人。".into(),
            forms: vec![FormSpec {
                action: "/seals".into(),
                fields: vec![
                    hidden("community", here.as_str()),
                    input("用印日期", "date", "date", today().to_string(), 10),
                    input("用途", "purpose", "text", "", 16),
                    input("用印文件", "document", "text", "", 16),
                    input("审批人", "approver", "text", "", 8),
                ],
                button: "登记".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    let below = match here.level() {
        RegionLevel::Street => "社区",
        RegionLevel::Community => "本社区",
        _ => "下级",
    };
    let mut s = Section {
        id: "monthly".into(),
        title: if here.level() == RegionLevel::Community {
            "每月用印次数".into()
        } else {
            format!("各{below}每月用印次数")
        },
        headers: std::iter::once(below.to_string())
            .chain(r.months.iter().map(|m| format!("#{m}")))
            .chain(std::iter::once("#合计".to_string()))
            .map(|h| crate::sections::Header { num: h.starts_with('#'), label: h.trim_start_matches('#').to_string() })
            .collect(),
        ..Default::default()
    };
    for (code, name, v, total) in &r.monthly {
        let mut cells = vec![link(name, format!("/seals?region={code}&from={from}&to={to}"))];
        cells.extend(v.iter().map(n));
        cells.push(n(total));
        s.rows.push(row(cells));
    }
    if r.monthly.len() > 1 {
        let mut cells = vec![t("合计")];
        cells.extend((0..r.months.len()).map(|k| n(r.monthly.iter().map(|l| l.2[k]).sum::<u64>())));
        cells.push(n(r.total));
        s.rows.push(row(cells));
    }
    p.sections.push(s);
    let mut s = Section {
        id: "log".into(),
        title: format!("用印登记（最近{}条）", r.rows.len()),
        headers: headers(&["日期", "社区", "用途", "用印文件", "审批人", "登记人"]),
        cards: true,
        ..Default::default()
    };
    for x in &r.rows {
        s.rows.push(row(vec![
            t(x.used_on),
            t(&x.community_name),
            t(&x.purpose),
            t(&x.document),
            t(&x.approver),
            t(&x.recorded_by),
        ]));
    }
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /seals` (the form).
pub(crate) async fn record(form: Posted) -> Response {
    let to = form.region_page("/seals", "community");
    form.act(Permission::ServeResidents, &to, async |st, access, f| {
        let i = SealInput {
            community: f.opt("community"),
            date: f.opt("date"),
            purpose: f.get("purpose"),
            document: f.get("document"),
            approver: f.get("approver"),
        };
        let m = openness::record_seal(&st.db, access, &i, today()).await?;
        Ok(format!("已登记{}的用印：{}", m.used_on, m.document))
    })
    .await
}
