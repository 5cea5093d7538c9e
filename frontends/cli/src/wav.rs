//! A WAV (RIFF) writer for captured audio: 16-bit PCM, stereo.

/// Encodes interleaved stereo `f32` samples as a 16-bit PCM stereo WAV file at
/// `sample_rate` Hz. Samples outside `-1.0..=1.0` are clipped.
pub fn encode_stereo_pcm16(samples: &[f32], sample_rate: u32) -> Vec<u8> {
    const CHANNELS: u16 = 2;
    const BYTES_PER_SAMPLE: u16 = 2;
    let block_align = CHANNELS * BYTES_PER_SAMPLE;
    let data_len = u32::try_from(samples.len() * usize::from(BYTES_PER_SAMPLE))
        .expect("a WAV file holds less than 4 GiB");
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&CHANNELS.to_le_bytes());
    out.extend_from_slice(&sample_rate.to_le_bytes());
    out.extend_from_slice(&(sample_rate * u32::from(block_align)).to_le_bytes());
    out.extend_from_slice(&block_align.to_le_bytes());
    out.extend_from_slice(&(BYTES_PER_SAMPLE * 8).to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for &sample in samples {
        let scaled = (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16;
        out.extend_from_slice(&scaled.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_samples_follow_the_riff_layout() {
        let wav = encode_stereo_pcm16(&[0.0, 1.0, -1.0, 2.0], 48_000);
        assert_eq!(wav.len(), 44 + 8);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(wav[4..8].try_into().unwrap()), 44);
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!(u16::from_le_bytes([wav[22], wav[23]]), 2);
        assert_eq!(u32::from_le_bytes(wav[24..28].try_into().unwrap()), 48_000);
        assert_eq!(u32::from_le_bytes(wav[28..32].try_into().unwrap()), 192_000);
        assert_eq!(&wav[36..40], b"data");
        let samples: Vec<i16> = wav[44..]
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        assert_eq!(samples, [0, 32_767, -32_767, 32_767]);
    }
}
