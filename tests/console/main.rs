//! The real `acc` binary: its terminal console driven through tmux, and its
//! headless commands with their JSON output and exit codes.

#[path = "../common/oci_image.rs"]
mod oci_image;
#[path = "../common/platform.rs"]
mod platform;

use std::process::{Command, Output};

/// The `acc` binary against the platform at `url` (never the developer's
/// `ACC_ENDPOINT`).
fn acc_at(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_acc"))
        .args(["--endpoint", url])
        .args(args)
        .env_remove("ACC_ENDPOINT")
        .output()
        .expect("run acc")
}

mod cli_headless;
mod memory_fixture;
mod memory_headless;
mod policy_dry_run_equivalence;
mod policy_tests_agree_with_cedar;
mod serve_otlp_limits;
mod traces_headless;
mod tui_e2e;
