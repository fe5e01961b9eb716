//! The mutations: a fixed list of byte, line and structure changes to one fixture's text, with
//! the random choices (offsets, lines) drawn from a seeded generator so every run builds the same
//! mutants.

/// SplitMix64: a few lines, full period, good enough to pick offsets reproducibly.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        items.get(self.below(items.len())).copied()
    }
}

/// How the mutated file is read, by its extension.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Yaml,
    Terraform,
    /// `.cfg`/`.conf`: HAProxy or keepalived.
    Config,
}

impl Kind {
    pub fn of(path: &str) -> Option<Self> {
        let ext = path.rsplit('.').next()?;
        match ext {
            "yaml" | "yml" => Some(Self::Yaml),
            "tf" => Some(Self::Terraform),
            "cfg" | "conf" => Some(Self::Config),
            _ => None,
        }
    }
}

/// A line-end conversion: the findings must stay where they were.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SamePlaces {
    No,
    Yes,
}

pub struct Mutant {
    pub name: String,
    pub bytes: Vec<u8>,
    pub same_places: SamePlaces,
}

const LONG: usize = 100_000;
const DEEP: usize = 10_000;

/// Every mutant of `text` (the first one is `text` itself).
pub fn mutants(kind: Kind, text: &str, rng: &mut Rng) -> Vec<Mutant> {
    let mut m = Mutants { text, lines: text.split_inclusive('\n').collect(), rng, out: Vec::new() };
    m.add("original", text);
    m.truncations();
    m.indentation();
    m.line_ends(kind);
    m.encodings();
    m.numbers();
    m.nesting(kind);
    m.long_lines(kind);
    if kind == Kind::Yaml {
        m.anchors_and_tags();
    }
    m.brackets_and_quotes();
    m.templates();
    m.suppressions();
    m.lines_shuffled();
    for (name, bytes) in [
        ("empty", ""),
        ("only-document-start", "---\n"),
        ("only-document-markers", "---\n...\n"),
        ("only-newlines", "\n\n\n"),
        ("only-bom", "\u{feff}"),
    ] {
        m.add(name, bytes);
    }
    m.out
}

struct Mutants<'a, 'r> {
    text: &'a str,
    lines: Vec<&'a str>,
    rng: &'r mut Rng,
    out: Vec<Mutant>,
}

impl Mutants<'_, '_> {
    fn add(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.out.push(Mutant { name: name.into(), bytes: bytes.into(), same_places: SamePlaces::No });
    }

    /// A random offset on a character boundary (`0..=len`).
    fn boundary(&mut self) -> usize {
        let mut at = self.rng.below(self.text.len() + 1);
        while !self.text.is_char_boundary(at) {
            at += 1;
        }
        at
    }

    fn insert(&self, at: usize, what: &[u8]) -> Vec<u8> {
        let bytes = self.text.as_bytes();
        let (head, tail) = bytes.split_at(at.min(bytes.len()));
        [head, what, tail].concat()
    }

    /// The indices of the lines that hold more than blanks.
    fn filled(&self) -> Vec<usize> {
        (0..self.lines.len()).filter(|&i| self.lines.get(i).is_some_and(|l| !l.trim().is_empty())).collect()
    }

    fn indented(&self) -> Vec<usize> {
        (0..self.lines.len())
            .filter(|&i| self.lines.get(i).is_some_and(|l| l.starts_with(' ') && !l.trim().is_empty()))
            .collect()
    }

    /// The byte offset line `i` starts at.
    fn line_start(&self, i: usize) -> usize {
        self.lines.iter().take(i).map(|l| l.len()).sum()
    }

    /// The text with line `i` replaced by `f(line)`.
    fn with_line(&self, i: usize, f: impl FnOnce(&str) -> String) -> String {
        let mut lines: Vec<String> = self.lines.iter().map(|l| (*l).to_owned()).collect();
        if let Some(line) = lines.get_mut(i) {
            *line = f(line);
        }
        lines.concat()
    }

    /// YAML `key: value` lines with a plain scalar value: the byte offset of the value in its line.
    fn values(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let body = line.trim_start().trim_start_matches("- ");
            if body.starts_with('#') {
                continue;
            }
            let Some(colon) = body.find(": ") else { continue };
            let value = body[colon + 2..].trim();
            let plain = value.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '"');
            if plain && !body[..colon].contains(' ') {
                out.push((i, line.len() - body.len() + colon + 2));
            }
        }
        out
    }

    /// The text with the value of a random `key: value` line replaced by `value`.
    fn set_value(&mut self, value: &str) -> Option<String> {
        let (i, at) = self.rng.pick(&self.values())?;
        Some(self.with_line(i, |l| format!("{}{value}\n", &l[..at])))
    }

    fn truncations(&mut self) {
        let len = self.text.len();
        for at in [1, len / 2, self.rng.below(len), self.rng.below(len)] {
            let cut = self.text.as_bytes().get(..at).unwrap_or_default().to_vec();
            self.add(format!("truncate-at-{at}"), cut);
        }
        // Inside a two-byte and inside a three-byte character.
        let line = self.rng.below(self.lines.len());
        let at = self.line_start(line);
        let with = self.insert(at, "# café ☃\n".as_bytes());
        for (name, keep) in
            [("truncate-in-2-byte-char", "# caf".len() + 1), ("truncate-in-3-byte-char", "# café ".len() + 2)]
        {
            self.add(format!("{name}-line-{}", line + 1), with.get(..at + keep).unwrap_or_default());
        }
    }

    fn indentation(&mut self) {
        let filled = self.filled();
        let indented = self.indented();
        if let Some(i) = self.rng.pick(&filled) {
            let text = self.with_line(i, |l| format!(" {l}"));
            self.add(format!("indent-line-{}", i + 1), text);
        }
        if let Some(i) = self.rng.pick(&indented) {
            let text = self.with_line(i, |l| l.trim_start().to_owned());
            self.add(format!("dedent-line-{}", i + 1), text);
        }
        if let Some(i) = self.rng.pick(&indented) {
            let text = self.with_line(i, |l| format!("\t{}", l.trim_start()));
            self.add(format!("tab-indent-line-{}", i + 1), text);
        }
        if let Some(first) = self.rng.pick(&filled) {
            let block: String = self
                .lines
                .iter()
                .enumerate()
                .map(
                    |(i, l)| {
                        if (first..first + 5).contains(&i) { format!("   {l}") } else { (*l).to_owned() }
                    },
                )
                .collect();
            self.add(format!("shift-block-lines-{}-{}", first + 1, first + 5), block);
        }
    }

    /// CRLF is a line end to every reader; a lone CR only to YAML (HCL, HAProxy and keepalived
    /// read it as a character of the line).
    fn line_ends(&mut self, kind: Kind) {
        let crlf = self.text.replace('\n', "\r\n");
        let cr = self.text.replace('\n', "\r");
        let mixed: String = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| if i % 2 == 0 { l.replace('\n', "\r\n") } else { (*l).to_owned() })
            .collect();
        let cr_ends_lines = if kind == Kind::Yaml { SamePlaces::Yes } else { SamePlaces::No };
        for (name, text, same_places) in [
            ("crlf", crlf, SamePlaces::Yes),
            ("cr-only", cr, cr_ends_lines),
            ("mixed-crlf-lf", mixed, SamePlaces::Yes),
        ] {
            self.out.push(Mutant { name: name.into(), bytes: text.into_bytes(), same_places });
        }
    }

    fn encodings(&mut self) {
        let at = self.boundary();
        self.add(format!("nul-at-{at}"), self.insert(at, b"\0"));
        self.add("nul-at-end", self.insert(self.text.len(), b"\0"));
        for (name, bytes) in [
            ("byte-ff", &b"\xff"[..]),
            ("lone-continuation-byte", b"\x80"),
            ("overlong-slash", b"\xc0\xaf"),
            ("surrogate", b"\xed\xa0\x80"),
        ] {
            let at = self.boundary();
            self.add(format!("{name}-at-{at}"), self.insert(at, bytes));
        }
        self.add("bom", self.insert(0, "\u{feff}".as_bytes()));
        self.add("double-bom", self.insert(0, "\u{feff}\u{feff}".as_bytes()));
        let at = self.boundary();
        self.add(format!("bom-at-{at}"), self.insert(at, "\u{feff}".as_bytes()));
    }

    /// Digit runs replaced by numbers no manifest holds.
    fn numbers(&mut self) {
        let bytes = self.text.as_bytes();
        let mut runs = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes.get(i).is_some_and(u8::is_ascii_digit) {
                let start = i;
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                runs.push((start, i));
            } else {
                i += 1;
            }
        }
        let on_line_with = |words: &[&str], (start, _): (usize, usize)| {
            let line_start = self.text[..start].rfind('\n').map_or(0, |n| n + 1);
            let line_end = self.text[start..].find('\n').map_or(self.text.len(), |n| start + n);
            let line = self.text[line_start..line_end].to_ascii_lowercase();
            words.iter().any(|w| line.contains(w))
        };
        let ports: Vec<_> =
            runs.iter().copied().filter(|r| on_line_with(&["port", "bind", "server"], *r)).collect();
        let replicas: Vec<_> = runs.iter().copied().filter(|r| on_line_with(&["replicas"], *r)).collect();
        let mut choices = vec![
            ("huge", "99999999999999999999999", self.rng.pick(&runs)),
            ("inf", "1e999", self.rng.pick(&runs)),
            ("minus-zero", "-0", self.rng.pick(&runs)),
            ("negative", "-9223372036854775809", self.rng.pick(&runs)),
        ];
        choices.push(("port", "99999999", self.rng.pick(&ports)));
        choices.push(("replicas", "99999999999999999999999", self.rng.pick(&replicas)));
        for (name, number, run) in choices {
            let Some((start, end)) = run else { continue };
            let text = format!("{}{number}{}", &self.text[..start], &self.text[end..]);
            self.add(format!("number-{name}-at-{start}"), text);
        }
    }

    fn nesting(&mut self, kind: Kind) {
        let open = |s: &str| s.repeat(DEEP);
        let prefixes = match kind {
            Kind::Yaml => vec![
                ("deep-flow-sequence", format!("deep: {}{}\n---\n", open("["), open("]"))),
                ("deep-flow-mapping", format!("deep: {}1{}\n---\n", open("{a: "), open("}"))),
                ("deep-block-sequence", format!("deep:\n  {}x\n---\n", open("- "))),
            ],
            Kind::Terraform => vec![
                ("deep-tuple", format!("locals {{\n  deep = {}{}\n}}\n", open("["), open("]"))),
                ("deep-object", format!("locals {{\n  deep = {}1{}\n}}\n", open("{ a = "), open(" }"))),
                ("deep-blocks", format!("{}{}", open("a {\n"), open("}\n"))),
            ],
            Kind::Config => vec![
                ("deep-brackets", format!("{}\n", open("["))),
                ("deep-blocks", format!("vrrp_instance X {{\n{}{}}}\n", open("a {\n"), open("}\n"))),
            ],
        };
        for (name, prefix) in prefixes {
            let text = format!("{prefix}{}", self.text);
            self.add(name, text);
        }
    }

    /// Lines of 100,000 characters: one harmless, one with a finding at its far end.
    fn long_lines(&mut self, kind: Kind) {
        let line = self.rng.below(self.lines.len());
        let comment = format!("#{}\n", "x".repeat(LONG));
        self.add(
            format!("long-comment-line-{}", line + 1),
            self.insert(self.line_start(line), comment.as_bytes()),
        );
        let items = "a, ".repeat(LONG / 3);
        match kind {
            Kind::Yaml => {
                self.add("long-line-parse-error", format!("long: [{items}]]\n{}", self.text));
                let keys: String = (0..LONG / 12).map(|i| format!("k{i:05}: 0, ")).collect();
                self.add("long-line-duplicate-key", format!("long: {{{keys}k00000: 1}}\n---\n{}", self.text));
            }
            Kind::Terraform => {
                self.add(
                    "long-line-parse-error",
                    format!("locals {{\n  long = [{items}]]\n}}\n{}", self.text),
                );
            }
            Kind::Config => {
                let bind = format!("  bind :{}\n", "6".repeat(LONG));
                self.add("long-bind-line", format!("{}{bind}", self.text));
            }
        }
    }

    fn anchors_and_tags(&mut self) {
        let mut bomb =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (prev, name) in
            ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
        }
        self.add("alias-bomb-document", format!("{}\n---\n{bomb}", self.text));
        for (name, value) in [
            ("alias-undefined", "*nowhere"),
            ("tag-int-on-text", "!!int nope"),
            ("tag-binary-not-base64", "!!binary '%%%'"),
            ("anchor-on-value", "&v value"),
        ] {
            if let Some(text) = self.set_value(value) {
                self.add(name, text);
            }
        }
        // An alias to an anchor defined earlier in the file, standing for a mapping or a scalar.
        let values = self.values();
        if let (Some(&(i, at)), Some(&(j, at_j))) = (values.first(), values.get(values.len() / 2))
            && i < j
        {
            let text = self.with_line(i, |l| format!("{}&first {}", &l[..at], &l[at..]));
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let text: String = lines
                .iter()
                .enumerate()
                .map(|(n, l)| if n == j { format!("{}*first\n", &l[..at_j]) } else { (*l).to_owned() })
                .collect();
            self.add(format!("alias-line-{}-to-line-{}", j + 1, i + 1), text);
        }
        // Merge keys whose value is not a mapping, inside a mapping the file opens.
        let opens: Vec<usize> = (0..self.lines.len().saturating_sub(1))
            .filter(|&i| {
                let (Some(line), Some(next)) = (self.lines.get(i), self.lines.get(i + 1)) else {
                    return false;
                };
                let indent = |s: &str| s.len() - s.trim_start().len();
                line.trim_end().ends_with(':')
                    && !line.trim_start().starts_with('#')
                    && indent(next) > indent(line)
                    && !next.trim_start().starts_with("- ")
            })
            .collect();
        for (name, merge) in [
            ("merge-scalar", "<<: 5"),
            ("merge-sequence-of-scalars", "<<: [1, 2]"),
            ("merge-undefined-alias", "<<: *nowhere"),
        ] {
            let Some(i) = self.rng.pick(&opens) else { continue };
            let next = self.lines.get(i + 1).copied().unwrap_or_default();
            let indent = &next[..next.len() - next.trim_start().len()];
            let text = self.insert(self.line_start(i + 1), format!("{indent}{merge}\n").as_bytes());
            self.add(format!("{name}-line-{}", i + 2), text);
        }
    }

    fn brackets_and_quotes(&mut self) {
        for close in ['}', ']'] {
            if let Some(at) = self.text.rfind(close) {
                let text = format!("{}{}", &self.text[..at], &self.text[at + 1..]);
                self.add(format!("drop-last-{}", if close == '}' { "brace" } else { "bracket" }), text);
            }
        }
        if let Some(i) = self.rng.pick(&self.filled()) {
            let text = self.with_line(i, |l| format!("{} {{\n", l.trim_end_matches('\n')));
            self.add(format!("open-brace-line-{}", i + 1), text);
        }
        self.add("close-brace-at-end", format!("{}}}\n", self.text));
        for quote in ['"', '\''] {
            let at = self.boundary();
            let name = if quote == '"' { "double-quote" } else { "single-quote" };
            self.add(format!("{name}-at-{at}"), self.insert(at, &[quote as u8]));
        }
    }

    fn templates(&mut self) {
        if let Some(i) = self.rng.pick(&self.filled()) {
            let text = self.with_line(i, |l| format!("{} {{{{ x }}}}\n", l.trim_end_matches('\n')));
            self.add(format!("template-expression-line-{}", i + 1), text);
        }
        let line = self.rng.below(self.lines.len());
        self.add(
            format!("template-tag-line-{}", line + 1),
            self.insert(self.line_start(line), b"{% if x %}\n"),
        );
    }

    /// Inline suppression comments that are broken, odd or out of range.
    fn suppressions(&mut self) {
        for (n, comment) in [
            "# stretchlint: ignore[\n",
            "# stretchlint: ignore[SL101, , unknown-field] until=9999-99-99\n",
            "# stretchlint: ignore-file[*] until=2027-02-29 café\n",
            "# stretchlint: ignore[SL1] until=-1\n",
        ]
        .iter()
        .enumerate()
        {
            let line = self.rng.below(self.lines.len());
            let text = self.insert(self.line_start(line), comment.as_bytes());
            self.add(format!("suppression-{n}-line-{}", line + 1), text);
        }
        if let Some(i) = self.rng.pick(&self.filled()) {
            let trailing = " # stretchlint: ignore[SL101,SL101] until=0000-00-00";
            let text = self.with_line(i, |l| format!("{}{trailing}\n", l.trim_end_matches('\n')));
            self.add(format!("suppression-trailing-line-{}", i + 1), text);
        }
    }

    fn lines_shuffled(&mut self) {
        let filled = self.filled();
        if let Some(i) = self.rng.pick(&filled) {
            let text = self.with_line(i, |l| format!("{l}{l}"));
            self.add(format!("duplicate-line-{}", i + 1), text);
            let text = self.with_line(i, |_| String::new());
            self.add(format!("delete-line-{}", i + 1), text);
        }
        if let (Some(i), Some(j)) = (self.rng.pick(&filled), self.rng.pick(&filled)) {
            let mut lines = self.lines.clone();
            lines.swap(i, j);
            self.add(format!("swap-lines-{}-{}", i + 1, j + 1), lines.concat());
        }
        const SYNTAX: &[u8] = b":-[]{}\"'&*!|>#%@`\t\n,=;\\";
        for n in 0..3 {
            let mut bytes = self.text.as_bytes().to_vec();
            let mut at = Vec::new();
            for _ in 0..5 {
                let i = self.rng.below(bytes.len());
                if let (Some(b), Some(&s)) = (bytes.get_mut(i), SYNTAX.get(self.rng.below(SYNTAX.len()))) {
                    *b = s;
                    at.push(i.to_string());
                }
            }
            self.add(format!("syntax-bytes-{n}-at-{}", at.join("-")), bytes);
        }
    }
}
