//! Save states: a restored chip continues exactly like the original.

mod common;
use common::*;
use heirloom_shell::{StateError, StateReader, StateWriter};
use heirloom_vic2::Vic;

fn save(vic: &Vic) -> Vec<u8> {
    let mut out = StateWriter::new("vic-test", 1);
    vic.save(&mut out);
    out.finish()
}

fn load(bytes: &[u8]) -> Result<Vic, StateError> {
    let mut input = StateReader::open(bytes, "vic-test", 1)?;
    let vic = Vic::load(&mut input)?;
    input.finish()?;
    Ok(vic)
}

#[test]
fn round_trip_reproduces_the_following_frames() {
    let (mut vic, mut mem) = text_setup();
    for (i, byte) in mem.bank.iter_mut().enumerate() {
        *byte = (i * 7 + i / 256) as u8;
    }
    for (i, nibble) in mem.colour.iter_mut().enumerate() {
        *nibble = (i % 16) as u8;
    }
    vic.write(0x15, 0xff);
    for n in 0..8u8 {
        vic.write(2 * n, 30 + 30 * n);
        vic.write(2 * n + 1, 60 + 17 * n);
    }
    vic.write(0x17, 0x0f);
    vic.write(0x1d, 0xf0);
    vic.write(0x1c, 0x33);
    vic.write(0x1a, 0x0f);
    vic.write(0x12, 0x80);
    // Stop in the middle of a bad line with sprites and collisions going on.
    run_frame(&mut vic, &mut mem);
    run_to(&mut vic, &mut mem, 0x6b, 30);
    let bytes = save(&vic);
    let mut copy = load(&bytes).expect("state loads");
    assert_eq!(copy, vic);

    let mut mem_copy = Mem::new();
    mem_copy.bank.copy_from_slice(&mem.bank);
    mem_copy.colour = mem.colour;
    for _ in 0..2 {
        run_frame(&mut vic, &mut mem);
        run_frame(&mut copy, &mut mem_copy);
        assert!(vic.framebuffer() == copy.framebuffer());
        assert_eq!(copy, vic);
    }
    assert_ne!(vic.peek(0x1e), 0);
}

#[test]
fn damaged_payloads_are_refused() {
    let vic = Vic::new();
    let mut out = StateWriter::new("vic-test", 1);
    vic.save(&mut out);
    out.u8(0);
    // One byte too many: the reader reports bytes left unread.
    assert!(matches!(load(&out.finish()), Err(StateError::Payload(_))));

    // A beam position out of range.
    let mut out = StateWriter::new("vic-test", 1);
    out.u8(1).bytes(&[0; 0x40]).u16(400);
    assert!(load(&out.finish()).is_err());
    // Truncated.
    let mut out = StateWriter::new("vic-test", 1);
    out.u8(1).bytes(&[0; 0x20]);
    assert!(load(&out.finish()).is_err());
    // Unknown layout.
    let mut out = StateWriter::new("vic-test", 1);
    out.u8(9);
    assert!(load(&out.finish()).is_err());
}
