//! The grids page (网格): a region's coverage figures and its children's, down to a community's
//! grids with who covers each; the roster's Excel export and import.
use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::sections::{Kpi, Msg, Section, SectionsPage, headers, link, n, not_for_workers, region_in, row, t};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use shegong_domain::grids::{Coverage, Duty};
use shegong_domain::{Permission, RegionLevel};
use shegong_store::grids::{self, CoverageRow};

/// 3.25 from hundredths; "—" without a figure.
fn per_100(v: Option<f64>) -> String {
    v.map_or("—".into(), |x| format!("{x:.2}"))
}

fn opt_n(v: Option<i64>) -> String {
    v.map_or("—".into(), |x| x.to_string())
}

fn kpis(c: &CoverageRow, ceilings: &[u32]) -> Vec<Kpi> {
    let x: &Coverage = &c.coverage;
    let ceiling = match ceilings {
        [] => "未适用政策，无户数上限".to_string(),
        [one] => format!("网格户数上限 {one} 户"),
        [lo, .., hi] => format!("网格户数上限 {lo}–{hi} 户（按各地政策）"),
    };
    Kpi::list(vec![
        ("网格".into(), x.grids.to_string(), format!("共 {} 户", x.households)),
        ("无网格员的网格".into(), x.without_worker.to_string(), format!("无包格两委的 {} 个", x.without_committee)),
        ("超过户数上限的网格".into(), x.over_ceiling.to_string(), ceiling),
        ("每名网格员服务户数".into(), opt_n(c.households_per_worker), format!("网格员 {} 人", x.grid_workers)),
        (
            "每百户联户长".into(),
            per_100(c.leaders_per_100_households),
            format!("联户长 {} 人，联系 {} 户", x.link_leaders, x.linked_households),
        ),
        (
            "网格党小组".into(),
            x.party_groups.to_string(),
            format!("占网格 {}", crate::sections::pct(x.party_groups, x.grids)),
        ),
    ])
}

/// `GET /grids?region=`: the coverage of the caller's region (or one inside it).
pub(crate) async fn grids_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (code, scope) = region_in(&caller, m.region.as_deref())?;
    if code.level() == RegionLevel::Grid {
        return Ok(axum::response::Redirect::to(&format!("/grids/{code}")).into_response());
    }
    let on = today();
    let report = grids::coverage(&st.db, &scope, &code, on).await?;
    let mut p = SectionsPage::new(&st, &caller, "grids", "网格", &m).await?;
    let path = shegong_store::regions::path(&st.db, &caller.scope, &code).await?;
    p.subtitle = path.iter().map(|r| r.name.clone()).collect::<Vec<_>>().join(" / ");
    p.crumbs = path.iter().map(|r| (format!("/grids?region={}", r.code), r.name.clone())).collect();
    p.kpis = kpis(&report.total, &report.ceilings);
    p.links.push((format!("/grids/roster.xlsx?region={code}"), "导出网格名册（Excel）".into()));
    if code.level() == RegionLevel::Community {
        p.sections.push(community_section(&st, &caller, &code).await?);
    } else {
        p.sections.push(children_section(&report.children, &m));
    }
    if caller.role.may(Permission::ManageGrids) {
        p.sections.push(import_section(&code));
    }
    p.finish(&m).await
}

fn children_section(children: &[CoverageRow], m: &Msg) -> Section {
    let mut s = Section {
        title: "下级区划".into(),
        text: "网格员按人计（一人负责多个网格只计一次）；每名网格员服务户数 = 有网格员的网格的户数 ÷ 网格员人数；超过上限指网格户数多于所在社区适用政策的网格户数上限。标记的行有缺网格员或超过上限的网格。".into(),
        headers: headers(&[
            "区划",
            "#网格",
            "#户数",
            "#无网格员",
            "#超过户数上限",
            "#网格员",
            "#每名网格员服务户数",
            "#联户长",
            "#每百户联户长",
            "#网格党小组",
        ]),
        ..Default::default()
    };
    let total = children.len();
    for c in m.paging().slice(children.iter().collect::<Vec<_>>()) {
        let x = &c.coverage;
        let mut r = row(vec![
            link(&c.name, format!("/grids?region={}", c.region_code)),
            n(x.grids),
            n(x.households),
            n(x.without_worker),
            n(x.over_ceiling),
            n(x.grid_workers),
            n(opt_n(c.households_per_worker)),
            n(x.link_leaders),
            n(per_100(c.leaders_per_100_households)),
            n(x.party_groups),
        ]);
        r.flag = x.without_worker > 0 || x.over_ceiling > 0;
        s.rows.push(r);
    }
    s.pager = m.page_links("/grids", total);
    s.whole_export = true;
    s
}

async fn community_section(
    st: &AppState,
    caller: &Caller,
    code: &shegong_domain::RegionCode,
) -> Result<Section, crate::error::AppError> {
    let list = grids::of_community(&st.db, &caller.scope, code, today()).await?;
    let mut s = Section {
        title: format!("本社区网格（{}个）", list.len()),
        text: if list.is_empty() {
            "本社区还没有网格：网格由区划管理员在行政区划中设立。".into()
        } else {
            "点网格名称查看和调整网格员、包格两委、联户长和网格党小组。标记的网格缺网格员或超过户数上限。".into()
        },
        headers: headers(&["网格", "#户数", "网格员", "包格两委", "#联户长", "#联系户数", "网格党小组"]),
        cards: true,
        ..Default::default()
    };
    for g in &list {
        let names = |d: Duty| g.held(d).map(|x| x.name.clone()).collect::<Vec<_>>().join("、");
        let leaders: Vec<_> = g.held(Duty::LinkLeader).collect();
        let mut r = row(vec![
            link(&g.name, format!("/grids/{}", g.code)),
            n(g.households),
            t(names(Duty::GridWorker)),
            t(names(Duty::Committee)),
            n(leaders.len()),
            n(leaders.iter().filter_map(|l| l.households).map(i64::from).sum::<i64>()),
            t(names(Duty::PartyGroup)),
        ]);
        r.flag = g.held(Duty::GridWorker).next().is_none() || g.over_ceiling();
        s.rows.push(r);
    }
    Ok(s)
}

fn import_section(code: &shegong_domain::RegionCode) -> Section {
    crate::imports::pages::upload_section(
        "从 Excel 导入网格名册",
        format!(
            "每行一项职责，列为：{}。文件中出现的每个网格，其名册以文件为准：文件中没有的人员解除（记录保留），\
             新增的人员从今天起担任，未变的保持不变。网格员和包格两委须为本社区在岗人员，同名时填写出生日期。\
             先导出名册作为模板；任何一行有误则整份文件都不导入。",
            grids::IMPORT_HEADINGS.join("、")
        ),
        "/grids/import",
        code.as_str(),
    )
}
