//! Whether a reader can see an element: shared by hidden-unsubscribe and tracking-pixel.
//! Looks at the element and its ancestors through `Context::style` (inline styles and simple
//! `<style>` rules), presentational attributes (`hidden`, `bgcolor`, `<font color>`) and MJML's
//! attributes (`color`, `font-size`, `background-color`).

use std::ops::Range;

use scraper::ElementRef;

use crate::context::Context;
use crate::style::{Color, Origin, px};

/// Text smaller than this (CSS px) is unreadable.
pub(crate) const MIN_FONT_PX: f64 = 8.0;
/// A WCAG contrast ratio below this is "the same colour as the background".
pub(crate) const MIN_CONTRAST: f64 = 1.5;

/// Why an element cannot be seen.
#[derive(Debug)]
pub(crate) struct Hidden<'a> {
    /// What hides it, e.g. "display:none".
    pub reason: String,
    /// What to do about it, e.g. "remove display:none".
    pub fix: String,
    /// The element whose style or attribute does it (the element itself or an ancestor).
    pub by: ElementRef<'a>,
    /// Where that style or attribute is.
    pub origin: Origin,
    /// A second element that takes part (the one whose background the colour matches).
    pub also: Option<(ElementRef<'a>, Origin, String)>,
}

/// A property on one element: CSS first, then MJML's attribute of the same name.
fn prop<'a>(ctx: &Context<'a>, el: ElementRef<'a>, name: &str) -> Option<(String, Origin)> {
    if let Some(v) = ctx.style(el, name) {
        return Some(v);
    }
    if el.value().name().starts_with("mj-") {
        let v = el.value().attr(name)?;
        let span = ctx.attr_span(el, name).map_or(0..0, |a| a.span.clone());
        return Some((v.to_string(), Origin::Attribute(span)));
    }
    None
}

fn attr_origin(ctx: &Context<'_>, el: ElementRef<'_>, name: &str) -> Origin {
    Origin::Attribute(ctx.attr_span(el, name).map_or(0..0, |a| a.span.clone()))
}

fn chain<'a>(el: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    std::iter::once(el).chain(el.ancestors().filter_map(ElementRef::wrap))
}

/// Why `el` cannot be seen, if it cannot. `text`: also check what makes text unreadable
/// (tiny font, colour equal to the background).
pub(crate) fn why_hidden<'a>(ctx: &Context<'a>, el: ElementRef<'a>, text: bool) -> Option<Hidden<'a>> {
    let hidden =
        |reason: String, by, origin| Some(Hidden { fix: format!("remove {reason}"), reason, by, origin, also: None });
    for e in chain(el) {
        if e.value().attr("hidden").is_some() {
            return hidden("the `hidden` attribute".into(), e, attr_origin(ctx, e, "hidden"));
        }
        if let Some((v, o)) = prop(ctx, e, "display")
            && v.eq_ignore_ascii_case("none")
        {
            return hidden("display:none".into(), e, o);
        }
        if let Some((v, o)) = prop(ctx, e, "mso-hide")
            && v.eq_ignore_ascii_case("all")
        {
            return hidden("mso-hide:all (hidden in Outlook)".into(), e, o);
        }
        if let Some((v, o)) = prop(ctx, e, "opacity")
            && v.trim().parse::<f64>().is_ok_and(|x| x <= 0.0)
        {
            return hidden("opacity:0".into(), e, o);
        }
        let overflow_hidden = prop(ctx, e, "overflow").is_some_and(|(v, _)| v.eq_ignore_ascii_case("hidden"));
        if overflow_hidden || e == el {
            for p in ["max-height", "height", "max-width", "width"] {
                if let Some((v, o)) = prop(ctx, e, p)
                    && px(&v) == Some(0.0)
                {
                    let why = if overflow_hidden { format!("{p}:0 with overflow:hidden") } else { format!("{p}:0") };
                    return hidden(why, e, o);
                }
            }
        }
    }
    // Inherited properties: the nearest element that sets them decides.
    if let Some((e, (v, o))) = chain(el).find_map(|e| prop(ctx, e, "visibility").map(|v| (e, v)))
        && matches!(v.to_ascii_lowercase().as_str(), "hidden" | "collapse")
    {
        return hidden(format!("visibility:{v}"), e, o);
    }
    if !text {
        return None;
    }
    if let Some((e, (v, o))) = chain(el).find_map(|e| prop(ctx, e, "font-size").map(|v| (e, v)))
        && let Some(size) = px(&v)
        && size < MIN_FONT_PX
    {
        return Some(Hidden {
            reason: format!("font-size:{v} (below {MIN_FONT_PX}px)"),
            fix: format!("set a font size of at least {MIN_FONT_PX}px (12px or more is usual)"),
            by: e,
            origin: o,
            also: None,
        });
    }
    let colour = |e: ElementRef<'a>| -> Option<(Color, Origin)> {
        if let Some((v, o)) = prop(ctx, e, "color") {
            return Color::parse(&v).map(|c| (c, o));
        }
        if e.value().name() == "font" {
            let v = e.value().attr("color")?;
            return Color::parse(v).map(|c| (c, attr_origin(ctx, e, "color")));
        }
        None
    };
    let (fg_el, (fg, fg_origin)) = chain(el).find_map(|e| colour(e).map(|c| (e, c)))?;
    let background = |e: ElementRef<'a>| -> Option<(Color, Origin)> {
        let c = prop(ctx, e, "background-color")
            .and_then(|(v, o)| Color::parse(&v).map(|c| (c, o)))
            .or_else(|| prop(ctx, e, "background").and_then(|(v, o)| Color::from_background(&v).map(|c| (c, o))))
            .or_else(|| {
                let v = e.value().attr("bgcolor")?;
                Color::parse(v).map(|c| (c, attr_origin(ctx, e, "bgcolor")))
            })?;
        (c.0.a > 0.0).then_some(c)
    };
    let bg = chain(el).find_map(|e| background(e).map(|c| (e, c)));
    let (bg_color, bg_part) = match &bg {
        Some((e, (c, o))) => (*c, Some((*e, o.clone()))),
        None => (Color::WHITE, None),
    };
    let ratio = fg.contrast(bg_color);
    if ratio >= MIN_CONTRAST {
        return None;
    }
    let bg_text = if bg_part.is_some() { "its background" } else { "the default white background" };
    Some(Hidden {
        reason: format!("text colour {} on {bg_text} (contrast {ratio:.2}:1, below {MIN_CONTRAST}:1)", hex(fg)),
        fix: format!("give it a colour that stands out from {} (WCAG asks for 4.5:1 for text)", hex(bg_color)),
        by: fg_el,
        origin: fg_origin,
        also: bg_part.map(|(e, o)| (e, o, format!("background {} set here", hex(bg_color)))),
    })
}

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// The span to underline for a style or attribute of `el`: the `style` attribute or the
/// presentational attribute at fault, else the element's start tag.
pub(crate) fn origin_span(ctx: &Context<'_>, el: ElementRef<'_>, origin: &Origin) -> Range<usize> {
    match origin {
        Origin::Inline(r) | Origin::Attribute(r) if !r.is_empty() => r.clone(),
        _ => ctx.doc.anchor(el),
    }
}
