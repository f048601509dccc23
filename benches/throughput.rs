//! Throughput on realistic synthetic files (email templates with long inline styles and nested
//! layout tables, and form pages), in bytes per second:
//! - `html5ever`: scraper::Html::parse_document alone, the floor of this design;
//! - `parse_with_spans`: our parse with the source map;
//! - `lint`: the whole per-file pipeline (templates, parse, classify, all rules).
//!
//! Run: `cargo bench --bench throughput`.

use std::hint::black_box;

use consentlint::html::Document;
use consentlint::lint::Linter;
use consentlint::source::SourceFile;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "Newsletter", "offer", "spring", "collection", "free", "shipping", "your", "order", "Angebote", "Datenschutz",
    "рассылка", "订阅", "découvrez", "nuestras", "ofertas", "and", "the", "with", "new", "arrivals",
];

fn sentence(r: &mut Rng) -> String {
    (0..8 + r.below(20)).map(|_| WORDS[r.below(WORDS.len() as u64) as usize]).collect::<Vec<_>>().join(" ")
}

fn email(r: &mut Rng) -> String {
    let mut s = String::from(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html><head><meta charset=\"utf-8\"><!--[if mso]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]--><style>body{margin:0}</style></head>\n<body style=\"margin:0;padding:0;background:#f4f4f4\">\n",
    );
    for _ in 0..20 + r.below(30) {
        s.push_str("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" width=\"100%\" style=\"border-collapse:collapse;mso-table-lspace:0pt;mso-table-rspace:0pt;font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:24px;color:#333333\"><tr>\n");
        for _ in 0..1 + r.below(3) {
            s.push_str(&format!(
                "<td align=\"left\" valign=\"top\" style=\"padding:20px 30px;background-color:#ffffff;border-radius:4px\"><h2 style=\"margin:0 0 10px;font-size:22px\">{}</h2><p style=\"margin:0\">Hi *|FNAME|*, {} <a href=\"https://example.com/p/{}\" style=\"color:#0066cc\">{}</a></p></td>\n",
                sentence(r),
                sentence(r),
                r.next(),
                sentence(r)
            ));
        }
        s.push_str("</tr></table>\n");
    }
    s.push_str("<p style=\"font-size:12px\"><a href=\"*|UNSUB|*\">Unsubscribe</a></p></body></html>\n");
    s
}

fn form_page(r: &mut Rng) -> String {
    let mut s = String::from(
        "<!doctype html><html lang=\"en\"><head><title>Sign up</title><script>var x = '<input checked>';</script></head><body><main>\n",
    );
    for i in 0..5 + r.below(10) {
        s.push_str(&format!(
            "<section><h2>{}</h2><p>{}</p><form action=\"/f{i}\" method=\"post\"><label for=\"e{i}\">Email</label><input id=\"e{i}\" type=\"email\" name=\"email\" autocomplete=\"email\"><label><input type=\"checkbox\" name=\"newsletter\"{}> Send me the newsletter and offers</label>{{% if user.opt_in %}}<input type=checkbox checked>{{% endif %}}<p><a href=\"/privacy\">Privacy policy</a></p><button>Go</button></form></section>\n",
            sentence(r),
            sentence(r),
            if r.below(3) == 0 { " checked" } else { "" }
        ));
    }
    s.push_str("<footer><a href=\"/privacy\">Privacy</a></footer></main></body></html>\n");
    s
}

fn corpus() -> Vec<(String, String)> {
    let mut r = Rng(0x2545_F491_4F6C_DD1D);
    let mut files = Vec::new();
    for i in 0..60 {
        files.push((format!("emails/e{i}.html"), email(&mut r)));
        files.push((format!("pages/p{i}.html"), form_page(&mut r)));
    }
    files
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    let bytes: u64 = files.iter().map(|(_, t)| t.len() as u64).sum();
    let sources: Vec<SourceFile> = files.iter().map(|(p, t)| SourceFile::from_text(p.as_str(), t.as_str())).collect();
    let linter = Linter::default();
    let mut g = c.benchmark_group("throughput");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    g.bench_function("html5ever", |b| {
        b.iter(|| {
            for (_, t) in &files {
                black_box(scraper::Html::parse_document(t));
            }
        })
    });
    g.bench_function("parse_with_spans", |b| {
        b.iter(|| {
            for (_, t) in &files {
                black_box(Document::parse(t));
            }
        })
    });
    g.bench_function("lint", |b| {
        b.iter(|| {
            for s in &sources {
                black_box(linter.check(s));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
