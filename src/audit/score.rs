//! The audit's score and grade (documented in the README, "Score and grade"):
//!
//! - each finding costs its page [`ERROR_POINTS`] (error) or [`WARNING_POINTS`] (warning);
//!   other severities cost nothing;
//! - a page scores 100 minus its cost, never below 0;
//! - the site scores the mean of the scores of the pages that have something to judge (a form,
//!   an email, or a finding), rounded to the nearest whole number, half up; 100 when there are
//!   none. Pages without forms (a blog post, the privacy notice) would only dilute the score;
//! - grade by score: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F; but a site with any error-level
//!   finding gets at most a B, so an A always means no error.

use crate::finding::{Finding, Severity};

pub const ERROR_POINTS: u32 = 10;
pub const WARNING_POINTS: u32 = 3;

/// The points one finding costs its page.
pub fn cost(f: &Finding) -> u32 {
    if f.severity == Severity::Error {
        ERROR_POINTS
    } else if f.severity == Severity::Warning {
        WARNING_POINTS
    } else {
        0
    }
}

/// A page's score, 0 to 100.
pub fn page_score(findings: &[Finding]) -> u32 {
    100u32.saturating_sub(findings.iter().map(cost).fold(0u32, u32::saturating_add))
}

/// The site's score and grade from each page's findings and whether it has something to judge
/// (forms or an email; a page with findings always counts).
pub fn site_score<'a>(pages: impl IntoIterator<Item = (&'a [Finding], bool)>) -> (u32, char) {
    let mut sum = 0u64;
    let mut n = 0u64;
    let mut any_error = false;
    for (findings, judged) in pages {
        if !judged && findings.is_empty() {
            continue;
        }
        sum += u64::from(page_score(findings));
        n += 1;
        any_error |= findings.iter().any(|f| f.severity == Severity::Error);
    }
    let score = if n == 0 { 100 } else { ((sum * 2 + n) / (2 * n)) as u32 };
    (score, grade(score, any_error))
}

pub fn grade(score: u32, any_error: bool) -> char {
    let g = match score {
        90.. => 'A',
        80..=89 => 'B',
        70..=79 => 'C',
        60..=69 => 'D',
        _ => 'F',
    };
    if any_error && g == 'A' { 'B' } else { g }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(severity: Severity) -> Finding {
        Finding {
            rule: "pre-ticked-consent",
            severity,
            message: String::new(),
            span: 0..0,
            label: String::new(),
            secondary: Vec::new(),
            help: String::new(),
            fix: None,
            fingerprint: 0,
        }
    }

    #[test]
    fn formula() {
        let (e, w) = (f(Severity::Error), f(Severity::Warning));
        assert_eq!(page_score(&[]), 100);
        assert_eq!(page_score(&[e.clone(), w.clone()]), 87);
        assert_eq!(page_score(&vec![e.clone(); 11]), 0, "never below 0");
        // Pages 100, 87 and 70: mean 85.67 rounds to 86.
        let pages: Vec<Vec<Finding>> = vec![vec![], vec![e.clone(), w.clone()], vec![e.clone(); 3]];
        assert_eq!(site_score(pages.iter().map(|p| (p.as_slice(), true))), (86, 'B'));
        // Pages with nothing to judge do not count, unless they have findings.
        let judged = [false, false, false];
        assert_eq!(site_score(pages.iter().zip(judged).map(|(p, j)| (p.as_slice(), j))), (79, 'C'));
        let none: Vec<Vec<Finding>> = vec![vec![]; 3];
        assert_eq!(site_score(none.iter().map(|p| (p.as_slice(), false))), (100, 'A'));
        // Half rounds up: pages 100 and 97 → 98.5 → 99; a warning alone keeps an A.
        let pages: Vec<Vec<Finding>> = vec![vec![], vec![w.clone()]];
        assert_eq!(site_score(pages.iter().map(|p| (p.as_slice(), true))), (99, 'A'));
        // An error caps the grade at B even when the score is high.
        let mut pages: Vec<Vec<Finding>> = vec![vec![]; 9];
        pages.push(vec![e.clone()]);
        assert_eq!(site_score(pages.iter().map(|p| (p.as_slice(), true))), (99, 'B'));
        assert_eq!(site_score(std::iter::empty()), (100, 'A'));
    }

    #[test]
    fn grade_bands() {
        let got: Vec<char> = [100, 90, 89, 80, 79, 70, 69, 60, 59, 0].iter().map(|&s| grade(s, false)).collect();
        assert_eq!(got, vec!['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'F', 'F']);
        assert_eq!(grade(75, true), 'C');
    }
}
