//! Recruitment figures as a page section (and so as a sheet of the page's Excel).

use crate::sections::{Section, headers, n, row, t};
use shegong_domain::hiring::RecruitmentFigures;

/// The figures, step by step, with the hired by education and certificate.
pub(crate) fn section(id: &str, title: &str, f: &RecruitmentFigures) -> Section {
    let mut s = Section {
        id: id.into(),
        title: title.into(),
        text: f.sentence.clone(),
        headers: headers(&["项目", "#人数", "说明"]),
        ..Default::default()
    };
    let pct = |part: u64, whole: u64| {
        if whole == 0 { String::new() } else { format!("占{:.1}%", part as f64 * 100.0 / whole as f64) }
    };
    let mut lines = vec![
        ("招聘人数", f.places, format!("{}个岗位", f.posts)),
        ("报名", f.applicants, format!("每个名额{:.1}人", f.applicants_per_place)),
        ("待资格审查", f.pending, String::new()),
        ("资格审查通过", f.qualified, format!("通过率{:.1}%", f.review_pass_pct)),
        ("资格审查未通过", f.refused, String::new()),
        ("参加笔试", f.sat, pct(f.sat, f.ticketed)),
        ("进入面试", f.invited, pct(f.invited, f.sat)),
        ("参加面试", f.interviewed, String::new()),
        ("聘用", f.hired, pct(f.hired, f.places)),
    ];
    if f.rounds > 1 {
        lines.insert(0, ("招聘次数", f.rounds, String::new()));
    }
    for (k, v, note) in lines {
        s.rows.push(row(vec![t(k), n(v), t(note)]));
    }
    for (k, v) in &f.hired_by_education {
        s.rows.push(row(vec![t(format!("聘用 · {k}")), n(v), t(pct(*v, f.hired))]));
    }
    for (k, v) in &f.hired_by_certificate {
        s.rows.push(row(vec![t(format!("聘用 · {k}")), n(v), t(pct(*v, f.hired))]));
    }
    s
}
