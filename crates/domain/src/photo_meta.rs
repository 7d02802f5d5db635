//! A photo's metadata taken out before it is kept: a phone's JPEG carries where it was taken (EXIF
//! GPS), when, with what device, and often a thumbnail of the uncropped picture; a PNG may carry the
//! same in `eXIf` and text chunks. What is kept is the picture alone: JPEG's APP1 (EXIF, XMP), APP13
//! (IPTC) and comments go, PNG's `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` go; everything the picture
//! needs to be drawn stays as it was.

/// The image without its metadata, or `None` when it is not a JPEG or PNG that reads through.
pub fn strip(bytes: &[u8]) -> Option<Vec<u8>> {
    match crate::files::sniff(bytes)? {
        "image/jpeg" => strip_jpeg(bytes),
        "image/png" => strip_png(bytes),
        _ => None,
    }
}

fn strip_jpeg(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b.get(..2)?);
    let mut i = 2;
    loop {
        // Fill bytes before a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if *b.get(i)? != 0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        if marker == 0xD9 {
            out.extend_from_slice(&b[i..i + 2]);
            return Some(out);
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        let end = i.checked_add(2 + len)?;
        let segment = b.get(i..end)?;
        if marker == 0xDA {
            // Start of scan: the compressed picture and everything after it, as it is.
            out.extend_from_slice(&b[i..]);
            return Some(out);
        }
        if !matches!(marker, 0xE1 | 0xED | 0xFE) {
            out.extend_from_slice(segment);
        }
        i = end;
    }
}

fn strip_png(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b.get(..8)?);
    let mut i = 8;
    while i < b.len() {
        let len = usize::try_from(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?)).ok()?;
        let end = i.checked_add(12)?.checked_add(len)?;
        let chunk = b.get(i..end)?;
        let kind = &chunk[4..8];
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(chunk);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A small JPEG: SOI, an EXIF segment naming a place, JFIF, a frame of 4×3, a scan, EOI.
    pub(crate) fn jpeg_with_exif() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        let exif = b"Exif\0\0GPS 30.5101N 120.6803E";
        v.extend_from_slice(&[0xFF, 0xE1]);
        v.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(exif);
        v.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        v.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x07, b'i', b'P', b'h', b'o', b'n']);
        v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 8, 0x00, 0x03, 0x00, 0x04, 1, 1, 0x11, 0]);
        v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0x56]);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        v.extend_from_slice(&[0, 0, 0, 0]);
        v
    }

    fn png_with_text() -> Vec<u8> {
        let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        v.extend(chunk(b"IHDR", &[0, 0, 0, 4, 0, 0, 0, 3, 8, 2, 0, 0, 0]));
        v.extend(chunk(b"tEXt", b"Location\x0030.51,120.68"));
        v.extend(chunk(b"eXIf", b"MM\0*GPS"));
        v.extend(chunk(b"IDAT", &[1, 2, 3]));
        v.extend(chunk(b"IEND", &[]));
        v
    }

    fn contains(h: &[u8], n: &[u8]) -> bool {
        h.windows(n.len()).any(|w| w == n)
    }

    #[test]
    fn a_jpeg_loses_where_it_was_taken_and_keeps_its_picture() {
        let j = jpeg_with_exif();
        let s = strip(&j).unwrap();
        assert!(!contains(&s, b"GPS") && !contains(&s, b"Exif") && !contains(&s, b"iPhon"));
        assert!(contains(&s, b"JFIF"));
        assert_eq!(crate::files::image_size(&s), Some((4, 3)));
        assert!(s.ends_with(&[0x12, 0x34, 0x56, 0xFF, 0xD9]));
        assert_eq!(strip(&s).unwrap(), s, "stripping twice changes nothing more");
    }

    #[test]
    fn a_png_loses_its_text_and_exif_chunks() {
        let p = png_with_text();
        let s = strip(&p).unwrap();
        assert!(!contains(&s, b"Location") && !contains(&s, b"eXIf") && !contains(&s, b"GPS"));
        assert_eq!(crate::files::image_size(&s), Some((4, 3)));
        assert!(contains(&s, b"IDAT") && contains(&s, b"IEND"));
        assert_eq!(strip(&s).unwrap(), s);
    }

    #[test]
    fn what_does_not_read_through_is_refused() {
        let j = jpeg_with_exif();
        assert!(strip(&j[..20]).is_none());
        assert!(strip(&png_with_text()[..30]).is_none());
        assert!(strip(b"%PDF-1.4").is_none());
        assert!(strip(b"").is_none());
    }

    proptest! {
        /// Whatever bytes come after a JPEG's or a PNG's signature, stripping never panics, and what
        /// it returns is no longer than what it was given and strips to itself.
        #[test]
        fn any_bytes_are_safe(tail in prop::collection::vec(any::<u8>(), 0..400), png in any::<bool>()) {
            let mut b = if png { vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A] } else { vec![0xFF, 0xD8, 0xFF] };
            b.extend(tail);
            if let Some(s) = strip(&b) {
                prop_assert!(s.len() <= b.len());
                prop_assert_eq!(strip(&s), Some(s.clone()));
            }
        }

        /// A real picture with anything in its metadata keeps its size and loses the metadata.
        #[test]
        fn metadata_of_any_content_goes(meta in prop::collection::vec(any::<u8>(), 0..300)) {
            let mut j = jpeg_with_exif();
            let mut seg = vec![0xFF, 0xE1];
            seg.extend_from_slice(&((meta.len() + 2) as u16).to_be_bytes());
            seg.extend_from_slice(&meta);
            j.splice(2..2, seg);
            let s = strip(&j).unwrap();
            prop_assert_eq!(s, strip(&jpeg_with_exif()).unwrap());
        }
    }
}
