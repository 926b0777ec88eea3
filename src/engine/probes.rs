//! What the router asks a backend before a request — the installed models (`/api/tags`)
//! and the resident ones (`/api/ps`) — remembered so that the hot path needs no round trip.
//!
//! Each answer is kept per backend: used as is while fresh, used and refreshed in the
//! background while merely recent, fetched again (within a bound the caller gives, taken
//! from the request's own time limit) once older. A failed or timed-out probe is remembered
//! too, for [`FAILURE_TTL`]: a hung or broken endpoint costs one bounded wait, not one per
//! request. The router updates the residency it holds when it loads a model and drops it
//! when a model call fails (the model may have been unloaded).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tracing::debug;

use crate::backends::ollama::same_model;
use crate::backends::{Backend, BackendError, InstalledModel, LoadedModel};

/// The longest any one probe may wait (a local Ollama answers these in milliseconds).
pub const PROBE_LIMIT: Duration = Duration::from_secs(1);

/// The connect timeout of the clients that probes and `status` use. One value, so that
/// the client built (and warmed) once is the one every probe reuses.
pub const PROBE_CONNECT_S: u64 = 2;

/// How long a failed probe is remembered before the backend is asked again.
pub const FAILURE_TTL: Duration = Duration::from_secs(10);

/// Fetches one probe's answer from a backend.
pub type Fetch<T> = fn(Arc<dyn Backend>) -> BoxFuture<'static, Result<T, BackendError>>;

/// How long answers stay usable.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// Used without asking again.
    pub fresh: Duration,
    /// Used, and refreshed in the background; past it the caller waits for a new answer.
    pub usable: Duration,
}

enum Known<T> {
    Answer { at: Instant, value: T },
    Failed { at: Instant },
}

struct Slot<T> {
    known: Option<Known<T>>,
    /// A background refresh is running.
    refreshing: bool,
}

/// One probe's answers, by backend name.
pub struct ProbeCache<T> {
    what: &'static str,
    life: Lifetimes,
    fetch: Fetch<T>,
    slots: Arc<Mutex<HashMap<String, Slot<T>>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T: Clone + Send + 'static> ProbeCache<T> {
    pub fn new(what: &'static str, life: Lifetimes, fetch: Fetch<T>) -> Self {
        ProbeCache {
            what,
            life,
            fetch,
            slots: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The answer for `key`: remembered, or fetched within `limit` (capped at
    /// [`PROBE_LIMIT`]). `None` when the backend failed or did not answer in time, now or
    /// within the last [`FAILURE_TTL`].
    pub async fn get(&self, key: &str, backend: &Arc<dyn Backend>, limit: Duration) -> Option<T> {
        let now = Instant::now();
        {
            let mut slots = lock(&self.slots);
            let slot = slots.entry(key.to_string()).or_insert(Slot {
                known: None,
                refreshing: false,
            });
            match &slot.known {
                Some(Known::Answer { at, value }) if now.duration_since(*at) < self.life.fresh => {
                    return Some(value.clone());
                }
                Some(Known::Answer { at, value }) if now.duration_since(*at) < self.life.usable => {
                    let value = value.clone();
                    if !slot.refreshing {
                        slot.refreshing = self.refresh_in_background(key, backend);
                    }
                    return Some(value);
                }
                Some(Known::Failed { at }) if now.duration_since(*at) < FAILURE_TTL => {
                    return None;
                }
                _ => {}
            }
        }
        let limit = limit.min(PROBE_LIMIT);
        if limit.is_zero() {
            return None;
        }
        let answer = fetch_within(self.what, self.fetch, backend.clone(), limit).await;
        store(&self.slots, key, answer.clone(), false);
        answer
    }

    /// Starts a refresh on the current runtime; false when there is none (nothing runs).
    fn refresh_in_background(&self, key: &str, backend: &Arc<dyn Backend>) -> bool {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        let (what, fetch, slots) = (self.what, self.fetch, Arc::clone(&self.slots));
        let (key, backend) = (key.to_string(), backend.clone());
        rt.spawn(async move {
            let answer = fetch_within(what, fetch, backend, PROBE_LIMIT).await;
            store(&slots, &key, answer, true);
        });
        true
    }

    /// Changes the remembered answer in place (a model the router just loaded), keeping
    /// its age; nothing when there is none.
    pub fn update(&self, key: &str, f: impl FnOnce(&mut T)) {
        if let Some(Slot {
            known: Some(Known::Answer { value, .. }),
            ..
        }) = lock(&self.slots).get_mut(key)
        {
            f(value);
        }
    }

    /// Makes the next `get` ask again, without waiting: the remembered answer (if any)
    /// serves it while a refresh runs in the background.
    pub fn refresh_soon(&self, key: &str, backend: &Arc<dyn Backend>) {
        let mut slots = lock(&self.slots);
        if let Some(slot) = slots.get_mut(key) {
            if !slot.refreshing {
                slot.refreshing = self.refresh_in_background(key, backend);
            }
        }
    }

    /// Forgets the answer: the next `get` asks and waits for it.
    pub fn invalidate(&self, key: &str) {
        if let Some(slot) = lock(&self.slots).get_mut(key) {
            if matches!(slot.known, Some(Known::Answer { .. })) {
                slot.known = None;
            }
        }
    }
}

async fn fetch_within<T>(
    what: &str,
    fetch: Fetch<T>,
    backend: Arc<dyn Backend>,
    limit: Duration,
) -> Option<T> {
    match tokio::time::timeout(limit, fetch(backend.clone())).await {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            debug!("{what} from {} failed: {e}", backend.url());
            None
        }
        Err(_) => {
            debug!(
                "{what} from {} did not answer within {} ms",
                backend.url(),
                limit.as_millis()
            );
            None
        }
    }
}

fn store<T>(
    slots: &Mutex<HashMap<String, Slot<T>>>,
    key: &str,
    answer: Option<T>,
    was_refresh: bool,
) {
    let at = Instant::now();
    let mut slots = lock(slots);
    let slot = slots.entry(key.to_string()).or_insert(Slot {
        known: None,
        refreshing: false,
    });
    if was_refresh {
        slot.refreshing = false;
    }
    match answer {
        Some(value) => slot.known = Some(Known::Answer { at, value }),
        // A failed background refresh keeps the answer it was to replace for the rest of
        // its usable life; past that, the next request asks (and remembers the failure).
        None if was_refresh && matches!(slot.known, Some(Known::Answer { .. })) => {}
        None => slot.known = Some(Known::Failed { at }),
    }
}

/// The installed models change on `ollama pull` / `rm`: trusted for half a minute.
const INSTALLED_LIFE: Lifetimes = Lifetimes {
    fresh: Duration::from_secs(30),
    usable: Duration::from_secs(120),
};

/// Residency changes with every load and keep-alive: a short life, refreshed in the
/// background while recent, updated by the router's own loads.
const RESIDENCY_LIFE: Lifetimes = Lifetimes {
    fresh: Duration::from_secs(5),
    usable: Duration::from_secs(30),
};

/// What the router knows about each backend's models, by backend name.
pub struct Probes {
    installed: ProbeCache<Vec<InstalledModel>>,
    loaded: ProbeCache<Vec<LoadedModel>>,
    /// VRAM sizes seen in `/api/ps`, by model, for the next estimate.
    remembered: Mutex<HashMap<String, u64>>,
    /// The model that last answered, and when, by backend: residency for servers that
    /// cannot list it (OpenAI-compatible ones).
    answered: Mutex<HashMap<String, (String, Instant)>>,
}

/// How long a model that answered on a server that cannot list residency counts as loaded
/// (llama.cpp's server keeps its one model; others may unload it after idling).
pub const ANSWERED_LIFE: Duration = Duration::from_secs(300);

impl Default for Probes {
    fn default() -> Self {
        Self::new()
    }
}

impl Probes {
    pub fn new() -> Probes {
        Probes {
            installed: ProbeCache::new("/api/tags", INSTALLED_LIFE, |b| {
                Box::pin(async move { b.installed().await })
            }),
            loaded: ProbeCache::new("/api/ps", RESIDENCY_LIFE, |b| {
                Box::pin(async move { Ok(b.loaded().await?.unwrap_or_default()) })
            }),
            remembered: Mutex::new(HashMap::new()),
            answered: Mutex::new(HashMap::new()),
        }
    }

    /// The installed models (see [`ProbeCache::get`]).
    pub async fn installed(
        &self,
        key: &str,
        backend: &Arc<dyn Backend>,
        limit: Duration,
    ) -> Option<Vec<InstalledModel>> {
        self.installed.get(key, backend, limit).await
    }

    /// Asks for the installed and (with `residency`) the resident models at once: one
    /// bounded wait instead of two in a row.
    pub async fn prefetch(
        &self,
        key: &str,
        backend: &Arc<dyn Backend>,
        residency: bool,
        limit: Duration,
    ) {
        let loaded = async {
            if residency {
                self.loaded.get(key, backend, limit).await;
            }
        };
        futures_util::future::join(self.installed.get(key, backend, limit), loaded).await;
    }

    /// Whether the model is loaded now, as remembered; remembers the VRAM sizes it sees.
    pub async fn resident(
        &self,
        key: &str,
        backend: &Arc<dyn Backend>,
        model: &str,
        limit: Duration,
    ) -> bool {
        let Some(loaded) = self.loaded.get(key, backend, limit).await else {
            return false;
        };
        let mut remembered = lock(&self.remembered);
        for m in &loaded {
            if m.size_vram > 0 {
                remembered.insert(m.name.clone(), m.size_vram);
            }
        }
        loaded.iter().any(|m| same_model(&m.name, model))
    }

    /// Whether `model` answered on backend `key` within [`ANSWERED_LIFE`] (no round trip).
    pub fn answered_recently(&self, key: &str, model: &str) -> bool {
        lock(&self.answered)
            .get(key)
            .is_some_and(|(m, at)| same_model(m, model) && at.elapsed() < ANSWERED_LIFE)
    }

    /// The VRAM size last seen for a model.
    pub fn remembered_size(&self, model: &str) -> Option<u64> {
        lock(&self.remembered).get(model).copied()
    }

    /// A model call or preload succeeded: the model is resident now, and the remembered
    /// residency says so at once. When it was not listed, Ollama may have evicted others to
    /// make room, so the list is refreshed in the background.
    pub fn note_loaded(&self, key: &str, backend: &Arc<dyn Backend>, model: &str) {
        lock(&self.answered).insert(key.to_string(), (model.to_string(), Instant::now()));
        let size = self.remembered_size(model).unwrap_or(0);
        let mut added = false;
        self.loaded.update(key, |list| {
            if !list.iter().any(|m| same_model(&m.name, model)) {
                list.push(LoadedModel {
                    name: model.to_string(),
                    size,
                    size_vram: size,
                });
                added = true;
            }
        });
        if added {
            self.loaded.refresh_soon(key, backend);
        }
    }

    /// A model call failed: the model may have been unloaded; the next request asks.
    pub fn forget_residency(&self, key: &str) {
        lock(&self.answered).remove(key);
        self.loaded.invalidate(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::{ChatRequest, ChunkStream, ModelDetails};
    use crate::config::BackendKind;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts `installed` calls; answers after `delay`, or fails.
    struct Counting {
        calls: AtomicUsize,
        delay: Duration,
        fail: bool,
    }

    impl Backend for Counting {
        fn kind(&self) -> BackendKind {
            BackendKind::Ollama
        }
        fn url(&self) -> &str {
            "http://stub"
        }
        fn chat(&self, _: ChatRequest) -> BoxFuture<'_, Result<ChunkStream, BackendError>> {
            unimplemented!()
        }
        fn installed(&self) -> BoxFuture<'_, Result<Vec<InstalledModel>, BackendError>> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                tokio::time::sleep(self.delay).await;
                if self.fail {
                    Err(BackendError::Stream {
                        url: "http://stub".into(),
                        message: "x".into(),
                    })
                } else {
                    Ok(vec![])
                }
            })
        }
        fn loaded(&self) -> BoxFuture<'_, Result<Option<Vec<LoadedModel>>, BackendError>> {
            unimplemented!()
        }
        fn show<'a>(
            &'a self,
            _: &'a str,
        ) -> BoxFuture<'a, Result<Option<ModelDetails>, BackendError>> {
            unimplemented!()
        }
        fn preload<'a>(
            &'a self,
            _: &'a str,
            _: Option<&'a str>,
        ) -> BoxFuture<'a, Result<(), BackendError>> {
            unimplemented!()
        }
    }

    fn cache() -> ProbeCache<Vec<InstalledModel>> {
        ProbeCache::new(
            "/api/tags",
            Lifetimes {
                fresh: Duration::from_secs(60),
                usable: Duration::from_secs(60),
            },
            |b| Box::pin(async move { b.installed().await }),
        )
    }

    fn backend(delay_ms: u64, fail: bool) -> (Arc<Counting>, Arc<dyn Backend>) {
        let c = Arc::new(Counting {
            calls: AtomicUsize::new(0),
            delay: Duration::from_millis(delay_ms),
            fail,
        });
        (c.clone(), c)
    }

    #[tokio::test]
    async fn a_hung_probe_waits_once_within_the_bound_and_is_remembered() {
        let (c, b) = backend(60_000, false);
        let cache = cache();
        let t = Instant::now();
        assert!(cache
            .get("x", &b, Duration::from_millis(50))
            .await
            .is_none());
        assert!(cache
            .get("x", &b, Duration::from_millis(50))
            .await
            .is_none());
        assert!(t.elapsed() < Duration::from_secs(1));
        assert_eq!(c.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn answers_and_failures_are_remembered_and_invalidate_forgets_answers() {
        let (c, b) = backend(0, false);
        let cache = cache();
        assert!(cache.get("x", &b, PROBE_LIMIT).await.is_some());
        assert!(cache.get("x", &b, PROBE_LIMIT).await.is_some());
        assert_eq!(c.calls.load(Ordering::SeqCst), 1);
        cache.invalidate("x");
        assert!(cache.get("x", &b, PROBE_LIMIT).await.is_some());
        assert_eq!(c.calls.load(Ordering::SeqCst), 2);

        let (c, b) = backend(0, true);
        assert!(cache.get("y", &b, PROBE_LIMIT).await.is_none());
        assert!(cache.get("y", &b, PROBE_LIMIT).await.is_none());
        assert_eq!(c.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn no_time_left_asks_nothing() {
        let (c, b) = backend(0, false);
        assert!(cache().get("x", &b, Duration::ZERO).await.is_none());
        assert_eq!(c.calls.load(Ordering::SeqCst), 0);
    }
}
