//! Attacks on the local platform, each written before its fix: a caller (or
//! an agent inside a session) tries to reach the host, escape its sandbox,
//! read another's secrets or take the platform down with one request. Every
//! test here failed on the code before the fix and is the proof it holds.

#[path = "../common/issuer.rs"]
mod issuer;
#[path = "../common/oci_image.rs"]
mod oci_image;
#[path = "../common/platform.rs"]
mod platform;

#[path = "../common/mcp.rs"]
mod mcp;

mod attacks;
mod ids_and_state;
mod parsers_and_limits;
mod sandbox;
mod secrets;
mod web_and_read_only;
mod wire_details;
