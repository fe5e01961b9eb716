use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};

declare_rule!(UndefinedReference, "SL005", "SL005-undefined-reference.yaml", check);

/// Heat resolves every `get_resource` and `get_param` when it validates a template, before it
/// creates anything: one name that resolves to nothing and the whole stack is refused.
fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for reference in &cx.model.site.undefined_references {
        let (function, noun, section) =
            (reference.kind.function(), reference.kind.noun(), reference.kind.section());
        let name = &reference.name.value;
        out.push(
            Diagnostic::new(
                "SL005",
                reference.name.span,
                format!(
                    "`{function}: {name}` in resource `{}` names no {noun} of this template",
                    reference.resource
                ),
            )
            .with_label(format!("no {noun} `{name}` under `{section}`"))
            .with_help(format!(
                "declare `{name}` under `{section}` or correct the name: Heat checks every reference when it \
                 validates the template, so `openstack stack create` refuses the whole stack"
            )),
        );
    }
}
