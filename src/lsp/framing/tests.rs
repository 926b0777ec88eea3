use super::*;

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

const PING: &str = r#"{"jsonrpc":"2.0","id":99,"method":"ping"}"#;

/// One line per item: `ping` for a message, `-32700 id=3` for a refusal.
fn summary(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Item::Message(m) => m.method.clone().unwrap_or_else(|| "response".into()),
            Item::Malformed(m) => {
                let ids: Vec<String> = m.reply_to.iter().map(|id| format!("id={id}")).collect();
                format!("{} {}", m.code.code(), ids.join(" "))
                    .trim_end()
                    .to_string()
            }
        })
        .collect()
}

fn decode(input: &[u8]) -> Vec<Item> {
    let mut d = Decoder::default();
    d.push(input);
    std::iter::from_fn(|| d.next_item()).collect()
}

fn decode_bytewise(input: &[u8]) -> Vec<Item> {
    let mut d = Decoder::default();
    let mut items = Vec::new();
    for b in input {
        d.push(std::slice::from_ref(b));
        items.extend(std::iter::from_fn(|| d.next_item()));
    }
    items
}

/// `bad` followed by a good request: what the decoder makes of both.
fn then_ping(bad: &[u8]) -> Vec<String> {
    let mut input = bad.to_vec();
    input.extend(frame(PING));
    summary(&decode(&input))
}

#[test]
fn well_formed_frames_pass_whole_or_byte_by_byte() {
    let mut input = frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#);
    input.extend(
        b"content-length:  52\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n",
    );
    input.extend(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    input.extend(frame(r#"{"jsonrpc":"2.0","id":7,"result":null}"#));
    input.extend(frame(PING));
    let expected = ["initialize", "initialized", "response", "ping"];
    assert_eq!(summary(&decode(&input)), expected);
    assert_eq!(summary(&decode_bytewise(&input)), expected);
    let items = decode(&frame(PING));
    let Item::Message(m) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(m.body(), PING.as_bytes());
    assert!(m.has_id);
}

#[test]
fn a_header_inside_a_json_string_is_just_text() {
    let body =
        r#"{"jsonrpc":"2.0","method":"didOpen","params":{"text":"Content-Length: 5\r\n\r\n"}}"#;
    assert_eq!(then_ping(&frame(body)), ["didOpen", "ping"]);
}

#[test]
fn bodies_that_are_not_json_messages_get_the_spec_error() {
    let cases: &[(&[u8], &str)] = &[
        (b"Content-Length: 9\r\n\r\nnot json!", "-32700 id=null"),
        (b"Content-Length: 0\r\n\r\n", "-32700 id=null"),
        (b"Content-Length: 4\r\n\r\n1234", "-32600 id=null"),
        (
            b"Content-Length: 44\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"a\xff\xfeb\"}",
            "-32700 id=3",
        ),
    ];
    for (bad, want) in cases {
        assert_eq!(
            then_ping(bad),
            [*want, "ping"],
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let envelopes = [
        (
            r#"{"jsonrpc":"1.0","id":"x","method":"ping"}"#,
            "-32600 id=\"x\"",
        ),
        (r#"{"id":4,"method":"ping"}"#, "-32600 id=4"),
        (
            r#"{"jsonrpc":"2.0","id":4.5,"method":"ping"}"#,
            "-32600 id=null",
        ),
        (r#"{"jsonrpc":"2.0","id":5,"method":7}"#, "-32600 id=5"),
        (r#"{"jsonrpc":"2.0","id":6}"#, "-32600 id=6"),
        (
            r#"{"jsonrpc":"2.0","id":6,"id":7,"method":"x"}"#,
            "-32600 id=null",
        ),
        (
            r#"[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":"b","method":"a"}]"#,
            "-32600 id=1 id=\"b\"",
        ),
        (r#"[]"#, "-32600 id=null"),
        // A broken response is logged, not answered.
        (r#"{"jsonrpc":"1.0","id":8,"result":1}"#, "-32600"),
    ];
    for (body, want) in envelopes {
        assert_eq!(then_ping(&frame(body)), [want, "ping"], "{body}");
    }
}

#[test]
fn deep_nesting_is_refused_with_its_id() {
    let deep = format!(
        r#"{{"jsonrpc":"2.0","id":12,"method":"x","params":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(then_ping(&frame(&deep)), ["-32600 id=12", "ping"]);
    let ok = format!(
        r#"{{"jsonrpc":"2.0","method":"x","params":{}{}}}"#,
        "[".repeat(MAX_DEPTH - 1),
        "]".repeat(MAX_DEPTH - 1)
    );
    assert_eq!(then_ping(&frame(&ok)), ["x", "ping"]);
}

#[test]
fn broken_lengths_resynchronise_on_the_next_header() {
    let body = r#"{"jsonrpc":"2.0","id":21,"method":"hover","params":{}}"#;
    let n = body.len();
    let cases = [
        (
            format!("Content-Type: text/x\r\n\r\n{body}"),
            "-32700 id=21",
        ),
        (body.to_string(), "-32700 id=21"),
        (
            format!("Content-Length: {}\r\n\r\n{body}", n - 10),
            "-32700 id=21",
        ),
        (
            format!("Content-Length: {}\r\n\r\n{body}", n + 10),
            "-32700 id=21",
        ),
        (
            format!("Content-Length: {}\r\n\r\n{body}", n + 5000),
            "-32700 id=21",
        ),
        (format!("Content-Length: 4x\r\n\r\n{body}"), "-32700 id=21"),
        (format!("Content-Length: -5\r\n\r\n{body}"), "-32700 id=21"),
        (
            format!("Content-Length: 5\r\nContent-Length: 6\r\n\r\n{body}"),
            "-32700 id=21",
        ),
        (format!("garbage\r\n{body}"), "-32700 id=null"),
    ];
    for (bad, want) in &cases {
        assert_eq!(then_ping(bad.as_bytes()), [*want, "ping"], "{bad:?}");
    }
}

#[test]
fn an_absurd_length_is_refused_without_reading_it() {
    let mut d = Decoder::default();
    d.push(b"Content-Length: 1000000000000\r\n\r\n");
    assert_eq!(
        summary(&[d.next_item().expect("refused")]),
        ["-32600 id=null"]
    );
    // What follows is dropped as it arrives, not kept.
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        d.push(&chunk);
        assert!(d.next_item().is_none());
        assert!(d.buf.len() <= MARKER_TAIL, "{}", d.buf.len());
    }
    d.push(&frame(PING));
    assert_eq!(summary(&[d.next_item().expect("served")]), ["ping"]);
    let huge = format!("Content-Length: {}\r\n\r\n", u128::MAX);
    assert_eq!(then_ping(huge.as_bytes()), ["-32600 id=null", "ping"]);
}

#[test]
fn a_short_body_whose_rest_comes_later_gets_one_reply() {
    let body = r#"{"jsonrpc":"2.0","id":31,"method":"hover","params":{}}"#;
    let mut d = Decoder::default();
    d.push(format!("Content-Length: 20\r\n\r\n{}", &body[..20]).as_bytes());
    assert_eq!(
        summary(&[d.next_item().expect("refused")]),
        ["-32700 id=null"]
    );
    d.push(&body.as_bytes()[20..]);
    assert!(d.next_item().is_none());
    d.push(&frame(PING));
    assert_eq!(summary(&[d.next_item().expect("served")]), ["ping"]);
    assert!(d.next_item().is_none());
}

#[test]
fn input_ending_mid_frame_is_reported() {
    let mut d = Decoder::default();
    d.push(b"Content-Length: 10\r\n\r\n{\"a\"");
    assert!(d.next_item().is_none());
    assert!(d.finish().expect("cut off").contains("10 bytes"));
    let mut d = Decoder::default();
    d.push(b"\r\n\r\n");
    assert!(d.next_item().is_none());
    assert!(d.finish().is_none());
}
