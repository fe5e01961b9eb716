//! The load balancers users run in front of a cluster's API and ingress (user-managed load
//! balancers, self-run HAProxy/keepalived VMs): HAProxy and keepalived configurations, read here,
//! and F5 BIG-IP virtual servers and pools written as Ansible tasks, which the Ansible reader
//! maps onto the same [`Proxy`] model (`inputs::ansible`).
//!
//! HAProxy and keepalived files are plain text and recognised by content. A value written through
//! a template (Jinja, Go templates, `${VAR}`/`$VAR`, documentation `<placeholders>`) is unknown,
//! never guessed; names of sections and instances keep their raw text.

use std::net::IpAddr;

use crate::inputs::Field;
use crate::source::{FileId, Sp, Span, lines};
use crate::yaml::is_templated;

/// What a text file turned out to be.
#[derive(Clone, Debug, PartialEq)]
pub enum LbConfig {
    Proxy(Proxy),
    Keepalived(Keepalived),
}

/// A TCP/HTTP load balancer configuration: HAProxy sections, or F5 BIG-IP virtual servers and
/// pools, as written in Ansible.
#[derive(Clone, Debug, PartialEq)]
pub struct Proxy {
    /// The file it was read from (the first one, for F5 tasks of one folder merged together).
    pub file: FileId,
    pub kind: ProxyKind,
    pub frontends: Vec<Frontend>,
    pub backends: Vec<Backend>,
}

/// Where a [`Proxy`] was written, which decides how it fails over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyKind {
    /// A `haproxy.cfg`: one process on one host; a pair needs keepalived to move its address.
    Haproxy,
    /// F5 BIG-IP tasks in Ansible: an appliance (pair) with its own HA (device and traffic
    /// groups), which the tasks seldom show.
    BigIp,
}

/// A `frontend` or a `listen` section (a listen section also appears in `backends`, with the same
/// name and its servers), or an F5 virtual server (one bind: its destination and port; its pool is
/// the default backend). `default_backend` may come from the `defaults` section above it.
#[derive(Clone, Debug, PartialEq)]
pub struct Frontend {
    pub name: Sp<String>,
    pub binds: Vec<Bind>,
    pub default_backend: Option<Sp<String>>,
    pub use_backends: Vec<Sp<String>>,
}

/// One address of a `bind` line. The address is as written, without brackets or `ipv4@`-style
/// prefixes; it is empty for `bind :6443`, and its span then covers the whole `:6443`. For an F5
/// virtual server it is the destination without its `%route-domain` and `/prefix`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bind {
    pub address: Field<String>,
    /// Unknown for a port range (`:80-81`) as well as for a templated or invalid port. `0` is
    /// every port: an F5 wildcard virtual server (`port: 0`, `any` or `*`).
    pub port: Field<u16>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    pub name: Sp<String>,
    pub servers: Vec<Server>,
}

/// `server NAME ADDR[:PORT] [options]`; a `server-template` line has an unknown address. For F5,
/// a pool member (its address without `%route-domain`, or its FQDN).
#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    pub name: Sp<String>,
    pub address: Field<String>,
    /// Missing when the server takes the frontend's port.
    pub port: Field<u16>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Keepalived {
    pub file: FileId,
    pub instances: Vec<VrrpInstance>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VrrpInstance {
    pub name: Sp<String>,
    pub virtual_router_id: Field<i64>,
    pub interface: Field<String>,
    pub state: Field<String>,
    pub priority: Field<i64>,
    /// The first word of each line of `virtual_ipaddress { ... }`, e.g. `192.0.2.10/24`.
    pub virtual_ipaddresses: Vec<Field<String>>,
    pub unicast_src_ip: Field<String>,
    /// The first word of each line of `unicast_peer { ... }`.
    pub unicast_peers: Vec<Field<String>>,
    /// Span of the `vrrp_instance NAME` header.
    pub span: Span,
}

impl Proxy {
    /// The backends a frontend sends traffic to: its `default_backend` and `use_backend`s, and,
    /// for an HAProxy `listen` section, the section itself. An F5 virtual server reaches only its
    /// pool.
    pub fn backends_of<'a>(&'a self, frontend: &'a Frontend) -> impl Iterator<Item = &'a Backend> + 'a {
        let own = (self.kind == ProxyKind::Haproxy).then_some(frontend.name.value.as_str());
        let names: Vec<&str> = frontend
            .default_backend
            .iter()
            .chain(&frontend.use_backends)
            .map(|b| b.value.as_str())
            .chain(own)
            .collect();
        self.backends.iter().filter(move |b| names.contains(&b.name.value.as_str()))
    }

    /// Adds another configuration of the same load balancer: its frontends, and its backends
    /// merged by name (F5 tasks for one pool may be split over several task files).
    pub fn absorb(&mut self, other: Proxy) {
        self.frontends.extend(other.frontends);
        for backend in other.backends {
            match self.backends.iter_mut().find(|b| b.name.value == backend.name.value) {
                Some(b) => b.servers.extend(backend.servers),
                None => self.backends.push(backend),
            }
        }
    }
}

impl Bind {
    /// The specific address bound; `None` for a wildcard (`:443`, `*`, `0.0.0.0`, `::`) or an
    /// address that is not a literal IP.
    pub fn ip(&self) -> Option<IpAddr> {
        ip_of(&self.address).filter(|ip| !ip.is_unspecified())
    }

    /// Whether the bind listens on `port` (a wildcard port listens on every one).
    pub fn serves(&self, port: u16) -> bool {
        self.port.value().is_some_and(|p| *p == port || *p == 0)
    }
}

impl Server {
    pub fn ip(&self) -> Option<IpAddr> {
        ip_of(&self.address)
    }
}

impl VrrpInstance {
    /// Whether one of the instance's virtual addresses is among `vips`.
    pub fn holds_any(&self, vips: &[IpAddr]) -> bool {
        self.virtual_ipaddresses.iter().filter_map(ip_of).any(|ip| vips.contains(&ip))
    }

    /// The virtual addresses that are literal IPs.
    pub fn vip_addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.virtual_ipaddresses.iter().filter_map(ip_of)
    }

    /// The virtual addresses, when every one of them is a literal IP.
    pub fn vips(&self) -> Option<Vec<IpAddr>> {
        self.virtual_ipaddresses.iter().map(ip_of).collect()
    }

    /// The hosts of a unicast group: `unicast_src_ip` and the peers (empty for multicast VRRP).
    pub fn members(&self) -> impl Iterator<Item = IpAddr> + '_ {
        std::iter::once(&self.unicast_src_ip).chain(&self.unicast_peers).filter_map(ip_of)
    }

    /// Whether a member is written but cannot be read as an IP (templated, a host name).
    pub fn has_unknown_members(&self) -> bool {
        std::iter::once(&self.unicast_src_ip)
            .chain(&self.unicast_peers)
            .any(|f| f.is_present() && ip_of(f).is_none())
    }
}

/// An IP from a known address, ignoring a `/prefix` (keepalived writes VIPs as `addr/len`).
fn ip_of(field: &Field<String>) -> Option<IpAddr> {
    let text = field.value()?;
    text.split_once('/').map_or(text.as_str(), |(ip, _)| ip).parse().ok()
}

/// Recognises a file by content: keepalived if it holds a `vrrp_instance NAME { ... }` block,
/// HAProxy if a line starts with `frontend`, `backend` or `listen` and a name and the sections
/// bind, route or serve something. Section keywords must start their line, so configurations
/// embedded (indented) in YAML or prose are not read twice.
pub fn read(file: FileId, text: &str) -> Option<LbConfig> {
    if starts_a_line(text, &["vrrp_instance"]) {
        let keepalived = read_keepalived(file, text);
        if !keepalived.instances.is_empty() {
            return Some(LbConfig::Keepalived(keepalived));
        }
    }
    if !starts_a_line(text, &["frontend", "backend", "listen"]) {
        return None;
    }
    let haproxy = read_haproxy(file, text);
    let used = haproxy
        .frontends
        .iter()
        .any(|f| !f.binds.is_empty() || f.default_backend.is_some() || !f.use_backends.is_empty())
        || haproxy.backends.iter().any(|b| !b.servers.is_empty());
    used.then_some(LbConfig::Proxy(haproxy))
}

/// Whether the text has a line that starts a load balancer section (`frontend api`,
/// `vrrp_instance VI_1`): for a template (`haproxy.cfg.j2`) that [`read`] cannot use before
/// rendering, this tells a load balancer's configuration from any other `.conf` (nginx, sshd).
pub fn has_sections(text: &str) -> bool {
    starts_a_line(text, &["vrrp_instance", "frontend", "backend", "listen"])
}

/// The cheap test run on every text file before any parsing. Lines ending in `{` or `;` and
/// `key = value` lines are Terraform, nginx or INI, not HAProxy.
fn starts_a_line(text: &str, keywords: &[&str]) -> bool {
    lines(text).any(|(_, line)| {
        let mut words = line.split_whitespace();
        let (Some(key), Some(name)) = (words.next(), words.next()) else { return false };
        let end = line.trim_end();
        line.starts_with(key)
            && keywords.contains(&key)
            && (key == "vrrp_instance" || !(name.starts_with('=') || end.ends_with(['{', ';'])))
    })
}

/// A word of a line as written (quotes and escapes included), at its byte offset in the file.
#[derive(Clone, Copy, Debug)]
struct Word<'a> {
    raw: &'a str,
    start: usize,
}

impl<'a> Word<'a> {
    fn span(&self, file: FileId) -> Span {
        Span::new(file, self.start, self.start + self.raw.len())
    }

    fn sp(&self, file: FileId) -> Sp<String> {
        Sp::new(clean(self.raw), self.span(file))
    }

    fn sub(&self, from: usize, to: usize) -> Option<Word<'a>> {
        self.raw.get(from..to).map(|raw| Word { raw, start: self.start + from })
    }
}

/// Splits a line into words, up to a comment. Template expressions stay whole even when they hold
/// spaces, braces or `#`, so `{{ .Cluster.APIVIP }}/{{ .Netmask }}` is one word. Keepalived braces
/// are words of their own. Delimiters are ASCII, so every cut falls on a char boundary.
fn words(line: &str, base: usize, keepalived: bool) -> Vec<Word<'_>> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&first) = bytes.get(i) {
        if first.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if first == b'#' || (keepalived && first == b'!') {
            break;
        }
        let start = i;
        let mut comment = false;
        if keepalived && matches!(first, b'{' | b'}') && template_end(line, i).is_none() {
            i += 1;
        } else {
            while let Some(&c) = bytes.get(i) {
                if let Some(end) = template_end(line, i) {
                    i = end;
                    continue;
                }
                match c {
                    b'{' | b'}' if keepalived => break,
                    b'#' if !keepalived => {
                        comment = true;
                        break;
                    }
                    b'\\' => {
                        i += 1 + line.get(i + 1..).and_then(|r| r.chars().next()).map_or(0, char::len_utf8)
                    }
                    b'"' | b'\'' if c == b'"' || !keepalived => {
                        let close = line.get(i + 1..).and_then(|r| r.find(char::from(c)));
                        i = close.map_or(bytes.len(), |p| i + 2 + p);
                    }
                    _ if c.is_ascii_whitespace() => break,
                    _ => i += 1,
                }
            }
        }
        i = i.max(start + 1).min(bytes.len());
        if let Some(raw) = line.get(start..i) {
            out.push(Word { raw, start: base + start });
        }
        if comment {
            break;
        }
    }
    out
}

/// Where a template expression (or a `<placeholder>`) starting at `i` ends. An unclosed `{{`
/// runs to the end of the text (a multi-line Go template action). `${VAR}` and placeholders are
/// short: looking only a little ahead keeps long lines linear.
fn template_end(s: &str, i: usize) -> Option<usize> {
    let rest = s.get(i..)?;
    let pairs = [("{{", "}}"), ("{%", "%}"), ("{#", "#}")];
    if let Some((open, close)) = pairs.into_iter().find(|(open, _)| rest.starts_with(open)) {
        let body = rest.get(open.len()..)?;
        return Some(body.find(close).map_or(s.len(), |p| i + open.len() + p + close.len()));
    }
    let (inner, close) = match rest.strip_prefix("${") {
        Some(body) => (body.get(..body.bytes().take(256).position(|b| b == b'}')?)?, 2),
        None => {
            let body = rest.strip_prefix('<').filter(|b| b.starts_with(|c: char| c.is_ascii_alphabetic()))?;
            let inner = body.get(..body.bytes().take(80).position(|b| b == b'>')?)?;
            (inner.bytes().all(|b| b.is_ascii_alphanumeric() || b" _.-".contains(&b)).then_some(inner)?, 1)
        }
    };
    Some(i + close + inner.len() + 1)
}

fn templated(s: &str) -> bool {
    // Only `<` can start a template the two cheap tests miss; its lookahead is bounded, so this
    // stays linear on long words.
    is_templated(s)
        || s.contains("{#")
        || s.match_indices('<').any(|(i, _)| template_end(s, i).is_some())
        || s.as_bytes().windows(2).any(|w| matches!(w, [b'$', c] if c.is_ascii_alphabetic() || *c == b'_'))
}

/// A Jinja statement or Go template action alone in a word (`{% for %}`, `{{end}}`): not a value.
fn is_control_tag(s: &str) -> bool {
    if template_end(s, 0) != Some(s.len()) {
        return false;
    }
    if s.starts_with("{%") || s.starts_with("{#") {
        return true;
    }
    let Some(inner) = s.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) else { return false };
    let inner = inner.trim_matches(|c: char| c == '-' || c.is_whitespace());
    inner.starts_with("/*")
        || matches!(
            inner.split_whitespace().next(),
            Some("if" | "else" | "end" | "range" | "with" | "define" | "block" | "template")
        )
}

/// A word's value: quotes removed and escapes resolved, unless templated (kept raw).
fn clean(raw: &str) -> String {
    if templated(raw) {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut quote = None;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => out.push(c),
            (_, '\\') => out.extend(chars.next()),
            (_, c) => out.push(c),
        }
    }
    out
}

fn value(file: FileId, w: Word<'_>) -> Field<String> {
    if templated(w.raw) { Field::Unknown(w.span(file)) } else { Field::Known(w.sp(file)) }
}

/// The argument of a directive; a directive without one is present but unknown.
fn argument(file: FileId, key: &Word<'_>, arg: Option<&Word<'_>>) -> Field<String> {
    arg.map_or(Field::Unknown(key.span(file)), |w| value(file, *w))
}

fn int(field: Field<String>) -> Field<i64> {
    match field {
        Field::Known(s) => {
            s.value.parse().map_or(Field::Unknown(s.span), |n| Field::Known(Sp::new(n, s.span)))
        }
        Field::Unknown(span) => Field::Unknown(span),
        Field::Missing => Field::Missing,
    }
}

fn port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) { None } else { text.parse().ok() }
}

/// Positions of `ch` outside template expressions.
fn find_outside(s: &str, ch: u8) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = s.as_bytes().get(i) {
        if let Some(end) = template_end(s, i) {
            i = end;
            continue;
        }
        if c == ch {
            out.push(i);
        }
        i += 1;
    }
    out
}

/// `[proto@]ADDR[:PORT]`, `[ADDR]:PORT` or a socket path, as HAProxy reads them: the last colon
/// separates the port.
fn endpoint(file: FileId, w: Word<'_>) -> (Field<String>, Field<u16>) {
    let len = w.raw.len();
    let quoted = ['"', '\''].into_iter().any(|q| len > 1 && w.raw.starts_with(q) && w.raw.ends_with(q));
    let mut w = if quoted { w.sub(1, len - 1).unwrap_or(w) } else { w };
    if let Some(&at) = find_outside(w.raw, b'@').first() {
        match (w.raw.get(..at), w.sub(at + 1, w.raw.len())) {
            (
                Some("ipv4" | "ipv6" | "tcp" | "tcp4" | "tcp6" | "udp" | "udp4" | "udp6" | "quic4" | "quic6"),
                Some(rest),
            ) => {
                w = rest;
            }
            _ => return (value(file, w), Field::Missing),
        }
    }
    if w.raw.starts_with('/') {
        return (value(file, w), Field::Missing);
    }
    let whole = w.span(file);
    let len = w.raw.len();
    let (addr, rest) = match w.raw.find(']').filter(|_| w.raw.starts_with('[')) {
        Some(close) => (w.sub(1, close), w.sub(close + 1, len).filter(|r| !r.raw.is_empty())),
        None => match find_outside(w.raw, b':').last() {
            Some(&colon) => (w.sub(0, colon), w.sub(colon, len)),
            None => (Some(w), None),
        },
    };
    let address = match addr {
        Some(a) if a.raw.is_empty() => Field::Known(Sp::new(String::new(), whole)),
        Some(a) => value(file, a),
        None => Field::Unknown(whole),
    };
    let port = match rest {
        None if templated(w.raw) && !w.raw.starts_with('[') => Field::Unknown(whole),
        None => Field::Missing,
        Some(r) => match r.raw.strip_prefix(':').and_then(|_| r.sub(1, r.raw.len())) {
            Some(p) if !p.raw.is_empty() => {
                port(p.raw).map_or(Field::Unknown(p.span(file)), |n| Field::Known(Sp::new(n, p.span(file))))
            }
            _ => Field::Unknown(r.span(file)),
        },
    };
    (address, port)
}

/// The comma-separated addresses of a `bind` line's first argument.
fn binds(file: FileId, w: Word<'_>) -> Vec<Bind> {
    let mut cuts = find_outside(w.raw, b',');
    cuts.push(w.raw.len());
    let mut from = 0;
    let mut out = Vec::new();
    for cut in cuts {
        if let Some(piece) = w.sub(from, cut).filter(|p| !p.raw.is_empty()) {
            let (address, port) = endpoint(file, piece);
            out.push(Bind { address, port, span: piece.span(file) });
        }
        from = cut + 1;
    }
    out
}

fn is_section(keyword: &str) -> bool {
    matches!(
        keyword,
        "global"
            | "defaults"
            | "frontend"
            | "backend"
            | "listen"
            | "resolvers"
            | "peers"
            | "userlist"
            | "program"
            | "cache"
            | "mailers"
            | "http-errors"
            | "ring"
    )
}

fn read_haproxy(file: FileId, text: &str) -> Proxy {
    let mut haproxy = Proxy { file, kind: ProxyKind::Haproxy, frontends: Vec::new(), backends: Vec::new() };
    let (mut front, mut back, mut in_defaults) = (None, None, false);
    // A frontend without `default_backend` takes the one of the `defaults` section above it.
    let mut inherited: Option<Sp<String>> = None;
    for (base, line) in lines(text) {
        let ws = words(line, base, false);
        let Some(key) = ws.first() else { continue };
        if is_section(key.raw) {
            (front, back, in_defaults) = (None, None, key.raw == "defaults");
            if in_defaults {
                inherited = None;
            }
            let Some(name) = ws.get(1).map(|w| w.sp(file)) else { continue };
            if matches!(key.raw, "frontend" | "listen") {
                front = Some(haproxy.frontends.len());
                // The old `listen NAME ADDR:PORT` form binds on the section line.
                let binds = ws.get(2).map(|w| binds(file, *w)).unwrap_or_default();
                let default_backend = inherited.clone();
                haproxy.frontends.push(Frontend {
                    name: name.clone(),
                    binds,
                    default_backend,
                    use_backends: vec![],
                });
            }
            if matches!(key.raw, "backend" | "listen") {
                back = Some(haproxy.backends.len());
                haproxy.backends.push(Backend { name, servers: Vec::new() });
            }
            continue;
        }
        let frontend = front.and_then(|i| haproxy.frontends.get_mut(i));
        let backend = back.and_then(|i| haproxy.backends.get_mut(i));
        let line_span = Span::new(file, key.start, ws.last().map_or(key.start, |w| w.start + w.raw.len()));
        match (key.raw, ws.get(1), frontend, backend) {
            ("default_backend", Some(w), _, _) if in_defaults => inherited = Some(w.sp(file)),
            ("bind", Some(w), Some(f), _) => f.binds.extend(binds(file, *w)),
            ("default_backend", Some(w), Some(f), _) => f.default_backend = Some(w.sp(file)),
            ("use_backend", Some(w), Some(f), _) => f.use_backends.push(w.sp(file)),
            ("server" | "server-template", Some(w), _, Some(b)) => {
                let template = key.raw == "server-template";
                let address = ws.get(if template { 3 } else { 2 });
                let (address, port) =
                    address.map_or((Field::Missing, Field::Missing), |a| endpoint(file, *a));
                let address =
                    if template { Field::Unknown(address.span().unwrap_or(line_span)) } else { address };
                b.servers.push(Server { name: w.sp(file), address, port, span: line_span });
            }
            _ => {}
        }
    }
    haproxy
}

#[derive(Clone, Copy, Debug)]
enum Tok<'a> {
    Word(Word<'a>),
    Open,
    Close,
    Eol,
}

/// A keepalived statement: its words up to the end of the line or a brace, and whether a block
/// follows (its `{` may sit on the next line).
struct Statement<'a> {
    words: Vec<Word<'a>>,
    block: bool,
}

struct Parser<'a> {
    file: FileId,
    toks: Vec<Tok<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// The next statement of the current block; `None` at its `}` (not consumed) or at the end.
    fn statement(&mut self) -> Option<Statement<'a>> {
        while let Some(Tok::Eol) = self.toks.get(self.pos) {
            self.pos += 1;
        }
        if matches!(self.toks.get(self.pos), None | Some(Tok::Close)) {
            return None;
        }
        let mut words = Vec::new();
        while let Some(Tok::Word(w)) = self.toks.get(self.pos) {
            words.push(*w);
            self.pos += 1;
        }
        let mut next = self.pos;
        while let Some(Tok::Eol) = self.toks.get(next) {
            next += 1;
        }
        let block = matches!(self.toks.get(next), Some(Tok::Open));
        if block {
            self.pos = next + 1;
        }
        Some(Statement { words, block })
    }

    /// Skips to the `}` closing a block whose `{` was read; iterative, so deep nesting is harmless.
    fn skip_block(&mut self) {
        let mut depth = 1usize;
        while let Some(tok) = self.toks.get(self.pos) {
            self.pos += 1;
            match tok {
                Tok::Open => depth += 1,
                Tok::Close if depth == 1 => return,
                Tok::Close => depth -= 1,
                _ => {}
            }
        }
    }

    /// The first word of each line of an address block (`virtual_ipaddress`, `unicast_peer`).
    fn addresses(&mut self) -> Vec<Field<String>> {
        let mut out = Vec::new();
        while let Some(statement) = self.statement() {
            if statement.block {
                self.skip_block();
            } else if let Some(w) = statement.words.first().filter(|w| !is_control_tag(w.raw)) {
                out.push(value(self.file, *w));
            }
        }
        self.pos += 1;
        out
    }

    fn instance(&mut self, header: &[Word<'a>]) -> VrrpInstance {
        let file = self.file;
        let start = header.first().map_or(0, |w| w.start);
        let span = header
            .get(1)
            .or(header.first())
            .map_or(Span::new(file, 0, 0), |w| Span::new(file, start, w.start + w.raw.len()));
        let mut instance = VrrpInstance {
            name: header.get(1).map_or(Sp::new(String::new(), span), |w| w.sp(file)),
            virtual_router_id: Field::Missing,
            interface: Field::Missing,
            state: Field::Missing,
            priority: Field::Missing,
            virtual_ipaddresses: Vec::new(),
            unicast_src_ip: Field::Missing,
            unicast_peers: Vec::new(),
            span,
        };
        // Under template conditionals a key may be written once per branch: which one holds is
        // not known, so a repeated key is unknown there.
        let mut branches = false;
        while let Some(statement) = self.statement() {
            let Some(key) = statement.words.first() else {
                self.skip_block();
                continue;
            };
            let arg = argument(file, key, statement.words.get(1));
            match (key.raw, statement.block) {
                ("virtual_ipaddress", true) => instance.virtual_ipaddresses.extend(self.addresses()),
                ("unicast_peer", true) => instance.unicast_peers.extend(self.addresses()),
                (_, true) => self.skip_block(),
                (raw, false) if is_control_tag(raw) => branches = true,
                ("state", false) => set(&mut instance.state, arg, branches),
                ("interface", false) => set(&mut instance.interface, arg, branches),
                ("unicast_src_ip", false) => set(&mut instance.unicast_src_ip, arg, branches),
                ("virtual_router_id", false) => set(&mut instance.virtual_router_id, int(arg), branches),
                ("priority", false) => set(&mut instance.priority, int(arg), branches),
                _ => {}
            }
        }
        self.pos += 1;
        instance
    }
}

fn set<T>(slot: &mut Field<T>, new: Field<T>, branches: bool) {
    *slot = match new.span() {
        Some(span) if branches && slot.is_present() => Field::Unknown(span),
        _ => new,
    };
}

fn read_keepalived(file: FileId, text: &str) -> Keepalived {
    let mut toks = Vec::new();
    for (base, line) in lines(text) {
        toks.extend(words(line, base, true).into_iter().map(|w| match w.raw {
            "{" => Tok::Open,
            "}" => Tok::Close,
            _ => Tok::Word(w),
        }));
        toks.push(Tok::Eol);
    }
    let mut parser = Parser { file, toks, pos: 0 };
    let mut instances = Vec::new();
    while parser.pos < parser.toks.len() {
        match parser.statement() {
            // A stray `}` at the top level.
            None => parser.pos += 1,
            Some(s) if s.block && s.words.first().is_some_and(|w| w.raw == "vrrp_instance") => {
                instances.push(parser.instance(&s.words));
            }
            Some(s) if s.block => parser.skip_block(),
            Some(_) => {}
        }
    }
    Keepalived { file, instances }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAPROXY: &str = "# API and ingress\nglobal\n    maxconn 4000\n\ndefaults\n    mode tcp\n    \
        default_backend fallback\n\nlisten api # the API\n    bind 192.0.2.10:6443,[2001:db8::5]:6443,:6444 ssl crt \
        /etc/x.pem\n    server master-0 10.0.0.10:6443 check # first\n    server master-1 \"10.0.0.11:6443\" \
        check\n    server-template node 3 api.example.com:6443 check\n\nfrontend ingress\nbind *:80\nbind :::8080 \
        v4v6\nbind :80-81\nbind ipv4@0.0.0.0:99999\nuse_backend weird\\#name if { ssl_fc }\n\nbackend fallback\n  \
        server local 127.0.0.1\n  server v6 [fd00::1]:8443 check\n";

    const KEEPALIVED: &str = "! Configuration File for keepalived\nglobal_defs {\n   router_id LB1\n}\n\
        vrrp_script chk {\n    script \"killall -0 haproxy\"   # alive?\n    interval 2\n}\n\
        vrrp_sync_group VG1 {\n    group {\n        VI_API\n        VI_INGRESS\n    }\n}\n\
        vrrp_instance VI_API {\n    state MASTER\n    interface eth0\n    virtual_router_id 51\n    priority 101\n    \
        authentication {\n        auth_type PASS\n        auth_pass s3cr!t\n    }\n    track_script { chk }\n    \
        unicast_src_ip 10.0.0.5\n    unicast_peer {\n        10.0.0.6\n        10.0.0.7 # third node\n    }\n    \
        virtual_ipaddress {\n        192.0.2.10/24 dev eth0 label eth0:1\n    }\n}\n\n\
        vrrp_instance VI_INGRESS\n{\n    state BACKUP\n    interface eth1\n    virtual_router_id abc\n    \
        ! priority 1\n    priority 99\n    virtual_ipaddress\n    {\n        192.0.2.11\n        192.0.2.12/32\n    \
        }\n}\nvirtual_server 192.0.2.10 6443 {\n    real_server 10.0.0.10 6443 {\n        TCP_CHECK { connect_timeout \
        3 }\n    }\n}\n";

    fn at(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    fn known<T: Clone>(field: &Field<T>) -> T {
        field.value().cloned().unwrap()
    }

    fn haproxy(text: &str) -> Proxy {
        match read(FileId(0), text) {
            Some(LbConfig::Proxy(h)) => h,
            other => panic!("not read as HAProxy: {other:?}"),
        }
    }

    fn keepalived(text: &str) -> Keepalived {
        match read(FileId(0), text) {
            Some(LbConfig::Keepalived(k)) => k,
            other => panic!("not read as keepalived: {other:?}"),
        }
    }

    #[test]
    fn haproxy_sections_binds_and_servers() {
        let h = haproxy(HAPROXY);
        let names = |v: Vec<&Sp<String>>| v.into_iter().map(|n| n.value.clone()).collect::<Vec<_>>();
        assert_eq!(names(h.frontends.iter().map(|f| &f.name).collect()), ["api", "ingress"]);
        assert_eq!(names(h.backends.iter().map(|b| &b.name).collect()), ["api", "fallback"]);
        let (api, ingress) = (&h.frontends[0], &h.frontends[1]);
        let binds: Vec<_> = api.binds.iter().map(|b| (known(&b.address), known(&b.port))).collect();
        assert_eq!(binds, [("192.0.2.10".into(), 6443), ("2001:db8::5".into(), 6443), (String::new(), 6444)]);
        assert_eq!(api.binds[1].ip(), "2001:db8::5".parse().ok());
        assert_eq!(api.binds[2].ip(), None);
        assert_eq!(at(HAPROXY, api.binds[1].span), "[2001:db8::5]:6443");
        assert_eq!(at(HAPROXY, api.binds[1].address.span().unwrap()), "2001:db8::5");
        assert_eq!(at(HAPROXY, api.binds[1].port.span().unwrap()), "6443");
        let inherited = api.default_backend.as_ref().unwrap();
        assert_eq!((inherited.value.as_str(), at(HAPROXY, inherited.span)), ("fallback", "fallback"));

        let servers = &h.backends[0].servers;
        assert_eq!((known(&servers[0].address), known(&servers[0].port)), ("10.0.0.10".into(), 6443));
        assert_eq!(at(HAPROXY, servers[0].span), "server master-0 10.0.0.10:6443 check");
        assert_eq!(
            (known(&servers[1].address), at(HAPROXY, servers[1].address.span().unwrap())),
            ("10.0.0.11".into(), "10.0.0.11")
        );
        assert!(servers[2].address.is_unknown());
        assert_eq!(known(&servers[2].port), 6443);

        let binds: Vec<_> =
            ingress.binds.iter().map(|b| (b.address.value().cloned(), b.port.value().copied())).collect();
        let s = |a: &str| Some(a.to_string());
        assert_eq!(binds, [(s("*"), Some(80)), (s("::"), Some(8080)), (s(""), None), (s("0.0.0.0"), None)]);
        assert!(ingress.binds[2].port.is_unknown() && ingress.binds[3].port.is_unknown());
        assert_eq!(at(HAPROXY, ingress.binds[2].port.span().unwrap()), "80-81");
        let weird = &ingress.use_backends[0];
        assert_eq!((weird.value.as_str(), at(HAPROXY, weird.span)), ("weird#name", "weird\\#name"));

        let fallback = &h.backends[1].servers;
        assert_eq!((fallback[0].ip(), &fallback[0].port), ("127.0.0.1".parse().ok(), &Field::Missing));
        assert_eq!((known(&fallback[1].address), known(&fallback[1].port)), ("fd00::1".into(), 8443));
    }

    #[test]
    fn keepalived_instances() {
        let k = keepalived(KEEPALIVED);
        assert_eq!(k.instances.len(), 2);
        let (api, ingress) = (&k.instances[0], &k.instances[1]);
        assert_eq!(at(KEEPALIVED, api.span), "vrrp_instance VI_API");
        assert_eq!((known(&api.state), known(&api.interface)), ("MASTER".into(), "eth0".into()));
        assert_eq!((known(&api.virtual_router_id), known(&api.priority)), (51, 101));
        assert_eq!(at(KEEPALIVED, api.virtual_router_id.span().unwrap()), "51");
        assert_eq!(api.virtual_ipaddresses.iter().map(known).collect::<Vec<_>>(), ["192.0.2.10/24"]);
        assert_eq!(at(KEEPALIVED, api.virtual_ipaddresses[0].span().unwrap()), "192.0.2.10/24");
        assert_eq!(known(&api.unicast_src_ip), "10.0.0.5");
        assert_eq!(api.unicast_peers.iter().map(known).collect::<Vec<_>>(), ["10.0.0.6", "10.0.0.7"]);
        assert_eq!(api.members().count(), 3);
        assert!(!api.has_unknown_members());
        assert!(api.holds_any(&["192.0.2.10".parse().unwrap()]));

        assert_eq!(ingress.name.value, "VI_INGRESS");
        assert_eq!(at(KEEPALIVED, ingress.virtual_router_id.span().unwrap()), "abc");
        assert!(ingress.virtual_router_id.is_unknown());
        assert_eq!(known(&ingress.priority), 99);
        assert_eq!(ingress.vips().unwrap().len(), 2);
        assert_eq!((&ingress.unicast_src_ip, ingress.members().count()), (&Field::Missing, 0));
    }

    #[test]
    fn templated_values_are_unknown() {
        let text = "{{ range $i, $c := .Configs }}\nvrrp_instance {{ .Name }}_API_{{ $i }} {\n    state BACKUP\n    \
            interface {{ .Interface }}\n    virtual_router_id {{ .RouterID }}\n    {{ if .Primary }}\n    priority 150\n    \
            {{ else }}\n    priority 100\n    {{ end }}\n    unicast_src_ip {{ .Self }}\n    unicast_peer {\n        \
            {{ range .Peers -}}\n        {{ .Address }}\n        {{ end }}\n    }\n    virtual_ipaddress {\n        \
            {{ .VIP }}/{{ .Netmask }} label vip\n    }\n}\n{{ end }}\n";
        let k = keepalived(text);
        let i = &k.instances[0];
        assert_eq!(i.name.value, "{{ .Name }}_API_{{ $i }}");
        assert_eq!(known(&i.state), "BACKUP");
        assert!(
            i.interface.is_unknown() && i.virtual_router_id.is_unknown() && i.unicast_src_ip.is_unknown()
        );
        assert_eq!(at(text, i.priority.span().unwrap()), "100");
        assert!(i.priority.is_unknown());
        assert_eq!(i.unicast_peers.len(), 1);
        assert_eq!(at(text, i.virtual_ipaddresses[0].span().unwrap()), "{{ .VIP }}/{{ .Netmask }}");
        assert!(i.has_unknown_members() && i.vips().is_none());

        let text = "frontend {{ name }}\n  bind :::{{ port }} v4v6\n  bind <api vip>:6443\n\
            backend {{ name }}\n{% for s in servers %}\n  server {{ s.name }} {{ s.ip }}:{{ s.port }} check\n\
            {% endfor %}\n  server docs <floating ip>:6443 check\n  server env \"${SERVER_IP}\":6443\n  \
            server whole {{ s.endpoint }}\n";
        let h = haproxy(text);
        let binds = &h.frontends[0].binds;
        assert_eq!(known(&binds[0].address), "::");
        assert!(binds[0].port.is_unknown() && binds[1].address.is_unknown());
        assert_eq!((at(text, binds[1].address.span().unwrap()), known(&binds[1].port)), ("<api vip>", 6443));
        let servers = &h.backends[0].servers;
        assert_eq!(servers.len(), 4);
        assert!(servers.iter().all(|s| s.address.is_unknown() && s.port.is_present()));
        assert_eq!(at(text, servers[0].address.span().unwrap()), "{{ s.ip }}");
        assert!(servers[0].port.is_unknown() && servers[3].port.is_unknown());
        assert_eq!((known(&servers[1].port), known(&servers[2].port)), (6443, 6443));
    }

    #[test]
    fn other_text_is_rejected() {
        for text in [
            "",
            "terraform {\n  backend \"s3\" {\n    bucket = \"x\"\n  }\n}\nbackend \"local\" {\n}\n",
            "[backend]\nbackend = postgres\nlisten = 0.0.0.0\n",
            "listen 443 ssl;\nserver_name example.com;\n",
            "data:\n  haproxy.cfg: |\n    frontend api\n      bind :6443\n",
            "#!/bin/sh\nbackend=foo\nlisten() { nc -l 80; }\n",
            "global\n  maxconn 10\ndefaults\n  mode tcp\n",
            "vrrp_instance VI_1 is described below\n",
        ] {
            assert_eq!(read(FileId(0), text), None, "{text}");
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut texts = vec![
            "vrrp_instance X {{{{\n",
            "vrrp_instance X {\n}}}}}\n{\n",
            "}\n}\nvrrp_instance a {\n virtual_ipaddress {\n unicast_peer {",
            "vrrp_instance x { unicast_peer { { { } } vrrp_instance y { state \\",
            "frontend a\nbind [::1\nbind \"open\nserver\nserver s\nserver s [\nbind ,,,:\nbind @\nbind :\n",
            "frontend é\nbind é:ü\0\nserver ü 'é:\\",
            "listen {{\nbind ${\nserver <a <b> \\",
        ];
        texts.extend([HAPROXY, KEEPALIVED]);
        for text in texts {
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let _ = read(FileId(0), &text[..i]);
            }
        }
        let deep = "vrrp_instance x ".to_string() + &"{ ".repeat(100_000) + &"} ".repeat(200_000);
        assert!(read(FileId(0), &deep).is_some());
    }
}
