//! VRAM monitor: reads GPU memory through NVML for the VRAM guard.
//!
//! NVML is opened lazily on the first [`GpuMonitor::read`], never at startup,
//! so machines without an NVIDIA driver pay nothing until the guard is
//! actually consulted, and then get a clear [`GpuError`] instead of a panic.
//! A failure to load or initialise the library is remembered for the life of
//! the monitor (opening a missing library on every request would only repeat
//! the same error); everything after that is read fresh on every call.
//!
//! `read` blocks: the first call loads and initialises NVML, which can take
//! from milliseconds up to a second or more on a real driver without
//! persistence mode, and a broken driver can hang in it for good. From async
//! code call [`GpuMonitor::read_within`]: it runs the call on a thread of its
//! own and waits a bounded time; a call that overruns keeps running in the
//! background and is remembered, so no later request waits for it again or
//! starts a second thread.

use std::ffi::{c_char, CStr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use nvml_wrapper::error::NvmlError;
use nvml_wrapper::{Device, Nvml};

/// Size of the buffer NVML documents for device names
/// (`NVML_DEVICE_NAME_V2_BUFFER_SIZE`).
const NAME_BUFFER_LEN: usize = 96;

/// What the GPUs looked like at one moment.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GpuSnapshot {
    /// The NVIDIA driver version, when the driver reports one.
    pub driver_version: Option<String>,
    /// The GPUs whose memory could be read, in NVML index order. A GPU whose
    /// memory query failed is left out (and logged); see [`GpuMonitor::read`].
    pub gpus: Vec<GpuInfo>,
}

/// Memory figures of one GPU.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GpuInfo {
    /// NVML's device index.
    pub index: u32,
    /// Device name, decoded lossily; `"GPU <index>"` when NVML has none.
    pub name: String,
    /// Installed memory in bytes.
    pub total_bytes: u64,
    /// Memory not available for a new allocation: `total_bytes - free_bytes`,
    /// so it includes the driver's own reservation and `used + free == total`.
    pub used_bytes: u64,
    /// Memory available for a new allocation, in bytes.
    pub free_bytes: u64,
}

/// Why GPU figures could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GpuError {
    /// `libnvidia-ml` could not be opened, or it is not an NVML library.
    /// Holds the loader's message. Usual on machines without NVIDIA hardware.
    #[error("no NVIDIA GPU found (libnvidia-ml could not be loaded)")]
    NoLibrary(String),
    /// The library the user named (`vram.nvml_lib`) could not be loaded: the path and
    /// the loader's message, since this one is a configuration to fix.
    #[error("vram.nvml_lib {path} could not be loaded: {message}")]
    LibraryFailed { path: PathBuf, message: String },
    /// The library loaded but `nvmlInit` failed (driver not loaded, no
    /// permission, library/driver version mismatch, ...).
    #[error("NVML could not be initialised: {0}")]
    InitFailed(String),
    /// A blocking NVML call has not returned (a hung `nvmlInit` or query). It
    /// runs on in the background; reads fail at once until it returns.
    #[error("NVML has not answered for {0} s (a hung driver?)")]
    NotAnswering(u64),
    /// A query failed after a successful initialisation. Not remembered: the
    /// next [`GpuMonitor::read`] tries again.
    #[error("NVML query failed ({what}): {message}")]
    Query {
        /// What was being read, e.g. `"device count"` or `"memory of GPU 1"`.
        what: String,
        /// NVML's error message.
        message: String,
    },
}

/// Lifecycle of the NVML handle inside a [`GpuMonitor`].
enum State {
    /// Nothing tried yet.
    Untried,
    /// Initialised; the driver version cannot change while the library stays
    /// loaded, so it is read once. `Nvml` holds every resolved symbol
    /// (about 12 KB), hence the box.
    Ready {
        nvml: Box<Nvml>,
        driver_version: Option<String>,
    },
    /// Loading or initialisation failed; this error is returned from now on.
    Failed(GpuError),
}

/// Reads VRAM figures on demand through NVML.
///
/// Cheap to create; the library is opened on the first [`read`](Self::read).
/// `Send + Sync`: share it behind an `Arc`.
pub struct GpuMonitor {
    lib_path: Option<PathBuf>,
    state: Mutex<State>,
    /// When the blocking call running on the reader thread started; `None`
    /// when no call runs.
    in_flight: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for GpuMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuMonitor")
            .field("lib_path", &self.lib_path)
            .finish_non_exhaustive()
    }
}

impl GpuMonitor {
    /// A monitor that will load NVML from `nvml_lib`, or from the system's
    /// default (`libnvidia-ml.so.1` on Linux, `nvml.dll` on Windows) when
    /// `None`. Nothing is loaded yet.
    pub fn new(nvml_lib: Option<PathBuf>) -> Self {
        Self {
            lib_path: nvml_lib,
            state: Mutex::new(State::Untried),
            in_flight: Mutex::new(None),
        }
    }

    /// [`read`](Self::read) on a thread of its own, waited for at most
    /// `limit`. NVML cannot be interrupted, so a call that overruns keeps
    /// running; until it returns every read fails at once with
    /// [`GpuError::NotAnswering`] (no second thread, no second wait), and once
    /// it returns its outcome (NVML ready, or its error) serves later reads.
    pub async fn read_within(self: &Arc<Self>, limit: Duration) -> Result<GpuSnapshot, GpuError> {
        {
            let mut flight = lock_flight(&self.in_flight);
            if let Some(since) = *flight {
                return Err(GpuError::NotAnswering(since.elapsed().as_secs()));
            }
            *flight = Some(Instant::now());
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let me = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("superhelfer-nvml".into())
            .spawn(move || {
                // Cleared even if NVML panics through the wrapper.
                let _done = FlightDone(&me.in_flight);
                let _ = tx.send(me.read());
            });
        if let Err(e) = spawned {
            *lock_flight(&self.in_flight) = None;
            return Err(GpuError::InitFailed(format!(
                "cannot start the NVML reader: {e}"
            )));
        }
        match tokio::time::timeout(limit, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(GpuError::InitFailed("the NVML reader stopped".into())),
            Err(_) => {
                tracing::warn!(
                    "NVML did not answer within {} ms; it is left running in the background",
                    limit.as_millis()
                );
                Err(GpuError::NotAnswering(limit.as_secs()))
            }
        }
    }

    /// Current memory figures of every GPU NVML can read.
    ///
    /// Initialises NVML on the first call. A GPU whose memory query fails is
    /// skipped with a warning so one faulty card does not disable the guard
    /// for the others; when no GPU at all could be read, the first query
    /// error is returned. An empty `gpus` list means NVML works but reports
    /// no devices.
    pub fn read(&self) -> Result<GpuSnapshot, GpuError> {
        let mut state = self.lock();
        if matches!(*state, State::Untried) {
            *state = self.init();
        }
        match &*state {
            State::Untried => Err(GpuError::InitFailed("NVML was not initialised".into())),
            State::Failed(error) => Err(error.clone()),
            State::Ready {
                nvml,
                driver_version,
            } => read_gpus(nvml).map(|gpus| GpuSnapshot {
                driver_version: driver_version.clone(),
                gpus,
            }),
        }
    }

    /// The state survives a panic elsewhere while the lock was held: it is
    /// only ever replaced whole, so it is never half-updated.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn init(&self) -> State {
        let mut builder = Nvml::builder();
        if let Some(path) = &self.lib_path {
            builder.lib_path(path.as_os_str());
        }
        match builder.init() {
            Ok(nvml) => {
                let driver_version = nvml.sys_driver_version().ok();
                tracing::debug!(?driver_version, "NVML initialised");
                State::Ready {
                    nvml: Box::new(nvml),
                    driver_version,
                }
            }
            Err(error) => {
                let error = match (error, &self.lib_path) {
                    (
                        e @ (NvmlError::LibloadingError(_) | NvmlError::FailedToLoadSymbol(_)),
                        Some(path),
                    ) => GpuError::LibraryFailed {
                        path: path.clone(),
                        message: e.to_string(),
                    },
                    // Not openable, or opened but lacking nvmlInit_v2: either
                    // way there is no usable NVML here.
                    (
                        e @ (NvmlError::LibloadingError(_) | NvmlError::FailedToLoadSymbol(_)),
                        None,
                    ) => GpuError::NoLibrary(e.to_string()),
                    (other, _) => GpuError::InitFailed(other.to_string()),
                };
                tracing::debug!(%error, "NVML unavailable; the VRAM guard is off");
                State::Failed(error)
            }
        }
    }
}

fn lock_flight(m: &Mutex<Option<Instant>>) -> MutexGuard<'_, Option<Instant>> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Marks the reader thread's call finished when dropped.
struct FlightDone<'a>(&'a Mutex<Option<Instant>>);

impl Drop for FlightDone<'_> {
    fn drop(&mut self) {
        *lock_flight(self.0) = None;
    }
}

fn read_gpus(nvml: &Nvml) -> Result<Vec<GpuInfo>, GpuError> {
    let count = nvml.device_count().map_err(|e| query("device count", &e))?;
    let mut gpus = Vec::with_capacity(count as usize);
    let mut first_error = None;
    for index in 0..count {
        match read_gpu(nvml, index) {
            Ok(gpu) => gpus.push(gpu),
            Err(error) => {
                tracing::warn!(%error, "skipping GPU {index}");
                first_error.get_or_insert(error);
            }
        }
    }
    match first_error {
        Some(error) if gpus.is_empty() => Err(error),
        _ => Ok(gpus),
    }
}

fn read_gpu(nvml: &Nvml, index: u32) -> Result<GpuInfo, GpuError> {
    let device = nvml
        .device_by_index(index)
        .map_err(|e| query(&format!("handle of GPU {index}"), &e))?;
    let (total, free) =
        memory(&device).map_err(|e| query(&format!("memory of GPU {index}"), &e))?;
    let free = free.min(total);
    Ok(GpuInfo {
        index,
        name: device_name(&device, index),
        total_bytes: total,
        used_bytes: total - free,
        free_bytes: free,
    })
}

fn query(what: &str, error: &NvmlError) -> GpuError {
    GpuError::Query {
        what: what.to_string(),
        message: error.to_string(),
    }
}

/// `(total, free)` in bytes. `nvml-wrapper` only calls
/// `nvmlDeviceGetMemoryInfo_v2`, which drivers older than R510 lack; for
/// those fall back to the v1 entry point through the raw bindings.
fn memory(device: &Device<'_>) -> Result<(u64, u64), NvmlError> {
    match device.memory_info() {
        Ok(info) => Ok((info.total, info.free)),
        Err(
            v2_error @ (NvmlError::FailedToLoadSymbol(_)
            | NvmlError::FunctionNotFound
            | NvmlError::NotSupported),
        ) => {
            let Ok(get_memory_v1) = device.nvml().lib().nvmlDeviceGetMemoryInfo.as_ref() else {
                return Err(v2_error);
            };
            // The record's type comes from the binding's signature; zeroed
            // is a valid value for its three integers.
            // SAFETY: the handle is valid while `device` borrows the live
            // `Nvml`, and the record outlives the call that fills it.
            let mut record = unsafe { std::mem::zeroed() };
            let code = unsafe { get_memory_v1(device.handle(), &mut record) };
            nvml_wrapper::error::nvml_try(code)?;
            Ok((record.total, record.free))
        }
        Err(other) => Err(other),
    }
}

/// The device name, whatever bytes the driver returns: `Device::name` fails
/// on invalid UTF-8, so re-read the raw bytes and decode them lossily.
fn device_name(device: &Device<'_>, index: u32) -> String {
    let name = match device.name() {
        Ok(name) => Some(name),
        Err(NvmlError::Utf8Error(_)) => raw_device_name(device),
        Err(error) => {
            tracing::debug!(%error, "no name for GPU {index}");
            None
        }
    };
    match name {
        Some(name) if !name.trim().is_empty() => name.trim().to_string(),
        _ => format!("GPU {index}"),
    }
}

fn raw_device_name(device: &Device<'_>) -> Option<String> {
    let get_name = device.nvml().lib().nvmlDeviceGetName.as_ref().ok()?;
    let mut buffer: [c_char; NAME_BUFFER_LEN] = [0; NAME_BUFFER_LEN];
    // SAFETY: the handle is valid while `device` borrows the live `Nvml`; the
    // buffer is writable for the length passed.
    let code = unsafe {
        get_name(
            device.handle(),
            buffer.as_mut_ptr(),
            NAME_BUFFER_LEN as std::ffi::c_uint,
        )
    };
    nvml_wrapper::error::nvml_try(code).ok()?;
    // Never trust the driver to terminate the string.
    buffer[NAME_BUFFER_LEN - 1] = 0;
    // SAFETY: the buffer is NUL-terminated (just ensured) and lives on.
    let raw = unsafe { CStr::from_ptr(buffer.as_ptr()) };
    Some(String::from_utf8_lossy(raw.to_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_library_is_a_clear_error_and_is_remembered() {
        let monitor = GpuMonitor::new(Some(PathBuf::from("/nonexistent/libnvidia-ml.so.1")));
        for _ in 0..2 {
            match monitor.read() {
                Err(error @ GpuError::LibraryFailed { .. }) => {
                    let text = error.to_string();
                    assert!(
                        text.starts_with(
                            "vram.nvml_lib /nonexistent/libnvidia-ml.so.1 could not be loaded: "
                        ) && text.contains("No such file"),
                        "names the path and the loader's error: {text}"
                    );
                }
                other => panic!("expected LibraryFailed, got {other:?}"),
            }
        }
        assert!(matches!(*monitor.lock(), State::Failed(_)));
    }

    #[test]
    fn nothing_is_loaded_before_the_first_read() {
        let monitor = GpuMonitor::new(None);
        assert!(matches!(*monitor.lock(), State::Untried));
    }

    #[test]
    fn monitor_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<GpuMonitor>();
    }
}
