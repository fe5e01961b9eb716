//! Reading a file without blocking and without reading more than a limit.
//!
//! A path may name a FIFO (pre-commit can pass one), a device such as `/dev/zero`, or a file of
//! gigabytes; a hostile repository may plant any of them, `.git/HEAD` included. So a file is
//! opened without blocking (`O_NONBLOCK`: opening a FIFO with no writer then returns at once),
//! judged by the metadata of the handle that was opened (no window between a check and the
//! open), and read only when it is a regular file, never past the limit.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The default largest input read: far above any real manifest (the biggest rendered bundles are a
/// few MiB), far below what would strain the machine.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub enum Unread {
    /// A FIFO, socket, device or folder.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(std::io::Error),
}

impl fmt::Display for Unread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unread::NotRegular(what) => write!(f, "not a regular file ({what}): not read"),
            Unread::TooLarge { size, limit } => write!(
                f,
                "{} is over the {} limit (`--max-file-size`): not read",
                size_text(*size),
                size_text(*limit)
            ),
            Unread::Io(e) => write!(f, "cannot read the file: {e}"),
        }
    }
}

impl From<Unread> for std::io::Error {
    fn from(unread: Unread) -> Self {
        match unread {
            Unread::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::InvalidInput, other.to_string()),
        }
    }
}

/// The bytes of a regular file of at most `limit` bytes.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, Unread> {
    let file = open(path).map_err(Unread::Io)?;
    let meta = file.metadata().map_err(Unread::Io)?;
    if !meta.is_file() {
        return Err(Unread::NotRegular(describe(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(Unread::TooLarge { size: meta.len(), limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte more than the limit tells a file that grew after the metadata was read.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(Unread::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Unread::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text, for the tool's own files (configuration, baselines, rule packs, shard
/// outputs, `.git` refs); problems come back as `std::io::Error`s that name them.
pub fn read_to_string(path: &Path, limit: u64) -> std::io::Result<String> {
    let bytes = read(path, limit)?;
    String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NOCTTY: opening a terminal device must not make it the process's controlling terminal.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// What a file that is not regular is, in a word.
pub fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// A size as users write it: `1048576`, `512KiB`, `64MiB`, `1 GiB` (K, M and G count 1024s too).
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let shift = match unit.trim_start().trim_end_matches('B').trim_end_matches('i') {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        _ => return None,
    };
    let value: u64 = number.parse().ok()?;
    value.checked_mul(1 << shift).filter(|v| *v > 0)
}

/// `512 bytes`, `64 MiB`, `1.5 GiB`.
fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = UNITS[0];
    for next in &UNITS[1..] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    if value.fract() == 0.0 { format!("{value:.0} {unit}") } else { format!("{value:.1} {unit}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("stretchlint-read-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        dir
    }

    #[test]
    fn a_regular_file_within_the_limit_is_read() {
        let dir = temp("regular");
        let path = dir.join("a.yaml");
        let _ = std::fs::write(&path, "a: 1\n");
        assert_eq!(read(&path, 5).ok(), Some(b"a: 1\n".to_vec()));
        assert!(matches!(read(&path, 4), Err(Unread::TooLarge { size: 5, limit: 4 })));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_folder_and_a_device_are_not_read() {
        let dir = temp("folder");
        assert!(matches!(read(&dir, 10), Err(Unread::NotRegular("a folder"))));
        #[cfg(unix)]
        assert!(matches!(read(Path::new("/dev/zero"), 10), Err(Unread::NotRegular("a device"))));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn sizes_parse_as_people_write_them() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("64MiB"), Some(64 << 20));
        assert_eq!(parse_size("512 KiB"), Some(512 << 10));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("12 parsecs"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(512), "512 bytes");
        assert_eq!(size_text(64 << 20), "64 MiB");
        assert_eq!(size_text(3 << 29), "1.5 GiB");
    }
}
