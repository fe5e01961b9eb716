use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(DuplicateKey, "SL003", "SL003-duplicate-key.yaml", check);

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for file in cx.files {
        for dup in &file.parsed.duplicates {
            out.push(
                Diagnostic::new("SL003", dup.second, format!("key `{}` appears twice in one mapping", dup.key))
                    .with_label("repeated here")
                    .with_secondary(dup.first, "first defined here")
                    .with_help(
                        "keep one of the two: Kubernetes and the installer silently keep only the last, which hides the first value",
                    ),
            );
        }
    }
}
