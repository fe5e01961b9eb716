use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::source::Span;

declare_rule!(ParseError, "SL001", "SL001-parse-error.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for file in cx.files {
        if let Some(problem) = &file.problem {
            let span = Span::new(file.id, problem.offset, problem.offset);
            out.push(Diagnostic::new("SL001", span, problem.message.clone()).with_help(
                "stretchlint reads UTF-8 text (YAML, Terraform HCL, HAProxy and keepalived configurations): fix the \
                 file, or remove it from the scanned paths if it is not a manifest",
            ));
            continue;
        }
        if file.templated {
            continue; // SL002 reports templates once instead
        }
        for err in &file.parsed.errors {
            out.push(
                Diagnostic::new("SL001", err.span, format!("cannot parse YAML: {}", err.message))
                    .with_label("the parser stopped here")
                    .with_help("fix the syntax; the rest of the file and the scan were still checked"),
            );
        }
    }
}
