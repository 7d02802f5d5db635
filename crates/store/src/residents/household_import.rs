//! The household register from Excel: one row per household (网格编码, 楼栋, 单元, 门牌, 户主, …).
//! A household is found by its grid and address: a new one is registered, a changed one updated
//! (each field kept in its history), the same one left as it is; households not in the file stay.
//! All or nothing: any bad row and nothing is written; `dry_run` only checks. Re-importing the
//! same file changes nothing.

use super::households::{facts_of, grid_of};
use crate::Db;
use crate::access::Access;
use crate::bulk;
use crate::entity::{grid_duty, household, region, worker};
use crate::error::Result;
use crate::imports::Cell;
use crate::policies::Resolver;
use crate::regions::in_subtree;
use crate::workers::editable;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set, Value};
use serde::Serialize;
use shegong_domain::households::{HouseholdDraft, HouseholdFacts, changes, check};
use shegong_domain::visits::ServicePolicy;
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{FieldError, Permission};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The columns, by heading (the export writes the same).
pub const HEADINGS: [&str; 11] =
    ["网格编码", "网格", "楼栋", "单元", "门牌", "户主", "联系电话", "家庭人口", "关爱标签", "负责社工", "联户长"];

/// At most this many households in one file.
pub const MAX_LINES: usize = 100_000;

/// What a file did or would do.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct HouseholdImport {
    pub rows: usize,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// The first 200 changes, one line each ("第1网格 3幢2单元501室：联系电话、关爱标签").
    pub changes: Vec<String>,
    /// Every problem by the file's row; nothing is written while there is one.
    pub errors: Vec<String>,
    pub committed: bool,
}

struct Line {
    n: usize,
    grid: String,
    facts: HouseholdFacts,
    worker: Option<Uuid>,
    /// The workers of the community the row names (two share a name sometimes), and the name.
    named: Vec<Uuid>,
    who: String,
    liaison: Option<String>,
}

fn joined(v: Vec<FieldError>) -> String {
    v.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；")
}

/// Reads, checks and (unless `dry_run` or a row is wrong) writes a household file.
pub async fn import(
    db: &Db,
    access: &Access,
    rows: &[(usize, Vec<Cell>)],
    dry_run: bool,
    today: NaiveDate,
) -> Result<HouseholdImport> {
    access.require(Permission::ManageHouseholds)?;
    editable(&access.scope)?;
    let scope = &access.scope;
    let sheet = crate::imports::headed(
        rows,
        &crate::imports::Layout {
            headings: &HEADINGS,
            needed: &["网格编码", "门牌", "户主"],
            max_lines: MAX_LINES,
            unit: "户",
            template: "住户名册",
            code: "household_file",
        },
    )?;
    let cell = |cells: &[Cell], k: &str| sheet.cell(cells, k);
    let mut out = HouseholdImport::default();
    let province = scope.region().province().to_string();
    let resolver = Resolver::load(&db.conn, scope.region().as_str(), today).await?;
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &province).await?;
    // The grids, workers and 联户长 of the communities the file names, read once.
    let mut grids: HashMap<String, Option<region::Model>> = HashMap::new();
    let mut policies: HashMap<String, ServicePolicy> = HashMap::new();
    let mut staff: HashMap<String, HashMap<String, Vec<Uuid>>> = HashMap::new();
    let mut staff_names: HashMap<Uuid, String> = HashMap::new();
    let mut leaders: HashMap<String, HashSet<String>> = HashMap::new();
    let mut lines: Vec<Line> = Vec::new();
    let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    for (n, cells) in sheet.lines {
        let code = cell(cells, "网格编码");
        if code.is_empty() && cell(cells, "户主").is_empty() && cell(cells, "门牌").is_empty() {
            continue;
        }
        out.rows += 1;
        if !grids.contains_key(&code) {
            let g = grid_of(&*txn, access, &code).await.ok();
            if let Some(g) = &g {
                let community = g.code[..12].to_string();
                if !policies.contains_key(&community) {
                    policies.insert(
                        community.clone(),
                        resolver.resolve(&community).map(|f| f.policy.service.clone()).unwrap_or_default(),
                    );
                    let people: Vec<(Uuid, String)> = worker::Entity::find()
                        .select_only()
                        .column(worker::Column::Id)
                        .column(worker::Column::Name)
                        .filter(worker::Column::ProvinceCode.eq(&province))
                        .filter(worker::Column::RegionCode.eq(&community))
                        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
                        .into_tuple()
                        .all(&*txn)
                        .await?;
                    let mut by_name: HashMap<String, Vec<Uuid>> = HashMap::new();
                    for (id, name) in people {
                        staff_names.insert(id, name.clone());
                        by_name.entry(name).or_default().push(id);
                    }
                    staff.insert(community.clone(), by_name);
                    let duties: Vec<(String, String)> = grid_duty::Entity::find()
                        .select_only()
                        .column(grid_duty::Column::GridCode)
                        .column(grid_duty::Column::Name)
                        .filter(grid_duty::Column::ProvinceCode.eq(&province))
                        .filter(grid_duty::Column::CommunityCode.eq(&community))
                        .filter(grid_duty::Column::Duty.eq(shegong_domain::grids::Duty::LinkLeader.as_str()))
                        .filter(grid_duty::Column::EndOn.is_null())
                        .into_tuple()
                        .all(&*txn)
                        .await?;
                    for (grid, name) in duties {
                        leaders.entry(grid).or_default().insert(name);
                    }
                }
            }
            grids.insert(code.clone(), g);
        }
        let Some(grid) = grids[&code].clone() else {
            let shown: String = code.chars().take(20).collect();
            out.errors.push(format!("第{n}行：网格编码“{shown}”不存在或不在您的管辖范围内"));
            continue;
        };
        let community = &grid.code[..12];
        let draft = HouseholdDraft {
            building: cell(cells, "楼栋"),
            unit: cell(cells, "单元"),
            room: cell(cells, "门牌"),
            head_name: cell(cells, "户主"),
            phone: cell(cells, "联系电话"),
            members: cell(cells, "家庭人口"),
            tags: cell(cells, "关爱标签"),
        };
        let mut problems: Vec<String> = Vec::new();
        let facts = check(&draft, &policies[community]).map_err(|e| problems.push(joined(e))).ok();
        let who = cell(cells, "负责社工");
        let worker: Vec<Uuid> = match staff[community].get(&who) {
            _ if who.is_empty() => Vec::new(),
            Some(ids) => ids.clone(),
            None => {
                problems.push(format!("负责社工“{who}”不是本社区在岗的社区工作者"));
                Vec::new()
            }
        };
        let liaison = cell(cells, "联户长");
        if !liaison.is_empty() && !leaders.get(&grid.code).is_some_and(|l| l.contains(&liaison)) {
            problems.push(format!("“{liaison}”不是{}的现任联户长", grid.name));
        }
        let Some(facts) = facts.filter(|_| problems.is_empty()) else {
            out.errors.push(format!("第{n}行：{}", problems.join("；")));
            continue;
        };
        let key = (grid.code.clone(), facts.building.clone(), facts.unit.clone(), facts.room.clone());
        if let Some(first) = seen.insert(key, *n) {
            out.errors.push(format!("第{n}行：{}{}与第{first}行重复", grid.name, facts.address()));
            continue;
        }
        lines.push(Line {
            n: *n,
            grid: grid.code.clone(),
            facts,
            worker: None,
            named: worker,
            who,
            liaison: (!liaison.is_empty()).then_some(liaison),
        });
    }
    // The households already on the file's grids, by address.
    let mut existing: HashMap<(String, String, String, String), household::Model> = HashMap::new();
    let codes: Vec<String> = grids.keys().cloned().collect();
    for chunk in codes.chunks(200) {
        for m in household::Entity::find()
            .filter(household::Column::ProvinceCode.eq(&province))
            .filter(household::Column::GridCode.is_in(chunk.to_vec()))
            .filter(in_subtree(household::Column::GridCode, scope.region().as_str()))
            .all(&*txn)
            .await?
        {
            existing.insert((m.grid_code.clone(), m.building.clone(), m.unit.clone(), m.room.clone()), m);
        }
    }
    // A name two workers share is read as the one the household has already, or refused.
    for l in &mut lines {
        let key = (l.grid.clone(), l.facts.building.clone(), l.facts.unit.clone(), l.facts.room.clone());
        l.worker = match l.named.as_slice() {
            [] => None,
            [one] => Some(*one),
            many => match existing.get(&key).and_then(|h| h.worker_id).filter(|w| many.contains(w)) {
                Some(w) => Some(w),
                None => {
                    out.errors.push(format!("第{}行：本社区有多名在岗社工叫“{}”，请导入后在住户页指定", l.n, l.who));
                    None
                }
            },
        };
    }
    if !out.errors.is_empty() {
        return Ok(out);
    }
    let names: HashMap<String, String> = grids.values().flatten().map(|g| (g.code.clone(), g.name.clone())).collect();
    let now = Utc::now();
    let by = access.actor.username.clone();
    let (mut new_rows, mut change_rows) = (Vec::new(), Vec::new());
    let mut updates = Vec::new();
    for l in lines {
        let key = (l.grid.clone(), l.facts.building.clone(), l.facts.unit.clone(), l.facts.room.clone());
        let grid_name = names.get(&l.grid).cloned().unwrap_or_default();
        match existing.get(&key) {
            None => {
                out.added += 1;
                let id = Uuid::now_v7();
                if out.changes.len() < 200 {
                    out.changes.push(format!("第{}行：新增 {grid_name} {}", l.n, l.facts.address()));
                }
                let f = &l.facts;
                new_rows.push(vec![
                    Value::from(province.clone()),
                    id.into(),
                    l.grid[..12].to_string().into(),
                    l.grid.clone().into(),
                    f.building.clone().into(),
                    f.unit.clone().into(),
                    f.room.clone().into(),
                    f.head_name.clone().into(),
                    f.phone.clone().into(),
                    f.members.into(),
                    f.tags_text().into(),
                    l.worker.into(),
                    l.liaison.clone().into(),
                    today.into(),
                    Option::<NaiveDate>::None.into(),
                    1i32.into(),
                    by.clone().into(),
                    now.into(),
                    now.into(),
                ]);
                change_rows.push(vec![
                    Value::from(province.clone()),
                    Uuid::now_v7().into(),
                    id.into(),
                    "登记".to_string().into(),
                    String::new().into(),
                    format!("{grid_name} {}（导入）", f.address()).into(),
                    by.clone().into(),
                    now.into(),
                ]);
            }
            Some(old) => {
                let mut diff: Vec<(String, String, String)> =
                    changes(&facts_of(old), &l.facts).into_iter().map(|(a, b, c)| (a.to_string(), b, c)).collect();
                if l.worker != old.worker_id {
                    let name = |w: Option<Uuid>| w.and_then(|w| staff_names.get(&w).cloned()).unwrap_or_default();
                    diff.push(("负责社工".into(), name(old.worker_id), name(l.worker)));
                }
                if l.liaison != old.liaison {
                    diff.push((
                        "联户长".into(),
                        old.liaison.clone().unwrap_or_default(),
                        l.liaison.clone().unwrap_or_default(),
                    ));
                }
                if diff.is_empty() {
                    out.unchanged += 1;
                    continue;
                }
                out.changed += 1;
                if out.changes.len() < 200 {
                    let fields: Vec<&str> = diff.iter().map(|d| d.0.as_str()).collect();
                    out.changes.push(format!(
                        "第{}行：{grid_name} {} 修改{}",
                        l.n,
                        l.facts.address(),
                        fields.join("、")
                    ));
                }
                updates.push((old.clone(), l, diff));
            }
        }
    }
    if dry_run {
        return Ok(out);
    }
    bulk::insert(&*txn, "households", &super::HOUSEHOLD_COLUMNS, new_rows).await?;
    for (old, l, diff) in updates {
        let mut am = old.clone().into_active_model();
        let f = &l.facts;
        am.head_name = Set(f.head_name.clone());
        am.phone = Set(f.phone.clone());
        am.members = Set(f.members);
        am.tags = Set(f.tags_text());
        am.worker_id = Set(l.worker);
        am.liaison = Set(l.liaison.clone());
        am.version = Set(old.version + 1);
        am.updated_at = Set(now);
        am.update(&*txn).await?;
        for (field, before, after) in diff {
            change_rows.push(vec![
                Value::from(province.clone()),
                Uuid::now_v7().into(),
                old.id.into(),
                field.into(),
                before.into(),
                format!("{after}（导入）").into(),
                by.clone().into(),
                now.into(),
            ]);
        }
    }
    bulk::insert(
        &*txn,
        "household_changes",
        &["province_code", "id", "household_id", "field", "before", "after", "changed_by", "changed_at"],
        change_rows,
    )
    .await?;
    crate::audit::entry(&access.actor, "household.import", scope.region().as_str())
        .detail(format!("住户名册导入：新增{}户，修改{}户，未变{}户", out.added, out.changed, out.unchanged))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    out.committed = true;
    Ok(out)
}
