//! A value that must never be printed: a password, token or assertion.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroize;

/// A password, token or assertion.
///
/// `Debug` and `Display` print `[redacted]`, so a secret cannot leak through
/// a log line, an error message or a `{:?}` of a struct that holds one. The
/// value is sent to the server as it is (serialization writes it in clear)
/// and read with [`Secret::expose`].
///
/// When a `Secret` is dropped, the string it owns is overwritten with zeros.
/// That is all the wiping there is: copies made on the way to the server are
/// not wiped (the serialized request body, the `Authorization` header, which
/// is marked sensitive so HTTP tooling does not print it, and buffers inside
/// the HTTP and TLS stack), and neither is a string the caller made the
/// secret from with `From<&str>`.
///
/// Every `format: password` property of the OpenAPI document is generated as
/// this type.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Call this only where the value must leave the
    /// program: in a request body or header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(value))
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let secret = Secret::from("hunter2");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(format!("{:#?}", Some(&secret)), "Some(\n    Secret([redacted]),\n)");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn serializes_in_clear_for_the_wire() {
        let secret: Secret = serde_json::from_str("\"hunter2\"").unwrap();
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"hunter2\"");
    }
}
