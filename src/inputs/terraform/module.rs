//! What the modules of a scan define, by name, and the values of their variables, locals,
//! outputs and resource instances.
//!
//! A variable's value is, in a module another module of the scan calls (`module "x" { source =
//! "./x" }`), the caller's argument (evaluated where the call is written) or else the default; in
//! a root module, the `.tfvars` files of its folder in Terraform's order (defaults <
//! `terraform.tfvars` < `terraform.tfvars.json` < `*.auto.tfvars` in lexical order) or else the
//! default. A variable that another `.tfvars` file of the folder sets may be given with
//! `-var-file`: unknown.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

use super::eval::{Ctx, ResourceValue, Value, agreed};
use super::{Role, TerraformFile, block_labels};
use crate::source::{FileId, Span};

/// The largest `count` taken at face value; beyond it the count is unknown.
const MAX_INSTANCES: i64 = 1_000;

/// Which instance of a resource an expression is evaluated for.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Index {
    /// A resource without `count` or `for_each`.
    None,
    Count(i64),
    Each(String, Value),
    /// The one object kept for a `count`/`for_each` that is not known.
    Unknown,
}

pub(super) static NO_INDEX: Index = Index::None;
pub(super) static UNKNOWN_INDEX: Index = Index::Unknown;

/// One instance of a resource: its address without the type, and its index.
pub(super) struct Instance {
    pub key: String,
    pub index: Index,
}

/// How a resource expands.
#[derive(Clone, Debug)]
enum Expansion {
    Single,
    Count(i64),
    Each(Vec<(String, Value)>),
    Unknown,
}

/// A block and the file it is written in.
#[derive(Clone, Copy)]
pub(super) struct Decl<'a> {
    pub file: FileId,
    pub block: &'a Block,
}

/// A variable's value from a `.tfvars` file.
enum Assigned<'a> {
    Set(FileId, &'a Expression),
    /// Set by a file that is read only when named on the command line.
    Unsure(Span),
}

enum Slot {
    Busy,
    Done(Value),
}

pub(super) struct Module<'a> {
    pub dir: PathBuf,
    /// The resource blocks, in file order.
    pub resource_blocks: Vec<Decl<'a>>,
    resources: HashMap<(&'a str, &'a str), Decl<'a>>,
    data: HashMap<(&'a str, &'a str), Decl<'a>>,
    variables: HashMap<&'a str, Decl<'a>>,
    locals: HashMap<&'a str, (FileId, &'a Expression)>,
    outputs: HashMap<&'a str, (FileId, &'a Expression)>,
    /// `module` blocks, with the module of the scan their `source` names.
    calls: HashMap<&'a str, (Decl<'a>, Option<usize>)>,
    assigned: HashMap<&'a str, Assigned<'a>>,
    /// The `module` blocks of the scan that call this module.
    callers: Vec<(usize, Decl<'a>)>,
    /// Values already evaluated (`var.x`, `local.x`, …), so that each is evaluated once.
    cache: RefCell<HashMap<String, Slot>>,
    expansions: RefCell<HashMap<(String, String), Expansion>>,
}

pub(super) struct Modules<'a> {
    pub list: Vec<Module<'a>>,
}

impl<'a> Modules<'a> {
    /// Indexes the files of each folder; `files` holds each file with its folder.
    pub fn index(files: &[(&Path, &'a TerraformFile)]) -> Self {
        let mut dirs: Vec<PathBuf> = files.iter().map(|(d, _)| crate::source::lexical(d)).collect();
        dirs.sort();
        dirs.dedup();
        let mut list: Vec<Module<'a>> = dirs.iter().cloned().map(Module::new).collect();
        let position = |dir: &Path| dirs.binary_search_by(|d| d.as_path().cmp(dir)).ok();
        let mut vars_files: Vec<Vec<&'a TerraformFile>> = Vec::new();
        vars_files.resize_with(list.len(), Vec::new);
        let placed: Vec<(usize, &'a TerraformFile)> =
            files.iter().filter_map(|(d, f)| Some((position(&crate::source::lexical(d))?, *f))).collect();
        for (m, f) in placed {
            match &f.role {
                Role::Config => list.get_mut(m).into_iter().for_each(|module| module.add(f)),
                Role::Vars(_) => vars_files.get_mut(m).into_iter().for_each(|v| v.push(f)),
            }
        }
        for (module, vars) in list.iter_mut().zip(vars_files) {
            module.assign(vars);
        }
        // Calls between the modules of the scan, by their local `source`.
        let mut callers: Vec<(usize, usize, Decl<'a>)> = Vec::new();
        let targets: Vec<Vec<(&'a str, Option<usize>)>> = list
            .iter()
            .map(|m| {
                m.calls
                    .iter()
                    .map(|(name, (decl, _))| {
                        let source = decl.block.body.get_attribute("source").and_then(|a| match &a.value {
                            Expression::String(s) => Some(s.value().as_str()),
                            _ => None,
                        });
                        // `./x` and `../x`, and the bare `x/y` Terraform 0.11 configurations
                        // wrote for local folders; a registry or URL source is not in the scan,
                        // unless a folder of the scan happens to sit at that path.
                        let local = source.filter(|s| !s.contains("://") && !s.contains("::"));
                        (*name, local.and_then(|s| position(&crate::source::lexical(&m.dir.join(s)))))
                    })
                    .collect()
            })
            .collect();
        for (m, (module, found)) in list.iter_mut().zip(targets).enumerate() {
            for (name, target) in found {
                if let Some((decl, slot)) = module.calls.get_mut(name) {
                    *slot = target;
                    if let Some(t) = target {
                        callers.push((t, m, *decl));
                    }
                }
            }
        }
        callers.sort_by_key(|(t, m, d)| (*t, *m, d.file));
        for (t, m, decl) in callers {
            if let Some(target) = list.get_mut(t) {
                target.callers.push((m, decl));
            }
        }
        Modules { list }
    }

    fn module(&self, m: usize) -> Option<&Module<'a>> {
        self.list.get(m)
    }

    /// A value computed once per module and name; a name whose value depends on itself is unknown.
    fn cached(&self, m: usize, key: String, span: Span, compute: impl FnOnce() -> Value) -> Value {
        let Some(module) = self.module(m) else { return Value::Unknown(span) };
        match module.cache.borrow().get(&key) {
            Some(Slot::Done(v)) => return v.clone().at(span),
            Some(Slot::Busy) => return Value::Unknown(span),
            None => {}
        }
        module.cache.borrow_mut().insert(key.clone(), Slot::Busy);
        let value = compute();
        module.cache.borrow_mut().insert(key, Slot::Done(value.clone()));
        value.at(span)
    }
}

pub(super) fn variable(ctx: &Ctx<'_>, name: &str, span: Span) -> Value {
    let m = ctx.module;
    ctx.modules.cached(m, format!("var.{name}"), span, || {
        let Some(module) = ctx.modules.module(m) else { return Value::Unknown(span) };
        let Some(decl) = module.variables.get(name).copied() else { return Value::Unknown(span) };
        let default = || match decl.block.body.get_attribute("default") {
            Some(d) => ctx.deeper(m, decl.file, &NO_INDEX).map_or(Value::Unknown(span), |c| c.eval(&d.value)),
            None => Value::Unknown(span),
        };
        let value = if module.callers.is_empty() {
            match module.assigned.get(name) {
                // A `.tfvars` file is scanned for secrets by its keys alone: the value of a
                // variable its module marks `sensitive` is not read, so no message quotes it.
                Some(Assigned::Set(file, expr)) if sensitive(&decl.block.body) => {
                    Value::Unknown(super::eval::span_of(expr, *file))
                }
                Some(Assigned::Set(file, expr)) => {
                    ctx.deeper(m, *file, &NO_INDEX).map_or(Value::Unknown(span), |c| c.eval(expr))
                }
                Some(Assigned::Unsure(at)) => Value::Unknown(*at),
                None => default(),
            }
        } else {
            // Every call must agree for the value to be known.
            let values = module
                .callers
                .iter()
                .map(|(caller, call)| match call.block.body.get_attribute(name) {
                    Some(arg) => {
                        let index = if repeated(&call.block.body) { &UNKNOWN_INDEX } else { &NO_INDEX };
                        ctx.deeper(*caller, call.file, index)
                            .map_or(Value::Unknown(span), |c| c.eval(&arg.value))
                    }
                    None => default(),
                })
                .collect();
            agreed(values, span)
        };
        convert(value, decl.block.body.get_attribute("type").map(|t| &t.value))
    })
}

pub(super) fn local(ctx: &Ctx<'_>, name: &str, span: Span) -> Value {
    let m = ctx.module;
    ctx.modules.cached(m, format!("local.{name}"), span, || {
        match ctx.modules.module(m).and_then(|module| module.locals.get(name)) {
            Some((file, expr)) => {
                ctx.deeper(m, *file, &NO_INDEX).map_or(Value::Unknown(span), |c| c.eval(expr))
            }
            None => Value::Unknown(span),
        }
    })
}

/// `module.CALL.OUTPUT`: the output of a module of the scan, evaluated there.
pub(super) fn output(ctx: &Ctx<'_>, call: &str, output: &str, span: Span) -> Value {
    let Some((decl, Some(target))) = ctx.modules.module(ctx.module).and_then(|m| m.calls.get(call)) else {
        return Value::Unknown(span);
    };
    if repeated(&decl.block.body) {
        return Value::Unknown(span);
    }
    let target = *target;
    ctx.modules.cached(target, format!("output.{output}"), span, || {
        match ctx.modules.module(target).and_then(|module| module.outputs.get(output)) {
            Some((file, expr)) => {
                ctx.deeper(target, *file, &NO_INDEX).map_or(Value::Unknown(span), |c| c.eval(expr))
            }
            None => Value::Unknown(span),
        }
    })
}

/// `data.TYPE.NAME`: an object whose `id` and `name` are the data source's `name` argument
/// (a lookup by name: the name stands for the object the scan may define).
pub(super) fn data(ctx: &Ctx<'_>, kind: &str, name: &str, span: Span) -> Value {
    let Some(decl) = ctx.modules.module(ctx.module).and_then(|m| m.data.get(&(kind, name))).copied() else {
        return Value::Unknown(span);
    };
    let Some(inner) = ctx.deeper(ctx.module, decl.file, &NO_INDEX) else { return Value::Unknown(span) };
    let by_name = match decl.block.body.get_attribute("name") {
        Some(a) => inner.eval(&a.value),
        None => Value::Unknown(span),
    };
    let object = Value::Map(vec![("id".to_owned(), by_name.clone()), ("name".to_owned(), by_name)], span);
    match expansion(&inner, &decl.block.body) {
        Expansion::Single => object,
        Expansion::Count(n) => Value::List(vec![object; usize::try_from(n).unwrap_or(0)], span),
        Expansion::Each(_) | Expansion::Unknown => Value::Repeated(Box::new(object), span),
    }
}

pub(super) fn has_resource(ctx: &Ctx<'_>, kind: &str, name: &str) -> bool {
    ctx.modules.module(ctx.module).is_some_and(|module| module.resources.contains_key(&(kind, name)))
}

/// `TYPE.NAME`: the instance, the list of `count` instances, the map of `for_each` ones, or
/// the one object of an unknown expansion repeated.
pub(super) fn resource(ctx: &Ctx<'_>, kind: &str, name: &str, span: Span) -> Value {
    let Some(decl) = ctx.modules.module(ctx.module).and_then(|m| m.resources.get(&(kind, name))).copied()
    else {
        return Value::Unknown(span);
    };
    let object = |key: String| {
        Value::Resource(Box::new(ResourceValue {
            module: ctx.module,
            file: decl.file,
            kind: kind.to_owned(),
            key,
            attr: None,
            span,
        }))
    };
    let instances = instances(ctx, kind, name);
    match expansion_of(ctx, kind, name) {
        Expansion::Single => object(name.to_owned()),
        Expansion::Count(_) => Value::List(instances.into_iter().map(|i| object(i.key)).collect(), span),
        Expansion::Each(entries) => Value::Map(
            entries.into_iter().zip(instances).map(|((k, _), i)| (k, object(i.key))).collect(),
            span,
        ),
        Expansion::Unknown => Value::Repeated(Box::new(object(unknown_key(name))), span),
    }
}

/// An attribute of a resource instance: `id` is known only after apply; another attribute
/// is the argument written in the resource, evaluated for that instance.
pub(super) fn attribute(ctx: &Ctx<'_>, r: ResourceValue, attr: &str, span: Span) -> Value {
    let computed =
        |r: ResourceValue| Value::Resource(Box::new(ResourceValue { attr: Some(attr.to_owned()), ..r }));
    if attr == "id" {
        return computed(r);
    }
    let name = r.key.split('[').next().unwrap_or_default();
    let Some(decl) =
        ctx.modules.module(r.module).and_then(|m| m.resources.get(&(r.kind.as_str(), name))).copied()
    else {
        return Value::Unknown(span);
    };
    let Some(arg) = decl.block.body.get_attribute(attr) else { return computed(r) };
    // Evaluated once per instance and attribute: attributes defined through other resources'
    // attributes would otherwise be evaluated once per path to them.
    let key = format!("attr.{}.{}.{attr}", r.kind, r.key);
    let value = ctx.modules.cached(r.module, key, span, || {
        // The instance's own context: the resource may be of another module (through an output).
        let Some(home) = ctx.deeper(r.module, decl.file, &NO_INDEX) else { return Value::Unknown(span) };
        match instances(&home, &r.kind, name).into_iter().find(|i| i.key == r.key) {
            Some(instance) => home.with_index(&instance.index).eval(&arg.value),
            None => Value::Unknown(span),
        }
    });
    if matches!(value, Value::Unknown(_)) { computed(r) } else { value }
}

fn expansion_of(ctx: &Ctx<'_>, kind: &str, name: &str) -> Expansion {
    let Some(module) = ctx.modules.module(ctx.module) else { return Expansion::Unknown };
    let key = (kind.to_owned(), name.to_owned());
    if let Some(e) = module.expansions.borrow().get(&key) {
        return e.clone();
    }
    // Until it is known, a count that depends on itself is unknown.
    module.expansions.borrow_mut().insert(key.clone(), Expansion::Unknown);
    let e = match module.resources.get(&(kind, name)) {
        Some(decl) => match ctx.deeper(ctx.module, decl.file, &NO_INDEX) {
            Some(c) => expansion(&c, &decl.block.body),
            None => Expansion::Unknown,
        },
        None => Expansion::Unknown,
    };
    module.expansions.borrow_mut().insert(key, e.clone());
    e
}

/// The instances of a resource.
pub(super) fn instances(ctx: &Ctx<'_>, kind: &str, name: &str) -> Vec<Instance> {
    match expansion_of(ctx, kind, name) {
        Expansion::Single => vec![Instance { key: name.to_owned(), index: Index::None }],
        Expansion::Count(n) => {
            (0..n).map(|i| Instance { key: format!("{name}[{i}]"), index: Index::Count(i) }).collect()
        }
        Expansion::Each(entries) => entries
            .into_iter()
            .map(|(k, v)| Instance { key: format!("{name}[\"{k}\"]"), index: Index::Each(k, v) })
            .collect(),
        Expansion::Unknown => vec![Instance { key: unknown_key(name), index: Index::Unknown }],
    }
}

/// The address of the one object kept for a resource whose `count` or `for_each` is unknown.
fn unknown_key(name: &str) -> String {
    format!("{name}[?]")
}

/// Whether a variable is declared `sensitive = true`.
fn sensitive(body: &Body) -> bool {
    body.get_attribute("sensitive").is_some_and(|a| matches!(&a.value, Expression::Bool(b) if *b.value()))
}

/// Whether a block has `count` or `for_each`.
fn repeated(body: &Body) -> bool {
    body.get_attribute("count").is_some() || body.get_attribute("for_each").is_some()
}

/// How a block's `count` or `for_each` expands it.
fn expansion(ctx: &Ctx<'_>, body: &Body) -> Expansion {
    if let Some(count) = body.get_attribute("count") {
        return match ctx.eval(&count.value).integer() {
            Some(n) if (0..=MAX_INSTANCES).contains(&n) => Expansion::Count(n),
            _ => Expansion::Unknown,
        };
    }
    let Some(for_each) = body.get_attribute("for_each") else { return Expansion::Single };
    match ctx.eval(&for_each.value) {
        Value::Map(entries, _) => {
            let mut entries = entries;
            // Instances are keyed, and Terraform orders map keys lexically.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|a, b| a.0 == b.0);
            Expansion::Each(entries)
        }
        // A set of strings (`toset([...])`, or a list Terraform would reject): each.value is the key.
        Value::List(items, _) => {
            let mut keys = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Str(s, span) => keys.push((s.clone(), Value::Str(s, span))),
                    _ => return Expansion::Unknown,
                }
            }
            keys.sort_by(|a, b| a.0.cmp(&b.0));
            keys.dedup_by(|a, b| a.0 == b.0);
            Expansion::Each(keys)
        }
        _ => Expansion::Unknown,
    }
}

/// A variable's value converted to its declared primitive type, as Terraform does (`"true"` for
/// a `bool`, `3` for a `string`); values of other types are kept as they are.
fn convert(value: Value, ty: Option<&Expression>) -> Value {
    let Some(Expression::Variable(ty)) = ty else { return value };
    let span = value.span();
    match (ty.as_str(), &value) {
        ("string", Value::Num(..) | Value::Bool(..)) => value.text().map_or(value, |t| Value::Str(t, span)),
        ("number", Value::Str(s, _)) => {
            s.trim().parse().map_or(Value::Unknown(span), |n| Value::Num(n, span))
        }
        ("bool", Value::Str(s, _)) => match s.as_str() {
            "true" => Value::Bool(true, span),
            "false" => Value::Bool(false, span),
            _ => Value::Unknown(span),
        },
        _ => value,
    }
}

impl<'a> Module<'a> {
    fn new(dir: PathBuf) -> Self {
        Module {
            dir,
            resource_blocks: Vec::new(),
            resources: HashMap::new(),
            data: HashMap::new(),
            variables: HashMap::new(),
            locals: HashMap::new(),
            outputs: HashMap::new(),
            calls: HashMap::new(),
            assigned: HashMap::new(),
            callers: Vec::new(),
            cache: RefCell::new(HashMap::new()),
            expansions: RefCell::new(HashMap::new()),
        }
    }

    fn add(&mut self, f: &'a TerraformFile) {
        for block in f.body.blocks() {
            let decl = Decl { file: f.file, block };
            match (block.ident.as_str(), block_labels(block)) {
                ("resource", [kind, name]) => {
                    self.resources.insert((kind, name), decl);
                    self.resource_blocks.push(decl);
                }
                ("data", [kind, name]) => {
                    self.data.insert((kind, name), decl);
                }
                ("variable", [name, _]) => {
                    self.variables.insert(name, decl);
                }
                ("output", [name, _]) => {
                    if let Some(value) = block.body.get_attribute("value") {
                        self.outputs.insert(name, (f.file, &value.value));
                    }
                }
                ("module", [name, _]) => {
                    self.calls.insert(name, (decl, None));
                }
                ("locals", _) => {
                    for attr in block.body.attributes() {
                        self.locals.insert(attr.key.as_str(), (f.file, &attr.value));
                    }
                }
                _ => {}
            }
        }
    }

    /// The variables the `.tfvars` files of the folder set, in Terraform's precedence.
    fn assign(&mut self, mut vars: Vec<&'a TerraformFile>) {
        let rank = |f: &TerraformFile| match &f.role {
            Role::Vars(name) if name == "terraform.tfvars" => Some((0, name.clone())),
            Role::Vars(name) if name == "terraform.tfvars.json" => Some((1, name.clone())),
            Role::Vars(name) if name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json") => {
                Some((2, name.clone()))
            }
            _ => None,
        };
        vars.sort_by_key(|f| rank(f));
        let mut unsure = Vec::new();
        for f in vars {
            let automatic = rank(f).is_some();
            for attr in f.body.attributes() {
                let key = attr.key.as_str();
                if automatic {
                    self.assigned.insert(key, Assigned::Set(f.file, &attr.value));
                } else {
                    unsure.push((key, super::eval::span_of(&attr.value, f.file)));
                }
            }
        }
        // `-var-file` comes after every automatic file.
        for (key, span) in unsure {
            self.assigned.insert(key, Assigned::Unsure(span));
        }
    }
}
