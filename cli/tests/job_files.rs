//! `vb365 jobs plan` and `vb365 jobs apply` against a simulator started
//! here, serving v8 and, the same tests again, only v6: the example file's
//! plan (a golden file), apply then plan finds nothing, one changed line is
//! one action, bad files fail before anything is written, and `--prune`
//! deletes only the jobs no file names.
//!
//! `EXPECTORATE=overwrite cargo test -p vb365-cli --test job_files`
//! rewrites the golden files after an intended change.

use vb365::ApiVersion;
use vb365::simulator::Simulator;

mod common;

use common::{Run, simulator, vb365};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jobs.yaml");

/// The requests that wrote: every `POST`, `PUT` and `DELETE` but logins.
fn writes(sim: &Simulator) -> Vec<String> {
    sim.requests()
        .into_iter()
        .filter(|r| matches!(r.method.as_str(), "POST" | "PUT" | "DELETE"))
        .filter(|r| !r.operation.as_deref().is_some_and(|o| o.starts_with("create_token")))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// A file in a fresh folder of this test's own.
fn file(test: &str, name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vb365-job-files-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn example() -> String {
    std::fs::read_to_string(EXAMPLE).unwrap()
}

async fn run(sim: &Simulator, args: &[&str]) -> Run {
    vb365(sim.url(), args, None).await
}

/// Human output, with the example's path as the tests see it made stable.
fn stable(text: &str) -> String {
    text.replace(EXAMPLE, "examples/jobs.yaml")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_is_created_once_then_nothing_changes() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let plan = run(&sim, &["jobs", "plan", "-f", EXAMPLE, "--detailed-exitcode", "-o", "table"]).await;
        assert_eq!(plan.status, 2, "{version}: changes: {}", plan.stderr);
        expectorate::assert_contents("tests/golden/jobs_plan_example.txt", &stable(&plan.stdout));
        assert!(writes(&sim).is_empty(), "{version}: a plan writes nothing");

        sim.clear_requests();
        let apply = run(&sim, &["jobs", "apply", "-f", EXAMPLE, "--yes", "-o", "table"]).await;
        assert_eq!(apply.status, 0, "{version}: {}", apply.stderr);
        let first = sim.requests().len();
        let created = writes(&sim);
        assert_eq!(created.len(), 2, "{version}: one request a job, items included: {created:?}");
        let jobs = sim.jobs();
        let mailboxes = jobs.iter().find(|j| j.name.as_deref() == Some("Contoso Mailboxes")).unwrap();
        assert_eq!(mailboxes.repository_id, Some("a1e4c7b0-5d2f-4c8e-9b31-0e6f2a7d4c51".parse().unwrap()));

        sim.clear_requests();
        let again = run(&sim, &["jobs", "apply", "-f", EXAMPLE, "--yes", "-o", "table"]).await;
        assert_eq!(again.status, 0, "{}", again.stderr);
        assert_eq!(again.stdout, "No changes: every job is as the files say.\n");
        assert!(writes(&sim).is_empty(), "{version}: a second apply writes nothing: {:?}", writes(&sim));
        let second = sim.requests().len();
        println!("{version}: apply of the example: {first} requests the first time, {second} the second");

        let plan = run(&sim, &["jobs", "plan", "-f", EXAMPLE, "--detailed-exitcode"]).await;
        assert_eq!(plan.status, 0, "{}", plan.stderr);
        let json: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
        assert_eq!(json["changes"], false);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_changed_line_is_one_action() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        assert_eq!(run(&sim, &["jobs", "apply", "-f", EXAMPLE, "--yes"]).await.status, 0);
        let cases = [
            (
                "schedule: daily 22:00",
                "schedule: periodically 1h",
                "~ job \"Contoso Mailboxes\": schedule daily 22:00 -> periodically 1h",
            ),
            (
                "process: [mailbox, archive]",
                "process: [mailbox]",
                "~ job \"Contoso Mailboxes\": select user bob@contoso.com: mailbox, archive -> mailbox",
            ),
            ("- team: Sales", "- team: Engineering", ""),
            (
                "repository: Repo 1",
                "repository: Contoso Long-Term",
                "~ job \"Contoso Mailboxes\": repository Repo 1 -> Contoso Long-Term",
            ),
        ];
        for (from, to, line) in cases {
            let changed = file("one-line", "jobs.yaml", &example().replacen(from, to, 1));
            let plan = run(&sim, &["jobs", "plan", "-f", changed.to_str().unwrap(), "-o", "json"]).await;
            assert_eq!(plan.status, 0, "{}", plan.stderr);
            let json: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
            let actions = json["organizations"][0]["actions"].as_array().unwrap();
            let texts: Vec<&str> = actions.iter().map(|a| a["text"].as_str().unwrap()).collect();
            if line.is_empty() {
                // Another team: one added and one removed, the addition first.
                assert_eq!(
                    texts,
                    [
                        "+ job \"Contoso Mailboxes\": select team Engineering",
                        "- job \"Contoso Mailboxes\": select team Sales"
                    ],
                    "{version}"
                );
            } else {
                assert_eq!(texts, [line], "{version}: {from} -> {to}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_widens_a_job_is_applied_before_what_narrows_it() {
    let sim = simulator(&[ApiVersion::V8]).await;
    assert_eq!(run(&sim, &["jobs", "apply", "-f", EXAMPLE, "--yes"]).await.status, 0);
    // The team leaves the selection and the CEO leaves the exclusions: the
    // exclusion goes first, so that the job never selects less than both.
    let text = example().replacen("      - team: Sales\n", "", 1).replacen(
        "    exclude:\n      - user: ceo@contoso.com\n",
        "",
        1,
    );
    let changed = file("order", "jobs.yaml", &text);
    let plan = run(&sim, &["jobs", "plan", "-f", changed.to_str().unwrap(), "-o", "table"]).await;
    let lines: Vec<&str> = plan.stdout.lines().filter(|l| l.starts_with("  ")).map(str::trim).collect();
    assert_eq!(
        lines,
        ["- job \"Contoso Mailboxes\": exclude user ceo@contoso.com", "- job \"Contoso Mailboxes\": select team Sales"],
        "{}",
        plan.stdout
    );
    sim.clear_requests();
    assert_eq!(run(&sim, &["jobs", "apply", "-f", changed.to_str().unwrap(), "--yes"]).await.status, 0);
    let order: Vec<String> = writes(&sim).into_iter().map(|w| w.rsplit('/').next().unwrap().to_owned()).collect();
    assert_eq!(order, ["ExcludedItems", "SelectedItems"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_fails_at_its_line_before_anything_is_written() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let cases = [
            (
                "- user: bob@contoso.com",
                "- user: nobody@contoso.com",
                ":14: `user`: no user is named `nobody@contoso.com`",
            ),
            ("- group: Finance", "- group: Marketing", ":16: `group`: `Marketing` names 2 groups"),
            (
                "repository: Contoso Long-Term",
                "repository: ABC Wasabi",
                ":23: `repository`: repository `ABC Wasabi` belongs to organization abc.onmicrosoft.com",
            ),
            (
                "    schedule: periodically 8h",
                "    schedulle: periodically 8h",
                ":24: `schedulle`: unknown field `schedulle`",
            ),
            (
                "name: Contoso Everything",
                "name: Contoso Mailboxes",
                ":22: `name`: job `Contoso Mailboxes` is named twice",
            ),
        ];
        for (from, to, wanted) in cases {
            if version == ApiVersion::V6 && to.contains("ABC Wasabi") {
                // Repositories belong to organizations from v8 on: a v6
                // server has no repository of another organization.
                continue;
            }
            let bad = file("bad", "jobs.yaml", &example().replacen(from, to, 1));
            let path = bad.to_str().unwrap();
            for command in ["plan", "apply"] {
                sim.clear_requests();
                let mut args = vec!["jobs", command, "-f", path];
                if command == "apply" {
                    args.push("--yes");
                }
                let run = run(&sim, &args).await;
                assert_eq!(run.status, 1, "{version} {command} {to}: {}", run.stderr);
                assert!(run.stderr.starts_with(&format!("vb365: {path}{wanted}")), "{version} {to}: {}", run.stderr);
                assert!(writes(&sim).is_empty(), "{version}: nothing is written: {:?}", writes(&sim));
            }
        }
        // A name a job of another organization has: names are unique on a server.
        let taken = file("taken", "jobs.yaml", &example().replace("Contoso Everything", "ABC Teams"));
        let run = run(&sim, &["jobs", "apply", "-f", taken.to_str().unwrap(), "--yes"]).await;
        assert_eq!(run.status, 1);
        assert!(
            run.stderr.contains(":22: `name`: a job named `ABC Teams` belongs to another organization"),
            "{}",
            run.stderr
        );
        assert!(writes(&sim).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_deletes_only_the_jobs_no_file_names() {
    for version in [ApiVersion::V8, ApiVersion::V6] {
        let sim = simulator(&[version]).await;
        let before: Vec<_> = sim.jobs().into_iter().map(|j| j.name.unwrap_or_default()).collect();
        assert!(before.contains(&String::from("Contoso Exchange")) && before.contains(&String::from("ABC Teams")));
        let plan = run(&sim, &["jobs", "plan", "-f", EXAMPLE, "--prune", "-o", "table"]).await;
        assert!(plan.stdout.contains("- delete job \"Contoso Exchange\""), "{}", plan.stdout);
        assert!(!plan.stdout.contains("ABC"), "another organization's jobs are not touched: {}", plan.stdout);

        let unasked = run(&sim, &["jobs", "apply", "-f", EXAMPLE, "--prune"]).await;
        assert_eq!(unasked.status, 1, "no --yes and no terminal: nothing happens");
        assert!(unasked.stderr.contains("give --yes"), "{}", unasked.stderr);
        assert!(writes(&sim).is_empty());

        let apply = run(&sim, &["jobs", "apply", "-f", EXAMPLE, "--prune", "--yes"]).await;
        assert_eq!(apply.status, 0, "{}", apply.stderr);
        let mut after: Vec<_> = sim.jobs().into_iter().map(|j| j.name.unwrap_or_default()).collect();
        after.sort();
        assert_eq!(
            after,
            ["ABC OneDrive (retired)", "ABC Teams", "Contoso Everything", "Contoso Mailboxes"],
            "{version}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_of_files_one_per_tenant() {
    let sim = simulator(&[ApiVersion::V8]).await;
    let contoso = file("folder", "contoso.yaml", &example());
    let abc = "organization: abc.onmicrosoft.com\njobs:\n  - name: ABC Mail\n    repository: ABC Wasabi\n    select:\n      - user: user001@abc.onmicrosoft.com\n        process: [mailbox]\n      - group: ABC Staff\n";
    file("folder", "abc.yml", abc);
    let folder = contoso.parent().unwrap().to_str().unwrap().to_owned();
    let apply = run(&sim, &["jobs", "apply", "-f", &folder, "--concurrency", "2", "--yes", "-o", "table"]).await;
    assert_eq!(apply.status, 0, "{}", apply.stderr);
    assert!(apply.stdout.contains("abc.onmicrosoft.com ("), "{}", apply.stdout);
    assert!(apply.stdout.contains("Applied: 3 created"), "{}", apply.stdout);
    let plan = run(&sim, &["jobs", "plan", "-f", &folder, "--detailed-exitcode"]).await;
    assert_eq!(plan.status, 0, "{}", plan.stderr);
}
