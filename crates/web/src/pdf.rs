//! PDF output through a kept library (krilla): a CJK font found once and embedded (subset) in every
//! file, pages described as plain drawing steps so that layout is pure and testable, and text
//! measured with the font's own advances so that lines wrap where they must.
use crate::error::AppError;
use axum::http::StatusCode;
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;
use skrifa::raw::{FileRef, FontRef};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A4 in points.
pub const A4: (f32, f32) = (595.28, 841.89);
/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// Where a CJK font is looked for when none is configured (`--pdf-font`, `SHEGONG_PDF_FONT`):
/// Debian/Ubuntu's `fonts-noto-cjk`, `fonts-wqy-zenhei`, `fonts-arphic-uming`, then macOS and Windows.
const SEARCHED: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:\\Windows\\Fonts\\simsun.ttc",
];

/// A loaded font: its bytes and which face of a collection to use (the Simplified Chinese one).
#[derive(Clone)]
pub struct CjkFont {
    data: Arc<Vec<u8>>,
    index: u32,
    font: Font,
}

impl CjkFont {
    /// Reads a font file and picks its Simplified Chinese face (a `.ttc` holds several); `None`
    /// when the file is not a font or has no face that covers 社区工作者.
    pub fn load(path: &Path) -> Option<Self> {
        let data = Arc::new(std::fs::read(path).ok()?);
        let index = pick_face(&data)?;
        let font = Font::new(krilla::Data::from(data.clone()), index)?;
        Some(Self { data, index, font })
    }
}

/// How wide a piece of text is set; layout asks nothing else of a font.
pub trait Measure {
    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32;

    /// Breaks `text` into lines no wider than `width` (anywhere, as Chinese is set; existing line
    /// breaks kept). Always at least one line.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut used = 0.0;
            for c in para.chars() {
                let w = self.width(c.encode_utf8(&mut [0; 4]), size);
                if used + w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                }
                line.push(c);
                used += w;
            }
            lines.push(line);
        }
        // A line does not begin with closing punctuation (避头): the character before comes with it.
        for i in 1..lines.len() {
            let starts_closed = lines[i].chars().next().is_some_and(|c| "）)」』】〕》，。、；：！？…%％".contains(c));
            if starts_closed && lines[i - 1].chars().count() > 1 {
                let moved = lines[i - 1].pop().expect("more than one character");
                lines[i].insert(0, moved);
            }
        }
        lines
    }

    /// Like [`Measure::wrap`], but the lines share the characters evenly (for a label: 参加社区 /
    /// 工作时间, not 参加社区工 / 作时间), when they still fit.
    fn balanced(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let wrapped = self.wrap(text, size, width);
        let n = wrapped.len();
        if n < 2 || text.contains('\n') {
            return wrapped;
        }
        let chars: Vec<char> = text.chars().collect();
        let per = chars.len().div_ceil(n);
        let even: Vec<String> = chars.chunks(per).map(|c| c.iter().collect()).collect();
        if even.len() == n && even.iter().all(|l| self.width(l, size) <= width) { even } else { wrapped }
    }
}

impl Measure for CjkFont {
    /// From the font's advances (a missing glyph counts one em).
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(face) = FontRef::from_index(&self.data, self.index) else {
            return text.chars().count() as f32 * size;
        };
        let charmap = face.charmap();
        let metrics = face.glyph_metrics(skrifa::instance::Size::new(size), skrifa::instance::LocationRef::default());
        text.chars().map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size)).sum()
    }
}

/// The face of a collection whose family name says Simplified Chinese (SC, 简体, GB), else the
/// first face that maps the characters of 社区工作者.
fn pick_face(data: &[u8]) -> Option<u32> {
    let faces: Vec<(u32, FontRef<'_>)> = match FileRef::new(data).ok()? {
        FileRef::Font(f) => vec![(0, f)],
        FileRef::Collection(c) => (0..c.len()).filter_map(|i| Some((i, c.get(i).ok()?))).collect(),
    };
    let covers = |f: &FontRef<'_>| "社区工作者登记表".chars().all(|c| f.charmap().map(c).is_some());
    let simplified = |f: &FontRef<'_>| {
        f.localized_strings(skrifa::string::StringId::FAMILY_NAME).any(|s| {
            let name = s.chars().collect::<String>();
            name.ends_with(" SC") || name.contains("简") || name.contains("GB") || name.contains("Zen Hei")
        })
    };
    faces
        .iter()
        .find(|(_, f)| covers(f) && simplified(f))
        .or_else(|| faces.iter().find(|(_, f)| covers(f)))
        .map(|(i, _)| *i)
}

static FONT: OnceLock<Result<CjkFont, String>> = OnceLock::new();

/// PDFs made at once: each decodes a photo (up to [`shegong_domain::files::MAX_PHOTO_PIXELS`]) and
/// subsets a font, so many at once would take memory and both cores; the rest wait their turn.
pub static RENDERING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The font PDFs are set in: the configured file, else the first of [`SEARCHED`] that loads. Read
/// once per process. When there is none, a 503 that says how to install one.
pub fn font(configured: Option<&Path>) -> Result<CjkFont, AppError> {
    let found = FONT.get_or_init(|| {
        let candidates: Vec<PathBuf> = match configured {
            Some(p) => vec![p.to_path_buf()],
            None => SEARCHED.iter().map(PathBuf::from).collect(),
        };
        candidates
            .iter()
            .find_map(|p| CjkFont::load(p))
            .ok_or_else(|| match configured {
                Some(p) => format!("PDF 字体文件 {} 无法读取或不含简体中文字形，请检查 --pdf-font（SHEGONG_PDF_FONT）", p.display()),
                None => "服务器未安装中文字体，无法生成PDF：请安装 fonts-noto-cjk，或以 --pdf-font（SHEGONG_PDF_FONT）指定字体文件；也可在登记表页面用浏览器打印为PDF".to_string(),
            })
    });
    found.clone().map_err(|message| AppError::Rejected {
        status: StatusCode::SERVICE_UNAVAILABLE,
        code: "pdf_font_missing",
        field: None,
        message,
    })
}

/// One drawing step on a page. Coordinates in points from the top-left corner; text `y` is the baseline.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A filled light-grey box (label cells).
    Shade {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// The image given to [`render`], scaled into the box.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// Decodes a JPEG or PNG for placing; `None` when the bytes do not decode (the box stays empty
/// and says so, rather than the whole file failing).
pub fn decode(bytes: Vec<u8>, png: bool) -> Option<Image> {
    // The size the header states is checked before anything is decoded: a photo kept before this
    // check existed may claim more pixels than memory holds.
    let (w, h) = shegong_domain::files::image_size(&bytes)?;
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > shegong_domain::files::MAX_PHOTO_PIXELS {
        return None;
    }
    let data = krilla::Data::from(bytes);
    if png { Image::from_png(data, true) } else { Image::from_jpeg(data, true) }.ok()
}

/// Renders pages of steps into a PDF with the font embedded (subset to the characters used).
pub fn render(font: &CjkFont, pages: &[Vec<Step>], image: Option<&Image>, title: &str) -> Result<Vec<u8>, AppError> {
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_string())
            .creator("shegong 社区工作者队伍管理信息系统".to_string()),
    );
    let settings = PageSettings::new(Size::from_wh(A4.0, A4.1).expect("A4 is a size"));
    for steps in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for step in steps {
            match step {
                Step::Text { x, y, size, text } => {
                    surface.set_fill(Some(Fill::default()));
                    surface.set_stroke(None);
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font.font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Step::Line { x1, y1, x2, y2, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke { width: *width, ..Stroke::default() }));
                        surface.draw_path(&path);
                    }
                }
                Step::Shade { x, y, w, h } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        if let Some(path) = pb.finish() {
                            surface.set_stroke(None);
                            surface.set_fill(Some(Fill {
                                paint: krilla::color::rgb::Color::new(240, 240, 240).into(),
                                ..Fill::default()
                            }));
                            surface.draw_path(&path);
                        }
                    }
                }
                Step::Image { x, y, w, h } => {
                    // Scaled to fit the box whole, its proportions kept, centred.
                    let (iw, ih) = image.map_or((1, 1), |i| i.size());
                    let scale = (w / iw.max(1) as f32).min(h / ih.max(1) as f32);
                    let (fw, fh) = (iw as f32 * scale, ih as f32 * scale);
                    if let (Some(img), Some(size)) = (image, Size::from_wh(fw, fh)) {
                        let at = krilla::geom::Transform::from_translate(x + (w - fw) / 2.0, y + (h - fh) / 2.0);
                        surface.push_transform(&at);
                        surface.draw_image(img.clone(), size);
                        surface.pop();
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| AppError::Internal(anyhow::anyhow!("PDF 生成失败：{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×2 PNG.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00,
        0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x70, 0xe9, 0x48, 0x03, 0x22, 0x06, 0x08, 0x05, 0x00, 0x20,
        0xfe, 0x04, 0xc9, 0x61, 0x6a, 0x5e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
        0x82,
    ];

    #[test]
    fn images_that_do_not_decode_are_left_out_not_fatal() {
        assert!(decode(PNG.to_vec(), true).is_some());
        assert!(decode(b"\xFF\xD8\xFF\xE0 not really a jpeg".to_vec(), false).is_none());
        assert!(decode(PNG[..40].to_vec(), true).is_none());
        assert!(decode(Vec::new(), true).is_none());
    }

    #[test]
    fn a_page_renders_with_the_font_subset_and_the_image_placed() {
        // Machines without a CJK font are covered by the HTTP test's 503 branch.
        let Ok(font) = font(None) else { return };
        let page = vec![
            Step::Text { x: 40.0, y: 60.0, size: 12.0, text: "社区工作者登记表 ABC 123".into() },
            Step::Line { x1: 40.0, y1: 70.0, x2: 300.0, y2: 70.0, width: 0.8 },
            Step::Shade { x: 40.0, y: 80.0, w: 50.0, h: 20.0 },
            Step::Image { x: 400.0, y: 80.0, w: 70.0, h: 99.0 },
        ];
        let image = decode(PNG.to_vec(), true);
        let pdf = render(&font, &[page.clone(), page], image.as_ref(), "测试").unwrap();
        let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(has(b"/FontFile"));
        assert!(has(b"/Image"));
        assert!(has(b"/Count 2"), "two pages");
        assert!(pdf.len() < 200_000, "{} bytes: the font is subset", pdf.len());
        // Half-width Latin is narrower than a CJK character; text measures by the font.
        assert!(font.width("a", 10.0) < font.width("社", 10.0));
        assert!((font.width("社区", 10.0) - 20.0).abs() < 0.5);
    }
}
