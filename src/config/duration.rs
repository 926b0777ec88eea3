//! Ollama's `keep_alive`, checked as Ollama reads it, so that a value it would refuse is
//! reported here (key and line) instead of failing every request.
//!
//! Ollama takes a JSON number as seconds (negative: keep the model loaded for ever) and a
//! string as Go's `time.ParseDuration` does (a negative duration also means for ever).
//! The configuration holds text; a plain number is sent as a JSON number, since Go's
//! parser refuses `"300"` and `"-1"` (no unit).

use serde_json::Value;

/// Why a `keep_alive` value is not one Ollama accepts; `None` when it is.
pub fn keep_alive_problem(s: &str) -> Option<String> {
    if seconds(s).is_some() {
        return None;
    }
    go_duration_nanos(s).err()
}

/// The value to send as `keep_alive`: a number for plain seconds, else the duration text.
pub fn keep_alive_json(s: &str) -> Value {
    match seconds(s) {
        Some(n) => Value::Number(n),
        None => Value::String(s.to_string()),
    }
}

/// A plain number of seconds, as JSON would carry it (`300`, `-1`, `1.5`).
fn seconds(s: &str) -> Option<serde_json::Number> {
    let looks_numeric = !s.is_empty()
        && s.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && s.chars().any(|c| c.is_ascii_digit());
    if !looks_numeric {
        return None;
    }
    match s.parse::<i64>() {
        Ok(i) => Some(i.into()),
        Err(_) => s.parse::<f64>().ok().and_then(serde_json::Number::from_f64),
    }
}

/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or `0`; the units
/// ns, us, µs, μs, ms, s, m, h; at most 2^63-1 ns. Returns the nanoseconds (negative
/// for a negative duration) or the reason, worded like Go's error.
pub fn go_duration_nanos(orig: &str) -> Result<i128, String> {
    let invalid =
        || format!("`{orig}` is not a duration (e.g. \"30m\", \"1h30m\", \"300\", \"-1\")");
    let (negative, mut s) = match orig.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, orig.strip_prefix('+').unwrap_or(orig)),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u128 = 1 << 63;
    let too_long = || format!("`{orig}` is too long a duration (over 292 years)");
    let mut total: u128 = 0;
    while !s.is_empty() {
        let int_len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let int_part = &s[..int_len];
        s = &s[int_len..];
        let mut frac_part = "";
        if let Some(rest) = s.strip_prefix('.') {
            let frac_len = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            frac_part = &rest[..frac_len];
            s = &rest[frac_len..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        // The unit runs up to the next digit or dot, as in Go: "1.5.5h" has no unit
        // after "1.5", and "5 m" has the unit " m".
        let unit_len = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let nanos_per = unit_nanos(unit, orig)?;
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part
                .parse::<u128>()
                .ok()
                .filter(|v| *v <= LIMIT)
                .ok_or_else(too_long)?
        };
        let mut value = whole
            .checked_mul(nanos_per)
            .filter(|v| *v <= LIMIT)
            .ok_or_else(too_long)?;
        // Go keeps nanosecond precision of the fraction and ignores digits beyond it.
        let digits: String = frac_part.chars().take(18).collect();
        if !digits.is_empty() {
            let f: u128 = digits.parse().unwrap_or(0);
            let scale = 10u128.pow(digits.len() as u32);
            value += f * nanos_per / scale;
        }
        total += value;
        if total > LIMIT {
            return Err(too_long());
        }
    }
    if !negative && total > LIMIT - 1 {
        return Err(too_long());
    }
    Ok(if negative {
        -(total as i128)
    } else {
        total as i128
    })
}

/// Nanoseconds per unit, as Go names the units.
fn unit_nanos(unit: &str, orig: &str) -> Result<u128, String> {
    Ok(match unit {
        "" => {
            return Err(format!(
                "`{orig}` is not a duration as Ollama reads it: a number lacks its unit (ns, us, ms, s, m, h; e.g. \"30m\", \"1h30m\", or plain seconds \"300\")"
            ))
        }
        "ns" => 1,
        "us" | "µs" | "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        other => {
            return Err(format!(
                "`{orig}` has the unknown unit `{other}` (units: ns, us, ms, s, m, h)"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_as_go_reads_them() {
        let ns = |s| go_duration_nanos(s);
        assert_eq!(ns("30m"), Ok(30 * 60 * 1_000_000_000));
        assert_eq!(ns("1h30m"), Ok(90 * 60 * 1_000_000_000));
        assert_eq!(ns("1.5h"), Ok(90 * 60 * 1_000_000_000));
        assert_eq!(ns(".5s"), Ok(500_000_000));
        assert_eq!(ns("5.s"), Ok(5_000_000_000));
        assert_eq!(ns("-1m"), Ok(-60_000_000_000));
        assert_eq!(ns("+2s"), Ok(2_000_000_000));
        assert_eq!(ns("0"), Ok(0));
        assert_eq!(ns("-0"), Ok(0));
        assert_eq!(ns("1µs"), Ok(1_000));
        assert_eq!(ns("2562047h"), Ok(2_562_047 * 3_600_000_000_000));
        for bad in [
            "",
            "1.5.5h",
            "5",
            "300",
            "-1",
            ".s",
            "1h 30m",
            " 30m",
            "30m ",
            "5minutes",
            "m5",
            "30x",
            "1d",
            "2562048h",
            "99999999999999999999ns",
            "-",
            "+",
            ".",
        ] {
            assert!(ns(bad).is_err(), "{bad}");
        }
        assert!(ns("1.5.5h").unwrap_err().contains("lacks its unit"));
        assert!(ns("1d").unwrap_err().contains("unknown unit `d`"));
    }

    #[test]
    fn keep_alive_takes_durations_and_plain_seconds() {
        for ok in [
            "30m", "1h30m", "300s", "0", "-1", "300", "1.5", "-1m", "1.5h",
        ] {
            assert_eq!(keep_alive_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "soon",
            "5 minutes",
            "m5",
            "30x",
            "1.5.5h",
            "1..5",
            "--1",
            "-",
        ] {
            assert!(keep_alive_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(keep_alive_json("300"), serde_json::json!(300));
        assert_eq!(keep_alive_json("-1"), serde_json::json!(-1));
        assert_eq!(keep_alive_json("1.5"), serde_json::json!(1.5));
        assert_eq!(keep_alive_json("30m"), serde_json::json!("30m"));
        assert_eq!(keep_alive_json("0"), serde_json::json!(0));
    }
}
