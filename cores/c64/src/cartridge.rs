//! The expansion port's cartridges: ROM banks at ROML ($8000) and ROMH ($A000, or $E000
//! in Ultimax mode), the GAME and EXROM lines into the PLA, and the bank-switching
//! registers each hardware type decodes in I/O 1 ($DE00–$DEFF) and I/O 2 ($DF00–$DFFF).
//!
//! | type | hardware        | banks      | lines                     | registers                                  |
//! |------|-----------------|------------|---------------------------|--------------------------------------------|
//! | 0    | normal          | 1          | 8K, 16K or Ultimax        | none                                       |
//! | 5    | Ocean type 1    | up to 64   | 16K (8K for 512 KiB)      | write $DE00: bank (bits 0–5)               |
//! | 15   | C64 Game System | up to 64   | 8K                        | write $DE00+n: bank n; any I/O 1 read: 0   |
//! | 17   | Dinamic         | up to 16   | 8K                        | read $DE00+n (n < 16): bank n              |
//! | 19   | Magic Desk      | up to 128  | 8K                        | write $DE00: bank (bits 0–6), bit 7 off    |
//! | 32   | EasyFlash       | up to 64   | set by $DE02              | $DE00 bank, $DE02 mode; RAM at $DF00       |
//!
//! An Ocean cartridge shows its current bank at both ROML and ROMH, which is how the
//! 256 KiB ones reach banks 16–31 at $A000. EasyFlash boots in Ultimax mode (its jumper
//! in the boot position); $DE02 bit 2 hands GAME to bit 0, bit 1 drives EXROM (a set bit
//! pulls the line low). Its flash is emulated read-only: the command sequences that erase
//! and program it are ignored.

use heirloom_shell::{StateError, StateReader, StateWriter};

use crate::media::crt::{CrtError, CrtImage, hardware_name};

/// Size of one ROM bank.
const BANK: usize = 0x2000;

/// The bank-switching hardware on a cartridge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hardware {
    /// Plain ROM (type 0).
    Normal,
    /// Ocean type 1 (type 5).
    Ocean,
    /// C64 Game System, System 3 (type 15).
    GameSystem,
    /// Dinamic (type 17).
    Dinamic,
    /// Magic Desk, Domark, HES Australia (type 19).
    MagicDesk,
    /// EasyFlash (type 32).
    EasyFlash,
}

impl Hardware {
    /// The hardware of `.crt` type `id`.
    pub fn from_id(id: u16) -> Result<Self, CrtError> {
        Ok(match id {
            0 => Self::Normal,
            5 => Self::Ocean,
            15 => Self::GameSystem,
            17 => Self::Dinamic,
            19 => Self::MagicDesk,
            32 => Self::EasyFlash,
            _ => return Err(CrtError::UnsupportedHardware(id)),
        })
    }

    /// The `.crt` type number.
    pub const fn id(self) -> u16 {
        match self {
            Self::Normal => 0,
            Self::Ocean => 5,
            Self::GameSystem => 15,
            Self::Dinamic => 17,
            Self::MagicDesk => 19,
            Self::EasyFlash => 32,
        }
    }

    /// How many banks the hardware can select.
    const fn max_banks(self) -> usize {
        match self {
            Self::Normal => 1,
            Self::Dinamic => 16,
            Self::MagicDesk => 128,
            Self::Ocean | Self::GameSystem | Self::EasyFlash => 64,
        }
    }
}

/// A cartridge plugged into the expansion port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cartridge {
    hardware: Hardware,
    name: String,
    /// ROML banks, 8 KiB each, a power of two of them (unused ones read $FF).
    roml: Vec<u8>,
    /// ROMH banks, 8 KiB each, a power of two of them, or none.
    romh: Vec<u8>,
    /// EXROM and GAME at power-on (high = `true`), for the hardware without registers.
    power_on: (bool, bool),
    /// EXROM, high = `true`.
    exrom: bool,
    /// GAME, high = `true`.
    game: bool,
    /// The selected bank.
    bank: u8,
    /// The control register (EasyFlash $DE02, Magic Desk's bit 7).
    control: u8,
    /// EasyFlash's 256 bytes of RAM at $DF00.
    ram: Vec<u8>,
}

/// Where a chip of a normal cartridge goes: ROML or ROMH, and its offset in the 8 KiB. A
/// chip starts on a multiple of its own size ($8000 or $9000 for 4 KiB, $8000 for 8 KiB).
fn normal_slot(address: u16, size: usize) -> Option<(bool, usize)> {
    let offset = usize::from(address & 0x1fff);
    let high = match address {
        0x8000..=0x9fff => false,
        0xa000..=0xbfff | 0xe000..=0xffff => true,
        _ => return None,
    };
    (matches!(size, 0x1000 | 0x2000) && offset % size == 0).then_some((high, offset))
}

impl Cartridge {
    /// The cartridge a `.crt` image describes, its chips checked against the hardware
    /// type; switched on (registers in their power-on state).
    pub fn from_crt(image: &CrtImage) -> Result<Self, CrtError> {
        let hardware = Hardware::from_id(image.hardware)?;
        let name = hardware_name(image.hardware);
        let mut roml_banks: Vec<Option<Vec<u8>>> = Vec::new();
        let mut romh_banks: Vec<Option<Vec<u8>>> = Vec::new();
        let mut total = 0usize;
        for (index, chip) in image.chips.iter().enumerate() {
            let bad = |reason| CrtError::BadChip {
                index,
                bank: chip.bank,
                address: chip.load_address,
                size: chip.data.len(),
                hardware: name,
                reason,
            };
            if chip.chip_type == 1 {
                return Err(bad("RAM chips belong to other hardware"));
            }
            let bank = usize::from(chip.bank);
            if bank >= hardware.max_banks() {
                return Err(bad("bank number beyond what the hardware selects"));
            }
            total += chip.data.len();
            let place = |banks: &mut Vec<Option<Vec<u8>>>, offset: usize, data: &[u8]| {
                if banks.len() <= bank {
                    banks.resize(bank + 1, None);
                }
                let slot = banks[bank].get_or_insert_with(|| vec![0xff; BANK]);
                slot[offset..offset + data.len()].copy_from_slice(data);
                // A 4 KiB chip answers in both halves of its 8 KiB (A12 is not decoded).
                if data.len() == 0x1000 {
                    slot[offset ^ 0x1000..(offset ^ 0x1000) + 0x1000].copy_from_slice(data);
                }
            };
            match hardware {
                Hardware::Normal => {
                    if chip.load_address == 0x8000 && chip.data.len() == 0x4000 {
                        place(&mut roml_banks, 0, &chip.data[..BANK]);
                        place(&mut romh_banks, 0, &chip.data[BANK..]);
                    } else {
                        let (high, offset) = normal_slot(chip.load_address, chip.data.len())
                            .ok_or_else(|| bad("a normal cartridge has 4 or 8 KiB chips at $8000, $A000 or $E000"))?;
                        let banks = if high {
                            &mut romh_banks
                        } else {
                            &mut roml_banks
                        };
                        place(banks, offset, &chip.data);
                    }
                }
                Hardware::Ocean => {
                    if chip.data.len() != BANK || !matches!(chip.load_address, 0x8000 | 0xa000) {
                        return Err(bad("Ocean banks are 8 KiB at $8000 or $A000"));
                    }
                    place(&mut roml_banks, 0, &chip.data);
                }
                Hardware::GameSystem | Hardware::Dinamic | Hardware::MagicDesk => {
                    if chip.data.len() != BANK || chip.load_address != 0x8000 {
                        return Err(bad("banks are 8 KiB at $8000"));
                    }
                    place(&mut roml_banks, 0, &chip.data);
                }
                Hardware::EasyFlash => {
                    if chip.data.len() != BANK
                        || !matches!(chip.load_address, 0x8000 | 0xa000 | 0xe000)
                    {
                        return Err(bad("EasyFlash banks are 8 KiB at $8000, $A000 or $E000"));
                    }
                    let banks = if chip.load_address == 0x8000 {
                        &mut roml_banks
                    } else {
                        &mut romh_banks
                    };
                    place(banks, 0, &chip.data);
                }
            }
        }
        let flatten = |banks: Vec<Option<Vec<u8>>>| -> Vec<u8> {
            if banks.is_empty() {
                return Vec::new();
            }
            let count = banks.len().next_power_of_two();
            let mut flat = vec![0xff; count * BANK];
            for (bank, data) in banks.into_iter().enumerate() {
                if let Some(data) = data {
                    flat[bank * BANK..][..BANK].copy_from_slice(&data);
                }
            }
            flat
        };
        let has_romh = !romh_banks.is_empty();
        let roml = flatten(roml_banks);
        let romh = flatten(romh_banks);
        // (EXROM, GAME), high = true.
        let power_on = match hardware {
            Hardware::Normal => match (image.exrom, image.game) {
                (true, true) if image.chips.iter().any(|c| c.load_address >= 0xe000) => {
                    (true, false)
                }
                (true, true) if has_romh => (false, false),
                (true, true) => (false, true),
                lines => lines,
            },
            Hardware::Ocean if total == 0x80000 => (false, true),
            Hardware::Ocean => (false, false),
            Hardware::GameSystem | Hardware::Dinamic | Hardware::MagicDesk => (false, true),
            Hardware::EasyFlash => (true, false),
        };
        let mut cartridge = Self {
            hardware,
            name: image.name.clone(),
            roml,
            romh,
            power_on,
            exrom: true,
            game: true,
            bank: 0,
            control: 0,
            ram: if hardware == Hardware::EasyFlash {
                vec![0; 0x100]
            } else {
                Vec::new()
            },
        };
        cartridge.reset();
        Ok(cartridge)
    }

    /// The hardware type.
    pub fn hardware(&self) -> Hardware {
        self.hardware
    }

    /// The name from the image.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bank selected now.
    pub fn bank(&self) -> u8 {
        self.bank
    }

    /// The reset line: registers back to their power-on state (EasyFlash's RAM keeps its
    /// contents).
    pub fn reset(&mut self) {
        self.bank = 0;
        self.control = 0;
        (self.exrom, self.game) = self.power_on;
        if self.hardware == Hardware::EasyFlash {
            self.apply_easyflash_control();
        }
    }

    /// The EXROM and GAME lines, high = `true`.
    pub fn lines(&self) -> (bool, bool) {
        (self.exrom, self.game)
    }

    fn bank_offset(banks: &[u8], bank: u8, address: u16) -> Option<usize> {
        let count = banks.len() / BANK;
        (count > 0)
            .then(|| (usize::from(bank) & (count - 1)) * BANK + usize::from(address & 0x1fff))
    }

    /// What the cartridge puts on the bus for a read of ROML ($8000–$9FFF).
    pub fn read_roml(&self, address: u16) -> Option<u8> {
        Self::bank_offset(&self.roml, self.bank, address).map(|at| self.roml[at])
    }

    /// What the cartridge puts on the bus for a read of ROMH ($A000–$BFFF, or $E000–$FFFF
    /// in Ultimax mode).
    pub fn read_romh(&self, address: u16) -> Option<u8> {
        if self.hardware == Hardware::Ocean {
            return self.read_roml(address);
        }
        Self::bank_offset(&self.romh, self.bank, address).map(|at| self.romh[at])
    }

    /// The 8 KiB of the current ROMH bank (for the VIC-II in Ultimax mode), or nothing.
    pub fn romh_bank(&self) -> &[u8] {
        let banks = if self.hardware == Hardware::Ocean {
            &self.roml
        } else {
            &self.romh
        };
        match Self::bank_offset(banks, self.bank, 0) {
            Some(at) => &banks[at..at + BANK],
            None => &[],
        }
    }

    /// A read of I/O 1 ($DE00–$DEFF): the byte the cartridge drives, if it drives one.
    pub fn read_io1(&mut self, address: u16) -> Option<u8> {
        let offset = (address & 0xff) as u8;
        match self.hardware {
            Hardware::GameSystem => self.bank = 0,
            Hardware::Dinamic if offset < 16 => self.bank = offset,
            _ => {}
        }
        None
    }

    /// A write to I/O 1 ($DE00–$DEFF).
    pub fn write_io1(&mut self, address: u16, value: u8) {
        match self.hardware {
            Hardware::Ocean => self.bank = value & 0x3f,
            Hardware::GameSystem => self.bank = (address & 0x3f) as u8,
            Hardware::MagicDesk => {
                self.bank = value & 0x7f;
                self.control = value & 0x80;
                self.exrom = value & 0x80 != 0;
            }
            Hardware::EasyFlash if address & 0x02 == 0 => self.bank = value & 0x3f,
            Hardware::EasyFlash => {
                self.control = value & 0x87;
                self.apply_easyflash_control();
            }
            Hardware::Normal | Hardware::Dinamic => {}
        }
    }

    fn apply_easyflash_control(&mut self) {
        let mode = self.control & 0x04 != 0;
        self.exrom = self.control & 0x02 == 0;
        // With bit 2 clear the boot jumper holds GAME low.
        self.game = mode && self.control & 0x01 == 0;
    }

    /// A read of I/O 2 ($DF00–$DFFF): the byte the cartridge drives, if it drives one.
    pub fn read_io2(&self, address: u16) -> Option<u8> {
        self.ram.get(usize::from(address & 0xff)).copied()
    }

    /// A write to I/O 2 ($DF00–$DFFF).
    pub fn write_io2(&mut self, address: u16, value: u8) {
        if let Some(cell) = self.ram.get_mut(usize::from(address & 0xff)) {
            *cell = value;
        }
    }

    /// Appends the whole cartridge (images and registers) to a save state.
    pub fn save(&self, out: &mut StateWriter) {
        out.u16(self.hardware.id())
            .sized_bytes(self.name.as_bytes())
            .sized_bytes(&self.roml)
            .sized_bytes(&self.romh)
            .bool(self.power_on.0)
            .bool(self.power_on.1)
            .bool(self.exrom)
            .bool(self.game)
            .u8(self.bank)
            .u8(self.control)
            .sized_bytes(&self.ram);
    }

    /// Reads a cartridge written by [`save`](Self::save), checking its images' sizes.
    pub fn load(input: &mut StateReader<'_>) -> Result<Self, StateError> {
        let bad = |what: &str| StateError::Payload(format!("cartridge: {what}"));
        let hardware = Hardware::from_id(input.u16()?).map_err(|_| bad("unknown hardware"))?;
        let name = String::from_utf8(input.sized_bytes()?.to_vec()).map_err(|_| bad("name"))?;
        let banks_ok = |banks: &[u8]| {
            banks.len().is_multiple_of(BANK)
                && (banks.is_empty() || (banks.len() / BANK).is_power_of_two())
                && banks.len() / BANK <= hardware.max_banks().next_power_of_two()
        };
        let roml = input.sized_bytes()?.to_vec();
        let romh = input.sized_bytes()?.to_vec();
        if !banks_ok(&roml) || !banks_ok(&romh) {
            return Err(bad("ROM image sizes"));
        }
        let power_on = (input.bool()?, input.bool()?);
        let (exrom, game) = (input.bool()?, input.bool()?);
        let (bank, control) = (input.u8()?, input.u8()?);
        let ram = input.sized_bytes()?.to_vec();
        let ram_len = if hardware == Hardware::EasyFlash {
            0x100
        } else {
            0
        };
        if ram.len() != ram_len {
            return Err(bad("RAM size"));
        }
        Ok(Self {
            hardware,
            name,
            roml,
            romh,
            power_on,
            exrom,
            game,
            bank,
            control,
            ram,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::crt::Chip;

    fn image(hardware: u16, exrom: bool, game: bool, chips: &[(u16, u16, usize)]) -> CrtImage {
        CrtImage {
            hardware,
            exrom,
            game,
            revision: 0,
            name: "T".into(),
            chips: chips
                .iter()
                .map(|&(bank, load_address, size)| Chip {
                    chip_type: 0,
                    bank,
                    load_address,
                    data: (0..size)
                        .map(|i| (i as u8) ^ bank as u8 ^ (load_address >> 8) as u8)
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn normal_cartridges_take_their_mode_from_the_lines() {
        let eight = Cartridge::from_crt(&image(0, false, true, &[(0, 0x8000, 0x2000)])).unwrap();
        assert_eq!(eight.lines(), (false, true));
        assert_eq!(eight.read_roml(0x8001), Some(0x81));
        assert_eq!(eight.read_romh(0xa000), None);
        let sixteen = Cartridge::from_crt(&image(0, false, false, &[(0, 0x8000, 0x4000)])).unwrap();
        assert_eq!(sixteen.read_romh(0xa001), Some(0x80 ^ 0x01));
        let ultimax = Cartridge::from_crt(&image(0, true, false, &[(0, 0xf000, 0x1000)])).unwrap();
        assert_eq!(ultimax.lines(), (true, false));
        // A 4 KiB chip at $F000 also answers at $E000.
        assert_eq!(ultimax.read_romh(0xe005), ultimax.read_romh(0xf005));
        assert_eq!(ultimax.read_romh(0xfffc), Some(0xf0 ^ 0xfc));
    }

    #[test]
    fn bad_chips_are_refused() {
        assert!(matches!(
            Cartridge::from_crt(&image(0, false, true, &[(0, 0x4000, 0x2000)])),
            Err(CrtError::BadChip { .. })
        ));
        assert!(matches!(
            Cartridge::from_crt(&image(17, false, true, &[(16, 0x8000, 0x2000)])),
            Err(CrtError::BadChip { bank: 16, .. })
        ));
        assert!(matches!(
            Cartridge::from_crt(&image(5, false, false, &[(0, 0x8000, 0x1000)])),
            Err(CrtError::BadChip { .. })
        ));
        // A 4 KiB chip that does not start on a 4 KiB boundary (found by the fuzzer).
        assert!(matches!(
            Cartridge::from_crt(&image(0, false, true, &[(0, 0x8a00, 0x1000)])),
            Err(CrtError::BadChip { .. })
        ));
        assert_eq!(
            Cartridge::from_crt(&image(1, false, false, &[(0, 0x8000, 0x2000)])),
            Err(CrtError::UnsupportedHardware(1))
        );
    }

    #[test]
    fn each_hardware_switches_banks_its_own_way() {
        let banks: Vec<(u16, u16, usize)> = (0..4).map(|bank| (bank, 0x8000, 0x2000)).collect();
        let mut ocean = Cartridge::from_crt(&image(5, false, false, &banks)).unwrap();
        ocean.write_io1(0xde00, 0x82);
        assert_eq!((ocean.bank(), ocean.lines()), (2, (false, false)));
        assert_eq!(ocean.read_romh(0xa000), ocean.read_roml(0x8000));

        let mut system = Cartridge::from_crt(&image(15, false, true, &banks)).unwrap();
        system.write_io1(0xde03, 0);
        assert_eq!(system.bank(), 3);
        system.read_io1(0xde00);
        assert_eq!(system.bank(), 0);

        let mut dinamic = Cartridge::from_crt(&image(17, false, true, &banks)).unwrap();
        dinamic.read_io1(0xde02);
        assert_eq!(dinamic.bank(), 2);
        dinamic.read_io1(0xde20);
        assert_eq!(dinamic.bank(), 2);

        let mut desk = Cartridge::from_crt(&image(19, false, true, &banks)).unwrap();
        desk.write_io1(0xde00, 1);
        assert_eq!((desk.bank(), desk.lines()), (1, (false, true)));
        desk.write_io1(0xde00, 0x80);
        assert_eq!(desk.lines(), (true, true));

        let flash: Vec<(u16, u16, usize)> = (0..2)
            .flat_map(|bank| [(bank, 0x8000, 0x2000), (bank, 0xa000, 0x2000)])
            .collect();
        let mut easy = Cartridge::from_crt(&image(32, true, false, &flash)).unwrap();
        assert_eq!(easy.lines(), (true, false), "boots in Ultimax mode");
        easy.write_io1(0xde02, 0x07);
        assert_eq!(easy.lines(), (false, false), "16K");
        easy.write_io1(0xde02, 0x06);
        assert_eq!(easy.lines(), (false, true), "8K");
        easy.write_io1(0xde02, 0x04);
        assert_eq!(easy.lines(), (true, true), "off");
        easy.write_io1(0xde00, 1);
        assert_eq!(easy.read_romh(0xa000), Some(1 ^ 0xa0));
        easy.write_io2(0xdf10, 0x5a);
        assert_eq!(easy.read_io2(0xdf10), Some(0x5a));
        easy.reset();
        assert_eq!((easy.bank(), easy.lines()), (0, (true, false)));
        assert_eq!(easy.read_io2(0xdf10), Some(0x5a));
    }

    #[test]
    fn state_round_trips() {
        let mut easy =
            Cartridge::from_crt(&image(32, true, false, &[(0, 0x8000, 0x2000)])).unwrap();
        easy.write_io1(0xde02, 0x07);
        easy.write_io2(0xdf00, 9);
        let mut out = StateWriter::new("t", 1);
        easy.save(&mut out);
        let state = out.finish();
        let mut input = StateReader::open(&state, "t", 1).unwrap();
        assert_eq!(Cartridge::load(&mut input).unwrap(), easy);
    }
}
