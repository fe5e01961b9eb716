use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(TemplatedFileSkipped, "SL002", "SL002-templated-file-skipped.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for file in cx.files.iter().filter(|f| f.templated && f.problem.is_none()) {
        let Some(first) = file.parsed.errors.first() else { continue };
        let skipped = file.parsed.errors.len();
        let what = if skipped == 1 { "a document".to_owned() } else { format!("{skipped} documents") };
        out.push(
            Diagnostic::new(
                "SL002",
                first.span,
                format!("template markers (`{{{{` or `{{%`) make {what} of this file unparsable as YAML; skipped"),
            )
            .with_label("parsing stopped here")
            .with_help("lint the rendered output instead (e.g. run the template, then `stretchlint check` on the result)"),
        );
    }
}
