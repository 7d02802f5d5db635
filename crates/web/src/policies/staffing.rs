//! Staffing against the norm (配备标准), region by region.
use crate::sections::Kpi;
use crate::sections::Msg;
use crate::sections::Section;
use crate::sections::SectionsPage;
use crate::sections::headers;
use crate::sections::link;
use crate::sections::n;
use crate::sections::not_for_workers;
use crate::sections::pct;
use crate::sections::region_in;
use crate::sections::row;
use crate::sections::t;

use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::state::AppState;
use axum::extract::{Query, State};
use shegong_domain::RegionLevel;
use shegong_store::{regions, staffing};

pub(crate) async fn staffing_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (code, _) = region_in(&caller, m.region.as_deref())?;
    let r = staffing::report(&st.db, &caller.scope, &code, today()).await?;
    let mut p = SectionsPage::new(&st, &caller, "staffing", "员额", &m).await?;
    p.subtitle = format!("{}（{}）", r.total.name, r.total.region_code);
    p.crumbs = regions::path(&st.db, &caller.scope, &code)
        .await?
        .into_iter()
        .map(|x| (format!("/staffing?region={}", x.code), x.name))
        .collect();
    let s = &r.total;
    // Policies by their titles, not their file names.
    let mut titles = std::collections::HashMap::new();
    for v in shegong_store::policies::list(&st.db).await? {
        titles.entry(v.name.clone()).or_insert(v.title.clone());
    }
    p.kpis = Kpi::list(vec![
        (
            "在岗人数".into(),
            crate::sections::thousands(s.actual),
            format!("{} 个社区", crate::sections::thousands(s.communities)),
        ),
        (
            if s.min == s.max { "员额".into() } else { "员额范围".into() },
            if s.min == s.max {
                crate::sections::thousands(s.min)
            } else {
                format!("{}–{}", crate::sections::thousands(s.min), crate::sections::thousands(s.max))
            },
            s.policies
                .iter()
                .map(|name| titles.get(name).cloned().unwrap_or_else(|| name.clone()))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        (
            "超编 / 缺编社区".into(),
            format!("{} / {}", s.over, s.under),
            if s.without_policy > 0 {
                format!("{} 个社区无适用政策", s.without_policy)
            } else {
                "按适用政策的员额标准".into()
            },
        ),
        (
            "网格".into(),
            format!("{} / {}", s.grids, s.grids_needed),
            format!("现有 / 按户数应设；网格员 {} 人", s.grid_workers),
        ),
    ]);
    let kids = &r.children;
    // A norm of one worker per so many households gives one number, not a range: shown as one.
    let exact = s.min == s.max && kids.iter().all(|k| k.min == k.max);
    if !kids.is_empty() {
        let mut series = vec![];
        if exact {
            series.push(serde_json::json!(["员额", kids.iter().map(|k| k.max).collect::<Vec<_>>()]));
        } else {
            series.push(serde_json::json!(["员额下限", kids.iter().map(|k| k.min).collect::<Vec<_>>()]));
            series.push(serde_json::json!(["员额上限", kids.iter().map(|k| k.max).collect::<Vec<_>>()]));
        }
        series.push(serde_json::json!(["在岗人数", kids.iter().map(|k| k.actual).collect::<Vec<_>>()]));
        let chart = serde_json::json!({
            "type": "bars",
            "categories": kids.iter().map(|k| k.name.clone()).collect::<Vec<_>>(),
            "series": series,
        });
        p.sections
            .push(Section { title: "员额与在岗人数".into(), chart: chart.to_string(), ..Default::default() });
    }
    let mut table = Section {
        title: if code.level() == RegionLevel::Street { "各社区".into() } else { "下级区划".into() },
        headers: headers(&[
            "代码",
            "名称",
            "#户数",
            if exact { "#员额" } else { "#员额下限" },
            if exact { "" } else { "#员额上限" },
            "#在岗",
            "#超编社区",
            "#缺编社区",
            "#应设网格",
            "#现有网格",
            "#网格员",
            "#党建专职（应有）",
            "#持证人数",
            "#持证率",
            "#持证不足社区",
        ]),
        ..Default::default()
    };
    for k in kids {
        let drill = code.level() < RegionLevel::Street;
        let mut r = row(vec![
            t(&k.region_code),
            if drill {
                link(&k.name, format!("/staffing?region={}", k.region_code))
            } else {
                link(&k.name, format!("/regions/{}", k.region_code))
            },
            n(k.households),
            n(k.min),
            if exact { t("") } else { n(k.max) },
            n(k.actual),
            n(k.over),
            n(k.under),
            n(k.grids_needed),
            n(k.grids),
            n(k.grid_workers),
            n(format!("{}（{}）", k.party_building_posts, k.party_building_min)),
            n(k.certified),
            n(pct(k.certified, k.actual)),
            n(k.below_certificate_goal),
        ]);
        // Under 总量控制 what needs attention is a place over its posts (超编); most are under.
        r.flag = k.actual > k.max;
        table.rows.push(r);
    }
    if exact {
        // The empty 上限 column goes.
        table.headers.retain(|h| !h.label.is_empty());
        for r in &mut table.rows {
            r.cells.remove(4);
        }
    }
    table.text = "标色行为在岗人数超过员额（超编）；员额由各社区适用政策的标准计算，县级汇总用于总量控制。".into();
    p.sections.push(table);
    p.links = vec![(format!("/policies?region={code}"), "适用政策".into())];
    p.finish(&m).await
}
