//! A grid roster from Excel: one row per duty (网格编码, 职责, 姓名, and for a 联户长 the phone and
//! households linked; 出生日期 tells two workers of one name apart). Each grid named in the
//! file gets exactly the file's roster: duties not in the file end, new ones start, the same ones
//! stay as they are. All or nothing: any bad row and nothing is written; `dry_run` only checks.

use super::write::{Checked, DutyInput, archive_change, check, close, current_on_grid, grid_in_scope, row, same};
use crate::Db;
use crate::access::Access;
use crate::entity::{grid_duty, region, worker};
use crate::error::{Result, StoreError};
use crate::imports::Cell;
use crate::workers::editable;
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use shegong_domain::grids::Duty;
use shegong_domain::worker::WorkerStatus;
use shegong_domain::{FieldError, Permission};
use std::collections::{BTreeMap, HashMap};

/// The columns of the file, by heading (the export writes the same).
pub const HEADINGS: [&str; 7] = ["网格编码", "网格", "职责", "姓名", "出生日期", "联系电话", "联系户数"];

/// At most this many lines in one file (a county's grids hold a few thousand duties; a file is
/// checked inside the write lock, so a province's at once would hold every other writer up).
pub const MAX_LINES: usize = 20_000;

/// What a file did or would do.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportOutcome {
    /// Grids whose roster the file states.
    pub grids: usize,
    pub added: usize,
    pub ended: usize,
    pub unchanged: usize,
    /// What changes, one line each ("第1网格：新增联户长 张三"), the first 200.
    pub changes: Vec<String>,
    /// Every problem, by the file's row ("第3行：…"); nothing is written while there is one.
    pub errors: Vec<String>,
    pub committed: bool,
}

/// At most 20 characters of what was typed, for a message.
fn quoted(v: &str) -> String {
    let mut q: String = v.chars().take(20).collect();
    if v.chars().count() > 20 {
        q.push('…');
    }
    q
}

/// Reads, checks and (unless `dry_run` or a row is wrong) writes a roster file's rows.
pub async fn import(
    db: &Db,
    access: &Access,
    rows: &[(usize, Vec<Cell>)],
    dry_run: bool,
    today: NaiveDate,
) -> Result<ImportOutcome> {
    access.require(Permission::ManageGrids)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let sheet = crate::imports::headed(
        rows,
        &crate::imports::Layout {
            headings: &HEADINGS,
            needed: &["网格编码", "职责", "姓名"],
            max_lines: MAX_LINES,
            unit: "行",
            template: "网格名册",
            code: "grid_file",
        },
    )?;
    let cell = |cells: &[Cell], k: &str| sheet.cell(cells, k);
    let mut out = ImportOutcome::default();
    // Everything is read and checked inside the write transaction, so what is checked is what is written.
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, scope.region().province()).await?;
    let mut grids: BTreeMap<String, (region::Model, Vec<(usize, Checked)>)> = BTreeMap::new();
    let mut staff: HashMap<String, Vec<worker::Model>> = HashMap::new();
    for (n, cells) in sheet.lines {
        let code = cell(cells, "网格编码");
        if code.is_empty() && cell(cells, "姓名").is_empty() {
            continue;
        }
        let grid = match grids.get(&code) {
            Some((g, _)) => g.clone(),
            None => match grid_in_scope(&*txn, scope, &code).await {
                Ok(g) => {
                    grids.insert(code.clone(), (g.clone(), Vec::new()));
                    g
                }
                Err(_) => {
                    out.errors.push(format!("第{n}行：网格编码“{}”不存在或不在您的管辖范围内", quoted(&code)));
                    continue;
                }
            },
        };
        let duty_text = cell(cells, "职责");
        let Some(duty) = Duty::parse(&duty_text) else {
            out.errors.push(format!("第{n}行：职责“{}”应为网格员、包格两委、联户长或网格党小组", quoted(&duty_text)));
            continue;
        };
        let name = cell(cells, "姓名");
        let mut input = DutyInput { duty: duty.as_str().into(), name: Some(name.clone()), ..Default::default() };
        if duty.is_worker() {
            let community = grid.parent_code.clone().unwrap_or_default();
            if !staff.contains_key(&community) {
                let people = worker::Entity::find()
                    .filter(worker::Column::ProvinceCode.eq(&community[..2]))
                    .filter(worker::Column::RegionCode.eq(&community))
                    .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
                    .all(&*txn)
                    .await?;
                staff.insert(community.clone(), people);
            }
            let born = cell(cells, "出生日期");
            let born = if born.is_empty() {
                None
            } else {
                match shegong_domain::worker::parse_date("birth_date", "出生日期", &born) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        out.errors.push(format!("第{n}行：{}", e.message));
                        continue;
                    }
                }
            };
            let found: Vec<&worker::Model> =
                staff[&community].iter().filter(|w| w.name == name && born.is_none_or(|b| w.birth_date == b)).collect();
            let named = staff[&community].iter().filter(|w| w.name == name).count();
            match found.as_slice() {
                [w] => input.worker_id = Some(w.id),
                [] if named > 0 => {
                    out.errors.push(format!("第{n}行：出生日期与本社区{}的档案不符", quoted(&name)));
                    continue;
                }
                [] => {
                    out.errors.push(format!("第{n}行：{}不是{}所在社区的在岗社区工作者", quoted(&name), grid.name));
                    continue;
                }
                more => {
                    out.errors.push(format!(
                        "第{n}行：社区中有{}人名为{}，请填写“出生日期”以区分",
                        more.len(),
                        quoted(&name)
                    ));
                    continue;
                }
            }
        } else {
            input.phone = Some(cell(cells, "联系电话"));
            input.households = Some(cell(cells, "联系户数").into());
        }
        match check(&*txn, &grid, &input).await {
            Ok(c) => {
                let list = &mut grids.get_mut(&code).expect("inserted above").1;
                if list.iter().any(|(_, x)| same_checked(x, &c)) {
                    out.errors.push(format!("第{n}行：{}在{}的{}中重复", quoted(&c.name), grid.name, duty.label()));
                } else if duty.single() && list.iter().any(|(_, x)| x.duty == duty) {
                    out.errors.push(format!("第{n}行：{}只能有一个网格党小组", grid.name));
                } else {
                    list.push((*n, c));
                }
            }
            Err(StoreError::Invalid(errors)) => {
                for e in errors {
                    out.errors.push(format!("第{n}行：{}", e.message));
                }
            }
            Err(e) => return Err(e),
        }
    }
    out.grids = grids.len();
    if out.grids == 0 && out.errors.is_empty() {
        return Err(StoreError::invalid(FieldError::new("grid_file", "file", "文件中没有网格名册的数据行")));
    }
    // What changes: per grid, the current duties not in the file end; the file's new ones start.
    let mut plan: Vec<(region::Model, Vec<grid_duty::Model>, Vec<Checked>)> = Vec::new();
    for (grid, wanted) in grids.into_values() {
        let linked: i64 = wanted.iter().filter_map(|(_, c)| c.households).map(i64::from).sum();
        if let Err(StoreError::Invalid(e)) = super::write::linked_within(&grid, linked) {
            let first = wanted.iter().find(|(_, c)| c.households.is_some()).map_or(0, |(n, _)| *n);
            out.errors.push(format!("第{first}行起：{}", e[0].message));
        }
        let now = current_on_grid(&*txn, &grid).await?;
        let ending: Vec<grid_duty::Model> =
            now.iter().filter(|d| !wanted.iter().any(|(_, c)| same(d, c))).cloned().collect();
        let starting: Vec<Checked> =
            wanted.into_iter().map(|(_, c)| c).filter(|c| !now.iter().any(|d| same(d, c))).collect();
        let label = |d: &str| Duty::parse(d).map_or("", Duty::label);
        for d in &ending {
            out.changes.push(format!("{}：解除{} {}", grid.name, label(&d.duty), d.name));
        }
        for c in &starting {
            out.changes.push(format!("{}：新增{} {}", grid.name, c.duty.label(), c.name));
        }
        out.changes.truncate(200);
        out.unchanged += now.len() - ending.len();
        out.added += starting.len();
        out.ended += ending.len();
        plan.push((grid, ending, starting));
    }
    if dry_run || !out.errors.is_empty() {
        return Ok(out);
    }
    // The workers whose grids change, with their grids before, for their archives' history.
    let mut touched: BTreeMap<(uuid::Uuid, String), (worker::Model, Option<String>)> = BTreeMap::new();
    for (_, ending, starting) in &plan {
        let ids = ending
            .iter()
            .filter_map(|d| d.worker_id.map(|w| (w, d.duty.clone())))
            .chain(starting.iter().filter_map(|c| c.worker.as_ref().map(|w| (w.id, c.duty.as_str().to_string()))));
        for (id, duty) in ids {
            if touched.contains_key(&(id, duty.clone())) {
                continue;
            }
            if let Some(w) = worker::Entity::find_by_id((scope.region().province().to_string(), id)).one(&*txn).await? {
                let before = super::write::worker_grids(&*txn, &w, &duty).await?;
                touched.insert((id, duty), (w, before));
            }
        }
    }
    for (grid, ending, starting) in &plan {
        for d in ending {
            close(&*txn, d.clone(), actor, today).await?;
        }
        for c in starting {
            row(grid, c, actor, today).insert(&*txn).await?;
        }
    }
    for ((_, duty), (w, before)) in touched {
        archive_change(&txn, &w, &duty, actor, before).await?;
    }
    crate::audit::entry(actor, "grid.import", scope.region().as_str())
        .detail(format!("{}个网格：新增{}，解除{}，不变{}", out.grids, out.added, out.ended, out.unchanged))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    out.committed = true;
    Ok(out)
}

fn same_checked(a: &Checked, b: &Checked) -> bool {
    a.duty == b.duty
        && match a.duty {
            Duty::GridWorker | Duty::Committee => a.worker.as_ref().map(|w| w.id) == b.worker.as_ref().map(|w| w.id),
            _ => a.name == b.name && a.phone == b.phone,
        }
}
