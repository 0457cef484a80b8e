//! `vb365 backup-accounts list` without an organization: every
//! organization's accounts, a bounded number of requests at a time.

use std::time::Duration;

use serde_json::{Value, json};
use vb365::ApiVersion;
use vb365::types::{BackupAccount, OrganizationCreate};

mod common;

use common::{simulator, vb365};

const ADDED: usize = 9;

/// A simulator with `ADDED` more organizations, two accounts each.
async fn many_organizations() -> vb365::simulator::Simulator {
    let sim = simulator(&[ApiVersion::V8]).await;
    let client = vb365::Client::builder(sim.url()).build().unwrap();
    client.login(sim.credentials()).await.unwrap();
    for n in 0..ADDED {
        let organization: OrganizationCreate = serde_json::from_value(json!({
            "type": "Office365", "region": "Worldwide", "isExchangeOnline": true, "isSharePointOnline": false,
            "exchangeOnlineSettings": {"account": format!("admin@tenant{n}.onmicrosoft.com"), "password": "pw"}
        }))
        .unwrap();
        let added = client.add_organization(organization).await.unwrap();
        let accounts: Vec<BackupAccount> = serde_json::from_value(json!([
            {"groupMember": {"login": format!("a@tenant{n}.onmicrosoft.com"), "type": "User"}, "password": "pw-a"},
            {"groupMember": {"login": format!("b@tenant{n}.onmicrosoft.com"), "type": "User"}, "password": "pw-b"},
        ]))
        .unwrap();
        client.set_backup_accounts(added.id, accounts).await.unwrap();
    }
    sim
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_organization_s_accounts_at_most_concurrency_at_a_time() {
    let sim = many_organizations().await;
    let one =
        vb365(sim.url(), &["backup-accounts", "list", &sim.organization_id().to_string(), "-o", "json"], None).await;
    let seeded = serde_json::from_str::<Value>(&one.stdout).unwrap().as_array().unwrap().len();
    sim.set_latency(Duration::from_millis(40));
    for (concurrency, most) in [("1", 1), ("4", 4)] {
        sim.reset_max_in_flight();
        let run =
            vb365(sim.url(), &["backup-accounts", "list", "--concurrency", concurrency, "-o", "ndjson"], None).await;
        assert_eq!((run.status, run.stderr.as_str()), (0, ""), "{run:?}");
        let lines: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), seeded + 2 * ADDED, "{}", run.stdout);
        assert!(lines.iter().all(|l| l["organizationId"].is_string() && l["groupMember"]["login"].is_string()));
        // In the organizations' order: each organization's accounts together.
        let mut seen: Vec<&str> = lines.iter().map(|l| l["organizationId"].as_str().unwrap()).collect();
        seen.dedup();
        assert_eq!(seen.len(), ADDED + 1, "{seen:?}");
        let in_flight = sim.max_in_flight();
        assert!(in_flight <= most, "--concurrency {concurrency}: {in_flight} in flight");
        if most > 1 {
            assert!(in_flight > 1, "--concurrency {concurrency}: the requests did not overlap");
        }
    }
    let table = vb365(sim.url(), &["backup-accounts", "list", "-o", "table"], None).await;
    assert!(table.stdout.starts_with("ORGANIZATION"), "{}", table.stdout);
    assert!(table.stdout.contains("a@tenant3.onmicrosoft.com"), "{}", table.stdout);
}
