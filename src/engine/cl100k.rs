//! The cl100k_base token table, laid out at compile time by `build.rs`: nothing is built
//! at run time, so the first token count costs what any other does.

use super::bpe_hash;

/// A token's rank (its id in cl100k_base); lower ranks merge first.
pub type Rank = u32;

/// Marks an empty slot.
const EMPTY: Rank = Rank::MAX;

static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/cl100k_bytes.bin"));
static OFFSETS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/cl100k_offsets.bin"));
static SLOTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/cl100k_slots.bin"));

#[inline]
fn u32_at(table: &[u8], i: usize) -> Option<u32> {
    let b = table.get(i * 4..i * 4 + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The bytes of the token with this rank.
#[inline]
fn token(rank: Rank) -> Option<&'static [u8]> {
    let r = rank as usize;
    let start = u32_at(OFFSETS, r)? as usize;
    let end = u32_at(OFFSETS, r + 1)? as usize;
    BYTES.get(start..end)
}

/// The rank of `bytes` when they are one token.
#[inline]
pub fn rank(bytes: &[u8]) -> Option<Rank> {
    let slots = SLOTS.len() / 4;
    let mut slot = bpe_hash::slot_of(bytes);
    // The table is at most 40 % full, so a probe always reaches an empty slot.
    for _ in 0..slots {
        let r = u32_at(SLOTS, slot)?;
        if r == EMPTY {
            return None;
        }
        if token(r) == Some(bytes) {
            return Some(r);
        }
        slot = (slot + 1) & (slots - 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rank_is_found_again() {
        let reference = tiktoken_rs::cl100k_base().expect("compiled-in cl100k_base loads");
        for r in (0..100_256).step_by(7).chain([0, 255, 100_255]) {
            let bytes = reference.decode_bytes(&[r]).unwrap();
            assert_eq!(token(r), Some(&bytes[..]));
            assert_eq!(rank(&bytes), Some(r), "{bytes:?}");
        }
        for b in 0..=255u8 {
            assert!(rank(&[b]).is_some(), "byte {b}");
        }
        assert_eq!(rank(b"definitely not one token at all"), None);
        assert_eq!(rank(b""), None);
    }
}
