//! Policies as data: versioned policy files, which one a region applies from which date (inherited
//! down the tree, the nearest region's assignment winning), and the yearly reference wages.

use crate::Db;
use crate::access::Access;
use crate::entity::{policy, policy_assignment};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::workers::editable;
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use shegong_domain::Permission;
use shegong_domain::policy::{Policy, SHIPPED};
use shegong_domain::{FieldError, RegionCode, RegionLevel, Scope};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

mod wages;
pub use wages::{Wages, set_reference_wage};

/// Stores version 1 of every shipped policy that is not there yet (run after migrations).
pub async fn install_shipped(db: &impl ConnectionTrait) -> Result<()> {
    for (name, body) in SHIPPED {
        let p = Policy::parse(body).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        policy::Entity::insert(policy::ActiveModel {
            name: Set(name.into()),
            version: Set(1),
            title: Set(p.title),
            source: Set(p.source),
            body: Set(body.into()),
            created_by: Set("system".into()),
            created_at: Set(Utc::now()),
        })
        .on_conflict(OnConflict::columns([policy::Column::Name, policy::Column::Version]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Every stored version, newest version of each name first.
pub async fn list(db: &Db) -> Result<Vec<policy::Model>> {
    Ok(policy::Entity::find()
        .order_by_asc(policy::Column::Name)
        .order_by_desc(policy::Column::Version)
        .all(&db.conn)
        .await?)
}

/// How people call a policy version: its title and 第N版 (「海宁市…（2020）第1版」), by name and
/// version; policies are shared reference data, readable by every user.
pub async fn labels(db: &Db) -> Result<std::collections::HashMap<(String, i32), String>> {
    let rows: Vec<(String, i32, String)> = policy::Entity::find()
        .select_only()
        .column(policy::Column::Name)
        .column(policy::Column::Version)
        .column(policy::Column::Title)
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows.into_iter().map(|(name, version, title)| ((name, version), format!("{title}第{version}版"))).collect())
}

/// A policy version's label from [`labels`], or its name and version when unknown.
pub fn label_of(labels: &std::collections::HashMap<(String, i32), String>, name: &str, version: i32) -> String {
    labels.get(&(name.to_string(), version)).cloned().unwrap_or_else(|| format!("{name} 第{version}版"))
}

/// One version (the latest when `version` is `None`), with its parsed rules.
pub async fn get(db: &impl ConnectionTrait, name: &str, version: Option<i32>) -> Result<(policy::Model, Policy)> {
    let mut q = policy::Entity::find().filter(policy::Column::Name.eq(name));
    if let Some(v) = version {
        q = q.filter(policy::Column::Version.eq(v));
    }
    let m = q.order_by_desc(policy::Column::Version).one(db).await?.ok_or(StoreError::NotFound)?;
    let p = parsed(&m)?;
    Ok((m, p))
}

/// A stored version's rules, parsed once per text: a version never changes, and parsing it again
/// for every event reported cost more than the report's own writes.
fn parsed(m: &policy::Model) -> Result<Policy> {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::sync::{Mutex, OnceLock};
    type Parsed = HashMap<(String, i32, u64), Policy>;
    static PARSED: OnceLock<Mutex<Parsed>> = OnceLock::new();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    m.body.hash(&mut h);
    // Keyed by the text too: two databases in one process may hold different files of one name.
    let key = (m.name.clone(), m.version, h.finish());
    let cache = PARSED.get_or_init(Default::default);
    if let Some(p) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(p.clone());
    }
    let p = Policy::parse(&m.body).map_err(|e| anyhow::anyhow!("stored policy {} v{}: {e}", m.name, m.version))?;
    let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
    if c.len() > 256 {
        c.clear();
    }
    c.insert(key, p.clone());
    Ok(p)
}

/// Checks a policy file without storing it.
pub fn check(body: &str) -> Result<Policy> {
    Policy::parse(body)
        .map_err(|e| StoreError::invalid(FieldError::new("policy_invalid", "body", format!("政策文件{e}"))))
}

/// Stores a policy file as the next version of its name (a province administrator's act: policy
/// files are shared by every region that applies them). The same text again stores nothing.
pub async fn upload(db: &Db, access: &Access, body: &str) -> Result<policy::Model> {
    upload_over(db, access, body, None).await
}

/// [`upload`], for an edit made on version `opened`: refused (409) when another version was saved
/// since, so that two people editing at once cannot silently undo each other. The latest version
/// is read, compared and numbered inside the write, with the policy's name locked.
pub async fn upload_over(db: &Db, access: &Access, body: &str, opened: Option<i32>) -> Result<policy::Model> {
    access.require(Permission::ApplyPolicy)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    if scope.region().level() != RegionLevel::Province {
        return Err(StoreError::Forbidden("只有省级管理员可以新增或修改政策文件"));
    }
    let p = check(body)?;
    let txn = db.begin_write().await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Writers of one name queue here (SQLite's write transaction already excludes the others).
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext('policy:' || $1))",
            [p.name.clone().into()],
        ))
        .await?;
    }
    let latest = policy::Entity::find()
        .filter(policy::Column::Name.eq(&p.name))
        .order_by_desc(policy::Column::Version)
        .one(&txn)
        .await?;
    if let (Some(opened), Some(l)) = (opened, &latest)
        && l.version != opened
    {
        return Err(StoreError::Conflict(FieldError::new(
            "policy_stale",
            "version",
            format!(
                "此表单打开的是第{opened}版，其后已有人保存了第{}版；请重新打开最新版修改，以免覆盖他人的修改",
                l.version
            ),
        )));
    }
    if let Some(l) = &latest
        && l.body == body
    {
        return Ok(l.clone());
    }
    let m = policy::ActiveModel {
        name: Set(p.name.clone()),
        version: Set(latest.map_or(1, |l| l.version + 1)),
        title: Set(p.title.chars().take(200).collect()),
        source: Set(p.source.chars().take(400).collect()),
        body: Set(body.into()),
        created_by: Set(actor.username.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::entry(actor, "policy.upload", scope.region().as_str())
        .target(format!("{} v{}", m.name, m.version))
        .save(&txn)
        .await?;
    txn.commit().await?;
    db.memo.forget();
    Ok(m)
}

/// Applies the latest version of a policy to a region in scope from a date. A later assignment of
/// the same region and date replaces nothing: it is refused, so history stays as it was.
pub async fn apply(
    db: &Db,
    access: &Access,
    region: &str,
    name: &str,
    from: NaiveDate,
) -> Result<policy_assignment::Model> {
    access.require(Permission::ApplyPolicy)?;
    let (scope, actor) = (&access.scope, &access.actor);
    editable(scope)?;
    // A policy may be applied from a coming date (up to five years ahead) and takes effect then.
    shegong_domain::dates::plan("from", "生效日期", from, crate::clock::today(), 5 * 366)
        .map_err(StoreError::invalid)?;
    if chrono::Datelike::year(&from) < 2000 {
        return Err(StoreError::invalid(FieldError::new("date_too_early", "from", "生效日期不能早于2000年")));
    }
    let region = RegionCode::parse(region)
        .ok()
        .filter(|r| scope.allows_region(r.as_str()) && r.level() <= RegionLevel::Community)
        .ok_or_else(|| {
            StoreError::invalid(FieldError::new("region_out_of_scope", "region", "区划无效或不在您的管辖范围内"))
        })?;
    let (version, _) = get(&db.conn, name, None).await.map_err(|e| match e {
        StoreError::NotFound => {
            StoreError::invalid(FieldError::new("policy_unknown", "policy", format!("没有名为“{name}”的政策")))
        }
        e => e,
    })?;
    let exists = policy_assignment::Entity::find()
        .filter(policy_assignment::Column::ProvinceCode.eq(region.province()))
        .filter(policy_assignment::Column::RegionCode.eq(region.as_str()))
        .filter(policy_assignment::Column::EffectiveFrom.eq(from))
        .one(&db.conn)
        .await?;
    if let Some(e) = exists {
        return Err(StoreError::Conflict(FieldError::new(
            "policy_assignment_exists",
            "from",
            format!("该区划自{from}起已适用“{}”，请选择其他生效日期", e.policy_name),
        )));
    }
    let txn = db.begin_write().await?;
    let m = policy_assignment::ActiveModel {
        province_code: Set(region.province().into()),
        id: Set(Uuid::now_v7()),
        region_code: Set(region.to_string()),
        policy_name: Set(version.name.clone()),
        policy_version: Set(version.version),
        effective_from: Set(from),
        assigned_by: Set(actor.username.clone()),
        assigned_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::entry(actor, "policy.apply", region.as_str())
        .target(format!("{} v{}", version.name, version.version))
        .detail(format!("自{from}起"))
        .save(&txn)
        .await?;
    txn.commit().await?;
    db.memo.forget();
    Ok(m)
}

/// The ancestors of a region, itself included, longest first: `330481001001` → 330481001001,
/// 330481001, 330481, 3304, 33.
/// The province of a region code (the code itself when shorter).
pub(super) fn province_of(region: &str) -> &str {
    region.get(..2).unwrap_or(region)
}

pub(super) fn path_of(region: &str) -> Vec<String> {
    [15usize, 12, 9, 6, 4, 2].into_iter().filter(|n| *n <= region.len()).map(|n| region[..n].to_string()).collect()
}

/// Assignments that bear on a region: its own and its ancestors', newest first.
pub async fn history(db: &Db, scope: &Scope, region: &str) -> Result<Vec<policy_assignment::Model>> {
    if !scope.allows_region(region) && !scope.region().as_str().starts_with(region) {
        return Err(StoreError::NotFound);
    }
    Ok(policy_assignment::Entity::find()
        .filter(policy_assignment::Column::ProvinceCode.eq(province_of(region)))
        .filter(policy_assignment::Column::RegionCode.is_in(path_of(region)))
        .order_by_desc(policy_assignment::Column::EffectiveFrom)
        .all(&db.conn)
        .await?)
}

/// The policy in force for a region on a day, and the assignment that puts it there.
#[derive(Debug, Clone, Serialize)]
pub struct InForce {
    pub policy: Arc<Policy>,
    pub name: String,
    pub version: i32,
    pub assigned_at_region: String,
    pub effective_from: NaiveDate,
}

/// Resolves policies for many regions at once: the nearest region on the path with an assignment
/// effective on the day wins; within a region the latest effective date wins.
pub struct Resolver {
    assignments: HashMap<String, Vec<policy_assignment::Model>>,
    parsed: HashMap<(String, i32), Arc<Policy>>,
    on: NaiveDate,
}

impl Resolver {
    /// Loads every assignment on the path of `region` and inside its subtree.
    pub async fn load(db: &impl ConnectionTrait, region: &str, on: NaiveDate) -> Result<Resolver> {
        let mut rows = policy_assignment::Entity::find()
            .filter(policy_assignment::Column::ProvinceCode.eq(province_of(region)))
            .filter(policy_assignment::Column::RegionCode.is_in(path_of(region)))
            .filter(policy_assignment::Column::EffectiveFrom.lte(on))
            .all(db)
            .await?;
        rows.extend(
            policy_assignment::Entity::find()
                .filter(policy_assignment::Column::ProvinceCode.eq(province_of(region)))
                .filter(in_subtree(policy_assignment::Column::RegionCode, region))
                .filter(policy_assignment::Column::RegionCode.ne(region))
                .filter(policy_assignment::Column::EffectiveFrom.lte(on))
                .all(db)
                .await?,
        );
        let mut assignments: HashMap<String, Vec<policy_assignment::Model>> = HashMap::new();
        let mut parsed = HashMap::new();
        for a in rows {
            let key = (a.policy_name.clone(), a.policy_version);
            if let std::collections::hash_map::Entry::Vacant(e) = parsed.entry(key) {
                let (_, p) = get(db, &a.policy_name, Some(a.policy_version)).await?;
                e.insert(Arc::new(p));
            }
            assignments.entry(a.region_code.clone()).or_default().push(a);
        }
        for v in assignments.values_mut() {
            v.sort_by_key(|a| std::cmp::Reverse(a.effective_from));
        }
        Ok(Resolver { assignments, parsed, on })
    }

    pub fn resolve(&self, region: &str) -> Option<InForce> {
        for p in path_of(region) {
            if let Some(a) = self.assignments.get(&p).and_then(|v| v.iter().find(|a| a.effective_from <= self.on)) {
                return Some(InForce {
                    policy: self.parsed[&(a.policy_name.clone(), a.policy_version)].clone(),
                    name: a.policy_name.clone(),
                    version: a.policy_version,
                    assigned_at_region: a.region_code.clone(),
                    effective_from: a.effective_from,
                });
            }
        }
        None
    }
}

/// The policy in force for one region on a day.
pub async fn in_force(db: &impl ConnectionTrait, region: &str, on: NaiveDate) -> Result<Option<InForce>> {
    Ok(Resolver::load(db, region, on).await?.resolve(region))
}

/// The policy in force, or a clear refusal naming the region.
pub async fn require_in_force(db: &impl ConnectionTrait, region: &str, on: NaiveDate) -> Result<InForce> {
    in_force(db, region, on).await?.ok_or_else(|| {
        StoreError::invalid(FieldError::new(
            "policy_missing",
            "region",
            format!("区划 {region} 在{on}没有适用的政策，请先在“政策配置”中为其上级或本级指定政策"),
        ))
    })
}
