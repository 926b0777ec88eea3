//! Reasoning blocks: models that think aloud (qwen3, deepseek-r1) put `<think>…</think>`
//! before the answer. Every parse of an answer starts by removing them, so that thinking —
//! which may well mention `rm -rf /` — never reaches an explanation, a fix or a script.

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// The answer without its reasoning blocks. An unterminated block (the answer was cut off
/// while thinking) removes everything from its start.
pub fn strip(answer: &str) -> String {
    let mut s = answer.to_string();
    while let Some(start) = s.find(OPEN) {
        match s[start..].find(CLOSE) {
            Some(end) => s.replace_range(start..start + end + CLOSE.len(), ""),
            None => s.truncate(start),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn blocks_go_and_the_answer_stays() {
        assert_eq!(
            strip("<think>rm -rf / ?</think>\n```bash\nls -la\n```"),
            "\n```bash\nls -la\n```"
        );
        assert_eq!(strip("a<think>x</think>b<think>y</think>c"), "abc");
        assert_eq!(strip("no thinking"), "no thinking");
    }

    #[test]
    fn an_unterminated_block_removes_the_rest() {
        assert_eq!(strip("Answer.<think>and then"), "Answer.");
    }
}
