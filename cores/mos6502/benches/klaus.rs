//! Emulated clock rate on Klaus Dormann's functional test: this core against the
//! `mos6502` crate running the same image. Criterion's throughput is in emulated cycles
//! per second (each core's own cycle count), so `Melem/s` reads as emulated MHz.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heirloom_6502::{Bus, Cpu};
use mos6502::instruction::Nmos6502;
use mos6502::memory::{Bus as _, Memory};
use std::hint::black_box;

const SUCCESS: u16 = 0x3469;

struct Ram(Box<[u8; 0x10000]>);

impl Bus for Ram {
    #[inline(always)]
    fn read(&mut self, addr: u16) -> u8 {
        self.0[addr as usize]
    }

    #[inline(always)]
    fn write(&mut self, addr: u16, value: u8) {
        self.0[addr as usize] = value;
    }
}

fn image() -> Option<Vec<u8>> {
    let dir = heirloom_testkit::suite("klaus-dormann")?;
    let bytes = std::fs::read(dir.join("6502_functional_test.bin")).ok()?;
    (bytes.len() == 0x10000).then_some(bytes)
}

/// Runs the test to its success loop on this core, one `step` at a time (as the peer
/// runs); returns the cycles taken.
fn step_heirloom(image: &[u8]) -> u64 {
    let mut ram = Ram(Box::new([0; 0x10000]));
    ram.0.copy_from_slice(image);
    let mut cpu = Cpu::new();
    cpu.pc = 0x0400;
    while cpu.pc != SUCCESS {
        cpu.step(&mut ram);
        assert!(
            cpu.cycles < 200_000_000,
            "heirloom-6502 did not reach the success loop"
        );
    }
    cpu.cycles
}

/// The same with `run` in slices of 1,000 cycles, checking for the success loop (a
/// `JMP *`, so the CPU stays there) between slices.
fn run_heirloom(image: &[u8]) -> u64 {
    let mut ram = Ram(Box::new([0; 0x10000]));
    ram.0.copy_from_slice(image);
    let mut cpu = Cpu::new();
    cpu.pc = 0x0400;
    while cpu.pc != SUCCESS {
        cpu.run(&mut ram, 1_000);
        assert!(
            cpu.cycles < 200_000_000,
            "heirloom-6502 did not reach the success loop"
        );
    }
    cpu.cycles
}

/// Runs the test to its success loop on the `mos6502` crate; returns its cycle count.
fn run_peer(image: &[u8]) -> u64 {
    let mut memory = Memory::new();
    for (addr, &byte) in image.iter().enumerate() {
        memory.set_byte(addr as u16, byte);
    }
    let mut cpu = mos6502::cpu::CPU::new(memory, Nmos6502);
    cpu.registers.program_counter = 0x0400;
    while cpu.registers.program_counter != SUCCESS {
        cpu.single_step();
        assert!(
            cpu.cycles < 200_000_000,
            "mos6502 did not reach the success loop"
        );
    }
    cpu.cycles
}

fn klaus(c: &mut Criterion) {
    let Some(image) = image() else {
        return;
    };
    let mut group = c.benchmark_group("klaus-dormann");
    group.sample_size(10);
    let cycles = step_heirloom(&image);
    group.throughput(Throughput::Elements(cycles));
    group.bench_function("heirloom-6502 step", |b| {
        b.iter(|| step_heirloom(black_box(&image)))
    });
    group.bench_function("heirloom-6502 run", |b| {
        b.iter(|| run_heirloom(black_box(&image)))
    });
    let cycles = run_peer(&image);
    group.throughput(Throughput::Elements(cycles));
    group.bench_function("mos6502", |b| b.iter(|| run_peer(black_box(&image))));
    group.finish();
}

criterion_group!(benches, klaus);
criterion_main!(benches);
