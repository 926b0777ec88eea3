//! The VRAM guard's decision: may a model be loaded without asking?
//!
//! Pure logic over a [`GpuSnapshot`]; the caller reads the GPUs (see
//! [`crate::engine::gpu::GpuMonitor`]) and acts on the [`GuardDecision`].
//! Loading a model that does not fit makes the server spill layers to system
//! RAM or evict other models, both slow and surprising, so the guard asks
//! first; it never refuses on its own.

use crate::engine::gpu::{GpuError, GpuInfo, GpuSnapshot};

const MIB: u64 = 1024 * 1024;

/// Context length assumed when the request names none: Ollama's default
/// `num_ctx` for requests that do not set one.
pub const DEFAULT_NUM_CTX: u32 = 4096;

/// KV-cache bytes per context token assumed by [`estimate_bytes`]. An f16 KV
/// cache takes 2 (K and V) × layers × KV heads × head size × 2 bytes per
/// token: 56 KiB for Qwen2.5-Coder-7B, 96 KiB for Qwen3-Coder-30B-A3B,
/// 128 KiB for Llama-3.1-8B, 256 KiB for Qwen2.5-32B. 128 KiB is the middle
/// of today's grouped-query-attention models; the first real load replaces
/// the guess with the measured size (see [`estimate_bytes`]).
pub const KV_BYTES_PER_TOKEN: u64 = 128 * 1024;

/// Fixed VRAM a load costs beyond weights and KV cache: the CUDA context
/// (about 300 MiB) plus the runner's compute buffers.
pub const RUNTIME_OVERHEAD_BYTES: u64 = 512 * MIB;

/// How the guard behaves; from the user's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardSettings {
    /// Off: every load proceeds unchecked.
    pub enabled: bool,
    /// Ask when VRAM use after the load would exceed this fraction of the
    /// GPU's memory (0.8 = 80 %). Values of 1 or more, and NaN, leave only
    /// the "does not fit" check.
    pub warn_at: f64,
    /// When false, never ask: the load proceeds and the reason says what
    /// would have been asked (for logs and status output).
    pub confirm: bool,
}

impl Default for GuardSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            warn_at: 0.8,
            confirm: true,
        }
    }
}

/// A model the router is about to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadRequest<'a> {
    /// Model name as the server knows it, e.g. `qwen3-coder:30b`.
    pub model: &'a str,
    /// VRAM the load is expected to take, from [`estimate_bytes`]; 0 when
    /// unknown, in which case the guard cannot judge and lets it proceed.
    pub estimate_bytes: u64,
    /// The model is already loaded (listed by `/api/ps`): using it costs no
    /// new VRAM.
    pub resident: bool,
}

/// What to do about a load.
#[derive(Debug, Clone, PartialEq)]
pub enum GuardDecision {
    /// Load without asking; the reason is for logs and status output.
    Proceed {
        /// Why no question was needed.
        reason: String,
    },
    /// Ask the user before loading.
    Ask {
        /// The question to show, ending in "Load it anyway?".
        prompt: String,
        /// Estimated VRAM the load needs, in bytes.
        needed_bytes: u64,
        /// Free VRAM on the chosen GPU, in bytes.
        free_bytes: u64,
        /// Total VRAM of the chosen GPU, in bytes.
        total_bytes: u64,
        /// Name of the chosen GPU.
        gpu: String,
    },
    /// GPU figures are unavailable: routing goes on without the guard.
    NoGpu {
        /// Why there are no figures.
        reason: String,
    },
}

/// Decides whether `req` may load without asking, given the current GPUs.
///
/// With several GPUs the one with the most free memory is judged (lowest
/// index on a tie), as that is where a single-GPU load would land; prompts
/// then say which GPU was chosen. The user is asked when the free memory is
/// below the estimate, or when the load would push the GPU's use past
/// `warn_at`.
pub fn decide(
    req: &LoadRequest<'_>,
    gpus: Result<&GpuSnapshot, &GpuError>,
    s: &GuardSettings,
) -> GuardDecision {
    if !s.enabled {
        return proceed("VRAM guard is off".to_string());
    }
    if req.resident {
        return proceed(format!(
            "{} is already loaded; no new VRAM needed",
            req.model
        ));
    }
    if req.estimate_bytes == 0 {
        return proceed(format!(
            "size of {} is unknown; VRAM not checked",
            req.model
        ));
    }
    let snapshot = match gpus {
        Ok(snapshot) => snapshot,
        Err(error) => {
            return GuardDecision::NoGpu {
                reason: format!("{error}"),
            }
        }
    };
    let Some(gpu) = freest_gpu(&snapshot.gpus) else {
        return GuardDecision::NoGpu {
            reason: "NVML reports no GPU".to_string(),
        };
    };
    judge(req, gpu, snapshot.gpus.len() > 1, s)
}

/// The decision on `gpu`'s figures for a load of known size; `several` when it was chosen
/// among more GPUs (the prompt then says which one).
fn judge(req: &LoadRequest<'_>, gpu: &GpuInfo, several: bool, s: &GuardSettings) -> GuardDecision {
    let needed = req.estimate_bytes;
    let free = gpu.free_bytes.min(gpu.total_bytes);
    let total = gpu.total_bytes;
    let gpu_label = if several {
        format!("{} (GPU {}, most free memory)", gpu.name, gpu.index)
    } else {
        gpu.name.clone()
    };
    let situation = format!(
        "Loading {} needs about {}; {} has {} of {} free",
        req.model,
        format_bytes_gb(needed),
        gpu_label,
        format_bytes_gb(free),
        format_bytes_gb(total),
    );
    let used_after = (total - free).saturating_add(needed);
    // total > 0 here: a zero-sized GPU has free == 0 < needed.
    let fraction_after = used_after as f64 / total.max(1) as f64;

    let problem = if free < needed {
        Some(format!("{situation}."))
    } else if fraction_after > s.warn_at {
        Some(format!(
            "{situation}, and afterwards {}% of its memory would be in use (warning at {}%).",
            percent(fraction_after),
            percent(s.warn_at),
        ))
    } else {
        None
    };

    match problem {
        None => proceed(format!(
            "{situation}; {}% in use afterwards",
            percent(fraction_after)
        )),
        Some(problem) if !s.confirm => {
            proceed(format!("would have asked (confirmation is off): {problem}"))
        }
        Some(problem) => GuardDecision::Ask {
            prompt: format!("{problem} Load it anyway?"),
            needed_bytes: needed,
            free_bytes: free,
            total_bytes: total,
            gpu: gpu.name.clone(),
        },
    }
}

fn proceed(reason: String) -> GuardDecision {
    GuardDecision::Proceed { reason }
}

/// The GPU with the most free memory; the lowest index wins a tie.
fn freest_gpu(gpus: &[GpuInfo]) -> Option<&GpuInfo> {
    gpus.iter()
        .min_by_key(|gpu| (std::cmp::Reverse(gpu.free_bytes), gpu.index))
}

fn percent(fraction: f64) -> u64 {
    // `as` saturates, so NaN becomes 0 and huge values the maximum.
    (fraction * 100.0).round() as u64
}

/// Estimated VRAM, in bytes, that loading a model will take; `None` when
/// nothing is known. The first known source wins:
///
/// 1. `tier_vram_mb`: the user's own figure for the tier, in MB (10^6 bytes,
///    the unit of every size superhelfer and `ollama list` print).
/// 2. `remembered`: the size `/api/ps` reported after an earlier load of the
///    model; measured, so it already includes the KV cache.
/// 3. `installed_size`: the model's size on disk from `/api/tags` (≈ its
///    weights) plus a context margin of [`RUNTIME_OVERHEAD_BYTES`] and
///    [`KV_BYTES_PER_TOKEN`] per token of `num_ctx` (default
///    [`DEFAULT_NUM_CTX`]). At 4096 tokens the margin is 1 GiB.
///
/// Zero values count as unknown.
pub fn estimate_bytes(
    tier_vram_mb: Option<u64>,
    installed_size: Option<u64>,
    remembered: Option<u64>,
    num_ctx: Option<u32>,
) -> Option<u64> {
    let known = |value: Option<u64>| value.filter(|&v| v > 0);
    if let Some(mb) = known(tier_vram_mb) {
        return Some(mb.saturating_mul(1_000_000));
    }
    if let Some(bytes) = known(remembered) {
        return Some(bytes);
    }
    let installed = known(installed_size)?;
    let ctx = num_ctx.filter(|&n| n > 0).unwrap_or(DEFAULT_NUM_CTX);
    let kv_cache = u64::from(ctx).saturating_mul(KV_BYTES_PER_TOKEN);
    Some(
        installed
            .saturating_add(RUNTIME_OVERHEAD_BYTES)
            .saturating_add(kv_cache),
    )
}

/// Bytes as decimal gigabytes with one decimal, e.g. `"18.0 GB"`; the unit
/// `ollama list` uses for model sizes.
pub fn format_bytes_gb(b: u64) -> String {
    format!("{:.1} GB", b as f64 / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1_000_000_000;

    fn gpu(index: u32, name: &str, total: u64, free: u64) -> GpuInfo {
        GpuInfo {
            index,
            name: name.to_string(),
            total_bytes: total,
            used_bytes: total - free,
            free_bytes: free,
        }
    }

    fn snapshot(gpus: Vec<GpuInfo>) -> GpuSnapshot {
        GpuSnapshot {
            driver_version: Some("580.65.06".to_string()),
            gpus,
        }
    }

    fn rtx5090(free: u64) -> GpuSnapshot {
        snapshot(vec![gpu(
            0,
            "NVIDIA GeForce RTX 5090",
            31_800_000_000,
            free,
        )])
    }

    fn load(estimate_bytes: u64) -> LoadRequest<'static> {
        LoadRequest {
            model: "qwen3-coder:30b",
            estimate_bytes,
            resident: false,
        }
    }

    fn reason(decision: GuardDecision) -> String {
        match decision {
            GuardDecision::Proceed { reason } => reason,
            other => panic!("expected Proceed, got {other:?}"),
        }
    }

    #[test]
    fn asks_when_free_memory_is_below_the_estimate() {
        let decision = decide(
            &load(18 * GB),
            Ok(&rtx5090(6_600_000_000)),
            &GuardSettings::default(),
        );
        assert_eq!(
            decision,
            GuardDecision::Ask {
                prompt: "Loading qwen3-coder:30b needs about 18.0 GB; NVIDIA GeForce RTX 5090 \
                         has 6.6 GB of 31.8 GB free. Load it anyway?"
                    .to_string(),
                needed_bytes: 18 * GB,
                free_bytes: 6_600_000_000,
                total_bytes: 31_800_000_000,
                gpu: "NVIDIA GeForce RTX 5090".to_string(),
            }
        );
    }

    #[test]
    fn asks_when_the_load_would_pass_warn_at() {
        // Fits (20 GB free), but 11.8 + 18 = 29.8 of 31.8 GB is 94 %.
        let decision = decide(
            &load(18 * GB),
            Ok(&rtx5090(20 * GB)),
            &GuardSettings::default(),
        );
        match decision {
            GuardDecision::Ask { prompt, .. } => assert_eq!(
                prompt,
                "Loading qwen3-coder:30b needs about 18.0 GB; NVIDIA GeForce RTX 5090 has \
                 20.0 GB of 31.8 GB free, and afterwards 94% of its memory would be in use \
                 (warning at 80%). Load it anyway?"
            ),
            other => panic!("expected Ask, got {other:?}"),
        }
    }

    #[test]
    fn proceeds_when_the_model_fits_below_warn_at() {
        // 1.8 + 18 = 19.8 of 31.8 GB is 62 %.
        let decision = decide(
            &load(18 * GB),
            Ok(&rtx5090(30 * GB)),
            &GuardSettings::default(),
        );
        assert_eq!(
            reason(decision),
            "Loading qwen3-coder:30b needs about 18.0 GB; NVIDIA GeForce RTX 5090 has 30.0 GB \
             of 31.8 GB free; 62% in use afterwards"
        );
    }

    #[test]
    fn usage_exactly_at_warn_at_does_not_ask() {
        let gpus = snapshot(vec![gpu(0, "G", 10 * GB, 10 * GB)]);
        let decision = decide(&load(8 * GB), Ok(&gpus), &GuardSettings::default());
        assert!(
            matches!(decision, GuardDecision::Proceed { .. }),
            "{decision:?}"
        );
        let decision = decide(&load(8 * GB + 1), Ok(&gpus), &GuardSettings::default());
        assert!(
            matches!(decision, GuardDecision::Ask { .. }),
            "{decision:?}"
        );
    }

    #[test]
    fn warn_at_of_one_or_nan_only_checks_fit() {
        for warn_at in [1.0, f64::NAN] {
            let settings = GuardSettings {
                warn_at,
                ..GuardSettings::default()
            };
            let decision = decide(&load(18 * GB), Ok(&rtx5090(20 * GB)), &settings);
            assert!(
                matches!(decision, GuardDecision::Proceed { .. }),
                "{warn_at}: {decision:?}"
            );
            let decision = decide(&load(21 * GB), Ok(&rtx5090(20 * GB)), &settings);
            assert!(
                matches!(decision, GuardDecision::Ask { .. }),
                "{warn_at}: {decision:?}"
            );
        }
    }

    #[test]
    fn resident_model_proceeds_even_on_a_full_gpu() {
        let req = LoadRequest {
            resident: true,
            ..load(18 * GB)
        };
        let text = reason(decide(&req, Ok(&rtx5090(0)), &GuardSettings::default()));
        assert!(text.contains("already loaded"), "{text}");
    }

    #[test]
    fn disabled_guard_proceeds_without_looking() {
        let settings = GuardSettings {
            enabled: false,
            ..GuardSettings::default()
        };
        let error = GpuError::NoLibrary("x".into());
        let text = reason(decide(&load(18 * GB), Err(&error), &settings));
        assert_eq!(text, "VRAM guard is off");
    }

    #[test]
    fn confirm_off_proceeds_and_says_what_it_would_have_asked() {
        let settings = GuardSettings {
            confirm: false,
            ..GuardSettings::default()
        };
        let text = reason(decide(
            &load(18 * GB),
            Ok(&rtx5090(6_600_000_000)),
            &settings,
        ));
        assert_eq!(
            text,
            "would have asked (confirmation is off): Loading qwen3-coder:30b needs about \
             18.0 GB; NVIDIA GeForce RTX 5090 has 6.6 GB of 31.8 GB free."
        );
    }

    #[test]
    fn unknown_estimate_proceeds_unchecked() {
        let text = reason(decide(&load(0), Ok(&rtx5090(0)), &GuardSettings::default()));
        assert!(text.contains("unknown"), "{text}");
    }

    #[test]
    fn no_nvml_means_no_gpu_decision() {
        let error = GpuError::NoLibrary("libnvidia-ml.so.1: cannot open".into());
        let decision = decide(&load(18 * GB), Err(&error), &GuardSettings::default());
        assert_eq!(
            decision,
            GuardDecision::NoGpu {
                reason: "no NVIDIA GPU found (libnvidia-ml could not be loaded)".to_string()
            }
        );
    }

    #[test]
    fn query_error_means_no_gpu_decision() {
        let error = GpuError::Query {
            what: "device count".into(),
            message: "Unknown Error".into(),
        };
        let decision = decide(&load(18 * GB), Err(&error), &GuardSettings::default());
        assert!(
            matches!(decision, GuardDecision::NoGpu { .. }),
            "{decision:?}"
        );
    }

    #[test]
    fn empty_gpu_list_means_no_gpu_decision() {
        let decision = decide(
            &load(18 * GB),
            Ok(&snapshot(vec![])),
            &GuardSettings::default(),
        );
        assert_eq!(
            decision,
            GuardDecision::NoGpu {
                reason: "NVML reports no GPU".to_string()
            }
        );
    }

    #[test]
    fn several_gpus_judge_the_one_with_most_free_memory_and_name_it() {
        let gpus = snapshot(vec![
            gpu(0, "NVIDIA RTX A4000", 16 * GB, 2 * GB),
            gpu(1, "NVIDIA GeForce RTX 5090", 32 * GB, 12 * GB),
        ]);
        let decision = decide(&load(18 * GB), Ok(&gpus), &GuardSettings::default());
        match decision {
            GuardDecision::Ask {
                prompt,
                gpu,
                free_bytes,
                ..
            } => {
                assert_eq!(gpu, "NVIDIA GeForce RTX 5090");
                assert_eq!(free_bytes, 12 * GB);
                assert_eq!(
                    prompt,
                    "Loading qwen3-coder:30b needs about 18.0 GB; NVIDIA GeForce RTX 5090 \
                     (GPU 1, most free memory) has 12.0 GB of 32.0 GB free. Load it anyway?"
                );
            }
            other => panic!("expected Ask, got {other:?}"),
        }
    }

    #[test]
    fn tie_on_free_memory_picks_the_lowest_index() {
        let gpus = [gpu(1, "B", 16 * GB, 4 * GB), gpu(0, "A", 8 * GB, 4 * GB)];
        assert_eq!(freest_gpu(&gpus).map(|g| g.index), Some(0));
    }

    #[test]
    fn zero_sized_gpu_asks_instead_of_dividing_by_zero() {
        let gpus = snapshot(vec![gpu(0, "odd", 0, 0)]);
        let decision = decide(&load(GB), Ok(&gpus), &GuardSettings::default());
        assert!(
            matches!(decision, GuardDecision::Ask { .. }),
            "{decision:?}"
        );
    }

    #[test]
    fn estimate_prefers_tier_then_remembered_then_installed() {
        assert_eq!(
            estimate_bytes(Some(18_000), Some(GB), Some(2 * GB), None),
            Some(18_000_000_000)
        );
        assert_eq!(
            estimate_bytes(None, Some(GB), Some(2 * GB), None),
            Some(2 * GB)
        );
        assert_eq!(
            estimate_bytes(None, Some(GB), None, Some(8192)),
            Some(GB + RUNTIME_OVERHEAD_BYTES + 8192 * KV_BYTES_PER_TOKEN)
        );
        assert_eq!(estimate_bytes(None, None, None, Some(8192)), None);
    }

    #[test]
    fn estimate_margin_defaults_to_one_gib_at_the_default_context() {
        assert_eq!(
            estimate_bytes(None, Some(GB), None, None),
            Some(GB + 1024 * MIB)
        );
        assert_eq!(
            estimate_bytes(None, Some(GB), None, Some(0)),
            Some(GB + 1024 * MIB)
        );
    }

    #[test]
    fn estimate_treats_zero_as_unknown_and_saturates() {
        assert_eq!(estimate_bytes(Some(0), Some(0), Some(5), None), Some(5));
        assert_eq!(estimate_bytes(Some(0), Some(0), Some(0), None), None);
        assert_eq!(
            estimate_bytes(Some(u64::MAX), None, None, None),
            Some(u64::MAX)
        );
        assert_eq!(
            estimate_bytes(None, Some(u64::MAX), None, Some(u32::MAX)),
            Some(u64::MAX)
        );
    }

    #[test]
    fn formats_decimal_gigabytes_with_one_decimal() {
        assert_eq!(format_bytes_gb(18 * GB), "18.0 GB");
        assert_eq!(format_bytes_gb(6_649_999_999), "6.6 GB");
        assert_eq!(format_bytes_gb(0), "0.0 GB");
        assert_eq!(format_bytes_gb(32607 * MIB), "34.2 GB");
    }
}
