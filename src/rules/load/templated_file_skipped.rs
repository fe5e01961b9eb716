use crate::diagnostic::Diagnostic;
use crate::discover::FileKind;
use crate::rules::{Context, declare_rule};

declare_rule!(TemplatedFileSkipped, "SL002", "SL002-templated-file-skipped.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for file in cx.files.iter().filter(|f| f.templated && f.problem.is_none()) {
        let Some(first) = file.parsed.errors.first() else { continue };
        let skipped = file.parsed.errors.len();
        let what = if skipped == 1 { "a document".to_owned() } else { format!("{skipped} documents") };
        let path = cx.sources.get(file.id).map(|s| s.path.as_path());
        let (message, label) = match path.and_then(crate::discover::kind) {
            Some(FileKind::Terraform) => {
                ("make this file unparsable as Terraform before rendering".to_owned(), "parsing stopped here")
            }
            // No parser ran: what it cannot be read past is the first marker.
            Some(FileKind::Config) => (
                "make this file unreadable as a load balancer configuration before rendering".to_owned(),
                "the first template marker",
            ),
            _ => (format!("make {what} of this file unparsable as YAML"), "parsing stopped here"),
        };
        out.push(
            Diagnostic::new("SL002", first.span, format!("template markers (`{{{{` or `{{%`) {message}; skipped"))
            .with_label(label)
            .with_help("lint the rendered output instead (e.g. run the template, then `stretchlint check` on the result)"),
        );
    }
}
