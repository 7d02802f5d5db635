//! Failed-login throttling: per user, per address, per known device, counted before the password is hashed.

use shegong_store::users;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Failed-login throttling. Each attempt is reserved under every limit it counts against *before*
/// the password is hashed, so simultaneous guesses count as they arrive; a failure then counts
/// for 15 minutes from the first, a success clears the user's (or device's) count but not the
/// address's.
#[derive(Default)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Clone, Copy)]
struct Entry {
    failures: u32,
    in_flight: u32,
    since: Instant,
}

/// One limit an attempt counts against.
#[derive(Clone, Debug)]
pub struct Limit {
    key: String,
    max: u32,
    /// Cleared by a successful login.
    personal: bool,
}

/// Failures a username (or a known device) may have in the window.
pub const USER_FAILURES: u32 = 5;

/// Failures an address may have in the window (an office behind one address has many clerks).
pub const ADDRESS_FAILURES: u32 = 20;

pub const WINDOW: Duration = Duration::from_secs(15 * 60);

impl Limit {
    /// A limit of `max` under `key` (attempts counted with [`Attempt::failed`]).
    pub fn new(key: String, max: u32) -> Limit {
        Limit { key, max, personal: false }
    }

    /// The limits of a login attempt: a known device's own, else the username's and the address's.
    /// An applicant's sign-in: their ID number's failures, and a higher bound per address than staff
    /// have (applicants of a whole school or office may sign in from one address near a deadline).
    pub fn for_applicant(id_number: &str, addr: Option<std::net::SocketAddr>) -> Vec<Limit> {
        let mut v = vec![Limit {
            key: format!("a:{}", id_number.trim().to_uppercase().chars().take(32).collect::<String>()),
            max: USER_FAILURES,
            personal: true,
        }];
        if let Some(a) = addr {
            v.push(Limit { key: format!("aip:{}", a.ip()), max: ADDRESS_FAILURES * 3, personal: false });
        }
        v
    }

    pub fn for_login(username: &str, addr: Option<std::net::SocketAddr>, device: Option<&str>) -> Vec<Limit> {
        if let Some(d) = device {
            return vec![Limit { key: format!("d:{}", users::hash_token(d)), max: USER_FAILURES, personal: true }];
        }
        let mut v = vec![Limit {
            key: format!("u:{}", username.trim().to_lowercase().chars().take(64).collect::<String>()),
            max: USER_FAILURES,
            personal: true,
        }];
        if let Some(a) = addr {
            v.push(Limit { key: format!("ip:{}", a.ip()), max: ADDRESS_FAILURES, personal: false });
        }
        v
    }
}

/// A reserved attempt; dropping it without an outcome (an error on the way) counts nothing.
pub struct Attempt<'a> {
    throttle: &'a Throttle,
    limits: Vec<Limit>,
    done: bool,
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserves an attempt under every limit, or `None` when one of them is reached (failures and
    /// attempts still in flight together).
    pub fn begin(&self, limits: &[Limit]) -> Option<Attempt<'_>> {
        let mut map = self.lock();
        if map.len() > 100_000 {
            map.retain(|_, e| e.in_flight > 0 || e.since.elapsed() < WINDOW);
        }
        for l in limits {
            if let Some(e) = map.get_mut(&l.key) {
                if e.in_flight == 0 && e.since.elapsed() >= WINDOW {
                    e.failures = 0;
                }
                if e.failures + e.in_flight >= l.max {
                    return None;
                }
            }
        }
        for l in limits {
            let e = map.entry(l.key.clone()).or_insert(Entry { failures: 0, in_flight: 0, since: Instant::now() });
            e.in_flight += 1;
        }
        Some(Attempt { throttle: self, limits: limits.to_vec(), done: false })
    }

    /// Whether any of the limits is reached now.
    pub fn blocked(&self, limits: &[Limit]) -> bool {
        let map = self.lock();
        limits
            .iter()
            .any(|l| map.get(&l.key).is_some_and(|e| e.failures + e.in_flight >= l.max && e.since.elapsed() < WINDOW))
    }
}

impl Attempt<'_> {
    fn release(&mut self, outcome: Option<bool>) -> bool {
        self.done = true;
        let mut map = self.throttle.lock();
        let mut exhausted = false;
        for l in &self.limits {
            let Some(e) = map.get_mut(&l.key) else { continue };
            e.in_flight = e.in_flight.saturating_sub(1);
            match outcome {
                Some(false) => {
                    if e.failures == 0 || e.since.elapsed() >= WINDOW {
                        e.failures = 0;
                        e.since = Instant::now();
                    }
                    e.failures += 1;
                    exhausted |= l.personal && e.failures >= l.max;
                }
                Some(true) if l.personal => e.failures = 0,
                _ => {}
            }
        }
        exhausted
    }

    /// A wrong password: counts under every limit. True when a personal limit is now reached.
    pub fn failed(mut self) -> bool {
        self.release(Some(false))
    }

    /// The right password: clears the user's (or device's) failures.
    pub fn succeeded(mut self) {
        self.release(Some(true));
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.release(None);
        }
    }
}

/// ID-number searches a user without full view may make in [`ID_SEARCH_WINDOW`] (see
/// [`crate::id_search`]).
pub const ID_SEARCH_LIMIT: u32 = 30;
pub const ID_SEARCH_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Each user's ID-number searches in the current window: (window start, count).
#[derive(Default)]
pub struct IdSearches(Mutex<HashMap<Uuid, (Instant, u32)>>);

impl IdSearches {
    /// Counts one search of `user` now; false past the limit.
    pub(crate) fn admit(&self, user: Uuid, now: Instant) -> bool {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, (since, _)| now.duration_since(*since) < ID_SEARCH_WINDOW);
        let e = m.entry(user).or_insert((now, 0));
        e.1 += 1;
        e.1 <= ID_SEARCH_LIMIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(ip: &str) -> Option<std::net::SocketAddr> {
        Some(format!("{ip}:1000").parse().unwrap())
    }

    #[test]
    fn attempts_in_flight_count_before_their_outcome() {
        let t = Throttle::default();
        let limits = Limit::for_login("clerk", addr("10.0.0.1"), None);
        let held: Vec<_> = (0..USER_FAILURES).map(|_| t.begin(&limits).expect("open")).collect();
        assert!(t.begin(&limits).is_none(), "a sixth simultaneous guess waits for none of them");
        for a in held {
            a.failed();
        }
        assert!(t.begin(&limits).is_none());
    }

    #[test]
    fn a_known_device_is_not_locked_out_by_a_stranger() {
        let t = Throttle::default();
        for _ in 0..USER_FAILURES {
            t.begin(&Limit::for_login("clerk", addr("10.9.9.9"), None)).unwrap().failed();
        }
        assert!(t.blocked(&Limit::for_login("clerk", addr("10.0.0.1"), None)));
        let device = Limit::for_login("clerk", addr("10.0.0.1"), Some("device-token"));
        t.begin(&device).expect("the clerk's own computer still logs in").succeeded();
    }

    #[test]
    fn made_up_usernames_lock_an_address_only_for_unknown_devices() {
        let t = Throttle::default();
        for i in 0..ADDRESS_FAILURES {
            t.begin(&Limit::for_login(&format!("nobody{i}"), addr("10.0.0.1"), None)).unwrap().failed();
        }
        assert!(t.begin(&Limit::for_login("clerk", addr("10.0.0.1"), None)).is_none());
        assert!(t.begin(&Limit::for_login("clerk", addr("10.0.0.1"), Some("d"))).is_some());
        assert!(t.begin(&Limit::for_login("clerk", addr("10.0.0.2"), None)).is_some());
    }

    #[test]
    fn an_error_on_the_way_counts_nothing() {
        let t = Throttle::default();
        let limits = Limit::for_login("clerk", None, None);
        for _ in 0..20 {
            drop(t.begin(&limits).unwrap());
        }
        assert!(!t.blocked(&limits));
    }
}
