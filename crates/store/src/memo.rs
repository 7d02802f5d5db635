//! Reference data read on every request and changed rarely — the event policy in force for a
//! community, the working calendar, a region's row, a user's display name — kept in memory so that a
//! report does not read and parse them again. An entry lives at most [`MAX_AGE`]; a change made by
//! this process drops every entry at once ([`Memo::forget`]), so its own next request reads the new
//! data, and another server's change is seen within `MAX_AGE`.

use crate::error::Result;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest an entry is kept.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// At most this many entries (past it, all are dropped: they are read again as needed).
const MAX_ENTRIES: usize = 20_000;

type Entry = (u64, Instant, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub struct Memo {
    generation: AtomicU64,
    map: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo").field("generation", &self.generation.load(Ordering::Relaxed)).finish()
    }
}

impl Memo {
    /// The value kept under `key`, or `load`'s (kept when it succeeds). Two callers may load the same
    /// key at once; both get a correct value.
    pub async fn get_or<T, F>(&self, key: String, load: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        let generation = self.generation.load(Ordering::Acquire);
        if let Some((g, at, v)) = self.map.lock().unwrap_or_else(|e| e.into_inner()).get(&key)
            && *g == generation
            && at.elapsed() < MAX_AGE
            && let Some(v) = v.downcast_ref::<T>()
        {
            return Ok(v.clone());
        }
        let v = load.await?;
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        // Loaded before a change that happened meanwhile: used once, not kept.
        if self.generation.load(Ordering::Acquire) == generation {
            map.insert(key, (generation, Instant::now(), Arc::new(v.clone())));
        }
        Ok(v)
    }

    /// Drops everything kept (after this process changed policies, the calendar, regions or users).
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.map.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn kept_until_forgotten() {
        let m = Memo::default();
        assert_eq!(m.get_or("a".into(), async { Ok(1) }).await.unwrap(), 1);
        assert_eq!(m.get_or("a".into(), async { Ok(2) }).await.unwrap(), 1, "kept");
        m.forget();
        assert_eq!(m.get_or("a".into(), async { Ok(3) }).await.unwrap(), 3, "read again after a change");
        // A failed load keeps nothing.
        assert!(m.get_or::<i32, _>("b".into(), async { Err(crate::error::StoreError::NotFound) }).await.is_err());
        assert_eq!(m.get_or("b".into(), async { Ok(4) }).await.unwrap(), 4);
    }
}
