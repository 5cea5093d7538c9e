//! The MOS 6569 VIC-II (PAL) video chip of the Commodore 64, cycle-exact.
//!
//! The chip is a plain value ([`Vic`]) clocked once per CPU cycle with [`Vic::tick`]. It
//! reads memory through the [`VicMemory`] trait the machine implements, drives BA/AEC for
//! the CPU's RDY line, raises its IRQ line, and renders 8 pixels per cycle into an
//! indexed-colour buffer of the visible area.
//!
//! Its behaviour follows Christian Bauer's *The MOS 6567/6569 video controller (VIC-II)
//! and its application in the Commodore 64*: the PAL access table of 63 cycles × 312
//! lines (see [`timing`]), bad lines, idle/display state and the VC/VCBASE/RC/VMLI
//! counters, the seven graphics modes and the idle state, the eight sprites with their DMA
//! and display rules, the border flip-flops, raster/collision/light-pen interrupts.
//!
//! # One cycle
//!
//! [`Vic::tick`] performs one whole clock cycle *n* of line *y*, in this order:
//!
//! 1. the line and cycle counters advance; [`Vic::raster`] and [`Vic::cycle`] now name
//!    the cycle being performed;
//! 2. the raster interrupt compare (cycle 1; cycle 2 in line 0), the bad line condition
//!    (raster `$30`–`$F7`, `raster & 7 == YSCROLL`, DEN seen set during line `$30`) and
//!    the per-cycle events of the counters and sprites (VC/RC in cycles 14 and 58, MCBASE
//!    in 16, sprite DMA in 55/56, MC and sprite display in 58), a pending light pen
//!    trigger;
//! 3. BA and AEC for this cycle;
//! 4. the 8 pixels of this cycle (graphics, sprites, border, priorities, collisions);
//! 5. the φ1 access (p-, s-, refresh, g- or idle access);
//! 6. the φ2 access, when the VIC owns it (c-access, s-access);
//! 7. the vertical border check (cycle 63).
//!
//! The CPU's access of the same cycle comes *after* `tick`: the machine calls `tick`,
//! then, if [`Vic::ba_low`] is `true` and the CPU wants to read, the CPU is halted for
//! this cycle (RDY low); writes proceed (the 6510 ignores RDY on writes, and the VIC keeps
//! AEC high for the first three cycles of BA low, so they reach the bus). A register write
//! by the CPU in cycle *n* ([`Vic::write`]) is therefore seen from cycle *n* + 1 on. The
//! pixel pipeline then delays it as VICE models the 6569: a colour register change shows
//! from the second of the 8 pixels output in cycle *n* + 1 (X = `cycle_x(n + 1) + 1`), a
//! mode change from the fifth (see [`timing::cycle_x`]).
//!
//! With a CPU that asks about RDY before its read (`heirloom_6502::Bus::stall`), a machine
//! clocks its chips for the upcoming cycle inside `stall`, answers `vic.ba_low()`, and, if
//! it answered `false`, performs the following read without clocking the chips again.
//!
//! # Wiring it into a machine
//!
//! | the machine | calls |
//! |---|---|
//! | every clock cycle, before the CPU's access | [`Vic::tick`] with its [`VicMemory`] |
//! | CPU RDY (halt reads) | [`Vic::ba_low`] after `tick` |
//! | CPU IRQ line (OR with CIA 1) | [`Vic::irq`] |
//! | CPU reads/writes `$D000`–`$D3FF` | [`Vic::read`] / [`Vic::write`] with the address's low 6 bits (mirrors are folded) |
//! | debugger or monitor | [`Vic::peek`] (no read side effects) |
//! | CIA 1 port B bit 4 / joystick 1 fire changes | [`Vic::set_light_pen`] |
//! | reads of unconnected I/O | [`Vic::bus_data`] |
//! | once per frame (`tick` returned `true`) | [`Vic::framebuffer`] and a [`Palette`] |
//! | save states | [`Vic::save`] / [`Vic::load`] |
//!
//! # Memory
//!
//! Every VIC access is a [`VicMemory::fetch`] of a 14-bit address in the 16K bank the
//! machine selects (CIA 2 port A), where the machine also maps the character ROM at
//! `$1000`–`$1FFF` in banks 0 and 2. c-accesses also read [`VicMemory::color`] with the
//! 10-bit video matrix index (the colour RAM sits on its own 4 data lines). Each cycle
//! does exactly one φ1 fetch (DRAM refresh and idle accesses included, so
//! [`Vic::bus_data`] is the byte the VIC left on the bus, the "open bus" value the CPU sees
//! in unmapped I/O) and at most one φ2 fetch.
//!
//! # Output
//!
//! [`Vic::framebuffer`] is [`SCREEN_WIDTH`] × [`SCREEN_HEIGHT`] (384 × 272) colour
//! indexes 0–15, row-major: raster lines 16–287 (VICE's default PAL borders) and, per
//! line, the pixels of cycles 13–60, that is sprite X coordinates −8 … 375 (32 border
//! pixels, 320 display pixels, 32 border pixels with the 40-column window). `tick` returns
//! `true` on the last cycle of a frame (line 311, cycle 63), when the buffer holds a whole
//! frame; [`Vic::frame`] counts frames. Convert with a [`Palette`].
//!
//! # Example
//!
//! ```
//! use heirloom_vic2::{Vic, VicMemory, CYCLES_PER_FRAME};
//!
//! struct Ram {
//!     bank: [u8; 0x4000],
//!     colour: [u8; 1024],
//! }
//! impl VicMemory for Ram {
//!     fn fetch(&mut self, addr: u16) -> u8 { self.bank[usize::from(addr & 0x3fff)] }
//!     fn color(&mut self, index: u16) -> u8 { self.colour[usize::from(index & 0x3ff)] }
//! }
//!
//! let mut ram = Ram { bank: [0; 0x4000], colour: [0; 1024] };
//! let mut vic = Vic::new();
//! vic.write(0x11, 0x1b); // DEN, 25 rows, YSCROLL 3
//! vic.write(0x20, 14); // light blue border
//! let mut frames = 0;
//! for _ in 0..CYCLES_PER_FRAME {
//!     if vic.tick(&mut ram) {
//!         frames += 1;
//!     }
//! }
//! assert_eq!(frames, 1);
//! assert_eq!(vic.framebuffer()[0], 14);
//! ```

mod border;
mod graphics;
pub mod palette;
mod registers;
mod sprites;
mod state;
pub mod timing;

pub use palette::Palette;
pub use timing::{
    CLOCK_HZ, CYCLES_PER_FRAME, CYCLES_PER_LINE, FIRST_VISIBLE_LINE, LINES_PER_FRAME,
    SCREEN_HEIGHT, SCREEN_WIDTH,
};

use sprites::Sprite;
use timing::{
    BADLINE_BA_FIRST, BADLINE_FIRST, BADLINE_LAST, C_ACCESS_FIRST, C_ACCESS_LAST, PHI1, Phi1,
    SPRITE_BA,
};

/// The memory the VIC sees: the machine implements it.
pub trait VicMemory {
    /// One VIC read of `addr`, a 14-bit address (`$0000`–`$3FFF`) in the current 16K bank.
    /// The machine adds the bank (CIA 2) and maps the character ROM at `$1000`–`$1FFF` of
    /// banks 0 and 2.
    fn fetch(&mut self, addr: u16) -> u8;

    /// The colour RAM nibble at `index` (0–1023, the video matrix position); only the low
    /// 4 bits are used.
    fn color(&mut self, index: u16) -> u8;

    /// The data the CPU side drives in a φ2 in which the VIC does a c-access while AEC is
    /// still high (the first three c-accesses of a bad line that starts after cycle 12,
    /// as in FLI and DMA-delay effects). The VIC then stores `$FF` as the character and
    /// the low nibble of this value as the colour. VICE uses the RAM byte at the CPU's
    /// program counter; the default is `$FF`.
    fn cpu_data(&mut self) -> u8 {
        0xff
    }
}

/// The VIC-II chip: registers, internal counters, flip-flops, sprites and the output
/// buffer, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vic {
    /// Register file as written (`$00`–`$2E`; the others are derived or unused).
    regs: [u8; 0x40],
    /// Raster line of the cycle last performed (0–311).
    raster: u16,
    /// Cycle last performed (1–63).
    cycle: u8,
    /// Latched interrupt sources (`$D019` bits 3–0).
    irq_flags: u8,
    /// Interrupt enable mask (`$D01A` bits 3–0).
    irq_mask: u8,
    /// Sprite–sprite collisions (`$D01E`).
    ss_collision: u8,
    /// Sprite–background collisions (`$D01F`).
    sb_collision: u8,
    /// Light pen X latch (`$D013`).
    light_pen_x: u8,
    /// Light pen Y latch (`$D014`).
    light_pen_y: u8,
    /// The light pen has triggered in this frame.
    light_pen_latched: bool,
    /// Level of the LP input (`true` = low, triggered).
    light_pen_low: bool,
    /// A falling edge of LP waits to trigger the latch in the next cycle.
    light_pen_pending: bool,
    /// DEN was seen set during line `$30` of this frame.
    den_latch: bool,
    /// The bad line condition of the current cycle.
    badline: bool,
    /// Display state (`false` = idle state).
    display_state: bool,
    /// Video counter.
    vc: u16,
    /// Video counter base.
    vcbase: u16,
    /// Row counter.
    rc: u8,
    /// Video matrix line index.
    vmli: u8,
    /// DRAM refresh counter.
    refresh: u8,
    /// BA of the current cycle (`true` = low).
    ba_low: bool,
    /// Consecutive cycles BA has been low, the current one included.
    ba_cycles: u8,
    /// The VIC owns φ2 of the current cycle.
    aec_low: bool,
    /// Video matrix/colour line: character in bits 7–0, colour in bits 11–8.
    matrix: [u16; 64],
    /// A g-access byte is waiting to be loaded into the sequencer.
    g_pending: bool,
    /// The byte of the last g-access.
    g_data: u8,
    /// The c-data that goes with it (0 in idle state).
    g_cdata: u16,
    /// The graphics sequencer's shift register.
    shift: u8,
    /// The c-data of the byte in the shift register.
    cdata: u16,
    /// Multicolour phase: a new pair is taken when clear.
    mc_phase: bool,
    /// The current multicolour pair.
    mc_pair: u8,
    /// Colour registers `$D020`–`$D02E` as the previous cycle's pixels used them.
    colour_latch: [u8; 15],
    /// Mode bits (ECM/BMM/MCM) as the previous cycle's pixels used them.
    mode_latch: u8,
    /// Main border flip-flop.
    main_border: bool,
    /// Vertical border flip-flop.
    vert_border: bool,
    /// The eight sprites.
    sprites: [Sprite; 8],
    /// The colour of each colour source (see the graphics module): sources below `$20`
    /// are colours themselves, `$20`–`$2E` the colour registers (kept equal to `regs`).
    colour_map: [u8; 0x40],
    /// `colour_latch` differs from the colour registers: a colour was written since the
    /// last cycle's pixels.
    colours_changed: bool,
    /// Mask of the sprites whose DMA is on (their `dma` flags).
    sprite_dma: u8,
    /// Mask of the sprites whose `display_line` flag is set.
    sprite_display_line: u8,
    /// Mask of the sprites whose sequencer is shifting out (`bits_left` not 0).
    sprite_shifting: u8,
    /// The last byte the VIC read in φ1.
    bus: u8,
    /// Frames completed.
    frame: u64,
    /// The output buffer.
    pixels: Pixels,
}

/// The output buffer, kept out of `Debug` output (it would print 104,448 numbers).
#[derive(Clone, PartialEq, Eq)]
struct Pixels(Box<[u8]>);

impl std::fmt::Debug for Pixels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{SCREEN_WIDTH}×{SCREEN_HEIGHT} colour indexes")
    }
}

impl Default for Vic {
    fn default() -> Self {
        Self::new()
    }
}

impl Vic {
    /// A chip after power-on: registers 0, positioned so that the first [`tick`](Vic::tick)
    /// performs cycle 1 of line 0.
    pub fn new() -> Self {
        Self {
            regs: [0; 0x40],
            raster: LINES_PER_FRAME - 1,
            cycle: CYCLES_PER_LINE,
            irq_flags: 0,
            irq_mask: 0,
            ss_collision: 0,
            sb_collision: 0,
            light_pen_x: 0,
            light_pen_y: 0,
            light_pen_latched: false,
            light_pen_low: false,
            light_pen_pending: false,
            den_latch: false,
            badline: false,
            display_state: false,
            vc: 0,
            vcbase: 0,
            rc: 0,
            vmli: 0,
            refresh: 0xff,
            ba_low: false,
            ba_cycles: 0,
            aec_low: false,
            matrix: [0; 64],
            g_pending: false,
            g_data: 0,
            g_cdata: 0,
            shift: 0,
            cdata: 0,
            mc_phase: false,
            mc_pair: 0,
            colour_latch: [0; 15],
            mode_latch: 0,
            main_border: true,
            vert_border: true,
            sprites: std::array::from_fn(|_| Sprite {
                exp_ff: true,
                ..Sprite::default()
            }),
            colour_map: std::array::from_fn(|source| if source < 0x20 { source as u8 } else { 0 }),
            colours_changed: false,
            sprite_dma: 0,
            sprite_display_line: 0,
            sprite_shifting: 0,
            bus: 0xff,
            frame: 0,
            pixels: Pixels(vec![0; SCREEN_WIDTH * SCREEN_HEIGHT].into_boxed_slice()),
        }
    }

    /// Resets the chip (the RESET line): as [`Vic::new`], output buffer and frame count
    /// kept.
    pub fn reset(&mut self) {
        let mut fresh = Self::new();
        std::mem::swap(&mut fresh.pixels, &mut self.pixels);
        fresh.frame = self.frame;
        *self = fresh;
    }

    /// Performs one clock cycle (see the crate documentation for the order of events).
    /// Returns `true` when this cycle completed a frame (line 311, cycle 63).
    #[inline]
    pub fn tick<M: VicMemory + ?Sized>(&mut self, mem: &mut M) -> bool {
        self.cycle += 1;
        if self.cycle > CYCLES_PER_LINE {
            self.cycle = 1;
            self.raster += 1;
            if self.raster == LINES_PER_FRAME {
                self.raster = 0;
            }
        }
        macro_rules! dispatch {
            ($($n:literal)*) => {
                match self.cycle {
                    $($n => self.perform::<$n, M>(mem),)*
                    _ => self.perform::<63, M>(mem),
                }
            };
        }
        dispatch!(
            1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
            32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59
            60 61 62
        )
    }

    /// Cycle `CYCLE` of the current line (the counters already advanced), compiled once per
    /// cycle number so that the access table and the timing rules fold into straight code.
    #[inline(never)]
    fn perform<const CYCLE: u8, M: VicMemory + ?Sized>(&mut self, mem: &mut M) -> bool {
        let cycle = CYCLE;
        let line = self.raster;

        match (line, cycle) {
            (0, 1) => {
                self.vcbase = 0;
                self.refresh = 0xff;
                self.den_latch = false;
                self.light_pen_latched = false;
                if self.light_pen_low {
                    self.trigger_light_pen(0xd1);
                }
            }
            (0, 2) | (_, 1) if line == self.raster_compare() => self.irq_flags |= 0x01,
            _ => {}
        }

        if self.light_pen_pending {
            self.light_pen_pending = false;
            let x = (timing::cycle_x(cycle) + 4) % timing::X_PER_LINE;
            self.trigger_light_pen((x / 2 + 2) as u8);
        }

        let ctrl1 = self.regs[0x11];
        if line == BADLINE_FIRST && ctrl1 & 0x10 != 0 {
            self.den_latch = true;
        }
        self.badline = self.den_latch
            && (BADLINE_FIRST..=BADLINE_LAST).contains(&line)
            && (line & 7) as u8 == ctrl1 & 7;
        if self.badline {
            self.display_state = true;
        }

        match cycle {
            14 => {
                self.vc = self.vcbase;
                self.vmli = 0;
                if self.badline {
                    self.rc = 0;
                }
            }
            16 => self.sprites_update_mcbase(),
            55 => {
                self.sprites_toggle_expansion();
                self.sprites_check_dma();
            }
            56 => self.sprites_check_dma(),
            58 => {
                if self.rc == 7 {
                    self.vcbase = self.vc;
                    self.display_state = self.badline;
                }
                if self.display_state {
                    self.rc = (self.rc + 1) & 7;
                }
                self.sprites_load_mc();
            }
            _ => {}
        }

        let badline_ba = self.badline && (BADLINE_BA_FIRST..=C_ACCESS_LAST).contains(&cycle);
        let ba = badline_ba || SPRITE_BA[usize::from(cycle)] & self.sprite_dma != 0;
        self.ba_cycles = if ba {
            self.ba_cycles.saturating_add(1)
        } else {
            0
        };
        self.ba_low = ba;
        self.aec_low = false;

        self.render_cycle(cycle);

        match PHI1[usize::from(cycle)] {
            Phi1::Pointer(n) => {
                let addr = u16::from(self.regs[0x18] & 0xf0) << 6 | 0x3f8 | u16::from(n);
                self.sprites[usize::from(n)].pointer = self.fetch(mem, addr);
                self.s_access(mem, n, 0);
            }
            Phi1::SpriteData(n) => {
                if self.sprites[usize::from(n)].dma {
                    self.s_access(mem, n, 1);
                    self.s_access(mem, n, 2);
                } else {
                    self.fetch(mem, 0x3fff);
                }
            }
            Phi1::Refresh => {
                self.fetch(mem, 0x3f00 | u16::from(self.refresh));
                self.refresh = self.refresh.wrapping_sub(1);
            }
            Phi1::Graphics => self.g_access(mem),
            Phi1::Idle => {
                let addr = if ctrl1 & 0x40 != 0 { 0x39ff } else { 0x3fff };
                self.fetch(mem, addr);
            }
        }

        if self.badline && (C_ACCESS_FIRST..=C_ACCESS_LAST).contains(&cycle) {
            self.c_access(mem);
        }

        if cycle == CYCLES_PER_LINE {
            self.border_end_of_line();
            if line == LINES_PER_FRAME - 1 {
                self.frame += 1;
                return true;
            }
        }
        false
    }

    /// A φ1 read, remembered as the byte on the VIC's bus.
    #[inline]
    fn fetch<M: VicMemory + ?Sized>(&mut self, mem: &mut M, addr: u16) -> u8 {
        self.bus = mem.fetch(addr & 0x3fff);
        self.bus
    }

    /// s-access number `index` (0–2) of sprite `n`, when its DMA is on.
    #[inline]
    fn s_access<M: VicMemory + ?Sized>(&mut self, mem: &mut M, n: u8, index: u8) {
        let sprite = &mut self.sprites[usize::from(n)];
        if !sprite.dma {
            return;
        }
        let addr = u16::from(sprite.pointer) << 6 | u16::from(sprite.mc);
        sprite.mc = (sprite.mc + 1) & 63;
        let value = mem.fetch(addr);
        let shift = 16 - 8 * u32::from(index);
        sprite.data = (sprite.data & !(0xff << shift)) | u32::from(value) << shift;
        if index != 1 {
            self.aec_low = true;
        }
    }

    /// The c-access of φ2: one video matrix byte and colour nibble into the line buffer.
    ///
    /// In the first three cycles of BA low the CPU still owns the bus (AEC high), so the
    /// VIC gets `$FF` and the colour from [`VicMemory::cpu_data`] instead of memory (a bad
    /// line starting after cycle 12: FLI, DMA delay).
    #[inline]
    fn c_access<M: VicMemory + ?Sized>(&mut self, mem: &mut M) {
        let entry = if self.ba_cycles > 3 {
            self.aec_low = true;
            let addr = u16::from(self.regs[0x18] & 0xf0) << 6 | self.vc;
            let char = u16::from(mem.fetch(addr));
            let colour = u16::from(mem.color(self.vc) & 0x0f);
            char | colour << 8
        } else {
            0xff | u16::from(mem.cpu_data() & 0x0f) << 8
        };
        self.matrix[usize::from(self.vmli)] = entry;
    }

    /// The raster line of the cycle last performed (0–311). The register `$D011`/`$D012`
    /// shows the same value except in cycle 1 of line 0, where it still reads 311.
    pub fn raster(&self) -> u16 {
        self.raster
    }

    /// The cycle last performed, 1–63.
    pub fn cycle(&self) -> u8 {
        self.cycle
    }

    /// BA in the cycle last performed: `true` = low, the CPU must not complete a read in
    /// this cycle (feed it to RDY). Low in cycles 12–54 of a bad line and in cycles
    /// `p-3 … p+1` around each active sprite's p-access cycle `p` (see [`timing`]).
    pub fn ba_low(&self) -> bool {
        self.ba_low
    }

    /// AEC in the cycle last performed: `true` = low, the VIC used φ2 (c- or s-access), so
    /// the CPU had no bus access at all in this cycle.
    pub fn aec_low(&self) -> bool {
        self.aec_low
    }

    /// The level of the IRQ output (`true` = asserted): any latched source that is enabled.
    pub fn irq(&self) -> bool {
        self.irq_flags & self.irq_mask != 0
    }

    /// The last byte the VIC read in φ1 (what the CPU reads from unconnected I/O).
    pub fn bus_data(&self) -> u8 {
        self.bus
    }

    /// The bad line condition of the cycle last performed.
    pub fn bad_line(&self) -> bool {
        self.badline
    }

    /// Whether the sequencer is in display state (`false`: idle state).
    pub fn display_state(&self) -> bool {
        self.display_state
    }

    /// Frames completed since power-on.
    pub fn frame(&self) -> u64 {
        self.frame
    }

    /// The output buffer: [`SCREEN_WIDTH`] × [`SCREEN_HEIGHT`] colour indexes 0–15.
    pub fn framebuffer(&self) -> &[u8] {
        &self.pixels.0
    }

    /// Sets the level of the LP input (`true` = pulled low: CIA 1 port B bit 4, joystick
    /// port 1 fire). Call it after [`tick`](Vic::tick) of the cycle in which the level
    /// changes.
    ///
    /// As in VICE, a falling edge triggers the latch in the following cycle: `$D014` gets
    /// the raster line (low 8 bits) and `$D013` half the X coordinate of that cycle (Bauer's
    /// numbering, X = `$194` in cycle 1) plus 2, and the light pen interrupt is raised. The
    /// latch works once per frame and is re-armed in cycle 1 of line 0; if LP is still low
    /// then, it triggers at once with X = `$D1`, Y = 0. A trigger in line 311 (after its
    /// first cycle) uses up the frame's latch without latching.
    pub fn set_light_pen(&mut self, low: bool) {
        if low && !self.light_pen_low {
            self.light_pen_pending = true;
        }
        self.light_pen_low = low;
    }

    /// Latches the light pen position (X already halved), once per frame.
    fn trigger_light_pen(&mut self, x: u8) {
        if self.light_pen_latched {
            return;
        }
        self.light_pen_latched = true;
        if self.raster == LINES_PER_FRAME - 1 && self.cycle != 1 {
            return;
        }
        self.light_pen_x = x;
        self.light_pen_y = self.raster as u8;
        self.irq_flags |= 0x08;
    }
}
