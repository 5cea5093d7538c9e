//! Golden files: the pictures and texts a test's output must equal, kept in `roms-test`.
//!
//! After an intended change, `HEIRLOOM_UPDATE_GOLDEN=1` makes the comparisons write the
//! output as the new golden file instead (never under `CI=true`); look at what changed
//! before committing it.

use std::path::Path;

use heirloom_shell::Framebuffer;

/// Whether golden files are being rewritten: `HEIRLOOM_UPDATE_GOLDEN=1`, outside CI.
pub fn updating() -> bool {
    std::env::var("HEIRLOOM_UPDATE_GOLDEN").is_ok_and(|v| v == "1") && !crate::running_under_ci()
}

/// Asserts that `frame` equals the golden PNG at `path` pixel for pixel (or writes it).
pub fn assert_png(path: &Path, frame: &Framebuffer) {
    let pixels = frame.to_packed_rgba();
    if updating() {
        create_parent(path);
        image::save_buffer(
            path,
            &pixels,
            frame.width(),
            frame.height(),
            image::ExtendedColorType::Rgba8,
        )
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        eprintln!("wrote {}", path.display());
        return;
    }
    let golden = image::open(path)
        .unwrap_or_else(|err| panic!("{}: {err} ({HOW_TO_WRITE})", path.display()))
        .to_rgba8();
    assert_eq!(
        (golden.width(), golden.height()),
        (frame.width(), frame.height()),
        "{}: the picture's size differs",
        path.display()
    );
    let differing = golden
        .as_raw()
        .chunks(4)
        .zip(pixels.chunks(4))
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(
        differing,
        0,
        "{}: {differing} pixels differ",
        path.display()
    );
}

/// Asserts that `text` equals the golden text file at `path` (or writes it).
pub fn assert_text(path: &Path, text: &str) {
    if updating() {
        create_parent(path);
        std::fs::write(path, text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        eprintln!("wrote {}", path.display());
        return;
    }
    let golden = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("{}: {err} ({HOW_TO_WRITE})", path.display()));
    assert_eq!(text, golden, "{} differs", path.display());
}

const HOW_TO_WRITE: &str = "HEIRLOOM_UPDATE_GOLDEN=1 writes it";

fn create_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|err| panic!("{}: {err}", parent.display()));
    }
}
