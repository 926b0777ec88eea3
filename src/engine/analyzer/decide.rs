//! The hand-weighted verdict over the scans: code evidence, heavy evidence, complexity
//! and confidence, each a short function over the features; every number is in
//! `weights.rs`. The reasons are sentences for people, weighted so the strongest come
//! first.

use super::weights::{
    SyntaxCount, CODE, CODE_THRESHOLD, COMPLEXITY, CONFIDENCE, HEAVY, HEAVY_MIN_SIGNAL,
    MAX_REASONS, RANK, SYNTAX,
};
use super::*;

/// Reasons with the weight that orders them.
#[derive(Default)]
struct Reasons(Vec<(f64, String)>);

impl Reasons {
    fn add(&mut self, weight: f64, text: String) {
        self.0.push((weight, text));
    }

    /// Strongest first (a stable sort: equal weights keep their order), at most
    /// [`MAX_REASONS`].
    fn into_sorted(mut self) -> Vec<String> {
        self.0.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut out: Vec<String> = self.0.into_iter().map(|(_, r)| r).collect();
        if out.is_empty() {
            out.push("shows no sign of code or of heavy work, so it is a general request".into());
        }
        out.truncate(MAX_REASONS);
        out
    }
}

/// Lexicon sums per category, with the words as written for the reasons.
struct Lexical<'a> {
    code: f64,
    code_names: Vec<&'a str>,
    gated: f64,
    gated_names: Vec<&'a str>,
    sysobj: f64,
    sysobj_names: Vec<&'a str>,
    prose_task: f64,
    prose_names: Vec<&'a str>,
    arch: f64,
    arch_names: Vec<&'a str>,
    tradeoff: f64,
    tradeoff_names: Vec<&'a str>,
    design_verb: f64,
    proof_verb: f64,
    math: f64,
    math_weak: f64,
    rca: f64,
    audit: f64,
    restructure: f64,
    scope: f64,
    conceptual: f64,
}

fn lexical(words: &Words) -> Lexical<'_> {
    let sum = |cat: Cat| -> (f64, Vec<&str>) {
        let mut total = 0.0;
        let mut names: Vec<&str> = Vec::new();
        for (e, surface) in &words.hits {
            if e.cat == cat {
                total += e.weight;
                if !names.contains(&surface.as_str()) {
                    names.push(surface.as_str());
                }
            }
        }
        (total, names)
    };
    let (mut code, mut code_names) = sum(Cat::Code);
    // Multi-word terms ("regular expression", "the last commit") are as strong as a tool name.
    code += (words.code_phrases.len() as f64 * CODE.phrase).min(CODE.phrase_cap);
    code_names.extend(words.code_phrases.iter().copied());
    let (mut tradeoff, mut tradeoff_names) = sum(Cat::Tradeoff);
    if words.tradeoff_phrase {
        tradeoff += HEAVY.tradeoff_phrase;
        tradeoff_names.push("pros and cons");
    }
    let (mut scope, _) = sum(Cat::Scope);
    if words.scale {
        scope += HEAVY.scale_scope;
    }
    let (gated, gated_names) = sum(Cat::Gated);
    let (sysobj, sysobj_names) = sum(Cat::SysObject);
    let (prose_task, prose_names) = sum(Cat::ProseTask);
    let (arch, arch_names) = sum(Cat::Arch);
    Lexical {
        code,
        code_names,
        gated,
        gated_names,
        sysobj,
        sysobj_names,
        prose_task,
        prose_names,
        arch,
        arch_names,
        tradeoff,
        tradeoff_names,
        design_verb: sum(Cat::DesignVerb).0,
        proof_verb: sum(Cat::ProofVerb).0,
        math: sum(Cat::Math).0,
        math_weak: sum(Cat::MathWeak).0,
        rca: sum(Cat::Rca).0,
        audit: sum(Cat::Audit).0,
        restructure: sum(Cat::Restructure).0,
        scope,
        conceptual: sum(Cat::Conceptual).0,
    }
}

/// What the pasted lines look like.
struct Material {
    lines: usize,
    share: f64,
    tokens: usize,
    prose_dominant: bool,
    long: bool,
}

fn material(tokens: usize, lines: &Lines, syn: &Syntax, settings: &AnalyzerSettings) -> Material {
    let share = if lines.total_bytes > 0 {
        lines.material_bytes as f64 / lines.total_bytes as f64
    } else {
        0.0
    };
    Material {
        lines: lines.code + lines.log + lines.trace,
        share,
        tokens: (tokens as f64 * share).round() as usize,
        prose_dominant: lines.prose >= CODE.prose_dominant_min_lines
            && share < CODE.prose_dominant_max_share
            && syn.fences == 0,
        long: tokens >= settings.code_token_threshold,
    }
}

fn syntax_count(c: SyntaxCount, syn: &Syntax, words: &Words) -> usize {
    match c {
        SyntaxCount::Pipes => syn.pipes,
        SyntaxCount::Flags => syn.flags,
        SyntaxCount::Paths => syn.paths,
        SyntaxCount::Vars => syn.vars,
        SyntaxCount::Redirects => syn.redirects,
        SyntaxCount::Blocks => syn.fences / 2 + syn.fences % 2,
        SyntaxCount::InlineCode => syn.inline_code,
        SyntaxCount::Calls => syn.calls,
        SyntaxCount::Scope => syn.scope,
        SyntaxCount::Operators => syn.operators,
        SyntaxCount::FileNames => syn.file_names,
        SyntaxCount::Snake => words.snake,
        SyntaxCount::Camel => words.camel,
        SyntaxCount::SqlKeywords => usize::from(words.sql_upper >= 2),
    }
}

/// The syntax score, and the shell and code syntax named in the reasons.
fn syntax_score(syn: &Syntax, words: &Words, reasons: &mut Reasons) -> f64 {
    let mut score = 0.0;
    let (mut shell, mut code): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    for s in SYNTAX {
        let n = syntax_count(s.count, syn, words);
        if n > 0 {
            score += (s.per * n as f64).min(s.cap);
            if s.shell {
                shell.push(s.label);
            } else {
                code.push(s.label);
            }
        }
    }
    if !shell.is_empty() {
        reasons.add(score, format!("uses shell syntax ({})", shell.join(", ")));
    }
    if !code.is_empty() {
        reasons.add(score, format!("contains code syntax ({})", code.join(", ")));
    }
    score
}

/// The evidence for `code`, and what the heavy stage needs of it.
struct CodeEvidence {
    score: f64,
    conceptual_short: bool,
}

fn code_evidence(
    tokens: usize,
    lines: &Lines,
    words: &Words,
    syn: &Syntax,
    lex: &Lexical,
    m: &Material,
    reasons: &mut Reasons,
) -> CodeEvidence {
    let syntax = syntax_score(syn, words, reasons);
    let errors = if words.error_codes.is_empty() {
        0.0
    } else {
        let codes = join_words(
            &words
                .error_codes
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            8,
        );
        reasons.add(RANK.error_codes, format!("names the errors {codes}"));
        CODE.errors
    };
    // Line evidence: a few code/log lines are strong evidence in short queries; long
    // pastes are judged by `code_token_threshold` below.
    let line_score = (m.lines.min(CODE.material_line_cap) as f64) * CODE.material_line;
    if lines.trace > 0 {
        reasons.add(
            RANK.stack_trace,
            format!("holds a stack trace of {} frames", lines.trace),
        );
    }
    let strong = lex.code + syntax + errors + line_score;
    // A prose task over prose: words in the material describe it, they are no request.
    let prose_work = lex.prose_task > 0.0
        && (m.prose_dominant || (tokens > CODE.prose_work_min_tokens && m.lines == 0));
    let damped = prose_work || (m.prose_dominant && m.long);
    // "what is DNS?": short conceptual questions are general knowledge.
    let conceptual_short = lex.conceptual > 0.0
        && words.n_words <= CODE.conceptual_max_words
        && syntax == 0.0
        && errors == 0.0;
    let lex_score = lexicon_score(words, lex, m, strong, damped, conceptual_short, reasons);
    let long_material = long_material(tokens, lines, syn, m, reasons);
    if prose_work {
        let names = join_words(&lex.prose_names, 2);
        reasons.add(RANK.prose_task, format!("asks for work on prose ({names})"));
    }
    let removed = bonus(damped, CODE.prose_code_removed);
    let mut score = strong + lex_score - lex.code * removed + long_material;
    if conceptual_short {
        score -= lex.code * CODE.conceptual_code_removed;
    }
    // Pure prose with a prose task stays fast, however many tech words it mentions.
    if prose_work && m.lines <= 1 && syn.fences == 0 && errors == 0.0 {
        score = score.min(CODE_THRESHOLD - CODE.prose_margin);
    }
    CodeEvidence {
        score,
        conceptual_short,
    }
}

/// The lexicon's share of the code score, with gating and damping; names its words.
fn lexicon_score(
    words: &Words,
    lex: &Lexical,
    m: &Material,
    strong: f64,
    damped: bool,
    conceptual_short: bool,
    reasons: &mut Reasons,
) -> f64 {
    let shell_task = bonus(words.shell_task, CODE.shell_task);
    let language = bonus(!words.languages.is_empty(), CODE.language);
    let command_request = bonus(words.command_request, CODE.command_request);
    let anchored = strong + shell_task + command_request + language >= CODE.anchor_min;
    let gated = if anchored {
        lex.gated
    } else if lex.gated_names.len() >= CODE.gated_min_words && !m.prose_dominant {
        lex.gated * CODE.gated_unanchored
    } else {
        0.0
    };
    let sysobj = if anchored {
        lex.sysobj * CODE.sysobj_anchored
    } else {
        0.0
    };
    let mut score = lex.code + gated + shell_task + command_request + language + sysobj;
    // "how do I … git commit": a how-to question about code vocabulary asks for code.
    if words.howto && score + strong > 0.0 {
        score += CODE.howto;
    }
    if damped {
        score *= CODE.prose_damping;
    }
    if conceptual_short {
        score *= CODE.conceptual_damping;
    }
    if lex.code > 0.0 {
        word_reasons(words, &lex.code_names, lex.code, Sounds::Code, reasons);
    }
    if gated > 0.0 {
        word_reasons(words, &lex.gated_names, gated, Sounds::CodeHere, reasons);
    }
    if shell_task > 0.0 {
        let objects = join_words(&lex.sysobj_names, 3);
        reasons.add(shell_task, format!("asks for a shell task on {objects}"));
    }
    if command_request > 0.0 {
        reasons.add(command_request, "asks for a command".to_string());
    }
    if language > 0.0 {
        let names: Vec<&str> = words.languages.iter().map(String::as_str).collect();
        reasons.add(
            language,
            format!("names {} as the language", join_words(&names, 2)),
        );
    }
    score
}

/// "mentions nginx and systemctl, words of code …", the German words apart.
fn word_reasons(words: &Words, names: &[&str], weight: f64, what: Sounds, reasons: &mut Reasons) {
    let (de, en): (Vec<&str>, Vec<&str>) = names
        .iter()
        .partition(|n| words.hits.iter().any(|(e, s)| e.german && s == *n));
    for (list, german) in [(en, ""), (de, "the German ")] {
        if list.is_empty() {
            continue;
        }
        let sound = match (what, list.len()) {
            (Sounds::Code, 1) => "which sounds like code or system administration",
            (Sounds::Code, _) => "which sound like code or system administration",
            (Sounds::CodeHere, 1) => "which reads as code next to the other evidence",
            (Sounds::CodeHere, _) => "which read as code next to the other evidence",
        };
        let names = join_words(&list, 4);
        reasons.add(weight, format!("mentions {german}{names}, {sound}"));
    }
}

/// What the words of a reason are evidence of.
#[derive(Clone, Copy)]
enum Sounds {
    /// Unambiguous code and system vocabulary.
    Code,
    /// Ambiguous words that count because other evidence is there.
    CodeHere,
}

/// Long input whose lines look like code or logs counts as code on that ground alone.
fn long_material(
    tokens: usize,
    lines: &Lines,
    syn: &Syntax,
    m: &Material,
    reasons: &mut Reasons,
) -> f64 {
    if m.prose_dominant && tokens >= CODE.long_prose_min_tokens {
        reasons.add(RANK.long_material, format!("is {tokens} tokens of prose"));
    }
    let code_like = m.share >= CODE.material_min_share || syn.fences >= CODE.material_min_fences;
    if !(m.long && code_like) {
        return 0.0;
    }
    let what = if lines.log + lines.trace > lines.code {
        "logs"
    } else {
        "code"
    };
    reasons.add(
        RANK.long_material,
        format!("pastes {tokens} tokens of {what}"),
    );
    CODE.long_material
}

/// The strongest heavy-specific signal and what kind of request it is.
fn heavy_evidence(
    tokens: usize,
    lines: &Lines,
    words: &Words,
    syn: &Syntax,
    lex: &Lexical,
    m: &Material,
) -> (f64, Option<String>) {
    let mut best: (f64, Option<String>) = (0.0, None);
    let mut offer = |s: f64, kind: &dyn Fn() -> String| {
        if s > best.0 {
            best = (s, Some(kind()));
        }
    };
    offer(proof_score(words, syn, lex), &|| {
        "asks for a mathematical proof".to_string()
    });
    offer(design_score(words, lex), &|| {
        let mut terms: Vec<&str> = lex.arch_names.clone();
        terms.extend(lex.tradeoff_names.iter().copied());
        format!("asks for a system design ({})", join_words(&terms, 4))
    });
    let log_material = lines.log + lines.trace >= HEAVY.rca_min_log_lines
        && m.tokens >= weights::RCA_MIN_MATERIAL_TOKENS;
    if (lex.rca > 0.0 || words.rca_phrase) && log_material {
        let phrase = bonus(words.rca_phrase, HEAVY.rca_phrase);
        let s = HEAVY.rca_base
            + lex.rca.min(HEAVY.rca_cap)
            + phrase
            + (lines.services.min(HEAVY.rca_service_cap) as f64) * HEAVY.rca_service;
        offer(s, &|| {
            format!(
                "asks for a root-cause analysis over {} tokens of logs from {} sources",
                m.tokens,
                lines.services.max(1)
            )
        });
    }
    let big_code =
        lines.code >= HEAVY.audit_min_code_lines && m.tokens >= weights::AUDIT_MIN_MATERIAL_TOKENS;
    if (lex.audit > 0.0 || words.audit_phrase)
        && (big_code || lex.arch_names.len() >= HEAVY.design_min_terms)
    {
        let phrase = bonus(words.audit_phrase, HEAVY.audit_phrase);
        let s = HEAVY.audit_base
            + lex.audit.min(HEAVY.audit_cap)
            + phrase
            + lex.arch.min(HEAVY.audit_arch_cap) * HEAVY.audit_arch;
        offer(s, &|| {
            if big_code {
                format!("asks for a security audit of {} tokens of code", m.tokens)
            } else {
                "asks for a security or threat analysis of an architecture".to_string()
            }
        });
    }
    offer(plan_score(tokens, words, lex), &|| {
        "asks for a plan to refactor or migrate a large system".to_string()
    });
    best
}

/// A proof request with mathematical context; 0 when the request is none.
fn proof_score(words: &Words, syn: &Syntax, lex: &Lexical) -> f64 {
    let proof_imperative = bonus(words.proof_imperative, HEAVY.proof_imperative);
    let math_ctx = lex.math
        + lex.math_weak.min(HEAVY.math_weak_cap)
        + (syn.math.min(HEAVY.math_syntax_cap) as f64) * HEAVY.math_syntax
        + proof_imperative;
    if !((lex.proof_verb > 0.0 || words.show_that) && math_ctx >= HEAVY.math_min) {
        return 0.0;
    }
    // A proof request is short by nature; its weight must carry it past the
    // complexity gate on its own.
    HEAVY.proof_base + math_ctx.min(HEAVY.proof_math_cap) * HEAVY.proof_math
}

/// A system design with weighed alternatives; 0 when the request is none.
fn design_score(words: &Words, lex: &Lexical) -> f64 {
    let design_ask = lex.design_verb > 0.0 || words.design_phrase || lex.tradeoff > 0.0;
    // "Summarise this article about our new platform": the design words describe the
    // text to work on; only an explicit design verb makes it a design request again.
    let prose_verb = words
        .hits
        .iter()
        .any(|(e, _)| e.cat == Cat::ProseTask && e.weight >= 1.0);
    let prose_only = prose_verb && lex.design_verb == 0.0 && !words.design_phrase;
    if !(lex.arch_names.len() >= HEAVY.design_min_terms && design_ask && !prose_only) {
        return 0.0;
    }
    let phrase = bonus(words.design_phrase, HEAVY.design_phrase);
    lex.arch.min(HEAVY.design_arch_cap) * HEAVY.design_arch
        + lex.tradeoff.min(HEAVY.design_tradeoff_cap)
        + lex.design_verb.min(HEAVY.design_verb_cap) * HEAVY.design_verb
        + phrase
}

/// A large refactoring or migration plan; 0 when the request is none.
fn plan_score(tokens: usize, words: &Words, lex: &Lexical) -> f64 {
    let asked = lex.restructure > 0.0
        && (lex.design_verb > 0.0 || words.design_phrase)
        && (lex.scope > 0.0 || !lex.arch_names.is_empty() || tokens >= HEAVY.plan_min_tokens);
    if !asked {
        return 0.0;
    }
    let phrase = bonus(words.design_phrase, HEAVY.plan_phrase);
    HEAVY.plan_base
        + lex.restructure.min(HEAVY.plan_restructure_cap)
        + lex.scope.min(HEAVY.plan_scope_cap)
        + lex.arch.min(HEAVY.plan_arch_cap) * HEAVY.plan_arch
        + lex.tradeoff.min(HEAVY.plan_tradeoff_cap) * HEAVY.plan_tradeoff
        + phrase
}

/// How demanding the request looks, in `[0, 1]`.
fn complexity(
    tokens: usize,
    lines: &Lines,
    words: &Words,
    syn: &Syntax,
    lex: &Lexical,
    heavy: f64,
    code: f64,
) -> f64 {
    let c = &COMPLEXITY;
    let length = (1.0 + tokens as f64 / c.tokens_per_doubling)
        .log2()
        .min(c.length_cap)
        * c.length;
    // Multi-part requests ("sharding, caching, consistency and failover") are more
    // demanding; in long input the commas belong to the material, so only short ones.
    let enumeration = if tokens <= c.enumeration_max_tokens {
        (syn.commas + words.conjunctions).min(c.enumeration_cap) as f64 * c.enumeration
    } else {
        0.0
    };
    let structure = (lines.list_items.min(c.list_item_cap) as f64) * c.list_item
        + (lex.tradeoff_names.len().min(c.tradeoff_term_cap) as f64) * c.tradeoff_term
        + enumeration;
    let code_part = if code >= CODE_THRESHOLD { c.code } else { 0.0 };
    let z = heavy * c.heavy + length + structure + code_part;
    (1.0 - (-z).exp()).clamp(0.0, 1.0)
}

/// Distance from the boundary that decided, as a confidence in `[0.5, 1]`.
fn confidence(
    tier: Tier,
    heavy: f64,
    code: f64,
    complexity: f64,
    settings: &AnalyzerSettings,
) -> f64 {
    let s = &CONFIDENCE;
    let margin = match tier {
        Tier::Heavy => ((heavy - HEAVY_MIN_SIGNAL) / s.heavy_signal)
            .min((complexity - settings.heavy_threshold) * s.complexity),
        Tier::Code => {
            let to_code = (code - CODE_THRESHOLD) / s.code;
            if heavy >= HEAVY_MIN_SIGNAL {
                to_code.min((settings.heavy_threshold - complexity) * s.complexity)
            } else {
                to_code
            }
        }
        Tier::Fast => (CODE_THRESHOLD - code) / s.code,
    };
    (0.5 + 0.5 * margin.max(0.0).tanh()).clamp(0.0, 1.0)
}

pub(super) fn decide(
    tokens: usize,
    lines: &Lines,
    words: &Words,
    syn: &Syntax,
    settings: &AnalyzerSettings,
) -> Analysis {
    let mut reasons = Reasons::default();
    let m = material(tokens, lines, syn, settings);
    let lex = lexical(words);
    let code = code_evidence(tokens, lines, words, syn, &lex, &m, &mut reasons);
    let (mut heavy, heavy_kind) = heavy_evidence(tokens, lines, words, syn, &lex, &m);
    // A short conceptual question ("what is a microservice architecture?") is not a
    // design request.
    if code.conceptual_short && lex.design_verb == 0.0 && lex.tradeoff == 0.0 {
        heavy *= HEAVY.conceptual_damping;
    }
    let complexity = complexity(tokens, lines, words, syn, &lex, heavy, code.score);
    let is_heavy = heavy >= HEAVY_MIN_SIGNAL && complexity >= settings.heavy_threshold;
    let tier = if is_heavy {
        Tier::Heavy
    } else if code.score >= CODE_THRESHOLD {
        Tier::Code
    } else {
        Tier::Fast
    };
    if let Some(kind) = heavy_kind.filter(|_| heavy >= HEAVY_MIN_SIGNAL) {
        if is_heavy {
            reasons.add(RANK.heavy, kind);
        } else {
            let note =
                format!("{kind}, but its complexity {complexity:.2} is below the heavy threshold");
            reasons.add(RANK.heavy_below, note);
        }
    }
    if code.conceptual_short && tier == Tier::Fast && (lex.code + lex.gated) > 0.0 {
        reasons.add(
            RANK.conceptual,
            "is a short conceptual question".to_string(),
        );
    }
    let confidence = confidence(tier, heavy, code.score, complexity, settings);
    Analysis {
        tier,
        complexity: (complexity * 1000.0).round() / 1000.0,
        tokens,
        reasons: reasons.into_sorted(),
        confidence: (confidence * 1000.0).round() / 1000.0,
        probabilities: None,
    }
}

/// "a, b and c"; past `max` names, "a, b, c and more".
fn join_words(names: &[&str], max: usize) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        _ if names.len() > max => format!("{} and more", names[..max].join(", ")),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `w` when `on`, else nothing.
fn bonus(on: bool, w: f64) -> f64 {
    if on {
        w
    } else {
        0.0
    }
}
