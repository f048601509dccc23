fn main() {
    let text = std::env::args().nth(1).unwrap_or_default();
    for h in consentlint::vocab::Vocabulary::builtin().hits(&text) {
        println!("{:?} {} {:?}", h.concept, h.lang, &text[h.start..h.end]);
    }
}
