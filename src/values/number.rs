//! Numbers as servers write them: as JSON numbers, or as strings that hold one.
//!
//! The generated types keep plain `i64`, `f64`, `Option<i64>` fields; the
//! code generator attaches these functions with `deserialize_with` to every
//! such field, so `"expires_in": "3600"` reads as `3600`. Encoding writes a
//! JSON number, the documented form. A value that does not fit the field
//! (`1e400`, `"12x"`, `2.5` for an integer) is still refused: it would have
//! to be changed to fit, and a changed value is a lost one.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, SeqAccess, Visitor};

/// A number type a field can have.
pub trait Number: Sized {
    /// What the error message says was expected.
    const EXPECTING: &'static str;
    /// The value, if it fits.
    fn from_i64(value: i64) -> Option<Self>;
    /// The value, if it fits.
    fn from_u64(value: u64) -> Option<Self>;
    /// The value, if it fits exactly.
    fn from_f64(value: f64) -> Option<Self>;
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl Number for $t {
            const EXPECTING: &'static str = concat!("an integer (", stringify!($t), "), or a string holding one");

            fn from_i64(value: i64) -> Option<Self> {
                Self::try_from(value).ok()
            }

            fn from_u64(value: u64) -> Option<Self> {
                Self::try_from(value).ok()
            }

            fn from_f64(value: f64) -> Option<Self> {
                // 3600.0 is the integer 3600; 2.5 and 1e400 are not integers.
                if value.fract() != 0.0 || !value.is_finite() || value.abs() >= 1e19 {
                    return None;
                }
                Self::try_from(value as i128).ok()
            }
        }
    )*};
}

integer!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float {
    ($($t:ty),*) => {$(
        impl Number for $t {
            const EXPECTING: &'static str = "a number, or a string holding one";

            fn from_i64(value: i64) -> Option<Self> {
                Some(value as $t)
            }

            fn from_u64(value: u64) -> Option<Self> {
                Some(value as $t)
            }

            fn from_f64(value: f64) -> Option<Self> {
                let value = value as $t;
                value.is_finite().then_some(value)
            }
        }
    )*};
}

float!(f32, f64);

struct Lenient<T>(PhantomData<T>);

impl<'de, T: Number> Visitor<'de> for Lenient<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        T::from_i64(value).ok_or_else(|| E::invalid_value(de::Unexpected::Signed(value), &self))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        T::from_u64(value).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        T::from_f64(value).ok_or_else(|| E::invalid_value(de::Unexpected::Float(value), &self))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        let refused = || E::invalid_value(de::Unexpected::Str(text), &self);
        let trimmed = text.trim();
        if let Ok(value) = trimmed.parse::<i64>() {
            return T::from_i64(value).ok_or_else(refused);
        }
        if let Ok(value) = trimmed.parse::<u64>() {
            return T::from_u64(value).ok_or_else(refused);
        }
        // Only plain decimal notation: "inf", "NaN" and "" are not numbers here.
        let decimal = !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
        match trimmed.parse::<f64>() {
            Ok(value) if decimal => T::from_f64(value).ok_or_else(refused),
            _ => Err(refused()),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        super::refuse::list(seq, &self)
    }
}

/// Reads a number field: a JSON number, or a string holding one.
pub fn lenient<'de, D: Deserializer<'de>, T: Number>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(Lenient(PhantomData))
}

/// Reads an optional number field: as [`lenient`], and `null` as `None`.
pub fn lenient_option<'de, D: Deserializer<'de>, T: Number>(deserializer: D) -> Result<Option<T>, D::Error> {
    struct Optional<T>(PhantomData<T>);

    impl<'de, T: Number> Visitor<'de> for Optional<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
            lenient(deserializer).map(Some)
        }
    }

    deserializer.deserialize_option(Optional(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Fields {
        #[serde(deserialize_with = "super::lenient")]
        count: i64,
        #[serde(default, deserialize_with = "super::lenient_option")]
        small: Option<u8>,
        #[serde(default, deserialize_with = "super::lenient_option")]
        ratio: Option<f64>,
    }

    fn read(json: &str) -> Result<Fields, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_and_strings_holding_them_read() {
        let expect = |count, small, ratio| Fields { count, small, ratio };
        assert_eq!(read(r#"{"count": 3600}"#), Ok(expect(3600, None, None)));
        assert_eq!(read(r#"{"count": "3600", "small": " 7 ", "ratio": "0.5"}"#), Ok(expect(3600, Some(7), Some(0.5))));
        assert_eq!(read(r#"{"count": 3600.0, "small": null, "ratio": 2}"#), Ok(expect(3600, None, Some(2.0))));
        assert_eq!(read(r#"{"count": "-9223372036854775808"}"#), Ok(expect(i64::MIN, None, None)));
        assert_eq!(read(r#"{"count": "1e3"}"#), Ok(expect(1000, None, None)));
    }

    #[test]
    fn what_does_not_fit_is_refused_not_changed() {
        for (json, needle) in [
            (r#"{"count": 2.5}"#, "2.5"),
            (r#"{"count": "12x"}"#, "\"12x\""),
            (r#"{"count": ""}"#, "\"\""),
            (r#"{"count": "NaN"}"#, "NaN"),
            (r#"{"count": 18446744073709551616}"#, "1.8446744073709552e+19"),
            (r#"{"count": "9223372036854775808"}"#, "9223372036854775808"),
            (r#"{"count": 1, "small": 300}"#, "300"),
            (r#"{"count": 1, "ratio": "inf"}"#, "inf"),
            (r#"{"count": true}"#, "boolean"),
            (r#"{"count": null}"#, "null"),
        ] {
            let err = read(json).unwrap_err();
            assert!(err.contains(needle) && err.contains("expected"), "{json}: {err}");
        }
    }
}
