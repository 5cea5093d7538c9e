//! The C64 as a core of Heirloom's app shell.

use heirloom_shell::{
    Buttons, Core, CoreError, CoreInfo, CoreOption, FrameIo, FrameRate, Gamepad, Media, MediaKind,
    MemoryError, MemoryRegion, OptionError, OptionValue, ResetKind, StateError, StateReader,
    StateWriter,
};
use heirloom_vic2::{CLOCK_HZ, CYCLES_PER_FRAME, Palette};

use crate::keyboard;
use crate::machine::Machine;
use crate::pla::Region;
use crate::roms::RomSet;
use crate::typing::Typing;

/// The id written into the C64's save states.
pub const CORE_ID: &str = "c64";
/// The version of the C64's save state format.
pub const STATE_VERSION: u32 = 1;

/// Sample rate of the sound output.
const AUDIO_RATE: u32 = heirloom_sid::DEFAULT_OUTPUT_RATE;

/// Frames an autostart waits for `READY.` before it loads the program anyway.
const AUTOSTART_PATIENCE_FRAMES: u32 = 600;

const REGIONS: &[MemoryRegion] = &[
    MemoryRegion {
        name: "ram",
        size: 0x10000,
        description: "the 64 KiB of RAM",
    },
    MemoryRegion {
        name: "color",
        size: 0x400,
        description: "colour RAM (low nibbles)",
    },
];

const OPTIONS: &[CoreOption] = &[
    CoreOption {
        key: "palette",
        description: "RGB values of the 16 colours",
        values: &[
            OptionValue {
                value: "pepto",
                description: "Pepto's PAL measurement (VICE's default)",
            },
            OptionValue {
                value: "colodore",
                description: "Pepto's Colodore revision",
            },
        ],
        default: "pepto",
    },
    CoreOption {
        key: "joyport",
        description: "the control port the first gamepad is plugged into (the second takes the other)",
        values: &[
            OptionValue {
                value: "2",
                description: "port 2, where most games expect the joystick",
            },
            OptionValue {
                value: "1",
                description: "port 1",
            },
        ],
        default: "2",
    },
    CoreOption {
        key: "sid-model",
        description: "which SID the machine has",
        values: &[
            OptionValue {
                value: "6581",
                description: "the original SID of the first C64s",
            },
            OptionValue {
                value: "8580",
                description: "the later SID of the C64C",
            },
        ],
        default: "6581",
    },
    CoreOption {
        key: "debugcart",
        description: "the VICE debug cartridge: a write to $D7FF ends the run with that exit status",
        values: &[
            OptionValue {
                value: "off",
                description: "$D7FF is an ordinary (SID mirror) address",
            },
            OptionValue {
                value: "on",
                description: "a write to $D7FF ends the run",
            },
        ],
        default: "off",
    },
];

/// A program waiting for the machine to be ready to take it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Autostart {
    /// The `.prg`: load address, then bytes.
    program: Vec<u8>,
    /// Frames waited so far.
    waited: u32,
}

/// The C64 core: a [`Machine`] with the shell's input, video, audio, media and states.
#[derive(Clone)]
pub struct C64 {
    machine: Machine,
    typing: Typing,
    autostart: Option<Autostart>,
    palette: Palette,
    joystick_port: usize,
    /// The SID's samples of the frame, and the same as stereo pairs (buffers reused from
    /// frame to frame).
    mono: Vec<f32>,
    stereo: Vec<f32>,
}

impl C64 {
    /// A C64 with `roms`, switched on.
    pub fn new(roms: RomSet) -> Self {
        Self {
            machine: Machine::new(roms),
            typing: Typing::default(),
            autostart: None,
            palette: Palette::Pepto,
            joystick_port: 2,
            mono: Vec::new(),
            stereo: Vec::new(),
        }
    }

    /// The machine, for tests and debuggers.
    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// The machine, for tests and debuggers.
    pub fn machine_mut(&mut self) -> &mut Machine {
        &mut self.machine
    }

    /// Puts a `.prg` into RAM as LOAD would and starts it: a BASIC program (loaded at
    /// $0801) gets its end pointers set and is `RUN`; anything else is started with `SYS`
    /// at its load address.
    fn inject(&mut self, program: &[u8]) {
        let start = u16::from_le_bytes([program[0], program[1]]);
        let bytes = &program[2..];
        let ram = &mut self.machine.board.ram;
        for (offset, &byte) in bytes.iter().enumerate() {
            ram[(usize::from(start) + offset) & 0xffff] = byte;
        }
        let end = start.wrapping_add(bytes.len() as u16);
        if start == 0x0801 {
            // VARTAB, ARYTAB and STREND all point past the program; $AE/$AF as LOAD leaves it.
            for pointer in [0x2d, 0x2f, 0x31, 0xae] {
                ram[pointer..pointer + 2].copy_from_slice(&end.to_le_bytes());
            }
            self.typing.push_text("RUN\n");
        } else {
            self.typing.push_text(&format!("SYS{start}\n"));
        }
    }

    fn step_autostart(&mut self) {
        let Some(autostart) = &mut self.autostart else {
            return;
        };
        autostart.waited += 1;
        let ready = self.machine.screen_text().contains("READY.");
        if ready || autostart.waited > AUTOSTART_PATIENCE_FRAMES {
            let program = std::mem::take(&mut autostart.program);
            self.autostart = None;
            self.inject(&program);
        }
    }

    fn apply_input(&mut self, io: &FrameIo<'_>) {
        self.typing.push_text(&io.input.text);
        let (mut keys, restore) = keyboard::matrix_for(&io.input.keys);
        let board = &mut self.machine.board;
        let kernal_scans =
            board.region(0xe000) == Region::Kernal && board.ram[0x0314..0x0316] == [0x31, 0xea];
        if kernal_scans && !self.typing.pressing() {
            self.typing.fill_keyboard_buffer(&mut board.ram[..]);
        } else {
            for &key in self.typing.next_frame() {
                keys.press(key);
            }
        }
        let board = &mut self.machine.board;
        board.keys = keys;
        board.restore = restore;
        let (first, second) = (
            joystick_lines(&io.input.gamepads[0]),
            joystick_lines(&io.input.gamepads[1]),
        );
        board.joysticks = if self.joystick_port == 2 {
            [second, first]
        } else {
            [first, second]
        };
    }
}

/// The joystick lines a gamepad pulls low: up, down, left, right, fire in bits 0–4.
fn joystick_lines(pad: &Gamepad) -> u8 {
    if !pad.connected {
        return 0;
    }
    let stick = |axis: usize, negative: bool| {
        let value = pad.axes[axis];
        if negative { value < -0.5 } else { value > 0.5 }
    };
    let mut lines = 0;
    let directions = [
        (Buttons::UP, 1, true),
        (Buttons::DOWN, 1, false),
        (Buttons::LEFT, 0, true),
        (Buttons::RIGHT, 0, false),
    ];
    for (bit, (button, axis, negative)) in directions.into_iter().enumerate() {
        if pad.buttons.contains(button) || stick(axis, negative) {
            lines |= 1 << bit;
        }
    }
    if pad.buttons.contains(Buttons::SOUTH) {
        lines |= 0x10;
    }
    lines
}

fn find_region(name: &str) -> Result<&'static MemoryRegion, MemoryError> {
    REGIONS
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| MemoryError::UnknownRegion(name.to_owned()))
}

fn find_option(key: &str) -> Result<&'static CoreOption, OptionError> {
    OPTIONS
        .iter()
        .find(|o| o.key == key)
        .ok_or_else(|| OptionError::UnknownOption(key.to_owned()))
}

impl Core for C64 {
    fn info(&self) -> CoreInfo {
        let (width, height) = Machine::frame_size();
        CoreInfo {
            id: CORE_ID,
            name: "Commodore 64 (PAL)",
            video_width: width,
            video_height: height,
            pixel_aspect: 0.9365,
            frame_rate: FrameRate::new(u64::from(CLOCK_HZ), u64::from(CYCLES_PER_FRAME)),
            audio_sample_rate: AUDIO_RATE,
            audio_channels: 1,
        }
    }

    fn run_frame(&mut self, io: &mut FrameIo<'_>) {
        self.step_autostart();
        self.apply_input(io);
        self.machine.run_frame();
        self.machine.draw_frame(self.palette, io.video);
        self.mono.clear();
        self.machine.board.sid.take_samples(&mut self.mono);
        self.stereo.clear();
        self.stereo
            .extend(self.mono.iter().flat_map(|&sample| [sample, sample]));
        io.audio.push(&self.stereo);
    }

    fn reset(&mut self, kind: ResetKind) {
        match kind {
            ResetKind::Soft => self.machine.soft_reset(),
            ResetKind::Hard => self.machine.hard_reset(),
        }
        self.typing = Typing::default();
        self.autostart = None;
    }

    fn load(&mut self, media: Media) -> Result<(), CoreError> {
        match media.kind() {
            Some(MediaKind::Prg) if media.bytes.len() < 3 => Err(CoreError::Invalid {
                name: media.name,
                reason: "too short for a .prg (two bytes of load address, then the program)".into(),
            }),
            Some(MediaKind::Prg) => {
                let start = usize::from(u16::from_le_bytes([media.bytes[0], media.bytes[1]]));
                if start + media.bytes.len() - 2 > 0x10000 {
                    return Err(CoreError::Invalid {
                        name: media.name,
                        reason: format!(
                            "{} bytes at ${start:04x} run past the end of memory",
                            media.bytes.len() - 2
                        ),
                    });
                }
                self.autostart = Some(Autostart {
                    program: media.bytes,
                    waited: 0,
                });
                Ok(())
            }
            kind => Err(CoreError::Unsupported {
                name: media.name,
                kind: kind.unwrap_or(MediaKind::Zip),
            }),
        }
    }

    fn save_state(&self) -> Vec<u8> {
        let mut out = StateWriter::new(CORE_ID, STATE_VERSION);
        self.machine.save(&mut out);
        self.typing.save(&mut out);
        match &self.autostart {
            Some(autostart) => out
                .bool(true)
                .sized_bytes(&autostart.program)
                .u32(autostart.waited),
            None => out.bool(false),
        };
        out.finish()
    }

    fn load_state(&mut self, state: &[u8]) -> Result<(), StateError> {
        let mut input = StateReader::open(state, CORE_ID, STATE_VERSION)?;
        let machine = self.machine.load(&mut input)?;
        let typing = Typing::load(&mut input)?;
        let autostart = if input.bool()? {
            Some(Autostart {
                program: input.sized_bytes()?.to_vec(),
                waited: input.u32()?,
            })
        } else {
            None
        };
        input.finish()?;
        self.machine = machine;
        self.typing = typing;
        self.autostart = autostart;
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
        let range = find_region(region)?.check(address, buffer.len())?;
        let board = &self.machine.board;
        let source: &[u8] = if region == "ram" {
            &board.ram[..]
        } else {
            &board.color_ram[..]
        };
        buffer.copy_from_slice(&source[range]);
        Ok(())
    }

    fn write_memory(&mut self, region: &str, address: u32, data: &[u8]) -> Result<(), MemoryError> {
        let range = find_region(region)?.check(address, data.len())?;
        let board = &mut self.machine.board;
        if region == "ram" {
            board.ram[range].copy_from_slice(data);
        } else {
            for (slot, &value) in board.color_ram[range].iter_mut().zip(data) {
                *slot = value & 0x0f;
            }
        }
        Ok(())
    }

    fn options(&self) -> &[CoreOption] {
        OPTIONS
    }

    fn option(&self, key: &str) -> Result<&'static str, OptionError> {
        find_option(key)?;
        Ok(match key {
            "palette" => match self.palette {
                Palette::Pepto => "pepto",
                Palette::Colodore => "colodore",
            },
            "joyport" => {
                if self.joystick_port == 1 {
                    "1"
                } else {
                    "2"
                }
            }
            "sid-model" => match self.machine.board.sid.model() {
                heirloom_sid::Model::Mos6581 => "6581",
                heirloom_sid::Model::Mos8580 => "8580",
            },
            _ => {
                if self.machine.board.debug_cart {
                    "on"
                } else {
                    "off"
                }
            }
        })
    }

    fn set_option(&mut self, key: &str, value: &str) -> Result<(), OptionError> {
        let option = find_option(key)?;
        let value = option
            .find(value)
            .ok_or_else(|| OptionError::bad_value(option, value))?;
        match (key, value) {
            ("palette", "colodore") => self.palette = Palette::Colodore,
            ("palette", _) => self.palette = Palette::Pepto,
            ("joyport", "1") => self.joystick_port = 1,
            ("joyport", _) => self.joystick_port = 2,
            ("sid-model", "8580") => self
                .machine
                .board
                .sid
                .set_model(heirloom_sid::Model::Mos8580),
            ("sid-model", _) => self
                .machine
                .board
                .sid
                .set_model(heirloom_sid::Model::Mos6581),
            (_, on) => self.machine.board.debug_cart = on == "on",
        }
        Ok(())
    }

    fn exit_code(&self) -> Option<u8> {
        self.machine.board.exit_code
    }

    fn screen_text(&self) -> Option<String> {
        Some(self.machine.screen_text())
    }
}
