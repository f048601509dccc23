//! insecure-form-action: a form that collects personal data and sends it unencrypted
//! (`http://`) or in the URL (GET).

use std::ops::Range;

use scraper::ElementRef;

use super::forms::{self, DataKind};
use super::{Confidence, Rule, RuleMeta, finding};
use crate::context::Context;
use crate::finding::{Finding, Label, Severity};

pub struct InsecureFormAction;

static META: RuleMeta = RuleMeta {
    name: "insecure-form-action",
    summary: "a form sends personal data over plain http:// or in the URL (GET)",
    severity: Severity::Error,
    confidence: Confidence::High,
    languages: true,
    docs: include_str!("../../rules/insecure-form-action.md"),
};

impl Rule for InsecureFormAction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, form: ElementRef<'_>, out: &mut Vec<Finding>) {
        if form.value().name() != "form" {
            return;
        }
        let fields = forms::data_fields(form);
        let personal = forms::personal_fields(ctx, &fields);
        let passwords = forms::passwords(form);
        if personal.is_empty() && passwords == 0 {
            return;
        }
        let what = describe(&personal, passwords);
        let first = personal.first().map(|p| ctx.doc.anchor(p.el));

        // Where it goes: the form's action, and any submit button's formaction.
        let mut targets: Vec<ElementRef<'_>> = vec![form];
        targets.extend(form.descendants().filter_map(ElementRef::wrap).filter(|e| forms::is_submit(*e)));
        for (i, el) in targets.iter().enumerate() {
            let attr = if i == 0 { "action" } else { "formaction" };
            if let Some(span) = plain_http(ctx, *el, attr) {
                let mut f = finding(
                    &META,
                    span,
                    "form sends personal data over unencrypted http://".to_string(),
                    "submitted without TLS",
                    format!(
                        "submit to an https:// URL: over http:// the fields ({what}) can be read and changed by anyone \
                         on the network path"
                    ),
                );
                if let Some(s) = first.clone() {
                    f.secondary.push(Label { span: s, message: format!("collects {what}") });
                }
                out.push(f);
            }
        }

        // How it goes: GET puts every field in the URL. A search, store finder or other query
        // form without contact details or passwords is fine.
        let sensitive = passwords > 0 || personal.iter().any(|p| p.kind != DataKind::Address);
        if !sensitive || (passwords == 0 && forms::is_search_form(ctx, form, &fields)) {
            return;
        }
        let method_span = get_method(ctx, form, "method");
        let explicit = method_span.is_some();
        let span = method_span.or_else(|| implicit_get(ctx, form));
        if let Some(span) = span {
            let mut f = finding(
                &META,
                span,
                "form sends personal data in the URL (GET)".to_string(),
                if explicit {
                    "`method=\"get\"` puts every field in the URL"
                } else {
                    "no `method`: the browser submits by GET"
                },
                format!(
                    "use method=\"post\": with GET, the fields ({what}) end up in the address bar, browser history, \
                     server and proxy logs, and the Referer header sent to other sites"
                ),
            );
            if let Some(s) = first.clone() {
                f.secondary.push(Label { span: s, message: format!("collects {what}") });
            }
            out.push(f);
        }
        for b in targets.iter().skip(1) {
            if let Some(span) = get_method(ctx, *b, "formmethod") {
                out.push(finding(
                    &META,
                    span,
                    "form sends personal data in the URL (GET)".to_string(),
                    "`formmethod=\"get\"` puts every field in the URL",
                    format!(
                        "use formmethod=\"post\" (or remove it): with GET, the fields ({what}) end up in URLs and logs"
                    ),
                ));
            }
        }
    }
}

fn describe(personal: &[forms::PersonalField<'_>], passwords: usize) -> String {
    let mut items: Vec<&str> = Vec::new();
    for p in personal {
        if !items.contains(&p.why.as_str()) {
            items.push(&p.why);
        }
    }
    if passwords > 0 {
        items.push("a password");
    }
    items.truncate(3);
    items.join(", ")
}

/// The attribute, when it is written as plain `http://` to a host other than this machine.
fn plain_http(ctx: &Context<'_>, el: ElementRef<'_>, attr: &str) -> Option<Range<usize>> {
    let a = ctx.attr_span(el, attr)?;
    let value = ctx.attr_raw(el, attr)?.trim();
    // `get`: the 7th byte may fall inside a character of the value.
    if ctx.is_templated(a.span.start) || !value.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("http://")) {
        return None;
    }
    let rest = &value[7..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    }
    .to_ascii_lowercase();
    if host.is_empty() || is_local(&host) || host.contains("{{") || host.contains("{%") || host.contains("<%") {
        return None;
    }
    Some(a.span.clone())
}

fn is_local(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host == "0.0.0.0"
        || host
            .strip_prefix("127.")
            .is_some_and(|r| r.split('.').count() == 3 && r.split('.').all(|p| p.parse::<u8>().is_ok()))
}

/// `method="get"` (or `formmethod`) written as a fixed value.
fn get_method(ctx: &Context<'_>, el: ElementRef<'_>, attr: &str) -> Option<Range<usize>> {
    let a = ctx.attr_span(el, attr)?;
    if ctx.is_templated(a.span.start) || a.value_span.as_ref().is_some_and(|v| ctx.templates.in_expression(v.start)) {
        return None;
    }
    ctx.attr_raw(el, attr)?.trim().eq_ignore_ascii_case("get").then(|| a.span.clone())
}

/// No `method` but a real `action`: the browser sends the fields by GET to that URL. A form
/// without an action (or with "#" or a javascript: URL) is left to its script.
fn implicit_get(ctx: &Context<'_>, form: ElementRef<'_>) -> Option<Range<usize>> {
    if form.value().attr("method").is_some() {
        return None;
    }
    let a = ctx.attr_span(form, "action")?;
    let value = ctx.attr_raw(form, "action")?.trim();
    if value.is_empty() || value.starts_with('#') || value.to_ascii_lowercase().starts_with("javascript:") {
        return None;
    }
    Some(a.span.clone())
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "insecure-form-action";

    #[test]
    fn transport_and_method() {
        check(
            RULE,
            "form.html",
            &[
                (
                    r#"<form action="http://example.com/signup" method="post"><input type=email name=email></form>"#,
                    r#"action="http://example.com/signup""#,
                ),
                (r#"<form action="/signup" method="get"><input type=email name=email></form>"#, r#"method="get""#),
                (r#"<form action="/signup" METHOD=GET><input type=email name=email></form>"#, "METHOD=GET"),
                (r#"<form action="/signup"><input type=email name=email></form>"#, r#"action="/signup""#),
                (
                    r#"<form action="/login" method="get"><input name=user><input type=password name=pw></form>"#,
                    r#"method="get""#,
                ),
                (
                    r#"<form action="/x" method="post"><input type=tel name=phone><button formmethod="get">Go</button></form>"#,
                    r#"formmethod="get""#,
                ),
                (
                    r#"<form action="HTTP://user@shop.example:8080/order" method=post><input name=name autocomplete=name></form>"#,
                    r#"action="HTTP://user@shop.example:8080/order""#,
                ),
            ],
            &[
                r#"<form action="https://example.com/signup" method="post"><input type=email name=email></form>"#,
                r#"<form action="http://localhost:3000/signup" method="post"><input type=email name=email></form>"#,
                r#"<form action="http://127.0.0.1/signup" method="post"><input type=email name=email></form>"#,
                r#"<form action="/search" method="get"><input name=q></form>"#,
                r#"<form action="/stores" method="get"><label>Postcode <input name=postcode></label></form>"#,
                r#"<form action="http://example.com/search"><input name=q></form>"#,
                r#"<form><input type=email name=email></form>"#,
                r##"<form action="#"><input type=email name=email></form>"##,
                r#"<form action="/signup" method="{{ method }}"><input type=email name=email></form>"#,
                r#"<form action="{{ base }}/signup" method="post"><input type=email name=email></form>"#,
            ],
        );
    }
}
