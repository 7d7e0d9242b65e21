//! Policy engines and their policies through the control-plane SDK client.

use acc_domain::{Policy, PolicyEngine};
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
