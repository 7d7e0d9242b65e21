//! The real `acc` binary: its terminal console driven through tmux, and its
//! headless commands with their JSON output and exit codes.

#[path = "../common/oci_image.rs"]
mod oci_image;
#[path = "../common/platform.rs"]
mod platform;

mod cli_headless;
mod policy_dry_run_equivalence;
mod policy_tests_agree_with_cedar;
mod tui_e2e;
