//! A mutation fuzzer for every response decoder of the client.
//!
//! Inputs are arbitrary bytes and mutations of the recorded examples: types
//! swapped, fields dropped or added, numbers far out of range, deep
//! nesting, huge strings, cut or corrupted text. Each input goes through
//! every decoder the facade uses (the generated types via `serde_json`, the
//! lenient fallback, the error-message and snippet readers). None may panic
//! or take long; each must give a value or a typed error.
//!
//! `cargo test` runs a short, fixed-seed pass. The long run:
//!
//! ```sh
//! VB365_FUZZ_INPUTS=1000000 cargo test --release -p vb365 --lib decode::fuzz -- --nocapture
//! ```
//!
//! `VB365_FUZZ_SEED` picks another seed; a failure prints the seed, the
//! input number and the input.

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::request::redact;
use crate::types::{
    BackupAccount, ExceptionInfo, Organization, ResourceLinks, RestoreSession, SelectedMailboxPage, Token,
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
];

/// Inputs of the short run inside `cargo test`.
const SHORT_RUN: u64 = 1_000;
/// No single input may take longer than this (unoptimized, all decoders).
const PER_INPUT_BUDGET: Duration = Duration::from_secs(5);

#[test]
fn no_input_panics_or_hangs_any_decoder() {
    let inputs = env_number("VB365_FUZZ_INPUTS").unwrap_or(SHORT_RUN);
    let seed = env_number("VB365_FUZZ_SEED").unwrap_or(0x05ee_d0f7_b365);
    // The archived examples indent with U+00A0, which JSON does not allow;
    // none appears inside a string.
    let seeds: Vec<Value> = SEEDS.iter().map(|s| serde_json::from_str(&s.replace('\u{a0}', " ")).unwrap()).collect();
    let mut rng = Rng(seed);
    let started = Instant::now();
    let (mut slowest, mut decoded, mut refused) = (Duration::ZERO, 0u64, 0u64);
    for n in 0..inputs {
        let input = if rng.below(4) == 0 { arbitrary_bytes(&mut rng) } else { mutated_example(&mut rng, &seeds) };
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

/// Runs every decoder on `input`; counts values and typed errors.
fn every_decoder(input: &[u8]) -> (u64, u64) {
    let mut counts = (0, 0);
    let mut tally = |ok: bool| if ok { counts.0 += 1 } else { counts.1 += 1 };
    tally(decode::<Token>("create_token", input));
    tally(decode::<Vec<Organization>>("list_organizations", input));
    tally(decode::<Organization>("get_organization", input));
    tally(decode::<Vec<BackupAccount>>("list_backup_accounts", input));
    tally(decode::<ResourceLinks>("set_backup_accounts", input));
    tally(decode::<SelectedMailboxPage>("list_job_selected_mailboxes", input));
    tally(decode::<RestoreSession>("get_restore_session", input));
    tally(decode::<ExceptionInfo>("list_backup_accounts", input));
    let _ = redact::message_of("list_backup_accounts", input);
    let _ = redact::snippet("add_organization", input);
    counts
}

/// What the facade does with a body: the generated type, then the lenient
/// fallback; an error must render.
fn decode<T: DeserializeOwned>(operation: &'static str, input: &[u8]) -> bool {
    if serde_json::from_slice::<T>(input).is_ok() {
        return true;
    }
    match super::leniently::<T>(operation, input, false) {
        Ok(_) => true,
        Err(e) => {
            let text = e.to_string();
            assert!(text.starts_with(operation), "{text}");
            false
        }
    }
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
                ["1e400", "-1e400", "18446744073709551616", "-9223372036854775809", "1.5", "-0"][rng.below(6) as usize]
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
                ["", "true", "12", "null", "9999-99-99T99:99:99Z", "\u{0}", "ünïcødé", "Unrecognized"]
                    [rng.below(8) as usize]
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
                    walk(child, format!("{at}/{}", super::escape(key)), out);
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
