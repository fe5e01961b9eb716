//! Reading and parsing files in parallel, then classifying their documents into inputs.

use std::path::Path;

use rayon::prelude::*;

use crate::discover::Discovered;
use crate::discover::FileKind;
use crate::inputs::terraform::{self, TerraformFile};
use crate::inputs::{Input, lb, read_document};
use crate::model::Located;
use crate::secrets::{self, Secrets};
use crate::source::{FileId, SourceDb, SourceFile};
use crate::yaml::{self, Node, Parsed};

/// Why a file could not be read as text.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadProblem {
    pub message: String,
    /// Byte offset the problem is at.
    pub offset: usize,
}

/// One file after loading.
#[derive(Debug)]
pub struct LoadedFile {
    pub id: FileId,
    /// Parse errors and duplicate keys; the document trees were handed to the readers
    /// (see `load_one`), so `parsed.documents` is empty.
    pub parsed: Parsed,
    /// How many documents the file held.
    pub documents: usize,
    pub problem: Option<ReadProblem>,
    /// The text carries `{{` or `{%`: a parse failure is expected, not an error.
    pub templated: bool,
    /// Why the file was not read at all (not a regular file, over the size limit): a notice.
    pub skipped: Option<String>,
    /// How many inputs (install-configs, Machine API objects, networks...) it held.
    pub inputs: usize,
}

impl LoadedFile {
    /// Whether the run checked something in the file: it held an input, or it is named like one
    /// and could not be parsed (SL001, SL002, SL003 report it). A file that is none of these (a
    /// README, a workflow, unrelated YAML) is not an input, and neither is one not read at all
    /// (`skipped`: a notice says so).
    pub fn is_input(&self) -> bool {
        self.inputs > 0
            || self.problem.is_some()
            || !self.parsed.errors.is_empty()
            || !self.parsed.duplicates.is_empty()
    }
}

/// Everything read in a run.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceDb,
    pub files: Vec<LoadedFile>,
    pub inputs: Vec<Located>,
    pub documents: usize,
    /// The documents custom rules read (see [`Retain`]), with their file.
    pub retained: Vec<(FileId, Node)>,
}

/// Stack for parser threads (see [`load_retaining`]).
const PARSER_STACK: usize = 32 << 20;

/// One pool of parser threads for the process, built on first use: a pool per call would start
/// two threads per scanned repository in an audit.
static PARSER_POOL: std::sync::LazyLock<Option<rayon::ThreadPool>> = std::sync::LazyLock::new(|| {
    rayon::ThreadPoolBuilder::new()
        .stack_size(PARSER_STACK)
        .thread_name(|i| format!("stretchlint-{i}"))
        .build()
        .ok()
});

/// Runs `op` on the parser threads (inline when already on one).
///
/// Work that calls [`load`] from parallel tasks (an audit's repositories) must itself run here:
/// a thread of another pool waiting for the parser pool steals its own pool's queued tasks
/// meanwhile, each of which waits in turn, and with enough of them the nesting overflows its
/// stack.
pub fn on_parser_pool<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    match PARSER_POOL.as_ref() {
        Some(pool) => pool.install(op),
        None => op(),
    }
}

/// The documents to keep a copy of for custom rules: by kind (install-config, a Kubernetes
/// `kind`, Heat templates).
#[derive(Clone, Debug, Default)]
pub struct Retain {
    pub install_config: bool,
    pub kinds: Vec<String>,
    pub heat: bool,
}

impl Retain {
    pub fn is_empty(&self) -> bool {
        !self.install_config && !self.heat && self.kinds.is_empty()
    }

    /// Whether a document is one to keep.
    pub fn wants(&self, root: &Node) -> bool {
        (self.heat && crate::inputs::heat::is_heat(root))
            || (self.install_config && crate::inputs::is_install_config_document(root))
            || root.get("kind").and_then(Node::as_str).is_some_and(|k| self.kinds.iter().any(|w| w == k))
    }
}

/// How files are read.
#[derive(Clone, Copy, Debug)]
pub struct Reading<'a> {
    /// The documents to keep a copy of for custom rules.
    pub retain: &'a Retain,
    /// Files larger than this are not read.
    pub max_file_size: u64,
    /// Text read instead of a file's (the fixes `--fix` checks before writing them).
    pub overlay: Option<&'a crate::fix::Overlay>,
}

/// Reads and parses `files` in parallel; ids follow the order of `files`.
pub fn load(files: &[Discovered]) -> Loaded {
    let reading = Reading {
        retain: &Retain::default(),
        max_file_size: crate::read::DEFAULT_MAX_FILE_SIZE,
        overlay: None,
    };
    load_with(files, &reading)
}

/// [`load`], as `reading` says.
pub fn load_with(files: &[Discovered], reading: &Reading<'_>) -> Loaded {
    let work = || -> Vec<(SourceFile, LoadedFile, Vec<Located>, Vec<Node>)> {
        files
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
                let mut kept = Vec::new();
                let (text, secrets, file, inputs) = load_one(id, &d.path, reading, &mut kept);
                // The line index and display path too: a serial pass over 20,000 files costs 70 ms.
                let mut source = SourceFile::new(id, d.path.clone(), text, d.reported);
                source.secrets = secrets;
                (source, file, inputs, kept)
            })
            .collect()
    };
    // The parser does not recurse, but the readers and rules walk trees recursively, once per
    // nesting level (at most the parser's depth budget of 64): the large stack keeps unoptimised
    // builds, whose frames are big, clear of the default 2 MiB.
    let results = on_parser_pool(work);
    let mut loaded = Loaded::default();
    for (source, mut file, inputs, kept) in results {
        file.inputs = inputs.len();
        loaded.retained.extend(kept.into_iter().map(|node| (file.id, node)));
        loaded.sources.push(source);
        loaded.documents += file.documents;
        loaded.files.push(file);
        loaded.inputs.extend(inputs);
    }
    loaded
}

fn load_one(
    id: FileId,
    path: &Path,
    reading: &Reading<'_>,
    kept: &mut Vec<Node>,
) -> (String, Secrets, LoadedFile, Vec<Located>) {
    let retain = reading.retain;
    let file = |parsed: Parsed, problem: Option<ReadProblem>, templated: bool| LoadedFile {
        id,
        documents: parsed.documents.len(),
        parsed,
        problem,
        templated,
        skipped: None,
        inputs: 0,
    };
    // A file named on the command line with another extension (a README, a script) that is
    // not YAML text is simply not an input: no parse error for it. A `.cfg`/`.conf` file is an
    // input only when its content is a load balancer's configuration.
    let kind = crate::discover::kind(path);
    let yaml_named = kind == Some(FileKind::Yaml);
    // `haproxy.cfg.j2`: a template of an input, whose markers may stop it being read as one.
    let template_named = crate::discover::is_template(path);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    // A file with no text to show: no secrets, no inputs.
    let textless = |loaded: LoadedFile| (String::new(), Secrets::default(), loaded, Vec::new());
    let not_an_input = || textless(file(Parsed::default(), None, false));
    let read = match reading.overlay.and_then(|o| o.get(path)) {
        Some(text) => Ok(text.clone().into_bytes()),
        None => crate::read::read(path, reading.max_file_size),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(crate::read::Unread::Io(e)) => {
            let problem = ReadProblem { message: format!("cannot read the file: {e}"), offset: 0 };
            return textless(file(Parsed::default(), Some(problem), false));
        }
        Err(unread) => {
            return textless(LoadedFile {
                skipped: Some(unread.to_string()),
                ..file(Parsed::default(), None, false)
            });
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) if !yaml_named && kind != Some(FileKind::Terraform) => return not_an_input(),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let message = if e.as_bytes().contains(&0) {
                "binary file: not text".to_owned()
            } else {
                format!("not valid UTF-8 text (invalid byte at offset {offset})")
            };
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let secrets = secrets::in_unparsed(&text);
            let problem = Some(ReadProblem { message, offset });
            return (text, secrets, file(Parsed::default(), problem, false), Vec::new());
        }
    };
    if let Some(offset) = text.find('\0') {
        if !yaml_named && kind != Some(FileKind::Terraform) {
            return not_an_input();
        }
        let problem = ReadProblem { message: "binary file: not text".to_owned(), offset };
        let secrets = secrets::in_unparsed(&text);
        return (text, secrets, file(Parsed::default(), Some(problem), false), Vec::new());
    }
    if kind == Some(FileKind::Terraform) {
        let (problem, secrets, inputs) = match terraform::parse_file(path, &text) {
            Ok(body) => {
                let secrets = secrets::in_terraform(&body, &text);
                let tf = TerraformFile::new(id, body, path);
                (None, secrets, vec![Located { dir, input: Input::Terraform(Box::new(tf)) }])
            }
            // A template of a module: not broken, only not checkable before rendering (SL002).
            Err(e) if template_named && yaml::has_template_markers(&text) => {
                let secrets = secrets::in_unparsed(&text);
                let parsed = unrendered(id, e.offset, format!("cannot parse Terraform: {}", e.message));
                return (text, secrets, file(parsed, None, true), Vec::new());
            }
            Err(e) => {
                let problem = ReadProblem { message: e.message, offset: e.offset };
                (Some(problem), secrets::in_unparsed(&text), Vec::new())
            }
        };
        return (text, secrets, file(Parsed::default(), problem, false), inputs);
    }
    if !yaml_named && let Some(config) = lb::read(id, &text) {
        let inputs = vec![Located { dir, input: Input::LoadBalancer(Box::new(config)) }];
        let secrets = secrets::in_config(&text);
        return (text, secrets, file(Parsed::default(), None, false), inputs);
    }
    if kind == Some(FileKind::Config)
        && template_named
        && lb::has_sections(&text)
        && let Some(at) = first_template_marker(&text)
    {
        // A load balancer's sections that cannot be read before rendering (SL002 says so). A
        // `.conf.j2` with no such section (nginx, sshd: Ansible roles hold many) is no input,
        // as a plain `.cfg` that is not one.
        let secrets = secrets::in_unparsed(&text);
        let parsed = unrendered(id, at, "template marker".to_owned());
        return (text, secrets, file(parsed, None, true), Vec::new());
    }
    let parsed = yaml::parse(id, &text);
    if !yaml_named && !parsed.errors.is_empty() {
        return not_an_input();
    }
    // The trees go to the readers, which keep (by move) the raw subtrees rules need; the rest is
    // freed here, in parallel on the thread that built it. Keeping whole trees costs ~9× the text
    // in memory and a serial drop of every node when the run ends.
    let secrets = secrets::in_yaml(&parsed, &text);
    let mut parsed = parsed;
    let documents = std::mem::take(&mut parsed.documents);
    let count = documents.len();
    let mut found = Vec::new();
    // Ansible's `group_vars/` and `host_vars/` files are plain mappings that content cannot tell
    // from any other YAML: where they sit says what they are (the one exception to reading by
    // content). They serve the folder that holds their `group_vars/`.
    let vars_file = crate::inputs::ansible::vars_target(path);
    let dir = vars_file.as_ref().map_or(dir, |(_, owner)| owner.to_path_buf());
    for doc in documents {
        if !retain.is_empty() {
            keep(&doc.root, retain, kept);
        }
        match &vars_file {
            Some((target, _)) => found.extend(crate::inputs::ansible::read_vars_file(id, target, doc.root)),
            None => read_document(id, doc.root, &mut found),
        }
    }
    // `import_playbook` names a playbook by its path.
    for input in &mut found {
        if let Input::Playbook(p) = input {
            p.path = path.to_path_buf();
        }
    }
    let inputs = found.into_iter().map(|input| Located { dir: dir.clone(), input }).collect();
    let templated = yaml::has_template_markers(&text);
    (text, secrets, LoadedFile { documents: count, ..file(parsed, None, templated) }, inputs)
}

/// A template that could not be read before rendering, as one parse error at `offset` (where
/// SL002 points).
fn unrendered(id: FileId, offset: usize, message: String) -> Parsed {
    let span = crate::source::Span::new(id, offset, offset);
    Parsed { errors: vec![yaml::ParseError { message, span }], ..Parsed::default() }
}

/// The byte offset of the first `{{` or `{%`.
fn first_template_marker(text: &str) -> Option<usize> {
    [text.find("{{"), text.find("{%")].into_iter().flatten().min()
}

/// Copies the documents custom rules read; a `List`'s items count as documents.
fn keep(root: &Node, retain: &Retain, out: &mut Vec<Node>) {
    if let Some(items) = crate::inputs::list_items(root) {
        for item in items {
            keep(item, retain, out);
        }
    } else if retain.wants(root) {
        out.push(root.clone());
    }
}
