//! YAML text to JSON values, straight from the parser's events, with the
//! line of every value for errors that point into the file.
//!
//! A document is read into a `serde_json::Value` and nothing else, so a
//! YAML parser's event stream is all it takes: a serde layer over YAML
//! (and the encoding and error-drawing crates it brings) would cost every
//! program that depends on the client several seconds of build for nothing.
//! The build reads the OpenAPI document with it, the command line its
//! configuration files; a file is then checked as JSON (serde, JSON
//! Schema), and [`Lines`] turns the JSON pointer of a problem back into
//! the line of the file.
//!
//! Scalars follow the YAML 1.2 core schema: a plain `null`, `~` or nothing
//! is null, `true`/`false` are booleans, plain integers and floats are
//! numbers, everything else (and everything quoted) is a string. Anchors
//! and aliases work; a mapping key is the key's text; a key given twice,
//! a tag outside the core schema or a second document is an error.

#![forbid(unsafe_code)]

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};

/// Parses one YAML document. Errors read `line L column C: what`.
pub fn parse(text: &str) -> Result<Value, String> {
    parse_with_lines(text).map(|(value, _)| value)
}

/// Where each value of a document is: the line (1-based) of each
/// mapping's key and each sequence's item, by JSON pointer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines(HashMap<String, usize>);

impl Lines {
    /// The line of the value at `pointer` (`/targets/0/url`), or of the
    /// nearest value around it that has one (a key the file lacks is
    /// reported at the mapping that should hold it).
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let mut pointer = pointer;
        loop {
            if let Some(line) = self.0.get(pointer) {
                return Some(*line);
            }
            let (parent, _) = pointer.rsplit_once('/')?;
            pointer = parent;
        }
    }
}

/// Parses one YAML document and says where each of its values is.
pub fn parse_with_lines(text: &str) -> Result<(Value, Lines), String> {
    let mut lines = Lines::default();
    let mut open: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut document: Option<Value> = None;
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| at(e.marker().line(), e.marker().col(), &e.info()))?;
        let value = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(located(&span, "a second document; the file must hold one"));
                }
                continue;
            }
            Event::SequenceStart(_, anchor, tag) => {
                core_tag(tag.as_deref(), "seq", &span)?;
                let pointer = item_pointer(&open, &span, &mut lines);
                open.push(Open::Sequence(Vec::new(), anchor, pointer));
                continue;
            }
            Event::MappingStart(_, anchor, tag) => {
                core_tag(tag.as_deref(), "map", &span)?;
                let pointer = item_pointer(&open, &span, &mut lines);
                open.push(Open::Mapping(Map::new(), None, anchor, pointer));
                continue;
            }
            Event::SequenceEnd => match open.pop() {
                Some(Open::Sequence(items, anchor, _)) => anchored(&mut anchors, anchor, Value::Array(items)),
                _ => return Err(located(&span, "a sequence ends that never began")),
            },
            Event::MappingEnd => match open.pop() {
                Some(Open::Mapping(map, None, anchor, _)) => anchored(&mut anchors, anchor, Value::Object(map)),
                _ => return Err(located(&span, "a mapping ends without a value for its last key")),
            },
            Event::Scalar(text, style, anchor, tag) => {
                // A key stays text; only values are resolved.
                if let Some(Open::Mapping(map, key @ None, _, pointer)) = open.last_mut() {
                    if map.contains_key(text.as_ref()) {
                        return Err(located(&span, &format!("the key `{text}` appears twice in one mapping")));
                    }
                    lines.0.insert(format!("{pointer}/{}", escape(&text)), span.start.line());
                    *key = Some(text.into_owned());
                    continue;
                }
                item_pointer(&open, &span, &mut lines);
                let value = scalar(&text, style, tag.as_deref(), &span)?;
                anchored(&mut anchors, anchor, value)
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(value) => value.clone(),
                None => return Err(located(&span, "an alias of an anchor not yet defined")),
            },
            _ => continue,
        };
        match open.last_mut() {
            None => document = Some(value),
            Some(Open::Sequence(items, _, _)) => items.push(value),
            Some(Open::Mapping(map, key, _, _)) => match key.take() {
                Some(key) => {
                    map.insert(key, value);
                }
                None => return Err(located(&span, "a mapping key must be text, not a sequence or mapping")),
            },
        }
    }
    Ok((document.unwrap_or(Value::Null), lines))
}

/// A collection being read: its items (for a mapping, the key waiting for
/// its value), its anchor and its JSON pointer.
enum Open {
    Sequence(Vec<Value>, usize, String),
    Mapping(Map<String, Value>, Option<String>, usize, String),
}

/// The pointer of a value that begins at `span` inside what is open, its
/// line recorded when it is a sequence's item (a mapping's value is
/// recorded at its key).
fn item_pointer(open: &[Open], span: &Span, lines: &mut Lines) -> String {
    match open.last() {
        None => String::new(),
        Some(Open::Sequence(items, _, pointer)) => {
            let pointer = format!("{pointer}/{}", items.len());
            lines.0.insert(pointer.clone(), span.start.line());
            pointer
        }
        Some(Open::Mapping(_, key, _, pointer)) => format!("{pointer}/{}", escape(key.as_deref().unwrap_or_default())),
    }
}

/// A key as a JSON pointer writes it: `~` as `~0`, `/` as `~1`.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn anchored(anchors: &mut HashMap<usize, Value>, anchor: usize, value: Value) -> Value {
    if anchor != 0 {
        anchors.insert(anchor, value.clone());
    }
    value
}

/// A scalar value by the core schema, or by its core tag (`!!str 1`).
fn scalar(text: &str, style: ScalarStyle, tag: Option<&granit_parser::Tag>, span: &Span) -> Result<Value, String> {
    if let Some(tag) = tag {
        let resolved = if tag.is_yaml_core_schema_tag("str") {
            Some(Value::String(text.to_owned()))
        } else if tag.is_yaml_core_schema_tag("null") {
            plain(text).filter(Value::is_null)
        } else if tag.is_yaml_core_schema_tag("bool") {
            plain(text).filter(Value::is_boolean)
        } else if tag.is_yaml_core_schema_tag("int") {
            plain(text).filter(|v| v.is_i64() || v.is_u64())
        } else if tag.is_yaml_core_schema_tag("float") {
            plain(text).filter(Value::is_number).and_then(|v| v.as_f64()).and_then(Number::from_f64).map(Value::Number)
        } else {
            return Err(located(
                span,
                &format!("the tag `{}{}` is not one this reader knows", tag.handle(), tag.suffix()),
            ));
        };
        return resolved.ok_or_else(|| {
            located(span, &format!("`{text}` is not a {}", tag.suffix().trim_start_matches("tag:yaml.org,2002:")))
        });
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_owned()));
    }
    Ok(plain(text).unwrap_or_else(|| Value::String(text.to_owned())))
}

/// A plain scalar that is not text: null, a boolean or a number.
fn plain(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN"
        | ".NAN" => {
            // JSON has no infinities or NaN; they stay text.
            return None;
        }
        _ => {}
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = text.strip_prefix("0x") {
        return digits(hex, 16).then(|| u64::from_str_radix(hex, 16).ok().map(Value::from)).flatten();
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return digits(octal, 8).then(|| u64::from_str_radix(octal, 8).ok().map(Value::from)).flatten();
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned, 10) {
        return match text.parse::<i64>() {
            Ok(n) => Some(Value::from(n)),
            Err(_) => text.strip_prefix('+').unwrap_or(text).parse::<u64>().ok().map(Value::from),
        };
    }
    // [-+]? ( . digits | digits ( . digits? )? ) ( [eE] [-+]? digits )?
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() && digits(fraction, 10))
                || (digits(whole, 10) && (fraction.is_empty() || digits(fraction, 10)))
        }
        None => digits(mantissa, 10),
    };
    if mantissa_ok && exponent.is_none_or(|e| digits(e, 10)) {
        return text.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number);
    }
    None
}

/// A collection's tag, if any, must be the core one for its kind.
fn core_tag(tag: Option<&granit_parser::Tag>, kind: &str, span: &Span) -> Result<(), String> {
    match tag {
        Some(tag) if !tag.is_yaml_core_schema_tag(kind) => {
            Err(located(span, &format!("the tag `{}{}` is not one this reader knows", tag.handle(), tag.suffix())))
        }
        _ => Ok(()),
    }
}

fn located(span: &Span, what: &str) -> String {
    at(span.start.line(), span.start.col(), what)
}

fn at(line: usize, column: usize, what: &str) -> String {
    format!("line {line} column {}: {what}", column + 1)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scalars_follow_the_core_schema() {
        let text = "a: 3.0.3\nb: '1'\nc: 1\nd: -2\ne: 1.5\nf: true\ng: ~\nh:\ni: yes\nj: \"true\"\nk: 0x1F\nl: 1e3\nm: .5\nn: 9007199254740993\no: !!str 7\np: |\n  two\n  lines\n";
        assert_eq!(
            parse(text).unwrap(),
            json!({"a": "3.0.3", "b": "1", "c": 1, "d": -2, "e": 1.5, "f": true, "g": null, "h": null, "i": "yes",
                   "j": "true", "k": 31, "l": 1000.0, "m": 0.5, "n": 9007199254740993u64, "o": "7", "p": "two\nlines\n"})
        );
    }

    #[test]
    fn keys_stay_text_and_collections_nest() {
        let text = "responses:\n  200: {description: ok}\n  '404': {description: gone}\nlist: [1, [two], {three: 3}]\ntrue: key\n";
        assert_eq!(
            parse(text).unwrap(),
            json!({"responses": {"200": {"description": "ok"}, "404": {"description": "gone"}},
                   "list": [1, ["two"], {"three": 3}], "true": "key"})
        );
    }

    #[test]
    fn anchors_and_aliases() {
        let text = "base: &b {type: string}\nother: *b\nitems: [&x 1, *x]\n";
        assert_eq!(
            parse(text).unwrap(),
            json!({"base": {"type": "string"}, "other": {"type": "string"}, "items": [1, 1]})
        );
    }

    #[test]
    fn every_value_has_its_line() {
        let text = "organization: contoso\njobs:\n  - name: A\n    select:\n      - user: alice\n      - {group: Finance}\n  - name: B/C\n";
        let (value, lines) = parse_with_lines(text).unwrap();
        assert_eq!(value["jobs"][1]["name"], "B/C");
        let line = |pointer: &str| lines.line(pointer);
        assert_eq!(line("/organization"), Some(1));
        assert_eq!((line("/jobs"), line("/jobs/0"), line("/jobs/0/name")), (Some(2), Some(3), Some(3)));
        assert_eq!((line("/jobs/0/select/0/user"), line("/jobs/0/select/1")), (Some(5), Some(6)));
        assert_eq!(line("/jobs/1/name"), Some(7));
        assert_eq!(line("/jobs/0/select/1/missing"), Some(6), "a key not in the file: its mapping's line");
        assert_eq!(line("/nothing"), None);
    }

    #[test]
    fn mistakes_are_located() {
        let error = |text: &str| parse(text).unwrap_err();
        assert!(
            error("a: 1\na: 2\n").starts_with("line 2 column 1: the key `a` appears twice"),
            "{}",
            error("a: 1\na: 2\n")
        );
        assert!(error("openapi: [3.0.3\n").starts_with("line "), "{}", error("openapi: [3.0.3\n"));
        assert!(error("a: 1\n---\nb: 2\n").contains("a second document"), "{}", error("a: 1\n---\nb: 2\n"));
        assert!(error("? [a]\n: 1\n").contains("must be text"), "{}", error("? [a]\n: 1\n"));
        assert!(error("a: !!int one\n").contains("`one` is not a"), "{}", error("a: !!int one\n"));
        assert!(error("a: !custom 1\n").contains("not one this reader knows"), "{}", error("a: !custom 1\n"));
    }
}
