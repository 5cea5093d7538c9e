//! Cartridge images (`.crt`, the CCS64 format as VICE documents it).
//!
//! The header (all numbers big-endian): `C64 CARTRIDGE   ` ($00–$0F), header length
//! ($10, 32 bits, normally $40), version ($14), hardware type ($16), the EXROM and GAME
//! line levels the cartridge sets at power-on ($18, $19: 0 = pulled low, active),
//! hardware revision ($1A), name ($20–$3F). Then, from the header length on, `CHIP`
//! packets: `CHIP`, packet length (32 bits, including its 16-byte header), chip type
//! (0 ROM, 1 RAM, 2 flash), bank, load address, image size, then the image.
//!
//! This module reads and checks the container; [`Cartridge`](crate::cartridge::Cartridge)
//! checks that the chips suit the hardware type and emulates it.

/// The signature a C64 cartridge image starts with.
pub const MAGIC: &[u8; 16] = b"C64 CARTRIDGE   ";

/// Length of the smallest header (the fields up to the name).
const MIN_HEADER_LEN: usize = 0x40;
/// Length of a CHIP packet's header.
const CHIP_HEADER_LEN: usize = 0x10;

/// A chip's contents as the image stores them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    /// 0 ROM, 1 RAM (no contents), 2 flash ROM, 3 EEPROM.
    pub chip_type: u16,
    /// The bank the chip belongs to.
    pub bank: u16,
    /// Where the chip appears in the C64's memory ($8000, $A000 or $E000 usually).
    pub load_address: u16,
    /// The image (empty for RAM).
    pub data: Vec<u8>,
}

/// A cartridge image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrtImage {
    /// The hardware type (0 normal, 5 Ocean type 1, 15 C64 Game System, 17 Dinamic,
    /// 19 Magic Desk, 32 EasyFlash, …).
    pub hardware: u16,
    /// The EXROM line's level at power-on (`true` = high, inactive).
    pub exrom: bool,
    /// The GAME line's level at power-on (`true` = high, inactive).
    pub game: bool,
    /// The hardware revision (subtype).
    pub revision: u8,
    /// The cartridge's name.
    pub name: String,
    /// The chips, in file order.
    pub chips: Vec<Chip>,
}

/// Why bytes are not a usable cartridge image.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CrtError {
    /// The file does not start with `C64 CARTRIDGE`.
    #[error("not a C64 cartridge image (no \"C64 CARTRIDGE\" signature)")]
    BadMagic,
    /// The file ends inside its header.
    #[error("{0} bytes is too short for a cartridge header")]
    TruncatedHeader(usize),
    /// The header length points outside the file or inside the fixed fields.
    #[error("header length {0} is impossible")]
    BadHeaderLength(u32),
    /// Something other than a CHIP packet follows the header or a packet.
    #[error("no CHIP packet at offset {0}")]
    BadChipMagic(usize),
    /// A CHIP packet runs past the end of the file.
    #[error("the CHIP packet at offset {offset} needs {needed} bytes; {left} are left")]
    TruncatedChip {
        /// Where the packet starts.
        offset: usize,
        /// Bytes it claims.
        needed: usize,
        /// Bytes the file has from there.
        left: usize,
    },
    /// The packet length cannot hold the image size it gives.
    #[error(
        "the CHIP packet at offset {offset} is {packet} bytes long but holds a {size}-byte image"
    )]
    ChipLengthMismatch {
        /// Where the packet starts.
        offset: usize,
        /// The packet length.
        packet: u32,
        /// The image size.
        size: u16,
    },
    /// The image holds no chip.
    #[error("the image holds no CHIP packet")]
    NoChips,
    /// A hardware type this C64 does not have.
    #[error("cartridge hardware type {0} ({name}) is not supported (supported: 0 normal, 5 Ocean, 15 C64 Game System, 17 Dinamic, 19 Magic Desk, 32 EasyFlash)", name = hardware_name(*.0))]
    UnsupportedHardware(u16),
    /// A chip the hardware type cannot hold.
    #[error(
        "chip {index} (bank {bank}, ${address:04x}, {size} bytes) does not fit {hardware}: {reason}"
    )]
    BadChip {
        /// The chip's position in the file, from 0.
        index: usize,
        /// Its bank.
        bank: u16,
        /// Its load address.
        address: u16,
        /// Its size.
        size: usize,
        /// The hardware's name.
        hardware: &'static str,
        /// Why.
        reason: &'static str,
    },
}

/// The name of hardware type `hardware`, for messages.
pub fn hardware_name(hardware: u16) -> &'static str {
    match hardware {
        0 => "normal cartridge",
        1 => "Action Replay",
        2 => "KCS Power Cartridge",
        3 => "Final Cartridge III",
        4 => "Simons' BASIC",
        5 => "Ocean type 1",
        6 => "Expert Cartridge",
        7 => "Fun Play",
        8 => "Super Games",
        9 => "Atomic Power",
        10 => "Epyx FastLoad",
        11 => "Westermann Learning",
        12 => "Rex Utility",
        13 => "Final Cartridge I",
        14 => "Magic Formel",
        15 => "C64 Game System",
        16 => "Warp Speed",
        17 => "Dinamic",
        18 => "Zaxxon",
        19 => "Magic Desk",
        20 => "Super Snapshot V5",
        21 => "Comal-80",
        32 => "EasyFlash",
        _ => "unknown",
    }
}

impl CrtImage {
    /// Reads a cartridge image's header and CHIP packets.
    pub fn parse(bytes: &[u8]) -> Result<Self, CrtError> {
        if bytes.is_empty() || !bytes.starts_with(&MAGIC[..bytes.len().min(MAGIC.len())]) {
            return Err(CrtError::BadMagic);
        }
        if bytes.len() < MIN_HEADER_LEN {
            return Err(CrtError::TruncatedHeader(bytes.len()));
        }
        let be16 = |at: usize| u16::from_be_bytes([bytes[at], bytes[at + 1]]);
        let be32 = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let header_len = be32(0x10);
        // Old images write $20 (the length of the fields before the name); the name
        // still takes its 32 bytes, so packets start at $40 then.
        let chips_start = match usize::try_from(header_len) {
            Ok(0x20) => MIN_HEADER_LEN,
            Ok(len) if (MIN_HEADER_LEN..=bytes.len()).contains(&len) => len,
            _ => return Err(CrtError::BadHeaderLength(header_len)),
        };
        let name_field = &bytes[0x20..0x40];
        let name_end = name_field.iter().position(|&b| b == 0).unwrap_or(32);
        let name = name_field[..name_end]
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    char::from(b)
                } else {
                    '?'
                }
            })
            .collect::<String>()
            .trim_end()
            .to_owned();
        let mut chips = Vec::new();
        let mut offset = chips_start;
        // Padding after the last packet (some tools round files up) is ignored when it
        // is shorter than a packet header.
        while bytes.len() - offset >= CHIP_HEADER_LEN {
            let packet = &bytes[offset..];
            if &packet[..4] != b"CHIP" {
                return Err(CrtError::BadChipMagic(offset));
            }
            let at = |field: usize| offset + field;
            let packet_len = be32(at(4));
            let size = be16(at(0x0e));
            if (packet_len as usize) < CHIP_HEADER_LEN + usize::from(size) {
                return Err(CrtError::ChipLengthMismatch {
                    offset,
                    packet: packet_len,
                    size,
                });
            }
            let needed = packet_len as usize;
            if needed > packet.len() {
                return Err(CrtError::TruncatedChip {
                    offset,
                    needed,
                    left: packet.len(),
                });
            }
            let chip_type = be16(at(8));
            let data = packet[CHIP_HEADER_LEN..CHIP_HEADER_LEN + usize::from(size)].to_vec();
            chips.push(Chip {
                chip_type,
                bank: be16(at(0x0a)),
                load_address: be16(at(0x0c)),
                data,
            });
            offset += needed;
        }
        if chips.is_empty() {
            return Err(CrtError::NoChips);
        }
        Ok(Self {
            hardware: be16(0x16),
            exrom: bytes[0x18] != 0,
            game: bytes[0x19] != 0,
            revision: bytes[0x1a],
            name,
            chips,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An image of `hardware` with `chips` (bank, address, data).
    fn crt(hardware: u16, exrom: u8, game: u8, chips: &[(u16, u16, Vec<u8>)]) -> Vec<u8> {
        let mut image = MAGIC.to_vec();
        image.extend_from_slice(&0x40u32.to_be_bytes());
        image.extend_from_slice(&0x0100u16.to_be_bytes());
        image.extend_from_slice(&hardware.to_be_bytes());
        image.extend_from_slice(&[exrom, game, 0, 0, 0, 0, 0, 0]);
        let mut name = [0u8; 32];
        name[..4].copy_from_slice(b"TEST");
        image.extend_from_slice(&name);
        for (bank, address, data) in chips {
            image.extend_from_slice(b"CHIP");
            image.extend_from_slice(&(0x10 + data.len() as u32).to_be_bytes());
            image.extend_from_slice(&0u16.to_be_bytes());
            image.extend_from_slice(&bank.to_be_bytes());
            image.extend_from_slice(&address.to_be_bytes());
            image.extend_from_slice(&(data.len() as u16).to_be_bytes());
            image.extend_from_slice(data);
        }
        image
    }

    #[test]
    fn reads_header_and_chips() {
        let image = crt(
            5,
            0,
            0,
            &[(0, 0x8000, vec![1; 0x2000]), (1, 0x8000, vec![2; 0x2000])],
        );
        let parsed = CrtImage::parse(&image).unwrap();
        assert_eq!(
            (parsed.hardware, parsed.exrom, parsed.game),
            (5, false, false)
        );
        assert_eq!(parsed.name, "TEST");
        assert_eq!(parsed.chips.len(), 2);
        assert_eq!(parsed.chips[1].bank, 1);
        assert_eq!(parsed.chips[1].data[0], 2);
    }

    #[test]
    fn broken_images_are_refused() {
        assert_eq!(
            CrtImage::parse(b"C64 CART"),
            Err(CrtError::TruncatedHeader(8))
        );
        assert_eq!(CrtImage::parse(b"C65 CARTRIDGE"), Err(CrtError::BadMagic));
        let good = crt(0, 0, 1, &[(0, 0x8000, vec![0; 0x2000])]);
        let mut truncated = good.clone();
        truncated.truncate(good.len() - 1);
        assert!(matches!(
            CrtImage::parse(&truncated),
            Err(CrtError::TruncatedChip { offset: 0x40, .. })
        ));
        let mut lying_header = good.clone();
        lying_header[0x10..0x14].copy_from_slice(&0xffff_ffffu32.to_be_bytes());
        assert_eq!(
            CrtImage::parse(&lying_header),
            Err(CrtError::BadHeaderLength(0xffff_ffff))
        );
        let mut lying_packet = good.clone();
        lying_packet[0x44..0x48].copy_from_slice(&0x10u32.to_be_bytes());
        assert!(matches!(
            CrtImage::parse(&lying_packet),
            Err(CrtError::ChipLengthMismatch { .. })
        ));
        let mut not_a_chip = good.clone();
        not_a_chip[0x40] = b'X';
        assert_eq!(
            CrtImage::parse(&not_a_chip),
            Err(CrtError::BadChipMagic(0x40))
        );
        assert_eq!(CrtImage::parse(&good[..0x40]), Err(CrtError::NoChips));
    }
}
