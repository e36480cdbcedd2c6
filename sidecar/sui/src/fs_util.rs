//! Crash-safe file replacement shared by the keystore and the client config.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temp files of concurrent saves within one process; the pid
/// distinguishes processes.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces `path` with `contents` so that a reader (or a crash) sees either
/// the old file or the new one, never a torn mix.
///
/// The temp file lives in the same directory as `path` because `rename` is
/// only atomic within one file system. On Unix it is created with `mode`
/// from the start, so secret bytes are never readable by others, not even
/// for the moment between create and chmod.
pub(crate) fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let dir = parent_dir(path);
    let file_name =
        path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let temp = dir.join(format!(
        ".{}.tmp-{}-{}",
        file_name.to_string_lossy(),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));

    let result = write_new_file(&temp, contents, mode).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        // Best effort: a leftover temp file is harmless but clutters the dir.
        let _ = fs::remove_file(&temp);
        return result;
    }
    sync_dir(&dir);
    Ok(())
}

/// The directory holding `path`; `""` (a bare file name) means the cwd.
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn write_new_file(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    // The umask may only tighten `mode`, which is what a user setting it wants.
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    // Without this the rename can reach the disk before the data does, and a
    // power loss leaves an empty file under the real name.
    file.sync_all()
}

/// Makes the rename itself durable. Failure only weakens durability, never
/// correctness, and some platforms cannot open directories, so it is ignored.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_contents_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        write_atomic(&path, b"one", 0o600).unwrap();
        write_atomic(&path, b"two", 0o600).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("f.json")]);
    }

    #[cfg(unix)]
    #[test]
    fn applies_the_requested_mode_even_over_a_looser_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&path, b"new", 0o600).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn bare_file_name_uses_current_dir() {
        assert_eq!(parent_dir(Path::new("x.toml")), PathBuf::from("."));
        assert_eq!(parent_dir(Path::new("a/x.toml")), PathBuf::from("a"));
    }
}
