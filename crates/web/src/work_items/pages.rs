//! `/work-items?region=&list=`: the lists in force for a region, with the forms to add an item, take
//! one off and replace a list from a file; `/proofs`: the register of proofs with the form to issue
//! one from the list (anything else refused and counted), and a proof printed.
use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::AppError;
use crate::imports::api::read_upload;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{
    Cell, FormSpec, Kpi, Msg, Section, SectionsPage, back, headers, hidden, input, link, n, row, select, t,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use shegong_domain::work_items::{ListKind, PROOF_BASIS};
use shegong_domain::{Permission, RegionCode};
use shegong_store::work_items::{self, ItemInput, ProofInput, ProofRow};
use uuid::Uuid;

fn region_in(caller: &Caller, m: &Msg) -> Result<RegionCode, AppError> {
    match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => RegionCode::parse(r).map_err(|_| AppError::NotFound),
        None => Ok(caller.scope.region().clone()),
    }
}

/// `GET /work-items?region=&list=`.
pub(crate) async fn lists_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let mut p = SectionsPage::new(&st, &caller, "lists", "减负清单", &m).await?;
    let here = region_in(&caller, &m)?;
    let list = super::api::list_of(m.kind.as_deref())?.unwrap_or(ListKind::StreetDuty);
    let v = work_items::lists(&st.db, &caller.access, Some(&here), Some(list), today()).await?;
    let names = shegong_store::regions::names(&st.db.conn, vec![here.to_string()]).await?;
    let area = names.get(here.as_str()).cloned().unwrap_or_default();
    p.subtitle = format!("{area} · {}", list.label());
    if SectionsPage::wants_xlsx(&m) {
        p.title = format!("{}-{area}-{}", list.label(), today());
    }
    p.links = ListKind::ALL
        .iter()
        .map(|k| (format!("/work-items?region={here}&kind={}", k.as_str()), k.label().to_string()))
        .chain(std::iter::once(("/proofs".to_string(), "出具证明".to_string())))
        .collect();
    p.kpis = Kpi::list(v.counts.iter().map(|(l, c)| (l.clone(), format!("{c} 项"), "现行有效".to_string())).collect());
    let may = caller.role.may(Permission::ManageWorkItems)
        && matches!(
            here.level(),
            shegong_domain::RegionLevel::Province
                | shegong_domain::RegionLevel::City
                | shegong_domain::RegionLevel::County
        );
    let extra = match list {
        ListKind::Assistance => "经费保障",
        ListKind::Proof => "所需材料",
        ListKind::MicroPower => "办理流程",
        _ => "",
    };
    let mut s = Section {
        id: "items".into(),
        title: format!("{}（{}项）", list.label(), v.items.len()),
        text: format!(
            "{}。本级和上级制定、今天有效的事项；凡清单以外需要社区承担的工作，须经县（市、区）准入。",
            v.sentence
        ),
        headers: headers(&[
            "#序号",
            "事项名称",
            "法律依据",
            "责任部门",
            if extra.is_empty() { "备注" } else { extra },
            "制定",
            "起始日期",
            if may { "移出" } else { "" },
        ]),
        cards: true,
        ..Default::default()
    };
    for (k, r) in v.items.iter().enumerate() {
        let i = &r.item;
        let note = match list {
            ListKind::Assistance => i.funding.clone(),
            ListKind::Proof => i.documents.clone(),
            ListKind::MicroPower => i.procedure.clone(),
            _ => None,
        };
        s.rows.push(row(vec![
            n(k + 1),
            t(&i.title),
            t(i.basis.clone().unwrap_or_default()),
            t(i.department.clone().unwrap_or_default()),
            t(note.unwrap_or_default()),
            t(&r.region_name),
            t(i.from_on),
            if may && i.region_code == here.as_str() && !SectionsPage::wants_xlsx(&m) {
                Cell {
                    form: format!("/work-items/{}/end", i.id),
                    hidden: vec![
                        ("region".into(), here.to_string()),
                        ("kind".into(), list.as_str().into()),
                        ("to".into(), (today() + chrono::Duration::days(1)).to_string()),
                    ],
                    button: "移出".into(),
                    confirm: format!("将“{}”自明天起移出清单？（其他日期可通过接口指定）", i.title),
                    ..Default::default()
                }
            } else {
                t("")
            },
        ]));
    }
    p.sections.push(s);
    if may {
        p.sections.push(Section {
            id: "add".into(),
            title: "增加事项".into(),
            forms: vec![FormSpec {
                action: "/work-items".into(),
                fields: vec![
                    hidden("region", here.as_str()),
                    hidden("list", list.as_str()),
                    input("事项名称", "title", "text", "", 30),
                    input("法律依据", "basis", "text", "", 30),
                    input("责任部门", "department", "text", "", 12),
                    input(if extra.is_empty() { "备注" } else { extra }, "extra", "text", "", 20),
                    input("起始日期", "from", "date", today().to_string(), 10),
                ],
                button: "增加".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        let mut up = crate::imports::pages::upload_section(
            "以文件替换本清单",
            format!(
                "列：{}（事项名称必填）。原清单事项自今天起移出，文件中的事项自今天起有效；先“仅检查”。",
                work_items::ITEM_HEADINGS.join("、")
            ),
            "/work-items/import",
            here.as_str(),
        );
        if let Some(f) = up.forms.first_mut() {
            f.fields.push(hidden("kind", list.as_str()));
        }
        p.sections.push(up);
    }
    p.finish(&m).await
}

/// `POST /work-items` (the add form).
pub(crate) async fn add(form: Posted) -> Response {
    let to = form.region_page("/work-items", "region");
    let list = form.field("list");
    let to = format!("{to}{}kind={list}", if to.contains('?') { '&' } else { '?' });
    form.act(Permission::ManageWorkItems, &to, async |st, access, f| {
        let kind = ListKind::parse(&f.get("list"));
        let extra = f.opt("extra");
        let i = ItemInput {
            region: f.opt("region"),
            list: f.get("list"),
            title: f.get("title"),
            basis: f.opt("basis"),
            department: f.opt("department"),
            funding: extra.clone().filter(|_| kind == Some(ListKind::Assistance)),
            documents: extra.clone().filter(|_| kind == Some(ListKind::Proof)),
            procedure: extra.filter(|_| kind == Some(ListKind::MicroPower)),
            from: f.opt("from"),
        };
        let m = work_items::add(&st.db, access, &i, today()).await?;
        Ok(format!("已增加“{}”（{}起有效）", m.title, m.from_on))
    })
    .await
}

/// `POST /work-items/{id}/end`.
pub(crate) async fn end(Path(id): Path<Uuid>, form: Posted) -> Response {
    let to = form.region_page("/work-items", "region");
    let to = format!("{to}{}kind={}", if to.contains('?') { '&' } else { '?' }, form.field("kind"));
    form.act(Permission::ManageWorkItems, &to, async |st, access, f| {
        let m = work_items::end(&st.db, access, id, &f.get("to"), today()).await?;
        Ok(format!("“{}”已自{}起移出清单", m.title, m.to_on.map(|d| d.to_string()).unwrap_or_default()))
    })
    .await
}

/// `POST /work-items/import` (the upload form).
pub(crate) async fn import(Ctx { st, caller }: Ctx, m: Multipart) -> PageResult {
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(e) => return Ok(back(&caller, "/work-items", Err(e))),
    };
    caller.check_csrf(up.csrf())?;
    let field = |k: &str| up.fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    let list = field("kind").unwrap_or_default();
    let to = match field("region").and_then(|r| RegionCode::parse(&r).ok()) {
        Some(c) if caller.scope.allows_region(c.as_str()) => format!("/work-items?region={c}&kind={list}"),
        _ => "/work-items".into(),
    };
    caller.access.require(Permission::ManageWorkItems)?;
    let dry_run = field("mode").as_deref() != Some("commit");
    let r = async {
        let rows = shegong_store::imports::read_rows(&up.filename, &up.bytes)?;
        let o = work_items::import(
            &st.db,
            &caller.access,
            field("region").as_deref(),
            &list,
            None,
            &rows,
            dry_run,
            today(),
        )
        .await?;
        Ok(if o.committed {
            format!("已导入：新清单{}项自{}起有效，原清单{}项移出", o.added, o.from, o.ended)
        } else {
            format!("检查无误：将导入{}项，原清单{}项将移出。确认后请选择“检查并导入”", o.added, o.ended)
        })
    }
    .await;
    Ok(back(&caller, &to, r))
}

/// `GET /proofs?region=&from=&to=`.
pub(crate) async fn proofs_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let mut p = SectionsPage::new(&st, &caller, "lists", "出具证明", &m).await?;
    let here = region_in(&caller, &m)?;
    let (from, to) = super::api::period(m.from.as_deref(), m.to.as_deref())?;
    let r = work_items::proofs(&st.db, &caller.access, Some(&here), from, to, 500).await?;
    p.links = vec![("/work-items?kind=proof".into(), "出具证明事项清单".into())];
    p.subtitle = format!("{from} 至 {to}");
    p.kpis = Kpi::list(vec![
        ("出具证明".into(), format!("{} 份", r.issued), "期间内".into()),
        ("清单外拒绝出具".into(), format!("{} 次", r.refused), "按清单拒绝并登记".into()),
    ]);
    if here.level() == shegong_domain::RegionLevel::Community
        && caller.role.may(Permission::ServeResidents)
        && !SectionsPage::wants_xlsx(&m)
    {
        let listed = work_items::lists(&st.db, &caller.access, Some(&here), Some(ListKind::Proof), today()).await?;
        let options = std::iter::once((String::new(), "（请选择清单中的事项）".to_string()))
            .chain(listed.items.iter().map(|i| (i.item.id.to_string(), i.item.title.clone())))
            .collect();
        p.sections.push(Section {
            id: "issue".into(),
            title: "出具证明".into(),
            text: format!(
                "只能出具清单中的事项。群众或单位要求出具清单外的证明时，如实填写“清单外事项”，系统将拒绝出具并登记（依据：{PROOF_BASIS}）。"
            ),
            forms: vec![FormSpec {
                action: "/proofs".into(),
                fields: vec![
                    hidden("community", here.as_str()),
                    select("证明事项", "item_id", "", options),
                    input("清单外事项", "asked", "text", "", 16),
                    input("申请人", "applicant", "text", "", 8),
                    input("用途", "purpose", "text", "", 16),
                ],
                button: "出具".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    let mut s = Section {
        id: "register".into(),
        title: format!("证明登记（最近{}份）", r.rows.len()),
        text: "社区以外只显示申请人姓氏。".into(),
        headers: headers(&["编号", "社区", "事项", "申请人", "用途", "日期", "经办"]),
        cards: true,
        ..Default::default()
    };
    for x in &r.rows {
        s.rows.push(row(vec![
            link(&x.number, format!("/proofs/{}/print", x.id)),
            t(&x.community_name),
            t(&x.item_title),
            t(&x.applicant),
            t(x.purpose.clone().unwrap_or_default()),
            t(x.issued_on),
            t(&x.issued_by),
        ]));
    }
    p.sections.push(s);
    p.finish(&m).await
}

/// `POST /proofs` (the form).
pub(crate) async fn issue(form: Posted) -> Response {
    let to = form.region_page("/proofs", "community");
    form.act(Permission::ServeResidents, &to, async |st, access, f| {
        let i = ProofInput {
            community: f.opt("community"),
            item_id: f.opt("item_id").and_then(|v| Uuid::parse_str(&v).ok()),
            asked: f.opt("asked"),
            applicant: f.get("applicant"),
            purpose: f.opt("purpose"),
        };
        let m = work_items::issue(&st.db, access, &i, today()).await?;
        Ok(format!("已出具{}（{}）", m.number, m.item_title))
    })
    .await
}

#[derive(Template)]
#[template(path = "work_items/proof.html")]
struct ProofPage {
    p: ProofRow,
    date: String,
}

/// `GET /proofs/{id}/print`.
pub(crate) async fn print(State(st): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> PageResult {
    use chrono::Datelike;
    let p = work_items::get_proof(&st.db, &caller.access, id).await?;
    let d = p.issued_on;
    crate::page::render(ProofPage { date: format!("{}年{}月{}日", d.year(), d.month(), d.day()), p })
}
