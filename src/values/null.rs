//! `null` where the document only allows a property to be left out.
//!
//! Servers write `null` for optional properties that the document does not
//! mark `nullable`. `Option` fields already read it as `None`; the code
//! generator attaches [`or_default`] to the optional fields that are not
//! `Option` (collections with a `default`), so `"folders": null` reads as an
//! empty list instead of failing the call.

use serde::{Deserialize, Deserializer};

/// Reads `null` as the field's default (an empty list or map).
pub fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        #[serde(default, deserialize_with = "super::or_default")]
        folders: Vec<String>,
    }

    #[test]
    fn null_absent_and_present_collections_read() {
        for (json, want) in [(r#"{"folders": null}"#, vec![]), ("{}", vec![]), (r#"{"folders": ["a"]}"#, vec!["a"])] {
            let item: Item = serde_json::from_str(json).unwrap();
            assert_eq!(item.folders, want, "{json}");
        }
        assert!(serde_json::from_str::<Item>(r#"{"folders": 3}"#).is_err());
    }
}
