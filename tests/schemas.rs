//! The published JSON Schemas: each `$id` is the raw file at the release tag of this version, so
//! `# yaml-language-server: $schema=<$id>` and the SchemaStore entry point at a schema that
//! matches the tool; a version bump that forgets them fails here.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken schema should fail the test loudly

use std::path::Path;

use serde_json::Value;

fn raw_url(name: &str) -> String {
    format!(
        "https://raw.githubusercontent.com/stretchlint/stretchlint/v{}/schemas/{name}",
        env!("CARGO_PKG_VERSION")
    )
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_schema_is_published_at_this_versions_tag() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut schemas = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".schema.json") {
            continue;
        }
        schemas += 1;
        assert_eq!(json(&entry.path())["$id"], raw_url(&name), "{name}");
    }
    assert!(schemas >= 4);
}

#[test]
fn the_schemastore_entry_names_the_config_files_the_tool_reads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let entry = json(&root.join("schemas/schemastore-catalog-entry.json"));
    assert_eq!(entry["url"], raw_url("config.schema.json"));
    let matched: Vec<&str> =
        entry["fileMatch"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(matched, stretchlint::config::FILE_NAMES);
    // The README's editor line points at the same URL.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains(&format!("# yaml-language-server: $schema={}", raw_url("config.schema.json"))));
}
