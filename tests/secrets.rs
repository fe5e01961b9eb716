//! A marker secret planted in every input kind appears in no output of any command.

#![allow(clippy::expect_used)] // a fixture that cannot be written is a broken test

mod common;

use std::path::Path;

use common::{TempDir, copy_tree, stretchlint_in};

/// Every marker starts so; the kind follows (`SLMARKER-authpass-7f3a`).
const MARKER: &str = "SLMARKER-";

/// Replaces `from` (which must occur) by `to` in a file of the tree.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).expect("read a fixture copy");
    assert!(text.contains(from), "{rel} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write a fixture copy");
}

/// A repository of fixtures with findings, a marker beside each finding where the input allows.
fn planted_repo(dir: &TempDir) -> std::path::PathBuf {
    let repo = dir.0.join("repo");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // keepalived `auth_pass` beside a VRID collision (SL302); haproxy `stats auth` and a
    // `userlist` password; Heat parameters secret by name and by `hidden: true`, the ports
    // named from them (SL211 quotes the names).
    let lb = repo.join("lb-cluster");
    copy_tree(&root.join("fixtures/planted/overlay-haproxy"), &lb);
    edit(
        &lb,
        "lb/keepalived-lb2.conf",
        "    virtual_router_id 51\n    priority 130\n    advert_int 1\n    unicast_src_ip 10.1.0.13\n    unicast_peer {\n        10.1.0.11\n        10.1.0.12\n    }\n    virtual_ipaddress {\n        10.1.0.7/16",
        "    virtual_router_id 51\n    authentication {\n        auth_type PASS\n        auth_pass SLMARKER-authpass-7f3a\n    }\n    priority 130\n    advert_int 1\n    unicast_src_ip 10.1.0.13\n    unicast_peer {\n        10.1.0.11\n        10.1.0.12\n    }\n    virtual_ipaddress {\n        10.1.0.7/16",
    );
    let haproxy = std::fs::read_to_string(lb.join("lb/haproxy.cfg")).expect("read haproxy.cfg");
    std::fs::write(
        lb.join("lb/haproxy.cfg"),
        format!(
            "{haproxy}\nuserlist ops\n    user alice password SLMARKER-userlist-7f3a\n    user bob insecure-password SLMARKER-insecure-7f3a\n\nlisten stats\n    bind 10.1.0.5:8404\n    stats enable\n    stats auth admin:SLMARKER-statsauth-7f3a\n"
        ),
    )
    .expect("write haproxy.cfg");
    edit(
        &lb,
        "network/heat-stack.yaml",
        "parameters:\n",
        "parameters:\n  lb_port_password:\n    type: string\n    default: SLMARKER-heatparam-7f3a\n  lb_seed:\n    type: string\n    hidden: true\n    default: SLMARKER-heathidden-7f3a\n",
    );
    edit(&lb, "network/heat-stack.yaml", "name: lb-d-lb-0", "name: {get_param: lb_port_password}");
    edit(&lb, "network/heat-stack.yaml", "name: lb-d-lb-1", "name: {get_param: lb_seed}");
    // The network too: `infer`, `model` and `simulate` name it.
    edit(&lb, "network/heat-stack.yaml", "name: lb-d-network", "name: {get_param: lb_seed}");

    // Terraform: a variable named like a password and a sensitive one (the port SL211 reports is
    // named from it), and a secret attribute on the reported line's neighbour.
    let tf = repo.join("tf-cluster");
    copy_tree(&root.join("fixtures/rules/SL211/bad-terraform"), &tf);
    edit(&tf, "ports.tf", "  name       = \"ocp2-master-0\"", "  name       = var.port_name");
    edit(
        &tf,
        "ports.tf",
        "  security_group_ids",
        "  admin_pass = \"SLMARKER-tfattr-7f3a\"\n  security_group_ids",
    );
    let ports = std::fs::read_to_string(tf.join("ports.tf")).expect("read ports.tf");
    std::fs::write(
        tf.join("ports.tf"),
        format!(
            "{ports}\nvariable \"db_password\" {{\n  default = \"SLMARKER-tfvar-7f3a\"\n}}\n\nvariable \"port_name\" {{\n  sensitive = true\n  default   = \"SLMARKER-tfsensitive-7f3a\"\n}}\n"
        ),
    )
    .expect("write ports.tf");
    // Its `.tfvars`: a secret-named variable, one inside an object (the group SL211 names is named
    // from it), and a value for the sensitive variable the port is named from (the `.tfvars` file
    // alone does not say it is sensitive).
    edit(&tf, "ports.tf", "  name = \"ocp2-master\"", "  name = var.openstack.password");
    std::fs::write(
        tf.join("variables.tf"),
        "variable \"openstack\" {\n  type = object({ auth_url = string, password = string })\n}\n",
    )
    .expect("write variables.tf");
    std::fs::write(
        tf.join("terraform.tfvars"),
        "db_password = \"SLMARKER-tfvars-7f3a\"\nport_name   = \"SLMARKER-tfvarsensitive-7f3a\"\nopenstack = {\n  auth_url = \"https://keystone.example.com:5000\"\n  password = \"SLMARKER-tfvarsobject-7f3a\"\n}\n",
    )
    .expect("write terraform.tfvars");

    // Ansible: a play variable and a module's credentials beside SL304's line; a clouds.yaml.
    let upi = repo.join("upi-cluster");
    copy_tree(&root.join("fixtures/planted/upi-rpn-external-lb"), &upi);
    edit(
        &upi,
        "lb/f5.yaml",
        "    partition: Common\n",
        "    partition: Common\n    bigip_password: SLMARKER-ansiblevar-7f3a\n",
    );
    edit(
        &upi,
        "lb/f5.yaml",
        "        name: upi-c-api\n",
        "        name: upi-c-api\n        provider: {server: bigip.example.com, user: admin, password: SLMARKER-f5provider-7f3a}\n",
    );
    std::fs::write(
        upi.join("clouds.yaml"),
        "clouds:\n  openstack:\n    auth:\n      auth_url: https://keystone.example.com:5000\n      username: admin\n      password: SLMARKER-cloudsauth-7f3a\n      application_credential_secret: SLMARKER-appcred-7f3a\n    region_name: regionOne\n",
    )
    .expect("write clouds.yaml");

    // install-config pullSecret and sshKey after deprecated keys (SL401, fixable), providerSpec
    // userData beside one too; a Secret's data and stringData just before a document that
    // does not parse (SL001 shows the lines around it).
    let hygiene = repo.join("hygiene");
    std::fs::create_dir_all(&hygiene).expect("create a folder");
    let ic = std::fs::read_to_string(root.join("fixtures/rules/SL401/bad-install-config.yaml"))
        .expect("read an install-config");
    let ic = format!(
        "{ic}pullSecret: '{{\"auths\":{{\"quay.io\":{{\"auth\":\"SLMARKER-pullsecret-7f3a\"}}}}}}'\nsshKey: ssh-ed25519 SLMARKER-sshkey-7f3a\n"
    );
    std::fs::write(hygiene.join("install-config.yaml"), ic).expect("write an install-config");
    let ms = std::fs::read_to_string(root.join("fixtures/rules/SL401/bad-provider-spec.yaml"))
        .expect("read a MachineSet");
    let ms = ms.replacen(
        "          sshUserName: core\n",
        "          sshUserName: core\n          userData: SLMARKER-userdata-7f3a\n",
        1,
    );
    std::fs::write(hygiene.join("machinesets.yaml"), ms).expect("write a MachineSet");
    std::fs::write(
        hygiene.join("secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: worker-config\nstringData:\n  config.json: SLMARKER-stringdata-7f3a\ndata:\n  blob: SLMARKER-secretdata-7f3a\n---\nkind: ConfigMap\ndata: [unclosed\n",
    )
    .expect("write a Secret");
    repo
}

/// Every way the tool writes what it read: each command and format, to standard output or a file.
fn outputs(cwd: &Path) -> Vec<(String, String)> {
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["human", "concise", "json", "sarif", "github", "junit", "markdown"] {
        runs.push(vec!["check", "repo", "--format", format, "--color", "always"]);
    }
    runs.push(vec!["check", "repo", "--statistics"]);
    runs.push(vec!["check", "repo", "--diff"]);
    for format in ["json", "jsonl", "csv", "markdown", "html", "sarif"] {
        runs.push(vec!["audit", "repo", "--format", format]);
    }
    runs.push(vec!["model", "repo"]);
    runs.push(vec!["infer", "repo"]);
    runs.push(vec!["infer", "repo", "--format", "json"]);
    for format in ["human", "json", "markdown"] {
        runs.push(vec!["simulate", "repo", "--format", format]);
    }
    let mut out = Vec::new();
    for args in runs {
        let run = stretchlint_in(&args, cwd);
        assert!(
            run.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let text =
            format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
        out.push((args.join(" "), text));
    }
    let run = stretchlint_in(&["check", "repo", "--write-baseline", "baseline.json"], cwd);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out.push(("baseline".to_owned(), std::fs::read_to_string(cwd.join("baseline.json")).expect("baseline")));
    out
}

#[test]
fn no_planted_secret_reaches_any_output() {
    let dir = TempDir::new("secrets");
    let repo = planted_repo(&dir);
    let outputs = outputs(&dir.0);
    let leaks: Vec<String> = outputs
        .iter()
        .flat_map(|(run, text)| {
            text.match_indices(MARKER).map(move |(at, _)| {
                let end = (at + 32).min(text.len());
                format!("{run}: {}", text.get(at..end).unwrap_or_default())
            })
        })
        .collect();
    assert!(leaks.is_empty(), "secrets in the output:\n{}", leaks.join("\n"));

    // The findings beside the markers are there: the outputs were worth searching.
    let check = &outputs.iter().find(|(run, _)| run.starts_with("check repo --format json")).expect("json").1;
    for code in ["SL001", "SL211", "SL302", "SL304", "SL401"] {
        assert!(check.contains(code), "{code} is reported");
    }
    let diff = &outputs.iter().find(|(run, _)| run == "check repo --diff").expect("diff").1;
    assert!(
        diff.contains("+++ b/repo/hygiene/install-config.yaml") && diff.contains(" sshKey: *******"),
        "{diff}"
    );
    // The files themselves are untouched.
    assert!(
        std::fs::read_to_string(repo.join("hygiene/install-config.yaml"))
            .expect("read")
            .contains("SLMARKER-sshkey")
    );
}

#[test]
fn fix_writes_the_real_secret_values() {
    let dir = TempDir::new("secrets-fix");
    let repo = planted_repo(&dir);
    let run = stretchlint_in(&["check", "repo/hygiene", "--fix"], &dir.0);
    assert!(run.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&run.stderr));
    let fixed = std::fs::read_to_string(repo.join("hygiene/install-config.yaml")).expect("read");
    assert!(fixed.contains("sshKey: ssh-ed25519 SLMARKER-sshkey-7f3a\n"), "{fixed}");
    assert!(fixed.contains("machineNetwork: [{cidr: 10.0.0.0/16}]"), "the fix was applied:\n{fixed}");
}
