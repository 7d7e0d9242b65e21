//! `acc gateways` (list, get, delete) and `acc targets GATEWAY`.

use acc_backend::Backend;
use acc_domain::{Gateway, Target};

use super::args::{GatewaysAction, Output};
use super::exit::{Failure, refused};
use super::output::{policy_engine_cell, print, text_table};
use super::resolve;

/// `acc gateways [list|get|delete]`.
pub(crate) async fn run(
    backend: &Backend,
    action: Option<GatewaysAction>,
    output: Output,
    readonly: bool,
) -> Result<(), Failure> {
    match action.unwrap_or(GatewaysAction::List) {
        GatewaysAction::List => {
            let gateways = backend.list_gateways().await?;
            print(output, &gateways, || gateways_table(&gateways));
        }
        GatewaysAction::Get { gateway } => {
            let mut gw = resolve::gateway(backend, &gateway).await?;
            gw.target_count = Some(backend.list_targets(&gw.id).await?.len());
            print(output, &gw, || {
                serde_json::to_string_pretty(&gw).unwrap_or_default()
            });
        }
        GatewaysAction::Delete { gateway, yes } => {
            if readonly {
                return Err(refused("delete refused: --readonly is set"));
            }
            let gw = resolve::gateway(backend, &gateway).await?;
            if !yes {
                return Err(refused(&format!(
                    "not deleting gateway {} ({}) without --yes",
                    gw.name, gw.id
                )));
            }
            backend.delete_gateway(&gw.id).await?;
            print(output, &serde_json::json!({"deleted": gw.id}), || {
                format!("deleted gateway {} ({})", gw.name, gw.id)
            });
        }
    }
    Ok(())
}

/// `acc targets GATEWAY`.
pub(crate) async fn targets(
    backend: &Backend,
    gateway: &str,
    output: Output,
) -> Result<(), Failure> {
    let gw = resolve::gateway(backend, gateway).await?;
    let targets = backend.list_targets(&gw.id).await?;
    print(output, &targets, || targets_table(&targets));
    Ok(())
}

fn targets_table(targets: &[Target]) -> String {
    let rows = targets.iter().map(|t| {
        vec![
            t.name.clone(),
            t.id.clone(),
            t.target_type.label().to_string(),
            t.status.clone(),
            t.tools.len().to_string(),
        ]
    });
    text_table(&["NAME", "ID", "TYPE", "STATUS", "TOOLS"], rows)
}

fn gateways_table(gateways: &[Gateway]) -> String {
    let rows = gateways.iter().map(|g| {
        vec![
            g.name.clone(),
            g.id.clone(),
            g.status.clone(),
            g.authorizer_type.clone(),
            g.protocol_type.clone(),
            policy_engine_cell(g),
            g.target_count
                .map(|c| c.to_string())
                .unwrap_or_else(|| "?".into()),
        ]
    });
    text_table(
        &[
            "NAME",
            "ID",
            "STATUS",
            "AUTHORIZER",
            "PROTOCOL",
            "POLICY",
            "TARGETS",
        ],
        rows,
    )
}
