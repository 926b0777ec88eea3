//! A fake `libnvidia-ml.so` for tests on machines without an NVIDIA driver.
//!
//! It exports the NVML entry points that superhelfer's GPU monitor reaches
//! through `nvml-wrapper` 0.13 / `nvml-wrapper-sys` 0.10, with NVML's real
//! signatures, struct layouts and return codes. `nvml-wrapper-sys` resolves
//! every symbol lazily into a `Result` when the library is opened, but calls
//! some of them (`nvmlShutdown` in `Drop for Nvml`) through an `expect`, so a
//! missing symbol there would panic: everything on our code paths is exported.
//!
//! # Where the behaviour comes from
//!
//! Every call re-reads a small text state file, so a test can change what the
//! "GPU" reports between two calls. The file is the one named by the
//! `FAKE_NVML_STATE` environment variable or, when that is unset,
//! `fake-nvml-state.txt` in the directory holding this library. The second
//! form lets each test load its own copy of the library with its own state
//! while tests run in parallel in one process (the environment is shared by
//! the whole process; a copy of the library, loaded from another path, is a
//! separate object with its own statics).
//!
//! Calls are appended, one symbol name a line, to the file named by
//! `FAKE_NVML_LOG`, or to `fake-nvml-calls.log` beside the library if that
//! file already exists; this lets tests check when NVML was initialised.
//!
//! # State file format
//!
//! One `key=value` a line; `#` starts a comment; unknown keys are ignored.
//!
//! ```text
//! init=ok                     # or: fail (DRIVER_NOT_LOADED), or fail:<code>
//! init_hang=forever           # nvmlInit blocks for good (a driver stuck in an ioctl);
//!                             # or init_hang=<ms>: it blocks that long, then goes on
//! driver=580.65.06            # absent: nvmlSystemGetDriverVersion fails
//! count=ok                    # or: fail / fail:<code> for nvmlDeviceGetCount_v2
//! memory_api=v2               # or: v1 (the _v2 entry point answers FUNCTION_NOT_FOUND)
//! gpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=4000
//! gpu=NVIDIA RTX A4000;total_mb=16376;used_mb=15800;memory=fail
//! gpu=;name_hex=4e56ff4944;total_mb=8192;used_mb=0
//! ```
//!
//! A `gpu` line starts with the device name, followed by `;`-separated
//! fields: `total_mb`, `used_mb`, `reserved_mb` (MiB, default 0),
//! `name_hex` (raw name bytes, overrides the name, for invalid UTF-8),
//! `memory=fail[:<code>]` and `name=fail[:<code>]`. A missing state file
//! means: initialisation succeeds, no driver version, no GPUs.

use std::ffi::{c_char, c_int, c_uint, c_ulonglong, c_void, CStr};
use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

type NvmlReturn = c_uint;

const NVML_SUCCESS: NvmlReturn = 0;
const NVML_ERROR_UNINITIALIZED: NvmlReturn = 1;
const NVML_ERROR_INVALID_ARGUMENT: NvmlReturn = 2;
const NVML_ERROR_NOT_SUPPORTED: NvmlReturn = 3;
const NVML_ERROR_INSUFFICIENT_SIZE: NvmlReturn = 7;
const NVML_ERROR_DRIVER_NOT_LOADED: NvmlReturn = 9;
const NVML_ERROR_FUNCTION_NOT_FOUND: NvmlReturn = 13;
const NVML_ERROR_GPU_IS_LOST: NvmlReturn = 15;
const NVML_ERROR_ARGUMENT_VERSION_MISMATCH: NvmlReturn = 25;
const NVML_ERROR_UNKNOWN: NvmlReturn = 999;

const MIB: u64 = 1024 * 1024;

/// `nvmlMemory_t`: the v1 memory record.
#[repr(C)]
pub struct NvmlMemory {
    total: c_ulonglong,
    free: c_ulonglong,
    used: c_ulonglong,
}

/// `nvmlMemory_v2_t`: the versioned memory record `nvml-wrapper` 0.13 uses.
#[repr(C)]
pub struct NvmlMemoryV2 {
    version: c_uint,
    total: c_ulonglong,
    reserved: c_ulonglong,
    free: c_ulonglong,
    used: c_ulonglong,
}

/// `NVML_STRUCT_VERSION(Memory, 2)`, which callers must put in `version`.
const NVML_MEMORY_V2: c_uint = (std::mem::size_of::<NvmlMemoryV2>() as c_uint) | (2 << 24);

/// Opaque device handle type; handles are `index + 1` cast to a pointer and
/// are never dereferenced.
#[repr(C)]
pub struct NvmlDeviceSt {
    _private: [u8; 0],
}
type NvmlDevice = *mut NvmlDeviceSt;

/// NVML reference-counts init/shutdown; so does the fake, so calls made
/// without a successful init answer `UNINITIALIZED` like the real library.
static INIT_COUNT: AtomicU32 = AtomicU32::new(0);

#[derive(Default)]
struct Gpu {
    name: Vec<u8>,
    total: u64,
    used: u64,
    reserved: u64,
    memory_error: Option<NvmlReturn>,
    name_error: Option<NvmlReturn>,
}

#[derive(Default)]
struct State {
    init_error: Option<NvmlReturn>,
    /// How long nvmlInit blocks before it answers; `u64::MAX`: for good.
    init_hang_ms: Option<u64>,
    count_error: Option<NvmlReturn>,
    driver: Option<Vec<u8>>,
    memory_v1_only: bool,
    gpus: Vec<Gpu>,
}

/// `ok` → None; `fail` → the default code; `fail:<n>` → n.
fn parse_outcome(value: &str, default_error: NvmlReturn) -> Option<NvmlReturn> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("ok") {
        return None;
    }
    value.strip_prefix("fail").map(|rest| {
        rest.strip_prefix(':')
            .and_then(|code| code.trim().parse().ok())
            .unwrap_or(default_error)
    })
}

fn parse_hex(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .bytes()
        .filter_map(|b| (b as char).to_digit(16))
        .map(|d| d as u8)
        .collect();
    digits
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => hi << 4 | lo,
            [lo] => *lo,
            _ => 0,
        })
        .collect()
}

fn parse_gpu(spec: &str) -> Gpu {
    let mut fields = spec.split(';');
    let mut gpu = Gpu {
        name: fields.next().unwrap_or("").trim().as_bytes().to_vec(),
        ..Gpu::default()
    };
    for field in fields {
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        let value = value.trim();
        let mib = || value.parse::<u64>().unwrap_or(0).saturating_mul(MIB);
        match key.trim() {
            "total_mb" => gpu.total = mib(),
            "used_mb" => gpu.used = mib(),
            "reserved_mb" => gpu.reserved = mib(),
            "name_hex" => gpu.name = parse_hex(value),
            "memory" => gpu.memory_error = parse_outcome(value, NVML_ERROR_UNKNOWN),
            "name" => gpu.name_error = parse_outcome(value, NVML_ERROR_UNKNOWN),
            _ => {}
        }
    }
    gpu
}

fn parse_state(text: &str) -> State {
    let mut state = State::default();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        match key.trim() {
            "init" => state.init_error = parse_outcome(value, NVML_ERROR_DRIVER_NOT_LOADED),
            "init_hang" => {
                state.init_hang_ms = match value.trim() {
                    "forever" => Some(u64::MAX),
                    ms => ms.parse().ok(),
                }
            }
            "count" => state.count_error = parse_outcome(value, NVML_ERROR_UNKNOWN),
            "driver" => state.driver = Some(value.trim().as_bytes().to_vec()),
            "memory_api" => state.memory_v1_only = value.trim() == "v1",
            "gpu" => state.gpus.push(parse_gpu(value)),
            _ => {}
        }
    }
    state
}

#[repr(C)]
struct DlInfo {
    dli_fname: *const c_char,
    dli_fbase: *mut c_void,
    dli_sname: *const c_char,
    dli_saddr: *mut c_void,
}

extern "C" {
    fn dladdr(addr: *const c_void, info: *mut DlInfo) -> c_int;
}

/// Directory of the file this library was loaded from.
fn own_dir() -> Option<PathBuf> {
    let mut info = DlInfo {
        dli_fname: std::ptr::null(),
        dli_fbase: std::ptr::null_mut(),
        dli_sname: std::ptr::null(),
        dli_saddr: std::ptr::null_mut(),
    };
    // SAFETY: dladdr only writes into `info`; the address is one of our own
    // functions, so it lies inside this library's mapping.
    let found = unsafe { dladdr(own_dir as *const c_void, &mut info) };
    if found == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dladdr returned a NUL-terminated path owned by the loader.
    let path = unsafe { CStr::from_ptr(info.dli_fname) };
    let path = PathBuf::from(path.to_string_lossy().into_owned());
    path.parent().map(|p| p.to_path_buf())
}

fn env_or_sibling(var: &str, sibling: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ => own_dir().map(|dir| dir.join(sibling)),
    }
}

fn load_state() -> State {
    env_or_sibling("FAKE_NVML_STATE", "fake-nvml-state.txt")
        .and_then(|path| fs::read_to_string(path).ok())
        .map(|text| parse_state(&text))
        .unwrap_or_default()
}

fn log_call(name: &str) {
    let explicit = std::env::var_os("FAKE_NVML_LOG").is_some_and(|p| !p.is_empty());
    let Some(path) = env_or_sibling("FAKE_NVML_LOG", "fake-nvml-calls.log") else {
        return;
    };
    if !explicit && !path.exists() {
        return;
    }
    if let Ok(mut file) = fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(file, "{name}");
    }
}

fn initialised() -> bool {
    INIT_COUNT.load(Ordering::SeqCst) > 0
}

/// Copies `text` plus a NUL into a caller buffer of `length` bytes.
///
/// # Safety
/// `buf` must be null or valid for `length` bytes of writes.
unsafe fn write_c_string(text: &[u8], buf: *mut c_char, length: c_uint) -> NvmlReturn {
    if buf.is_null() {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if text.len() + 1 > length as usize {
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
    *buf.add(text.len()) = 0;
    NVML_SUCCESS
}

/// Resolves a handle against the current state: stale handles (the state
/// lost a GPU since) answer `GPU_IS_LOST`, as a GPU that fell off the bus.
fn device_index(device: NvmlDevice, state: &State) -> Result<usize, NvmlReturn> {
    if device.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    let index = device as usize - 1;
    if index < state.gpus.len() {
        Ok(index)
    } else {
        Err(NVML_ERROR_GPU_IS_LOST)
    }
}

fn init_common() -> NvmlReturn {
    let state = load_state();
    match state.init_hang_ms {
        Some(u64::MAX) => loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        },
        Some(ms) => std::thread::sleep(std::time::Duration::from_millis(ms)),
        None => {}
    }
    match state.init_error {
        Some(code) => code,
        None => {
            INIT_COUNT.fetch_add(1, Ordering::SeqCst);
            NVML_SUCCESS
        }
    }
}

/// `nvmlInit_v2`.
#[no_mangle]
pub extern "C" fn nvmlInit_v2() -> NvmlReturn {
    log_call("nvmlInit_v2");
    init_common()
}

/// `nvmlInitWithFlags`; the flags are accepted and ignored.
#[no_mangle]
pub extern "C" fn nvmlInitWithFlags(_flags: c_uint) -> NvmlReturn {
    log_call("nvmlInitWithFlags");
    init_common()
}

/// `nvmlShutdown`; called by `Drop for Nvml`.
#[no_mangle]
pub extern "C" fn nvmlShutdown() -> NvmlReturn {
    log_call("nvmlShutdown");
    let previous =
        INIT_COUNT.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    match previous {
        Ok(_) => NVML_SUCCESS,
        Err(_) => NVML_ERROR_UNINITIALIZED,
    }
}

/// `nvmlErrorString`; returns a static string like the real library.
#[no_mangle]
pub extern "C" fn nvmlErrorString(result: NvmlReturn) -> *const c_char {
    let text: &'static CStr = match result {
        NVML_SUCCESS => c"Success",
        NVML_ERROR_UNINITIALIZED => c"Uninitialized",
        NVML_ERROR_INVALID_ARGUMENT => c"Invalid Argument",
        NVML_ERROR_NOT_SUPPORTED => c"Not Supported",
        NVML_ERROR_INSUFFICIENT_SIZE => c"Insufficient Size",
        NVML_ERROR_DRIVER_NOT_LOADED => c"Driver Not Loaded",
        NVML_ERROR_FUNCTION_NOT_FOUND => c"Function Not Found",
        NVML_ERROR_GPU_IS_LOST => c"GPU is lost",
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH => c"Argument version mismatch",
        _ => c"Unknown Error",
    };
    text.as_ptr()
}

/// `nvmlSystemGetDriverVersion`.
///
/// # Safety
/// `version` must be null or valid for `length` bytes of writes.
#[no_mangle]
pub unsafe extern "C" fn nvmlSystemGetDriverVersion(
    version: *mut c_char,
    length: c_uint,
) -> NvmlReturn {
    log_call("nvmlSystemGetDriverVersion");
    if !initialised() {
        return NVML_ERROR_UNINITIALIZED;
    }
    match load_state().driver {
        Some(text) => write_c_string(&text, version, length),
        None => NVML_ERROR_NOT_SUPPORTED,
    }
}

/// `nvmlDeviceGetCount_v2`.
///
/// # Safety
/// `count` must be null or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn nvmlDeviceGetCount_v2(count: *mut c_uint) -> NvmlReturn {
    log_call("nvmlDeviceGetCount_v2");
    if !initialised() {
        return NVML_ERROR_UNINITIALIZED;
    }
    if count.is_null() {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    let state = load_state();
    if let Some(code) = state.count_error {
        return code;
    }
    *count = state.gpus.len() as c_uint;
    NVML_SUCCESS
}

/// `nvmlDeviceGetHandleByIndex_v2`.
///
/// # Safety
/// `device` must be null or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn nvmlDeviceGetHandleByIndex_v2(
    index: c_uint,
    device: *mut NvmlDevice,
) -> NvmlReturn {
    log_call("nvmlDeviceGetHandleByIndex_v2");
    if !initialised() {
        return NVML_ERROR_UNINITIALIZED;
    }
    if device.is_null() || index as usize >= load_state().gpus.len() {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *device = (index as usize + 1) as NvmlDevice;
    NVML_SUCCESS
}

/// `nvmlDeviceGetName`.
///
/// # Safety
/// `name` must be null or valid for `length` bytes of writes.
#[no_mangle]
pub unsafe extern "C" fn nvmlDeviceGetName(
    device: NvmlDevice,
    name: *mut c_char,
    length: c_uint,
) -> NvmlReturn {
    log_call("nvmlDeviceGetName");
    if !initialised() {
        return NVML_ERROR_UNINITIALIZED;
    }
    let state = load_state();
    let gpu = match device_index(device, &state) {
        Ok(index) => &state.gpus[index],
        Err(code) => return code,
    };
    if let Some(code) = gpu.name_error {
        return code;
    }
    write_c_string(&gpu.name, name, length)
}

fn memory_of(device: NvmlDevice) -> Result<(u64, u64, u64, u64), NvmlReturn> {
    if !initialised() {
        return Err(NVML_ERROR_UNINITIALIZED);
    }
    let state = load_state();
    let gpu = &state.gpus[device_index(device, &state)?];
    if let Some(code) = gpu.memory_error {
        return Err(code);
    }
    let free = gpu
        .total
        .saturating_sub(gpu.used)
        .saturating_sub(gpu.reserved);
    Ok((gpu.total, gpu.reserved, free, gpu.used))
}

/// `nvmlDeviceGetMemoryInfo` (v1): `used` includes the driver's reservation.
///
/// # Safety
/// `memory` must be null or valid for a write of `nvmlMemory_t`.
#[no_mangle]
pub unsafe extern "C" fn nvmlDeviceGetMemoryInfo(
    device: NvmlDevice,
    memory: *mut NvmlMemory,
) -> NvmlReturn {
    log_call("nvmlDeviceGetMemoryInfo");
    if memory.is_null() {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    match memory_of(device) {
        Ok((total, reserved, free, used)) => {
            *memory = NvmlMemory {
                total,
                free,
                used: used.saturating_add(reserved),
            };
            NVML_SUCCESS
        }
        Err(code) => code,
    }
}

/// `nvmlDeviceGetMemoryInfo_v2`: checks the struct version like NVML does.
///
/// # Safety
/// `memory` must be null or valid for reads and writes of `nvmlMemory_v2_t`.
#[no_mangle]
pub unsafe extern "C" fn nvmlDeviceGetMemoryInfo_v2(
    device: NvmlDevice,
    memory: *mut NvmlMemoryV2,
) -> NvmlReturn {
    log_call("nvmlDeviceGetMemoryInfo_v2");
    if memory.is_null() {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if load_state().memory_v1_only {
        return NVML_ERROR_FUNCTION_NOT_FOUND;
    }
    if (*memory).version != NVML_MEMORY_V2 {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    match memory_of(device) {
        Ok((total, reserved, free, used)) => {
            *memory = NvmlMemoryV2 {
                version: NVML_MEMORY_V2,
                total,
                reserved,
                free,
                used,
            };
            NVML_SUCCESS
        }
        Err(code) => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_format() {
        let state = parse_state(
            "init=ok # comment\ndriver=580.65.06\n\
             gpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=4000\n\
             gpu=x;name_hex=4e56ff;total_mb=2;memory=fail:15\n",
        );
        assert_eq!(state.init_error, None);
        assert_eq!(state.driver.as_deref(), Some(&b"580.65.06"[..]));
        assert_eq!(state.gpus.len(), 2);
        assert_eq!(state.gpus[0].name, b"NVIDIA GeForce RTX 5090");
        assert_eq!(state.gpus[0].total, 32607 * MIB);
        assert_eq!(state.gpus[1].name, vec![0x4e, 0x56, 0xff]);
        assert_eq!(state.gpus[1].memory_error, Some(15));
        assert_eq!(
            parse_state("init=fail").init_error,
            Some(NVML_ERROR_DRIVER_NOT_LOADED)
        );
    }

    #[test]
    fn memory_v2_layout_matches_nvml() {
        assert_eq!(std::mem::size_of::<NvmlMemoryV2>(), 40);
        assert_eq!(std::mem::size_of::<NvmlMemory>(), 24);
    }
}
