//! Where the picture goes in the window: its size from the core's pixel aspect and the
//! scaling mode.

/// How the picture is scaled to the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scaling {
    /// The largest whole multiple of the picture's height that fits, so every emulated
    /// line is the same number of display lines (the width follows the pixel aspect).
    Integer,
    /// As large as fits, keeping the aspect, whatever the multiple.
    Fit,
}

/// A rectangle in window pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// The width on screen of a `width`-pixel row at `scale` display lines per emulated
/// line, with pixels `pixel_aspect` times as wide as tall.
pub fn shown_width(width: u32, pixel_aspect: f32, scale: f64) -> u32 {
    (f64::from(width) * f64::from(pixel_aspect) * scale)
        .round()
        .max(1.0) as u32
}

/// Centres a `width × height` picture with pixels `pixel_aspect` times as wide as tall
/// in a `window_width × window_height` window.
///
/// With [`Scaling::Integer`] the scale is the largest whole number that fits, but at
/// least 1 (a window smaller than the picture shows it cropped rather than not at all).
pub fn place(
    (width, height): (u32, u32),
    pixel_aspect: f32,
    (window_width, window_height): (u32, u32),
    scaling: Scaling,
) -> Placement {
    let shown_width_1x = f64::from(width) * f64::from(pixel_aspect);
    let fit = (f64::from(window_width) / shown_width_1x)
        .min(f64::from(window_height) / f64::from(height.max(1)));
    let scale = match scaling {
        // Measured in whole display pixels, as the window was sized by `shown_width`.
        Scaling::Integer => (2..=fit.ceil().max(1.0) as u32)
            .rev()
            .find(|&n| {
                shown_width(width, pixel_aspect, f64::from(n)) <= window_width
                    && height * n <= window_height
            })
            .map_or(1.0, f64::from),
        Scaling::Fit => fit,
    };
    let shown_width = shown_width(width, pixel_aspect, scale);
    let shown_height = (f64::from(height) * scale).round().max(1.0) as u32;
    Placement {
        x: (i64::from(window_width) - i64::from(shown_width)).div_euclid(2) as i32,
        y: (i64::from(window_height) - i64::from(shown_height)).div_euclid(2) as i32,
        width: shown_width,
        height: shown_height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAL: f32 = 0.9365;

    #[test]
    fn integer_scaling_uses_whole_multiples_and_centres() {
        // 403 × 284 at 2×: 568 lines high, 403 × 0.9365 × 2 ≈ 755 wide.
        let placed = place((403, 284), PAL, (800, 600), Scaling::Integer);
        assert_eq!((placed.width, placed.height), (755, 568));
        assert_eq!((placed.x, placed.y), (22, 16));
        // One pixel short of 3× stays at 2×.
        let placed = place((100, 100), 1.0, (299, 1000), Scaling::Integer);
        assert_eq!((placed.width, placed.height), (200, 200));
        // A window sized for 2× by `shown_width` (rounded down) shows 2×.
        let window = (shown_width(384, PAL, 2.0), 544);
        let placed = place((384, 272), PAL, window, Scaling::Integer);
        assert_eq!((placed.x, placed.y, placed.height), (0, 0, 544));
    }

    #[test]
    fn fit_fills_one_dimension() {
        let placed = place((100, 50), 1.0, (300, 300), Scaling::Fit);
        assert_eq!(
            (placed.x, placed.y, placed.width, placed.height),
            (0, 75, 300, 150)
        );
    }

    #[test]
    fn a_tiny_window_still_shows_the_picture_at_one_to_one() {
        let placed = place((100, 100), 1.0, (50, 50), Scaling::Integer);
        assert_eq!((placed.width, placed.height), (100, 100));
        assert_eq!((placed.x, placed.y), (-25, -25));
    }
}
