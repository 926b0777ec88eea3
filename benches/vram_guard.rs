//! Cost of one VRAM guard check: `GpuMonitor::read` + `vram::decide`, against
//! the fake NVML library (tests/support/fake-nvml), which re-reads its state
//! file on every NVML call (7 calls per read with two GPUs), so the figure
//! includes that file I/O and is an upper bound for the monitor's own work. Plain `std::time`, no harness:
//! `cargo bench --bench vram_guard`.

#[path = "../tests/support/fake_nvml.rs"]
mod fake_nvml;

use std::hint::black_box;
use std::time::{Duration, Instant};

use superhelfer::engine::gpu::GpuMonitor;
use superhelfer::engine::vram::{decide, GuardSettings, LoadRequest};

const STATE: &str = "\
init=ok
driver=580.65.06
gpu=NVIDIA RTX A4000;total_mb=16376;used_mb=15800
gpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=4000
";

fn main() {
    if cfg!(not(target_os = "linux")) {
        eprintln!("vram_guard bench: the fake NVML library is Linux-only; skipped");
        return;
    }
    let fake = fake_nvml::FakeNvmlState::new(STATE);
    fake.stop_call_log();
    let monitor = GpuMonitor::new(Some(fake.lib_path()));
    let settings = GuardSettings::default();
    let request = LoadRequest {
        model: "qwen3-coder:30b",
        estimate_bytes: 18_000_000_000,
        resident: false,
    };

    let started = Instant::now();
    let first = monitor.read();
    let first_read = started.elapsed();
    if let Err(error) = first {
        eprintln!("vram_guard bench: read failed: {error}");
        std::process::exit(1);
    }

    let iterations = 2_000u32;
    let mut samples: Vec<Duration> = Vec::with_capacity(iterations as usize);
    let mut decide_only = Duration::ZERO;
    for _ in 0..iterations {
        let t0 = Instant::now();
        let snapshot = monitor.read();
        let t1 = Instant::now();
        let decision = decide(&request, snapshot.as_ref(), &settings);
        let t2 = Instant::now();
        black_box(decision);
        samples.push(t2 - t0);
        decide_only += t2 - t1;
    }
    samples.sort();
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "first read (dlopen + nvmlInit): {:.1} µs",
        micros(first_read)
    );
    println!(
        "read()+decide(), 2 fake GPUs, {iterations} runs: median {:.1} µs, p90 {:.1} µs, min {:.1} µs",
        micros(pick(0.5)),
        micros(pick(0.9)),
        micros(pick(0.0)),
    );
    println!(
        "decide() alone: mean {:.2} µs",
        micros(decide_only) / f64::from(iterations)
    );
}
