//! Legal references behind each rule, from `rules/legal.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

const BUILTIN: &str = include_str!("../rules/legal.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub id: String,
    pub title: String,
    pub url: String,
    pub summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleRefs {
    references: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LegalFile {
    reference: Vec<Reference>,
    rules: BTreeMap<String, RuleRefs>,
}

#[derive(Debug)]
pub struct Legal {
    file: LegalFile,
}

impl Legal {
    pub fn builtin() -> &'static Legal {
        static L: std::sync::OnceLock<Legal> = std::sync::OnceLock::new();
        L.get_or_init(|| Legal::parse(BUILTIN).unwrap_or_else(|e| panic!("built-in rules/legal.toml: {e}")))
    }

    pub fn parse(text: &str) -> Result<Legal, String> {
        let file: LegalFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for (rule, refs) in &file.rules {
            for id in &refs.references {
                if !file.reference.iter().any(|r| &r.id == id) {
                    return Err(format!("rule {rule} cites unknown reference {id}"));
                }
            }
        }
        Ok(Legal { file })
    }

    /// The references grounding a rule, in order.
    pub fn for_rule(&self, rule: &str) -> Vec<&Reference> {
        self.file
            .rules
            .get(rule)
            .map(|r| r.references.iter().filter_map(|id| self.file.reference.iter().find(|x| &x.id == id)).collect())
            .unwrap_or_default()
    }

    /// Short titles for a one-line "legal basis" note: "GDPR Article 7, CJEU Planet49, ...".
    pub fn short_basis(&self, rule: &str) -> String {
        self.for_rule(rule)
            .iter()
            .map(|r| r.title.split(':').next().unwrap_or(&r.title).trim().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_references() {
        let legal = Legal::builtin();
        for rule in crate::rules::RULES {
            assert!(!legal.for_rule(rule.meta().name).is_empty(), "{}", rule.meta().name);
        }
    }
}
