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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            token_days: 90,
            upload_retention_days: 30,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub throttle: Arc<crate::throttle::Throttle>,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self {
            db,
            throttle: Arc::new(crate::throttle::Throttle::default()),
            settings: Arc::new(settings),
        }
    }
}
