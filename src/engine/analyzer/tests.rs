use super::lexicon::lexicon;
use super::senses::*;
use super::*;
use proptest::prelude::*;

fn tier(q: &str) -> Tier {
    hand_weighted(q, &AnalyzerSettings::default()).tier
}

fn reasons(q: &str) -> String {
    hand_weighted(q, &AnalyzerSettings::default())
        .reasons
        .join(" | ")
}

#[test]
fn substring_traps_stay_fast() {
    for q in [
        "Can you recommend a good introductory book on psychology?",
        "Help me find a good restaurant near the main station.",
        "What's the latest news about the Mars rover?",
        "Welcher Bestseller steht gerade auf Platz eins?",
        "Was steht im Alten Testament über Noah?",
        "Was kommt heute Abend im Fernsehprogramm?",
        "Die Befehle meines Chefs nerven mich. Wie spreche ich das an?",
        "How do I remove rust from a bike chain?",
        "I fell on my tail bone and now my head hurts too.",
    ] {
        assert_eq!(tier(q), Tier::Fast, "{q}: {}", reasons(q));
    }
}

#[test]
fn the_same_words_in_a_code_context_are_code() {
    for q in [
        "ps aux | grep nginx shows nothing, why?",
        "How do I find all files larger than 100MB in my home directory?",
        "Wie finde ich alle Dateien, die größer als 1 GB sind?",
        "Welcher Befehl zeigt mir den freien Speicherplatz an?",
        "generate a shell command that renames all .jpeg files to .jpg",
        "Erzeuge einen Shell-Befehl, der alte Logdateien löscht.",
    ] {
        assert_eq!(tier(q), Tier::Code, "{q}: {}", reasons(q));
    }
}

#[test]
fn inflected_forms_match_whole_words() {
    let lex = lexicon();
    let mut found = Vec::new();
    for form in [
        "befehl",
        "befehle",
        "befehlen",
        "skript",
        "skripten",
        "datei",
        "dateien",
        "compile",
        "compiling",
        "compiled",
        "kompilieren",
        "kompiliert",
        "debugging",
    ] {
        lex.lookup(form, &mut found);
        assert!(!found.is_empty(), "{form} should be in the lexicon");
    }
    // Compound heads: the German head noun sits at the end.
    for form in ["shellskript", "konfigurationsdateien", "logdatei"] {
        lex.lookup(form, &mut found);
        assert!(!found.is_empty(), "{form} should match via its head");
    }
    // Substrings are not words.
    for form in [
        "psychology",
        "latest",
        "testament",
        "bestseller",
        "fernsehprogramm",
        "rechtschreibfehler",
    ] {
        lex.lookup(form, &mut found);
        assert!(
            found
                .iter()
                .all(|e| !matches!(e.cat, Cat::Code | Cat::Gated)),
            "{form} must not be a code word"
        );
    }
}

#[test]
fn reasons_name_the_evidence() {
    let r = reasons("cat access.log | grep -v 200 | sort --unique");
    assert!(r.contains("uses shell syntax (pipe, flags)"), "{r}");
    let r = reasons("Warum wird mein Skript nicht kompiliert?");
    assert!(
        r.contains("mentions the German Skript and kompiliert, which sound like code")
            || r.contains("mentions the German kompiliert and Skript, which sound like code"),
        "{r}"
    );
    let r = reasons("error[E0308]: mismatched types");
    assert!(r.contains("E0308"), "{r}");
    let r = reasons("my tool exits with exit code 127");
    assert!(r.contains("exit code 127"), "{r}");
    let log = (0..60)
        .map(|i| {
            format!(
                "2024-03-18T14:02:{:02}.000Z ERROR [api] upstream timed out after {i}ms",
                i % 60
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let a = hand_weighted(
        &format!("{log}\nwhat's wrong?"),
        &AnalyzerSettings::default(),
    );
    assert_eq!(a.tier, Tier::Code);
    assert!(
        a.reasons
            .iter()
            .any(|r| r.starts_with("pastes ") && r.ends_with(" tokens of logs")),
        "{:?}",
        a.reasons
    );
}

#[test]
fn long_prose_is_fast_at_any_length() {
    let para =
        "The committee discussed the budget, the new library and the latest test results of the \
                school. Residents want to find a compromise and keep the old station. ";
    let text = format!(
        "Summarise this:\n\n{}",
        para.repeat(60).replace(". R", ".\nR")
    );
    let a = hand_weighted(&text, &AnalyzerSettings::default());
    assert!(a.tokens > 1500, "{}", a.tokens);
    assert_eq!(a.tier, Tier::Fast, "{:?}", a.reasons);
    // Even with a tiny threshold, prose never becomes code.
    let s = AnalyzerSettings {
        code_token_threshold: 10,
        ..AnalyzerSettings::default()
    };
    assert_eq!(hand_weighted(&text, &s).tier, Tier::Fast);
}

#[test]
fn long_code_goes_to_code_only_past_the_threshold() {
    let body = "    let total: u32 = items.iter().map(|i| i.price).sum();\n".repeat(40);
    let q = format!("fn main() {{\n{body}}}");
    let low = AnalyzerSettings {
        code_token_threshold: 100,
        ..AnalyzerSettings::default()
    };
    let a = hand_weighted(&q, &low);
    assert_eq!(a.tier, Tier::Code);
    assert!(
        a.reasons.iter().any(|r| r.ends_with("tokens of code")),
        "{:?}",
        a.reasons
    );
    let high = AnalyzerSettings {
        code_token_threshold: 100_000,
        ..AnalyzerSettings::default()
    };
    assert!(!hand_weighted(&q, &high)
        .reasons
        .iter()
        .any(|r| r.starts_with("pasted code")));
}

#[test]
fn heavy_needs_specific_signals_and_complexity() {
    assert_eq!(
        tier("Prove that there are infinitely many primes."),
        Tier::Heavy
    );
    assert_eq!(
        tier("Beweise, dass es unendlich viele Primzahlen gibt."),
        Tier::Heavy
    );
    let design = "Design a multi-region active-active architecture for our payment service \
                  handling 20k TPS. Discuss consistency trade-offs, failover and cost.";
    assert_eq!(tier(design), Tier::Heavy);
    // One-line "design" requests and conceptual questions are not heavy.
    assert_eq!(tier("design a logo slogan for my bakery"), Tier::Fast);
    assert_eq!(tier("Entwirf einen Slogan für meine Bäckerei."), Tier::Fast);
    assert_eq!(tier("What is a microservice architecture?"), Tier::Fast);
    assert_eq!(tier("Gibt es Beweise für den Klimawandel?"), Tier::Fast);
    // The threshold is honoured: at 1.0 nothing is heavy.
    let strict = AnalyzerSettings {
        heavy_threshold: 1.0,
        ..AnalyzerSettings::default()
    };
    assert_ne!(hand_weighted(design, &strict).tier, Tier::Heavy);
}

#[test]
fn short_trace_is_code_long_multi_service_rca_is_heavy() {
    let trace = "Traceback (most recent call last):\n  File \"main.py\", line 3, in <module>\n    \
                 main()\nZeroDivisionError: division by zero\nwhy?";
    assert_eq!(tier(trace), Tier::Code);
    let services = ["api-gateway", "auth", "orders", "postgres"];
    let log = (0..150)
        .map(|i| {
            format!(
                "2024-03-18T14:{:02}:{:02}.000Z WARN [{}] connection pool near exhaustion active={}/64",
                i / 60,
                i % 60,
                services[i % 4],
                40 + i % 24
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let q = format!("Outage last night, logs from all services:\n{log}\nFind the root cause.");
    let a = hand_weighted(&q, &AnalyzerSettings::default());
    assert_eq!(a.tier, Tier::Heavy, "{:?}", a.reasons);
    assert!(
        a.reasons[0].starts_with("asks for a root-cause analysis"),
        "{:?}",
        a.reasons
    );
}

#[test]
fn multi_word_terms_and_tool_names_are_code() {
    for q in [
        "Write a regular expression to validate an IPv4 address.",
        "Welcher reguläre Ausdruck passt auf eine Postleitzahl?",
        "How can I see which files changed in the last commit?",
        "How do I make curl follow redirects?",
        "Design a database schema for a small todo app with users and tags.",
        "Entwirf ein Datenbankschema für eine Vereinsverwaltung.",
        "Mein Container hat den Exit-Code 137, was heißt das?",
    ] {
        assert_eq!(tier(q), Tier::Code, "{q}: {}", reasons(q));
    }
    let r = reasons("Mein Container hat den Exit-Code 137, was heißt das?");
    assert!(r.contains("exit code 137"), "{r}");
    let r = reasons("the job exited with code 139");
    assert!(r.contains("exit code 139"), "{r}");
}

#[test]
fn everyday_senses_of_ambiguous_words_stay_fast() {
    for q in [
        "Welche Befehle kennt ein gut erzogener Hund normalerweise?",
        "Is a ball python a good pet for a beginner?",
        "Is Shell or Aral usually cheaper at the motorway petrol station?",
        "What is a commit in everyday English, as in 'commit to a plan'?",
        "Write a limerick about a cat named Grep.",
        "Gibt es Beweise, dass die Folgen des Klimawandels gerade jetzt spürbar sind?",
    ] {
        assert_eq!(tier(q), Tier::Fast, "{q}: {}", reasons(q));
    }
    // The same words with a technical anchor are still code.
    assert_eq!(
        tier("Which shell command lists all running python processes?"),
        Tier::Code
    );
}

#[test]
fn heavy_verbs_compounds_and_proof_phrasings() {
    for q in [
        "Architect a video transcoding pipeline for 2 million uploads per day: queues, \
         workers, storage, retries and cost trade-offs.",
        "Wir wollen von On-Premise in die Cloud migrieren. Erstelle einen Migrationsplan \
         für 40 Anwendungen mit Phasen, Risiken und Rückfallstrategie.",
        "Show that the sum of the angles of a triangle is 180 degrees.",
        "Zeige, dass sich die Winkelhalbierenden eines Dreiecks in einem Punkt schneiden.",
        "Prove that the product of two odd numbers is odd.",
    ] {
        assert_eq!(tier(q), Tier::Heavy, "{q}: {}", reasons(q));
    }
    // Design words inside a text to summarise are no design request.
    let q = "Summarize this: The company announced a new platform for real-time \
             collaboration. The architecture relies on distributed storage and \
             event-driven workers. Analysts noted risks around latency and availability.";
    assert_ne!(tier(q), Tier::Heavy, "{}", reasons(q));
    // "Plan" and "compare" over everyday topics are not heavy.
    assert_eq!(
        tier(
            "Plan a three-day trip to Rome with museums, food and the pros and cons of each area."
        ),
        Tier::Fast
    );
}

#[test]
fn counts_and_german_compounds_are_recognised() {
    assert!(is_count("40") && is_count("50.000") && is_count("200k-line"));
    assert!(!is_count("5") && !is_count("v2") && !is_count("abc"));
    let lex = lexicon();
    let mut found = Vec::new();
    lex.lookup("migrationsprojekt", &mut found);
    assert!(found.iter().any(|e| e.cat == Cat::Restructure));
    lex.lookup("zielarchitektur", &mut found);
    assert!(found.iter().any(|e| e.cat == Cat::Arch));
    // A modifier needs a head behind it: "Migrationen" alone is a plain word.
    lex.lookup("architektin", &mut found);
    assert!(found.is_empty());
}

#[test]
fn empty_and_whitespace_are_fast() {
    for q in ["", "   ", "\n\n\t"] {
        let a = hand_weighted(q, &AnalyzerSettings::default());
        assert_eq!(a.tier, Tier::Fast);
        assert!(!a.reasons.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn never_panics_and_stays_in_range(q in "\\PC{0,300}") {
        let a = hand_weighted(&q, &AnalyzerSettings::default());
        prop_assert!((0.0..=1.0).contains(&a.complexity));
        prop_assert!((0.0..=1.0).contains(&a.confidence));
        prop_assert!(!a.reasons.is_empty());
    }

    #[test]
    fn never_panics_on_code_and_log_shaped_input(
        q in "([a-zA-Zäöüß_]{1,8}|[0-9]{1,4}|[ \t\n]{1,3}|[-|/$`:.(){}\\[\\]=<>&;,'\"^#]{1,2}|Mär|Jän|ß)*"
    ) {
        let a = hand_weighted(&q, &AnalyzerSettings::default());
        prop_assert!((0.0..=1.0).contains(&a.complexity));
    }
}
