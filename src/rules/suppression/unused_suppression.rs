//! SL901: a suppression that suppresses nothing, like ruff's RUF100. Stale suppressions pile up
//! and hide the next real finding on their line; only rules that ran are judged, since a rule left
//! out of the run cannot show that its suppression is needed.

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::source::Sp;
use crate::suppress::{Directive, Scope};

declare_rule!(UnusedSuppression, "SL901", "SL901-unused-suppression.yaml", check);

/// Made by report::suppressions once every other rule has run.
fn check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}

pub fn diagnostic(rule: &Sp<String>, code: &str, directive: &Directive) -> Diagnostic {
    let place = match directive.scope {
        Scope::Line { target_line } => format!("on line {target_line}"),
        Scope::File => "in this file".to_owned(),
    };
    let rule_name = if rule.value.eq_ignore_ascii_case(code) {
        code.to_owned()
    } else {
        format!("{code} ({})", rule.value)
    };
    Diagnostic::new(
        "SL901",
        rule.span,
        format!("suppression of {rule_name} is unused: it reports nothing {place}"),
    )
    .with_label("suppresses nothing")
    .with_help(format!(
        "remove `{}` from the suppression (or the whole comment when it lists nothing else)",
        rule.value
    ))
}
