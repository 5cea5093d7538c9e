//! Per-address throttling of login attempts: after a number of failures within a window,
//! an address is blocked for a time that doubles with each further failure.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per address within [`WINDOW`] before blocking starts.
pub const FREE_FAILURES: u32 = 10;
/// Window over which failures are counted.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// First block length; doubles with each further failure.
pub const BASE_BLOCK: Duration = Duration::from_secs(2);
/// Longest block.
pub const MAX_BLOCK: Duration = Duration::from_secs(15 * 60);
const MAX_TRACKED: usize = 100_000;

struct Entry {
    failures: u32,
    window_start: Instant,
    blocked_until: Option<Instant>,
}

/// Failure counts per client address.
#[derive(Default)]
pub struct IpLimiter {
    entries: Mutex<HashMap<IpAddr, Entry>>,
}

impl IpLimiter {
    /// `Err(retry_after)` while the address is blocked.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(&ip).and_then(|e| e.blocked_until) {
            Some(until) if until > Instant::now() => Err(until - Instant::now()),
            _ => Ok(()),
        }
    }

    /// Counts a failure; returns the block length if the address is now blocked.
    pub fn failure(&self, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_TRACKED {
            entries.retain(|_, e| {
                now.duration_since(e.window_start) < WINDOW
                    || e.blocked_until.is_some_and(|u| u > now)
            });
        }
        let entry = entries.entry(ip).or_insert(Entry {
            failures: 0,
            window_start: now,
            blocked_until: None,
        });
        if now.duration_since(entry.window_start) >= WINDOW
            && entry.blocked_until.is_none_or(|u| u <= now)
        {
            entry.failures = 0;
            entry.window_start = now;
        }
        entry.failures += 1;
        if entry.failures <= FREE_FAILURES {
            return None;
        }
        let exponent = (entry.failures - FREE_FAILURES - 1).min(16);
        let block = (BASE_BLOCK * (1u32 << exponent)).min(MAX_BLOCK);
        entry.blocked_until = Some(now + block);
        Some(block)
    }

    /// Forgets the failures of an address after a successful login.
    pub fn success(&self, ip: IpAddr) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_free_failures_with_doubling() {
        let limiter = IpLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            assert!(limiter.failure(ip).is_none());
            assert!(limiter.check(ip).is_ok());
        }
        assert_eq!(limiter.failure(ip), Some(BASE_BLOCK));
        assert!(limiter.check(ip).is_err());
        assert_eq!(limiter.failure(ip), Some(BASE_BLOCK * 2));
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limiter.check(other).is_ok());
        limiter.success(ip);
        assert!(limiter.check(ip).is_ok());
    }
}
