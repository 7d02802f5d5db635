//! The figures pages read again and again (a province's counts, alerts, budget), kept between
//! requests.
//!
//! Every write goes through [`crate::db::WriteTxn`], whose commit bumps a generation number after the
//! data is committed. An answer is tagged with the generation read before it was computed, so it is
//! at least as new as every commit counted by its tag.
//!
//! Which answers are served:
//! - one computed at the current generation (no commit since), always;
//! - one computed at an earlier generation, while it is younger than [`FiguresCache::set_stale_for`]
//!   (default 0: never) and not older than the caller's own last write ([`with_last_write`]).
//!   A clerk who saves sees the saved figure on the next page; a province leader's figures are at
//!   most that many seconds behind the other clerks' saves, instead of being recomputed after each.
//!
//! Outside [`with_last_write`] (jobs, the CLI) only the first kind is served. Callers who arrive
//! while an answer is being computed wait for it instead of computing it again.
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest an answer is kept, whatever the generation (several servers on one database do not
/// see each other's commits).
pub const MAX_AGE: Duration = Duration::from_secs(60);

tokio::task_local! {
    /// The generation of the caller's own last committed write (0: none known), learnt once the
    /// request knows who is calling.
    static LAST_WRITE: std::cell::Cell<u64>;
}

/// Runs `fut` (a request) for a caller whose last write committed at `generation` (0 when the
/// caller is not known yet: [`note_last_write`] tells it later in the request).
pub async fn with_last_write<F: Future>(generation: u64, fut: F) -> F::Output {
    LAST_WRITE.scope(std::cell::Cell::new(generation), fut).await
}

/// Inside [`with_last_write`]: the caller's last write committed at `generation`.
pub fn note_last_write(generation: u64) {
    let _ = LAST_WRITE.try_with(|c| c.set(c.get().max(generation)));
}
/// At most this many answers are kept; past it the oldest half is dropped.
const CAPACITY: usize = 2_000;

type Kept = (u64, Instant, Arc<dyn Any + Send + Sync>);

#[derive(Default, Debug)]
pub struct FiguresCache {
    generation: AtomicU64,
    /// Milliseconds an answer from an earlier generation may still be served.
    stale_for_ms: AtomicU64,
    kept: Mutex<HashMap<String, KeptDebug>>,
    /// One computation per key at a time: the callers who arrive while it runs wait for its answer
    /// instead of computing the same figures again (50 users opening the home page after a save).
    computing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A kept answer (`Debug` so that [`crate::Db`] stays `Debug`).
struct KeptDebug(Kept);

impl std::fmt::Debug for KeptDebug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "kept at generation {}", self.0.0)
    }
}

impl FiguresCache {
    /// Called after every committed write.
    pub fn written(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// How long an answer may be served after other callers' commits (capped at [`MAX_AGE`]).
    pub fn set_stale_for(&self, d: Duration) {
        let ms = d.min(MAX_AGE).as_millis() as u64;
        self.stale_for_ms.store(ms, Ordering::Relaxed);
    }

    /// Whether an answer tagged `tagged`, kept since `at`, may be served now.
    fn servable(&self, tagged: u64, at: Instant) -> bool {
        let now = self.generation();
        let age = at.elapsed();
        if tagged == now {
            return age <= MAX_AGE;
        }
        match LAST_WRITE.try_with(std::cell::Cell::get) {
            // Strictly younger: with no staleness allowed (0) nothing from before a commit is served,
            // not even within the millisecond.
            Ok(own) => tagged >= own && age < Duration::from_millis(self.stale_for_ms.load(Ordering::Relaxed)),
            Err(_) => false,
        }
    }

    /// The answer kept under `key`, or `compute`'s, kept for the next caller when no write was
    /// committed meanwhile. `key` must name everything the answer depends on (the caller's scope,
    /// the day, the options).
    pub async fn get_or<T, E, F>(&self, key: String, compute: F) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.lookup::<T>(&key) {
            return Ok(v);
        }
        let turn = {
            let mut computing = self.computing.lock().unwrap_or_else(|e| e.into_inner());
            if computing.len() >= CAPACITY {
                computing.retain(|_, m| Arc::strong_count(m) > 1);
            }
            computing.entry(key.clone()).or_default().clone()
        };
        let _turn = turn.lock().await;
        if let Some(v) = self.lookup::<T>(&key) {
            return Ok(v);
        }
        let start = self.generation();
        let value = compute.await?;
        {
            let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if kept.len() >= CAPACITY {
                let mut ages: Vec<Instant> = kept.values().map(|k| k.0.1).collect();
                ages.sort();
                let cut = ages[ages.len() / 2];
                kept.retain(|_, k| k.0.1 > cut);
            }
            kept.insert(key, KeptDebug((start, Instant::now(), Arc::new(value.clone()))));
        }
        Ok(value)
    }

    fn lookup<T: Clone + 'static>(&self, key: &str) -> Option<T> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let (g, at, v) = &kept.get(key)?.0;
        if !self.servable(*g, *at) {
            return None;
        }
        v.downcast_ref::<T>().cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::FiguresCache;
    use std::sync::atomic::{AtomicU32, Ordering};

    async fn counted(c: &FiguresCache, calls: &AtomicU32) -> u32 {
        c.get_or::<_, (), _>("k".into(), async { Ok(calls.fetch_add(1, Ordering::SeqCst) + 1) }).await.unwrap()
    }

    #[tokio::test]
    async fn kept_until_a_write_is_committed() {
        let c = FiguresCache::default();
        let calls = AtomicU32::new(0);
        assert_eq!(counted(&c, &calls).await, 1);
        assert_eq!(counted(&c, &calls).await, 1, "kept");
        c.written();
        assert_eq!(counted(&c, &calls).await, 2, "a commit makes it compute again");
        assert_eq!(counted(&c, &calls).await, 2);
        // Inside a request too, at once after the commit.
        c.written();
        assert_eq!(super::with_last_write(0, counted(&c, &calls)).await, 3);
    }

    #[tokio::test]
    async fn others_writes_may_leave_figures_behind_but_not_ones_own() {
        let c = FiguresCache::default();
        c.set_stale_for(std::time::Duration::from_secs(30));
        let calls = AtomicU32::new(0);
        let own = c.generation();
        assert_eq!(super::with_last_write(own, counted(&c, &calls)).await, 1);
        c.written(); // another clerk saves
        assert_eq!(
            super::with_last_write(own, counted(&c, &calls)).await,
            1,
            "a reader who did not write may see figures up to 30 s behind"
        );
        assert_eq!(counted(&c, &calls).await, 2, "outside a request only current figures are served");
        c.written(); // this reader saves
        let own = c.generation();
        assert_eq!(
            super::with_last_write(own, counted(&c, &calls)).await,
            3,
            "the writer's next page counts the write"
        );
    }

    #[tokio::test]
    async fn an_answer_overtaken_by_a_commit_is_not_served_as_current() {
        let c = FiguresCache::default();
        let v: u32 = c
            .get_or::<_, (), _>("k".into(), async {
                c.written();
                Ok(7)
            })
            .await
            .unwrap();
        assert_eq!(v, 7);
        let calls = AtomicU32::new(10);
        assert_eq!(counted(&c, &calls).await, 11, "the answer computed across a commit was dropped");
    }

    #[tokio::test]
    async fn errors_are_not_kept_and_types_do_not_mix() {
        let c = FiguresCache::default();
        assert!(c.get_or::<u32, _, _>("k".into(), async { Err("no") }).await.is_err());
        assert_eq!(c.get_or::<u32, (), _>("k".into(), async { Ok(3) }).await, Ok(3));
        // Another type under the same key is computed, not mistaken for the kept one.
        assert_eq!(c.get_or::<String, (), _>("k".into(), async { Ok("s".into()) }).await, Ok("s".to_string()));
    }

    #[tokio::test]
    async fn callers_at_once_share_one_computation() {
        let c = std::sync::Arc::new(FiguresCache::default());
        let calls = std::sync::Arc::new(AtomicU32::new(0));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (c, calls) = (c.clone(), calls.clone());
                tokio::spawn(async move {
                    c.get_or::<u32, (), _>("k".into(), async {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok(calls.fetch_add(1, Ordering::SeqCst))
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), 0);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
