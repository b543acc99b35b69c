//! Scenario tests for Raft's rules, one file per topic, named after the rule
//! each test checks, plus the walkthroughs of the seed articles ("Raft
//! consensus in 2,000 words"; the "closer look at Raft internals"
//! walkthrough). All run on the hand-driven [`harness::Cluster`].

mod harness;

mod commitment;
mod election;
mod interaction;
mod membership;
mod persistence;
mod prevote_check_quorum;
mod reads;
mod replication;
mod rules;
mod snapshots;
mod transfer;
mod walkthroughs;
