//! Where a core's sound goes.

/// Receives a core's audio as interleaved stereo `f32` samples (`L, R, L, R, …`, nominally
/// within `-1.0..=1.0`) at the core's [`audio_sample_rate`](crate::CoreInfo::audio_sample_rate).
///
/// A core pushes each frame's samples during [`run_frame`](crate::Core::run_frame), in one
/// or several calls.
pub trait AudioSink {
    /// Appends interleaved stereo samples; `samples.len()` is even.
    fn push(&mut self, samples: &[f32]);
}

/// An [`AudioSink`] that keeps every sample it is given: for headless runs, WAV capture
/// and tests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AudioBuffer {
    /// The interleaved stereo samples pushed so far.
    pub samples: Vec<f32>,
}

impl AudioBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of stereo sample frames held.
    pub fn frames(&self) -> usize {
        self.samples.len() / 2
    }

    /// Empties the buffer, keeping its allocation.
    pub fn clear(&mut self) {
        self.samples.clear();
    }
}

impl AudioSink for AudioBuffer {
    fn push(&mut self, samples: &[f32]) {
        debug_assert!(
            samples.len().is_multiple_of(2),
            "audio is pushed as stereo pairs"
        );
        self.samples.extend_from_slice(samples);
    }
}

/// An [`AudioSink`] that drops everything, for frontends running without sound.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silence;

impl AudioSink for Silence {
    fn push(&mut self, _samples: &[f32]) {}
}
