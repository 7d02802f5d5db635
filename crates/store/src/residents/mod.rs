//! Work among residents (服务群众): the household register of each grid with its care tags and
//! change history, the visits workers make (走访、排查、巡查、谈心) and who is behind the policy's
//! rules, and micro-wishes (微心愿) from posting to the resident's confirmation.
//!
//! Residents' names and phones are personal data: lists, exports and the public wall show them
//! masked (张*, 139****1234); the full record is for the staff of the household's community and
//! above (and the worker responsible for it), and every full view is audited. A worker sees their
//! own visits and the households they are responsible for; a department sees none of it.

mod compliance;
mod dashboard;
mod deliberation;
mod deliberation_board;
mod household_import;
mod household_list;
mod households;
mod record;
mod talks;
mod visits;
mod window;
mod wishes;

pub use compliance::{
    CareAlert, CommunityCompliance, ComplianceReport, ComplianceRow, GridCoverage, care_alerts, compliance,
};
pub use dashboard::{ChildLine, ServiceDashboard, WEEKS, WeekLine, dashboard};
pub use deliberation::{
    CommunityDeliberation, DeliberationReport, ItemDone, ItemInput, MeetingInput, PlaceInput, TopicInput, add_place,
    close_item, deliberation_figures, hold_meeting, raise_topic,
};
pub use deliberation_board::{Board, MeetingView, PlaceView, board};
pub use household_import::{HEADINGS as HOUSEHOLD_HEADINGS, HouseholdImport, MAX_LINES as HOUSEHOLD_MAX_LINES, import};
pub use household_list::{HouseholdFilter, HouseholdRow, MAX_EXPORT, export, list};
pub use households::{HouseholdInput, HouseholdView, add, get, update};
pub use record::{ServiceYear, add_service_counts, service_record};
pub use talks::{TalkInput, TalkLine, TalkPerson, TalkReport, TalkRow, record as record_talk, talks};
pub use visits::{VisitFilter, VisitInput, VisitReport, VisitRow, record, visits};
pub use window::{DutyDay, DutyDayInput, RoleInput, RolePerson, WindowReport, set_day, set_role, window};
pub use wishes::{
    WallItem, WishFilter, WishInput, WishRow, WishStepInput, claim, confirm, fulfil, post, wall, wish_figures, wishes,
};

use crate::Db;
use crate::access::Access;
use crate::error::{Result, StoreError};
use crate::policies::Resolver;
use chrono::NaiveDate;
use shegong_domain::visits::ServicePolicy;
use shegong_domain::{Permission, RegionCode};
use uuid::Uuid;

/// The columns of `households`, in the table's order (bulk writes).
pub const HOUSEHOLD_COLUMNS: [&str; 19] = [
    "province_code",
    "id",
    "community_code",
    "grid_code",
    "building",
    "unit",
    "room",
    "head_name",
    "phone",
    "members",
    "tags",
    "worker_id",
    "liaison",
    "registered_on",
    "last_visit_on",
    "version",
    "created_by",
    "created_at",
    "updated_at",
];

/// The columns of `visits`, in the table's order (bulk writes).
pub const VISIT_COLUMNS: [&str; 13] = [
    "province_code",
    "id",
    "community_code",
    "grid_code",
    "worker_id",
    "kind",
    "on_date",
    "household_id",
    "place",
    "finding",
    "event_id",
    "recorded_by",
    "recorded_at",
];

/// How far a caller reaches into residents' work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reach {
    /// A region's staff (and auditors): everything under the prefix.
    Region(String),
    /// A worker: their own visits and the households they are responsible for, in their community.
    Worker { worker_id: Uuid, community: String },
}

impl Reach {
    /// What the caller reaches, narrowed to `region` when one is asked for (outside: not found).
    pub(crate) fn of(access: &Access, region: Option<&RegionCode>) -> Result<Self> {
        if access.scope.department().is_some() {
            return Err(StoreError::Forbidden(Permission::ViewRegion.refusal()));
        }
        if let Some(r) = region
            && !access.scope.allows_region(r.as_str())
        {
            return Err(StoreError::NotFound);
        }
        match access.scope.only_worker() {
            Some(worker_id) => Ok(Self::Worker { worker_id, community: access.scope.region().as_str().to_string() }),
            None => {
                access.require(Permission::ViewRegion)?;
                Ok(Self::Region(region.unwrap_or(access.scope.region()).as_str().to_string()))
            }
        }
    }

    /// [`Reach::of`] for what is kept by community (visits, wishes, deliberation): a grid is not a
    /// region these are asked for by.
    pub(crate) fn of_communities(access: &Access, region: Option<&RegionCode>) -> Result<Self> {
        if region.is_some_and(|r| r.level() == shegong_domain::RegionLevel::Grid) {
            return Err(StoreError::invalid(shegong_domain::FieldError::new(
                "residents_region",
                "region",
                "请选择社区或以上的区划（网格的住户在住户名册中按网格筛选）",
            )));
        }
        Self::of(access, region)
    }

    pub(crate) fn prefix(&self) -> &str {
        match self {
            Self::Region(p) => p,
            Self::Worker { community, .. } => community,
        }
    }

    pub(crate) fn province(&self) -> &str {
        &self.prefix()[..2]
    }
}

/// The service rules in force for a community on a day (the shipped default where no policy applies).
pub(crate) async fn service_policy(db: &Db, community: &str, on: NaiveDate) -> Result<ServicePolicy> {
    let resolver = Resolver::load(&db.conn, community, on).await?;
    Ok(resolver.resolve(community).map(|f| f.policy.service.clone()).unwrap_or_default())
}

/// Text a person typed: trimmed, at most `max` characters, no control characters (`None` when empty).
pub(crate) fn typed(
    v: Option<&str>,
    field: &'static str,
    label: &str,
    max: usize,
    errors: &mut Vec<shegong_domain::FieldError>,
) -> Option<String> {
    let cleaned = v.map(shegong_domain::households::clean)?;
    let t = cleaned.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().count() > max || shegong_domain::events::has_control(t) {
        errors.push(shegong_domain::FieldError::new(
            "residents_text",
            field,
            format!("{label}最多{max}字，且不能含控制字符"),
        ));
        return None;
    }
    Some(t.to_string())
}

/// Worker names by id, in one province.
pub(crate) async fn worker_names(
    db: &impl sea_orm::ConnectionTrait,
    province: &str,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>> {
    use crate::entity::worker;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let ids: std::collections::BTreeSet<Uuid> = ids.into_iter().collect();
    let mut out = std::collections::HashMap::new();
    let ids: Vec<Uuid> = ids.into_iter().collect();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String)> = worker::Entity::find()
            .select_only()
            .column(worker::Column::Id)
            .column(worker::Column::Name)
            .filter(worker::Column::ProvinceCode.eq(province))
            .filter(worker::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}
