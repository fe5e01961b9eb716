//! What a hostile or unusual tree must never do to a run: panic the renderer, hang on a FIFO, read
//! a device, skip an input silently, miscount lines, or make `--fix` write outside the tree or
//! break a file.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{TempDir, copy_tree, stretchlint_in};
use serde_json::Value;

/// Runs the binary in `cwd`, killing it (and failing the test) if it runs past a deadline: a
/// hang is what some of these tests are about.
fn run_bounded(args: &[&str], cwd: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stretchlint"))
        .args(args)
        .current_dir(cwd)
        // Plain whatever FORCE_COLOR the environment sets.
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run stretchlint");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("stretchlint {args:?} did not finish: it blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn notices(report: &Value) -> Vec<(String, String)> {
    report["notices"]
        .as_array()
        .map(|n| {
            n.iter()
                .map(|n| (n["file"].as_str().unwrap().to_owned(), n["message"].as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

/// A small input (a Network operator config: one cluster, no finding), so that a tree whose other
/// files are passed over is not "No inputs found" (exit 2, no report).
const AN_INPUT: &str =
    "apiVersion: operator.openshift.io/v1\nkind: Network\nmetadata:\n  name: cluster\nspec: {}\n";

const DEPRECATED_CIDR: &str = "apiVersion: v1\nbaseDomain: example.com\nmetadata:\n  name: ocp1\nnetworking:\n  machineCIDR: 10.0.0.0/16\nplatform:\n  openstack:\n    cloud: openstack\n";

#[test]
fn a_finding_past_column_65535_renders() {
    let dir = TempDir::new("wide");
    let pad = "a".repeat(70_000);
    dir.write(
        "install-config.yaml",
        format!(
            "{{\"apiVersion\": \"v1\", \"x\": \"{pad}\", \"metadata\": {{\"name\": \"Bad_Name\"}}, \"platform\": {{\"openstack\": {{\"apiVIP\": \"10.0.0.5\"}}}}}}\n"
        ),
    );
    let out = run_bounded(&["check", "--color", "never", "."], &dir.0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stdout.contains("install-config.yaml:1:70052: SL403"), "{stdout}");
    assert!(stdout.contains("\"name\": \"Bad_Name\""), "the snippet shows the finding: {stdout}");
    assert!(stdout.contains("line 1 is 70114 characters long: the snippet shows a part of it"), "{stdout}");
    assert!(stdout.lines().all(|l| l.chars().count() < 400), "no line of the output is drawn whole");
}

#[test]
fn every_line_end_counts() {
    let dir = TempDir::new("line-ends");
    for (name, end) in [("cr", "\r"), ("crlf", "\r\n"), ("lf", "\n")] {
        dir.write(&format!("{name}/install-config.yaml"), DEPRECATED_CIDR.replace('\n', end));
        // An unclosed block in Terraform: the parse error points at the line it is on.
        dir.write(
            &format!("{name}/main.tf"),
            format!("locals {{{end}  a = 1{end}}}{end}resource \"x\" \"y\" {{{end}"),
        );
    }
    let out = run_bounded(&["check", "--format", "json", "."], &dir.0);
    let report = json(&out);
    let at = |file: &str, code: &str| -> Vec<u64> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == file && f["code"] == code)
            .map(|f| f["line"].as_u64().unwrap())
            .collect()
    };
    for name in ["cr", "crlf", "lf"] {
        assert_eq!(at(&format!("{name}/install-config.yaml"), "SL401"), [6], "{name}: {report:#}");
        // HCL knows LF and CRLF only: a lone CR is refused where it stands, on line 1.
        let tf_line = if name == "cr" { 1 } else { 4 };
        assert_eq!(at(&format!("{name}/main.tf"), "SL001"), [tf_line], "{name}: {report:#}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_named_on_the_command_line_is_a_notice_not_a_hang() {
    let dir = TempDir::new("fifo-named");
    mkfifo(&dir.0.join("pipe.yaml"));
    dir.write("install-config.yaml", DEPRECATED_CIDR);
    let out =
        run_bounded(&["check", "--format", "json", "pipe.yaml", "/dev/zero", "install-config.yaml"], &dir.0);
    let report = json(&out);
    assert_eq!(
        notices(&report),
        [
            ("/dev/zero".to_owned(), "not a regular file (a device): not read".to_owned()),
            ("pipe.yaml".to_owned(), "not a regular file (a FIFO): not read".to_owned()),
        ]
    );
    assert_eq!(report["summary"]["files"], 1, "only the file read counts");
    assert_eq!(report["findings"].as_array().unwrap().len(), 1, "the regular file is still checked");
}

#[cfg(unix)]
#[test]
fn the_tools_own_files_given_as_a_fifo_are_an_error_not_a_hang() {
    let dir = TempDir::new("fifo-own");
    mkfifo(&dir.0.join("pipe"));
    dir.write("install-config.yaml", DEPRECATED_CIDR);
    for flag in ["--changed-files", "--baseline", "--config", "--rules"] {
        let out = run_bounded(&["check", flag, "pipe", "."], &dir.0);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("FIFO"),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = run_bounded(&["merge", "pipe"], &dir.0);
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_walk_names_every_input_it_passes_over() {
    let outside = TempDir::new("walk-outside");
    outside.write("secret.yaml", "a: 1\n");
    let dir = TempDir::new("walk");
    dir.write("ok.yaml", AN_INPUT);
    mkfifo(&dir.0.join("pipe.yaml"));
    std::os::unix::fs::symlink(outside.0.join("secret.yaml"), dir.0.join("link.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside.0, dir.0.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(dir.0.join("gone.yaml"), dir.0.join("broken.yaml")).unwrap();
    // Not an input by its name: a link to a README says nothing.
    std::os::unix::fs::symlink(outside.0.join("secret.yaml"), dir.0.join("README")).unwrap();

    let out = run_bounded(&["check", "--format", "json", "."], &dir.0);
    let found = notices(&json(&out));
    let files: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, ["broken.yaml", "elsewhere", "link.yaml", "pipe.yaml"], "{found:?}");
    assert!(found.iter().any(|(f, m)| f == "link.yaml" && m.contains("symbolic link: not followed")));

    let out = run_bounded(&["check", "--color", "never", "."], &dir.0);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("note: pipe.yaml: not a regular file (a FIFO): not read"), "{human}");
    assert!(
        human.contains(
            "All checks passed (1 file, 1 document, 0 clusters; 4 inputs not read, see the notes above)."
        ),
        "{human}"
    );

    let sarif = json(&run_bounded(&["check", "--format", "sarif", "."], &dir.0));
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap().len();
    assert_eq!(notes, 4);
    let github = run_bounded(&["check", "--format", "github", "."], &dir.0);
    assert!(
        String::from_utf8_lossy(&github.stdout).contains("stretchlint: not read: link.yaml: a symbolic link")
    );
}

#[test]
fn an_unreadable_folder_is_a_notice() {
    let dir = TempDir::new("unreadable");
    dir.write("locked/a.yaml", "a: 1\n");
    dir.write("ok.yaml", AN_INPUT);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.0.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    // A privileged user (root in a container) reads the folder anyway: nothing to report then.
    let readable = std::fs::read_dir(dir.0.join("locked")).is_ok();
    let out = run_bounded(&["check", "--format", "json", "."], &dir.0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.0.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let found = notices(&json(&out));
    if readable {
        assert!(found.is_empty(), "{found:?}");
    } else {
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0 == "locked" && found[0].1.starts_with("cannot read the folder"), "{found:?}");
    }
}

#[test]
fn a_file_over_the_size_limit_is_a_notice() {
    let dir = TempDir::new("size");
    dir.write("big.yaml", format!("a: \"{}\"\n", "x".repeat(4096)));
    dir.write("small.yaml", AN_INPUT);
    let out = run_bounded(&["check", "--format", "json", "--max-file-size", "2KiB", "."], &dir.0);
    let found = notices(&json(&out));
    assert_eq!(
        found,
        [("big.yaml".to_owned(), "4.0 KiB is over the 2 KiB limit (`--max-file-size`): not read".to_owned())]
    );
    // The configuration may set it too; the default reads both.
    dir.write(".stretchlint.yaml", "max-file-size: 1KiB\n");
    assert_eq!(notices(&json(&run_bounded(&["check", "--format", "json", "."], &dir.0))).len(), 1);
    dir.write(".stretchlint.yaml", "max-file-size: 64MiB\n");
    assert!(notices(&json(&run_bounded(&["check", "--format", "json", "."], &dir.0))).is_empty());
    dir.write(".stretchlint.yaml", "max-file-size: lots\n");
    let out = run_bounded(&["check", "."], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    let bad = run_bounded(&["check", "--max-file-size", "12 parsecs", "."], &dir.0);
    assert_eq!(bad.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_hostile_git_folder_is_an_error_for_its_repository_and_the_audit_goes_on() {
    let estate = TempDir::new("audit-hostile");
    estate.write("good/.git/HEAD", "ref: refs/heads/main\n");
    estate.write("good/install-config.yaml", DEPRECATED_CIDR);
    estate.write("fifo/install-config.yaml", DEPRECATED_CIDR);
    std::fs::create_dir_all(estate.0.join("fifo/.git")).unwrap();
    mkfifo(&estate.0.join("fifo/.git/HEAD"));
    estate.write("device/.git/HEAD", "ref: refs/heads/main\n");
    std::fs::create_dir_all(estate.0.join("device/.git/refs/heads")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", estate.0.join("device/.git/refs/heads/main")).unwrap();
    estate.write("device/install-config.yaml", DEPRECATED_CIDR);

    let out = run_bounded(&["audit", "--repos-under", ".", "--format", "json"], &estate.0);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let audit = json(&out);
    let repos = audit["repos"].as_array().unwrap();
    let by_name = |name: &str| repos.iter().find(|r| r["path"] == name).unwrap();
    assert!(by_name("fifo")["error"].as_str().unwrap().contains("FIFO"), "{audit:#}");
    assert!(by_name("device")["error"].as_str().unwrap().contains("device"), "{audit:#}");
    assert!(by_name("good")["error"].is_null());
    assert_eq!(by_name("good")["findings"].as_array().unwrap().len(), 1, "{audit:#}");

    // What a repository's scan passes over is listed with it, and counted in the summary.
    mkfifo(&estate.0.join("good/pipe.yaml"));
    let audit = json(&run_bounded(&["audit", "--repos-under", ".", "--format", "json"], &estate.0));
    let good = audit["repos"].as_array().unwrap().iter().find(|r| r["path"] == "good").unwrap().clone();
    assert_eq!(good["notices"][0]["file"], "pipe.yaml", "{good:#}");
    let md = run_bounded(&["audit", "--repos-under", ".", "--format", "markdown"], &estate.0);
    assert!(String::from_utf8_lossy(&md.stdout).contains("1 input not read"));
}

/// A temporary copy of a fixture folder.
fn tree(fixture: &str) -> TempDir {
    let tmp = TempDir::new("trust-fix");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture), &tmp.0);
    tmp
}

#[test]
fn a_zone_that_climbs_out_of_the_tree_gets_no_file() {
    let tmp = tree("fixtures/rules/SL102/bad");
    let marker = format!("stretchlint-escape-{}", std::process::id());
    let zone = format!("../../../../../../../../tmp/{marker}");
    let path = tmp.0.join("install-config.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace("az3", &zone);
    std::fs::write(&path, text).unwrap();
    // Named after their zones, the copy's file name would be named after the missing one.
    let openshift = tmp.0.join("openshift");
    for (i, az) in ["az1", "az2"].iter().enumerate() {
        let from = openshift.join(format!("99_openshift-cluster-api_worker-machineset-{i}.yaml"));
        std::fs::rename(from, openshift.join(format!("workers-{az}.yaml"))).unwrap();
    }
    let before = common::input_files(&tmp.0);
    let out = stretchlint_in(&["check", "--select", "SL102", "--fix", "."], &tmp.0);
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(common::input_files(&tmp.0), before, "no file is written");
    let escaped = std::fs::read_dir("/tmp")
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains(&marker));
    assert!(!escaped, "nothing lands outside the tree");
}

#[test]
fn the_sl401_fix_quotes_a_value_flow_syntax_would_misread() {
    let dir = TempDir::new("sl401-template");
    let text = DEPRECATED_CIDR.replace("10.0.0.0/16", "${OS_SUBNET_RANGE}");
    dir.write("install-config.yaml", &text);
    let out = stretchlint_in(&["check", "--select", "SL401", "--fix", "--format", "json", "."], &dir.0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed 1 finding (1 file written)"));
    let fixed = std::fs::read_to_string(dir.0.join("install-config.yaml")).unwrap();
    assert!(fixed.contains("  machineNetwork: [{cidr: \"${OS_SUBNET_RANGE}\"}]\n"), "{fixed}");
    let parsed = stretchlint::yaml::parse(stretchlint::source::FileId(0), &fixed);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let report = json(&out);
    assert_eq!(report["clusters"].as_array().unwrap().len(), 1, "the cluster is still read");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
}

#[cfg(unix)]
#[test]
fn fixes_never_write_through_a_symbolic_link() {
    let outside = TempDir::new("fix-outside");
    let target = outside.write("install-config.yaml", DEPRECATED_CIDR);
    let dir = TempDir::new("fix-link");
    std::os::unix::fs::symlink(&target, dir.0.join("install-config.yaml")).unwrap();
    let out = stretchlint_in(&["check", "--select", "SL401", "--fix", "install-config.yaml"], &dir.0);
    assert_eq!(out.status.code(), Some(2), "refused: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the scanned tree"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), DEPRECATED_CIDR, "the link's target is untouched");

    // A temp path planted as a link is refused too; a stale temp file a killed run left is removed.
    let dir = TempDir::new("fix-temp");
    dir.write("install-config.yaml", DEPRECATED_CIDR);
    let temp = dir.0.join(".install-config.yaml.stretchlint.tmp");
    std::os::unix::fs::symlink(&target, &temp).unwrap();
    let out = stretchlint_in(&["check", "--select", "SL401", "--fix", "."], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), DEPRECATED_CIDR);
    std::fs::remove_file(&temp).unwrap();
    std::fs::write(&temp, "half a fi").unwrap();
    let out = stretchlint_in(&["check", "--select", "SL401", "--fix", "."], &dir.0);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!temp.exists());
    assert!(std::fs::read_to_string(dir.0.join("install-config.yaml")).unwrap().contains("machineNetwork"));
}

#[cfg(unix)]
#[test]
fn a_fix_killed_at_any_moment_leaves_each_file_whole() {
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/SL401/bad-install-config.yaml"),
    )
    .unwrap();
    for delay_ms in (0..40).step_by(3) {
        let tmp = tree("fixtures/rules/SL401");
        let mut child = Command::new(env!("CARGO_BIN_EXE_stretchlint"))
            .args(["check", "--select", "SL401", "--fix", "bad-install-config.yaml"])
            .current_dir(&tmp.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on unix
        let _ = child.wait();
        let now = std::fs::read_to_string(tmp.0.join("bad-install-config.yaml")).unwrap();
        let whole = now == original || now.contains("machineNetwork: [{cidr: 10.0.0.0/16}]");
        assert!(whole, "after a kill at {delay_ms} ms the file is neither before nor after:\n{now}");
        // The next run finishes the job and leaves no temp file behind.
        let out = stretchlint_in(&["check", "--select", "SL401", "--fix", "bad-install-config.yaml"], &tmp.0);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("Fixed "),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stray: Vec<_> = std::fs::read_dir(&tmp.0)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
    }
}

/// The report of a folder holding one install-config with a fixable SL401 finding.
fn fixable() -> (TempDir, stretchlint::Report) {
    let dir = TempDir::new("verify");
    dir.write("install-config.yaml", DEPRECATED_CIDR);
    let settings = stretchlint::Settings::only("SL401");
    let report = stretchlint::lint_paths(std::slice::from_ref(&dir.0), &settings).unwrap();
    assert_eq!(report.findings.iter().filter(|f| f.fix.is_some()).count(), 1);
    (dir, report)
}

/// The one fix of the report, its edits' texts replaced by `texts`.
fn with_edits(report: &mut stretchlint::Report, texts: &[&str]) {
    let fix = report.findings.iter_mut().find_map(|f| f.fix.as_mut()).unwrap();
    for (edit, text) in fix.edits.iter_mut().zip(texts) {
        if let stretchlint::diagnostic::Edit::Replace { text: old, .. } = edit {
            *old = (*text).to_owned();
        }
    }
}

#[test]
fn a_fix_whose_result_does_not_parse_is_not_applied() {
    let (dir, mut report) = fixable();
    // The key renamed, the value wrapped in a flow mapping that never closes.
    with_edits(&mut report, &["machineNetwork", "[{cidr: 10.0.0.0/16}"]);
    let settings = stretchlint::Settings::only("SL401");
    let relint = |o: &stretchlint::fix::Overlay| {
        stretchlint::lint_overlaid(std::slice::from_ref(&dir.0), &settings, Some(o))
    };
    let (plan, _) = stretchlint::fix::verify(&report, relint).unwrap();
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!(plan.rejected.len(), 1);
    assert!(plan.rejected[0].reason.starts_with("the result would not parse as YAML"), "{:?}", plan.rejected);
}

#[test]
fn a_fix_that_leaves_its_finding_is_not_applied() {
    let (dir, mut report) = fixable();
    // The value changes, the deprecated key stays: the finding would still be there.
    with_edits(&mut report, &["machineCIDR", "10.1.0.0/16"]);
    let settings = stretchlint::Settings::only("SL401");
    let relint = |o: &stretchlint::fix::Overlay| {
        stretchlint::lint_overlaid(std::slice::from_ref(&dir.0), &settings, Some(o))
    };
    let (plan, _) = stretchlint::fix::verify(&report, relint).unwrap();
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!(
        plan.rejected.iter().map(|r| r.reason.as_str()).collect::<Vec<_>>(),
        ["the finding would remain after it"]
    );
    // The real fix passes the same checks.
    let (dir, report) = fixable();
    let relint = |o: &stretchlint::fix::Overlay| {
        stretchlint::lint_overlaid(std::slice::from_ref(&dir.0), &settings, Some(o))
    };
    let (plan, _) = stretchlint::fix::verify(&report, relint).unwrap();
    assert_eq!((plan.changes.len(), plan.rejected.len()), (1, 0));
}
