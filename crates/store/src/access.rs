//! Who is acting: the scope they act in, their role and their name for the logs. Every command of
//! the store takes an [`Access`] and asks it for the [`Permission`] the command needs before doing
//! anything, so that no path (page, API, CLI, import) can skip a check the web layer forgot.

use crate::error::{Result, StoreError};
use shegong_domain::{Permission, RegionCode, Role, Scope};

#[derive(Debug, Clone)]
pub struct Access {
    pub scope: Scope,
    pub role: Role,
    pub actor: Actor,
}

impl Access {
    pub fn new(scope: Scope, role: Role, actor: Actor) -> Self {
        Self { scope, role, actor }
    }

    /// The operator at the command line (and the demo loader): a province admin's powers over
    /// `region`, logged as the system.
    pub fn system(region: RegionCode) -> Self {
        Self { scope: Scope::Region(region), role: Role::ProvinceAdmin, actor: Actor::system() }
    }

    /// An admin of `region` of the role bound to its level, named `username` (tests, benches, and
    /// finishing an import its clerk started before the process stopped).
    pub fn admin(region: &str, username: &str) -> Self {
        let code = RegionCode::parse(region).expect("a valid region code");
        let role = match code.level() {
            shegong_domain::RegionLevel::Province => Role::ProvinceAdmin,
            shegong_domain::RegionLevel::City => Role::CityAdmin,
            shegong_domain::RegionLevel::County => Role::CountyAdmin,
            shegong_domain::RegionLevel::Street => Role::StreetAdmin,
            _ => Role::CommunityHead,
        };
        Self {
            actor: Actor { username: username.into(), role: role.as_str().into(), region_code: region.into() },
            scope: Scope::Region(code),
            role,
        }
    }

    /// Ok when the role may; the permission's zh-CN refusal otherwise.
    pub fn require(&self, p: Permission) -> Result<()> {
        if self.role.may(p) { Ok(()) } else { Err(StoreError::Forbidden(p.refusal())) }
    }
}

/// The acting user, as storage records it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub username: String,
    pub role: String,
    pub region_code: String,
}

impl Actor {
    pub fn system() -> Self {
        Self { username: "system".into(), role: "system".into(), region_code: "00".into() }
    }
}
