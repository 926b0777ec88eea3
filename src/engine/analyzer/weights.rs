//! The hand-weighted model's numbers, all in one place: what each signal is worth, where
//! it is capped, and the thresholds the verdict is read against. `decide.rs` holds no
//! number of its own. Changing one changes the learned first stage's features too:
//! retrain (`scripts/train-router`) and compare `cargo test --test analyzer_eval`.

/// Code evidence at or above which a query goes to `code`.
pub(super) const CODE_THRESHOLD: f64 = 2.0;
/// Heavy-specific evidence a query needs before complexity is even considered.
pub(super) const HEAVY_MIN_SIGNAL: f64 = 2.5;
/// Minimum tokens of pasted logs/traces for root-cause analysis to count as heavy.
pub(super) const RCA_MIN_MATERIAL_TOKENS: usize = 600;
/// Minimum tokens of pasted code for an audit or review to count as heavy.
pub(super) const AUDIT_MIN_MATERIAL_TOKENS: usize = 800;
/// Reasons kept, most important first.
pub(super) const MAX_REASONS: usize = 6;

/// A syntax count the scans found.
#[derive(Debug, Clone, Copy)]
pub(super) enum SyntaxCount {
    Pipes,
    Flags,
    Paths,
    Vars,
    Redirects,
    /// Fenced blocks: two fences make one.
    Blocks,
    InlineCode,
    Calls,
    Scope,
    Operators,
    FileNames,
    Snake,
    Camel,
    /// One when at least two SQL keywords are written in upper case.
    SqlKeywords,
}

/// One syntax signal: `per` occurrence, at most `cap` in all; `shell` or code syntax.
pub(super) struct SyntaxSignal {
    pub(super) count: SyntaxCount,
    pub(super) per: f64,
    pub(super) cap: f64,
    pub(super) label: &'static str,
    pub(super) shell: bool,
}

const fn sig(
    count: SyntaxCount,
    per: f64,
    cap: f64,
    label: &'static str,
    shell: bool,
) -> SyntaxSignal {
    SyntaxSignal {
        count,
        per,
        cap,
        label,
        shell,
    }
}

/// Syntax signals in the order they are summed and named.
pub(super) const SYNTAX: &[SyntaxSignal] = &[
    sig(SyntaxCount::Pipes, 1.5, 2.5, "pipe", true),
    sig(SyntaxCount::Flags, 1.5, 2.5, "flags", true),
    sig(SyntaxCount::Paths, 1.0, 2.0, "paths", true),
    sig(SyntaxCount::Vars, 1.5, 2.5, "$VAR", true),
    sig(SyntaxCount::Redirects, 1.5, 2.0, "redirection", true),
    sig(SyntaxCount::Blocks, 3.0, 3.0, "code fence", false),
    sig(SyntaxCount::InlineCode, 1.2, 2.4, "inline code", false),
    sig(SyntaxCount::Calls, 1.0, 2.0, "calls foo()", false),
    sig(SyntaxCount::Scope, 2.0, 2.0, "::", false),
    sig(SyntaxCount::Operators, 0.5, 1.5, "operators", false),
    sig(SyntaxCount::FileNames, 1.0, 2.0, "file names", false),
    sig(SyntaxCount::Snake, 1.0, 2.0, "snake_case", false),
    sig(SyntaxCount::Camel, 0.8, 1.6, "camelCase", false),
    sig(SyntaxCount::SqlKeywords, 2.0, 2.0, "SQL keywords", false),
];

/// What makes a query `code`.
pub(super) struct CodeWeights {
    /// Per multi-word code term ("regular expression"), and their cap.
    pub(super) phrase: f64,
    pub(super) phrase_cap: f64,
    /// Any error code or error name.
    pub(super) errors: f64,
    /// Per code/log/trace line, counted up to `material_line_cap` lines.
    pub(super) material_line: f64,
    pub(super) material_line_cap: usize,
    pub(super) shell_task: f64,
    pub(super) language: f64,
    pub(super) command_request: f64,
    /// Unambiguous evidence at which gated words count in full.
    pub(super) anchor_min: f64,
    /// Gated words without an anchor: their share when at least `gated_min_words` co-occur.
    pub(super) gated_unanchored: f64,
    pub(super) gated_min_words: usize,
    /// System objects next to an anchor.
    pub(super) sysobj_anchored: f64,
    pub(super) howto: f64,
    /// What is left of the lexicon in a prose task over prose.
    pub(super) prose_damping: f64,
    /// The code lexicon taken off the code score in a prose task over prose.
    pub(super) prose_code_removed: f64,
    /// How far below the threshold pure prose with a prose task stays.
    pub(super) prose_margin: f64,
    pub(super) prose_work_min_tokens: usize,
    pub(super) prose_dominant_min_lines: usize,
    pub(super) prose_dominant_max_share: f64,
    pub(super) long_prose_min_tokens: usize,
    /// A short conceptual question: the lexicon's share, the code lexicon taken off.
    pub(super) conceptual_damping: f64,
    pub(super) conceptual_code_removed: f64,
    pub(super) conceptual_max_words: usize,
    /// Long material that looks like code or logs.
    pub(super) long_material: f64,
    pub(super) material_min_share: f64,
    pub(super) material_min_fences: usize,
}

pub(super) const CODE: CodeWeights = CodeWeights {
    phrase: 2.0,
    phrase_cap: 4.0,
    errors: 2.5,
    material_line: 0.5,
    material_line_cap: 8,
    shell_task: 1.5,
    language: 1.5,
    command_request: 2.0,
    anchor_min: 1.0,
    gated_unanchored: 0.8,
    gated_min_words: 2,
    sysobj_anchored: 0.5,
    howto: 0.5,
    prose_damping: 0.25,
    prose_code_removed: 0.75,
    prose_margin: 0.5,
    prose_work_min_tokens: 60,
    prose_dominant_min_lines: 3,
    prose_dominant_max_share: 0.15,
    long_prose_min_tokens: 150,
    conceptual_damping: 0.5,
    conceptual_code_removed: 0.5,
    conceptual_max_words: 12,
    long_material: 3.0,
    material_min_share: 0.3,
    material_min_fences: 2,
};

/// What makes a query `heavy`: one score per kind of demanding request.
pub(super) struct HeavyWeights {
    pub(super) tradeoff_phrase: f64,
    pub(super) scale_scope: f64,
    // A proof request.
    pub(super) proof_base: f64,
    pub(super) proof_math: f64,
    pub(super) proof_math_cap: f64,
    pub(super) math_min: f64,
    pub(super) math_weak_cap: f64,
    pub(super) math_syntax: f64,
    pub(super) math_syntax_cap: usize,
    pub(super) proof_imperative: f64,
    // A system design.
    pub(super) design_min_terms: usize,
    pub(super) design_arch: f64,
    pub(super) design_arch_cap: f64,
    pub(super) design_tradeoff_cap: f64,
    pub(super) design_verb: f64,
    pub(super) design_verb_cap: f64,
    pub(super) design_phrase: f64,
    // A root-cause analysis over logs.
    pub(super) rca_base: f64,
    pub(super) rca_cap: f64,
    pub(super) rca_phrase: f64,
    pub(super) rca_service: f64,
    pub(super) rca_service_cap: usize,
    pub(super) rca_min_log_lines: usize,
    // A security audit.
    pub(super) audit_base: f64,
    pub(super) audit_cap: f64,
    pub(super) audit_phrase: f64,
    pub(super) audit_arch: f64,
    pub(super) audit_arch_cap: f64,
    pub(super) audit_min_code_lines: usize,
    // A large refactoring or migration plan.
    pub(super) plan_base: f64,
    pub(super) plan_restructure_cap: f64,
    pub(super) plan_scope_cap: f64,
    pub(super) plan_arch: f64,
    pub(super) plan_arch_cap: f64,
    pub(super) plan_tradeoff: f64,
    pub(super) plan_tradeoff_cap: f64,
    pub(super) plan_phrase: f64,
    pub(super) plan_min_tokens: usize,
    /// What is left of the heavy score for a short conceptual question.
    pub(super) conceptual_damping: f64,
}

pub(super) const HEAVY: HeavyWeights = HeavyWeights {
    tradeoff_phrase: 1.5,
    scale_scope: 1.0,
    proof_base: 3.2,
    proof_math: 0.5,
    proof_math_cap: 2.0,
    math_min: 1.0,
    math_weak_cap: 0.5,
    math_syntax: 0.7,
    math_syntax_cap: 3,
    proof_imperative: 0.5,
    design_min_terms: 2,
    design_arch: 0.8,
    design_arch_cap: 4.0,
    design_tradeoff_cap: 3.0,
    design_verb: 0.5,
    design_verb_cap: 1.0,
    design_phrase: 1.0,
    rca_base: 2.0,
    rca_cap: 3.0,
    rca_phrase: 1.0,
    rca_service: 0.2,
    rca_service_cap: 6,
    rca_min_log_lines: 20,
    audit_base: 2.0,
    audit_cap: 3.0,
    audit_phrase: 1.0,
    audit_arch: 0.5,
    audit_arch_cap: 2.0,
    audit_min_code_lines: 40,
    plan_base: 1.0,
    plan_restructure_cap: 2.0,
    plan_scope_cap: 2.0,
    plan_arch: 0.5,
    plan_arch_cap: 2.0,
    plan_tradeoff: 0.7,
    plan_tradeoff_cap: 3.0,
    plan_phrase: 1.0,
    plan_min_tokens: 120,
    conceptual_damping: 0.5,
};

/// Complexity: `1 - exp(-z)` over the heavy score, length and structure.
pub(super) struct ComplexityWeights {
    pub(super) heavy: f64,
    pub(super) tokens_per_doubling: f64,
    pub(super) length_cap: f64,
    pub(super) length: f64,
    pub(super) enumeration_max_tokens: usize,
    pub(super) enumeration: f64,
    pub(super) enumeration_cap: usize,
    pub(super) list_item: f64,
    pub(super) list_item_cap: usize,
    pub(super) tradeoff_term: f64,
    pub(super) tradeoff_term_cap: usize,
    pub(super) code: f64,
}

pub(super) const COMPLEXITY: ComplexityWeights = ComplexityWeights {
    heavy: 0.45,
    tokens_per_doubling: 40.0,
    length_cap: 5.0,
    length: 0.12,
    enumeration_max_tokens: 300,
    enumeration: 0.06,
    enumeration_cap: 8,
    list_item: 0.05,
    list_item_cap: 8,
    tradeoff_term: 0.05,
    tradeoff_term_cap: 3,
    code: 0.15,
};

/// Confidence: `0.5 + 0.5 tanh(margin)`, the margin in these units.
pub(super) struct ConfidenceScales {
    pub(super) heavy_signal: f64,
    pub(super) complexity: f64,
    pub(super) code: f64,
}

pub(super) const CONFIDENCE: ConfidenceScales = ConfidenceScales {
    heavy_signal: 2.0,
    complexity: 10.0,
    code: 2.0,
};

/// How much each kind of reason weighs when the reasons are ordered.
pub(super) struct ReasonRanks {
    pub(super) error_codes: f64,
    pub(super) stack_trace: f64,
    pub(super) long_material: f64,
    pub(super) prose_task: f64,
    pub(super) heavy: f64,
    pub(super) heavy_below: f64,
    pub(super) conceptual: f64,
}

pub(super) const RANK: ReasonRanks = ReasonRanks {
    error_codes: 3.0,
    stack_trace: 3.0,
    long_material: 4.0,
    prose_task: 2.0,
    heavy: 10.0,
    heavy_below: 0.5,
    conceptual: 1.0,
};
