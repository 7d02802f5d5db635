//! 双随机一公开: a county or a street draws communities at random for a spot check — the seed, the
//! candidates and the draw recorded, so anyone can re-run it and see the same communities — and
//! inspectors at random from a pool for each; inspects against the policy's checklist, records the
//! findings with a deadline to put them right, and closes them. The result goes on the public page.

use super::{bad, policy_for, region_in};
use crate::Db;
use crate::access::Access;
use crate::entity::{inspection_finding, inspection_round, inspection_target};
use crate::error::{Result, StoreError};
use crate::regions::in_subtree;
use crate::work_items::{chain, display_name, text};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use shegong_domain::openness::{assign, draw as draw_from};
use shegong_domain::{FieldError, Permission, RegionCode, RegionLevel};
use uuid::Uuid;

/// A seed as typed: text or a number.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionSeed)]
#[serde(untagged)]
pub enum Seed {
    Number(u64),
    Text(String),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionDrawInput)]
#[serde(default)]
pub struct DrawInput {
    /// 从哪个区划的社区中抽取（县或街道代码；默认本辖区）
    pub region: Option<String>,
    /// 抽取社区数
    pub count: u32,
    /// 随机种子（文字或数字；同一种子、同一候选名单抽出同样的社区；不填则由系统生成并记录）
    pub seed: Option<Seed>,
    /// 名称（默认“某年双随机抽查”）
    pub title: Option<String>,
    /// 检查人员库（姓名）
    pub inspectors: Vec<String>,
    /// 每个社区派几名检查人员（1–5，默认2）
    pub per_target: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionFindingInput)]
#[serde(default)]
pub struct FindingInput {
    /// 检查项（检查清单中的一项）
    pub item: String,
    /// 发现的问题（最多300字）
    pub finding: String,
    /// 整改期限 YYYY-MM-DD（默认检查日加政策规定的天数）
    pub due: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionRecordInput)]
#[serde(default)]
pub struct RecordInput {
    /// 检查日期 YYYY-MM-DD（默认今天）
    pub date: Option<String>,
    /// 检查情况（最多1000字）
    pub note: Option<String>,
    /// 发现的问题（没有问题则为空）
    pub findings: Vec<FindingInput>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionCloseInput)]
#[serde(default)]
pub struct CloseInput {
    /// 整改完成日期 YYYY-MM-DD（默认今天）
    pub date: Option<String>,
    /// 整改情况（最多300字）
    pub closing: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionFindingRow)]
pub struct FindingRow {
    pub id: Uuid,
    pub item: String,
    pub finding: String,
    pub due_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub closing: Option<String>,
    /// Still open after its deadline.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionTargetRow)]
pub struct TargetRow {
    pub id: Uuid,
    pub ord: i32,
    pub community_code: String,
    pub community_name: String,
    pub inspectors: String,
    pub inspected_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub findings: Vec<FindingRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = InspectionRoundView)]
pub struct RoundView {
    pub id: Uuid,
    pub region_code: String,
    pub region_name: String,
    pub title: String,
    pub drawn_on: NaiveDate,
    pub seed: String,
    pub wanted: i32,
    /// How many communities it was drawn from.
    pub candidates: usize,
    pub inspectors: Vec<String>,
    pub per_target: i32,
    pub checklist: Vec<String>,
    pub drawn_by: String,
    /// Re-running the draw with the recorded seed and candidates gives the recorded communities
    /// and inspectors.
    pub reproduced: bool,
    /// The communities drawn (inside the caller's scope), in the draw's order.
    pub targets: Vec<TargetRow>,
}

pub(super) fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_string).filter(|l| !l.is_empty()).collect()
}

/// Draws the communities and their inspectors, and records the round.
pub async fn draw(db: &Db, access: &Access, i: &DrawInput, today: NaiveDate) -> Result<RoundView> {
    access.require(Permission::Inspect)?;
    let r = match i.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => access.scope.region().clone(),
        Some(s) => {
            RegionCode::parse(s).map_err(|_| bad("inspection_region", "region", "请选择本辖区内社区以上的区划"))?
        }
    };
    let r = region_in(access, Some(&r))?;
    if r.level() == RegionLevel::Community {
        return Err(bad("inspection_region", "region", "请选择本辖区内社区以上的区划"));
    }
    let candidates: Vec<String> =
        crate::regions::communities_under(&db.conn, r.as_str()).await?.into_iter().map(|c| c.code).collect();
    let mut errors = Vec::new();
    if i.count == 0 || i.count as usize > candidates.len() {
        errors.push(FieldError::new(
            "inspection_count",
            "count",
            format!("抽取社区数应在1至{}之间（本区划共{}个社区）", candidates.len(), candidates.len()),
        ));
    }
    let per_target = i.per_target.unwrap_or(2);
    if !(1..=5).contains(&per_target) {
        errors.push(FieldError::new("inspection_per_target", "per_target", "每个社区的检查人员应为1至5名"));
    }
    let mut pool: Vec<String> = Vec::new();
    for name in &i.inspectors {
        let t = name.trim();
        let ok = shegong_domain::text::line("inspectors", "检查人员姓名", t, 20).is_ok_and(|v| v.is_some());
        if !ok || t.contains(['、', ',', '，', ';', '；']) {
            errors.push(FieldError::new(
                "inspection_inspectors",
                "inspectors",
                format!("检查人员姓名“{}”应为1至20个字，不含标点和不可见字符", shegong_domain::text::clipped(t, 20)),
            ));
            break;
        }
        if !pool.iter().any(|p| p == t) {
            pool.push(t.to_string());
        }
    }
    if pool.len() > 100 || pool.len() < per_target as usize {
        errors.push(FieldError::new(
            "inspection_inspectors",
            "inspectors",
            format!("检查人员库应有{per_target}至100名（每个社区派{per_target}名）"),
        ));
    }
    let seed = match &i.seed {
        Some(Seed::Number(n)) => n.to_string(),
        Some(Seed::Text(t)) if !t.trim().is_empty() => t.trim().to_string(),
        _ => rand::random::<u32>().to_string(),
    };
    if let Err(e) = shegong_domain::text::line("seed", "随机种子", &seed, 64) {
        errors.push(e);
    }
    let title = text(i.title.as_deref(), "title", "名称", 100, &mut errors)
        .unwrap_or_else(|| format!("{}年“双随机”抽查", chrono::Datelike::year(&today)));
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let policy = policy_for(db, r.as_str(), today).await?;
    let drawn = draw_from(&candidates, i.count as usize, &seed);
    let crews = assign(&pool, &drawn, per_target as usize, &seed);
    let by = display_name(db, access).await?;
    let province = r.province().to_string();
    let txn = db.begin_write().await?;
    crate::Db::lock_province(&txn, &province).await?;
    let round = inspection_round::ActiveModel {
        province_code: Set(province.clone()),
        id: Set(Uuid::now_v7()),
        region_code: Set(r.to_string()),
        title: Set(title),
        drawn_on: Set(today),
        seed: Set(seed.clone()),
        wanted: Set(i.count as i32),
        candidates: Set(candidates.join("\n")),
        inspectors: Set(pool.join("\n")),
        per_target: Set(per_target as i32),
        checklist: Set(policy.checklist.join("\n")),
        drawn_by: Set(by),
        created_at: Set(Utc::now()),
    }
    .insert(&*txn)
    .await?;
    let rows: Vec<inspection_target::ActiveModel> = drawn
        .iter()
        .zip(&crews)
        .enumerate()
        .map(|(k, (c, crew))| inspection_target::ActiveModel {
            province_code: Set(province.clone()),
            id: Set(Uuid::now_v7()),
            round_id: Set(round.id),
            community_code: Set(c.clone()),
            ord: Set(k as i32 + 1),
            inspectors: Set(crew.join("、")),
            inspected_on: Set(None),
            note: Set(None),
            recorded_by: Set(None),
        })
        .collect();
    if !rows.is_empty() {
        inspection_target::Entity::insert_many(rows).exec_without_returning(&*txn).await?;
    }
    crate::audit::entry(&access.actor, "inspection.draw", r.as_str())
        .target(round.id)
        .detail(format!("种子 {seed}，{}个社区中抽取{}个", candidates.len(), drawn.len()))
        .save(&*txn)
        .await?;
    txn.commit().await?;
    round_view(db, access, round).await
}

async fn round_view(db: &Db, access: &Access, round: inspection_round::Model) -> Result<RoundView> {
    let province = round.province_code.clone();
    let all = inspection_target::Entity::find()
        .filter(inspection_target::Column::ProvinceCode.eq(&province))
        .filter(inspection_target::Column::RoundId.eq(round.id))
        .order_by_asc(inspection_target::Column::Ord)
        .all(&db.conn)
        .await?;
    let candidates = lines(&round.candidates);
    let pool = lines(&round.inspectors);
    let again = draw_from(&candidates, round.wanted as usize, &round.seed);
    let crews = assign(&pool, &again, round.per_target as usize, &round.seed);
    let reproduced = again.len() == all.len()
        && all
            .iter()
            .zip(again.iter().zip(&crews))
            .all(|(t, (c, crew))| &t.community_code == c && t.inspectors == crew.join("、"));
    let findings = inspection_finding::Entity::find()
        .filter(inspection_finding::Column::ProvinceCode.eq(&province))
        .filter(inspection_finding::Column::RoundId.eq(round.id))
        .order_by_asc(inspection_finding::Column::DueOn)
        .all(&db.conn)
        .await?;
    let today = crate::clock::today();
    let mut codes: Vec<String> = all.iter().map(|t| t.community_code.clone()).collect();
    codes.push(round.region_code.clone());
    let names = crate::regions::names(&db.conn, codes).await?;
    let targets = all
        .into_iter()
        .filter(|t| access.scope.allows_region(&t.community_code))
        // A check is not announced: the community learns it was drawn when it is inspected.
        .filter(|t| t.inspected_on.is_some() || access.scope.region().level() != RegionLevel::Community)
        .map(|t| TargetRow {
            findings: findings
                .iter()
                .filter(|f| f.target_id == t.id)
                .map(|f| FindingRow {
                    id: f.id,
                    item: f.item.clone(),
                    finding: f.finding.clone(),
                    due_on: f.due_on,
                    closed_on: f.closed_on,
                    closing: f.closing.clone(),
                    overdue: f.closed_on.is_none() && f.due_on < today,
                })
                .collect(),
            id: t.id,
            ord: t.ord,
            community_name: names.get(&t.community_code).cloned().unwrap_or_default(),
            community_code: t.community_code,
            inspectors: t.inspectors,
            inspected_on: t.inspected_on,
            note: t.note,
        })
        .collect();
    Ok(RoundView {
        id: round.id,
        region_name: names.get(&round.region_code).cloned().unwrap_or_default(),
        region_code: round.region_code,
        title: round.title,
        drawn_on: round.drawn_on,
        seed: round.seed,
        wanted: round.wanted,
        candidates: candidates.len(),
        inspectors: pool,
        per_target: round.per_target,
        checklist: lines(&round.checklist),
        drawn_by: round.drawn_by,
        reproduced,
        targets,
    })
}

/// The rounds that drew communities of `region` (drawn there, above it or inside it), newest first,
/// each with the communities in scope.
pub async fn rounds(db: &Db, access: &Access, region: Option<&RegionCode>) -> Result<Vec<RoundView>> {
    let r = region_in(access, region)?;
    let found = inspection_round::Entity::find()
        .filter(inspection_round::Column::ProvinceCode.eq(r.province()))
        .filter(
            Condition::any()
                .add(inspection_round::Column::RegionCode.is_in(chain(r.as_str())))
                .add(in_subtree(inspection_round::Column::RegionCode, r.as_str())),
        )
        .order_by_desc(inspection_round::Column::DrawnOn)
        .order_by_desc(inspection_round::Column::CreatedAt)
        .all(&db.conn)
        .await?;
    let mut out = Vec::new();
    for m in found {
        let v = round_view(db, access, m).await?;
        if !v.targets.is_empty() {
            out.push(v);
        }
    }
    Ok(out)
}

/// One round.
pub async fn round(db: &Db, access: &Access, id: Uuid) -> Result<RoundView> {
    region_in(access, None)?;
    let m = inspection_round::Entity::find()
        .filter(inspection_round::Column::ProvinceCode.eq(access.scope.region().province()))
        .filter(inspection_round::Column::Id.eq(id))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let v = round_view(db, access, m).await?;
    if v.targets.is_empty() { Err(StoreError::NotFound) } else { Ok(v) }
}
