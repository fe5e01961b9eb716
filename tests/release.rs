//! Distribution: the release and CI workflows, the assets they publish against what action/run.sh
//! and cargo-binstall download, the checksum recording step, the container image's Dockerfile and
//! the examples that run that image. Nothing here builds an image or talks to GitHub: the files
//! are parsed and compared, and the packaging scripts run on the binary under test.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // fail loudly; say why a test skips

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::TempDir;
use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn parse_yaml(rel: &str) -> Value {
    serde_saphyr::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn bash_available() -> bool {
    let ok = Command::new("bash").arg("-c").arg("exit 0").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: bash not found, and the packaging scripts are bash");
    }
    ok
}

fn steps(job: &Value) -> &Vec<Value> {
    job["steps"].as_array().expect("steps")
}

/// Every `run:` of a job, joined.
fn scripts(job: &Value) -> String {
    steps(job).iter().filter_map(|s| s["run"].as_str()).collect::<Vec<_>>().join("\n")
}

fn step_using<'a>(job: &'a Value, action: &str) -> &'a Value {
    steps(job)
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(&format!("{action}@"))))
        .unwrap_or_else(|| panic!("no {action} step"))
}

/// The target triples action/run.sh maps runners to: the `triple=...` of `target_triple`.
fn action_triples() -> BTreeSet<String> {
    read("action/run.sh")
        .lines()
        .filter_map(|l| l.split_once(") triple=")?.1.strip_suffix(" ;;").map(str::to_owned))
        .collect()
}

fn release_workflow() -> Value {
    parse_yaml(".github/workflows/release.yml")
}

#[test]
fn workflows_parse_and_pin_their_actions() {
    for rel in [".github/workflows/release.yml", ".github/workflows/ci.yml"] {
        let doc = parse_yaml(rel);
        assert!(doc["name"].is_string(), "{rel}");
        // Quoted in the files: YAML 1.1 readers take a bare `on` for true.
        assert!(doc["on"].is_object(), "{rel}: no `on:` triggers");
        assert_eq!(doc["permissions"]["contents"], "read", "{rel}: the default token is read-only");
        let jobs = doc["jobs"].as_object().expect("jobs");
        assert!(!jobs.is_empty(), "{rel}");
        for (id, job) in jobs {
            assert!(job["runs-on"].is_string(), "{rel}: job {id} has no runs-on");
            for step in steps(job) {
                assert!(step["run"].is_string() != step["uses"].is_string(), "{rel}: {id}: {step}");
                if let Some(uses) = step["uses"].as_str() {
                    let (_, version) =
                        uses.split_once('@').unwrap_or_else(|| panic!("{rel}: {uses} is not pinned"));
                    assert!(version.starts_with('v'), "{rel}: {uses}: a release tag, not a branch");
                }
                if let Some(run) = step["run"].as_str() {
                    // Values reach scripts through env:, never pasted into their text.
                    assert!(!run.contains("${{"), "{rel}: {id}: a run: script interpolates: {run}");
                }
            }
        }
    }
    let ci = parse_yaml(".github/workflows/ci.yml");
    assert!(ci["on"]["pull_request"].is_object() || ci["on"]["pull_request"].is_null());
    assert!(ci["on"].as_object().unwrap().contains_key("pull_request"));
    let ci_scripts: String = ci["jobs"].as_object().unwrap().values().map(scripts).collect();
    assert!(ci_scripts.contains(".ci/run"), "ci.yml does not run .ci/run");
}

#[test]
fn release_builds_every_triple_the_action_downloads() {
    let wf = release_workflow();
    assert_eq!(wf["on"]["push"]["tags"], serde_json::json!(["v*"]));
    let build = &wf["jobs"]["build"];
    let include = build["strategy"]["matrix"]["include"].as_array().expect("matrix.include");
    let built: BTreeSet<String> = include.iter().map(|e| e["target"].as_str().unwrap().to_owned()).collect();
    let want: BTreeSet<String> = [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]
    .map(String::from)
    .into();
    assert_eq!(built, want, "release.yml's matrix");
    assert_eq!(action_triples(), want, "action/run.sh's runners");
    for entry in include {
        assert!(entry["os"].is_string() && entry["runs"].is_boolean(), "{entry}");
    }
    let s = scripts(build);
    assert!(s.contains("cargo build --release --locked --target \"$TARGET\""), "{s}");
    assert!(s.contains("bash scripts/package-release.sh \"$GITHUB_REF_NAME\" \"$TARGET\""), "{s}");
    for step in steps(build).iter().filter(|s| s["run"].is_string()) {
        if step["run"].as_str().unwrap().contains("$TARGET") {
            assert_eq!(step["env"]["TARGET"], "${{ matrix.target }}", "{step}");
        }
    }
    let upload = step_using(build, "actions/upload-artifact");
    assert_eq!(upload["with"]["path"], "dist/");
}

#[test]
fn release_commits_the_checksums_and_moves_the_tag_before_publishing() {
    let wf = release_workflow();
    let jobs = &wf["jobs"];
    let checksums = &jobs["checksums"];
    assert_eq!(checksums["needs"], "build");
    assert_eq!(checksums["permissions"]["contents"], "write");
    let s = scripts(checksums);
    let order = [
        "bash scripts/record-checksums.sh \"$GITHUB_REF_NAME\" dist",
        "git add action/checksums.txt",
        "git commit",
        "git tag -f \"$GITHUB_REF_NAME\"",
        "git push --force origin \"refs/tags/$GITHUB_REF_NAME\"",
    ];
    let at: Vec<usize> =
        order.iter().map(|o| s.find(o).unwrap_or_else(|| panic!("no `{o}` in\n{s}"))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "out of order: {order:?}\n{s}");
    // The whole history, to commit on top of the tag and push to the default branch.
    assert_eq!(step_using(checksums, "actions/checkout")["with"]["fetch-depth"], 0);
    for id in ["release", "image"] {
        assert_eq!(jobs[id]["needs"], "checksums", "{id} waits for the checksums commit");
    }
    let publish = scripts(&jobs["release"]);
    assert!(publish.contains("gh release create \"$GITHUB_REF_NAME\" dist/*"), "{publish}");
    assert!(publish.contains("SHA256SUMS"), "{publish}");
}

/// The image the release pushes, without its tag.
fn released_image() -> String {
    let wf = release_workflow();
    let image = wf["env"]["IMAGE"].as_str().expect("env.IMAGE").to_owned();
    let job = &wf["jobs"]["image"];
    assert_eq!(job["permissions"]["packages"], "write");
    let push = step_using(job, "docker/build-push-action");
    assert_eq!(push["with"]["push"], true);
    assert_eq!(push["with"]["file"], "Dockerfile");
    let platforms = push["with"]["platforms"].as_str().unwrap();
    assert!(platforms.contains("linux/amd64") && platforms.contains("linux/arm64"), "{platforms}");
    let tags: Vec<&str> = push["with"]["tags"].as_str().unwrap().lines().map(str::trim).collect();
    assert!(tags.contains(&"${{ env.IMAGE }}:${{ github.ref_name }}"), "{tags:?}");
    let login = step_using(job, "docker/login-action");
    assert_eq!(Some(login["with"]["registry"].as_str().unwrap()), image.split('/').next());
    image
}

/// The package version, from Cargo.toml's `[package]` table.
fn package_version() -> String {
    let manifest = read("Cargo.toml");
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \"")?.strip_suffix('"'))
        .expect("version")
        .to_owned()
}

#[test]
fn examples_run_the_image_the_release_pushes() {
    let image = released_image();
    assert_eq!(image, "ghcr.io/stretchlint/stretchlint");
    let released = format!("{image}:v{}", package_version());

    let text = read("examples/audit/k8s-indexed-job.yaml");
    let parsed = stretchlint::yaml::parse(stretchlint::source::FileId(0), &text);
    assert!(parsed.errors.is_empty());
    let mut images = Vec::new();
    for doc in &parsed.documents {
        let doc = stretchlint::schema::to_json(&doc.root);
        for c in doc["spec"]["template"]["spec"]["containers"].as_array().unwrap() {
            images.push(c["image"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(images, [released.clone(), released.clone()], "the Indexed Job's images");

    let matrix = parse_yaml("examples/audit/github-matrix.yml");
    assert_eq!(matrix["env"]["STRETCHLINT_IMAGE"], released.as_str(), "the GitHub matrix's image");
    for job in ["audit", "merge"] {
        let install = steps(&matrix["jobs"][job])
            .iter()
            .find(|s| s["name"] == "Install stretchlint")
            .and_then(|s| s["run"].as_str())
            .unwrap_or_else(|| panic!("{job}: no install step"));
        assert!(install.contains("docker pull --quiet \"$STRETCHLINT_IMAGE\""), "{job}: {install}");
        assert!(install.contains("docker run --rm -i"), "{job}: {install}");
        assert!(!install.contains("cargo install"), "{job}: builds instead of pulling: {install}");
    }
}

#[test]
fn dockerfile_builds_locked_static_and_runs_as_non_root() {
    let text = read("Dockerfile");
    let instructions: Vec<&str> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let froms: Vec<&str> = instructions.iter().copied().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "a build stage and a run stage: {froms:?}");
    let build = froms[0];
    assert!(build.contains("rust:") && build.contains("alpine") && build.ends_with(" AS build"), "{build}");
    let runtime = froms[1];
    assert!(
        runtime.starts_with("FROM gcr.io/distroless/static") || runtime == "FROM scratch",
        "a minimal base: {runtime}"
    );
    // Everything after the last FROM is the image that ships.
    let last = instructions.iter().rposition(|l| l.starts_with("FROM ")).unwrap();
    let (build_stage, run_stage) = instructions.split_at(last);
    let cargo: Vec<&&str> = build_stage.iter().filter(|l| l.contains("cargo build")).collect();
    assert!(cargo.len() == 1 && cargo[0].contains("--release --locked"), "{cargo:?}");
    assert!(
        run_stage
            .iter()
            .any(|l| l.starts_with("COPY --from=build ") && l.ends_with(" /usr/local/bin/stretchlint"))
    );
    let user = run_stage.iter().rev().find_map(|l| l.strip_prefix("USER ")).expect("a USER in the run stage");
    let uid = user.split(':').next().unwrap();
    assert!(!["root", "0", ""].contains(&uid), "USER {user}");
    assert_eq!(
        run_stage.iter().filter(|l| l.starts_with("ENTRYPOINT ")).collect::<Vec<_>>(),
        [&r#"ENTRYPOINT ["stretchlint"]"#]
    );
    assert!(
        run_stage.iter().any(|l| l.starts_with("ENV PATH=/usr/local/bin:")),
        "ENTRYPOINT is looked up on PATH"
    );
    // No shell in the image to run a RUN with.
    assert!(!run_stage.iter().any(|l| l.starts_with("RUN ")), "{run_stage:?}");

    let ignore = read(".dockerignore");
    let ignored: Vec<&str> = ignore.lines().map(str::trim).collect();
    for entry in ["target/", ".git"] {
        assert!(ignored.contains(&entry), ".dockerignore lacks {entry}");
    }
    // What the build reads must be in the context: every folder include_str! takes from.
    for needed in ["src", "rules", "schemas", "Cargo.toml", "Cargo.lock", "LICENSE"] {
        assert!(!ignored.iter().any(|i| i.trim_end_matches('/') == needed), "{needed} is ignored");
        assert!(repo_root().join(needed).exists(), "{needed}");
    }
}

/// A `key = "value"` of a `[table]` of Cargo.toml (no TOML crate: these few lines are all it reads).
fn manifest_value(table: &str, key: &str) -> Option<String> {
    let manifest = read("Cargo.toml");
    let mut in_table = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_table = line == format!("[{table}]");
        } else if in_table && let Some(v) = line.strip_prefix(&format!("{key} = ")) {
            return Some(v.trim_matches('"').to_owned());
        }
    }
    None
}

fn expand(template: &str, triple: &str, version: &str) -> String {
    let exe = if triple.contains("-windows-") { ".exe" } else { "" };
    template
        .replace("{ repo }", &manifest_value("package", "repository").unwrap())
        .replace("{ name }", "stretchlint")
        .replace("{ version }", version)
        .replace("{ target }", triple)
        .replace("{ bin }", "stretchlint")
        .replace("{ binary-ext }", exe)
}

/// Packs a stand-in binary (small: what is checked here is names) with scripts/package-release.sh;
/// returns the asset path.
fn package(tag: &str, triple: &str, out: &Path) -> PathBuf {
    let stand_in = out.join("stand-in/stretchlint");
    std::fs::create_dir_all(stand_in.parent().unwrap()).unwrap();
    std::fs::write(&stand_in, "#!/bin/sh\n").unwrap();
    let o = Command::new("bash")
        .arg(repo_root().join("scripts/package-release.sh"))
        .args([tag, triple])
        .arg(&stand_in)
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    PathBuf::from(String::from_utf8_lossy(&o.stdout).trim())
}

/// The names in an archive, with tar or with what unpacks a zip here.
fn archive_names(asset: &Path) -> Option<Vec<String>> {
    let a = asset.to_str().unwrap();
    let listing = if a.ends_with(".zip") {
        let py = "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))";
        Command::new("python3").args(["-c", py, a]).output().ok().filter(|o| o.status.success()).or_else(
            || {
                Command::new("sh")
                    .arg("-c")
                    .arg("unzip -Z1 \"$0\"")
                    .arg(a)
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
            },
        )?
    } else {
        Command::new("tar").args(["-tzf", a]).output().ok().filter(|o| o.status.success())?
    };
    let mut names: Vec<String> =
        String::from_utf8_lossy(&listing.stdout).lines().map(str::to_owned).collect();
    names.sort();
    Some(names)
}

#[test]
fn binstall_metadata_names_the_packaged_assets() {
    if !bash_available() {
        return;
    }
    let table = "package.metadata.binstall";
    assert_eq!(manifest_value(table, "pkg-fmt").as_deref(), Some("tgz"));
    let windows = format!("{table}.overrides.x86_64-pc-windows-msvc");
    assert_eq!(manifest_value(&windows, "pkg-fmt").as_deref(), Some("zip"));
    let version = package_version();
    let tag = format!("v{version}");
    let tmp = TempDir::new("binstall");
    for triple in action_triples() {
        let pkg_url =
            manifest_value(if triple.contains("-windows-") { &windows } else { table }, "pkg-url").unwrap();
        let url = expand(&pkg_url, &triple, &version);
        let asset = package(&tag, &triple, &tmp.0);
        let name = asset.file_name().unwrap().to_str().unwrap();
        assert_eq!(
            url,
            format!("https://github.com/stretchlint/stretchlint/releases/download/{tag}/{name}"),
            "{triple}: binstall's URL is the release asset"
        );
        let sha = std::fs::read_to_string(tmp.0.join(format!("{name}.sha256"))).unwrap();
        let (hash, file) = sha.trim_end().split_once("  ").unwrap();
        assert!(hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()) && file == name, "{sha}");
        let Some(names) = archive_names(&asset) else {
            eprintln!("skipped listing {name}: no tool to read it");
            continue;
        };
        let bin = expand(&manifest_value(table, "bin-dir").unwrap(), &triple, &version);
        let mut want = vec![bin, "LICENSE".to_owned(), "README.md".to_owned()];
        want.sort();
        assert_eq!(names, want, "{name}: bin-dir is where the binary is");
    }
}

const SUM_A: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const SUM_B: &str = "2222222222222222222222222222222222222222222222222222222222222222";

fn record(tag: &str, dir: &Path, file: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(repo_root().join("scripts/record-checksums.sh"))
        .arg(tag)
        .arg(dir)
        .arg(file)
        .output()
        .unwrap()
}

#[test]
fn recording_checksums_replaces_only_that_tags_lines() {
    if !bash_available() {
        return;
    }
    let tmp = TempDir::new("record-checksums");
    let file = tmp.write(
        "checksums.txt",
        format!(
            "# header\n#\n{SUM_A}  stretchlint-v0.1.0-x86_64-apple-darwin.tar.gz\n\
             {SUM_A}  stretchlint-v0.2.0-x86_64-apple-darwin.tar.gz\n"
        ),
    );
    tmp.write(
        "dist/stretchlint-v0.2.0-x86_64-apple-darwin.tar.gz.sha256",
        format!("{SUM_B}  stretchlint-v0.2.0-x86_64-apple-darwin.tar.gz\n"),
    );
    tmp.write(
        "dist/stretchlint-v0.2.0-x86_64-pc-windows-msvc.zip.sha256",
        format!("{SUM_B}  stretchlint-v0.2.0-x86_64-pc-windows-msvc.zip\n"),
    );
    let out = record("v0.2.0", &tmp.0.join("dist"), &file);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!(
            "# header\n#\n{SUM_A}  stretchlint-v0.1.0-x86_64-apple-darwin.tar.gz\n\
             {SUM_B}  stretchlint-v0.2.0-x86_64-apple-darwin.tar.gz\n\
             {SUM_B}  stretchlint-v0.2.0-x86_64-pc-windows-msvc.zip\n"
        )
    );
    // Run again: the same file.
    let before = std::fs::read_to_string(&file).unwrap();
    assert!(record("v0.2.0", &tmp.0.join("dist"), &file).status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);

    // Anything but one sha256sum line for that tag's asset is refused, and the file is untouched.
    for bad in [
        format!("{SUM_B}  stretchlint-v0.3.0-x.tar.gz\nextra\n"),
        format!("{}  stretchlint-v0.3.0-x.tar.gz\n", &SUM_B[1..]),
        format!("{SUM_B}  stretchlint-v0.4.0-x.tar.gz\n"),
        format!("{SUM_B}  stretchlint-v0.3.0-x.exe\n"),
    ] {
        let dir = TempDir::new("record-bad");
        dir.write("stretchlint-v0.3.0-x.tar.gz.sha256", &bad);
        let out = record("v0.3.0", &dir.0, &file);
        assert!(!out.status.success(), "accepted {bad:?}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    }
    // No assets for the tag at all.
    assert!(!record("v0.5.0", &tmp.0.join("dist"), &file).status.success());
}

#[test]
fn license_is_the_apache_license_cargo_toml_names() {
    assert_eq!(manifest_value("package", "license").as_deref(), Some("Apache-2.0"));
    let text = read("LICENSE");
    let head: Vec<&str> = text.lines().take(3).map(str::trim).collect();
    assert_eq!(head, ["Apache License", "Version 2.0, January 2004", "http://www.apache.org/licenses/"]);
    assert!(text.contains("END OF TERMS AND CONDITIONS"));
}

#[test]
fn release_binary_is_stripped() {
    assert_eq!(manifest_value("profile.release", "strip").as_deref(), Some("true"));
}
