//! C64 media through `heirloom headless`, as a user runs them: a tune of the project's own
//! making recorded to a WAV file, and a program, a tape and a cartridge each zipped.
//! The files are assembled from `roms-test/c64` sources that spell out whole files.

use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::process::{Command, Output};

use heirloom_asm6502::{FsLoader, assemble};

/// A scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heirloom-media-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn heirloom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heirloom"))
        .args(args)
        .output()
        .unwrap()
}

/// The bytes `roms-test/c64/NAME` assembles to.
fn assembled(name: &str) -> Vec<u8> {
    let path = heirloom_testkit::roms_test_dir().join("c64").join(name);
    let source = FsLoader::read_main(&path).unwrap();
    assemble(&source.name, &source.text, &FsLoader)
        .unwrap_or_else(|errors| panic!("{errors}"))
        .bytes
}

fn zip(member: &str, bytes: &[u8]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .start_file(member, zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(bytes).unwrap();
    writer.finish().unwrap().into_inner()
}

#[test]
fn the_projects_tune_plays_into_a_wav_at_its_pitch() {
    let dir = scratch("tune");
    let tune = dir.join("tune.sid");
    std::fs::write(&tune, assembled("tune.s")).unwrap();
    let wav = dir.join("out.wav");
    let out = heirloom(&[
        "headless",
        tune.to_str().unwrap(),
        "--seconds",
        "10",
        "--audio",
        wav.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wav = std::fs::read(&wav).unwrap();
    assert_eq!(&wav[0..4], b"RIFF");
    let rate = f64::from(u32::from_le_bytes(wav[24..28].try_into().unwrap()));
    let left: Vec<f64> = wav[44..]
        .chunks_exact(4)
        .map(|frame| f64::from(i16::from_le_bytes([frame[0], frame[1]])))
        .collect();
    assert!(left.len() as f64 >= rate * 9.9, "ten seconds of sound");
    // The last eight seconds: the tune is playing by then.
    let tail = &left[left.len() - (rate * 8.0) as usize..];
    let mean = tail.iter().sum::<f64>() / tail.len() as f64;
    let rms = (tail.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / tail.len() as f64).sqrt();
    assert!(rms > 500.0, "the tune is audible (rms {rms:.0})");
    let peak = tail.iter().map(|s| (s - mean).abs()).fold(0.0, f64::max);
    let (mut crossings, mut below) = (0, false);
    for sample in tail.iter().map(|s| s - mean) {
        if sample < -peak / 10.0 {
            below = true;
        } else if sample > peak / 10.0 && below {
            below = false;
            crossings += 1;
        }
    }
    let pitch = f64::from(crossings) * rate / tail.len() as f64;
    assert!(
        (pitch - 440.0).abs() < 4.4,
        "the tune plays A4, measured {pitch:.1} Hz"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_zipped_program_tape_and_cartridge_each_run() {
    let dir = scratch("zips");
    for (source, member, expected) in [
        ("media/program.s", "game.prg", "HELLO FROM A PRG"),
        ("media/tape.s", "game.t64", "HELLO FROM A TAPE"),
        ("media/cartridge.s", "game.crt", "HELLO FROM A CARTRIDGE"),
    ] {
        let archive = dir.join(format!("{member}.zip"));
        std::fs::write(&archive, zip(member, &assembled(source))).unwrap();
        let out = heirloom(&[
            "headless",
            archive.to_str().unwrap(),
            "--until-text",
            expected,
            "--seconds",
            "20",
        ]);
        let screen = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{member}: {}\n{screen}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(screen.contains(expected), "{member}:\n{screen}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}
