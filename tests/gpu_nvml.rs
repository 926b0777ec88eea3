//! The VRAM monitor against a fake `libnvidia-ml` (tests/support/fake-nvml):
//! what the guard sees with no driver, a failing driver, and various GPUs.
#![cfg(target_os = "linux")]

mod support;

use superhelfer::engine::gpu::{GpuError, GpuMonitor, GpuSnapshot};
use superhelfer::engine::vram::{decide, GuardDecision, GuardSettings, LoadRequest};
use support::fake_nvml::FakeNvmlState;

const MIB: u64 = 1024 * 1024;

const ONE_GPU_WITH_ROOM: &str = "\
init=ok
driver=580.65.06
gpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=4000
";

const ONE_GPU_NEARLY_FULL: &str = "\
init=ok
driver=580.65.06
gpu=NVIDIA RTX A4000;total_mb=16376;used_mb=15800
";

const TWO_GPUS: &str = "\
init=ok
driver=580.65.06
gpu=NVIDIA RTX A4000;total_mb=16376;used_mb=15800
gpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=4000
";

fn monitor(fake: &FakeNvmlState) -> GpuMonitor {
    GpuMonitor::new(Some(fake.lib_path()))
}

fn read_ok(monitor: &GpuMonitor) -> GpuSnapshot {
    match monitor.read() {
        Ok(snapshot) => snapshot,
        Err(error) => panic!("read failed: {error:?}"),
    }
}

fn load(model: &str, estimate_bytes: u64) -> LoadRequest<'_> {
    LoadRequest {
        model,
        estimate_bytes,
        resident: false,
    }
}

#[test]
fn missing_library_gives_no_library_error_every_time() {
    let monitor = GpuMonitor::new(Some("/nonexistent/dir/libnvidia-ml.so.1".into()));
    for _ in 0..3 {
        let error = monitor.read().expect_err("no library there");
        assert!(matches!(error, GpuError::LibraryFailed { .. }), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains("vram.nvml_lib /nonexistent/dir/libnvidia-ml.so.1")
                && text.contains("No such file"),
            "the path and the loader's error: {text}"
        );
    }
    let decision = decide(
        &load("qwen3-coder:30b", 18_000_000_000),
        monitor.read().as_ref(),
        &GuardSettings::default(),
    );
    assert!(
        matches!(decision, GuardDecision::NoGpu { .. }),
        "{decision:?}"
    );
}

#[test]
fn a_library_without_nvml_symbols_is_no_library() {
    // libc loads fine but has no nvmlInit_v2.
    let monitor = GpuMonitor::new(Some("libc.so.6".into()));
    let error = monitor.read().expect_err("libc is not NVML");
    assert!(matches!(error, GpuError::LibraryFailed { .. }), "{error:?}");
    assert!(error.to_string().contains("libc.so.6"), "{error}");
}

#[test]
fn nvml_is_initialised_lazily_and_once() {
    let fake = FakeNvmlState::new(ONE_GPU_WITH_ROOM);
    let monitor = monitor(&fake);
    assert!(fake.calls().is_empty(), "{:?}", fake.calls());
    read_ok(&monitor);
    read_ok(&monitor);
    read_ok(&monitor);
    assert_eq!(fake.call_count("nvmlInit_v2"), 1, "{:?}", fake.calls());
    assert_eq!(fake.call_count("nvmlDeviceGetMemoryInfo_v2"), 3);
}

#[test]
fn dropping_the_monitor_shuts_nvml_down() {
    let fake = FakeNvmlState::new(ONE_GPU_WITH_ROOM);
    let monitor = monitor(&fake);
    read_ok(&monitor);
    assert_eq!(fake.call_count("nvmlShutdown"), 0);
    drop(monitor);
    assert_eq!(
        fake.calls().last().map(String::as_str),
        Some("nvmlShutdown")
    );
}

#[test]
fn init_failure_is_reported_and_remembered() {
    let fake = FakeNvmlState::new("init=fail\ngpu=G;total_mb=1000;used_mb=0\n");
    let monitor = monitor(&fake);
    let error = monitor.read().expect_err("init fails");
    match &error {
        GpuError::InitFailed(message) => {
            assert!(message.contains("driver is not loaded"), "{message}")
        }
        other => panic!("expected InitFailed, got {other:?}"),
    }
    // Even once the driver would work, the monitor does not retry.
    fake.write(ONE_GPU_WITH_ROOM);
    assert!(matches!(monitor.read(), Err(GpuError::InitFailed(_))));
    assert_eq!(fake.call_count("nvmlInit_v2"), 1, "{:?}", fake.calls());
    assert_eq!(fake.call_count("nvmlShutdown"), 0);
}

#[test]
fn one_gpu_with_room() {
    let fake = FakeNvmlState::new(ONE_GPU_WITH_ROOM);
    let snapshot = read_ok(&monitor(&fake));
    assert_eq!(snapshot.driver_version.as_deref(), Some("580.65.06"));
    assert_eq!(snapshot.gpus.len(), 1);
    let gpu = &snapshot.gpus[0];
    assert_eq!(gpu.index, 0);
    assert_eq!(gpu.name, "NVIDIA GeForce RTX 5090");
    assert_eq!(gpu.total_bytes, 32607 * MIB);
    assert_eq!(gpu.used_bytes, 4000 * MIB);
    assert_eq!(gpu.free_bytes, 28607 * MIB);

    let decision = decide(
        &load("qwen3-coder:30b", 18_000_000_000),
        Ok(&snapshot),
        &GuardSettings::default(),
    );
    assert!(
        matches!(decision, GuardDecision::Proceed { .. }),
        "{decision:?}"
    );
}

#[test]
fn one_gpu_nearly_full_asks() {
    let fake = FakeNvmlState::new(ONE_GPU_NEARLY_FULL);
    let snapshot = read_ok(&monitor(&fake));
    assert_eq!(snapshot.gpus[0].free_bytes, 576 * MIB);
    let decision = decide(
        &load("qwen2.5-coder:7b", 5_000_000_000),
        Ok(&snapshot),
        &GuardSettings::default(),
    );
    match decision {
        GuardDecision::Ask { prompt, gpu, .. } => {
            assert_eq!(gpu, "NVIDIA RTX A4000");
            assert_eq!(
                prompt,
                "Loading qwen2.5-coder:7b needs about 5.0 GB; NVIDIA RTX A4000 has 0.6 GB \
                 of 17.2 GB free. Load it anyway?"
            );
        }
        other => panic!("expected Ask, got {other:?}"),
    }
}

#[test]
fn two_gpus_are_listed_in_order_and_the_guard_uses_the_freer() {
    let fake = FakeNvmlState::new(TWO_GPUS);
    let snapshot = read_ok(&monitor(&fake));
    let names: Vec<_> = snapshot
        .gpus
        .iter()
        .map(|g| (g.index, g.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [(0, "NVIDIA RTX A4000"), (1, "NVIDIA GeForce RTX 5090")]
    );
    let decision = decide(
        &load("qwen3-coder:30b", 18_000_000_000),
        Ok(&snapshot),
        &GuardSettings::default(),
    );
    // 28607 MiB free on the 5090: fits, 4000 MiB + 18 GB stays below 80 %.
    match decision {
        GuardDecision::Proceed { reason } => {
            assert!(
                reason.contains("RTX 5090 (GPU 1, most free memory)"),
                "{reason}"
            )
        }
        other => panic!("expected Proceed, got {other:?}"),
    }
}

#[test]
fn failing_memory_query_skips_that_gpu_and_is_not_remembered() {
    let fake = FakeNvmlState::new(
        "init=ok\n\
         gpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=4000\n\
         gpu=NVIDIA RTX A4000;total_mb=16376;used_mb=15800;memory=fail\n",
    );
    let monitor = monitor(&fake);
    let snapshot = read_ok(&monitor);
    assert_eq!(snapshot.driver_version, None);
    let indices: Vec<_> = snapshot.gpus.iter().map(|g| g.index).collect();
    assert_eq!(indices, [0]);

    // With every GPU failing there is nothing to judge: a query error.
    fake.write("init=ok\ngpu=NVIDIA RTX A4000;total_mb=16376;used_mb=1;memory=fail:15\n");
    match monitor.read() {
        Err(GpuError::Query { what, message }) => {
            assert_eq!(what, "memory of GPU 0");
            assert!(message.contains("fell off the bus"), "{message}");
        }
        other => panic!("expected a query error, got {other:?}"),
    }

    // The next call asks again.
    fake.write(ONE_GPU_NEARLY_FULL);
    assert_eq!(read_ok(&monitor).gpus.len(), 1);
}

#[test]
fn failing_device_count_is_a_query_error() {
    let fake = FakeNvmlState::new("init=ok\ncount=fail\n");
    match monitor(&fake).read() {
        Err(GpuError::Query { what, .. }) => assert_eq!(what, "device count"),
        other => panic!("expected a query error, got {other:?}"),
    }
}

#[test]
fn no_gpus_is_an_empty_snapshot() {
    let fake = FakeNvmlState::new("init=ok\ndriver=580.65.06\n");
    let snapshot = read_ok(&monitor(&fake));
    assert!(snapshot.gpus.is_empty());
    let decision = decide(&load("m", 1), Ok(&snapshot), &GuardSettings::default());
    assert!(
        matches!(decision, GuardDecision::NoGpu { .. }),
        "{decision:?}"
    );
}

#[test]
fn invalid_utf8_name_is_decoded_lossily() {
    // "NVIDIA " 0xFF 0xFE "GPU"
    let fake = FakeNvmlState::new(
        "init=ok\ngpu=;name_hex=4e5649444941 20 fffe 475055;total_mb=8192;used_mb=0\n",
    );
    let snapshot = read_ok(&monitor(&fake));
    assert_eq!(snapshot.gpus[0].name, "NVIDIA \u{FFFD}\u{FFFD}GPU");
    assert_eq!(snapshot.gpus[0].total_bytes, 8192 * MIB);
}

#[test]
fn unnamed_or_unnameable_gpu_gets_a_placeholder() {
    let fake = FakeNvmlState::new(
        "init=ok\ngpu=;total_mb=100;used_mb=0\ngpu=X;total_mb=100;used_mb=0;name=fail\n",
    );
    let snapshot = read_ok(&monitor(&fake));
    let names: Vec<_> = snapshot.gpus.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["GPU 0", "GPU 1"]);
}

#[test]
fn drivers_without_memory_info_v2_fall_back_to_v1() {
    let fake = FakeNvmlState::new(
        "init=ok\nmemory_api=v1\ngpu=Old;total_mb=8192;used_mb=1000;reserved_mb=192\n",
    );
    let snapshot = read_ok(&monitor(&fake));
    let gpu = &snapshot.gpus[0];
    assert_eq!(gpu.total_bytes, 8192 * MIB);
    assert_eq!(gpu.free_bytes, 7000 * MIB);
    assert_eq!(gpu.used_bytes, 1192 * MIB);
    assert_eq!(fake.call_count("nvmlDeviceGetMemoryInfo"), 1);
}

#[test]
fn reserved_memory_counts_as_used() {
    let fake = FakeNvmlState::new("init=ok\ngpu=G;total_mb=8192;used_mb=1000;reserved_mb=192\n");
    let gpu = read_ok(&monitor(&fake)).gpus[0].clone();
    assert_eq!(gpu.free_bytes, 7000 * MIB);
    assert_eq!(gpu.used_bytes + gpu.free_bytes, gpu.total_bytes);
}

#[test]
fn figures_change_between_reads() {
    let fake = FakeNvmlState::new(ONE_GPU_WITH_ROOM);
    let monitor = monitor(&fake);
    assert_eq!(read_ok(&monitor).gpus[0].used_bytes, 4000 * MIB);
    fake.write(&ONE_GPU_WITH_ROOM.replace("used_mb=4000", "used_mb=30000"));
    let snapshot = read_ok(&monitor);
    assert_eq!(snapshot.gpus[0].used_bytes, 30000 * MIB);
    assert_eq!(snapshot.gpus[0].free_bytes, 2607 * MIB);
    let decision = decide(
        &load("qwen3-coder:30b", 18_000_000_000),
        Ok(&snapshot),
        &GuardSettings::default(),
    );
    assert!(
        matches!(decision, GuardDecision::Ask { .. }),
        "{decision:?}"
    );
}

#[test]
fn gpu_count_is_read_fresh_on_every_call() {
    let fake = FakeNvmlState::new(TWO_GPUS);
    let monitor = monitor(&fake);
    assert_eq!(read_ok(&monitor).gpus.len(), 2);
    fake.write(ONE_GPU_WITH_ROOM);
    assert_eq!(read_ok(&monitor).gpus.len(), 1);
}

#[test]
fn one_monitor_serves_many_threads() {
    let fake = FakeNvmlState::new(TWO_GPUS);
    let monitor = std::sync::Arc::new(monitor(&fake));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let monitor = monitor.clone();
            std::thread::spawn(move || monitor.read().map(|s| s.gpus.len()))
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().expect("thread").ok(), Some(2));
    }
    assert_eq!(fake.call_count("nvmlInit_v2"), 1);
}

#[tokio::test]
async fn a_slow_init_is_waited_for_once_then_serves_later_reads() {
    let fake = FakeNvmlState::new(&format!("init_hang=800\n{ONE_GPU_WITH_ROOM}"));
    let monitor = std::sync::Arc::new(monitor(&fake));
    let limit = std::time::Duration::from_millis(200);
    // Past the limit: reported, left running in the background.
    assert!(matches!(
        monitor.read_within(limit).await,
        Err(GpuError::NotAnswering(_))
    ));
    // While it still runs, a read fails at once instead of starting another.
    let t = std::time::Instant::now();
    assert!(matches!(
        monitor.read_within(limit).await,
        Err(GpuError::NotAnswering(_))
    ));
    assert!(t.elapsed() < limit, "{:?}", t.elapsed());
    // Once it returned, its NVML serves the next read.
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let snapshot = monitor
        .read_within(std::time::Duration::from_secs(5))
        .await
        .expect("NVML ready");
    assert_eq!(snapshot.gpus.len(), 1);
    assert_eq!(
        fake.call_count("nvmlInit_v2") + fake.call_count("nvmlInitWithFlags"),
        1
    );
}
