//! `/inspections`: 双随机一公开 — the draw (its seed and candidates shown, re-run to show it fair), the
//! communities drawn with their inspectors, the form to record an inspection and its findings, and
//! each finding closed when put right.
use super::pages::{here, links};
use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{Cell, FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, n, row, select, t};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shegong_domain::{Permission, RegionLevel};
use shegong_store::openness::{self, CloseInput, DrawInput, FindingInput, RecordInput, RoundView, Seed};
use uuid::Uuid;

/// Finding slots on the record form.
const SLOTS: usize = 3;

fn round_sections(v: &RoundView, may: bool, region: &str) -> Vec<Section> {
    let done = v.targets.iter().filter(|x| x.inspected_on.is_some()).count();
    let mut s = Section {
        id: format!("round-{}", v.id),
        title: format!("{}（{}抽取）", v.title, v.drawn_on),
        text: format!(
            "{}从{}个社区中抽取{}个，随机种子“{}”，每个社区随机派检查人员{}名（检查人员库{}人）；组织：{}。{}检查清单：{}。已检查{}个。",
            v.region_name,
            v.candidates,
            v.wanted,
            v.seed,
            v.per_target,
            v.inspectors.len(),
            v.drawn_by,
            if v.reproduced {
                "按记录的种子和候选名单重新抽取，结果与记录一致。"
            } else {
                "按记录的种子和候选名单重新抽取，结果与记录不一致！"
            },
            v.checklist.join("、"),
            done
        ),
        headers: headers(&["#序", "社区", "检查人员", "检查日期", "检查情况", "#问题", "#未整改"]),
        cards: true,
        ..Default::default()
    };
    for x in &v.targets {
        let open = x.findings.iter().filter(|f| f.closed_on.is_none()).count();
        let mut r = row(vec![
            n(x.ord),
            t(&x.community_name),
            t(&x.inspectors),
            t(x.inspected_on.map(|d| d.to_string()).unwrap_or_else(|| "未检查".into())),
            t(x.note.clone().unwrap_or_default()),
            n(x.findings.len()),
            n(open),
        ]);
        r.flag = x.findings.iter().any(|f| f.overdue);
        s.rows.push(r);
    }
    let waiting: Vec<(String, String)> = v
        .targets
        .iter()
        .filter(|x| x.inspected_on.is_none())
        .map(|x| (x.id.to_string(), format!("{}（{}）", x.community_name, x.inspectors)))
        .collect();
    if may && !waiting.is_empty() {
        let items: Vec<(String, String)> = std::iter::once((String::new(), "（无问题）".to_string()))
            .chain(v.checklist.iter().map(|c| (c.clone(), c.clone())))
            .collect();
        let mut fields = vec![
            hidden("region", region),
            select("社区", "target", "", waiting),
            input("检查日期", "date", "date", today().to_string(), 10),
            input("检查情况", "note", "text", "", 24),
        ];
        for k in 1..=SLOTS {
            fields.push(select(&format!("问题{k}：检查项"), &format!("item{k}"), "", items.clone()));
            fields.push(input(&format!("问题{k}"), &format!("finding{k}"), "text", "", 20));
            fields.push(input(&format!("问题{k}：整改期限"), &format!("due{k}"), "date", "", 10));
        }
        s.forms.push(FormSpec {
            action: "/inspections/record".into(),
            fields,
            button: "登记检查结果".into(),
            confirm: "检查结果登记后不能修改，确认登记？".into(),
            ..Default::default()
        });
    }
    let mut out = vec![s];
    let findings: Vec<_> = v.targets.iter().flat_map(|x| x.findings.iter().map(move |f| (x, f))).collect();
    if !findings.is_empty() {
        let mut s = Section {
            id: format!("findings-{}", v.id),
            title: format!("发现的问题（{}个）", findings.len()),
            headers: headers(&[
                "社区",
                "检查项",
                "问题",
                "整改期限",
                "整改完成",
                "整改情况",
                if may { "销号" } else { "" },
            ]),
            cards: true,
            ..Default::default()
        };
        for (x, f) in findings {
            let mut r = row(vec![
                t(&x.community_name),
                t(&f.item),
                t(&f.finding),
                t(f.due_on),
                t(f.closed_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| if f.overdue { "逾期未整改".into() } else { "整改中".into() })),
                t(f.closing.clone().unwrap_or_default()),
                if may && f.closed_on.is_none() {
                    Cell {
                        form: format!("/inspections/findings/{}/close", f.id),
                        hidden: vec![("region".into(), region.into())],
                        input: "closing".into(),
                        placeholder: "整改情况".into(),
                        required: true,
                        button: "销号".into(),
                        ..Default::default()
                    }
                } else {
                    t("")
                },
            ]);
            r.flag = f.overdue;
            s.rows.push(r);
        }
        out.push(s);
    }
    out
}

/// `GET /inspections?region=`.
pub(crate) async fn page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let mut p = SectionsPage::new(&st, &caller, "lists", "“双随机”抽查", &m).await?;
    let here = here(&caller, &m)?;
    let rounds = openness::rounds(&st.db, &caller.access, Some(&here)).await?;
    p.links = links(&here);
    if SectionsPage::wants_xlsx(&m) {
        let names = shegong_store::regions::names(&st.db.conn, vec![here.to_string()]).await?;
        p.title = format!("双随机抽查-{}-{}", names.get(here.as_str()).cloned().unwrap_or_default(), today());
    }
    let xlsx = SectionsPage::wants_xlsx(&m);
    let may = caller.role.may(Permission::Inspect) && !xlsx;
    let targets: Vec<_> = rounds.iter().flat_map(|r| r.targets.iter()).collect();
    let distinct = |f: &dyn Fn(&&shegong_store::openness::TargetRow) -> bool| {
        targets
            .iter()
            .filter(|x| f(x))
            .map(|x| x.community_code.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    let open = targets.iter().flat_map(|x| x.findings.iter()).filter(|f| f.closed_on.is_none()).count();
    let overdue = targets.iter().flat_map(|x| x.findings.iter()).filter(|f| f.overdue).count();
    p.kpis = Kpi::list(vec![
        ("抽查轮次".into(), format!("{} 轮", rounds.len()), "抽到本辖区社区的".into()),
        (
            "已检查社区".into(),
            format!("{} 个", distinct(&|x| x.inspected_on.is_some())),
            format!("共抽中 {} 个（{} 次）", distinct(&|_| true), targets.len()),
        ),
        ("未整改问题".into(), format!("{open} 个"), format!("其中逾期 {overdue} 个")),
    ]);
    if may && here.level() != RegionLevel::Community {
        let policy = openness::policy_for(&st.db, here.as_str(), today()).await?;
        p.sections.push(Section {
            id: "draw".into(),
            title: "抽取社区".into(),
            text: format!(
                "从本区划全部社区中随机抽取，并为每个社区从检查人员库中随机派出检查人员。随机种子和候选名单一并记录，任何人可用同一种子重新抽取核对。检查清单（政策规定）：{}。",
                policy.checklist.join("、")
            ),
            forms: vec![FormSpec {
                action: "/inspections/draw".into(),
                fields: vec![
                    hidden("region", here.as_str()),
                    input("名称", "title", "text", "", 20),
                    input("抽取社区数", "count", "number", "4", 4),
                    input("随机种子（不填由系统生成）", "seed", "text", "", 12),
                    input("每个社区检查人员数", "per_target", "number", "2", 3),
                    input("检查人员库（姓名，用顿号或换行分开）", "inspectors", "note", "", 2000),
                ],
                button: "抽取".into(),
                confirm: "抽取结果（含随机种子和候选名单）将记录并公开，确认抽取？".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    for v in &rounds {
        p.sections.extend(round_sections(v, may, here.as_str()));
    }
    p.finish(&m).await
}

/// `POST /inspections/draw` (the form).
pub(crate) async fn draw(form: Posted) -> Response {
    let to = form.region_page("/inspections", "region");
    form.act(Permission::Inspect, &to, async |st, access, f| {
        let i = DrawInput {
            region: f.opt("region"),
            count: f.get("count").trim().parse().unwrap_or(0),
            seed: f.opt("seed").map(Seed::Text),
            title: f.opt("title"),
            inspectors: f
                .get("inspectors")
                .split(['、', '，', ',', '\n', ';', '；'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            per_target: f.get("per_target").trim().parse().ok(),
        };
        let v = openness::draw(&st.db, access, &i, today()).await?;
        let names: Vec<&str> = v.targets.iter().map(|x| x.community_name.as_str()).collect();
        Ok(format!("已抽取（种子“{}”）：{}", v.seed, names.join("、")))
    })
    .await
}

/// `POST /inspections/record` (the form).
pub(crate) async fn record(form: Posted) -> Response {
    let to = form.region_page("/inspections", "region");
    form.act(Permission::Inspect, &to, async |st, access, f| {
        let target = Uuid::parse_str(f.get("target").trim()).map_err(|_| crate::error::AppError::NotFound)?;
        // A slot with anything in it is a finding (a problem typed without its 检查项 is refused).
        let findings = (1..=SLOTS)
            .filter_map(|k| {
                let (item, finding) = (f.get(&format!("item{k}")), f.get(&format!("finding{k}")));
                (!item.trim().is_empty() || !finding.trim().is_empty()).then(|| FindingInput {
                    item,
                    finding,
                    due: f.opt(&format!("due{k}")),
                })
            })
            .collect();
        let i = RecordInput { date: f.opt("date"), note: f.opt("note"), findings };
        openness::record_inspection(&st.db, access, target, &i, today()).await?;
        Ok("已登记检查结果".into())
    })
    .await
}

/// `POST /inspections/findings/{id}/close` (the form).
pub(crate) async fn close(Path(id): Path<Uuid>, form: Posted) -> Response {
    let to = form.region_page("/inspections", "region");
    form.act(Permission::Inspect, &to, async |st, access, f| {
        let i = CloseInput { date: None, closing: f.get("closing") };
        openness::close_finding(&st.db, access, id, &i, today()).await?;
        Ok("已整改销号".into())
    })
    .await
}
