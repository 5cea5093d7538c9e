//! The frame pacer against simulated displays.

use std::time::Duration;

use heirloom_shell::{FramePacer, FrameRate};

const PAL_C64: FrameRate = FrameRate::new(985_248, 19_656);
const TEN_MINUTES: u64 = 600;

/// Drives a pacer with the vertical syncs of a `refresh_hz` display for ten simulated
/// minutes; returns the frames run by the end of each second and the most run at once.
fn run_on_display(refresh_hz: u64) -> (Vec<u64>, u32) {
    let mut pacer = FramePacer::new(PAL_C64, Duration::ZERO);
    let mut total = 0;
    let mut most_at_once = 0;
    let mut per_second = Vec::new();
    for vsync in 1..=TEN_MINUTES * refresh_hz {
        let now = Duration::from_nanos(vsync * 1_000_000_000 / refresh_hz);
        let due = pacer.frames_due(now);
        most_at_once = most_at_once.max(due);
        total += u64::from(due);
        if vsync % refresh_hz == 0 {
            per_second.push(total);
        }
    }
    (per_second, most_at_once)
}

fn assert_holds_core_rate(refresh_hz: u64) {
    let (per_second, most_at_once) = run_on_display(refresh_hz);
    assert_eq!(
        most_at_once, 1,
        "{refresh_hz} Hz: a refresh ran more than one frame"
    );
    for (second, &frames) in per_second.iter().enumerate() {
        let elapsed = Duration::from_secs(second as u64 + 1);
        let exact = PAL_C64.frames_in(elapsed);
        // A frame that falls due between the last refresh of the second and the second
        // itself is run at the next refresh: at most one behind, never ahead.
        assert!(
            frames == exact || frames + 1 == exact,
            "{refresh_hz} Hz: {frames} frames after {second}+1 s, expected {exact}"
        );
    }
    let total = *per_second.last().unwrap();
    let ideal = TEN_MINUTES as f64 * PAL_C64.as_hz();
    assert!(
        (total as f64 - ideal).abs() < 1.0,
        "{refresh_hz} Hz: {total} frames, ideal {ideal}"
    );
}

#[test]
fn holds_50_125_hz_on_a_60_hz_display_for_ten_minutes() {
    assert_holds_core_rate(60);
}

#[test]
fn holds_50_125_hz_on_a_144_hz_display_for_ten_minutes() {
    assert_holds_core_rate(144);
}

#[test]
fn holds_the_rate_on_a_display_with_jittery_vsync() {
    let mut pacer = FramePacer::new(PAL_C64, Duration::ZERO);
    let mut total = 0u64;
    let mut jitter = 0x1234_5678u32;
    let refresh_nanos = 1_000_000_000 / 60;
    for vsync in 1..=TEN_MINUTES * 60 {
        jitter ^= jitter << 13;
        jitter ^= jitter >> 17;
        jitter ^= jitter << 5;
        let wobble = u64::from(jitter % 2_000_000); // up to 2 ms late
        total += u64::from(pacer.frames_due(Duration::from_nanos(vsync * refresh_nanos + wobble)));
    }
    let exact = PAL_C64.frames_in(Duration::from_secs(TEN_MINUTES));
    assert!(exact - total <= 1, "{total} frames, expected {exact}");
}

#[test]
fn a_long_stall_is_dropped_not_raced_through() {
    let mut pacer = FramePacer::new(PAL_C64, Duration::ZERO);
    assert_eq!(pacer.frames_due(Duration::from_millis(20)), 1);
    // The host stops for five seconds: the pacer runs one frame, not 250.
    assert_eq!(pacer.frames_due(Duration::from_secs(5)), 1);
    let next = pacer.next_frame_at();
    assert_eq!(pacer.frames_due(next - Duration::from_nanos(1)), 0);
    assert_eq!(pacer.frames_due(next), 1);
}
