//! The files the window writes: save states and screenshots, named after the media.

use std::io::Write;
use std::path::{Path, PathBuf};

use heirloom_shell::Framebuffer;

/// `base` with its extension replaced by `.{suffix}` (`game.prg` → `game.slot1.state`).
pub fn named_after(base: &Path, suffix: &str) -> PathBuf {
    let stem = base.file_stem().unwrap_or(base.as_os_str());
    let mut name = stem.to_os_string();
    name.push(".");
    name.push(suffix);
    base.with_file_name(name)
}

/// The save state file of `slot`.
pub fn state_path(base: &Path, slot: u32) -> PathBuf {
    named_after(base, &format!("slot{slot}.state"))
}

/// The first screenshot name not yet taken: `NAME.shot1.png`, `NAME.shot2.png`, …
pub fn free_screenshot_path(base: &Path) -> PathBuf {
    (1u32..)
        .map(|n| named_after(base, &format!("shot{n}.png")))
        .find(|path| !path.exists())
        .unwrap_or_else(|| named_after(base, "shot.png"))
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed over `path` once
/// complete, so a failure never leaves half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.partial", std::process::id()));
    let temporary = path.with_file_name(name);
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&temporary, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
}

/// The picture as a PNG file's bytes.
pub fn encode_png(picture: &Framebuffer) -> Result<Vec<u8>, String> {
    let mut encoded = std::io::Cursor::new(Vec::new());
    image::write_buffer_with_format(
        &mut encoded,
        &picture.to_packed_rgba(),
        picture.width(),
        picture.height(),
        image::ExtendedColorType::Rgba8,
        image::ImageFormat::Png,
    )
    .map_err(|err| err.to_string())?;
    Ok(encoded.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_media() {
        assert_eq!(
            state_path(Path::new("games/elite.prg"), 1),
            Path::new("games/elite.slot1.state")
        );
        assert_eq!(
            state_path(Path::new("c64"), 3),
            Path::new("c64.slot3.state")
        );
    }

    #[test]
    fn screenshots_never_overwrite_and_writes_are_whole() {
        let dir = std::env::temp_dir().join(format!("heirloom-sdl-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let base = dir.join("demo.d64");
        let first = free_screenshot_path(&base);
        assert_eq!(first, dir.join("demo.shot1.png"));
        let mut picture = Framebuffer::new(2, 1);
        picture.set_pixel(1, 0, [10, 20, 30, 255]);
        write_atomically(&first, &encode_png(&picture).unwrap()).unwrap();
        assert_eq!(free_screenshot_path(&base), dir.join("demo.shot2.png"));
        let decoded = image::load_from_memory(&std::fs::read(&first).unwrap())
            .unwrap()
            .to_rgba8();
        assert_eq!(decoded.get_pixel(1, 0).0, [10, 20, 30, 255]);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert!(write_atomically(&dir.join("missing/x.state"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
