//! A repository's commit, read from `.git` without running git: `HEAD`, the loose ref it names,
//! else `packed-refs`. Worktrees and submodules (`.git` is a file saying `gitdir: …`, refs in the
//! `commondir`) are followed. Nothing read here can point outside the git directory.

use std::path::{Path, PathBuf};

/// The commit `HEAD` points at, as 40 (or 64) lower-case hex digits.
pub fn head_commit(repo: &Path) -> Option<String> {
    let git = git_dir(repo)?;
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    match head.strip_prefix("ref:") {
        Some(name) => resolve(&git, name.trim()),
        None => is_object_id(head).then(|| head.to_ascii_lowercase()),
    }
}

/// Whether a folder is the top of a git repository (holds `.git`, a folder or a `gitdir:` file).
pub fn is_repository(dir: &Path) -> bool {
    dir.join(".git").exists()
}

fn git_dir(repo: &Path) -> Option<PathBuf> {
    let dot_git = repo.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git);
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
    Some(repo.join(target))
}

fn resolve(git: &Path, name: &str) -> Option<String> {
    // A ref name never climbs out of the git directory.
    if !name.starts_with("refs/")
        || name.split('/').any(|part| part.is_empty() || part == "." || part == "..")
    {
        return None;
    }
    let common = std::fs::read_to_string(git.join("commondir"))
        .ok()
        .map_or_else(|| git.to_path_buf(), |c| git.join(c.trim()));
    for dir in [git, common.as_path()] {
        if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
            let id = text.trim();
            return is_object_id(id).then(|| id.to_ascii_lowercase());
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().filter(|l| !l.starts_with(['#', '^'])).find_map(|l| {
        let (id, ref_name) = l.split_once(' ')?;
        (ref_name.trim() == name && is_object_id(id)).then(|| id.to_ascii_lowercase())
    })
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
        assert_eq!(head_commit(&dir).as_deref(), Some(A));

        let _ = std::fs::remove_file(dir.join(".git/refs/heads/main"));
        write(
            dir.join(".git/packed-refs"),
            &format!("# pack-refs with: peeled\n{B} refs/heads/main\n^{A}\n"),
        );
        assert_eq!(head_commit(&dir).as_deref(), Some(B));

        write(dir.join(".git/HEAD"), &format!("{}\n", A.to_uppercase()));
        assert_eq!(head_commit(&dir).as_deref(), Some(A));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn hostile_or_missing_heads_give_no_commit() {
        let dir = repo("hostile");
        write(dir.join(".git/HEAD"), "ref: refs/../../../etc/passwd\n");
        assert_eq!(head_commit(&dir), None);
        write(dir.join(".git/HEAD"), "ref: refs/heads/unborn\n");
        assert_eq!(head_commit(&dir), None, "a branch with no commit yet");
        write(dir.join(".git/HEAD"), "not a commit\n");
        assert_eq!(head_commit(&dir), None);
        assert_eq!(head_commit(&dir.join("nowhere")), None);
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
        assert_eq!(head_commit(&wt).as_deref(), Some(B));
        let _ = std::fs::remove_dir_all(main);
    }
}
