//! JSON as the server sent it, with what the client read laid over it, and
//! secrets taken out before it is printed.

use serde_json::{Map, Value};

/// What a redacted secret prints as.
pub const REDACTED: &str = "[redacted]";

/// `typed` (what the client read, as it serializes) laid over `sent` (the
/// server's JSON): every member the server sent is kept, those the document
/// describes are written as the client read them (a number sent as a string
/// as a number), and those the client fills in (a v6 job's `organizationId`)
/// are added. A member the client read as `null` never hides a value the
/// server sent: a member set aside keeps its value this way.
pub fn over(sent: Value, typed: Value) -> Value {
    match (sent, typed) {
        (Value::Object(mut sent), Value::Object(typed)) => {
            for (key, typed) in typed {
                match sent.get_mut(&key) {
                    Some(slot) => *slot = over(slot.take(), typed),
                    None => {
                        sent.insert(key, typed);
                    }
                }
            }
            Value::Object(sent)
        }
        (Value::Array(sent), Value::Array(typed)) if sent.len() == typed.len() => {
            Value::Array(sent.into_iter().zip(typed).map(|(sent, typed)| over(sent, typed)).collect())
        }
        (sent, Value::Null) => sent,
        (_, typed) => typed,
    }
}

/// Replaces the value of every member the document marks secret
/// (`vb365::api::SECRET_PROPERTIES`: passwords, tokens, an application's
/// secret), wherever it is, by `"[redacted]"`. `null` stays `null`: that
/// there is no secret is no secret.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => redact_members(map),
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

fn redact_members(map: &mut Map<String, Value>) {
    for (key, member) in map.iter_mut() {
        if member.is_null() {
            continue;
        }
        if vb365::api::SECRET_PROPERTIES.iter().any(|s| s.eq_ignore_ascii_case(key)) {
            *member = Value::String(String::from(REDACTED));
        } else {
            redact(member);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_server_s_members_stay_and_the_client_s_reading_wins() {
        let sent = json!({"id": "a", "count": "5", "future": {"x": 1}, "when": null, "odd": {"v": 1}, "list": [{"a": 1, "z": 0}]});
        let typed =
            json!({"id": "a", "count": 5, "when": null, "odd": null, "list": [{"a": 2}], "organizationId": "o"});
        let merged = over(sent, typed);
        assert_eq!(
            merged,
            json!({"id": "a", "count": 5, "future": {"x": 1}, "when": null, "odd": {"v": 1}, "list": [{"a": 2, "z": 0}], "organizationId": "o"})
        );
    }

    #[test]
    fn lists_of_another_length_are_the_client_s() {
        assert_eq!(over(json!([1, 2, 3]), json!([1, 2])), json!([1, 2]));
    }

    #[test]
    fn secrets_are_redacted_wherever_they_are() {
        let mut value = json!({
            "access_token": "AT", "refresh_token": null, "token_type": "bearer",
            "results": [{"exchangeOnlineSettings": {"Password": "pw", "applicationSecret": "s", "account": "a"}}]
        });
        redact(&mut value);
        assert_eq!(
            value,
            json!({
                "access_token": REDACTED, "refresh_token": null, "token_type": "bearer",
                "results": [{"exchangeOnlineSettings": {"Password": REDACTED, "applicationSecret": REDACTED, "account": "a"}}]
            })
        );
    }
}
