//! Every tour listed in `tours/index.json`, run to its end in the
//! simulator with every step's claims checked: a change to Raft that
//! breaks a tour's story fails here, naming the tour, the step and the
//! claim. Then Back and Next over each tour: a seek gives exactly the
//! state the step had when it was played.

use sim::tour::{Runner, Tour, TourIndex};
use std::path::PathBuf;

fn tours_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tours")
}

fn read(name: &str) -> String {
    let path = tours_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn index() -> TourIndex {
    TourIndex::from_json(&read("index.json")).unwrap()
}

fn tour(id: &str) -> Tour {
    let tour = Tour::from_json(id, &read(&format!("{id}.json"))).unwrap();
    assert_eq!(tour.id, id, "tours/{id}.json holds the tour it is named after");
    tour
}

/// What a step shows, to compare a replayed moment with a played one.
fn state(sim: &sim::Sim) -> String {
    format!("{:?} {:?} {:?}", sim.now(), sim.trace().hash(), sim.violations())
}

#[test]
fn every_listed_tour_runs_to_its_end_and_every_claim_holds() {
    let index = index();
    assert!(!index.0.is_empty(), "tours/index.json lists the tours");
    let mut failures = Vec::new();
    for entry in &index.0 {
        let tour = tour(&entry.id);
        assert_eq!(tour.title, entry.title, "tour {}: the index and the file agree", entry.id);
        let n = tour.steps.len();
        if let Err(e) = Runner::open_at(tour, n) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_listed_tour_reads_back_from_the_packed_form_the_page_fetches() {
    let index = index();
    assert_eq!(TourIndex::from_pack(&index.to_pack()).unwrap(), index);
    for entry in &index.0 {
        let tour = tour(&entry.id);
        assert_eq!(Tour::from_pack(&entry.id, &tour.to_pack()).unwrap(), tour, "{}", entry.id);
    }
}

#[test]
fn back_and_next_over_played_steps_give_each_step_exactly_again() {
    for entry in &index().0 {
        let (mut runner, mut tl) = Runner::open(tour(&entry.id)).unwrap();
        let mut played = vec![state(tl.sim())];
        while !runner.at_end() {
            runner.next(&mut tl).unwrap();
            played.push(state(tl.sim()));
        }
        while runner.shown() > 1 {
            runner.back(&mut tl).unwrap();
            assert_eq!(state(tl.sim()), played[runner.shown() - 1], "{} back", entry.id);
        }
        while !runner.at_end() {
            runner.next(&mut tl).unwrap();
            assert_eq!(state(tl.sim()), played[runner.shown() - 1], "{} next", entry.id);
        }
    }
}

#[test]
fn a_tour_opened_from_its_share_link_is_the_same_run() {
    for entry in &index().0 {
        let tour = tour(&entry.id);
        let n = tour.steps.len();
        let (_, tl) = Runner::open_at(tour, n).unwrap();
        let link = sim::share::to_link(&tl.record());
        let opened = sim::Timeline::from_record(&sim::share::from_link(&link).unwrap()).unwrap();
        assert_eq!(state(opened.sim()), state(tl.sim()), "{}", entry.id);
    }
}
