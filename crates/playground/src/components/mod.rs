//! The parts of the page, each a component that redraws only when its
//! props change.

pub mod alerts;
pub mod client_box;
pub mod client_history;
pub mod cluster;
pub mod controls;
pub mod counterexample;
pub mod disclosure;
pub mod embed_bar;
pub mod info;
pub mod legend;
pub mod log_table;
pub mod membership;
pub mod message_dialog;
pub mod narration;
pub mod network_editor;
pub mod pending_list;
pub mod rules_panel;
pub mod server_inspector;
pub mod server_menu;
pub mod settings;
pub mod share_dialog;
pub mod time_strip;
pub mod tour_panel;
