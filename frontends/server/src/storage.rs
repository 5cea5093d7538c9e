//! Durable file writes: a temporary file in the same directory, written and fsynced, then
//! renamed over the target and the directory fsynced, so a crash leaves either the old or
//! the new content, never a torn file.

use std::io::Write;
use std::path::Path;

/// Prefix of temporary files; names starting with it are never listed or served.
pub const TEMP_PREFIX: &str = ".tmp-";

/// Atomically replaces `path` with `data`. When this returns `Ok`, the data is on disk.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("path has no parent directory"))?;
    let temp = dir.join(format!("{TEMP_PREFIX}{}", crate::crypto::random_token()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(data)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Fsyncs a directory so that renames and unlinks in it are durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates a directory (and its parents) readable only by its owner when it does not exist
/// yet; an existing directory is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    restrict(dir, 0o700)
}

/// Limits a file or directory to its owner (`mode` on Unix; nothing elsewhere).
pub fn restrict(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// Removes temporary files left behind by an interrupted write.
pub fn remove_stale_temps(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp() {
        let dir =
            std::env::temp_dir().join(format!("heirloom-st-{}", crate::crypto::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("a.sav");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        std::fs::write(dir.join(format!("{TEMP_PREFIX}x")), b"junk").unwrap();
        remove_stale_temps(&dir);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let private = dir.join("private/inner");
            create_private_dir(&private).unwrap();
            let mode = std::fs::metadata(&private).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
            std::fs::remove_dir_all(dir.join("private")).unwrap();
        }
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.sav")]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
