use std::process::ExitCode;

fn main() -> ExitCode {
    consentlint::cli::run()
}
