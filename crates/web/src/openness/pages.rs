//! `/disclosure`: 居务公开 — the community's form to publish (a correction cites the item), what the region's
//! communities published, the late and missing periods (the street's alerts), and residents'
//! questions with the form to answer them and say whether they are shown.
use super::api::since;
use crate::auth::Caller;
use crate::clock::today;
use crate::error::AppError;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{
    Cell, FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, link, n, row, select, t,
};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use shegong_domain::openness::{Category, Period};
use shegong_domain::{Permission, RegionCode, RegionLevel};
use shegong_store::openness::{self, AnswerInput, DisclosureInput};
use uuid::Uuid;

pub(crate) fn here(caller: &Caller, m: &Msg) -> Result<RegionCode, AppError> {
    match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => RegionCode::parse(r).map_err(|_| AppError::NotFound),
        None => Ok(caller.scope.region().clone()),
    }
}

/// The pages of 减负 and openness, for each page's links.
pub(crate) fn links(here: &RegionCode) -> Vec<(String, String)> {
    [
        ("/work-items", "减负清单"),
        ("/proofs", "出具证明"),
        ("/seals", "印章使用"),
        ("/disclosure", "居务公开"),
        ("/inspections", "双随机抽查"),
        ("/admissions", "准入"),
        ("/openness", "减负统计"),
    ]
    .into_iter()
    .map(|(p, l)| (format!("{p}?region={here}"), l.to_string()))
    .collect()
}

pub(crate) async fn area(st: &AppState, here: &RegionCode) -> Result<String, AppError> {
    let names = shegong_store::regions::names(&st.db.conn, vec![here.to_string()]).await?;
    Ok(names.get(here.as_str()).cloned().unwrap_or_default())
}

/// `GET /disclosure?region=`.
pub(crate) async fn disclosure_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let mut p = SectionsPage::new(&st, &caller, "lists", "居务公开", &m).await?;
    let here = here(&caller, &m)?;
    let on = today();
    let (from, to) = crate::work_items::api::period(m.from.as_deref(), m.to.as_deref())?;
    let start = since(None, on)?;
    let (items, report, questions) = tokio::try_join!(
        openness::disclosures(&st.db, &caller.access, Some(&here), from, to, 300),
        openness::timeliness(&st.db, &caller.access, Some(&here), start, on, 200),
        openness::questions(&st.db, &caller.access, Some(&here), 200),
    )?;
    let area = area(&st, &here).await?;
    p.links = links(&here);
    if here.level() == RegionLevel::Community {
        p.links.push((format!("/p/{here}/disclosure"), "居民看到的公开页".into()));
    }
    p.subtitle = area.clone();
    if SectionsPage::wants_xlsx(&m) {
        p.title = format!("居务公开-{area}-{on}");
    }
    let waiting = questions.iter().filter(|q| q.answer.is_none()).count();
    p.kpis = Kpi::list(vec![
        (
            "按时公开率".into(),
            report.on_time_pct.map_or("—".into(), |v| format!("{v:.1}%")),
            format!("近一年应公开 {} 期", report.on_time + report.late + report.missing),
        ),
        ("逾期公开".into(), format!("{} 期", report.late), "超过政策规定的期限".into()),
        ("未公开".into(), format!("{} 期", report.missing), "期限已过仍未公开".into()),
        ("待答复提问".into(), format!("{waiting} 条"), "居民在公开页提出".into()),
    ]);
    let policy = openness::policy_for(&st.db, here.as_str(), on).await?;
    if here.level() == RegionLevel::Community
        && caller.role.may(Permission::PublishDisclosure)
        && !SectionsPage::wants_xlsx(&m)
    {
        let rules: Vec<String> = policy
            .disclosure
            .iter()
            .map(|r| {
                let c = match r.cadence {
                    shegong_domain::openness::Cadence::Monthly => "每月",
                    shegong_domain::openness::Cadence::Quarterly => "每季度",
                };
                format!("{}公开{c}一次，期满后{}天内公开", r.category.label(), r.deadline_days)
            })
            .collect();
        let corrects =
            std::iter::once((String::new(), "（不是更正）".to_string()))
                .chain(
                    items.iter().filter(|i| i.corrected_by.is_none()).take(50).map(|i| {
                        (i.id.to_string(), format!("{} {}《{}》", i.published_on, i.category.label(), i.title))
                    }),
                )
                .collect();
        // The periods to choose from: the last twelve months and four quarters, and 随时公开.
        let mut periods = Vec::new();
        for cadence in [shegong_domain::openness::Cadence::Monthly, shegong_domain::openness::Cadence::Quarterly] {
            let now = Period::of(cadence, on);
            periods.push((now.key(), now.label()));
            let n = if cadence == shegong_domain::openness::Cadence::Monthly { 11 } else { 3 };
            periods.extend(
                shegong_domain::openness::ended_periods(cadence, on, n).into_iter().map(|p| (p.key(), p.label())),
            );
        }
        periods.push(("event".into(), "随时公开（不按周期）".into()));
        p.sections.push(Section {
            id: "publish".into(),
            title: "发布公开事项".into(),
            text: format!(
                "{}。发布后不能修改或删除；内容有误时另发一条更正，选择更正的是哪一条（须同一类别）。",
                rules.join("；")
            ),
            forms: vec![FormSpec {
                action: "/disclosure".into(),
                fields: vec![
                    hidden("community", here.as_str()),
                    select(
                        "类别",
                        "category",
                        Category::Affairs.as_str(),
                        Category::ALL.iter().map(|c| (c.as_str().into(), format!("{}公开", c.label()))).collect(),
                    ),
                    select(
                        "公开期",
                        "period",
                        &Period::of(shegong_domain::openness::Cadence::Monthly, on).key(),
                        periods,
                    ),
                    input("标题", "title", "text", "", 24),
                    select("更正", "corrects", "", corrects),
                    input("内容", "body", "note", "", 5000),
                ],
                button: "发布".into(),
                confirm: "发布后不能修改或删除，确认发布？".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    if here.level() != RegionLevel::Community && here.level() != RegionLevel::Street {
        let mut s = Section {
            id: "children".into(),
            title: "各下级按时公开情况".into(),
            text: "近一年已结束的公开期。".into(),
            headers: headers(&["区划", "#应公开期数", "#按时", "#逾期", "#未公开", "#按时公开率"]),
            ..Default::default()
        };
        for (code, name, due, ok, late, missing) in &report.by_child {
            let mut r = row(vec![
                link(name, format!("/disclosure?region={code}")),
                n(due),
                n(ok),
                n(late),
                n(missing),
                t(if *due == 0 { "—".into() } else { format!("{:.1}%", *ok as f64 * 100.0 / *due as f64) }),
            ]);
            r.flag = *missing > 0;
            s.rows.push(r);
        }
        p.sections.push(s);
    }
    let mut s = Section {
        id: "alerts".into(),
        title: if report.alerts_total > report.alerts.len() as u64 {
            format!("逾期和未公开（共{}条，列出最近{}条）", report.alerts_total, report.alerts.len())
        } else {
            format!("逾期和未公开（{}条）", report.alerts_total)
        },
        text: "近一年已结束的公开期，按各社区适用政策规定的周期和期限。".into(),
        headers: headers(&["社区", "类别", "公开期", "期限", "公开日期", "情况"]),
        cards: true,
        ..Default::default()
    };
    for a in &report.alerts {
        let mut r = row(vec![
            link(&a.community_name, format!("/disclosure?region={}", a.community_code)),
            t(format!("{}公开", a.category.label())),
            t(&a.period_label),
            t(a.deadline),
            t(a.first_published.map(|d| d.to_string()).unwrap_or_default()),
            t(a.state.label()),
        ]);
        r.flag = a.state == shegong_domain::openness::Timeliness::Missing;
        s.rows.push(r);
    }
    p.sections.push(s);
    let mut s = Section {
        id: "items".into(),
        title: format!("已公开事项（{from} 至 {to}，{}条）", items.len()),
        headers: headers(&["公开日期", "社区", "类别", "公开期", "标题", "内容", "更正"]),
        cards: true,
        ..Default::default()
    };
    for i in &items {
        let note = match (i.corrects, i.corrected_by) {
            (_, Some(_)) => "已被更正".to_string(),
            (Some(old), None) => {
                items.iter().find(|x| x.id == old).map_or("更正前条".into(), |o| format!("更正《{}》", o.title))
            }
            _ => String::new(),
        };
        s.rows.push(row(vec![
            t(i.published_on),
            t(&i.community_name),
            t(format!("{}公开", i.category.label())),
            t(&i.period_label),
            t(&i.title),
            t(shegong_domain::text::clipped(&i.body, 60)),
            t(note),
        ]));
    }
    p.sections.push(s);
    let may_answer = caller.role.may(Permission::PublishDisclosure) && !SectionsPage::wants_xlsx(&m);
    let mut s = Section {
        id: "questions".into(),
        title: format!("居民提问（{}条，待答复{waiting}条）", questions.len()),
        text: "答复并审核后选择“公开显示”，才会出现在社区的公开页上。".into(),
        headers: headers(&[
            "提问时间",
            "社区",
            "关于",
            "问题",
            "答复",
            "公开显示",
            if may_answer { "答复" } else { "" },
        ]),
        cards: true,
        ..Default::default()
    };
    for q in &questions {
        s.rows.push(row(vec![
            t(crate::clock::local_time(q.asked_at)),
            t(&q.community_name),
            t(q.about.clone().unwrap_or_default()),
            t(&q.question),
            t(q.answer.clone().unwrap_or_default()),
            t(match (&q.answer, q.shown) {
                (None, _) => "待答复",
                (Some(_), true) => "是",
                (Some(_), false) => "否",
            }),
            if may_answer && q.answer.is_none() {
                Cell {
                    form: format!("/disclosure/questions/{}/answer", q.id),
                    hidden: vec![("region".into(), here.to_string())],
                    input: "answer".into(),
                    placeholder: "答复内容".into(),
                    required: true,
                    text: "1".into(),
                    options: vec![("1".into(), "公开显示".into()), ("0".into(), "不显示".into())],
                    select_name: "show".into(),
                    button: "答复".into(),
                    ..Default::default()
                }
            } else {
                t("")
            },
        ]));
    }
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /disclosure` (the form).
pub(crate) async fn publish(form: Posted) -> Response {
    let to = form.region_page("/disclosure", "community");
    form.act(Permission::PublishDisclosure, &to, async |st, access, f| {
        let i = DisclosureInput {
            community: f.opt("community"),
            category: f.get("category"),
            period: f.get("period"),
            title: f.get("title"),
            body: f.get("body"),
            // A choice that is not an item is refused as one, not dropped.
            corrects: f.opt("corrects").map(|v| Uuid::parse_str(&v).unwrap_or(Uuid::nil())),
        };
        let m = openness::publish(&st.db, access, &i, today()).await?;
        Ok(format!("已公开《{}》", m.title))
    })
    .await
}

/// `POST /disclosure/questions/{id}/answer` (the form).
pub(crate) async fn answer(axum::extract::Path(id): axum::extract::Path<Uuid>, form: Posted) -> Response {
    let to = form.region_page("/disclosure", "region");
    form.act(Permission::PublishDisclosure, &to, async |st, access, f| {
        let i = AnswerInput { answer: f.get("answer"), show: f.get("show") == "1" };
        let m = openness::answer(&st.db, access, id, &i).await?;
        Ok(if m.shown {
            "已答复，将在公开页显示".into()
        } else {
            "已答复（不在公开页显示）".into()
        })
    })
    .await
}
