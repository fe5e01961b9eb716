//! Terraform configurations: the `openstack_networking_*_v2` resources of a module (DOMAIN.md §D.6).
//!
//! A Terraform module is a folder, not a file: resources, variables and locals defined in one
//! `.tf` file are used from the others, and the `.tfvars` files of the folder set its variables.
//! Files are therefore parsed one by one (in parallel, like every input) and read together, per
//! folder, when the model is built; modules of the scan that call each other (`module` blocks
//! with a local `source`) pass their arguments along.
//!
//! Expressions are evaluated statically ([`eval`]): what cannot be known before `terraform
//! apply` (a variable nobody sets, an id, a function not reproduced) is unknown, never guessed.
//! A resource with `count = 3` is three objects (`nodes[0]`, `nodes[1]`, `nodes[2]`), one with
//! `for_each` over a known map or set one object per key (`nodes["az1"]`); when the count or the
//! keys are not known, the resource is one object (`nodes[?]`) whose per-instance values are
//! unknown, so that its findings are not multiplied by a guess. `dynamic` blocks expand the
//! same way.
//!
//! Two resources are read once every resource is: `openstack_networking_floatingip_associate_v2`
//! gives the floating IP it names (by address, or by reference to a floating IP resource) its
//! port, or stands for a floating IP allocated elsewhere; `openstack_networking_router_interface_v2`
//! with a `port_id` is on the subnet of that port's fixed IP.

mod eval;
mod functions;
mod module;
mod resources;

use hcl_edit::structure::{Block, Body};

use crate::inputs::field::{self, Arguments, Field};
use crate::model::site::{Origin, Ref, Site};
use crate::source::{FileId, Sp, Span};
use crate::yaml::Node;
use eval::{Ctx, Iteration, Value, span_of};
use module::Modules;

/// What a Terraform file is to its module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A `.tf` file: resources, variables, locals, outputs.
    Config,
    /// A `.tfvars` file, by its file name (which decides whether and when Terraform reads it).
    Vars(String),
}

/// One parsed `.tf` or `.tfvars` file, waiting for the rest of its module.
#[derive(Debug)]
pub struct TerraformFile {
    pub file: FileId,
    pub body: Body,
    pub role: Role,
}

impl TerraformFile {
    /// A parsed file, its role told by its name.
    pub fn new(file: FileId, body: Body, path: &std::path::Path) -> Self {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let role = if is_vars_file(path) { Role::Vars(name) } else { Role::Config };
        TerraformFile { file, body, role }
    }
}

/// Whether a path names a variable definitions file (`terraform.tfvars`, `prod.auto.tfvars`,
/// `terraform.tfvars.json`).
pub fn is_vars_file(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tfvars")) || is_json_vars_file(path)
}

/// Whether a path names a variable definitions file in JSON (the installer writes
/// `terraform.tfvars.json`).
pub fn is_json_vars_file(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".tfvars.json"))
}

/// Why a `.tf` file could not be parsed: the parser's message and the byte offset.
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

/// Parses one `.tf` or `.tfvars` file (a `.tfvars` file is a body of attributes).
pub fn parse(text: &str) -> Result<Body, ParseError> {
    hcl_edit::parser::parse_body(text).map_err(|e| ParseError {
        message: format!("Terraform (HCL) syntax error: {}", e.message()),
        offset: e.location().offset(),
    })
}

/// Parses a Terraform file of either syntax, told by its name.
pub fn parse_file(path: &std::path::Path, text: &str) -> Result<Body, ParseError> {
    if is_json_vars_file(path) { parse_json_vars(text) } else { parse(text) }
}

/// Parses a `.tfvars.json` file. A JSON object is also an HCL object expression, so its values
/// keep their positions in the text (for spans and secret masking); each entry becomes an
/// attribute, as in a `.tfvars` file.
fn parse_json_vars(text: &str) -> Result<Body, ParseError> {
    use hcl_edit::expr::{Expression, ObjectKey};
    // The expression parser takes no blank around the expression: trailing ones are cut, and
    // leading ones (the first one turned into a parenthesis, so that every offset stays) are
    // inside parentheses, where blanks are allowed.
    let text = text.trim_end();
    let wrapped = match text.as_bytes().first() {
        Some(b) if b.is_ascii_whitespace() => Some(format!("({})", text.get(1..).unwrap_or_default())),
        _ => None,
    };
    let expr = hcl_edit::parser::parse_expr(wrapped.as_deref().unwrap_or(text)).map_err(|e| ParseError {
        message: format!("Terraform variables (JSON) syntax error: {}", e.message()),
        // The closing parenthesis added above is not in the text.
        offset: e.location().offset().min(text.len()),
    })?;
    let expr = match expr {
        Expression::Parenthesis(p) if wrapped.is_some() => p.inner().clone(),
        other => other,
    };
    let Expression::Object(object) = expr else {
        return Err(ParseError {
            message: "a .tfvars.json file holds one JSON object".to_owned(),
            offset: 0,
        });
    };
    let mut body = Body::new();
    for (key, value) in object.iter() {
        let name = match key {
            ObjectKey::Ident(id) => id.as_str().to_owned(),
            ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
            ObjectKey::Expression(_) => continue,
        };
        // A key that is no identifier names no variable.
        if let Ok(ident) = hcl_edit::Ident::try_new(name) {
            body.push(hcl_edit::structure::Attribute::new(ident, value.expr().clone()));
        }
    }
    Ok(body)
}

/// The Neutron objects of one module: all files of one folder.
pub fn read_module(files: &[&TerraformFile]) -> Site {
    let dir = std::path::Path::new("");
    read_modules(&files.iter().map(|f| (dir, *f)).collect::<Vec<_>>())
}

/// The Neutron objects of every module of a scan: each file with the folder it is in.
pub fn read_modules(files: &[(&std::path::Path, &TerraformFile)]) -> Site {
    let modules = Modules::index(files);
    let mut site = Site::default();
    let mut later = resources::Later::default();
    for (m, module) in modules.list.iter().enumerate() {
        for decl in &module.resource_blocks {
            let ([kind, name], Some(span)) = (block_labels(decl.block), label_span(decl.block, 1, decl.file))
            else {
                continue;
            };
            let home = Ctx {
                modules: &modules,
                module: m,
                file: decl.file,
                index: &module::NO_INDEX,
                iter: None,
                depth: 0,
            };
            for instance in module::instances(&home, kind, name) {
                let ctx = home.with_index(&instance.index);
                let origin = Origin { file: decl.file, key: Sp::new(instance.key, span) };
                let args = Args { ctx, body: &decl.block.body, iter: None };
                resources::read(&mut site, &mut later, kind, origin, &args);
            }
        }
    }
    later.apply(&mut site);
    site
}

/// The string labels of a block (`resource "type" "name"` has two).
pub(super) fn block_labels(block: &Block) -> [&str; 2] {
    let mut it = block.labels.iter().map(|l| l.as_str());
    [it.next().unwrap_or(""), it.next().unwrap_or("")]
}

fn label_span(block: &Block, index: usize, file: FileId) -> Option<Span> {
    use hcl_edit::Span as _;
    block.labels.get(index).and_then(|l| l.span()).map(|r| Span::new(file, r.start, r.end))
}

/// A value as a reference to another object: a resource of the scan by its `id`, or a name or
/// id written out.
fn into_ref(value: Value) -> Ref {
    match value {
        Value::Resource(r) if r.attr.as_deref() == Some("id") => {
            Ref::Resource { file: r.file, key: r.key, span: r.span }
        }
        Value::Resource(r) => Ref::Unknown(r.span),
        other => {
            let node = other.into_node();
            match field::string(Some(&node)) {
                // `""` is how Terraform configurations leave an id unset (`join("", [])`).
                Field::Known(v) if v.value.is_empty() => Ref::Unknown(v.span),
                Field::Known(v) => Ref::Named { value: v.value, span: v.span },
                _ => Ref::Unknown(node.span),
            }
        }
    }
}

/// The arguments of a resource instance (or of one of its nested blocks).
struct Args<'a> {
    ctx: Ctx<'a>,
    body: &'a Body,
    /// In a block a `dynamic` block makes: its iterator.
    iter: Option<Iteration>,
}

impl Arguments for Args<'_> {
    fn field<T>(&self, key: &str, read: impl Fn(Option<&Node>) -> Field<T>) -> Field<T> {
        match self.value(key) {
            None => Field::Missing,
            Some(v) => read(Some(&v.into_node())),
        }
    }
}

impl<'a> Args<'a> {
    /// An argument's value, reported where the argument is written.
    fn value(&self, key: &str) -> Option<Value> {
        let attr = self.body.get_attribute(key)?;
        let at = span_of(&attr.value, self.ctx.file);
        Some(self.ctx.with_iter(self.iter.as_ref()).eval(&attr.value).at(at))
    }

    /// An object argument (`value_specs`) as a node.
    fn object(&self, key: &str) -> Option<Node> {
        match self.value(key)? {
            v @ Value::Map(..) => Some(v.into_node()),
            _ => None,
        }
    }

    /// Nested blocks (`segments {}`, `fixed_ip {}`), each readable as arguments: those written,
    /// then those `dynamic "fixed_ip"` blocks make, one per element of their `for_each`. A
    /// `for_each` that is not known makes one block whose values are unknown.
    fn blocks(&self, ident: &'a str) -> Vec<Args<'a>> {
        let ctx = self.ctx;
        let mut out: Vec<Args<'a>> = self
            .body
            .get_blocks(ident)
            .map(|b| Args { ctx, body: &b.body, iter: self.iter.clone() })
            .collect();
        for dynamic in self
            .body
            .get_blocks("dynamic")
            .filter(|b| matches!(block_labels(b), [label, _] if label == ident))
        {
            let Some(content) = dynamic.body.get_blocks("content").next() else { continue };
            let name = match dynamic.body.get_attribute("iterator").map(|a| &a.value) {
                Some(hcl_edit::expr::Expression::Variable(v)) => v.as_str().to_owned(),
                _ => ident.to_owned(),
            };
            let for_each = dynamic.body.get_attribute("for_each");
            let span = for_each.map_or(self.span(), |a| span_of(&a.value, ctx.file));
            let elements = match for_each.map(|a| self.ctx.with_iter(self.iter.as_ref()).eval(&a.value)) {
                Some(Value::List(items, _)) => {
                    items.into_iter().enumerate().map(|(i, v)| (Value::Num(i as f64, span), v)).collect()
                }
                Some(Value::Map(entries, _)) => {
                    entries.into_iter().map(|(k, v)| (Value::Str(k, span), v)).collect()
                }
                _ => vec![(Value::Unknown(span), Value::Unknown(span))],
            };
            for (key, value) in elements {
                let iter = Some(Iteration { name: name.clone(), key, value });
                out.push(Args { ctx, body: &content.body, iter });
            }
        }
        out
    }

    fn span(&self) -> Span {
        use hcl_edit::Span as _;
        let file = self.ctx.file;
        self.body.span().map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end))
    }

    fn reference(&self, key: &str) -> Option<Ref> {
        self.value(key).map(into_ref)
    }

    /// A list of references (`security_group_ids`), with the list's span.
    fn references(&self, key: &str) -> Option<Sp<Vec<Ref>>> {
        let value = self.value(key)?;
        let span = value.span();
        let refs = match value {
            Value::List(items, _) => items.into_iter().map(into_ref).collect(),
            _ => vec![Ref::Unknown(span)],
        };
        Some(Sp::new(refs, span))
    }
}

/// Typed reads over a node that is already resolved (`value_specs`).
struct NodeArgs<'a>(Option<&'a Node>);

impl Arguments for NodeArgs<'_> {
    fn field<T>(&self, key: &str, read: impl Fn(Option<&Node>) -> Field<T>) -> Field<T> {
        read(self.0.and_then(|n| n.get(key)))
    }
}

#[cfg(test)]
mod tests;
