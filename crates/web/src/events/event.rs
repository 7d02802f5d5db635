//! One event's page: the event, its photos, its timeline, and a form for each step the caller may
//! take now; and the step posted from it.

use crate::auth::Caller;
use crate::events::views::detail;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, n, row, store, t};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shegong_domain::events::EventState;
use shegong_store::events::{self, ActInput};
use uuid::Uuid;

/// `GET /events/{id}`: the event, its timeline, and the steps the caller may take.
pub(crate) async fn event_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    let t_ = store(events::get(&st.db, &caller.scope, id).await)?;
    let one = std::slice::from_ref(&t_.event);
    let names = store(events::names(&st.db, one).await)?;
    let policy = events::policy_for(&st.db, &t_.event.community_code, crate::clock::today()).await?;
    let d = detail(&t_.event, &t_.steps, &caller, &names, &policy, chrono::Utc::now());
    let e = &d.event;
    let mut p = SectionsPage::new(&st, &caller, "events", &format!("事件 {}", e.number), &m).await?;
    p.subtitle = format!("{} · {}", e.category_label, e.region_name);
    p.crumbs = vec![("/events".into(), "民情事件".into())];
    p.kpis = Kpi::list(vec![
        ("状态".into(), e.state_label.clone(), format!("第{}版", e.version)),
        (
            "办结时限".into(),
            e.total_due_text.clone(),
            if e.warning == "none" { String::new() } else { e.warning_label.clone() },
        ),
        ("返工".into(), e.reworks.to_string(), "次".into()),
        ("督办".into(), if e.supervision > 0 { format!("{}级", e.supervision) } else { "无".into() }, String::new()),
    ]);
    let mut facts = vec![
        ("事件描述", e.description.clone()),
        ("紧急程度", e.urgency_label.clone()),
        ("来源", e.source_label.clone()),
        ("上报时间", e.reported_at_text.clone()),
    ];
    facts.extend(e.address.clone().map(|a| ("地点", a)));
    let by_department = e.handler_kind.as_deref() == Some("department");
    facts.extend(e.handler_name.clone().map(|h| (if by_department { "承办部门" } else { "承办社区" }, h)));
    facts.extend(e.reporter_name.clone().map(|h| ("反映人", h)));
    facts.extend(e.reporter_phone.clone().map(|h| ("电话", h)));
    facts.extend(e.rating_label.clone().map(|h| ("评价", h)));
    facts.extend(e.extension_asked.map(|d| ("延期申请", format!("申请延期{d}天，待上级批准"))));
    if e.extended_days > 0 {
        facts.push(("已批准延期", format!("共{}天", e.extended_days)));
    }
    let mut s =
        Section { title: "事件内容".into(), headers: headers(&["", ""]), cards: true, ..Default::default() };
    s.rows = facts.into_iter().map(|(k, v)| row(vec![t(k), t(v)])).collect();
    p.sections.push(s);
    p.sections.push(crate::events::photos::section(&st, &caller, id).await?);

    if !d.allowed_actions.is_empty() {
        // The county's departments whose remit holds the event, for handing it down.
        let departments = if d.allowed_actions.iter().any(|a| a.action == "assign") && e.state == "escalated" {
            let all = store(shegong_store::departments::for_event(&st.db, &caller.access, &t_.event).await)?;
            all.into_iter().map(|d| (d.id.to_string(), d.name)).collect()
        } else {
            vec![]
        };
        let forms = d
            .allowed_actions
            .iter()
            .map(|a| {
                let mut fields = vec![hidden("action", &a.action), hidden("version", e.version.to_string())];
                fields.extend(crate::events::views::step_fields(&a.action, e, &departments));
                FormSpec { action: format!("/events/{id}/act"), fields, button: a.label.clone(), ..Default::default() }
            })
            .collect();
        let mut text = "每一步都记录办理人、时间和说明，之后不能修改。".to_string();
        if e.state == "escalated" && departments.is_empty() && d.allowed_actions.iter().any(|a| a.action == "assign") {
            text.push_str("本县（市、区）没有职责范围包含该类事件的职能部门，只能交办给社区。");
        }
        p.sections.push(Section { id: "act".into(), title: "办理".into(), text, forms, ..Default::default() });
    }
    let mut s = Section {
        id: "timeline".into(),
        title: "办理过程".into(),
        headers: headers(&["#步骤", "操作", "状态", "办理人", "时间", "说明"]),
        cards: true,
        ..Default::default()
    };
    s.rows = d
        .steps
        .iter()
        .map(|x| {
            row(vec![
                n(x.seq),
                t(&x.action_label),
                t(if x.from_state_label == x.to_state_label {
                    x.to_state_label.clone()
                } else {
                    format!("{} → {}", x.from_state_label, x.to_state_label)
                }),
                t(&x.actor),
                t(&x.at_text),
                t(crate::events::views::step_note(x)),
            ])
        })
        .collect();
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /events/{id}/act`: one step from the event page; back to it.
pub(crate) async fn act(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act_checked_to(&format!("/events/{id}"), async |st, access, f| {
        let input = ActInput {
            action: f.get("action"),
            version: f.get("version").trim().parse().ok(),
            reason: f.opt("reason"),
            result: f.opt("result"),
            note: f.opt("note"),
            // Not a whole number of days (`-3`, `abc`): asked as none, which the loop refuses by its range.
            days: f.opt("days").map(|d| d.trim().parse().unwrap_or(0)),
            level: f.opt("level").and_then(|d| d.trim().parse().ok()),
            rating: f.opt("rating"),
            handler: f.opt("handler"),
            department: f.opt("department").and_then(|d| d.trim().parse().ok()),
            duplicate_of: f.opt("duplicate_of"),
        };
        let label = crate::events::views::action_label(&input.action);
        let e = store(events::act(&st.db, access, id, &input).await)?;
        let gone = events::get(&st.db, &access.scope, id).await.is_err();
        let state = EventState::parse(&e.state).map_or("", EventState::label);
        Ok(if gone {
            (Some("/events".into()), format!("已{label}，事件{}现为“{state}”，已不在您的办理范围内", e.number))
        } else {
            (None, format!("已{label}，事件现为“{state}”"))
        })
    })
    .await
}
