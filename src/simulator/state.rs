//! What the simulator remembers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use serde_json::Value;
use uuid::Uuid;

use crate::types::{BackupAccount, JobItem, Organization, RestoreSession};

/// A request as the simulator received it.
#[derive(Clone)]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path as sent (without the query).
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The operationId the request was routed to, if any.
    pub operation: Option<String>,
    /// The `Authorization` header, if any (a secret: it never prints).
    pub authorization: Option<crate::Secret>,
    /// The body as JSON (a form body as an object of its fields), if any.
    /// It may hold passwords; `Debug` does not print it.
    pub body: Option<Value>,
    /// Whether the simulator dropped the connection instead of answering.
    pub dropped: bool,
    /// When the simulator received it (tokens it issues expire relative to
    /// this clock).
    pub received: Instant,
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("operation", &self.operation)
            .field("has_authorization", &self.authorization.is_some())
            .field("has_body", &self.body.is_some())
            .field("dropped", &self.dropped)
            .field("received", &self.received)
            .finish()
    }
}

/// Tokens handed out.
#[derive(Debug)]
pub(crate) struct Tokens {
    pub(crate) lifetime: Duration,
    /// Access token → when it expires.
    pub(crate) access: HashMap<String, Instant>,
    pub(crate) refresh: HashSet<String>,
    pub(crate) issued: u64,
}

impl Tokens {
    pub(crate) fn new(lifetime: Duration) -> Self {
        Self { lifetime, access: HashMap::new(), refresh: HashSet::new(), issued: 0 }
    }

    /// A new access and refresh token.
    pub(crate) fn issue(&mut self) -> (String, String) {
        self.issued += 1;
        let n = self.issued;
        let access = format!("sim-access-{n}-{:016x}", mix(n));
        let refresh = format!("sim-refresh-{n}-{:016x}", mix(!n));
        self.access.insert(access.clone(), Instant::now() + self.lifetime);
        self.refresh.insert(refresh.clone());
        (access, refresh)
    }

    /// Whether `Authorization: Bearer <token>` is a live token.
    pub(crate) fn accepts(&self, token: &str) -> bool {
        self.access.get(token).is_some_and(|expires| Instant::now() < *expires)
    }
}

/// A cheap, deterministic scramble so tokens do not look sequential.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// What one backup job selects: items (v6, v8) and mailboxes (v1), each the
/// recorded ones, then generated ones of the same shape up to a count.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) recorded: Vec<Value>,
    pub(crate) count: usize,
    pub(crate) recorded_items: Vec<JobItem>,
    pub(crate) item_count: usize,
    pub(crate) organization_id: Uuid,
}

impl Job {
    /// Item `index`: a recorded one, else a generated user with a mailbox.
    pub(crate) fn item(&self, index: usize) -> JobItem {
        if let Some(recorded) = self.recorded_items.get(index) {
            return recorded.clone();
        }
        let user_id = Uuid::from_u128(0x5e1e_c7ed_0000_4000_8000_0000_0000_0000 | index as u128);
        let org = format!("/v6/organizations/{}", self.organization_id);
        let value = serde_json::json!({
            "id": format!("{index:08x}-0000-4000-8000-5e1ec7ed0000"),
            "type": "User",
            "mailbox": true,
            "archiveMailbox": index.is_multiple_of(3),
            "oneDrive": true,
            "personalSite": false,
            "user": {
                "id": user_id,
                "eTag": 1,
                "displayName": format!("User {index:06}"),
                "name": format!("user{index:06}@eastsupport.onmicrosoft.com"),
                "type": "User",
                "locationType": "Cloud",
                "msid": user_id,
                "dataLocation": "EUR",
                "_links": {"self": {"href": format!("{org}/users/{user_id}")}},
            },
        });
        serde_json::from_value(value).unwrap_or_else(|_| self.recorded_items.first().cloned().unwrap_or_default())
    }

    /// Mailbox `index` as the v1 API writes it (`isBackedUp` as a string).
    pub(crate) fn mailbox(&self, index: usize) -> Value {
        if let Some(recorded) = self.recorded.get(index) {
            return recorded.clone();
        }
        let id = Uuid::from_u128(0x5e1e_c7ed_0000_4000_8000_0000_0000_0000 | index as u128);
        let org = format!("/v1/Organizations/{}", self.organization_id);
        serde_json::json!({
            "id": id,
            "email": format!("user{index:06}@eastsupport.onmicrosoft.com"),
            "name": format!("User {index:06}"),
            "isBackedUp": if index.is_multiple_of(7) { "false" } else { "true" },
            "_links": {
                "self": {"href": format!("{org}/Mailboxes/{id}")},
                "organization": {"href": org},
            },
        })
    }
}

/// Everything the simulator keeps between requests.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) organizations: Vec<Organization>,
    pub(crate) backup_accounts: HashMap<Uuid, Vec<BackupAccount>>,
    pub(crate) sessions: BTreeMap<Uuid, RestoreSession>,
    pub(crate) jobs: HashMap<Uuid, Job>,
    pub(crate) tokens: Tokens,
    pub(crate) requests: Vec<RecordedRequest>,
    next_id: u64,
}

impl World {
    pub(crate) fn new(lifetime: Duration) -> Self {
        Self {
            organizations: Vec::new(),
            backup_accounts: HashMap::new(),
            sessions: BTreeMap::new(),
            jobs: HashMap::new(),
            tokens: Tokens::new(lifetime),
            requests: Vec::new(),
            next_id: 0,
        }
    }

    /// A new ID; deterministic, so runs can be compared.
    pub(crate) fn new_id(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u64_pair(0x51_4d55_4c41_0000 | 0x4000, 0x8000_0000_0000_0000 | self.next_id)
    }
}
