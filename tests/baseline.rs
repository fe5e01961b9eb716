//! Baselines: recorded findings are left out, keyed by rule, file, object and YAML path so that
//! unrelated edits keep them matching; fixed entries are listed; the file is sorted and stable.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::Path;
use std::process::Output;

use common::{TempDir, stretchlint_in};
use serde_json::Value;

fn broken() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusters/broken-stretch/install-config.yaml");
    std::fs::read_to_string(path).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_repository_with_findings_adopts_a_baseline() {
    let dir = TempDir::new("baseline");
    dir.write("prod/install-config.yaml", broken());
    let wrote = stretchlint_in(&["check", ".", "--write-baseline", "baseline.json"], &dir.0);
    assert_eq!(wrote.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&wrote.stdout).contains("Recorded 6 findings in baseline.json"));
    let first = std::fs::read_to_string(dir.0.join("baseline.json")).unwrap();

    // Sorted and stable: a second recording is byte for byte the same.
    stretchlint_in(&["check", ".", "--write-baseline", "baseline.json"], &dir.0);
    assert_eq!(std::fs::read_to_string(dir.0.join("baseline.json")).unwrap(), first);
    let recorded: Value = serde_json::from_str(&first).unwrap();
    let keys: Vec<&str> =
        recorded["entries"].as_array().unwrap().iter().map(|e| e["key"].as_str().unwrap()).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    // Keys are the rule and a hash: no text of the repository is written into the baseline's keys.
    assert!(
        keys.iter().all(|k| stretchlint::report::identity::is_hashed(k) && !k.contains("broken")),
        "{keys:?}"
    );

    // A baseline written before keys were hashed (readable keys) still matches.
    let report = stretchlint::lint_paths(&[dir.0.join("prod")], &stretchlint::Settings::default()).unwrap();
    // Read from here, paths are absolute; the command ran in the folder, where they are relative.
    let prefix = format!("{}/", dir.0.display());
    let raw: Vec<String> = stretchlint::report::identity::raw_keys(&report.findings, &report.sources)
        .into_iter()
        .map(|k| k.replace(&prefix, ""))
        .collect();
    assert!(raw.iter().all(|k| !k.contains(":25:") && k.contains(":InstallConfig/broken:$.")), "{raw:?}");
    let mut legacy = recorded.clone();
    for (entry, key) in legacy["entries"].as_array_mut().unwrap().iter_mut().zip({
        let mut by_hash: Vec<(String, String)> =
            raw.iter().map(|r| (stretchlint::report::identity::hashed(r), r.clone())).collect();
        by_hash.sort();
        by_hash.into_iter().map(|(_, r)| r)
    }) {
        entry["key"] = Value::String(key);
    }
    dir.write("legacy.json", serde_json::to_string_pretty(&legacy).unwrap());
    let out = stretchlint_in(&["check", ".", "--baseline", "legacy.json", "--format", "json"], &dir.0);
    assert_eq!(json(&out)["baseline"]["matched"], 6, "{}", String::from_utf8_lossy(&out.stdout));

    let check = |args: &[&str]| {
        stretchlint_in(
            &[&["check", ".", "--format", "json", "--baseline", "baseline.json"], args].concat(),
            &dir.0,
        )
    };
    let out = check(&[]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!((v["findings"].as_array().unwrap().len(), v["baseline"]["matched"].as_u64()), (0, Some(6)));

    // Unrelated edits move every line: nothing new.
    let edited = format!("# owned by the platform team\n\n{}", broken());
    dir.write("prod/install-config.yaml", &edited);
    let v = json(&check(&[]));
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");

    // Fixing the VIP clash: its entry is listed as fixed. A new problem is reported alone.
    let fixed = edited.replace("    ingressVIPs:\n      - 10.0.0.5", "    ingressVIPs:\n      - 10.0.0.7");
    assert_ne!(fixed, edited, "the fixture's VIPs changed; update this test");
    let fixed = fixed.replace(
        "  hyperthreading: Enabled\n  replicas: 3\n",
        "  hyperthreading: Enabled\n  replicas: 3\n  replicas: 3\n",
    );
    dir.write("prod/install-config.yaml", &fixed);
    let out = check(&[]);
    let v = json(&out);
    let codes: Vec<&str> =
        v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["SL003"], "{v}");
    assert_eq!(out.status.code(), Some(1));
    let fixed_codes: Vec<&str> =
        v["baseline"]["fixed"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(fixed_codes, vec!["SL202"]);
    let human = stretchlint_in(&["check", ".", "--baseline", "baseline.json"], &dir.0);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("baseline: 5 known findings left out"), "{text}");
    assert!(text.contains("baseline: 1 entry no longer match"), "{text}");
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = TempDir::new("badbaseline");
    dir.write("prod/install-config.yaml", broken());
    dir.write("baseline.json", "{\n  \"version\": 1,\n  \"entries\": [ { \"key\": 3 } ]\n}\n");
    let out = stretchlint_in(&["check", ".", "--baseline", "baseline.json"], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("baseline.json:3:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = stretchlint_in(&["check", ".", "--baseline", "missing.json"], &dir.0);
    assert_eq!(out.status.code(), Some(2));
}
