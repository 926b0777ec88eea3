//! The weights of the learned first stage and how they are stored.
//!
//! Layout (little-endian): magic `SHFS`, version `u32`, hash bits `u32`, dense
//! features `u32`, temperature `f32`, three per-class scales `f32`, three biases
//! `f32`, dense weights `f32` (feature-major, three per feature), then the hashed
//! weights as `i8` (bucket-major, three per bucket; weight = q × scale of its
//! class). The hashed table is read in place from the bytes compiled into the
//! binary, so it is paged in on first use and never copied.

use super::features::{HASH_BITS, N_DENSE, N_HASHED};

const MAGIC: &[u8; 4] = b"SHFS";
const VERSION: u32 = 1;
const HEADER: usize = 4 + 4 * 3 + 4 + 3 * 4 + 3 * 4;

/// Number of tiers the model scores, in [`crate::engine::tier::Tier::ALL`] order.
pub const CLASSES: usize = 3;

/// A loaded model: small parts decoded, the hashed table borrowed.
#[derive(Debug, Clone)]
pub struct Model<'a> {
    /// Softmax temperature fitted on the calibration split (> 0).
    pub temperature: f32,
    pub scale: [f32; CLASSES],
    pub bias: [f32; CLASSES],
    pub dense: Vec<[f32; CLASSES]>,
    hashed: &'a [u8],
}

/// Why a weights file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("first-stage weights: {0}")]
    Invalid(&'static str),
}

fn f32_at(b: &[u8], at: usize) -> f32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    f32::from_le_bytes(a)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

impl<'a> Model<'a> {
    /// Reads a weights file, checking its shape against this build's features.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ModelError> {
        let dense_bytes = N_DENSE * CLASSES * 4;
        if bytes.len() != HEADER + dense_bytes + N_HASHED * CLASSES {
            return Err(ModelError::Invalid("wrong size"));
        }
        if &bytes[..4] != MAGIC || u32_at(bytes, 4) != VERSION {
            return Err(ModelError::Invalid("not a version-1 weights file"));
        }
        if u32_at(bytes, 8) != HASH_BITS || u32_at(bytes, 12) as usize != N_DENSE {
            return Err(ModelError::Invalid(
                "feature layout differs from this build",
            ));
        }
        let temperature = f32_at(bytes, 16);
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(ModelError::Invalid("temperature"));
        }
        let three = |at: usize| {
            [
                f32_at(bytes, at),
                f32_at(bytes, at + 4),
                f32_at(bytes, at + 8),
            ]
        };
        let scale = three(20);
        let bias = three(32);
        let dense = (0..N_DENSE).map(|j| three(HEADER + j * 12)).collect();
        Ok(Self {
            temperature,
            scale,
            bias,
            dense,
            hashed: &bytes[HEADER + dense_bytes..],
        })
    }

    /// The quantised weights of one bucket.
    #[inline]
    pub fn bucket(&self, index: u32) -> [i8; CLASSES] {
        let at = index as usize * CLASSES;
        match self.hashed.get(at..at + CLASSES) {
            Some(w) => [w[0] as i8, w[1] as i8, w[2] as i8],
            None => [0; CLASSES],
        }
    }

    /// Logits before the temperature, from the summed quantised bucket weights of
    /// each part ([`Part`](super::features::Part): body, frame), the occurrences per
    /// part and the dense features.
    pub fn logits(
        &self,
        sums: [[i32; CLASSES]; 2],
        counts: super::features::Counts,
        dense: &[f32],
    ) -> [f32; CLASSES] {
        let norms = [counts.body, counts.frame].map(|n| super::features::norm(n) as f32);
        let mut z = self.bias;
        for k in 0..CLASSES {
            z[k] += (sums[0][k] as f32 * norms[0] + sums[1][k] as f32 * norms[1]) * self.scale[k];
        }
        for (x, w) in dense.iter().zip(&self.dense) {
            for k in 0..CLASSES {
                z[k] += x * w[k];
            }
        }
        z
    }
}

/// Softmax of `z / temperature`.
pub fn softmax(z: [f32; CLASSES], temperature: f32) -> [f64; CLASSES] {
    let t = f64::from(temperature);
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f64> = z.iter().map(|&v| (f64::from(v - m) / t).exp()).collect();
    let s: f64 = e.iter().sum();
    [e[0] / s, e[1] / s, e[2] / s]
}

/// Serialises weights in the layout above (used by the trainer).
pub fn write(
    temperature: f32,
    scale: [f32; CLASSES],
    bias: [f32; CLASSES],
    dense: &[[f32; CLASSES]],
    hashed: &[i8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + dense.len() * 12 + hashed.len());
    out.extend_from_slice(MAGIC);
    for v in [VERSION, HASH_BITS, N_DENSE as u32] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&temperature.to_le_bytes());
    for v in scale.iter().chain(&bias).chain(dense.iter().flatten()) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend(hashed.iter().map(|&q| q as u8));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_model_parses_back() {
        let dense = vec![[0.5, -0.5, 0.25]; N_DENSE];
        let hashed = vec![-3i8; N_HASHED * CLASSES];
        let bytes = write(1.5, [0.1, 0.2, 0.3], [1.0, 2.0, 3.0], &dense, &hashed);
        let m = Model::parse(&bytes).unwrap();
        assert_eq!(m.temperature, 1.5);
        assert_eq!(m.bucket(7), [-3, -3, -3]);
        assert_eq!(m.dense[N_DENSE - 1], [0.5, -0.5, 0.25]);
        assert!(Model::parse(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn softmax_sums_to_one_and_temperature_flattens() {
        let sharp = softmax([3.0, 0.0, -1.0], 1.0);
        let flat = softmax([3.0, 0.0, -1.0], 3.0);
        assert!((sharp.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(flat[0] < sharp[0]);
    }
}
