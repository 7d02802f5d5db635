//! The public report form as sent: URL-encoded, or multipart with up to three photos.
use crate::state::AppState;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use std::collections::HashMap;

/// A body for three photos and the text around them.
pub(crate) const MAX_BODY: usize = 3 * super::photos::MAX_UPLOAD + 64 * 1024;

/// What the form sent: its fields, and the photos chosen (empty file fields left out).
#[derive(Default)]
pub(crate) struct Sent {
    pub fields: HashMap<String, String>,
    pub photos: Vec<Vec<u8>>,
}

impl Sent {
    pub(crate) fn get(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }
}

/// Reads the form; a refusal is a sentence for the page.
pub(crate) async fn read(st: &AppState, req: Request) -> Result<Sent, String> {
    let unreadable = "提交的内容无法读取，请重新填写后提交（照片每张不超过2 MB，最多3张）";
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut sent = Sent::default();
    if !multipart {
        let axum::Form(fields) =
            axum::Form::<HashMap<String, String>>::from_request(req, st).await.map_err(|_| unreadable.to_string())?;
        sent.fields = fields;
        return Ok(sent);
    }
    let mut m = Multipart::from_request(req, st).await.map_err(|_| unreadable.to_string())?;
    while let Some(f) = m.next_field().await.map_err(|_| unreadable.to_string())? {
        let name = f.name().unwrap_or_default().to_string();
        if name == "photo" {
            let bytes = f.bytes().await.map_err(|_| unreadable.to_string())?;
            if !bytes.is_empty() {
                sent.photos.push(bytes.to_vec());
            }
        } else {
            let v = f.text().await.map_err(|_| unreadable.to_string())?;
            sent.fields.insert(name, v);
        }
    }
    Ok(sent)
}
