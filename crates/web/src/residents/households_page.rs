//! `/households`: the household register of a region (masked), filtered by grid and care tag, the
//! form to register one, and the register in and out of Excel (the export masked, in the import's
//! columns).
use crate::auth::{Caller, Ctx};
use crate::clock::today;
use crate::error::AppError;
use crate::imports::api::read_upload;
use crate::page::PageResult;
use crate::posted::Posted;
use crate::sections::{
    FormSpec, Msg, Section, SectionsPage, back, checks, headers, hidden, input, link, n, row, select, t,
};
use crate::state::AppState;
use axum::extract::{Multipart, Query, State};
use axum::response::Response;
use shegong_domain::{Permission, RegionLevel};
use shegong_store::residents::{self, HouseholdFilter, HouseholdImport, HouseholdInput, HouseholdRow};
use uuid::Uuid;

const PER_PAGE: u64 = 50;

fn filter_of(m: &Msg) -> HouseholdFilter {
    HouseholdFilter { region: m.region.clone(), grid: m.grid.clone(), tag: m.tag.clone() }
}

/// The policy's care tags for a community (the shipped list where none applies).
pub(super) async fn tags_of(st: &AppState, community: &str) -> Result<Vec<String>, AppError> {
    let on = today();
    let f = shegong_store::policies::in_force(&st.db.conn, community, on).await?;
    Ok(f.map(|f| f.policy.service.clone()).unwrap_or_default().care.into_iter().map(|c| c.tag).collect())
}

/// The fields of a household's form, filled from `h` (empty for a new one).
pub(super) async fn fields(
    st: &AppState,
    caller: &Caller,
    community: &str,
    h: Option<&shegong_store::entity::household::Model>,
) -> Result<Vec<crate::sections::Field>, AppError> {
    let grids = shegong_store::events::public::grids(&st.db, community).await?;
    let people = shegong_store::grids::candidates(&st.db, &caller.scope, community).await?;
    let v = |f: fn(&shegong_store::entity::household::Model) -> String| h.map(f).unwrap_or_default();
    let tags: Vec<String> = h.map(|h| shegong_domain::households::split_tags(&h.tags)).unwrap_or_default();
    Ok(vec![
        select("网格", "grid", &v(|h| h.grid_code.clone()), grids.into_iter().map(|g| (g.code, g.name)).collect()),
        input("楼栋", "building", "text", v(|h| h.building.clone()), 8),
        input("单元", "unit", "text", v(|h| h.unit.clone()), 6),
        input("门牌（室）", "room", "text", v(|h| h.room.clone()), 6),
        input("户主姓名", "head_name", "text", v(|h| h.head_name.clone()), 8),
        input("联系电话", "phone", "tel", v(|h| h.phone.clone().unwrap_or_default()), 13),
        input("家庭人口", "members", "number", h.map_or("1".into(), |h| h.members.to_string()), 4),
        checks("关爱标签", "tag", &tags, tags_of(st, community).await?.into_iter().map(|t| (t.clone(), t)).collect()),
        select(
            "负责社工",
            "worker_id",
            &h.and_then(|h| h.worker_id).map(|w| w.to_string()).unwrap_or_default(),
            std::iter::once((String::new(), "（未指定）".to_string()))
                .chain(people.into_iter().map(|p| (p.worker_id.to_string(), p.name)))
                .collect(),
        ),
        input("联户长", "liaison", "text", v(|h| h.liaison.clone().unwrap_or_default()), 8),
    ])
}

/// A form's household: the ticked tags are the `tag.*` boxes.
pub(super) fn input_of(f: &crate::page::SubForm) -> HouseholdInput {
    let mut tags: Vec<String> = f.rest.keys().filter_map(|k| k.strip_prefix("tag.")).map(str::to_string).collect();
    tags.sort();
    HouseholdInput {
        grid: f.get("grid"),
        building: f.get("building"),
        unit: f.get("unit"),
        room: f.get("room"),
        head_name: f.get("head_name"),
        phone: f.opt("phone"),
        members: f.opt("members").map(Into::into),
        tags,
        worker_id: f.opt("worker_id").and_then(|w| Uuid::parse_str(&w).ok()),
        liaison: f.opt("liaison"),
        version: f.opt("version").and_then(|v| v.parse().ok()),
    }
}

fn export_section(all: Vec<HouseholdRow>) -> Section {
    let mut s =
        Section {
            title: "住户名册".into(), headers: headers(&residents::HOUSEHOLD_HEADINGS), ..Default::default()
        };
    for h in all {
        s.rows.push(row(vec![
            t(&h.grid_code),
            t(&h.grid_name),
            t(&h.building),
            t(&h.unit),
            t(&h.room),
            t(&h.head_name),
            t(h.phone.clone().unwrap_or_default()),
            n(h.members),
            t(h.tags.join("、")),
            t(h.worker_name.clone().unwrap_or_default()),
            t(h.liaison.clone().unwrap_or_default()),
        ]));
    }
    s
}

/// `GET /households?region=&grid=&tag=`.
pub(crate) async fn households_page(State(st): State<AppState>, caller: Caller, Query(m): Query<Msg>) -> PageResult {
    let on = today();
    let f = filter_of(&m);
    let mut p = SectionsPage::new(&st, &caller, "service", "住户", &m).await?;
    if SectionsPage::wants_xlsx(&m) {
        p.title = "住户名册（脱敏）".into();
        p.sections.push(export_section(residents::export(&st.db, &caller.access, &f, on).await?));
        return p.finish(&m).await;
    }
    p.links = super::links(&caller);
    let page = m.page.unwrap_or(1).max(1);
    let (rows, total) = residents::list(&st.db, &caller.access, &f, page, PER_PAGE, on).await?;
    let here = match m.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => shegong_domain::RegionCode::parse(r).map_err(|_| AppError::NotFound)?,
        None => caller.scope.region().clone(),
    };
    let community = (here.level() == RegionLevel::Community).then(|| here.as_str().to_string());
    let mut filters = vec![hidden("region", m.region.clone().unwrap_or_default())];
    if let Some(c) = &community {
        let grids = shegong_store::events::public::grids(&st.db, c).await?;
        filters.push(select(
            "网格",
            "grid",
            &m.grid.clone().unwrap_or_default(),
            std::iter::once((String::new(), "全部".to_string()))
                .chain(grids.into_iter().map(|g| (g.code, g.name)))
                .collect(),
        ));
    }
    let tags = tags_of(&st, here.as_str()).await?;
    filters.push(select(
        "关爱标签",
        "tag",
        &m.tag.clone().unwrap_or_default(),
        std::iter::once((String::new(), "全部".to_string())).chain(tags.into_iter().map(|t| (t.clone(), t))).collect(),
    ));
    let mut s = Section {
        id: "list".into(),
        title: format!("住户（{total}户）"),
        text: "户主姓名、电话和联户长已脱敏；点地址查看完整信息（限所在社区及以上和负责的社工，每次查看记入审计日志）。标记的是逾期未走访的关爱户。".into(),
        forms: vec![FormSpec { get: true, fields: filters, button: "筛选".into(), ..Default::default() }],
        headers: headers(&["网格", "地址", "户主", "联系电话", "#人口", "关爱标签", "负责社工", "上次走访", "应走访日期"]),
        cards: true,
        whole_export: true,
        ..Default::default()
    };
    for h in rows {
        let mut r = row(vec![
            t(&h.grid_name),
            link(&h.address, format!("/households/{}", h.id)),
            t(&h.head_name),
            t(h.phone.clone().unwrap_or_default()),
            n(h.members),
            t(h.tags.join("、")),
            t(h.worker_name.clone().unwrap_or_default()),
            t(h.last_visit_on.map(|d| d.to_string()).unwrap_or_default()),
            t(h.care_due.map(|d| d.to_string()).unwrap_or_default()),
        ]);
        r.flag = h.overdue;
        s.rows.push(r);
    }
    s.pager = Msg { per_page: Some(PER_PAGE), ..m.clone() }.page_links("/households", total as usize);
    p.sections.push(s);
    if let Some(c) = community.filter(|_| caller.role.may(Permission::ManageHouseholds)) {
        p.sections.push(Section {
            id: "add".into(),
            title: "登记住户".into(),
            text: "户以网格和地址（楼栋、单元、门牌）区分；联户长须为本网格现任联户长（在网格页指派）。".into(),
            forms: vec![FormSpec {
                action: "/households".into(),
                fields: fields(&st, &caller, &c, None).await?,
                button: "登记".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    if caller.role.may(Permission::ManageHouseholds) && caller.scope.only_worker().is_none() {
        p.sections.push(crate::imports::pages::upload_section(
            "从 Excel 导入住户名册",
            format!(
                "每行一户，列为：{}。按网格编码和地址对应：新的登记，有变化的修改（记入变动记录），相同的不变，文件中没有的住户保留。\
                 空白的单元格表示该项为空（如负责社工留空即取消指定）。导出的名册已脱敏，不能原样导回；任何一行有误则整份文件都不导入。",
                residents::HOUSEHOLD_HEADINGS.join("、")
            ),
            "/households/import",
            here.as_str(),
        ));
    }
    p.finish(&m).await
}

/// `POST /households` (the form).
pub(crate) async fn add(form: Posted) -> Response {
    form.act(Permission::ManageHouseholds, "/households", async |st, access, f| {
        let h = residents::add(&st.db, access, &input_of(f), today()).await?;
        Ok(format!("已登记 {}", shegong_domain::households::address(&h.building, &h.unit, &h.room)))
    })
    .await
}

fn summary(o: &HouseholdImport) -> String {
    let head = if o.committed { "已导入" } else { "检查通过（未导入）" };
    format!("{head}：共{}户，新增{}户，修改{}户，未变{}户", o.rows, o.added, o.changed, o.unchanged)
}

/// `POST /households/import` (multipart: `_csrf`, `region`, `file`, `mode` check|commit).
pub(crate) async fn import_page(Ctx { st, caller }: Ctx, m: Multipart) -> PageResult {
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(e) => return Ok(back(&caller, "/households", Err(e))),
    };
    caller.check_csrf(up.csrf())?;
    let field = |k: &str| up.fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    let to = match field("region").and_then(|r| shegong_domain::RegionCode::parse(&r).ok()) {
        Some(c) if caller.scope.allows_region(c.as_str()) => format!("/households?region={c}"),
        _ => "/households".into(),
    };
    caller.access.require(Permission::ManageHouseholds)?;
    let dry_run = field("mode").as_deref() != Some("commit");
    let r = async {
        let rows = shegong_store::imports::read_rows(&up.filename, &up.bytes)?;
        let o = residents::import(&st.db, &caller.access, &rows, dry_run, today()).await?;
        if o.errors.is_empty() { Ok(summary(&o)) } else { Err(super::api::refusal(&o)) }
    }
    .await;
    Ok(back(&caller, &to, r))
}
