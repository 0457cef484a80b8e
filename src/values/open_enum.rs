//! Enumerations that accept values this client does not know yet.
//!
//! A newer server adds values (a new restore session type, a new region); a
//! closed enum would turn that into a failed call. The code generator emits
//! one `open_enum!` per named string enumeration of the OpenAPI document.

use std::fmt;
use std::ops::Deref;

/// A value of an enumeration that this version of the client does not know,
/// exactly as the server sent it.
///
/// Only the enumeration itself makes one, from a string that is none of its
/// known values, so `Unrecognized` never holds a value that has a variant of
/// its own: `RestoreSessionType::from("Vex")` is always `Vex`, and equality,
/// hashing and serialization cannot disagree about it.
///
/// ```compile_fail
/// // The field is private: an `Unrecognized("Vex")` cannot be built.
/// let vex = vb365::types::RestoreSessionType::Unrecognized(vb365::UnknownValue(String::from("Vex")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Only for `open_enum!`, after it has ruled out every known value.
    #[doc(hidden)]
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for UnknownValue {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for UnknownValue {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for UnknownValue {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Defines a string enumeration with an `Unrecognized(String)` variant that keeps
/// any value the document does not list.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $value:literal ),* $(,)? }
    ) => {
        $(#[$meta])*
        ///
        /// Values this client does not know arrive as `Unrecognized` with the
        /// value as the server sent it, so match with a wildcard arm.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the client does not know, exactly as
            /// the server sent it (never one of the values above).
            Unrecognized(crate::UnknownValue),
        }

        impl $name {
            /// The values this version of the client knows, in the order the
            /// document lists them.
            pub const KNOWN: &'static [&'static str] = &[$($value),*];

            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unrecognized(value) => value.as_str(),
                }
            }

            /// Whether the server sent a value this client does not know.
            pub fn is_unrecognized(&self) -> bool {
                matches!(self, Self::Unrecognized(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unrecognized(crate::UnknownValue::new(other.to_owned())),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $value => Self::$variant, )*
                    _ => Self::Unrecognized(crate::UnknownValue::new(value)),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Values;

                impl ::serde::de::Visitor<'_> for Values {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }

                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }

                    fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }
                }

                deserializer.deserialize_str(Values)
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    open_enum! {
        /// A test enumeration.
        Colour { Red => "Red", DarkBlue => "dark-blue" }
    }

    #[test]
    fn known_values_round_trip() {
        let c: Colour = serde_json::from_str("\"dark-blue\"").unwrap();
        assert_eq!(c, Colour::DarkBlue);
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"dark-blue\"");
        assert_eq!(Colour::KNOWN, &["Red", "dark-blue"]);
    }

    #[test]
    fn unknown_values_are_kept() {
        let c: Colour = serde_json::from_str("\"Ultraviolet\"").unwrap();
        assert!(matches!(&c, Colour::Unrecognized(v) if v == "Ultraviolet"), "{c:?}");
        assert_eq!(c, Colour::from("Ultraviolet"));
        assert!(c.is_unrecognized());
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"Ultraviolet\"");
        assert_eq!(c.to_string(), "Ultraviolet");
    }

    #[test]
    fn a_known_value_is_never_unrecognized_however_it_is_made() {
        let made = [
            Colour::from("Red"),
            Colour::from(String::from("Red")),
            "Red".parse::<Colour>().unwrap(),
            serde_json::from_str::<Colour>("\"Red\"").unwrap(),
            serde_json::from_value::<Colour>(serde_json::json!("Red")).unwrap(),
        ];
        for colour in made {
            assert_eq!(colour, Colour::Red);
            assert!(!colour.is_unrecognized());
        }
        // Case matters on the wire, so a differently cased value is kept as sent.
        assert!(Colour::from("red").is_unrecognized());
    }

    #[test]
    fn non_strings_are_refused() {
        assert!(serde_json::from_str::<Colour>("3").is_err());
    }
}
