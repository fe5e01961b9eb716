//! SL902: a suppression comment that cannot be applied: it does not follow the syntax, names a
//! rule that does not exist, or gives no reason where the configuration requires one. Such a
//! comment suppresses nothing, so the finding it was meant for still shows; this says why.

use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::source::{Sp, Span};

declare_rule!(InvalidSuppression, "SL902", "SL902-invalid-suppression.yaml", check);

/// Made by report::suppressions, with the comments of the reported files.
fn check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}

const SYNTAX: &str = "write `# stretchlint: ignore[SL102] <reason>` (this line or the next), or `# stretchlint: ignore-file[SL102] <reason>`; `until=YYYY-MM-DD` may follow the `]`";

pub fn malformed(span: Span, message: &str) -> Diagnostic {
    Diagnostic::new("SL902", span, format!("suppression comment cannot be read: {message}"))
        .with_label("not applied")
        .with_help(SYNTAX)
}

pub fn unknown_rule(rule: &Sp<String>) -> Diagnostic {
    Diagnostic::new("SL902", rule.span, format!("suppression names `{}`, which is no rule", rule.value))
        .with_label("unknown rule")
        .with_help("name a rule by its code (SL102) or name (missing-per-az-machineset); `stretchlint rules` lists them")
}

pub fn missing_reason(span: Span) -> Diagnostic {
    Diagnostic::new(
        "SL902",
        span,
        "suppression gives no reason, and the configuration requires one (require-reason)",
    )
    .with_label("not applied")
    .with_help("say after the `]` why the finding does not apply here, so that reviewers can judge it")
}
