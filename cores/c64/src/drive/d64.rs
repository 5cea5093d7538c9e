//! The `.d64` disk image: the 1541's 35 (or 40) tracks of 256-byte sectors, optionally
//! followed by one error byte per sector; the BAM and disk header at 18/0, the directory
//! chain from 18/1, and files as chains of sectors (two link bytes, 254 bytes of data).
//!
//! Every chain is followed with its track and sector checked and each sector visited at
//! most once, so a corrupt image reports `66,ILLEGAL TRACK AND SECTOR` (or the read error
//! its error byte records) instead of looping. Changes are made on a copy, so an
//! operation that fails (disk full, a bad chain) leaves the image as it was.

use super::status::DosStatus;
use super::{DirEntry, Directory, FileType};

/// The sectors of a 35-track disk.
const SECTORS_35: usize = 683;
/// The sectors of a 40-track disk.
const SECTORS_40: usize = 768;
/// The directory and BAM track.
const DIR_TRACK: u8 = 18;
/// The sectors a new directory sector is placed apart, as the 1541 does.
const DIR_INTERLEAVE: u8 = 3;
/// The sectors between two sectors of a file, as the 1541 writes them.
const FILE_INTERLEAVE: u8 = 10;
/// Where the BAM of tracks 36–40 lives on 40-track disks (the SpeedDOS layout).
const BAM_40: usize = 0xc0;

/// Why bytes are not a `.d64` image.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "a .d64 image is 174848 or 196608 bytes (35 or 40 tracks), or 175531 or 197376 with \
     error bytes; this one is {0} bytes"
)]
pub struct ImageSizeError(pub usize);

/// Sectors on `track` (1-based).
fn sectors_in(track: u8) -> u8 {
    match track {
        1..=17 => 21,
        18..=24 => 19,
        25..=30 => 18,
        _ => 17,
    }
}

/// A `.d64` image in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct D64 {
    /// The sectors, track 1 sector 0 first.
    data: Vec<u8>,
    /// One error byte per sector, if the image has them (1 = no error).
    errors: Option<Vec<u8>>,
    /// 35 or 40.
    tracks: u8,
}

/// A sector of a chain: its track, sector and 256 bytes.
type ChainSector<'a> = (u8, u8, &'a [u8]);

/// A directory entry's place: the sector and the offset of its 32 bytes.
#[derive(Clone, Copy, Debug)]
struct Slot {
    track: u8,
    sector: u8,
    offset: usize,
}

impl D64 {
    /// Reads an image, checking its size strictly.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ImageSizeError> {
        let (sectors, with_errors) = match bytes.len() {
            n if n == SECTORS_35 * 256 => (SECTORS_35, false),
            n if n == SECTORS_35 * 257 => (SECTORS_35, true),
            n if n == SECTORS_40 * 256 => (SECTORS_40, false),
            n if n == SECTORS_40 * 257 => (SECTORS_40, true),
            n => return Err(ImageSizeError(n)),
        };
        let (data, errors) = bytes.split_at(sectors * 256);
        Ok(Self {
            data: data.to_vec(),
            errors: with_errors.then(|| errors.to_vec()),
            tracks: if sectors == SECTORS_35 { 35 } else { 40 },
        })
    }

    /// A freshly formatted disk of `tracks` (35 or 40) tracks.
    pub fn formatted(tracks: u8, name: &[u8], id: [u8; 2]) -> Self {
        let sectors = if tracks == 40 { SECTORS_40 } else { SECTORS_35 };
        let mut image = Self {
            data: vec![0; sectors * 256],
            errors: None,
            tracks: if tracks == 40 { 40 } else { 35 },
        };
        image.format(name, Some(id));
        image
    }

    /// The image as a `.d64` file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.data.clone();
        if let Some(errors) = &self.errors {
            bytes.extend_from_slice(errors);
        }
        bytes
    }

    /// The sector's index in the image, if the track and sector exist.
    fn index(&self, track: u8, sector: u8) -> Option<usize> {
        if track == 0 || track > self.tracks || sector >= sectors_in(track) {
            return None;
        }
        let before: usize = (1..track).map(|t| usize::from(sectors_in(t))).sum();
        Some(before + usize::from(sector))
    }

    /// A sector's 256 bytes, or the DOS error reading it gives.
    fn sector(&self, track: u8, sector: u8) -> Result<&[u8], DosStatus> {
        let index = self
            .index(track, sector)
            .ok_or(DosStatus::at(66, track, sector))?;
        if let Some(errors) = &self.errors {
            let code = match errors[index] {
                0 | 1 => 0,
                2 => 20,
                3 => 21,
                4 => 22,
                5 => 23,
                6 => 24,
                7 => 25,
                8 => 26,
                9 => 27,
                10 => 28,
                11 => 29,
                15 => 74,
                _ => 0,
            };
            if code != 0 {
                return Err(DosStatus::at(code, track, sector));
            }
        }
        Ok(&self.data[index * 256..index * 256 + 256])
    }

    fn sector_mut(&mut self, track: u8, sector: u8) -> Result<&mut [u8], DosStatus> {
        let index = self
            .index(track, sector)
            .ok_or(DosStatus::at(66, track, sector))?;
        if let Some(errors) = &mut self.errors {
            errors[index] = 1;
        }
        Ok(&mut self.data[index * 256..index * 256 + 256])
    }

    /// Follows the chain from `track`/`sector`: each sector's track, sector and bytes.
    /// A link out of range, a sector met twice or a sector with a read error stops it
    /// with that error, after the sectors before it.
    fn chain(&self, track: u8, sector: u8) -> (Vec<ChainSector<'_>>, Option<DosStatus>) {
        let mut seen = vec![false; self.data.len() / 256];
        let mut sectors = Vec::new();
        let (mut track, mut sector) = (track, sector);
        loop {
            let Some(index) = self.index(track, sector) else {
                return (sectors, Some(DosStatus::at(66, track, sector)));
            };
            if std::mem::replace(&mut seen[index], true) {
                return (sectors, Some(DosStatus::at(66, track, sector)));
            }
            let bytes = match self.sector(track, sector) {
                Ok(bytes) => bytes,
                Err(status) => return (sectors, Some(status)),
            };
            sectors.push((track, sector, bytes));
            if bytes[0] == 0 {
                return (sectors, None);
            }
            (track, sector) = (bytes[0], bytes[1]);
        }
    }

    /// A file's bytes from its first sector, and the error that cut it short, if any.
    fn file_data(&self, track: u8, sector: u8) -> (Vec<u8>, Option<DosStatus>) {
        let (sectors, error) = self.chain(track, sector);
        let mut data = Vec::with_capacity(sectors.len() * 254);
        for (_, _, bytes) in sectors {
            let end = if bytes[0] == 0 {
                usize::from(bytes[1]).clamp(1, 255) + 1
            } else {
                256
            };
            data.extend_from_slice(&bytes[2..end]);
        }
        (data, error)
    }

    /// The directory's slots (all of them, used or not), and the error that ended the
    /// chain early.
    fn slots(&self) -> (Vec<Slot>, Option<DosStatus>) {
        let bam = match self.sector(DIR_TRACK, 0) {
            Ok(bam) => bam,
            Err(status) => return (Vec::new(), Some(status)),
        };
        let (sectors, error) = self.chain(bam[0], bam[1]);
        let slots = sectors
            .iter()
            .flat_map(|&(track, sector, _)| {
                (0..8).map(move |i| Slot {
                    track,
                    sector,
                    offset: i * 32,
                })
            })
            .collect();
        (slots, error)
    }

    fn entry(&self, slot: Slot) -> &[u8] {
        let index = self.index(slot.track, slot.sector).expect("a listed slot");
        &self.data[index * 256 + slot.offset..index * 256 + slot.offset + 32]
    }

    fn entry_mut(&mut self, slot: Slot) -> &mut [u8] {
        let index = self.index(slot.track, slot.sector).expect("a listed slot");
        &mut self.data[index * 256 + slot.offset..index * 256 + slot.offset + 32]
    }

    /// The name stored in an entry, without its shifted-space padding.
    fn entry_name(entry: &[u8]) -> &[u8] {
        let name = &entry[5..21];
        let end = name.iter().position(|&b| b == 0xa0).unwrap_or(16);
        &name[..end]
    }

    /// The used slot holding `name` exactly.
    fn find(&self, name: &[u8]) -> Result<Option<Slot>, DosStatus> {
        let (slots, error) = self.slots();
        let found = slots.into_iter().find(|&slot| {
            let entry = self.entry(slot);
            entry[2] != 0 && Self::entry_name(entry) == name
        });
        match (found, error) {
            (Some(slot), _) => Ok(Some(slot)),
            (None, Some(error)) => Err(error),
            (None, None) => Ok(None),
        }
    }

    /// The directory as the DOS lists it.
    pub fn directory(&self) -> Directory {
        let (mut name, mut id) = ([0xa0; 16], [0xa0; 5]);
        let mut free = 0;
        let mut error = None;
        match self.sector(DIR_TRACK, 0) {
            Ok(bam) => {
                name.copy_from_slice(&bam[0x90..0xa0]);
                id.copy_from_slice(&bam[0xa2..0xa7]);
                free = self.blocks_free();
            }
            Err(status) => error = Some(status),
        }
        let (slots, chain_error) = self.slots();
        let entries = slots
            .into_iter()
            .map(|slot| self.entry(slot))
            .filter(|entry| entry[2] != 0)
            .map(|entry| DirEntry {
                name: Self::entry_name(entry).to_vec(),
                kind: FileType::from_bits(entry[2]),
                closed: entry[2] & 0x80 != 0,
                locked: entry[2] & 0x40 != 0,
                blocks: u16::from_le_bytes([entry[30], entry[31]]),
            })
            .collect();
        Directory {
            name,
            id,
            entries,
            blocks_free: free,
            error: error.or(chain_error),
        }
    }

    /// The directory as a file, as the 1541 sends `$` on a secondary address other than
    /// 0: the data bytes of the BAM sector and of each directory sector.
    pub fn raw_directory(&self) -> (Vec<u8>, Option<DosStatus>) {
        self.file_data(DIR_TRACK, 0)
    }

    /// The bytes of the file named `name`, and the error that cut it short, if any.
    pub fn read(&self, name: &[u8]) -> (Vec<u8>, Option<DosStatus>) {
        match self.find(name) {
            Ok(Some(slot)) => {
                let entry = self.entry(slot);
                self.file_data(entry[3], entry[4])
            }
            Ok(None) => (Vec::new(), Some(DosStatus::new(62))),
            Err(error) => (Vec::new(), Some(error)),
        }
    }

    // --- The BAM --------------------------------------------------------------------

    /// Where the BAM entry (free count, three bitmap bytes) of `track` is in 18/0.
    fn bam_offset(track: u8) -> usize {
        if track <= 35 {
            4 * usize::from(track)
        } else {
            BAM_40 + 4 * usize::from(track - 36)
        }
    }

    fn bam(&self) -> &[u8] {
        let index = self.index(DIR_TRACK, 0).expect("18/0 exists");
        &self.data[index * 256..index * 256 + 256]
    }

    fn bam_mut(&mut self) -> &mut [u8] {
        let index = self.index(DIR_TRACK, 0).expect("18/0 exists");
        &mut self.data[index * 256..index * 256 + 256]
    }

    fn is_free(&self, track: u8, sector: u8) -> bool {
        let at = Self::bam_offset(track) + 1 + usize::from(sector / 8);
        self.bam()[at] & (1 << (sector % 8)) != 0
    }

    fn set_free(&mut self, track: u8, sector: u8, free: bool) {
        let entry = Self::bam_offset(track);
        let at = entry + 1 + usize::from(sector / 8);
        let bit = 1 << (sector % 8);
        let bam = self.bam_mut();
        let was = bam[at] & bit != 0;
        if was == free {
            return;
        }
        if free {
            bam[at] |= bit;
            bam[entry] = bam[entry].wrapping_add(1);
        } else {
            bam[at] &= !bit;
            bam[entry] = bam[entry].wrapping_sub(1);
        }
    }

    /// The free blocks the directory reports: every track but 18.
    fn blocks_free(&self) -> u16 {
        (1..=self.tracks)
            .filter(|&track| track != DIR_TRACK)
            .map(|track| u16::from(self.bam()[Self::bam_offset(track)]))
            .sum()
    }

    /// The tracks files go on, nearest the directory first, alternating below and above.
    fn file_tracks(&self) -> Vec<u8> {
        let mut order = Vec::new();
        for distance in 1..self.tracks {
            for track in [
                DIR_TRACK.checked_sub(distance),
                DIR_TRACK.checked_add(distance),
            ]
            .into_iter()
            .flatten()
            {
                if (1..=self.tracks).contains(&track) {
                    order.push(track);
                }
            }
        }
        order
    }

    /// A free sector on `track`, from `start` on (wrapping).
    fn free_on(&self, track: u8, start: u8) -> Option<u8> {
        let count = sectors_in(track);
        (0..count)
            .map(|i| (start + i) % count)
            .find(|&sector| self.is_free(track, sector))
    }

    /// Allocates the sector to follow `previous` (or the first of a file), as the 1541
    /// places them.
    fn allocate(&mut self, previous: Option<(u8, u8)>) -> Result<(u8, u8), DosStatus> {
        let order = self.file_tracks();
        let (from, start) = match previous {
            Some((track, sector)) => (
                order.iter().position(|&t| t == track).unwrap_or(0),
                (sector + FILE_INTERLEAVE) % sectors_in(track),
            ),
            None => (0, 0),
        };
        for &track in &order[from..] {
            let start = if previous.is_some_and(|(t, _)| t == track) {
                start
            } else {
                0
            };
            if let Some(sector) = self.free_on(track, start) {
                self.set_free(track, sector, false);
                return Ok((track, sector));
            }
        }
        Err(DosStatus::new(72))
    }

    /// Frees every sector of the chain from `track`/`sector` (a corrupt chain is freed as
    /// far as it is valid).
    fn free_chain(&mut self, track: u8, sector: u8) {
        let sectors: Vec<(u8, u8)> = self
            .chain(track, sector)
            .0
            .into_iter()
            .map(|(t, s, _)| (t, s))
            .collect();
        for (t, s) in sectors {
            self.set_free(t, s, true);
        }
    }

    // --- Changes, each on a copy --------------------------------------------------

    /// Applies `change` to a copy and keeps it only if it succeeds.
    fn transaction<T>(
        &mut self,
        change: impl FnOnce(&mut Self) -> Result<T, DosStatus>,
    ) -> Result<T, DosStatus> {
        let mut copy = self.clone();
        let value = change(&mut copy)?;
        *self = copy;
        Ok(value)
    }

    /// Writes `data` into a new chain; its first sector and the blocks it took.
    fn write_chain(&mut self, data: &[u8]) -> Result<((u8, u8), u16), DosStatus> {
        let chunks: Vec<&[u8]> = if data.is_empty() {
            vec![&[]]
        } else {
            data.chunks(254).collect()
        };
        let mut placed = Vec::with_capacity(chunks.len());
        let mut previous = None;
        for _ in &chunks {
            let at = self.allocate(previous)?;
            placed.push(at);
            previous = Some(at);
        }
        for (i, chunk) in chunks.iter().enumerate() {
            let (track, sector) = placed[i];
            let (link_track, link_sector) = match placed.get(i + 1) {
                Some(&next) => next,
                None => (0, chunk.len() as u8 + 1),
            };
            let bytes = self.sector_mut(track, sector)?;
            bytes.fill(0);
            bytes[0] = link_track;
            bytes[1] = link_sector;
            bytes[2..2 + chunk.len()].copy_from_slice(chunk);
        }
        Ok((placed[0], placed.len() as u16))
    }

    /// A free directory slot, adding a directory sector if every one is used.
    fn free_slot(&mut self) -> Result<Slot, DosStatus> {
        let (slots, error) = self.slots();
        if let Some(error) = error {
            return Err(error);
        }
        if let Some(&slot) = slots.iter().find(|&&slot| self.entry(slot)[2] == 0) {
            return Ok(slot);
        }
        let last = *slots.last().ok_or(DosStatus::new(71))?;
        let start = (last.sector + DIR_INTERLEAVE) % sectors_in(DIR_TRACK);
        let sector = self.free_on(DIR_TRACK, start).ok_or(DosStatus::new(72))?;
        self.set_free(DIR_TRACK, sector, false);
        let new = self.sector_mut(DIR_TRACK, sector)?;
        new.fill(0);
        new[1] = 0xff;
        let link = self.sector_mut(last.track, last.sector)?;
        link[0] = DIR_TRACK;
        link[1] = sector;
        Ok(Slot {
            track: DIR_TRACK,
            sector,
            offset: 0,
        })
    }

    /// Writes a closed file named `name` of `kind`; with `replace` an existing file of
    /// that name is replaced, otherwise it is `63,FILE EXISTS`.
    pub fn write(
        &mut self,
        name: &[u8],
        kind: FileType,
        data: &[u8],
        replace: bool,
    ) -> Result<(), DosStatus> {
        self.transaction(|image| {
            let existing = image.find(name)?;
            if existing.is_some() && !replace {
                return Err(DosStatus::new(63));
            }
            let ((track, sector), blocks) = image.write_chain(data)?;
            let slot = match existing {
                Some(slot) => {
                    let old = image.entry(slot);
                    let (old_track, old_sector) = (old[3], old[4]);
                    image.free_chain(old_track, old_sector);
                    slot
                }
                None => image.free_slot()?,
            };
            let entry = image.entry_mut(slot);
            // Bytes 0–1 of the first entry of a sector are the sector's link: keep them.
            entry[2..].fill(0);
            entry[2] = 0x80 | kind as u8;
            entry[3] = track;
            entry[4] = sector;
            entry[5..21].fill(0xa0);
            entry[5..5 + name.len().min(16)].copy_from_slice(&name[..name.len().min(16)]);
            entry[30..32].copy_from_slice(&blocks.to_le_bytes());
            Ok(())
        })
    }

    /// Scratches the file named `name`: true if there was one (locked files stay).
    pub fn scratch(&mut self, name: &[u8]) -> Result<bool, DosStatus> {
        self.transaction(|image| {
            let Some(slot) = image.find(name)? else {
                return Ok(false);
            };
            let entry = image.entry(slot);
            if entry[2] & 0x40 != 0 {
                return Ok(false);
            }
            let (track, sector, closed) = (entry[3], entry[4], entry[2] & 0x80 != 0);
            if closed {
                image.free_chain(track, sector);
            }
            image.entry_mut(slot)[2] = 0;
            Ok(true)
        })
    }

    /// Renames `old` to `new`.
    pub fn rename(&mut self, old: &[u8], new: &[u8]) -> Result<(), DosStatus> {
        self.transaction(|image| {
            if image.find(new)?.is_some() {
                return Err(DosStatus::new(63));
            }
            let slot = image.find(old)?.ok_or(DosStatus::new(62))?;
            let entry = image.entry_mut(slot);
            entry[5..21].fill(0xa0);
            entry[5..5 + new.len().min(16)].copy_from_slice(&new[..new.len().min(16)]);
            Ok(())
        })
    }

    /// `N:`: a new disk named `name`; with `id` a full format, without one only the
    /// directory and BAM are cleared (the ID stays).
    pub fn format(&mut self, name: &[u8], id: Option<[u8; 2]>) {
        let old_id = [self.bam()[0xa2], self.bam()[0xa3]];
        if id.is_some() {
            self.data.fill(0);
            if let Some(errors) = &mut self.errors {
                errors.fill(1);
            }
        }
        let id = id.unwrap_or(old_id);
        let tracks = self.tracks;
        let bam = self.bam_mut();
        bam.fill(0);
        bam[0] = DIR_TRACK;
        bam[1] = 1;
        bam[2] = b'A';
        bam[0x90..0xab].fill(0xa0);
        let name = &name[..name.len().min(16)];
        bam[0x90..0x90 + name.len()].copy_from_slice(name);
        bam[0xa2..0xa4].copy_from_slice(&id);
        bam[0xa5] = b'2';
        bam[0xa6] = b'A';
        for track in 1..=tracks {
            for sector in 0..sectors_in(track) {
                self.set_free(track, sector, true);
            }
        }
        self.set_free(DIR_TRACK, 0, false);
        self.set_free(DIR_TRACK, 1, false);
        let dir = self.sector_mut(DIR_TRACK, 1).expect("18/1 exists");
        dir.fill(0);
        dir[1] = 0xff;
    }

    /// `V`: rebuilds the BAM from the directory, dropping files that were never closed.
    pub fn validate(&mut self) -> Result<(), DosStatus> {
        self.transaction(|image| {
            let (slots, error) = image.slots();
            if let Some(error) = error {
                return Err(error);
            }
            for track in 1..=image.tracks {
                for sector in 0..sectors_in(track) {
                    image.set_free(track, sector, true);
                }
            }
            image.set_free(DIR_TRACK, 0, false);
            for &slot in &slots {
                image.set_free(slot.track, slot.sector, false);
            }
            for slot in slots {
                let entry = image.entry(slot);
                if entry[2] == 0 {
                    continue;
                }
                if entry[2] & 0x80 == 0 {
                    image.entry_mut(slot)[2] = 0;
                    continue;
                }
                let (sectors, error) = image.chain(entry[3], entry[4]);
                if let Some(error) = error {
                    return Err(error);
                }
                let used: Vec<(u8, u8)> = sectors.iter().map(|&(t, s, _)| (t, s)).collect();
                for (track, sector) in used {
                    image.set_free(track, sector, false);
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blank() -> D64 {
        D64::formatted(35, b"TEST", *b"01")
    }

    #[test]
    fn sizes_are_checked_strictly() {
        for size in [174_848, 175_531, 196_608, 197_376] {
            assert!(D64::from_bytes(&vec![0; size]).is_ok(), "{size}");
        }
        assert_eq!(D64::from_bytes(&[0; 174_847]), Err(ImageSizeError(174_847)));
        assert_eq!(
            D64::from_bytes(&vec![0; 40 * 256 * 21]).map(|_| ()),
            Err(ImageSizeError(215_040))
        );
    }

    #[test]
    fn a_new_disk_has_664_blocks_free() {
        let image = blank();
        let dir = image.directory();
        assert_eq!(dir.blocks_free, 664);
        assert!(dir.entries.is_empty());
        assert_eq!(&dir.name[..4], b"TEST");
        assert_eq!(dir.id, [b'0', b'1', 0xa0, b'2', b'A']);
        assert_eq!(
            D64::formatted(40, b"X", *b"01").directory().blocks_free,
            749
        );
    }

    #[test]
    fn files_round_trip_and_take_their_blocks() {
        let mut image = blank();
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        image.write(b"DATA", FileType::Seq, &data, false).unwrap();
        let dir = image.directory();
        assert_eq!(dir.entries[0].blocks, 4);
        assert_eq!(dir.blocks_free, 660);
        assert_eq!(image.read(b"DATA"), (data.clone(), None));
        assert_eq!(
            image.write(b"DATA", FileType::Seq, b"x", false),
            Err(DosStatus::new(63))
        );
        image.write(b"DATA", FileType::Seq, b"short", true).unwrap();
        assert_eq!(image.read(b"DATA").0, b"short");
        assert_eq!(image.directory().blocks_free, 663);
        assert!(image.scratch(b"DATA").unwrap());
        assert_eq!(image.directory().blocks_free, 664);
        // 8 entries fill a directory sector; the ninth adds one on track 18.
        for i in 0..9u8 {
            image
                .write(&[b'F', b'0' + i], FileType::Prg, &[i], false)
                .unwrap();
        }
        let dir = image.directory();
        assert_eq!(dir.entries.len(), 9);
        assert_eq!(image.read(b"F8").0, [8]);
        image.validate().unwrap();
        assert_eq!(image.directory().blocks_free, 664 - 9);
    }

    #[test]
    fn a_full_disk_leaves_the_image_as_it_was() {
        let mut image = blank();
        image
            .write(b"BIG", FileType::Prg, &vec![1; 600 * 254], false)
            .unwrap();
        let before = image.clone();
        assert_eq!(
            image.write(b"MORE", FileType::Prg, &vec![2; 100 * 254], false),
            Err(DosStatus::new(72))
        );
        assert_eq!(image, before);
    }

    #[test]
    fn bad_chains_report_illegal_track_and_sector() {
        let mut image = blank();
        image.write(b"A", FileType::Prg, &[0; 600], false).unwrap();
        let (track, sector) = {
            let (slots, _) = image.slots();
            let entry = image.entry(slots[0]);
            (entry[3], entry[4])
        };
        // A link to track 50.
        image.sector_mut(track, sector).unwrap()[0] = 50;
        let (data, error) = image.read(b"A");
        assert_eq!(data.len(), 254);
        assert_eq!(
            error,
            Some(DosStatus::at(
                66,
                50,
                image.sector(track, sector).unwrap()[1]
            ))
        );
        // A sector linking to itself.
        image.sector_mut(track, sector).unwrap()[..2].copy_from_slice(&[track, sector]);
        assert_eq!(image.read(b"A").1, Some(DosStatus::at(66, track, sector)));
        // A directory linking to itself ends the listing with the error.
        image.sector_mut(DIR_TRACK, 1).unwrap()[..2].copy_from_slice(&[DIR_TRACK, 1]);
        let dir = image.directory();
        assert_eq!(dir.entries.len(), 1);
        assert_eq!(dir.error, Some(DosStatus::at(66, DIR_TRACK, 1)));
    }

    #[test]
    fn damaged_images_never_panic_or_hang() {
        let mut image = blank();
        for i in 0..12u8 {
            image
                .write(
                    &[b'F', b'A' + i],
                    FileType::Prg,
                    &vec![i; 300 * usize::from(i)],
                    false,
                )
                .unwrap();
        }
        let dir_start = image.index(DIR_TRACK, 0).unwrap() * 256;
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..300 {
            let mut damaged = image.clone();
            for _ in 0..40 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // Mostly the BAM and directory (track 18), sometimes the links of any sector.
                let at = if seed.is_multiple_of(4) {
                    (seed as usize >> 8) % (damaged.data.len() / 256) * 256
                        + (seed as usize >> 40) % 2
                } else {
                    dir_start + (seed as usize >> 8) % (19 * 256)
                };
                damaged.data[at] = (seed >> 32) as u8;
            }
            let dir = damaged.directory();
            for entry in &dir.entries {
                let _ = damaged.read(&entry.name);
            }
            let _ = damaged
                .clone()
                .write(b"NEW", FileType::Seq, &[1; 2000], true);
            let _ = damaged.clone().validate();
            let _ = damaged.clone().scratch(b"FC");
            let _ = damaged.clone().rename(b"FD", b"FZ");
        }
    }

    #[test]
    fn error_bytes_give_read_errors() {
        let mut bytes = blank().to_bytes();
        bytes.extend(std::iter::repeat_n(1, SECTORS_35));
        let mut image = D64::from_bytes(&bytes).unwrap();
        image.write(b"A", FileType::Prg, &[1, 2, 3], false).unwrap();
        let (slots, _) = image.slots();
        let (track, sector) = (image.entry(slots[0])[3], image.entry(slots[0])[4]);
        let index = image.index(track, sector).unwrap();
        image.errors.as_mut().unwrap()[index] = 5;
        assert_eq!(image.read(b"A").1, Some(DosStatus::at(23, track, sector)));
        assert_eq!(image.to_bytes().len(), 175_531);
    }
}
