/// The swarm seeds whose trace hashes are compared across platforms: a few
/// small and large ones, and the extremes.
pub const SEEDS: [u64; 8] = [0, 1, 2, 42, 977, 4096, 31_337, u64::MAX];
