//! SID tunes (`.sid`): the PSID (versions 1–4) and RSID (2–4) headers of the HVSC's
//! format description, and the data they describe.
//!
//! Header fields (big-endian): magic `PSID`/`RSID` ($00), version ($04), data offset
//! ($06: $76 for version 1, $7C later), load address ($08; 0 = the data's first two
//! bytes, little-endian), init address ($0A; 0 = the load address), play address ($0C;
//! 0 = init installs its own interrupt), songs ($0E, 1–256), start song ($10, from 1),
//! speed ($12, 32 bits: bit *n* set = song *n*+1 is timed by CIA 1, clear = the vertical
//! blank; songs past 32 share bit 31), name, author and released ($16, $36, $56; 32
//! bytes of Latin-1 each). Version 2 and later: flags ($76: bit 0 Compute!'s Sidplayer
//! data, bit 1 PlaySID-specific (PSID) or BASIC tune (RSID), bits 2–3 clock, 4–5 SID
//! model), start page and page length of memory free for a driver ($78, $79), second and
//! third SID addresses ($7A, $7B: versions 3 and 4).
//!
//! RSID tunes need a real C64's set-up: their load address is always embedded and at or
//! above $07E8, their play address and speed are 0, and their init address lies in RAM
//! outside the BASIC and KERNAL ROMs (or is 0 for a BASIC tune, which is `RUN`).

pub mod player;

/// Whether a tune needs a real C64's environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SidFormat {
    /// `PSID`: plays with a driver calling init and play.
    Psid,
    /// `RSID`: runs as on a real C64, with its own interrupts.
    Rsid,
}

/// A SID tune.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SidTune {
    /// PSID or RSID.
    pub format: SidFormat,
    /// The header version (1–4).
    pub version: u16,
    /// Where the data goes (the embedded one when the header's is 0).
    pub load_address: u16,
    /// The init routine (the load address when the header gives 0).
    pub init_address: u16,
    /// The play routine, or 0 when init installs an interrupt of its own.
    pub play_address: u16,
    /// Number of sub-tunes (1–256).
    pub songs: u16,
    /// The sub-tune played by default, from 1.
    pub start_song: u16,
    /// The speed bits.
    pub speed: u32,
    /// The tune's name.
    pub name: String,
    /// Its author.
    pub author: String,
    /// Its release (year and publisher).
    pub released: String,
    /// The version 2+ flags (0 for version 1).
    pub flags: u16,
    /// First page free for a driver (0: anything outside the data; $FF: none).
    pub start_page: u8,
    /// Pages free from `start_page`.
    pub page_length: u8,
    /// Address of a second SID ($D420–$DFE0), versions 3 and 4.
    pub second_sid: Option<u16>,
    /// Address of a third SID, version 4.
    pub third_sid: Option<u16>,
    /// The C64 data, without an embedded load address.
    pub data: Vec<u8>,
}

/// Why bytes are not a playable SID tune.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SidError {
    /// The file does not start with `PSID` or `RSID`.
    #[error("not a SID tune (no PSID or RSID magic)")]
    BadMagic,
    /// The file ends before its header or data does.
    #[error("the file ends at byte {len}, inside its {what}")]
    Truncated {
        /// Length of the file.
        len: usize,
        /// What it ends inside.
        what: &'static str,
    },
    /// A header version this format does not have.
    #[error("header version {0} does not exist for this magic")]
    BadVersion(u16),
    /// The data offset disagrees with the version.
    #[error("data offset {offset:#x} is wrong for a version {version} header")]
    BadDataOffset {
        /// The offset written.
        offset: u16,
        /// The header version.
        version: u16,
    },
    /// No data after the header.
    #[error("the tune has no data")]
    NoData,
    /// The data runs past $FFFF.
    #[error("{len} bytes at ${start:04x} run past the end of memory")]
    PastEndOfMemory {
        /// The load address.
        start: u16,
        /// Bytes of data.
        len: usize,
    },
    /// The song count is outside 1–256.
    #[error("{0} songs (a tune has 1 to 256)")]
    BadSongCount(u16),
    /// The init routine is not in the loaded data.
    #[error("init address ${init:04x} is outside the data at ${start:04x}–${end:04x}")]
    InitOutside {
        /// The init address.
        init: u16,
        /// First byte of the data.
        start: u16,
        /// Last byte of the data.
        end: u16,
    },
    /// Compute!'s Sidplayer data, which needs that program's own player.
    #[error("the tune is Compute!'s Sidplayer (MUS) data, which needs Sidplayer to play")]
    Mus,
    /// An RSID header breaking the format's rules.
    #[error("RSID rule broken: {0}")]
    Rsid(&'static str),
    /// A sub-tune the tune does not have.
    #[error("sub-tune {song} asked for; the tune has {songs}")]
    NoSuchSong {
        /// The sub-tune asked for.
        song: u16,
        /// How many there are.
        songs: u16,
    },
    /// No free memory for the driver.
    #[error("no free memory for the player driver ({0})")]
    NoRoom(&'static str),
}

/// A header text field: Latin-1, NUL padded.
fn text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    field[..end]
        .iter()
        .map(|&b| char::from(b))
        .collect::<String>()
        .trim_end()
        .to_owned()
}

impl SidTune {
    /// Reads and checks a `.sid` file.
    pub fn parse(bytes: &[u8]) -> Result<Self, SidError> {
        let format = match bytes.get(..4) {
            Some(b"PSID") => SidFormat::Psid,
            Some(b"RSID") => SidFormat::Rsid,
            _ => return Err(SidError::BadMagic),
        };
        if bytes.len() < 0x76 {
            return Err(SidError::Truncated {
                len: bytes.len(),
                what: "header",
            });
        }
        let word = |at: usize| u16::from_be_bytes([bytes[at], bytes[at + 1]]);
        let version = word(0x04);
        let versions = match format {
            SidFormat::Psid => 1..=4,
            SidFormat::Rsid => 2..=4,
        };
        if !versions.contains(&version) {
            return Err(SidError::BadVersion(version));
        }
        let offset = word(0x06);
        let expected = if version == 1 { 0x76 } else { 0x7c };
        if offset != expected {
            return Err(SidError::BadDataOffset { offset, version });
        }
        let offset = usize::from(offset);
        if bytes.len() < offset {
            return Err(SidError::Truncated {
                len: bytes.len(),
                what: "header",
            });
        }
        let (flags, start_page, page_length, second, third) = if version >= 2 {
            (
                word(0x76),
                bytes[0x78],
                bytes[0x79],
                bytes[0x7a],
                bytes[0x7b],
            )
        } else {
            (0, 0, 0, 0, 0)
        };
        let header_load = word(0x08);
        let mut data = &bytes[offset..];
        let load_address = if header_load == 0 {
            let [low, high, rest @ ..] = data else {
                return Err(SidError::Truncated {
                    len: bytes.len(),
                    what: "embedded load address",
                });
            };
            data = rest;
            u16::from_le_bytes([*low, *high])
        } else {
            header_load
        };
        if data.is_empty() {
            return Err(SidError::NoData);
        }
        let end = usize::from(load_address) + data.len();
        if end > 0x10000 {
            return Err(SidError::PastEndOfMemory {
                start: load_address,
                len: data.len(),
            });
        }
        let songs = word(0x0e);
        if !(1..=256).contains(&songs) {
            return Err(SidError::BadSongCount(songs));
        }
        let start_song = match word(0x10) {
            song if (1..=songs).contains(&song) => song,
            _ => 1,
        };
        if flags & 1 != 0 {
            return Err(SidError::Mus);
        }
        let sid_address = |byte: u8| {
            let valid = byte & 1 == 0 && ((0x42..=0x7e).contains(&byte) || byte >= 0xe0);
            valid.then(|| 0xd000 | u16::from(byte) << 4)
        };
        let mut tune = Self {
            format,
            version,
            load_address,
            init_address: word(0x0a),
            play_address: word(0x0c),
            songs,
            start_song,
            speed: u32::from_be_bytes([bytes[0x12], bytes[0x13], bytes[0x14], bytes[0x15]]),
            name: text(&bytes[0x16..0x36]),
            author: text(&bytes[0x36..0x56]),
            released: text(&bytes[0x56..0x76]),
            flags,
            start_page,
            page_length,
            second_sid: (version >= 3).then(|| sid_address(second)).flatten(),
            third_sid: (version >= 4).then(|| sid_address(third)).flatten(),
            data: data.to_vec(),
        };
        let last = (end - 1) as u16;
        if format == SidFormat::Rsid {
            tune.check_rsid(header_load)?;
        } else if tune.init_address == 0 {
            tune.init_address = load_address;
        }
        if !tune.is_basic() && !(load_address..=last).contains(&tune.init_address) {
            return Err(SidError::InitOutside {
                init: tune.init_address,
                start: load_address,
                end: last,
            });
        }
        Ok(tune)
    }

    fn check_rsid(&self, header_load: u16) -> Result<(), SidError> {
        if header_load != 0 {
            return Err(SidError::Rsid(
                "the load address must be embedded in the data",
            ));
        }
        if self.load_address < 0x07e8 {
            return Err(SidError::Rsid("the data must load at $07E8 or above"));
        }
        if self.play_address != 0 {
            return Err(SidError::Rsid("the play address must be 0"));
        }
        if self.speed != 0 {
            return Err(SidError::Rsid("the speed must be 0"));
        }
        if self.is_basic() {
            if self.load_address != 0x0801 {
                return Err(SidError::Rsid("a BASIC tune must load at $0801"));
            }
        } else if self.init_address < 0x07e8
            || (0xa000..0xc000).contains(&self.init_address)
            || self.init_address >= 0xd000
        {
            return Err(SidError::Rsid(
                "the init routine must be in RAM outside the ROMs",
            ));
        }
        Ok(())
    }

    /// Whether the tune is an RSID BASIC program (flag bit 1 of an RSID header).
    pub fn is_basic(&self) -> bool {
        self.format == SidFormat::Rsid && self.flags & 2 != 0
    }

    /// Whether sub-tune `song` (from 1) is timed by CIA 1's timer rather than the
    /// vertical blank.
    pub fn uses_cia_timer(&self, song: u16) -> bool {
        let bit = song.clamp(1, 32) - 1;
        self.speed & (1 << bit) != 0
    }

    /// The first address past the data (up to $10000).
    pub fn end_address(&self) -> usize {
        usize::from(self.load_address) + self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version 2 PSID of `code` at `load` (0: embedded), init and play given.
    fn psid(load: u16, init: u16, play: u16, songs: u16, start: u16, code: &[u8]) -> Vec<u8> {
        let mut file = b"PSID".to_vec();
        for word in [2u16, 0x7c, load, init, play, songs, start] {
            file.extend_from_slice(&word.to_be_bytes());
        }
        file.extend_from_slice(&0b10u32.to_be_bytes());
        for field in ["Tune", "Someone", "2026 Heirloom"] {
            let mut bytes = [0u8; 32];
            bytes[..field.len()].copy_from_slice(field.as_bytes());
            file.extend_from_slice(&bytes);
        }
        file.extend_from_slice(&[0, 0x14, 0, 0, 0x42, 0]);
        if load == 0 {
            file.extend_from_slice(&0x1000u16.to_le_bytes());
        }
        file.extend_from_slice(code);
        file
    }

    #[test]
    fn reads_a_psid_header() {
        let tune = SidTune::parse(&psid(0, 0, 0x1003, 3, 2, &[0x60; 8])).unwrap();
        assert_eq!(tune.format, SidFormat::Psid);
        assert_eq!(
            (tune.load_address, tune.init_address, tune.play_address),
            (0x1000, 0x1000, 0x1003)
        );
        assert_eq!((tune.songs, tune.start_song), (3, 2));
        assert_eq!(
            (tune.name.as_str(), tune.author.as_str()),
            ("Tune", "Someone")
        );
        assert_eq!(tune.released, "2026 Heirloom");
        assert!(!tune.uses_cia_timer(1));
        assert!(tune.uses_cia_timer(2));
        assert_eq!(
            tune.second_sid, None,
            "a version 2 header has no second SID"
        );
        assert_eq!(tune.end_address(), 0x1008);
    }

    #[test]
    fn a_start_song_out_of_range_falls_back_to_the_first() {
        let tune = SidTune::parse(&psid(0x2000, 0x2000, 0, 2, 9, &[0x60])).unwrap();
        assert_eq!(tune.start_song, 1);
    }

    #[test]
    fn lying_headers_are_refused() {
        let good = psid(0, 0, 0x1003, 1, 1, &[0x60; 8]);
        assert_eq!(SidTune::parse(b"PSI"), Err(SidError::BadMagic));
        assert_eq!(SidTune::parse(b"MUSIC"), Err(SidError::BadMagic));
        assert!(matches!(
            SidTune::parse(&good[..0x40]),
            Err(SidError::Truncated { .. })
        ));
        let mut version = good.clone();
        version[5] = 9;
        assert_eq!(SidTune::parse(&version), Err(SidError::BadVersion(9)));
        let mut offset = good.clone();
        offset[7] = 0x76;
        assert!(matches!(
            SidTune::parse(&offset),
            Err(SidError::BadDataOffset { .. })
        ));
        assert!(matches!(
            SidTune::parse(&good[..0x7d]),
            Err(SidError::Truncated {
                what: "embedded load address",
                ..
            })
        ));
        assert_eq!(SidTune::parse(&good[..0x7e]), Err(SidError::NoData));
        let mut songs = good.clone();
        songs[0x0f] = 0;
        assert_eq!(SidTune::parse(&songs), Err(SidError::BadSongCount(0)));
        assert!(matches!(
            SidTune::parse(&psid(0xfff0, 0xfff0, 0, 1, 1, &[0; 32])),
            Err(SidError::PastEndOfMemory { .. })
        ));
        assert!(matches!(
            SidTune::parse(&psid(0x1000, 0x3000, 0, 1, 1, &[0x60])),
            Err(SidError::InitOutside { init: 0x3000, .. })
        ));
        let mut mus = good.clone();
        mus[0x77] |= 1;
        assert_eq!(SidTune::parse(&mus), Err(SidError::Mus));
    }

    #[test]
    fn rsid_rules_are_enforced() {
        let mut rsid = psid(0, 0x1000, 0, 1, 1, &[0x60; 4]);
        rsid[..4].copy_from_slice(b"RSID");
        rsid[0x12..0x16].fill(0);
        assert_eq!(SidTune::parse(&rsid).unwrap().format, SidFormat::Rsid);
        let mut play = rsid.clone();
        play[0x0d] = 3;
        assert!(matches!(SidTune::parse(&play), Err(SidError::Rsid(_))));
        let mut v1 = rsid.clone();
        v1[5] = 1;
        assert_eq!(SidTune::parse(&v1), Err(SidError::BadVersion(1)));
    }
}
