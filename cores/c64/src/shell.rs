//! The C64 as a core of Heirloom's app shell.

use heirloom_shell::{
    Axis, Buttons, Core, CoreError, CoreInfo, CoreOption, FrameIo, FrameRate, Gamepad, Media,
    MediaKind, MemoryError, MemoryRegion, OptionError, OptionValue, OptionValues, ResetKind,
    StateError, StateReader, StateWriter, Stop,
};
use heirloom_vic2::{CLOCK_HZ, CYCLES_PER_FRAME, Palette};

use crate::cartridge::Cartridge;
use crate::drive::DriveBacking;
use crate::keyboard;
use crate::machine::Machine;
use crate::media::Program;
use crate::media::crt::CrtImage;
use crate::media::p00::P00;
use crate::media::sid::SidTune;
use crate::media::sid::player::{self, Start};
use crate::media::t64::Tape;
use crate::pla::Region;
use crate::ports::{self, Device, Mouse1351, PotLine};
use crate::roms::RomSet;
use crate::typing::Typing;

/// The id written into the C64's save states.
pub const CORE_ID: &str = "c64";
/// The version of the C64's save state format.
pub const STATE_VERSION: u32 = 4;

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
        values: OptionValues::Choice(&[
            OptionValue {
                value: "pepto",
                description: "Pepto's PAL measurement (VICE's default)",
            },
            OptionValue {
                value: "colodore",
                description: "Pepto's Colodore revision",
            },
        ]),
        default: "pepto",
    },
    CoreOption {
        key: "joyport",
        description: "the control port the first gamepad is plugged into (the second takes the other)",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "2",
                description: "port 2, where most games expect the joystick",
            },
            OptionValue {
                value: "1",
                description: "port 1",
            },
        ]),
        default: "2",
    },
    CoreOption {
        key: "port1",
        description: "what is plugged into control port 1 (paddles and the 1351 mouse read through POTX/POTY)",
        values: OptionValues::Choice(DEVICES),
        default: "joystick",
    },
    CoreOption {
        key: "port2",
        description: "what is plugged into control port 2",
        values: OptionValues::Choice(DEVICES),
        default: "joystick",
    },
    CoreOption {
        key: "sid-model",
        description: "which SID the machine has",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "6581",
                description: "the original SID of the first C64s",
            },
            OptionValue {
                value: "8580",
                description: "the later SID of the C64C",
            },
        ]),
        default: "6581",
    },
    CoreOption {
        key: "sound",
        description: "whether the SID is emulated (off: silent and faster; OSC3/ENV3 stand still)",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "on",
                description: "the SID is clocked every cycle",
            },
            OptionValue {
                value: "off",
                description: "no sound is made",
            },
        ]),
        default: "on",
    },
    CoreOption {
        key: "sid-tune",
        description: "the sub-tune a .sid plays (changing it restarts a tune that is playing)",
        values: OptionValues::Choice(SUB_TUNES),
        default: "start",
    },
    CoreOption {
        key: "cartridge-reset",
        description: "what a hard reset does with the cartridge in the expansion port",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "keep",
                description: "the power is cycled with the cartridge still plugged in",
            },
            OptionValue {
                value: "detach",
                description: "the cartridge is pulled out before the power comes back",
            },
        ]),
        default: "keep",
    },
    CoreOption {
        key: "debugcart",
        description: "the VICE debug cartridge: a write to $D7FF ends the run with that exit status",
        values: OptionValues::Choice(&[
            OptionValue {
                value: "off",
                description: "$D7FF is an ordinary (SID mirror) address",
            },
            OptionValue {
                value: "on",
                description: "a write to $D7FF ends the run",
            },
        ]),
        default: "off",
    },
    CoreOption {
        key: "limit-cycles",
        description: "stop the run once this many cycles have passed since power-on, as VICE's -limitcycles (0: no limit)",
        values: OptionValues::Number {
            min: 0,
            max: u64::MAX,
        },
        default: "0",
    },
];

/// The values of the `port1` and `port2` options.
const DEVICES: &[OptionValue] = &[
    OptionValue {
        value: "joystick",
        description: "a joystick: the port's gamepad (see joyport)",
    },
    OptionValue {
        value: "paddles",
        description: "two paddles: the port's gamepad's left-stick X and south button, right-stick X and east button",
    },
    OptionValue {
        value: "mouse",
        description: "a 1351 mouse in proportional mode, moved by the pointer (left button fire, right button up)",
    },
];

/// The values of the `sid-tune` option: `start` (the tune's own start song) and 1–256.
macro_rules! sub_tunes {
    ($($n:literal)*) => {
        &[
            OptionValue {
                value: "start",
                description: "the sub-tune the tune's header starts with",
            },
            $(OptionValue {
                value: stringify!($n),
                description: concat!("sub-tune ", stringify!($n)),
            },)*
        ]
    };
}

const SUB_TUNES: &[OptionValue] = sub_tunes!(
    1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32
    33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61
    62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90
    91 92 93 94 95 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114
    115 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 131 132 133 134 135 136
    137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158
    159 160 161 162 163 164 165 166 167 168 169 170 171 172 173 174 175 176 177 178 179 180
    181 182 183 184 185 186 187 188 189 190 191 192 193 194 195 196 197 198 199 200 201 202
    203 204 205 206 207 208 209 210 211 212 213 214 215 216 217 218 219 220 221 222 223 224
    225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246
    247 248 249 250 251 252 253 254 255 256
);

/// What waits for the machine to be ready to take it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pending {
    /// A `.prg`: load address, then bytes.
    Program(Vec<u8>),
    /// Text to type, as a user starting a disk would.
    Typed(String),
    /// A `.sid` file and the sub-tune (from 1) to play.
    Tune {
        /// The whole file, as loaded.
        file: Vec<u8>,
        /// The sub-tune.
        song: u16,
    },
}

/// Media waiting for the machine to be ready to take it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Autostart {
    /// What to start.
    pending: Pending,
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
    /// What is plugged into control ports 1 and 2.
    devices: [Device; 2],
    /// The 1351 mouse the pointer moves (in whichever port holds one).
    mouse: Mouse1351,
    /// The sub-tune the `sid-tune` option asks for (`None`: the tune's start song).
    sub_tune: Option<u16>,
    /// Whether a hard reset keeps the cartridge plugged in.
    keep_cartridge: bool,
    /// The `.sid` file playing, kept to restart it with another sub-tune.
    tune: Option<Vec<u8>>,
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
            devices: [Device::Joystick; 2],
            mouse: Mouse1351::new(),
            sub_tune: None,
            keep_cartridge: true,
            tune: None,
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

    /// Puts `tape` into the datasette on device 1, rewound (see
    /// [`Machine::attach_tape`]); nothing is started.
    pub fn attach_tape(&mut self, tape: Tape) {
        self.machine.attach_tape(tape);
    }

    /// Takes the tape out of the datasette, if there is one.
    pub fn detach_tape(&mut self) -> Option<Tape> {
        self.machine.detach_tape()
    }

    /// Puts a `.prg` into RAM as LOAD would and starts it: a BASIC program (loaded at
    /// $0801) gets its end pointers set and is `RUN`; anything else is started with `SYS`
    /// at its load address.
    fn inject(&mut self, program: &[u8]) {
        let start = u16::from_le_bytes([program[0], program[1]]);
        let bytes = &program[2..];
        self.write_ram(start, bytes);
        if start == 0x0801 {
            self.run_basic(start.wrapping_add(bytes.len() as u16));
        } else {
            self.typing.push_text(&format!("SYS{start}\n"));
        }
    }

    fn write_ram(&mut self, start: u16, bytes: &[u8]) {
        let ram = &mut self.machine.board.ram;
        for (offset, &byte) in bytes.iter().enumerate() {
            ram[(usize::from(start) + offset) & 0xffff] = byte;
        }
    }

    /// Sets BASIC's pointers for a program at $0801 ending at `end`, as LOAD leaves them,
    /// and types `RUN`.
    fn run_basic(&mut self, end: u16) {
        let ram = &mut self.machine.board.ram;
        // VARTAB, ARYTAB and STREND all point past the program; $AE/$AF as LOAD leaves it.
        for pointer in [0x2d, 0x2f, 0x31, 0xae] {
            ram[pointer..pointer + 2].copy_from_slice(&end.to_le_bytes());
        }
        self.typing.push_text("RUN\n");
    }

    /// Installs sub-tune `song` of the `.sid` `file` with the player driver and starts it.
    fn start_tune(&mut self, file: &[u8], song: u16) {
        // The file was checked when it was loaded (or its state restored).
        let Ok(installation) = SidTune::parse(file).and_then(|tune| player::install(&tune, song))
        else {
            return;
        };
        for (address, bytes) in &installation.blocks {
            self.write_ram(*address, bytes);
        }
        match installation.start {
            Start::Jump(address) => {
                // The driver takes the CPU with interrupts masked (its first instruction
                // would mask them anyway): an interrupt already decided on must not go
                // through vectors the tune's data may just have replaced.
                let cpu = &mut self.machine.cpu;
                cpu.p |= 0x04;
                if !cpu.nmi_latched {
                    cpu.interrupt_due = false;
                }
                cpu.pc = address;
            }
            Start::Run(end) => self.run_basic(end),
        }
    }

    fn step_autostart(&mut self) {
        let Some(autostart) = &mut self.autostart else {
            return;
        };
        autostart.waited += 1;
        let ready = self.machine.screen_text().contains("READY.");
        if ready || autostart.waited > AUTOSTART_PATIENCE_FRAMES {
            let pending = std::mem::replace(&mut autostart.pending, Pending::Program(Vec::new()));
            self.autostart = None;
            match pending {
                Pending::Program(program) => self.inject(&program),
                Pending::Typed(text) => self.typing.push_text(&text),
                Pending::Tune { file, song } => self.start_tune(&file, song),
            }
        }
    }

    /// Switches the power off and on, with `cartridge` plugged in (in its power-on
    /// state) when there is one. The SID model stays what it was.
    fn power_cycle(&mut self, cartridge: Option<Cartridge>) {
        let model = self.machine.board.sid.model();
        self.machine.hard_reset();
        self.machine.board.sid.set_model(model);
        self.typing = Typing::default();
        self.autostart = None;
        self.tune = None;
        if let Some(mut cartridge) = cartridge {
            cartridge.reset();
            self.machine.board.attach_cartridge(cartridge);
            // The CPU fetches its reset vector again, now through the cartridge.
            self.machine.soft_reset();
        }
    }

    /// Starts `program` once the machine shows `READY.`; a cartridge is pulled out and a
    /// playing tune stopped (with a power cycle) first, so that BASIC comes up to take it.
    fn autostart_program(&mut self, program: &Program) {
        if self.machine.board.cartridge().is_some() || self.tune.is_some() {
            self.machine.board.detach_cartridge();
            self.power_cycle(None);
        }
        self.autostart = Some(Autostart {
            pending: Pending::Program(program.to_prg()),
            waited: 0,
        });
    }

    /// Plays sub-tune `song` of the checked `.sid` `file`: the machine is switched off
    /// and on (without a cartridge), and the driver starts once BASIC is ready.
    fn play_tune(&mut self, file: Vec<u8>, song: u16) {
        self.machine.board.detach_cartridge();
        self.power_cycle(None);
        self.tune = Some(file.clone());
        self.autostart = Some(Autostart {
            pending: Pending::Tune { file, song },
            waited: 0,
        });
    }

    /// The sub-tune to play of `tune`: the `sid-tune` option's, else the header's.
    fn song_for(&self, tune: &SidTune) -> u16 {
        self.sub_tune.unwrap_or(tune.start_song)
    }

    /// Hands a disk image to the disk drive. The drive belongs to the open ROM's serial
    /// bus, which takes disk images through [`Machine::attach_drive`]; until the shell's
    /// media path is wired to it, a `.d64` is refused with that explanation.
    /// Inserts a `.d64` into drive 8 (held in memory: the file it came from is never
    /// written) and starts its first program as a user would: `LOAD"*",8,1`, then `RUN`.
    fn load_disk_image(&mut self, media: Media) -> Result<(), CoreError> {
        let invalid = |reason: String| CoreError::Invalid {
            name: media.name.clone(),
            reason,
        };
        let disk =
            DriveBacking::image_from_bytes(&media.bytes).map_err(|e| invalid(e.to_string()))?;
        if self.machine.board.cartridge().is_some() || self.tune.is_some() {
            self.machine.board.detach_cartridge();
            self.power_cycle(None);
        }
        self.machine
            .attach_drive(8, disk)
            .map_err(|e| invalid(e.to_string()))?;
        self.autostart = Some(Autostart {
            pending: Pending::Typed("LOAD\"*\",8,1\nRUN\n".into()),
            waited: 0,
        });
        Ok(())
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
        // The first gamepad belongs to the joystick port, the second to the other.
        let [first, second] = [&io.input.gamepads[0], &io.input.gamepads[1]];
        let pads = if self.joystick_port == 2 {
            [second, first]
        } else {
            [first, second]
        };
        let pointer = &io.input.pointer;
        self.mouse.follow(pointer);
        for (port, (device, pad)) in self.devices.into_iter().zip(pads).enumerate() {
            let (lines, pots) = match device {
                Device::Joystick => (joystick_lines(pad), [PotLine::Open; 2]),
                Device::Paddles => (
                    ports::paddle_lines(
                        pad.buttons.contains(Buttons::SOUTH),
                        pad.buttons.contains(Buttons::EAST),
                    ),
                    [
                        PotLine::Resistive(ports::paddle_value(pad.axis(Axis::LeftX))),
                        PotLine::Resistive(ports::paddle_value(pad.axis(Axis::RightX))),
                    ],
                ),
                Device::Mouse => (Mouse1351::lines(pointer.buttons), self.mouse.pots()),
            };
            board.joysticks[port] = lines;
            board.pots[port] = pots;
        }
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

    /// Runs a frame; once the machine has [stopped](Core::stopped) nothing runs (no
    /// autostart, no typing) and the last picture is drawn again.
    fn run_frame(&mut self, io: &mut FrameIo<'_>) {
        if self.machine.stopped().is_none() {
            self.step_autostart();
            self.apply_input(io);
            self.machine.run_frame();
        }
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
            ResetKind::Soft => {
                // The reset line reaches the expansion port too.
                self.machine.board.reset_cartridge();
                self.machine.soft_reset();
                self.typing = Typing::default();
                self.autostart = None;
            }
            ResetKind::Hard => {
                let cartridge = self.machine.board.detach_cartridge();
                self.power_cycle(cartridge.filter(|_| self.keep_cartridge));
            }
        }
    }

    /// Loads a program, tape archive, cartridge or tune:
    ///
    /// - `.prg`, `.p00` and `.t64` (its first program) autostart: once `READY.` shows,
    ///   the program is put into RAM as LOAD would and `RUN` (at $0801) or `SYS`ed. A
    ///   cartridge is pulled out first (with a power cycle), as is a playing tune. A
    ///   `.t64` stays in the datasette (device 1), wound past that first program with
    ///   PLAY down, so the program can LOAD its other files from tape.
    /// - `.crt`: the cartridge is plugged in (replacing any other) and the power cycled,
    ///   so it starts as on a real C64.
    /// - `.sid`: the power is cycled and the tune plays with Heirloom's driver, sub-tune
    ///   from the `sid-tune` option or the tune's start song.
    /// - `.d64`: see the disk drive.
    fn load(&mut self, media: Media) -> Result<(), CoreError> {
        let invalid = |reason: String| CoreError::Invalid {
            name: media.name.clone(),
            reason,
        };
        match media.kind() {
            Some(MediaKind::Prg) => {
                let program =
                    Program::from_prg(&media.bytes).map_err(|e| invalid(e.to_string()))?;
                self.autostart_program(&program);
            }
            Some(MediaKind::P00) => {
                let file = P00::parse(&media.bytes).map_err(|e| invalid(e.to_string()))?;
                self.autostart_program(&file.program);
            }
            Some(MediaKind::T64) => {
                let tape = Tape::parse(&media.bytes).map_err(|e| invalid(e.to_string()))?;
                let entry = tape.program(None).map_err(|e| invalid(e.to_string()))?;
                self.autostart_program(&entry.program);
                self.machine.datasette.insert_after_first_program(tape);
            }
            Some(MediaKind::Crt) => {
                let cartridge = CrtImage::parse(&media.bytes)
                    .and_then(|image| Cartridge::from_crt(&image))
                    .map_err(|e| invalid(e.to_string()))?;
                self.machine.board.detach_cartridge();
                self.power_cycle(Some(cartridge));
            }
            Some(MediaKind::Sid) => {
                let tune = SidTune::parse(&media.bytes).map_err(|e| invalid(e.to_string()))?;
                let song = self.song_for(&tune);
                player::install(&tune, song).map_err(|e| invalid(e.to_string()))?;
                self.play_tune(media.bytes, song);
            }
            Some(MediaKind::D64) => return self.load_disk_image(media),
            Some(kind) => {
                return Err(CoreError::Unsupported {
                    name: media.name,
                    kind,
                });
            }
            None => return Err(invalid("not a format the C64 knows".into())),
        }
        Ok(())
    }

    fn save_state(&self) -> Vec<u8> {
        let mut out = StateWriter::new(CORE_ID, STATE_VERSION);
        self.machine.save(&mut out);
        self.typing.save(&mut out);
        match &self.autostart {
            Some(Autostart {
                pending: Pending::Program(program),
                waited,
            }) => out.u8(1).sized_bytes(program).u32(*waited),
            Some(Autostart {
                pending: Pending::Tune { file, song },
                waited,
            }) => out.u8(2).sized_bytes(file).u16(*song).u32(*waited),
            Some(Autostart {
                pending: Pending::Typed(text),
                waited,
            }) => out.u8(3).sized_bytes(text.as_bytes()).u32(*waited),
            None => out.u8(0),
        };
        match self.machine.board.cartridge() {
            Some(cartridge) => {
                out.bool(true);
                cartridge.save(&mut out);
            }
            None => {
                out.bool(false);
            }
        }
        match &self.tune {
            Some(file) => out.bool(true).sized_bytes(file),
            None => out.bool(false),
        };
        self.mouse.save(&mut out);
        out.finish()
    }

    fn load_state(&mut self, state: &[u8]) -> Result<(), StateError> {
        let mut input = StateReader::open(state, CORE_ID, STATE_VERSION)?;
        let mut machine = self.machine.load(&mut input)?;
        let typing = Typing::load(&mut input)?;
        let bad_tune = || StateError::Payload("the saved SID tune does not parse".into());
        let autostart = match input.u8()? {
            0 => None,
            1 => {
                let program = input.sized_bytes()?.to_vec();
                Program::from_prg(&program).map_err(|error| {
                    StateError::Payload(format!("the saved autostart program: {error}"))
                })?;
                Some(Autostart {
                    pending: Pending::Program(program),
                    waited: input.u32()?,
                })
            }
            2 => {
                let file = input.sized_bytes()?.to_vec();
                let song = input.u16()?;
                let tune = SidTune::parse(&file).map_err(|_| bad_tune())?;
                player::install(&tune, song).map_err(|_| bad_tune())?;
                Some(Autostart {
                    pending: Pending::Tune { file, song },
                    waited: input.u32()?,
                })
            }
            3 => {
                let text = String::from_utf8(input.sized_bytes()?.to_vec()).map_err(|_| {
                    StateError::Payload("the saved autostart text is not UTF-8".into())
                })?;
                Some(Autostart {
                    pending: Pending::Typed(text),
                    waited: input.u32()?,
                })
            }
            other => {
                return Err(StateError::Payload(format!(
                    "unknown autostart kind {other}"
                )));
            }
        };
        if input.bool()? {
            machine.board.attach_cartridge(Cartridge::load(&mut input)?);
        }
        let tune = if input.bool()? {
            let file = input.sized_bytes()?.to_vec();
            SidTune::parse(&file).map_err(|_| bad_tune())?;
            Some(file)
        } else {
            None
        };
        let mouse = Mouse1351::load(&mut input)?;
        input.finish()?;
        self.machine = machine;
        self.typing = typing;
        self.autostart = autostart;
        self.tune = tune;
        self.mouse = mouse;
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

    fn option(&self, key: &str) -> Result<String, OptionError> {
        find_option(key)?;
        let value = match key {
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
            "port1" => self.devices[0].name(),
            "port2" => self.devices[1].name(),
            "sid-model" => match self.machine.board.sid.model() {
                heirloom_sid::Model::Mos6581 => "6581",
                heirloom_sid::Model::Mos8580 => "8580",
            },
            "sound" => {
                if self.machine.board.sound {
                    "on"
                } else {
                    "off"
                }
            }
            "sid-tune" => SUB_TUNES[usize::from(self.sub_tune.unwrap_or(0))].value,
            "cartridge-reset" => {
                if self.keep_cartridge {
                    "keep"
                } else {
                    "detach"
                }
            }
            "debugcart" => {
                if self.machine.board.debug_cart {
                    "on"
                } else {
                    "off"
                }
            }
            _ => return Ok(self.machine.cycle_limit().unwrap_or(0).to_string()),
        };
        Ok(value.to_owned())
    }

    fn set_option(&mut self, key: &str, value: &str) -> Result<(), OptionError> {
        let option = find_option(key)?;
        if key == "limit-cycles" {
            let limit = option
                .number(value)
                .ok_or_else(|| OptionError::bad_value(option, value))?;
            self.machine.set_cycle_limit((limit > 0).then_some(limit));
            return Ok(());
        }
        let value = option
            .find(value)
            .ok_or_else(|| OptionError::bad_value(option, value))?;
        match (key, value) {
            ("palette", "colodore") => self.palette = Palette::Colodore,
            ("palette", _) => self.palette = Palette::Pepto,
            ("joyport", "1") => self.joystick_port = 1,
            ("joyport", _) => self.joystick_port = 2,
            ("port1" | "port2", value) => {
                let port = usize::from(key == "port2");
                self.devices[port] = Device::from_name(value)
                    .ok_or_else(|| OptionError::bad_value(option, value))?;
            }
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
            ("sound", value) => self.machine.board.sound = value == "on",
            ("sid-tune", value) => {
                let song = value.parse::<u16>().ok();
                if let Some(file) = self.tune.clone() {
                    // A tune is playing: restart it with the sub-tune asked for, if it has it.
                    let tune =
                        SidTune::parse(&file).map_err(|_| OptionError::bad_value(option, value))?;
                    let song = song.unwrap_or(tune.start_song);
                    if song > tune.songs {
                        return Err(OptionError::BadValue {
                            key: key.to_owned(),
                            value: value.to_owned(),
                            accepted: format!("start, 1 to {} (the tune's sub-tunes)", tune.songs),
                        });
                    }
                    self.play_tune(file, song);
                }
                self.sub_tune = song;
            }
            ("cartridge-reset", value) => self.keep_cartridge = value == "keep",
            (_, on) => self.machine.board.debug_cart = on == "on",
        }
        Ok(())
    }

    fn exit_code(&self) -> Option<u8> {
        self.machine.board.exit_code
    }

    fn stopped(&self) -> Option<Stop> {
        self.machine.stopped()
    }

    fn screen_text(&self) -> Option<String> {
        Some(self.machine.screen_text())
    }
}
