//! Short, secret-free quotes of response bodies for error messages.

use serde_json::Value;

use crate::api::SECRET_PROPERTIES;
use crate::request::auth::is_token_request;

/// How much of a body an error message quotes.
const SNIPPET_CHARS: usize = 200;
/// How much of a server's own `message` an error keeps: enough for any
/// real explanation, not a stack trace of thousands of lines.
pub(crate) const MESSAGE_CHARS: usize = 400;

/// The server's `message` if the body is the documented `{"message": ...}`,
/// else a snippet of the body; on one line either way (see [`tidy`]).
pub(crate) fn message_of(operation: &str, body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => match map.get("message").and_then(Value::as_str) {
            Some(message) => tidy(message),
            None => snippet(operation, body),
        },
        _ => snippet(operation, body),
    }
}

/// A server's text made fit for an error message: control characters
/// (newlines, tabs) become spaces, runs of spaces one, and what passes
/// [`MESSAGE_CHARS`] is cut with `...`. An error is one line wherever it
/// is printed: a log, a terminal, a monitoring plugin's summary.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MESSAGE_CHARS + 3));
    let mut count = 0;
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()) {
        if count > 0 {
            out.push(' ');
            count += 1;
        }
        for ch in word.chars() {
            if count == MESSAGE_CHARS {
                out.truncate(out.trim_end().len());
                out.push_str("...");
                return out;
            }
            out.push(ch);
            count += 1;
        }
    }
    out
}

/// The start of a body with the values of every `format: password`
/// property of the document replaced by `[redacted]`, whitespace collapsed.
/// Token responses are never quoted.
pub(crate) fn snippet(operation: &str, body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return String::from("(empty body)");
    }
    if is_token_request(operation) {
        return String::from("(not quoted: a token response carries secrets)");
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(8 * SNIPPET_CHARS)]);
    let text = redact(&head);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > SNIPPET_CHARS {
        collapsed.chars().take(SNIPPET_CHARS).chain("...".chars()).collect()
    } else {
        collapsed
    }
}

/// Replaces the string value after every secret key (`"password": "..."`),
/// also in truncated or otherwise broken JSON.
fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let (token, after) = string_token(&rest[start..]);
        out.push_str(token);
        rest = after;
        let key = token.trim_matches('"');
        if !SECRET_PROPERTIES.iter().any(|s| s.eq_ignore_ascii_case(key)) {
            continue;
        }
        let trimmed = rest.trim_start();
        let Some(after_colon) = trimmed.strip_prefix(':') else { continue };
        let value = after_colon.trim_start();
        if value.starts_with('"') {
            out.push_str(": \"[redacted]\"");
            rest = string_token(value).1;
        }
    }
    out.push_str(rest);
    out
}

/// Splits a leading JSON string (quotes included, possibly unterminated) from the rest.
fn string_token(text: &str) -> (&str, &str) {
    let mut escaped = false;
    for (i, ch) in text.char_indices().skip(1) {
        match ch {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return text.split_at(i + 1),
            _ => {}
        }
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_redacted() {
        let body = br#"{"account": "admin@abc", "password" : "hunter2", "x": {"Password":"p\"w"}}"#;
        let text = snippet("add_organization", body);
        assert_eq!(text, r#"{"account": "admin@abc", "password": "[redacted]", "x": {"Password": "[redacted]"}}"#);
    }

    #[test]
    fn truncated_secrets_are_redacted_too() {
        let text = snippet("add_organization", br#"{"password": "hunter"#);
        assert!(!text.contains("hunter"), "{text}");
    }

    #[test]
    fn token_responses_are_never_quoted() {
        use crate::request::auth::CREATE_TOKEN;
        assert!(!snippet(CREATE_TOKEN, br#"{"access_token": "AT-1"#).contains("AT-1"));
    }

    #[test]
    fn messages_come_from_the_documented_body() {
        assert_eq!(message_of("x", br#"{"message": "No such organization."}"#), "No such organization.");
        assert_eq!(message_of("x", b"  "), "(empty body)");
        assert_eq!(message_of("x", b"<html><body>Bad gateway</body></html>"), "<html><body>Bad gateway</body></html>");
        let long = "x".repeat(500);
        assert_eq!(message_of("x", long.as_bytes()).chars().count(), SNIPPET_CHARS + 3);
    }

    #[test]
    fn a_server_message_is_one_line_and_capped() {
        let body = serde_json::json!({"message": "Failed:\n  at A.B()\r\n\tat C.D()\u{0007}"}).to_string();
        assert_eq!(message_of("x", body.as_bytes()), "Failed: at A.B() at C.D()");
        let long = serde_json::json!({"message": format!("{}\n", "trace line ".repeat(300))}).to_string();
        let message = message_of("x", long.as_bytes());
        assert!(message.ends_with("...") && !message.contains('\n'), "{message}");
        assert!(message.chars().count() <= MESSAGE_CHARS + 3, "{message}");
        assert_eq!(tidy("  é  ü "), "é ü");
    }
}
