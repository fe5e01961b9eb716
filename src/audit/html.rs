//! `html`: one self-contained page for people who will not open a JSON file. Everything is
//! inline (style, chart, a small sort script) so the file can be mailed or archived as is and
//! opened offline; nothing is fetched. The page is also well-formed XML (XHTML syntax, CDATA
//! around the script) so tests and other tools can parse it with an XML parser.

use std::collections::BTreeMap;
use std::io::{Result, Write};

use super::formats::{Totals, totals};
use super::{Audit, RepoResult};
use crate::Severity;

const STYLE: &str = "
:root{--fg:#1d232a;--muted:#5b6570;--line:#d8dee4;--panel:#f6f8fa;--err:#b03a2e;--warn:#9a6700;--info:#1f6fb2}
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:#fff;max-width:1200px;margin:0 auto;padding:24px;overflow-wrap:anywhere}
p.headline{font-size:17px;margin:12px 0}
p.headline b{font-size:20px}
.scroll{overflow-x:auto;max-width:100%}
.scroll.tall{max-height:70vh;overflow-y:auto}
p.legend{color:var(--muted);display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center}
p.legend i{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;margin-right:4px}
input.filter{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;width:min(420px,100%);box-sizing:border-box}
svg.chart{max-width:100%;height:auto}
h1{margin:0 0 4px;font-size:24px}
h2{margin:32px 0 8px;font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:0 0 4px;font-size:15px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
a{color:var(--info)}
dl.provenance{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;color:var(--muted);margin:8px 0}
dl.provenance dt{font-weight:600}
dl.provenance dd{margin:0}
ul.totals{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:16px 0}
ul.totals li{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 14px;color:var(--muted)}
ul.totals b{display:block;font-size:20px;color:var(--fg)}
table{border-collapse:collapse;margin:8px 0 16px;width:100%}
table.heat{width:auto}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--panel);cursor:pointer;user-select:none;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}
table.heat td.n{text-align:center;min-width:40px}
td.hot{color:#fff;font-weight:600}
td.loc,td.rule{white-space:nowrap}
.sev-error{color:var(--err);font-weight:600}
.sev-warning{color:var(--warn);font-weight:600}
.sev-info{color:var(--info)}
.fix,.meta{color:var(--muted)}
section.repo{border:1px solid var(--line);border-radius:6px;padding:12px 16px;margin:16px 0}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
svg rect{fill:var(--info)}
@media (max-width:600px){body{padding:8px}table.sortable td.loc,table.sortable td.rule{white-space:normal}section.repo{padding:8px}}
@media print{th{cursor:auto}section.repo{break-inside:avoid}input.filter{display:none}}
";

/// Sorts a table by the clicked header: by `data-key` when a cell has one, else by its text,
/// numerically when both sides are numbers. No `<` or `&` so the page stays well-formed XML.
const SCRIPT: &str = "//<![CDATA[
document.querySelectorAll('table.sortable th').forEach(function (th) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0];
    var i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute('data-dir') !== 'asc';
    th.setAttribute('data-dir', asc ? 'asc' : 'desc');
    var key = function (row) {
      var cell = row.cells[i];
      return cell ? (cell.getAttribute('data-key') || cell.textContent.trim()) : '';
    };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), nx = Number(x), ny = Number(y);
      var c = (x === '' || y === '' || isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
      return asc ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
document.querySelectorAll('input.filter').forEach(function (input) {
  input.addEventListener('input', function () {
    var words = input.value.toLowerCase().split(' ').filter(function (w) { return w !== ''; });
    document.querySelectorAll('table.findings tbody tr').forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var shown = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.style.display = shown ? '' : 'none';
    });
  });
});
//]]>";

pub fn render(audit: &Audit, out: &mut dyn Write) -> Result<()> {
    let t = totals(audit);
    writeln!(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">")?;
    writeln!(out, "<head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width\"/>")?;
    writeln!(out, "<title>stretchlint audit</title><style>{STYLE}</style></head>\n<body>")?;
    header(audit, &t, out)?;
    headline(&t, out)?;
    architectures(&t, out)?;
    heat_map(audit, &t, out)?;
    repositories(audit, out)?;
    not_scanned(audit, out)?;
    writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>")
}

/// Escapes text and attribute values. Characters XML 1.0 forbids (most C0 controls, U+FFFE,
/// U+FFFF) can come from a scanned file and would make the page unparseable: they become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The one sentence management reads: how many clusters survive the loss of any one AZ.
fn headline(t: &Totals, out: &mut dyn Write) -> Result<()> {
    let unknown = t.clusters.saturating_sub(t.survive_single_az_loss).saturating_sub(t.fail_single_az_loss);
    writeln!(
        out,
        "<p class=\"headline\"><b>{} of {} clusters</b> survive the loss of any one AZ (<code>stretchlint simulate</code>); \
         {} do not, and for {} the scan does not say.</p>",
        t.survive_single_az_loss, t.clusters, t.fail_single_az_loss, unknown
    )
}

fn header(audit: &Audit, t: &Totals, out: &mut dyn Write) -> Result<()> {
    let p = &audit.provenance;
    writeln!(out, "<header><h1>stretchlint audit</h1><dl class=\"provenance\">")?;
    let honoured = if p.repo_config { "honoured" } else { "ignored" };
    for (name, value) in [
        ("tool", format!("{} {}", p.tool, p.version)),
        ("rules hash", p.rules_hash.clone()),
        ("config hash", p.config_hash.clone()),
        ("started", p.started.clone()),
        ("repository config", honoured.to_owned()),
    ] {
        writeln!(out, "<dt>{name}</dt><dd><code>{}</code></dd>", escape(&value))?;
    }
    writeln!(out, "</dl><ul class=\"totals\">")?;
    for (n, what) in [
        (t.repos, "repositories"),
        (t.failed, "not scanned"),
        (t.clusters, "clusters"),
        (t.files, "files"),
        (t.documents, "documents"),
        (t.errors, "errors"),
        (t.warnings, "warnings"),
        (t.infos, "infos"),
        (t.suppressed, "suppressed"),
    ] {
        writeln!(out, "<li><b>{n}</b>{what}</li>")?;
    }
    writeln!(out, "</ul></header>")
}

/// Clusters per architecture as horizontal bars, drawn in SVG so the chart needs no script.
fn architectures(t: &Totals, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "<h2>Clusters per architecture</h2>")?;
    if t.architectures.is_empty() {
        return writeln!(out, "<p>No cluster was found.</p>");
    }
    let (label, bar, row) = (240usize, 600usize, 28usize);
    let max = t.architectures.values().copied().max().unwrap_or(1).max(1);
    let height = row * t.architectures.len() + 8;
    let width = label + bar + 60;
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Clusters per architecture\">"
    )?;
    for (i, (arch, n)) in t.architectures.iter().enumerate() {
        let (y, w, arch) = (i * row + 4, (bar * n / max).max(2), escape(arch));
        writeln!(
            out,
            "<g class=\"bar\" data-architecture=\"{arch}\"><title>{arch}: {n}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{arch}</text><rect x=\"{label}\" y=\"{y}\" width=\"{w}\" height=\"{}\" rx=\"3\"/><text x=\"{}\" y=\"{}\">{n}</text></g>",
            label - 8,
            y + 15,
            row - 8,
            label + w + 6,
            y + 15
        )?;
    }
    writeln!(out, "</svg>")
}

/// The repositories that have any finding, worst first: by errors, then warnings, then path.
fn worst(audit: &Audit) -> Vec<(usize, &RepoResult)> {
    let mut rows: Vec<(usize, &RepoResult)> =
        audit.repos.iter().enumerate().filter(|(_, r)| !r.findings.is_empty()).collect();
    rows.sort_by(|(_, a), (_, b)| {
        (b.summary.errors, b.summary.warnings)
            .cmp(&(a.summary.errors, a.summary.warnings))
            .then(a.path.cmp(&b.path))
    });
    rows
}

/// Rules × repositories: where the findings concentrate, one glance before the details.
fn heat_map(audit: &Audit, t: &Totals, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "<h2>Findings per rule and repository</h2>")?;
    let rows = worst(audit);
    if rows.is_empty() {
        return writeln!(out, "<p>No findings.</p>");
    }
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    // Per repository and rule: the count and the most severe finding's severity.
    let counts: Vec<BTreeMap<&str, (usize, Severity)>> = rows
        .iter()
        .map(|(_, r)| {
            let mut m: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
            for f in &r.findings {
                names.insert(&f.code, &f.rule);
                let cell = m.entry(f.code.as_str()).or_insert((0, f.severity));
                cell.0 += 1;
                if severity_rank(f.severity) < severity_rank(cell.1) {
                    cell.1 = f.severity;
                }
            }
            m
        })
        .collect();
    let max = counts.iter().flat_map(|m| m.values().map(|(n, _)| *n)).max().unwrap_or(1).max(1);
    writeln!(
        out,
        "<p class=\"legend\"><span><i style=\"background:rgb({ERROR})\"></i>errors</span><span><i style=\"background:rgb({WARNING})\"></i>warnings</span>\
         <span><i style=\"background:rgb({INFO})\"></i>infos</span><span>a cell is coloured by its most severe finding, darker for more findings \
         (the darkest: {max}); {} repositories with findings, worst first</span></p>",
        rows.len()
    )?;
    write!(
        out,
        "<div class=\"scroll tall\"><table class=\"heat sortable\"><thead><tr><th>repository</th><th>errors</th><th>warnings</th>"
    )?;
    for code in t.rules.keys() {
        let name = names.get(code.as_str()).copied().unwrap_or_default();
        write!(out, "<th title=\"{}\">{}</th>", escape(name), escape(code))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for ((index, r), m) in rows.iter().zip(&counts) {
        write!(
            out,
            "<tr><td><a href=\"#repo-{index}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            escape(&r.path),
            r.summary.errors,
            r.summary.warnings
        )?;
        for code in t.rules.keys() {
            heat_cell(m.get(code.as_str()).copied(), max, out)?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")
}

/// The colours of the severities, as `r,g,b` (the page's `--err`, `--warn`, `--info`).
const ERROR: &str = "176,58,46";
const WARNING: &str = "154,103,0";
const INFO: &str = "31,111,178";

/// A cell in its most severe finding's colour, darker for more findings; an empty cell sorts as
/// zero.
fn heat_cell(cell: Option<(usize, Severity)>, max: usize, out: &mut dyn Write) -> Result<()> {
    let Some((n, severity)) = cell.filter(|(n, _)| *n > 0) else {
        return write!(out, "<td class=\"n\" data-key=\"0\"></td>");
    };
    let rgb = match severity {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
        Severity::Info => INFO,
    };
    // Counts are small: the conversion to f64 is exact. A floor keeps a single finding visible.
    let alpha = 0.15 + 0.85 * (n as f64 / max as f64);
    let hot = if alpha > 0.55 { " hot" } else { "" };
    let sev = severity.as_str();
    write!(
        out,
        "<td class=\"n{hot} sev-cell-{sev}\" title=\"{n} ({sev} at worst)\" style=\"background:rgba({rgb},{alpha:.2})\">{n}</td>"
    )
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn repositories(audit: &Audit, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "<h2>Repositories</h2>")?;
    writeln!(
        out,
        "<p><input class=\"filter\" type=\"search\" placeholder=\"filter findings: rule, file, words…\" aria-label=\"filter findings\"/></p>"
    )?;
    for (index, r) in audit.repos.iter().enumerate().filter(|(_, r)| r.error.is_none()) {
        writeln!(out, "<section class=\"repo\" id=\"repo-{index}\"><h3>{}</h3>", escape(&r.path))?;
        let commit = r.commit.as_deref().unwrap_or("unknown");
        writeln!(
            out,
            "<p class=\"meta\">commit <code>{}</code> · {} files · {} errors · {} warnings · {} infos · {} suppressed</p>",
            escape(commit),
            r.summary.files,
            r.summary.errors,
            r.summary.warnings,
            r.summary.infos,
            r.summary.suppressed
        )?;
        clusters(r, out)?;
        findings(r, out)?;
        writeln!(out, "</section>")?;
    }
    Ok(())
}

fn clusters(r: &RepoResult, out: &mut dyn Write) -> Result<()> {
    if r.clusters.is_empty() {
        return writeln!(out, "<p>No cluster found.</p>");
    }
    writeln!(
        out,
        "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>cluster</th><th>architecture</th><th>confidence</th><th>zones</th></tr></thead><tbody>"
    )?;
    for c in &r.clusters {
        writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&c.name),
            escape(&c.architecture),
            escape(&c.confidence),
            escape(&c.zones.join(", "))
        )?;
    }
    writeln!(out, "</tbody></table></div>")
}

fn findings(r: &RepoResult, out: &mut dyn Write) -> Result<()> {
    if r.findings.is_empty() {
        return writeln!(out, "<p>No findings.</p>");
    }
    writeln!(
        out,
        "<div class=\"scroll\"><table class=\"sortable findings\"><thead><tr><th>severity</th><th>rule</th><th>location</th><th>message</th><th>fix</th></tr></thead><tbody>"
    )?;
    for f in &r.findings {
        let sev = f.severity.as_str();
        // A built-in rule links to its page; a pack's rule has none to link to.
        let code = match crate::rules::find(&f.code) {
            Some(d) => format!(
                "<a href=\"{}\"><code>{}</code></a>",
                escape(&crate::rules::docs::page_uri(d)),
                escape(&f.code)
            ),
            None => format!("<code>{}</code>", escape(&f.code)),
        };
        writeln!(
            out,
            "<tr><td class=\"sev-{sev}\" data-key=\"{}\">{sev}</td><td class=\"rule\">{code}<br/>{}</td><td class=\"loc\"><code>{}:{}:{}</code></td><td>{}</td><td class=\"fix\">{}</td></tr>",
            severity_rank(f.severity),
            escape(&f.rule),
            escape(&f.file),
            f.line,
            f.column,
            escape(&f.message),
            escape(f.help.as_deref().unwrap_or("—"))
        )?;
    }
    writeln!(out, "</tbody></table></div>")
}

fn not_scanned(audit: &Audit, out: &mut dyn Write) -> Result<()> {
    let failed: Vec<&RepoResult> = audit.repos.iter().filter(|r| r.error.is_some()).collect();
    if failed.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h2>Not scanned</h2><ul>")?;
    for r in failed {
        let error = r.error.as_deref().unwrap_or_default();
        writeln!(out, "<li><code>{}</code>: {}</li>", escape(&r.path), escape(error))?;
    }
    writeln!(out, "</ul>")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_input_is_escaped() {
        assert_eq!(
            escape("<script>alert('x' & \"y\")</script>"),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
    }

    #[test]
    fn characters_xml_forbids_are_replaced() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td\n"), "a\u{fffd}b\u{fffd}c\td\n");
    }
}
