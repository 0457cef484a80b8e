//! A boolean that also accepts the strings the v1 API writes.

use std::fmt;
use std::ops::Deref;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A boolean that a server may write as `true` or as the string `"true"`.
///
/// The v1 API's `isBackedUp` is documented as a boolean but recorded as the
/// string `"true"` (see `LenientBoolean` in the OpenAPI document). This type
/// accepts both forms (strings ignoring ASCII case), always writes a JSON
/// boolean, and derefs to `bool`: `if *mailbox.is_backed_up { .. }` or
/// `bool::from(flag)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LenientBoolean(pub bool);

impl LenientBoolean {
    /// The boolean.
    pub fn get(self) -> bool {
        self.0
    }
}

impl Deref for LenientBoolean {
    type Target = bool;

    fn deref(&self) -> &bool {
        &self.0
    }
}

impl From<bool> for LenientBoolean {
    fn from(value: bool) -> Self {
        Self(value)
    }
}

impl From<LenientBoolean> for bool {
    fn from(value: LenientBoolean) -> bool {
        value.0
    }
}

impl PartialEq<bool> for LenientBoolean {
    fn eq(&self, other: &bool) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for LenientBoolean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for LenientBoolean {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.0)
    }
}

impl<'de> Deserialize<'de> for LenientBoolean {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Lenient;

        impl<'de> Visitor<'de> for Lenient {
            type Value = LenientBoolean;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean or the string \"true\" or \"false\"")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
                Ok(LenientBoolean(value))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                if value.eq_ignore_ascii_case("true") {
                    Ok(LenientBoolean(true))
                } else if value.eq_ignore_ascii_case("false") {
                    Ok(LenientBoolean(false))
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(value), &self))
                }
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                super::refuse::list(seq, &self)
            }
        }

        deserializer.deserialize_any(Lenient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_booleans_and_their_strings() {
        for (json, want) in [("true", true), ("false", false), ("\"true\"", true), ("\"False\"", false)] {
            let got: LenientBoolean = serde_json::from_str(json).unwrap();
            assert_eq!(got, want, "{json}");
        }
    }

    #[test]
    fn refuses_other_values() {
        for json in ["\"yes\"", "1", "null", "[]"] {
            assert!(serde_json::from_str::<LenientBoolean>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn writes_a_real_boolean() {
        assert_eq!(serde_json::to_string(&LenientBoolean(true)).unwrap(), "true");
    }
}
