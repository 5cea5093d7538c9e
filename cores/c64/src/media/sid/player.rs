//! Puts a [`SidTune`] into a C64's memory with Heirloom's own driver (`player.s`), and
//! the tune's name, author and release on the screen.
//!
//! A PSID tune with a play routine gets the interrupt its speed bit asks for: a raster
//! interrupt once a frame (the vertical blank, 50 Hz on this PAL machine) or CIA 1's
//! timer A (set to the KERNAL's 60 Hz value before init, which may change it). `$01` is
//! set for each call as the PSID format expects: $37 for code below $A000, $36 below
//! $D000, $34 in $D000–$DFFF, $35 above. RSID tunes, and PSID tunes without a play
//! routine, install their own interrupts: the driver only calls init. An RSID BASIC tune
//! is not driven at all: it is a BASIC program that is `RUN`, with the sub-tune in $030C
//! (the A register `SYS` hands over).
//!
//! The driver goes into the pages the header marks free, else into the cassette buffer
//! ($033C–$03FB) or the first free page of $C000–$CFFF or $0800–$9FFF that the tune
//! leaves alone.

use heirloom_asm6502::{MemoryLoader, assemble};

use super::{SidError, SidFormat, SidTune};

/// The driver's source.
const SOURCE: &str = include_str!("player.s");

/// Where the KERNAL keeps the screen.
const SCREEN: u16 = 0x0400;

/// How a loaded tune is started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Jump to the driver at this address.
    Jump(u16),
    /// `RUN` the BASIC program loaded at $0801, ending at the address given.
    Run(u16),
}

/// What to write into memory to play a tune, and how to start it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installation {
    /// Blocks of RAM to write: address and bytes.
    pub blocks: Vec<(u16, Vec<u8>)>,
    /// How to start the tune once the blocks are in place.
    pub start: Start,
}

/// The value of $01 for code at `address` in a PSID tune.
fn bank_for(address: u16) -> u8 {
    match address {
        0 => 0x37,
        0x0001..=0x9fff => 0x37,
        0xa000..=0xcfff => 0x36,
        0xd000..=0xdfff => 0x34,
        _ => 0x35,
    }
}

fn overlaps(start: usize, len: usize, other_start: usize, other_end: usize) -> bool {
    start < other_end && other_start < start + len
}

/// Assembles the driver at `address` with the tune's constants.
fn assemble_driver(address: u16, constants: &str) -> Result<Vec<u8>, SidError> {
    let source = format!("DRIVER = ${address:04x}\n{constants}{SOURCE}");
    assemble("player.s", &source, &MemoryLoader::new())
        .map(|program| program.bytes)
        // The source is fixed and every constant is in range: failure means no room.
        .map_err(|_| SidError::NoRoom("the driver does not assemble there"))
}

/// The driver's length, the same wherever it goes and whatever the tune (every operand
/// that depends on them is absolute or immediate): measured once.
fn driver_len(constants: &str) -> Result<usize, SidError> {
    static LEN: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    if let Some(&len) = LEN.get() {
        return Ok(len);
    }
    let len = assemble_driver(0xc000, constants)?.len();
    Ok(*LEN.get_or_init(|| len))
}

/// Plans the memory writes that play sub-tune `song` (from 1) of `tune`.
pub fn install(tune: &SidTune, song: u16) -> Result<Installation, SidError> {
    if !(1..=tune.songs).contains(&song) {
        return Err(SidError::NoSuchSong {
            song,
            songs: tune.songs,
        });
    }
    let start = usize::from(tune.load_address);
    let end = tune.end_address();
    let mut blocks = vec![(tune.load_address, tune.data.clone())];
    if tune.is_basic() {
        blocks.push((0x030c, vec![(song - 1) as u8]));
        return Ok(Installation {
            blocks,
            start: Start::Run(end as u16),
        });
    }
    let own_irq = tune.format == SidFormat::Rsid || tune.play_address == 0;
    let covers_vector = overlaps(0x0314, 2, start, end);
    let hardware_vector = !own_irq && covers_vector;
    if hardware_vector && overlaps(0xfffe, 2, start, end) {
        return Err(SidError::NoRoom("the tune covers both interrupt vectors"));
    }
    let constants = format!(
        "INIT = ${:04x}\nINIT_BANK = ${:02x}\nPLAY = ${:04x}\nPLAY_BANK = ${:02x}\nSONG = {}\n\
         SPEED = {}\nOWN_IRQ = {}\nHW_VECTOR = {}\n",
        tune.init_address,
        if tune.format == SidFormat::Rsid {
            0x37
        } else {
            bank_for(tune.init_address)
        },
        tune.play_address,
        bank_for(tune.play_address),
        song - 1,
        u8::from(tune.uses_cia_timer(song)),
        u8::from(own_irq),
        u8::from(hardware_vector),
    );
    let len = driver_len(&constants)?;
    let address = driver_address(tune, len).ok_or(SidError::NoRoom("the tune leaves no room"))?;
    blocks.push((address, assemble_driver(address, &constants)?));
    let screen_free = !overlaps(usize::from(SCREEN), 1000, start, end)
        && !overlaps(
            usize::from(SCREEN),
            1000,
            usize::from(address),
            usize::from(address) + len,
        );
    if screen_free {
        blocks.push((SCREEN, info_screen(tune, song)));
    }
    Ok(Installation {
        blocks,
        start: Start::Jump(address),
    })
}

/// Where the driver of `len` bytes goes, if anywhere.
fn driver_address(tune: &SidTune, len: usize) -> Option<u16> {
    let (start, end) = (usize::from(tune.load_address), tune.end_address());
    let usable = |at: usize, room: usize| {
        // RAM the driver can run from whatever $01 holds: below $A000, or $C000–$CFFF.
        let in_ram = at >= 0x0200 && (at + len <= 0xa000 || (at >= 0xc000 && at + len <= 0xd000));
        len <= room
            && in_ram
            && !overlaps(at, len, start, end)
            && !overlaps(at, len, usize::from(SCREEN), 1000)
    };
    if tune.start_page != 0 && tune.start_page != 0xff {
        let at = usize::from(tune.start_page) << 8;
        if usable(at, usize::from(tune.page_length) << 8) {
            return Some(at as u16);
        }
    }
    let cassette = 0x033c;
    if usable(cassette, 0x03fc - cassette) {
        return Some(cassette as u16);
    }
    (0xc0..0xd0)
        .chain(0x08..0xa0)
        .map(|page| page << 8)
        .find(|&at| usable(at, 0x1000))
        .map(|at| at as u16)
}

/// Screen codes of `text` in the upper-case character set.
fn screen_codes(text: &str) -> impl Iterator<Item = u8> + '_ {
    text.chars().map(|c| match c.to_ascii_uppercase() {
        '@' => 0,
        letter @ 'A'..='Z' => letter as u8 - b'@',
        other @ ' '..='?' => other as u8,
        '[' => 27,
        ']' => 29,
        _ => b'?',
    })
}

/// The 1000 screen codes showing the tune's details.
fn info_screen(tune: &SidTune, song: u16) -> Vec<u8> {
    let lines = [
        String::from("HEIRLOOM SID PLAYER"),
        String::new(),
        format!("NAME:     {}", tune.name),
        format!("AUTHOR:   {}", tune.author),
        format!("RELEASED: {}", tune.released),
        format!("SONG:     {} OF {}", song, tune.songs),
    ];
    let mut screen = vec![0x20; 1000];
    for (row, line) in lines.iter().enumerate() {
        for (column, code) in screen_codes(line).take(40).enumerate() {
            screen[row * 40 + column] = code;
        }
    }
    screen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tune(load: u16, len: usize, play: u16) -> SidTune {
        SidTune {
            format: SidFormat::Psid,
            version: 2,
            load_address: load,
            init_address: load,
            play_address: play,
            songs: 2,
            start_song: 1,
            speed: 0b10,
            name: "Name".into(),
            author: "Me".into(),
            released: "2026".into(),
            flags: 0,
            start_page: 0,
            page_length: 0,
            second_sid: None,
            third_sid: None,
            data: vec![0x60; len],
        }
    }

    #[test]
    fn the_driver_avoids_the_tune() {
        let install = install(&tune(0x1000, 0x100, 0x1003), 2).unwrap();
        assert_eq!(install.start, Start::Jump(0x033c));
        let blocks: Vec<u16> = install.blocks.iter().map(|(at, _)| *at).collect();
        assert_eq!(blocks, [0x1000, 0x033c, 0x0400]);
        let low = install_at(0x0300, 0x200);
        assert_eq!(low, Start::Jump(0xc000));
    }

    fn install_at(load: u16, len: usize) -> Start {
        install(&tune(load, len, load), 1).unwrap().start
    }

    #[test]
    fn the_driver_is_as_long_wherever_it_goes() {
        let low = install(&tune(0x1000, 0x100, 0x1003), 1).unwrap();
        let high = install(&tune(0x0300, 0x200, 0), 1).unwrap();
        let driver = |install: &Installation| install.blocks[1].1.len();
        assert_eq!(driver(&low), driver(&high));
        let constants = "INIT = $1000\nINIT_BANK = $37\nPLAY = $1003\nPLAY_BANK = $37\n\
                         SONG = 0\nSPEED = 0\nOWN_IRQ = 0\nHW_VECTOR = 0\n";
        for address in [0x0200, 0x033c, 0x9f00] {
            assert_eq!(
                assemble_driver(address, constants).unwrap().len(),
                driver(&low)
            );
        }
    }

    #[test]
    fn banks_follow_the_psid_rules() {
        assert_eq!(bank_for(0x1000), 0x37);
        assert_eq!(bank_for(0xa000), 0x36);
        assert_eq!(bank_for(0xd400), 0x34);
        assert_eq!(bank_for(0xe000), 0x35);
    }

    #[test]
    fn a_song_the_tune_lacks_is_refused() {
        assert_eq!(
            install(&tune(0x1000, 16, 0x1003), 3),
            Err(SidError::NoSuchSong { song: 3, songs: 2 })
        );
    }

    #[test]
    fn the_screen_shows_the_name() {
        let screen = info_screen(&tune(0x1000, 1, 0), 1);
        let text: String = screen[80..120]
            .iter()
            .map(|&c| crate::screen_text::screen_code_to_char(c, false))
            .collect();
        assert_eq!(text.trim_end(), "NAME:     NAME");
    }
}
