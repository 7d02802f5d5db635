//! The reserve pool page (后备人才).
use crate::posted::Posted;
use crate::sections::Cell;
use crate::sections::FormSpec;
use crate::sections::Kpi;
use crate::sections::Msg;
use crate::sections::Section;
use crate::sections::SectionsPage;
use crate::sections::headers;
use crate::sections::hidden;
use crate::sections::input;
use crate::sections::link;
use crate::sections::n;
use crate::sections::not_for_workers;
use crate::sections::region_in;
use crate::sections::row;
use crate::sections::select;
use crate::sections::store;
use crate::sections::t;
use axum::response::Response;

use crate::auth::Caller;
use crate::clock::today;
use crate::page::PageResult;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use shegong_domain::Permission;
use shegong_domain::RegionLevel;
use shegong_store::reserves;
use uuid::Uuid;

pub(crate) async fn reserves_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    not_for_workers(&caller)?;
    let (code, scope) = region_in(&caller, m.region.as_deref())?;
    let cov = reserves::coverage(&st.db, &scope, today()).await?;
    let mut p = SectionsPage::new(&st, &caller, "reserves", "后备力量", &m).await?;
    // Which region the page is about (and, for a community, whose pool a candidate joins).
    p.subtitle = shegong_store::regions::path(&st.db, &caller.scope, &code)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect::<Vec<_>>()
        .join(" / ");
    let short: Vec<_> = cov.iter().filter(|c| c.short() > 0).collect();
    let seats: i64 = cov.iter().map(|c| c.seats).sum();
    let cands: i64 = cov.iter().map(|c| c.candidates).sum();
    p.kpis = Kpi::list(vec![
        ("两委职数".into(), seats.to_string(), format!("{} 个社区", cov.len())),
        (
            "后备人选".into(),
            cands.to_string(),
            if seats > 0 { format!("平均每职 {:.1} 人", cands as f64 / seats as f64) } else { String::new() },
        ),
        (
            "未达比例的社区".into(),
            short.len().to_string(),
            cov.first().map_or(String::new(), |c| format!("按每个职位 {} 名后备", c.per_seat)),
        ),
        ("缺口".into(), short.iter().map(|c| c.short()).sum::<i64>().to_string(), "人".into()),
    ]);
    let community = code.level() == RegionLevel::Community;
    if community {
        // A community's pool is a few dozen; the page shows all of it (1,000 at most, said below).
        let (list, total) = reserves::list(&st.db, &caller.scope, Some(code.as_str()), 1, 1000).await?;
        let mut s = Section {
            title: "后备人选".into(),
            headers: headers(&["姓名", "性别", "#年龄", "学历", "政治面貌", "现任", "入库日期", ""]),
            ..Default::default()
        };
        if caller.role.may(Permission::ManageReserves) {
            s.forms.push(FormSpec {
                action: "/reserves".into(),
                fields: vec![
                    hidden("community_code", code.as_str()),
                    input("姓名", "name", "text", "", 8),
                    select("性别", "gender", "2", vec![("1".into(), "男".into()), ("2".into(), "女".into())]),
                    input("出生日期", "birth_date", "date", "", 0),
                    select(
                        "学历",
                        "education",
                        "21",
                        vec![
                            ("14".into(), "硕士研究生毕业".into()),
                            ("21".into(), "大学本科毕业".into()),
                            ("31".into(), "大学专科毕业".into()),
                            ("61".into(), "普通高中毕业".into()),
                        ],
                    ),
                    select(
                        "政治面貌",
                        "political_status",
                        "01",
                        vec![
                            ("01".into(), "中共党员".into()),
                            ("02".into(), "中共预备党员".into()),
                            ("03".into(), "共青团员".into()),
                            ("13".into(), "群众".into()),
                        ],
                    ),
                    input("现任", "current_post", "text", "", 10),
                ],
                button: "加入后备名单".into(),
                plain: false,
                confirm: String::new(),
                get: false,
            });
        }
        let today = today();
        let can_remove = caller.role.may(Permission::ManageReserves);
        if total > list.len() as u64 {
            s.text = format!("共{total}人，此处列出前{}人；完整名单请导出或使用接口分页读取。", list.len());
        }
        for r in list {
            s.rows.push(row(vec![
                t(&r.name),
                t(shegong_domain::person::Gender::from_code(&r.gender).map_or("", |g| g.label())),
                n(reserves::age(&r, today)),
                t(r.education.as_deref().and_then(|e| shegong_domain::codes::EDUCATION.name(e)).unwrap_or("")),
                t(shegong_domain::codes::POLITICAL_STATUS.name(&r.political_status).unwrap_or("")),
                t(r.current_post.unwrap_or_default()),
                t(r.added_on),
                if can_remove {
                    Cell {
                        form: format!("/reserves/{}/remove", r.id),
                        hidden: vec![("region".into(), code.to_string())],
                        button: "移出名单".into(),
                        ..Default::default()
                    }
                } else {
                    t("")
                },
            ]));
        }
        p.sections.push(s);
    }
    let mut s = Section {
        title: "各社区后备力量".into(),
        text: "两委职数为在岗两委成员人数；应有人数 = 职数 × 政策规定的每职后备人数。未达比例的社区排在前面。".into(),
        headers: headers(&["社区代码", "社区", "街道（乡镇）", "#两委职数", "#后备人选", "#应有", "#缺口"]),
        ..Default::default()
    };
    let mut sorted: Vec<&reserves::Coverage> = cov.iter().collect();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.short()));
    let total = sorted.len();
    let shown = m.paging().slice(sorted);
    let streets = shegong_store::regions::names_seen(
        &st.db,
        &caller.scope,
        shown.iter().map(|c| c.community_code.chars().take(9).collect()).collect(),
    )
    .await?;
    for c in shown {
        let street: String = c.community_code.chars().take(9).collect();
        let mut r = row(vec![
            t(&c.community_code),
            link(&c.name, format!("/reserves?region={}", c.community_code)),
            t(streets.get(&street).cloned().unwrap_or_default()),
            n(c.seats),
            n(c.candidates),
            n(c.wanted),
            n(c.short()),
        ]);
        r.flag = c.short() > 0;
        s.rows.push(r);
    }
    s.pager = m.page_links("/reserves", total);
    s.whole_export = true;
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /reserves/{id}/remove`: takes a candidate out of the pool (the record is kept, dated).
pub(crate) async fn remove_reserve(Path(id): Path<Uuid>, form: Posted) -> Response {
    let to = form.region_page("/reserves", "region");
    form.act(Permission::ManageReserves, &to, async |st, access, _f| {
        store(reserves::remove(&st.db, access, id, today()).await)?;
        Ok("已移出后备名单（记录保留）".to_string())
    })
    .await
}

pub(crate) async fn add_reserve(form: Posted) -> Response {
    let code = form.field("community_code");
    form.act(Permission::ManageReserves, &format!("/reserves?region={code}"), async |st, access, f| {
        let i = reserves::ReserveInput {
            community_code: code.clone(),
            name: f.get("name"),
            gender: f.get("gender"),
            birth_date: f.get("birth_date"),
            education: f.opt("education"),
            political_status: f.get("political_status"),
            current_post: f.opt("current_post"),
            note: f.opt("note"),
        };
        let r = store(reserves::add(&st.db, access, &i, today()).await)?;
        Ok(format!("已将{}加入后备名单", r.name))
    })
    .await
}
