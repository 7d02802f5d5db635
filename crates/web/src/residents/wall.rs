//! `/p/{community}/wishes`: a community's public wall of micro-wishes, no login, fit for a phone.
//! Nothing personal: the resident's name masked, a claimant by kind only, no phone at all.
use crate::page::PageResult;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use shegong_store::residents::{self, WallItem};

#[derive(Template)]
#[template(path = "public/wishes.html")]
struct WallPage {
    code: String,
    name: String,
    place: String,
    sentence: String,
    average_days: Option<String>,
    items: Vec<WallItem>,
}

/// `GET /p/{community}/wishes`.
pub(crate) async fn wall_page(State(st): State<AppState>, Path(code): Path<String>) -> PageResult {
    let c = shegong_store::events::public::community(&st.db, &code).await?;
    let place = shegong_store::events::public::street_name(&st.db, &c).await?;
    let (items, f) = residents::wall(&st.db, &c).await?;
    let page = WallPage {
        code: c.code.clone(),
        name: c.name.clone(),
        place,
        sentence: f.sentence(),
        average_days: f.average_days.map(|d| format!("{d:.1}")),
        items,
    };
    crate::page::render(page)
}
