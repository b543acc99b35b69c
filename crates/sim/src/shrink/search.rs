//! "Find a counterexample": run swarm seeds with one of raft's bug
//! switches on until one breaks a property, then shrink that run — in
//! slices of work, so the page can show the search as it goes.

use super::{Property, Shrinker, Size, Stage};
use crate::share::RunRecord;
use crate::swarm::{bug_options, Failure, HistoryCheck, Phase, Swarm};
use raft::Bug;
use serde::{Deserialize, Serialize};

/// Where a search is.
#[derive(Clone, Debug)]
pub enum SearchStage {
    /// Running seeds; this one now.
    Searching(Box<Swarm>),
    /// A seed broke a property; its run is being shrunk (or has been:
    /// [`Search::is_done`]).
    Shrinking(Box<Shrinker>),
}

/// Where a search is, as plain data: what the page's progress line says.
/// The page runs the search in a Web Worker and hears of it only through
/// messages, so this crosses between them (serde).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The seed being run, or the one that failed.
    pub seed: u64,
    /// Seeds run to their end so far (the failing one included).
    pub tried: u64,
    /// Once a seed broke a property: the shrink of its run.
    pub shrink: Option<ShrinkProgress>,
}

/// The shrink of a failing seed's run, as plain data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShrinkProgress {
    /// The property the run breaks ([`Property::name`]).
    pub property: String,
    /// What the shrinker is doing.
    pub stage: Stage,
    /// The run as the seed ran it.
    pub original: Size,
    /// The shortest failing run so far.
    pub current: Size,
    /// How the shortest run breaks the property, in words.
    pub why: String,
}

/// A search for a counterexample to Raft with one bug switch on.
#[derive(Clone, Debug)]
pub struct Search {
    bug: Bug,
    /// The history check that finds stale reads (for the switches whose
    /// failure is a history that is not linearizable).
    check: Option<HistoryCheck>,
    seed: u64,
    tried: u64,
    failure: Option<Failure>,
    stage: SearchStage,
}

impl Search {
    /// Search seeds `first..` with switch `bug` on ([`bug_options`]),
    /// checking finished histories with `check` if given.
    pub fn new(bug: Bug, first: u64, check: Option<HistoryCheck>) -> Result<Search, String> {
        let swarm = Search::swarm(bug, first, check)?;
        Ok(Search {
            bug,
            check,
            seed: first,
            tried: 0,
            failure: None,
            stage: SearchStage::Searching(Box::new(swarm)),
        })
    }

    fn swarm(bug: Bug, seed: u64, check: Option<HistoryCheck>) -> Result<Swarm, String> {
        Swarm::new(seed, crate::swarm::SwarmOptions { check_history: check, ..bug_options(bug) })
    }

    /// The bug switch searched.
    pub fn bug(&self) -> Bug {
        self.bug
    }
    /// The seed being run, or the one that failed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Seeds run to their end so far (the failing one included).
    pub fn tried(&self) -> u64 {
        self.tried
    }
    /// Where the search is.
    pub fn stage(&self) -> &SearchStage {
        &self.stage
    }
    /// The failing seed's report, once one failed.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }
    /// The shrinker, once a seed failed.
    pub fn shrinker(&self) -> Option<&Shrinker> {
        match &self.stage {
            SearchStage::Searching(_) => None,
            SearchStage::Shrinking(s) => Some(s),
        }
    }
    /// The failing run's size before and after shrinking, once one failed.
    pub fn sizes(&self) -> Option<(Size, Size)> {
        self.shrinker().map(|s| (s.original(), s.current()))
    }
    /// The shortest failing run, once the search is done.
    pub fn result(&self) -> Option<RunRecord> {
        self.shrinker().filter(|s| s.stage() == &Stage::Done).and_then(Shrinker::record)
    }

    /// Where the search is, as plain data.
    pub fn progress(&self) -> Progress {
        Progress {
            seed: self.seed,
            tried: self.tried,
            shrink: self.shrinker().map(|s| ShrinkProgress {
                property: s.property().name().to_string(),
                stage: s.stage().clone(),
                original: s.original(),
                current: s.current(),
                why: s.why().to_string(),
            }),
        }
    }

    /// Has the search found and shrunk a counterexample?
    pub fn is_done(&self) -> bool {
        self.shrinker().is_some_and(|s| s.stage() == &Stage::Done)
    }

    /// Work for about `budget` events. `Err` if a seed's settings are
    /// invalid or its failure does not replay.
    pub fn step(&mut self, budget: u64) -> Result<(), String> {
        let mut left = budget;
        while left > 0 {
            match &mut self.stage {
                SearchStage::Searching(swarm) => {
                    left -= 1;
                    match swarm.step() {
                        Ok(()) if swarm.phase() == Phase::Done => self.next_seed()?,
                        Ok(()) => {}
                        Err(f) => self.failed(f)?,
                    }
                }
                SearchStage::Shrinking(shrinker) => {
                    shrinker.step(left)?;
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn next_seed(&mut self) -> Result<(), String> {
        self.tried += 1;
        self.seed += 1;
        self.stage =
            SearchStage::Searching(Box::new(Search::swarm(self.bug, self.seed, self.check)?));
        Ok(())
    }

    /// A seed failed: shrink it if it broke a property; a run that only
    /// failed to converge is not a counterexample to safety, so the search
    /// goes on.
    fn failed(&mut self, f: Failure) -> Result<(), String> {
        let SearchStage::Searching(swarm) = &self.stage else { return Ok(()) };
        let property = match (&f.violation, self.check) {
            (Some(v), _) => Property::Safety(v.invariant),
            (None, Some(check)) if f.reason.contains("not linearizable") => {
                Property::Linearizability(check)
            }
            _ => return self.next_seed(),
        };
        let shrinker = Shrinker::new(&swarm.record(), property)?;
        self.tried += 1;
        self.failure = Some(f);
        self.stage = SearchStage::Shrinking(Box::new(shrinker));
        Ok(())
    }
}
