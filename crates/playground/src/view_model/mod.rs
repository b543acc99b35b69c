//! What the page shows, read from the simulator: small, comparable values
//! (roles, terms, indexes, positions, texts) that the components draw.
//!
//! Components take these as props and re-render only when they differ, so
//! a frame in which only the election timers moved redraws only the
//! servers. Nothing here decides anything about the protocol: every value
//! is read from a server, its disk, the network or the trace.
//!
//! One module per part of the page: [`nodes`] for the servers on the ring,
//! [`messages`] for the messages in flight, [`links`] for cut links,
//! [`logs`] for the log view, [`ops`] for the client's operations,
//! [`narration`] for what happened, [`details`] for a server's menu, [`inspector`] for its "Inspect" dialog,
//! [`network`] for the network editor's partitions, and [`strip`] for the
//! time strip.

pub mod decision;
pub mod details;
pub mod history;
pub mod inspector;
pub mod links;
pub mod logs;
pub mod message_fields;
pub mod messages;
pub mod narration;
pub mod network;
pub mod nodes;
pub mod ops;
pub mod roles;
pub mod strip;
