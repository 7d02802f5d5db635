//! The demo county's departments (职能部门) that its streets hand events to: housing and building,
//! urban management, emergencies — each with the categories a county would give it.

use crate::Db;
use crate::access::Access;
use crate::departments::{DepartmentInput, add};
use crate::entity::department;
use crate::error::Result;
use shegong_domain::RegionCode;

/// (name after the county's, remit).
const DEPARTMENTS: [(&str, &[&str]); 3] = [
    ("住房和城乡建设局", &["facilities", "safety.building", "safety.gas"]),
    ("综合行政执法局", &["sanitation", "dispute.property"]),
    ("应急管理局", &["safety.fire", "safety.road"]),
];

/// Adds the departments to `county`. Returns them in the order above.
pub(super) async fn load(db: &Db, county: &str) -> Result<Vec<department::Model>> {
    let names = crate::regions::names(&db.conn, vec![county.to_string()]).await?;
    let county_name = names.get(county).cloned().unwrap_or_default();
    let access = Access::system(RegionCode::parse(county).map_err(|e| anyhow::anyhow!("{e}"))?);
    let mut out = Vec::new();
    for (name, remit) in DEPARTMENTS {
        let input = DepartmentInput {
            name: Some(format!("{county_name}{name}")),
            remit: Some(remit.iter().map(|k| k.to_string()).collect()),
            disabled: None,
            county: None,
        };
        out.push(add(db, &access, county, &input).await?);
    }
    Ok(out)
}
