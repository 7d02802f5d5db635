//! Who reports 民情事件, who sees them and who may take which step: pure rules over the role, the
//! region the caller is bound to and where the event stands.
//!
//! - An event belongs to the community (or grid) it was reported in; whoever's region contains it
//!   sees it, and so does the community it was handed to (交办).
//! - The community's side — 受理/不予受理, 分办, 上报街道, 核查/返工, 结案, recording the 回访 — is the
//!   community head's or an administrator's above it.
//! - The handler's side — 反馈, 回退, 申请延期 — is the handling community's: its head, its workers and
//!   the administrators above it.
//! - The level above — 交办 of an escalated event, 批准延期, 督办 — is a street's administrator's or
//!   higher, never the community's own.
//! - A county department (职能部门) sees only the events handed to it and takes the handler's side
//!   on them; it reports nothing.
//! - Auditors read; nobody else reports or acts outside their region.

use crate::access::{Role, Scope};
use crate::events::{ALL_ACTIONS, Action, Progress, Satisfaction, apply};
use uuid::Uuid;

/// A community's region code is 12 digits; a street's 9.
const COMMUNITY_CODE_LEN: usize = 12;

/// Where a report came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// 巡查走访: a worker on patrol or a visit.
    Patrol,
    /// 一窗受理: the one-stop window.
    Window,
    /// 居民上报: a resident on the community's public page.
    Public,
    /// Open311 GeoReport v2 clients.
    Open311,
    /// Another system through the API (a 12345 hotline), with its own label.
    External,
}

impl Source {
    pub const ALL: [Self; 5] = [Self::Patrol, Self::Window, Self::Public, Self::Open311, Self::External];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patrol => "patrol",
            Self::Window => "window",
            Self::Public => "public",
            Self::Open311 => "open311",
            Self::External => "external",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Patrol => "巡查走访",
            Self::Window => "一窗受理",
            Self::Public => "居民上报",
            Self::Open311 => "Open311",
            Self::External => "外部系统",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The sources staff record themselves (the others come through their own doors).
    pub fn by_staff(self) -> bool {
        matches!(self, Self::Patrol | Self::Window | Self::External)
    }
}

/// Where an event stands, as far as the rules need it.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The community (or grid) it was reported in.
    pub region: &'a str,
    /// The community it belongs to.
    pub community: &'a str,
    /// The community handling it, when it was handed to one.
    pub handler: Option<&'a str>,
    /// The county department handling it, when it was handed to one.
    pub department: Option<Uuid>,
    /// Sent up to the street and not yet handed down.
    pub waiting_on_street: bool,
}

/// Whether the caller's region `scope` (a region code prefix) contains `code`.
fn within(scope: &str, code: &str) -> bool {
    code.starts_with(scope)
}

/// Whether a caller sees the event: inside their region, or handed to their department.
pub fn may_see(scope: &Scope, p: &Place) -> bool {
    if let Some(d) = scope.department() {
        return p.department == Some(d);
    }
    let scope = scope.region().as_str();
    within(scope, p.region) || within(scope, p.community) || p.handler.is_some_and(|h| within(scope, h))
}

/// Whether a role reports events at all (auditors only read; a department handles what it is given).
pub fn reports(role: Role) -> bool {
    !matches!(role, Role::Auditor | Role::Department)
}

/// Whether a caller may report an event in `region` from `source`.
pub fn may_report(role: Role, scope: &str, region: &str, source: Source) -> bool {
    reports(role) && source.by_staff() && within(scope, region)
}

/// The street's level or above: an administrator bound to a street, county, city or province.
fn above_community(role: Role) -> bool {
    role.is_admin()
}

/// Whether a caller may take `action` (its API name) on the event.
pub fn may_act(role: Role, scope: &Scope, p: &Place, action: &str) -> bool {
    if role == Role::Auditor || !may_see(scope, p) {
        return false;
    }
    // A department takes the handler's side of what was handed to it, and nothing else.
    if scope.department().is_some() || role == Role::Department {
        return role == Role::Department
            && scope.department().is_some()
            && matches!(action, "feedback" | "return" | "extend_request");
    }
    let scope = scope.region().as_str();
    let community_side = (role.is_admin() || role == Role::CommunityHead) && within(scope, p.community);
    // With a department the handling is the department's own.
    let handler = p.handler.unwrap_or(p.community);
    let handler_side = p.department.is_none()
        && (matches!(role, Role::CommunityHead | Role::Worker) && within(scope, handler)
            || role.is_admin() && within(scope, handler));
    // Bound above the community: a street (9 digits), county, city or province.
    let level_above = above_community(role) && within(scope, p.community) && scope.len() < COMMUNITY_CODE_LEN;
    match action {
        "assign" if p.waiting_on_street => level_above,
        "accept" | "reject" | "assign" | "escalate" | "verify" | "rework" | "close" | "rate" => community_side,
        "feedback" | "return" | "extend_request" => handler_side,
        "extend_grant" | "supervise" => level_above,
        _ => false,
    }
}

/// Whether a caller reads the reporter's name and phone in full: the handling chain — the community,
/// its street and county — and not the levels above nor auditors, who see them masked.
pub fn sees_reporter(role: Role) -> bool {
    matches!(role, Role::CommunityHead | Role::Worker | Role::StreetAdmin | Role::CountyAdmin | Role::Department)
}

/// `张*`, `欧阳**`: the first character kept.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), name.chars().count()) {
        (None, _) => String::new(),
        // A name of one character is all the name: nothing of it is shown.
        (Some(_), 1) => "*".into(),
        (Some(first), _) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
    }
}

/// A phone's digits as dialled inside China: `+86 139…`, `0086139…` and `86139…` are `139…`.
pub fn phone_digits(phone: &str) -> String {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    for prefix in ["0086", "86"] {
        if let Some(rest) = d.strip_prefix(prefix)
            && rest.len() == 11
            && rest.starts_with('1')
        {
            return rest.to_string();
        }
    }
    d
}

/// `139****1234`: the first three and last four digits kept.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone_digits(phone).chars().collect();
    if digits.len() < 8 {
        return "*".repeat(digits.len());
    }
    // A mobile (11 digits and more) keeps its first three and last four; a shorter local number
    // keeps two at each end, so that no more than half of it shows.
    let (h, k) = if digits.len() >= 11 { (3, 4) } else { (2, 2) };
    let (head, tail) = (&digits[..h], &digits[digits.len() - k..]);
    format!(
        "{}{}{}",
        head.iter().collect::<String>(),
        "*".repeat(digits.len() - h - k),
        tail.iter().collect::<String>()
    )
}

/// The steps the caller may take on the event now: allowed by the loop in its present state and by
/// the caller's place (for the buttons a page shows; the store checks again when one is taken).
pub fn allowed(role: Role, scope: &Scope, p: &Place, progress: &Progress) -> Vec<&'static str> {
    ALL_ACTIONS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| may_act(role, scope, p, name))
        .filter(|name| sample(name).is_some_and(|a| apply(progress, &a).is_ok()))
        .collect()
}

/// An action of that name with what it needs filled in, to ask the loop whether it is allowed.
fn sample(name: &str) -> Option<Action> {
    let t = || "-".to_string();
    Some(match name {
        "accept" => Action::Accept,
        "reject" => Action::Reject { reason: t() },
        "assign" => Action::Assign,
        "escalate" => Action::Escalate,
        "return" => Action::Return { reason: t() },
        "feedback" => Action::Feedback { result: t() },
        "verify" => Action::Verify,
        "rework" => Action::Rework { reason: t() },
        "close" => Action::Close,
        "rate" => Action::Rate(Satisfaction::Fair),
        "extend_request" => Action::ExtendRequest { days: 1, reason: t() },
        "extend_grant" => Action::ExtendGrant,
        "supervise" => Action::Supervise { level: 1 },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMUNITY: &str = "330481001003";
    const OTHER: &str = "330481001004";

    fn place(handler: Option<&'static str>, waiting: bool) -> Place<'static> {
        Place { region: "330481001003001", community: COMMUNITY, handler, department: None, waiting_on_street: waiting }
    }

    fn r(code: &str) -> Scope {
        Scope::Region(crate::RegionCode::parse(code).unwrap())
    }

    #[test]
    fn a_department_handles_what_it_was_handed_and_sees_nothing_else() {
        let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
        let county = crate::RegionCode::parse("330481").unwrap();
        let me = Scope::Department { department_id: mine, region: county };
        let handed = Place { department: Some(mine), ..place(None, false) };
        assert!(may_see(&me, &handed));
        assert!(!may_see(&me, &place(None, false)), "an event of its county not handed to it");
        assert!(!may_see(&me, &Place { department: Some(theirs), ..handed }), "another department's");
        assert!(may_act(Role::Department, &me, &handed, "feedback"));
        assert!(may_act(Role::Department, &me, &handed, "return"));
        assert!(!may_act(Role::Department, &me, &handed, "close"));
        assert!(!may_act(Role::Department, &me, &handed, "supervise"));
        assert!(!reports(Role::Department));
        // The community no longer handles it; the levels above still supervise.
        assert!(!may_act(Role::Worker, &r(COMMUNITY), &handed, "feedback"));
        assert!(!may_act(Role::CommunityHead, &r(COMMUNITY), &handed, "feedback"));
        assert!(may_act(Role::CommunityHead, &r(COMMUNITY), &handed, "verify"));
        assert!(may_act(Role::CountyAdmin, &r("330481"), &handed, "supervise"));
        // A department's role with a region scope (a broken account) acts on nothing.
        assert!(!may_act(Role::Department, &r("330481"), &handed, "feedback"));
        let mut assigned = Progress::reported();
        assigned.state = crate::events::EventState::Assigned;
        assert_eq!(allowed(Role::Department, &me, &handed, &assigned), ["feedback", "return", "extend_request"]);
    }

    #[test]
    fn the_community_acts_on_its_side_and_the_street_above_it() {
        let p = place(None, false);
        assert!(may_act(Role::CommunityHead, &r(COMMUNITY), &p, "accept"));
        assert!(may_act(Role::StreetAdmin, &r("330481001"), &p, "accept"));
        assert!(!may_act(Role::Worker, &r(COMMUNITY), &p, "accept"), "a worker does not accept for the community");
        assert!(may_act(Role::Worker, &r(COMMUNITY), &p, "feedback"));
        assert!(!may_act(Role::CommunityHead, &r(COMMUNITY), &p, "supervise"), "nobody supervises themselves");
        assert!(!may_act(Role::CommunityHead, &r(COMMUNITY), &p, "extend_grant"));
        assert!(may_act(Role::StreetAdmin, &r("330481001"), &p, "extend_grant"));
        assert!(may_act(Role::CountyAdmin, &r("330481"), &p, "supervise"));
        assert!(!may_act(Role::Auditor, &r("33"), &p, "accept"));
        assert!(!may_act(Role::CommunityHead, &r(OTHER), &p, "accept"), "another community");
        assert!(!may_act(Role::StreetAdmin, &r("330481002"), &p, "accept"), "another street");
    }

    #[test]
    fn an_escalated_event_is_handed_down_by_the_street_and_handled_there() {
        let waiting = place(None, true);
        assert!(!may_act(Role::CommunityHead, &r(COMMUNITY), &waiting, "assign"));
        assert!(may_act(Role::StreetAdmin, &r("330481001"), &waiting, "assign"));
        let handed = place(Some(OTHER), false);
        assert!(may_see(&r(OTHER), &handed));
        assert!(may_act(Role::CommunityHead, &r(OTHER), &handed, "feedback"));
        assert!(!may_act(Role::CommunityHead, &r(OTHER), &handed, "close"), "the owning community closes");
        assert!(!may_act(Role::Worker, &r(COMMUNITY), &handed, "feedback"), "not the handler");
    }

    #[test]
    fn the_buttons_follow_the_state_and_the_place() {
        let p = place(None, false);
        let reported = Progress::reported();
        assert_eq!(allowed(Role::CommunityHead, &r(COMMUNITY), &p, &reported), ["accept", "reject"]);
        assert_eq!(allowed(Role::StreetAdmin, &r("330481001"), &p, &reported), ["accept", "reject", "supervise"]);
        assert!(allowed(Role::Worker, &r(COMMUNITY), &p, &reported).is_empty());
        assert!(allowed(Role::Auditor, &r("33"), &p, &reported).is_empty());
        let mut assigned = reported.clone();
        assigned.state = crate::events::EventState::Assigned;
        assert_eq!(allowed(Role::Worker, &r(COMMUNITY), &p, &assigned), ["feedback", "return", "extend_request"]);
    }

    #[test]
    fn the_reporter_is_masked_outside_the_chain() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("李"), "*");
        assert_eq!(mask_phone("+8613912345678"), "139****5678");
        assert_eq!(phone_digits("0086 139 1234 5678"), "13912345678");
        assert_eq!(mask_phone("13912341234"), "139****1234");
        assert_eq!(mask_phone("0573-8761234"), "057****1234");
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_phone("87612345"), "87****45", "a local number shows no more than half");
        assert!(sees_reporter(Role::StreetAdmin));
        assert!(!sees_reporter(Role::ProvinceAdmin));
        assert!(!sees_reporter(Role::Auditor));
    }

    #[test]
    fn reports_come_from_staff_inside_their_region() {
        assert!(may_report(Role::Worker, COMMUNITY, "330481001003001", Source::Patrol));
        assert!(!may_report(Role::Worker, COMMUNITY, "330481001004001", Source::Patrol));
        assert!(!may_report(Role::Auditor, "33", COMMUNITY, Source::Window));
        assert!(!may_report(Role::CommunityHead, COMMUNITY, COMMUNITY, Source::Public), "the public page's own");
    }
}
