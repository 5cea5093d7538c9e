//! The small key/value store each app keeps its persistent data in.

use std::collections::BTreeMap;

use heirloom_shell::{StateError, StateReader, StateWriter};

/// Longest key, in bytes.
pub const MAX_KEY: usize = 64;
/// Longest value, in bytes.
pub const MAX_VALUE: usize = 16 * 1024;
/// Most bytes of keys and values held in all.
pub const QUOTA: usize = 64 * 1024;

/// Why a key/value operation was refused (the ABI's negative return codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvError {
    /// No value under that key (`HEIRLOOM_KV_MISSING`, -1).
    Missing = -1,
    /// The store would grow past its quota (`HEIRLOOM_KV_QUOTA`, -2).
    Quota = -2,
    /// The key is empty or too long (`HEIRLOOM_KV_BAD_KEY`, -3).
    BadKey = -3,
}

/// An app's persistent key/value data: keys of 1 to 64 bytes, values of at most 16 KiB,
/// 64 KiB in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KvStore {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
    used: usize,
    changed: bool,
}

fn check_key(key: &[u8]) -> Result<(), KvError> {
    if key.is_empty() || key.len() > MAX_KEY {
        Err(KvError::BadKey)
    } else {
        Ok(())
    }
}

impl KvStore {
    /// The value under `key`.
    pub fn get(&self, key: &[u8]) -> Result<&[u8], KvError> {
        check_key(key)?;
        self.entries
            .get(key)
            .map(Vec::as_slice)
            .ok_or(KvError::Missing)
    }

    /// Stores `value` under `key`, within the quota.
    pub fn set(&mut self, key: &[u8], value: &[u8]) -> Result<(), KvError> {
        check_key(key)?;
        if value.len() > MAX_VALUE {
            return Err(KvError::Quota);
        }
        let old = self.entries.get(key).map_or(0, |v| key.len() + v.len());
        let used = self.used - old + key.len() + value.len();
        if used > QUOTA {
            return Err(KvError::Quota);
        }
        self.entries.insert(key.to_vec(), value.to_vec());
        self.used = used;
        self.changed = true;
        Ok(())
    }

    /// Removes `key`.
    pub fn delete(&mut self, key: &[u8]) -> Result<(), KvError> {
        check_key(key)?;
        let value = self.entries.remove(key).ok_or(KvError::Missing)?;
        self.used -= key.len() + value.len();
        self.changed = true;
        Ok(())
    }

    /// Bytes of keys and values held.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Whether the data changed since the last [`take_changed`](Self::take_changed).
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// The data as bytes: a count, then each key and value with its length (the format
    /// [`from_bytes`](Self::from_bytes) reads, for a frontend to keep in a file).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.used + 4 + 8 * self.entries.len());
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for (key, value) in &self.entries {
            out.extend_from_slice(&(key.len() as u32).to_le_bytes());
            out.extend_from_slice(key);
            out.extend_from_slice(&(value.len() as u32).to_le_bytes());
            out.extend_from_slice(value);
        }
        out
    }

    /// Reads data written by [`to_bytes`](Self::to_bytes); `None` when the bytes are not
    /// such data or break the limits.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut at = 0usize;
        let mut take = |len: usize| {
            let slice = bytes.get(at..at.checked_add(len)?)?;
            at += len;
            Some(slice)
        };
        let word = |slice: &[u8]| u32::from_le_bytes(slice.try_into().expect("4 bytes")) as usize;
        let count = word(take(4)?);
        let mut store = Self::default();
        for _ in 0..count {
            let key_len = word(take(4)?);
            let key = take(key_len)?.to_vec();
            let value_len = word(take(4)?);
            let value = take(value_len)?.to_vec();
            store.set(&key, &value).ok()?;
        }
        (at == bytes.len()).then_some(Self {
            changed: false,
            ..store
        })
    }

    /// Appends the data to a save state.
    pub fn save(&self, out: &mut StateWriter) {
        out.sized_bytes(&self.to_bytes());
    }

    /// Reads data written by [`save`](Self::save).
    pub fn load(input: &mut StateReader<'_>) -> Result<Self, StateError> {
        Self::from_bytes(input.sized_bytes()?)
            .ok_or_else(|| StateError::Payload("persistent data malformed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_kept_within_the_quota() {
        let mut kv = KvStore::default();
        assert_eq!(kv.get(b"hi"), Err(KvError::Missing));
        kv.set(b"hi", b"score 10").unwrap();
        assert_eq!(kv.get(b"hi"), Ok(&b"score 10"[..]));
        assert!(kv.take_changed());
        assert!(!kv.take_changed());
        assert_eq!(kv.set(b"", b"x"), Err(KvError::BadKey));
        assert_eq!(kv.set(&[b'k'; 65], b"x"), Err(KvError::BadKey));
        let big = vec![7u8; MAX_VALUE];
        for n in 0..3 {
            kv.set(format!("slot{n}").as_bytes(), &big).unwrap();
        }
        assert_eq!(kv.set(b"slot3", &big), Err(KvError::Quota));
        assert_eq!(kv.set(b"x", &vec![0; MAX_VALUE + 1]), Err(KvError::Quota));
        // Replacing a value counts only the difference.
        kv.set(b"slot0", b"small").unwrap();
        kv.set(b"slot3", &big).unwrap();
        assert!(kv.used() <= QUOTA);
        kv.delete(b"hi").unwrap();
        assert_eq!(kv.delete(b"hi"), Err(KvError::Missing));
        let copy = KvStore::from_bytes(&kv.to_bytes()).unwrap();
        assert_eq!(copy.to_bytes(), kv.to_bytes());
        assert_eq!(copy.used(), kv.used());
        assert!(KvStore::from_bytes(&kv.to_bytes()[..10]).is_none());
    }
}
