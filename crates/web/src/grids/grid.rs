//! One grid's page: who covers it now, the forms to assign and release them, and its history.
use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{
    Cell, FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, input, link, n, not_for_workers, row, select,
    store, t,
};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shegong_domain::Permission;
use shegong_domain::event_access::mask_phone;
use shegong_domain::grids::Duty;
use shegong_store::entity::grid_duty;
use shegong_store::grids::{self, Candidate, DutyInput};
use uuid::Uuid;

fn end_cell(d: &grid_duty::Model, grid: &str, button: &str) -> Cell {
    let label = Duty::parse(&d.duty).map_or("", Duty::label);
    Cell {
        form: format!("/grids/duties/{}/end", d.id),
        hidden: vec![("grid".into(), grid.into())],
        button: button.into(),
        confirm: format!("{button}{}的{label}职责？记录会保留在变动记录中。", d.name),
        ..Default::default()
    }
}

fn worker_form(grid: &str, duty: Duty, people: &[&Candidate], button: &str) -> FormSpec {
    FormSpec {
        action: format!("/grids/{grid}/duties"),
        fields: vec![
            hidden("duty", duty.as_str()),
            select(
                duty.label(),
                "worker_id",
                "",
                std::iter::once((String::new(), "请选择".to_string()))
                    .chain(people.iter().map(|c| (c.worker_id.to_string(), format!("{}（{}）", c.name, c.title))))
                    .collect(),
            ),
        ],
        button: button.into(),
        ..Default::default()
    }
}

/// `GET /grids/{code}`.
pub(crate) async fn grid_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(m): Query<Msg>,
) -> PageResult {
    not_for_workers(&caller)?;
    let g = grids::get(&st.db, &caller.scope, &code, today()).await?;
    let code = g.grid.code.clone();
    let edit = caller.role.may(Permission::ManageGrids);
    let mut p = SectionsPage::new(&st, &caller, "grids", &format!("{} {}", g.community_name, g.grid.name), &m).await?;
    let region = shegong_domain::RegionCode::parse(&code).map_err(|_| crate::error::AppError::NotFound)?;
    let path = shegong_store::regions::path(&st.db, &caller.scope, &region).await?;
    p.crumbs = path
        .iter()
        .take(path.len().saturating_sub(1))
        .map(|r| (format!("/grids?region={}", r.code), r.name.clone()))
        .collect();
    let leaders: Vec<&grid_duty::Model> = g.grid.held(Duty::LinkLeader).collect();
    let linked: i64 = leaders.iter().filter_map(|l| l.households).map(i64::from).sum();
    p.kpis = Kpi::list(vec![
        (
            "户数".into(),
            g.grid.households.to_string(),
            match g.grid.ceiling {
                Some(c) if g.grid.over_ceiling() => format!("超过上限 {c} 户，宜调整网格"),
                Some(c) => format!("上限 {c} 户"),
                None => "未适用政策".into(),
            },
        ),
        ("网格员".into(), g.grid.held(Duty::GridWorker).count().to_string(), "人".into()),
        ("联户长".into(), leaders.len().to_string(), format!("联系 {linked} 户")),
        (
            "网格党小组".into(),
            g.grid.held(Duty::PartyGroup).next().map_or("未建".into(), |d| d.name.clone()),
            String::new(),
        ),
    ]);
    let people = if edit { grids::candidates(&st.db, &caller.scope, &g.grid.community_code).await? } else { vec![] };
    for (duty, hint) in [
        (Duty::GridWorker, "网格员由本社区在岗社区工作者担任，一人可负责多个网格。"),
        (Duty::Committee, "包格两委：负责本网格的社区“两委”成员（包格联户）。"),
    ] {
        let mut s = Section {
            title: duty.label().into(),
            text: hint.into(),
            headers: headers(&["姓名", "担任日期", ""]),
            cards: true,
            ..Default::default()
        };
        for d in g.grid.held(duty) {
            s.rows.push(row(vec![
                match d.worker_id {
                    Some(w) => link(&d.name, format!("/workers/{w}")),
                    None => t(&d.name),
                },
                t(d.start_on),
                if edit { end_cell(d, &code, "解除") } else { t("") },
            ]));
        }
        if edit {
            let held: Vec<Uuid> = g.grid.held(duty).filter_map(|d| d.worker_id).collect();
            let choices: Vec<&Candidate> = people
                .iter()
                .filter(|c| duty != Duty::Committee || c.two_committees)
                .filter(|c| !held.contains(&c.worker_id))
                .collect();
            s.forms.push(worker_form(&code, duty, &choices, &format!("指派{}", duty.label())));
        }
        p.sections.push(s);
    }
    let mut s = Section {
        title: "联户长".into(),
        text: "联户长是联系若干户居民的热心居民；电话仅供工作联系。".into(),
        headers: headers(&["姓名", "联系电话", "#联系户数", "担任日期", ""]),
        cards: true,
        ..Default::default()
    };
    for d in &leaders {
        s.rows.push(row(vec![
            t(&d.name),
            t(d.phone.clone().unwrap_or_default()),
            n(d.households.unwrap_or(0)),
            t(d.start_on),
            if edit { end_cell(d, &code, "解除") } else { t("") },
        ]));
    }
    if edit {
        s.forms.push(FormSpec {
            action: format!("/grids/{code}/duties"),
            fields: vec![
                hidden("duty", Duty::LinkLeader.as_str()),
                input("姓名", "name", "text", "", 8),
                input("联系电话", "phone", "tel", "", 12),
                input("联系户数", "households", "number", "", 4),
            ],
            button: "添加联户长".into(),
            ..Default::default()
        });
    }
    p.sections.push(s);
    if edit {
        let current = g.grid.held(Duty::PartyGroup).next().map(|d| d.name.clone()).unwrap_or_default();
        let mut s = Section { title: "网格党小组".into(), ..Default::default() };
        s.text =
            if current.is_empty() { "尚未记录网格党小组。".into() } else { format!("现为：{current}") };
        if let Some(d) = g.grid.held(Duty::PartyGroup).next() {
            s.headers = headers(&["名称", "记录日期", ""]);
            s.rows.push(row(vec![t(&d.name), t(d.start_on), end_cell(d, &code, "撤销")]));
        }
        s.forms.push(FormSpec {
            action: format!("/grids/{code}/duties"),
            fields: vec![hidden("duty", Duty::PartyGroup.as_str()), input("名称", "name", "text", current, 16)],
            button: "保存网格党小组".into(),
            ..Default::default()
        });
        p.sections.push(s);
    }
    p.sections.push(history(&st, &g.history).await?);
    p.finish(&m).await
}

async fn history(st: &AppState, rows: &[grid_duty::Model]) -> Result<Section, crate::error::AppError> {
    let who: Vec<String> =
        rows.iter().flat_map(|d| std::iter::once(d.added_by.clone()).chain(d.ended_by.clone())).collect();
    let names = shegong_store::users::signed_names(&st.db, who).await?;
    let name = |u: &str| names.get(u).cloned().unwrap_or_else(|| u.to_string());
    let mut s = Section {
        id: "history".into(),
        title: "变动记录".into(),
        text: "每一次指派和解除都保留，不可修改。".into(),
        headers: headers(&["职责", "姓名", "联系电话", "担任日期", "解除日期", "指派人", "解除人"]),
        cards: true,
        ..Default::default()
    };
    for d in rows {
        s.rows.push(row(vec![
            t(Duty::parse(&d.duty).map_or("", Duty::label)),
            t(&d.name),
            t(d.phone.as_deref().map(mask_phone).unwrap_or_default()),
            t(d.start_on),
            t(d.end_on.map(|e| e.to_string()).unwrap_or_else(|| "在任".into())),
            t(name(&d.added_by)),
            t(d.ended_by.as_deref().map(name).unwrap_or_default()),
        ]));
    }
    Ok(s)
}

/// `POST /grids/{code}/duties`: assigns a duty; back to the grid.
pub(crate) async fn add_duty(Path(code): Path<String>, form: Posted) -> Response {
    let to = if code.len() == 15 && code.bytes().all(|b| b.is_ascii_digit()) {
        format!("/grids/{code}")
    } else {
        "/grids".into()
    };
    form.act(Permission::ManageGrids, &to, async |st, access, f| {
        let i = DutyInput {
            duty: f.get("duty"),
            worker_id: f.opt("worker_id").and_then(|w| Uuid::parse_str(w.trim()).ok()),
            name: f.opt("name"),
            phone: f.opt("phone"),
            households: f.opt("households").map(Into::into),
        };
        let d = store(grids::add(&st.db, access, &code, &i, today()).await)?;
        let label = Duty::parse(&d.duty).map_or("", Duty::label);
        Ok(format!("已将{}记为{label}", d.name))
    })
    .await
}

/// `POST /grids/duties/{id}/end`: releases a duty (kept in the history); back to the grid.
pub(crate) async fn end_duty(Path(id): Path<Uuid>, form: Posted) -> Response {
    let grid = form.field("grid");
    let to = if grid.len() == 15 && grid.bytes().all(|b| b.is_ascii_digit()) {
        format!("/grids/{grid}")
    } else {
        "/grids".into()
    };
    form.act(Permission::ManageGrids, &to, async |st, access, _f| {
        let d = store(grids::end(&st.db, access, id, today()).await)?;
        let label = Duty::parse(&d.duty).map_or("", Duty::label);
        Ok(format!("已解除{}的{label}职责（记录保留）", d.name))
    })
    .await
}
