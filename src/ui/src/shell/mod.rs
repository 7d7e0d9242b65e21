//! The shell: the stack of screens, input, the overlays (palette, help,
//! confirm), the message line, global keys, the terminal loop, and the one
//! dispatch of actions, effects, routes and commands by feature family.
//! It knows each feature by one line per family and never lists screens.

pub mod action;
pub mod app;
pub(crate) mod clipboard;
pub mod effect;
pub mod filter;
pub(crate) mod input;
pub mod keymap;
pub(crate) mod keys;
pub mod layout;
pub mod loadable;
pub mod message;
pub(crate) mod navigation;
pub mod palette;
pub mod route;
pub(crate) mod screens;
pub mod state;
pub mod update;
pub mod view;

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
