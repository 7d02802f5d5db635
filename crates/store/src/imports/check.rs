//! The check of every row: fields, communities in scope, duplicates, and who holds each ID number now.

use super::read::{Cell, Table, excel_serial_date};
use super::{COLUMNS, DATE_FIELDS, RowError, header_of};

use crate::entity::{appointment, id_registry, region, worker};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use shegong_domain::worker::{NewWorker, NewWorkerInput, WorkerStatus};
use shegong_domain::{RegionLevel, Scope};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(super) fn cell_text(field: &str, cell: &Cell, row: usize, errors: &mut Vec<RowError>) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(s) => {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            // Dropdown values read "21 大学本科毕业": the code comes first.
            if field == "education_code"
                && let Some((code, _)) = s.split_once(' ')
                && code.chars().all(|c| c.is_ascii_digit())
            {
                return Some(code.to_string());
            }
            Some(s.trim_start_matches('\'').to_string())
        }
        Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
        Cell::Number(f) => {
            if DATE_FIELDS.contains(&field) {
                return match excel_serial_date(*f) {
                    Some(d) => Some(d.format("%Y-%m-%d").to_string()),
                    None => {
                        errors.push(RowError::new(row, header_of(field), format!("日期数值“{f}”无效")));
                        None
                    }
                };
            }
            if field == "id_number" {
                errors.push(RowError::new(
                    row,
                    "身份证号",
                    "身份证号被存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写",
                ));
                return None;
            }
            if f.fract() == 0.0 && f.abs() < 1e15 { Some(format!("{}", *f as i64)) } else { Some(f.to_string()) }
        }
    }
}

pub(super) fn yes_no(field: &str, s: Option<String>, row: usize, errors: &mut Vec<RowError>) -> Option<bool> {
    match s.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("是" | "Y" | "y" | "1" | "true" | "TRUE") => Some(true),
        Some("否" | "N" | "n" | "0" | "false" | "FALSE") => Some(false),
        Some(other) => {
            errors.push(RowError::new(row, header_of(field), format!("“{other}”应填“是”或“否”")));
            None
        }
    }
}

/// One row of the table as the archive's input form.
pub(super) fn row_input(
    t: &Table,
    cols: &HashMap<&'static str, usize>,
    row: usize,
    cells: &[Cell],
    errors: &mut Vec<RowError>,
) -> NewWorkerInput {
    let _ = t;
    let mut get = |field: &'static str| -> Option<String> {
        cols.get(field).and_then(|&i| cells.get(i)).and_then(|c| cell_text(field, c, row, errors))
    };
    let mut i = NewWorkerInput {
        name: get("name").unwrap_or_default(),
        id_number: get("id_number").unwrap_or_default(),
        gender: get("gender"),
        birth_date: get("birth_date"),
        ethnicity: get("ethnicity"),
        political_status: get("political_status"),
        phone: get("phone"),
        address: get("address"),
        community_code: get("community_code").unwrap_or_default(),
        post_category: get("post_category").unwrap_or_default(),
        title: get("title").unwrap_or_default(),
        start_date: get("start_date").unwrap_or_default(),
        education_code: get("education_code"),
        school: get("school"),
        major: get("major"),
        two_committees: None,
        full_time: None,
        party_building: None,
        certificate_level: get("certificate_level").filter(|s| !matches!(s.as_str(), "无" | "无证书")),
        certificate_number: get("certificate_number"),
        certificate_date: get("certificate_date"),
    };
    let tc = get("two_committees");
    let ft = get("full_time");
    i.two_committees = yes_no("two_committees", tc, row, errors);
    i.full_time = yes_no("full_time", ft, row, errors);
    i
}

/// The result of checking a file.
#[derive(Debug, Default)]
pub struct Checked {
    /// Data rows in the file (blank rows not counted).
    pub rows: usize,
    pub errors: Vec<RowError>,
    /// Rows that passed, with their spreadsheet row number.
    pub valid: Vec<(usize, NewWorker)>,
    /// How many valid rows name a worker already in the archive (they will be updated).
    pub existing: usize,
    /// Who holds the valid rows' ID numbers now (read once by the check, used by the commit).
    pub(super) holders: HashMap<String, Holder>,
    /// Every row's ID number as written (bad rows included), for a resumed commit's report.
    pub(super) ids: HashMap<usize, String>,
}

/// Checks every row: each field, the community (exists, is a community, inside the importer's
/// scope), duplicates inside the file, and ID numbers held by an active worker outside the scope or
/// in another province. Nothing is written.
pub async fn check(db: &impl ConnectionTrait, scope: &Scope, t: &Table, today: NaiveDate) -> Result<Checked> {
    if scope.only_worker().is_some() {
        return Err(StoreError::Forbidden("只有管理员可以导入"));
    }
    let mut cols: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in t.headers.iter().enumerate() {
        if let Some(c) = COLUMNS.iter().find(|c| c.0 == h || c.3.contains(&h.as_str())) {
            cols.entry(c.1).or_insert(i);
        }
    }
    // Communities and streets in scope, so that a community may be given by name as offices write
    // it ("新兴社区", or "海洲街道 新兴社区" where two share a name) as well as by code.
    let places: Vec<(String, String, String)> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::Name)
        .column(region::Column::Level)
        .filter(region::Column::Level.is_in([RegionLevel::Community.as_str(), RegionLevel::Street.as_str()]))
        .filter(in_subtree(region::Column::Code, scope.region().as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let streets: HashMap<&str, &str> = places
        .iter()
        .filter(|(_, _, l)| l == RegionLevel::Street.as_str())
        .map(|(c, n, _)| (c.as_str(), n.as_str()))
        .collect();
    let communities: HashSet<String> =
        places.iter().filter(|(_, _, l)| l == RegionLevel::Community.as_str()).map(|(c, _, _)| c.clone()).collect();
    let by_name = |text: &str| -> std::result::Result<String, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let name = words.last().copied().unwrap_or_default();
        let fit: Vec<&String> = places
            .iter()
            .filter(|(c, n, l)| {
                l == RegionLevel::Community.as_str()
                    && n == name
                    && words[..words.len() - 1]
                        .iter()
                        .all(|w| c.get(..9).and_then(|s| streets.get(s)).is_some_and(|sn| sn == w))
            })
            .map(|(c, _, _)| c)
            .collect();
        match fit.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(format!("您的管辖范围内没有名为“{text}”的社区")),
            many => Err(format!(
                "有{}个名为“{text}”的社区，请写上所属街道（如“{} {name}”）或填写社区代码",
                many.len(),
                many[0].get(..9).and_then(|s| streets.get(s)).copied().unwrap_or("某某街道")
            )),
        }
    };
    let mut out = Checked { rows: t.rows.len(), ..Default::default() };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &t.rows {
        let mut errs = Vec::new();
        let mut input = row_input(t, &cols, *row, cells, &mut errs);
        out.ids.insert(*row, input.id_number.trim().to_uppercase());
        let typed = input.community_code.trim().to_string();
        let mut community_named = false;
        if !typed.is_empty() && !typed.chars().all(|c| c.is_ascii_digit()) {
            match by_name(&typed) {
                Ok(code) => input.community_code = code,
                Err(why) => {
                    errs.push(RowError::new(*row, "所在社区代码", why));
                    community_named = true;
                }
            }
        }
        match input.parse(today) {
            Ok(w) => {
                let code = w.appointment.community.as_str();
                if !communities.contains(code) {
                    errs.push(RowError::new(
                        *row,
                        "所在社区代码",
                        format!("社区代码 {code} 不存在或不在您的管辖范围内"),
                    ));
                }
                if let Some(first) = seen.insert(w.id_number.to_string(), *row) {
                    errs.push(RowError::new(*row, "身份证号", format!("与第{first}行的身份证号重复")));
                }
                // The same text limits as every other path that writes these records.
                let text = [
                    w.education.as_ref().and_then(|e| e.checked(today).err()),
                    w.certificate.as_ref().and_then(|c| c.checked(today).err()),
                ];
                for e in text.into_iter().flatten() {
                    let header = match e.field {
                        "school" => "毕业学校",
                        "major" => "专业",
                        "issued_on" => "发证日期",
                        _ => "证书编号",
                    };
                    errs.push(RowError::new(*row, header, e.message));
                }
                if errs.is_empty() {
                    out.valid.push((*row, w));
                }
            }
            Err(fe) => errs.extend(
                fe.into_iter()
                    // An unknown community name is said once, above.
                    .filter(|e| !(community_named && e.field == "community_code"))
                    .map(|e| RowError::new(*row, header_of(e.field), e.message)),
            ),
        }
        out.errors.extend(errs);
    }
    // Against the archive: an ID number active outside the scope, or kept in another province.
    let holders = registry(db, out.valid.iter().map(|(_, w)| w.id_number.to_string()).collect()).await?;
    let open = open_posts(db, holders.values().filter(|h| h.status == WorkerStatus::Active.as_str())).await?;
    let mut keep = Vec::with_capacity(out.valid.len());
    for (row, w) in std::mem::take(&mut out.valid) {
        if let Some(h) = holders.get(w.id_number.as_str()) {
            if let Some(e) = against_holder(row, &w, h, open.get(&h.worker_id), scope) {
                out.errors.push(e);
                continue;
            }
            out.existing += 1;
        }
        keep.push((row, w));
    }
    out.valid = keep;
    out.holders = holders;
    out.errors.sort_by_key(|e| e.row);
    Ok(out)
}

/// The open post of a worker: its start, and (community, post category, title).
pub(super) type OpenPost = (NaiveDate, (String, String, String));

/// Whether a row may update (or rehire) the person who holds its ID number now: the same province;
/// for someone who left, the archive's name; for someone in post, inside the importer's scope, and a
/// change of post not dated before the post in force. The check and every chunk of a commit ask.
pub(super) fn against_holder(
    row: usize,
    w: &NewWorker,
    h: &Holder,
    open: Option<&OpenPost>,
    scope: &Scope,
) -> Option<RowError> {
    let active = h.status == WorkerStatus::Active.as_str();
    if h.province_code != w.appointment.community.as_str()[..2] {
        return Some(RowError::new(row, "身份证号", "该人员档案在其他省份，请由原省份办理档案转移"));
    }
    if !active && h.name != w.name.as_str() {
        // The same rule as registering one person again: the name must be the archive's.
        return Some(RowError::new(
            row,
            "姓名",
            "姓名与该身份证号码已有档案中的姓名不一致；如姓名确有变更，请先更正档案",
        ));
    }
    if active && !scope.allows_region(&h.region_code) {
        return Some(RowError::new(row, "身份证号", "该身份证号码对应人员已在其他地区登记在岗，不能导入"));
    }
    if let Some((start, post)) = open {
        let a = &w.appointment;
        let differs = (post.0.as_str(), post.1.as_str(), post.2.as_str())
            != (a.community.as_str(), a.post_category.as_str(), a.title.as_str());
        if differs && a.start_date < *start {
            return Some(RowError::new(
                row,
                "任职开始日期",
                format!(
                    "该人员现任职务自{start}起，社区、岗位或职务变动的开始日期不能早于此日（同日视为更正现任职务）"
                ),
            ));
        }
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Holder {
    pub(super) worker_id: Uuid,
    pub(super) province_code: String,
    pub(super) region_code: String,
    pub(super) status: String,
    pub(super) name: String,
}

/// The open appointment of each of these workers: its start, and (community, post, title).
pub(super) async fn open_posts<'a>(
    db: &impl ConnectionTrait,
    holders: impl Iterator<Item = &'a Holder>,
) -> Result<HashMap<Uuid, OpenPost>> {
    let mut by_province: HashMap<&str, Vec<Uuid>> = HashMap::new();
    for h in holders {
        by_province.entry(h.province_code.as_str()).or_default().push(h.worker_id);
    }
    let mut out: HashMap<Uuid, OpenPost> = HashMap::new();
    for (p, ids) in by_province {
        for chunk in ids.chunks(500) {
            let rows: Vec<(Uuid, NaiveDate, String, String, String)> = appointment::Entity::find()
                .select_only()
                .columns([
                    appointment::Column::WorkerId,
                    appointment::Column::StartDate,
                    appointment::Column::RegionCode,
                    appointment::Column::PostCategory,
                    appointment::Column::Title,
                ])
                .filter(appointment::Column::ProvinceCode.eq(p))
                .filter(appointment::Column::WorkerId.is_in(chunk.to_vec()))
                .filter(appointment::Column::EndDate.is_null())
                .into_tuple()
                .all(db)
                .await?;
            for (id, start, region, post, title) in rows {
                // The latest open post is the one in force.
                if out.get(&id).is_none_or(|(s, _)| start > *s) {
                    out.insert(id, (start, (region, post, title)));
                }
            }
        }
    }
    Ok(out)
}

/// Who holds each of these ID numbers now.
pub(super) async fn registry(db: &impl ConnectionTrait, ids: Vec<String>) -> Result<HashMap<String, Holder>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let regs =
            id_registry::Entity::find().filter(id_registry::Column::IdNumber.is_in(chunk.to_vec())).all(db).await?;
        let mut by_province: HashMap<String, Vec<Uuid>> = HashMap::new();
        for r in &regs {
            by_province.entry(r.province_code.clone()).or_default().push(r.worker_id);
        }
        let mut state: HashMap<Uuid, (String, String, String)> = HashMap::new();
        for (p, ids) in by_province {
            let rows: Vec<(Uuid, String, String, String)> = worker::Entity::find()
                .select_only()
                .columns([worker::Column::Id, worker::Column::RegionCode, worker::Column::Status, worker::Column::Name])
                .filter(worker::Column::ProvinceCode.eq(p))
                .filter(worker::Column::Id.is_in(ids))
                .into_tuple()
                .all(db)
                .await?;
            state.extend(rows.into_iter().map(|(id, r, s, n)| (id, (r, s, n))));
        }
        for r in regs {
            if let Some((region_code, status, name)) = state.remove(&r.worker_id) {
                out.insert(
                    r.id_number,
                    Holder { worker_id: r.worker_id, province_code: r.province_code, region_code, status, name },
                );
            }
        }
    }
    Ok(out)
}
