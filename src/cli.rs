//! Command-line interface: argument definitions and the commands behind them.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use crate::color::ColorChoice;
use crate::config::{self, Config};
use crate::diagnostic::Severity;
use crate::discover::Pattern;
use crate::error::Error;
use crate::report::{self, Format, human::display_name, human::plural};
use crate::rules::{self, Descriptor};
use crate::{Settings, lint_paths, vrrp};

#[derive(Debug, Parser)]
#[command(
    name = "stretchlint",
    version,
    about = "Lints OpenShift clusters stretched across OpenStack availability zones"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests (install-config, MachineSets, CPMS, operator configs) for what breaks AZ-loss tolerance
    Check(Box<CheckArgs>),
    /// Print the inferred architecture of each cluster, with its evidence and known weak points
    Infer(InferArgs),
    /// Print the keepalived virtual router IDs OpenShift derives from cluster names, and flag collisions
    Vrid {
        /// Cluster names (install-config `metadata.name`)
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// Scan many repositories with the auditor's settings into one report (json, jsonl, csv, markdown, html, sarif)
    Audit(Box<AuditArgs>),
    /// Combine `audit --format jsonl` outputs (the shards of one audit) into any audit report format
    Merge(MergeArgs),
    /// Print the repository names (arguments, else lines of standard input) that `audit --shard K/N` scans
    Shard {
        /// K/N, K counting from 0
        shard: crate::audit::Shard,
        /// Repository paths as the audit names them (relative to `--repos-under`)
        names: Vec<String>,
    },
    /// What still serves in each cluster when an AZ is lost (default: each AZ in turn); exit 1 when a service goes down
    Simulate(SimulateArgs),
    /// Print the cluster model as JSON: clusters, AZs, per-AZ control plane and workers, networks, L2 domains
    Model(ModelArgs),
    /// List the rule catalogue
    Rules {
        #[arg(long, visible_alias = "output-format", value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
        /// Include the rules of this custom rule pack (folder or file; repeatable)
        #[arg(long = "rules", value_name = "DIR")]
        packs: Vec<PathBuf>,
    },
    /// Show the effective configuration and where each setting comes from
    Config(ConfigArgs),
    /// Print a rule's description: why it matters, how to fix, examples
    Explain {
        /// A rule code (SL101) or name (control-plane-not-spread)
        rule: String,
        /// `markdown` prints the rule's documentation page (docs/rules/)
        #[arg(long, visible_alias = "output-format", value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        /// Also look the rule up in this custom rule pack (folder or file; repeatable)
        #[arg(long = "rules", value_name = "DIR")]
        packs: Vec<PathBuf>,
    },
    /// Print the completion script for a shell (e.g. `stretchlint completions bash > /etc/bash_completion.d/stretchlint`)
    Completions { shell: clap_complete::Shell },
    /// Print the stretchlint(1) man page as roff, or write a page per command into a folder
    Man {
        /// Write `stretchlint.1` and a `stretchlint-COMMAND.1` page per command into DIR
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
    /// A Markdown table, each code linking to its page under docs/rules/
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Markdown,
}

impl Cli {
    /// Parses a command line, pairing each `--output` with the `--format` just before it (as
    /// kube-linter does), so that `--format github --format sarif --output r.sarif` annotates on
    /// standard output and writes SARIF to a file.
    pub fn try_parse_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let mut command = Self::command();
        let matches = command.try_get_matches_from_mut(args)?;
        let mut cli = Self::from_arg_matches(&matches)?;
        let conflict = |message: String| command.error(ErrorKind::ArgumentConflict, message);
        match (&mut cli.command, matches.subcommand()) {
            (Command::Check(check), Some(("check", sub))) => {
                check.targets = pair_outputs(sub, &check.format, &check.output).map_err(conflict)?;
            }
            (Command::Audit(audit), Some(("audit", sub))) => {
                audit.report.targets =
                    pair_outputs(sub, &audit.report.format, &audit.report.output).map_err(conflict)?;
            }
            (Command::Merge(merge), Some(("merge", sub))) => {
                merge.report.targets =
                    pair_outputs(sub, &merge.report.format, &merge.report.output).map_err(conflict)?;
            }
            _ => {}
        }
        Ok(cli)
    }
}

fn pair_outputs<F: Copy + Default>(
    matches: &ArgMatches,
    formats: &[F],
    outputs: &[PathBuf],
) -> Result<Vec<(F, Option<PathBuf>)>, String> {
    let positions = |id: &str| matches.indices_of(id).map(Iterator::collect::<Vec<_>>).unwrap_or_default();
    let (format_at, output_at) = (positions("format"), positions("output"));
    let mut targets: Vec<(F, Option<PathBuf>)> = formats.iter().map(|f| (*f, None)).collect();
    if targets.is_empty() {
        targets.push((F::default(), None));
    }
    for (at, path) in output_at.iter().zip(outputs) {
        // The last `--format` before this `--output`; with no `--format` at all, the default one.
        let owner = match format_at.iter().rposition(|f| f < at) {
            Some(i) => i,
            None if formats.is_empty() => 0,
            None => {
                return Err(format!("`--output {}` must follow the `--format` it is for", path.display()));
            }
        };
        match targets.get_mut(owner) {
            Some((_, dest @ None)) => *dest = Some(path.clone()),
            _ => return Err(format!("two `--output` files for one `--format` (`{}`)", path.display())),
        }
    }
    if targets.iter().filter(|(_, dest)| dest.is_none()).count() > 1 {
        return Err("only one format can go to standard output; give the others `--output FILE`".to_owned());
    }
    let mut files: Vec<&PathBuf> = targets.iter().filter_map(|(_, d)| d.as_ref()).collect();
    files.sort();
    if let Some(w) = files.windows(2).find(|w| w.first() == w.get(1)) {
        let path = w.first().map(|p| p.display().to_string()).unwrap_or_default();
        return Err(format!("`--output {path}` is given twice"));
    }
    Ok(targets)
}

fn parse_size(text: &str) -> Result<u64, String> {
    crate::read::parse_size(text)
        .ok_or_else(|| format!("`{text}` is not a size (1048576, 512KiB, 64MiB, 1GiB)"))
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format; repeat it to write several (default: human)
    #[arg(long, visible_alias = "output-format", value_enum)]
    pub format: Vec<OutputFormat>,
    /// Write the `--format` just before this flag to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Each format with its destination (`None`: standard output), paired from the order of the
    /// flags on the command line by [`Cli::parse_args`].
    #[arg(skip)]
    pub targets: Vec<(OutputFormat, Option<PathBuf>)>,
    /// A file listing changed paths, one per line: their findings are annotated first (`github`)
    #[arg(long, value_name = "FILE")]
    pub changed_files: Option<PathBuf>,
    /// Leave out files matching this glob (repeatable); named files too with `--force-exclude`
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Apply `--exclude` to files named on the command line too (pre-commit passes every changed file)
    #[arg(long)]
    pub force_exclude: bool,
    #[command(flatten)]
    pub walk: WalkChoice,
    /// Lowest severity that makes the run fail (exit 1) [default: the config's `fail-on`, else error]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub config: ConfigChoice,
    #[command(flatten)]
    pub rules: RuleChoice,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Read only the files named, not the rest of their cluster (relational rules then see less)
    #[arg(long)]
    pub no_context: bool,
    /// Largest file read (bytes, or 512KiB, 64MiB, 1GiB); larger ones are listed as not read [default: 64MiB]
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// List the findings that inline suppressions cover (human format)
    #[arg(long)]
    pub show_suppressed: bool,
    /// Print the findings and nothing else: no cluster lines, no summary (the exit code is unchanged)
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how many findings each rule has (`count  code  name`) instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// Report only findings this baseline file does not hold, and list its entries that are fixed
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE (sorted, keyed by rule, file, object and YAML path) and exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Apply the safe fixes (SL401 renames, SL102 missing MachineSets), then report what remains
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,
    /// Print the safe fixes as a unified diff without writing anything (exit 1 when there are some)
    #[arg(long, conflicts_with_all = ["fix", "write_baseline"])]
    pub diff: bool,
}

/// What a folder walk leaves out.
#[derive(Clone, Copy, Debug, Default, Args)]
pub struct WalkChoice {
    /// Also read what `.gitignore`, `.ignore` and `.git/info/exclude` leave out of folder walks
    /// (`.git`, `target`, `.terraform` and `node_modules` stay skipped: name such a folder to read it)
    #[arg(long)]
    pub no_ignore: bool,
}

/// Which rules run.
#[derive(Clone, Debug, Default, Args)]
pub struct RuleChoice {
    /// Load the custom rules of this pack (a folder of rule files, or one file; repeatable)
    #[arg(long = "rules", value_name = "DIR")]
    pub packs: Vec<PathBuf>,
    /// Only these rules (codes, names or code prefixes; comma-separated or repeated)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Leave out these rules (codes, names or code prefixes; comma-separated or repeated)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
}

/// Which configuration file applies.
#[derive(Clone, Debug, Default, Args)]
pub struct ConfigChoice {
    /// Use this configuration file instead of the nearest `.stretchlint.yaml` (or `.yml`)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file and inline suppression (an auditor's run)
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

impl ConfigChoice {
    /// The configuration that applies to a run over `paths`: the given file, else the nearest one
    /// above the first path.
    pub fn load(&self, paths: &[PathBuf]) -> Result<Option<Config>, Error> {
        if self.isolated {
            return Ok(None);
        }
        let path = match &self.config {
            Some(path) => Some(path.clone()),
            None => find_config(paths),
        };
        path.map(|p| Config::load(&p)).transpose()
    }
}

/// The nearest configuration file above the first path, with a warning on standard error when a
/// `.stretchlint.yml` beside it goes unread.
fn find_config(paths: &[PathBuf]) -> Option<PathBuf> {
    let found = config::locate(paths.first().map_or(std::path::Path::new("."), PathBuf::as_path))?;
    if let Some(shadowed) = &found.shadowed {
        note(&format!(
            "warning: {} is not read: {} beside it is the configuration (keep one of the two)",
            crate::source::display_path(shadowed),
            crate::source::display_path(&found.path)
        ));
    }
    Some(found.path)
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the effective settings
    #[arg(long, required = true)]
    pub show: bool,
    /// The path whose configuration to show
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub config: ConfigChoice,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Repositories to scan, each as one repository
    pub roots: Vec<PathBuf>,
    /// Scan every git repository (a folder holding `.git`) below DIR
    #[arg(long, value_name = "DIR")]
    pub repos_under: Vec<PathBuf>,
    /// Scan only the repositories whose path hashes to K modulo N (K counts from 0)
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::audit::Shard>,
    /// Apply each repository's `.stretchlint.yaml` and inline suppressions (ignored by default)
    #[arg(long)]
    pub honour_repo_config: bool,
    /// The auditor's configuration file (rules, severities, packs); never a repository's own
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleChoice,
    /// Exit 1 when a finding is at or above this severity (default: exit 0 whatever is found,
    /// so that a batch engine does not retry an audit that worked)
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub report: AuditReportArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// `audit --format jsonl` outputs
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub report: AuditReportArgs,
}

#[derive(Debug, Args)]
pub struct AuditReportArgs {
    /// Report format; repeat it to write several (default: markdown)
    #[arg(long, visible_alias = "output-format", value_enum)]
    pub format: Vec<AuditFormat>,
    /// Write the `--format` just before this flag to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    #[arg(skip)]
    pub targets: Vec<(AuditFormat, Option<PathBuf>)>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// One document: provenance, every repository with its clusters and findings, estate totals
    Json,
    /// A provenance line, then one line per repository as it finishes (for sharding and `merge`)
    Jsonl,
    /// One row per finding
    Csv,
    /// An executive summary
    #[default]
    Markdown,
    /// One self-contained page: totals, architecture chart, rule heat map, findings per repository
    Html,
    /// SARIF 2.1.0, one run per repository (DefectDojo, code scanning)
    Sarif,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Files or directories to read
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub walk: WalkChoice,
    /// AZs lost together (comma-separated); repeat for several scenarios [default: each AZ of each cluster alone]
    #[arg(long, value_name = "AZ[,AZ...]")]
    pub lose: Vec<String>,
    /// Workers are degraded when fewer than this share of their replicas survive
    #[arg(long, value_name = "SHARE", default_value_t = 2.0 / 3.0)]
    pub worker_share: f64,
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = SimulateFormat::Human)]
    pub format: SimulateFormat,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SimulateFormat {
    /// A table per cluster (scenarios × services), then the reasons and evidence of what is not ok
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Files or directories to read
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub walk: WalkChoice,
}

#[derive(Debug, Args)]
pub struct InferArgs {
    /// Files or directories to read
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub walk: WalkChoice,
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Each finding with its source lines, then the clusters and a summary
    #[default]
    Human,
    /// One line per finding: `file:line:col: CODE [severity] message`
    Concise,
    /// One versioned JSON object (the stable contract)
    Json,
    /// SARIF 2.1.0 for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands: pull-request annotations
    Github,
    /// JUnit XML: a test suite per cluster, a test case per rule
    Junit,
    /// A Markdown summary for a CI job page
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

/// How a run ended, mapped to the process exit code by `main`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the fail level: 0.
    Clean,
    /// Findings at or above the fail level (or a VRID collision): 1.
    Findings,
}

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match cli.command {
        Command::Check(args) => check(*args, out),
        Command::Infer(args) => infer(args, out),
        Command::Vrid { names } => vrid(&names, out),
        Command::Audit(args) => audit(*args, out),
        Command::Merge(args) => merge(args, out),
        Command::Shard { shard, names } => list_shard(shard, names, out),
        Command::Simulate(args) => simulate(&args, out),
        Command::Model(args) => model(&args, out),
        Command::Rules { format, packs } => list_rules(format, &packs, out),
        Command::Explain { rule, format, packs } => explain(&rule, format, &packs, out),
        Command::Config(args) => show_config(&args, out),
        Command::Completions { shell } => {
            crate::generate::completions(shell, out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Man { dir } => {
            crate::generate::man(dir.as_deref(), out)?;
            Ok(ExitStatus::Clean)
        }
    }
}

fn check(args: CheckArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let config = args.config.load(&args.paths)?;
    let fail_on = match args.fail_on {
        Some(level) => level.severity(),
        None => config.as_ref().and_then(|c| c.fail_on).unwrap_or(Severity::Error),
    };
    let mut settings = Settings {
        select: args.rules.select,
        ignore: args.rules.ignore,
        fail_on,
        exclude: args.exclude.iter().map(|g| Pattern::from_cwd(g)).collect(),
        force_exclude: args.force_exclude,
        no_ignore: args.walk.no_ignore,
        require_inputs: true,
        context: !args.no_context,
        suppressions: !args.config.isolated,
        max_file_size: args.max_file_size.unwrap_or(crate::read::DEFAULT_MAX_FILE_SIZE),
        ..Settings::default()
    };
    if let Some(config) = &config {
        settings.apply(config);
    }
    for pack in &args.rules.packs {
        settings.add_rules(rules::custom::load(pack)?);
    }
    let options = report::Options {
        changed_files: changed_files(args.changed_files.as_deref())?,
        show_suppressed: args.show_suppressed,
        quiet: args.quiet,
        statistics: args.statistics,
    };
    let targets = if args.targets.is_empty() {
        // Built without `Cli::try_parse_args` (a library caller): every format to standard output.
        let formats = if args.format.is_empty() { vec![OutputFormat::Human] } else { args.format };
        formats.into_iter().map(|f| (f, None)).collect()
    } else {
        args.targets
    };
    // Counts replace the findings of a text format only: a JSON or SARIF consumer counts itself.
    let not_text = |(f, _): &&(OutputFormat, _)| !matches!(f, OutputFormat::Human | OutputFormat::Concise);
    if let Some((other, _)) = targets.iter().find(not_text).filter(|_| args.statistics) {
        let name = other.to_possible_value().map(|v| v.get_name().to_owned()).unwrap_or_default();
        return Err(Error::Usage(format!(
            "--statistics goes with the human or concise format, not `{name}`"
        )));
    }
    // A baseline that cannot be read stops the run before the scan.
    let baseline = args.baseline.as_deref().map(report::baseline::read).transpose()?;
    let mut report = lint_paths(&args.paths, &settings)?;
    say_not_inputs(&report.not_inputs);
    if let Some(path) = &args.write_baseline {
        let baseline = report::baseline::record(&report);
        report::baseline::write(&baseline, path)?;
        writeln!(out, "Recorded {} findings in {}.", baseline.entries.len(), path.display())?;
        return Ok(ExitStatus::Clean);
    }
    if let Some(baseline) = &baseline {
        report.baseline = Some(report::baseline::apply(&mut report, baseline));
    }
    if args.diff || args.fix {
        let (plan, after) = crate::fix::verify(&report, |overlay| {
            crate::lint_overlaid(&args.paths, &settings, Some(overlay))
        })?;
        for r in &plan.rejected {
            note(&format!("{}: fix not applied: {}", r.finding, r.reason));
        }
        if args.diff {
            write!(out, "{}", crate::fix::diff(&plan, report.sources.scrubber()))?;
            note(&format!(
                "{} fixable in {}; apply with --fix",
                plural(plan.fixed.len(), "finding"),
                plural(plan.changes.len(), "file")
            ));
            return Ok(if plan.changes.is_empty() { ExitStatus::Clean } else { ExitStatus::Findings });
        }
        if let Some(after) = after {
            crate::fix::apply(&plan, &crate::fix::roots(&args.paths))?;
            // The lint that verified the plan read exactly what is now on disk.
            report = after;
            if let Some(baseline) = &baseline {
                report.baseline = Some(report::baseline::apply(&mut report, baseline));
            }
        }
        note(&format!(
            "Fixed {} ({} written).",
            plural(plan.fixed.len(), "finding"),
            plural(plan.changes.len(), "file")
        ));
    }
    for (format, dest) in targets {
        let color = crate::color::enabled(args.color, dest.is_none());
        let format = match format {
            OutputFormat::Human => Format::Human { color },
            OutputFormat::Concise => Format::Concise,
            OutputFormat::Json => Format::Json,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Github => Format::Github,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Markdown => Format::Markdown,
        };
        match dest {
            None => report::render_with(&report, format, &options, out)?,
            Some(path) => {
                let write = |path: &std::path::Path| -> std::io::Result<()> {
                    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
                    report::render_with(&report, format, &options, &mut file)?;
                    file.flush()
                };
                write(&path).map_err(|source| Error::Write { path, source })?;
            }
        }
    }
    Ok(if report.failed() { ExitStatus::Findings } else { ExitStatus::Clean })
}

/// The paths listed in a `--changed-files` file, spelled as findings spell them.
fn changed_files(list: Option<&std::path::Path>) -> Result<Vec<String>, Error> {
    let Some(list) = list else { return Ok(Vec::new()) };
    let text = crate::read::read_to_string(list, crate::read::DEFAULT_MAX_FILE_SIZE)
        .map_err(|source| Error::Io { path: list.to_path_buf(), source })?;
    Ok(text
        .lines()
        .map(|l| l.trim().trim_start_matches("./").replace('\\', "/"))
        .filter(|l| !l.is_empty())
        .collect())
}

fn infer(args: InferArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    // Inference needs no rules: run none, so that only the model is built.
    let ignore = rules::ALL.iter().map(|r| r.code().to_owned()).collect();
    let settings =
        Settings { ignore, require_inputs: true, ..model_settings(&args.paths, args.walk.no_ignore)? };
    let report = lint_paths(&args.paths, &settings)?;
    say_not_inputs(&report.not_inputs);
    if let ListFormat::Json = args.format {
        serde_json::to_writer_pretty(&mut *out, &report.clusters).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(ExitStatus::Clean);
    }
    if report.clusters.is_empty() {
        writeln!(out, "No cluster found.")?;
    }
    for c in &report.clusters {
        let a = &c.architecture;
        writeln!(out, "cluster       {}", display_name(&c.name))?;
        if let Some(id) = &c.infra_id {
            writeln!(out, "infraID       {id}")?;
        }
        writeln!(out, "architecture  {} (#{}), {} confidence", a.id, a.number, a.confidence.as_str())?;
        writeln!(out, "              {}", c.summary)?;
        if a.candidates.len() > 1 {
            writeln!(out, "candidates    {}", a.candidates.join(", "))?;
        }
        let zones = if c.zones.is_empty() { "none named".to_owned() } else { c.zones.join(", ") };
        writeln!(out, "zones         {zones}")?;
        writeln!(out, "resilience    {}", c.resilience)?;
        if !c.networks.is_empty() {
            writeln!(out, "networks")?;
            let name_width = c.networks.iter().map(|n| n.name.len()).max().unwrap_or(0);
            let reach_width = c.networks.iter().map(|n| n.reach.len()).max().unwrap_or(0);
            for n in &c.networks {
                writeln!(
                    out,
                    "  {:name_width$}  {:13}  {:reach_width$}  ({}, {}:{})",
                    n.name, n.role, n.reach, n.via, n.file, n.line
                )?;
            }
        }
        writeln!(out, "evidence")?;
        if a.evidence.is_empty() {
            writeln!(out, "  (none)")?;
        }
        for e in &a.evidence {
            writeln!(out, "  {}:{}  {}", e.file, e.line, e.message)?;
        }
        if !c.weak_points.is_empty() {
            writeln!(out, "weak points")?;
            for w in c.weak_points {
                writeln!(out, "  - {w}")?;
            }
        }
        writeln!(out)?;
    }
    Ok(ExitStatus::Clean)
}

fn vrid(names: &[String], out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let ids: Vec<_> = names.iter().map(|n| vrrp::vrids(n)).collect();
    let width = names.iter().map(String::len).max().unwrap_or(0).max("name".len());
    writeln!(out, "{:width$}  {:>3}  {:>7}", "name", "api", "ingress")?;
    for (name, v) in names.iter().zip(&ids) {
        writeln!(out, "{name:width$}  {:>3}  {:>7}", v.api, v.ingress)?;
    }
    let mut collided = false;
    for (i, (a, va)) in names.iter().zip(&ids).enumerate() {
        for (b, vb) in names.iter().zip(&ids).skip(i + 1) {
            for c in vrrp::collisions(*va, *vb) {
                collided = true;
                writeln!(
                    out,
                    "collision: `{a}` {} and `{b}` {} both use VRID {} on a shared L2",
                    c.first.as_str(),
                    c.second.as_str(),
                    c.id
                )?;
            }
        }
    }
    Ok(if collided { ExitStatus::Findings } else { ExitStatus::Clean })
}

fn audit(args: AuditArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut settings = Settings {
        select: args.rules.select,
        ignore: args.rules.ignore,
        fail_on: args.fail_on.map_or(Severity::Error, FailOn::severity),
        ..Settings::default()
    };
    if let Some(path) = &args.config {
        settings.apply(&Config::load(path)?);
    }
    for pack in &args.rules.packs {
        settings.add_rules(rules::custom::load(pack)?);
    }
    let mut repos: Vec<crate::audit::Repo> = args
        .roots
        .iter()
        .map(|dir| crate::audit::Repo { dir: dir.clone(), name: crate::source::display_path(dir) })
        .collect();
    for dir in &args.repos_under {
        repos.extend(crate::audit::discover(dir)?);
    }
    if repos.is_empty() {
        return Err(Error::Usage("no repository to audit: name one or give --repos-under DIR".to_owned()));
    }
    if let Some(shard) = args.shard {
        repos.retain(|r| shard.holds(&r.name));
    }
    let provenance = crate::audit::provenance(&settings, args.honour_repo_config);
    let targets = audit_targets(args.report);
    let mut writers = open_targets(&targets)?;
    // jsonl streams: its header now, each repository as it finishes; the other formats need all.
    let streamed = |f: &AuditFormat| *f == AuditFormat::Jsonl;
    for (format, writer) in &mut writers {
        if streamed(format) {
            crate::audit::formats::jsonl_header(&provenance, writer.get(out))?;
        }
    }
    let keep = targets.iter().any(|(f, _)| !streamed(f));
    let mut audit = crate::audit::Audit { provenance, repos: Vec::new() };
    let scan = crate::audit::Scan { settings: &settings, honour_repo_config: args.honour_repo_config };
    let mut failed = false;
    let mut progress = Progress::new(repos.len());
    crate::audit::run(&repos, &scan, |repo| {
        progress.done(repo.summary.files);
        failed |= repo.findings.iter().any(|f| f.severity >= settings.fail_on);
        for (format, writer) in &mut writers {
            if streamed(format) {
                let w = writer.get(out);
                crate::audit::formats::jsonl_repo(&repo, w)?;
                w.flush()?;
            }
        }
        if keep {
            audit.repos.push(repo);
        }
        Ok(())
    })?;
    progress.finish();
    audit.sort();
    for (format, writer) in &mut writers {
        if !streamed(format) {
            write_audit(&audit, *format, writer.get(out))?;
        }
        writer.finish()?;
    }
    Ok(if failed && args.fail_on.is_some() { ExitStatus::Findings } else { ExitStatus::Clean })
}

/// Repositories done out of the total, files per second and the time left, on one line of
/// standard error redrawn as repositories finish, at most every [`PROGRESS_EVERY`]; nothing when
/// standard error is not a terminal that can redraw a line (`TERM=dumb` cannot).
struct Progress {
    total: usize,
    done: usize,
    files: usize,
    started: std::time::Instant,
    drawn: Option<std::time::Instant>,
    shown: bool,
}

/// How often the progress line is redrawn: thousands of small repositories finish faster than a
/// terminal can usefully show them.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

impl Progress {
    fn new(total: usize) -> Self {
        Progress {
            total,
            done: 0,
            files: 0,
            started: std::time::Instant::now(),
            drawn: None,
            shown: std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb"),
        }
    }

    /// Whether to redraw now: the first and the last repository always, others once a period.
    fn due(&self, now: std::time::Instant) -> bool {
        self.done >= self.total || self.drawn.is_none_or(|at| now.duration_since(at) >= PROGRESS_EVERY)
    }

    fn done(&mut self, files: usize) {
        self.done += 1;
        self.files += files;
        let now = std::time::Instant::now();
        if !self.shown || !self.due(now) {
            return;
        }
        self.drawn = Some(now);
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-3);
        let left = (self.total - self.done.min(self.total)) as f64 * elapsed / self.done as f64;
        let _ = write!(
            std::io::stderr(),
            "\r\x1b[2Kaudit {}/{} repositories · {:.0} files/s · {:.0}s left",
            self.done,
            self.total,
            self.files as f64 / elapsed,
            left
        );
    }

    fn finish(&self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

fn merge(args: MergeArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let Some(audit) = crate::audit::merge::merge(&args.files)? else { return Ok(ExitStatus::Clean) };
    let targets = audit_targets(args.report);
    for (format, writer) in &mut open_targets(&targets)? {
        match format {
            AuditFormat::Jsonl => {
                let w = writer.get(out);
                crate::audit::formats::jsonl_header(&audit.provenance, w)?;
                for repo in &audit.repos {
                    crate::audit::formats::jsonl_repo(repo, w)?;
                }
            }
            other => write_audit(&audit, *other, writer.get(out))?,
        }
        writer.finish()?;
    }
    Ok(ExitStatus::Clean)
}

fn list_shard(
    shard: crate::audit::Shard,
    names: Vec<String>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let names = if names.is_empty() {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
        text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
    } else {
        names
    };
    for name in names.iter().filter(|n| shard.holds(n)) {
        writeln!(out, "{name}")?;
    }
    Ok(ExitStatus::Clean)
}

fn audit_targets(report: AuditReportArgs) -> Vec<(AuditFormat, Option<PathBuf>)> {
    if report.targets.is_empty() {
        let formats = if report.format.is_empty() { vec![AuditFormat::default()] } else { report.format };
        formats.into_iter().map(|f| (f, None)).collect()
    } else {
        report.targets
    }
}

fn write_audit(audit: &crate::audit::Audit, format: AuditFormat, w: &mut dyn Write) -> std::io::Result<()> {
    use crate::audit::formats;
    match format {
        AuditFormat::Json => formats::json(audit, w),
        AuditFormat::Jsonl => {
            formats::jsonl_header(&audit.provenance, w)?;
            audit.repos.iter().try_for_each(|r| formats::jsonl_repo(r, w))
        }
        AuditFormat::Csv => formats::csv(audit, w),
        AuditFormat::Markdown => formats::markdown(audit, w),
        AuditFormat::Html => crate::audit::html::render(audit, w),
        AuditFormat::Sarif => crate::audit::sarif::render(audit, w),
    }
}

/// Standard output, or a file created for one report.
enum Target {
    Stdout,
    File { path: PathBuf, file: std::io::BufWriter<std::fs::File> },
}

impl Target {
    fn get<'a>(&'a mut self, out: &'a mut dyn Write) -> &'a mut dyn Write {
        match self {
            Target::Stdout => out,
            Target::File { file, .. } => file,
        }
    }

    fn finish(&mut self) -> Result<(), Error> {
        match self {
            Target::Stdout => Ok(()),
            Target::File { path, file } => {
                file.flush().map_err(|source| Error::Write { path: path.clone(), source })
            }
        }
    }
}

fn open_targets<F: Copy>(targets: &[(F, Option<PathBuf>)]) -> Result<Vec<(F, Target)>, Error> {
    targets
        .iter()
        .map(|(format, dest)| match dest {
            None => Ok((*format, Target::Stdout)),
            Some(path) => std::fs::File::create(path)
                .map(|f| (*format, Target::File { path: path.clone(), file: std::io::BufWriter::new(f) }))
                .map_err(|source| Error::Write { path: path.clone(), source }),
        })
        .collect()
}

/// Named files that hold no input: a line each on standard error, so that "All checks passed"
/// is not read as covering them.
fn say_not_inputs(files: &[String]) {
    for file in files {
        note(&format!(
            "note: {file}: not an input (no install-config, Machine API object, operator config, network template or load balancer configuration in it); nothing in it was checked"
        ));
    }
}

/// A line for the person at the terminal, kept out of the report on standard output.
fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

fn simulate(args: &SimulateArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    if !(args.worker_share > 0.0 && args.worker_share <= 1.0) {
        return Err(Error::Usage(format!(
            "--worker-share {} is not a share between 0 and 1",
            args.worker_share
        )));
    }
    let mut lose = Vec::new();
    for scenario in &args.lose {
        let zones: Vec<String> =
            scenario.split(',').map(|z| z.trim().to_owned()).filter(|z| !z.is_empty()).collect();
        if zones.is_empty() {
            return Err(Error::Usage(format!("--lose `{scenario}` names no AZ")));
        }
        lose.push(zones);
    }
    let options = crate::simulate::Options { lose, worker_share: args.worker_share };
    let settings = Settings { require_inputs: true, ..model_settings(&args.paths, args.walk.no_ignore)? };
    let sim = crate::simulate_paths(&args.paths, &settings, &options)?;
    say_not_inputs(&sim.not_inputs);
    unknown_zones(&options.lose, &sim.known_zones)?;
    match args.format {
        SimulateFormat::Human => {
            let color = crate::color::enabled(args.color, true);
            crate::simulate::render::human(&sim, color, out)?;
        }
        SimulateFormat::Json => crate::simulate::render::json(&sim, out)?,
        SimulateFormat::Markdown => crate::simulate::render::markdown(&sim, out)?,
    }
    Ok(if sim.any_down() { ExitStatus::Findings } else { ExitStatus::Clean })
}

/// A `--lose` AZ that the scan names nowhere is a usage error: simulated, it takes nothing down
/// and every service reads "ok".
fn unknown_zones(lose: &[Vec<String>], known: &[String]) -> Result<(), Error> {
    let mut unknown: Vec<&str> = Vec::new();
    for zone in lose.iter().flatten().filter(|z| !known.contains(z)) {
        if !unknown.contains(&zone.as_str()) {
            unknown.push(zone);
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let quoted = |zones: &mut dyn Iterator<Item = &str>| zones.map(|z| format!("`{z}`")).collect::<Vec<_>>();
    let named = quoted(&mut unknown.iter().copied()).join(", ");
    let what = if unknown.len() == 1 { "AZ" } else { "AZs" };
    let known = if known.is_empty() {
        "the scan names no AZ".to_owned()
    } else {
        format!("known AZs: {}", quoted(&mut known.iter().map(String::as_str)).join(", "))
    };
    Err(Error::Usage(format!("--lose: no cluster or network of the scan is in the {what} {named} ({known})")))
}

/// What shapes the model in the nearest configuration (excludes, the file size limit,
/// `respect-gitignore`, `openshift-version`), so that `model`, `infer` and `simulate` read the
/// clusters `check` reads; `--no-ignore` adds to the configuration's choice.
fn model_settings(paths: &[PathBuf], no_ignore: bool) -> Result<Settings, Error> {
    let mut settings = Settings { no_ignore, ..Settings::default() };
    if let Some(path) = find_config(paths) {
        let mut configured = Settings::default();
        configured.apply(&Config::load(&path)?);
        settings.exclude = configured.exclude;
        settings.max_file_size = configured.max_file_size;
        settings.params = configured.params;
        settings.no_ignore |= configured.no_ignore;
    }
    Ok(settings)
}

fn model(args: &ModelArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let settings = Settings { require_inputs: true, ..model_settings(&args.paths, args.walk.no_ignore)? };
    let json = crate::model_json(&args.paths, &settings)?;
    serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(ExitStatus::Clean)
}

/// The built-in rules, then the rules of the packs given.
fn catalogue_with(packs: &[PathBuf]) -> Result<Vec<Descriptor>, Error> {
    let mut all = rules::catalogue().to_vec();
    for pack in packs {
        all.extend(rules::custom::load(pack)?.iter().map(|r| r.descriptor.clone()));
    }
    Ok(all)
}

fn list_rules(format: RulesFormat, packs: &[PathBuf], out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let catalogue = &catalogue_with(packs)?;
    if let RulesFormat::Markdown = format {
        write!(out, "{}", rules::docs::table(catalogue))?;
        return Ok(ExitStatus::Clean);
    }
    if let RulesFormat::Json = format {
        let entries: Vec<_> = catalogue
            .iter()
            .map(|d| {
                serde_json::json!({
                    "code": d.code, "name": d.name, "severity": d.severity().as_str(),
                    "architectures": d.architectures, "summary": d.summary,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &entries).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(ExitStatus::Clean);
    }
    let width = catalogue.iter().map(|d| d.name.len()).max().unwrap_or(0);
    for d in catalogue {
        writeln!(out, "{}  {:width$}  {:7}  {}", d.code, d.name, d.severity().as_str(), d.summary)?;
    }
    Ok(ExitStatus::Clean)
}

fn explain(
    key: &str,
    format: ExplainFormat,
    packs: &[PathBuf],
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let catalogue = catalogue_with(packs)?;
    let d = catalogue.iter().find(|d| d.is_named(key)).ok_or_else(|| Error::UnknownRule(key.to_owned()))?;
    match format {
        ExplainFormat::Text => write!(out, "{}", explain_text(d))?,
        ExplainFormat::Markdown => write!(out, "{}", rules::docs::page(d))?,
    }
    Ok(ExitStatus::Clean)
}

/// A descriptor as plain text.
pub fn explain_text(d: &Descriptor) -> String {
    let indent = |s: &str| s.trim_end().lines().map(|l| format!("    {l}\n")).collect::<String>();
    let with_files = |main: &str, files: &std::collections::BTreeMap<String, String>| {
        let mut text = indent(main);
        for (name, content) in files {
            text.push_str(&format!("  beside it, {name}:\n{}", indent(content)));
        }
        text
    };
    format!(
        "{} {} ({})\n\n{}\n\nApplies to: {}\n\nWhy it matters\n{}\nHow to fix\n{}\nExample that fires\n{}\nExample that passes\n{}",
        d.code,
        d.name,
        d.severity().as_str(),
        d.summary,
        d.architectures.join(", "),
        indent(&d.rationale),
        indent(&d.fix),
        with_files(&d.examples.bad, &d.examples.bad_files),
        with_files(&d.examples.good, &d.examples.good_files),
    )
}

/// `config --show`: each setting, its value, and the file and line it comes from.
fn show_config(args: &ConfigArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let config = args.config.load(std::slice::from_ref(&args.path))?;
    let Some(c) = config else {
        let why = if args.config.isolated { "none (--isolated)" } else { "none found; built-in defaults" };
        writeln!(out, "config file        {why}")?;
        return Ok(ExitStatus::Clean);
    };
    let file = crate::source::display_path(&c.path);
    writeln!(out, "config file        {file}")?;
    let origin = |key: &str| c.line_of(key).map_or("default".to_owned(), |line| format!("{file}:{line}"));
    let list = |items: &[String]| if items.is_empty() { "(none)".to_owned() } else { items.join(", ") };
    let p = &c.params;
    let opt = |v: Option<f64>| v.map_or("default".to_owned(), |v| v.to_string());
    let rows: Vec<(&str, String)> = vec![
        ("select", c.select.as_deref().map_or("every rule".to_owned(), list)),
        ("ignore", list(&c.ignore)),
        (
            "severity",
            list(
                &c.severity
                    .iter()
                    .map(|(rule, s)| format!("{rule}={}", s.map_or("off", |s| s.as_str())))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("fail-on", c.fail_on.map_or("error".to_owned(), |s| s.as_str().to_owned())),
        ("openshift-version", c.openshift_version.map_or("unknown".to_owned(), |(a, b)| format!("{a}.{b}"))),
        ("exclude", list(&c.exclude)),
        (
            "per-path-ignores",
            list(
                &c.per_path_ignores
                    .iter()
                    .map(|(g, r)| format!("{g} -> {}", r.join(" ")))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("require-reason", c.require_reason.to_string()),
        ("respect-gitignore", c.respect_gitignore.unwrap_or(true).to_string()),
        ("rules", list(&c.rules.iter().map(|d| crate::source::display_path(d)).collect::<Vec<_>>())),
        (
            "params",
            format!(
                "SL103.min-surviving-workers={}, SL601.warn-ms={}, SL601.error-ms={}",
                p.min_surviving_workers.map_or("default".to_owned(), |v| v.to_string()),
                opt(p.latency_warn_ms),
                opt(p.latency_error_ms)
            ),
        ),
    ];
    for (key, value) in rows {
        writeln!(out, "{key:18} {value:40}  {}", origin(key))?;
    }
    Ok(ExitStatus::Clean)
}

#[cfg(test)]
mod tests {
    use super::{PROGRESS_EVERY, Progress};

    #[test]
    fn the_progress_line_is_redrawn_once_a_period_and_for_the_last_repository() {
        let start = std::time::Instant::now();
        let mut p = Progress { total: 3, done: 1, files: 0, started: start, drawn: None, shown: true };
        assert!(p.due(start), "the first is drawn");
        p.drawn = Some(start);
        p.done = 2;
        assert!(!p.due(start + PROGRESS_EVERY / 2), "too soon");
        assert!(p.due(start + PROGRESS_EVERY));
        p.done = 3;
        assert!(p.due(start + PROGRESS_EVERY / 4), "the last is always drawn");
    }
}
