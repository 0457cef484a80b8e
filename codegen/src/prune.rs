//! Leaves out generated code nothing can use, so that every program that
//! depends on the client compiles less.
//!
//! With builder-style operations, progenitor has typify write a builder
//! (`types::builder::X`, with its setters and conversions) for every
//! struct of the document. An operation's builder uses the builder of its
//! request body (`body_map`); no other builder is used by anything, and
//! they are more than a third of the generated code. The builders of
//! request bodies stay; the rest, and the `X::builder()` functions that
//! return them, are removed.

use std::collections::BTreeSet;

use quote::ToTokens;

use crate::generate::module;

/// Removes the builders of types that no operation takes as its body.
pub(crate) fn unused_type_builders(file: &mut syn::File) -> Result<usize, String> {
    let used = used_builders(file);
    let types = module(&mut file.items, "types")?;
    let builders = module(types, "builder")?;
    let before = builders.len();
    builders.retain(|item| subject(item).is_none_or(|name| used.contains(&name)));
    let removed = before - builders.len();
    types.retain(|item| !is_builder_fn_of_unused(item, &used));
    Ok(removed)
}

/// The builders named outside the `types` module: `types::builder::X`.
fn used_builders(file: &syn::File) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for item in &file.items {
        if matches!(item, syn::Item::Mod(m) if m.ident == "types") {
            continue;
        }
        let text = item.to_token_stream().to_string();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("types :: builder :: ") {
            rest = &rest[at + "types :: builder :: ".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            used.insert(name);
        }
    }
    used
}

/// The type a builder item is about: the struct, or the type an impl is for.
fn subject(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Impl(i) => last_ident(&i.self_ty),
        _ => None,
    }
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `impl X { pub fn builder() -> builder::X }` for a builder that is removed.
fn is_builder_fn_of_unused(item: &syn::Item, used: &BTreeSet<String>) -> bool {
    let syn::Item::Impl(block) = item else { return false };
    let only_builder = block.trait_.is_none()
        && block.items.len() == 1
        && matches!(&block.items[0], syn::ImplItem::Fn(f) if f.sig.ident == "builder");
    only_builder && last_ident(&block.self_ty).is_some_and(|name| !used.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_builders_of_request_bodies_stay() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Body {}
                pub struct Answer {}
                impl Body { pub fn builder() -> builder::Body { Default::default() } }
                impl Answer { pub fn builder() -> builder::Answer { Default::default() } }
                pub mod builder {
                    pub struct Body {}
                    impl Default for Body { fn default() -> Self { Self {} } }
                    impl TryFrom<Body> for super::Body { type Error = String; fn try_from(_: Body) -> Result<Self, String> { Ok(super::Body {}) } }
                    pub struct Answer {}
                    impl Default for Answer { fn default() -> Self { Self {} } }
                    impl From<super::Answer> for Answer { fn from(_: super::Answer) -> Self { Self {} } }
                }
            }
            pub mod builder {
                pub struct AddBody { body: Result<types::builder::Body, String> }
            }
        };
        assert_eq!(unused_type_builders(&mut file).unwrap(), 3);
        let text = file.to_token_stream().to_string();
        assert!(text.contains("pub struct Body"), "{text}");
        assert!(text.contains("impl Body { pub fn builder"), "{text}");
        assert!(!text.contains("builder :: Answer"), "{text}");
        assert!(!text.contains("impl From < super :: Answer >"), "{text}");
        assert!(text.contains("pub struct Answer { }"), "the type itself stays: {text}");
    }
}
