//! `/wishes`: a region's micro-wishes with their figures and the seeds' sentence, the form to post
//! one, and on each row the next step (认领, 登记实现, 居民确认); a link to the community's public wall.
use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{Cell, FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, row, select, t};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shegong_domain::wishes::{ClaimantKind, WishState};
use shegong_domain::{Permission, RegionLevel};
use shegong_store::residents::{self, HouseholdFilter, WishFilter, WishInput, WishRow, WishStepInput};
use uuid::Uuid;

const PER_PAGE: u64 = 30;

fn next_step(w: &WishRow) -> Cell {
    let base = |step: &str, button: &str| Cell {
        form: format!("/wishes/{}/{step}", w.id),
        hidden: vec![("version".into(), w.version.to_string())],
        button: button.into(),
        ..Default::default()
    };
    match w.state {
        WishState::Open => Cell {
            input: "claimant_name".into(),
            placeholder: "认领人姓名或单位".into(),
            required: true,
            options: ClaimantKind::ALL.map(|k| (k.as_str().into(), k.label().into())).to_vec(),
            select_name: "claimant_kind".into(),
            text: ClaimantKind::PartyMember.as_str().into(),
            ..base("claim", "认领")
        },
        WishState::Claimed => Cell {
            input: "note".into(),
            placeholder: "实现情况（必填）".into(),
            required: true,
            ..base("fulfil", "登记实现")
        },
        WishState::Fulfilled => Cell {
            input: "note".into(),
            placeholder: "居民意见（选填）".into(),
            confirm: format!("确认居民已收到“{}”？确认后办结。", w.title),
            ..base("confirm", "居民确认")
        },
        WishState::Closed => t(""),
    }
}

/// `GET /wishes?region=&state=`.
pub(crate) async fn wishes_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let f = WishFilter { region: m.region.clone(), state: m.state.clone() };
    let xlsx = SectionsPage::wants_xlsx(&m);
    let (page, per_page) = if xlsx { (1, 100_000) } else { (m.page.unwrap_or(1).max(1), PER_PAGE) };
    let (rows, total) = residents::wishes(&st.db, &caller.access, &f, page, per_page).await?;
    let figures = residents::wish_figures(&st.db, &caller.access, m.region.as_deref()).await?;
    let mut p = SectionsPage::new(&st, &caller, "service", "微心愿", &m).await?;
    p.links = super::links(&caller);
    let here = match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => shegong_domain::RegionCode::parse(r).map_err(|_| crate::error::AppError::NotFound)?,
        None => caller.scope.region().clone(),
    };
    if here.level() == RegionLevel::Community {
        p.links.push((format!("/p/{here}/wishes"), "公开的心愿墙".into()));
    }
    p.subtitle = figures.sentence();
    p.kpis = Kpi::list(vec![
        ("发布".into(), figures.posted.to_string(), "条微心愿".into()),
        ("已认领".into(), figures.claimed.to_string(), "含已实现、已办结".into()),
        (
            "已办结".into(),
            figures.closed.to_string(),
            format!("已实现 {} 条，待居民确认 {} 条", figures.fulfilled, figures.fulfilled - figures.closed),
        ),
        ("平均实现天数".into(), figures.average_days.map_or("—".into(), |d| format!("{d:.1}")), "从发布到实现".into()),
    ]);
    let may = caller.role.may(Permission::ServeResidents);
    if may && here.level() == RegionLevel::Community {
        let (homes, _) = residents::list(&st.db, &caller.access, &HouseholdFilter::default(), 1, 500, today()).await?;
        p.sections.push(Section {
            id: "post".into(),
            title: "登记微心愿".into(),
            text: "心愿内容会公开在心愿墙上（居民姓名和其中的号码会被遮盖），请不要写入姓名、电话、住址；为谁许愿只显示姓氏，电话不公开。".into(),
            forms: vec![FormSpec {
                action: "/wishes".into(),
                fields: vec![
                    hidden("community", here.as_str()),
                    input("心愿内容", "title", "text", "", 24),
                    input("为谁（居民姓名）", "for_name", "text", "", 8),
                    input("联系电话", "for_phone", "tel", "", 13),
                    select(
                        "住户",
                        "household_id",
                        "",
                        std::iter::once((String::new(), "（不选）".to_string()))
                            .chain(homes.into_iter().map(|h| {
                                (h.id.to_string(), format!("{} {}（{}）", h.grid_name, h.address, h.head_name))
                            }))
                            .collect(),
                    ),
                    input("希望实现日期", "due_on", "date", "", 10),
                    input("说明", "detail", "note", "", 1000),
                ],
                button: "登记".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    let mut s = Section {
        id: "list".into(),
        title: format!("微心愿（{total}条）"),
        forms: vec![FormSpec {
            get: true,
            fields: vec![
                hidden("region", m.region.clone().unwrap_or_default()),
                select(
                    "状态",
                    "state",
                    &m.state.clone().unwrap_or_default(),
                    std::iter::once((String::new(), "全部".to_string()))
                        .chain(WishState::ALL.map(|s| (s.as_str().to_string(), s.label().to_string())))
                        .collect(),
                ),
            ],
            button: "筛选".into(),
            ..Default::default()
        }],
        headers: headers(&["登记日期", "社区", "心愿", "为谁", "希望实现", "状态", "认领人", "实现情况", "下一步"]),
        cards: true,
        whole_export: true,
        ..Default::default()
    };
    for w in &rows {
        let mut r = row(vec![
            t(w.created_on),
            t(&w.community_name),
            t(&w.title),
            t(&w.for_name),
            t(w.due_on.map(|d| d.to_string()).unwrap_or_default()),
            t(&w.state_label),
            t(w.claimant.clone().unwrap_or_default()),
            t(w.fulfil_note.clone().unwrap_or_default()),
            if may && !xlsx { next_step(w) } else { t("") },
        ]);
        r.flag = w.state == WishState::Open && w.due_on.is_some_and(|d| d < today());
        s.rows.push(r);
    }
    s.pager = Msg { per_page: Some(PER_PAGE), ..m.clone() }.page_links("/wishes", total as usize);
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /wishes` (the form).
pub(crate) async fn post(form: Posted) -> Response {
    let to = form.region_page("/wishes", "community");
    form.act(Permission::ServeResidents, &to, async |st, access, f| {
        let i = WishInput {
            community: f.opt("community"),
            household_id: f.opt("household_id").and_then(|v| Uuid::parse_str(&v).ok()),
            title: f.get("title"),
            detail: f.opt("detail"),
            for_name: f.get("for_name"),
            for_phone: f.opt("for_phone"),
            due_on: f.opt("due_on"),
        };
        let w = residents::post(&st.db, access, &i, today()).await?;
        Ok(format!("已登记微心愿“{}”", w.title))
    })
    .await
}

/// `POST /wishes/{id}/{claim|fulfil|confirm}` (a row's form).
pub(crate) async fn step(Path((id, step)): Path<(Uuid, String)>, form: Posted) -> Response {
    form.act(Permission::ServeResidents, "/wishes", async |st, access, f| {
        let i = WishStepInput {
            claimant_kind: f.opt("claimant_kind"),
            claimant_name: f.opt("claimant_name"),
            claimant_worker_id: None,
            note: f.opt("note"),
            version: f.opt("version").and_then(|v| v.parse().ok()),
        };
        let w = match step.as_str() {
            "claim" => residents::claim(&st.db, access, id, &i).await?,
            "fulfil" => residents::fulfil(&st.db, access, id, &i).await?,
            "confirm" => residents::confirm(&st.db, access, id, &i).await?,
            _ => return Err(crate::error::AppError::NotFound),
        };
        let state = WishState::parse(&w.state).map_or("", WishState::label);
        Ok(format!("“{}”{}", w.title, state))
    })
    .await
}
