//! Every wait bounded: what a request waits for before, during and after the model call
//! fits the tier's limit; probes that hang or fail cost one bounded wait, not one per
//! request; residency is known without a round trip; a question nobody answers ends as
//! Cancel after `ui.dialog_timeout_s`; a hung NVML is waited for once.
//!
//! Time bounds are asserted where the behaviour is a bound (generously: the limit plus one
//! second); everything else by what the Ollama stand-in and the fake NVML saw.

mod support;

use std::time::Duration;

use support::faults::{
    coder, command, generate, messages, models, models_asked, reload, told, Limits, World, CODE,
    FAST, NEARLY_FULL, ROOMY, SCRIPT,
};
use support::lsp_client::Choice;
use support::ollama_stub::{Behavior, ProbeFault};

const SECOND: Duration = Duration::from_secs(1);

fn limit(l: &Limits) -> Duration {
    Duration::from_secs(l.timeout_s)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

#[test]
fn hung_probes_cost_one_bounded_wait_and_are_not_asked_again() {
    let rt = runtime();
    let w = World::new(rt.handle(), models(coder(command("df -h")).loaded()), ROOMY);
    let limits = Limits::default();
    let mut c = w.client(limits);
    let (tags, ps) = (w.stub.count("/api/tags"), w.stub.count("/api/ps"));
    for path in ["/api/tags", "/api/ps", "/api/show"] {
        w.stub.set_probe_fault(path, Some(ProbeFault::Hang));
    }
    let (r, took) = generate(&mut c, 1);
    assert!(r.is_ok(), "{r:?}");
    assert!(took <= limit(&limits) + SECOND, "took {took:?}");
    let (r, _) = generate(&mut c, 2);
    assert!(r.is_ok(), "{r:?}");
    // Remembered as failed: the second request asked neither again.
    assert_eq!(w.stub.count("/api/tags") - tags, 1);
    assert_eq!(w.stub.count("/api/ps") - ps, 1);
}

#[test]
fn a_failed_probe_is_remembered_instead_of_retried_per_request() {
    let rt = runtime();
    let w = World::new(rt.handle(), models(coder(command("df -h")).loaded()), ROOMY);
    let mut c = w.client(Limits::default());
    let (tags, ps) = (w.stub.count("/api/tags"), w.stub.count("/api/ps"));
    for path in ["/api/tags", "/api/ps"] {
        let fault = ProbeFault::Status(500, "internal error".into());
        w.stub.set_probe_fault(path, Some(fault));
    }
    for n in 1..=3 {
        let (r, _) = generate(&mut c, n);
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!(w.stub.count("/api/tags") - tags, 1);
    assert_eq!(w.stub.count("/api/ps") - ps, 1);
}

#[test]
fn residency_is_known_without_a_round_trip_and_a_failure_makes_it_asked_again() {
    let rt = runtime();
    let w = World::new(rt.handle(), models(coder(command("df -h")).loaded()), ROOMY);
    let mut c = w.client(Limits::default());
    let ps = w.stub.count("/api/ps");
    for n in 1..=2 {
        let (r, _) = generate(&mut c, n);
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!(
        w.stub.count("/api/ps") - ps,
        1,
        "the second call asked /api/ps again"
    );

    // A failed call: the coder may have been unloaded, so the next request asks.
    let crash = Behavior::FailStatus(500, "llama runner process has terminated".into());
    w.stub.set_behavior(CODE, crash);
    let (r, _) = generate(&mut c, 3);
    assert!(r.is_ok(), "the fast tier answers instead: {r:?}");
    w.stub.set_behavior(CODE, command("df -h"));
    let (r, _) = generate(&mut c, 4);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(w.stub.count("/api/ps") - ps, 2);
}

#[test]
fn a_load_is_remembered_as_resident_without_asking_the_backend() {
    let rt = runtime();
    let w = World::new(rt.handle(), models(coder(command("df -h"))), NEARLY_FULL);
    let limits = Limits::default();
    let mut c = w.client(limits);
    c.choices.push_back(Choice::Pick("Load".into()));
    let (r, _) = generate(&mut c, 1);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(c.server_requests("window/showMessageRequest").len(), 1);
    assert!(w.stub.is_loaded(CODE));
    // From now on /api/ps would hang: the coder is known to be resident anyway, so
    // there is nothing to ask the user and nothing to wait for.
    w.stub.set_probe_fault("/api/ps", Some(ProbeFault::Hang));
    let (r, took) = generate(&mut c, 2);
    assert!(r.is_ok(), "{r:?}");
    assert!(took <= limit(&limits) + SECOND, "took {took:?}");
    assert_eq!(
        c.server_requests("window/showMessageRequest").len(),
        1,
        "asked again for a model that was just loaded"
    );
}

#[test]
fn an_unanswered_vram_question_counts_as_cancel_after_the_configured_time() {
    let rt = runtime();
    let w = World::new(rt.handle(), models(coder(command("df -h"))), NEARLY_FULL);
    let mut c = w.client(Limits {
        dialog_timeout_s: 1,
        ..Limits::default()
    });
    c.choices.push_back(Choice::Ignore);
    let (r, took) = generate(&mut c, 1);
    let err = r.expect_err("an unanswered question is Cancel");
    assert_eq!(err["code"], -32800, "{err}");
    assert!(took <= 2 * SECOND, "took {took:?}");
    assert!(
        told(&mut c, |m| m.contains("no answer within 1 s")
            && m.contains("treated as Cancel")),
        "{:?}",
        messages(&c)
    );
    assert_eq!(
        models_asked(&w.stub),
        vec![FAST.to_string()],
        "only the warm-up"
    );
    assert_eq!(c.text("file:///w/g1.sh"), SCRIPT);
    // The server is still there for the next question.
    c.choices.push_back(Choice::Pick("Load".into()));
    assert!(generate(&mut c, 2).0.is_ok());
}

#[test]
fn an_unanswered_danger_question_inserts_nothing_after_the_configured_time() {
    let rt = runtime();
    let w = World::new(
        rt.handle(),
        models(coder(command("rm -rf ~/")).loaded()),
        ROOMY,
    );
    let mut c = w.client(Limits {
        dialog_timeout_s: 1,
        ..Limits::default()
    });
    c.choices.push_back(Choice::Ignore);
    let (r, took) = generate(&mut c, 1);
    let result = r.expect("the command is reported, not inserted");
    assert_eq!(result["inserted"], false, "{result}");
    assert!(took <= 2 * SECOND, "took {took:?}");
    assert!(
        told(&mut c, |m| m
            .contains("The generated command could destroy data")
            && m.contains("treated as Cancel")),
        "{:?}",
        messages(&c)
    );
    assert_eq!(c.text("file:///w/g1.sh"), SCRIPT);
}

#[test]
fn a_hung_nvml_is_waited_for_once_and_then_left_in_the_background() {
    // The coder fails every time, so it is never known to be resident and each request
    // consults the guard (and NVML) before the fast tier answers instead.
    let rt = runtime();
    let crash = Behavior::FailStatus(500, "llama runner process has terminated".into());
    let gpu = "init_hang=forever\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=25900\n";
    let w = World::new(rt.handle(), models(coder(crash)), gpu);
    let limits = Limits::default();
    let mut c = w.client(limits);
    let (r, took) = generate(&mut c, 1);
    assert!(r.is_ok(), "{r:?}");
    assert!(took <= limit(&limits) + SECOND, "took {took:?}");
    assert!(
        told(&mut c, |m| m.contains("VRAM guard off")
            && m.contains("NVML has not answered")),
        "{:?}",
        messages(&c)
    );
    let (r, took) = generate(&mut c, 2);
    assert!(r.is_ok(), "{r:?}");
    // The first request waited for NVML; the second does not wait for it at all.
    assert!(took < SECOND, "waited again: {took:?}");
    // Nor does a request after a configuration change (the engine is rebuilt).
    reload(&mut c, serde_json::json!({"context": {"lines_around": 20}}));
    let (r, took) = generate(&mut c, 3);
    assert!(r.is_ok(), "{r:?}");
    assert!(took < SECOND, "waited again after a reload: {took:?}");
    let inits = w
        .gpu
        .calls()
        .iter()
        .filter(|c| c.starts_with("nvmlInit"))
        .count();
    assert_eq!(inits, 1, "{:?}", w.gpu.calls());
}

#[test]
fn the_retry_on_fast_shares_the_request_limit() {
    // The coder never sends a token; fast streams one token a second, too slow to finish.
    let rt = runtime();
    let w = World::new(
        rt.handle(),
        models(coder(Behavior::HeadersThenStall).loaded()),
        ROOMY,
    );
    let limits = Limits {
        timeout_s: 4,
        ..Limits::default()
    };
    let mut c = w.client(limits);
    let slow = ["```bash\n", "du", " -sh", " .", "\n", "```"];
    w.stub.set_behavior(
        FAST,
        Behavior::slow_reply(&slow, Duration::ZERO, Duration::from_secs(1)),
    );
    let (r, took) = generate(&mut c, 1);
    let err = r.expect_err("no complete answer in time");
    assert!(took <= limit(&limits) + SECOND, "took {took:?}");
    let msg = err["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("no first token") && msg.contains("within 4 s"),
        "{msg}"
    );
    assert_eq!(c.text("file:///w/g1.sh"), SCRIPT);
}

#[test]
fn a_tier_that_used_up_the_limit_leaves_no_retry() {
    // One token every 5 s: the coder's answer runs into the limit, nothing is left.
    let rt = runtime();
    let slow = ["```bash\n", "df", " -h", "\n```"];
    let code = coder(Behavior::slow_reply(
        &slow,
        Duration::ZERO,
        Duration::from_secs(5),
    ));
    let w = World::new(rt.handle(), models(code.loaded()), ROOMY);
    let limits = Limits::default();
    let mut c = w.client(limits);
    let (r, took) = generate(&mut c, 1);
    let err = r.expect_err("no complete answer in time");
    assert!(took <= limit(&limits) + SECOND, "took {took:?}");
    let msg = err["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("no time was left within the 3 s limit"),
        "{msg}"
    );
    assert_eq!(
        models_asked(&w.stub),
        vec![FAST.to_string(), CODE.to_string()],
        "the warm-up, then the coder alone"
    );
}
