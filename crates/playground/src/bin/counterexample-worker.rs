//! The Web Worker that "Find a counterexample" starts: runs the search and
//! reports to the page (`raft_playground::search_worker`). Trunk builds it
//! as a second wasm file, fetched only when a search starts.
fn main() {
    raft_playground::search_worker::serve();
}
