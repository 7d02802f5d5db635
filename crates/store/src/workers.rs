//! The workers' archives, read and written through the caller's scope.

use crate::Db;
use crate::access::Access;
use crate::audit::Actor;
use crate::entity::{
    agreement, appointment, certificate, correction, education, id_registry, region, worker, worker_change,
};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use chrono::{Months, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use shegong_domain::Permission;
use shegong_domain::codes::{ETHNICITY, POLITICAL_STATUS, education_rank};
use shegong_domain::person::{Gender, PersonName, Phone};
use shegong_domain::service::{Period, service_years};
use shegong_domain::worker::{
    AppointmentFields, CertificateFields, CertificateLevel, EducationFields, NewWorker, WorkerStatus, parse_community,
    parse_date,
};
use shegong_domain::{FieldError, IdNumber, RegionCode, Scope};
use uuid::Uuid;

/// Filters of the worker list; every one optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WorkerFilter {
    /// Narrow to a sub-region of the caller's scope.
    pub region: Option<String>,
    /// Name (contains) or ID number (prefix).
    pub q: Option<String>,
    pub post_category: Option<String>,
    /// postgraduate | bachelor | college | high_school_or_below | college_or_above
    pub education: Option<String>,
    /// any | none | junior | intermediate | senior
    pub certificate: Option<String>,
    /// "true" | "false"
    pub full_time: Option<String>,
    pub two_committees: Option<String>,
    /// active (default) | exited | all
    pub status: Option<String>,
    pub age_min: Option<String>,
    pub age_max: Option<String>,
    /// name | -name | age | -age | service | -service | region (default)
    pub sort: Option<String>,
    /// Whether the caller may see full ID numbers: then `q` matches ID numbers by prefix; otherwise
    /// only a whole ID number matches, so that nobody can recover a number digit by digit. Set by
    /// the caller's role, never from the query.
    #[serde(skip)]
    pub id_prefix_search: bool,
}

/// The longest text a `q` search takes.
const MAX_QUERY_CHARS: usize = 50;
/// Ages the filters accept.
const MAX_AGE: u32 = 150;

/// `col LIKE '%text%'` with the text taken literally (`%`, `_` and `\` escaped).
pub(crate) fn contains_literally<C: ColumnTrait>(col: C, text: &str) -> sea_orm::sea_query::SimpleExpr {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    Expr::col(col).like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\'))
}

fn set_str(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The caller's scope as a condition on `workers`.
fn scope_condition(scope: &Scope) -> Condition {
    // The province column routes the query to one shard group on a distributed engine.
    let mut c = in_subtree(worker::Column::RegionCode, scope.region().as_str())
        .add(worker::Column::ProvinceCode.eq(scope.region().province()));
    if let Some(w) = scope.only_worker() {
        c = c.add(worker::Column::Id.eq(w));
    }
    c
}

impl WorkerFilter {
    /// The filters as a condition (scope included), or the error naming a bad filter.
    pub fn condition(&self, scope: &Scope, today: NaiveDate) -> Result<Condition> {
        let mut c = scope_condition(scope);
        if let Some(r) = set_str(&self.region) {
            let code = RegionCode::parse(r).map_err(|e| StoreError::invalid(FieldError { field: "region", ..e }))?;
            // A region outside the scope yields nothing, like a 404; an ancestor means the whole scope.
            match scope.narrow(&code) {
                Some(s) => c = c.add(in_subtree(worker::Column::RegionCode, s.region().as_str())),
                None => c = c.add(Expr::val(1).eq(0)),
            }
        }
        if let Some(q) = set_str(&self.q) {
            if q.chars().count() > MAX_QUERY_CHARS || q.chars().any(char::is_control) {
                return Err(bad_filter("q", "搜索内容过长或含有无效字符"));
            }
            let upper = q.to_ascii_uppercase();
            if upper.len() >= 4 && upper.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
                if self.id_prefix_search {
                    c = c.add(worker::Column::IdNumber.starts_with(upper.as_str()));
                } else {
                    // Only the whole number: a prefix would let the number be guessed digit by digit.
                    c = c.add(worker::Column::IdNumber.eq(upper.as_str()));
                }
            } else {
                c = c.add(contains_literally(worker::Column::Name, q));
            }
        }
        if let Some(p) = set_str(&self.post_category) {
            c = c.add(worker::Column::PostCategory.eq(p));
        }
        if let Some(e) = set_str(&self.education) {
            let codes: Vec<&str> = match e {
                "postgraduate" => vec!["10", "11", "14", "17"],
                "bachelor" => vec!["20", "21", "28"],
                "college" => vec!["30", "31"],
                "college_or_above" => vec!["10", "11", "14", "17", "20", "21", "28", "30", "31"],
                "high_school_or_below" => {
                    c = c.add(
                        Condition::any().add(worker::Column::HighestEducation.is_null()).add(
                            worker::Column::HighestEducation
                                .is_not_in(["10", "11", "14", "17", "20", "21", "28", "30", "31"]),
                        ),
                    );
                    vec![]
                }
                _ => return Err(bad_filter("education", "学历筛选条件无效")),
            };
            if !codes.is_empty() {
                c = c.add(worker::Column::HighestEducation.is_in(codes));
            }
        }
        if let Some(cert) = set_str(&self.certificate) {
            c = c.add(match cert {
                "any" => worker::Column::CertificateLevel.is_not_null(),
                "none" => worker::Column::CertificateLevel.is_null(),
                l => worker::Column::CertificateLevel.eq(CertificateLevel::parse(l)
                    .map_err(|_| bad_filter("certificate", "社工证筛选条件无效"))?
                    .as_str()),
            });
        }
        if let Some(f) = set_str(&self.full_time) {
            c = c.add(worker::Column::FullTime.eq(parse_bool(f, "full_time")?));
        }
        if let Some(f) = set_str(&self.two_committees) {
            c = c.add(worker::Column::TwoCommittees.eq(parse_bool(f, "two_committees")?));
        }
        match set_str(&self.status).unwrap_or("active") {
            "all" => {}
            s => {
                let st = WorkerStatus::parse(s).ok_or_else(|| bad_filter("status", "状态筛选条件无效"))?;
                c = c.add(worker::Column::Status.eq(st.as_str()));
            }
        }
        // Age a..=b years today means a birth date in (today - (b+1) years, today - a years].
        let age = |v: &str, field: &'static str| -> Result<u32> {
            v.parse::<u32>()
                .ok()
                .filter(|a| *a <= MAX_AGE)
                .ok_or_else(|| bad_filter(field, &format!("年龄应为0至{MAX_AGE}之间的整数")))
        };
        if let (Some(a), Some(b)) = (set_str(&self.age_min), set_str(&self.age_max))
            && age(a, "age_min")? > age(b, "age_max")?
        {
            return Err(bad_filter("age_max", "最大年龄不能小于最小年龄"));
        }
        if let Some(a) = set_str(&self.age_min) {
            let a = age(a, "age_min")?;
            let latest = today.checked_sub_months(Months::new(12 * a)).unwrap_or(today);
            c = c.add(worker::Column::BirthDate.lte(latest));
        }
        if let Some(b) = set_str(&self.age_max) {
            let b = age(b, "age_max")?;
            let earliest = today.checked_sub_months(Months::new(12 * (b + 1))).unwrap_or(today);
            c = c.add(worker::Column::BirthDate.gt(earliest));
        }
        if let Some(sort) = set_str(&self.sort)
            && !SORTS.contains(&sort)
        {
            return Err(bad_filter("sort", "排序方式无效"));
        }
        Ok(c)
    }
}

const SORTS: [&str; 7] = ["name", "-name", "age", "-age", "service", "-service", "region"];

fn bad_filter(field: &'static str, message: &str) -> StoreError {
    StoreError::invalid(FieldError::new("filter_invalid", field, message))
}

fn parse_bool(s: &str, field: &'static str) -> Result<bool> {
    match s {
        "true" | "1" | "是" => Ok(true),
        "false" | "0" | "否" => Ok(false),
        _ => Err(bad_filter(field, "应为 true 或 false")),
    }
}

/// One page of the scoped, filtered list, and the total.
pub async fn list(
    db: &Db,
    scope: &Scope,
    filter: &WorkerFilter,
    today: NaiveDate,
    page: u64,
    per_page: u64,
) -> Result<(Vec<worker::Model>, u64)> {
    let cond = filter.condition(scope, today)?;
    let base = worker::Entity::find().filter(cond);
    let total = base.clone().count(&db.conn).await?;
    let q = sorted(base, filter.sort.as_deref());
    let rows = q
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(&db.conn)
        .await?;
    Ok((rows, total))
}

fn sorted(q: sea_orm::Select<worker::Entity>, sort: Option<&str>) -> sea_orm::Select<worker::Entity> {
    use worker::Column as C;
    match sort.unwrap_or("region") {
        "name" => q.order_by_asc(C::Name).order_by_asc(C::Id),
        "-name" => q.order_by_desc(C::Name).order_by_asc(C::Id),
        // older first = earlier birth date
        "-age" => q.order_by_asc(C::BirthDate).order_by_asc(C::Id),
        "age" => q.order_by_desc(C::BirthDate).order_by_asc(C::Id),
        "service" => q.order_by_asc(C::ServiceStart).order_by_asc(C::Id),
        "-service" => q.order_by_desc(C::ServiceStart).order_by_asc(C::Id),
        _ => q.order_by_asc(C::RegionCode).order_by_asc(C::Name).order_by_asc(C::Id),
    }
}

/// Streams every row of the scoped, filtered list to `each` in pages (for exports).
pub async fn for_each(
    db: &Db,
    scope: &Scope,
    filter: &WorkerFilter,
    today: NaiveDate,
    mut each: impl FnMut(&worker::Model),
) -> Result<u64> {
    use futures_util::TryStreamExt;
    let cond = filter.condition(scope, today)?;
    // One query read as a stream: linear in the rows, where pages with OFFSET re-read every row
    // before the page (quadratic over a province's export).
    let mut rows = sorted(worker::Entity::find().filter(cond), filter.sort.as_deref())
        .stream(&db.conn)
        .await?;
    let mut n = 0;
    while let Some(r) = rows.try_next().await? {
        each(&r);
        n += 1;
    }
    Ok(n)
}

/// A worker's whole archive.
#[derive(Debug, Clone, Serialize)]
pub struct Archive {
    pub worker: worker::Model,
    pub community_name: String,
    pub appointments: Vec<appointment::Model>,
    pub educations: Vec<education::Model>,
    pub certificates: Vec<certificate::Model>,
    pub agreements: Vec<agreement::Model>,
    pub service_years: i64,
}

pub(crate) async fn find_scoped(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<worker::Model> {
    worker::Entity::find()
        .filter(worker::Column::Id.eq(id))
        .filter(scope_condition(scope))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The worker in scope; [`StoreError::NotFound`] when absent or outside.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> Result<worker::Model> {
    find_scoped(&db.conn, scope, id).await
}

pub async fn archive(db: &Db, scope: &Scope, id: Uuid, today: NaiveDate) -> Result<Archive> {
    let w = find_scoped(&db.conn, scope, id).await?;
    let p = w.province_code.clone();
    // Four independent reads, concurrently (one round trip's latency on PostgreSQL).
    let (appointments, educations, certificates, agreements) = tokio::try_join!(
        appointment::Entity::find()
            .filter(appointment::Column::ProvinceCode.eq(&p))
            .filter(appointment::Column::WorkerId.eq(id))
            .order_by_desc(appointment::Column::StartDate)
            .all(&db.conn),
        education::Entity::find()
            .filter(education::Column::ProvinceCode.eq(&p))
            .filter(education::Column::WorkerId.eq(id))
            .order_by_asc(education::Column::GraduatedOn)
            .all(&db.conn),
        certificate::Entity::find()
            .filter(certificate::Column::ProvinceCode.eq(&p))
            .filter(certificate::Column::WorkerId.eq(id))
            .order_by_asc(certificate::Column::IssuedOn)
            .all(&db.conn),
        agreement::Entity::find()
            .filter(agreement::Column::ProvinceCode.eq(&p))
            .filter(agreement::Column::WorkerId.eq(id))
            .order_by_desc(agreement::Column::StartDate)
            .all(&db.conn),
    )?;
    let mut codes: Vec<String> = appointments.iter().map(|a| a.region_code.clone()).collect();
    codes.push(w.region_code.clone());
    let names = crate::regions::names(&db.conn, codes).await?;
    let periods: Vec<Period> = appointments
        .iter()
        .map(|a| Period {
            start: a.start_date,
            end: a.end_date,
        })
        .collect();
    Ok(Archive {
        community_name: names.get(&w.region_code).cloned().unwrap_or_default(),
        service_years: service_years(&periods, today),
        worker: w,
        appointments,
        educations,
        certificates,
        agreements,
    })
}

/// Community names for codes (for lists and archives).
pub async fn community_names(db: &Db, codes: Vec<String>) -> Result<std::collections::HashMap<String, String>> {
    crate::regions::names(&db.conn, codes).await
}

/// The field-by-field history of an archive, newest first.
/// The field name of an ID-number correction in the history.
pub const ID_NUMBER_FIELD: &str = "身份证号码";

/// A worker's history, newest first. ID numbers in it (corrections) are masked unless `full_id`.
pub async fn history(db: &Db, scope: &Scope, id: Uuid, full_id: bool) -> Result<Vec<worker_change::Model>> {
    let w = find_scoped(&db.conn, scope, id).await?;
    let mut rows = worker_change::Entity::find()
        .filter(worker_change::Column::ProvinceCode.eq(w.province_code))
        .filter(worker_change::Column::WorkerId.eq(id))
        .order_by_desc(worker_change::Column::ChangedAt)
        .order_by_desc(worker_change::Column::Id)
        .all(&db.conn)
        .await?;
    if !full_id {
        for r in rows.iter_mut().filter(|r| r.field == ID_NUMBER_FIELD) {
            r.before = r.before.as_deref().map(shegong_domain::id_number::mask);
            r.after = r.after.as_deref().map(shegong_domain::id_number::mask);
        }
    }
    Ok(rows)
}

/// Collects history rows for one write and inserts them together.
pub(crate) struct Changes<'a> {
    worker: &'a worker::Model,
    actor: &'a Actor,
    at: chrono::DateTime<Utc>,
    rows: Vec<worker_change::ActiveModel>,
}

impl<'a> Changes<'a> {
    pub(crate) fn new(worker: &'a worker::Model, actor: &'a Actor) -> Self {
        Self {
            worker,
            actor,
            at: Utc::now(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, section: &str, field: &str, before: Option<String>, after: Option<String>) {
        if before == after {
            return;
        }
        self.rows.push(worker_change::ActiveModel {
            province_code: Set(self.worker.province_code.clone()),
            id: Set(Uuid::now_v7()),
            worker_id: Set(self.worker.id),
            region_code: Set(self.worker.region_code.clone()),
            changed_at: Set(self.at),
            actor: Set(self.actor.username.clone()),
            section: Set(section.to_string()),
            field: Set(field.to_string()),
            before: Set(before),
            after: Set(after),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(crate) async fn save(self, txn: &DatabaseTransaction) -> Result<()> {
        if !self.rows.is_empty() {
            worker_change::Entity::insert_many(self.rows)
                .exec_without_returning(txn)
                .await?;
        }
        Ok(())
    }
}

pub(crate) fn d(x: NaiveDate) -> String {
    x.format("%Y-%m-%d").to_string()
}

async fn community_in_scope(db: &impl ConnectionTrait, scope: &Scope, code: &RegionCode) -> Result<region::Model> {
    let not_found = || {
        StoreError::invalid(FieldError::new(
            "community_not_found",
            "community_code",
            format!("社区代码 {code} 不存在或不在您的管辖范围内"),
        ))
    };
    if !scope.allows_region(code.as_str()) || scope.only_worker().is_some() {
        return Err(not_found());
    }
    region::Entity::find_by_id(code.to_string())
        .one(db)
        .await?
        .filter(|r| r.level == "community")
        .ok_or_else(not_found)
}

/// Registers a new worker (or re-hires one who left: the same archive reopens). One transaction:
/// on any error nothing is written.
pub async fn create(db: &Db, access: &Access, new: NewWorker) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    let txn = db.begin_write().await?;
    let w = create_in(&txn, access, new).await?;
    txn.commit().await?;
    Ok(w)
}

/// What someone outside the holding region is told about a person registered and active there.
pub const ACTIVE_ELSEWHERE: &str = "该身份证号码对应人员已在其他地区登记在岗，不能重复登记";

/// [`create`] inside a caller's transaction (an import's update of a worker who left rehires them).
pub async fn create_in(txn: &DatabaseTransaction, access: &Access, new: NewWorker) -> Result<worker::Model> {
    let (scope, actor) = (&access.scope, &access.actor);
    let community = community_in_scope(txn, scope, &new.appointment.community).await?;
    let now = Utc::now();
    if let Some(existing) = id_registry::Entity::find_by_id(new.id_number.to_string())
        .one(txn)
        .await?
    {
        // A registry row with no archive yet: an import is making that archive right now.
        let held = worker::Entity::find()
            .filter(worker::Column::ProvinceCode.eq(&existing.province_code))
            .filter(worker::Column::Id.eq(existing.worker_id))
            .one(txn)
            .await?
            .ok_or_else(|| {
                StoreError::Conflict(FieldError::new(
                    "id_number_being_imported",
                    "id_number",
                    "该身份证号码正在由批量导入建档，请稍后再试",
                ))
            })?;
        if held.status == WorkerStatus::Active.as_str() {
            // Where the person works is said only to those who may see that community.
            let message = if scope.allows_region(&held.region_code) {
                let names = crate::regions::names(txn, vec![held.region_code.clone()]).await?;
                format!(
                    "该身份证号码对应人员已在{}（{}）登记在岗，不能重复登记",
                    names.get(&held.region_code).map_or("本辖区其他社区", String::as_str),
                    held.region_code
                )
            } else {
                ACTIVE_ELSEWHERE.to_string()
            };
            return Err(StoreError::Conflict(FieldError::new(
                "id_number_active_elsewhere",
                "id_number",
                message,
            )));
        }
        if held.province_code != community.code[..2] {
            return Err(StoreError::Conflict(FieldError::new(
                "id_number_other_province",
                "id_number",
                "该人员档案在其他省份，请由原省份办理档案转移",
            )));
        }
        return rehire(txn, access, held, new, now).await;
    }
    let id = Uuid::now_v7();
    let province = community.code[..2].to_string();
    let a = &new.appointment;
    let model = worker::ActiveModel {
        province_code: Set(province.clone()),
        id: Set(id),
        region_code: Set(community.code.clone()),
        name: Set(new.name.as_str().to_string()),
        id_number: Set(new.id_number.to_string()),
        gender: Set(new.gender.code().to_string()),
        birth_date: Set(new.birth_date),
        ethnicity: Set(new.ethnicity.clone()),
        political_status: Set(new.political_status.clone()),
        phone: Set(new.phone.as_ref().map(|p| p.as_str().to_string())),
        address: Set(new.address.clone()),
        status: Set(WorkerStatus::Active.as_str().to_string()),
        post_category: Set(a.post_category.clone()),
        title: Set(a.title.clone()),
        two_committees: Set(a.two_committees),
        full_time: Set(a.full_time),
        party_building: Set(a.party_building),
        highest_education: Set(new.education.as_ref().map(|e| e.code.clone())),
        certificate_level: Set(new.certificate.as_ref().map(|c| c.level.as_str().to_string())),
        service_start: Set(Some(a.start_date)),
        exited_on: Set(None),
        exit_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    id_registry::ActiveModel {
        id_number: Set(new.id_number.to_string()),
        province_code: Set(province.clone()),
        worker_id: Set(id),
    }
    .insert(txn)
    .await?;
    insert_appointment(txn, &model, a).await?;
    if let Some(e) = &new.education {
        insert_education(txn, &model, e).await?;
    }
    if let Some(c) = &new.certificate {
        insert_certificate(txn, &model, c).await?;
    }
    crate::stats::rebuild_worker(txn, &model).await?;
    let mut ch = Changes::new(&model, actor);
    ch.push(
        "archive",
        "建档",
        None,
        Some(format!("{} 在 {} 建立档案", model.name, community.name)),
    );
    ch.save(txn).await?;
    crate::audit::record(
        txn,
        actor,
        "worker.create",
        &model.region_code,
        Some(id.to_string()),
        None,
    )
    .await?;
    Ok(model)
}

/// Registers again a person whose archive is kept (they left). The archive follows the person: the
/// name typed must be the archive's, and the new post must start after the earlier service ended.
/// When the archive was last held outside the registering admin's region, this is a transfer of
/// the archive into that region: recorded in the history and in both regions' audit logs, with the
/// earlier service (appointments, education, certificates, grades, agreements) kept, and the
/// contact details (phone, address) replaced by those given now, so that nothing the other region
/// recorded about where the person lives passes over.
async fn rehire(
    txn: &DatabaseTransaction,
    access: &Access,
    held: worker::Model,
    new: NewWorker,
    now: chrono::DateTime<Utc>,
) -> Result<worker::Model> {
    let (scope, actor) = (&access.scope, &access.actor);
    let a = &new.appointment;
    if new.name.as_str() != held.name {
        return Err(StoreError::Conflict(FieldError::new(
            "name_mismatch",
            "name",
            "姓名与该身份证号码已有档案中的姓名不一致；如姓名确有变更，请由原档案所在地先更正档案",
        )));
    }
    let last_end = appointment::Entity::find()
        .filter(appointment::Column::ProvinceCode.eq(&held.province_code))
        .filter(appointment::Column::WorkerId.eq(held.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|x| x.end_date.unwrap_or(x.start_date))
        .chain(held.exited_on)
        .max();
    if let Some(end) = last_end
        && a.start_date <= end
    {
        return Err(StoreError::invalid(FieldError::new(
            "start_date_overlaps",
            "start_date",
            "任职开始日期应晚于此人此前任职的结束日期",
        )));
    }
    let transfer = !scope.allows_region(&held.region_code);
    // Taking over another region's archive is a county's decision, not a street's or a community's.
    if transfer {
        access.require(Permission::TransferArchive)?;
    }
    let from_county = held.region_code.chars().take(6).collect::<String>();
    let mut am = held.clone().into_active_model();
    if transfer {
        am.phone = Set(new.phone.as_ref().map(|p| p.as_str().to_string()));
        am.address = Set(new.address.clone());
    }
    am.status = Set(WorkerStatus::Active.as_str().to_string());
    am.region_code = Set(a.community.to_string());
    am.post_category = Set(a.post_category.clone());
    am.title = Set(a.title.clone());
    am.two_committees = Set(a.two_committees);
    am.full_time = Set(a.full_time);
    am.party_building = Set(a.party_building);
    am.exited_on = Set(None);
    am.exit_reason = Set(None);
    am.updated_at = Set(now);
    let model = am.update(txn).await?;
    insert_appointment(txn, &model, a).await?;
    if let Some(e) = &new.education {
        insert_education(txn, &model, e).await?;
    }
    if let Some(c) = &new.certificate {
        insert_certificate(txn, &model, c).await?;
    }
    let model = refresh_derived(txn, model).await?;
    let mut ch = Changes::new(&model, actor);
    ch.push(
        "archive",
        "状态",
        Some(WorkerStatus::Exited.label().into()),
        Some(format!("重新聘用（{}）", d(a.start_date))),
    );
    if transfer {
        ch.push(
            "archive",
            "档案转入",
            Some(format!("原所在县（市、区）{from_county}")),
            Some(format!("{}，{}", model.region_code, d(a.start_date))),
        );
    }
    ch.save(txn).await?;
    if transfer {
        let detail = Some(format!(
            "档案自 {from_county} 转入 {}，{}",
            model.region_code,
            d(a.start_date)
        ));
        crate::audit::record(
            txn,
            actor,
            "worker.transfer_in",
            &model.region_code,
            Some(model.id.to_string()),
            detail.clone(),
        )
        .await?;
        crate::audit::record(
            txn,
            actor,
            "worker.transfer_out",
            &held.region_code,
            Some(model.id.to_string()),
            detail,
        )
        .await?;
    } else {
        crate::audit::record(
            txn,
            actor,
            "worker.rehire",
            &model.region_code,
            Some(model.id.to_string()),
            None,
        )
        .await?;
    }
    Ok(model)
}

pub(crate) async fn insert_appointment(
    txn: &DatabaseTransaction,
    w: &worker::Model,
    a: &AppointmentFields,
) -> Result<appointment::Model> {
    Ok(appointment::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        region_code: Set(a.community.to_string()),
        post_category: Set(a.post_category.clone()),
        title: Set(a.title.clone()),
        two_committees: Set(a.two_committees),
        full_time: Set(a.full_time),
        party_building: Set(a.party_building),
        start_date: Set(a.start_date),
        end_date: Set(a.end_date),
        end_reason: Set(None),
    }
    .insert(txn)
    .await?)
}

pub(crate) async fn insert_education(
    txn: &DatabaseTransaction,
    w: &worker::Model,
    e: &EducationFields,
) -> Result<education::Model> {
    let e = &e.checked(crate::clock::today()).map_err(StoreError::invalid)?;
    Ok(education::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        education_code: Set(e.code.clone()),
        school: Set(e.school.clone()),
        major: Set(e.major.clone()),
        graduated_on: Set(e.graduated_on),
        full_time_study: Set(true),
    }
    .insert(txn)
    .await?)
}

pub(crate) async fn insert_certificate(
    txn: &DatabaseTransaction,
    w: &worker::Model,
    c: &CertificateFields,
) -> Result<certificate::Model> {
    let c = &c.checked(crate::clock::today()).map_err(StoreError::invalid)?;
    Ok(certificate::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        kind: Set("social_work".into()),
        level: Set(Some(c.level.as_str().to_string())),
        name: Set(c.level.label().to_string()),
        number: Set(c.number.clone()),
        issued_on: Set(c.issued_on),
    }
    .insert(txn)
    .await?)
}

/// Recomputes the list columns derived from appointments, educations and certificates.
pub(crate) async fn refresh_derived(txn: &DatabaseTransaction, w: worker::Model) -> Result<worker::Model> {
    let appts = appointment::Entity::find()
        .filter(appointment::Column::ProvinceCode.eq(&w.province_code))
        .filter(appointment::Column::WorkerId.eq(w.id))
        .order_by_desc(appointment::Column::StartDate)
        .all(txn)
        .await?;
    let edus: Vec<String> = education::Entity::find()
        .select_only()
        .column(education::Column::EducationCode)
        .filter(education::Column::ProvinceCode.eq(&w.province_code))
        .filter(education::Column::WorkerId.eq(w.id))
        .into_tuple()
        .all(txn)
        .await?;
    let certs: Vec<Option<String>> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Level)
        .filter(certificate::Column::ProvinceCode.eq(&w.province_code))
        .filter(certificate::Column::WorkerId.eq(w.id))
        .filter(certificate::Column::Kind.eq("social_work"))
        .into_tuple()
        .all(txn)
        .await?;
    let highest_education = edus.iter().min_by_key(|c| education_rank(c)).cloned();
    let certificate_level = certs
        .iter()
        .flatten()
        .filter_map(|l| CertificateLevel::parse(l).ok())
        .max()
        .map(|l| l.as_str().to_string());
    let current = appts.iter().find(|a| a.end_date.is_none()).or(appts.first());
    let mut am = w.clone().into_active_model();
    am.highest_education = Set(highest_education);
    am.certificate_level = Set(certificate_level);
    am.service_start = Set(appts.iter().map(|a| a.start_date).min());
    if let Some(c) = current {
        am.region_code = Set(c.region_code.clone());
        am.post_category = Set(c.post_category.clone());
        am.title = Set(c.title.clone());
        am.two_committees = Set(c.two_committees);
        am.full_time = Set(c.full_time);
        am.party_building = Set(c.party_building);
    }
    am.updated_at = Set(Utc::now());
    let updated = am.update(txn).await?;
    crate::stats::rebuild_worker(txn, &updated).await?;
    Ok(updated)
}

/// Changes to a worker's identity fields; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WorkerPatch {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub ethnicity: Option<String>,
    pub political_status: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// An archive whose person has left is read-only: it changes again only when they are registered
/// again (or through a correction request that an admin handles after re-registration).
pub(crate) fn still_serving(w: &worker::Model) -> Result<()> {
    if w.status == WorkerStatus::Active.as_str() {
        Ok(())
    } else {
        Err(StoreError::invalid(FieldError::new(
            "worker_exited",
            "status",
            "该人员已退出，档案只读；如需修改请先重新聘用",
        )))
    }
}

pub(crate) fn editable(scope: &Scope) -> Result<()> {
    if scope.only_worker().is_some() {
        return Err(StoreError::Forbidden("本人只能查看档案并申请更正"));
    }
    Ok(())
}

/// Applies a patch: every field is checked first, then everything is written in one transaction,
/// with one history row per changed field.
pub async fn update(db: &Db, access: &Access, id: Uuid, patch: &WorkerPatch) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    // Sending an ID number at all needs the right to correct it: otherwise whether the answer is a
    // refusal or "nothing changed" would tell a guess from the real number.
    if patch.id_number.is_some() {
        access.require(Permission::CorrectIdNumber)?;
    }
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    still_serving(&w)?;
    let mut errors = Vec::new();
    let mut am = w.clone().into_active_model();
    let mut ch = Changes::new(&w, actor);
    let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).map(str::to_string);

    let id_number = match trimmed(&patch.id_number) {
        Some(s) => match IdNumber::parse(&s) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                IdNumber::parse(&w.id_number).map_err(|e| anyhow::anyhow!("stored id number invalid: {e}"))?
            }
        },
        None => IdNumber::parse(&w.id_number).map_err(|e| anyhow::anyhow!("stored id number invalid: {e}"))?,
    };
    if let Some(s) = trimmed(&patch.name) {
        match PersonName::parse(&s) {
            Ok(n) => {
                ch.push("basic", "姓名", Some(w.name.clone()), Some(n.as_str().into()));
                am.name = Set(n.as_str().into());
            }
            Err(e) => errors.push(e),
        }
    }
    let gender = match trimmed(&patch.gender) {
        Some(g) => match Gender::from_code(&g) {
            Some(g) => Some(g),
            None => {
                errors.push(FieldError::new("gender_unknown", "gender", "性别应为“男”或“女”"));
                None
            }
        },
        None if patch.id_number.is_some() => Some(id_number.gender()),
        None => Gender::from_code(&w.gender),
    };
    let birth = match trimmed(&patch.birth_date) {
        Some(b) => match parse_date("birth_date", "出生日期", &b)
            .and_then(|b| shegong_domain::dates::past("birth_date", "出生日期", b, crate::clock::today()))
        {
            Ok(b) => Some(b),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None if patch.id_number.is_some() => Some(id_number.birth_date()),
        None => Some(w.birth_date),
    };
    if errors.is_empty()
        && let Err(e) = id_number.check_agrees(gender, birth)
    {
        errors.push(e);
    }
    if let Some(e) = trimmed(&patch.ethnicity) {
        match ETHNICITY.parse(&e) {
            Ok(c) => {
                ch.push(
                    "basic",
                    "民族",
                    ETHNICITY.name(&w.ethnicity).map(Into::into),
                    ETHNICITY.name(&c).map(Into::into),
                );
                am.ethnicity = Set(c);
            }
            Err(e) => errors.push(e),
        }
    }
    if let Some(p) = trimmed(&patch.political_status) {
        match POLITICAL_STATUS.parse(&p) {
            Ok(c) => {
                ch.push(
                    "basic",
                    "政治面貌",
                    POLITICAL_STATUS.name(&w.political_status).map(Into::into),
                    POLITICAL_STATUS.name(&c).map(Into::into),
                );
                am.political_status = Set(c);
            }
            Err(e) => errors.push(e),
        }
    }
    if let Some(p) = trimmed(&patch.phone) {
        if p.is_empty() {
            ch.push("basic", "手机号码", w.phone.clone(), None);
            am.phone = Set(None);
        } else {
            match Phone::parse(&p) {
                Ok(p) => {
                    ch.push("basic", "手机号码", w.phone.clone(), Some(p.as_str().into()));
                    am.phone = Set(Some(p.as_str().into()));
                }
                Err(e) => errors.push(e),
            }
        }
    }
    if let Some(a) = trimmed(&patch.address) {
        match shegong_domain::text::line("address", "住址", &a, 200) {
            Err(e) => errors.push(e),
            Ok(a) => {
                ch.push("basic", "住址", w.address.clone(), a.clone());
                am.address = Set(a);
            }
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    if id_number.as_str() != w.id_number {
        if let Some(other) = id_registry::Entity::find_by_id(id_number.to_string()).one(&txn).await?
            && other.worker_id != w.id
        {
            return Err(StoreError::Conflict(FieldError::new(
                "id_number_taken",
                "id_number",
                "该身份证号码已属于另一份档案",
            )));
        }
        id_registry::Entity::delete_by_id(w.id_number.clone())
            .exec(&txn)
            .await?;
        id_registry::ActiveModel {
            id_number: Set(id_number.to_string()),
            province_code: Set(w.province_code.clone()),
            worker_id: Set(w.id),
        }
        .insert(&txn)
        .await?;
        ch.push(
            "basic",
            ID_NUMBER_FIELD,
            Some(w.id_number.clone()),
            Some(id_number.to_string()),
        );
        am.id_number = Set(id_number.to_string());
    }
    if let Some(g) = gender {
        ch.push(
            "basic",
            "性别",
            Gender::from_code(&w.gender).map(|g| g.label().into()),
            Some(g.label().into()),
        );
        am.gender = Set(g.code().into());
    }
    if let Some(b) = birth {
        ch.push("basic", "出生日期", Some(d(w.birth_date)), Some(d(b)));
        am.birth_date = Set(b);
    }
    if ch.rows.is_empty() {
        return Ok(w);
    }
    am.updated_at = Set(Utc::now());
    let updated = am.update(&txn).await?;
    crate::stats::rebuild_worker(&txn, &updated).await?;
    ch.save(&txn).await?;
    crate::audit::record(
        &txn,
        actor,
        "worker.update",
        &updated.region_code,
        Some(id.to_string()),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// A new appointment. With `transfer`, open appointments end the day the new one starts (a move
/// between communities or posts); the target community must be in scope too.
pub async fn add_appointment(
    db: &Db,
    access: &Access,
    id: Uuid,
    a: AppointmentFields,
    transfer: bool,
) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    if w.status != WorkerStatus::Active.as_str() {
        return Err(StoreError::invalid(FieldError::new(
            "worker_exited",
            "status",
            "该人员已退出，请通过“新增人员”重新聘用",
        )));
    }
    community_in_scope(&txn, scope, &a.community).await?;
    // A move takes effect on its date: not in the future, not before the person could serve.
    let today = crate::clock::today();
    shegong_domain::dates::in_service("start_date", "任职开始日期", a.start_date, w.birth_date, today, 0)
        .map_err(StoreError::invalid)?;
    if let Some(end) = a.end_date {
        shegong_domain::dates::past("end_date", "任职结束日期", end, today).map_err(StoreError::invalid)?;
    }
    if let Some(end) = a.end_date
        && end <= a.start_date
    {
        return Err(StoreError::invalid(FieldError::new(
            "end_before_start",
            "end_date",
            "任职结束日期应晚于开始日期",
        )));
    }
    let mut ch = Changes::new(&w, actor);
    if transfer {
        let open = appointment::Entity::find()
            .filter(appointment::Column::ProvinceCode.eq(&w.province_code))
            .filter(appointment::Column::WorkerId.eq(id))
            .filter(appointment::Column::EndDate.is_null())
            .all(&txn)
            .await?;
        for o in open {
            if o.start_date >= a.start_date {
                return Err(StoreError::invalid(FieldError::new(
                    "start_before_current",
                    "start_date",
                    format!("新任职开始日期应晚于现任职开始日期（{}）", d(o.start_date)),
                )));
            }
            ch.push(
                "appointment",
                "任职结束",
                None,
                Some(format!("{} {} 至 {}", o.region_code, o.title, d(a.start_date))),
            );
            let mut om = o.into_active_model();
            om.end_date = Set(Some(a.start_date));
            om.end_reason = Set(Some("调动".into()));
            om.update(&txn).await?;
        }
    }
    let created = insert_appointment(&txn, &w, &a).await?;
    ch.push(
        "appointment",
        "新增任职",
        None,
        Some(format!(
            "{} {} 自 {}",
            created.region_code,
            created.title,
            d(created.start_date)
        )),
    );
    let updated = refresh_derived(&txn, w.clone()).await?;
    ch.save(&txn).await?;
    crate::audit::record(
        &txn,
        actor,
        "worker.appointment",
        &updated.region_code,
        Some(id.to_string()),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn add_education(db: &Db, access: &Access, id: Uuid, e: EducationFields) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    still_serving(&w)?;
    insert_education(&txn, &w, &e).await?;
    let mut ch = Changes::new(&w, actor);
    ch.push(
        "education",
        "新增学历",
        None,
        Some(format!(
            "{} {} {}",
            shegong_domain::codes::EDUCATION.name(&e.code).unwrap_or(&e.code),
            e.school.clone().unwrap_or_default(),
            e.major.clone().unwrap_or_default()
        )),
    );
    let updated = refresh_derived(&txn, w.clone()).await?;
    ch.save(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn add_certificate(db: &Db, access: &Access, id: Uuid, c: CertificateFields) -> Result<worker::Model> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    still_serving(&w)?;
    insert_certificate(&txn, &w, &c).await?;
    let mut ch = Changes::new(&w, actor);
    ch.push(
        "certificate",
        "新增证书",
        None,
        Some(format!("{} {}", c.level.label(), c.number.clone().unwrap_or_default())),
    );
    let updated = refresh_derived(&txn, w.clone()).await?;
    ch.save(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// A service agreement for one 两委 term ("一届一签").
#[derive(Debug, Clone)]
pub struct AgreementFields {
    pub number: Option<String>,
    pub term: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub signed_on: Option<NaiveDate>,
}

pub async fn add_agreement(db: &Db, access: &Access, id: Uuid, a: AgreementFields) -> Result<agreement::Model> {
    access.require(Permission::EditArchive)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    if a.end_date <= a.start_date {
        return Err(StoreError::invalid(FieldError::new(
            "end_before_start",
            "end_date",
            "协议结束日期应晚于开始日期",
        )));
    }
    if a.term.trim().is_empty() {
        return Err(StoreError::invalid(FieldError::new(
            "term_required",
            "term",
            "请填写届次",
        )));
    }
    let a = AgreementFields {
        term: shegong_domain::text::line("term", "届次", &a.term, 40)
            .map_err(StoreError::invalid)?
            .unwrap_or_default(),
        number: shegong_domain::text::line("number", "协议编号", a.number.as_deref().unwrap_or(""), 60)
            .map_err(StoreError::invalid)?,
        ..a
    };
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    still_serving(&w)?;
    // The next term may be signed ahead (a year at most); a term is at most ten years.
    let today = crate::clock::today();
    let dates = || -> std::result::Result<(), FieldError> {
        shegong_domain::dates::in_service("start_date", "协议开始日期", a.start_date, w.birth_date, today, 366)?;
        if a.end_date > shegong_domain::dates::birthday(a.start_date, 10) {
            return Err(FieldError::new("term_too_long", "end_date", "协议期限不能超过10年"));
        }
        if let Some(s) = a.signed_on {
            shegong_domain::dates::past("signed_on", "签订日期", s, today)?;
        }
        Ok(())
    };
    dates().map_err(StoreError::invalid)?;
    let m = agreement::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        region_code: Set(w.region_code.clone()),
        number: Set(a.number.clone()),
        term: Set(a.term.trim().to_string()),
        start_date: Set(a.start_date),
        end_date: Set(a.end_date),
        signed_on: Set(a.signed_on),
    }
    .insert(&txn)
    .await?;
    let mut ch = Changes::new(&w, actor);
    ch.push(
        "agreement",
        "签订服务协议",
        None,
        Some(format!("{} {} 至 {}", m.term, d(m.start_date), d(m.end_date))),
    );
    ch.save(&txn).await?;
    txn.commit().await?;
    Ok(m)
}

/// Records an exit: open appointments end, the archive stays (read-only) and leaves active lists.
pub async fn exit(db: &Db, access: &Access, id: Uuid, on: NaiveDate, reason: &str) -> Result<worker::Model> {
    access.require(Permission::ExitWorker)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let Some(reason) =
        shegong_domain::text::lines("exit_reason", "退出原因", reason, 200).map_err(StoreError::invalid)?
    else {
        return Err(StoreError::invalid(FieldError::new(
            "exit_reason_required",
            "exit_reason",
            "请填写退出原因",
        )));
    };
    let reason = reason.as_str();
    let txn = db.begin_write().await?;
    let w = find_scoped(&txn, scope, id).await?;
    if w.status != WorkerStatus::Active.as_str() {
        return Err(StoreError::invalid(FieldError::new(
            "worker_exited",
            "status",
            "该人员已退出",
        )));
    }
    // An exit takes effect on its date, so it is recorded on or after that date, never ahead.
    shegong_domain::dates::past("exited_on", "退出日期", on, crate::clock::today()).map_err(StoreError::invalid)?;
    let open = appointment::Entity::find()
        .filter(appointment::Column::ProvinceCode.eq(&w.province_code))
        .filter(appointment::Column::WorkerId.eq(id))
        .filter(appointment::Column::EndDate.is_null())
        .all(&txn)
        .await?;
    for o in open {
        if o.start_date >= on {
            return Err(StoreError::invalid(FieldError::new(
                "exit_before_start",
                "exited_on",
                "退出日期应晚于任职开始日期",
            )));
        }
        let mut om = o.into_active_model();
        om.end_date = Set(Some(on));
        om.end_reason = Set(Some(format!("退出：{}", reason.trim())));
        om.update(&txn).await?;
    }
    let mut am = w.clone().into_active_model();
    am.status = Set(WorkerStatus::Exited.as_str().into());
    am.exited_on = Set(Some(on));
    am.exit_reason = Set(Some(reason.trim().into()));
    am.updated_at = Set(Utc::now());
    let updated = am.update(&txn).await?;
    crate::stats::rebuild_worker(&txn, &updated).await?;
    let mut ch = Changes::new(&w, actor);
    ch.push(
        "archive",
        "状态",
        Some(WorkerStatus::Active.label().into()),
        Some(format!("退出（{}，{}）", d(on), reason.trim())),
    );
    ch.save(&txn).await?;
    crate::audit::record(
        &txn,
        actor,
        "worker.exit",
        &updated.region_code,
        Some(id.to_string()),
        Some(reason.trim().into()),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// A worker asks for a correction of their own archive.
pub async fn request_correction(
    db: &Db,
    access: &Access,
    id: Uuid,
    field: &str,
    message: &str,
) -> Result<correction::Model> {
    access.require(Permission::RequestCorrection)?;
    let (scope, actor) = (&access.scope, &access.actor);
    if message.trim().is_empty() {
        return Err(StoreError::invalid(FieldError::new(
            "message_required",
            "message",
            "请说明需要更正的内容",
        )));
    }
    if let Err(e) = shegong_domain::text::lines("message", "更正说明", message, 1000) {
        return Err(StoreError::invalid(e));
    }
    if let Err(e) = shegong_domain::text::line("field", "更正项目", field, 30) {
        return Err(StoreError::invalid(e));
    }
    if message.chars().count() > 1000 {
        return Err(StoreError::invalid(FieldError::new(
            "message_too_long",
            "message",
            "说明不能超过1000个字",
        )));
    }
    let w = get(db, scope, id).await?;
    Ok(correction::ActiveModel {
        province_code: Set(w.province_code.clone()),
        id: Set(Uuid::now_v7()),
        worker_id: Set(w.id),
        region_code: Set(w.region_code.clone()),
        created_at: Set(Utc::now()),
        requested_by: Set(actor.username.clone()),
        field: Set(field.trim().chars().take(64).collect()),
        message: Set(message.trim().to_string()),
        status: Set("pending".into()),
        handled_by: Set(None),
        handled_at: Set(None),
    }
    .insert(&db.writer)
    .await?)
}

pub async fn corrections(db: &Db, scope: &Scope, worker_id: Option<Uuid>) -> Result<Vec<correction::Model>> {
    let mut q = correction::Entity::find().filter(in_subtree(correction::Column::RegionCode, scope.region().as_str()));
    if let Some(w) = scope.only_worker().or(worker_id) {
        q = q.filter(correction::Column::WorkerId.eq(w));
    }
    Ok(q.order_by_desc(correction::Column::CreatedAt)
        .limit(200)
        .all(&db.conn)
        .await?)
}

/// Parses the appointment part of a form or request.
pub fn parse_appointment(
    community: &str,
    post_category: &str,
    title: &str,
    start: &str,
    flags: (bool, bool, bool),
) -> std::result::Result<AppointmentFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let community = parse_community(community).map_err(|e| errors.push(e)).ok();
    let post = shegong_domain::worker::parse_post_category(post_category)
        .map_err(|e| errors.push(e))
        .ok();
    let title = shegong_domain::worker::parse_title(title)
        .map_err(|e| errors.push(e))
        .ok();
    let start = parse_date("start_date", "任职开始日期", start)
        .map_err(|e| errors.push(e))
        .ok();
    match (community, post, title, start) {
        (Some(community), Some(post_category), Some(title), Some(start_date)) if errors.is_empty() => {
            Ok(AppointmentFields {
                community,
                post_category,
                title,
                two_committees: flags.0,
                full_time: flags.1,
                party_building: flags.2,
                start_date,
                end_date: None,
            })
        }
        _ => Err(errors),
    }
}

/// Headline figures of the active workers in a region subtree.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub active: i64,
    pub full_time: i64,
    pub two_committees: i64,
    pub college_or_above: i64,
    pub certified: i64,
    pub by_post_category: Vec<(String, i64)>,
    pub by_education: Vec<(String, i64)>,
    pub by_certificate: Vec<(String, i64)>,
    pub by_gender: Vec<(String, i64)>,
}

async fn group_count(db: &Db, prefix: &str, col: worker::Column) -> Result<Vec<(Option<String>, i64)>> {
    Ok(worker::Entity::find()
        .select_only()
        .column(col)
        .column_as(Expr::col(worker::Column::Id).count(), "n")
        .filter(in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .group_by(col)
        .into_tuple()
        .all(&db.conn)
        .await?)
}

async fn bool_count(db: &Db, prefix: &str, col: worker::Column) -> Result<i64> {
    Ok(worker::Entity::find()
        .filter(in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .filter(col.eq(true))
        .count(&db.conn)
        .await? as i64)
}

/// Figures for the home and region pages: counts by post category, education bracket,
/// certificate level and gender; full-time and 两委 counts. Only in scope.
pub async fn summary(db: &Db, scope: &Scope, region: &RegionCode) -> Result<Summary> {
    if !scope.allows_region(region.as_str()) || scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let p = region.as_str();
    let by_post = group_count(db, p, worker::Column::PostCategory).await?;
    let by_edu = group_count(db, p, worker::Column::HighestEducation).await?;
    let by_cert = group_count(db, p, worker::Column::CertificateLevel).await?;
    let by_gender = group_count(db, p, worker::Column::Gender).await?;
    let active: i64 = by_post.iter().map(|(_, n)| n).sum();
    let mut brackets: std::collections::BTreeMap<shegong_domain::codes::EducationBracket, i64> = Default::default();
    for (code, n) in &by_edu {
        *brackets
            .entry(shegong_domain::codes::education_bracket(code.as_deref().unwrap_or("")))
            .or_default() += n;
    }
    let college_or_above = by_edu
        .iter()
        .filter(|(c, _)| c.as_deref().is_some_and(shegong_domain::codes::is_college_or_above))
        .map(|(_, n)| n)
        .sum();
    let certified = by_cert.iter().filter(|(c, _)| c.is_some()).map(|(_, n)| n).sum();
    let mut by_certificate: Vec<(String, i64)> = by_cert
        .iter()
        .map(|(c, n)| {
            (
                c.as_deref()
                    .and_then(|c| CertificateLevel::parse(c).ok())
                    .map_or("无证书", |l| l.label())
                    .to_string(),
                *n,
            )
        })
        .collect();
    by_certificate.sort();
    Ok(Summary {
        active,
        full_time: bool_count(db, p, worker::Column::FullTime).await?,
        two_committees: bool_count(db, p, worker::Column::TwoCommittees).await?,
        college_or_above,
        certified,
        by_post_category: by_post
            .into_iter()
            .map(|(c, n)| {
                (
                    shegong_domain::worker::post_category_label(c.as_deref().unwrap_or("")).to_string(),
                    n,
                )
            })
            .collect(),
        by_education: brackets.into_iter().map(|(b, n)| (b.label().to_string(), n)).collect(),
        by_certificate,
        by_gender: by_gender
            .into_iter()
            .map(|(g, n)| {
                (
                    g.as_deref()
                        .and_then(Gender::from_code)
                        .map_or("未知", |g| g.label())
                        .to_string(),
                    n,
                )
            })
            .collect(),
    })
}

/// Active workers per child region of `region` (the children are one level down).
pub async fn count_by_child(
    db: &Db,
    scope: &Scope,
    region: &RegionCode,
) -> Result<std::collections::HashMap<String, i64>> {
    if !scope.allows_region(region.as_str()) || scope.only_worker().is_some() {
        return Err(StoreError::NotFound);
    }
    let Some(child) = region.level().child() else {
        return Ok(Default::default());
    };
    // Workers sit at community level; for a community, group by grid is meaningless.
    if child.code_len() > 12 {
        return Ok(Default::default());
    }
    let len = child.code_len();
    let rows: Vec<(String, i64)> = worker::Entity::find()
        .select_only()
        .column_as(Expr::cust(format!("SUBSTR(region_code, 1, {len})")), "child")
        .column_as(Expr::col(worker::Column::Id).count(), "n")
        .filter(in_subtree(worker::Column::RegionCode, region.as_str()))
        .filter(worker::Column::Status.eq(WorkerStatus::Active.as_str()))
        .group_by(Expr::cust(format!("SUBSTR(region_code, 1, {len})")))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Marks a correction request handled (after the archive was corrected, or with no change needed).
pub async fn resolve_correction(db: &Db, access: &Access, id: Uuid) -> Result<correction::Model> {
    access.require(Permission::ResolveCorrection)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    let c = correction::Entity::find()
        .filter(correction::Column::Id.eq(id))
        .filter(in_subtree(correction::Column::RegionCode, scope.region().as_str()))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut am = c.into_active_model();
    am.status = Set("handled".into());
    am.handled_by = Set(Some(actor.username.clone()));
    am.handled_at = Set(Some(Utc::now()));
    Ok(am.update(&db.writer).await?)
}

/// Active workers per community under `prefix` who also meet `extra` (e.g. certified, 两委).
pub(crate) async fn active_count_by_community(
    db: &impl ConnectionTrait,
    prefix: &str,
    extra: sea_orm::Condition,
) -> Result<std::collections::HashMap<String, i64>> {
    Ok(worker::Entity::find()
        .select_only()
        .column(worker::Column::RegionCode)
        .column_as(Expr::col(worker::Column::Id).count(), "n")
        .filter(crate::regions::in_subtree(worker::Column::RegionCode, prefix))
        .filter(worker::Column::Status.eq("active"))
        // Lets the (status, province_code, region_code, …) index seek the subtree's range.
        .filter(worker::Column::ProvinceCode.eq(&prefix[..2]))
        .filter(extra)
        .group_by(worker::Column::RegionCode)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Active certified social workers (社工证 holders) per community under `prefix`.
pub(crate) async fn certified_by_community(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<std::collections::HashMap<String, i64>> {
    active_count_by_community(
        db,
        prefix,
        sea_orm::Condition::all().add(worker::Column::CertificateLevel.is_not_null()),
    )
    .await
}
