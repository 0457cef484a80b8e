//! Generation settings and the generator run.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;
use schemars::schema::{InstanceType, SchemaObject};

use crate::{Document, Error, ErrorKind, check, open_enums};

/// The one set of generation settings, shared by `build.rs` and the xtask.
///
/// - builder-style methods, one per operation;
/// - every `type: string, format: password` becomes `crate::Secret`, which
///   never prints its value;
/// - every `type: string, format: date-time` becomes `crate::DateTime`, which
///   reads what servers write (no offset, seven fraction digits) and keeps it;
/// - every named string enumeration becomes an open enum (see `enums`);
/// - number fields also read strings holding a number, and optional
///   collections read `null` as empty (see `lenient`);
/// - `x-rust-type` may name a type of this crate (`vb365::...`);
/// - the client carries the crate's shared state (`crate::ClientState`: tokens,
///   settings) and must be given hooks (`crate::hooks`), which add the bearer
///   token, refresh it, retry and limit response sizes.
pub fn settings(doc: &Document) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote!(::std::sync::Arc<crate::ClientState>))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq")
        .with_crate("vb365", progenitor::CrateVers::Any, None)
        .with_conversion(string_format("password"), "crate::Secret", [TypeImpl::FromStr, TypeImpl::Display].into_iter())
        .with_conversion(
            string_format("date-time"),
            "crate::DateTime",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        );
    for open in open_enums(doc) {
        settings.with_replacement(
            &open.name,
            format!("crate::types::{}", open.name),
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        );
    }
    settings
}

/// `type: string` with this `format` (descriptions do not matter to the match).
fn string_format(format: &str) -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some(format.to_owned()),
        ..SchemaObject::default()
    }
}

/// Checks the document and generates the client's Rust source.
///
/// The output is formatted with prettyplease. Structural problems and
/// generator panics come back as an [`Error`] that names the file.
pub fn generate(doc: &Document) -> Result<String, Error> {
    let problems = check(doc);
    if !problems.is_empty() {
        return Err(Error::new(&doc.path, ErrorKind::Structure(problems)));
    }
    let spec = doc.openapi()?;
    let settings = settings(doc);
    let tokens = quietly(|| Generator::new(&settings).generate_tokens(&spec))
        .map_err(|panic| Error::new(&doc.path, ErrorKind::Generator(panic)))?
        .map_err(|e| Error::new(&doc.path, ErrorKind::Generator(e.to_string())))?;

    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::new(&doc.path, ErrorKind::Generator(format!("unparsable output: {e}"))))?;
    let enums = open_enums(doc).iter().map(|e| e.to_tokens()).collect::<Vec<_>>();
    crate::prune::unused_type_builders(&mut file).map_err(|e| Error::new(&doc.path, ErrorKind::Generator(e)))?;
    crate::headers::no_api_version_header(&mut file).map_err(|e| Error::new(&doc.path, ErrorKind::Generator(e)))?;
    crate::paths::uuid_path_parameters(&mut file).map_err(|e| Error::new(&doc.path, ErrorKind::Generator(e)))?;
    crate::sends::shared_sends(&mut file).map_err(|e| Error::new(&doc.path, ErrorKind::Generator(e)))?;
    let types = types_module(&mut file).map_err(|e| Error::new(&doc.path, ErrorKind::Generator(e)))?;
    crate::lenient::make_lenient(types);
    add_items(types, quote! { #(#enums)* }).map_err(|e| Error::new(&doc.path, ErrorKind::Generator(e)))?;
    let json = doc.to_json_string();
    let source = doc.path.display().to_string();
    file.items.push(syn::parse_quote! {
        /// The OpenAPI document this client was generated from, as JSON
        /// (extensions included).
        pub const OPENAPI_DOCUMENT: &str = #json;
    });
    file.items.push(syn::parse_quote! {
        /// Where the document was read from when the client was generated.
        pub const OPENAPI_SOURCE: &str = #source;
    });
    let (families, _) = crate::families(doc);
    let table: syn::File = syn::parse2(crate::families::to_tokens(&families))
        .map_err(|e| Error::new(&doc.path, ErrorKind::Generator(format!("the family table does not parse: {e}"))))?;
    file.items.extend(table.items);
    let streamed = streamed_operations(doc);
    file.items.push(syn::parse_quote! {
        /// The operations that answer a file as a stream of bytes: their
        /// success bodies are neither limited in size nor kept in memory.
        pub const STREAMED_OPERATIONS: &[&str] = &[#(#streamed),*];
    });
    let secrets = secret_properties(doc);
    file.items.push(syn::parse_quote! {
        /// Names of the properties the document marks `format: password`;
        /// their values are redacted from anything the client prints.
        pub const SECRET_PROPERTIES: &[&str] = &[#(#secrets),*];
    });
    Ok(format!(
        "// @generated by vb365-codegen from {source}; edit the document, not this file.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// The operationIds whose success answer is `application/octet-stream`.
fn streamed_operations(doc: &Document) -> Vec<String> {
    let paths = doc.json.get("paths").and_then(|p| p.as_object()).into_iter().flatten();
    let operations = paths.flat_map(|(_, item)| item.as_object().into_iter().flatten().map(|(_, op)| op));
    let mut out: Vec<String> = operations
        .filter(|op| crate::codecs::answers_bytes(op))
        .filter_map(|op| op.get("operationId").and_then(|id| id.as_str()).map(str::to_owned))
        .collect();
    out.sort();
    out
}

/// The names of every property whose schema is `format: password`.
fn secret_properties(doc: &Document) -> Vec<String> {
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (name, schema) in map.get("properties").and_then(|p| p.as_object()).into_iter().flatten() {
                    if schema.get("format").and_then(|f| f.as_str()) == Some("password") && !out.contains(name) {
                        out.push(name.clone());
                    }
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&doc.json, &mut out);
    out.sort();
    out
}

/// The items of the generated `types` module.
fn types_module(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, String> {
    module(&mut file.items, "types")
}

/// The items of the inline module `name` among `items`: progenitor's
/// `types` and `builder`, or typify's `types::builder`.
pub(crate) fn module<'a>(items: &'a mut [syn::Item], name: &str) -> Result<&'a mut Vec<syn::Item>, String> {
    items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor produced no `{name}` module"))
}

fn add_items(items: &mut Vec<syn::Item>, extra: proc_macro2::TokenStream) -> Result<(), String> {
    let extra: syn::File = syn::parse2(extra).map_err(|e| format!("open enums do not parse: {e}"))?;
    items.extend(extra.items);
    Ok(())
}

/// Runs `f`, turning a panic into its message without printing a backtrace.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let message = Arc::new(Mutex::new(None::<String>));
    let previous = panic::take_hook();
    let sink = Arc::clone(&message);
    panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| String::from("unknown panic"));
        let at = info.location().map(|l| format!(" (at {}:{})", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut slot) = sink.lock() {
            *slot = Some(format!("{text}{at}"));
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|_| {
        message.lock().ok().and_then(|mut m| m.take()).unwrap_or_else(|| String::from("the generator panicked"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_panics_become_errors() {
        let caught = quietly(|| -> u8 { panic!("boom") }).unwrap_err();
        assert!(caught.starts_with("boom"), "{caught}");
    }

    #[test]
    fn structural_problems_stop_generation_with_the_file_name() {
        let doc = Document::parse(
            "openapi/broken.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {x-source: s, responses: {'200': {description: ok}}}\n",
        )
        .unwrap();
        let err = generate(&doc).unwrap_err().to_string();
        assert!(err.starts_with("openapi/broken.yaml: /paths/~1a/get: has no operationId"), "{err}");
    }

    /// Every operation of the project's document has a `send()` of a shape
    /// `sends` knows: none is left compiled on its own.
    #[test]
    fn every_send_is_shared() {
        let doc = Document::load(std::path::Path::new("../openapi/vb365.yaml")).unwrap();
        let code = generate(&doc).unwrap();
        let operations = code.matches("pub fn send(").count();
        assert!(operations > 200, "{operations}");
        assert_eq!(code.matches("async fn send").count(), 0);
        assert_eq!(code.matches("crate::request::exchange::").count(), operations);
    }
}
