//! `acc policy …`: the policy studio, headless. Validation and the dry-run
//! use the same Cedar model as the local gateway's enforcement
//! (`acc_domain::cedar_model`), and the dry-run the same workflow as the
//! console (`acc_backend::policy::workflow`).
//!
//! `engine.rs`: engines, their policies, the schema, push and mode;
//! `validate.rs`: Cedar files against the schema; `dry_run.rs`: an edit
//! against captured calls; `test_files.rs`: saving and running policy test
//! files, and exporting the policies for the cedar CLI; `edit.rs`: the files an edit is read from.

mod dry_run;
mod edit;
mod engine;
mod test_files;
mod validate;

use acc_backend::Backend;

use crate::cli::args::{Output, PolicyAction};
use crate::cli::exit::Failure;

/// `acc policy …`.
pub(crate) async fn run(
    backend: &Backend,
    action: PolicyAction,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match action {
        PolicyAction::Engines => engine::engines(backend, output).await,
        PolicyAction::List { engine } => engine::policies(backend, &engine, output).await,
        PolicyAction::Schema { gateway } => engine::schema(backend, &gateway, output).await,
        PolicyAction::Push {
            engine,
            file,
            name,
            description,
            ignore_findings,
            log_only,
            active,
            yes,
        } => {
            let push = engine::Push {
                engine: &engine,
                file: &file,
                name,
                description: description.as_deref(),
                ignore_findings,
                log_only: (log_only || active).then_some(log_only),
            };
            engine::push(backend, push, output, readonly, yes).await
        }
        PolicyAction::Mode { gateway, mode, yes } => {
            engine::mode(backend, &gateway, &mode, output, readonly, yes).await
        }
        PolicyAction::Validate {
            gateway,
            files,
            findings,
        } => validate::run(backend, &gateway, &files, findings, output).await,
        PolicyAction::DryRun {
            gateway,
            calls,
            flips_only,
            fail_on_flip,
            no_symbolic,
            edit,
        } => {
            let options = dry_run::Options {
                flips_only,
                fail_on_flip,
                symbolic: !no_symbolic,
            };
            dry_run::run(backend, &gateway, &calls, &edit, options, output).await
        }
        PolicyAction::SaveTests {
            gateway,
            out,
            calls,
            edit,
        } => test_files::save(backend, &gateway, &out, &calls, &edit, output).await,
        PolicyAction::Test {
            engine,
            tests,
            edit,
        } => test_files::run(backend, &engine, &tests, &edit, output).await,
        PolicyAction::Export { engine, dir, edit } => {
            test_files::export(backend, &engine, &dir, &edit, output).await
        }
    }
}
