//! Throughput benchmark: generates a synthetic repository of N clusters, then measures the
//! parse-only rate, the full-scan rate and the wall time of a single-file `check`.
//!
//! ```text
//! cargo build --release                       # the single-file check runs the built binary
//! cargo run --release --example bench         # 2,000 clusters = 20,000 manifests
//! cargo run --release --example bench -- --clusters 200 --keep --out /tmp/repo
//! cargo run --release --example bench -- --only-generate /tmp/repo   # just write the repository
//! cargo run --release --example bench -- --stages                    # also time each scan stage
//! cargo run --release --example bench -- --networks                  # and a Heat network per cluster
//! ```
//!
//! Each cluster has 10 files: `install-config.yaml`, three worker MachineSets (one per AZ), the
//! ControlPlaneMachineSet and the Network operator config under `openshift/`, and four manifests
//! no rule reads (ConfigMap, Deployment, Service, Namespace) under `apps/`. About 5 % of the
//! clusters carry a real problem (2 workers over 3 zones, control plane on two zones, a root volume
//! in another AZ, a pod MTU too big for the overlay, a duplicate key), so the rules have work to do.
//! The content is fixed by a constant seed: every run writes the same bytes. `--networks` adds an
//! 11th file per cluster, a Heat template with the cluster's network and a subnet holding its
//! machine network, so that attachment and the VIP rules have a Site of one network per cluster.
//!
//! Parse-only reads every file and runs `yaml::parse` on it on the rayon pool (as many threads as
//! cores, as the scan's loader); the full scan is `lint_paths` on the repository root (discover,
//! load, model, inference, every rule, report). Both are timed after a warm-up read, alternating
//! (parse, scan, parse, scan, …), best of 3. "cores busy" is the process CPU time of the best run
//! divided by its wall time (Linux `/proc/self/stat`, 10 ms ticks). The single-file check runs
//! `target/release/stretchlint check <a MachineSet>` from the repository root, which also loads the
//! rest of that cluster for context.
//!
//! Targets (README, 2 cores): the scan runs at ≥ 80 % of the parse-only rate; a single-file
//! `check` takes under 20 ms wall.
//!
//! `--repos N` measures an auditor's run instead: N git repositories of `--clusters` clusters
//! each (default 10), scanned by `stretchlint::audit::run` as `stretchlint audit --repos-under`
//! does, with the jsonl report written to a sink; repositories/s, files/s and MB/s beside the
//! parse-only rate, and the process's peak memory (`VmHWM`). `--checkov K` also times
//! `checkov -d` (on `PATH`, or `CHECKOV=/path/to/checkov`) and `stretchlint audit` on the first
//! K repositories, side by side:
//!
//! ```text
//! cargo run --release --example bench -- --repos 1000                  # 10,000 clusters
//! cargo run --release --example bench -- --repos 1000 --checkov 20
//! ```
//!
//! Audit targets (README, 2 cores): ≥ 25 MB/s, ≥ 100× checkov, peak memory under 1 GiB.
//!
//! `--shared-l2 [N]` measures the relational rules on a crowded broadcast domain instead: N
//! clusters (default 2,000) whose install-configs put their control planes on the one subnet of
//! one Heat provider network, so that their name-derived VRIDs collide by the thousand. It times
//! `lint_paths` with every rule and with SL301 ignored, alternating, best of 10 each:
//!
//! ```text
//! cargo run --release --example bench -- --shared-l2           # 2,000 clusters on one L2
//! ```
//!
//! Target (README, 2 cores): the scan with every rule within 1.5× of the scan without SL301.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark's whole output is its report on the terminal"
)]

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use stretchlint::source::FileId;
use stretchlint::{Settings, lint_paths};

type Result<T, E = Box<dyn Error>> = std::result::Result<T, E>;

const FILES_PER_CLUSTER: usize = 10;
const RUNS: usize = 3;
const CHECK_RUNS: usize = 20;
const USAGE: &str = "usage: bench [--clusters N] [--networks] [--repos N [--checkov K]] [--shared-l2 [N]] [--out DIR] [--keep] [--stages] [--only-generate DIR]";
/// The clusters of `--shared-l2` without a count.
const SHARED_L2_CLUSTERS: usize = 2_000;
/// The `--shared-l2` scans are short: more runs keep the best of each steady on a shared machine.
const SHARED_L2_RUNS: usize = 10;
/// The target ratio of the `--shared-l2` scan with every rule to the scan without SL301.
const SHARED_L2_TARGET: f64 = 1.5;

struct Args {
    clusters: usize,
    /// Estate mode: this many repositories of `clusters` clusters each.
    repos: Option<usize>,
    /// Time checkov against the audit on this many repositories.
    checkov: Option<usize>,
    /// Crowded-L2 mode: this many clusters on one network.
    shared_l2: Option<usize>,
    out: Option<PathBuf>,
    keep: bool,
    stages: bool,
    networks: bool,
    only_generate: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        clusters: 0,
        repos: None,
        checkov: None,
        shared_l2: None,
        out: None,
        keep: false,
        stages: false,
        networks: false,
        only_generate: None,
    };
    let mut it = std::env::args().skip(1).peekable();
    while let Some(arg) = it.next() {
        if arg == "--shared-l2" {
            let count = it.next_if(|v| v.starts_with(|c: char| c.is_ascii_digit()));
            args.shared_l2 = Some(match count {
                Some(n) => n.replace('_', "").parse()?,
                None => SHARED_L2_CLUSTERS,
            });
            continue;
        }
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--clusters" | "-n" => args.clusters = value("--clusters")?.replace('_', "").parse()?,
            "--out" => args.out = Some(value("--out")?.into()),
            "--only-generate" => args.only_generate = Some(value("--only-generate")?.into()),
            "--repos" => args.repos = Some(value("--repos")?.replace('_', "").parse()?),
            "--checkov" => args.checkov = Some(value("--checkov")?.parse()?),
            "--keep" => args.keep = true,
            "--stages" => args.stages = true,
            "--networks" => args.networks = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}").into()),
        }
    }
    if args.clusters == 0 {
        args.clusters = if args.repos.is_some() { 10 } else { 2_000 };
    }
    if args.repos == Some(0) {
        return Err("--repos must be at least 1".into());
    }
    Ok(args)
}

/// What `main` returns on failure: printed as plain text (`Box<dyn Error>` would print its Debug
/// form, quotes and `\n` escapes included).
struct Failure(Box<dyn Error>);

impl<E: Into<Box<dyn Error>>> From<E> for Failure {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

fn main() -> Result<(), Failure> {
    Ok(run()?)
}

fn run() -> Result<()> {
    let args = parse_args()?;

    if let Some(dir) = &args.only_generate {
        let started = Instant::now();
        let generated = generate(dir, args.clusters, args.networks)?;
        println!(
            "wrote {} clusters, {} files, {:.1} MB to {} in {:.2} s ({} with a planted problem)",
            args.clusters,
            generated.files,
            mb(generated.bytes),
            dir.display(),
            started.elapsed().as_secs_f64(),
            generated.problems,
        );
        return Ok(());
    }

    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("stretchlint-bench-{}", std::process::id())));
    ensure_empty(&dir)?;
    let keep = args.keep;
    let _cleanup = Cleanup { dir: dir.clone(), keep };
    if let Some(repos) = args.repos {
        return estate(&dir, repos, &args);
    }
    if let Some(clusters) = args.shared_l2 {
        return shared_l2(&dir, clusters);
    }

    let started = Instant::now();
    let generated = generate(&dir, args.clusters, args.networks)?;
    let generate_time = started.elapsed();

    // The file list is the scan's own; parse-only reads the same files.
    let files: Vec<PathBuf> =
        stretchlint::discover::discover(std::slice::from_ref(&dir), &Default::default(), true)?
            .into_iter()
            .map(|d| d.path)
            .collect();
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len())).sum::<Result<u64, _>>()?;

    // Warm the page cache so that both measurements read from memory, then alternate the two
    // measurements so that a burst of load elsewhere on the machine hits both alike.
    parse_only(&files)?;
    let mut parse = Timing::default();
    let mut scan = Timing::default();
    let mut parse_docs = 0;
    let mut report = None;
    for _ in 0..RUNS {
        parse_docs = parse.measure(|| parse_only(&files))?;
        report = Some(scan.measure(|| Ok(lint_paths(std::slice::from_ref(&dir), &Settings::default())?))?);
    }
    let report = report.ok_or("no scan ran")?;

    let stages = if args.stages { Some(stage_times(&dir)?) } else { None };
    let single = single_file_check(&dir, &generated.sample)?;

    // ---- report ----
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!();
    println!("stretchlint bench");
    println!(
        "  machine     {} (nproc {threads}, rayon threads {})",
        cpu_model(),
        rayon::current_num_threads()
    );
    println!(
        "  repository  {} clusters, {} files, {:.1} MB, {} documents ({} clusters with a planted problem)",
        args.clusters,
        files.len(),
        mb(bytes),
        parse_docs,
        generated.problems
    );
    println!("              {} (generated in {:.2} s)", dir.display(), generate_time.as_secs_f64());
    println!();
    println!("  {:<44} {:>9} {:>9} {:>7} {:>11}", "measure", "time", "files/s", "MB/s", "cores busy");
    let row = |name: &str, t: &Timing| {
        let s = t.best.as_secs_f64();
        let busy = t.cpu_of_best.map_or_else(|| "-".to_owned(), |c| format!("{:.2}", c.as_secs_f64() / s));
        println!(
            "  {:<44} {:>7.3} s {:>9} {:>7.1} {:>11}",
            name,
            s,
            thousands(files.len() as f64 / s),
            mb(bytes) / s,
            busy
        );
    };
    row(&format!("parse-only (read + yaml::parse), best of {RUNS}"), &parse);
    row(&format!("full scan (lint_paths), best of {RUNS}"), &scan);
    let ratio = 100.0 * parse.best.as_secs_f64() / scan.best.as_secs_f64();
    println!(
        "  {:<44} {:>9.1} %   target ≥ 80 %   {}",
        "scan rate / parse-only rate",
        ratio,
        if ratio >= 80.0 { "ok" } else { "MISSED" }
    );
    match &single {
        Some(s) => println!(
            "  {:<44} {:>8.1} ms   target < 20 ms  {}  (min {:.1}, max {:.1})",
            format!("single-file check, median of {CHECK_RUNS}"),
            ms(s.median),
            if s.median < Duration::from_millis(20) { "ok" } else { "MISSED" },
            ms(s.min),
            ms(s.max),
        ),
        None => println!(
            "  {:<44} skipped: {} not found, run `cargo build --release` first",
            "single-file check",
            release_binary().display()
        ),
    }
    if let Some(s) = &single {
        println!("    {}", s.command);
    }

    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_code.entry(f.code).or_default() += 1;
    }
    let codes: Vec<String> = by_code.iter().map(|(c, n)| format!("{c}×{n}")).collect();
    println!();
    println!(
        "  scan saw {} files, {} documents, {} clusters; {} findings{}{}",
        report.summary.files,
        report.summary.documents,
        report.summary.clusters,
        report.findings.len(),
        if codes.is_empty() { "" } else { ": " },
        codes.join(", ")
    );
    if let Some((stages, slowest)) = stages {
        println!();
        println!("  scan stages (one run, re-composed from the library's public modules):");
        let (whole, stages) = stages.split_last().ok_or("no stage")?;
        let total: f64 = stages.iter().map(|(_, d)| d.as_secs_f64()).sum();
        for (name, d) in stages.iter().chain([whole]) {
            println!("    {:<38} {:>8.1} ms {:>6.1} %", name, ms(*d), 100.0 * d.as_secs_f64() / total);
        }
        let slowest: Vec<String> = slowest.iter().map(|(c, d)| format!("{c} {:.1} ms", ms(*d))).collect();
        println!("    slowest rules: {}", slowest.join(", "));
    }
    if keep {
        println!();
        println!("  kept {}", dir.display());
    }
    Ok(())
}

/// Crowded-L2 mode: `clusters` clusters on one network, scanned with every rule and without SL301.
fn shared_l2(dir: &Path, clusters: usize) -> Result<()> {
    let started = Instant::now();
    let bytes = generate_shared_l2(dir, clusters)?;
    let generate_time = started.elapsed();
    let all = Settings::default();
    let without = Settings { ignore: vec!["SL301".to_owned()], ..Settings::default() };
    let scan = |settings: &Settings| -> Result<stretchlint::Report> {
        Ok(lint_paths(&[dir.to_path_buf()], settings)?)
    };
    scan(&all)?; // warm the page cache
    let (mut with_sl301, mut without_sl301) = (Timing::default(), Timing::default());
    let (mut findings, mut findings_without) = (0, 0);
    for _ in 0..SHARED_L2_RUNS {
        findings = with_sl301.measure(|| scan(&all))?.findings.len();
        findings_without = without_sl301.measure(|| scan(&without))?.findings.len();
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!();
    println!("stretchlint bench: one shared L2");
    println!(
        "  machine     {} (nproc {threads}, rayon threads {})",
        cpu_model(),
        rayon::current_num_threads()
    );
    println!(
        "  repository  {clusters} clusters on one network, {} files, {:.1} MB (generated in {:.2} s)",
        clusters + 1,
        mb(bytes),
        generate_time.as_secs_f64()
    );
    println!();
    println!("  {:<44} {:>9} {:>9}", "measure", "time", "findings");
    let row =
        |name: &str, t: &Timing, n: usize| println!("  {name:<44} {:>7.3} s {n:>9}", t.best.as_secs_f64());
    row(&format!("full scan, every rule, best of {SHARED_L2_RUNS}"), &with_sl301, findings);
    row(&format!("full scan, SL301 ignored, best of {SHARED_L2_RUNS}"), &without_sl301, findings_without);
    let ratio = with_sl301.best.as_secs_f64() / without_sl301.best.as_secs_f64();
    println!(
        "  {:<44} {:>8.2} ×   target ≤ {SHARED_L2_TARGET} ×   {}",
        "every rule / SL301 ignored",
        ratio,
        if ratio <= SHARED_L2_TARGET { "ok" } else { "MISSED" }
    );
    Ok(())
}

/// Writes one Heat provider network with one subnet, and `clusters` install-configs whose
/// control-plane ports name that subnet; returns the bytes written.
fn generate_shared_l2(root: &Path, clusters: usize) -> Result<u64> {
    ensure_empty(root)?;
    std::fs::create_dir_all(root)?;
    let network = "heat_template_version: 2018-08-31\nresources:\n  cp_net:\n    type: OS::Neutron::ProviderNet\n    \
         properties: {name: stretched-cp, network_type: vlan, physical_network: stretch, segmentation_id: 100}\n  \
         cp_subnet:\n    type: OS::Neutron::Subnet\n    properties: {name: cp, network: {get_resource: cp_net}, \
         cidr: 10.0.0.0/8}\n";
    std::fs::write(root.join("network.yaml"), network)?;
    let written = (0..clusters)
        .into_par_iter()
        .map(|i| -> std::io::Result<u64> {
            // Two addresses per cluster inside the subnet: 10.<i / 250>.<i % 250>.5 and .7.
            let (second, third) = (i / 250 % 256, i % 250);
            let text = format!(
                "apiVersion: v1\nbaseDomain: example.com\nmetadata:\n  name: ocp{i:04}\nnetworking:\n  machineNetwork:\n    \
                 - cidr: 10.0.0.0/8\nplatform:\n  openstack:\n    apiVIPs: [10.{second}.{third}.5]\n    \
                 ingressVIPs: [10.{second}.{third}.7]\n    controlPlanePort:\n      fixedIPs:\n        - subnet: {{name: cp}}\n"
            );
            let cluster = root.join(format!("ocp{i:04}"));
            std::fs::create_dir_all(&cluster)?;
            std::fs::write(cluster.join("install-config.yaml"), &text)?;
            Ok(text.len() as u64)
        })
        .sum::<std::io::Result<u64>>()?;
    Ok(written + network.len() as u64)
}

/// Estate mode: `repos` git repositories of `args.clusters` clusters, audited as
/// `stretchlint audit --repos-under` does.
fn estate(dir: &Path, repos: usize, args: &Args) -> Result<()> {
    let started = Instant::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let specs: Vec<ClusterSpec> = (0..repos * args.clusters).map(|i| cluster_spec(&mut rng, i)).collect();
    let bytes: u64 = specs
        .par_chunks(args.clusters)
        .enumerate()
        .map(|(r, clusters)| -> std::io::Result<u64> {
            let repo = dir.join(format!("org-{}/repo-{r:04}", r % 20));
            std::fs::create_dir_all(repo.join(".git/refs/heads"))?;
            std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n")?;
            std::fs::write(repo.join(".git/refs/heads/main"), format!("{:040x}\n", r + 1))?;
            clusters.iter().map(|c| write_cluster(&repo, c, args.networks)).sum()
        })
        .sum::<std::io::Result<u64>>()?;
    let generate_time = started.elapsed();
    let found = stretchlint::audit::discover(dir)?;
    let files: Vec<PathBuf> =
        stretchlint::discover::discover(std::slice::from_ref(&dir.to_path_buf()), &Default::default(), true)?
            .into_iter()
            .map(|d| d.path)
            .collect();

    parse_only(&files)?;
    let settings = Settings::default();
    let scan = stretchlint::audit::Scan { settings: &settings, honour_repo_config: false };
    let provenance = stretchlint::audit::provenance(&settings, false);
    let (mut parse, mut audit) = (Timing::default(), Timing::default());
    let mut findings = 0;
    for _ in 0..RUNS {
        parse.measure(|| parse_only(&files))?;
        findings = audit.measure(|| {
            let mut sink = std::io::sink();
            stretchlint::audit::formats::jsonl_header(&provenance, &mut sink)?;
            let mut findings = 0;
            stretchlint::audit::run(&found, &scan, |repo| {
                findings += repo.findings.len();
                stretchlint::audit::formats::jsonl_repo(&repo, &mut sink)?;
                Ok(())
            })?;
            Ok(findings)
        })?;
    }
    let peak = peak_memory();

    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!();
    println!("stretchlint audit bench");
    println!(
        "  machine     {} (nproc {threads}, rayon threads {})",
        cpu_model(),
        rayon::current_num_threads()
    );
    println!(
        "  estate      {} repositories × {} clusters, {} files, {:.1} MB (generated in {:.1} s)",
        found.len(),
        args.clusters,
        files.len(),
        mb(bytes),
        generate_time.as_secs_f64()
    );
    println!();
    println!(
        "  {:<40} {:>9} {:>8} {:>9} {:>7} {:>6}",
        "measure", "time", "repos/s", "files/s", "MB/s", "cores"
    );
    let row = |name: &str, t: &Timing| {
        let s = t.best.as_secs_f64();
        let busy = t.cpu_of_best.map_or_else(|| "-".to_owned(), |c| format!("{:.2}", c.as_secs_f64() / s));
        println!(
            "  {:<40} {:>7.2} s {:>8} {:>9} {:>7.1} {:>6}",
            name,
            s,
            thousands(found.len() as f64 / s),
            thousands(files.len() as f64 / s),
            mb(bytes) / s,
            busy
        );
    };
    row(&format!("parse-only, best of {RUNS}"), &parse);
    row(&format!("audit (jsonl to a sink), best of {RUNS}"), &audit);
    let rate = mb(bytes) / audit.best.as_secs_f64();
    println!(
        "  audit throughput {rate:.1} MB/s (target ≥ 25: {})",
        if rate >= 25.0 { "ok" } else { "MISSED" }
    );
    match peak {
        Some(kib) => println!(
            "  peak memory (VmHWM) {:.0} MiB (target < 1024: {})",
            kib as f64 / 1024.0,
            if kib < 1024 * 1024 { "ok" } else { "MISSED" }
        ),
        None => println!("  peak memory: /proc/self/status not readable"),
    }
    println!("  {findings} findings");
    if let Some(k) = args.checkov {
        checkov(dir, &found, k, &settings)?;
    }
    Ok(())
}

/// `checkov -d` and `stretchlint audit` on the same first `k` repositories, copied into one
/// folder so that each tool runs once over the same files (checkov's start-up is counted once).
fn checkov(dir: &Path, repos: &[stretchlint::audit::Repo], k: usize, settings: &Settings) -> Result<()> {
    let folder = dir.join("checkov-subset");
    for repo in repos.iter().take(k) {
        for file in walk_files(&repo.dir) {
            let target = folder.join(&repo.name).join(file.strip_prefix(&repo.dir)?);
            std::fs::create_dir_all(target.parent().ok_or("no parent")?)?;
            std::fs::copy(&file, target)?;
        }
        let git = folder.join(&repo.name).join(".git/refs/heads");
        std::fs::create_dir_all(&git)?;
        std::fs::write(folder.join(&repo.name).join(".git/HEAD"), "ref: refs/heads/main\n")?;
    }
    let subset = stretchlint::audit::discover(&folder)?;
    let bytes: u64 = walk_files(&folder).iter().map(|f| std::fs::metadata(f).map_or(0, |m| m.len())).sum();
    let binary = std::env::var_os("CHECKOV").map_or_else(|| PathBuf::from("checkov"), PathBuf::from);
    let scan = stretchlint::audit::Scan { settings, honour_repo_config: false };
    let ours = Instant::now();
    stretchlint::audit::run(&subset, &scan, |_| Ok(()))?;
    let ours = ours.elapsed();
    let theirs = Instant::now();
    let status = Command::new(&binary)
        .arg("-d")
        .arg(&folder)
        .args(["--quiet", "--compact", "-o", "json", "--skip-download"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let theirs = theirs.elapsed();
    if let Err(e) = status {
        println!("  checkov: cannot run {} ({e}); set CHECKOV=/path/to/checkov", binary.display());
        return Ok(());
    }
    println!();
    println!(
        "  side by side, one run each over {} repositories, {:.1} MB ({}):",
        subset.len(),
        mb(bytes),
        folder.display()
    );
    println!(
        "    stretchlint audit  {:>8.2} s  {:>7.2} MB/s",
        ours.as_secs_f64(),
        mb(bytes) / ours.as_secs_f64()
    );
    println!(
        "    checkov -d         {:>8.2} s  {:>7.2} MB/s",
        theirs.as_secs_f64(),
        mb(bytes) / theirs.as_secs_f64()
    );
    let ratio = theirs.as_secs_f64() / ours.as_secs_f64();
    println!(
        "    stretchlint is {ratio:.0}× checkov's throughput (target ≥ 100×: {})",
        if ratio >= 100.0 { "ok" } else { "MISSED" }
    );
    Ok(())
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The process's peak resident memory in KiB (Linux `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The best wall time of a measurement, and the process CPU time spent during that run.
#[derive(Default)]
struct Timing {
    best: Duration,
    cpu_of_best: Option<Duration>,
    runs: usize,
}

impl Timing {
    fn measure<T>(&mut self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let cpu = process_cpu_time();
        let t = Instant::now();
        let out = f()?;
        let wall = t.elapsed();
        let cpu = process_cpu_time().zip(cpu).map(|(after, before)| after.saturating_sub(before));
        if self.runs == 0 || wall < self.best {
            self.best = wall;
            self.cpu_of_best = cpu;
        }
        self.runs += 1;
        Ok(out)
    }
}

/// User + system CPU time of this process, all threads (Linux: `/proc/self/stat`, in clock ticks
/// of 10 ms); `None` elsewhere.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): utime is the
    // 14th field of the line, stime the 15th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ').skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Removes the generated repository when the run ends, unless asked to keep it.
struct Cleanup {
    dir: PathBuf,
    keep: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Reads and parses every file on the rayon pool the scan uses; returns the document count.
fn parse_only(files: &[PathBuf]) -> Result<usize> {
    let docs = files
        .par_iter()
        .enumerate()
        .map(|(i, path)| -> std::io::Result<usize> {
            let text = std::fs::read_to_string(path)?;
            let parsed = stretchlint::yaml::parse(FileId(u32::try_from(i).unwrap_or(u32::MAX)), &text);
            Ok(std::hint::black_box(parsed).documents.len())
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    Ok(docs)
}

/// The scan's stages timed one by one (as `lint_paths` chains them, minus the report build).
/// Returns the stages, then the whole scan, and the three slowest rules.
type Stages = (Vec<(&'static str, Duration)>, Vec<(&'static str, Duration)>);

fn stage_times(dir: &Path) -> Result<Stages> {
    use stretchlint::{arch, discover, loader, model, rules};
    let mut out = Vec::new();
    let mut t = Instant::now();
    let mut lap = |name, out: &mut Vec<(&'static str, Duration)>| {
        out.push((name, t.elapsed()));
        t = Instant::now();
    };
    let discovered = discover::discover(&[dir.to_path_buf()], &Default::default(), true)?;
    lap("discover (walk)", &mut out);
    let loaded = loader::load(&discovered);
    lap("load (read + parse + classify)", &mut out);
    let model = model::build(loaded.inputs, model::Installer::default());
    lap("model::build (group + layout)", &mut out);
    let inferences: Vec<_> =
        model.clusters.par_iter().map(|c| arch::infer(c, &model.site, &model.clusters)).collect();
    lap("arch::infer", &mut out);
    let cx = rules::Context {
        model: &model,
        files: &loaded.files,
        sources: &loaded.sources,
        params: &Default::default(),
    };
    // Each rule's own time, measured inside the same parallel run.
    let mut per_rule: Vec<(&'static str, Duration, Vec<_>)> = rules::ALL
        .par_iter()
        .map(|rule| {
            let t = Instant::now();
            let mut v = Vec::new();
            rule.check(&cx, &mut v);
            (rule.code(), t.elapsed(), v)
        })
        .collect();
    lap("rules", &mut out);
    per_rule.sort_by_key(|r| std::cmp::Reverse(r.1));
    let slowest: Vec<_> = per_rule.iter().take(3).map(|(code, d, _)| (*code, *d)).collect();
    let diagnostics: Vec<_> = per_rule.into_iter().flat_map(|(_, _, v)| v).collect();
    drop(std::hint::black_box((diagnostics, inferences, model)));
    drop(std::hint::black_box(loaded.files));
    lap("drop (model + trees)", &mut out);
    drop(loaded.sources);
    // The whole scan right after, to show what the stages above leave out (the report build).
    let t = Instant::now();
    let report = lint_paths(&[dir.to_path_buf()], &Settings::default())?;
    out.push(("(lint_paths, whole, same conditions)", t.elapsed()));
    drop(std::hint::black_box(report));
    Ok((out, slowest))
}

struct SingleCheck {
    median: Duration,
    min: Duration,
    max: Duration,
    command: String,
}

/// `target/release/stretchlint`, next to the folder this example runs from.
fn release_binary() -> PathBuf {
    let name = format!("stretchlint{}", std::env::consts::EXE_SUFFIX);
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|release| release.join(&name)))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release").join(&name))
}

/// Median wall time of `stretchlint check <one MachineSet>`, run from the repository root.
fn single_file_check(root: &Path, file: &Path) -> Result<Option<SingleCheck>> {
    let bin = release_binary();
    if !bin.is_file() {
        return Ok(None);
    }
    let run = || -> Result<Duration> {
        let t = Instant::now();
        let status = Command::new(&bin)
            .args(["check", "--color", "never"])
            .arg(file)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        let d = t.elapsed();
        // 0 = clean, 1 = findings; 2 = could not run.
        if !matches!(status.code(), Some(0 | 1)) {
            return Err(format!("`{} check {}` failed: {status}", bin.display(), file.display()).into());
        }
        Ok(d)
    };
    run()?; // warm-up
    let mut times = (0..CHECK_RUNS).map(|_| run()).collect::<Result<Vec<_>>>()?;
    times.sort();
    let median = (times[CHECK_RUNS / 2 - 1] + times[CHECK_RUNS / 2]) / 2;
    Ok(Some(SingleCheck {
        median,
        min: times[0],
        max: times[CHECK_RUNS - 1],
        command: format!("(cd {} && {} check {})", root.display(), bin.display(), file.display()),
    }))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| format!("{} CPU", std::env::consts::ARCH))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// xorshift64*: small, fast, and the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len() as u64) as usize]
    }

    /// `n` characters of `[a-z0-9]`, as the installer's infraID suffix.
    fn alnum(&mut self, n: usize) -> String {
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..n).map(|_| char::from(CHARS[self.below(CHARS.len() as u64) as usize])).collect()
    }

    fn base64(&mut self, n: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        (0..n).map(|_| char::from(CHARS[self.below(CHARS.len() as u64) as usize])).collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Arch {
    OverlayFip,
    RpnStretchedL2,
    OverlayHaproxy,
    UpiRpnExternalLb,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// 2 workers over 3 zones: one zone has none.
    WorkersUneven,
    /// Control plane on two zones (two members share one).
    ControlPlaneTwoZones,
    /// The az2 MachineSet puts its root volume in az1.
    VolumeInOtherZone,
    /// A pod MTU that does not fit the overlay.
    MtuTooBig,
    /// `replicas` twice in a MachineSet.
    DuplicateKey,
}

struct ClusterSpec {
    index: usize,
    name: String,
    infra_id: String,
    arch: Arch,
    zones: [String; 3],
    workers: [u64; 3],
    worker_flavor: &'static str,
    master_flavor: &'static str,
    volume_type: &'static str,
    disk: u64,
    /// Second and third octets of the machine network.
    net: (u64, u64),
    problem: Option<Problem>,
    pull_auth: String,
    ssh_key: String,
    subnet_uuids: [String; 3],
}

struct Generated {
    files: usize,
    bytes: u64,
    problems: usize,
    /// A worker MachineSet, relative to the repository root (the single-file check's target).
    sample: PathBuf,
}

fn uuid(rng: &mut Rng) -> String {
    let h = |rng: &mut Rng, n: usize| {
        (0..n).map(|_| char::from(b"0123456789abcdef"[rng.below(16) as usize])).collect::<String>()
    };
    format!("{}-{}-4{}-a{}-{}", h(rng, 8), h(rng, 4), h(rng, 3), h(rng, 3), h(rng, 12))
}

fn cluster_spec(rng: &mut Rng, index: usize) -> ClusterSpec {
    let prefix = rng.pick(&["ocp", "prod", "stg", "edge", "lab", "data", "ci"]);
    let site = rng.pick(&["par", "fra", "ams", "lon", "mad", "waw"]);
    let name = format!("{prefix}-{site}-{index:04}");
    let infra_id = format!("{name}-{}", rng.alnum(5));
    let arch = match rng.below(4) {
        0 => Arch::OverlayFip,
        1 => Arch::RpnStretchedL2,
        2 => Arch::OverlayHaproxy,
        _ => Arch::UpiRpnExternalLb,
    };
    let scheme = rng.below(10);
    let zones = [1, 2, 3].map(|n| match scheme {
        0..=5 => format!("az{n}"),
        6 => format!("AZ{n}"),
        7 => format!("az-{n}"),
        8 => format!("{site}{n}-az"),
        _ => format!("nova-az{n}"),
    });
    let per_zone = 1 + rng.below(4);
    let problem = (rng.below(100) < 5).then(|| match rng.below(5) {
        0 => Problem::WorkersUneven,
        1 => Problem::ControlPlaneTwoZones,
        2 => Problem::VolumeInOtherZone,
        3 => Problem::MtuTooBig,
        _ => Problem::DuplicateKey,
    });
    let workers = if problem == Some(Problem::WorkersUneven) { [1, 1, 0] } else { [per_zone; 3] };
    let auth = rng.base64(60);
    ClusterSpec {
        index,
        infra_id,
        arch,
        zones,
        workers,
        worker_flavor: rng.pick(&["m1.large", "m1.xlarge", "ocp.w.8c32g", "ocp.w.16c64g"]),
        master_flavor: rng.pick(&["m1.xlarge", "ocp.m.8c32g"]),
        volume_type: rng.pick(&["ssd", "ssd", "ceph-ssd", "nvme"]),
        disk: [100, 120, 200][rng.below(3) as usize],
        net: (1 + (index as u64 / 250) % 200, index as u64 % 250),
        problem,
        pull_auth: format!("{auth}=="),
        ssh_key: rng.base64(68),
        subnet_uuids: [uuid(rng), uuid(rng), uuid(rng)],
        name,
    }
}

/// Refuses to write into (and later remove) a folder that holds anything.
fn ensure_empty(root: &Path) -> Result<()> {
    if root.exists() && std::fs::read_dir(root)?.next().is_some() {
        return Err(format!("{} exists and is not empty: choose another --out", root.display()).into());
    }
    Ok(())
}

/// Writes the repository; returns what it wrote.
fn generate(root: &Path, clusters: usize, networks: bool) -> Result<Generated> {
    ensure_empty(root)?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let specs: Vec<ClusterSpec> = (0..clusters).map(|i| cluster_spec(&mut rng, i)).collect();
    let results = specs
        .par_iter()
        .map(|c| write_cluster(root, c, networks))
        .collect::<Result<Vec<u64>, std::io::Error>>()?;
    let first = specs.first().ok_or("no cluster")?;
    Ok(Generated {
        files: clusters * (FILES_PER_CLUSTER + usize::from(networks)),
        bytes: results.iter().sum(),
        problems: specs.iter().filter(|c| c.problem.is_some()).count(),
        sample: Path::new("clusters")
            .join(&first.name)
            .join("openshift/99_openshift-cluster-api_worker-machineset-0.yaml"),
    })
}

fn write_cluster(root: &Path, c: &ClusterSpec, networks: bool) -> std::io::Result<u64> {
    let dir = root.join("clusters").join(&c.name);
    let openshift = dir.join("openshift");
    let apps = dir.join("apps");
    std::fs::create_dir_all(&openshift)?;
    std::fs::create_dir_all(&apps)?;
    let mut files = vec![(dir.join("install-config.yaml"), install_config(c))];
    for az in 0..3 {
        files.push((
            openshift.join(format!("99_openshift-cluster-api_worker-machineset-{az}.yaml")),
            machine_set(c, az),
        ));
    }
    files.push((openshift.join("99_openshift-machine-api_master-control-plane-machine-set.yaml"), cpms(c)));
    files.push((openshift.join("cluster-network-03-config.yml"), network(c)));
    files.push((apps.join("configmap.yaml"), config_map(c)));
    files.push((apps.join("deployment.yaml"), deployment(c)));
    files.push((apps.join("service.yaml"), service(c)));
    files.push((apps.join("namespace.yaml"), namespace(c)));
    if networks {
        std::fs::create_dir_all(dir.join("network"))?;
        files.push((dir.join("network/stack.yaml"), heat_network(c)));
    }
    let mut bytes = 0;
    for (path, text) in files {
        bytes += text.len() as u64;
        std::fs::write(path, text)?;
    }
    Ok(bytes)
}

/// The cluster's own network and a subnet holding its whole machine network.
fn heat_network(c: &ClusterSpec) -> String {
    let (b, d) = c.net;
    format!(
        "heat_template_version: 2018-08-31\nresources:\n  nodes:\n    type: OS::Neutron::Net\n    \
         properties: {{name: {name}-network}}\n  nodes_subnet:\n    type: OS::Neutron::Subnet\n    \
         properties: {{name: {name}-nodes, network: {{get_resource: nodes}}, cidr: 10.{b}.{d}.0/24}}\n",
        name = c.name
    )
}

fn is_overlay(c: &ClusterSpec) -> bool {
    matches!(c.arch, Arch::OverlayFip | Arch::OverlayHaproxy)
}

fn list(out: &mut String, indent: usize, items: &[&str]) {
    for item in items {
        let _ = writeln!(out, "{:indent$}- {item}", "");
    }
}

fn install_config(c: &ClusterSpec) -> String {
    let (b, d) = c.net;
    let z: Vec<&str> = c.zones.iter().map(String::as_str).collect();
    let cp_zones: Vec<&str> =
        if c.problem == Some(Problem::ControlPlaneTwoZones) { vec![z[0], z[1], z[0]] } else { z.clone() };
    let types: Vec<String> = z.iter().map(|z| format!("{}-{z}", c.volume_type)).collect();
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    let workers: u64 = c.workers.iter().sum();
    let arch_comment = match c.arch {
        Arch::OverlayFip => "IPI on a tenant overlay network, API and ingress behind floating IPs",
        Arch::RpnStretchedL2 => "IPI on a routed provider network, control plane on a stretched L2 segment",
        Arch::OverlayHaproxy => "IPI on a tenant overlay network, self-run HAProxy/keepalived load balancers",
        Arch::UpiRpnExternalLb => "UPI on a routed provider network behind an external load balancer",
    };
    let mut s = format!(
        "# Cluster {name}: {arch_comment}, three AZs.\n\
         # Generated by stretchlint's bench (cluster #{index}).\n\
         apiVersion: v1\n\
         baseDomain: {site}.example.com\n\
         metadata:\n  name: {name}\n\
         controlPlane:\n  name: master\n  architecture: amd64\n  hyperthreading: Enabled\n  replicas: 3\n\
         \x20 platform:\n    openstack:\n      type: {mf}\n      serverGroupPolicy: soft-anti-affinity\n      zones:\n",
        name = c.name,
        index = c.index,
        site = &c.name[c.name.find('-').map_or(0, |i| i + 1)..c.name.rfind('-').unwrap_or(0)],
        mf = c.master_flavor,
    );
    list(&mut s, 8, &cp_zones);
    let _ = writeln!(s, "      rootVolume:\n        size: {}\n        types:", c.disk);
    list(&mut s, 10, &types);
    s.push_str("        zones:\n");
    list(&mut s, 10, &cp_zones);
    let _ = write!(
        s,
        "compute:\n  - name: worker\n    architecture: amd64\n    hyperthreading: Enabled\n    replicas: {workers}\n\
         \x20   platform:\n      openstack:\n        type: {}\n        serverGroupPolicy: soft-anti-affinity\n        zones:\n",
        c.worker_flavor
    );
    list(&mut s, 10, &z);
    let _ = writeln!(s, "        rootVolume:\n          size: {}\n          types:", c.disk);
    list(&mut s, 12, &types);
    s.push_str("          zones:\n");
    list(&mut s, 12, &z);
    s.push_str(
        "networking:\n  networkType: OVNKubernetes\n  clusterNetwork:\n    - cidr: 10.128.0.0/14\n      hostPrefix: 23\n\
         \x20 serviceNetwork:\n    - 172.30.0.0/16\n  machineNetwork:\n",
    );
    match c.arch {
        Arch::OverlayFip | Arch::OverlayHaproxy => {
            let _ = writeln!(s, "    - cidr: 10.{b}.{d}.0/24");
        }
        Arch::RpnStretchedL2 => {
            let _ = writeln!(s, "    # stretched L2 (control plane, VIPs)\n    - cidr: 10.{b}.{d}.0/26");
            s.push_str("    # routed provider network segments, one per AZ\n");
            for n in 1..=3 {
                let _ = writeln!(s, "    - cidr: 10.{b}.{d}.{}/26", 64 * n);
            }
        }
        Arch::UpiRpnExternalLb => {
            s.push_str("    # one subnet per segment of the routed provider network\n");
            for n in 0..3 {
                let _ = writeln!(s, "    - cidr: 10.{b}.{d}.{}/26", 64 * n);
            }
        }
    }
    s.push_str("platform:\n  openstack:\n    cloud: openstack\n");
    match c.arch {
        Arch::OverlayFip => {
            let _ = write!(
                s,
                "    externalNetwork: external\n    apiFloatingIP: 203.0.{}.{}\n    ingressFloatingIP: 203.0.{}.{}\n\
                 \x20   apiVIPs:\n      - 10.{b}.{d}.5\n    ingressVIPs:\n      - 10.{b}.{d}.7\n",
                113 + (c.index / 120) % 8,
                2 * (c.index % 120) + 10,
                113 + (c.index / 120) % 8,
                2 * (c.index % 120) + 11,
            );
        }
        Arch::OverlayHaproxy => {
            let _ = write!(
                s,
                "    externalNetwork: external\n    loadBalancer:\n      type: UserManaged\n\
                 \x20   apiVIPs:\n      - 10.{b}.{d}.5\n    ingressVIPs:\n      - 10.{b}.{d}.7\n"
            );
        }
        Arch::RpnStretchedL2 => {
            let _ = write!(
                s,
                "    apiVIPs:\n      - 10.{b}.{d}.5\n    ingressVIPs:\n      - 10.{b}.{d}.7\n\
                 \x20   controlPlanePort:\n      network:\n        name: {n}-stretched-cp\n      fixedIPs:\n\
                 \x20       - subnet:\n            name: {n}-stretched-cp-subnet\n",
                n = c.name
            );
        }
        Arch::UpiRpnExternalLb => {
            let _ = write!(
                s,
                "    loadBalancer:\n      type: UserManaged\n    apiVIPs:\n      - 192.0.2.{}\n\
                 \x20   ingressVIPs:\n      - 198.51.100.{}\n",
                10 + c.index % 240,
                10 + c.index % 240
            );
        }
    }
    let _ = writeln!(
        s,
        "publish: External\n\
         pullSecret: '{{\"auths\":{{\"cloud.openshift.com\":{{\"auth\":\"{a}\",\"email\":\"platform-team@example.com\"}},\
         \"quay.io\":{{\"auth\":\"{a}\",\"email\":\"platform-team@example.com\"}}}}}}'\n\
         sshKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5{k} platform-team@example.com",
        a = c.pull_auth,
        k = c.ssh_key
    );
    s
}

/// The `networks:` block of a providerSpec, by architecture.
fn provider_networks(c: &ClusterSpec, az: usize, indent: usize) -> String {
    let i = " ".repeat(indent);
    let id = &c.infra_id;
    match c.arch {
        Arch::OverlayFip | Arch::OverlayHaproxy => format!(
            "{i}networks:\n{i}  - filter: {{}}\n{i}    subnets:\n{i}      - filter:\n\
             {i}          name: {id}-nodes\n{i}          tags: openshiftClusterID={id}\n"
        ),
        Arch::RpnStretchedL2 => {
            format!(
                "{i}networks:\n{i}  - filter: {{}}\n{i}    subnets:\n{i}      - filter:\n{i}          name: {}-rpn-az{}-subnet\n",
                c.name,
                az + 1
            )
        }
        Arch::UpiRpnExternalLb => format!(
            "{i}networks:\n{i}  - uuid: {}\n{i}    subnets:\n{i}      - uuid: {}\n",
            c.subnet_uuids[0], c.subnet_uuids[az]
        ),
    }
}

fn machine_set(c: &ClusterSpec, az: usize) -> String {
    let id = &c.infra_id;
    let zone = &c.zones[az];
    let volume_zone =
        if c.problem == Some(Problem::VolumeInOtherZone) && az == 1 { &c.zones[0] } else { zone };
    let replicas = c.workers[az];
    let duplicate = if c.problem == Some(Problem::DuplicateKey) && az == 2 {
        // A hand edit that left the old value in place.
        format!("  replicas: {}\n", replicas + 1)
    } else {
        String::new()
    };
    format!(
        "# Workers of {name} in {zone} (installer-generated, then scaled by hand).\n\
         apiVersion: machine.openshift.io/v1beta1\n\
         kind: MachineSet\n\
         metadata:\n\
         \x20 name: {id}-worker-{az}\n\
         \x20 namespace: openshift-machine-api\n\
         \x20 labels:\n\
         \x20   machine.openshift.io/cluster-api-cluster: {id}\n\
         \x20   machine.openshift.io/cluster-api-machine-role: worker\n\
         \x20   machine.openshift.io/cluster-api-machine-type: worker\n\
         spec:\n\
         {duplicate}\
         \x20 replicas: {replicas}\n\
         \x20 selector:\n\
         \x20   matchLabels:\n\
         \x20     machine.openshift.io/cluster-api-cluster: {id}\n\
         \x20     machine.openshift.io/cluster-api-machineset: {id}-worker-{az}\n\
         \x20 template:\n\
         \x20   metadata:\n\
         \x20     labels:\n\
         \x20       machine.openshift.io/cluster-api-cluster: {id}\n\
         \x20       machine.openshift.io/cluster-api-machine-role: worker\n\
         \x20       machine.openshift.io/cluster-api-machine-type: worker\n\
         \x20       machine.openshift.io/cluster-api-machineset: {id}-worker-{az}\n\
         \x20   spec:\n\
         \x20     metadata: {{}}\n\
         \x20     providerSpec:\n\
         \x20       value:\n\
         \x20         apiVersion: machine.openshift.io/v1alpha1\n\
         \x20         kind: OpenstackProviderSpec\n\
         \x20         cloudName: openstack\n\
         \x20         cloudsSecret:\n\
         \x20           name: openstack-cloud-credentials\n\
         \x20           namespace: openshift-machine-api\n\
         \x20         availabilityZone: {zone}\n\
         \x20         flavor: {flavor}\n\
         \x20         image: {id}-rhcos\n\
         {networks}\
         \x20         rootVolume:\n\
         \x20           diskSize: {disk}\n\
         \x20           volumeType: {vt}-{volume_zone}\n\
         \x20           availabilityZone: {volume_zone}\n\
         \x20         securityGroups:\n\
         \x20           - filter: {{}}\n\
         \x20             name: {id}-worker\n\
         \x20         serverGroupName: {id}-worker-{zone}\n\
         \x20         serverMetadata:\n\
         \x20           Name: {id}-worker\n\
         \x20           openshiftClusterID: {id}\n\
         \x20         tags:\n\
         \x20           - openshiftClusterID={id}\n\
         \x20         trunk: true\n\
         \x20         userDataSecret:\n\
         \x20           name: worker-user-data\n",
        name = c.name,
        flavor = c.worker_flavor,
        networks = provider_networks(c, az, 10),
        disk = c.disk,
        vt = c.volume_type,
    )
}

fn cpms(c: &ClusterSpec) -> String {
    let id = &c.infra_id;
    let mut domains = String::new();
    let zones: [usize; 3] =
        if c.problem == Some(Problem::ControlPlaneTwoZones) { [0, 1, 0] } else { [0, 1, 2] };
    for az in zones {
        let z = &c.zones[az];
        let _ = write!(
            domains,
            "          - availabilityZone: {z}\n            rootVolume:\n              availabilityZone: {z}\n\
             \x20             volumeType: {}-{z}\n",
            c.volume_type
        );
    }
    format!(
        "# Control plane of {name}: one master per AZ.\n\
         apiVersion: machine.openshift.io/v1\n\
         kind: ControlPlaneMachineSet\n\
         metadata:\n\
         \x20 name: cluster\n\
         \x20 namespace: openshift-machine-api\n\
         \x20 labels:\n\
         \x20   machine.openshift.io/cluster-api-cluster: {id}\n\
         spec:\n\
         \x20 replicas: 3\n\
         \x20 state: Active\n\
         \x20 strategy:\n\
         \x20   type: RollingUpdate\n\
         \x20 selector:\n\
         \x20   matchLabels:\n\
         \x20     machine.openshift.io/cluster-api-cluster: {id}\n\
         \x20     machine.openshift.io/cluster-api-machine-role: master\n\
         \x20     machine.openshift.io/cluster-api-machine-type: master\n\
         \x20 template:\n\
         \x20   machineType: machines_v1beta1_machine_openshift_io\n\
         \x20   machines_v1beta1_machine_openshift_io:\n\
         \x20     failureDomains:\n\
         \x20       platform: OpenStack\n\
         \x20       openstack:\n\
         {domains}\
         \x20     metadata:\n\
         \x20       labels:\n\
         \x20         machine.openshift.io/cluster-api-cluster: {id}\n\
         \x20         machine.openshift.io/cluster-api-machine-role: master\n\
         \x20         machine.openshift.io/cluster-api-machine-type: master\n\
         \x20     spec:\n\
         \x20       providerSpec:\n\
         \x20         value:\n\
         \x20           apiVersion: machine.openshift.io/v1alpha1\n\
         \x20           kind: OpenstackProviderSpec\n\
         \x20           cloudName: openstack\n\
         \x20           cloudsSecret:\n\
         \x20             name: openstack-cloud-credentials\n\
         \x20             namespace: openshift-machine-api\n\
         \x20           flavor: {flavor}\n\
         \x20           image: {id}-rhcos\n\
         {networks}\
         \x20           rootVolume:\n\
         \x20             diskSize: {disk}\n\
         \x20           securityGroups:\n\
         \x20             - filter: {{}}\n\
         \x20               name: {id}-master\n\
         \x20           serverGroupName: {id}-master\n\
         \x20           serverMetadata:\n\
         \x20             Name: {id}-master\n\
         \x20             openshiftClusterID: {id}\n\
         \x20           tags:\n\
         \x20             - openshiftClusterID={id}\n\
         \x20           trunk: true\n\
         \x20           userDataSecret:\n\
         \x20             name: master-user-data\n",
        name = c.name,
        flavor = c.master_flavor,
        networks = provider_networks(c, 0, 12),
        disk = c.disk,
    )
}

fn network(c: &ClusterSpec) -> String {
    // Physnet MTU 1500: an overlay leaves 1500 - 58 (Neutron Geneve) - 100 (OVN-K) = 1342 for
    // pods, a provider network 1400.
    let (mtu, why) = match (is_overlay(c), c.problem == Some(Problem::MtuTooBig)) {
        (true, false) => (1342, "1500 (physnet) - 58 (Neutron Geneve) - 100 (OVN-K Geneve) = 1342"),
        (true, true) => (1400, "copied from a provider-network cluster"),
        (false, false) => (1400, "1500 (physnet) - 100 (OVN-K Geneve) = 1400"),
        (false, true) => (1500, "left at the physnet MTU"),
    };
    format!(
        "# Pod MTU for OVN-Kubernetes on {name}: {why}.\n\
         apiVersion: operator.openshift.io/v1\n\
         kind: Network\n\
         metadata:\n\
         \x20 name: cluster\n\
         spec:\n\
         \x20 defaultNetwork:\n\
         \x20   type: OVNKubernetes\n\
         \x20   ovnKubernetesConfig:\n\
         \x20     mtu: {mtu}\n\
         \x20     genevePort: 6081\n",
        name = c.name
    )
}

fn config_map(c: &ClusterSpec) -> String {
    format!(
        "apiVersion: v1\n\
         kind: ConfigMap\n\
         metadata:\n\
         \x20 name: app-settings\n\
         \x20 namespace: {name}-apps\n\
         \x20 labels:\n\
         \x20   app.kubernetes.io/name: inventory\n\
         \x20   app.kubernetes.io/part-of: {name}\n\
         data:\n\
         \x20 LOG_LEVEL: \"{level}\"\n\
         \x20 CACHE_TTL_SECONDS: \"{ttl}\"\n\
         \x20 FEATURE_FLAGS: \"search,export,audit\"\n\
         \x20 application.properties: |\n\
         \x20   server.port=8080\n\
         \x20   spring.datasource.url=jdbc:postgresql://db.{name}-apps.svc:5432/inventory\n\
         \x20   spring.datasource.hikari.maximum-pool-size={pool}\n\
         \x20   management.endpoints.web.exposure.include=health,info,prometheus\n\
         \x20 nginx.conf: |\n\
         \x20   worker_processes auto;\n\
         \x20   events {{ worker_connections 1024; }}\n\
         \x20   http {{\n\
         \x20     server {{\n\
         \x20       listen 8081;\n\
         \x20       location /healthz {{ return 200 'ok'; }}\n\
         \x20     }}\n\
         \x20   }}\n",
        name = c.name,
        level = ["info", "debug", "warn"][c.index % 3],
        ttl = 60 * (1 + c.index % 10),
        pool = 10 + c.index % 20,
    )
}

fn deployment(c: &ClusterSpec) -> String {
    format!(
        "apiVersion: apps/v1\n\
         kind: Deployment\n\
         metadata:\n\
         \x20 name: inventory\n\
         \x20 namespace: {name}-apps\n\
         \x20 labels:\n\
         \x20   app.kubernetes.io/name: inventory\n\
         \x20   app.kubernetes.io/version: \"2.{minor}.0\"\n\
         spec:\n\
         \x20 replicas: {replicas}\n\
         \x20 revisionHistoryLimit: 5\n\
         \x20 selector:\n\
         \x20   matchLabels:\n\
         \x20     app.kubernetes.io/name: inventory\n\
         \x20 strategy:\n\
         \x20   type: RollingUpdate\n\
         \x20   rollingUpdate:\n\
         \x20     maxSurge: 1\n\
         \x20     maxUnavailable: 0\n\
         \x20 template:\n\
         \x20   metadata:\n\
         \x20     labels:\n\
         \x20       app.kubernetes.io/name: inventory\n\
         \x20     annotations:\n\
         \x20       prometheus.io/scrape: \"true\"\n\
         \x20       prometheus.io/port: \"8080\"\n\
         \x20   spec:\n\
         \x20     serviceAccountName: inventory\n\
         \x20     topologySpreadConstraints:\n\
         \x20       - maxSkew: 1\n\
         \x20         topologyKey: topology.kubernetes.io/zone\n\
         \x20         whenUnsatisfiable: DoNotSchedule\n\
         \x20         labelSelector:\n\
         \x20           matchLabels:\n\
         \x20             app.kubernetes.io/name: inventory\n\
         \x20     securityContext:\n\
         \x20       runAsNonRoot: true\n\
         \x20       seccompProfile:\n\
         \x20         type: RuntimeDefault\n\
         \x20     containers:\n\
         \x20       - name: inventory\n\
         \x20         image: registry.example.com/platform/inventory:2.{minor}.0\n\
         \x20         imagePullPolicy: IfNotPresent\n\
         \x20         args: [\"--config\", \"/etc/app/application.properties\"]\n\
         \x20         ports:\n\
         \x20           - name: http\n\
         \x20             containerPort: 8080\n\
         \x20             protocol: TCP\n\
         \x20         envFrom:\n\
         \x20           - configMapRef:\n\
         \x20               name: app-settings\n\
         \x20         resources:\n\
         \x20           requests:\n\
         \x20             cpu: {cpu}m\n\
         \x20             memory: {mem}Mi\n\
         \x20           limits:\n\
         \x20             memory: {limit}Mi\n\
         \x20         readinessProbe:\n\
         \x20           httpGet:\n\
         \x20             path: /actuator/health/readiness\n\
         \x20             port: http\n\
         \x20           periodSeconds: 10\n\
         \x20         livenessProbe:\n\
         \x20           httpGet:\n\
         \x20             path: /actuator/health/liveness\n\
         \x20             port: http\n\
         \x20           initialDelaySeconds: 30\n\
         \x20         securityContext:\n\
         \x20           allowPrivilegeEscalation: false\n\
         \x20           capabilities:\n\
         \x20             drop: [\"ALL\"]\n\
         \x20         volumeMounts:\n\
         \x20           - name: settings\n\
         \x20             mountPath: /etc/app\n\
         \x20             readOnly: true\n\
         \x20     volumes:\n\
         \x20       - name: settings\n\
         \x20         configMap:\n\
         \x20           name: app-settings\n",
        name = c.name,
        minor = c.index % 17,
        replicas = 2 + c.index % 3,
        cpu = 100 * (1 + c.index % 5),
        mem = 256 * (1 + c.index % 4),
        limit = 512 * (1 + c.index % 4),
    )
}

fn service(c: &ClusterSpec) -> String {
    format!(
        "apiVersion: v1\n\
         kind: Service\n\
         metadata:\n\
         \x20 name: inventory\n\
         \x20 namespace: {name}-apps\n\
         \x20 labels:\n\
         \x20   app.kubernetes.io/name: inventory\n\
         spec:\n\
         \x20 type: ClusterIP\n\
         \x20 selector:\n\
         \x20   app.kubernetes.io/name: inventory\n\
         \x20 ports:\n\
         \x20   - name: http\n\
         \x20     port: 80\n\
         \x20     targetPort: http\n\
         \x20     protocol: TCP\n",
        name = c.name
    )
}

fn namespace(c: &ClusterSpec) -> String {
    format!(
        "apiVersion: v1\n\
         kind: Namespace\n\
         metadata:\n\
         \x20 name: {name}-apps\n\
         \x20 labels:\n\
         \x20   openshift.io/cluster-monitoring: \"false\"\n\
         \x20   pod-security.kubernetes.io/enforce: restricted\n\
         \x20 annotations:\n\
         \x20   openshift.io/description: Applications of cluster {name}\n\
         \x20   openshift.io/requester: platform-team\n",
        name = c.name
    )
}
