//! The PLA: which chip answers each address, for every combination of the five banking
//! lines.
//!
//! Three lines come from the 6510's I/O port (LORAM, HIRAM, CHAREN, bits 0–2 of $01) and
//! two from the expansion port (GAME, EXROM, pulled high when no cartridge drives them).
//! The CPU's 64 KiB are decided per 4 KiB page; the table below is derived from these
//! rules, which reproduce the C64's 32-mode table:
//!
//! - GAME low with EXROM high is **Ultimax** mode: RAM at $0000–$0FFF, cartridge ROML at
//!   $8000, I/O at $D000, cartridge ROMH at $E000, and nothing at all elsewhere.
//! - Otherwise, with HIRAM and LORAM both low everything is RAM.
//! - $8000–$9FFF: ROML when EXROM is low and LORAM and HIRAM are high.
//! - $A000–$BFFF: with HIRAM high, ROMH when both GAME and EXROM are low (a 16 KiB
//!   cartridge), else BASIC when LORAM is high too; RAM otherwise.
//! - $D000–$DFFF: I/O when CHAREN is high, else the character ROM, except that a 16 KiB
//!   cartridge configuration hides the character ROM while HIRAM is low.
//! - $E000–$FFFF: KERNAL when HIRAM is high.

/// What answers the CPU in one 4 KiB page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// The 64 KiB of RAM.
    Ram,
    /// The BASIC ROM ($A000–$BFFF).
    Basic,
    /// The KERNAL ROM ($E000–$FFFF).
    Kernal,
    /// The character ROM, seen by the CPU at $D000–$DFFF.
    CharRom,
    /// VIC-II, SID, colour RAM, CIAs and the expansion port's I/O areas.
    Io,
    /// Cartridge ROM at $8000–$9FFF.
    RomL,
    /// Cartridge ROM at $A000–$BFFF (16 KiB mode) or $E000–$FFFF (Ultimax).
    RomH,
    /// Nothing (Ultimax mode's holes): reads see the bus's last value, writes vanish.
    Open,
}

/// The five banking lines, high = `true`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BankingLines {
    /// LORAM ($01 bit 0).
    pub loram: bool,
    /// HIRAM ($01 bit 1).
    pub hiram: bool,
    /// CHAREN ($01 bit 2).
    pub charen: bool,
    /// GAME, from the expansion port.
    pub game: bool,
    /// EXROM, from the expansion port.
    pub exrom: bool,
}

impl BankingLines {
    /// The lines as the mode number used by the C64's memory tables (0–31): EXROM, GAME,
    /// CHAREN, HIRAM, LORAM from bit 4 down to bit 0.
    pub const fn mode(self) -> usize {
        (self.exrom as usize) << 4
            | (self.game as usize) << 3
            | (self.charen as usize) << 2
            | (self.hiram as usize) << 1
            | self.loram as usize
    }

    /// The lines of mode number `mode` (0–31).
    pub const fn from_mode(mode: usize) -> Self {
        Self {
            loram: mode & 1 != 0,
            hiram: mode & 2 != 0,
            charen: mode & 4 != 0,
            game: mode & 8 != 0,
            exrom: mode & 16 != 0,
        }
    }

    /// Whether the cartridge lines select Ultimax mode.
    pub const fn ultimax(self) -> bool {
        !self.game && self.exrom
    }
}

/// The CPU's memory map: one [`Region`] per 4 KiB page.
pub type CpuMap = [Region; 16];

/// The CPU's memory map for `lines`.
pub const fn cpu_map(lines: BankingLines) -> CpuMap {
    use Region::*;
    if lines.ultimax() {
        return [
            Ram, Open, Open, Open, Open, Open, Open, Open, RomL, RomL, Open, Open, Open, Io, RomH,
            RomH,
        ];
    }
    let mut map = [Ram; 16];
    if !lines.hiram && !lines.loram {
        return map;
    }
    let sixteen_k = !lines.game && !lines.exrom;
    if !lines.exrom && lines.loram && lines.hiram {
        map[0x8] = RomL;
        map[0x9] = RomL;
    }
    let basic_area = if !lines.hiram {
        Ram
    } else if sixteen_k {
        RomH
    } else if lines.loram {
        Basic
    } else {
        Ram
    };
    map[0xa] = basic_area;
    map[0xb] = basic_area;
    map[0xd] = if lines.charen {
        Io
    } else if sixteen_k && !lines.hiram {
        Ram
    } else {
        CharRom
    };
    if lines.hiram {
        map[0xe] = Kernal;
        map[0xf] = Kernal;
    }
    map
}

/// The CPU maps of all 32 modes, indexed by [`BankingLines::mode`].
pub const CPU_MAPS: [CpuMap; 32] = {
    let mut maps = [[Region::Ram; 16]; 32];
    let mut mode = 0;
    while mode < 32 {
        maps[mode] = cpu_map(BankingLines::from_mode(mode));
        mode += 1;
    }
    maps
};

/// What the VIC-II sees at a 14-bit address of its 16 KiB bank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VicRegion {
    /// RAM, at the bank's base plus the address.
    Ram,
    /// The character ROM, at the address minus $1000.
    CharRom,
    /// Cartridge ROMH (Ultimax mode), at the address minus $2000 ($3000–$3FFF of a bank).
    RomH,
}

/// What the VIC-II reads at `address` (14 bits) of bank `bank` (0–3, bank 0 = $0000) with
/// the cartridge in Ultimax mode or not.
pub const fn vic_region(bank: u8, address: u16, ultimax: bool) -> VicRegion {
    let high_nibble = address & 0x3000;
    if ultimax {
        if high_nibble == 0x3000 {
            VicRegion::RomH
        } else {
            VicRegion::Ram
        }
    } else if high_nibble == 0x1000 && bank & 1 == 0 {
        VicRegion::CharRom
    } else {
        VicRegion::Ram
    }
}

#[cfg(test)]
mod tests {
    use super::Region::*;
    use super::*;

    /// The C64 Programmer's Reference memory table, one row per mode, pages
    /// $1000–$7FFF, $8000–$9FFF, $A000–$BFFF, $C000–$CFFF, $D000–$DFFF, $E000–$FFFF.
    const TABLE: [(usize, [Region; 6]); 32] = [
        (31, [Ram, Ram, Basic, Ram, Io, Kernal]),
        (30, [Ram, Ram, Ram, Ram, Io, Kernal]),
        (29, [Ram, Ram, Ram, Ram, Io, Ram]),
        (28, [Ram, Ram, Ram, Ram, Ram, Ram]),
        (27, [Ram, Ram, Basic, Ram, CharRom, Kernal]),
        (26, [Ram, Ram, Ram, Ram, CharRom, Kernal]),
        (25, [Ram, Ram, Ram, Ram, CharRom, Ram]),
        (24, [Ram, Ram, Ram, Ram, Ram, Ram]),
        (23, [Open, RomL, Open, Open, Io, RomH]),
        (22, [Open, RomL, Open, Open, Io, RomH]),
        (21, [Open, RomL, Open, Open, Io, RomH]),
        (20, [Open, RomL, Open, Open, Io, RomH]),
        (19, [Open, RomL, Open, Open, Io, RomH]),
        (18, [Open, RomL, Open, Open, Io, RomH]),
        (17, [Open, RomL, Open, Open, Io, RomH]),
        (16, [Open, RomL, Open, Open, Io, RomH]),
        (15, [Ram, RomL, Basic, Ram, Io, Kernal]),
        (14, [Ram, Ram, Ram, Ram, Io, Kernal]),
        (13, [Ram, Ram, Ram, Ram, Io, Ram]),
        (12, [Ram, Ram, Ram, Ram, Ram, Ram]),
        (11, [Ram, RomL, Basic, Ram, CharRom, Kernal]),
        (10, [Ram, Ram, Ram, Ram, CharRom, Kernal]),
        (9, [Ram, Ram, Ram, Ram, CharRom, Ram]),
        (8, [Ram, Ram, Ram, Ram, Ram, Ram]),
        (7, [Ram, RomL, RomH, Ram, Io, Kernal]),
        (6, [Ram, Ram, RomH, Ram, Io, Kernal]),
        (5, [Ram, Ram, Ram, Ram, Io, Ram]),
        (4, [Ram, Ram, Ram, Ram, Ram, Ram]),
        (3, [Ram, RomL, RomH, Ram, CharRom, Kernal]),
        (2, [Ram, Ram, RomH, Ram, CharRom, Kernal]),
        (1, [Ram, Ram, Ram, Ram, Ram, Ram]),
        (0, [Ram, Ram, Ram, Ram, Ram, Ram]),
    ];

    #[test]
    fn all_32_modes_match_the_reference_table() {
        for (mode, expected) in TABLE {
            let map = CPU_MAPS[mode];
            assert_eq!(map[0], Ram, "mode {mode}: zero page");
            let pages = [
                (0x1..=0x7, 0),
                (0x8..=0x9, 1),
                (0xa..=0xb, 2),
                (0xc..=0xc, 3),
                (0xd..=0xd, 4),
                (0xe..=0xf, 5),
            ];
            for (range, column) in pages {
                for page in range {
                    assert_eq!(
                        map[page], expected[column],
                        "mode {mode}, page ${page:x}000"
                    );
                }
            }
        }
    }

    #[test]
    fn mode_numbers_round_trip() {
        for mode in 0..32 {
            assert_eq!(BankingLines::from_mode(mode).mode(), mode);
        }
    }

    #[test]
    fn the_vic_sees_the_character_rom_in_banks_0_and_2_only() {
        assert_eq!(vic_region(0, 0x1000, false), VicRegion::CharRom);
        assert_eq!(vic_region(2, 0x1fff, false), VicRegion::CharRom);
        assert_eq!(vic_region(1, 0x1000, false), VicRegion::Ram);
        assert_eq!(vic_region(3, 0x1800, false), VicRegion::Ram);
        assert_eq!(vic_region(0, 0x2000, false), VicRegion::Ram);
        assert_eq!(vic_region(1, 0x3800, true), VicRegion::RomH);
        assert_eq!(vic_region(0, 0x1000, true), VicRegion::Ram);
    }
}
