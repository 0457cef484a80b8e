//! Open enumerations.
//!
//! typify generates closed enums, so a value added by a newer server would
//! fail the whole response. Every named string enumeration of the document is
//! instead replaced by an enum with an `Unrecognized(UnknownValue)` variant, emitted
//! through the `open_enum!` macro of the vb365 crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Document;

/// A named string enumeration of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEnum {
    /// The schema name, also the Rust type name.
    pub name: String,
    /// The schema's description, for the doc comment.
    pub description: Option<String>,
    /// `(Rust variant, wire value)` pairs in document order.
    pub variants: Vec<(String, String)>,
}

impl OpenEnum {
    /// Reads an enumeration schema; the error says what to fix.
    pub fn from_schema(name: &str, schema: &Value) -> Result<Self, String> {
        if schema.get("type").and_then(Value::as_str) != Some("string") {
            return Err(String::from("enumerations must be `type: string`"));
        }
        let values = schema
            .get("enum")
            .and_then(Value::as_array)
            .ok_or("`enum` must be a list")?
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or("enum values must be strings"))
            .collect::<Result<Vec<_>, _>>()?;
        if values.is_empty() {
            return Err(String::from("`enum` is empty"));
        }
        let names: Vec<String> = match schema.get("x-enum-varnames") {
            Some(Value::Array(names)) if names.len() == values.len() => names
                .iter()
                .map(|n| n.as_str().map(str::to_owned).ok_or("x-enum-varnames must be strings"))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(String::from("`x-enum-varnames` must list one name per enum value")),
            None => values.iter().map(|v| pascal_case(v)).collect(),
        };
        for (variant, value) in names.iter().zip(&values) {
            if !is_identifier(variant) || variant == "Unrecognized" {
                return Err(format!(
                    "enum value `{value}` gives no usable Rust variant name (`{variant}`); name it in `x-enum-varnames`"
                ));
            }
        }
        Ok(Self {
            name: name.to_owned(),
            description: schema.get("description").and_then(Value::as_str).map(str::to_owned),
            variants: names.into_iter().zip(values).collect(),
        })
    }

    /// The `open_enum!` invocation that defines this type.
    pub fn to_tokens(&self) -> TokenStream {
        let name = format_ident!("{}", self.name);
        let doc = self.description.clone().unwrap_or_default();
        let variants = self.variants.iter().map(|(variant, value)| {
            let variant = format_ident!("{}", variant);
            let doc = format!("`{value}`");
            quote! { #[doc = #doc] #variant => #value }
        });
        quote! {
            crate::values::open_enum! {
                #[doc = #doc]
                #name { #(#variants,)* }
            }
        }
    }
}

/// Every named string enumeration, in document order; malformed ones are
/// left to [`crate::check`] to report.
pub fn open_enums(doc: &Document) -> Vec<OpenEnum> {
    doc.json
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, schema)| schema.get("enum").is_some())
        .filter_map(|(name, schema)| OpenEnum::from_schema(name, schema).ok())
        .collect()
}

fn pascal_case(value: &str) -> String {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_come_from_values_or_varnames() {
        let e = OpenEnum::from_schema("T", &json!({"type": "string", "enum": ["Office365", "on-premises"]})).unwrap();
        assert_eq!(
            e.variants,
            vec![("Office365".into(), "Office365".into()), ("OnPremises".into(), "on-premises".into())]
        );
        let e = OpenEnum::from_schema(
            "G",
            &json!({"type": "string", "enum": ["urn:x:y"], "x-enum-varnames": ["JwtBearer"]}),
        )
        .unwrap();
        assert_eq!(e.variants[0].0, "JwtBearer");
    }

    #[test]
    fn unusable_names_are_refused() {
        let err = OpenEnum::from_schema("T", &json!({"type": "string", "enum": ["1st"]})).unwrap_err();
        assert!(err.contains("x-enum-varnames"), "{err}");
        let err = OpenEnum::from_schema("T", &json!({"type": "string", "enum": ["Unrecognized"]})).unwrap_err();
        assert!(err.contains("x-enum-varnames"), "{err}");
        assert!(OpenEnum::from_schema("T", &json!({"type": "integer", "enum": [1]})).is_err());
    }
}
