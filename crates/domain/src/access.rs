//! Who may see and do what. A [`Scope`] is the region subtree (or the single archive) a caller acts
//! inside; it is built from the authenticated session only, and every storage function over scoped
//! data takes one, so no path can forget the filter.

use crate::region::{RegionCode, RegionLevel};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ProvinceAdmin,
    CityAdmin,
    CountyAdmin,
    StreetAdmin,
    CommunityHead,
    Worker,
    Auditor,
    /// 职能部门: a county department that handles the events handed to it (交办), and nothing else.
    Department,
}

/// What a caller may do, one capability per kind of act. Each role's capabilities are
/// [`Role::may`]; the store asks before every command, and `docs/permissions.md` is the same matrix
/// for people (a test drives every write route as every role against it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Register workers and record their archive: identity, education, certificates, appointments,
    /// agreements, rewards; import rosters.
    EditArchive,
    /// Correct an ID number (needs the full number in view).
    CorrectIdNumber,
    /// Record a worker's exit.
    ExitWorker,
    /// Take over the kept archive of a person who left another region (a transfer).
    TransferArchive,
    /// Ask for a correction of an archive (the worker of their own, staff of theirs in scope).
    RequestCorrection,
    /// Handle correction requests.
    ResolveCorrection,
    /// Record, publish and amend yearly grades; open, grade and publish assessment rounds.
    ManageAssessment,
    /// Enter scores in an assessment round.
    ScoreAssessment,
    /// Organise trainings: courses, enrolment, results.
    ManageTraining,
    /// Maintain the reserve pool.
    ManageReserves,
    /// Staff the grids: 网格员, 包格两委, 联户长, 网格党小组.
    ManageGrids,
    /// Keep the household register (户) of grids: add, edit, import.
    ManageHouseholds,
    /// Work among residents: record visits (走访、排查、巡查、谈心) and micro-wishes (微心愿).
    ServeResidents,
    /// Record the community secretary's talks with its workers (谈心谈话).
    HoldTalks,
    /// Keep the lists of 减负 (街道职责, 社区履职, 协助政府, 出具证明, 小微权力) of a county and above.
    ManageWorkItems,
    /// Publish the community's 党务、居务、财务 (居务公开) and answer residents' questions on them.
    PublishDisclosure,
    /// Draw communities for a 双随机 spot check, record its findings and close them.
    Inspect,
    /// Keep the county's departments (职能部门) and the categories of events each handles.
    ManageDepartments,
    /// Plan, approve and publish recruitment rounds (招聘).
    ManageRecruitment,
    /// Apply policies to regions and record reference wages.
    ApplyPolicy,
    /// Compute, review, lock and adjust payroll.
    RunPayroll,
    /// See budgets and what-ifs.
    ViewBudget,
    /// See the region's pages beyond one's own archive (figures, career pages).
    ViewRegion,
    /// Create, disable and reset users.
    ManageUsers,
    /// Read the audit log.
    ReadAuditLog,
    /// See full ID numbers (each view audited).
    ViewFullIdNumber,
}

impl Permission {
    pub const ALL: [Permission; 26] = [
        Self::EditArchive,
        Self::CorrectIdNumber,
        Self::ExitWorker,
        Self::TransferArchive,
        Self::RequestCorrection,
        Self::ResolveCorrection,
        Self::ManageAssessment,
        Self::ScoreAssessment,
        Self::ManageTraining,
        Self::ManageReserves,
        Self::ManageGrids,
        Self::ManageHouseholds,
        Self::ServeResidents,
        Self::HoldTalks,
        Self::ManageWorkItems,
        Self::PublishDisclosure,
        Self::Inspect,
        Self::ManageDepartments,
        Self::ManageRecruitment,
        Self::ApplyPolicy,
        Self::RunPayroll,
        Self::ViewBudget,
        Self::ViewRegion,
        Self::ManageUsers,
        Self::ReadAuditLog,
        Self::ViewFullIdNumber,
    ];

    /// The zh-CN refusal when a role lacks this capability.
    pub fn refusal(self) -> &'static str {
        match self {
            Self::EditArchive => "您的角色不能修改社区工作者档案",
            Self::CorrectIdNumber => "您的角色不能更正身份证号码，请由民政管理员办理",
            Self::ExitWorker => "只有民政管理员可以办理退出",
            Self::TransferArchive => "此人的档案在其他地区，档案转入须由县（市、区）以上民政部门管理员办理",
            Self::RequestCorrection => "您的角色不能提交更正申请",
            Self::ResolveCorrection => "您的角色不能处理更正申请",
            Self::ManageAssessment => "只有民政管理员可以组织考核、评定和更正考核等次",
            Self::ScoreAssessment => "您的角色不能录入考核评分",
            Self::ManageTraining => "只有民政管理员可以组织培训",
            Self::ManageReserves => "您的角色不能维护后备力量",
            Self::ManageGrids => "您的角色不能调整网格人员",
            Self::ManageHouseholds => "您的角色不能维护住户信息",
            Self::ServeResidents => "您的角色不能登记走访和微心愿",
            Self::HoldTalks => "谈心谈话由社区书记记录",
            Self::ManageWorkItems => "清单由县（市、区）以上民政部门管理员维护",
            Self::PublishDisclosure => "居务公开由社区负责人发布",
            Self::Inspect => "“双随机”抽查由县（市、区）或街道（乡镇）管理员组织",
            Self::ManageDepartments => "只有县（市、区）以上民政部门管理员可以维护职能部门",
            Self::ManageRecruitment => "招聘由县（市、区）以上民政部门组织",
            Self::ApplyPolicy => "只有民政管理员可以指定政策和录入参照工资",
            Self::RunPayroll => "只有民政管理员可以计算、审核、锁定和调整薪酬",
            Self::ViewBudget => "只有管理员和审计人员可以查看预算",
            Self::ViewRegion => "您的账号只能查看本人档案或交办给本部门的事件",
            Self::ManageUsers => "只有管理员可以管理用户",
            Self::ReadAuditLog => "只有管理员和审计人员可以查看审计日志",
            Self::ViewFullIdNumber => "您的角色不能查看完整的身份证号码",
        }
    }
}

impl Role {
    /// The permission matrix.
    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        let admin = self.is_admin();
        let head = self == Self::CommunityHead;
        let auditor = self == Self::Auditor;
        let department = self == Self::Department;
        match p {
            EditArchive | ResolveCorrection | ScoreAssessment | ManageReserves | ManageGrids | ManageHouseholds => {
                admin || head
            }
            ServeResidents => admin || head || self == Self::Worker,
            HoldTalks | PublishDisclosure => head,
            Inspect => admin,
            CorrectIdNumber | ExitWorker | ManageAssessment | ManageTraining | ApplyPolicy | RunPayroll
            | ManageUsers => admin,
            RequestCorrection => !auditor && !department,
            ViewBudget | ReadAuditLog | ViewFullIdNumber => admin || auditor,
            ViewRegion => !matches!(self, Self::Worker | Self::Department),
            TransferArchive | ManageDepartments | ManageRecruitment | ManageWorkItems => {
                matches!(self, Self::ProvinceAdmin | Self::CityAdmin | Self::CountyAdmin)
            }
        }
    }

    pub const ALL: [Role; 8] = [
        Self::ProvinceAdmin,
        Self::CityAdmin,
        Self::CountyAdmin,
        Self::StreetAdmin,
        Self::CommunityHead,
        Self::Worker,
        Self::Auditor,
        Self::Department,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProvinceAdmin => "province_admin",
            Self::CityAdmin => "city_admin",
            Self::CountyAdmin => "county_admin",
            Self::StreetAdmin => "street_admin",
            Self::CommunityHead => "community_head",
            Self::Worker => "worker",
            Self::Auditor => "auditor",
            Self::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ProvinceAdmin => "省民政厅管理员",
            Self::CityAdmin => "市民政局管理员",
            Self::CountyAdmin => "县（市、区）民政局管理员",
            Self::StreetAdmin => "街道（乡镇）管理员",
            Self::CommunityHead => "社区书记/主任",
            Self::Worker => "社区工作者",
            Self::Auditor => "审计/纪检",
            Self::Department => "职能部门",
        }
    }

    /// The level of region this role is bound to; `None` for roles bound at any level.
    pub fn region_level(self) -> Option<RegionLevel> {
        match self {
            Self::ProvinceAdmin => Some(RegionLevel::Province),
            Self::CityAdmin => Some(RegionLevel::City),
            Self::CountyAdmin | Self::Department => Some(RegionLevel::County),
            Self::StreetAdmin => Some(RegionLevel::Street),
            Self::CommunityHead | Self::Worker => Some(RegionLevel::Community),
            Self::Auditor => None,
        }
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Self::ProvinceAdmin | Self::CityAdmin | Self::CountyAdmin | Self::StreetAdmin)
    }

    /// May create and edit workers' archives in scope.
    pub fn can_edit_workers(self) -> bool {
        self.may(Permission::EditArchive)
    }

    /// May see full ID numbers on the detail page (each view is audited).
    pub fn can_see_full_id(self) -> bool {
        self.may(Permission::ViewFullIdNumber)
    }

    pub fn can_manage_users(self) -> bool {
        self.may(Permission::ManageUsers)
    }

    pub fn can_read_audit_log(self) -> bool {
        self.may(Permission::ReadAuditLog)
    }

    /// Whether a user of this role may create a user of `other` role: admins create roles bound at
    /// their own level or below, and auditors; nobody else creates users.
    pub fn may_grant(self, other: Role) -> bool {
        if !self.is_admin() {
            return false;
        }
        match (self.region_level(), other.region_level()) {
            (_, None) => true,
            (Some(mine), Some(theirs)) => theirs >= mine,
            _ => false,
        }
    }
}

/// The part of the data a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A region subtree: every row whose region code starts with this code.
    Region(RegionCode),
    /// One worker's own archive (the `worker` role).
    Own { worker_id: Uuid, region: RegionCode },
    /// A county department (职能部门): the events handed to it and no archive at all; `region` is
    /// its county.
    Department { department_id: Uuid, region: RegionCode },
}

impl Scope {
    /// The region code prefix every visible row must start with.
    pub fn region(&self) -> &RegionCode {
        match self {
            Scope::Region(r) => r,
            Scope::Own { region, .. } | Scope::Department { region, .. } => region,
        }
    }

    /// The single worker visible, for the own-record scope. A department sees no worker: it gets the
    /// nil id, which no archive has, so that every path that confines a worker to their own record
    /// confines a department to nothing.
    pub fn only_worker(&self) -> Option<Uuid> {
        match self {
            Scope::Own { worker_id, .. } => Some(*worker_id),
            Scope::Department { .. } => Some(Uuid::nil()),
            Scope::Region(_) => None,
        }
    }

    /// The department a caller acts for (the `department` role).
    pub fn department(&self) -> Option<Uuid> {
        match self {
            Scope::Department { department_id, .. } => Some(*department_id),
            _ => None,
        }
    }

    pub fn allows_region(&self, code: &str) -> bool {
        self.region().contains(code)
    }

    pub fn allows_worker(&self, worker_id: Uuid, region_code: &str) -> bool {
        self.allows_region(region_code) && self.only_worker().is_none_or(|w| w == worker_id)
    }

    /// Narrows this scope to a sub-region the caller asked for; `None` when it lies outside.
    pub fn narrow(&self, code: &RegionCode) -> Option<Scope> {
        if !self.region().contains(code.as_str()) {
            // Asking for a parent of one's own region narrows to one's own region.
            return code
                .as_str()
                .len()
                .lt(&self.region().as_str().len())
                .then(|| self.region().as_str().starts_with(code.as_str()))
                .filter(|b| *b)
                .map(|_| self.clone());
        }
        Some(match self {
            Scope::Region(_) => Scope::Region(code.clone()),
            Scope::Own { .. } | Scope::Department { .. } => self.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn region_scope_is_a_subtree() {
        let s = Scope::Region(rc("330481"));
        assert!(s.allows_region("330481001001"));
        assert!(!s.allows_region("330483001001"));
        assert_eq!(s.narrow(&rc("330481001")), Some(Scope::Region(rc("330481001"))));
        assert_eq!(s.narrow(&rc("330483")), None);
        assert_eq!(s.narrow(&rc("33")), Some(s.clone()));
    }

    #[test]
    fn own_scope_is_one_worker() {
        let me = Uuid::now_v7();
        let s = Scope::Own { worker_id: me, region: rc("330481001001") };
        assert!(s.allows_worker(me, "330481001001"));
        assert!(!s.allows_worker(Uuid::now_v7(), "330481001001"));
    }

    #[test]
    fn grants_go_downwards() {
        assert!(Role::CountyAdmin.may_grant(Role::StreetAdmin));
        assert!(Role::CountyAdmin.may_grant(Role::CountyAdmin));
        assert!(!Role::CountyAdmin.may_grant(Role::CityAdmin));
        assert!(Role::CountyAdmin.may_grant(Role::Auditor));
        assert!(!Role::CommunityHead.may_grant(Role::Worker));
        assert!(!Role::Auditor.may_grant(Role::Worker));
        assert!(Role::CountyAdmin.may_grant(Role::Department));
        assert!(!Role::StreetAdmin.may_grant(Role::Department), "a department is the county's");
    }

    /// The table people read in `docs/permissions.md` is the matrix the code applies.
    #[test]
    fn the_documented_matrix_is_the_code() {
        let doc = include_str!("../../../docs/permissions.md");
        let table = doc.split("## Permissions").nth(1).unwrap().split("## ").next().unwrap();
        let mut seen = 0;
        for line in table.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| permission")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
            let name = cells[0].split_whitespace().next().unwrap();
            let p = *Permission::ALL.iter().find(|p| format!("{p:?}") == name).unwrap_or_else(|| panic!("{name}"));
            for (role, cell) in Role::ALL.iter().zip(&cells[1..]) {
                assert_eq!(role.may(p), cell.starts_with('✓'), "{name} for {}", role.as_str());
            }
            seen += 1;
        }
        assert_eq!(seen, Permission::ALL.len(), "every permission is in the table");
    }

    #[test]
    fn a_department_sees_no_archive() {
        let s = Scope::Department { department_id: Uuid::now_v7(), region: rc("330481") };
        assert!(!s.allows_worker(Uuid::now_v7(), "330481001001"));
        assert_eq!(s.only_worker(), Some(Uuid::nil()));
        assert!(Permission::ALL.iter().all(|p| !Role::Department.may(*p)), "a department only handles events");
        assert!(Role::CountyAdmin.may(Permission::ManageDepartments));
        assert!(!Role::StreetAdmin.may(Permission::ManageDepartments));
    }
}
