//! consentlint: find GDPR/ePrivacy consent problems in web forms and email templates.
//!
//! Data flows one way: walk → decode → mask templates → parse with source map → classify →
//! rules → findings → sort → report. Only `report` and `cli` write to stdout/stderr.

pub mod audit;
pub mod baseline;
pub mod cache;
pub mod cli;
pub mod config;
pub mod context;
pub mod document;
pub mod esp;
pub mod finding;
pub mod fix;
pub mod fsutil;
pub mod html;
pub mod legal;
pub mod lint;
pub mod mime;
pub mod profile;
pub mod report;
pub mod rules;
pub mod source;
pub mod style;
pub mod suppress;
pub mod template;
pub mod trackers;
pub mod vocab;
pub mod walk;
