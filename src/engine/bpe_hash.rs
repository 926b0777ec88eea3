//! The hash of the static cl100k table: the build script (`build.rs`) lays the table out
//! with it and `cl100k.rs` looks tokens up with it, so both must use this one function.

/// Bits of the slot index: 2^18 slots for 100,256 tokens keeps probe chains short.
pub const SLOT_BITS: u32 = 18;

/// A word-at-a-time multiplicative hash of a byte string; the slot is its top bits.
pub fn slot_of(bytes: &[u8]) -> usize {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
    }
    (h >> (64 - SLOT_BITS)) as usize
}
