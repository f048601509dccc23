#!/usr/bin/env python3
"""Generate the reproducible benchmark corpus for scripts/bench.sh (standard library only).

    python3 scripts/gen_corpus.py OUT_DIR [--files N] [--seed S]

Writes N files (default 20,000; about 10 KB each, about 200 MB in all) under OUT_DIR:

  emails/      email templates: XHTML-transitional table layouts with long inline styles, Outlook
               conditional comments and VML buttons, ESP merge tags; marketing and transactional,
               some without an unsubscribe link
  site/        landing pages with sign-up, contact and checkout forms, consent checkboxes (some
               pre-ticked or bundled), inline scripts and JSON-LD, privacy links (some missing)
  templates/   the same two kinds written as Jinja/Nunjucks/Twig, Handlebars/Mustache, Liquid and
               ERB templates: template syntax in attributes, in text and around whole blocks
  large/       a few very large files (2 to 6 MB each): a newsletter archive page, a catalogue
               email, a long landing page

Each file's content depends only on (seed, its index), so the corpus is byte-identical on every
machine for a given --files and --seed. OUT_DIR/MANIFEST lists every file in generation order
(the kinds interleaved, so the first N lines are a representative mix of the regular files; the
large files sit at evenly spaced positions after the first 5%). OUT_DIR/STAMP records the
parameters (with a hash of this script) and a SHA-256 over all paths and contents, printed at the end.
"""

import argparse
import hashlib
import os
import random
import shutil
import sys

# Words in the 14 languages consentlint reads, mixed with neutral marketing copy.
WORDS = (
    "newsletter offers spring collection free shipping your order new arrivals exclusive "
    "discount members only weekend sale limited edition discover more summer styles gift ideas "
    "best sellers back in stock only today loyalty points rewards personalised recommendations "
    "Angebote Datenschutz Neuigkeiten entdecken Rabatt Versand kostenlos "
    "découvrez nouveautés offres livraison gratuite remise "
    "nuestras ofertas descubre envío gratis novedades "
    "scopri offerte spedizione gratuita novità "
    "aanbiedingen ontdek gratis verzending nieuw "
    "ofertas descubra frete grátis novidades "
    "oferty nowości darmowa dostawa odkryj "
    "erbjudanden nyheter fri frakt upptäck "
    "tilbud nyheder gratis levering "
    "tarjoukset uutuudet ilmainen toimitus "
    "nabídky novinky doprava zdarma "
    "рассылка скидки новинки бесплатная доставка "
    "订阅 优惠 新品 免费送货 "
    "and the with for our you we this that from about more"
).split()

NAMES = "Acme Northwind Contoso Globex Initech Umbrella Hooli Vandelay Wonka Stark Wayne Tyrell".split()
COLORS = "#333333 #555555 #0066cc #ff6600 #f4f4f4 #ffffff #222222 #e8e8e8 #1a73e8 #d93025 #188038".split()
FONTS = (
    "Helvetica,Arial,sans-serif",
    "'Segoe UI',Roboto,Helvetica,Arial,sans-serif",
    "Georgia,'Times New Roman',serif",
    "Verdana,Geneva,sans-serif",
)

UNSUBSCRIBE = (
    '<a href="*|UNSUB|*" style="color:#999999;text-decoration:underline">Unsubscribe</a>',
    '<a href="{{ unsubscribe_link }}" style="color:#999999">Unsubscribe</a>',
    '<a href="<%asm_group_unsubscribe_raw_url%>" style="color:#999999">Unsubscribe from this list</a>',
    '<a href="[[UNSUB_LINK_EN]]" style="color:#888888">Unsubscribe</a>',
    '{% unsubscribe "Unsubscribe" %}',
    '<a href="https://example.com/email/preferences?u=%%recipient%%" style="color:#999">Abmelden</a>',
    '<a href="mailto:unsubscribe@example.com?subject=unsubscribe" style="color:#999">Se désinscrire</a>',
    '<a href="https://example.com/unsubscribe?id=123" style="color:#999999">Darse de baja</a>',
)
MERGE_NAMES = ("*|FNAME|*", "{{ first_name }}", "%%FirstName%%", "[[FIRSTNAME]]", "{{contact.firstname}}")

CONSENT_LABELS = (
    "Send me the newsletter and special offers by email",
    "Ja, ich möchte den Newsletter mit Angeboten per E-Mail erhalten",
    "Je souhaite recevoir la newsletter et les offres par e-mail",
    "Quiero recibir ofertas y novedades por correo electrónico",
    "Desidero ricevere la newsletter e offerte via email",
    "Ja, ik wil de nieuwsbrief en aanbiedingen ontvangen",
    "Хочу получать рассылку с акциями и новинками",
    "我同意接收新闻通讯和优惠信息",
)
BUNDLED_LABELS = (
    "I accept the terms and conditions and want to receive marketing emails",
    "I agree to the Terms of Service and to receive offers from our partners",
    "Ich akzeptiere die AGB und möchte Werbung per E-Mail erhalten",
)
TERMS_LABELS = ("I accept the terms and conditions", "I have read and accept the Terms of Service")
PRIVACY_LINKS = (
    '<a href="/privacy">Privacy policy</a>',
    '<a href="/datenschutz">Datenschutzerklärung</a>',
    '<a href="/politique-de-confidentialite">Politique de confidentialité</a>',
    '<a href="/privacy-notice" target="_blank" rel="noopener">How we use your data</a>',
)


class Gen:
    def __init__(self, rng):
        self.r = rng

    def words(self, lo, hi):
        r = self.r
        return " ".join(r.choice(WORDS) for _ in range(r.randint(lo, hi)))

    def sentence(self):
        s = self.words(5, 18)
        return s[:1].upper() + s[1:] + "."

    def style(self, extra=0):
        """A long inline style, the way email builders write them."""
        r = self.r
        parts = [
            f"font-family:{r.choice(FONTS)}",
            f"font-size:{r.randint(11, 22)}px",
            f"line-height:{r.randint(14, 32)}px",
            f"color:{r.choice(COLORS)}",
            "mso-line-height-rule:exactly",
            "-webkit-text-size-adjust:100%",
            "-ms-text-size-adjust:100%",
        ]
        for _ in range(extra):
            parts.append(
                r.choice(
                    (
                        f"padding:{r.randint(0, 40)}px {r.randint(0, 40)}px",
                        f"background-color:{r.choice(COLORS)}",
                        f"border:{r.randint(0, 2)}px solid {r.choice(COLORS)}",
                        f"border-radius:{r.randint(0, 8)}px",
                        "text-align:left",
                        "text-decoration:none",
                        f"margin:0 0 {r.randint(0, 24)}px",
                        "word-break:break-word",
                        "mso-table-lspace:0pt;mso-table-rspace:0pt",
                        f"max-width:{r.choice((480, 560, 600, 640))}px",
                    )
                )
            )
        return ";".join(parts)

    def url(self):
        r = self.r
        return f"https://www.example.com/{r.choice(('p', 'c', 'blog', 'sale', 'new'))}/{r.getrandbits(40):x}?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=c{r.randint(1, 999)}"

    # ---- email templates -------------------------------------------------------------------

    def email_block(self, tpl=None):
        r = self.r
        out = []
        cols = r.randint(1, 2)
        out.append(
            f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="{self.style(4)}"><tr>\n'
        )
        for _ in range(cols):
            title = self.words(2, 7)
            text = self.sentence() + " " + self.sentence()
            if tpl == "jinja":
                title = "{{ block.title | default('" + title + "') }}"
                text = text + " {% if user.vip %}{{ _('Members save an extra 10%') }}{% endif %}"
            elif tpl == "hbs":
                title = "{{#if block.title}}{{block.title}}{{else}}" + title + "{{/if}}"
                text = text + " {{#each tags}}<span>{{this}}</span>{{/each}}"
            elif tpl == "liquid":
                title = "{{ block.title | default: '" + title + "' | escape }}"
                text = text + " {% if customer.tags contains 'vip' %}VIP{% endif %}"
            out.append(
                f'<td align="left" valign="top" width="{600 // cols}" class="col" style="{self.style(5)}">'
                f'<img src="https://cdn.example.com/img/{r.getrandbits(32):x}.jpg" width="{600 // cols - 40}" alt="{self.words(2, 5)}" style="display:block;border:0;outline:none;text-decoration:none;height:auto;width:100%">'
                f'<h2 style="{self.style(2)}">{title}</h2>'
                f'<p style="{self.style(3)}">{text}</p>'
                f"<!--[if mso]><v:roundrect xmlns:v=\"urn:schemas-microsoft-com:vml\" href=\"{self.url()}\" style=\"height:40px;v-text-anchor:middle;width:200px;\" arcsize=\"10%\" stroke=\"f\" fillcolor=\"#0066cc\"><w:anchorlock/><center><![endif]-->"
                f'<a href="{self.url()}" target="_blank" style="{self.style(4)};display:inline-block">{self.words(1, 4)}</a>'
                "<!--[if mso]></center></v:roundrect><![endif]-->"
                "</td>\n"
            )
        out.append("</tr></table>\n")
        return "".join(out)

    def email(self, tpl=None, min_bytes=0):
        r = self.r
        kind = r.random()
        transactional = kind < 0.15
        brand = r.choice(NAMES)
        fname = r.choice(MERGE_NAMES)
        if tpl == "jinja":
            fname = "{{ user.first_name | default('there') }}"
        elif tpl == "hbs":
            fname = "{{firstName}}"
        elif tpl == "liquid":
            fname = "{{ customer.first_name | capitalize }}"
        out = [
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">\n'
            '<head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">'
            f"<title>{brand} {self.words(2, 6)}</title>"
            "<!--[if mso]><xml><o:OfficeDocumentSettings><o:AllowPNG/><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->\n"
            "<style type=\"text/css\">body,table,td,a{-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%}table,td{mso-table-lspace:0pt;mso-table-rspace:0pt}"
            "img{-ms-interpolation-mode:bicubic;border:0;height:auto;line-height:100%;outline:none;text-decoration:none}"
            "@media screen and (max-width:600px){.col{display:block!important;width:100%!important}.hide{display:none!important}}</style>\n"
            f'</head>\n<body style="margin:0;padding:0;background-color:{r.choice(COLORS)}">\n'
            f'<div style="display:none;font-size:1px;color:#fefefe;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden">{self.sentence()}</div>\n'
            f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="{self.style(6)}"><tr><td align="center">\n'
            f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="600" style="{self.style(6)}">\n'
            f'<tr><td style="{self.style(4)}"><img src="https://cdn.example.com/{brand.lower()}/logo.png" width="160" alt="{brand}" style="display:block;border:0"></td></tr>\n'
        ]
        if transactional:
            subject = r.choice(
                (
                    "Your order confirmation",
                    "Reset your password",
                    "Your receipt",
                    "Your order has shipped",
                    "Verify your email address",
                    "Ihre Bestellbestätigung",
                )
            )
            out.append(
                f'<tr><td style="{self.style(5)}"><h1 style="{self.style(2)}">{subject}</h1><p>Hi {fname}, {self.sentence()}</p>'
                f'<table width="100%" style="{self.style(3)}">'
            )
            for i in range(r.randint(2, 12)):
                out.append(
                    f'<tr><td style="{self.style(2)}">{self.words(2, 5)}</td><td style="{self.style(2)}">{r.randint(1, 5)}</td><td align="right" style="{self.style(2)}">{r.randint(5, 400)}.{r.randint(0, 99):02d} EUR</td></tr>'
                )
            out.append("</table></td></tr>\n")
        else:
            out.append(
                f'<tr><td style="{self.style(5)}"><h1 style="{self.style(3)}">{self.words(3, 8)}</h1><p style="{self.style(3)}">Hi {fname}, {self.sentence()} {self.sentence()}</p></td></tr>\n'
            )
        n = r.randint(1, 2)
        size = sum(map(len, out))
        i = 0
        while i < n or size < min_bytes:
            start = len(out)
            out.append("<tr><td>")
            if tpl == "jinja" and i == 0:
                out.append("{% for block in blocks %}")
            elif tpl == "hbs" and i == 0:
                out.append("{{#each blocks as |block|}}")
            elif tpl == "liquid" and i == 0:
                out.append("{% for block in section.blocks %}")
            out.append(self.email_block(tpl))
            if tpl == "jinja" and i == 0:
                out.append("{% endfor %}")
            elif tpl == "hbs" and i == 0:
                out.append("{{/each}}")
            elif tpl == "liquid" and i == 0:
                out.append("{% endfor %}")
            out.append("</td></tr>\n")
            size += sum(map(len, out[start:]))
            i += 1
        address = f"{brand} GmbH, {r.randint(1, 200)} {self.words(1, 2)} Street, {r.randint(10000, 99999)} Berlin"
        footer = f'<tr><td align="center" style="{self.style(5)}"><p style="{self.style(2)}">{address}</p><p style="{self.style(2)}">You receive this email because you signed up at {brand.lower()}.example.com. '
        if transactional or r.random() < 0.9:
            footer += r.choice(UNSUBSCRIBE)
        footer += f' | <a href="{self.url()}" style="color:#999999">View in browser</a></p></td></tr>\n'
        out.append(footer)
        out.append("</table>\n</td></tr></table>\n</body>\n</html>\n")
        return "".join(out)

    # ---- landing pages ---------------------------------------------------------------------

    def form(self, i, tpl=None):
        r = self.r
        kind = r.random()
        out = [f'<form action="/subscribe/{i}" method="post" class="form form--{r.choice(("inline", "stacked", "modal"))}" novalidate>\n']
        if tpl == "jinja":
            out.append('<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">\n')
        elif tpl == "hbs":
            out.append('<input type="hidden" name="_csrf" value="{{csrfToken}}">\n')
        elif tpl == "erb":
            out.append('<input type="hidden" name="authenticity_token" value="<%= form_authenticity_token %>">\n')
        out.append(
            f'<label for="email-{i}">Email</label><input id="email-{i}" type="email" name="email" autocomplete="email" required placeholder="you@example.com">\n'
        )
        if r.random() < 0.5:
            out.append(f'<label for="name-{i}">Name</label><input id="name-{i}" type="text" name="name" autocomplete="name">\n')
        if kind < 0.15:
            out.append(f'<label><input type="checkbox" name="consent" value="1"> {r.choice(BUNDLED_LABELS)}</label>\n')
        else:
            checked = ""
            if tpl == "jinja":
                checked = " {% if user.newsletter %}checked{% endif %}"
            elif tpl == "hbs":
                checked = " {{#if optIn}}checked{{/if}}"
            elif tpl == "liquid":
                checked = " {% if customer.accepts_marketing %}checked{% endif %}"
            elif tpl == "erb":
                checked = " <%= 'checked' if @user.newsletter %>"
            elif r.random() < 0.2:
                checked = " checked"
            label = r.choice(CONSENT_LABELS)
            if tpl == "jinja" and r.random() < 0.5:
                label = '{% trans %}' + label + '{% endtrans %}'
            out.append(f'<label class="consent"><input type="checkbox" name="newsletter" value="yes"{checked}> {label}</label>\n')
            if r.random() < 0.4:
                out.append(f'<label><input type="checkbox" name="terms" required> {r.choice(TERMS_LABELS)}</label>\n')
        if r.random() < 0.85:
            out.append(f"<p class=\"small\">{self.sentence()} {r.choice(PRIVACY_LINKS)}</p>\n")
        label = self.words(1, 3)
        if tpl == "jinja":
            label = "{{ _('" + label + "') }}"
        elif tpl == "hbs":
            label = "{{t 'signup.button'}}"
        out.append(f'<button type="submit" class="btn btn-primary">{label}</button>\n</form>\n')
        return "".join(out)

    def section(self, i, tpl=None):
        r = self.r
        cls = f"section section--{r.choice(('hero', 'features', 'testimonials', 'pricing', 'faq'))}"
        if tpl == "jinja":
            cls += " {{ 'is-dark' if page.dark else '' }}"
        elif tpl == "hbs":
            cls += " {{#if dark}}is-dark{{/if}}"
        elif tpl == "liquid":
            cls += " {{ section.settings.color_scheme }}"
        out = [f'<section class="{cls}" id="s{i}">\n<div class="container">\n<h2>{self.words(2, 7)}</h2>\n']
        for _ in range(r.randint(1, 3)):
            out.append(f"<p>{self.sentence()} {self.sentence()} {self.sentence()}</p>\n")
        if r.random() < 0.5:
            out.append('<ul class="features">\n')
            for _ in range(r.randint(3, 8)):
                out.append(
                    f'<li class="feature"><svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true"><path d="M9 16.2L4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2z"/></svg><strong>{self.words(1, 3)}</strong> {self.sentence()}</li>\n'
                )
            out.append("</ul>\n")
        if r.random() < 0.3:
            out.append(
                f'<picture><source srcset="/img/{r.getrandbits(32):x}.webp" type="image/webp"><img src="/img/{r.getrandbits(32):x}.jpg" alt="{self.words(2, 6)}" loading="lazy" width="800" height="450"></picture>\n'
            )
        out.append("</div>\n</section>\n")
        return "".join(out)

    def page(self, tpl=None, min_bytes=0):
        r = self.r
        brand = r.choice(NAMES)
        lang = r.choice(("en", "de", "fr", "es", "it", "nl", "pl", "ru", "zh"))
        title = f"{brand} | {self.words(2, 6)}"
        if tpl == "jinja":
            title = "{% block title %}" + title + "{% endblock %}"
        elif tpl == "hbs":
            title = "{{title}}"
        head_extra = ""
        if tpl == "jinja":
            head_extra = "{% include 'partials/analytics.html' %}\n"
        elif tpl == "hbs":
            head_extra = "{{> analytics}}\n"
        elif tpl == "liquid":
            head_extra = "{{ content_for_header }}\n"
        out = [
            f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            f'<meta name="description" content="{self.sentence()}">\n'
            '<link rel="stylesheet" href="/assets/site.css">\n'
            f'<script type="application/ld+json">{{"@context":"https://schema.org","@type":"Organization","name":"{brand}","url":"https://www.example.com"}}</script>\n'
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}if(document.cookie.indexOf('consent=')<0&&1<2){gtag('consent','default',{ad_storage:'denied'});}var tpl='<input type=\"checkbox\" checked>';</script>\n"
            f"{head_extra}</head>\n<body class=\"page page--landing\">\n"
            f'<header class="site-header"><a class="logo" href="/"><img src="/logo.svg" alt="{brand}" width="120" height="32"></a>\n<nav aria-label="Main"><ul>'
        ]
        for _ in range(r.randint(4, 8)):
            out.append(f'<li><a href="/{r.getrandbits(24):x}">{self.words(1, 2)}</a></li>')
        out.append("</ul></nav></header>\n<main>\n")
        n = r.randint(2, 4)
        form_at = set(r.sample(range(n), r.randint(1, 2)))
        size = sum(map(len, out))
        i = 0
        while i < n or size < min_bytes:
            out.append(self.section(i, tpl))
            size += len(out[-1])
            if i in form_at:
                out.append('<div class="signup">\n' + self.form(i, tpl) + "</div>\n")
                size += len(out[-1])
            i += 1
        out.append(
            f'</main>\n<footer class="site-footer"><p>&copy; 2024 {brand}. {self.sentence()}</p>'
            '<p><a href="/privacy">Privacy</a> · <a href="/imprint">Imprint</a> · <a href="/cookies">Cookie settings</a></p></footer>\n'
            '<script src="/assets/site.js" defer></script>\n</body>\n</html>\n'
        )
        return "".join(out)


TEMPLATE_KINDS = (
    ("jinja", ".html.j2"),
    ("jinja", ".njk"),
    ("jinja", ".twig"),
    ("jinja", ".jinja2"),
    ("hbs", ".hbs"),
    ("hbs", ".handlebars"),
    ("hbs", ".mustache"),
    ("liquid", ".liquid"),
    ("erb", ".html.erb"),
)


def regular_file(seed, i):
    """(relative path, text) of regular file number i."""
    r = random.Random(f"consentlint-bench:{seed}:{i}")
    g = Gen(r)
    x = r.random()
    if x < 0.40:
        d = f"emails/{2019 + (i % 6)}/campaign-{i // 400:03d}"
        return f"{d}/{r.choice(('newsletter', 'promo', 'digest', 'receipt', 'welcome'))}-{i:05d}.html", g.email()
    if x < 0.70:
        d = f"site/{r.choice(('de', 'en', 'fr', 'es', 'it', 'nl'))}/{r.choice(('landing', 'campaign', 'product', 'signup'))}-{i // 300:03d}"
        return f"{d}/page-{i:05d}.html", g.page()
    tpl, ext = r.choice(TEMPLATE_KINDS)
    d = f"templates/{tpl}/{r.choice(('emails', 'pages', 'partials'))}-{i // 300:03d}"
    if r.random() < 0.5:
        return f"{d}/email-{i:05d}{ext}", g.email(tpl=None if tpl == "erb" else tpl)
    return f"{d}/page-{i:05d}{ext}", g.page(tpl=tpl)


def large_file(seed, k):
    """(relative path, text) of very large file number k: 2 to 6 MB."""
    r = random.Random(f"consentlint-bench:{seed}:large:{k}")
    g = Gen(r)
    target = r.randint(2_000_000, 6_000_000)
    kind = k % 3
    if kind == 0:
        # A newsletter archive: one page with thousands of sections and a sign-up form.
        return f"large/newsletter-archive-{k}.html", g.page(min_bytes=target)
    if kind == 1:
        # A catalogue email with thousands of product blocks.
        return f"large/catalogue-email-{k}.html", g.email(min_bytes=target)
    return f"large/landing-{k}.html.j2", g.page(tpl="jinja", min_bytes=target)


def plan(files):
    """Generation order: ('r', i) for regular files, ('l', k) for the large ones."""
    n_large = max(2, files // 4000) if files >= 100 else 0
    n_regular = files - n_large
    start = max(1, files // 20)
    large_at = {start + (k * (files - start)) // n_large: k for k in range(n_large)} if n_large else {}
    order, reg = [], 0
    for pos in range(files):
        if pos in large_at:
            order.append(("l", large_at[pos]))
        else:
            order.append(("r", reg))
            reg += 1
    assert reg == n_regular
    return order


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="regenerate even if OUT has this corpus")
    a = ap.parse_args()
    if a.files < 1:
        ap.error("--files must be at least 1")
    with open(__file__, "rb") as f:
        generator = hashlib.sha256(f.read()).hexdigest()[:12]
    params = f"generator={generator} files={a.files} seed={a.seed}"
    stamp = os.path.join(a.out, "STAMP")
    if not a.force and os.path.isfile(stamp):
        with open(stamp, encoding="utf-8") as f:
            lines = f.read().splitlines()
        if lines and lines[0] == params:
            print(f"corpus: {a.out} already has {params}; {lines[1] if len(lines) > 1 else ''}")
            return
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    digest = hashlib.sha256()
    manifest = []
    total = 0
    made = set()
    for what, n in plan(a.files):
        path, text = large_file(a.seed, n) if what == "l" else regular_file(a.seed, n)
        data = text.encode("utf-8")
        full = os.path.join(a.out, path)
        d = os.path.dirname(full)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(full, "wb") as f:
            f.write(data)
        digest.update(path.encode() + b"\0" + data + b"\0")
        manifest.append(path)
        total += len(data)
    with open(os.path.join(a.out, "MANIFEST"), "w", encoding="utf-8") as f:
        f.write("\n".join(manifest) + "\n")
    summary = f"{len(manifest)} files, {total} bytes ({total / 1e6:.1f} MB), sha256 {digest.hexdigest()}"
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(params + "\n" + summary + "\n")
    print(f"corpus: {a.out}: {params}: {summary}")


if __name__ == "__main__":
    sys.exit(main())
