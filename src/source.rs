//! Source files, byte spans and line/column lookup.
//!
//! Positions are byte offsets everywhere inside the tool; line and column are computed only when a
//! finding is rendered, from a per-file line index (as ruff and cargo-deny do).

use std::path::{Path, PathBuf};

use crate::secrets::{Scrubber, Secrets};

/// Index of a file in the [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Self { file, start, end }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A value together with the span of the YAML node it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a text.
#[derive(Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        if text.contains('\r') {
            starts.extend(lines(text).skip(1).map(|(start, _)| start));
        } else {
            // Most files: LF only, found by the standard library's memchr.
            starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        }
        Self { starts }
    }

    /// Byte offset of the start of a 1-based line, if the line exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(offset - start, |prefix| prefix.chars().count()) + 1;
        LineCol { line, column }
    }
}

/// Every line of a text with the offset of its first byte, without its line end. LF, CRLF and a
/// lone CR each end a line, as in YAML (1.2 §5.4), HCL and the editors that show the file: a file
/// saved with classic Mac line ends is many lines, not one. Like `split('\n')`, a text ending in a
/// line end yields an empty last line.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut next = Some(0);
    std::iter::from_fn(move || {
        let start = next?;
        let rest = bytes.get(start..).unwrap_or_default();
        match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(at) => {
                let end = start + at;
                let crlf = bytes.get(end) == Some(&b'\r') && bytes.get(end + 1) == Some(&b'\n');
                next = Some(end + if crlf { 2 } else { 1 });
                Some((start, text.get(start..end).unwrap_or_default()))
            }
            None => {
                next = None;
                Some((start, text.get(start..).unwrap_or_default()))
            }
        }
    })
}

/// One file read from disk.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as it was found on disk.
    pub path: PathBuf,
    /// The path shown to users: relative to the current directory when under it, `/` separators.
    pub display: String,
    pub text: String,
    pub lines: LineIndex,
    /// Whether findings in this file are reported (false for siblings loaded only for context).
    pub reported: bool,
    /// Where its secret values are: outputs show [`SourceFile::shown`], never `text`.
    pub secrets: Secrets,
}

/// Every file of a run.
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
    /// Built on first use: every output asks for it, and building it reads every secret.
    scrubber: std::sync::OnceLock<crate::secrets::Scrubber>,
}

impl SourceFile {
    /// A file with its line index and display path worked out (the loader does this in parallel).
    pub fn new(id: FileId, path: PathBuf, text: String, reported: bool) -> Self {
        let display = display_path(&path);
        let lines = LineIndex::new(&text);
        Self { id, path, display, text, lines, reported, secrets: Secrets::default() }
    }

    /// The text as outputs may show it: secret values masked, every offset in place.
    pub fn shown(&self) -> String {
        self.secrets.mask(&self.text)
    }
}

impl SourceDb {
    /// Adds a file built with [`SourceFile::new`]; its id becomes its position here.
    pub fn push(&mut self, mut file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        file.id = id;
        self.files.push(file);
        self.scrubber = std::sync::OnceLock::new();
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// What masks the secret values of every file in output strings.
    pub fn scrubber(&self) -> &Scrubber {
        self.scrubber.get_or_init(|| {
            Scrubber::new(self.files.iter().flat_map(|f| f.secrets.values()).map(String::as_str))
        })
    }

    pub fn display(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.display.as_str())
    }

    /// Start and end line/column of a span.
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        match self.get(span.file) {
            Some(f) => {
                (f.lines.line_col(&f.text, span.start as usize), f.lines.line_col(&f.text, span.end as usize))
            }
            None => (LineCol { line: 1, column: 1 }, LineCol { line: 1, column: 1 }),
        }
    }

    /// The text a span covers (empty when out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).and_then(|f| f.text.get(span.start as usize..span.end as usize)).unwrap_or("")
    }
}

/// A path with its `.` and `..` steps taken (`upi/../common.yaml` is `common.yaml`), without
/// touching the file system (the path may name a file that is not there); a `..` above a
/// relative start is kept, one above the root is dropped.
pub fn lexical(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            Component::ParentDir if out.has_root() => {}
            c => out.push(c),
        }
    }
    out
}

/// A path as users should see it: relative to the working directory when it lies under it.
pub fn display_path(path: &Path) -> String {
    // A relative path is already relative to the working directory: no `getcwd` per file.
    let rel = if path.is_relative() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.to_path_buf())
    };
    let mut out = String::new();
    for comp in rel.components() {
        use std::path::Component;
        match comp {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            Component::ParentDir => out.push_str(".."),
            Component::Normal(s) => out.push_str(&s.to_string_lossy()),
        }
        out.push('/');
    }
    if out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    if out.is_empty() { ".".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_spelled_as_the_walk_spells_files() {
        let lex = |p: &str| lexical(Path::new(p));
        assert_eq!(lex("upi/sub/../common.yaml"), Path::new("upi/common.yaml"));
        assert_eq!(lex("./a/./b.yaml"), Path::new("a/b.yaml"));
        assert_eq!(lex("../x.yaml"), Path::new("../x.yaml"));
        assert_eq!(lex("../../x/../y"), Path::new("../../y"), "a `..` above the start is kept");
        assert_eq!(lex("/repo/../../a"), Path::new("/a"), "nothing is above the root");
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "a: 1\nbé: x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        let x = text.find('x').unwrap_or_default();
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, column: 5 });
        assert_eq!(idx.line_col(text, text.len()), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn every_line_end_counts() {
        // LF, CRLF and lone CR, mixed in one text.
        let text = "a: 1\rb: 2\r\nc: 3\nd: 4\r\re: 5";
        let idx = LineIndex::new(text);
        let at = |s: &str| idx.line_col(text, text.find(s).unwrap_or_default());
        assert_eq!(at("b"), LineCol { line: 2, column: 1 });
        assert_eq!(at("c"), LineCol { line: 3, column: 1 });
        assert_eq!(at("d"), LineCol { line: 4, column: 1 });
        assert_eq!(at("e"), LineCol { line: 6, column: 1 });
        let seen: Vec<&str> = lines(text).map(|(_, l)| l).collect();
        assert_eq!(seen, ["a: 1", "b: 2", "c: 3", "d: 4", "", "e: 5"]);
        assert_eq!(lines("x\n").collect::<Vec<_>>(), [(0, "x"), (2, "")]);
    }
}
