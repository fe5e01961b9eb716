//! Rule documentation generated from the descriptors: the pages under `docs/rules/` (a test keeps
//! them in step) and the help that SARIF consumers show beside an alert.

use super::Descriptor;

/// Where a rule's page lives in the repository.
pub fn page_path(d: &Descriptor) -> String {
    format!("docs/rules/{}.md", d.code)
}

/// The page's address on the repository's default branch.
pub fn page_uri(d: &Descriptor) -> String {
    format!("{}/blob/main/{}", env!("CARGO_PKG_REPOSITORY"), page_path(d))
}

/// Why the rule matters and how to fix what it finds, as Markdown.
pub fn help_markdown(d: &Descriptor) -> String {
    format!("## Why it matters\n\n{}\n\n## How to fix\n\n{}\n", d.rationale.trim_end(), d.fix.trim_end())
}

/// Why and how, as plain text.
pub fn help_text(d: &Descriptor) -> String {
    format!("Why it matters: {}\n\nHow to fix: {}\n", d.rationale.trim_end(), d.fix.trim_end())
}

/// The full page: summary, severity, architectures, why, how, and both examples.
pub fn page(d: &Descriptor) -> String {
    let mut out = format!(
        "<!-- Generated from rules/{code}-{name}.yaml by `stretchlint explain {code} --format markdown`; edit the descriptor, not this page. -->\n\
         # {code} {name}\n\n{summary}\n\n- Default severity: **{severity}**\n- Applies to: {archs}\n\n",
        code = d.code,
        name = d.name,
        summary = d.summary.trim_end(),
        severity = d.severity().as_str(),
        archs = d.architectures.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
    );
    out.push_str(&help_markdown(d));
    for (title, main, files) in [
        ("Example that fires", &d.examples.bad, &d.examples.bad_files),
        ("Example that passes", &d.examples.good, &d.examples.good_files),
    ] {
        out.push_str(&format!("\n## {title}\n\n```yaml\n{}\n```\n", main.trim_end()));
        for (name, content) in files {
            out.push_str(&format!("\nBeside it, `{name}`:\n\n```\n{}\n```\n", content.trim_end()));
        }
    }
    out
}

/// The catalogue as a Markdown table, each code linking to its page (the README holds it).
pub fn table(catalogue: &[Descriptor]) -> String {
    let mut table = String::from("| code | name | severity | summary |\n|---|---|---|---|\n");
    for d in catalogue {
        table.push_str(&format!(
            "| [{}]({}) | `{}` | {} | {} |\n",
            d.code,
            page_path(d),
            d.name,
            d.severity().as_str(),
            d.summary.trim()
        ));
    }
    table
}
