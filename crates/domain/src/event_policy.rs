//! The categories of 民情事件 and their time limits, as a region's policy sets them (the `[events]`
//! section of a policy file; a policy without one takes the shipped default).
//!
//! Two category lists ship: the community's own (矛盾纠纷、安全隐患、民生服务、环境卫生、设施维护、政策咨询、
//! 其他, with sub-categories), and the event classes of GB/T 30428.2 (数字化城市管理信息系统 第2部分：
//! 管理部件和事件) for regions that run their grids with the city-management system. A policy picks
//! one and may set the limits of any category; a sub-category without limits of its own takes its
//! parent's, a top category without them the policy's defaults.
//!
//! Each limit is set per urgency for three spans: 受理 (from the report), 处置 (from the assignment)
//! and 办结 (the whole, from the report). The defaults follow the city-management practice the domain
//! notes cite (urgent 2 h, utilities 24 h, ordinary 7 days, complex 15 days); the other figures are
//! examples (示例) for an administrator to set.

use crate::calendar::{Calendar, Limit, OfficeHours, due};
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How urgent a report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    Urgent,
}

impl Urgency {
    pub const ALL: [Self; 2] = [Self::Normal, Self::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Urgent => "urgent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Normal => "一般",
            Self::Urgent => "紧急",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == s || u.label() == s)
    }
}

/// The three spans of one category at one urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// 受理: from the report to its acceptance (or refusal).
    pub accept: Limit,
    /// 处置: from the assignment to the handler's feedback.
    pub handle: Limit,
    /// 办结: from the report to the closure.
    pub total: Limit,
}

/// One category of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventCategory {
    pub key: String,
    pub label: String,
    /// The top category above a sub-category.
    pub parent: Option<String>,
    /// Its own limits, by urgency (the others are inherited).
    pub limits: BTreeMap<Urgency, Limits>,
}

/// A region's event policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventPolicy {
    /// The shipped list the categories come from (`community` or `gbt30428`).
    pub catalogue: String,
    /// The yellow warning starts when this share (per cent) of a limit has passed.
    pub warn_pct: u32,
    pub office_hours: OfficeHours,
    /// The limits of a category that sets none, nor its parent.
    pub defaults: BTreeMap<Urgency, Limits>,
    pub categories: Vec<EventCategory>,
}

/// The shipped category lists: (key, label, parent).
type Catalogue = &'static [(&'static str, &'static str, Option<&'static str>)];

/// The community's own list.
const COMMUNITY: Catalogue = &[
    ("dispute", "矛盾纠纷", None),
    ("dispute.neighbour", "邻里纠纷", Some("dispute")),
    ("dispute.family", "婚姻家庭纠纷", Some("dispute")),
    ("dispute.property", "物业纠纷", Some("dispute")),
    ("dispute.labour", "劳动争议", Some("dispute")),
    ("safety", "安全隐患", None),
    ("safety.fire", "消防隐患", Some("safety")),
    ("safety.gas", "燃气隐患", Some("safety")),
    ("safety.building", "房屋安全", Some("safety")),
    ("safety.road", "交通隐患", Some("safety")),
    ("livelihood", "民生服务", None),
    ("livelihood.elderly", "养老服务", Some("livelihood")),
    ("livelihood.assistance", "社会救助", Some("livelihood")),
    ("livelihood.employment", "就业帮扶", Some("livelihood")),
    ("sanitation", "环境卫生", None),
    ("sanitation.waste", "垃圾堆放", Some("sanitation")),
    ("sanitation.sewage", "污水外溢", Some("sanitation")),
    ("sanitation.noise", "噪声扰民", Some("sanitation")),
    ("facilities", "设施维护", None),
    ("facilities.lighting", "路灯照明", Some("facilities")),
    ("facilities.water", "供水供电", Some("facilities")),
    ("facilities.road", "道路破损", Some("facilities")),
    ("facilities.lift", "电梯故障", Some("facilities")),
    ("consultation", "政策咨询", None),
    ("other", "其他", None),
];

/// The event classes (大类) of GB/T 30428.2, with some of their sub-classes (小类); the keys are
/// the standard's class codes.
const GBT30428: Catalogue = &[
    ("01", "市容环境", None),
    ("0101", "私搭乱建", Some("01")),
    ("0102", "暴露垃圾", Some("01")),
    ("0103", "积存垃圾渣土", Some("01")),
    ("0104", "道路不洁", Some("01")),
    ("0105", "水域不洁", Some("01")),
    ("0106", "绿地脏乱", Some("01")),
    ("02", "宣传广告", None),
    ("0201", "非法小广告", Some("02")),
    ("0202", "违章张贴悬挂广告牌匾", Some("02")),
    ("03", "施工管理", None),
    ("0301", "施工扰民", Some("03")),
    ("0302", "工地扬尘", Some("03")),
    ("0303", "道路遗撒", Some("03")),
    ("04", "突发事件", None),
    ("0401", "路面塌陷", Some("04")),
    ("0402", "自来水管破裂", Some("04")),
    ("0403", "燃气管道破裂", Some("04")),
    ("05", "街面秩序", None),
    ("0501", "无照经营游商", Some("05")),
    ("0502", "店外经营", Some("05")),
    ("0503", "占道废品收购", Some("05")),
    ("06", "扩展事件", None),
];

/// The shipped lists by name, with their label.
pub const CATALOGUES: [(&str, &str); 2] =
    [("community", "社区民情事件分类"), ("gbt30428", "GB/T 30428.2 城市管理事件分类")];

fn catalogue(name: &str) -> Option<Catalogue> {
    match name {
        "community" => Some(COMMUNITY),
        "gbt30428" => Some(GBT30428),
        _ => None,
    }
}

fn limits(accept: &str, handle: &str, total: &str) -> Limits {
    let l = |s: &str| Limit::parse(s).expect("the shipped limits are well formed (tested)");
    Limits { accept: l(accept), handle: l(handle), total: l(total) }
}

/// Limits by urgency.
type ByUrgency = BTreeMap<Urgency, Limits>;

/// The shipped limits: ordinary 7 days, urgent 2 hours; utilities 24 hours; disputes (complex) 15
/// days; the spans before them examples.
fn shipped_limits(catalogue: &str) -> (ByUrgency, Vec<(&'static str, ByUrgency)>) {
    let urgent = limits("1h", "2h", "2h");
    let defaults = BTreeMap::from([(Urgency::Normal, limits("1wd", "5wd", "7d")), (Urgency::Urgent, urgent)]);
    let own = match catalogue {
        "community" => vec![
            ("dispute", BTreeMap::from([(Urgency::Normal, limits("1wd", "10wd", "15d")), (Urgency::Urgent, urgent)])),
            ("facilities", BTreeMap::from([(Urgency::Normal, limits("2h", "24h", "24h")), (Urgency::Urgent, urgent)])),
            ("safety", BTreeMap::from([(Urgency::Normal, limits("4wh", "2wd", "3wd")), (Urgency::Urgent, urgent)])),
            ("consultation", BTreeMap::from([(Urgency::Normal, limits("1wd", "2wd", "3wd"))])),
        ],
        _ => vec![("04", BTreeMap::from([(Urgency::Normal, urgent), (Urgency::Urgent, urgent)]))],
    };
    (defaults, own)
}

/// Why an `[events]` section was refused.
pub type Refusal = String;

/// The `[events]` section as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEvents {
    #[serde(default)]
    catalogue: Option<String>,
    #[serde(default)]
    warn_pct: Option<u32>,
    #[serde(default)]
    office_hours: Option<String>,
    /// `{ normal = ["1wd", "5wd", "7d"], urgent = [...] }`: 受理, 处置, 办结.
    #[serde(default)]
    limits: BTreeMap<Urgency, [String; 3]>,
    /// `[[events.categories]]`: a category's own limits, or a category of the region's own.
    #[serde(default)]
    categories: Vec<RawCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCategory {
    key: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    limits: BTreeMap<Urgency, [String; 3]>,
}

fn read_limits(raw: &BTreeMap<Urgency, [String; 3]>, where_: &str) -> Result<BTreeMap<Urgency, Limits>, Refusal> {
    let mut out = BTreeMap::new();
    for (u, [a, h, t]) in raw {
        let read = |s: &str, span: &str| {
            Limit::parse(s).ok_or_else(|| {
                format!("{where_}的{}{span}时限“{s}”无效，应写作如 3wd（工作日）、24wh（工作小时）、7d（自然日）、2h（小时）", u.label())
            })
        };
        let l = Limits { accept: read(a, "受理")?, handle: read(h, "处置")?, total: read(t, "办结")? };
        out.insert(*u, l);
    }
    Ok(out)
}

impl RawEvents {
    pub(crate) fn check(self) -> Result<EventPolicy, Refusal> {
        let name = self.catalogue.unwrap_or_else(|| "community".to_string());
        let list =
            catalogue(&name).ok_or_else(|| format!("events.catalogue“{name}”无效，应为 community 或 gbt30428"))?;
        let warn_pct = self.warn_pct.unwrap_or(75);
        if !(1..=100).contains(&warn_pct) {
            return Err("events.warn_pct 应在1至100之间".into());
        }
        let office_hours = match &self.office_hours {
            Some(s) => {
                OfficeHours::parse(s).ok_or_else(|| format!("events.office_hours“{s}”无效，应写作如 08:30-17:30"))?
            }
            None => OfficeHours::default(),
        };
        let (mut defaults, own) = shipped_limits(&name);
        defaults.extend(read_limits(&self.limits, "events.limits")?);
        let mut categories: Vec<EventCategory> = list
            .iter()
            .map(|(key, label, parent)| EventCategory {
                key: key.to_string(),
                label: label.to_string(),
                parent: parent.map(str::to_string),
                limits: own.iter().find(|(k, _)| k == key).map(|(_, l)| l.clone()).unwrap_or_default(),
            })
            .collect();
        for c in self.categories {
            let where_ = format!("分类“{}”", c.key);
            let lim = read_limits(&c.limits, &where_)?;
            if let Some(existing) = categories.iter_mut().find(|x| x.key == c.key) {
                if let Some(l) = c.label {
                    existing.label = l;
                }
                existing.limits.extend(lim);
                continue;
            }
            let label =
                c.label.filter(|l| !l.trim().is_empty()).ok_or_else(|| format!("{where_}是新增分类，须写 label"))?;
            if c.key.trim().is_empty() || c.key.chars().count() > 32 {
                return Err("分类的 key 不能为空，最多32个字符".into());
            }
            if let Some(p) = &c.parent
                && !categories.iter().any(|x| &x.key == p && x.parent.is_none())
            {
                return Err(format!("{where_}的上级分类“{p}”不存在或不是一级分类"));
            }
            categories.push(EventCategory { key: c.key, label, parent: c.parent, limits: lim });
        }
        Ok(EventPolicy { catalogue: name, warn_pct, office_hours, defaults, categories })
    }
}

impl Default for EventPolicy {
    fn default() -> Self {
        RawEvents::default().check().expect("the shipped event policy is well formed (tested)")
    }
}

impl EventPolicy {
    pub fn category(&self, key: &str) -> Option<&EventCategory> {
        self.categories.iter().find(|c| c.key == key)
    }

    /// `矛盾纠纷 / 邻里纠纷`.
    pub fn path_label(&self, key: &str) -> Option<String> {
        let c = self.category(key)?;
        Some(match c.parent.as_deref().and_then(|p| self.category(p)) {
            Some(p) => format!("{} / {}", p.label, c.label),
            None => c.label.clone(),
        })
    }

    /// The limits of a category at an urgency: its own, its parent's, or the defaults. `None` for a
    /// category the policy does not have.
    pub fn limits(&self, key: &str, urgency: Urgency) -> Option<Limits> {
        let c = self.category(key)?;
        let parent = c.parent.as_deref().and_then(|p| self.category(p));
        c.limits
            .get(&urgency)
            .or_else(|| parent.and_then(|p| p.limits.get(&urgency)))
            .or_else(|| self.defaults.get(&urgency))
            .copied()
    }
}

/// When each span of an event runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub accept: NaiveDateTime,
    /// Only once assigned.
    pub handle: Option<NaiveDateTime>,
    pub total: NaiveDateTime,
}

/// The deadlines of an event reported at `reported` (and assigned at `assigned`), with the days of
/// extension granted added to the handling and the whole.
pub fn deadlines(
    cal: &Calendar,
    policy: &EventPolicy,
    limits: Limits,
    reported: NaiveDateTime,
    assigned: Option<NaiveDateTime>,
    extended_days: u32,
) -> Deadlines {
    let h = policy.office_hours;
    let extra = Duration::days(i64::from(extended_days));
    Deadlines {
        accept: due(cal, h, reported, limits.accept),
        handle: assigned.map(|a| due(cal, h, a, limits.handle) + extra),
        total: due(cal, h, reported, limits.total) + extra,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Unit;
    use proptest::prelude::*;

    #[test]
    fn the_shipped_lists_read_and_inherit_their_limits() {
        let p = EventPolicy::default();
        assert_eq!(p.catalogue, "community");
        assert_eq!(p.warn_pct, 75);
        assert_eq!(p.path_label("dispute.neighbour").unwrap(), "矛盾纠纷 / 邻里纠纷");
        // A sub-category takes its parent's limits; a top one without any the defaults.
        assert_eq!(p.limits("dispute.neighbour", Urgency::Normal).unwrap().total.label(), "15自然日");
        assert_eq!(p.limits("facilities.water", Urgency::Normal).unwrap().total.label(), "24小时");
        assert_eq!(p.limits("other", Urgency::Normal).unwrap().total.label(), "7自然日");
        assert_eq!(p.limits("other", Urgency::Urgent).unwrap().total.label(), "2小时");
        assert_eq!(p.limits("nonesuch", Urgency::Normal), None);
        let g = RawEvents { catalogue: Some("gbt30428".into()), ..Default::default() }.check().unwrap();
        assert_eq!(g.path_label("0402").unwrap(), "突发事件 / 自来水管破裂");
        assert_eq!(g.limits("0402", Urgency::Normal).unwrap().total.unit, Unit::Hours);
        // Every sub-category's parent is a top category of the same list.
        for p in [p, g] {
            for c in &p.categories {
                if let Some(parent) = &c.parent {
                    assert!(p.category(parent).is_some_and(|x| x.parent.is_none()), "{}", c.key);
                }
                for u in Urgency::ALL {
                    assert!(p.limits(&c.key, u).is_some());
                }
            }
        }
    }

    #[test]
    fn a_policy_sets_limits_and_adds_categories() {
        let raw: RawEvents = toml::from_str(
            r#"
            warn_pct = 80
            office_hours = "09:00-17:00"
            limits = { normal = ["2wd", "5wd", "10wd"] }
            [[categories]]
            key = "dispute"
            limits = { normal = ["1wd", "20wd", "30d"] }
            [[categories]]
            key = "dispute.pets"
            label = "宠物纠纷"
            parent = "dispute"
            "#,
        )
        .unwrap();
        let p = raw.check().unwrap();
        assert_eq!(p.warn_pct, 80);
        assert_eq!(p.limits("other", Urgency::Normal).unwrap().total.label(), "10个工作日");
        assert_eq!(p.limits("dispute.pets", Urgency::Normal).unwrap().total.label(), "30自然日");
        assert_eq!(p.path_label("dispute.pets").unwrap(), "矛盾纠纷 / 宠物纠纷");
    }

    #[test]
    fn a_bad_section_is_refused_in_words() {
        let bad = |t: &str| toml::from_str::<RawEvents>(t).unwrap().check().unwrap_err();
        assert!(bad(r#"catalogue = "x""#).contains("community 或 gbt30428"));
        assert!(bad("warn_pct = 0").contains("warn_pct"));
        assert!(bad(r#"office_hours = "18:00-09:00""#).contains("08:30-17:30"));
        assert!(bad(r#"limits = { normal = ["1wd", "5x", "7d"] }"#).contains("处置时限“5x”无效"));
        assert!(bad("[[categories]]\nkey = \"new\"").contains("须写 label"));
        assert!(
            bad("[[categories]]\nkey = \"n\"\nlabel = \"新\"\nparent = \"dispute.family\"").contains("不是一级分类")
        );
    }

    proptest! {
        /// The whole never runs out before acceptance is due when the shipped limits are used, and an
        /// extension moves the handling and the whole by exactly its days.
        #[test]
        fn extensions_move_the_deadlines_by_their_days(minutes in 0i64..(6 * 365 * 24 * 60), days in 0u32..30) {
            let cal = Calendar::official();
            let p = EventPolicy::default();
            let reported = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
                + Duration::minutes(minutes);
            for c in &p.categories {
                for u in Urgency::ALL {
                    let l = p.limits(&c.key, u).unwrap();
                    let base = deadlines(&cal, &p, l, reported, Some(reported), 0);
                    let ext = deadlines(&cal, &p, l, reported, Some(reported), days);
                    prop_assert_eq!(ext.accept, base.accept);
                    prop_assert_eq!(ext.total - base.total, Duration::days(i64::from(days)));
                    prop_assert_eq!(ext.handle.unwrap() - base.handle.unwrap(), Duration::days(i64::from(days)));
                    prop_assert!(base.total > reported);
                }
            }
        }
    }
}
