//! Save-state framing, and the little reader and writer cores fill their states with.
//!
//! Every save state is framed the same way, whatever the core:
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `HLSTATE\0` |
//! | 2 | framing version (little endian), currently 1 |
//! | 1 + n | length and bytes of the core id (UTF-8, e.g. `c64`) |
//! | 4 | the core's own state format version |
//! | 8 | payload length |
//! | payload length | the core's payload |
//! | 4 | CRC-32 of every byte before it |
//!
//! A state is checked completely (magic, framing, core id, version, length, checksum)
//! before a core looks at its payload, and cores parse the payload into fresh values before
//! replacing anything, so a bad state never leaves a machine half restored.

const MAGIC: &[u8; 8] = b"HLSTATE\0";
const FRAMING_VERSION: u16 = 1;
const CHECKSUM_LEN: usize = 4;

/// Why a save state was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StateError {
    /// The bytes do not start like a Heirloom save state.
    #[error("not a Heirloom save state")]
    NotAState,
    /// The state was written by a newer framing than this build reads.
    #[error("save state framing version {0} is newer than this build reads ({FRAMING_VERSION})")]
    FramingVersion(u16),
    /// Fewer bytes than the header announces.
    #[error("save state truncated: {found} of {expected} bytes")]
    Truncated {
        /// Bytes the header announces.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// More bytes than the header announces.
    #[error("save state has {0} unexpected bytes after its end")]
    TrailingBytes(u64),
    /// The checksum does not match: the file was damaged.
    #[error("save state corrupted (checksum mismatch)")]
    Corrupt,
    /// The state belongs to another core.
    #[error("save state is for the `{found}` core, not `{expected}`")]
    ForeignCore {
        /// The core that wrote it.
        found: String,
        /// The core asked to load it.
        expected: String,
    },
    /// The state uses another version of the core's format.
    #[error(
        "save state is version {found} of the `{core}` format; this build reads version {expected}"
    )]
    Version {
        /// The core.
        core: String,
        /// Version in the state.
        found: u32,
        /// Version this build writes and reads.
        expected: u32,
    },
    /// The frame is sound but the payload does not make sense to the core.
    #[error("save state payload invalid: {0}")]
    Payload(String),
}

/// Who wrote a state and in which format version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateHeader {
    /// The core id.
    pub core_id: String,
    /// The core's state format version.
    pub version: u32,
}

/// Frames `payload` as a save state of `core_id`'s format `version`.
pub fn encode(core_id: &str, version: u32, payload: &[u8]) -> Vec<u8> {
    let id_len = u8::try_from(core_id.len()).expect("core ids are short");
    let mut out = Vec::with_capacity(payload.len() + core_id.len() + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FRAMING_VERSION.to_le_bytes());
    out.push(id_len);
    out.extend_from_slice(core_id.as_bytes());
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let checksum = crc32fast::hash(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    out
}

/// Checks a whole framed state and returns its header and payload.
pub fn open(bytes: &[u8]) -> Result<(StateHeader, &[u8]), StateError> {
    let mut cursor = Cursor { bytes, at: 0 };
    let truncated_header = |_| StateError::NotAState;
    if cursor.take(MAGIC.len()).map_err(truncated_header)? != MAGIC {
        return Err(StateError::NotAState);
    }
    let framing = u16::from_le_bytes(cursor.array().map_err(truncated_header)?);
    if framing != FRAMING_VERSION {
        return Err(StateError::FramingVersion(framing));
    }
    let id_len = usize::from(cursor.array::<1>().map_err(truncated_header)?[0]);
    let core_id = std::str::from_utf8(cursor.take(id_len).map_err(truncated_header)?)
        .map_err(|_| StateError::NotAState)?
        .to_owned();
    let version = u32::from_le_bytes(cursor.array().map_err(truncated_header)?);
    let payload_len = u64::from_le_bytes(cursor.array().map_err(truncated_header)?);

    let expected = (cursor.at as u64)
        .saturating_add(payload_len)
        .saturating_add(CHECKSUM_LEN as u64);
    let found = bytes.len() as u64;
    if found < expected {
        return Err(StateError::Truncated { expected, found });
    }
    if found > expected {
        return Err(StateError::TrailingBytes(found - expected));
    }
    let body_end = bytes.len() - CHECKSUM_LEN;
    let stored = u32::from_le_bytes(bytes[body_end..].try_into().expect("four bytes"));
    if crc32fast::hash(&bytes[..body_end]) != stored {
        return Err(StateError::Corrupt);
    }
    Ok((
        StateHeader { core_id, version },
        &bytes[cursor.at..body_end],
    ))
}

/// Checks a framed state and that it is `core_id`'s format `version`; returns the payload.
pub fn decode<'a>(bytes: &'a [u8], core_id: &str, version: u32) -> Result<&'a [u8], StateError> {
    let (header, payload) = open(bytes)?;
    if header.core_id != core_id {
        return Err(StateError::ForeignCore {
            found: header.core_id,
            expected: core_id.to_owned(),
        });
    }
    if header.version != version {
        return Err(StateError::Version {
            core: header.core_id,
            found: header.version,
            expected: version,
        });
    }
    Ok(payload)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], usize> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(self.at)?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], usize> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }
}

/// Builds a save state payload from little-endian fields, then frames it.
#[derive(Debug)]
pub struct StateWriter {
    core_id: &'static str,
    version: u32,
    payload: Vec<u8>,
}

impl StateWriter {
    /// Starts a state of `core_id`'s format `version`.
    pub fn new(core_id: &'static str, version: u32) -> Self {
        Self {
            core_id,
            version,
            payload: Vec::new(),
        }
    }

    /// Appends a byte.
    pub fn u8(&mut self, value: u8) -> &mut Self {
        self.payload.push(value);
        self
    }

    /// Appends a flag as one byte.
    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.u8(u8::from(value))
    }

    /// Appends a 16-bit number.
    pub fn u16(&mut self, value: u16) -> &mut Self {
        self.bytes(&value.to_le_bytes())
    }

    /// Appends a 32-bit number.
    pub fn u32(&mut self, value: u32) -> &mut Self {
        self.bytes(&value.to_le_bytes())
    }

    /// Appends a 64-bit number.
    pub fn u64(&mut self, value: u64) -> &mut Self {
        self.bytes(&value.to_le_bytes())
    }

    /// Appends a 64-bit float, bit for bit.
    pub fn f64(&mut self, value: f64) -> &mut Self {
        self.u64(value.to_bits())
    }

    /// Appends bytes of a length both sides know (a fixed-size memory, a register file).
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.payload.extend_from_slice(bytes);
        self
    }

    /// Appends bytes preceded by their length, for data whose size varies.
    pub fn sized_bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.u64(bytes.len() as u64).bytes(bytes)
    }

    /// Frames the payload (see [`encode`]).
    pub fn finish(&self) -> Vec<u8> {
        encode(self.core_id, self.version, &self.payload)
    }
}

/// Reads the fields of a checked save state payload, in the order they were written.
#[derive(Debug)]
pub struct StateReader<'a> {
    payload: Cursor<'a>,
}

impl std::fmt::Debug for Cursor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {} of {} bytes", self.at, self.bytes.len())
    }
}

impl<'a> StateReader<'a> {
    /// Checks the frame of `state` (see [`decode`]) and starts reading its payload.
    pub fn open(state: &'a [u8], core_id: &str, version: u32) -> Result<Self, StateError> {
        let payload = decode(state, core_id, version)?;
        Ok(Self {
            payload: Cursor {
                bytes: payload,
                at: 0,
            },
        })
    }

    /// Reads `len` raw bytes.
    pub fn bytes(&mut self, len: usize) -> Result<&'a [u8], StateError> {
        self.payload.take(len).map_err(|at| {
            StateError::Payload(format!("{len} bytes needed at offset {at}, past the end"))
        })
    }

    /// Fills `into` with raw bytes.
    pub fn read_into(&mut self, into: &mut [u8]) -> Result<(), StateError> {
        into.copy_from_slice(self.bytes(into.len())?);
        Ok(())
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], StateError> {
        Ok(self.bytes(N)?.try_into().expect("took N bytes"))
    }

    /// Reads a byte.
    pub fn u8(&mut self) -> Result<u8, StateError> {
        Ok(self.array::<1>()?[0])
    }

    /// Reads a flag written by [`StateWriter::bool`].
    pub fn bool(&mut self) -> Result<bool, StateError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(StateError::Payload(format!("flag with value {other}"))),
        }
    }

    /// Reads a 16-bit number.
    pub fn u16(&mut self) -> Result<u16, StateError> {
        self.array().map(u16::from_le_bytes)
    }

    /// Reads a 32-bit number.
    pub fn u32(&mut self) -> Result<u32, StateError> {
        self.array().map(u32::from_le_bytes)
    }

    /// Reads a 64-bit number.
    pub fn u64(&mut self) -> Result<u64, StateError> {
        self.array().map(u64::from_le_bytes)
    }

    /// Reads a 64-bit float.
    pub fn f64(&mut self) -> Result<f64, StateError> {
        self.u64().map(f64::from_bits)
    }

    /// Reads bytes written by [`StateWriter::sized_bytes`].
    pub fn sized_bytes(&mut self) -> Result<&'a [u8], StateError> {
        let len = self.u64()?;
        let len = usize::try_from(len)
            .map_err(|_| StateError::Payload(format!("length {len} does not fit in memory")))?;
        self.bytes(len)
    }

    /// Ends reading: every byte of the payload must have been read.
    pub fn finish(self) -> Result<(), StateError> {
        let left = self.payload.bytes.len() - self.payload.at;
        if left == 0 {
            Ok(())
        } else {
            Err(StateError::Payload(format!("{left} bytes left unread")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        StateWriter::new("test", 3)
            .u8(7)
            .bool(true)
            .u16(0x1234)
            .u32(5)
            .u64(6)
            .f64(1.5)
            .sized_bytes(b"abc")
            .finish()
    }

    #[test]
    fn fields_come_back_in_order() {
        let state = sample();
        let mut reader = StateReader::open(&state, "test", 3).unwrap();
        assert_eq!(reader.u8().unwrap(), 7);
        assert!(reader.bool().unwrap());
        assert_eq!(reader.u16().unwrap(), 0x1234);
        assert_eq!(reader.u32().unwrap(), 5);
        assert_eq!(reader.u64().unwrap(), 6);
        assert_eq!(reader.f64().unwrap(), 1.5);
        assert_eq!(reader.sized_bytes().unwrap(), b"abc");
        reader.finish().unwrap();
    }

    #[test]
    fn every_truncation_is_refused() {
        let state = sample();
        for len in 0..state.len() {
            let err = open(&state[..len]).unwrap_err();
            assert!(
                matches!(err, StateError::NotAState | StateError::Truncated { .. }),
                "{len}: {err}"
            );
        }
    }

    #[test]
    fn every_single_bit_flip_is_refused() {
        let state = sample();
        for byte in 0..state.len() {
            for bit in 0..8 {
                let mut damaged = state.clone();
                damaged[byte] ^= 1 << bit;
                assert!(
                    decode(&damaged, "test", 3).is_err(),
                    "flip of bit {bit} in byte {byte}"
                );
            }
        }
    }

    #[test]
    fn foreign_and_newer_states_are_named() {
        let state = sample();
        assert_eq!(
            decode(&state, "c64", 3).unwrap_err().to_string(),
            "save state is for the `test` core, not `c64`"
        );
        assert_eq!(
            decode(&state, "test", 4).unwrap_err().to_string(),
            "save state is version 3 of the `test` format; this build reads version 4"
        );
        let mut longer = state.clone();
        longer.push(0);
        assert_eq!(open(&longer).unwrap_err(), StateError::TrailingBytes(1));
    }

    #[test]
    fn reading_past_the_payload_is_an_error_not_a_panic() {
        let state = StateWriter::new("test", 1).u8(1).finish();
        let mut reader = StateReader::open(&state, "test", 1).unwrap();
        assert!(reader.u32().is_err());
        let mut reader = StateReader::open(&state, "test", 1).unwrap();
        assert!(reader.sized_bytes().is_err());
        let reader = StateReader::open(&state, "test", 1).unwrap();
        assert!(reader.finish().is_err());
    }
}
