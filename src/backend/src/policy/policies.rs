//! Policy engines and their policies through the control-plane SDK client.

use acc_domain::{Gateway, Policy, PolicyEngine, Tool};
use aws_sdk_bedrockagentcorecontrol::types::PolicyDefinition;

use crate::connection::Backend;
use crate::error::BackendError;

/// Page size for the policy lists; the paginators follow every page.
const PAGE_SIZE: i32 = 100;

impl Backend {
    /// Every policy engine.
    pub async fn policy_engines(&self) -> Result<Vec<PolicyEngine>, BackendError> {
        self.check_config()?;
        let engines: Vec<_> = self
            .control
            .list_policy_engines()
            .max_results(PAGE_SIZE)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| BackendError::from_sdk("ListPolicyEngines", self.context(), e))?;
        Ok(engines
            .iter()
            .map(|e| PolicyEngine {
                id: e.policy_engine_id().to_owned(),
                arn: e.policy_engine_arn().to_owned(),
                name: e.name().to_owned(),
                status: e.status().as_str().to_owned(),
                description: e.description().map(str::to_owned),
            })
            .collect())
    }

    /// A policy engine by id, or else by name.
    pub async fn find_policy_engine(
        &self,
        key: &str,
    ) -> Result<Option<PolicyEngine>, BackendError> {
        Ok(self
            .policy_engines()
            .await?
            .into_iter()
            .find(|e| e.id == key || e.name == key || e.arn == key))
    }

    /// Every policy of an engine, with its statement.
    pub async fn policies(&self, engine_id: &str) -> Result<Vec<Policy>, BackendError> {
        self.check_config()?;
        let policies: Vec<_> = self
            .control
            .list_policies()
            .policy_engine_id(engine_id)
            .max_results(PAGE_SIZE)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| BackendError::from_sdk("ListPolicies", self.context(), e))?;
        Ok(policies
            .iter()
            .map(|p| Policy {
                id: p.policy_id().to_owned(),
                name: p.name().to_owned(),
                engine_id: p.policy_engine_id().to_owned(),
                status: p.status().as_str().to_owned(),
                status_reasons: p.status_reasons().to_vec(),
                enforcement_mode: p.enforcement_mode().as_str().to_owned(),
                statement: match p.definition() {
                    Some(PolicyDefinition::Cedar(cedar)) => cedar.statement().to_owned(),
                    Some(PolicyDefinition::Policy(policy)) => policy.statement().to_owned(),
                    _ => String::new(),
                },
                description: p.description().map(str::to_owned),
            })
            .collect())
    }
}

impl Backend {
    /// The tools a gateway's Cedar schema is generated from: those its
    /// targets declare, plus any its MCP listing adds (servers listed at
    /// runtime), less the built-in search tool, which is not an action.
    pub async fn policy_tools(&self, gateway: &Gateway) -> Result<Vec<Tool>, BackendError> {
        let mut tools = self.list_tools(&gateway.id).await?;
        if let Ok(catalog) = self.mcp_catalog(gateway).await {
            for tool in catalog.tools {
                if !tools
                    .iter()
                    .any(|t| t.qualified_name == tool.qualified_name)
                {
                    tools.push(tool);
                }
            }
        }
        tools.retain(|t| t.qualified_name != acc_domain::tool::SEARCH_TOOL);
        Ok(tools)
    }

    /// Create the policy `name` in `engine_id`, or update its statement (and
    /// description) when it exists. `log_only` sets the policy's own
    /// enforcement mode (`None` keeps an existing policy's, and creates one
    /// ACTIVE). Returns it as the platform answered.
    pub async fn push_policy(
        &self,
        engine_id: &str,
        name: &str,
        statement: &str,
        description: Option<&str>,
        ignore_findings: bool,
        log_only: Option<bool>,
    ) -> Result<Policy, BackendError> {
        self.check_config()?;
        // FAIL_ON_ANY_FINDINGS is the service default; say it explicitly so
        // an update does not inherit a weaker mode stored earlier.
        let mode = if ignore_findings {
            aws_sdk_bedrockagentcorecontrol::types::PolicyValidationMode::IgnoreAllFindings
        } else {
            aws_sdk_bedrockagentcorecontrol::types::PolicyValidationMode::FailOnAnyFindings
        };
        let definition = PolicyDefinition::Cedar(
            aws_sdk_bedrockagentcorecontrol::types::CedarPolicy::builder()
                .statement(statement)
                .build()
                .map_err(|e| BackendError::Config(format!("the policy statement: {e}")))?,
        );
        let existing = self
            .policies(engine_id)
            .await?
            .into_iter()
            .find(|p| p.name == name);
        let id = match existing {
            Some(policy) => {
                let mut update = self
                    .control
                    .update_policy()
                    .policy_engine_id(engine_id)
                    .policy_id(&policy.id)
                    .definition(definition)
                    .validation_mode(mode)
                    .set_enforcement_mode(log_only.map(enforcement_mode));
                if let Some(text) = description {
                    update = update.description(
                        aws_sdk_bedrockagentcorecontrol::types::UpdatedDescription::builder()
                            .optional_value(text)
                            .build(),
                    );
                }
                update
                    .send()
                    .await
                    .map_err(|e| BackendError::from_sdk("UpdatePolicy", self.context(), e))?
                    .policy_id()
                    .to_owned()
            }
            None => self
                .control
                .create_policy()
                .policy_engine_id(engine_id)
                .name(name)
                .definition(definition)
                .validation_mode(mode)
                .set_enforcement_mode(log_only.map(enforcement_mode))
                .set_description(description.map(str::to_owned))
                .send()
                .await
                .map_err(|e| BackendError::from_sdk("CreatePolicy", self.context(), e))?
                .policy_id()
                .to_owned(),
        };
        self.policies(engine_id)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| BackendError::Service {
                operation: "ListPolicies".into(),
                code: "ResourceNotFoundException".into(),
                message: format!("policy {id} vanished right after it was pushed"),
            })
    }

    /// Switch the gateway's attached policy engine between `LOG_ONLY` and
    /// `ENFORCE` (UpdateGateway with every other member as it is).
    pub async fn set_policy_mode(&self, gateway_id: &str, mode: &str) -> Result<(), BackendError> {
        use aws_sdk_bedrockagentcorecontrol::types::{
            GatewayPolicyEngineConfiguration, GatewayPolicyEngineMode,
        };
        self.check_config()?;
        let current = self
            .control
            .get_gateway()
            .gateway_identifier(gateway_id)
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("GetGateway", self.context(), e))?;
        let engine = current.policy_engine_configuration().ok_or_else(|| {
            BackendError::Config(format!(
                "gateway {} has no policy engine attached; there is no mode to switch",
                current.name()
            ))
        })?;
        let configuration = GatewayPolicyEngineConfiguration::builder()
            .arn(engine.arn())
            .mode(GatewayPolicyEngineMode::from(mode))
            .build()
            .map_err(|e| BackendError::Config(format!("policy engine configuration: {e}")))?;
        self.control
            .update_gateway()
            .gateway_identifier(gateway_id)
            .name(current.name())
            .set_description(current.description().map(str::to_owned))
            .role_arn(current.role_arn().unwrap_or_default())
            .protocol_type(current.protocol_type().clone())
            .set_protocol_configuration(current.protocol_configuration().cloned())
            .authorizer_type(current.authorizer_type().clone())
            .set_authorizer_configuration(current.authorizer_configuration().cloned())
            .set_kms_key_arn(current.kms_key_arn().map(str::to_owned))
            .set_interceptor_configurations(
                Some(current.interceptor_configurations().to_vec()).filter(|i| !i.is_empty()),
            )
            .policy_engine_configuration(configuration)
            .set_exception_level(current.exception_level().cloned())
            .send()
            .await
            .map_err(|e| BackendError::from_sdk("UpdateGateway", self.context(), e))?;
        Ok(())
    }
}

/// A policy's own enforcement: LOG_ONLY records its decisions without
/// applying them; ACTIVE applies them (when the engine enforces).
fn enforcement_mode(log_only: bool) -> aws_sdk_bedrockagentcorecontrol::types::EnforcementMode {
    if log_only {
        aws_sdk_bedrockagentcorecontrol::types::EnforcementMode::LogOnly
    } else {
        aws_sdk_bedrockagentcorecontrol::types::EnforcementMode::Active
    }
}
