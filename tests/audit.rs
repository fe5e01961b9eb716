//! `stretchlint audit` over a generated estate: every report format, repository configuration
//! ignored unless asked for, shards that partition the estate and merge back to the unsharded
//! report byte for byte (timestamps aside).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a broken fixture should fail the test loudly

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{EXAMPLE_TREES, TempDir, copy_tree, stretchlint_in};
use serde_json::Value;

/// `count` repositories under `estate/`, each a git repository holding one or two example trees.
fn estate(count: usize) -> TempDir {
    let tmp = TempDir::new("audit");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for i in 0..count {
        let repo = tmp.0.join(format!("estate/team-{}/repo-{i:02}", i % 3));
        std::fs::create_dir_all(repo.join(".git/refs/heads")).unwrap();
        std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(repo.join(".git/refs/heads/main"), format!("{:040x}\n", i + 1)).unwrap();
        for (j, tree) in
            EXAMPLE_TREES.iter().enumerate().filter(|(j, _)| *j == i % 5 || (i % 4 == 0 && *j == 4))
        {
            copy_tree(&root.join(tree), &repo.join(format!("clusters/c{j}")));
        }
    }
    tmp
}

fn run(args: &[&str], dir: &Path) -> String {
    let out = stretchlint_in(args, dir);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The report with the start time left out (the only part two runs of one audit may differ in).
fn without_timestamps(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("\"started\"") {
            Some(i) => format!("{}\"started\": <time>", &l[..i]),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_report_format_describes_the_same_estate() {
    let tmp = estate(12);
    let json: Value =
        serde_json::from_str(&run(&["audit", "--repos-under", "estate", "--format", "json"], &tmp.0))
            .unwrap();
    let repos = json["repos"].as_array().unwrap();
    assert_eq!(repos.len(), 12);
    assert_eq!(repos[0]["path"], "team-0/repo-00");
    assert_eq!(repos[0]["commit"], format!("{:040x}", 1));
    let findings: usize = repos.iter().map(|r| r["findings"].as_array().unwrap().len()).sum();
    let totals = &json["totals"];
    assert_eq!(totals["repos"], 12);
    assert_eq!(
        totals["errors"].as_u64().unwrap()
            + totals["warnings"].as_u64().unwrap()
            + totals["infos"].as_u64().unwrap(),
        findings as u64
    );
    assert!(totals["architectures"]["overlay-haproxy"].as_u64().unwrap() >= 2);
    assert!(findings > 0, "the broken cluster has findings");
    let first = &repos.iter().find(|r| !r["findings"].as_array().unwrap().is_empty()).unwrap()["findings"][0];
    assert!(
        first["file"].as_str().unwrap().starts_with("clusters/"),
        "files are relative to the repository: {first}"
    );
    for key in ["version", "rules_hash", "config_hash", "started"] {
        assert!(json["provenance"][key].is_string(), "provenance has {key}");
    }

    let jsonl = run(&["audit", "--repos-under", "estate", "--format", "jsonl"], &tmp.0);
    let lines: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 13, "a provenance line and one line per repository");
    assert!(lines[0].get("provenance").is_some());

    let csv = run(&["audit", "--repos-under", "estate", "--format", "csv"], &tmp.0);
    assert_eq!(csv.lines().count(), findings + 1, "a header and one row per finding");
    assert!(
        csv.starts_with("repo,commit,cluster,architecture,code,rule,severity,file,line,column,message\n")
    );
    assert!(csv.lines().nth(1).unwrap().starts_with("team-0/repo-00,"));

    let markdown = run(&["audit", "--repos-under", "estate"], &tmp.0);
    for heading in
        ["## Clusters per architecture", "## AZ resilience", "## Top rules", "## Worst repositories"]
    {
        assert!(markdown.contains(heading), "{heading}");
    }
    // The provenance line (version, hashes, time) changes with every rule edit: not snapshotted.
    let (provenance, rest) = markdown.split_once("\n\n").and_then(|(_, r)| r.split_once("\n\n")).unwrap();
    assert!(provenance.contains("rules `") && provenance.contains("started 20"), "{provenance}");
    insta::assert_snapshot!("audit_markdown", rest);
}

#[test]
fn repository_configuration_is_ignored_unless_honoured() {
    let tmp = estate(1);
    let repo = tmp.0.join("estate/team-0/repo-00");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusters/broken-stretch"),
        &repo.join("clusters/broken"),
    );
    std::fs::write(repo.join(".stretchlint.yaml"), "ignore: [SL1]\n").unwrap();
    let codes = |args: &[&str]| -> BTreeSet<String> {
        let json: Value = serde_json::from_str(&run(args, &tmp.0)).unwrap();
        json["repos"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let audited = codes(&["audit", "estate/team-0/repo-00", "--format", "json"]);
    assert!(audited.contains("SL101"), "the repository's config does not silence the auditor: {audited:?}");
    let honoured = codes(&["audit", "estate/team-0/repo-00", "--honour-repo-config", "--format", "json"]);
    assert!(!honoured.iter().any(|c| c.starts_with("SL1")), "{honoured:?}");
    assert!(honoured.contains("SL202"));
}

#[test]
fn shards_partition_the_estate_and_merge_back_to_the_unsharded_report() {
    let tmp = estate(16);
    let whole = run(&["audit", "--repos-under", "estate", "--format", "json"], &tmp.0);
    let mut seen: Vec<String> = Vec::new();
    let mut parts = Vec::new();
    for k in 0..4 {
        let part = format!("part-{k}.jsonl");
        run(
            &[
                "audit",
                "--repos-under",
                "estate",
                "--shard",
                &format!("{k}/4"),
                "--format",
                "jsonl",
                "--output",
                &part,
            ],
            &tmp.0,
        );
        let text = std::fs::read_to_string(tmp.0.join(&part)).unwrap();
        for line in text.lines().skip(1) {
            let v: Value = serde_json::from_str(line).unwrap();
            seen.push(v["repo"]["path"].as_str().unwrap().to_owned());
        }
        parts.push(part);
    }
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 16, "no repository twice: {seen:?}");
    assert_eq!(distinct.len(), 16, "every repository once");

    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--format", "json"]);
    let merged = run(&args, &tmp.0);
    assert_eq!(without_timestamps(&merged), without_timestamps(&whole));

    let overlap = stretchlint_in(&["merge", &parts[0], &parts[0]], &tmp.0);
    assert_eq!(overlap.status.code(), Some(2), "overlapping shards are refused");
}

/// Every document of a YAML file, as JSON.
fn documents(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let parsed = stretchlint::yaml::parse(stretchlint::source::FileId(0), &text);
    assert!(parsed.errors.is_empty() && parsed.duplicates.is_empty(), "{path} parses cleanly");
    parsed.documents.iter().map(|d| stretchlint::schema::to_json(&d.root)).collect()
}

/// The N of the `K/N` after `--shard` in a list of arguments.
fn shard_count(args: &[&str]) -> u64 {
    let at = args.iter().position(|a| *a == "--shard").expect("--shard is given");
    args[at + 1].rsplit('/').next().unwrap().parse().unwrap()
}

#[test]
fn the_indexed_job_example_splits_and_merges_one_audit() {
    let docs = documents("examples/audit/k8s-indexed-job.yaml");
    let audit = docs.iter().find(|d| d["metadata"]["name"] == "stretchlint-audit").expect("the audit Job");
    assert_eq!((audit["apiVersion"].as_str(), audit["kind"].as_str()), (Some("batch/v1"), Some("Job")));
    let spec = &audit["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    let completions = spec["completions"].as_u64().unwrap();
    assert_eq!(spec["parallelism"].as_u64(), Some(completions));
    assert_eq!(spec["template"]["spec"]["restartPolicy"], "Never", "a Job's pods must not restart in place");
    let container = &spec["template"]["spec"]["containers"][0];
    let args: Vec<&str> = container["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(args[0], "audit");
    assert_eq!(shard_count(&args), completions, "--shard N is the number of completions");
    assert!(args.windows(2).any(|w| w == ["--format", "jsonl"]));
    let env = container["env"].as_array().unwrap();
    let shard = env
        .iter()
        .find(|e| args.iter().any(|a| a.contains(&format!("$({})", e["name"].as_str().unwrap()))))
        .unwrap();
    assert_eq!(
        shard["valueFrom"]["fieldRef"]["fieldPath"],
        "metadata.annotations['batch.kubernetes.io/job-completion-index']",
        "K is the pod's completion index"
    );
    // The CLI accepts the command the pods run.
    let out = stretchlint_in(&["audit", "--help"], Path::new(env!("CARGO_MANIFEST_DIR")));
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--repos-under", "--shard", "--format", "--output"] {
        assert!(help.contains(flag), "{flag}");
    }
    let merge = docs.iter().find(|d| d["metadata"]["name"] == "stretchlint-merge").expect("the merge Job");
    let container = &merge["spec"]["template"]["spec"]["containers"][0];
    // The image (Dockerfile) has no shell: its ENTRYPOINT is stretchlint, and no glob is expanded,
    // so the merge names one part per completion index.
    for c in [&spec["template"]["spec"]["containers"][0], container] {
        assert!(c["command"].is_null(), "a `command` would replace the image's ENTRYPOINT: {c}");
    }
    let args: Vec<&str> = container["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(args[0], "merge");
    let parts: Vec<&str> = args.iter().copied().filter(|a| a.starts_with("/results/part-")).collect();
    let want: Vec<String> = (0..completions).map(|k| format!("/results/part-{k}.jsonl")).collect();
    assert_eq!(parts, want, "the merge reads every pod's part");
    assert!(args.iter().all(|a| !a.contains('*')), "no shell expands a glob: {args:?}");
}

#[test]
fn the_github_matrix_example_splits_and_merges_one_audit() {
    let docs = documents("examples/audit/github-matrix.yml");
    let jobs = &docs[0]["jobs"];
    let shards = jobs["audit"]["strategy"]["matrix"]["shard"].as_array().unwrap();
    let runs: Vec<&str> =
        jobs["audit"]["steps"].as_array().unwrap().iter().filter_map(|s| s["run"].as_str()).collect();
    let audit = runs.iter().find(|r| r.contains("stretchlint audit")).unwrap();
    let n: String = audit
        .split("--shard ${{ matrix.shard }}/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(n, shards.len().to_string(), "--shard N is the matrix size");
    assert!(
        runs.iter()
            .any(|r| r.contains(&format!("stretchlint shard ${{{{ matrix.shard }}}}/{}", shards.len())))
    );
    assert_eq!(jobs["merge"]["needs"], "audit");
    let merge_runs: Vec<&str> =
        jobs["merge"]["steps"].as_array().unwrap().iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(merge_runs.iter().any(|r| r.contains("stretchlint merge part-*.jsonl")));
}

#[test]
fn shard_lists_the_names_audit_shard_keeps() {
    let tmp = estate(9);
    let names: Vec<String> = (0..9).map(|i| format!("team-{}/repo-{i:02}", i % 3)).collect();
    let mut all = Vec::new();
    for k in 0..3 {
        let mut args = vec!["shard".to_owned(), format!("{k}/3")];
        args.extend(names.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let listed: Vec<String> = run(&args, &tmp.0).lines().map(str::to_owned).collect();
        let jsonl = run(
            &["audit", "--repos-under", "estate", "--shard", &format!("{k}/3"), "--format", "jsonl"],
            &tmp.0,
        );
        let audited: Vec<String> = jsonl
            .lines()
            .skip(1)
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["repo"]["path"].as_str().unwrap().to_owned())
            .collect();
        let (mut a, mut b) = (listed.clone(), audited);
        a.sort();
        b.sort();
        assert_eq!(a, b, "shard {k}/3");
        all.extend(listed);
    }
    let mut names = names;
    all.sort();
    names.sort();
    assert_eq!(all, names);
}

/// Each repository is scanned on the parser threads: scanned from another pool, a thread waiting
/// for one repository's parse picked up the next repository meanwhile, and hundreds of them nested
/// until the stack overflowed.
#[test]
fn hundreds_of_repositories_scan_without_nesting() {
    let tmp = TempDir::new("audit-many");
    let machine_set = "apiVersion: machine.openshift.io/v1beta1\nkind: MachineSet\nmetadata:\n  name: m\n  labels:\n    \
                       machine.openshift.io/cluster-api-cluster: c-x7k2p\n    machine.openshift.io/cluster-api-machine-role: worker\n\
                       spec:\n  replicas: 1\n  template:\n    spec:\n      providerSpec:\n        value:\n          \
                       kind: OpenstackProviderSpec\n          availabilityZone: az1\n";
    for i in 0..600 {
        tmp.write(&format!("estate/repo-{i:03}/.git/HEAD"), "ref: refs/heads/main\n");
        tmp.write(&format!("estate/repo-{i:03}/machineset.yaml"), machine_set);
    }
    let jsonl = run(&["audit", "--repos-under", "estate", "--format", "jsonl"], &tmp.0);
    assert_eq!(jsonl.lines().count(), 601);
}

/// Two shards of one audit (one repository each), as `jsonl` lines: the provenance, the repository.
fn two_shards(tmp: &TempDir) -> [(Value, Value); 2] {
    let jsonl = run(&["audit", "--repos-under", "estate", "--format", "jsonl"], &tmp.0);
    let mut lines: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // Repositories are written as they finish: in path order here.
    lines[1..].sort_by_key(|l| l["repo"]["path"].as_str().unwrap().to_owned());
    [(lines[0].clone(), lines[1].clone()), (lines[0].clone(), lines[2].clone())]
}

/// Writes shards as `jsonl` files and merges them into JSON; the exit code and the output.
fn merge_shards(tmp: &TempDir, shards: &[(Value, Value)]) -> (Option<i32>, String) {
    let mut args = vec!["merge".to_owned()];
    for (k, (header, repo)) in shards.iter().enumerate() {
        let name = format!("forged-{k}.jsonl");
        tmp.write(&name, format!("{header}\n{repo}\n"));
        args.push(name);
    }
    args.extend(["--format".to_owned(), "json".to_owned()]);
    let out = stretchlint_in(&args.iter().map(String::as_str).collect::<Vec<_>>(), &tmp.0);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

#[test]
fn merge_counts_again_and_refuses_shards_whose_claims_do_not_hold() {
    let tmp = estate(2);
    let shards = two_shards(&tmp);
    let (code, merged) = merge_shards(&tmp, &shards);
    assert_eq!(code, Some(0), "{merged}");
    let json: Value = serde_json::from_str(&merged).unwrap();
    let listed: usize = json["repos"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(json["totals"]["errors"], listed, "totals are the findings counted");

    // Each shard claims 2^63 errors: summed, they would wrap to 0.
    let huge = Value::from(1u64 << 63);
    let mut forged = shards.clone();
    for (_, repo) in &mut forged {
        repo["repo"]["summary"]["errors"] = huge.clone();
    }
    let (code, out) = merge_shards(&tmp, &forged);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains(
            "forged-0.jsonl:2:1: repository `team-0/repo-00` claims 9223372036854775808 errors but lists"
        ),
        "{out}"
    );

    // Summaries that match their findings, but files no count can hold.
    let mut forged = shards.clone();
    for (_, repo) in &mut forged {
        repo["repo"]["summary"]["files"] = huge.clone();
    }
    let (code, out) = merge_shards(&tmp, &forged);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("forged-1.jsonl:2:1: the files of the repositories up to `team-1/repo-01` add up"),
        "{out}"
    );

    // Another schema version, none at all, another audit's rules.
    let mut forged = shards.clone();
    forged[1].0["schema_version"] = Value::from(2);
    let (code, out) = merge_shards(&tmp, &forged);
    assert!(code == Some(2) && out.contains("forged-1.jsonl:1:1: schema version 2, not 1"), "{out}");
    let mut forged = shards.clone();
    forged[0].0.as_object_mut().unwrap().remove("schema_version");
    let (code, out) = merge_shards(&tmp, &forged);
    assert!(code == Some(2) && out.contains("forged-0.jsonl:1:1: no schema_version"), "{out}");
    let mut forged = shards.clone();
    forged[1].0["provenance"]["rules_hash"] = Value::from("0000000000000000");
    let (code, out) = merge_shards(&tmp, &forged);
    assert!(
        code == Some(2)
            && out.contains(
                "forged-1.jsonl:1:1: comes from another audit than forged-0.jsonl (the rules hash differs)"
            ),
        "{out}"
    );

    // The same repository in two shards.
    let forged = [shards[0].clone(), shards[0].clone()];
    let (code, out) = merge_shards(&tmp, &forged);
    assert!(
        code == Some(2)
            && out.contains(
                "forged-1.jsonl:2:1: repository `team-0/repo-00` is also in forged-0.jsonl at line 2"
            ),
        "{out}"
    );
}

#[test]
fn day_two_manifests_alone_are_no_cluster_in_the_totals() {
    let tmp = TempDir::new("audit-day-two");
    let repo = tmp.0.join("repo");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join(EXAMPLE_TREES[0]), &repo.join("clusters/c0"));
    tmp.write(
        "repo/day2/ingress.yaml",
        "apiVersion: operator.openshift.io/v1\nkind: IngressController\nmetadata:\n  name: default\n  \
         namespace: openshift-ingress-operator\nspec:\n  replicas: 3\n",
    );
    let json: Value = serde_json::from_str(&run(&["audit", "repo", "--format", "json"], &tmp.0)).unwrap();
    assert_eq!(json["totals"]["clusters"], 1, "{}", json["totals"]);
    assert_eq!(json["repos"][0]["clusters"].as_array().map(Vec::len), Some(1));
    let markdown = run(&["audit", "repo", "--format", "markdown"], &tmp.0);
    assert!(markdown.contains("**1 clusters**"), "{markdown}");
}

#[test]
fn sarif_has_one_valid_run_per_repository() {
    let tmp = estate(6);
    let json: Value =
        serde_json::from_str(&run(&["audit", "--repos-under", "estate", "--format", "json"], &tmp.0))
            .unwrap();
    let sarif: Value =
        serde_json::from_str(&run(&["audit", "--repos-under", "estate", "--format", "sarif"], &tmp.0))
            .unwrap();
    let repos = json["repos"].as_array().unwrap();
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), repos.len());
    let mut ids = BTreeSet::new();
    for (repo, run) in repos.iter().zip(runs) {
        assert_eq!(run["properties"]["repository"], repo["path"]);
        assert_eq!(run["properties"]["commit"], repo["commit"]);
        assert_eq!(run["results"].as_array().unwrap().len(), repo["findings"].as_array().unwrap().len());
        for (r, f) in run["results"].as_array().unwrap().iter().zip(repo["findings"].as_array().unwrap()) {
            assert_eq!(r["ruleId"], f["code"]);
            let loc = &r["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uri"], f["file"]);
            assert_eq!(loc["region"]["startLine"], f["line"]);
            let rule = &run["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], f["code"]);
        }
        assert!(ids.insert(run["automationDetails"]["id"].as_str().unwrap().to_owned()));
    }
    assert!(runs.iter().any(|r| !r["results"].as_array().unwrap().is_empty()));
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    if let Ok(text) = std::fs::read_to_string(&schema_path) {
        let schema: Value = serde_json::from_str(&text).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}
