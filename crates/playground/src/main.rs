//! Entry point Trunk loads in the browser: mounts the playground page.
fn main() {
    // Leak the handle: the app lives as long as the page.
    std::mem::forget(raft_playground::start());
}
