//! How a region is shown: itself and its children.

use serde::Serialize;
use shegong_store::entity::region;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionBrief {
    pub code: String,
    pub name: String,
    pub level: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionView {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub households: i64,
    pub residents: i64,
    pub urban_rural_class: Option<String>,
    pub children: Vec<RegionBrief>,
}

pub fn region_view(r: &region::Model, children: &[region::Model]) -> RegionView {
    RegionView {
        code: r.code.clone(),
        name: r.name.clone(),
        level: r.level.clone(),
        parent_code: r.parent_code.clone(),
        households: r.households,
        residents: r.residents,
        urban_rural_class: r.urban_rural_class.clone(),
        children: children
            .iter()
            .map(|c| RegionBrief { code: c.code.clone(), name: c.name.clone(), level: c.level.clone() })
            .collect(),
    }
}
