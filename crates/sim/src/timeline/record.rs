//! A timeline as a shareable [`RunRecord`], and back: the record keeps the
//! settings the run started with, how its world was made (its
//! [`Origin`](super::Origin)) and the current branch's actions; the
//! timeline is rebuilt by making the same world and acting at each
//! recorded moment, which the deterministic simulator turns into the same
//! run, event for event.

use super::{Goal, Moment, Timeline};
use crate::config::SimConfig;
use crate::share::{RunRecord, VERSION};

impl Timeline {
    /// The run as shared: the settings it started with, the current
    /// branch's actions, the current moment and the branch's end.
    pub fn record(&self) -> RunRecord {
        RunRecord {
            version: VERSION,
            config: self.start_config().clone(),
            origin: self.origin.clone(),
            actions: self.actions().to_vec(),
            at: self.moment(),
            end: self.end(),
        }
    }

    /// Rebuild a shared run: the world its origin makes, each action taken again at
    /// its recorded moment, played on to the recorded end and shown at the
    /// recorded moment. A record that does not replay (an action refused,
    /// a moment this run never has) is an error that names the problem.
    pub fn from_record(record: &RunRecord) -> Result<Timeline, String> {
        record.validate()?;
        let mut tl = Timeline::from_origin(record.origin.clone(), record.config.clone())?;
        for (i, r) in record.actions.iter().enumerate() {
            let what = || format!("action {} ({}) at {} ms", i + 1, r.action, r.at.time);
            tl.reach(r.at).map_err(|e| format!("{} cannot be reached: {e}", what()))?;
            tl.act(r.action.clone()).map_err(|e| format!("{} was refused: {e}", what()))?;
        }
        tl.reach(record.end).map_err(|e| format!("the run's end cannot be reached: {e}"))?;
        tl.show(record.at).map_err(|e| format!("the moment shown cannot be reached: {e}"))?;
        Ok(tl)
    }

    /// The settings the run started with (actions change the world's own
    /// copy): those of the checkpoint at the start, which is always kept.
    fn start_config(&self) -> &SimConfig {
        self.checkpoint_before(Goal::Event(0)).sim.config()
    }

    /// Play on from the end of the branch to exactly `at`: every event
    /// before its time, then events at its time until its event count,
    /// then the clock to its time.
    fn reach(&mut self, at: Moment) -> Result<(), String> {
        let mismatch = |now: Moment| {
            format!(
                "the run is at {now} where {at} was recorded: the recording does not fit this run"
            )
        };
        if self.moment() > at {
            return Err(mismatch(self.moment()));
        }
        if at.time > self.moment().time + 1 {
            self.run_until(at.time - 1)?;
        }
        while self.moment().event < at.event {
            if self.moment().time > at.time {
                return Err(mismatch(self.moment()));
            }
            self.step()?;
        }
        if self.moment().time < at.time {
            self.run_until(at.time)?;
        }
        if self.moment() != at {
            return Err(mismatch(self.moment()));
        }
        Ok(())
    }

    /// Seek to exactly the recorded moment `at` of the current branch.
    fn show(&mut self, at: Moment) -> Result<(), String> {
        if self.event_time(at.event)? == at.time {
            self.seek_event(at.event)?;
        } else {
            self.seek(at.time)?;
        }
        if self.moment() != at {
            return Err(format!(
                "the run is at {} where {at} was recorded: that moment is not in this run",
                self.moment()
            ));
        }
        Ok(())
    }
}
