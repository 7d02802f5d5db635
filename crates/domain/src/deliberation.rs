//! Residents' deliberation (居民议事): places (议事厅, 说事小院, 楼道议事点) with their 说事长, topics
//! raised, meetings held with what they decided, and follow-up items tracked to done by a person
//! and a deadline. Counted per region as 六盘水 counts them: "组织开展群众议事活动N次、协调解决问题M项".

use crate::FieldError;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// 议事厅
    Hall,
    /// 说事小院
    Yard,
    /// 楼道议事点
    Corridor,
}

impl PlaceKind {
    pub const ALL: [PlaceKind; 3] = [Self::Hall, Self::Yard, Self::Corridor];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hall => "hall",
            Self::Yard => "yard",
            Self::Corridor => "corridor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Hall => "议事厅",
            Self::Yard => "说事小院",
            Self::Corridor => "楼道议事点",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim() || k.label() == s.trim())
    }
}

/// The most topics one meeting discusses, and follow-up items it sets.
pub const MAX_TOPICS: usize = 20;
pub const MAX_ITEMS: usize = 20;

/// Topics typed one per line: trimmed, blank lines dropped, each at most 100 characters.
pub fn topic_lines(text: &str) -> Result<Vec<String>, FieldError> {
    let lines: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    if lines.len() > MAX_TOPICS {
        return Err(FieldError::new("meeting_topics", "new_topics", format!("一次议事最多{MAX_TOPICS}个议题")));
    }
    if let Some(l) = lines.iter().find(|l| l.chars().count() > 100 || l.chars().any(char::is_control)) {
        let shown: String = l.chars().take(20).collect();
        return Err(FieldError::new("meeting_topics", "new_topics", format!("议题“{shown}…”超过100字或含无效字符")));
    }
    Ok(lines)
}

/// A meeting's date: not after today, not more than a year back.
pub fn meeting_day(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if d > today {
        return Err(FieldError::new("meeting_date", "held_on", "议事日期不能晚于今天"));
    }
    if (today - d).num_days() > 366 {
        return Err(FieldError::new("meeting_date", "held_on", "只能登记一年内的议事活动"));
    }
    Ok(d)
}

/// A region's deliberation counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeliberationFigures {
    pub places: u64,
    pub meetings: u64,
    /// Topics raised (discussed or waiting).
    pub topics: u64,
    /// Follow-up items done: the problems solved (协调解决问题).
    pub solved: u64,
    /// Follow-up items not done yet, and of them past their deadline.
    pub open_items: u64,
    pub overdue_items: u64,
    /// People who took part, summed over the meetings.
    pub attendees: u64,
}

impl DeliberationFigures {
    /// 六盘水's sentence.
    pub fn sentence(&self) -> String {
        format!("组织开展群众议事活动{}次、协调解决问题{}项", self.meetings, self.solved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_one_per_line() {
        assert_eq!(topic_lines("  加装电梯\n\n停车位划线 \n").unwrap(), vec!["加装电梯", "停车位划线"]);
        assert_eq!(topic_lines(&"议题\n".repeat(21)).unwrap_err().field, "new_topics");
        assert!(topic_lines(&"长".repeat(101)).is_err());
    }

    #[test]
    fn a_meeting_is_dated_in_the_last_year() {
        let today: NaiveDate = "2026-11-30".parse().unwrap();
        assert!(meeting_day(today, today).is_ok());
        assert_eq!(meeting_day("2026-12-01".parse().unwrap(), today).unwrap_err().field, "held_on");
        assert!(meeting_day("2025-01-01".parse().unwrap(), today).is_err());
    }

    #[test]
    fn the_sentence_is_liupanshui_s() {
        let f = DeliberationFigures { meetings: 1200, solved: 870, ..Default::default() };
        assert_eq!(f.sentence(), "组织开展群众议事活动1200次、协调解决问题870项");
        assert_eq!(PlaceKind::parse("说事小院"), Some(PlaceKind::Yard));
    }
}
