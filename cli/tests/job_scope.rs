//! The job scope from a shell, against a simulator started here: the
//! directory searched by name, a job created, edited and deleted, items
//! added and removed by name, and names that mean nothing or several
//! things refused before anything is written.
//!
//! `EXPECTORATE=overwrite cargo test -p vb365-cli --test job_scope`
//! rewrites the golden files after an intended change.

use vb365::ApiVersion;
use vb365::simulator::Simulator;

mod common;

use common::{golden, simulator, vb365};

const CONTOSO: &str = "contoso.onmicrosoft.com";

fn writes(sim: &Simulator) -> usize {
    sim.requests()
        .iter()
        .filter(|r| matches!(r.method.as_str(), "POST" | "PUT" | "DELETE"))
        .filter(|r| !r.operation.as_deref().is_some_and(|o| o.starts_with("create_token")))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_by_name() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url();
    golden(url, &["organizations", "users", CONTOSO, "--search", "bob", "-o", "table"], "organizations_users.txt")
        .await;
    golden(
        url,
        &["organizations", "groups", CONTOSO, "--search", "Marketing", "-o", "table"],
        "organizations_groups.txt",
    )
    .await;
    golden(url, &["organizations", "sites", CONTOSO, "--search", "hr", "-o", "json"], "organizations_sites.json").await;
    golden(url, &["organizations", "teams", CONTOSO, "-o", "table"], "organizations_teams.txt").await;
    golden(url, &["organizations", "members", CONTOSO, "Finance", "-o", "table"], "organizations_members.txt").await;
    golden(url, &["organizations", "user", CONTOSO, "Alice Adams", "-o", "json"], "organizations_user.json").await;
    golden(
        url,
        &["organizations", "onedrives", CONTOSO, "alice@contoso.com", "-o", "table"],
        "organizations_onedrives.txt",
    )
    .await;
    let users = vb365(url, &["organizations", "users", CONTOSO, "-o", "ndjson", "--page-size", "100"], None).await;
    assert_eq!(users.stdout.lines().count(), 300, "a few hundred users, over pages");

    let ambiguous = vb365(url, &["organizations", "group", CONTOSO, "Marketing"], None).await;
    assert_eq!(ambiguous.status, 2);
    assert!(
        ambiguous.stderr.contains("`Marketing` names 2 groups: Marketing <marketing@contoso.com>"),
        "{}",
        ambiguous.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_waits_on_v8_and_is_not_served_by_v6() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let run = vb365(sim.url(), &["organizations", "sync", CONTOSO, "--wait", "-o", "json"], None).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    let state: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(state["lastSyncState"]["result"], "Success");
    assert!(state.get("currentSyncState").is_none(), "it is over: {state}");
    assert_eq!(sim.count("sync_organization_v8"), 1);

    let sim = simulator(&[ApiVersion::V6]).await;
    let run = vb365(sim.url(), &["organizations", "sync", CONTOSO], None).await;
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("v8"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_from_create_to_delete_in_both_versions() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let url = sim.url();
        let create = [
            "jobs",
            "create",
            "--organization",
            CONTOSO,
            "--repository",
            "Repo 1",
            "--name",
            "Contoso HR",
            "--upn",
            "alice@contoso.com",
            "--group",
            "Finance",
            "--site",
            "https://contoso.sharepoint.com/sites/hr/",
            "--schedule",
            "daily:22:00",
            "-o",
            "json",
        ];
        let created = vb365(url, &create, None).await;
        assert_eq!(created.status, 0, "{version}: {}", created.stderr);
        let job: serde_json::Value = serde_json::from_str(&created.stdout).unwrap();
        assert_eq!(job["name"], "Contoso HR");

        let list = vb365(url, &["jobs", "items", "list", "Contoso HR", "-o", "json"], None).await;
        let items: Vec<serde_json::Value> = serde_json::from_str(&list.stdout).unwrap();
        assert_eq!(items.len(), 3, "{version}");
        assert_eq!(items[0]["archiveMailbox"], true, "a user processes everything by default");

        let add = ["jobs", "items", "add", "Contoso HR", "--upn", "Bob Brown", "--mailbox", "-o", "table"];
        let added = vb365(url, &add, None).await;
        assert_eq!(added.status, 0, "{}", added.stderr);
        let remove = ["jobs", "items", "remove", "Contoso HR", "--group", "Finance"];
        assert_eq!(vb365(url, &remove, None).await.status, 0);
        let exclude = ["jobs", "exclusions", "add", "Contoso HR", "--upn", "ceo@contoso.com"];
        assert_eq!(vb365(url, &exclude, None).await.status, 0);
        let list = vb365(url, &["jobs", "items", "list", "Contoso HR", "-o", "table"], None).await;
        expectorate::assert_contents("tests/golden/jobs_items_list.txt", &list.stdout);
        let excluded = vb365(url, &["jobs", "exclusions", "list", "Contoso HR", "-o", "json"], None).await;
        assert!(excluded.stdout.contains("ceo@contoso.com"), "{}", excluded.stdout);

        let edit = ["jobs", "edit", "Contoso HR", "--schedule", "periodically:1h", "--name", "Contoso People"];
        let edited = vb365(url, &edit, None).await;
        assert_eq!(edited.status, 0, "{}", edited.stderr);
        let job = sim.jobs().into_iter().find(|j| j.name.as_deref() == Some("Contoso People")).unwrap();
        assert_eq!(vb365::Schedule::of(job.schedule_policy.as_ref().unwrap()).unwrap().to_string(), "periodically 1h");

        let unasked = vb365(url, &["jobs", "delete", "Contoso People"], None).await;
        assert_eq!(unasked.status, 2, "no terminal and no --yes: {}", unasked.stderr);
        assert!(sim.jobs().iter().any(|j| j.id == job.id), "not deleted");
        let deleted = vb365(url, &["jobs", "delete", "Contoso People", "--yes"], None).await;
        assert_eq!(deleted.status, 0, "{}", deleted.stderr);
        assert!(!sim.jobs().iter().any(|j| j.id == job.id));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_that_mean_nothing_or_several_things_write_nothing() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let url = sim.url();
    let base = ["jobs", "create", "--organization", CONTOSO, "--name", "N"];
    for (extra, wanted) in [
        (&["--repository", "Repo 1", "--upn", "nobody@contoso.com"][..], "no user is named `nobody@contoso.com`"),
        (
            &["--repository", "Repo 1", "--upn", "alice@contoso.com", "--group", "Marketing"][..],
            "`Marketing` names 2 groups",
        ),
        (
            &["--repository", "Repo 1", "--team", "Sales", "--site", "https://contoso.sharepoint.com/sites/nowhere"][..],
            "no site is named",
        ),
        (&["--upn", "alice@contoso.com", "--repository", "Repo 9"][..], "no repository is named `Repo 9`"),
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let run = vb365(url, &args, None).await;
        assert_eq!(run.status, 2, "{extra:?}: {}", run.stderr);
        assert!(run.stderr.contains(wanted), "{extra:?}: {}", run.stderr);
    }
    let parts = vb365(
        url,
        &["jobs", "items", "add", "Contoso Exchange", "--site", "https://contoso.sharepoint.com/sites/hr", "--archive"],
        None,
    )
    .await;
    assert_eq!(parts.status, 2, "{}", parts.stderr);
    assert!(parts.stderr.contains("--archive: none of the items has that part"), "{}", parts.stderr);
    assert_eq!(writes(&sim), 0);
}
