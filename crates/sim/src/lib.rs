//! The world around Raft servers: a deterministic discrete-event simulator.
//!
//! [`Sim`] owns N [`raft::RaftNode`]s and everything a real deployment would
//! put around them: a virtual clock, a network with latency, loss and cut
//! links, disks that survive crashes, a replicated key-value store, clients
//! that get redirected and retry, and checkers that test Raft's safety
//! properties after every event. It does no I/O and reads no clock, so the
//! same seed and the same actions give the same run, natively and in wasm.

pub mod action;
pub mod cause;
pub mod checker;
pub mod client;
pub mod config;
pub mod configuration;
pub mod decimal;
mod fnv;
pub mod kv;
pub mod linearizability;
pub mod network;
pub mod pending;
pub mod server;
pub mod setup;
pub mod share;
pub mod shrink;
pub mod swarm;
pub mod timeline;
pub mod tour;
pub mod trace;
pub mod workload;
pub mod world;

pub use action::Action;
pub use cause::Cause;
pub use checker::{Invariant, Violation};
pub use client::{History, Operation, Target};
pub use config::{SimConfig, MAX_SERVERS};
pub use configuration::Configuration;
pub use kv::{parse_command, ClientId, KvCommand, KvOp, KvOutput, KvStore, Token};
pub use network::{DropReason, Endpoint, InFlight, Packet, PacketKind};
pub use pending::{Happening, PendingEvent, PendingId};
pub use share::RunRecord;
pub use swarm::{
    run_seed, run_seed_with, Failure, FaultKind, FaultMix, Outcome, Plan, Swarm, SwarmOptions,
    SwarmRun,
};
pub use timeline::{Arrival, Branch, BranchId, Moment, Origin, Recorded, Spacing, Timeline};
pub use trace::{TraceEntry, TraceEvent};
pub use world::Sim;
