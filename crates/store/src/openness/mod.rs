//! Openness: the community's seal-use log (印章使用登记), 居务公开 (党务、居务、财务 published by period,
//! never changed once out, residents' questions answered and shown after review), the 双随机 spot
//! checks (a reproducible draw, inspectors from a pool, findings with a deadline) and the figures that
//! sum them up the tree.

mod disclosure;
mod figures;
mod findings;
mod inspections;
mod public;
mod seals;

pub use disclosure::{
    AnswerInput, DisclosureInput, DisclosureRow, QuestionRow, TimelinessReport, TimelinessRow, answer, disclosures,
    publish, questions, timeliness,
};
pub use figures::{OpennessFigures, OpennessLine, figures};
pub use findings::{close_finding, record_inspection};
pub use inspections::{
    CloseInput, DrawInput, FindingInput, FindingRow, RecordInput, RoundView, Seed, TargetRow, draw, round, rounds,
};
pub use public::{PublicDisclosure, PublicInspection, ask, public_page};
pub use seals::{SealInput, SealReport, SealRow, record_seal, seals};

use crate::Db;
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use shegong_domain::openness::OpennessPolicy;
use shegong_domain::{FieldError, RegionCode};
use std::sync::Arc;

/// The openness rules in force for a region on a day (the shipped default where no policy is
/// assigned), kept between requests.
pub async fn policy_for(db: &Db, region: &str, on: NaiveDate) -> Result<Arc<OpennessPolicy>> {
    let load = async {
        let f = crate::policies::in_force(&db.conn, region, on).await?;
        Ok(Arc::new(f.map(|f| f.policy.openness.clone()).unwrap_or_default()))
    };
    db.memo.get_or(format!("openness_policy|{region}|{on}"), load).await
}

/// The child of `region` that `code` lies in (or `code` itself when it is one level down).
pub(crate) fn child_of(region: &str, code: &str) -> String {
    let len = [2, 4, 6, 9, 12].into_iter().find(|n| *n > region.len()).unwrap_or(12);
    code[..len.min(code.len())].to_string()
}

/// A day as typed, or `default` when empty.
pub(crate) fn day(
    v: Option<&str>,
    field: &'static str,
    label: &str,
    default: NaiveDate,
) -> std::result::Result<NaiveDate, FieldError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => shegong_domain::worker::parse_date(field, label, s),
    }
}

/// The region asked for (the caller's own by default), inside scope.
pub(crate) fn region_in(access: &crate::access::Access, region: Option<&RegionCode>) -> Result<RegionCode> {
    if access.scope.department().is_some() {
        return Err(StoreError::Forbidden(shegong_domain::Permission::ViewRegion.refusal()));
    }
    let r = region.cloned().unwrap_or_else(|| access.scope.region().clone());
    if !access.scope.allows_region(r.as_str()) {
        return Err(StoreError::NotFound);
    }
    Ok(r)
}

pub(crate) fn bad(code: &'static str, field: &'static str, m: impl Into<String>) -> StoreError {
    StoreError::invalid(FieldError::new(code, field, m))
}
