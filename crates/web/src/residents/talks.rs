//! 谈心谈话: `/talks?region=&quarter=` — a quarter's talks of the community secretary with each
//! worker, the coverage per community summed up the tree, the workers not yet talked with, and the
//! form to record one; the same as JSON under `/api/v1/talks`.
use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::{ApiResult, AppError};
use crate::extract::{Json, Query};
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, link, n, row, select, t};
use crate::state::AppState;
use axum::extract::{Query as PageQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shegong_domain::talks::Quarter;
use shegong_domain::{Permission, RegionCode};
use shegong_store::entity::talk;
use shegong_store::residents::{self, TalkInput, TalkReport};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TalkQuery {
    /// 区划代码（默认本辖区；社区工作者为本人）
    pub region: Option<String>,
    /// 季度，如 2026-Q4（默认本季度）
    pub quarter: Option<String>,
}

fn quarter_of(q: Option<&str>) -> Result<Quarter, AppError> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Quarter::parse(s).map_err(|e| AppError::Invalid(vec![e])),
        None => Ok(Quarter::of(today())),
    }
}

/// 某季度的谈心谈话：各下级的覆盖率（在岗人数、已谈话人数）、次数和反映、解决的问题；社区另列每次谈话和尚未谈话的人员
#[utoipa::path(get, path = "/talks", tag = "服务群众", params(TalkQuery),
    responses((status = 200, description = "谈心谈话", body = TalkReport)))]
pub async fn list_talks(Ctx { st, caller }: Ctx, Query(q): Query<TalkQuery>) -> ApiResult<Json<TalkReport>> {
    let quarter = quarter_of(q.quarter.as_deref())?;
    let region =
        q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(crate::query::region_of).transpose()?;
    Ok(Json(residents::talks(&st.db, &caller.access, region.as_ref(), quarter).await?))
}

/// 记录一次谈心谈话（社区书记或上级；谈话对象为本社区在岗的社区工作者，同一人一天一次）
#[utoipa::path(post, path = "/talks", tag = "服务群众", request_body = TalkInput,
    responses((status = 201, description = "已记录", body = talk::Model)))]
pub async fn record_talk(Ctx { st, caller }: Ctx, Json(i): Json<TalkInput>) -> ApiResult<Response> {
    let m = residents::record_talk(&st.db, &caller.access, &i, today()).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// `GET /talks?region=&quarter=`.
pub(crate) async fn talks_page(State(st): State<AppState>, caller: Caller, PageQuery(m): PageQuery<Msg>) -> PageResult {
    let on = today();
    let mut p = SectionsPage::new(&st, &caller, "service", "谈心谈话", &m).await?;
    p.links = super::links(&caller);
    let quarter = quarter_of(m.quarter.as_deref())?;
    let here = match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Some(RegionCode::parse(r).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let r = residents::talks(&st.db, &caller.access, here.as_ref(), quarter).await?;
    let names = shegong_store::regions::names(&st.db.conn, vec![r.region_code.clone()]).await?;
    let area = names.get(&r.region_code).cloned().unwrap_or_default();
    p.subtitle = format!("{area} · {}", quarter.label());
    if SectionsPage::wants_xlsx(&m) {
        p.title = format!("谈心谈话-{area}-{}", quarter.label());
    }
    let own = caller.scope.only_worker().is_some();
    if own {
        // A worker's own: the talks held with them, quarter by quarter.
        p.title = "书记与我的谈心谈话".into();
        p.subtitle = quarter.label();
    }
    p.kpis = if own {
        Vec::new()
    } else {
        Kpi::list(vec![
            ("在岗社区工作者".into(), r.total.workers.to_string(), "谈话对象".into()),
            ("本季度已谈话".into(), r.total.talked.to_string(), format!("覆盖率 {}", r.coverage)),
            ("谈话次数".into(), r.total.talks.to_string(), quarter.label()),
            ("反映问题".into(), r.total.raised.to_string(), format!("已解决 {} 个", r.total.solved)),
        ])
    };
    let mut quarters = Vec::new();
    let mut q = Quarter::of(on);
    for _ in 0..8 {
        quarters.push((q.text(), q.label()));
        q = q.previous();
    }
    let region = r.region_code.clone();
    p.sections.push(Section {
        id: "choose".into(),
        title: "选择季度".into(),
        text: if own { String::new() } else { format!("{}。", r.sentence) },
        forms: vec![FormSpec {
            get: true,
            fields: vec![hidden("region", &region), select("季度", "quarter", &quarter.text(), quarters)],
            button: "查看".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    if region.len() < 12 {
        let mut s = Section {
            id: "lines".into(),
            title: "各下级覆盖情况".into(),
            text: "覆盖率＝本季度谈过话的在岗社区工作者÷在岗人数；上级数字等于所辖下级之和。".into(),
            headers: headers(&["区划", "#在岗", "#已谈话", "#覆盖率", "#谈话次数", "#反映问题", "#解决问题"]),
            ..Default::default()
        };
        for l in &r.lines {
            let f = &l.figures;
            let mut rr = row(vec![
                link(&l.region_name, format!("/talks?region={}&quarter={}", l.region_code, quarter.text())),
                n(f.workers),
                n(f.talked),
                t(&l.coverage),
                n(f.talks),
                n(f.raised),
                n(f.solved),
            ]);
            rr.flag = f.talked < f.workers;
            s.rows.push(rr);
        }
        let f = &r.total;
        s.rows.push(row(vec![
            t("合计"),
            n(f.workers),
            n(f.talked),
            t(&r.coverage),
            n(f.talks),
            n(f.raised),
            n(f.solved),
        ]));
        p.sections.push(s);
        return p.finish(&m).await;
    }
    let may = caller.role.may(Permission::HoldTalks) && caller.scope.only_worker().is_none();
    if may && !SectionsPage::wants_xlsx(&m) {
        p.sections.push(Section {
            id: "record".into(),
            title: "记录谈话".into(),
            text: "谈话对象为本社区在岗的社区工作者；同一人一天记录一次。".into(),
            forms: vec![FormSpec {
                action: "/talks".into(),
                fields: vec![
                    hidden("community", &region),
                    select(
                        "谈话对象",
                        "worker_id",
                        "",
                        std::iter::once((String::new(), "（请选择）".to_string()))
                            .chain(r.people.iter().map(|x| {
                                let mark = if x.talked { "（本季度已谈）" } else { "" };
                                (x.worker_id.to_string(), format!("{}{mark}", x.name))
                            }))
                            .collect(),
                    ),
                    hidden("quarter", quarter.text()),
                    input("谈话日期", "date", "date", on.min(quarter.last_day()).to_string(), 10),
                    input("反映问题（个）", "problems_raised", "number", "0", 4),
                    input("其中已解决（个）", "problems_solved", "number", "0", 4),
                    input("谈话要点", "note", "text", "", 40),
                ],
                button: "记录".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    if !r.not_yet.is_empty() && !own {
        p.sections.push(Section {
            id: "not-yet".into(),
            title: format!("本季度尚未谈话（{}人）", r.not_yet.len()),
            text: r.not_yet.join("、"),
            ..Default::default()
        });
    }
    let mut s = Section {
        id: "talks".into(),
        title: if own { "谈话记录".into() } else { format!("谈话记录（{}）", quarter.label()) },
        headers: headers(&["日期", "谈话对象", "谈话人", "#反映问题", "#解决问题", "谈话要点"]),
        cards: true,
        ..Default::default()
    };
    for x in &r.talks {
        s.rows.push(row(vec![
            t(x.date),
            link(&x.worker_name, format!("/workers/{}?tab=service", x.worker_id)),
            t(&x.held_by),
            n(x.problems_raised),
            n(x.problems_solved),
            t(x.note.clone().unwrap_or_default()),
        ]));
    }
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /talks`.
pub(crate) async fn record(form: Posted) -> Response {
    // Back to the quarter the talk falls in (or the one being viewed), in the community.
    let back = form.region_page("/talks", "community");
    let quarter = shegong_domain::worker::parse_date("date", "", &form.field("date"))
        .map(Quarter::of)
        .or_else(|_| Quarter::parse(&form.field("quarter")));
    let to = match quarter {
        Ok(q) => format!("{back}{}quarter={}", if back.contains('?') { '&' } else { '?' }, q.text()),
        Err(_) => back,
    };
    form.act(Permission::HoldTalks, &to, async |st, access, f| {
        let number =
            |k: &str| f.get(k).trim().parse::<i64>().unwrap_or(if f.get(k).trim().is_empty() { 0 } else { -1 });
        let i = TalkInput {
            community: f.opt("community"),
            worker_id: f.opt("worker_id").and_then(|w| uuid::Uuid::parse_str(&w).ok()),
            date: f.get("date"),
            problems_raised: number("problems_raised"),
            problems_solved: number("problems_solved"),
            note: f.opt("note"),
        };
        let m = residents::record_talk(&st.db, access, &i, today()).await?;
        Ok(format!("已记录{}的谈心谈话", m.held_on))
    })
    .await
}
