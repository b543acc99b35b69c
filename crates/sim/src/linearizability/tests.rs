//! Small hand-made histories with known answers.

use super::by_hand::{get, op, put, read as val};
use super::*;

fn verdict(ops: Vec<Operation>) -> Verdict {
    check(&History::from(ops)).expect("well formed")
}
fn conflict(ops: Vec<Operation>) -> Conflict {
    match verdict(ops) {
        Verdict::NotLinearizable(c) => c,
        Verdict::Linearizable => panic!("expected no linearization"),
    }
}

/// C1 writes 1 then 2, both acknowledged; C2 then reads 1 (a stale leader
/// answered from its own state).
fn stale_read() -> Vec<Operation> {
    vec![
        op(1, put("x", "1"), 0, Some((10, KvOutput::Done))),
        op(1, put("x", "2"), 20, Some((30, KvOutput::Done))),
        op(2, get("x"), 40, Some((50, val(Some("1"))))),
    ]
}

#[test]
fn a_stale_read_is_marked_with_the_write_it_missed() {
    let c = conflict(stale_read());
    assert_eq!((c.key.as_str(), c.unplaceable, c.conflicting.clone()), ("x", 2, vec![1]));
    assert!(c.marks(1) && c.marks(2) && !c.marks(0));
    assert_eq!(
        c.describe(&History::from(stale_read())),
        "key x: C2's Get(x) → 1 cannot be ordered after C1's Put(x, 2)"
    );
}

#[test]
fn a_read_concurrent_with_a_write_may_see_either_value() {
    for seen in [Some("1"), Some("2")] {
        let h = vec![
            op(1, put("x", "1"), 0, Some((10, KvOutput::Done))),
            op(1, put("x", "2"), 20, Some((40, KvOutput::Done))),
            op(2, get("x"), 25, Some((35, val(seen)))),
        ];
        assert_eq!(verdict(h), Verdict::Linearizable, "reading {seen:?}");
    }
}

#[test]
fn concurrent_writes_take_effect_in_one_order_for_every_reader() {
    // C1 and C2 write at once; C3 sees 2 and then C4 sees 1: the order
    // 2, 1 explains both.
    let mut h = vec![
        op(1, put("x", "1"), 0, Some((50, KvOutput::Done))),
        op(2, put("x", "2"), 0, Some((50, KvOutput::Done))),
        op(3, get("x"), 10, Some((20, val(Some("2"))))),
        op(4, get("x"), 30, Some((40, val(Some("1"))))),
    ];
    assert_eq!(verdict(h.clone()), Verdict::Linearizable);
    // But after both returned, a reader cannot see 2 again once 1 was seen.
    h.push(op(3, get("x"), 60, Some((70, val(Some("2"))))));
    let c = conflict(h);
    assert_eq!(c.unplaceable, 4);
    // The latest ops before it: the write of 1 and C4's read of 1 (the
    // write of 2 agrees with it).
    assert_eq!(c.conflicting, vec![0, 3], "{c:?}");
}

#[test]
fn reading_back_in_time_marks_the_newer_read_and_its_write() {
    // C2 sees 2 (while Put(x, 2) is in progress), then C3 sees 1 again.
    let c = conflict(vec![
        op(1, put("x", "1"), 0, Some((10, KvOutput::Done))),
        op(1, put("x", "2"), 20, Some((100, KvOutput::Done))),
        op(2, get("x"), 30, Some((40, val(Some("2"))))),
        op(3, get("x"), 50, Some((60, val(Some("1"))))),
    ]);
    assert_eq!((c.unplaceable, c.conflicting), (3, vec![1, 2]));
}

#[test]
fn a_read_of_a_value_no_one_wrote_is_marked_alone() {
    let c = conflict(vec![op(1, get("x"), 0, Some((5, val(Some("7")))))]);
    assert_eq!((c.unplaceable, c.conflicting), (0, vec![]));
}

#[test]
fn a_write_that_never_returned_may_or_may_not_have_happened() {
    let took_effect = vec![
        op(1, put("x", "1"), 0, None),
        op(2, get("x"), 100, Some((110, val(Some("1"))))),
        op(3, get("x"), 120, Some((130, val(Some("1"))))),
    ];
    assert_eq!(verdict(took_effect), Verdict::Linearizable);
    let did_not = vec![op(1, put("x", "1"), 0, None), op(2, get("x"), 100, Some((110, val(None))))];
    assert_eq!(verdict(did_not), Verdict::Linearizable);
    // But once seen it cannot be unseen.
    let flicker = vec![
        op(1, put("x", "1"), 0, None),
        op(2, get("x"), 100, Some((110, val(Some("1"))))),
        op(3, get("x"), 120, Some((130, val(None)))),
    ];
    assert_eq!(conflict(flicker).unplaceable, 2);
    // And it cannot take effect before it was invoked.
    let early =
        vec![op(2, get("x"), 0, Some((10, val(Some("1"))))), op(1, put("x", "1"), 20, None)];
    assert!(matches!(verdict(early), Verdict::NotLinearizable(_)));
}

#[test]
fn a_read_that_never_returned_constrains_nothing() {
    let h = vec![op(1, put("x", "1"), 0, Some((10, KvOutput::Done))), op(2, get("x"), 20, None)];
    assert_eq!(verdict(h), Verdict::Linearizable);
}

#[test]
fn keys_are_independent_objects_and_deletes_count() {
    let mut h = vec![
        op(1, put("x", "1"), 0, Some((10, KvOutput::Done))),
        op(2, put("y", "9"), 0, Some((10, KvOutput::Done))),
        op(1, KvOp::Delete { key: "x".into() }, 20, Some((30, KvOutput::Done))),
        op(2, get("x"), 40, Some((50, val(None)))),
        op(2, get("y"), 60, Some((70, val(Some("9"))))),
    ];
    assert_eq!(verdict(h.clone()), Verdict::Linearizable);
    h[3].returned = Some((50, val(Some("1"))));
    let c = conflict(h);
    assert_eq!((c.key.as_str(), c.unplaceable, c.conflicting), ("x", 3, vec![2]));
}

#[test]
fn a_check_in_slices_of_one_step_reaches_the_same_verdict() {
    let h = History::from(stale_read());
    let mut checker = Checker::new(&h).unwrap();
    let mut slices = 0;
    let last = loop {
        slices += 1;
        match checker.step(1) {
            Step::Checking(p) => assert_eq!((p.keys, p.steps), (1, slices)),
            Step::Done(v) => break v,
        }
    };
    assert!(slices > 3, "the search took {slices} steps");
    assert_eq!(last, check(&h).unwrap());
    // Asking again after the end repeats the verdict.
    assert_eq!(checker.step(1), Step::Done(last));
}

#[test]
fn malformed_histories_are_errors_that_name_the_operation() {
    let backwards = History::from(vec![op(1, put("x", "1"), 10, Some((10, KvOutput::Done)))]);
    let err = check(&backwards).unwrap_err();
    assert!(err.contains("C1's Put(x, 1) returned at 10 ms"), "{err}");
    let wrong = History::from(vec![op(1, get("x"), 0, Some((5, KvOutput::Done)))]);
    assert!(check(&wrong).unwrap_err().contains("answered ok"));
}

#[test]
fn an_empty_history_is_linearizable() {
    assert_eq!(check(&History::default()).unwrap(), Verdict::Linearizable);
}
