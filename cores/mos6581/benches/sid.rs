//! Emulation speed: one second of PAL SID time (985 250 cycles) with a busy tune-like
//! setup, clocked as a machine would. Criterion's throughput is in emulated cycles per
//! second: `Melem/s` divided by 0.985 is the real-time multiple.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heirloom_sid::{Model, Sid, reg};
use std::hint::black_box;

/// Three gated voices (pulse, sawtooth, noise+pulse mix) and the filter on voice 1.
fn busy(model: Model) -> Sid {
    let mut sid = Sid::new(model);
    let writes = [
        (0x00, 0x00),
        (0x01, 0x1D),
        (0x03, 0x08),
        (0x05, 0x09),
        (0x06, 0xF0),
        (0x04, 0x41),
        (0x07, 0x34),
        (0x08, 0x0A),
        (0x0C, 0x22),
        (0x0D, 0xA4),
        (0x0B, 0x21),
        (0x0E, 0x00),
        (0x0F, 0x40),
        (0x13, 0x00),
        (0x14, 0xF3),
        (0x12, 0x81),
        (reg::FC_HI, 0x40),
        (reg::RES_FILT, 0xF1),
        (reg::MODE_VOL, 0x1F),
    ];
    for (r, v) in writes {
        sid.write(r, v);
    }
    sid
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sid");
    group.throughput(Throughput::Elements(50 * 19_705));
    group.sample_size(20);
    // one emulated second, samples taken once per PAL frame (19 705 cycles), the chip
    // clocked in steps of `step` cycles, with a register read every `read_every` steps
    for (name, model, step, read_every, output) in [
        ("6581 tick per cycle", Model::Mos6581, 1, u32::MAX, true),
        ("8580 tick per cycle", Model::Mos8580, 1, u32::MAX, true),
        ("6581 read every 63 cycles", Model::Mos6581, 63, 1, true),
        ("6581 output off", Model::Mos6581, 1, u32::MAX, false),
    ] {
        let mut sid = busy(model);
        sid.set_output_enabled(output);
        let mut out = Vec::with_capacity(64_000);
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                for _ in 0..50 {
                    let mut left = 19_705;
                    let mut steps = 0u32;
                    while left > 0 {
                        let n = left.min(step);
                        sid.clock(n);
                        left -= n;
                        steps += 1;
                        if steps.is_multiple_of(read_every) {
                            black_box(sid.read(reg::ENV3));
                        }
                    }
                    sid.take_samples(&mut out);
                }
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
