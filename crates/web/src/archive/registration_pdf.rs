//! The 登记表 laid out for A4 as drawing steps: the same boxes as the printed page (identity grid with
//! the photo, the 简历/学历/证书/年度考核/奖惩 sections, four signature boxes). Pure: a font's widths
//! in, pages out; a record longer than a page continues on the next with the section marked （续）.
use crate::pdf::{A4, Measure, Step, mm};

const LEFT: f32 = 40.0;
const TOP: f32 = 40.0;
const BOTTOM: f32 = A4.1 - 40.0;
const WIDTH: f32 = A4.0 - 2.0 * LEFT;
const SIZE: f32 = 10.0;
const LINE: f32 = 14.0;
const PAD: f32 = 5.0;
const PHOTO_W: f32 = 85.0;
const LABEL_W: f32 = 64.0;

/// A cell of the identity grid: its text, width, and whether it is a label (shaded, centred).
struct Cell {
    text: String,
    width: f32,
    label: bool,
}

fn label(t: &str) -> Cell {
    Cell { text: t.into(), width: LABEL_W, label: true }
}

fn value(t: &str, width: f32) -> Cell {
    Cell { text: t.into(), width, label: false }
}

/// Pages being filled: the steps so far and where the next box starts.
struct Sheet<'a, M: Measure> {
    font: &'a M,
    pages: Vec<Vec<Step>>,
    y: f32,
    /// Sections take only the room their lines need (when the form would not fit on one page).
    compact: bool,
}

/// Room above a continued page's content for its header line.
const HEADER: f32 = 20.0;

impl<M: Measure> Sheet<'_, M> {
    fn steps(&mut self) -> &mut Vec<Step> {
        self.pages.last_mut().expect("a sheet has a page")
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        if !text.is_empty() {
            self.steps().push(Step::Text { x, y, size, text: text.into() });
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.steps().push(Step::Line { x1, y1, x2, y2, width: 0.8 });
    }

    fn frame(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.line(x, y, x + w, y);
        self.line(x, y + h, x + w, y + h);
        self.line(x, y, x, y + h);
        self.line(x + w, y, x + w, y + h);
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP + HEADER;
    }

    /// Starts a new page when `h` more points do not fit on this one.
    fn room(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.new_page();
        }
    }

    /// One row of the identity grid starting at `x`; returns its height.
    fn grid_row(&mut self, x: f32, cells: &[Cell]) -> f32 {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .map(|c| {
                let w = c.width - 2.0 * PAD;
                if c.label { self.font.balanced(&c.text, SIZE, w) } else { self.font.wrap(&c.text, SIZE, w) }
            })
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32;
        let h = (lines * LINE + 2.0 * PAD).max(26.0);
        let y = self.y;
        let mut cx = x;
        for (c, ls) in cells.iter().zip(&wrapped) {
            if c.label {
                self.steps().push(Step::Shade { x: cx, y, w: c.width, h });
            }
            let first = y + (h - ls.len() as f32 * LINE) / 2.0 + LINE - 3.5;
            for (i, l) in ls.iter().enumerate() {
                let tx = if c.label { cx + (c.width - self.font.width(l, SIZE)) / 2.0 } else { cx + PAD };
                self.text(tx, first + i as f32 * LINE, SIZE, l);
            }
            self.frame(cx, y, c.width, h);
            cx += c.width;
        }
        h
    }

    /// A section: its name down a narrow left column, entries (a date column and a text) on the
    /// right; split across pages between lines when it does not fit.
    fn section(&mut self, name: &str, entries: &[(String, String)]) {
        const NAME_W: f32 = 28.0;
        const DATE_W: f32 = 120.0;
        // A section without dates (年度考核, or one left empty) sets its text from the date column.
        let dated = entries.iter().any(|(d, _)| !d.is_empty());
        let text_x = LEFT + NAME_W + PAD + if dated { DATE_W } else { 0.0 };
        let text_w = LEFT + WIDTH - PAD - text_x;
        // Room to write by hand on the printed form, as on the paper one.
        let least = match name {
            _ if self.compact => 0.0,
            "简历" => 140.0,
            "学历" => 64.0,
            "年度考核" => 44.0,
            _ => 56.0,
        };
        let mut rows: Vec<(String, String)> = Vec::new();
        for (date, text) in entries {
            for (i, l) in self.font.wrap(text, SIZE, text_w).into_iter().enumerate() {
                rows.push((if i == 0 { date.clone() } else { String::new() }, l));
            }
        }
        if rows.is_empty() {
            rows.push((String::new(), "无".into()));
        }
        let name_h = name.chars().count() as f32 * (SIZE + 4.0) + 2.0 * PAD;
        self.room(name_h.max(least));
        let mut continued = false;
        let mut rest = &rows[..];
        while !rest.is_empty() {
            let fit = ((BOTTOM - self.y - 2.0 * PAD) / LINE).floor().max(0.0) as usize;
            // Start the section on a new page rather than leave a sliver of it at the bottom.
            if fit < rest.len().min(3) {
                self.new_page();
                continue;
            }
            let take = fit.min(rest.len());
            let h = (take as f32 * LINE + 2.0 * PAD).max(if continued { 0.0 } else { name_h.max(least) });
            let y = self.y;
            self.steps().push(Step::Shade { x: LEFT, y, w: NAME_W, h });
            let shown = if continued { format!("{name}续") } else { name.to_string() };
            let chars: Vec<char> = shown.chars().collect();
            let top = y + (h - chars.len() as f32 * (SIZE + 4.0)) / 2.0 + SIZE;
            for (i, c) in chars.iter().enumerate() {
                let s = c.to_string();
                let x = LEFT + (NAME_W - self.font.width(&s, SIZE)) / 2.0;
                self.text(x, top + i as f32 * (SIZE + 4.0), SIZE, &s);
            }
            for (i, (date, text)) in rest[..take].iter().enumerate() {
                let by = y + PAD + (i as f32 + 1.0) * LINE - 3.5;
                self.text(LEFT + NAME_W + PAD, by, SIZE, date);
                self.text(text_x, by, SIZE, text);
            }
            self.frame(LEFT, y, WIDTH, h);
            self.line(LEFT + NAME_W, y, LEFT + NAME_W, y + h);
            self.y += h;
            rest = &rest[take..];
            continued = true;
        }
    }
}

/// The form's words, as they are printed.
#[derive(Default)]
pub(crate) struct FormText {
    pub community: String,
    pub printed: String,
    pub name: String,
    pub gender: String,
    pub birth: String,
    pub ethnicity: String,
    pub political: String,
    pub education: String,
    pub id_number: String,
    pub phone: String,
    pub post_category: String,
    pub title: String,
    pub certificate: String,
    pub started: String,
    pub full_time: bool,
    pub address: String,
    /// 简历, 学历, 证书, 年度考核, 奖惩: each a list of (date, text).
    pub sections: Vec<(&'static str, Vec<(String, String)>)>,
}

/// Lays the form out; `photo` says whether the photo box holds the archive's photo. One A4 page
/// with room to write in each section; when the record is too long for that, the sections shrink to
/// their lines; when it is longer still, it goes on, each further page headed with the person's
/// name, and every page numbered.
pub(crate) fn layout<M: Measure>(font: &M, f: &FormText, photo: bool) -> Vec<Vec<Step>> {
    let roomy = lay(font, f, photo, false);
    let mut pages = if roomy.len() == 1 { roomy } else { lay(font, f, photo, true) };
    let n = pages.len();
    if n > 1 {
        for (i, page) in pages.iter_mut().enumerate() {
            let number = format!("第{}页　共{n}页", i + 1);
            page.push(Step::Text {
                x: LEFT + WIDTH - font.width(&number, 9.0),
                y: BOTTOM + 18.0,
                size: 9.0,
                text: number,
            });
            if i > 0 {
                page.push(Step::Text {
                    x: LEFT,
                    y: TOP + 10.0,
                    size: 9.0,
                    text: format!("社区工作者登记表（续）　姓名：{}　身份证号码：{}", f.name, f.id_number),
                });
            }
        }
    }
    pages
}

fn lay<M: Measure>(font: &M, f: &FormText, photo: bool, compact: bool) -> Vec<Vec<Step>> {
    let mut s = Sheet { font, pages: vec![Vec::new()], y: TOP, compact };
    let title = "社区工作者登记表";
    s.text((A4.0 - font.width(title, 20.0)) / 2.0, TOP + 20.0, 20.0, title);
    s.text(LEFT, TOP + 44.0, SIZE, &format!("所在社区：{}", f.community));
    let date = format!("填表日期：{}", f.printed);
    s.text(LEFT + WIDTH - font.width(&date, SIZE), TOP + 44.0, SIZE, &date);
    s.y = TOP + 54.0;

    let inner = WIDTH - PHOTO_W;
    let v = (inner - 3.0 * LABEL_W) / 3.0;
    let rows = [
        vec![
            label("姓名"),
            value(&f.name, v),
            label("性别"),
            value(&f.gender, v),
            label("出生年月"),
            value(&f.birth, v),
        ],
        vec![
            label("民族"),
            value(&f.ethnicity, v),
            label("政治面貌"),
            value(&f.political, v),
            label("学历"),
            value(&f.education, v),
        ],
        vec![label("身份证号码"), value(&f.id_number, 2.0 * v + LABEL_W), label("联系电话"), value(&f.phone, v)],
        vec![
            label("岗位类别"),
            value(&f.post_category, v),
            label("现任职务"),
            value(&f.title, v),
            label("社会工作者职业资格"),
            value(&f.certificate, v),
        ],
    ];
    let photo_top = s.y;
    for row in &rows {
        let h = s.grid_row(LEFT, row);
        s.y += h;
    }
    let photo_h = s.y - photo_top;
    s.frame(LEFT + inner, photo_top, PHOTO_W, photo_h);
    if photo {
        let (w, h) = (mm(26.0), mm(35.0).min(photo_h - 8.0));
        s.steps().push(Step::Image { x: LEFT + inner + (PHOTO_W - w) / 2.0, y: photo_top + (photo_h - h) / 2.0, w, h });
    } else {
        let cx = LEFT + inner + PHOTO_W / 2.0;
        let my = photo_top + photo_h / 2.0;
        s.text(cx - font.width("照片", 9.0) / 2.0, my - 4.0, 9.0, "照片");
        s.text(cx - font.width("（一寸免冠）", 9.0) / 2.0, my + 10.0, 9.0, "（一寸免冠）");
    }
    let last = [
        label("参加社区工作时间"),
        value(&f.started, 2.0 * v - 40.0),
        label("专职"),
        value(if f.full_time { "是" } else { "否" }, 40.0),
        label("家庭住址"),
        value(&f.address, v + PHOTO_W),
    ];
    let h = s.grid_row(LEFT, &last);
    s.y += h;
    for (name, entries) in &f.sections {
        s.section(name, entries);
    }

    // Signature boxes: two rows of two.
    let box_h = if compact { 62.0 } else { 78.0 };
    s.room(2.0 * box_h);
    let boxes = [
        ("本人承诺以上信息真实准确。", "本人签字：　　　　　　年　　月　　日"),
        ("社区（居）委员会意见：", "（盖章）　　　年　　月　　日"),
        ("街道（乡镇）审核意见：", "（盖章）　　　年　　月　　日"),
        ("县（市、区）民政部门意见：", "（盖章）　　　年　　月　　日"),
    ];
    let half = WIDTH / 2.0;
    for (i, (head, foot)) in boxes.iter().enumerate() {
        let x = LEFT + (i % 2) as f32 * half;
        let y = s.y + (i / 2) as f32 * box_h;
        s.frame(x, y, half, box_h);
        s.text(x + PAD, y + PAD + SIZE, SIZE, head);
        s.text(x + half - PAD - font.width(foot, SIZE), y + box_h - PAD - 2.0, SIZE, foot);
    }
    s.y += 2.0 * box_h;
    s.pages
}

#[cfg(test)]
#[path = "registration_pdf_tests.rs"]
mod tests;
