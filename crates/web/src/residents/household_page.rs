//! `/households/{id}`: one household in full (for its community and above and the worker
//! responsible; each view audited), the form to change it on the version read, its history and
//! its latest visits.
use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{FormSpec, Kpi, Msg, Section, SectionsPage, headers, hidden, link, row, t};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shegong_domain::Permission;
use shegong_domain::time::in_china;
use shegong_store::residents;
use uuid::Uuid;

/// `GET /households/{id}`.
pub(crate) async fn household_page(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(m): Query<Msg>,
) -> PageResult {
    let v = residents::get(&st.db, &caller.access, id, today()).await?;
    let h = &v.household;
    let mut p = SectionsPage::new(&st, &caller, "service", &format!("{} {}", v.grid_name, v.address), &m).await?;
    p.subtitle = v.community_name.clone();
    p.links = super::links(&caller);
    if caller.role.may(Permission::ServeResidents) {
        p.links.insert(0, (format!("/visits?household={}#record", h.id), "登记走访".into()));
    }
    p.kpis = Kpi::list(vec![
        ("户主".into(), h.head_name.clone(), h.phone.clone().unwrap_or_else(|| "未登记电话".into())),
        (
            "家庭人口".into(),
            h.members.to_string(),
            if h.tags.is_empty() { "无关爱标签".into() } else { h.tags.clone() },
        ),
        (
            "上次走访".into(),
            h.last_visit_on.map_or("未走访".into(), |d| d.to_string()),
            match (v.care_every_days, v.care_due) {
                (Some(e), Some(d)) if v.overdue => format!("每{e}天走访一次，应于{d}走访，已逾期"),
                (Some(e), Some(d)) => format!("每{e}天走访一次，下次不晚于{d}"),
                _ => "无关爱走访要求".into(),
            },
        ),
        (
            "负责社工".into(),
            v.worker_name.clone().unwrap_or_else(|| "未指定".into()),
            format!("联户长：{}", h.liaison.clone().unwrap_or_else(|| "未指定".into())),
        ),
    ]);
    if caller.role.may(Permission::ManageHouseholds) && caller.scope.only_worker().is_none() {
        let mut fields = super::households_page::fields(&st, &caller, &h.community_code, Some(h)).await?;
        fields.push(hidden("version", h.version.to_string()));
        p.sections.push(Section {
            id: "edit".into(),
            title: "修改".into(),
            text: "保存时按打开页面时的版本核对：他人已改过则不保存，请刷新后再改。每项变动记入下面的变动记录。".into(),
            forms: vec![FormSpec {
                action: format!("/households/{}", h.id),
                fields,
                button: "保存".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    let mut s = Section {
        title: "最近的走访".into(),
        headers: headers(&["日期", "类型", "走访人", "发现的情况", "民情事件"]),
        cards: true,
        ..Default::default()
    };
    for x in &v.visits {
        s.rows.push(row(vec![
            t(x.on_date),
            t(&x.kind_label),
            t(&x.worker_name),
            t(x.finding.clone().unwrap_or_default()),
            match (x.event_id, &x.event_number) {
                (Some(e), Some(number)) => link(number, format!("/events/{e}")),
                _ => t(""),
            },
        ]));
    }
    p.sections.push(s);
    let mut s = Section {
        title: "变动记录".into(),
        headers: headers(&["时间", "项目", "原为", "改为", "经办人"]),
        ..Default::default()
    };
    for c in &v.history {
        s.rows.push(row(vec![
            t(in_china(c.changed_at).format("%Y-%m-%d %H:%M")),
            t(&c.field),
            t(&c.before),
            t(&c.after),
            t(&c.changed_by),
        ]));
    }
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /households/{id}` (the edit form).
pub(crate) async fn edit(Path(id): Path<Uuid>, form: Posted) -> Response {
    form.act(Permission::ManageHouseholds, &format!("/households/{id}"), async |st, access, f| {
        residents::update(&st.db, access, id, &super::households_page::input_of(f), today()).await?;
        Ok("已保存".to_string())
    })
    .await
}
