//! Agent runtimes, their versions and endpoints on the local platform,
//! through the real `aws-sdk-bedrockagentcorecontrol` client, with local
//! artifacts: an arm64 OCI archive (accepted), an amd64 one (refused at
//! create with the fix), and a native command.

use crate::oci_image;
use crate::platform;

use aws_sdk_bedrockagentcorecontrol::types::{
    AgentRuntimeArtifact, ContainerConfiguration, LifecycleConfiguration, NetworkConfiguration,
    NetworkMode,
};
use platform::client;

fn oci_archive(dir: &std::path::Path, architecture: &str) -> std::path::PathBuf {
    oci_image::oci_archive(dir, architecture, &[("agent", b"#!/bin/true", 0o755)])
}

fn artifact(uri: &str) -> AgentRuntimeArtifact {
    AgentRuntimeArtifact::ContainerConfiguration(
        ContainerConfiguration::builder()
            .container_uri(uri)
            .build()
            .unwrap(),
    )
}

fn public() -> NetworkConfiguration {
    NetworkConfiguration::builder()
        .network_mode(NetworkMode::Public)
        .build()
        .unwrap()
}

const ROLE: &str = "arn:aws:iam::000000000000:role/agent-runtime";

#[tokio::test]
async fn runtimes_versions_and_endpoints_with_local_artifacts() {
    let platform = platform::start_ephemeral(false).await;
    let control = client(&platform.endpoint_url());
    let files = tempfile::tempdir().unwrap();
    let arm = oci_archive(files.path(), "arm64");
    let amd = oci_archive(files.path(), "amd64");

    let created = control
        .create_agent_runtime()
        .agent_runtime_name("support_agent")
        .agent_runtime_artifact(artifact(&format!("oci-archive:{}", arm.display())))
        .role_arn(ROLE)
        .network_configuration(public())
        .send()
        .await
        .unwrap();
    let id = created.agent_runtime_id().to_owned();
    assert!(id.starts_with("support_agent-"), "{id}");
    assert_eq!(created.agent_runtime_version(), "1");
    assert!(
        created
            .agent_runtime_arn()
            .ends_with(&format!(":runtime/{id}"))
    );

    // An amd64 image is refused at create, with the fix.
    let refused = control
        .create_agent_runtime()
        .agent_runtime_name("x86_agent")
        .agent_runtime_artifact(artifact(&format!("oci-archive:{}", amd.display())))
        .role_arn(ROLE)
        .network_configuration(public())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(refused.is_validation_exception(), "{refused:?}");
    let message = format!("{refused:?}");
    assert!(
        message.contains("AgentCore runs linux/arm64 only; this image is linux/amd64. Rebuild with --platform linux/arm64"),
        "{message}"
    );
    // So is a registry image the local platform cannot pull, naming what works.
    let ecr = control
        .create_agent_runtime()
        .agent_runtime_name("ecr_agent")
        .agent_runtime_artifact(artifact(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:latest",
        ))
        .role_arn(ROLE)
        .network_configuration(public())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(format!("{ecr:?}").contains("oci-archive:"), "{ecr:?}");
    // Lifecycle bounds are validated.
    let bad_lifecycle = control
        .create_agent_runtime()
        .agent_runtime_name("short_lived")
        .agent_runtime_artifact(artifact("native:sleep 1"))
        .role_arn(ROLE)
        .network_configuration(public())
        .lifecycle_configuration(
            LifecycleConfiguration::builder()
                .idle_runtime_session_timeout(30)
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(bad_lifecycle.is_validation_exception(), "{bad_lifecycle:?}");

    // Defaults are filled in and reported.
    let got = control
        .get_agent_runtime()
        .agent_runtime_id(&id)
        .send()
        .await
        .unwrap();
    let lifecycle = got.lifecycle_configuration().unwrap();
    assert_eq!(lifecycle.idle_runtime_session_timeout(), Some(900));
    assert_eq!(lifecycle.max_lifetime(), Some(28_800));
    assert_eq!(got.agent_runtime_name(), "support_agent");

    // An update is a new version; DEFAULT follows it, a named endpoint stays.
    let pinned = control
        .create_agent_runtime_endpoint()
        .agent_runtime_id(&id)
        .name("stable")
        .agent_runtime_version("1")
        .send()
        .await
        .unwrap();
    assert_eq!(pinned.target_version(), "1");
    let updated = control
        .update_agent_runtime()
        .agent_runtime_id(&id)
        .agent_runtime_artifact(artifact("native:python3 -m http.server 8080"))
        .role_arn(ROLE)
        .network_configuration(public())
        .lifecycle_configuration(
            LifecycleConfiguration::builder()
                .idle_runtime_session_timeout(120)
                .max_lifetime(600)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(updated.agent_runtime_version(), "2");
    let versions = control
        .list_agent_runtime_versions()
        .agent_runtime_id(&id)
        .send()
        .await
        .unwrap();
    let numbers: Vec<&str> = versions
        .agent_runtimes()
        .iter()
        .map(|v| v.agent_runtime_version())
        .collect();
    assert_eq!(numbers, ["2", "1"]);
    let old = control
        .get_agent_runtime()
        .agent_runtime_id(&id)
        .agent_runtime_version("1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.lifecycle_configuration()
            .unwrap()
            .idle_runtime_session_timeout(),
        Some(900)
    );
    let endpoints = control
        .list_agent_runtime_endpoints()
        .agent_runtime_id(&id)
        .send()
        .await
        .unwrap();
    let targets: Vec<(&str, Option<&str>)> = endpoints
        .runtime_endpoints()
        .iter()
        .map(|e| (e.name(), e.target_version()))
        .collect();
    assert_eq!(targets, [("DEFAULT", Some("2")), ("stable", Some("1"))]);
    let default = control
        .get_agent_runtime_endpoint()
        .agent_runtime_id(&id)
        .endpoint_name("DEFAULT")
        .send()
        .await
        .unwrap();
    assert!(
        default
            .agent_runtime_endpoint_arn()
            .ends_with("/runtime-endpoint/DEFAULT")
    );
    let duplicate = control
        .create_agent_runtime_endpoint()
        .agent_runtime_id(&id)
        .name("stable")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(duplicate.is_conflict_exception(), "{duplicate:?}");

    let listed = control.list_agent_runtimes().send().await.unwrap();
    assert_eq!(listed.agent_runtimes().len(), 1);
    control
        .delete_agent_runtime()
        .agent_runtime_id(&id)
        .send()
        .await
        .unwrap();
    let gone = control
        .get_agent_runtime()
        .agent_runtime_id(&id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(gone.is_resource_not_found_exception(), "{gone:?}");
}
