//! The 登记表's layout: inside the page, wrapped, continued.
use super::*;

/// Widths as Noto Sans CJK sets them, near enough: a CJK character one em, others half.
struct Stub;
impl Measure for Stub {
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| if c.is_ascii() { 0.55 } else { 1.0 }).sum::<f32>() * size
    }
}

fn form(entries: usize) -> FormText {
    let long =
        "浙江省嘉兴市海宁市海洲街道东山社区居民委员会 综合服务岗 社区党组织书记兼居委会主任（任期届满）".to_string();
    FormText {
        community: "东山社区".into(),
        printed: "2026年11月29日".into(),
        name: "张佳明".into(),
        gender: "男".into(),
        birth: "1988.05".into(),
        id_number: "330481198805120011".into(),
        certificate: "社会工作师（中级）".into(),
        address: "海宁市海洲街道东山社区文苑路88号3幢2单元501室".into(),
        sections: vec![
            ("简历", (0..entries).map(|i| (format!("20{i:02}-01-01 — 至今"), long.clone())).collect()),
            ("学历", vec![]),
            ("证书", vec![]),
            ("年度考核", vec![(String::new(), "2024年 优秀；2025年 合格".into())]),
            ("奖惩", vec![]),
        ],
        ..FormText::default()
    }
}

/// Every step of every page lies inside the page's margins; text never runs past the right edge.
fn inside(pages: &[Vec<Step>]) {
    for steps in pages {
        for s in steps {
            match s {
                Step::Text { x, y, size, text } => {
                    // Page numbers stand in the bottom margin.
                    let bottom = if text.starts_with('第') && text.contains('页') { A4.1 - 15.0 } else { BOTTOM };
                    assert!(*x >= LEFT - 0.01 && *y <= bottom + 0.01 && *y >= TOP, "{text} at {x},{y}");
                    assert!(x + Stub.width(text, *size) <= LEFT + WIDTH + 0.01, "{text} runs past the edge");
                }
                Step::Line { y1, y2, x2, .. } => {
                    assert!(*y1 >= TOP && *y2 <= BOTTOM + 0.01 && *x2 <= LEFT + WIDTH + 0.01)
                }
                Step::Shade { y, h, .. } | Step::Image { y, h, .. } => assert!(*y >= TOP && y + h <= BOTTOM + 0.01),
            }
        }
    }
}

fn texts(pages: &[Vec<Step>]) -> Vec<String> {
    pages
        .iter()
        .flatten()
        .filter_map(|s| match s {
            Step::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_usual_record_is_one_a4_page_with_every_box() {
    let pages = layout(&Stub, &form(4), false);
    assert_eq!(pages.len(), 1);
    inside(&pages);
    let t = texts(&pages);
    for want in
        ["社区工作者登记表", "张佳明", "330481198805120011", "本人签字：　　　　　　年　　月　　日", "照片", "无"]
    {
        assert!(t.iter().any(|s| s == want), "{want} missing");
    }
    // The section names stand one character per line.
    for c in ["简", "历", "奖", "惩"] {
        assert!(t.iter().any(|s| s == c), "{c}");
    }
}

#[test]
fn long_text_wraps_inside_its_box_and_nothing_is_lost() {
    let f = form(3);
    let pages = layout(&Stub, &f, true);
    inside(&pages);
    let all: String = texts(&pages).concat();
    assert!(
        all.contains("海宁市海洲街道东山社区文苑路88号3幢2单元501室") || {
            // wrapped: every character is there, in order
            let addr: String = f.address.chars().collect();
            let joined: String = texts(&pages).into_iter().filter(|s| addr.contains(s.as_str())).collect();
            joined.contains(&addr)
        }
    );
    assert!(pages[0].iter().any(|s| matches!(s, Step::Image { .. })));
}

#[test]
fn a_long_record_continues_on_the_next_page_marked_continued() {
    let pages = layout(&Stub, &form(60), false);
    assert!(pages.len() >= 2, "{} pages", pages.len());
    inside(&pages);
    let t = texts(&pages);
    assert!(t.iter().filter(|s| s.as_str() == "2059-01-01 — 至今").count() == 1);
    assert!(texts(&pages[1..]).iter().any(|s| s == "续"));
}

#[test]
fn wrapping_keeps_every_character_and_respects_width() {
    let s = "一二三四五六七八九十abcdefghij";
    let lines = Stub.wrap(s, 10.0, 45.0);
    assert_eq!(lines.concat(), s);
    assert!(lines.iter().all(|l| Stub.width(l, 10.0) <= 45.0));
    assert_eq!(Stub.wrap("", 10.0, 45.0), vec![String::new()]);
}

#[test]
fn a_record_too_long_for_the_roomy_form_shrinks_onto_one_page() {
    let mut f = form(5);
    f.sections[4].1 =
        (0..7).map(|i| (format!("2020-0{}-01", i + 1), "奖励 优秀社区工作者（海宁市民政局）".into())).collect();
    assert_eq!(lay(&Stub, &f, false, false).len(), 2, "too long for the roomy form");
    let pages = layout(&Stub, &f, false);
    assert_eq!(pages.len(), 1, "shrunk to one page");
    inside(&pages);
    assert!(!texts(&pages).iter().any(|t| t.contains("共")), "one page needs no page numbers");
}

#[test]
fn continued_pages_say_whose_they_are_and_every_page_is_numbered() {
    let pages = layout(&Stub, &form(60), false);
    let n = pages.len();
    assert!(n >= 2);
    for (i, p) in pages.iter().enumerate() {
        let t = texts(std::slice::from_ref(p));
        assert!(t.contains(&format!("第{}页　共{n}页", i + 1)), "page {} unnumbered", i + 1);
        if i > 0 {
            assert!(
                t.iter().any(|s| s.contains("姓名：张佳明") && s.contains("330481198805120011")),
                "page {} says not whose",
                i + 1
            );
        }
    }
}

#[test]
fn lines_do_not_begin_with_closing_punctuation_and_labels_break_evenly() {
    // 13 characters a line at 10 pt in 130 pt: the 14th, a closing bracket, would start a line.
    let lines = Stub.wrap("一二三四五六七八九十一二三）四五", 10.0, 130.0);
    assert!(lines.iter().skip(1).all(|l| !l.starts_with('）')), "{lines:?}");
    assert_eq!(lines.concat(), "一二三四五六七八九十一二三）四五");
    assert_eq!(Stub.balanced("参加社区工作时间", 10.0, 54.0), vec!["参加社区", "工作时间"]);
    assert_eq!(Stub.balanced("社会工作者职业资格", 10.0, 54.0), vec!["社会工作者", "职业资格"]);
}
