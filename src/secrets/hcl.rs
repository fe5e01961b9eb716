//! Secrets in Terraform: the `default` of a `variable` that is named like a secret or marked
//! `sensitive = true`, and literal values of secret attributes anywhere (`admin_pass = "…"`,
//! `user_data = <<EOF … EOF`), also inside objects (a `.tfvars` file's `auth = { password = "…" }`).
//! References (`var.db_password`) are not secrets themselves.

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};

use super::{Secrets, is_secret_key};

pub fn in_terraform(body: &Body, text: &str) -> Secrets {
    let mut out = Secrets::default();
    walk(body, text, &mut out);
    out
}

fn walk(body: &Body, text: &str, out: &mut Secrets) {
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => entry(attr.key.as_str(), &attr.value, text, out),
            Structure::Block(block) => {
                if block.ident.as_str() == "variable" {
                    let named = block.labels.first().is_some_and(|l| is_secret_key(l.as_str()));
                    let sensitive = block
                        .body
                        .get_attribute("sensitive")
                        .is_some_and(|a| matches!(&a.value, Expression::Bool(b) if *b.value()));
                    if (named || sensitive)
                        && let Some(default) = block.body.get_attribute("default")
                    {
                        add(&default.value, text, out);
                    }
                }
                walk(&block.body, text, out);
            }
        }
    }
}

/// A value under a key: masked when the key names a secret, else searched for secret keys
/// inside (`.tfvars` files set whole objects: `openstack = { password = "…" }`).
fn entry(key: &str, value: &Expression, text: &str, out: &mut Secrets) {
    if is_secret_key(key) && is_literal(value) {
        add(value, text, out);
        return;
    }
    match value {
        Expression::Object(object) => {
            for (key, value) in object.iter() {
                let key = match key {
                    ObjectKey::Ident(id) => id.as_str().to_owned(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                    ObjectKey::Expression(_) => continue,
                };
                entry(&key, value.expr(), text, out);
            }
        }
        Expression::Array(items) => items.iter().for_each(|item| entry("", item, text, out)),
        _ => {}
    }
}

fn is_literal(expr: &Expression) -> bool {
    matches!(
        expr,
        Expression::String(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_)
            | Expression::Number(_)
            | Expression::Array(_)
            | Expression::Object(_)
    )
}

fn add(expr: &Expression, text: &str, out: &mut Secrets) {
    let value = match expr {
        Expression::String(s) => Some(s.value().clone()),
        _ => None,
    };
    if let Some(range) = expr.span() {
        out.add(text, range, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_and_secret_named_variables_and_attributes() {
        let text = "variable \"db_password\" {\n  default = \"hunter26\"\n}\nvariable \"seed\" {\n  sensitive = true\n  default   = \"hunter27\"\n}\nvariable \"flavor\" {\n  default = \"m1.large\"\n}\nresource \"openstack_compute_instance_v2\" \"vm\" {\n  name       = \"vm\"\n  admin_pass = \"hunter28\"\n  key_pair   = var.db_password\n}\n";
        let body = crate::inputs::terraform::parse(text).map_err(|e| e.message);
        let Ok(body) = body else { panic!("{body:?}") };
        let secrets = in_terraform(&body, text);
        let out = secrets.mask(text);
        for secret in ["hunter26", "hunter27", "hunter28"] {
            assert!(!out.contains(secret), "{secret}: {out}");
        }
        assert!(out.contains("m1.large") && out.contains("var.db_password"), "{out}");
        assert!(secrets.values().iter().any(|v| v == "hunter26"), "{:?}", secrets.values());
    }

    #[test]
    fn tfvars_values_under_secret_keys_also_inside_objects() {
        let text = "os_password = \"hunter29\"\ncluster_id  = \"ocp-abc\"\nauth = {\n  user_name = \"admin\"\n  \"api_token\" = \"hunter30\"\n  nested    = [{ secret = \"hunter31\" }]\n}\n";
        let body = crate::inputs::terraform::parse(text).map_err(|e| e.message);
        let Ok(body) = body else { panic!("{body:?}") };
        let out = in_terraform(&body, text).mask(text);
        for secret in ["hunter29", "hunter30", "hunter31"] {
            assert!(!out.contains(secret), "{secret}: {out}");
        }
        assert!(out.contains("ocp-abc") && out.contains("admin"), "{out}");
    }
}
