//! The inbox's full lists: the alerts of one kind, and the correction requests waiting, each with
//! the county, street and community by name, paged, filtered by region and exported to Excel.
use super::todo::{ALERT_KINDS, alert_kind_label};
use crate::auth::Caller;
use crate::clock::{local_time, today};
use crate::error::AppError;
use crate::page::PageResult;
use crate::sections::{
    Cell, FormSpec, Msg, Row, Section, SectionsPage, headers, link, not_for_workers, region_in, select, t,
};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use shegong_domain::{FieldError, Permission, RegionCode, Scope};
use shegong_store::{career, regions};
use std::collections::HashMap;

/// County, street and community names for community codes, as three cells.
struct Places(HashMap<String, String>);

impl Places {
    async fn of(st: &AppState, scope: &Scope, codes: impl Iterator<Item = &str>) -> Result<Self, AppError> {
        let mut all: Vec<String> =
            codes.flat_map(|c| [6, 9, 12].into_iter().filter_map(move |n| c.get(..n).map(str::to_string))).collect();
        all.sort();
        all.dedup();
        Ok(Self(regions::names_seen(&st.db, scope, all).await?))
    }

    fn cells(&self, code: &str) -> [Cell; 3] {
        [6, 9, 12].map(|n| t(code.get(..n).and_then(|c| self.0.get(c)).cloned().unwrap_or_default()))
    }
}

/// The region filter: the caller's region and the regions one level down, by name.
async fn region_filter(st: &AppState, caller: &Caller, chosen: &RegionCode) -> Result<FormSpec, AppError> {
    let own = caller.scope.region().clone();
    let here = regions::get(&st.db, &caller.scope, &own).await?;
    let mut options = vec![(own.as_str().to_string(), format!("{}（全部）", here.name))];
    options.extend(regions::children(&st.db, &caller.scope, &own).await?.into_iter().map(|r| (r.code, r.name)));
    if !options.iter().any(|(c, _)| c == chosen.as_str()) {
        let r = regions::get(&st.db, &caller.scope, chosen).await?;
        options.push((r.code, r.name));
    }
    Ok(FormSpec {
        action: String::new(),
        fields: vec![select("区划", "region", chosen.as_str(), options)],
        button: "筛选".into(),
        get: true,
        ..Default::default()
    })
}

pub(crate) async fn alerts_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let kind = match m.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) if ALERT_KINDS.iter().any(|(x, _)| *x == k) => Some(k.to_string()),
        Some(_) => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "unknown_filter",
                "kind",
                format!("没有这类提醒；可选：{}", ALERT_KINDS.map(|(_, l)| l).join("、")),
            )])
            .into());
        }
    };
    let (code, scope) = region_in(&caller, m.region.as_deref())?;
    if kind.as_deref() == Some("training_overdue") {
        // The same region, page and export, checked above (never the raw text).
        let q = Msg { region: m.region.as_ref().map(|_| code.to_string()), kind: None, ..m.clone() };
        let q = serde_urlencoded::to_string(&q).unwrap_or_default();
        return Ok(Redirect::to(&format!("/training/overdue?{q}")).into_response());
    }
    let rules =
        career::AlertRules { include_training: false, ..career::rules_in_force(&st.db, code.as_str(), today()).await? };
    let all: Vec<career::Alert> = career::alerts(&st.db, &scope, today(), rules)
        .await?
        .into_iter()
        .filter(|a| kind.as_deref().is_none_or(|k| a.kind == k))
        .collect();
    let shown = m.paging().slice(all.iter());
    let places = Places::of(&st, &scope, shown.iter().filter_map(|a| a.region_code.as_deref())).await?;
    let title = kind.as_deref().map_or("全部提醒", alert_kind_label);
    let mut p = SectionsPage::new(&st, &caller, "home", title, &m).await?;
    p.crumbs = vec![("/".into(), "首页".into()), ("/alerts".into(), "待办提醒".into())];
    let mut kinds = vec![(String::new(), "全部".to_string())];
    kinds.extend(ALERT_KINDS.iter().map(|(k, l)| (k.to_string(), l.to_string())));
    let mut filter = region_filter(&st, &caller, &code).await?;
    filter.fields.insert(0, select("事项", "kind", kind.as_deref().unwrap_or(""), kinds));
    let mut s = Section {
        title: format!("{title}（共{}项）", all.len()),
        headers: headers(&["事项", "县（市、区）", "街道（乡镇）", "社区", "说明", "日期"]),
        forms: vec![filter],
        pager: m.page_links("/alerts", all.len()),
        whole_export: true,
        ..Default::default()
    };
    for a in shown {
        let href = match (a.worker_id, a.kind) {
            (Some(w), "exit_flag") => format!("/workers/{w}?tab=assessment"),
            (Some(w), _) => format!("/workers/{w}?tab=agreement"),
            (None, _) => a.region_code.as_deref().map_or(String::new(), |r| format!("/regions/{r}")),
        };
        let mut cells = vec![t(alert_kind_label(a.kind))];
        cells.extend(places.cells(a.region_code.as_deref().unwrap_or("")));
        cells.push(link(&a.message, href));
        cells.push(t(a.since.map_or(String::new(), |d| d.to_string())));
        s.rows.push(Row { cells, flag: false });
    }
    p.sections.push(s);
    p.finish(&m).await
}

pub(crate) async fn corrections_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (code, scope) = region_in(&caller, m.region.as_deref())?;
    let paging = m.paging();
    let (rows, total) = shegong_store::workers::pending_page(&st.db, &scope, paging.page, paging.per_page).await?;
    let places = Places::of(&st, &scope, rows.iter().map(|r| r.region_code.as_str())).await?;
    let names = shegong_store::workers::names_of(&st.db, &scope, rows.iter().map(|r| r.worker_id).collect()).await?;
    let mut p = SectionsPage::new(&st, &caller, "home", "待处理的更正申请", &m).await?;
    p.crumbs = vec![("/".into(), "首页".into())];
    p.subtitle = "本人对档案提出的更正；更正档案后标记“已更正”，或写明理由“不予更正”，结果告知本人".into();
    let can = caller.access.role.may(Permission::ResolveCorrection);
    let mut head = vec!["提交时间", "姓名", "县（市、区）", "街道（乡镇）", "社区", "项目", "说明", "申请人"];
    if can && !SectionsPage::wants_xlsx(&m) {
        head.extend(["", ""]);
    }
    let mut s = Section {
        title: format!("共{total}件"),
        headers: headers(&head),
        forms: vec![region_filter(&st, &caller, &code).await?],
        pager: m.page_links("/corrections", total as usize),
        whole_export: true,
        ..Default::default()
    };
    for r in rows {
        let base = format!("/workers/{}/corrections/{}", r.worker_id, r.id);
        let mut cells = vec![
            t(local_time(r.created_at)),
            link(names.get(&r.worker_id).cloned().unwrap_or_default(), format!("/workers/{}", r.worker_id)),
        ];
        cells.extend(places.cells(&r.region_code));
        cells.extend([t(&r.field), t(&r.message), t(&r.requested_by)]);
        if can && !SectionsPage::wants_xlsx(&m) {
            cells.push(Cell {
                form: format!("{base}/resolve"),
                hidden: vec![("back".into(), "corrections".into())],
                input: "reply".into(),
                placeholder: "答复（选填）".into(),
                button: "已更正".into(),
                ..Default::default()
            });
            cells.push(Cell {
                form: format!("{base}/reject"),
                hidden: vec![("back".into(), "corrections".into())],
                input: "reason".into(),
                placeholder: "不予更正的理由（必填）".into(),
                required: true,
                button: "不予更正".into(),
                ..Default::default()
            });
        }
        s.rows.push(Row { cells, flag: false });
    }
    p.sections.push(s);
    p.finish(&m).await
}
