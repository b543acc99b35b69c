//! The Raft Playground page: a Yew app that draws a simulated Raft cluster
//! (crates/sim) as SVG and HTML and turns clicks and keys into simulator
//! actions. No protocol logic lives here: every role, term, index and
//! message drawn is read from the simulator.
//!
//! The DOM hooks (`data-node`, `data-role`, `data-term`, `data-commit`,
//! `data-log-len`, `data-msg`, `data-kind`, `data-kv-node`, the root's
//! `data-playground`, `data-now`, `data-leader` and `data-violation`, and
//! the time strip's `data-mark`) are the page's stable contract
//! (DESIGN.md, "The page's DOM contract").

pub mod animation;
pub mod announcer;
pub mod app;
pub mod browser_io;
pub mod components;
pub mod config_view;
pub mod describe;
pub mod frame_feed;
pub mod geometry;
pub mod history_check;
pub mod host_api;
pub mod keyboard;
pub mod options;
pub mod panic_hook;
pub mod playback;
pub mod resize_watch;
pub mod run;
pub mod run_file;
pub mod share;
pub mod situation;
pub mod start;
#[cfg(test)]
mod test_support;
pub mod tour;
pub mod view_cache;
pub mod view_model;
pub mod visibility;
pub mod worker;

pub use app::{App, AppProps};
pub use options::Options;

use yew::AppHandle;

/// Mounts the playground inside `root`, with settings from the page's
/// address.
pub fn mount(root: web_sys::Element) -> AppHandle<App> {
    panic_hook::install();
    yew::Renderer::<App>::with_root(root).render()
}

/// Mounts the playground inside `root` with the given settings (tests use
/// a fixed seed).
pub fn mount_with(root: web_sys::Element, options: Options) -> AppHandle<App> {
    panic_hook::install();
    yew::Renderer::<App>::with_root_and_props(root, AppProps { options: Some(options) }).render()
}

/// Mounts the playground into the page's `<body>` (what the binary does).
pub fn start() -> AppHandle<App> {
    panic_hook::install();
    yew::Renderer::<App>::new().render()
}
