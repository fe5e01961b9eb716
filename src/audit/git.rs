//! A repository's commit, read from `.git` without running git: `HEAD`, the loose ref it names,
//! else `packed-refs`. Worktrees and submodules (`.git` is a file saying `gitdir: …`, refs in the
//! `commondir`) are followed. Nothing read here can point outside the git directory, and nothing
//! read here can stall the audit: a FIFO, a device or a huge file where git keeps a small one is
//! an error for that repository ([`crate::read`]), never a read that blocks.

use std::path::{Path, PathBuf};

/// The most bytes read from `HEAD`, a ref, a `gitdir:` or `commondir` file (a line each).
const SMALL: u64 = 64 << 10;
/// `packed-refs` holds a line per ref: large repositories have hundreds of thousands.
const PACKED_REFS: u64 = 256 << 20;

/// The commit `HEAD` points at, as 40 (or 64) lower-case hex digits; `None` when there is none
/// (no `HEAD`, an unborn branch, a ref that climbs out); an error when a file git keeps is one
/// that cannot be read safely.
pub fn head_commit(repo: &Path) -> Result<Option<String>, String> {
    let Some(git) = git_dir(repo)? else { return Ok(None) };
    let Some(head) = read(&git.join("HEAD"), SMALL)? else { return Ok(None) };
    let head = head.trim();
    match head.strip_prefix("ref:") {
        Some(name) => resolve(&git, name.trim()),
        None => Ok(is_object_id(head).then(|| head.to_ascii_lowercase())),
    }
}

/// Whether a folder is the top of a git repository (holds `.git`, a folder or a `gitdir:` file).
pub fn is_repository(dir: &Path) -> bool {
    dir.join(".git").symlink_metadata().is_ok()
}

/// A file's text; `None` when it does not exist.
fn read(path: &Path, limit: u64) -> Result<Option<String>, String> {
    match crate::read::read(path, limit) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(crate::read::Unread::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("`{}`: {e}", crate::source::display_path(path))),
    }
}

fn git_dir(repo: &Path) -> Result<Option<PathBuf>, String> {
    let dot_git = repo.join(".git");
    if dot_git.is_dir() {
        return Ok(Some(dot_git));
    }
    let Some(text) = read(&dot_git, SMALL)? else { return Ok(None) };
    Ok(text.lines().find_map(|l| l.strip_prefix("gitdir:")).map(|target| repo.join(target.trim())))
}

fn resolve(git: &Path, name: &str) -> Result<Option<String>, String> {
    // A ref name never climbs out of the git directory.
    if !name.starts_with("refs/")
        || name.split('/').any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Ok(None);
    }
    let common =
        read(&git.join("commondir"), SMALL)?.map_or_else(|| git.to_path_buf(), |c| git.join(c.trim()));
    for dir in [git, common.as_path()] {
        if let Some(text) = read(&dir.join(name), SMALL)? {
            let id = text.trim();
            return Ok(is_object_id(id).then(|| id.to_ascii_lowercase()));
        }
    }
    let Some(packed) = read(&common.join("packed-refs"), PACKED_REFS)? else { return Ok(None) };
    Ok(packed.lines().filter(|l| !l.starts_with(['#', '^'])).find_map(|l| {
        let (id, ref_name) = l.split_once(' ')?;
        (ref_name.trim() == name && is_object_id(id)).then(|| id.to_ascii_lowercase())
    }))
}

fn is_object_id(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef01234567";
    const B: &str = "89abcdef0123456789abcdef0123456789abcdef";

    fn repo(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stretchlint-git-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(dir.join(".git/refs/heads"));
        dir
    }

    fn write(path: PathBuf, text: &str) {
        let _ = std::fs::write(path, text);
    }

    #[test]
    fn loose_packed_and_detached_heads() {
        let dir = repo("loose");
        write(dir.join(".git/HEAD"), "ref: refs/heads/main\n");
        write(dir.join(".git/refs/heads/main"), &format!("{A}\n"));
        assert_eq!(head_commit(&dir).ok().flatten().as_deref(), Some(A));

        let _ = std::fs::remove_file(dir.join(".git/refs/heads/main"));
        write(
            dir.join(".git/packed-refs"),
            &format!("# pack-refs with: peeled\n{B} refs/heads/main\n^{A}\n"),
        );
        assert_eq!(head_commit(&dir).ok().flatten().as_deref(), Some(B));

        write(dir.join(".git/HEAD"), &format!("{}\n", A.to_uppercase()));
        assert_eq!(head_commit(&dir).ok().flatten().as_deref(), Some(A));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn hostile_or_missing_heads_give_no_commit() {
        let dir = repo("hostile");
        write(dir.join(".git/HEAD"), "ref: refs/../../../etc/passwd\n");
        assert_eq!(head_commit(&dir), Ok(None));
        write(dir.join(".git/HEAD"), "ref: refs/heads/unborn\n");
        assert_eq!(head_commit(&dir), Ok(None), "a branch with no commit yet");
        write(dir.join(".git/HEAD"), "not a commit\n");
        assert_eq!(head_commit(&dir), Ok(None));
        assert_eq!(head_commit(&dir.join("nowhere")), Ok(None));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_device_where_git_keeps_a_file_is_an_error_not_a_hang() {
        let dir = repo("fifo");
        let fifo = dir.join(".git/HEAD");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        assert!(made, "mkfifo");
        let error = head_commit(&dir).err().unwrap_or_default();
        assert!(error.contains("HEAD") && error.contains("FIFO"), "{error}");
        let _ = std::fs::remove_file(&fifo);
        write(dir.join(".git/HEAD"), "ref: refs/heads/main\n");
        let _ = std::os::unix::fs::symlink("/dev/zero", dir.join(".git/refs/heads/main"));
        let error = head_commit(&dir).err().unwrap_or_default();
        assert!(error.contains("device"), "{error}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_worktree_follows_its_gitdir_file_and_commondir() {
        let main = repo("main");
        write(main.join(".git/refs/heads/topic"), &format!("{B}\n"));
        let wt_git = main.join(".git/worktrees/wt");
        let _ = std::fs::create_dir_all(&wt_git);
        write(wt_git.join("HEAD"), "ref: refs/heads/topic\n");
        write(wt_git.join("commondir"), "../..\n");
        let wt = main.join("wt");
        let _ = std::fs::create_dir_all(&wt);
        write(wt.join(".git"), &format!("gitdir: {}\n", wt_git.display()));
        assert_eq!(head_commit(&wt).ok().flatten().as_deref(), Some(B));
        let _ = std::fs::remove_dir_all(main);
    }
}
