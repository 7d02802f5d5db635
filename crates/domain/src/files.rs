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
        Some(_) => None,
    }
}

/// A file name safe to keep and to send back: no path, no control characters, at most 100 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .take(100)
        .collect();
    if cleaned.trim().is_empty() {
        "材料".into()
    } else {
        cleaned.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_what_their_bytes_say() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"PNG"), None);
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some("image/png")
        );
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
        assert_eq!(refusal("photo", &[0xFF, 0xD8, 0xFF, 0xE0]), None);
    }

    #[test]
    fn names_lose_their_paths_and_tricks() {
        assert_eq!(clean_name("C:\\Users\\a\\毕业证.pdf"), "毕业证.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}\r\n\"b.pdf"), "ab.pdf");
        assert_eq!(clean_name("   "), "材料");
    }
}
