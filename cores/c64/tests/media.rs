//! Every media format through the core's `load`: programs in `.prg`, `.p00` and `.t64`
//! files (also zipped), cartridges of each supported hardware type switching banks, a
//! `.sid` tune of the project's own playing at the right pitch and speed, and the errors
//! bad files give. Every file is built here, in memory.

use std::io::{Cursor, Write};

use heirloom_asm6502::{FsLoader, MemoryLoader, assemble};
use heirloom_c64::cartridge::Hardware;
use heirloom_c64::{C64, RomSet};
use heirloom_shell::{
    AudioBuffer, Core, CoreError, FrameIo, Framebuffer, InputState, Media, ResetKind,
};

// ---------------------------------------------------------------------------------------
// Helpers

/// Runs `frames` frames, returning the sound they made.
fn run(c64: &mut C64, frames: usize) -> AudioBuffer {
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    let input = InputState::default();
    for _ in 0..frames {
        c64.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
    }
    audio
}

fn screen(c64: &C64) -> String {
    c64.screen_text().unwrap()
}

fn line(c64: &C64, row: usize) -> String {
    screen(c64).lines().nth(row).unwrap_or_default().to_owned()
}

fn ram(c64: &C64, address: u32, len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    c64.read_memory("ram", address, &mut bytes).unwrap();
    bytes
}

/// Assembles `source`, returning its load address and bytes.
fn asm(source: &str) -> (u16, Vec<u8>) {
    let program = assemble("test.s", source, &MemoryLoader::new())
        .unwrap_or_else(|errors| panic!("{errors}\n{source}"));
    (program.load_address, program.bytes)
}

/// Screen codes of upper-case `text`, as a `.byte` list.
fn screen_bytes(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' => (b - b'@').to_string(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A machine-code `.prg` at $C000 that writes `text` on screen row `row`, then idles.
fn screen_writer(text: &str, row: u16) -> Vec<u8> {
    let (load, bytes) = asm(&format!(
        "* = $c000
        jmp start
start:  ldx #0
.loop:  lda msg,x
        beq done
        sta ${:04x},x
        inx
        bne .loop
done:   jmp done
msg:    .byte {}, 0
",
        0x0400 + row * 40,
        screen_bytes(text)
    ));
    let mut prg = load.to_le_bytes().to_vec();
    prg.extend(bytes);
    prg
}

/// A BASIC program at $0801: `10 PRINT "<text>"`, as a `.prg`.
fn basic_print(text: &str) -> Vec<u8> {
    let mut line = vec![0x0a, 0x00, 0x99, b'"'];
    line.extend_from_slice(text.as_bytes());
    line.extend_from_slice(&[b'"', 0]);
    let next = 0x0801 + 2 + line.len() as u16;
    let mut prg = vec![0x01, 0x08];
    prg.extend_from_slice(&next.to_le_bytes());
    prg.extend(line);
    prg.extend_from_slice(&[0, 0]);
    prg
}

fn p00(name: &str, prg: &[u8]) -> Vec<u8> {
    let mut file = b"C64File\0".to_vec();
    let mut field = [0u8; 17];
    field[..name.len()].copy_from_slice(name.as_bytes());
    file.extend_from_slice(&field);
    file.push(0);
    file.extend_from_slice(prg);
    file
}

/// A `.t64` holding `files` (name, `.prg`), every end address written as CONV64 did
/// ($C3C6) when `conv64` is set.
fn t64(files: &[(&str, &[u8])], conv64: bool) -> Vec<u8> {
    let mut archive = b"C64S tape image file".to_vec();
    archive.resize(0x20, 0);
    archive.extend_from_slice(&[0x01, 0x01]);
    archive.extend_from_slice(&(files.len() as u16).to_le_bytes());
    archive.extend_from_slice(&(files.len() as u16).to_le_bytes());
    archive.extend_from_slice(&[0, 0]);
    archive.extend_from_slice(&[b' '; 24]);
    let mut offset = 0x40 + 0x20 * files.len();
    let mut data = Vec::new();
    for (name, prg) in files {
        let start = u16::from_le_bytes([prg[0], prg[1]]);
        let end = if conv64 {
            0xc3c6
        } else {
            start + (prg.len() - 2) as u16
        };
        archive.extend_from_slice(&[1, 0x82]);
        archive.extend_from_slice(&start.to_le_bytes());
        archive.extend_from_slice(&end.to_le_bytes());
        archive.extend_from_slice(&[0, 0]);
        archive.extend_from_slice(&(offset as u32).to_le_bytes());
        archive.extend_from_slice(&[0; 4]);
        let mut padded = [b' '; 16];
        padded[..name.len()].copy_from_slice(name.as_bytes());
        archive.extend_from_slice(&padded);
        data.extend_from_slice(&prg[2..]);
        offset += prg.len() - 2;
    }
    archive.extend(data);
    archive
}

/// A `.crt` of `hardware` with the EXROM and GAME levels given and `chips` (bank,
/// address, image).
fn crt(hardware: u16, exrom: u8, game: u8, chips: &[(u16, u16, Vec<u8>)]) -> Vec<u8> {
    let mut image = b"C64 CARTRIDGE   ".to_vec();
    image.extend_from_slice(&0x40u32.to_be_bytes());
    image.extend_from_slice(&0x0100u16.to_be_bytes());
    image.extend_from_slice(&hardware.to_be_bytes());
    image.extend_from_slice(&[exrom, game, 0, 0, 0, 0, 0, 0]);
    let mut name = [0u8; 32];
    name[..9].copy_from_slice(b"TEST CART");
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

/// A zip archive holding `name` with `bytes`.
fn zip(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file(name, options).unwrap();
    writer.write_all(bytes).unwrap();
    writer.finish().unwrap().into_inner()
}

/// The stand-in KERNAL that starts "CBM80" cartridges as the C64's does, an empty BASIC
/// and a plain character ROM.
fn cart_roms() -> RomSet {
    let path = heirloom_testkit::roms_test_dir().join("c64/cart-kernal.s");
    let source = FsLoader::read_main(&path).unwrap();
    let kernal =
        assemble(&source.name, &source.text, &FsLoader).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!((kernal.load_address, kernal.bytes.len()), (0xe000, 0x2000));
    RomSet::from_files(
        "cartridge test ROMs",
        &[
            Media::new("kernal", kernal.bytes),
            Media::new("basic", vec![0; 0x2000]),
            Media::new("chargen", vec![0; 0x1000]),
        ],
    )
    .unwrap()
}

/// Where every test cartridge keeps the marker byte of each bank, in its 8 KiB.
const MARK_OFFSET: usize = 0x1ff0;

/// Cartridge code at `origin` ($8000 with the CBM80 signature, or $E000/$F000 with the
/// CPU's vectors): points the VIC-II at the screen at $0400 and clears its first row,
/// then for banks 0–3 runs
/// `select(bank)` and copies the byte at `mark` to screen column `bank`; then `extra`;
/// then idles. Padded to 8 KiB (4 KiB from $F000).
fn cart_code(origin: u16, select: impl Fn(u8) -> String, mark: u16, extra: &str) -> Vec<u8> {
    let mut source = format!(
        "* = ${origin:04x}
        .word start, start
        .byte $c3, $c2, $cd, $38, $30
start:  sei
        ldx #$ff
        txs
        lda #$14
        sta $d018
        lda #$1b
        sta $d011
        ldx #39
        lda #$20
.clear: sta $0400,x
        dex
        bpl .clear
"
    );
    for bank in 0..4u8 {
        source += &select(bank);
        source += &format!(
            "        lda ${mark:04x}\n        sta ${:04x}\n",
            0x0400 + u16::from(bank)
        );
    }
    source += extra;
    source += "done:   jmp done\n";
    if origin >= 0xe000 {
        source += "* = $fffa\n        .word start, start, start\n";
    }
    let (load, mut bytes) = asm(&source);
    assert_eq!(load, origin);
    let size = if origin == 0xf000 { 0x1000 } else { 0x2000 };
    bytes.resize(size, 0xff);
    bytes
}

/// `code` with bank `bank`'s marker (screen code of `A` + bank) at [`MARK_OFFSET`].
fn marked(mut code: Vec<u8>, bank: u16) -> Vec<u8> {
    code[MARK_OFFSET] = 1 + bank as u8;
    code
}

fn write_bank(bank: u8) -> String {
    format!("        lda #{bank}\n        sta $de00\n")
}

/// A C64 with the cartridge test ROMs, `image` loaded and run for a few frames.
fn run_cartridge(image: Vec<u8>) -> C64 {
    let mut c64 = C64::new(cart_roms());
    c64.load(Media::new("test.crt", image)).unwrap();
    run(&mut c64, 5);
    c64
}

/// The rising zero crossings per second of the left channel of `audio` (48 kHz), its
/// mean removed, with a hysteresis of a tenth of its peak.
fn fundamental(audio: &AudioBuffer) -> f64 {
    let left: Vec<f32> = audio.samples.iter().step_by(2).copied().collect();
    let mean = left.iter().sum::<f32>() / left.len() as f32;
    let peak = left.iter().map(|s| (s - mean).abs()).fold(0.0, f32::max);
    let threshold = peak / 10.0;
    let mut crossings = 0;
    let mut below = false;
    for sample in left.iter().map(|s| s - mean) {
        if sample < -threshold {
            below = true;
        } else if sample > threshold && below {
            below = false;
            crossings += 1;
        }
    }
    f64::from(crossings) * 48_000.0 / left.len() as f64
}

fn rms(audio: &AudioBuffer) -> f32 {
    let left: Vec<f32> = audio.samples.iter().step_by(2).copied().collect();
    let mean = left.iter().sum::<f32>() / left.len() as f32;
    (left.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / left.len() as f32).sqrt()
}

/// Heirloom's test tune (`roms-test/c64/tune.s`), assembled into a `.sid` file.
fn test_tune() -> Vec<u8> {
    let path = heirloom_testkit::roms_test_dir().join("c64/tune.s");
    let source = FsLoader::read_main(&path).unwrap();
    let tune =
        assemble(&source.name, &source.text, &FsLoader).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(tune.load_address, 0x1000 - 0x7e);
    assert!(tune.bytes.starts_with(b"PSID"));
    tune.bytes
}

fn invalid(result: Result<(), CoreError>) -> String {
    match result {
        Err(CoreError::Invalid { reason, .. }) => reason,
        other => panic!("expected an invalid-media error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Programs

#[test]
fn a_basic_program_in_a_p00_runs() {
    let mut c64 = C64::new(RomSet::open_rom());
    let file = p00("HELLO", &basic_print("HELLO FROM P00"));
    c64.load(Media::new("hello.p00", file)).unwrap();
    run(&mut c64, 100);
    let text = screen(&c64);
    assert!(text.lines().any(|l| l == "HELLO FROM P00"), "{text}");
}

#[test]
fn the_first_program_of_a_t64_with_conv64_end_addresses_runs() {
    let mut c64 = C64::new(RomSet::open_rom());
    let first = screen_writer("T64 OK", 10);
    let second = screen_writer("WRONG ONE", 10);
    let archive = t64(
        &[("FIRST", first.as_slice()), ("SECOND", second.as_slice())],
        true,
    );
    c64.load(Media::new("tape.t64", archive)).unwrap();
    run(&mut c64, 100);
    assert_eq!(line(&c64, 10), "T64 OK", "{}", screen(&c64));
}

#[test]
fn zipped_programs_tapes_and_cartridges_load() {
    let prg = screen_writer("ZIPPED PRG", 12);
    let tape = t64(
        &[("GAME", screen_writer("ZIPPED T64", 12).as_slice())],
        false,
    );
    for (name, file, expected) in [
        ("game.prg", prg, "ZIPPED PRG"),
        ("game.t64", tape, "ZIPPED T64"),
    ] {
        let archive = Media::new("game.zip", zip(name, &file));
        let (media, _) = archive.unpack().unwrap();
        let mut c64 = C64::new(RomSet::open_rom());
        c64.load(media).unwrap();
        run(&mut c64, 100);
        assert_eq!(line(&c64, 12), expected, "{name}: {}", screen(&c64));
    }
    let code = marked(cart_code(0x8000, |_| String::new(), 0x9ff0, ""), 0);
    let archive = Media::new(
        "cart.zip",
        zip("cart.crt", &crt(0, 0, 1, &[(0, 0x8000, code)])),
    );
    let (media, _) = archive.unpack().unwrap();
    let mut c64 = C64::new(cart_roms());
    c64.load(media).unwrap();
    run(&mut c64, 5);
    assert_eq!(line(&c64, 0), "AAAA");
}

// ---------------------------------------------------------------------------------------
// Cartridges

#[test]
fn normal_cartridges_start_in_8k_16k_and_ultimax_modes() {
    let eight = marked(cart_code(0x8000, |_| String::new(), 0x9ff0, ""), 0);
    let c64 = run_cartridge(crt(0, 0, 1, &[(0, 0x8000, eight)]));
    assert_eq!(line(&c64, 0), "AAAA");

    // 16K: one 16 KiB chip; the marker read from ROMH at $BFF0.
    let mut sixteen = cart_code(0x8000, |_| String::new(), 0xbff0, "");
    sixteen.extend(marked(vec![0xff; 0x2000], 1));
    let c64 = run_cartridge(crt(0, 0, 0, &[(0, 0x8000, sixteen)]));
    assert_eq!(line(&c64, 0), "BBBB");

    // Ultimax: the CPU's reset vector comes from the cartridge, whatever the KERNAL.
    let ultimax = marked(cart_code(0xe000, |_| String::new(), 0xfff0, ""), 20);
    let c64 = run_cartridge(crt(0, 1, 0, &[(0, 0xe000, ultimax.clone())]));
    assert_eq!(line(&c64, 0), "UUUU");
    let mut c64 = C64::new(RomSet::open_rom());
    c64.load(Media::new("max.crt", crt(0, 1, 0, &[(0, 0xe000, ultimax)])))
        .unwrap();
    run(&mut c64, 5);
    assert_eq!(line(&c64, 0), "UUUU", "the open ROM is bypassed too");

    // A 4 KiB Ultimax ROM at $F000.
    let mut small = cart_code(0xf000, |_| String::new(), 0xfff0, "");
    small[0x0ff0] = 11;
    let c64 = run_cartridge(crt(0, 1, 0, &[(0, 0xf000, small)]));
    assert_eq!(line(&c64, 0), "KKKK");
}

#[test]
fn ocean_banks_show_at_roml_and_romh() {
    let code = cart_code(0x8000, write_bank, 0xbff0, "");
    let chips: Vec<_> = (0..4)
        .map(|bank| (bank, 0x8000, marked(code.clone(), bank)))
        .collect();
    let c64 = run_cartridge(crt(5, 0, 0, &chips));
    assert_eq!(line(&c64, 0), "ABCD");
    assert_eq!(
        c64.machine().board.cartridge().unwrap().hardware(),
        Hardware::Ocean
    );
}

#[test]
fn c64_game_system_banks_by_write_address_and_resets_on_read() {
    let select = |bank: u8| format!("        sta $de0{bank}\n");
    let extra = "        lda $de00\n        lda $9ff0\n        sta $0404\n";
    let code = cart_code(0x8000, select, 0x9ff0, extra);
    let chips: Vec<_> = (0..4)
        .map(|bank| (bank, 0x8000, marked(code.clone(), bank)))
        .collect();
    let c64 = run_cartridge(crt(15, 0, 1, &chips));
    assert_eq!(line(&c64, 0), "ABCDA");
}

#[test]
fn dinamic_banks_by_read_address() {
    let select = |bank: u8| format!("        lda $de0{bank}\n");
    let code = cart_code(0x8000, select, 0x9ff0, "");
    let chips: Vec<_> = (0..4)
        .map(|bank| (bank, 0x8000, marked(code.clone(), bank)))
        .collect();
    let c64 = run_cartridge(crt(17, 0, 1, &chips));
    assert_eq!(line(&c64, 0), "ABCD");
}

#[test]
fn magic_desk_banks_and_switches_itself_off() {
    // After the banks, the code copies a routine into RAM that switches the cartridge off
    // (bit 7 of $DE00) and reads $8000, where RAM shows again.
    let extra = "        ldx #off_end - off
.copy:  lda off - 1,x
        sta $c000 - 1,x
        dex
        bne .copy
        jmp $c000
off:    lda #$80
        sta $de00
        lda #18
        sta $8000
        lda $8000
        sta $0404
        jmp $c000 + off_end - off - 3
off_end:
";
    let code = cart_code(0x8000, write_bank, 0x9ff0, extra);
    let chips: Vec<_> = (0..4)
        .map(|bank| (bank, 0x8000, marked(code.clone(), bank)))
        .collect();
    let c64 = run_cartridge(crt(19, 0, 1, &chips));
    assert_eq!(line(&c64, 0), "ABCDR");
}

#[test]
fn easyflash_boots_in_ultimax_mode_and_banks_roml() {
    // ROMH (at $E000 in Ultimax mode) holds the same code in every bank; each ROML bank
    // is filled with its marker; the RAM at $DF00 keeps a byte.
    let extra = "        lda #19\n        sta $df00\n        lda #0\n        lda $df00\n        sta $0404\n";
    let code = cart_code(0xe000, write_bank, 0x9ff0, extra);
    let mut chips = Vec::new();
    for bank in 0..4u16 {
        chips.push((bank, 0x8000, vec![1 + bank as u8; 0x2000]));
        chips.push((bank, 0xe000, code.clone()));
    }
    let c64 = run_cartridge(crt(32, 1, 0, &chips));
    assert_eq!(line(&c64, 0), "ABCDS");
}

#[test]
fn the_cartridge_is_in_the_save_state() {
    let code = cart_code(0x8000, write_bank, 0xbff0, "");
    let chips: Vec<_> = (0..4)
        .map(|bank| (bank, 0x8000, marked(code.clone(), bank)))
        .collect();
    let c64 = run_cartridge(crt(5, 0, 0, &chips));
    let state = c64.save_state();
    let mut restored = C64::new(cart_roms());
    restored.load_state(&state).unwrap();
    let cartridge = restored.machine().board.cartridge().unwrap();
    assert_eq!(
        (cartridge.hardware(), cartridge.bank()),
        (Hardware::Ocean, 3)
    );
    assert_eq!(restored.save_state(), state);
    // A soft reset restarts the cartridge from bank 0.
    restored.reset(ResetKind::Soft);
    assert_eq!(restored.machine().board.cartridge().unwrap().bank(), 0);
}

#[test]
fn hard_resets_keep_or_detach_the_cartridge_and_a_program_detaches_it() {
    let code = marked(cart_code(0x8000, |_| String::new(), 0x9ff0, ""), 0);
    let image = crt(0, 0, 1, &[(0, 0x8000, code)]);
    let mut c64 = run_cartridge(image.clone());
    c64.reset(ResetKind::Hard);
    run(&mut c64, 5);
    assert_eq!(line(&c64, 0), "AAAA", "kept across a power cycle");

    c64.set_option("cartridge-reset", "detach").unwrap();
    c64.reset(ResetKind::Hard);
    run(&mut c64, 5);
    assert!(c64.machine().board.cartridge().is_none());
    assert_eq!(line(&c64, 0), "READY.");

    let mut c64 = run_cartridge(image);
    c64.load(Media::new("after.prg", screen_writer("PROGRAM", 3)))
        .unwrap();
    run(&mut c64, 10);
    assert!(c64.machine().board.cartridge().is_none());
    assert_eq!(line(&c64, 3), "PROGRAM", "{}", screen(&c64));
}

// ---------------------------------------------------------------------------------------
// SID tunes

#[test]
fn the_test_tune_plays_a4_at_the_vertical_blank() {
    let mut c64 = C64::new(RomSet::open_rom());
    c64.load(Media::new("tune.sid", test_tune())).unwrap();
    run(&mut c64, 50);
    assert_eq!(ram(&c64, 0xc000, 1), [0], "init was called with sub-tune 1");
    let before = u16::from_le_bytes(ram(&c64, 0xc001, 2).try_into().unwrap());
    let audio = run(&mut c64, 100);
    let after = u16::from_le_bytes(ram(&c64, 0xc001, 2).try_into().unwrap());
    let calls = after - before;
    assert!(
        (99..=101).contains(&calls),
        "{calls} play calls in 100 frames"
    );
    assert!(rms(&audio) > 0.01, "the tune is not silent");
    let pitch = fundamental(&audio);
    assert!((pitch - 440.0).abs() < 4.4, "fundamental {pitch} Hz");
    let text = screen(&c64);
    assert!(text.contains("NAME:     HEIRLOOM TEST TUNE"), "{text}");
    assert!(text.contains("SONG:     1 OF 2"), "{text}");
}

#[test]
fn with_sound_off_the_tune_runs_silently_and_sound_comes_back_on() {
    let mut c64 = C64::new(RomSet::open_rom());
    c64.set_option("sound", "off").unwrap();
    c64.load(Media::new("tune.sid", test_tune())).unwrap();
    run(&mut c64, 50);
    let before = u16::from_le_bytes(ram(&c64, 0xc001, 2).try_into().unwrap());
    let audio = run(&mut c64, 50);
    let after = u16::from_le_bytes(ram(&c64, 0xc001, 2).try_into().unwrap());
    assert!(after - before >= 49, "the player still runs");
    assert!(
        audio.samples.iter().all(|&s| s == audio.samples[0]),
        "no sound is made"
    );
    assert_eq!(
        c64.option("sound").unwrap(),
        "off",
        "a power cycle keeps the choice"
    );
    c64.set_option("sound", "on").unwrap();
    let audio = run(&mut c64, 50);
    assert!(rms(&audio) > 0.01, "the tune is heard again");
    assert!(c64.set_option("sound", "loud").is_err());
}

#[test]
fn a_sub_tune_chosen_by_option_plays_a5_on_the_cia_timer() {
    let mut c64 = C64::new(RomSet::open_rom());
    c64.set_option("sid-tune", "2").unwrap();
    c64.load(Media::new("tune.sid", test_tune())).unwrap();
    run(&mut c64, 50);
    assert_eq!(ram(&c64, 0xc000, 1), [1], "init was called with sub-tune 2");
    let before = u16::from_le_bytes(ram(&c64, 0xc001, 2).try_into().unwrap());
    let audio = run(&mut c64, 100);
    let after = u16::from_le_bytes(ram(&c64, 0xc001, 2).try_into().unwrap());
    // 100 frames are 1.995 s; CIA 1 at $4025 fires at 59.996 Hz.
    let calls = after - before;
    assert!(
        (118..=121).contains(&calls),
        "{calls} play calls in 100 frames"
    );
    let pitch = fundamental(&audio);
    assert!((pitch - 880.1).abs() < 8.8, "fundamental {pitch} Hz");

    // Changing the option while the tune plays restarts it with the other sub-tune.
    c64.set_option("sid-tune", "1").unwrap();
    run(&mut c64, 50);
    assert_eq!(ram(&c64, 0xc000, 1), [0]);
    assert_eq!(c64.option("sid-tune").as_deref(), Ok("1"));
    assert!(c64.set_option("sid-tune", "3").is_err(), "the tune has two");
}

#[test]
fn a_tune_in_a_save_state_resumes() {
    let mut c64 = C64::new(RomSet::open_rom());
    c64.load(Media::new("tune.sid", test_tune())).unwrap();
    run(&mut c64, 5);
    let state = c64.save_state();
    let mut restored = C64::new(RomSet::open_rom());
    restored.load_state(&state).unwrap();
    run(&mut restored, 60);
    assert!(
        ram(&restored, 0xc001, 1)[0] > 0,
        "the driver started after the restore"
    );
}

/// A `.sid` file: `magic`, version 2, the data `code` loaded at `load` (embedded),
/// init and play addresses, `songs`, speed bits and flags.
fn sid_file(
    magic: &[u8; 4],
    load: u16,
    code: &[u8],
    init: u16,
    play: u16,
    songs: u16,
    flags: u16,
) -> Vec<u8> {
    let mut file = magic.to_vec();
    for word in [2u16, 0x7c, 0, init, play, songs, 1] {
        file.extend_from_slice(&word.to_be_bytes());
    }
    file.extend_from_slice(&0u32.to_be_bytes());
    for field in ["Own", "Heirloom", "2026"] {
        let mut bytes = [0u8; 32];
        bytes[..field.len()].copy_from_slice(field.as_bytes());
        file.extend_from_slice(&bytes);
    }
    file.extend_from_slice(&flags.to_be_bytes());
    file.extend_from_slice(&[0, 0, 0, 0]);
    file.extend_from_slice(&load.to_le_bytes());
    file.extend_from_slice(code);
    file
}

#[test]
fn an_rsid_tune_keeps_the_kernal_interrupt_it_hooks() {
    // Init hooks the KERNAL's 60 Hz interrupt through $0314 and keeps the sub-tune.
    let (load, code) = asm("* = $1000
init:   sei
        sta $c000
        lda #0
        sta $c001
        lda #<tick
        sta $0314
        lda #>tick
        sta $0315
        cli
        rts
tick:   inc $c001
        jmp $ea31
");
    let file = sid_file(b"RSID", load, &code, load, 0, 3, 0x14);
    let mut c64 = C64::new(RomSet::open_rom());
    c64.set_option("sid-tune", "3").unwrap();
    c64.load(Media::new("real.sid", file)).unwrap();
    run(&mut c64, 40);
    assert_eq!(ram(&c64, 0xc000, 1), [2]);
    let before = ram(&c64, 0xc001, 1)[0];
    run(&mut c64, 100);
    let calls = ram(&c64, 0xc001, 1)[0].wrapping_sub(before);
    assert!(
        (118..=121).contains(&calls),
        "{calls} interrupts in 100 frames"
    );
}

#[test]
fn an_rsid_basic_tune_is_run_with_the_sub_tune_in_030c() {
    // 10 POKE 49152,PEEK(780)+7
    let mut line = vec![0x0a, 0x00, 0x97];
    line.extend_from_slice(b"49152,");
    line.push(0xc2);
    line.extend_from_slice(b"(780)");
    line.push(0xaa);
    line.extend_from_slice(b"7");
    line.push(0);
    let next = 0x0801 + 2 + line.len() as u16;
    let mut program = next.to_le_bytes().to_vec();
    program.extend(line);
    program.extend_from_slice(&[0, 0]);
    let file = sid_file(b"RSID", 0x0801, &program, 0, 0, 2, 0x16);
    let mut c64 = C64::new(RomSet::open_rom());
    c64.set_option("sid-tune", "2").unwrap();
    c64.load(Media::new("basic.sid", file)).unwrap();
    run(&mut c64, 100);
    assert_eq!(ram(&c64, 0xc000, 1), [8], "{}", screen(&c64));
}

#[test]
fn a_psid_over_the_kernal_vector_is_played_through_the_cpu_vector() {
    // The data covers $0314, so the driver's interrupt enters through $FFFE; play is
    // called once a frame with the KERNAL banked out.
    let (load, code) = asm("* = $0300
init:   lda #0
        sta $c001
        rts
play:   inc $c001
        rts
        .fill $20
");
    let file = sid_file(b"PSID", load, &code, load, load + 6, 1, 0x14);
    let mut c64 = C64::new(RomSet::open_rom());
    c64.load(Media::new("low.sid", file)).unwrap();
    run(&mut c64, 40);
    let before = ram(&c64, 0xc001, 1)[0];
    run(&mut c64, 100);
    let calls = ram(&c64, 0xc001, 1)[0].wrapping_sub(before);
    assert!(
        (99..=101).contains(&calls),
        "{calls} play calls in 100 frames"
    );
}

// ---------------------------------------------------------------------------------------
// Bad files

#[test]
fn bad_files_are_refused_and_leave_the_machine_alone() {
    let mut c64 = C64::new(RomSet::open_rom());
    run(&mut c64, 20);
    let state = c64.save_state();
    let tune = test_tune();
    let mut rsid_with_play = tune.clone();
    rsid_with_play[..4].copy_from_slice(b"RSID");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("short.prg", vec![0x01], "too short"),
        ("long.prg", vec![0xff, 0xff, 1, 2], "past the end of memory"),
        ("short.p00", b"C64File\0NAME".to_vec(), "too short"),
        (
            "rel.p00",
            {
                let mut file = p00("DATA", &[1, 8, 0]);
                file[0x19] = 40;
                file
            },
            "relative",
        ),
        (
            "short.t64",
            b"C64S tape image file\0\0\0".to_vec(),
            "inside its header",
        ),
        (
            "empty.t64",
            {
                let mut archive = t64(&[("X", [1u8, 8, 0].as_slice())], false);
                archive[0x40] = 0;
                archive
            },
            "no program",
        ),
        (
            "outside.t64",
            {
                let mut archive = t64(&[("X", [1u8, 8, 0].as_slice())], false);
                archive[0x48..0x4c].copy_from_slice(&1_000_000u32.to_le_bytes());
                archive
            },
            "past the archive",
        ),
        (
            "cut.crt",
            {
                let mut image = crt(0, 0, 1, &[(0, 0x8000, vec![0; 0x2000])]);
                image.truncate(0x1000);
                image
            },
            "are left",
        ),
        (
            "replay.crt",
            crt(1, 0, 1, &[(0, 0x8000, vec![0; 0x2000])]),
            "Action Replay",
        ),
        (
            "bank.crt",
            crt(17, 0, 1, &[(20, 0x8000, vec![0; 0x2000])]),
            "bank number",
        ),
        ("short.sid", tune[..0x50].to_vec(), "inside its header"),
        ("nodata.sid", tune[..0x7e].to_vec(), "no data"),
        ("rsid.sid", rsid_with_play, "RSID rule broken"),
    ];
    for (name, bytes, expected) in cases {
        let reason = invalid(c64.load(Media::new(name, bytes)));
        assert!(reason.contains(expected), "{name}: {reason}");
        assert!(c64.save_state() == state, "{name} changed the machine");
    }
    let mut too_high = C64::new(RomSet::open_rom());
    too_high.set_option("sid-tune", "5").unwrap();
    let reason = invalid(too_high.load(Media::new("tune.sid", tune)));
    assert!(reason.contains("sub-tune 5"), "{reason}");
}
