//! The gateway screens, and the `:` commands that lead to them.

use crate::shell::palette::{Entry, PaletteCommand};

/// A gateway screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Every gateway: the console's root screen.
    Gateways,
    /// Everything GetGateway says of one.
    GatewayDetail {
        /// Which.
        gateway_id: String,
    },
    /// A gateway's targets.
    Targets {
        /// Whose.
        gateway_id: String,
    },
    /// A gateway's tool catalog.
    Tools {
        /// Whose.
        gateway_id: String,
    },
    /// One tool's input schema.
    ToolDetail {
        /// The tool's gateway.
        gateway_id: String,
        /// The qualified tool name.
        tool: String,
    },
    /// The call dialog of one tool (its state is `GatewayState::call`).
    ToolCall {
        /// The tool's gateway.
        gateway_id: String,
        /// The qualified tool name.
        tool: String,
    },
    /// Captured tool calls of a gateway.
    Captures {
        /// Whose.
        gateway_id: String,
    },
    /// One captured call, by its index in the loaded captures.
    CaptureDetail {
        /// Whose.
        gateway_id: String,
        /// Which.
        index: usize,
    },
}

/// Where a gateway `:` command leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// The gateways list.
    Gateways,
    /// A gateway's targets.
    Targets,
    /// A gateway's tool catalog.
    Tools,
    /// A gateway's captured calls.
    Captures,
    /// The policies of the gateway the user is in, narrowed to one by name.
    Policies,
}

/// The gateway `:` commands, in suggestion order.
pub(crate) const PALETTE: &[Entry] = &[
    Entry {
        command: PaletteCommand::Gateway(Jump::Gateways),
        name: "gateways",
        aliases: &["gw", "gateway", "gws"],
        about: "all gateways",
    },
    Entry {
        command: PaletteCommand::Gateway(Jump::Targets),
        name: "targets",
        aliases: &["tg", "target"],
        about: "targets of a gateway  [:targets GATEWAY]",
    },
    Entry {
        command: PaletteCommand::Gateway(Jump::Tools),
        name: "tools",
        aliases: &["tool"],
        about: "tool catalog of a gateway  [:tools GATEWAY]",
    },
    Entry {
        command: PaletteCommand::Gateway(Jump::Captures),
        name: "captures",
        aliases: &["cap", "requests", "req"],
        about: "captured tool calls of a gateway  [:captures GATEWAY]",
    },
    Entry {
        command: PaletteCommand::Gateway(Jump::Policies),
        name: "policies",
        aliases: &["pol", "policy"],
        about: "policies of the gateway you are in  [:policies POLICY]",
    },
];
