//! Writes a UUID path parameter into the path as it is.
//!
//! progenitor writes every path parameter as
//! `encode_path(&id.to_string())`: the value as text, then that text
//! percent-encoded into a second string. A UUID's text (hex digits and
//! hyphens) has nothing to encode, so for the UUID parameters, which are
//! nearly all of this API's, the operation's `format!` takes the value
//! itself: the same path, two strings fewer per call.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::punctuated::Punctuated;

use crate::generate::module;

/// Rewrites the path of every operation builder's `send()`; returns how
/// many parameters now go in as they are.
pub(crate) fn uuid_path_parameters(file: &mut syn::File) -> Result<usize, String> {
    let builders = module(&mut file.items, "builder")?;
    let uuids: Vec<(String, BTreeSet<String>)> = builders
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), uuid_fields(s))),
            _ => None,
        })
        .collect();
    let mut rewritten = 0;
    for item in builders.iter_mut() {
        let syn::Item::Impl(block) = item else { continue };
        let syn::Type::Path(subject) = &*block.self_ty else { continue };
        let Some(name) = subject.path.segments.last().map(|s| s.ident.to_string()) else { continue };
        let Some((_, fields)) = uuids.iter().find(|(n, _)| *n == name) else { continue };
        for member in &mut block.items {
            let syn::ImplItem::Fn(function) = member else { continue };
            if function.sig.ident != "send" {
                continue;
            }
            for stmt in &mut function.block.stmts {
                rewritten += as_they_are(stmt, fields)?;
            }
        }
    }
    Ok(rewritten)
}

/// The fields of a builder that hold a UUID: `x: Result<::uuid::Uuid, String>`.
fn uuid_fields(builder: &syn::ItemStruct) -> BTreeSet<String> {
    builder
        .fields
        .iter()
        .filter(|f| f.ty.to_token_stream().to_string().replace(' ', "").starts_with("Result<::uuid::Uuid,"))
        .filter_map(|f| f.ident.as_ref().map(|i| i.to_string()))
        .collect()
}

/// In `let url = format!(..)`, replaces `encode_path(&x.to_string())` by
/// `x` for each UUID field `x`.
fn as_they_are(stmt: &mut syn::Stmt, uuids: &BTreeSet<String>) -> Result<usize, String> {
    let syn::Stmt::Local(local) = stmt else { return Ok(0) };
    if !matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "url") {
        return Ok(0);
    }
    let Some(init) = &mut local.init else { return Ok(0) };
    let syn::Expr::Macro(call) = &mut *init.expr else { return Ok(0) };
    if !call.mac.path.is_ident("format") {
        return Ok(0);
    }
    let mut args = call
        .mac
        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .map_err(|e| format!("a generated path does not parse: {e}"))?;
    let mut rewritten = 0;
    for arg in args.iter_mut() {
        if let Some(name) = encoded_text_of(arg).filter(|name| uuids.contains(name)) {
            let name = syn::Ident::new(&name, proc_macro2::Span::call_site());
            *arg = syn::parse_quote!(#name);
            rewritten += 1;
        }
    }
    call.mac.tokens = args.to_token_stream();
    Ok(rewritten)
}

/// `x` of `encode_path(&x.to_string())`.
fn encoded_text_of(arg: &syn::Expr) -> Option<String> {
    let syn::Expr::Call(call) = arg else { return None };
    let syn::Expr::Path(function) = &*call.func else { return None };
    if !function.path.is_ident("encode_path") || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::Reference(reference) = &call.args[0] else { return None };
    let syn::Expr::MethodCall(method) = &*reference.expr else { return None };
    if method.method != "to_string" || !method.args.is_empty() {
        return None;
    }
    let syn::Expr::Path(receiver) = &*method.receiver else { return None };
    receiver.path.get_ident().map(|i| i.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILDER: &str = r#"pub mod builder {
        pub struct GetItem<'a> {
            client: &'a super::Client,
            job_id: Result<::uuid::Uuid, String>,
            name: Result<::std::string::String, String>,
        }
        impl<'a> GetItem<'a> {
            pub async fn send(self) {
                let url = format!("{}/v8/Jobs/{}/Items/{}", client.baseurl, encode_path(&job_id.to_string()), encode_path(&name.to_string()),);
            }
        }
    }"#;

    #[test]
    fn a_uuid_goes_in_as_it_is_and_text_is_still_encoded() {
        let mut file: syn::File = syn::parse_str(BUILDER).unwrap();
        assert_eq!(uuid_path_parameters(&mut file), Ok(1));
        let text = file.to_token_stream().to_string();
        assert!(text.contains("client . baseurl , job_id , encode_path (& name . to_string ())"), "{text}");
    }
}
