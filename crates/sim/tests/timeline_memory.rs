//! The timeline's memory bound in real bytes: a counting allocator (its
//! own test binary, so no other test allocates meanwhile) watches a
//! 10-minute session of five servers with a client putting every 100 ms
//! under a byte budget the session would otherwise exceed. The heap in
//! use must stay under the budget after every put, and end near it: the
//! estimate that the thinning goes by is neither short of the real bytes
//! nor far above them.

use raft::Time;
use sim::timeline::heap::{self, Counting};
use sim::{Action, ClientId, KvOp, SimConfig, Spacing, Target, Timeline};

#[global_allocator]
static HEAP: Counting = Counting;

/// Virtual length of the session, ms.
const SESSION: Time = 600_000;
/// A client writes this often, ms.
const PUT_EVERY: Time = 100;
/// The budget: the session's running world alone holds about 9 MB, and
/// unbudgeted its checkpoints take it to about 28 MB.
const BUDGET: usize = 16 << 20;

#[test]
fn a_ten_minute_session_stays_under_its_byte_budget_in_real_bytes() {
    let spacing = Spacing { budget: Some(BUDGET), ..Spacing::default() };
    let before = heap::in_use();
    let mut tl = Timeline::with_spacing(SimConfig::default(), spacing).unwrap();
    let mut most = 0;
    for (i, t) in (PUT_EVERY..=SESSION).step_by(PUT_EVERY as usize).enumerate() {
        tl.run_until(t).unwrap();
        tl.act(Action::Submit {
            client: ClientId(1 + (i % 3) as u32),
            op: KvOp::Put { key: format!("k{}", i % 100).into(), value: i.to_string().into() },
            target: Target::Leader,
        })
        .unwrap();
        let held = heap::in_use() - before;
        most = most.max(held);
        assert!(held <= BUDGET, "{held} bytes in use at {t} ms, budget {BUDGET}");
    }
    let held = heap::in_use() - before;
    assert!(
        held >= BUDGET / 10 * 8,
        "{held} bytes in use at the end, under 80% of the {BUDGET} budget: the estimate is too cautious"
    );
    assert!(
        tl.checkpoint_count() < spacing.max_checkpoints(tl.end().event),
        "{} checkpoints: the budget, not the count, should have thinned them",
        tl.checkpoint_count()
    );
    // The oldest moments are still there, exactly as a fresh run has them.
    tl.seek(50).unwrap();
    let mut fresh = Timeline::new(SimConfig::default()).unwrap();
    fresh.run_until(50).unwrap();
    assert_eq!(tl.sim().trace().hash(), fresh.sim().trace().hash());
    eprintln!(
        "{} checkpoints, {held} bytes in use at the end, {most} at most, budget {BUDGET}",
        tl.checkpoint_count()
    );
}
