//! Values from a scanned repository cannot alter a Markdown or HTML report: a cluster named
//! `<img src=x onerror=…>` and paths with `|`, backticks, brackets, emphasis and a line break
//! stay text in their cell.

#![allow(clippy::expect_used)] // a fixture that cannot be written is a broken test

mod common;

use std::path::Path;

use common::{TempDir, copy_tree, stretchlint_in};

/// A whole `<…>` value reads as a placeholder (no name): the markup follows a real name.
const NAME: &str = "ocp<img src=x onerror=alert(1)>";

/// Folder names the filesystem allows, each hostile to Markdown.
const FOLDERS: [&str; 3] = ["a|b", "c`d[e](f)*_g", "h\ni"];

/// Three copies of the broken cluster (enough errors that some miss the annotation cap and
/// go into check's Markdown table), one of them named `NAME`.
fn hostile_repo(dir: &TempDir) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in FOLDERS {
        copy_tree(&root.join("fixtures/clusters/broken-stretch"), &dir.0.join("repo").join(folder));
    }
    let path = dir.0.join("repo").join(FOLDERS[0]).join("install-config.yaml");
    let text = std::fs::read_to_string(&path).expect("read the install-config");
    std::fs::write(&path, text.replacen("  name: broken\n", &format!("  name: \"{NAME}\"\n"), 1))
        .expect("write the install-config");
}

fn run(args: &[&str], cwd: &Path) -> String {
    let out = stretchlint_in(args, cwd);
    assert!(out.status.code().is_some_and(|c| c < 2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The characters of a Markdown line that are not backslash-escaped.
fn unescaped(line: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

/// Every table row has its header's number of cells; no `<` or `[` is left to open HTML or a
/// link; the hostile values are all there, escaped.
fn assert_markdown_intact(md: &str, what: &str) {
    let mut columns: Option<usize> = None;
    for line in md.lines() {
        let plain = unescaped(line);
        assert!(!plain.contains(&'<') && !plain.contains(&'['), "{what}: markup left in {line:?}\n{md}");
        if line.starts_with('|') {
            let cells = plain.iter().filter(|c| **c == '|').count();
            let expected = *columns.get_or_insert(cells);
            assert_eq!(cells, expected, "{what}: a row with another number of cells: {line:?}\n{md}");
        } else {
            columns = None;
        }
    }
}

#[test]
fn markdown_and_html_reports_keep_their_shape() {
    let dir = TempDir::new("injection");
    hostile_repo(&dir);

    let check = run(&["check", "repo", "--format", "markdown"], &dir.0);
    assert!(check.contains("Findings not shown as annotations"), "{check}");
    assert!(check.contains(r"ocp\<img src=x onerror=alert(1)\>"), "{check}");
    assert!(check.contains(r"c\`d\[e\](f)\*\_g"), "{check}");
    assert_markdown_intact(&check, "check");

    let simulate = run(&["simulate", "repo", "--format", "markdown"], &dir.0);
    assert!(simulate.contains(r"ocp\<img src=x"), "{simulate}");
    assert_markdown_intact(&simulate, "simulate");

    let roots: Vec<String> = FOLDERS.iter().map(|f| format!("repo/{f}")).collect();
    let mut args = vec!["audit", "--format", "markdown"];
    args.extend(roots.iter().map(String::as_str));
    let audit = run(&args, &dir.0);
    assert!(audit.contains(r"repo/c\`d\[e\](f)\*\_g") && audit.contains("`repo/a\\|b`"), "{audit}");
    assert_markdown_intact(&audit, "audit");

    args[2] = "html";
    let html = run(&args, &dir.0);
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&html, options).expect("well-formed HTML");
    assert!(!doc.descendants().any(|n| n.tag_name().name() == "img"), "no img element");
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains(NAME) && text.contains("repo/c`d[e](f)*_g"), "the values are shown as text");
}
