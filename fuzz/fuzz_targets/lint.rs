//! The whole pipeline on a small cluster tree: the input is cut at each `\n%%\n` into the files
//! below, in turn, linted, and rendered in every format.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use stretchlint::report::{self, Format};
use stretchlint::{Settings, lint_paths};

const FILES: [&str; 7] = [
    "install-config.yaml",
    "openshift/99_openshift-cluster-api_worker-machineset-0.yaml",
    "openshift/99_openshift-machine-api_master-control-plane-machine-set.yaml",
    "network/site.yaml",
    "network/network.tf",
    "lb/haproxy.cfg",
    "lb/keepalived.conf",
];

const FORMATS: [Format; 6] = [
    Format::Human { color: false },
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Junit,
    Format::Markdown,
];

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("stretchlint-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (i, part) in parts(data).into_iter().enumerate() {
        let path = dir.join(FILES[i % FILES.len()]);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&path, part);
    }
    let _ = std::fs::create_dir_all(&dir);
    let paths: Vec<PathBuf> = vec![dir.clone()];
    if let Ok(report) = lint_paths(&paths, &Settings::default()) {
        for format in FORMATS {
            let mut out = Vec::new();
            report::render(&report, format, &mut out).ok();
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
});

/// The input cut at each separator.
fn parts(data: &[u8]) -> Vec<&[u8]> {
    const SEP: &[u8] = b"\n%%\n";
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(SEP.len()).position(|w| w == SEP) {
        parts.push(&rest[..at]);
        rest = &rest[at + SEP.len()..];
    }
    parts.push(rest);
    parts
}
