//! Running a core at its own frame rate, whatever the display does.

use std::time::Duration;

use crate::core::FrameRate;

/// Decides how many core frames to run at each moment a frontend can show one.
///
/// The pacer counts frames against exact time: after `t` seconds exactly
/// `⌊t × rate⌋` frames have been run, so a 50.125 Hz core stays at 50.125 Hz on a 60 Hz
/// or 144 Hz display (some display refreshes run no frame, none runs two), and never
/// drifts over hours. When the host falls far behind (a debugger stop, a suspended
/// laptop) the pacer gives up the lost time instead of racing to catch up.
#[derive(Clone, Debug)]
pub struct FramePacer {
    rate: FrameRate,
    /// Host time at which emulated frame 0 began.
    origin: Duration,
    /// Frames run since `origin`.
    frames_run: u64,
    max_catch_up: u32,
}

impl FramePacer {
    /// Frames the pacer lets a frontend run in one go before it drops lost time.
    pub const DEFAULT_MAX_CATCH_UP: u32 = 4;

    /// A pacer for a core running at `rate`, starting at host time `now`.
    pub fn new(rate: FrameRate, now: Duration) -> Self {
        Self {
            rate,
            origin: now,
            frames_run: 0,
            max_catch_up: Self::DEFAULT_MAX_CATCH_UP,
        }
    }

    /// Sets how many frames may be run at once before lost time is dropped (at least 1).
    pub fn with_max_catch_up(mut self, frames: u32) -> Self {
        self.max_catch_up = frames.max(1);
        self
    }

    /// How many frames to run now, at host time `now`; the caller runs exactly that many.
    pub fn frames_due(&mut self, now: Duration) -> u32 {
        let target = self.rate.frames_in(now.saturating_sub(self.origin));
        let behind = target.saturating_sub(self.frames_run);
        if behind > u64::from(self.max_catch_up) {
            // Too far behind: run one frame now and count time afresh from here.
            self.origin = now;
            self.frames_run = 0;
            return 1;
        }
        self.frames_run = target.max(self.frames_run);
        behind as u32
    }

    /// The host time at which the next frame becomes due, for frontends that sleep
    /// instead of waiting for vertical sync.
    pub fn next_frame_at(&self) -> Duration {
        self.origin + self.rate.start_of_frame(self.frames_run + 1)
    }

    /// Restarts counting at `now`, e.g. after a pause, so paused time is not made up.
    pub fn restart(&mut self, now: Duration) {
        self.origin = now;
        self.frames_run = 0;
    }
}
