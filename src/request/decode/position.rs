//! Where in a JSON text a decoding error happened, as a JSON pointer.
//!
//! `serde_json` says where it stopped (line and column), not which value it
//! was reading. Finding the value from the position lets the lenient decoder
//! decode with the very function the generated client already uses
//! (`serde_json::from_slice::<T>`), instead of a second decoder per response
//! type that tracks the path (`serde_path_to_error` over a `Value`: a second
//! copy of every response type's `Deserialize` in the library).
//!
//! When `serde_json` refuses a value, it has just read it (a string, a
//! number, `true`), or stands at its first byte (an array or object where
//! something else was expected), or has just read the closing brace of an
//! object that lacks a member. In each case the innermost value whose text
//! spans the position (its first byte to just past its last) is the value
//! the error is about; a key is never a value, so an error about a key
//! (`unknown field`) names the object that holds it.

use serde_json::Value;
use serde_json::error::Category;

/// The pointer of the value `error` is about in `text` (one line, as
/// `serde_json` writes `value`) and what is wrong with it; the pointer is
/// `None` if the error has no position on the text.
///
/// One error is worded here: a list (or object) with more items than its
/// type reads. `serde_json` reports the first item left over as "trailing
/// characters"; the value is the list, and the message says so the way
/// `serde_json` does when it decodes from a `Value`.
pub(crate) fn locate(text: &[u8], error: &serde_json::Error, value: &Value) -> (Option<String>, String) {
    let message = message_of(error);
    if error.line() != 1 || text.contains(&b'\n') {
        return (None, message);
    }
    // On one line the column is the number of bytes read.
    let at = error.column();
    if error.classify() == Category::Syntax && message == "trailing characters" {
        // The position is one byte past where the leftover item starts.
        let Some(list) = at.checked_sub(1).and_then(|start| container_at(text, start)) else { return (None, message) };
        let message = match value.pointer(&list) {
            Some(Value::Array(items)) => format!("invalid length {}, expected fewer elements in array", items.len()),
            Some(Value::Object(members)) => format!("invalid length {}, expected fewer elements in map", members.len()),
            _ => message,
        };
        return (Some(list), message);
    }
    (pointer_at(text, at), message)
}

/// The message of `error` without the position `serde_json` appends to it.
fn message_of(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&position) {
        Some(message) if error.line() != 0 => message.to_owned(),
        _ => text,
    }
}

/// The pointer of the innermost value of `text` that spans byte `at`, or
/// `None` if `text` is not JSON or no value spans it.
fn pointer_at(text: &[u8], at: usize) -> Option<String> {
    let mut scan = Scan { text, index: 0, at, containers: false, path: Vec::new(), found: None };
    scan.value().ok()?;
    scan.found
}

/// The pointer of the innermost list or object of `text` that holds byte
/// `at` inside its brackets.
fn container_at(text: &[u8], at: usize) -> Option<String> {
    let mut scan = Scan { text, index: 0, at, containers: true, path: Vec::new(), found: None };
    scan.value().ok()?;
    scan.found
}

struct Scan<'a> {
    text: &'a [u8],
    index: usize,
    at: usize,
    /// Looking for a list or object strictly around `at` (not any value
    /// from its first byte to just past its last).
    containers: bool,
    /// The pointer segments (escaped) of the value being read.
    path: Vec<String>,
    found: Option<String>,
}

/// The text is not JSON where the scan stands.
struct Malformed;

impl Scan<'_> {
    /// Reads one value; records its pointer if it is the innermost value
    /// spanning `at` (children are read first, so they win).
    fn value(&mut self) -> Result<(), Malformed> {
        self.whitespace();
        let start = self.index;
        let container = matches!(self.peek()?, b'{' | b'[');
        match self.peek()? {
            b'{' => self.object()?,
            b'[' => self.array()?,
            b'"' => self.string().map(drop)?,
            _ => self.scalar()?,
        }
        let spans = if self.containers {
            container && start < self.at && self.at < self.index
        } else {
            (start..=self.index).contains(&self.at)
        };
        if self.found.is_none() && spans {
            self.found = Some(self.path.iter().map(|s| format!("/{s}")).collect());
        }
        Ok(())
    }

    fn object(&mut self) -> Result<(), Malformed> {
        self.index += 1;
        self.whitespace();
        if self.peek()? == b'}' {
            self.index += 1;
            return Ok(());
        }
        loop {
            self.whitespace();
            let key = self.string()?;
            let key: String = serde_json::from_slice(key).map_err(|_| Malformed)?;
            self.whitespace();
            self.expect(b':')?;
            self.path.push(key.replace('~', "~0").replace('/', "~1"));
            self.value()?;
            self.path.pop();
            self.whitespace();
            match self.next()? {
                b',' => continue,
                b'}' => return Ok(()),
                _ => return Err(Malformed),
            }
        }
    }

    fn array(&mut self) -> Result<(), Malformed> {
        self.index += 1;
        self.whitespace();
        if self.peek()? == b']' {
            self.index += 1;
            return Ok(());
        }
        let mut item = 0_usize;
        loop {
            self.path.push(item.to_string());
            self.value()?;
            self.path.pop();
            self.whitespace();
            match self.next()? {
                b',' => item += 1,
                b']' => return Ok(()),
                _ => return Err(Malformed),
            }
        }
    }

    /// Reads a string; returns its text with the quotes.
    fn string(&mut self) -> Result<&[u8], Malformed> {
        let start = self.index;
        self.expect(b'"')?;
        loop {
            match self.next()? {
                b'\\' => {
                    self.next()?;
                }
                b'"' => return Ok(&self.text[start..self.index]),
                _ => {}
            }
        }
    }

    /// A number, `true`, `false` or `null`: up to the next delimiter.
    fn scalar(&mut self) -> Result<(), Malformed> {
        let start = self.index;
        while self.index < self.text.len() && !b",]} \t\r\n".contains(&self.text[self.index]) {
            self.index += 1;
        }
        if self.index == start { Err(Malformed) } else { Ok(()) }
    }

    fn whitespace(&mut self) {
        while self.index < self.text.len() && b" \t\r\n".contains(&self.text[self.index]) {
            self.index += 1;
        }
    }

    fn peek(&self) -> Result<u8, Malformed> {
        self.text.get(self.index).copied().ok_or(Malformed)
    }

    fn next(&mut self) -> Result<u8, Malformed> {
        let byte = self.peek()?;
        self.index += 1;
        Ok(byte)
    }

    fn expect(&mut self, byte: u8) -> Result<(), Malformed> {
        if self.next()? == byte { Ok(()) } else { Err(Malformed) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_innermost_value_spanning_a_byte() {
        let text = br#"{"a":1,"b":[true,{"c~/d":"x"}],"e":{}}"#;
        let at = |needle: &str| text.windows(needle.len()).position(|w| w == needle.as_bytes()).unwrap();
        // Just past a value, and at its first byte.
        assert_eq!(pointer_at(text, at(",\"b\"")).as_deref(), Some("/a"));
        assert_eq!(pointer_at(text, at("[true")).as_deref(), Some("/b"));
        assert_eq!(pointer_at(text, at("true") + 4).as_deref(), Some("/b/0"));
        assert_eq!(pointer_at(text, at("\"x\"") + 3).as_deref(), Some("/b/1/c~0~1d"));
        assert_eq!(pointer_at(text, at("{}") + 2).as_deref(), Some("/e"));
        // A key is not a value: its object is.
        assert_eq!(pointer_at(text, at("\"c~") + 3).as_deref(), Some("/b/1"));
        assert_eq!(pointer_at(text, text.len()).as_deref(), Some(""));
        assert_eq!(pointer_at(text, text.len() + 1), None);
        assert_eq!(pointer_at(br#"{"a":"#, 3), None, "not JSON");
    }

    #[test]
    fn a_key_with_escapes_is_read_as_its_text() {
        let text = br#"{"\u00e9\"":[1,2]}"#;
        assert_eq!(pointer_at(text, text.len() - 2).as_deref(), Some("/\u{e9}\"/1"));
    }

    #[test]
    fn the_position_serde_json_gives_names_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            n: u8,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            items: Vec<Inner>,
            name: Option<String>,
        }
        let cases: &[(&str, &str, &str)] = &[
            (r#"{"items":[{"n":1},{"n":"x"}]}"#, "/items/1/n", "invalid type: string \"x\", expected u8"),
            (r#"{"items":[{"n":1},{"n":300}]}"#, "/items/1/n", "invalid value: integer `300`, expected u8"),
            (r#"{"items":[{"n":1},{}]}"#, "/items/1", "missing field `n`"),
            (r#"{"items":{"n":1}}"#, "/items", "invalid type: map, expected a sequence"),
            (r#"{"items":[],"name":[1]}"#, "/name", "invalid type: sequence, expected a string"),
            (r#"{"items":[],"name":{"a":[1]}}"#, "/name", "invalid type: map, expected a string"),
        ];
        for (text, pointer, message) in cases {
            let error = serde_json::from_str::<Outer>(text).unwrap_err();
            let value: Value = serde_json::from_str(text).unwrap();
            let (found, said) = locate(text.as_bytes(), &error, &value);
            assert_eq!((found.as_deref(), said.as_str()), (Some(*pointer), *message), "{text}");
        }
    }

    /// A list with more items than its type reads: the list is the value.
    #[test]
    fn leftover_items_name_their_list() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Pair(u8, u8);
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Holder {
            pair: Pair,
        }
        for (text, length) in
            [(r#"{"pair":[1,2,3]}"#, 3), (r#"{"pair":[1,2,[4,5]]}"#, 3), (r#"{"pair":[1,2,"long text",{}]}"#, 4)]
        {
            let error = serde_json::from_str::<Holder>(text).unwrap_err();
            let value: Value = serde_json::from_str(text).unwrap();
            let (found, said) = locate(text.as_bytes(), &error, &value);
            let message = format!("invalid length {length}, expected fewer elements in array");
            assert_eq!((found.as_deref(), said.as_str()), (Some("/pair"), message.as_str()), "{text}");
        }
    }
}
