//! Secrets in Terraform: the `default` of a `variable` that is named like a secret or marked
//! `sensitive = true`, and literal values of secret attributes anywhere (`admin_pass = "…"`,
//! `user_data = <<EOF … EOF`). References (`var.db_password`) are not secrets themselves.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
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
            Structure::Attribute(attr) => {
                if is_secret_key(attr.key.as_str()) && is_literal(&attr.value) {
                    add(&attr.value, text, out);
                }
            }
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
}
