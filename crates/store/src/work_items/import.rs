//! A whole list from a file: the region's list is replaced from a day — the items in force end that
//! day, the file's items start it, in the file's order — checked first (every problem of every
//! line at once), all or nothing, and a dry run that writes nothing.

use super::{list_region, text};
use crate::Db;
use crate::access::Access;
use crate::entity::work_item;
use crate::error::{Result, StoreError};
use crate::imports::{Cell, Layout, headed};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Serialize;
use shegong_domain::work_items::ListKind;
use shegong_domain::{FieldError, Permission};

/// The columns of a list's file (事项名称 is the one it cannot do without).
pub const HEADINGS: [&str; 7] = ["序号", "事项名称", "法律依据", "责任部门", "经费保障", "所需材料", "办理流程"];

/// What an import found or did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ItemImport {
    pub list: String,
    pub from: NaiveDate,
    /// Items the file brings in.
    pub added: u64,
    /// Items of the list in force that end the day before `from`.
    pub ended: u64,
    pub committed: bool,
}

struct Line {
    title: String,
    basis: Option<String>,
    department: Option<String>,
    funding: Option<String>,
    documents: Option<String>,
    procedure: Option<String>,
}

/// Reads a list's file and, unless `dry_run`, replaces the region's list from `from` with it.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    db: &Db,
    access: &Access,
    region: Option<&str>,
    list: &str,
    from: Option<&str>,
    rows: &[(usize, Vec<Cell>)],
    dry_run: bool,
    today: NaiveDate,
) -> Result<ItemImport> {
    access.require(Permission::ManageWorkItems)?;
    let region = list_region(access, region)?;
    let list = ListKind::parse_field(list).map_err(StoreError::invalid)?;
    let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        Some(s) => shegong_domain::worker::parse_date("from", "起始日期", s).map_err(StoreError::invalid)?,
    };
    super::in_reach("from", "起始日期", from, today)?;
    let layout = Layout {
        headings: &HEADINGS,
        needed: &["事项名称"],
        max_lines: 2_000,
        unit: "项（一个清单的事项）",
        template: "清单",
        code: "work_file",
    };
    let sheet = headed(rows, &layout)?;
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (n, cells) in sheet.lines {
        let cell = |k: &str| sheet.cell(cells, k);
        if HEADINGS.iter().all(|k| cell(k).is_empty()) {
            continue;
        }
        let mut mine = Vec::new();
        let title = text(Some(&cell("事项名称")), "file", "事项名称", 100, &mut mine);
        if title.is_none() && mine.is_empty() {
            mine.push(FieldError::new("work_title", "file", "事项名称不能为空"));
        }
        let line = Line {
            basis: text(Some(&cell("法律依据")), "file", "法律依据", 500, &mut mine),
            department: text(Some(&cell("责任部门")), "file", "责任部门", 50, &mut mine),
            funding: text(Some(&cell("经费保障")), "file", "经费保障", 100, &mut mine),
            documents: text(Some(&cell("所需材料")), "file", "所需材料", 500, &mut mine),
            procedure: text(Some(&cell("办理流程")), "file", "办理流程", 1000, &mut mine),
            title: title.unwrap_or_default(),
        };
        if mine.is_empty() {
            lines.push(line);
        } else {
            errors.extend(mine.into_iter().map(|e| FieldError::new(e.code, "file", format!("第{n}行：{}", e.message))));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    if lines.is_empty() {
        return Err(StoreError::invalid(FieldError::new("work_file", "file", "文件中没有事项")));
    }
    let province = region.province().to_string();
    let open = Condition::all()
        .add(work_item::Column::ProvinceCode.eq(&province))
        .add(work_item::Column::RegionCode.eq(region.as_str()))
        .add(work_item::Column::List.eq(list.as_str()))
        .add(Condition::any().add(work_item::Column::ToOn.is_null()).add(work_item::Column::ToOn.gt(from)));
    let mut out = ItemImport { list: list.as_str().into(), from, added: lines.len() as u64, ..Default::default() };
    if dry_run {
        out.ended = work_item::Entity::find().filter(open).all(&db.conn).await?.len() as u64;
        return Ok(out);
    }
    let txn = db.begin_write().await?;
    Db::lock_province(&txn, &province).await?;
    for item in work_item::Entity::find().filter(open).all(&*txn).await? {
        out.ended += 1;
        // Ends the day the file starts; one not yet in force by then never comes into force. Every
        // row stays (a proof may name it).
        let end = Ord::max(from, item.from_on);
        let mut am = item.into_active_model();
        am.to_on = Set(Some(end));
        am.update(&*txn).await?;
    }
    let now = Utc::now();
    for (k, l) in lines.into_iter().enumerate() {
        work_item::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(uuid::Uuid::now_v7()),
            region_code: Set(region.to_string()),
            list: Set(list.as_str().into()),
            seq: Set(k as i32 + 1),
            title: Set(l.title),
            basis: Set(l.basis),
            department: Set(l.department),
            funding: Set(l.funding),
            documents: Set(l.documents),
            procedure: Set(l.procedure),
            example: Set(false),
            from_on: Set(from),
            to_on: Set(None),
            created_by: Set(access.actor.username.clone()),
            created_at: Set(now),
        }
        .insert(&*txn)
        .await?;
    }
    crate::audit::entry(&access.actor, "work_item.import", region.as_str())
        .detail(format!("{}自{from}起更新为{}项（原{}项移出）", list.label(), out.added, out.ended))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    out.committed = true;
    Ok(out)
}
