//! The shell: the stack of screens, input, the overlays (palette, help,
//! confirm), the message line, global keys, the terminal loop, and the one
//! dispatch of actions, effects, routes and commands by feature family.
//! It knows each feature by one line per family and never lists screens.

pub mod action;
pub(crate) mod app;
pub(crate) mod clipboard;
pub(crate) mod commands;
pub mod effect;
pub mod filter;
pub(crate) mod input;
pub(crate) mod keymap;
pub(crate) mod layout;
pub mod loadable;
pub mod message;
pub(crate) mod navigation;
pub(crate) mod palette;
pub mod route;
pub(crate) mod screens;
pub mod state;
pub(crate) mod update;
pub(crate) mod view;

pub use action::Action;
pub use effect::Effect;
pub use loadable::Loadable;
pub use route::Route;
pub use state::{AppState, Overlay};
pub use update::{start, update};
pub use view::view;

/// `From<feature type>` for a shell family enum: the variant wrapping it,
/// so features write `.into()`.
macro_rules! family {
    ($outer:ident :: $variant:ident ($inner:ty)) => {
        impl From<$inner> for $outer {
            fn from(inner: $inner) -> Self {
                $outer::$variant(inner)
            }
        }
    };
}
pub(crate) use family;
