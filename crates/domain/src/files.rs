//! Scans kept in an archive (a photo, certificates, diplomas, agreements): what a file really is, by
//! its first bytes, whatever its name says; and how large each kind may be.

/// The kinds of scan an archive keeps, with their names.
pub const KINDS: [(&str, &str); 5] = [
    ("photo", "照片"),
    ("certificate", "证书扫描件"),
    ("diploma", "学历证书扫描件"),
    ("agreement", "服务协议扫描件"),
    ("other", "其他材料"),
];

/// A photo: JPEG or PNG, at most 2 MB.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// Any other scan: PDF, JPEG or PNG, at most 10 MB.
pub const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;
/// Scans kept per archive.
pub const MAX_PER_WORKER: u64 = 50;
/// A photo's pixels at most (4000×4000): it is decoded to be printed on the 登记表, and its size
/// on disk says nothing of the memory that takes (a 69-byte PNG can claim a million pixels square).
pub const MAX_PHOTO_PIXELS: u64 = 16_000_000;
/// Any other image scan's pixels at most (a page scanned at 600 dpi is about 35 million).
pub const MAX_SCAN_PIXELS: u64 = 60_000_000;
/// Either side of an image at most.
pub const MAX_SIDE: u32 = 12_000;

/// Width and height of a PNG or JPEG as its header states them, or `None` when the header cannot
/// be read (not an image, cut short, or no frame).
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    match sniff(bytes)? {
        "image/png" => {
            // The IHDR chunk comes first: length, "IHDR", width, height.
            if bytes.get(12..16)? != b"IHDR" {
                return None;
            }
            let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
            Some((w, h))
        }
        "image/jpeg" => {
            let mut i = 2;
            loop {
                // Markers may be padded with 0xFF.
                while *bytes.get(i)? == 0xFF && *bytes.get(i + 1)? == 0xFF {
                    i += 1;
                }
                if *bytes.get(i)? != 0xFF {
                    return None;
                }
                let marker = *bytes.get(i + 1)?;
                if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
                    i += 2;
                    continue;
                }
                let len = usize::from(u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?]));
                if len < 2 {
                    return None;
                }
                // Start of frame (not DHT, JPG or DAC, which share the range).
                if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                    let h = u16::from_be_bytes([*bytes.get(i + 5)?, *bytes.get(i + 6)?]);
                    let w = u16::from_be_bytes([*bytes.get(i + 7)?, *bytes.get(i + 8)?]);
                    return Some((u32::from(w), u32::from(h)));
                }
                if marker == 0xDA || marker == 0xD9 {
                    return None;
                }
                i += 2 + len;
            }
        }
        _ => None,
    }
}

/// Why an image's stated size cannot be kept as `kind`, or `None` when it can (and for a PDF).
pub fn pixel_refusal(kind: &str, bytes: &[u8]) -> Option<String> {
    if sniff(bytes) == Some("application/pdf") {
        return None;
    }
    let Some((w, h)) = image_size(bytes) else {
        return Some("图片已损坏或不完整，无法读取其尺寸".into());
    };
    let cap = if kind == "photo" { MAX_PHOTO_PIXELS } else { MAX_SCAN_PIXELS };
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > cap {
        return Some(format!(
            "图片尺寸过大（{w}×{h}像素）：{}不能超过{}万像素，请缩小后再上传",
            kind_label(kind),
            cap / 10_000
        ));
    }
    None
}

pub fn kind_label(kind: &str) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or("材料", |(_, l)| l)
}

/// The content type a file's first bytes show: PDF, JPEG or PNG; anything else is `None`.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Why a file cannot be kept as `kind`, in Chinese, or `None` when it can.
pub fn refusal(kind: &str, bytes: &[u8]) -> Option<String> {
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        return Some("请选择材料类别".into());
    }
    if bytes.is_empty() {
        return Some("请选择要上传的文件".into());
    }
    let photo = kind == "photo";
    let cap = if photo { MAX_PHOTO_BYTES } else { MAX_SCAN_BYTES };
    if bytes.len() > cap {
        return Some(format!("文件过大：{}不能超过{}MB", kind_label(kind), cap / 1024 / 1024));
    }
    match sniff(bytes) {
        None => Some("只能上传 PDF、JPEG 或 PNG 文件（按文件内容判断，不按扩展名）".into()),
        Some("application/pdf") if photo => Some("照片应为 JPEG 或 PNG 图片".into()),
        Some(_) => pixel_refusal(kind, bytes),
    }
}

/// A file name safe to keep and to send back: no path, no control characters, at most 100 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        // Control characters, and the marks that turn text around (U+202E before `gpj.pdf` shows `fdp.jpg`).
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .take(100)
        .collect();
    if cleaned.trim().is_empty() { "材料".into() } else { cleaned.trim().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_the_marks_that_turn_text_around() {
        assert_eq!(clean_name("\u{202e}gpj.pdf"), "gpj.pdf");
        assert_eq!(clean_name("毕业证\u{2066}.pdf"), "毕业证.pdf");
    }

    #[test]
    fn files_are_what_their_bytes_say() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"PNG"), None);
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some("image/png"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
    }

    #[test]
    fn refusals_say_why() {
        assert!(refusal("photo", b"%PDF-1.4").unwrap().contains("JPEG"));
        assert!(refusal("other", b"GIF89a").unwrap().contains("PDF、JPEG 或 PNG"));
        assert!(refusal("bogus", b"%PDF-").is_some());
        assert!(refusal("certificate", b"").is_some());
        let big = [b"%PDF-".as_slice(), &vec![0u8; MAX_SCAN_BYTES]].concat();
        assert!(refusal("certificate", &big).unwrap().contains("10MB"));
        assert_eq!(refusal("certificate", b"%PDF-1.4"), None);
        assert_eq!(refusal("photo", &jpeg(413, 531)), None);
        assert!(refusal("photo", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().contains("损坏"));
    }

    /// A JPEG's first segments: SOI, APP0 (JFIF), SOF0 with the size.
    fn jpeg(w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        b.extend([0xFF, 0xC0, 0, 17, 8]);
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
        b
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        b.extend(b"IHDR");
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([16, 6, 0, 0, 0]);
        b
    }

    #[test]
    fn an_images_stated_size_is_read_and_capped() {
        assert_eq!(image_size(&jpeg(413, 531)), Some((413, 531)));
        assert_eq!(image_size(&png(2, 3)), Some((2, 3)));
        assert_eq!(image_size(b"%PDF-1.4"), None);
        assert_eq!(image_size(&png(2, 3)[..20]), None, "cut short");
        // A few bytes claiming a million pixels square: refused before anything decodes it.
        assert!(refusal("photo", &png(1_000_000, 1_000_000)).unwrap().contains("尺寸过大"));
        assert!(refusal("photo", &png(20_000, 20_000)).is_some());
        assert!(refusal("photo", &png(5000, 4000)).is_some(), "20 million pixels is too many for a photo");
        assert_eq!(refusal("certificate", &png(5000, 7000)), None, "a page scanned at 600 dpi is a scan");
        assert!(refusal("certificate", &png(0, 100)).is_some());
        assert_eq!(refusal("photo", &png(3000, 4000)), None);
    }

    proptest::proptest! {
        /// Whatever the bytes, reading the size never panics and never reads past the end.
        #[test]
        fn any_bytes_are_read_safely(tail in proptest::collection::vec(proptest::num::u8::ANY, 0..64), png_head in proptest::bool::ANY) {
            let head: &[u8] = if png_head { &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A] } else { &[0xFF, 0xD8, 0xFF] };
            let bytes = [head, &tail].concat();
            let _ = image_size(&bytes);
            let _ = refusal("photo", &bytes);
        }
    }

    #[test]
    fn names_lose_their_paths_and_tricks() {
        assert_eq!(clean_name("C:\\Users\\a\\毕业证.pdf"), "毕业证.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}\r\n\"b.pdf"), "ab.pdf");
        assert_eq!(clean_name("   "), "材料");
    }
}
