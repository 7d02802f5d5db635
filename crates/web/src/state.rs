//! What every handler is given: the database, the login throttle and the settings.

use shegong_store::Db;
use std::sync::Arc;

/// What the server is configured with beyond the database (see the README's configuration table).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Days an API token lasts from its creation.
    pub token_days: u32,
    /// Days a kept upload (roster file and its errors) is kept.
    pub upload_retention_days: u32,
    /// Seconds a figure may lag behind other users' saves (a user's own saves show at once).
    pub figures_stale_secs: u64,
    /// The CJK font PDFs are set in (a `.ttf`, `.otf` or `.ttc`); `None` looks in the usual places.
    pub pdf_font: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            token_days: 90,
            upload_retention_days: 30,
            figures_stale_secs: 30,
            pdf_font: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub throttle: Arc<crate::throttle::Throttle>,
    /// Residents' reports on the public pages, counted per address and per phone.
    pub public_reports: Arc<crate::throttle::Throttle>,
    pub settings: Arc<Settings>,
    /// Each caller's last write, for [`crate::freshness::own_writes`].
    pub last_writes: Arc<LastWrites>,
    /// Searches by ID number, counted per user (see [`crate::id_search`]).
    pub id_searches: Arc<crate::throttle::IdSearches>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        db.cache.set_stale_for(std::time::Duration::from_secs(settings.figures_stale_secs));
        Self {
            last_writes: Arc::default(),
            id_searches: Arc::default(),
            db,
            throttle: Arc::new(crate::throttle::Throttle::default()),
            public_reports: Arc::default(),
            settings: Arc::new(settings),
        }
    }
}

/// Each user's last write: the figures generation after it, and when it was made.
#[derive(Default)]
pub struct LastWrites(pub(crate) std::sync::Mutex<std::collections::HashMap<uuid::Uuid, (u64, std::time::Instant)>>);
