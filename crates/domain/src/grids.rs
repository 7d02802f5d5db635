//! 网格 and who covers them: each grid's 网格员 (workers of its community; one may cover several
//! grids), the 两委 member responsible for it (包格联户), its 联户长 (residents who each link some
//! households) and its party group (网格党小组) where one is recorded; and the coverage figures a
//! region's grids give, which add up exactly from communities to the province.

use crate::FieldError;
use crate::person::{PersonName, Phone};
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

/// A duty on a grid's roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Duty {
    /// 网格员: a worker of the community.
    GridWorker,
    /// 包格两委: the 两委 member responsible for the grid (包格联户).
    Committee,
    /// 联户长: a resident linking a number of households.
    LinkLeader,
    /// 网格党小组: the grid's party group, by its name.
    PartyGroup,
}

impl Duty {
    pub const ALL: [Self; 4] = [Self::GridWorker, Self::Committee, Self::LinkLeader, Self::PartyGroup];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::GridWorker => "grid_worker",
            Self::Committee => "committee",
            Self::LinkLeader => "link_leader",
            Self::PartyGroup => "party_group",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::GridWorker => "网格员",
            Self::Committee => "包格两委",
            Self::LinkLeader => "联户长",
            Self::PartyGroup => "网格党小组",
        }
    }

    /// The code or the label (as an Excel file writes it).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|d| d.as_str() == s || d.label() == s)
    }

    /// Held by a worker of the community (the others are residents or a group).
    pub fn is_worker(self) -> bool {
        matches!(self, Self::GridWorker | Self::Committee)
    }

    /// A grid has one party group at most; any number of the others.
    pub fn single(self) -> bool {
        self == Self::PartyGroup
    }
}

/// A 联户长 as entered: a name, a phone and the households linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkLeader {
    pub name: String,
    pub phone: String,
    pub households: i32,
}

/// The most households one 联户长 links (六盘水: ten to twenty; a generous ceiling).
pub const MAX_LINKED: i32 = 200;

/// Checks a 联户长: every field's error, named (`name`, `phone`, `households`).
pub fn link_leader(name: &str, phone: &str, households: &str) -> Result<LinkLeader, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = PersonName::parse(name).map_err(|e| errors.push(e)).ok();
    let phone = Phone::parse(phone).map_err(|e| errors.push(e)).ok();
    let households = match households.trim().parse::<i32>() {
        Ok(n) if (1..=MAX_LINKED).contains(&n) => Some(n),
        _ => {
            errors.push(FieldError::new(
                "households_linked",
                "households",
                format!("联系户数应为1至{MAX_LINKED}之间的整数"),
            ));
            None
        }
    };
    match (name, phone, households) {
        (Some(n), Some(p), Some(h)) if errors.is_empty() => {
            Ok(LinkLeader { name: n.as_str().to_string(), phone: p.as_str().to_string(), households: h })
        }
        _ => Err(errors),
    }
}

/// A party group's name: one line, 2 to 50 characters ("第一网格党小组").
pub fn party_group(name: &str) -> Result<String, FieldError> {
    match crate::text::line("name", "网格党小组名称", name, 50)? {
        Some(n) if n.chars().count() >= 2 => Ok(n),
        Some(_) => Err(FieldError::new("party_group_name", "name", "网格党小组名称应为2至50个字符")),
        None => Err(FieldError::new("party_group_required", "name", "请填写网格党小组名称")),
    }
}

/// What the coverage figures need of one grid.
#[derive(Debug, Clone, Default)]
pub struct GridFacts {
    pub households: i64,
    /// The household ceiling of the grid norm in force (吉林: 500); `None` without a policy.
    pub ceiling: Option<u32>,
    pub workers: Vec<Uuid>,
    pub committee: usize,
    pub link_leaders: i64,
    pub linked_households: i64,
    pub party_group: bool,
}

/// The coverage of a set of grids. Every figure is a count, so a region's is the sum of its
/// children's: a worker covers grids of their own community only, so the distinct workers of a
/// region are the sum of its communities'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = GridCoverage)]
pub struct Coverage {
    pub grids: i64,
    pub households: i64,
    /// Households of the grids that have a 网格员.
    pub staffed_households: i64,
    /// Grids without a 网格员.
    pub without_worker: i64,
    /// Grids without a 包格两委 member.
    pub without_committee: i64,
    /// Grids with more households than the grid norm's ceiling.
    pub over_ceiling: i64,
    /// Distinct 网格员.
    pub grid_workers: i64,
    pub link_leaders: i64,
    pub linked_households: i64,
    pub party_groups: i64,
}

impl Coverage {
    /// The figures of `grids`, their workers counted once however many of them each covers.
    pub fn of(grids: &[GridFacts]) -> Self {
        let mut c = Self::default();
        let mut workers = HashSet::new();
        for g in grids {
            c.grids += 1;
            c.households += g.households;
            c.without_worker += i64::from(g.workers.is_empty());
            if !g.workers.is_empty() {
                c.staffed_households += g.households;
            }
            c.without_committee += i64::from(g.committee == 0);
            c.over_ceiling += i64::from(g.ceiling.is_some_and(|max| g.households > i64::from(max)));
            workers.extend(g.workers.iter().copied());
            c.link_leaders += g.link_leaders;
            c.linked_households += g.linked_households;
            c.party_groups += i64::from(g.party_group);
        }
        c.grid_workers = workers.len() as i64;
        c
    }

    pub fn add(&mut self, o: &Self) {
        self.grids += o.grids;
        self.households += o.households;
        self.staffed_households += o.staffed_households;
        self.without_worker += o.without_worker;
        self.without_committee += o.without_committee;
        self.over_ceiling += o.over_ceiling;
        self.grid_workers += o.grid_workers;
        self.link_leaders += o.link_leaders;
        self.linked_households += o.linked_households;
        self.party_groups += o.party_groups;
    }

    /// Households per 网格员 (of the grids they cover), rounded; `None` without any.
    pub fn households_per_worker(&self) -> Option<i64> {
        (self.grid_workers > 0).then(|| (self.staffed_households + self.grid_workers / 2) / self.grid_workers)
    }

    /// 联户长 per 100 households, in hundredths (`325` is 3.25); `None` without households.
    pub fn leaders_per_100_households(&self) -> Option<i64> {
        (self.households > 0).then(|| (self.link_leaders * 10_000 + self.households / 2) / self.households)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn duties_read_as_excel_writes_them() {
        assert_eq!(Duty::parse("网格员"), Some(Duty::GridWorker));
        assert_eq!(Duty::parse(" 联户长 "), Some(Duty::LinkLeader));
        assert_eq!(Duty::parse("committee"), Some(Duty::Committee));
        assert_eq!(Duty::parse("组长"), None);
        assert!(Duty::GridWorker.is_worker() && !Duty::LinkLeader.is_worker());
    }

    #[test]
    fn a_link_leader_names_each_bad_field() {
        let l = link_leader("王秀英", "13912345678", "15").unwrap();
        assert_eq!((l.name.as_str(), l.households), ("王秀英", 15));
        let e = link_leader("", "123", "0").unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "phone", "households"]);
        for bad in ["-1", "201", "1.5", "十", ""] {
            assert!(link_leader("王秀英", "13912345678", bad).is_err(), "{bad}");
        }
        assert!(party_group("第一网格党小组").is_ok());
        assert!(party_group("党").is_err());
        assert!(party_group("").is_err());
    }

    #[test]
    fn ratios() {
        let c = Coverage {
            households: 1500,
            staffed_households: 1200,
            grid_workers: 3,
            link_leaders: 39,
            ..Default::default()
        };
        assert_eq!(c.households_per_worker(), Some(400));
        assert_eq!(c.leaders_per_100_households(), Some(260));
        assert_eq!(Coverage::default().households_per_worker(), None);
        assert_eq!(Coverage::default().leaders_per_100_households(), None);
    }

    /// Communities of grids, each community's workers its own.
    fn communities() -> impl Strategy<Value = Vec<Vec<GridFacts>>> {
        let grid = (0i64..900, prop::option::of(300u32..600), 0usize..4, 0usize..3, 0i64..40, any::<bool>());
        prop::collection::vec((prop::collection::vec(grid, 0..8), 1usize..5), 0..6).prop_map(|cs| {
            cs.into_iter()
                .map(|(grids, staff)| {
                    let people: Vec<Uuid> = (0..staff).map(|_| Uuid::now_v7()).collect();
                    grids
                        .into_iter()
                        .map(|(households, ceiling, w, committee, leaders, party_group)| GridFacts {
                            households,
                            ceiling,
                            workers: people.iter().take(w).copied().collect(),
                            committee,
                            link_leaders: leaders,
                            linked_households: leaders * 12,
                            party_group,
                        })
                        .collect()
                })
                .collect()
        })
    }

    proptest! {
        /// A region's figures are exactly the sum of its communities', and no count exceeds the grids.
        #[test]
        fn coverage_rolls_up_exactly(cs in communities()) {
            let all: Vec<GridFacts> = cs.iter().flatten().cloned().collect();
            let whole = Coverage::of(&all);
            let mut sum = Coverage::default();
            for c in &cs {
                sum.add(&Coverage::of(c));
            }
            prop_assert_eq!(whole, sum);
            prop_assert!(whole.without_worker <= whole.grids);
            prop_assert!(whole.staffed_households <= whole.households);
            prop_assert!(whole.over_ceiling <= whole.grids);
            prop_assert!(whole.party_groups <= whole.grids);
            prop_assert!(whole.grid_workers <= all.iter().map(|g| g.workers.len() as i64).sum::<i64>());
        }
    }
}
