//! Lays out the cl100k_base token table at compile time, so that counting tokens needs no
//! table construction at run time (it took ~0.1 s on every start of the CLI and on the
//! language server's first request). Writes three little-endian blobs to `OUT_DIR`:
//! the tokens' bytes in rank order, the offset of each token in them, and an open-addressing
//! slot table (rank per slot, `u32::MAX` for empty) hashed with `src/engine/bpe_hash.rs`.

#[path = "src/engine/bpe_hash.rs"]
mod bpe_hash;

use std::path::PathBuf;

/// Ordinary (non-special) ranks of cl100k_base: 0..100256, without holes.
const RANKS: u32 = 100_256;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/engine/bpe_hash.rs");
    let bpe = tiktoken_rs::cl100k_base().expect("tiktoken-rs's compiled-in cl100k_base loads");
    let mut bytes: Vec<u8> = Vec::new();
    let mut offsets: Vec<u8> = Vec::new();
    let slots_len = 1usize << bpe_hash::SLOT_BITS;
    let mut slots = vec![u32::MAX; slots_len];
    for rank in 0..RANKS {
        let token = bpe
            .decode_bytes(&[rank])
            .unwrap_or_else(|e| panic!("cl100k rank {rank} does not decode: {e:?}"));
        offsets.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        let mut slot = bpe_hash::slot_of(&token);
        while slots[slot] != u32::MAX {
            let other = slots[slot] as usize;
            assert_ne!(
                decode(&bpe, other as u32),
                token,
                "duplicate token at rank {rank}"
            );
            slot = (slot + 1) % slots_len;
        }
        slots[slot] = rank;
        bytes.extend_from_slice(&token);
    }
    offsets.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    // Every single byte must be a token, or merging could not start on odd input.
    for b in 0..=255u8 {
        let mut slot = bpe_hash::slot_of(&[b]);
        loop {
            let r = slots[slot];
            assert_ne!(r, u32::MAX, "byte {b} is not a cl100k token");
            if decode(&bpe, r) == [b] {
                break;
            }
            slot = (slot + 1) % slots_len;
        }
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let slot_bytes: Vec<u8> = slots.iter().flat_map(|s| s.to_le_bytes()).collect();
    for (name, data) in [
        ("cl100k_bytes.bin", &bytes),
        ("cl100k_offsets.bin", &offsets),
        ("cl100k_slots.bin", &slot_bytes),
    ] {
        std::fs::write(out.join(name), data).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    }
}

fn decode(bpe: &tiktoken_rs::CoreBPE, rank: u32) -> Vec<u8> {
    bpe.decode_bytes(&[rank]).unwrap_or_default()
}
