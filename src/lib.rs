//! consentlint: find GDPR/ePrivacy consent problems in web forms and email templates.
pub mod html;
pub mod source;
pub mod template;
