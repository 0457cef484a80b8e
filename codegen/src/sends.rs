//! Moves what every operation's `send()` does after building its request
//! into three shared functions (`crate::request::exchange`).
//!
//! progenitor writes each `send()` as an `async fn` that builds the request,
//! runs the hooks, sends it and matches the status: a state machine per
//! operation, which the compiler checks, borrow-checks and lowers once per
//! operation, the largest part of the library's build. Only the building
//! differs between operations; the rest differs by how the success answer is
//! read (JSON, no body, a stream of bytes), its status and the error
//! statuses. Here `send()` becomes a plain function that builds the request
//! (in `request()`) and hands it to the shared function for its kind of
//! answer, which does exactly what the generated code did.
//!
//! A `send()` whose tail is not one of the shapes below is left as
//! progenitor wrote it: still correct, only not shared.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::generate::module;

/// How the success answer of an operation is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Json,
    Empty,
    Stream,
}

/// What a generated `send()` does after its request is built.
#[derive(Debug, PartialEq, Eq)]
struct Tail {
    operation: String,
    answer: Answer,
    success: u16,
    errors: Vec<(u16, u16)>,
}

/// Rewrites every `send()` of the operation builders whose tail has a known
/// shape; returns how many, so a caller can tell when progenitor's output
/// changed shape.
pub(crate) fn shared_sends(file: &mut syn::File) -> Result<usize, String> {
    let builders = module(&mut file.items, "builder")?;
    let mut rewritten = 0;
    for item in builders {
        let syn::Item::Impl(block) = item else { continue };
        let Some(at) = block.items.iter().position(|m| matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let syn::ImplItem::Fn(send) = &block.items[at] else { continue };
        if block.items.iter().any(|m| matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "request")) {
            continue;
        }
        let Some((request, shared)) = rewrite(send) else { continue };
        block.items[at] = syn::ImplItem::Fn(shared);
        block.items.insert(at, syn::ImplItem::Fn(request));
        rewritten += 1;
    }
    Ok(rewritten)
}

/// The builder's `request()` (the statements before the hooks) and the new
/// `send()`, or `None` when `send` does not have a known shape.
fn rewrite(send: &syn::ImplItemFn) -> Option<(syn::ImplItemFn, syn::ImplItemFn)> {
    send.sig.asyncness?;
    let syn::ReturnType::Type(_, output) = &send.sig.output else { return None };
    let error = error_type(output)?;
    let stmts = &send.block.stmts;
    let at = stmts.iter().position(|s| compact(s).starts_with("letinfo=OperationInfo{"))?;
    let tail = tail(&stmts[at..])?;
    let built = &stmts[..at];
    if !built.last().is_some_and(|s| compact(s).contains("letmutrequest=")) {
        return None;
    }
    let attrs = &send.attrs;
    let request: syn::ImplItemFn = syn::parse_quote! {
        fn request(self) -> ::std::result::Result<::reqwest::Request, #error> {
            #(#built)*
            ::std::result::Result::Ok(request)
        }
    };
    let Tail { operation, answer, success, errors } = tail;
    let function = match answer {
        Answer::Json => quote!(json),
        Answer::Empty => quote!(empty),
        Answer::Stream => quote!(stream),
    };
    let errors = errors.iter().map(|(low, high)| quote!((#low, #high)));
    let shared: syn::ImplItemFn = syn::parse_quote! {
        #(#attrs)*
        pub fn send(self) -> impl ::std::future::Future<Output = #output> {
            let client = self.client;
            crate::request::exchange::#function(client, self.request(), #operation, #success, &[#(#errors),*])
        }
    };
    Some((request, shared))
}

/// `Error<E>` of `Result<ResponseValue<T>, Error<E>>`.
fn error_type(output: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = output else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.iter().collect::<Vec<_>>()[..] {
        [_, syn::GenericArgument::Type(error)] => Some(error),
        _ => None,
    }
}

/// Reads the statements from `let info = ...` to the end: the hooks, then
/// one success arm, error ranges, and the catch-all.
fn tail(stmts: &[syn::Stmt]) -> Option<Tail> {
    let [info, pre, exec, post, response, answer] = stmts else { return None };
    let operation = operation_id(info)?;
    let expected = [
        (pre, "client.pre(&mutrequest,&info).await?;"),
        (exec, "letresult=client.exec(request,&info).await;"),
        (post, "client.post(&result,&info).await?;"),
        (response, "letresponse=result?;"),
    ];
    if expected.iter().any(|(stmt, text)| compact(*stmt) != *text) {
        return None;
    }
    let syn::Stmt::Expr(syn::Expr::Match(matched), None) = answer else { return None };
    if compact(&matched.expr) != "response.status().as_u16()" {
        return None;
    }
    let [first, middle @ .., last] = &matched.arms[..] else { return None };
    let success = int_pattern(&first.pat)?;
    let answer = match body(&first.body).as_str() {
        "ResponseValue::from_response(response).await" => Answer::Json,
        "Ok(ResponseValue::empty(response))" => Answer::Empty,
        "Ok(ResponseValue::stream(response))" => Answer::Stream,
        _ => return None,
    };
    let mut errors = Vec::new();
    for arm in middle {
        let range = range_pattern(&arm.pat)?;
        if body(&arm.body) != "Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))" {
            return None;
        }
        errors.push(range);
    }
    if !matched.arms.iter().all(unguarded) {
        return None;
    }
    if !matches!(last.pat, syn::Pat::Wild(_)) || body(&last.body) != "Err(Error::UnexpectedResponse(response))" {
        return None;
    }
    Some(Tail { operation, answer, success, errors })
}

/// `"..."` of `let info = OperationInfo { operation_id: "..." };`.
fn operation_id(stmt: &syn::Stmt) -> Option<String> {
    let syn::Stmt::Local(local) = stmt else { return None };
    let syn::Expr::Struct(info) = &*local.init.as_ref()?.expr else { return None };
    let [field] = &info.fields.iter().collect::<Vec<_>>()[..] else { return None };
    match (&field.member, &field.expr) {
        (syn::Member::Named(name), syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(id), .. }))
            if name == "operation_id" =>
        {
            Some(id.value())
        }
        _ => None,
    }
}

/// An arm is its pattern, `=>` and its body (no `if` guard).
fn unguarded(arm: &syn::Arm) -> bool {
    let whole = compact(arm);
    let bare = format!("{}=>{}", compact(&arm.pat), compact(&arm.body));
    whole.trim_end_matches(',') == bare
}

fn int_pattern(pat: &syn::Pat) -> Option<u16> {
    let syn::Pat::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. }) = pat else { return None };
    n.base10_parse().ok()
}

fn range_pattern(pat: &syn::Pat) -> Option<(u16, u16)> {
    let syn::Pat::Range(range) = pat else { return None };
    if !matches!(range.limits, syn::RangeLimits::Closed(_)) {
        return None;
    }
    let bound = |e: &Option<Box<syn::Expr>>| match e.as_deref() {
        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })) => n.base10_parse().ok(),
        _ => None,
    };
    Some((bound(&range.start)?, bound(&range.end)?))
}

/// An arm's body as [`compact`] text: without the braces around a lone
/// expression, and without trailing commas in calls.
fn body(expr: &syn::Expr) -> String {
    let inner = match expr {
        syn::Expr::Block(block) if block.attrs.is_empty() && block.label.is_none() => match &block.block.stmts[..] {
            [syn::Stmt::Expr(inner, None)] => inner,
            _ => expr,
        },
        _ => expr,
    };
    compact(inner).replace(",)", ")")
}

/// The tokens without spaces, to compare with the shapes above.
fn compact(tokens: &impl ToTokens) -> String {
    let text: TokenStream = tokens.to_token_stream();
    text.to_string().chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(send: &str) -> syn::File {
        syn::parse_str(&format!("pub mod builder {{ impl<'a> GetJob<'a> {{ {send} }} }}")).unwrap()
    }

    const JSON: &str = r#"
        ///Sends a `GET` request to `/v6/Jobs/{jobId}`
        pub async fn send(self) -> Result<ResponseValue<types::Job>, Error<types::ExceptionInfo>> {
            let Self { client, job_id } = self;
            let job_id = job_id.map_err(Error::InvalidRequest)?;
            let url = format!("{}/v6/Jobs/{}", client.baseurl, job_id,);
            #[allow(unused_mut)]
            let mut request = client.client.get(url).build()?;
            let info = OperationInfo { operation_id: "get_job" };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16..=499u16 => {
                    Err(Error::ErrorResponse(ResponseValue::from_response(response).await?,),)
                }
                500u16..=599u16 => {
                    Err(Error::ErrorResponse(ResponseValue::from_response(response).await?,),)
                }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }"#;

    #[test]
    fn a_json_send_builds_its_request_and_hands_it_on() {
        let mut file = builder(JSON);
        assert_eq!(shared_sends(&mut file).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        let code = compact(&file);
        assert!(
            code.contains("fnrequest(self)->::std::result::Result<::reqwest::Request,Error<types::ExceptionInfo>>"),
            "{text}"
        );
        assert!(
            code.contains(
                "#[allow(unused_mut)]letmutrequest=client.client.get(url).build()?;::std::result::Result::Ok(request)}"
            ),
            "{text}"
        );
        assert!(code.contains(
            "pubfnsend(self)->impl::std::future::Future<Output=Result<ResponseValue<types::Job>,Error<types::ExceptionInfo>>>{letclient=self.client;crate::request::exchange::json(client,self.request(),\"get_job\",200u16,&[(400u16,499u16),(500u16,599u16)])}"
        ), "{text}");
        assert!(text.contains("///Sends a `GET` request to `/v6/Jobs/{jobId}`"), "the doc comment stays");
        assert!(!text.contains("async fn send"), "{text}");
        assert!(!text.contains("client.pre("), "the hooks run in the shared function");
    }

    #[test]
    fn no_body_and_a_stream_pick_their_own_function() {
        let empty = JSON.replace(
            "200u16 => ResponseValue::from_response(response).await",
            "204u16 => Ok(ResponseValue::empty(response))",
        );
        let mut file = builder(&empty);
        assert_eq!(shared_sends(&mut file).unwrap(), 1);
        assert!(compact(&file).contains("crate::request::exchange::empty(client,self.request(),\"get_job\",204u16"));
        let stream = JSON.replace(
            "200u16 => ResponseValue::from_response(response).await",
            "200u16 => Ok(ResponseValue::stream(response))",
        );
        let mut file = builder(&stream);
        assert_eq!(shared_sends(&mut file).unwrap(), 1);
        assert!(compact(&file).contains("crate::request::exchange::stream(client,self.request(),\"get_job\",200u16"));
    }

    #[test]
    fn an_unknown_shape_is_left_as_it_was() {
        for changed in [
            JSON.replace("client.post(&result, &info).await?;", "client.post(&result, &info).await.ok();"),
            JSON.replace("_ => Err(Error::UnexpectedResponse(response)),", "_ => todo!(),"),
            JSON.replace("200u16 => ResponseValue", "200u16 | 201u16 => ResponseValue"),
            JSON.replace("400u16..=499u16 => {", "400u16..=499u16 => { let _ = 1;"),
            JSON.replace("pub async fn send", "pub fn send"),
            JSON.replace("200u16 => ResponseValue", "200u16 if true => ResponseValue"),
        ] {
            let mut file = builder(&changed);
            let before = prettyplease::unparse(&file);
            assert_eq!(shared_sends(&mut file).unwrap(), 0, "{changed}");
            assert_eq!(prettyplease::unparse(&file), before);
        }
    }
}
