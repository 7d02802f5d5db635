//! The figures of 减负 and openness for a region and a year, per child region with a 合计 that is
//! their sum: items on the lists, applications admitted and refused, demands never admitted, proofs
//! issued and refused, seal uses, disclosure on time, communities inspected and findings still open;
//! and the seeds' sentences made from them.

use super::disclosure::timeliness_in;
use super::{child_of, region_in};
use crate::Db;
use crate::access::Access;
use crate::entity::{
    admission, demand, inspection_finding, inspection_target, proof, proof_refusal, region, seal_use, work_item,
};
use crate::error::Result;
use crate::regions::in_subtree;
use crate::work_items::in_force_items;
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use shegong_domain::RegionCode;
use shegong_domain::openness::openness_sentence;
use shegong_domain::work_items::{ListKind, lists_sentence};
use std::collections::HashMap;

/// The columns, in order.
pub const COLUMNS: [&str; 11] = [
    "清单事项",
    "准入通过",
    "不予准入",
    "未经准入的要求",
    "出具证明",
    "清单外拒绝出具",
    "用印次数",
    "应公开期数",
    "按时公开期数",
    "抽查社区",
    "未整改问题",
];

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OpennessLine {
    pub code: String,
    pub name: String,
    /// One per column of [`COLUMNS`].
    pub values: Vec<u64>,
    /// 按时公开率, 0–100 (no period due: absent).
    pub on_time_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpennessFigures {
    pub region_code: String,
    pub region_name: String,
    pub year: i32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub columns: Vec<String>,
    pub lines: Vec<OpennessLine>,
    /// The sum of the lines.
    pub total: OpennessLine,
    /// The lists in force for the region itself (its own and those above it): (清单, 项数).
    pub lists: Vec<(String, u64)>,
    /// Proof items taken off the lists in the region (清理).
    pub cleared_proofs: u64,
    /// "明确规定街道职责清单87项……"
    pub lists_sentence: String,
    /// "清理不规范出具证明事项43项，三务按时公开率…"
    pub sentence: String,
}

fn pct(due: u64, on_time: u64) -> Option<f64> {
    (due > 0).then(|| on_time as f64 * 100.0 / due as f64)
}

/// Adds the counts per code (a community's, a county's) to its child's column.
fn add(per: &mut HashMap<String, Vec<u64>>, region: &str, col: usize, counts: Vec<(String, i64)>) {
    for (c, n) in counts {
        per.entry(child_of(region, &c)).or_insert_with(|| vec![0; COLUMNS.len()])[col] += n.max(0) as u64;
    }
}

/// A region's figures for a year (up to `today` for the current one).
pub async fn figures(
    db: &Db,
    access: &Access,
    region: Option<&RegionCode>,
    year: i32,
    today: NaiveDate,
) -> Result<OpennessFigures> {
    let r = region_in(access, region)?;
    let (p, code) = (r.province(), r.as_str());
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today).min(today).max(from);
    let mut per: HashMap<String, Vec<u64>> = HashMap::new();
    // The rows of a table in the region, counted per community (or county) by the engine.
    macro_rules! codes {
        ($entity:ident, $col:ident, $($filter:expr),*) => {
            $entity::Entity::find()
                .select_only()
                .column($entity::Column::$col)
                .column_as($entity::Column::Id.count(), "n")
                .filter($entity::Column::ProvinceCode.eq(p))
                .filter(in_subtree($entity::Column::$col, code))
                $(.filter($filter))*
                .group_by($entity::Column::$col)
                .into_tuple::<(String, i64)>()
                .all(&db.conn)
                .await?
        };
    }
    let in_force = Condition::any().add(work_item::Column::ToOn.is_null()).add(work_item::Column::ToOn.gt(to));
    let items = codes!(work_item, RegionCode, work_item::Column::FromOn.lte(to), in_force);
    add(&mut per, code, 0, items);
    let decided = |s: &'static str| admission::Column::State.eq(s);
    let approved = codes!(admission, CountyCode, decided("approved"), admission::Column::FromOn.between(from, to));
    add(&mut per, code, 1, approved);
    let refused = codes!(admission, CountyCode, decided("refused"), admission::Column::FromOn.between(from, to));
    add(&mut per, code, 2, refused);
    add(&mut per, code, 3, codes!(demand, CommunityCode, demand::Column::AskedOn.between(from, to)));
    add(&mut per, code, 4, codes!(proof, CommunityCode, proof::Column::IssuedOn.between(from, to)));
    add(&mut per, code, 5, codes!(proof_refusal, CommunityCode, proof_refusal::Column::OnDate.between(from, to)));
    add(&mut per, code, 6, codes!(seal_use, CommunityCode, seal_use::Column::UsedOn.between(from, to)));
    // Communities inspected in the year (once each, however many rounds drew them), and the findings
    // of those inspections still open.
    let inspected: Vec<(uuid::Uuid, String)> = inspection_target::Entity::find()
        .select_only()
        .column(inspection_target::Column::Id)
        .column(inspection_target::Column::CommunityCode)
        .filter(inspection_target::Column::ProvinceCode.eq(p))
        .filter(in_subtree(inspection_target::Column::CommunityCode, code))
        .filter(inspection_target::Column::InspectedOn.between(from, to))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let distinct: std::collections::BTreeSet<String> = inspected.iter().map(|(_, c)| c.clone()).collect();
    add(&mut per, code, 9, distinct.into_iter().map(|c| (c, 1)).collect());
    let targets: Vec<uuid::Uuid> = inspected.iter().map(|(id, _)| *id).collect();
    let mut open = Vec::new();
    for chunk in targets.chunks(500) {
        open.extend(codes!(
            inspection_finding,
            CommunityCode,
            inspection_finding::Column::ClosedOn.is_null(),
            inspection_finding::Column::TargetId.is_in(chunk.to_vec())
        ));
    }
    add(&mut per, code, 10, open);
    let (report, due) = timeliness_in(db, &r, from, today.min(to.succ_opt().unwrap_or(to))).await?;
    for (c, (n, ok)) in due {
        let v = per.entry(child_of(code, &c)).or_insert_with(|| vec![0; COLUMNS.len()]);
        v[7] += n;
        v[8] += ok;
    }
    // Every child, in code order, those with nothing as well.
    let children: Vec<(String, String)> = if r.level() == shegong_domain::RegionLevel::Community {
        Vec::new()
    } else {
        region::Entity::find()
            .select_only()
            .column(region::Column::Code)
            .column(region::Column::Name)
            .filter(region::Column::ParentCode.eq(code))
            .order_by_asc(region::Column::Code)
            .into_tuple()
            .all(&db.conn)
            .await?
    };
    let mut lines: Vec<OpennessLine> = children
        .into_iter()
        .map(|(c, name)| {
            let values = per.remove(&c).unwrap_or_else(|| vec![0; COLUMNS.len()]);
            OpennessLine { on_time_pct: pct(values[7], values[8]), code: c, name, values }
        })
        .collect();
    let names =
        crate::regions::names(&db.conn, std::iter::once(code.to_string()).chain(per.keys().cloned()).collect()).await?;
    // What belongs to the region itself (a county's own lists and applications) or to no child.
    let mut rest: Vec<_> = per.into_iter().collect();
    rest.sort();
    for (c, values) in rest {
        let name = if c == code { "本级".to_string() } else { names.get(&c).cloned().unwrap_or(c.clone()) };
        lines.push(OpennessLine { on_time_pct: pct(values[7], values[8]), code: c, name, values });
    }
    let mut total = vec![0; COLUMNS.len()];
    for l in &lines {
        for (t, v) in total.iter_mut().zip(&l.values) {
            *t += v;
        }
    }
    let own = in_force_items(&db.conn, code, None, to).await?;
    let counts: Vec<(ListKind, u64)> =
        ListKind::ALL.into_iter().map(|k| (k, own.iter().filter(|i| i.list == k.as_str()).count() as u64)).collect();
    let cleared = work_item::Entity::find()
        .select_only()
        .column(work_item::Column::RegionCode)
        .filter(work_item::Column::ProvinceCode.eq(p))
        .filter(
            Condition::any()
                .add(work_item::Column::RegionCode.is_in(crate::work_items::chain(code)))
                .add(in_subtree(work_item::Column::RegionCode, code)),
        )
        .filter(work_item::Column::List.eq(ListKind::Proof.as_str()))
        .filter(work_item::Column::ToOn.lte(to))
        .into_tuple::<String>()
        .all(&db.conn)
        .await?
        .len() as u64;
    let inspected_total = total[9];
    let total = OpennessLine {
        on_time_pct: pct(total[7], total[8]),
        code: code.to_string(),
        name: "合计".into(),
        values: total,
    };
    Ok(OpennessFigures {
        region_name: names.get(code).cloned().unwrap_or_default(),
        region_code: code.to_string(),
        year: from.year(),
        from,
        to,
        columns: COLUMNS.iter().map(|s| s.to_string()).collect(),
        lines,
        lists_sentence: lists_sentence(&counts),
        sentence: openness_sentence(cleared, report.on_time_pct, inspected_total, total.values[10]),
        total,
        lists: counts.into_iter().map(|(k, n)| (k.label().to_string(), n)).collect(),
        cleared_proofs: cleared,
    })
}
