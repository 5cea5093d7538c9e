//! Writing output files so that a failure never leaves half a file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Writes `bytes` to `path` atomically: into a temporary file beside it, flushed to disk,
/// then renamed over `path`. An existing file is replaced only by a complete new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let temporary = temporary_path(path);
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temporary, path));
    renamed.map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        CliError::io(path, err)
    })
}

fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.partial", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_old_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("heirloom-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.bin");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"new contents").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        let missing_dir = dir.join("no/such/dir/out.bin");
        let err = write_atomically(&missing_dir, b"x").unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&missing_dir.display().to_string())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
