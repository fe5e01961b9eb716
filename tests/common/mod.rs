//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use stretchlint::report::{self, Format};
use stretchlint::{Report, Settings, lint_paths};

/// Lints `path` with only `rule` enabled. A fixture file stands alone: the repository around it is
/// not its cluster.
pub fn lint_one(path: &Path, rule: &str) -> Report {
    let settings = Settings { context: false, ..Settings::only(rule) };
    lint_paths(&[path.to_path_buf()], &settings).expect("fixture lints")
}

pub fn render(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    report::render(report, format, &mut out).expect("render to memory");
    String::from_utf8(out).expect("utf-8 output")
}

/// Runs the built binary in `cwd`, plain: `NO_COLOR` beats a `FORCE_COLOR` or `CLICOLOR_FORCE`
/// that the developer's or CI's environment may set.
pub fn stretchlint_in(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_stretchlint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run stretchlint")
}

/// A fresh empty folder under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "stretchlint-test-{}-{}-{}",
            tag,
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `(file, line)` expectations written in fixtures as `# expect: SL101 at 12, 30`.
pub fn expectations(path: &Path, code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for file in input_files(path) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let display = stretchlint::source::display_path(&file);
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("# expect:") else { continue };
            let rest = rest.trim();
            let Some(lines) = rest.strip_prefix(code).and_then(|r| r.trim().strip_prefix("at")) else {
                continue;
            };
            for n in lines.split(',') {
                let n: usize =
                    n.trim().parse().unwrap_or_else(|_| panic!("bad expect line in {display}: {line}"));
                out.push((display.clone(), n));
            }
        }
    }
    out.sort();
    out
}

/// The files of a fixture that may carry expectations: every input kind whose comments start with `#`.
pub fn input_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = walkdir_like(path);
    files.sort();
    files
}

fn walkdir_like(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir_like(&p));
        } else if p.extension().is_some_and(|x| ["yaml", "yml", "tf", "cfg", "conf"].iter().any(|e| x == *e))
        {
            out.push(p);
        }
    }
    out
}

/// Copies a folder and everything below it.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's folder");
    for entry in std::fs::read_dir(from).expect("read the folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// One complete tree per architecture, and the broken cluster.
pub const EXAMPLE_TREES: [&str; 5] = [
    "fixtures/architectures/ipi-rpn-stretched-l2",
    "fixtures/architectures/ipi-overlay-fip",
    "fixtures/architectures/upi-rpn-external-lb",
    "fixtures/architectures/overlay-haproxy",
    "fixtures/clusters/broken-stretch",
];
