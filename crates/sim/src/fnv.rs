//! FNV-1a over a value's postcard encoding: a deterministic 64-bit hash that
//! is the same natively and in wasm (postcard's encoding does not depend on
//! the platform), cheap because the bytes are hashed as they are encoded and
//! never stored. The trace hash (same seed and actions ⇒ same hash) and the
//! checkers' log summaries use it.

use postcard::ser_flavors::Flavor;
use serde::Serialize;

/// FNV-1a's starting value.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Continue the FNV-1a hash `state` over `value`'s postcard encoding.
pub fn fnv_extend<T: Serialize + ?Sized>(state: u64, value: &T) -> u64 {
    postcard::serialize_with_flavor(value, Fnv(state)).expect("hashing never runs out of room")
}

/// FNV-1a as a postcard output.
struct Fnv(u64);

impl Flavor for Fnv {
    type Output = u64;

    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<u64> {
        Ok(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_hash_equal_and_order_matters() {
        let a = fnv_extend(FNV_OFFSET, &(1u64, "put x 3"));
        assert_eq!(a, fnv_extend(FNV_OFFSET, &(1u64, "put x 3")));
        assert_ne!(a, fnv_extend(FNV_OFFSET, &(1u64, "put x 4")));
        let ab = fnv_extend(fnv_extend(FNV_OFFSET, &1u8), &2u8);
        let ba = fnv_extend(fnv_extend(FNV_OFFSET, &2u8), &1u8);
        assert_ne!(ab, ba);
    }
}
