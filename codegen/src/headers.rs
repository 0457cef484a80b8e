//! Leaves the `api-version` header out of every request.
//!
//! progenitor adds `api-version: <info.version>` to each request it
//! builds. VB365 chooses the version by path (`/v8/...`); the header would
//! carry the document's own revision, which no server reads and a server
//! or proxy could only misread. Leaving it out here, rather than removing
//! it from each request at run time, spares every call a header map
//! allocation, an insert and a removal.

use quote::ToTokens;

use crate::generate::module;

/// Removes the `api-version` header from the `send()` of every operation
/// builder, and the capacity reserved for it. Fails when there is no such
/// header to remove, so that a progenitor that builds headers differently
/// is noticed instead of silently sending it again.
pub(crate) fn no_api_version_header(file: &mut syn::File) -> Result<usize, String> {
    let builders = module(&mut file.items, "builder")?;
    let mut removed = 0;
    for item in builders {
        let syn::Item::Impl(block) = item else { continue };
        for member in &mut block.items {
            let syn::ImplItem::Fn(function) = member else { continue };
            if function.sig.ident != "send" {
                continue;
            }
            let before = function.block.stmts.len();
            function.block.stmts.retain(|stmt| !stmt.to_token_stream().to_string().contains("\"api-version\""));
            let gone = before - function.block.stmts.len();
            if gone != 1 {
                return Err(format!(
                    "expected one `api-version` header in a generated `send()`, found {gone}: \
                     progenitor builds headers differently now"
                ));
            }
            let others = function.block.stmts.iter().any(|stmt| {
                let text = stmt.to_token_stream().to_string();
                text.contains("header_map . append") || text.contains("header_map . insert")
            });
            for stmt in &mut function.block.stmts {
                one_less_header(stmt, others);
            }
            removed += gone;
        }
    }
    if removed == 0 {
        return Err("no generated `send()` has an `api-version` header to leave out".into());
    }
    Ok(removed)
}

/// `let mut header_map = HeaderMap::with_capacity(N)` reserves one place
/// fewer (`with_capacity(0)` allocates nothing), and is no longer `mut`
/// when no `others` are added to it.
fn one_less_header(stmt: &mut syn::Stmt, others: bool) {
    let syn::Stmt::Local(local) = stmt else { return };
    if !others
        && let syn::Pat::Ident(binding) = &mut local.pat
        && binding.ident == "header_map"
    {
        binding.mutability = None;
    }
    let Some(init) = &mut local.init else { return };
    let syn::Expr::Call(call) = &mut *init.expr else { return };
    let syn::Expr::Path(function) = &*call.func else { return };
    if function.path.segments.last().is_none_or(|s| s.ident != "with_capacity") {
        return;
    }
    let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })) = call.args.first_mut() else { return };
    if let Ok(places) = n.base10_parse::<usize>() {
        *n = syn::LitInt::new(&format!("{}usize", places.saturating_sub(1)), n.span());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(send: &str) -> syn::File {
        syn::parse_str(&format!("pub mod builder {{ impl Op {{ pub async fn send(self) {{ {send} }} }} }}")).unwrap()
    }

    #[test]
    fn the_header_and_its_place_go() {
        let mut f = file(
            r#"let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
               header_map.append(::reqwest::header::HeaderName::from_static("api-version"), ::reqwest::header::HeaderValue::from_static(super::Client::api_version()));
               header_map.append("x-other", value);
               send(header_map)"#,
        );
        assert_eq!(no_api_version_header(&mut f), Ok(1));
        let text = f.to_token_stream().to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains("with_capacity (1usize)"), "{text}");
        assert!(text.contains("x-other"), "{text}");
        assert!(text.contains("let mut header_map"), "{text}");
    }

    #[test]
    fn a_map_left_empty_is_not_mut() {
        let mut f = file(
            r#"let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
               header_map.append(::reqwest::header::HeaderName::from_static("api-version"), ::reqwest::header::HeaderValue::from_static(super::Client::api_version()));
               send(header_map)"#,
        );
        assert_eq!(no_api_version_header(&mut f), Ok(1));
        let text = f.to_token_stream().to_string();
        assert!(
            text.contains("let header_map = :: reqwest :: header :: HeaderMap :: with_capacity (0usize)"),
            "{text}"
        );
    }

    #[test]
    fn a_send_without_the_header_is_an_error() {
        let mut f = file("let mut header_map = HeaderMap::with_capacity(1usize); send(header_map)");
        assert!(no_api_version_header(&mut f).unwrap_err().contains("found 0"));
        let mut none: syn::File = syn::parse_str("pub mod builder {}").unwrap();
        assert!(no_api_version_header(&mut none).is_err());
    }
}
