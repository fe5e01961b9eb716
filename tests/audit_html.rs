//! `stretchlint audit --format html` over a generated estate: a well-formed, self-contained page
//! that shows the same estate as the JSON report, and that a headless browser renders.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // fail loudly; say why a part skips

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{EXAMPLE_TREES, TempDir, copy_tree, stretchlint_in};
use serde_json::Value;

const NAMESPACES: [&str; 2] = ["http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"];

/// Six repositories under `estate/`: one per example tree, and one clean repository with none.
fn estate() -> TempDir {
    let tmp = TempDir::new("audit-html");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for i in 0..6 {
        let repo = tmp.0.join(format!("estate/repo-{i}"));
        std::fs::create_dir_all(repo.join(".git/refs/heads")).unwrap();
        std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(repo.join(".git/refs/heads/main"), format!("{:040x}\n", i + 1)).unwrap();
        if let Some(tree) = EXAMPLE_TREES.get(i) {
            copy_tree(&root.join(tree), &repo.join("clusters/c"));
        }
        if i == 0 {
            copy_tree(&root.join(EXAMPLE_TREES[4]), &repo.join("clusters/broken"));
        }
    }
    tmp
}

fn run(args: &[&str], dir: &Path) -> String {
    let out = stretchlint_in(args, dir);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn has_class(node: &roxmltree::Node, class: &str) -> bool {
    node.attribute("class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
}

#[test]
fn html_report_is_self_contained_and_matches_json() {
    let tmp = estate();
    let json: Value =
        serde_json::from_str(&run(&["audit", "--repos-under", "estate", "--format", "json"], &tmp.0))
            .unwrap();
    let html = run(&["audit", "--repos-under", "estate", "--format", "html"], &tmp.0);
    // `<!DOCTYPE html>` keeps browsers in standards mode; roxmltree refuses any DOCTYPE unless told.
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&html, options)
        .unwrap_or_else(|e| panic!("not well-formed: {e}\n{html}"));

    // Nothing to fetch: the only URLs are the namespace names.
    let mut rest = html.clone();
    for ns in NAMESPACES {
        rest = rest.replace(ns, "");
    }
    assert!(!rest.contains("http://") && !rest.contains("https://"), "an external URL");
    assert!(!doc.descendants().any(|n| n.attribute("src").is_some()), "a src attribute");

    // One bar per architecture, with its count.
    let architectures: BTreeMap<String, u64> = json["totals"]["architectures"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert!(architectures.len() >= 3, "{architectures:?}");
    let svg = doc.descendants().find(|n| n.has_tag_name("svg")).expect("an svg chart");
    let bars: BTreeMap<String, u64> = svg
        .descendants()
        .filter(|n| n.has_tag_name("g") && has_class(n, "bar"))
        .map(|g| {
            let count = g.children().rfind(|n| n.has_tag_name("text")).unwrap();
            (g.attribute("data-architecture").unwrap().to_owned(), count.text().unwrap().parse().unwrap())
        })
        .collect();
    assert_eq!(bars, architectures);

    // The heat map: one row per repository with findings, one column per rule that occurs.
    let repos = json["repos"].as_array().unwrap();
    let with_findings = repos.iter().filter(|r| !r["findings"].as_array().unwrap().is_empty()).count();
    assert!(with_findings >= 1 && with_findings < repos.len(), "{with_findings} of {}", repos.len());
    let heat = doc.descendants().find(|n| n.has_tag_name("table") && has_class(n, "heat")).unwrap();
    let body = heat.children().find(|n| n.has_tag_name("tbody")).unwrap();
    assert_eq!(body.children().filter(|n| n.has_tag_name("tr")).count(), with_findings);
    let head = heat.descendants().filter(|n| n.has_tag_name("th")).count();
    assert_eq!(head, 3 + json["totals"]["rules"].as_object().unwrap().len());

    // Every finding, by code and location, in its repository's section.
    for (i, repo) in repos.iter().enumerate() {
        let id = format!("repo-{i}");
        let section = doc.descendants().find(|n| n.attribute("id") == Some(id.as_str())).unwrap();
        let text: String = section.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join(" ");
        assert!(text.contains(repo["path"].as_str().unwrap()));
        for f in repo["findings"].as_array().unwrap() {
            let code = f["code"].as_str().unwrap();
            let at = format!("{}:{}", f["file"].as_str().unwrap(), f["line"]);
            assert!(text.contains(code) && text.contains(&at), "{code} at {at} missing from {id}");
        }
    }

    // The same audit gives the same page, start time aside.
    let again = run(&["audit", "--repos-under", "estate", "--format", "html"], &tmp.0);
    let strip =
        |s: &str| s.lines().filter(|l| !l.contains("<dt>started</dt>")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&html), strip(&again));

    screenshot(&tmp.0, &html);
}

/// Renders the page in headless Chromium when it is installed, to catch a page a browser cannot
/// lay out (an empty screenshot is a few hundred bytes).
fn screenshot(dir: &Path, html: &str) {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: no /usr/bin/chromium to render the page");
        return;
    }
    let page = dir.join("audit.html");
    let shot = dir.join("shot.png");
    std::fs::write(&page, html).unwrap();
    let status = std::process::Command::new(chromium)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--window-size=1280,2000"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&status.stderr));
    let size = std::fs::metadata(&shot).unwrap().len();
    assert!(size > 8 * 1024, "screenshot of {size} bytes");
    if let Ok(keep) = std::env::var("STRETCHLINT_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
