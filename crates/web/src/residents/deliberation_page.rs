//! `/deliberation`: residents' deliberation (居民议事). Above a community, the figures community by
//! community with 六盘水's sentence; in a community, its places and 说事长, topics waiting, the form
//! to record a meeting with its follow-up items, the meetings held and the items still open.
use crate::auth::Caller;
use crate::clock::today;
use crate::error::AppError;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{
    Cell, FormSpec, Kpi, Msg, Section, SectionsPage, checks, headers, hidden, input, link, n, row, select, t,
};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shegong_domain::deliberation::PlaceKind;
use shegong_domain::{Permission, RegionCode, RegionLevel};
use shegong_store::residents::{self, Board, ItemDone, ItemInput, MeetingInput, PlaceInput, TopicInput};
use uuid::Uuid;

fn forms(b: &Board) -> Vec<Section> {
    let c = b.community_code.clone();
    let places: Vec<(String, String)> =
        b.places.iter().map(|p| (p.place.id.to_string(), p.place.name.clone())).collect();
    let mut out = vec![Section {
        id: "meeting".into(),
        title: "登记议事活动".into(),
        text:
            "选本次议的待议议题，或把现场提出的议题每行写一个；跟进事项写明责任人和期限，办结后即计为“协调解决问题”。"
                .into(),
        forms: vec![FormSpec {
            action: "/deliberation/meeting".into(),
            fields: {
                let mut f = vec![
                    select("议事场所", "place_id", "", places),
                    input("日期", "held_on", "date", today().to_string(), 10),
                    input("参加人数", "attendees", "number", "", 4),
                ];
                if !b.waiting.is_empty() {
                    f.push(checks(
                        "待议议题",
                        "topic",
                        &[],
                        b.waiting.iter().map(|t| (t.id.to_string(), t.title.clone())).collect(),
                    ));
                }
                f.push(input("现场提出的议题（每行一个）", "new_topics", "note", "", 2000));
                f.push(input("议定事项", "decision", "note", "", 2000));
                for k in 1..=3 {
                    f.push(input(&format!("跟进事项{k}"), &format!("what{k}"), "text", "", 20));
                    f.push(input("责任人", &format!("owner{k}"), "text", "", 6));
                    f.push(input("期限", &format!("due{k}"), "date", "", 10));
                }
                f
            },
            button: "登记".into(),
            ..Default::default()
        }],
        ..Default::default()
    }];
    out.push(Section {
        id: "topic".into(),
        title: "登记居民提出的议题".into(),
        forms: vec![FormSpec {
            action: "/deliberation/topic".into(),
            fields: vec![
                hidden("community", &c),
                input("议题", "title", "text", "", 24),
                input("提出人", "raised_by", "text", "", 8),
            ],
            button: "登记".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    out.push(Section {
        id: "place".into(),
        title: "设立议事场所".into(),
        forms: vec![FormSpec {
            action: "/deliberation/place".into(),
            fields: vec![
                hidden("community", &c),
                input("名称", "name", "text", "", 16),
                select("类型", "kind", "hall", PlaceKind::ALL.map(|k| (k.as_str().into(), k.label().into())).to_vec()),
                input("说事长", "host_name", "text", "", 8),
            ],
            button: "设立".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    out
}

fn board_sections(b: &Board, may: bool) -> Vec<Section> {
    let mut out = Vec::new();
    let mut s = Section {
        title: format!("议事场所（{}个）", b.places.len()),
        headers: headers(&["名称", "类型", "说事长"]),
        ..Default::default()
    };
    for p in &b.places {
        s.rows.push(row(vec![t(&p.place.name), t(&p.kind_label), t(&p.place.host_name)]));
    }
    out.push(s);
    let mut s = Section {
        id: "items".into(),
        title: format!("未办结的跟进事项（{}项）", b.open_items.len()),
        text: "标记的已超过期限。".into(),
        headers: headers(&["事项", "责任人", "期限", "办结"]),
        cards: true,
        ..Default::default()
    };
    for i in &b.open_items {
        let mut r = row(vec![
            t(&i.what),
            t(&i.owner),
            t(i.due_on),
            if may {
                Cell {
                    form: format!("/deliberation/items/{}/done", i.id),
                    input: "result".into(),
                    placeholder: "办理结果（必填）".into(),
                    required: true,
                    button: "办结".into(),
                    ..Default::default()
                }
            } else {
                t("")
            },
        ]);
        r.flag = i.due_on < today();
        s.rows.push(r);
    }
    out.push(s);
    let mut s = Section {
        title: format!("待议议题（{}个）", b.waiting.len()),
        headers: headers(&["议题", "提出人", "提出日期"]),
        ..Default::default()
    };
    for x in &b.waiting {
        s.rows.push(row(vec![t(&x.title), t(&x.raised_by), t(x.raised_on)]));
    }
    out.push(s);
    let mut s = Section {
        title: "议事活动（最近50次）".into(),
        headers: headers(&["日期", "场所", "#人数", "议题", "议定事项", "跟进事项"]),
        cards: true,
        ..Default::default()
    };
    for m in &b.meetings {
        let items: Vec<String> = m
            .items
            .iter()
            .map(|i| {
                format!(
                    "{}（{}，{}）",
                    i.what,
                    i.owner,
                    i.done_on.map_or(format!("{}前", i.due_on), |d| format!("{d}办结"))
                )
            })
            .collect();
        s.rows.push(row(vec![
            t(m.meeting.held_on),
            t(&m.place_name),
            n(m.meeting.attendees),
            t(m.topics.join("；")),
            t(&m.meeting.decision),
            t(items.join("；")),
        ]));
    }
    out.push(s);
    out
}

/// `GET /deliberation?region=`.
pub(crate) async fn deliberation_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let region = match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Some(RegionCode::parse(r).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let r = residents::deliberation_figures(&st.db, &caller.access, region.as_ref(), None, today()).await?;
    let mut p = SectionsPage::new(&st, &caller, "service", "居民议事", &m).await?;
    p.links = super::links(&caller);
    p.subtitle = r.sentence.clone();
    let f = &r.total;
    p.kpis = Kpi::list(vec![
        ("议事活动".into(), f.meetings.to_string(), format!("参加 {} 人次", f.attendees)),
        ("议题".into(), f.topics.to_string(), format!("议事场所 {} 个", f.places)),
        ("协调解决问题".into(), f.solved.to_string(), "跟进事项办结".into()),
        ("未办结事项".into(), f.open_items.to_string(), format!("其中超期 {} 项", f.overdue_items)),
    ]);
    let code = RegionCode::parse(&r.region_code).map_err(|_| AppError::NotFound)?;
    if code.level() == RegionLevel::Community {
        let b = residents::board(&st.db, &caller.access, Some(&code)).await?;
        let may = caller.role.may(Permission::ServeResidents);
        if may && !b.places.is_empty() {
            p.sections.extend(forms(&b).into_iter().take(2));
        }
        p.sections.extend(board_sections(&b, may));
        if may {
            p.sections.extend(forms(&b).into_iter().skip(2));
        }
    } else {
        let mut s = Section {
            title: "各社区".into(),
            headers: headers(&["社区", "#议事场所", "#议事活动", "#议题", "#协调解决问题", "#未办结", "#超期"]),
            whole_export: true,
            ..Default::default()
        };
        let total = r.communities.len();
        for c in m.paging().slice(r.communities.iter().collect::<Vec<_>>()) {
            let x = &c.figures;
            let mut rr = row(vec![
                link(&c.community_name, format!("/deliberation?region={}", c.community_code)),
                n(x.places),
                n(x.meetings),
                n(x.topics),
                n(x.solved),
                n(x.open_items),
                n(x.overdue_items),
            ]);
            rr.flag = x.overdue_items > 0;
            s.rows.push(rr);
        }
        s.pager = m.page_links("/deliberation", total);
        p.sections.push(s);
    }
    p.finish(&m).await
}

/// `POST /deliberation/{place|topic|meeting}` (the community's forms).
pub(crate) async fn post(Path(what): Path<String>, form: Posted) -> Response {
    let to = form.region_page("/deliberation", "community");
    form.act(Permission::ServeResidents, &to, async |st, access, f| match what.as_str() {
        "place" => {
            let i = PlaceInput {
                community: f.opt("community"),
                name: f.get("name"),
                kind: f.get("kind"),
                host_name: f.opt("host_name"),
                host_worker_id: None,
            };
            Ok(format!("已设立{}", residents::add_place(&st.db, access, &i).await?.name))
        }
        "topic" => {
            let i = TopicInput {
                community: f.opt("community"),
                place_id: None,
                title: f.get("title"),
                raised_by: f.get("raised_by"),
            };
            Ok(format!("已登记议题“{}”", residents::raise_topic(&st.db, access, &i, today()).await?.title))
        }
        "meeting" => {
            let mut topic_ids: Vec<Uuid> = f
                .rest
                .keys()
                .filter_map(|k| k.strip_prefix("topic."))
                .filter_map(|k| Uuid::parse_str(k).ok())
                .collect();
            topic_ids.sort();
            let i = MeetingInput {
                place_id: f.opt("place_id").and_then(|v| Uuid::parse_str(&v).ok()),
                held_on: f.opt("held_on"),
                attendees: f.opt("attendees").and_then(|v| v.parse().ok()),
                topic_ids,
                new_topics: f.opt("new_topics"),
                decision: f.get("decision"),
                items: (1..=3)
                    .map(|k| ItemInput {
                        what: f.get(&format!("what{k}")),
                        owner: f.get(&format!("owner{k}")),
                        due_on: f.get(&format!("due{k}")),
                    })
                    .collect(),
            };
            let m = residents::hold_meeting(&st.db, access, &i, today()).await?;
            Ok(format!("已登记{}的议事活动", m.held_on))
        }
        _ => Err(AppError::NotFound),
    })
    .await
}

/// `POST /deliberation/items/{id}/done`.
pub(crate) async fn close(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ServeResidents, "/deliberation", async |st, access, f| {
        let i = residents::close_item(&st.db, access, id, &ItemDone { result: f.get("result") }, today()).await?;
        Ok(format!("“{}”已办结", i.what))
    })
    .await
}
