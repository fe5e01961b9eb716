//! Static evaluation of Terraform expressions: what can be known before `terraform plan`.
//!
//! Literals, `var.*` (defaults, `.tfvars` files, a calling module's arguments), `local.*`,
//! `count.index`, `each.key`/`each.value`, references to resources and data sources (with
//! indexes and splats), string templates, conditionals, comparisons and a few string and
//! collection functions are evaluated. Everything else is [`Value::Unknown`]: a value is never
//! guessed, so a rule never fires on what the scan cannot see.

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Element, Template};

use super::module::{self, Index, Modules};
use crate::source::{FileId, Span};
use crate::yaml::{Node, NodeKind};

/// How many indirections (`var` → caller argument → `local` → …) one evaluation follows: deep
/// enough for real module chains, and a bound for the pathological ones.
pub(super) const MAX_DEPTH: u8 = 24;

/// The longest string and list a template or function may build: names are short, and a
/// configuration that doubles a string per step (`"${x}${x}"`) must not fill the memory.
const MAX_TEXT: usize = 4096;
const MAX_ITEMS: usize = 10_000;

/// A built value within those bounds, else unknown.
pub(super) fn bounded(value: Value) -> Value {
    match &value {
        Value::Str(s, span) if s.len() > MAX_TEXT => Value::Unknown(*span),
        Value::List(items, span) if items.len() > MAX_ITEMS => Value::Unknown(*span),
        _ => value,
    }
}

/// A value, as far as it is known statically.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Null(Span),
    Bool(bool, Span),
    Num(f64, Span),
    Str(String, Span),
    List(Vec<Value>, Span),
    Map(Vec<(String, Value)>, Span),
    /// A resource instance of the scan, or one of its computed attributes (`id`).
    Resource(Box<ResourceValue>),
    /// A list of unknown length whose elements are all this value: a splat over a resource whose
    /// `count` is unknown (zero, one or many instances of the one object the scan keeps).
    Repeated(Box<Value>, Span),
    Unknown(Span),
}

/// A reference to a resource instance (`openstack_networking_subnet_v2.nodes[0]`), or to one of
/// its attributes that is known only after apply.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ResourceValue {
    /// The module (folder) that defines the resource.
    pub module: usize,
    /// The file that defines the resource.
    pub file: FileId,
    pub kind: String,
    /// The instance's address without its type: `nodes`, `nodes[0]`, `nodes["az1"]`, `nodes[?]`.
    pub key: String,
    pub attr: Option<String>,
    pub span: Span,
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Null(s)
            | Value::Bool(_, s)
            | Value::Num(_, s)
            | Value::Str(_, s)
            | Value::List(_, s)
            | Value::Map(_, s)
            | Value::Repeated(_, s)
            | Value::Unknown(s) => *s,
            Value::Resource(r) => r.span,
        }
    }

    /// The same value, reported at `span` (a value read through a variable is reported where
    /// the variable is used).
    pub fn at(self, span: Span) -> Value {
        match self {
            Value::Null(_) => Value::Null(span),
            Value::Bool(b, _) => Value::Bool(b, span),
            Value::Num(n, _) => Value::Num(n, span),
            Value::Str(s, _) => Value::Str(s, span),
            Value::List(items, _) => Value::List(items, span),
            Value::Map(entries, _) => Value::Map(entries, span),
            Value::Repeated(inner, _) => Value::Repeated(inner, span),
            Value::Unknown(_) => Value::Unknown(span),
            Value::Resource(mut r) => {
                r.span = span;
                Value::Resource(r)
            }
        }
    }

    /// The text of a string, number or flag, as a template interpolation renders it.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Str(s, _) => Some(s.clone()),
            Value::Num(n, _) => Some(number_text(*n)),
            Value::Bool(b, _) => Some(b.to_string()),
            _ => None,
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Value::Num(n, _) => Some(*n),
            Value::Str(s, _) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A whole number (an index, a count).
    pub fn integer(&self) -> Option<i64> {
        let n = self.number()?;
        // Within f64's exact range, so the cast is exact.
        (n.fract() == 0.0 && n.abs() < 9e15).then_some(n as i64)
    }

    /// The value as a YAML-like node, so that the shared field readers apply; what is not known
    /// becomes a templated string, which every reader takes as unknown.
    pub fn into_node(self) -> Node {
        let span = self.span();
        let kind = match self {
            Value::Null(_) => NodeKind::Null,
            Value::Bool(b, _) => NodeKind::Bool(b),
            Value::Num(n, _) => match Value::Num(n, span).integer() {
                Some(i) => NodeKind::Int(i),
                None => NodeKind::Float(n),
            },
            Value::Str(s, _) => NodeKind::Str(s),
            Value::List(items, _) => NodeKind::Seq(items.into_iter().map(Value::into_node).collect()),
            Value::Map(entries, _) => NodeKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (Node { kind: NodeKind::Str(k), span: v.span() }, v.into_node()))
                    .collect(),
            ),
            Value::Resource(_) | Value::Repeated(..) | Value::Unknown(_) => NodeKind::Str(UNKNOWN.to_owned()),
        };
        Node { kind, span }
    }
}

/// The text given to values that cannot be read statically: a template marker, so that
/// [`crate::yaml::is_templated`] and with it every field reader call them unknown.
const UNKNOWN: &str = "${…}";

fn number_text(n: f64) -> String {
    match Value::Num(n, Span::new(FileId(0), 0, 0)).integer() {
        Some(i) => i.to_string(),
        None => n.to_string(),
    }
}

/// Whether two known values are equal, as `==` tells; `None` when either is not known.
/// Terraform compares without conversion: `"1" == 1` is false.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Null(_), Value::Null(_)) => true,
        (Value::Str(x, _), Value::Str(y, _)) => x == y,
        (Value::Num(x, _), Value::Num(y, _)) => x == y,
        (Value::Bool(x, _), Value::Bool(y, _)) => x == y,
        (Value::List(x, _), Value::List(y, _)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                all &= equal(p, q)?;
            }
            all
        }
        (
            Value::Null(_),
            Value::Str(..) | Value::Num(..) | Value::Bool(..) | Value::List(..) | Value::Map(..),
        )
        | (
            Value::Str(..) | Value::Num(..) | Value::Bool(..) | Value::List(..) | Value::Map(..),
            Value::Null(_),
        ) => false,
        (Value::Str(..), Value::Num(..) | Value::Bool(..))
        | (Value::Num(..), Value::Str(..) | Value::Bool(..))
        | (Value::Bool(..), Value::Str(..) | Value::Num(..)) => false,
        _ => return None,
    })
}

/// One value for several that may each be the real one (the branches of a conditional whose
/// condition is unknown, the arguments of several calls of a module): known only if they agree.
pub(super) fn agreed(values: Vec<Value>, span: Span) -> Value {
    let mut it = values.into_iter();
    let Some(first) = it.next() else { return Value::Unknown(span) };
    for other in it {
        if equal(&first, &other) != Some(true) {
            return Value::Unknown(span);
        }
    }
    first
}

pub(super) fn span_of(expr: &Expression, file: FileId) -> Span {
    use hcl_edit::Span as _;
    expr.span().map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end))
}

/// Where an expression is evaluated: the module, the file (for spans), the instance of a
/// `count`/`for_each` resource, and how deep the evaluation already is.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'m> {
    pub modules: &'m Modules<'m>,
    pub module: usize,
    pub file: FileId,
    pub index: &'m Index,
    /// Inside the `content` of a `dynamic` block: its iterator.
    pub iter: Option<&'m Iteration>,
    pub depth: u8,
}

/// The iterator of a `dynamic` block (`fixed_ip.key`, `fixed_ip.value`).
#[derive(Clone, Debug)]
pub(super) struct Iteration {
    pub name: String,
    pub key: Value,
    pub value: Value,
}

impl<'m> Ctx<'m> {
    pub fn eval(&self, expr: &'m Expression) -> Value {
        let span = span_of(expr, self.file);
        match expr {
            Expression::Null(_) => Value::Null(span),
            Expression::Bool(b) => Value::Bool(*b.value(), span),
            Expression::Number(n) => n.as_f64().map_or(Value::Unknown(span), |f| Value::Num(f, span)),
            Expression::String(s) => Value::Str(s.value().clone(), span),
            Expression::Array(items) => Value::List(items.iter().map(|i| self.eval(i)).collect(), span),
            Expression::Object(object) => {
                let mut entries = Vec::with_capacity(object.len());
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(id) => id.as_str().to_owned(),
                        ObjectKey::Expression(e) => match self.eval(e).text() {
                            Some(k) => k,
                            None => return Value::Unknown(span),
                        },
                    };
                    entries.push((key, self.eval(value.expr())));
                }
                Value::Map(entries, span)
            }
            Expression::StringTemplate(t) => self.template(t, span),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Conditional(c) => match self.eval(&c.cond_expr) {
                Value::Bool(true, _) => self.eval(&c.true_expr),
                Value::Bool(false, _) => self.eval(&c.false_expr),
                // Either branch may be taken: known only when both say the same.
                _ => agreed(vec![self.eval(&c.true_expr), self.eval(&c.false_expr)], span),
            },
            Expression::UnaryOp(op) => match (op.operator.value(), self.eval(&op.expr)) {
                (UnaryOperator::Not, Value::Bool(b, _)) => Value::Bool(!b, span),
                (UnaryOperator::Neg, v) => v.number().map_or(Value::Unknown(span), |n| Value::Num(-n, span)),
                _ => Value::Unknown(span),
            },
            Expression::BinaryOp(op) => self.binary(*op.operator.value(), &op.lhs_expr, &op.rhs_expr, span),
            Expression::FuncCall(call) => {
                if !call.name.namespace.is_empty() || call.args.expand_final() {
                    return Value::Unknown(span);
                }
                let args: Vec<Value> = call.args.iter().map(|a| self.eval(a)).collect();
                bounded(super::functions::call(call.name.name.as_str(), args, span))
            }
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                match &t.expr {
                    Expression::Variable(root) => self.reference(root.as_str(), &ops, span),
                    other => {
                        let v = self.eval(other);
                        self.apply(v, &ops, span)
                    }
                }
            }
            // Heredocs, `for` expressions and bare names (`string` in a type) are not evaluated.
            Expression::HeredocTemplate(_) | Expression::ForExpr(_) | Expression::Variable(_) => {
                Value::Unknown(span)
            }
        }
    }

    /// A context one indirection deeper, in another module, file or instance.
    pub fn deeper(&self, module: usize, file: FileId, index: &'m Index) -> Option<Ctx<'m>> {
        (self.depth < MAX_DEPTH).then_some(Ctx {
            module,
            file,
            index,
            iter: None,
            depth: self.depth + 1,
            ..*self
        })
    }

    /// The same context inside a `dynamic` block's content.
    pub fn with_iter<'s>(&self, iter: Option<&'s Iteration>) -> Ctx<'s>
    where
        'm: 's,
    {
        Ctx { iter, ..self.with_index(self.index) }
    }

    /// The same context for another instance (whose index lives shorter than the modules).
    pub fn with_index<'s>(&self, index: &'s Index) -> Ctx<'s>
    where
        'm: 's,
    {
        Ctx {
            modules: self.modules,
            module: self.module,
            file: self.file,
            index,
            iter: None,
            depth: self.depth,
        }
    }

    fn template(&self, template: &'m Template, span: Span) -> Value {
        // `"${x}"` alone is `x` itself, not its text (Terraform 0.11 wrote every reference so).
        if let Some(Element::Interpolation(i)) = template.as_single_element()
            && !i.strip.strip_start()
            && !i.strip.strip_end()
        {
            return self.eval(&i.expr);
        }
        let mut out = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    // `${~ x ~}` trims the literals around it: rare in names, not reproduced.
                    if i.strip.strip_start() || i.strip.strip_end() {
                        return Value::Unknown(span);
                    }
                    match self.eval(&i.expr).text() {
                        Some(t) if out.len() + t.len() <= MAX_TEXT => out.push_str(&t),
                        _ => return Value::Unknown(span),
                    }
                }
                Element::Directive(_) => return Value::Unknown(span),
            }
        }
        bounded(Value::Str(out, span))
    }

    fn binary(&self, op: BinaryOperator, lhs: &'m Expression, rhs: &'m Expression, span: Span) -> Value {
        let left = self.eval(lhs);
        // `&&` and `||` are settled by a known left side whatever the right one is.
        match (op, &left) {
            (BinaryOperator::And, Value::Bool(false, _)) => return Value::Bool(false, span),
            (BinaryOperator::Or, Value::Bool(true, _)) => return Value::Bool(true, span),
            _ => {}
        }
        let right = self.eval(rhs);
        let flag = |b: Option<bool>| b.map_or(Value::Unknown(span), |b| Value::Bool(b, span));
        let numbers = || Some((left.number()?, right.number()?));
        match op {
            BinaryOperator::Eq => flag(equal(&left, &right)),
            BinaryOperator::NotEq => flag(equal(&left, &right).map(|e| !e)),
            BinaryOperator::And | BinaryOperator::Or => match (&left, &right) {
                (Value::Bool(_, _), Value::Bool(r, _)) => Value::Bool(*r, span),
                (_, Value::Bool(false, _)) if op == BinaryOperator::And => Value::Bool(false, span),
                (_, Value::Bool(true, _)) if op == BinaryOperator::Or => Value::Bool(true, span),
                _ => Value::Unknown(span),
            },
            BinaryOperator::Less => flag(numbers().map(|(a, b)| a < b)),
            BinaryOperator::LessEq => flag(numbers().map(|(a, b)| a <= b)),
            BinaryOperator::Greater => flag(numbers().map(|(a, b)| a > b)),
            BinaryOperator::GreaterEq => flag(numbers().map(|(a, b)| a >= b)),
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Mul
            | BinaryOperator::Div
            | BinaryOperator::Mod => {
                let result = numbers().and_then(|(a, b)| match op {
                    BinaryOperator::Plus => Some(a + b),
                    BinaryOperator::Minus => Some(a - b),
                    BinaryOperator::Mul => Some(a * b),
                    BinaryOperator::Div if b != 0.0 => Some(a / b),
                    BinaryOperator::Mod if b != 0.0 => Some(a % b),
                    _ => None,
                });
                result.filter(|r| r.is_finite()).map_or(Value::Unknown(span), |r| Value::Num(r, span))
            }
        }
    }

    /// A traversal from a root name: `var.x`, `local.x`, `count.index`, `each.key`,
    /// `data.TYPE.NAME…`, `module.NAME.OUTPUT`, `TYPE.NAME…`.
    fn reference(&self, root: &str, ops: &[&'m TraversalOperator], span: Span) -> Value {
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        };
        let rest = |n: usize| ops.get(n..).unwrap_or_default();
        if let Some(it) = self.iter.filter(|it| it.name == root) {
            let value = match attr(0) {
                Some("key") => it.key.clone().at(span),
                Some("value") => it.value.clone().at(span),
                _ => Value::Unknown(span),
            };
            return self.apply(value, rest(1), span);
        }
        let (value, used) = match (root, attr(0), attr(1)) {
            ("var", Some(name), _) => (module::variable(self, name, span), 1),
            ("local", Some(name), _) => (module::local(self, name, span), 1),
            ("count", Some("index"), _) => match self.index {
                Index::Count(i) => (Value::Num(*i as f64, span), 1),
                _ => (Value::Unknown(span), 1),
            },
            ("each", Some(part @ ("key" | "value")), _) => match self.index {
                Index::Each(key, value) if part == "key" => (Value::Str(key.clone(), span), 1),
                Index::Each(_, value) => (value.clone().at(span), 1),
                _ => (Value::Unknown(span), 1),
            },
            ("data", Some(kind), Some(name)) => (module::data(self, kind, name, span), 2),
            ("module", Some(call), Some(output)) => (module::output(self, call, output, span), 2),
            (kind, Some(name), _) if module::has_resource(self, kind, name) => {
                (module::resource(self, kind, name, span), 1)
            }
            _ => return Value::Unknown(span),
        };
        self.apply(value, rest(used), span)
    }

    /// Attribute accesses, indexes and splats applied to a value.
    fn apply(&self, value: Value, ops: &[&'m TraversalOperator], span: Span) -> Value {
        let Some((first, rest)) = ops.split_first() else { return value };
        match first {
            TraversalOperator::GetAttr(id) => {
                let next = match value {
                    Value::Map(entries, _) => entries
                        .into_iter()
                        .find(|(k, _)| k == id.as_str())
                        .map_or(Value::Unknown(span), |(_, v)| v),
                    Value::Resource(r) if r.attr.is_none() => module::attribute(self, *r, id.as_str(), span),
                    _ => Value::Unknown(span),
                };
                self.apply(next, rest, span)
            }
            TraversalOperator::Index(e) => {
                let index = self.eval(e);
                self.apply(element(value, &index, span), rest, span)
            }
            TraversalOperator::LegacyIndex(n) => {
                let index = Value::Num(*n.value() as f64, span);
                self.apply(element(value, &index, span), rest, span)
            }
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                // `.*` carries only the attribute accesses after it into each element; `[*]`
                // carries everything.
                let carried = match first {
                    TraversalOperator::AttrSplat(_) => {
                        rest.iter().take_while(|o| matches!(o, TraversalOperator::GetAttr(_))).count()
                    }
                    _ => rest.len(),
                };
                let (each, after) = rest.split_at(carried);
                let list = match value {
                    Value::List(items, s) => {
                        Value::List(items.into_iter().map(|i| self.apply(i, each, span)).collect(), s)
                    }
                    Value::Repeated(inner, s) => Value::Repeated(Box::new(self.apply(*inner, each, span)), s),
                    Value::Null(s) => Value::List(Vec::new(), s),
                    Value::Unknown(s) => Value::Unknown(s),
                    // A splat over a single value makes a list of it.
                    single => Value::List(vec![self.apply(single, each, span)], span),
                };
                self.apply(list, after, span)
            }
        }
    }
}

/// `value[index]`.
fn element(value: Value, index: &Value, span: Span) -> Value {
    match value {
        Value::List(items, _) => index
            .integer()
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| items.into_iter().nth(i))
            .unwrap_or(Value::Unknown(span)),
        Value::Map(entries, _) => match index.text() {
            Some(key) => {
                entries.into_iter().find(|(k, _)| *k == key).map_or(Value::Unknown(span), |(_, v)| v)
            }
            None => Value::Unknown(span),
        },
        // Every element of a list of unknown length is the same value (the one object the scan
        // keeps for a resource whose count is unknown), whatever the index.
        Value::Repeated(inner, _) => *inner,
        _ => Value::Unknown(span),
    }
}
