//! The window loop's timing at normal speed: which core frames run at each pass, when the
//! picture is shown, how long to wait; and the sound queue between the core and the device.
//!
//! The loop runs the frames the shell's [`FramePacer`] says are due, shows the latest one
//! (with vsync, presenting returns at the display's next refresh), then sleeps until the
//! next frame is due if it is not yet. The core's sound goes into a [`Resampler`] whose
//! dynamic rate control keeps the queue between [`LOW_WATER`] and [`HIGH_WATER`] whatever
//! the display's refresh rate and however far the sound card's clock is off.

use std::time::Duration;

use heirloom_shell::{FramePacer, FrameRate, Resampler};

/// The least sound the queue holds once playing, as a time.
pub const LOW_WATER: Duration = Duration::from_millis(10);
/// The most sound the queue holds once playing, as a time: the latency added by the queue.
pub const HIGH_WATER: Duration = Duration::from_millis(60);

/// `time` as a whole number of frames at `rate` Hz (at least 1).
fn frames_of(time: Duration, rate: u32) -> usize {
    (time.as_micros() * u128::from(rate) / 1_000_000).max(1) as usize
}

/// The sound queue from a core making `input_rate` Hz to a device playing `output_rate` Hz,
/// kept between [`LOW_WATER`] and [`HIGH_WATER`].
pub fn sound_queue(input_rate: u32, output_rate: u32) -> Resampler {
    let low = frames_of(LOW_WATER, output_rate);
    let high = frames_of(HIGH_WATER, output_rate).max(low + 1);
    Resampler::new(input_rate, output_rate, low, high)
}

/// What a pass of the loop needs from the window: its clock, the core and the display.
pub trait Host {
    /// Why showing a picture failed.
    type Error;
    /// Host time, counted from when the window opened.
    fn now(&self) -> Duration;
    /// Runs one core frame and queues its sound.
    fn run_frame(&mut self);
    /// Shows the latest frame; with vsync, returns at the display's next refresh.
    fn present(&mut self) -> Result<(), Self::Error>;
    /// Waits for `time`.
    fn sleep(&mut self, time: Duration);
}

/// The loop's pacing at normal speed (not paused, not in warp).
#[derive(Clone, Debug)]
pub struct Pacing {
    pacer: FramePacer,
}

impl Pacing {
    /// Pacing for a core running at `rate`, starting at host time `now`.
    pub fn new(rate: FrameRate, now: Duration) -> Self {
        Self {
            pacer: FramePacer::new(rate, now),
        }
    }

    /// Counts afresh from `now` (after a pause, warp or a loaded state), so the time away
    /// is not made up.
    pub fn restart(&mut self, now: Duration) {
        self.pacer.restart(now);
    }

    /// One pass of the loop: runs the frames due, shows the picture and, when the display
    /// did not already wait long enough, sleeps until the next frame is due.
    pub fn pass<H: Host>(&mut self, host: &mut H) -> Result<(), H::Error> {
        let due = self.pacer.frames_due(host.now());
        for _ in 0..due {
            host.run_frame();
        }
        host.present()?;
        let next = self.pacer.next_frame_at();
        let now = host.now();
        if next > now {
            host.sleep(next - now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use heirloom_shell::AudioSink;

    use super::*;

    /// The PAL C64: 985 248 Hz over 19 656 cycles a frame, about 50.1245 frames a second.
    const PAL: FrameRate = FrameRate::new(985_248, 19_656);
    /// The core's sound rate.
    const CORE_RATE: u64 = 44_100;
    /// The sound card's nominal rate and the frames it asks for at each callback.
    const CARD_RATE: u32 = 48_000;
    const CARD_PERIOD: usize = 512;
    const SECONDS: u64 = 60;
    const NANOS: u64 = 1_000_000_000;
    const SLEEP_OVERSHOOT: u64 = 300_000;

    /// A display refreshing at `refresh_hz` with vsync, a core that takes `frame_cost` per
    /// frame, and a sound card whose crystal runs `card_error` fast (0.003: +0.3 %), all
    /// on one simulated clock counted in nanoseconds.
    struct Simulation {
        now: u64,
        refresh_hz: u64,
        frame_cost: u64,
        frames_run: u64,
        samples_made: u64,
        queue: Resampler,
        /// Nanoseconds between two card callbacks, and when the next one comes.
        card_interval: f64,
        next_callback: f64,
        callbacks: u64,
        /// After the first second: the lowest and highest queue levels (stereo frames) as
        /// each frame's sound arrives (the level the rate control steers), and the highest
        /// the card found (one frame's sound more).
        lowest: usize,
        highest: usize,
        peak: usize,
        /// Frames run by the end of each simulated second.
        per_second: Vec<u64>,
    }

    impl Simulation {
        fn new(refresh_hz: u64, frame_cost: Duration, card_error: f64) -> Self {
            let card_rate = f64::from(CARD_RATE) * (1.0 + card_error);
            Self {
                now: 0,
                refresh_hz,
                frame_cost: frame_cost.as_nanos() as u64,
                frames_run: 0,
                samples_made: 0,
                queue: sound_queue(CORE_RATE as u32, CARD_RATE),
                card_interval: CARD_PERIOD as f64 * NANOS as f64 / card_rate,
                next_callback: CARD_PERIOD as f64 * NANOS as f64 / card_rate,
                callbacks: 0,
                lowest: usize::MAX,
                highest: 0,
                peak: 0,
                per_second: Vec::new(),
            }
        }

        /// Moves the clock to `to`, letting the card pull what falls due meanwhile and
        /// noting the frames run at each whole second passed.
        fn advance(&mut self, to: u64) {
            loop {
                let callback = self.next_callback as u64;
                let second = (self.per_second.len() as u64 + 1) * NANOS;
                let next = callback.min(second);
                if next > to {
                    break;
                }
                self.now = next;
                if next == second {
                    self.per_second.push(self.frames_run);
                }
                if next == callback {
                    let level = self.queue.queued_frames();
                    if self.now > NANOS {
                        self.peak = self.peak.max(level);
                    }
                    let mut out = vec![0.0; CARD_PERIOD * 2];
                    self.queue.pull(&mut out);
                    self.callbacks += 1;
                    self.next_callback += self.card_interval;
                }
            }
            self.now = to;
        }
    }

    impl Host for Simulation {
        type Error = ();

        fn now(&self) -> Duration {
            Duration::from_nanos(self.now)
        }

        fn run_frame(&mut self) {
            // A frame's worth of sound: exactly the core rate over the long run.
            self.frames_run += 1;
            let total = self.frames_run * CORE_RATE * PAL.denominator / PAL.numerator;
            let samples = (total - self.samples_made) as usize;
            self.samples_made = total;
            let tone: Vec<f32> = (0..samples * 2).map(|i| (i % 7) as f32 * 0.01).collect();
            if self.now > NANOS {
                let level = self.queue.queued_frames();
                self.lowest = self.lowest.min(level);
                self.highest = self.highest.max(level);
            }
            self.queue.push(&tone);
            self.advance(self.now + self.frame_cost);
        }

        fn present(&mut self) -> Result<(), ()> {
            // The next refresh strictly after now (vsync i at i / refresh_hz seconds).
            let refresh = self.now * self.refresh_hz / NANOS + 1;
            self.advance((refresh * NANOS).div_ceil(self.refresh_hz));
            Ok(())
        }

        fn sleep(&mut self, time: Duration) {
            // A host's sleep ends a little late.
            self.advance(self.now + time.as_nanos() as u64 + SLEEP_OVERSHOOT);
        }
    }

    /// Runs the loop for sixty simulated seconds and checks the frame count, its steadiness
    /// and the sound queue.
    fn assert_paced(refresh_hz: u64, frame_cost: Duration, card_error: f64) {
        let mut sim = Simulation::new(refresh_hz, frame_cost, card_error);
        let mut pacing = Pacing::new(PAL, Duration::ZERO);
        while sim.per_second.len() < SECONDS as usize {
            pacing.pass(&mut sim).unwrap();
        }
        let context = format!("{refresh_hz} Hz display, card {:+.1} %", card_error * 100.0);

        // ⌊60 s × 985248 / 19656⌋ = 3007 frames are due by the end of the sixtieth second
        // (3007.47). Frames run when due, give or take how late the loop can be: a refresh
        // waited for, a frame in progress and a late sleep.
        let exact = SECONDS * PAL.numerator / PAL.denominator;
        assert_eq!(exact, 3007);
        let slack = NANOS.div_ceil(refresh_hz) + 2 * sim.frame_cost + SLEEP_OVERSHOOT;
        let earliest = PAL.frames_in(Duration::from_nanos(SECONDS * NANOS - slack));
        let at_60 = sim.per_second[SECONDS as usize - 1];
        assert!(
            (earliest..=exact).contains(&at_60),
            "{context}: {at_60} frames in 60 s, not {earliest}..={exact}"
        );
        // No drift: at every second the count is the exact one, less at most the frames
        // that late loop would not have run yet.
        for (second, &frames) in sim.per_second.iter().enumerate() {
            let t = (second as u64 + 1) * NANOS;
            let due = PAL.frames_in(Duration::from_nanos(t));
            let due_earlier = PAL.frames_in(Duration::from_nanos(t - slack));
            assert!(
                (due_earlier..=due).contains(&frames),
                "{context}: {frames} frames after {} s, due {due}",
                second + 1
            );
        }
        assert!(
            exact - earliest <= 2,
            "the bound allows at most two frames late"
        );

        // The sound: after the first second the queue stays between its marks whenever a
        // frame's sound arrives (and so at most a frame's sound above them in between),
        // never runs dry and never overflows.
        let low = frames_of(LOW_WATER, CARD_RATE);
        let high = frames_of(HIGH_WATER, CARD_RATE);
        assert!(
            sim.lowest >= low && sim.highest <= high,
            "{context}: the queue held {}..={} frames, outside {low}..={high}",
            sim.lowest,
            sim.highest
        );
        let frame_of_sound = (CARD_RATE as u64 * PAL.denominator).div_ceil(PAL.numerator);
        assert!(
            sim.peak <= high + frame_of_sound as usize,
            "{context}: the card found {} frames queued",
            sim.peak
        );
        eprintln!(
            "{context}: {at_60} frames in 60 s; queue {}..={} frames at pushes, \
             {} at most, {} callbacks",
            sim.lowest, sim.highest, sim.peak, sim.callbacks
        );
        assert_eq!(sim.queue.underruns(), 0, "{context}: underruns");
        assert_eq!(sim.queue.overruns(), 0, "{context}: overruns");
        assert!(
            sim.callbacks > 60 * 90,
            "{context}: the card played throughout"
        );
    }

    #[test]
    fn a_60_hz_display_runs_the_core_at_its_own_rate() {
        for card_error in [0.0, 0.003, -0.003] {
            assert_paced(60, Duration::from_millis(3), card_error);
        }
    }

    #[test]
    fn a_144_hz_display_runs_the_core_at_its_own_rate() {
        for card_error in [0.0, 0.003, -0.003] {
            assert_paced(144, Duration::from_millis(3), card_error);
        }
    }

    #[test]
    fn a_display_slower_than_the_core_runs_two_frames_at_some_refreshes() {
        assert_paced(30, Duration::from_millis(3), 0.0);
    }

    #[test]
    fn a_display_without_vsync_is_paced_by_sleeping() {
        struct NoVsync(Simulation);
        impl Host for NoVsync {
            type Error = ();
            fn now(&self) -> Duration {
                self.0.now()
            }
            fn run_frame(&mut self) {
                self.0.run_frame();
            }
            fn present(&mut self) -> Result<(), ()> {
                Ok(())
            }
            fn sleep(&mut self, time: Duration) {
                self.0.sleep(time);
            }
        }
        let mut host = NoVsync(Simulation::new(1, Duration::ZERO, 0.0));
        let mut pacing = Pacing::new(PAL, Duration::ZERO);
        let mut passes = 0;
        while host.0.per_second.len() < 10 {
            pacing.pass(&mut host).unwrap();
            passes += 1;
        }
        // Each pass sleeps to the start of the next frame and runs exactly that one.
        assert_eq!(host.0.per_second[9], PAL.frames_in(Duration::from_secs(10)));
        assert!(
            passes <= 502,
            "{passes} passes for 501 frames: no busy waiting"
        );
    }

    #[test]
    fn the_queue_marks_are_times_at_the_device_rate() {
        assert_eq!(frames_of(LOW_WATER, 48_000), 480);
        assert_eq!(frames_of(HIGH_WATER, 48_000), 2880);
        assert_eq!(frames_of(HIGH_WATER, 44_100), 2646);
    }
}
