//! `cargo bench --bench compare`: the client against hand-written code.
//!
//! A minimal HTTP/1.1 server serving fixed bytes runs in a child process (so
//! the client's memory is measured alone, and client and server each get a
//! core). Every figure is a ratio of two runs made side by side, in
//! alternating rounds, in this one process:
//!
//! 1. per call: 2,000 sequential `list_backup_accounts` calls of the recorded
//!    four-account response through (a) `vb365::Client`, (b) the generated
//!    client, (c) hand-written reqwest + serde_json with the same settings;
//! 2. decode: a 10,000-account response through the client against
//!    hand-written serde structs reading the same bytes;
//! 3. fan-out: `list_backup_accounts` for each of 1,000 organizations, 32
//!    requests in flight, through the client and through hand-written
//!    reqwest with the same concurrency;
//! 4. paging: 200,000 selected mailboxes at 10,000 a page through the
//!    stream against a hand-written loop that also reads the next page
//!    while the caller works through one (the fair comparison), and, for
//!    context, against a loop that does not read ahead; with the peak
//!    resident memory of the stream.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Deserializer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;
use vb365::{Client, Credentials};

const SMALL_ORG: Uuid = Uuid::from_u128(0x6f9b3da3_204d_4a4b_b466_55586e0233fc);
const LARGE_ORG: Uuid = Uuid::from_u128(0x1a2a3a4a_0000_4000_8000_00000000000b);
const JOB: Uuid = Uuid::from_u128(0x00b96531_1a68_4c90_a398_91141ffedb3b);
const CALLS: usize = 2_000;
const LARGE_ACCOUNTS: usize = 10_000;
const MAILBOXES: usize = 200_000;
const PAGE: usize = 10_000;
/// Organizations of the fan-out, and the requests in flight.
const ORGANIZATIONS: usize = 1_000;
const IN_FLIGHT: usize = 32;
/// Each repetition of the fan-out: this many blocks of this many fan-outs per variant.
const FAN_OUT_BLOCKS: usize = 12;
const FAN_OUTS_PER_BLOCK: usize = 1;
/// Repetitions of the fan-out: more than the others, as both processes are
/// busy the whole time and a shared machine's slow moments spread its ratio widest.
const FAN_OUT_ROUNDS: usize = 21;
/// Whole walks per variant in each repetition of the fair paging comparison.
const WALKS: usize = 6;
/// Repetitions of each comparison; the table shows medians.
const ROUNDS: usize = 11;
const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/examples");
/// The server serves fixed bytes for the v6 and v1 paths, and no version probe.
const VERSIONS: [vb365::ApiVersion; 2] = [vb365::ApiVersion::V1, vb365::ApiVersion::V6];

fn main() {
    if std::env::args().any(|a| a == "--serve") {
        serve();
        return;
    }
    let server = Server::spawn();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // `--only facade|generated|hand|stream|loop|ahead|fan-out-facade|fan-out-hand N`:
    // just N calls (walks, fan-outs) of one variant, for a profiler.
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--only") {
        let calls = args.get(at + 2).and_then(|n| n.parse().ok()).unwrap_or(20_000);
        runtime.block_on(only(&server.url, &args[at + 1], calls));
        return;
    }
    runtime.block_on(compare(&server.url));
}

// ---------------------------------------------------------------------------
// The server: fixed bytes for every route, in a child process.

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn spawn() -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the benchmark server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Self { child, url: line.trim().to_owned() }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let routes = Arc::new(routes());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("http://{}", listener.local_addr().unwrap());
        std::io::stdout().flush().unwrap();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            stream.set_nodelay(true).unwrap();
            tokio::spawn(connection(stream, Arc::clone(&routes)));
        }
    });
}

/// Complete HTTP responses by request target.
fn routes() -> HashMap<String, Vec<u8>> {
    let mut routes = HashMap::new();
    let token = read_example("create_token.response.200.constructed.json");
    routes.insert(String::from("POST /v6/token"), response(&token));
    let small = read_example("list_backup_accounts.response.200.json");
    routes.insert(format!("GET /v6/Organizations/{SMALL_ORG}/BackupAccounts"), response(&small));
    routes.insert(format!("GET /v6/Organizations/{LARGE_ORG}/BackupAccounts"), response(&large_accounts()));
    for organization in fan_out_organizations() {
        routes.insert(format!("GET /v6/Organizations/{organization}/BackupAccounts"), response(&small));
    }
    // Every page, and the empty one after them: the last page is full and
    // has no next link, so the stream asks once more to be sure it is last.
    for offset in (0..=MAILBOXES).step_by(PAGE) {
        let target = format!("GET /v1/Jobs/{JOB}/SelectedMailboxes?limit={PAGE}&offset={offset}");
        routes.insert(target, response(&mailbox_page(offset)));
    }
    routes
}

fn response(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

async fn connection(mut stream: TcpStream, routes: Arc<HashMap<String, Vec<u8>>>) {
    const NOT_FOUND: &[u8] = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";
    let mut buffer = Vec::with_capacity(16 * 1024);
    loop {
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read_buf(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.lines();
        let mut request = lines.next().unwrap_or_default().split(' ');
        let target = format!("{} {}", request.next().unwrap_or_default(), request.next().unwrap_or_default());
        let length = lines
            .filter_map(|l| l.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            match stream.read_buf(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
        buffer.drain(..head_end + length);
        let answer = routes.get(&target).map_or(NOT_FOUND, Vec::as_slice);
        if stream.write_all(answer).await.is_err() {
            return;
        }
    }
}

fn read_example(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{EXAMPLES}/{name}")).unwrap();
    // The archived pages indent with U+00A0; a server sends plain JSON.
    let value: serde_json::Value = serde_json::from_str(&text.replace('\u{a0}', " ")).unwrap();
    serde_json::to_vec(&value).unwrap()
}

/// The organizations of the fan-out.
fn fan_out_organizations() -> Vec<Uuid> {
    (0..ORGANIZATIONS).map(|i| Uuid::from_u128(0x0f0f_0000_0000_4000_8000_0000_0000_0000 | i as u128)).collect()
}

fn large_accounts() -> Vec<u8> {
    let accounts: Vec<serde_json::Value> = (0..LARGE_ACCOUNTS)
        .map(|i| {
            serde_json::json!({"groupMember": {
                "groupId": format!("6e570850-9ce9-40ed-b81d-{i:012}"),
                "name": format!("Backup account {i}"),
                "login": format!("account{i}@office365.onmicrosoft.com"),
                "type": "User",
                "isCloud": true,
                "_links": {"organization": {"href": format!("/v6/organizations/{LARGE_ORG}")}},
            }})
        })
        .collect();
    serde_json::to_vec(&accounts).unwrap()
}

fn mailbox_page(offset: usize) -> Vec<u8> {
    let results: Vec<serde_json::Value> = (offset..(offset + PAGE).min(MAILBOXES))
        .map(|i| {
            let id = Uuid::from_u128(0x5e1e_c7ed_0000_4000_8000_0000_0000_0000 | i as u128);
            serde_json::json!({
                "id": id,
                "email": format!("user{i:06}@eastsupport.onmicrosoft.com"),
                "name": format!("User {i:06}"),
                "isBackedUp": "true",
                "_links": {
                    "self": {"href": format!("/v1/Organizations/7b2b1ae1-7bbb-4651-b479-bda7edc7838b/Mailboxes/{id}")},
                    "organization": {"href": "/v1/Organizations/7b2b1ae1-7bbb-4651-b479-bda7edc7838b"},
                },
            })
        })
        .collect();
    let href =
        |o: usize| serde_json::json!({"href": format!("/v1/jobs/{JOB}/SelectedMailboxes?offset={o}&limit={PAGE}")});
    let mut links = serde_json::json!({"self": href(offset), "first": href(0)});
    if offset + PAGE < MAILBOXES {
        links["next"] = href(offset + PAGE);
    }
    serde_json::to_vec(&serde_json::json!({"offset": offset, "limit": PAGE, "results": results, "_links": links}))
        .unwrap()
}

// ---------------------------------------------------------------------------
// The hand-written client: reqwest and serde_json, the same reqwest settings.

#[derive(Deserialize)]
struct HandAccount {
    #[serde(rename = "groupMember")]
    _group_member: HandMember,
    #[serde(rename = "password")]
    _password: Option<String>,
}

#[derive(Deserialize)]
struct HandMember {
    #[serde(rename = "groupId")]
    _group_id: Option<String>,
    #[serde(rename = "name")]
    _name: Option<String>,
    #[serde(rename = "login")]
    _login: String,
    #[serde(rename = "type")]
    _kind: String,
    #[serde(rename = "isCloud")]
    _is_cloud: Option<bool>,
    #[serde(rename = "_links")]
    _links: Option<HashMap<String, HandLink>>,
}

#[derive(Deserialize)]
struct HandLink {
    #[serde(rename = "href")]
    _href: String,
}

#[derive(Deserialize)]
struct HandPage {
    results: Vec<HandMailbox>,
}

#[derive(Deserialize)]
struct HandMailbox {
    #[serde(rename = "id")]
    _id: Uuid,
    #[serde(rename = "email")]
    _email: Option<String>,
    #[serde(rename = "name")]
    _name: Option<String>,
    #[serde(rename = "isBackedUp", default, deserialize_with = "string_or_bool")]
    _is_backed_up: Option<bool>,
    #[serde(rename = "_links")]
    _links: Option<HashMap<String, HandLink>>,
}

/// The v1 API writes booleans as strings; a hand-written client must read
/// them too, and the fast way is a visitor.
fn string_or_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a boolean or \"true\"/\"false\"")
        }
        fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
            Ok(Some(value))
        }
        fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Some(value.eq_ignore_ascii_case("true")))
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    deserializer.deserialize_any(Flag)
}

#[derive(Clone)]
struct Hand {
    http: reqwest::Client,
    base: Arc<str>,
    bearer: Arc<str>,
}

impl Hand {
    fn new(base: &str) -> Self {
        let config = vb365::Config::default();
        let http = reqwest::Client::builder()
            .user_agent("hand-written/1")
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { http, base: Arc::from(base), bearer: Arc::from("Bearer AT-XXXXXXXX") }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, &*self.bearer)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
    }

    async fn backup_accounts(&self, organization: Uuid) -> Vec<HandAccount> {
        self.get(&format!("/v6/Organizations/{organization}/BackupAccounts")).await
    }

    /// Every page of the selected mailboxes, the next one fetched on a task
    /// of its own while the caller counts the items of the one before.
    async fn mailboxes_reading_ahead(&self) -> usize {
        let fetch = |offset: usize| {
            let hand = self.clone();
            tokio::spawn(async move {
                let path = format!("/v1/Jobs/{JOB}/SelectedMailboxes?limit={PAGE}&offset={offset}");
                hand.get::<HandPage>(&path).await
            })
        };
        let (mut count, mut offset) = (0, 0);
        let mut next = Some(fetch(0));
        while let Some(page) = next.take() {
            let page = page.await.unwrap();
            offset += PAGE;
            if page.results.len() == PAGE && offset <= MAILBOXES {
                next = Some(fetch(offset));
            }
            // Item by item, as the stream's caller gets them.
            for item in page.results {
                drop(std::hint::black_box(item));
                count += 1;
            }
        }
        count
    }
}

// ---------------------------------------------------------------------------
// Measuring.

struct Row {
    measure: String,
    facade: String,
    generated: String,
    hand: String,
    ratio: f64,
    goal: &'static str,
    met: bool,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn per_second(count: usize, took: Duration) -> f64 {
    count as f64 / took.as_secs_f64()
}

async fn only(url: &str, variant: &str, calls: usize) {
    let client = Client::builder(url).api_versions(VERSIONS).build().unwrap();
    client.login(Credentials::password("administrator", "XXXXXXXX")).await.unwrap();
    let hand = Hand::new(url);
    let started = Instant::now();
    if let Some(fan) = variant.strip_prefix("fan-out-") {
        for _ in 0..calls {
            fan_out(&client, &hand, fan == "facade", &fan_out_organizations()).await;
        }
        println!("{variant}: {:.0} calls/s", per_second(calls * ORGANIZATIONS, started.elapsed()));
        return;
    }
    if variant == "stream" || variant == "loop" || variant == "ahead" {
        for _ in 0..calls {
            if variant == "ahead" {
                assert_eq!(hand.mailboxes_reading_ahead().await, MAILBOXES);
            } else if variant == "stream" {
                assert_eq!(walk(&client).await, MAILBOXES);
            } else {
                for offset in (0..MAILBOXES).step_by(PAGE) {
                    let path = format!("/v1/Jobs/{JOB}/SelectedMailboxes?limit={PAGE}&offset={offset}");
                    drop(hand.get::<HandPage>(&path).await);
                }
            }
        }
        println!("{variant}: {:.0} walks/s", per_second(calls, started.elapsed()));
        return;
    }
    for _ in 0..calls {
        match variant {
            "facade" => drop(client.list_backup_accounts(SMALL_ORG).await.unwrap()),
            "generated" => drop(client.api().list_backup_accounts().organization_id(SMALL_ORG).send().await.unwrap()),
            _ => drop(hand.backup_accounts(SMALL_ORG).await),
        }
    }
    println!("{variant}: {:.0} calls/s", per_second(calls, started.elapsed()));
}

/// `list_backup_accounts` for every organization, `IN_FLIGHT` at a time,
/// through the client (`facade`) or the hand-written code.
async fn fan_out(client: &Client, hand: &Hand, facade: bool, organizations: &[Uuid]) {
    let calls = futures::stream::iter(organizations.iter().copied());
    let done = if facade {
        calls
            .map(|organization| {
                let client = client.clone();
                async move { client.list_backup_accounts(organization).await.unwrap().len() }
            })
            .buffer_unordered(IN_FLIGHT)
            .fold(0, |n, accounts| async move { n + accounts })
            .await
    } else {
        calls
            .map(|organization| {
                let hand = hand.clone();
                async move { hand.backup_accounts(organization).await.len() }
            })
            .buffer_unordered(IN_FLIGHT)
            .fold(0, |n, accounts| async move { n + accounts })
            .await
    };
    assert_eq!(done, organizations.len() * 4);
}

/// Every selected mailbox through the stream, item by item as the hand
/// loop takes them: the same consumer on both sides of the comparison.
async fn walk(client: &Client) -> usize {
    let mut mailboxes = std::pin::pin!(client.job_selected_mailboxes(JOB, PAGE as u32));
    let mut count = 0;
    while let Some(item) = mailboxes.try_next().await.unwrap() {
        drop(std::hint::black_box(item));
        count += 1;
    }
    count
}

/// Runs `variants` side by side: `blocks` blocks of `per_block` calls each,
/// the variants taking turns block by block (in an order that rotates), so
/// that a slow moment of the machine hits all of them alike. Returns the
/// seconds each variant spent.
async fn interleaved<F>(variants: usize, blocks: usize, per_block: usize, mut run: F) -> Vec<f64>
where
    F: AsyncFnMut(usize),
{
    let mut spent = vec![0.0; variants];
    for block in 0..blocks {
        for turn in 0..variants {
            let variant = (block + turn) % variants;
            let started = Instant::now();
            for _ in 0..per_block {
                run(variant).await;
            }
            spent[variant] += started.elapsed().as_secs_f64();
        }
    }
    spent
}

/// `rounds` repetitions of [`interleaved`] for vb365 (variant 0) against the
/// hand-written code (variant 1), each variant doing `work` units per
/// repetition: the median rate of each, and the median of the per-repetition
/// ratio hand time / vb365 time.
async fn side_by_side<F>(rounds: usize, blocks: usize, per_block: usize, work: f64, mut run: F) -> ([f64; 2], f64)
where
    F: AsyncFnMut(usize),
{
    let (mut rates, mut ratios) = ([Vec::new(), Vec::new()], Vec::new());
    for _ in 0..rounds {
        let spent = interleaved(2, blocks, per_block, &mut run).await;
        for (rate, seconds) in rates.iter_mut().zip(&spent) {
            rate.push(work / seconds);
        }
        ratios.push(spent[1] / spent[0]);
    }
    (rates.map(median), median(ratios))
}

async fn compare(url: &str) {
    let client = Client::builder(url).api_versions(VERSIONS).build().unwrap();
    client.login(Credentials::password("administrator", "XXXXXXXX")).await.unwrap();
    let hand = Hand::new(url);
    let mut rows = Vec::new();

    // Paging memory first, in a fresh process: the peak is the stream's own.
    let mut peak = 0u64;
    for _ in 0..2 {
        reset_peak_memory();
        let count = client.job_selected_mailboxes(JOB, PAGE as u32).try_fold(0usize, |n, _| async move { Ok(n + 1) });
        assert_eq!(count.await.unwrap(), MAILBOXES);
        peak = peak.max(peak_memory_kib().unwrap_or(0));
    }

    // 1. Per call: in each repetition every variant makes CALLS calls, in blocks of 10.
    for _ in 0..200 {
        client.list_backup_accounts(SMALL_ORG).await.unwrap();
        hand.backup_accounts(SMALL_ORG).await;
    }
    let (mut rates, mut ratios) = ([Vec::new(), Vec::new(), Vec::new()], (Vec::new(), Vec::new()));
    for _ in 0..ROUNDS {
        let spent = interleaved(3, CALLS / 10, 10, async |variant| match variant {
            0 => drop(std::hint::black_box(client.list_backup_accounts(SMALL_ORG).await.unwrap())),
            1 => {
                let request = client.api().list_backup_accounts().organization_id(SMALL_ORG);
                drop(std::hint::black_box(request.send().await.unwrap().into_inner()));
            }
            _ => drop(std::hint::black_box(hand.backup_accounts(SMALL_ORG).await)),
        })
        .await;
        for (rate, seconds) in rates.iter_mut().zip(&spent) {
            rate.push(CALLS as f64 / seconds);
        }
        ratios.0.push(spent[2] / spent[0]);
        ratios.1.push(spent[2] / spent[1]);
    }
    let [a, b, c] = rates.map(median);
    let (ratio_a, ratio_b) = (median(ratios.0), median(ratios.1));
    rows.push(Row {
        measure: format!("per call: {CALLS} x list_backup_accounts (4 accounts)"),
        facade: format!("{a:.0} calls/s"),
        generated: format!("{b:.0} calls/s ({ratio_b:.3})"),
        hand: format!("{c:.0} calls/s"),
        ratio: ratio_a,
        goal: ">= 0.95",
        met: ratio_a >= 0.95,
    });

    // 2. Decode: 10,000 accounts, one call each turn.
    let bytes = large_accounts();
    let megabytes = bytes.len() as f64 / 1e6;
    let ([facade, handwritten], ratio) = side_by_side(ROUNDS, 4, 1, 4.0 * megabytes, async |variant| {
        let count = if variant == 0 {
            client.list_backup_accounts(LARGE_ORG).await.unwrap().len()
        } else {
            hand.backup_accounts(LARGE_ORG).await.len()
        };
        assert_eq!(count, LARGE_ACCOUNTS);
    })
    .await;
    rows.push(Row {
        measure: format!("decode: {LARGE_ACCOUNTS} accounts ({megabytes:.1} MB) over HTTP"),
        facade: format!("{facade:.0} MB/s"),
        generated: String::new(),
        hand: format!("{handwritten:.0} MB/s"),
        ratio,
        goal: ">= 0.90",
        met: ratio >= 0.90,
    });
    let (mut rates, mut ratios) = ([Vec::new(), Vec::new()], Vec::new());
    for _ in 0..ROUNDS {
        // Timed by hand so that dropping the values stays outside the clock.
        let mut spent = [0.0; 2];
        for turn in 0..8 {
            let started = Instant::now();
            if turn % 2 == 0 {
                let decoded = serde_json::from_slice::<Vec<vb365::types::BackupAccount>>(&bytes).unwrap();
                spent[0] += started.elapsed().as_secs_f64();
                drop(std::hint::black_box(decoded));
            } else {
                let decoded = serde_json::from_slice::<Vec<HandAccount>>(&bytes).unwrap();
                spent[1] += started.elapsed().as_secs_f64();
                drop(std::hint::black_box(decoded));
            }
        }
        for (rate, seconds) in rates.iter_mut().zip(&spent) {
            rate.push(4.0 * megabytes / seconds);
        }
        ratios.push(spent[1] / spent[0]);
    }
    let [typed, plain] = rates.map(median);
    rows.push(Row {
        measure: String::from("  the same bytes in memory: generated types vs hand structs"),
        facade: format!("{typed:.0} MB/s"),
        generated: String::new(),
        hand: format!("{plain:.0} MB/s"),
        ratio: median(ratios),
        goal: "(context)",
        met: true,
    });

    // 3. Fan-out: one login, the same call for each organization, 32 in flight.
    let organizations = fan_out_organizations();
    let calls = (FAN_OUT_BLOCKS * FAN_OUTS_PER_BLOCK * ORGANIZATIONS) as f64;
    let ([fanned, by_hand], ratio) =
        side_by_side(FAN_OUT_ROUNDS, FAN_OUT_BLOCKS, FAN_OUTS_PER_BLOCK, calls, async |variant| {
            fan_out(&client, &hand, variant == 0, &organizations).await;
        })
        .await;
    rows.push(Row {
        measure: format!("fan-out: {ORGANIZATIONS} organizations x list_backup_accounts, {IN_FLIGHT} in flight"),
        facade: format!("{fanned:.0} calls/s"),
        generated: String::new(),
        hand: format!("{by_hand:.0} calls/s"),
        ratio,
        goal: ">= 0.95",
        met: ratio >= 0.95,
    });

    // 4a. Paging, fairly: whole walks, the stream against a loop that reads ahead too.
    let ([stream_rate, ahead_rate], ratio) =
        side_by_side(ROUNDS, WALKS, 1, (WALKS * MAILBOXES) as f64, async |variant| {
            let count = if variant == 0 { walk(&client).await } else { hand.mailboxes_reading_ahead().await };
            assert_eq!(count, MAILBOXES);
        })
        .await;
    rows.push(Row {
        measure: format!("paging: {MAILBOXES} mailboxes, {PAGE} a page, both reading ahead"),
        facade: format!("{:.0} k/s", stream_rate / 1e3),
        generated: String::new(),
        hand: format!("{:.0} k/s", ahead_rate / 1e3),
        ratio,
        goal: ">= 0.95",
        met: ratio >= 0.95,
    });

    // 4b. For context: the stream against a loop that does not read ahead, page by page.
    let (mut rates, mut ratios) = ([Vec::new(), Vec::new()], Vec::new());
    for _ in 0..ROUNDS {
        let mut stream = std::pin::pin!(client.job_selected_mailboxes(JOB, PAGE as u32));
        let mut offsets = (0..MAILBOXES).step_by(PAGE);
        let spent = interleaved(2, MAILBOXES / PAGE, 1, async |variant| {
            let count = if variant == 0 {
                let mut n = 0;
                while n < PAGE && stream.try_next().await.unwrap().is_some() {
                    n += 1;
                }
                n
            } else {
                let offset = offsets.next().unwrap();
                let path = format!("/v1/Jobs/{JOB}/SelectedMailboxes?limit={PAGE}&offset={offset}");
                hand.get::<HandPage>(&path).await.results.len()
            };
            assert_eq!(count, PAGE);
        })
        .await;
        assert!(stream.try_next().await.unwrap().is_none(), "the stream ends after the last page");
        for (rate, seconds) in rates.iter_mut().zip(&spent) {
            rate.push(MAILBOXES as f64 / seconds);
        }
        ratios.push(spent[1] / spent[0]);
    }
    let [stream_rate, loop_rate] = rates.map(median);
    let ratio = median(ratios);
    rows.push(Row {
        measure: String::from("  the same, against a loop that does not read ahead"),
        facade: format!("{:.0} k/s", stream_rate / 1e3),
        generated: String::new(),
        hand: format!("{:.0} k/s", loop_rate / 1e3),
        ratio,
        goal: "(context)",
        met: true,
    });
    let peak_mib = peak as f64 / 1024.0;
    rows.push(Row {
        measure: String::from("  peak resident memory of the paging stream (whole process)"),
        facade: if peak > 0 { format!("{peak_mib:.1} MiB") } else { String::from("n/a") },
        generated: String::new(),
        hand: String::new(),
        ratio: f64::NAN,
        goal: "< 64 MiB",
        met: peak > 0 && peak_mib < 64.0,
    });
    print_table(&rows);
}

fn print_table(rows: &[Row]) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let profile =
        if cfg!(debug_assertions) { "debug (unoptimized: numbers mean little)" } else { "release (cargo bench)" };
    println!(
        "\nvb365 benchmark: {cores} cores, build profile {profile}; server: fixed bytes on 127.0.0.1 in a child process"
    );
    println!("ratio = vb365 throughput / hand-written throughput in the same repetition; the table shows the median");
    println!(
        "over {ROUNDS} repetitions ({FAN_OUT_ROUNDS} for the fan-out) in which the variants take turns block by block."
    );
    println!("Rates are medians of their own, so a ratio need not equal the quotient of the two rates beside it.\n");
    println!(
        "| {:<62} | {:>14} | {:>24} | {:>14} | {:>6} | {:>9} | {:>4} |",
        "measure", "vb365::Client", "generated client (ratio)", "hand-written", "ratio", "goal", "met"
    );
    println!("|{:-<64}|{:->16}|{:->26}|{:->16}|{:->8}|{:->11}|{:->6}|", "", "", "", "", "", "", "");
    for row in rows {
        let ratio = if row.ratio.is_nan() { String::new() } else { format!("{:.3}", row.ratio) };
        println!(
            "| {:<62} | {:>14} | {:>24} | {:>14} | {:>6} | {:>9} | {:>4} |",
            row.measure,
            row.facade,
            row.generated,
            row.hand,
            ratio,
            row.goal,
            if row.met { "yes" } else { "NO" }
        );
    }
}

/// Starts a new peak: Linux resets VmHWM when "5" is written to clear_refs.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident set (VmHWM) in KiB, where the OS tells it.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
