//! tracking-pixel: a remote image that is 1x1 or hidden, or that loads from a known tracker.

use scraper::ElementRef;

use super::visibility::{origin_span, why_hidden};
use super::{Confidence, Rule, RuleMeta, finding};
use crate::context::Context;
use crate::finding::{Finding, Label, Severity};
use crate::style::{Origin, px};

pub struct TrackingPixel;

static META: RuleMeta = RuleMeta {
    name: "tracking-pixel",
    summary: "a remote image is a tracking pixel (1x1, hidden, or from a known tracker)",
    severity: Severity::Info,
    confidence: Confidence::Heuristic,
    languages: false,
    docs: include_str!("../../rules/tracking-pixel.md"),
};

/// An image this small (CSS px, both sides) shows nothing.
const MAX_PIXEL: f64 = 1.0;

impl Rule for TrackingPixel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_element(&self, ctx: &Context<'_>, el: ElementRef<'_>, out: &mut Vec<Finding>) {
        if el.value().name() != "img" {
            return;
        }
        let Some(src_attr) = ctx.attr_span(el, "src") else { return };
        let src = ctx.attr_raw(el, "src").unwrap_or("").trim();
        let lower = src.to_ascii_lowercase();
        let remote = lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("//");
        if !remote {
            return;
        }
        let span = src_attr.span.clone();
        if let Some(t) = ctx.trackers.find(src) {
            out.push(finding(
                &META,
                span,
                format!("image loads from a known tracker ({})", t.name),
                "this request tells the tracker who opened the email or page, and when",
                "remove the tracker, or load it only after the reader has consented to tracking (in an \
                 email, disable the ESP's open tracking for recipients who have not consented)"
                    .into(),
            ));
            return;
        }
        let size = |name: &str| -> Option<(f64, std::ops::Range<usize>)> {
            if let Some((v, o)) = ctx.style(el, name)
                && let Some(n) = px(&v)
            {
                return Some((n, origin_span(ctx, el, &o)));
            }
            let v = el.value().attr(name)?;
            let n = px(v)?;
            Some((n, ctx.attr_span(el, name).map_or_else(|| ctx.doc.anchor(el), |a| a.span.clone())))
        };
        let (width, height) = (size("width"), size("height"));
        let tiny = match (&width, &height) {
            (Some((w, ws)), Some((h, hs))) if *w <= MAX_PIXEL && *h <= MAX_PIXEL => {
                Some((format!("{w}x{h}"), ws.clone(), hs.clone()))
            }
            _ => None,
        };
        // A hidden image with a real size is content hidden for some layout (a block an editor
        // switches off, a mobile-only banner), not a pixel.
        let sized = [&width, &height].iter().any(|d| d.as_ref().is_some_and(|(n, _)| *n > MAX_PIXEL));
        let hidden = if tiny.is_none() && !sized { why_hidden(ctx, el, false) } else { None };
        let (message, labels) = match (tiny, hidden) {
            (Some((dims, ws, hs)), _) => {
                let mut l = vec![Label { span: ws, message: "width".into() }];
                if hs != l[0].span {
                    l.push(Label { span: hs, message: "height".into() });
                }
                (format!("remote {dims} image looks like a tracking pixel"), l)
            }
            (None, Some(h)) => {
                let at = origin_span(ctx, h.by, &h.origin);
                let from_sheet = if matches!(h.origin, Origin::Sheet) { " from a <style> rule" } else { "" };
                let labels = if at == ctx.doc.anchor(el) {
                    Vec::new() // a <style> rule on the image itself: nothing else to point at
                } else {
                    vec![Label { span: at, message: format!("hidden by {}{from_sheet}", h.reason) }]
                };
                (format!("hidden remote image looks like a tracking pixel ({}{from_sheet})", h.reason), labels)
            }
            (None, None) => return,
        };
        let mut f = finding(
            &META,
            span,
            message,
            "loading this image tells the sender who opened the email, and when",
            "an invisible remote image exists only to report opens: read access to the reader's device \
             for tracking needs consent, so remove it or send it only to readers who agreed to open tracking"
                .into(),
        );
        f.secondary = labels;
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::check;

    const RULE: &str = "tracking-pixel";

    #[test]
    fn pixels() {
        let fail = [
            (
                r#"<img src="https://t.example.com/o.gif" width="1" height="1" alt="">"#,
                r#"src="https://t.example.com/o.gif""#,
            ),
            (r#"<img src="//t.example.com/o.gif" style="width:1px;height:1px">"#, r#"src="//t.example.com/o.gif""#),
            (r#"<img src="https://t.example.com/o.gif" width="0" height="0">"#, r#"src="https://t.example.com/o.gif""#),
            (r#"<img src="https://t.example.com/o.gif" style="display:none">"#, r#"src="https://t.example.com/o.gif""#),
            (
                r#"<div style="display:none"><img src="https://t.example.com/o.gif"></div>"#,
                r#"src="https://t.example.com/o.gif""#,
            ),
            (
                r#"<img src="https://www.facebook.com/tr?id=1&amp;ev=PageView" width="600">"#,
                r#"src="https://www.facebook.com/tr?id=1&amp;ev=PageView""#,
            ),
            (
                r#"<img src="https://mandrillapp.com/track/open.php?u=1">"#,
                r#"src="https://mandrillapp.com/track/open.php?u=1""#,
            ),
        ];
        let pass = [
            r#"<img src="https://cdn.example.com/logo.png" width="120" height="40" alt="Acme">"#,
            r#"<img src="/images/spacer.gif" width="1" height="1">"#,
            r#"<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1">"#,
            r#"<img src="https://cdn.example.com/hero.jpg" width="1">"#,
            r#"<img src="https://www.facebook.com/acme/photo.jpg" width="600">"#,
            // Content hidden by a layout block, not a pixel.
            r#"<div style="display:none"><img src="https://cdn.example.com/banner.jpg" width="258"></div>"#,
        ];
        check(RULE, "page.html", &fail, &pass);
    }
}
