//! The page's Web Worker: does the one job the page sends it ("Find a
//! counterexample", or a swarm seed's run to replay) and reports back
//! (`raft_playground::worker`). Trunk builds it as a second wasm file,
//! fetched only when a job starts.
fn main() {
    raft_playground::worker::serve();
}
