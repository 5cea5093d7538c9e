//! Sound: the core's samples, converted by the shell's [`Resampler`], played by the
//! default output device through cpal.

use std::sync::{Arc, Mutex, PoisonError};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, Stream, StreamConfig};
use heirloom_shell::{AudioSink, Resampler};

use crate::pacing::sound_queue;

/// The open output device and the queue it pulls from.
pub struct AudioOut {
    queue: Arc<Mutex<Resampler>>,
    /// Kept alive for as long as sound plays.
    _stream: Stream,
}

impl AudioOut {
    /// Opens the default output device for a core producing `input_rate` Hz stereo, or
    /// says in one line why there is no sound.
    pub fn open(input_rate: u32) -> Result<Self, String> {
        let host = cpal::default_host();
        let device = host
            .default_output_device()
            .ok_or_else(|| "no audio output device".to_owned())?;
        let supported = device
            .default_output_config()
            .map_err(|err| format!("the audio device does not answer: {err}"))?;
        let config = supported.config();
        let queue = Arc::new(Mutex::new(sound_queue(input_rate, config.sample_rate.0)));
        let stream = match supported.sample_format() {
            SampleFormat::F32 => build::<f32>(&device, &config, &queue),
            SampleFormat::I16 => build::<i16>(&device, &config, &queue),
            SampleFormat::U16 => build::<u16>(&device, &config, &queue),
            SampleFormat::I32 => build::<i32>(&device, &config, &queue),
            other => Err(format!("the audio device wants {other} samples")),
        }?;
        stream
            .play()
            .map_err(|err| format!("the audio device does not start: {err}"))?;
        Ok(Self {
            queue,
            _stream: stream,
        })
    }

    /// Queues one frame's interleaved stereo samples for the device.
    pub fn push(&self, samples: &[f32]) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(samples);
    }
}

/// Opens a stream of `T` samples that plays what `queue` holds, stereo spread over the
/// device's channels (mono devices get the average of both).
fn build<T>(
    device: &cpal::Device,
    config: &StreamConfig,
    queue: &Arc<Mutex<Resampler>>,
) -> Result<Stream, String>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels.max(1));
    let queue = Arc::clone(queue);
    let mut stereo = Vec::new();
    device
        .build_output_stream(
            config,
            move |out: &mut [T], _info| {
                let frames = out.len() / channels;
                stereo.resize(frames * 2, 0.0f32);
                queue
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pull(&mut stereo);
                for (frame, pair) in out.chunks_exact_mut(channels).zip(stereo.chunks_exact(2)) {
                    for (channel, slot) in frame.iter_mut().enumerate() {
                        let value = match (channels, channel) {
                            (1, _) => (pair[0] + pair[1]) * 0.5,
                            (_, 0) => pair[0],
                            (_, 1) => pair[1],
                            _ => 0.0,
                        };
                        *slot = T::from_sample(value.clamp(-1.0, 1.0));
                    }
                }
            },
            |err| eprintln!("heirloom: audio: {err}"),
            None,
        )
        .map_err(|err| format!("the audio device does not open: {err}"))
}
