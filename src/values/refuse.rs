//! Refusing a list only after reading it whole.
//!
//! A visitor that does not take lists refuses one, by default, as soon as it
//! has read the `[`, and `serde_json` reports the error where it stands: at
//! the list's first item. The lenient decoder finds the value an error is
//! about from that position (`request::decode::position`) and would blame
//! the first item instead of the list. Read whole first, the list is refused
//! just past its `]`, where it is the value. (An object needs nothing of the
//! kind: refused after its `{`, the error stands on a key, which is never a
//! value, so the object is the one blamed.)

use serde::de::{self, Expected, IgnoredAny, SeqAccess, Unexpected};

/// Reads every item of `seq`, then refuses it as not what `expected` says.
pub(crate) fn list<'de, A: SeqAccess<'de>, T>(mut seq: A, expected: &dyn Expected) -> Result<T, A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Err(de::Error::invalid_type(Unexpected::Seq, expected))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use crate::LenientBoolean;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Fields {
        #[serde(deserialize_with = "crate::values::number::lenient")]
        count: i64,
        flag: LenientBoolean,
    }

    /// The lenient number and boolean refuse a list just past its `]`,
    /// where the list is the value (not at its first item).
    #[test]
    fn a_list_is_refused_past_its_end() {
        for text in [r#"{"count":[1,2],"flag":true}"#, r#"{"count":1,"flag":[true,[false]]}"#] {
            let error = serde_json::from_str::<Fields>(text).unwrap_err();
            let end = text.rfind(']').unwrap() + 1;
            assert_eq!((error.line(), error.column()), (1, end), "{text}");
            assert!(error.to_string().starts_with("invalid type: sequence, expected"), "{error}");
        }
    }
}
