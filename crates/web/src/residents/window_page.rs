//! `/window?region=&month=`: a community's service roles against the policy's shares (海宁 30/30/30)
//! and the 综合岗 window's roster for a month, each working day's headcount against the policy's least
//! (吉林 2), the short days marked; the forms to set a role and a day's roster.
use crate::auth::Caller;
use crate::clock::today;
use crate::error::AppError;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{
    Cell, FormSpec, Kpi, Msg, Section, SectionsPage, checks, headers, hidden, input, link, n, row, t,
};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Datelike;
use shegong_domain::visits::period_of;
use shegong_domain::{Permission, RegionCode, RegionLevel};
use shegong_store::residents::{self, DutyDayInput, RoleInput};
use uuid::Uuid;

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// `GET /window?region=&month=`.
pub(crate) async fn window_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let on = today();
    let mut p = SectionsPage::new(&st, &caller, "service", "服务岗位与窗口值班", &m).await?;
    p.links = super::links(&caller);
    let here = match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => RegionCode::parse(r).map_err(|_| AppError::NotFound)?,
        None => caller.scope.region().clone(),
    };
    if here.level() != RegionLevel::Community {
        // Above a community: choose one.
        let children = shegong_store::regions::communities_under(&st.db.conn, here.as_str()).await?;
        let mut s = Section { title: "选择社区".into(), headers: headers(&["社区"]), ..Default::default() };
        for c in children.iter().filter(|c| caller.scope.allows_region(&c.code)).take(500) {
            s.rows.push(row(vec![link(&c.name, format!("/window?region={}", c.code))]));
        }
        p.sections.push(s);
        return p.finish(&m).await;
    }
    let month = m.month.clone().unwrap_or_else(|| on.format("%Y-%m").to_string());
    let period = period_of(None, Some(&month), None, on).map_err(|e| AppError::Invalid(vec![e]))?;
    let r = residents::window(&st.db, &caller.access, Some(&here), period).await?;
    p.subtitle = format!("{}年{}月", period.from.year(), period.from.month());
    let short_roles: u32 = r.roles.iter().map(|x| x.short).sum();
    p.kpis = Kpi::list(vec![
        (
            "在岗社区工作者".into(),
            r.people.len().to_string(),
            format!("已定岗 {} 人", r.people.iter().filter(|x| x.role.is_some()).count()),
        ),
        ("岗位缺口".into(), short_roles.to_string(), "按政策占比应增配的人数".into()),
        ("窗口最少在岗".into(), format!("{} 人", r.window_min), "每个工作日".into()),
        ("值班不足的工作日".into(), r.short_days.to_string(), p.subtitle.clone()),
    ]);
    let may = caller.role.may(Permission::EditArchive) && caller.scope.only_worker().is_none();
    let mut s = Section {
        title: "服务岗位".into(),
        text: "占比按本地政策；应配人数按在岗人数乘占比向上取整。".into(),
        headers: headers(&["岗位", "#现有", "#占比要求（%）", "#应配", "#缺口"]),
        ..Default::default()
    };
    for x in &r.roles {
        let mut rr = row(vec![t(&x.role), n(x.workers), n(x.target_pct), n(x.target_workers), n(x.short)]);
        rr.flag = x.short > 0;
        s.rows.push(rr);
    }
    p.sections.push(s);
    let options: Vec<(String, String)> = std::iter::once((String::new(), "（未定岗）".to_string()))
        .chain(r.roles.iter().map(|x| (x.role.clone(), x.role.clone())))
        .collect();
    let mut s = Section {
        id: "people".into(),
        title: "人员定岗".into(),
        headers: headers(&["姓名", "服务岗位", if may { "调整" } else { "" }]),
        cards: true,
        ..Default::default()
    };
    for x in &r.people {
        s.rows.push(row(vec![
            // A worker reaches no one's archive but their own.
            if caller.scope.only_worker().is_some_and(|me| me != x.worker_id) {
                t(&x.name)
            } else {
                link(&x.name, format!("/workers/{}", x.worker_id))
            },
            t(x.role.clone().unwrap_or_else(|| "未定岗".into())),
            if may && !SectionsPage::wants_xlsx(&m) {
                Cell {
                    form: format!("/window/roles/{}", x.worker_id),
                    hidden: vec![("region".into(), here.to_string())],
                    options: options.clone(),
                    select_name: "role".into(),
                    text: x.role.clone().unwrap_or_default(),
                    button: "保存".into(),
                    ..Default::default()
                }
            } else {
                t("")
            },
        ]));
    }
    p.sections.push(s);
    if may {
        p.sections.push(Section {
            id: "roster".into(),
            title: "排班".into(),
            text: "选一天和当天在窗口值班的人员；保存后替换当天原有的排班。".into(),
            forms: vec![FormSpec {
                action: "/window".into(),
                fields: vec![
                    hidden("community", here.as_str()),
                    input("日期", "date", "date", on.to_string(), 10),
                    checks(
                        "值班人员",
                        "w",
                        &[],
                        r.people.iter().map(|x| (x.worker_id.to_string(), x.name.clone())).collect(),
                    ),
                ],
                button: "保存".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    let mut s = Section {
        title: format!("窗口值班表（{}）", p.subtitle),
        text: "标记的工作日值班人数少于最少在岗人数。".into(),
        headers: headers(&["日期", "星期", "工作日", "值班人员", "#人数", "#缺口"]),
        cards: true,
        ..Default::default()
    };
    for d in &r.days {
        let mut rr = row(vec![
            t(d.date),
            t(WEEKDAYS[d.date.weekday().num_days_from_monday() as usize]),
            t(if d.working { "是" } else { "休" }),
            t(d.names.join("、")),
            n(d.on_duty),
            n(d.gap),
        ]);
        rr.flag = d.gap > 0;
        s.rows.push(rr);
    }
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /window` (a day's roster).
pub(crate) async fn set_day(form: Posted) -> Response {
    let to = form.region_page("/window", "community");
    form.act(Permission::EditArchive, &to, async |st, access, f| {
        let mut workers: Vec<Uuid> =
            f.rest.keys().filter_map(|k| k.strip_prefix("w.")).filter_map(|k| Uuid::parse_str(k).ok()).collect();
        workers.sort();
        let i = DutyDayInput { community: f.opt("community"), date: f.get("date"), workers };
        let rows = residents::set_day(&st.db, access, &i, today()).await?;
        Ok(format!("已排定{}的窗口值班{}人", i.date, rows.len()))
    })
    .await
}

/// `POST /window/roles/{worker_id}` (a row's role).
pub(crate) async fn set_role(Path(id): Path<Uuid>, form: Posted) -> Response {
    let to = form.region_page("/window", "region");
    form.act(Permission::EditArchive, &to, async |st, access, f| {
        let r = residents::set_role(&st.db, access, id, &RoleInput { role: f.get("role") }, today()).await?;
        Ok(match r {
            Some(r) => format!("已定为{}", r.role),
            None => "已取消服务岗位".into(),
        })
    })
    .await
}
