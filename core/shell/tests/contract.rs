//! The `Core` contract exercised through a small deterministic test core.

use heirloom_shell::state::{self, StateReader, StateWriter};
use heirloom_shell::{
    AudioBuffer, Buttons, Core, CoreError, CoreInfo, FrameIo, FrameRate, Framebuffer, InputState,
    Media, MediaKind, MemoryError, MemoryRegion, ResetKind, StateError,
};

const WIDTH: u32 = 32;
const HEIGHT: u32 = 24;
const RATE: FrameRate = FrameRate::new(985_248, 19_656);
const SAMPLE_RATE: u32 = 48_000;

/// A machine with a pseudo-random generator, a dot steered by the joystick, a tone whose
/// pitch follows the dot, and a little RAM: enough state that a bad round trip shows.
#[derive(Clone, Debug, PartialEq)]
struct Toy {
    frame: u64,
    lfsr: u32,
    dot: (u32, u32),
    phase: f64,
    ram: [u8; 64],
}

const REGIONS: &[MemoryRegion] = &[MemoryRegion {
    name: "ram",
    size: 64,
    description: "toy RAM",
}];

impl Toy {
    fn new() -> Self {
        Self {
            frame: 0,
            lfsr: 0xACE1,
            dot: (WIDTH / 2, HEIGHT / 2),
            phase: 0.0,
            ram: [0; 64],
        }
    }

    fn next_random(&mut self) -> u32 {
        let bit = (self.lfsr ^ (self.lfsr >> 2) ^ (self.lfsr >> 3) ^ (self.lfsr >> 5)) & 1;
        self.lfsr = (self.lfsr >> 1) | (bit << 15);
        self.lfsr
    }
}

impl Core for Toy {
    fn info(&self) -> CoreInfo {
        CoreInfo {
            id: "toy",
            name: "Toy",
            video_width: WIDTH,
            video_height: HEIGHT,
            pixel_aspect: 1.0,
            frame_rate: RATE,
            audio_sample_rate: SAMPLE_RATE,
            audio_channels: 2,
        }
    }

    fn run_frame(&mut self, io: &mut FrameIo<'_>) {
        let pad = io.input.gamepads[0].buttons;
        if pad.contains(Buttons::RIGHT) {
            self.dot.0 = (self.dot.0 + 1) % WIDTH;
        }
        if pad.contains(Buttons::DOWN) {
            self.dot.1 = (self.dot.1 + 1) % HEIGHT;
        }
        for byte in io.input.text.bytes() {
            self.ram[(self.frame % 64) as usize] = byte;
        }
        io.video.resize(WIDTH, HEIGHT);
        for y in 0..HEIGHT {
            for x in 0..WIDTH {
                let noise = self.next_random() as u8;
                let colour = if (x, y) == self.dot {
                    [255, 255, 255, 255]
                } else {
                    [noise, 0, 0, 255]
                };
                io.video.set_pixel(x, y, colour);
            }
        }
        let start = RATE.start_of_frame(self.frame);
        let samples = (RATE.start_of_frame(self.frame + 1) - start).as_nanos() as u64
            * u64::from(SAMPLE_RATE)
            / 1_000_000_000;
        let pitch = 200.0 + 10.0 * f64::from(self.dot.0);
        for _ in 0..samples {
            let value = (self.phase * std::f64::consts::TAU).sin() as f32 * 0.5;
            io.audio.push(&[value, -value]);
            self.phase = (self.phase + pitch / f64::from(SAMPLE_RATE)).fract();
        }
        self.frame += 1;
    }

    fn reset(&mut self, kind: ResetKind) {
        let ram = self.ram;
        *self = Self::new();
        if kind == ResetKind::Soft {
            self.ram = ram;
        }
    }

    fn load(&mut self, media: Media) -> Result<(), CoreError> {
        match media.kind() {
            Some(MediaKind::Prg) if media.bytes.len() <= 66 => {
                self.ram[..media.bytes.len() - 2].copy_from_slice(&media.bytes[2..]);
                Ok(())
            }
            Some(MediaKind::Prg) => Err(CoreError::Invalid {
                name: media.name,
                reason: "too long for 64 bytes of RAM".into(),
            }),
            kind => Err(CoreError::Unsupported {
                name: media.name,
                kind: kind.unwrap_or(MediaKind::Zip),
            }),
        }
    }

    fn save_state(&self) -> Vec<u8> {
        StateWriter::new("toy", 1)
            .u64(self.frame)
            .u32(self.lfsr)
            .u32(self.dot.0)
            .u32(self.dot.1)
            .f64(self.phase)
            .bytes(&self.ram)
            .finish()
    }

    fn load_state(&mut self, state: &[u8]) -> Result<(), StateError> {
        let mut reader = StateReader::open(state, "toy", 1)?;
        let mut restored = Toy::new();
        restored.frame = reader.u64()?;
        restored.lfsr = reader.u32()?;
        restored.dot = (reader.u32()?, reader.u32()?);
        restored.phase = reader.f64()?;
        reader.read_into(&mut restored.ram)?;
        reader.finish()?;
        *self = restored;
        Ok(())
    }

    fn memory_regions(&self) -> &[MemoryRegion] {
        REGIONS
    }

    fn read_memory(
        &self,
        region: &str,
        address: u32,
        buffer: &mut [u8],
    ) -> Result<(), MemoryError> {
        let range = find(region)?.check(address, buffer.len())?;
        buffer.copy_from_slice(&self.ram[range]);
        Ok(())
    }

    fn write_memory(&mut self, region: &str, address: u32, data: &[u8]) -> Result<(), MemoryError> {
        let range = find(region)?.check(address, data.len())?;
        self.ram[range].copy_from_slice(data);
        Ok(())
    }
}

fn find(region: &str) -> Result<&'static MemoryRegion, MemoryError> {
    REGIONS
        .iter()
        .find(|r| r.name == region)
        .ok_or_else(|| MemoryError::UnknownRegion(region.into()))
}

/// Input for frame `n` of the scripted session.
fn input_for(frame: u64) -> InputState {
    let mut input = InputState::default();
    input.gamepads[0].connected = true;
    input.gamepads[0]
        .buttons
        .set(Buttons::RIGHT, frame.is_multiple_of(3));
    input.gamepads[0]
        .buttons
        .set(Buttons::DOWN, frame.is_multiple_of(7));
    if frame.is_multiple_of(11) {
        input.text = format!("{frame}");
    }
    input
}

/// Runs frames `range` and returns every pixel and sample they produced.
fn record(core: &mut dyn Core, range: std::ops::Range<u64>) -> (Vec<u8>, Vec<f32>) {
    let mut video = Framebuffer::default();
    let mut audio = AudioBuffer::new();
    let mut pixels = Vec::new();
    for frame in range {
        let input = input_for(frame);
        core.run_frame(&mut FrameIo {
            input: &input,
            video: &mut video,
            audio: &mut audio,
        });
        pixels.extend_from_slice(video.as_bytes());
    }
    (pixels, audio.samples)
}

#[test]
fn save_and_load_state_replays_identically() {
    let mut core = Toy::new();
    record(&mut core, 0..100);
    let state = core.save_state();
    let first = record(&mut core, 100..200);

    let mut other = Toy::new();
    other.load_state(&state).unwrap();
    let second = record(&mut other, 100..200);
    assert_eq!(first.0, second.0, "pixels differ after a state round trip");
    assert_eq!(first.1, second.1, "samples differ after a state round trip");
    assert!(!first.1.is_empty());

    // The same state loaded into the original machine rewinds it.
    core.load_state(&state).unwrap();
    assert_eq!(record(&mut core, 100..200), first);
}

#[test]
fn bad_states_leave_the_machine_untouched() {
    let mut core = Toy::new();
    record(&mut core, 0..10);
    let good = core.save_state();
    record(&mut core, 10..20);
    let before = core.clone();

    let mut corrupt = good.clone();
    corrupt[40] ^= 0x10;
    let foreign = StateWriter::new("other", 1).u64(1).finish();
    let newer = StateWriter::new("toy", 2).u64(1).finish();
    let short_payload = StateWriter::new("toy", 1).u64(1).finish();
    let cases: [(&[u8], &str); 5] = [
        (&corrupt, "save state corrupted (checksum mismatch)"),
        (&good[..good.len() - 1], "save state truncated"),
        (&foreign, "save state is for the `other` core, not `toy`"),
        (&newer, "save state is version 2 of the `toy` format"),
        (&short_payload, "save state payload invalid"),
    ];
    for (bytes, message) in cases {
        let err = core.load_state(bytes).unwrap_err();
        assert!(err.to_string().starts_with(message), "{err}");
        assert_eq!(
            core, before,
            "a refused state ({message}) changed the machine"
        );
    }
    assert!(state::open(b"garbage").is_err());
}

#[test]
fn memory_regions_are_read_and_written_by_name() {
    let mut core = Toy::new();
    core.write_memory("ram", 60, &[1, 2, 3, 4]).unwrap();
    let mut buffer = [0; 4];
    core.read_memory("ram", 60, &mut buffer).unwrap();
    assert_eq!(buffer, [1, 2, 3, 4]);
    assert!(matches!(
        core.read_memory("ram", 61, &mut buffer),
        Err(MemoryError::OutOfRange { .. })
    ));
    assert_eq!(
        core.write_memory("vram", 0, &[0]).unwrap_err().to_string(),
        "no memory region named `vram`"
    );
}

#[test]
fn resets_keep_what_they_promise() {
    let mut core = Toy::new();
    core.load(Media::new("p.prg", vec![0x01, 0x08, 9, 9]))
        .unwrap();
    record(&mut core, 0..5);
    let ram = core.ram;
    assert_eq!(ram[1], 9);
    core.reset(ResetKind::Soft);
    assert_eq!(core.frame, 0);
    assert_eq!(core.ram, ram);
    core.reset(ResetKind::Hard);
    assert_eq!(core, Toy::new());
}

#[test]
fn load_refuses_media_it_cannot_run_and_keeps_running() {
    let mut core = Toy::new();
    let before = core.clone();
    let err = core.load(Media::new("big.prg", vec![0; 100])).unwrap_err();
    assert_eq!(err.to_string(), "big.prg: too long for 64 bytes of RAM");
    let err = core
        .load(Media::new("m.wasm", b"\0asm\x01\0\0\0".to_vec()))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "m.wasm: this core does not run a WebAssembly module (.wasm)"
    );
    assert_eq!(core, before);
}
