//! Everyday senses of ambiguous words, counts and units: what keeps "a dog's commands"
//! and "30 days" from counting as evidence.

/// Words that reveal the everyday sense of "command", "Befehl", "python", "shell",
/// "commit", "git": an animal, an officer, a petrol station, or a question about
/// everyday language.
pub(super) fn is_everyday_sense_word(lw: &str) -> bool {
    matches!(
        lw,
        "dog"
            | "dogs"
            | "puppy"
            | "puppies"
            | "hund"
            | "hunde"
            | "hundes"
            | "hunden"
            | "welpe"
            | "welpen"
            | "pferd"
            | "pferde"
            | "horse"
            | "horses"
            | "officer"
            | "officers"
            | "offizier"
            | "offiziere"
            | "soldier"
            | "soldiers"
            | "soldat"
            | "soldaten"
            | "army"
            | "armee"
            | "captain"
            | "kapitän"
            | "sergeant"
            | "military"
            | "militär"
            | "snake"
            | "snakes"
            | "schlange"
            | "schlangen"
            | "pet"
            | "pets"
            | "haustier"
            | "terrarium"
            | "reptile"
            | "reptiles"
            | "reptil"
            | "reptilien"
            | "boa"
            | "zoo"
            | "petrol"
            | "benzin"
            | "tankstelle"
            | "tankstellen"
            | "aral"
            | "esso"
            | "oil"
            | "everyday"
            | "slang"
            | "idiom"
            | "alltag"
            | "alltagssprache"
            | "umgangssprache"
            | "redewendung"
    )
}

/// The ambiguous words whose everyday sense `is_everyday_sense_word` detects.
pub(super) fn is_sense_ambiguous(surface: &str) -> bool {
    matches!(
        surface.to_lowercase().as_str(),
        "command"
            | "commands"
            | "befehl"
            | "befehle"
            | "befehlen"
            | "befehls"
            | "python"
            | "pythons"
            | "shell"
            | "shells"
            | "commit"
            | "commits"
            | "git"
            | "branch"
            | "branches"
            | "commit (git)"
            | "branch (git)"
    )
}

/// A count of at least 10: `40`, `50.000`, `200k`, `200k-line`, `2m`.
pub(super) fn is_count(lw: &str) -> bool {
    if !lw.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let head = lw.split('-').next().unwrap_or("");
    let digits: String = head.chars().filter(|c| *c != '.').collect();
    let (num, suffix) = match digits.find(|c: char| !c.is_ascii_digit()) {
        Some(p) => digits.split_at(p),
        None => (digits.as_str(), ""),
    };
    if num.is_empty() || !matches!(suffix, "" | "k" | "m") {
        return false;
    }
    !suffix.is_empty() || num.len() >= 3 || num.parse::<u32>().is_ok_and(|n| n >= 10)
}

/// Units and fillers after a number that do not make it a scale ("30 days", "8080 and").
pub(super) fn is_unit_or_filler(lw: &str) -> bool {
    matches!(
        lw,
        "and"
            | "und"
            | "or"
            | "oder"
            | "the"
            | "die"
            | "der"
            | "das"
            | "bis"
            | "for"
            | "für"
            | "days"
            | "day"
            | "hours"
            | "hour"
            | "minutes"
            | "minute"
            | "seconds"
            | "second"
            | "weeks"
            | "months"
            | "years"
            | "jahre"
            | "jahren"
            | "tage"
            | "tagen"
            | "stunden"
            | "minuten"
            | "sekunden"
            | "wochen"
            | "monate"
            | "monaten"
            | "uhr"
            | "percent"
            | "prozent"
            | "euro"
            | "eur"
            | "dollar"
            | "dollars"
            | "usd"
            | "grad"
            | "degrees"
            | "calories"
            | "kalorien"
            | "kcal"
            | "gramm"
            | "lines"
            | "zeilen"
            | "times"
            | "mal"
            | "items"
            | "rows"
            | "bytes"
            | "characters"
            | "zeichen"
            | "pages"
            | "seiten"
            | "words"
            | "wörter"
            | "people"
            | "personen"
            | "guests"
            | "gäste"
    )
}
