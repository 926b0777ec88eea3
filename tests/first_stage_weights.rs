//! The first stage's weights compiled into the binary are exactly what
//! `scripts/train-router` builds from the committed corpus: training is
//! deterministic, so a changed corpus or feature without retraining fails here.

use superhelfer::engine::first_stage::train::{self, Params};
use superhelfer::engine::first_stage::WEIGHTS;

#[test]
fn committed_weights_are_a_retrain_of_the_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let exclude =
        ["routing_eval.jsonl", "routing_blind.jsonl"].map(|f| root.join("tests/data").join(f));
    let items = train::load_corpus(&root.join("data/router"), &exclude).unwrap();
    let bytes = train::train(&items, Params::default());
    assert_eq!(bytes.len(), WEIGHTS.len());
    assert!(
        bytes == WEIGHTS,
        "src/engine/first_stage/weights.bin is not a retrain of data/router: run scripts/train-router"
    );
}
