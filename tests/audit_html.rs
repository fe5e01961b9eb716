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

    // Nothing to fetch: the only URLs are the namespace names and links a reader may follow.
    let mut rest = html.clone();
    for ns in NAMESPACES {
        rest = rest.replace(ns, "");
    }
    for link in doc.descendants().filter_map(|n| n.attribute("href")) {
        rest = rest.replace(&format!("href=\"{link}\""), "");
    }
    assert!(!rest.contains("http://") && !rest.contains("https://"), "an external URL");
    assert!(!doc.descendants().any(|n| n.attribute("src").is_some()), "a src attribute");
    assert!(!html.contains("url(") && !html.contains("<link"), "a stylesheet or image to fetch");

    // The headline: clusters that survive the loss of any one AZ, from the totals.
    let totals = &json["totals"];
    let headline = doc.descendants().find(|n| has_class(n, "headline")).expect("a headline");
    let text: String = headline.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    let want = format!("{} of {} clusters", totals["survive_single_az_loss"], totals["clusters"]);
    assert!(text.contains(&want), "{text:?} lacks {want:?}");

    // Heat-map cells are coloured by their worst severity, and a legend says so.
    assert!(doc.descendants().any(|n| has_class(&n, "legend")), "a legend");
    let cells: Vec<_> =
        doc.descendants().filter(|n| n.has_tag_name("td") && n.attribute("title").is_some()).collect();
    assert!(cells.iter().any(|c| has_class(c, "sev-cell-error")), "an error cell");
    assert!(cells.iter().any(|c| has_class(c, "sev-cell-warning")), "a warning cell");

    // A filter for the findings, and each built-in rule linked to its page.
    assert!(doc.descendants().any(|n| n.has_tag_name("input") && has_class(&n, "filter")));
    let rule_links =
        doc.descendants().filter(|n| n.attribute("href").is_some_and(|h| h.contains("docs/rules/SL")));
    assert!(rule_links.count() >= 1, "findings link to their rule's page");

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

/// Renders the page in headless Chromium when it is installed: at desktop and phone widths the
/// page body must not scroll sideways (wide tables scroll inside their own box), and the
/// screenshot must not be empty (an empty one is a few hundred bytes). Headless Chromium lays a
/// 420 px window out 500 px wide, its smallest; the probe compares with what it reports.
fn screenshot(dir: &Path, html: &str) {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: no /usr/bin/chromium to render the page");
        return;
    }
    for width in [1280, 420] {
        let page = dir.join(format!("audit-{width}.html"));
        // The probe reports the body's width against the window's in the title, read back from
        // the DOM Chromium dumps.
        let probe = "<script>//<![CDATA[\nwindow.addEventListener('load', function () { document.title = \
                     'layout ' + document.documentElement.scrollWidth + ' ' + window.innerWidth; });\n//]]></script></body>";
        std::fs::write(&page, html.replace("</body>", probe)).unwrap();
        let run = |args: &[String]| {
            std::process::Command::new(chromium)
                .args(["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars"])
                .arg(format!("--window-size={width},900"))
                .args(args)
                .arg(format!("file://{}", page.display()))
                .output()
                .unwrap()
        };
        let dom = run(&["--dump-dom".to_owned(), "--virtual-time-budget=2000".to_owned()]);
        let dom = String::from_utf8_lossy(&dom.stdout);
        let title = dom.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default();
        let sizes: Vec<u64> = title.split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect();
        assert_eq!(sizes.len(), 2, "no layout probe at {width} px: {title:?}");
        assert!(sizes[0] <= sizes[1], "the page is {} px wide in a {} px window", sizes[0], sizes[1]);
        let shot = dir.join(format!("shot-{width}.png"));
        let out = run(&[format!("--screenshot={}", shot.display())]);
        assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
        let size = std::fs::metadata(&shot).unwrap().len();
        assert!(size > 8 * 1024, "screenshot of {size} bytes at {width} px");
        if let Ok(keep) = std::env::var("STRETCHLINT_KEEP_SCREENSHOT") {
            std::fs::copy(&shot, format!("{keep}-{width}.png")).unwrap();
        }
    }
}
