//! Operation families: the same request in each API version it exists in.
//!
//! The document writes each operation once per version, under `/vN/`, and
//! names it after its family: the v6 (or v1) operation carries the family's
//! name, a v8 one the name with `_v8` (`get_job`, `get_job_v8`). From that
//! convention this module derives the one table that knows, for every
//! family, its operation in each version, and generates the `versioned!`
//! macro the facade dispatches with, so that a facade method never matches
//! on versions itself:
//!
//! ```ignore
//! versioned!(send self.api(), get_job, |op| op.job_id(job_id))          // one call
//! versioned!(pages self, list_jobs, page_size, [filter] |op| op.organization_id(filter.organization))
//! ```
//!
//! `send` picks the newest version the server serves, builds the request
//! with that version's builder and sends it through the client's request
//! path (one page, for a paged operation); every version's builder must
//! accept the same calls and answer the same type, which the compiler
//! checks. `send_into` is `send` for a family whose versions answer
//! different types (v6 restores at once and counts, v8 starts a restore):
//! each answer goes through `Into` to the one type the caller names.
//! `pages` walks a collection: a
//! version whose operation takes `offset` and `limit` is walked page by
//! page, one that answers at once is fetched once. Names in `[...]` are
//! cloned into each page's request.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::structure::resolve;
use crate::{Document, Problem, pointer_segment};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation of a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The API version, the `N` of `/vN/`.
    pub version: u16,
    /// The operationId.
    pub operation: String,
    /// Whether it takes `offset` and `limit` (a paged collection).
    pub paged: bool,
    /// Whether it answers a file as a stream of bytes.
    pub streamed: bool,
}

/// A family and its operations, newest version first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The family's name: the operationId without its version suffix.
    pub name: String,
    /// Its operations, newest version first.
    pub members: Vec<Member>,
    /// What replaced it, from `x-successor` (for an archived version).
    pub successor: Option<String>,
}

/// The families of the document, by name, and the problems that keep an
/// operation out of them.
pub fn families(doc: &Document) -> (Vec<Family>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut by_name: BTreeMap<String, Family> = BTreeMap::new();
    let paths = doc.json.get("paths").and_then(Value::as_object).into_iter().flatten();
    for (path, item) in paths {
        let shared = item.get("parameters");
        for (method, operation) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else { continue };
            let pointer = format!("/paths/{}/{method}", pointer_segment(path));
            let Some(version) = path_version(path) else {
                problems.push(Problem {
                    pointer,
                    message: format!("`{path}` does not start with an API version (`/v6/...`)"),
                });
                continue;
            };
            let name = match family_name(id, version) {
                Ok(name) => name,
                Err(message) => {
                    problems.push(Problem { pointer: format!("{pointer}/operationId"), message });
                    continue;
                }
            };
            let params = [shared, operation.get("parameters")];
            let query: Vec<&str> = params
                .iter()
                .flatten()
                .filter_map(|list| list.as_array())
                .flatten()
                .filter_map(|p| resolve(&doc.json, p))
                .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
                .filter_map(|p| p.get("name").and_then(Value::as_str))
                .collect();
            let paged = query.contains(&"offset") && query.contains(&"limit");
            let family = by_name.entry(name.clone()).or_insert_with(|| Family {
                name: name.clone(),
                members: Vec::new(),
                successor: None,
            });
            if family.members.iter().any(|m| m.version == version) {
                problems.push(Problem {
                    pointer: format!("{pointer}/operationId"),
                    message: format!("family `{name}` already has an operation in API v{version}"),
                });
                continue;
            }
            if let Some(successor) = operation.get("x-successor").and_then(Value::as_str) {
                family.successor = Some(successor.to_owned());
            }
            let streamed = crate::codecs::answers_bytes(operation);
            family.members.push(Member { version, operation: id.to_owned(), paged, streamed });
        }
    }
    let mut families: Vec<Family> = by_name.into_values().collect();
    for family in &mut families {
        family.members.sort_by_key(|m| std::cmp::Reverse(m.version));
    }
    (families, problems)
}

/// `get_job_v8` at `/v8/` is family `get_job`; `get_job` at `/v6/` too. An
/// operation whose suffix names another version than its path is refused.
fn family_name(id: &str, version: u16) -> Result<String, String> {
    let suffix = format!("_v{version}");
    if let Some(name) = id.strip_suffix(&suffix) {
        return Ok(name.to_owned());
    }
    let named = id.rsplit_once("_v").and_then(|(_, n)| n.parse::<u16>().ok());
    match named {
        Some(other) => Err(format!("`{id}` names API v{other} but its path is under /v{version}/")),
        None if version >= 8 => {
            Err(format!("`{id}` is under /v{version}/; name it `{id}{suffix}` (its family, then the version)"))
        }
        None => Ok(id.to_owned()),
    }
}

fn path_version(path: &str) -> Option<u16> {
    let first = path.trim_start_matches('/').split('/').next()?;
    first.strip_prefix('v')?.parse().ok().filter(|v| *v > 0)
}

/// The generated table (`families::ALL` and one constant per family) and
/// the `versioned!` macro.
pub(crate) fn to_tokens(families: &[Family]) -> TokenStream {
    let versions: std::collections::BTreeSet<u16> =
        families.iter().flat_map(|f| f.members.iter().map(|m| m.version)).collect();
    let versions = versions.into_iter();
    let constants = families.iter().map(|family| {
        let constant = format_ident!("{}", family.name.to_ascii_uppercase());
        let name = &family.name;
        let members = family.members.iter().map(|m| {
            let (version, operation) = (m.version, &m.operation);
            quote! { (crate::ApiVersion::new(#version), #operation) }
        });
        let successor = match &family.successor {
            Some(text) => quote! { Some(#text) },
            None => quote! { None },
        };
        let doc = format!(
            "`{name}`: {}.",
            family
                .members
                .iter()
                .map(|m| format!("`{}` in v{}", m.operation, m.version))
                .collect::<Vec<_>>()
                .join(", ")
        );
        quote! {
            #[doc = #doc]
            pub const #constant: crate::OperationFamily = crate::OperationFamily {
                name: #name,
                operations: &[#(#members),*],
                successor: #successor,
            };
        }
    });
    let all = families.iter().map(|f| format_ident!("{}", f.name.to_ascii_uppercase()));
    let arms = families.iter().map(arms);
    quote! {
        /// Every operation family of the document: the same request in each
        /// API version it exists in, newest first. The client uses the
        /// newest version of a family that the server serves.
        pub mod families {
            #(#constants)*
            /// Every family, by name.
            pub const ALL: &[crate::OperationFamily] = &[#(#all),*];
            /// Every version an operation of the document exists in, oldest first.
            pub const VERSIONS: &[crate::ApiVersion] = &[#(crate::ApiVersion::new(#versions)),*];
        }

        /// Sends a request of an operation family in the version the server
        /// serves (see `vb365_codegen::families`).
        macro_rules! versioned {
            #(#arms)*
        }
        pub(crate) use versioned;
    }
}

/// The `send` and `pages` arms of a family. The main arms take one
/// builder closure per version, newest first (`v8: |op| ..., v6: |op| ...`),
/// for a family whose versions take different parameters; the short arms
/// give every version the same closure.
fn arms(family: &Family) -> TokenStream {
    let name = format_ident!("{}", family.name);
    let constant = format_ident!("{}", family.name.to_ascii_uppercase());
    let family_name = &family.name;
    let label = |m: &Member| format_ident!("v{}", m.version);
    let op_var = |m: &Member| format_ident!("op{}", m.version);
    let build_var = |m: &Member| format_ident!("build{}", m.version);
    // `v8: |$op8:ident| $build8:expr, v6: ...` and what repeats one closure for each.
    let matchers = family.members.iter().map(|m| {
        let (label, op, build) = (label(m), op_var(m), build_var(m));
        quote! { #label: |$#op:ident| $#build:expr }
    });
    let matchers = quote! { #(#matchers),* };
    let repeated = family.members.iter().map(|m| {
        let label = label(m);
        quote! { #label: |$op| $build }
    });
    let repeated = quote! { #(#repeated),* };
    let passed = family.members.iter().map(|m| {
        let (label, op, build) = (label(m), op_var(m), build_var(m));
        quote! { #label: |$#op| $#build }
    });
    let passed = quote! { #(#passed),* };
    // Every arm but the newest matches its version; the newest takes the rest.
    let dispatch = |body: &dyn Fn(&Member) -> TokenStream| {
        let (newest, older) = family.members.split_first().expect("a family has an operation");
        let older = older.iter().map(|m| {
            let version = m.version;
            let body = body(m);
            quote! { ::std::result::Result::Ok(v) if v == crate::ApiVersion::new(#version) => #body, }
        });
        let newest = body(newest);
        quote! { #(#older)* ::std::result::Result::Ok(_) => #newest, }
    };
    let send_with = |convert: TokenStream| {
        dispatch(&|m: &Member| {
            let (op, build) = (op_var(m), build_var(m));
            let method = format_ident!("{}", m.operation);
            let id = &m.operation;
            let call = if m.streamed { quote!(call_stream) } else { quote!(call) };
            quote! {{
                let $#op = api.#method();
                crate::request::call::#call(&api.inner, #id, ::std::boxed::Box::pin($#build.send())).await #convert
            }}
        })
    };
    let send = send_with(quote!());
    let send_into = send_with(quote!(.map(::std::convert::Into::into)));
    let walk = dispatch(&|m: &Member| {
        let (op, build) = (op_var(m), build_var(m));
        let method = format_ident!("{}", m.operation);
        let id = &m.operation;
        if m.paged {
            quote! {
                crate::Pages::new(#id, $page_size, move |request| {
                    let client = ::std::clone::Clone::clone(&client);
                    $(#[allow(unused_variables)] let $cap = ::std::clone::Clone::clone(&$cap);)*
                    ::std::boxed::Box::pin(async move {
                        let (offset, limit) = request.checked(#id)?;
                        let $#op = client.api().#method();
                        let send = $#build.offset(offset).limit(limit).send();
                        let page = crate::request::call::call(client.state(), #id, ::std::boxed::Box::pin(send)).await?;
                        ::std::result::Result::Ok(crate::resources::paging::Page::new(
                            page.offset, page.limit, page.results, page.links.map(|links| links.next.map(|next| next.href)),
                        ))
                    })
                })
            }
        } else {
            quote! {
                crate::Pages::single(#id, move || {
                    $(#[allow(unused_variables)] let $cap = ::std::clone::Clone::clone(&$cap);)*
                    ::std::boxed::Box::pin(async move {
                        let $#op = client.api().#method();
                        crate::request::call::call(client.state(), #id, ::std::boxed::Box::pin($#build.send())).await
                    })
                })
            }
        }
    });
    quote! {
        (send $api:expr, #name, #matchers) => {{
            let api: &crate::api::Client = $api;
            match api.inner.versions.choose_family(&crate::api::families::#constant) {
                ::std::result::Result::Err(e) => ::std::result::Result::Err(e),
                #send
            }
        }};
        (send $api:expr, #name, |$op:ident| $build:expr) => {
            versioned!(send $api, #name, #repeated)
        };
        (send_into $api:expr, #name, #matchers) => {{
            let api: &crate::api::Client = $api;
            match api.inner.versions.choose_family(&crate::api::families::#constant) {
                ::std::result::Result::Err(e) => ::std::result::Result::Err(e),
                #send_into
            }
        }};
        (send_into $api:expr, #name, |$op:ident| $build:expr) => {
            versioned!(send_into $api, #name, #repeated)
        };
        (pages $client:expr, #name, $page_size:expr, [$($cap:ident),*] #matchers) => {{
            let client: crate::Client = ::std::clone::Clone::clone($client);
            match client.state().versions.choose_family(&crate::api::families::#constant) {
                ::std::result::Result::Err(e) => crate::Pages::failed(#family_name, e),
                #walk
            }
        }};
        (pages $client:expr, #name, $page_size:expr, [$($cap:ident),*] |$op:ident| $build:expr) => {
            versioned!(pages $client, #name, $page_size, [$($cap),*] #repeated)
        };
        (pages $client:expr, #name, $page_size:expr, #matchers) => {
            versioned!(pages $client, #name, $page_size, [] #passed)
        };
        (pages $client:expr, #name, $page_size:expr, |$op:ident| $build:expr) => {
            versioned!(pages $client, #name, $page_size, [] #repeated)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(paths: &str) -> Document {
        Document::parse("t.yaml", &format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}"))
            .unwrap()
    }

    const OK: &str = "x-source: s, responses: {'200': {description: ok}}";

    #[test]
    fn operations_group_by_name_and_version_newest_first() {
        let d = doc(&format!(
            "  /v6/Jobs:\n    get: {{operationId: list_jobs, {OK}}}\n  /v8/Jobs:\n    get: {{operationId: list_jobs_v8, {OK}, parameters: [{{name: offset, in: query, schema: {{type: integer}}}}, {{name: limit, in: query, schema: {{type: integer}}}}]}}\n  /v1/Old:\n    get: {{operationId: old, x-successor: 'Client::new_one', {OK}}}\n"
        ));
        let (families, problems) = families(&d);
        assert_eq!(problems, vec![]);
        let jobs = families.iter().find(|f| f.name == "list_jobs").unwrap();
        assert_eq!(
            jobs.members,
            vec![
                Member { version: 8, operation: "list_jobs_v8".into(), paged: true, streamed: false },
                Member { version: 6, operation: "list_jobs".into(), paged: false, streamed: false },
            ]
        );
        let old = families.iter().find(|f| f.name == "old").unwrap();
        assert_eq!(old.successor.as_deref(), Some("Client::new_one"));
    }

    #[test]
    fn names_that_do_not_follow_the_convention_are_refused() {
        let d = doc(&format!(
            "  /v8/Jobs:\n    get: {{operationId: list_jobs, {OK}}}\n  /v6/Jobs:\n    get: {{operationId: list_jobs_v8, {OK}}}\n  /Jobs:\n    put: {{operationId: put_jobs, {OK}}}\n"
        ));
        let (_, problems) = families(&d);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("name it `list_jobs_v8`")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("names API v8 but its path is under /v6/")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("does not start with an API version")), "{messages:?}");
    }

    #[test]
    fn a_family_has_one_operation_per_version() {
        let d = doc(&format!(
            "  /v6/Jobs:\n    get: {{operationId: list_jobs, {OK}}}\n  /v6/Jobs2:\n    get: {{operationId: list_jobs_v6, {OK}}}\n"
        ));
        let (_, problems) = families(&d);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("family `list_jobs` already has an operation in API v6"), "{problems:?}");
    }
}
