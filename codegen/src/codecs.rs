//! The table `vb365-roundtrip` decodes each recorded example with: for
//! every operation, the Rust type of its request body and its `send()`, so
//! that a new operation needs no hand-kept entry there.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::structure::resolve;
use crate::{Document, Error, ErrorKind};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The body of `codec_for`: one arm per operation and direction.
pub fn roundtrip_codecs(doc: &Document) -> Result<String, Error> {
    let mut arms = Vec::new();
    let paths = doc.json.get("paths").and_then(Value::as_object).into_iter().flatten();
    for (path, item) in paths {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else { continue };
            let builder = format_ident!("{}", upper_camel(id));
            let op = format_ident!("{id}");
            if let Some(body) = operation.get("requestBody").and_then(|b| resolve(&doc.json, b)) {
                let content = body.get("content").and_then(Value::as_object);
                let Some((media, schema)) =
                    content.and_then(|c| c.iter().next()).and_then(|(m, v)| Some((m, v.get("schema")?)))
                else {
                    continue;
                };
                let ty = rust_type(schema).ok_or_else(|| {
                    let message = format!("{method} {path}: the request body's schema has no named Rust type");
                    Error::new(&doc.path, ErrorKind::Generator(message))
                })?;
                let codec = if media == "application/x-www-form-urlencoded" { quote!(form) } else { quote!(json) };
                arms.push(quote! { (#id, Direction::Request) => #codec::<#ty, _>(|c, body| c.#op().body(body)), });
            }
            // A file the server sends as bytes is streamed, never decoded:
            // only its error body has a type to round-trip.
            if answers_bytes(operation) {
                arms.push(quote! { (#id, _) => stream(b::#builder::send, success), });
            } else {
                arms.push(quote! { (#id, _) => response(b::#builder::send, success), });
            }
        }
    }
    let function = quote! {
        /// The codec for an operation and direction, generated from the
        /// document. Response types are read off the generated `send()` of
        /// each operation, so they cannot disagree with the client; request
        /// types are checked against the builder's `body()`.
        pub fn codec_for(operation: &str, direction: Direction) -> Option<Codec> {
            use vb365::api::builder as b;
            let success = matches!(direction, Direction::Response(200..=299));
            let codec: Codec = match (operation, direction) {
                #(#arms)*
                _ => return None,
            };
            Some(codec)
        }
    };
    let file: syn::File = syn::parse2(function)
        .map_err(|e| Error::new(&doc.path, ErrorKind::Generator(format!("the codec table does not parse: {e}"))))?;
    Ok(prettyplease::unparse(&file))
}

/// Whether the operation's success answer is `application/octet-stream`.
pub(crate) fn answers_bytes(operation: &Value) -> bool {
    let responses = operation.get("responses").and_then(Value::as_object).into_iter().flatten();
    responses.filter(|(status, _)| status.starts_with('2')).any(|(_, response)| {
        response.get("content").and_then(Value::as_object).is_some_and(|c| c.contains_key("application/octet-stream"))
    })
}

/// The generated type of a named schema or a list of one.
fn rust_type(schema: &Value) -> Option<TokenStream> {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.strip_prefix("#/components/schemas/")?;
        let ident = format_ident!("{name}");
        return Some(quote!(types::#ident));
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let item = rust_type(schema.get("items")?)?;
        return Some(quote!(::std::vec::Vec<#item>));
    }
    None
}

/// `list_jobs_v8` as progenitor names its builder: `ListJobsV8`.
fn upper_camel(id: &str) -> String {
    id.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_names_follow_progenitor() {
        assert_eq!(upper_camel("list_jobs_v8"), "ListJobsV8");
        assert_eq!(upper_camel("create_token"), "CreateToken");
    }
}
