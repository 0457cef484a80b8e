//! A mutation fuzzer for everything the client reads from a server.
//!
//! Inputs are arbitrary bytes, mutations of the recorded examples (types
//! swapped, fields dropped or added, numbers far out of range, deep
//! nesting, huge strings, cut or corrupted text) and header-like values.
//! Each input goes through every decoder the facade uses (the generated
//! types via `serde_json`, the lenient fallback and its repairs, the
//! error-message and snippet readers), through the token path (a decoded
//! token response becomes the token in use, with its renewal time), and,
//! as a header value, through what the client reads from headers
//! (`Retry-After` on `429`/`503` and the wait it leads to, the body limit).
//! None may panic or take long; each must give a value or a typed error.
//!
//! `cargo test` runs a short, fixed-seed pass. The long run:
//!
//! ```sh
//! VB365_FUZZ_INPUTS=1000000 cargo test --release -p vb365 --all-features --lib request::decode::fuzz -- --nocapture
//! ```
//!
//! `VB365_FUZZ_SEED` picks another seed; a failure prints the seed, the
//! input number and the input.

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::RetryConfig;
use crate::request::auth::Current;
use crate::request::hooks::{limit_body, retry_after_of};
use crate::request::redact;
use crate::types::{
    BackupAccount, ExceptionInfo, JobItem, JobItemPage, Organization, OrganizationPage, ResourceLinks, RestoreSession,
    SelectedMailboxPage, ServiceInstance, Token,
};

/// The recorded response examples the mutations start from.
const SEEDS: &[&str] = &[
    include_str!("../../../openapi/examples/list_backup_accounts.response.200.json"),
    include_str!("../../../openapi/examples/set_backup_accounts.response.200.json"),
    include_str!("../../../openapi/examples/list_job_selected_mailboxes.response.200.json"),
    include_str!("../../../openapi/examples/add_organization.response.200.json"),
    include_str!("../../../openapi/examples/explore_tenant_organization.response.200.json"),
    include_str!("../../../openapi/examples/create_token.response.200.constructed.json"),
    include_str!("../../../openapi/examples/list_organizations.response.200.constructed.json"),
    include_str!("../../../openapi/examples/get_organization.response.200.constructed.json"),
    include_str!("../../../openapi/examples/get_restore_session.response.200.constructed.json"),
    include_str!("../../../openapi/examples/list_backup_accounts.response.404.constructed.json"),
    include_str!("../../../openapi/examples/get_service_instance_v8.response.200.constructed.json"),
    include_str!("../../../openapi/examples/list_job_selected_items.response.200.constructed.json"),
    include_str!("../../../openapi/examples/list_job_selected_items_v8.response.200.constructed.json"),
    include_str!("../../../openapi/examples/list_organizations_v8.response.200.constructed.json"),
    include_str!("../../../openapi/examples/get_restore_session_v8.response.200.constructed.json"),
];

/// Inputs of the short run inside `cargo test`.
const SHORT_RUN: u64 = 1_000;
/// No single input may take longer than this (unoptimized, all decoders).
const PER_INPUT_BUDGET: Duration = Duration::from_secs(5);

#[test]
fn no_input_panics_or_hangs_any_decoder() {
    let (inputs, seed, seeds) = run();
    let mut rng = Rng(seed);
    let started = Instant::now();
    let (mut slowest, mut decoded, mut refused) = (Duration::ZERO, 0u64, 0u64);
    for n in 0..inputs {
        let input = match rng.below(8) {
            0 | 1 => arbitrary_bytes(&mut rng),
            2 => header_value(&mut rng),
            _ => mutated_example(&mut rng, &seeds),
        };
        let begun = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| every_decoder(&input)));
        let took = begun.elapsed();
        let Ok((ok, err)) = outcome else {
            panic!("seed {seed:#x}, input {n}: a decoder panicked on {}", show(&input));
        };
        assert!(took < PER_INPUT_BUDGET, "seed {seed:#x}, input {n}: took {took:?} on {}", show(&input));
        slowest = slowest.max(took);
        decoded += ok;
        refused += err;
    }
    println!(
        "decode fuzz: {inputs} inputs (seed {seed:#x}), {decoded} decoded and {refused} refused with a typed error, \
         in {:.1} s; slowest input {:.1} ms",
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1000.0
    );
    assert!(decoded > 0 && refused > 0, "the fuzzer should produce both kinds");
}

/// How many inputs, from which seed, and the examples the mutations start
/// from.
fn run() -> (u64, u64, Vec<Value>) {
    let inputs = env_number("VB365_FUZZ_INPUTS").unwrap_or(SHORT_RUN);
    let seed = env_number("VB365_FUZZ_SEED").unwrap_or(0x05ee_d0f7_b365);
    // The archived examples indent with U+00A0, which JSON does not allow;
    // none appears inside a string.
    let seeds = SEEDS.iter().map(|s| serde_json::from_str(&s.replace('\u{a0}', " ")).unwrap()).collect();
    (inputs, seed, seeds)
}

/// Something the fuzzers do with each response type.
trait EachType {
    fn with<T: DeserializeOwned + PartialEq + std::fmt::Debug>(&mut self, operation: &'static str);
}

/// The response types the fuzzers decode (the token aside, which the
/// decoder fuzzer also puts to use), each with an operation that answers it.
fn each_response_type(each: &mut impl EachType) {
    each.with::<Vec<Organization>>("list_organizations");
    each.with::<Organization>("get_organization");
    each.with::<Vec<BackupAccount>>("list_backup_accounts");
    each.with::<ResourceLinks>("set_backup_accounts");
    each.with::<SelectedMailboxPage>("list_job_selected_mailboxes");
    each.with::<RestoreSession>("get_restore_session");
    each.with::<ExceptionInfo>("list_backup_accounts");
    each.with::<ServiceInstance>("get_service_instance");
    each.with::<Vec<JobItem>>("list_job_selected_items");
    each.with::<JobItemPage>("list_job_selected_items_v8");
    each.with::<OrganizationPage>("list_organizations_v8");
}

/// Runs every decoder on `input`; counts values and typed errors.
fn every_decoder(input: &[u8]) -> (u64, u64) {
    let mut counts = (0, 0);
    let mut tally = |ok: bool| if ok { counts.0 += 1 } else { counts.1 += 1 };
    let token = decode::<Token>("create_token", input);
    tally(token.is_some());
    if let Some(token) = token {
        // The token in use, as after a login: renewal time and header.
        for margin in [Duration::ZERO, Duration::from_secs(60), Duration::MAX] {
            tally(Current::from_token(&token, Instant::now(), margin).is_ok());
        }
    }
    struct Decode<'a, F>(&'a [u8], F);
    impl<F: FnMut(bool)> EachType for Decode<'_, F> {
        fn with<T: DeserializeOwned + PartialEq + std::fmt::Debug>(&mut self, operation: &'static str) {
            (self.1)(decode::<T>(operation, self.0).is_some());
        }
    }
    each_response_type(&mut Decode(input, &mut tally));
    let _ = redact::message_of("list_backup_accounts", input);
    let _ = redact::snippet("add_organization", input);
    every_header_reader(input);
    counts
}

/// What the facade does with a body: the generated type, then the lenient
/// fallback; a repair and an error must render.
fn decode<T: DeserializeOwned>(operation: &'static str, input: &[u8]) -> Option<T> {
    if let Ok(value) = serde_json::from_slice::<T>(input) {
        return Some(value);
    }
    match super::leniently::<T>(operation, input, false) {
        Ok((value, repairs)) => {
            for repair in &repairs {
                assert!(repair.to_string().starts_with(operation), "{repair}");
                let _ = format!("{repair:?}");
            }
            Some(value)
        }
        Err(e) => {
            let text = e.to_string();
            assert!(text.starts_with(operation), "{text}");
            None
        }
    }
}

/// The lenient decoder finds the value a decoding error is about from the
/// error's position (`position`); before, it decoded each pass again with
/// `serde_path_to_error`, which tracks the path but is a second decoder per
/// response type. Over the mutated examples, both must decode the same
/// values, set aside the same members and fail with the same errors.
#[test]
fn finding_the_failing_value_by_its_position_matches_tracking_its_path() {
    let (inputs, seed, seeds) = run();
    let mut rng = Rng(seed);
    let mut tally = Tally::default();
    for n in 0..inputs {
        let input = mutated_example(&mut rng, &seeds);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            struct Alike<'a>(&'a [u8], Tally);
            impl EachType for Alike<'_> {
                fn with<T: DeserializeOwned + PartialEq + std::fmt::Debug>(&mut self, operation: &'static str) {
                    self.1.add(alike::<T>(operation, self.0));
                }
            }
            let mut both = Alike(&input, Tally::default());
            both.with::<Token>("create_token");
            each_response_type(&mut both);
            both.1
        }));
        match outcome {
            Ok(t) => tally.sum(&t),
            Err(_) => panic!("seed {seed:#x}, input {n}: the two decoders differ on {}", show(&input)),
        }
    }
    println!("position against path: {inputs} inputs (seed {seed:#x}), {tally:?}");
    assert!(tally.repaired > 0 && tally.refused > 0, "the inputs should need repairs and fail: {tally:?}");
}

/// How the two decoders' answers ended, counted over all inputs.
#[derive(Debug, Default)]
struct Tally {
    clean: u64,
    repaired: u64,
    refused: u64,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Clean => self.clean += 1,
            Outcome::Repaired => self.repaired += 1,
            Outcome::Refused => self.refused += 1,
        }
    }

    fn sum(&mut self, other: &Tally) {
        self.clean += other.clean;
        self.repaired += other.repaired;
        self.refused += other.refused;
    }
}

enum Outcome {
    Clean,
    Repaired,
    Refused,
}

/// Both decoders on `input`, lenient and strict; panics where they differ.
fn alike<T: DeserializeOwned + PartialEq + std::fmt::Debug>(operation: &'static str, input: &[u8]) -> Outcome {
    let mut outcome = Outcome::Clean;
    for strict in [false, true] {
        match (super::leniently::<T>(operation, input, strict), by_path::<T>(operation, input, strict)) {
            (Ok(new), Ok(old)) => {
                assert_eq!(new, old, "strict: {strict}");
                if !new.1.is_empty() {
                    outcome = Outcome::Repaired;
                }
            }
            (Err(new), Err(old)) => {
                assert_eq!(new.to_string(), old.to_string(), "strict: {strict}");
                if !strict {
                    outcome = Outcome::Refused;
                }
            }
            (new, old) => panic!("strict: {strict}: by position {new:?}, by path {old:?}"),
        }
    }
    outcome
}

/// The lenient decoder as it was: each pass decodes the value again with
/// `serde_path_to_error`, and the path it tracked names the member.
fn by_path<T: DeserializeOwned>(
    operation: &'static str,
    bytes: &[u8],
    strict: bool,
) -> Result<(T, Vec<crate::Repair>), crate::Error> {
    let mut pass = super::Passes::new(operation, bytes, strict)?;
    loop {
        match serde_path_to_error::deserialize::<_, T>(&pass.value) {
            Ok(decoded) => return Ok((decoded, pass.repairs)),
            Err(error) => {
                let pointer = path_pointer(error.path());
                pass.set_aside(Some(pointer), &error.inner().to_string())?;
            }
        }
    }
}

fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => format!("/{variant}"),
            Segment::Unknown => String::from("/?"),
        })
        .collect()
}

/// `input` as a `Retry-After` and the body of a response: what the hooks
/// read from every response.
fn every_header_reader(input: &[u8]) {
    let Ok(value) = http::HeaderValue::from_bytes(input) else { return };
    for status in [200, 429, 503] {
        let response = http::Response::builder()
            .status(status)
            .header(http::header::RETRY_AFTER, value.clone())
            .body(reqwest::Body::from(input.to_vec()));
        let Ok(response) = response else { continue };
        let response = reqwest::Response::from(response);
        let asked = retry_after_of(response.status(), response.headers());
        for attempt in [1, 2, u32::MAX] {
            let _ = RetryConfig::default().wait_after(attempt, asked);
        }
        for limit in [0, input.len(), usize::MAX] {
            let _ =
                limit_body(reqwest::Response::from(http::Response::new(reqwest::Body::from(input.to_vec()))), limit);
        }
    }
}

/// Values a server might put in a header the client reads.
fn header_value(rng: &mut Rng) -> Vec<u8> {
    const VALUES: &[&str] = &[
        "0",
        "1",
        " 7 ",
        "-1",
        "1.5",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "",
        "\t",
        "120, 5",
    ];
    VALUES[rng.below(VALUES.len() as u64) as usize].as_bytes().to_vec()
}

fn arbitrary_bytes(rng: &mut Rng) -> Vec<u8> {
    const JSONISH: &[u8] = b"{}[]\":,0123456789.eE+-truefalsnul \\u\"abcXYZ\n\t";
    let len = rng.below(512) as usize;
    let jsonish = rng.below(2) == 0;
    (0..len)
        .map(|_| if jsonish { JSONISH[rng.below(JSONISH.len() as u64) as usize] } else { rng.next() as u8 })
        .collect()
}

fn mutated_example(rng: &mut Rng, seeds: &[Value]) -> Vec<u8> {
    let mut value = seeds[rng.below(seeds.len() as u64) as usize].clone();
    for _ in 0..=rng.below(3) {
        mutate_value(rng, &mut value);
    }
    let mut bytes = serde_json::to_vec(&value).unwrap_or_default();
    if rng.below(4) == 0 {
        mutate_bytes(rng, &mut bytes);
    }
    bytes
}

fn mutate_value(rng: &mut Rng, root: &mut Value) {
    let pointers = pointers(root);
    let pointer = &pointers[rng.below(pointers.len() as u64) as usize];
    let Some(node) = root.pointer_mut(pointer) else { return };
    match rng.below(8) {
        // Swap the type.
        0 => *node = other_type(rng, node),
        // Drop an object member.
        1 => {
            if let Value::Object(map) = node
                && let Some(key) = map.keys().nth(rng.below(map.len().max(1) as u64) as usize).cloned()
            {
                map.remove(&key);
            }
        }
        // Add a member nobody knows.
        2 => {
            if let Value::Object(map) = node {
                map.insert(format!("unknown{}", rng.below(100)), other_type(rng, &Value::Null));
            }
        }
        // Numbers far out of range, as text the parser must judge.
        3 => {
            *node = json!(
                [
                    "1e400",
                    "-1e400",
                    "18446744073709551616",
                    "-9223372036854775809",
                    "9223372036854775807",
                    "-9223372036854775808",
                    "1.5",
                    "-0",
                ][rng.below(8) as usize]
                    .parse::<serde_json::Number>()
                    .map_or(Value::Null, Value::Number)
            )
        }
        // Deep nesting.
        4 => {
            let depth = 1 + rng.below(300);
            let mut nested = node.take();
            for i in 0..depth {
                nested = if i % 2 == 0 { Value::Array(vec![nested]) } else { json!({ "x": nested }) };
            }
            *node = nested;
        }
        // A long string: 16 bytes to 1 MiB, every size as likely as its double.
        5 => *node = Value::String("A".repeat(1 << (4 + rng.below(17)))),
        // Strings that look like other things.
        6 => {
            *node = json!(
                [
                    "",
                    "true",
                    "12",
                    "9223372036854775807",
                    "-3600",
                    "null",
                    "9999-99-99T99:99:99Z",
                    "9999-12-31T23:59:59.9999999-23:59",
                    "2022-01-22T14:56:55.123456789123456789",
                    "\u{0}",
                    "ünïcødé",
                    "Unrecognized",
                ][rng.below(12) as usize]
            )
        }
        // Empty containers.
        _ => *node = if rng.below(2) == 0 { Value::Array(vec![]) } else { Value::Object(Map::new()) },
    }
}

fn other_type(rng: &mut Rng, current: &Value) -> Value {
    let options = [
        Value::Null,
        json!(true),
        json!(-1),
        json!(u64::MAX),
        json!(1.0e300),
        json!("text"),
        json!([1, "two", null]),
        json!({"a": 1}),
    ];
    let mut pick = options[rng.below(options.len() as u64) as usize].clone();
    if std::mem::discriminant(&pick) == std::mem::discriminant(current) {
        pick = Value::String(String::from("swapped"));
    }
    pick
}

fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) {
    if bytes.is_empty() {
        return;
    }
    let at = rng.below(bytes.len() as u64) as usize;
    match rng.below(5) {
        0 => bytes.truncate(at),
        1 => bytes[at] ^= 1 << rng.below(8),
        2 => bytes.insert(at, rng.next() as u8),
        3 => bytes.splice(at..at, b"\\ud800".iter().copied()).for_each(drop),
        _ => bytes.splice(at..at, [0xff, 0xfe, 0xc3]).for_each(drop),
    }
}

/// Every JSON pointer of a value, the root included.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    walk(child, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

fn show(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(&input[..input.len().min(300)]);
    format!("{} bytes: {text:?}", input.len())
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// splitmix64: small, fast, and reproducible from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}
