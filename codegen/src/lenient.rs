//! Lenient reading of the fields servers write loosely.
//!
//! The generated structs keep plain Rust field types; this pass attaches a
//! `deserialize_with` to the fields whose plain serde reading is stricter
//! than what servers send:
//!
//! - numbers (`i64`, `Option<f64>`, ...) also read from strings holding a
//!   number (`crate::values::number`);
//! - optional collections (a `Vec` or map with `#[serde(default)]`) read
//!   `null` as empty (`crate::values::null`); `Option` fields already read
//!   `null` as `None`.
//!
//! Only structs that derive `Deserialize` are touched, and a field that
//! already names a `deserialize_with` or a `default = "..."` function keeps it.

use proc_macro2::TokenTree;

const NUMBERS: &[&str] = &["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64"];
const COLLECTIONS: &[&str] = &["Vec", "HashMap", "BTreeMap", "Map"];

/// What a field needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Number,
    OptionalNumber,
    NullAsEmpty,
}

/// Attaches the lenient readers to every struct in `items` that derives
/// `Deserialize`; returns how many fields it changed.
pub(crate) fn make_lenient(items: &mut [syn::Item]) -> usize {
    let mut changed = 0;
    for item in items {
        let syn::Item::Struct(item) = item else { continue };
        if !derives_deserialize(&item.attrs) {
            continue;
        }
        let syn::Fields::Named(fields) = &mut item.fields else { continue };
        for field in &mut fields.named {
            let serde = serde_words(&field.attrs);
            if serde.iter().any(|w| w == "deserialize_with" || w == "with" || w == "default=") {
                continue;
            }
            let has_default = serde.iter().any(|w| w == "default");
            let Some(need) = need(&field.ty, has_default) else { continue };
            let attr: syn::Attribute = match (need, has_default) {
                (Need::Number, _) => syn::parse_quote!(#[serde(deserialize_with = "crate::values::number::lenient")]),
                (Need::OptionalNumber, true) => {
                    syn::parse_quote!(#[serde(deserialize_with = "crate::values::number::lenient_option")])
                }
                (Need::OptionalNumber, false) => {
                    syn::parse_quote!(#[serde(default, deserialize_with = "crate::values::number::lenient_option")])
                }
                (Need::NullAsEmpty, _) => {
                    syn::parse_quote!(#[serde(deserialize_with = "crate::values::null::or_default")])
                }
            };
            field.attrs.push(attr);
            changed += 1;
        }
    }
    changed
}

fn need(ty: &syn::Type, has_default: bool) -> Option<Need> {
    let (name, inner) = last_segment(ty)?;
    if NUMBERS.contains(&name.as_str()) {
        return Some(Need::Number);
    }
    if name == "Option" {
        let (inner_name, _) = inner.and_then(|t| last_segment(&t))?;
        return NUMBERS.contains(&inner_name.as_str()).then_some(Need::OptionalNumber);
    }
    (has_default && COLLECTIONS.contains(&name.as_str())).then_some(Need::NullAsEmpty)
}

/// The last path segment's name and its first type argument.
fn last_segment(ty: &syn::Type) -> Option<(String, Option<syn::Type>)> {
    let syn::Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    let argument = match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    };
    Some((segment.ident.to_string(), argument))
}

fn derives_deserialize(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let tokens = a.meta.require_list().map(|l| l.tokens.to_string()).unwrap_or_default();
        tokens.contains("Deserialize")
    })
}

/// The words of every `#[serde(...)]` on a field: `default`, `rename`,
/// `deserialize_with`, and `default=` for `default = "path"`.
fn serde_words(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut words = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let Ok(list) = attr.meta.require_list() else { continue };
        let tokens: Vec<TokenTree> = list.tokens.clone().into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            let TokenTree::Ident(ident) = token else { continue };
            let assigned = matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '=');
            let word = ident.to_string();
            words.push(if word == "default" && assigned { String::from("default=") } else { word });
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::*;

    /// For tests: the attributes of a field after the pass, as text.
    fn field_attrs(source: TokenStream, field: &str) -> Vec<String> {
        let mut file: syn::File = syn::parse2(source).unwrap();
        make_lenient(&mut file.items);
        file.items
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) => s.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == field)),
                _ => None,
            })
            .map(|f| f.attrs.iter().map(|a| quote!(#a).to_string()).collect())
            .unwrap_or_default()
    }

    fn source() -> TokenStream {
        quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Page {
                pub limit: i64,
                #[serde(rename = "eTag", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub e_tag: ::std::option::Option<i64>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub ratio: ::std::option::Option<f64>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub folders: ::std::vec::Vec<::std::string::String>,
                pub results: ::std::vec::Vec<::std::string::String>,
                #[serde(default = "defaults::page_size")]
                pub size: i64,
                pub name: ::std::string::String,
            }
            #[derive(Clone, Debug)]
            pub struct Builder {
                limit: i64,
            }
        }
    }

    #[test]
    fn numbers_read_leniently() {
        let attrs = field_attrs(source(), "limit");
        assert_eq!(attrs.last().unwrap(), "# [serde (deserialize_with = \"crate::values::number::lenient\")]");
        let attrs = field_attrs(source(), "e_tag");
        assert!(attrs.last().unwrap().contains("number::lenient_option"), "{attrs:?}");
        assert!(!attrs.last().unwrap().contains("default"), "no second `default`: {attrs:?}");
        let attrs = field_attrs(source(), "ratio");
        assert!(attrs.last().unwrap().contains("default , deserialize_with"), "{attrs:?}");
    }

    #[test]
    fn optional_collections_read_null_as_empty() {
        assert!(field_attrs(source(), "folders").last().unwrap().contains("null::or_default"));
        assert_eq!(field_attrs(source(), "results").len(), 0, "a required list stays strict");
    }

    #[test]
    fn other_fields_and_types_are_left_alone() {
        assert_eq!(field_attrs(source(), "name").len(), 0);
        assert_eq!(field_attrs(source(), "size").len(), 1, "a schema default keeps its function");
        let mut file: syn::File = syn::parse2(source()).unwrap();
        assert_eq!(make_lenient(&mut file.items), 4);
        let syn::Item::Struct(builder) = &file.items[1] else { panic!() };
        assert!(builder.fields.iter().all(|f| f.attrs.is_empty()), "only types that derive Deserialize");
    }
}
