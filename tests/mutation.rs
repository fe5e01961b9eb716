//! Keep it found: representative fixtures put through a deterministic list of byte, line and
//! structure mutations (`mutation/mutate.rs`), each mutant linted by the built binary in a copy
//! of its fixture's tree so that relational rules see the siblings.
//!
//! For every mutant, in every format (the human one too), and for every second one in `model`:
//! no panic and an exit code in {0, 1, 2} (2 only as "No inputs found" for a mutant that leaves no
//! input in its tree); JSON, SARIF and JUnit that parse; every file the crate's own parsers cannot read reported (SL001, or SL002 for
//! a templated YAML file) at the parser's position, counting `\n`, `\r\n` and a lone `\r` as line
//! ends; and a conversion of the line ends moves no finding.
//!
//! 11 fixtures give 696 mutants, each linted by its own process writing all six formats (one run
//! over all of them would pit every copy of a tree against every other in the cross-cluster
//! rules), plus 348 `model` runs: about 60 s of CPU in a debug build, 45 s of wall time on a
//! lightly loaded 2-core machine.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken harness should fail loudly

mod common;
#[path = "mutation/mutate.rs"]
mod mutate;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::TempDir;
use mutate::{Kind, Mutant, Rng, SamePlaces};
use serde_json::Value;
use stretchlint::source::FileId;

/// One or two files per input kind, each in a tree with findings so that moved ones show.
const FIXTURES: [(&str, &str); 11] = [
    ("fixtures/clusters/broken-stretch", "install-config.yaml"),
    ("fixtures/planted/ipi-overlay-fip", "network/network.tf"),
    ("fixtures/planted/ipi-overlay-fip", "openshift/99_openshift-cluster-api_worker-machineset-0.yaml"),
    ("fixtures/planted/ipi-rpn-stretched-l2", "network/site.yaml"),
    (
        "fixtures/planted/ipi-rpn-stretched-l2",
        "openshift/99_openshift-machine-api_master-control-plane-machine-set.yaml",
    ),
    ("fixtures/planted/overlay-haproxy", "network/heat-stack.yaml"),
    ("fixtures/planted/overlay-haproxy", "lb/haproxy.cfg"),
    ("fixtures/planted/overlay-haproxy", "lb/keepalived-lb2.conf"),
    ("fixtures/planted/upi-rpn-external-lb", "lb/f5.yaml"),
    ("fixtures/planted/upi-rpn-external-lb", "upi/inventory.yaml"),
    ("fixtures/planted/upi-rpn-external-lb", "upi/network.yaml"),
];

/// A mutant written out in its copy of the fixture's tree.
struct Case {
    fixture: usize,
    name: String,
    dir: PathBuf,
    same_places: SamePlaces,
}

/// Longer than any mutant needs by far: a run that takes this long hangs.
const TIMEOUT: Duration = Duration::from_secs(120);

#[test]
fn mutated_fixtures_are_reported_never_crash() {
    let root = TempDir::new("mutation");
    let cases = write_cases(&root.0);
    assert_eq!(cases.len(), 696, "the count of mutants the module documents (the time bound)");
    let runs = run_all(&cases);
    let originals: Vec<Option<Vec<Place>>> = (0..FIXTURES.len())
        .map(|f| {
            let i = cases.iter().position(|c| c.fixture == f)?;
            findings(runs.get(i)?.0.as_ref().ok()?).ok().map(|fs| places(&fs))
        })
        .collect();
    let mut failures = Vec::new();
    for (case, (run, model)) in cases.iter().zip(&runs) {
        let original = originals.get(case.fixture).and_then(Option::as_ref);
        let mut problems = match nothing_to_check(case, run) {
            Some(problems) => problems,
            None => {
                let mut problems = check_json(case, run, original);
                if check_process(run).is_ok() {
                    problems.extend(check_files(case));
                }
                problems
            }
        };
        let model = model.as_ref().filter(|m| nothing_to_check(case, m).is_none());
        problems.extend(model.and_then(|model| check_model(model).err()));
        let label = format!("{} ({})", case.name, case.dir.file_name().unwrap_or_default().to_string_lossy());
        failures.extend(problems.into_iter().map(|p| format!("{label}: {p}")));
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

/// Writes every mutant into its own copy of its fixture's tree under `root`.
fn write_cases(root: &Path) -> Vec<Case> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = Vec::new();
    for (fixture, (tree, file)) in FIXTURES.iter().enumerate() {
        let text = std::fs::read_to_string(manifest.join(tree).join(file)).expect("read a fixture");
        let kind = Kind::of(file).expect("a fixture of a known kind");
        let mut rng = Rng::new(0x5eed_0000 + fixture as u64);
        for Mutant { name, bytes, same_places } in mutate::mutants(kind, &text, &mut rng) {
            let dir = root.join(format!("{:04}", cases.len()));
            common::copy_tree(&manifest.join(tree), &dir);
            std::fs::write(dir.join(file), bytes).expect("write a mutant");
            let name = format!("{file} {name}");
            cases.push(Case { fixture, name, dir, same_places });
        }
    }
    cases
}

type Run = Result<Output, String>;

/// The formats written to files beside the JSON on standard output, by extension.
const FILE_FORMATS: [&str; 5] = ["human", "sarif", "junit", "github", "markdown"];

/// Lints every case once, a few processes at a time, writing every format (the human one
/// with `--color never`); prints the model of some.
fn run_all(cases: &[Case]) -> Vec<(Run, Option<Run>)> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let mut runs: Vec<(usize, (Run, Option<Run>))> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { return done };
                        let mut args = vec!["check", "--color", "never", "--format", "json"];
                        let outputs: Vec<String> = FILE_FORMATS.iter().map(|f| output(case, f)).collect();
                        for (format, path) in FILE_FORMATS.iter().zip(&outputs) {
                            args.extend(["--format", format, "--output", path]);
                        }
                        args.push(".");
                        // `model` exports what `check` only builds: every second mutant, to stay
                        // within the time bound.
                        let model = i.is_multiple_of(2).then(|| run(&case.dir, &["model", "."]));
                        done.push((i, (run(&case.dir, &args), model)));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a worker thread")).collect()
    });
    runs.sort_by_key(|(i, _)| *i);
    runs.into_iter().map(|(_, r)| r).collect()
}

/// Where a case's `format` goes: beside its tree, where no scan looks.
fn output(case: &Case, format: &str) -> String {
    let name = case.dir.file_name().unwrap_or_default().to_string_lossy();
    format!("../{name}.{format}")
}

/// Runs the binary in `dir`, killing it after [`TIMEOUT`].
fn run(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stretchlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("`stretchlint {}` still running after {TIMEOUT:?}", args.join(" ")));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// What went wrong with a process: a crash, a panic, a strange exit code.
fn check_process(run: &Run) -> Result<&Output, String> {
    let out = run.as_ref().map_err(Clone::clone)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let excerpt: String = stderr.lines().take(3).collect::<Vec<_>>().join(" | ");
    if stderr.contains("panicked") {
        return Err(format!("panicked: {excerpt}"));
    }
    match out.status.code() {
        Some(0..=2) => Ok(out),
        code => Err(format!("exit {code:?} (a signal when None): {excerpt}")),
    }
}

/// A mutant that leaves its tree without any input (an emptied install-config, the only file
/// of broken-stretch) ends the run with "No inputs found" (exit 2), writing no report. `Some`
/// when it did: no problem if the library, which has no such check, finds neither a cluster nor
/// a finding in the tree either.
fn nothing_to_check(case: &Case, run: &Run) -> Option<Vec<String>> {
    let out = run.as_ref().ok()?;
    let said = String::from_utf8_lossy(&out.stderr).starts_with("stretchlint: error: No inputs found under");
    if !(said && out.status.code() == Some(2)) {
        return None;
    }
    let report = stretchlint::lint_paths(std::slice::from_ref(&case.dir), &stretchlint::Settings::default());
    Some(match report {
        Ok(r) if r.clusters.is_empty() && r.findings.is_empty() => Vec::new(),
        Ok(r) => vec![format!(
            "\"No inputs found\", but the tree has {} clusters and {} findings",
            r.clusters.len(),
            r.findings.len()
        )],
        Err(e) => vec![format!("\"No inputs found\", and the library fails: {e}")],
    })
}

/// The formats written to files: each one there, SARIF as JSON and JUnit as XML that parse.
fn check_files(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    for format in FILE_FORMATS {
        let Ok(text) = std::fs::read_to_string(case.dir.join(output(case, format))) else {
            problems.push(format!("{format}: no output"));
            continue;
        };
        let parses = match format {
            "sarif" => serde_json::from_str::<Value>(&text).map(drop).map_err(|e| e.to_string()),
            "junit" => roxmltree::Document::parse(&text).map(drop).map_err(|e| e.to_string()),
            _ => Ok(()),
        };
        if let Err(e) = parses {
            problems.push(format!("{format}: does not parse: {e}"));
        }
    }
    problems
}

fn check_model(run: &Run) -> Result<(), String> {
    let out = check_process(run).map_err(|e| format!("model: {e}"))?;
    serde_json::from_slice::<Value>(&out.stdout)
        .map(drop)
        .map_err(|e| format!("model: stdout is not JSON: {e}"))
}

/// A finding as compared between runs: file, code, position and message.
type Place = (String, String, u64, u64, String);

fn findings(out: &Output) -> Result<Vec<Value>, String> {
    let json: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("json: stdout is not JSON: {e}"))?;
    json.get("findings")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| "json: no `findings` array".to_owned())
}

fn places(findings: &[Value]) -> Vec<Place> {
    let text = |f: &Value, k: &str| f.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let number = |f: &Value, k: &str| f.get(k).and_then(Value::as_u64).unwrap_or_default();
    let mut places: Vec<Place> = findings
        .iter()
        .map(|f| {
            (text(f, "file"), text(f, "code"), number(f, "line"), number(f, "column"), text(f, "message"))
        })
        .collect();
    places.sort();
    places
}

fn check_json(case: &Case, run: &Run, original: Option<&Vec<Place>>) -> Vec<String> {
    let out = match check_process(run) {
        Ok(out) => out,
        Err(e) => return vec![e],
    };
    let found = match findings(out) {
        Ok(found) => found,
        Err(e) => return vec![e],
    };
    let places = places(&found);
    let mut problems = Vec::new();
    if let Some((file, code, ..)) = places.iter().find(|(_, _, line, column, _)| *line == 0 || *column == 0) {
        problems.push(format!("json: {code} in {file} without a position"));
    }
    let reported = |f: &str| -> Vec<(String, u64, u64)> {
        places
            .iter()
            .filter(|(file, code, ..)| file == f && (code == "SL001" || code == "SL002"))
            .map(|(_, code, line, column, _)| (code.clone(), *line, *column))
            .collect()
    };
    for file in common::input_files(&case.dir) {
        let rel = file.strip_prefix(&case.dir).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        let mut expected = unreadable(&file);
        expected.sort();
        let got = reported(&rel);
        if got != expected {
            problems.push(format!("json: {rel}: parse findings {got:?}, the parsers say {expected:?}"));
        }
    }
    if case.same_places == SamePlaces::Yes
        && let Some(original) = original
        && original != &places
    {
        let moved: Vec<_> = places.iter().filter(|p| !original.contains(p)).take(3).collect();
        problems.push(format!("json: line ends moved findings: {moved:?} (of {} found)", places.len()));
    }
    problems
}

/// Where the crate's readers cannot read `path`, as the findings the loader should make of it:
/// `(code, line, column)`.
fn unreadable(path: &Path) -> Vec<(String, u64, u64)> {
    let kind = Kind::of(&path.to_string_lossy());
    if !matches!(kind, Some(Kind::Yaml | Kind::Terraform)) {
        return Vec::new(); // a `.cfg` that is neither a load balancer's nor YAML is not an input
    }
    let bytes = std::fs::read(path).unwrap_or_default();
    let at = |code: &str, offset: usize| {
        let (line, column) = position(&bytes, offset);
        (code.to_owned(), line, column)
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => return vec![at("SL001", e.valid_up_to())],
    };
    if let Some(nul) = text.find('\0') {
        return vec![at("SL001", nul)];
    }
    if kind == Some(Kind::Terraform) {
        return stretchlint::inputs::terraform::parse(text)
            .err()
            .map(|e| at("SL001", e.offset))
            .into_iter()
            .collect();
    }
    let parsed = stretchlint::yaml::parse(FileId(0), text);
    if stretchlint::yaml::has_template_markers(text) {
        parsed.errors.first().map(|e| at("SL002", e.span.start as usize)).into_iter().collect()
    } else {
        parsed.errors.iter().map(|e| at("SL001", e.span.start as usize)).collect()
    }
}

/// The 1-based line and column (in characters) of a byte offset; `\r\n`, `\n` and `\r` end lines.
fn position(bytes: &[u8], offset: usize) -> (u64, u64) {
    let Some(before) = bytes.get(..offset).and_then(|b| std::str::from_utf8(b).ok()) else {
        return (0, 0); // not on a character boundary: no position a user could find
    };
    let line = 1 + before.matches(['\r', '\n']).count() - before.matches("\r\n").count();
    let start = before.rfind(['\r', '\n']).map_or(0, |i| i + 1);
    (line as u64, before[start..].chars().count() as u64 + 1)
}
