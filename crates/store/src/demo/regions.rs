//! The real region codes shipped with the product, down to streets; demo communities are generated under them.

use crate::regions::RegionRow;
use shegong_domain::RegionCode;

pub(super) const PROVINCES: &str = include_str!("../../data/regions/provinces.csv");
pub(super) const CITIES: &str = include_str!("../../data/regions/cities.csv");
pub(super) const AREAS: &str = include_str!("../../data/regions/areas.csv");
pub(super) const STREETS: &str = include_str!("../../data/regions/streets.csv");

/// The statistical list's regions of one province, down to streets, as region rows.
pub fn statistical_regions(province: &str) -> Vec<RegionRow> {
    let mut rows = Vec::new();
    for (text, prov_col) in [(PROVINCES, 0usize), (CITIES, 2), (AREAS, 3), (STREETS, 3)] {
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').map(|c| c.trim_matches('"')).collect();
            let in_province = if prov_col == 0 { cols[0] == province } else { cols.get(prov_col) == Some(&province) };
            if !in_province {
                continue;
            }
            if let Ok(code) = RegionCode::parse(cols[0]) {
                let urc = match code.township_kind() {
                    Some("街道") => Some("111".to_string()),
                    Some("镇") => Some("121".to_string()),
                    Some("乡") => Some("210".to_string()),
                    _ => None,
                };
                rows.push(RegionRow {
                    code,
                    name: cols[1].to_string(),
                    households: 0,
                    residents: 0,
                    urban_rural_class: urc,
                });
            }
        }
    }
    rows
}

pub fn province_name(code: &str) -> Option<String> {
    PROVINCES.lines().skip(1).find_map(|l| {
        let (c, n) = l.split_once(',')?;
        (c == code).then(|| n.trim_matches('"').to_string())
    })
}
