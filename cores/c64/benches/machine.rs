//! Emulation speed of the whole machine: a demo program with the screen on (a page of
//! text), eight moving sprites and two raster interrupts a frame (the border colour
//! changes mid-screen), run cycle-exact through the open ROM.
//!
//! Criterion's throughput is in PAL frames: `elem/s` divided by 50.12 (985 248 / 19 656)
//! is the real-time multiple, which the bench also prints once before measuring.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heirloom_asm6502::{MemoryLoader, assemble};
use heirloom_c64::{C64, RomSet};
use heirloom_shell::{AudioBuffer, Core, FrameIo, Framebuffer, InputState, Media};
use heirloom_vic2::{CLOCK_HZ, CYCLES_PER_FRAME};
use std::hint::black_box;
use std::time::Instant;

/// The demo: KERNAL and BASIC banked out, its own IRQ vector, CIA 1's timer interrupt off.
/// An interrupt on line $20 sets the border to light blue and moves the eight sprites;
/// one on line $96 (mid-screen) turns the border red. `$C100` counts frames.
const DEMO: &str = "
* = $c000
        jmp start
start:  sei
        lda #$7f
        sta $dc0d
        lda $dc0d
        lda #$35
        sta $01
        lda #<top
        sta $fffe
        lda #>top
        sta $ffff
        ldx #0
text:   txa
        and #$3f
        sta $0400,x
        sta $0500,x
        sta $0600,x
        sta $06e8,x
        lda #1
        sta $d800,x
        sta $d900,x
        sta $da00,x
        sta $dae8,x
        inx
        bne text
        ldx #63
shape:  txa
        eor #$a5
        sta $0340,x
        dex
        bpl shape
        ldx #7
setup:  lda #13
        sta $07f8,x
        txa
        clc
        adc #2
        sta $d027,x
        dex
        bpl setup
        lda #$ff
        sta $d015
        lda #$0f
        sta $d01c
        lda #$30
        sta $d01d
        sta $d017
        lda #$81
        sta $d01b
        lda #0
        sta $d010
        sta $c100
        lda #$1b
        sta $d011
        lda #$20
        sta $d012
        lda #$01
        sta $d01a
        sta $d019
        cli
loop:   jmp loop

top:    pha
        txa
        pha
        lda #14
        sta $d020
        inc $c100
        ldx #14
move:   txa
        asl
        asl
        asl
        asl
        adc $c100
        sta $d000,x
        txa
        asl
        asl
        asl
        adc #70
        adc $c100
        sta $d001,x
        dex
        dex
        bpl move
        lda #<middle
        sta $fffe
        lda #>middle
        sta $ffff
        lda #$96
        sta $d012
        lda #$01
        sta $d019
        pla
        tax
        pla
        rti

middle: pha
        lda #2
        sta $d020
        lda #<top
        sta $fffe
        lda #>top
        sta $ffff
        lda #$20
        sta $d012
        lda #$01
        sta $d019
        pla
        rti
";

/// Frames measured per iteration.
const FRAMES: u64 = 50;

/// PAL frames per emulated second.
fn frames_per_second() -> f64 {
    f64::from(CLOCK_HZ) / f64::from(CYCLES_PER_FRAME)
}

fn run(c64: &mut C64, frames: u64, video: &mut Framebuffer, audio: &mut AudioBuffer) {
    let input = InputState::default();
    for _ in 0..frames {
        audio.clear();
        c64.run_frame(&mut FrameIo {
            input: &input,
            video,
            audio,
        });
    }
}

fn frame_counter(c64: &C64) -> u8 {
    let mut counter = [0];
    c64.read_memory("ram", 0xc100, &mut counter)
        .expect("RAM is readable");
    counter[0]
}

/// A C64 with the demo loaded, started and running.
fn demo_machine(video: &mut Framebuffer, audio: &mut AudioBuffer) -> C64 {
    let program = assemble("demo.s", DEMO, &MemoryLoader::new())
        .unwrap_or_else(|errors| panic!("{errors}"))
        .to_prg();
    let mut c64 = C64::new(RomSet::open_rom());
    c64.load(Media::new("demo.prg", program))
        .expect("the demo loads");
    run(&mut c64, 300, video, audio);
    let before = frame_counter(&c64);
    run(&mut c64, 10, video, audio);
    assert_eq!(
        frame_counter(&c64).wrapping_sub(before),
        10,
        "the demo's raster interrupt runs once a frame"
    );
    c64
}

fn bench(c: &mut Criterion) {
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    let mut c64 = demo_machine(&mut video, &mut audio);

    for sound in ["on", "off"] {
        c64.set_option("sound", sound).unwrap();
        let start = Instant::now();
        run(&mut c64, 250, &mut video, &mut audio);
        let emulated = 250.0 / frames_per_second();
        println!(
            "machine: {:.1}× real time with sound {sound} (demo with 8 sprites, 250 frames)",
            emulated / start.elapsed().as_secs_f64()
        );
    }
    c64.set_option("sound", "on").unwrap();

    let mut group = c.benchmark_group("machine");
    group.throughput(Throughput::Elements(FRAMES));
    group.sample_size(10);
    group.bench_function("demo, 8 sprites, 50 frames", |b| {
        b.iter(|| {
            run(&mut c64, FRAMES, &mut video, &mut audio);
            black_box(video.pixel(0, 0))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
