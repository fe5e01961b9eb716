use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(InvalidSiteFile, "SL004", "SL004-invalid-site-file.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for topology in &cx.model.site.topologies {
        for err in &topology.schema_errors {
            out.push(
                Diagnostic::new(
                    "SL004",
                    err.span,
                    format!("Site file does not match its schema: {}", err.value),
                )
                .with_help("see schemas/site.schema.json and the Site format in the README"),
            );
        }
    }
}
