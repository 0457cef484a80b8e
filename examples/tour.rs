//! A tour of every operation.
//!
//! ```sh
//! cargo run --example tour --features simulator
//! ```
//!
//! starts the embedded simulator and runs every step. The simulator serves
//! API v1, v6 and v8 unless `--simulate-versions 8` (or `6`, or `6,8`), or
//! the environment variable `VB365_SIMULATOR_VERSIONS`, picks others: the
//! same tour then shows what a VB365 8 or a VB365 6 server answers. Against
//! a real server, only the steps that read run, unless `--allow-changes`
//! lets the tour start (and stop) a restore session:
//!
//! ```sh
//! VB365_PASSWORD=... cargo run --example tour --features simulator -- \
//!     --url https://vbo.example.com --user administrator \
//!     [--ca-cert server.pem | --insecure] [--job <job id>] [--allow-changes]
//! ```

#[path = "tour/scope.rs"]
mod scope;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::{StreamExt as _, TryStreamExt};
use uuid::Uuid;
use vb365::monitoring::{Scope, Thresholds, judge};
use vb365::restore::{ExploreFrom, RestoreCredentials, RestoreSession, SendItems, ToMailbox, ToPst};
use vb365::simulator::{Simulator, SimulatorConfig};
use vb365::types::{
    BackupAccount, ExchangeOnlineSettings, GroupMember, GroupMemberType, OneDriveDocumentAction, OrganizationCreate,
    OrganizationRegion, OrganizationType, RestoreSessionType, SharePointOnlineSettings,
};
use vb365::{
    ApiVersion, Client, Credentials, Error, JobSessionFilter, LicensedUserFilter, PageRequest, RestorePointFilter,
    RestoreSessionFilter, Secret,
};

const USAGE: &str = "usage: tour [--simulate-versions LIST] | [--url URL --user NAME [--ca-cert FILE | --insecure] [--job ID] [--allow-changes]]
  without --url: runs every step against the embedded simulator, which serves the API versions
    of --simulate-versions or VB365_SIMULATOR_VERSIONS (e.g. 8, 6 or 6,8; default 1,6,8)
  with --url: the password comes from VB365_PASSWORD; only reading steps run unless --allow-changes";

struct Options {
    simulate: Option<Vec<ApiVersion>>,
    url: Option<String>,
    user: Option<String>,
    ca_cert: Option<String>,
    insecure: bool,
    job: Option<Uuid>,
    allow_changes: bool,
}

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        simulate: None,
        url: None,
        user: None,
        ca_cert: None,
        insecure: false,
        job: None,
        allow_changes: false,
    };
    let versions =
        |list: &str| list.split(',').map(|v| v.parse::<ApiVersion>()).collect::<Result<Vec<_>, _>>().map(Some);
    if let Some(list) = std::env::var("VB365_SIMULATOR_VERSIONS").ok().filter(|l| !l.trim().is_empty()) {
        options.simulate = versions(&list).map_err(|e| format!("VB365_SIMULATOR_VERSIONS: {e}"))?;
    }
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--simulate-versions" => options.simulate = versions(&value()?)?,
            "--url" => options.url = Some(value()?),
            "--user" => options.user = Some(value()?),
            "--ca-cert" => options.ca_cert = Some(value()?),
            "--job" => options.job = Some(value()?.parse().map_err(|e| format!("--job: {e}"))?),
            "--insecure" => options.insecure = true,
            "--allow-changes" => options.allow_changes = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if options.url.is_some() != options.user.is_some() {
        return Err(String::from("--url and --user go together"));
    }
    Ok(options)
}

/// Prints one step as it finishes: number, name, result, time.
struct Steps {
    count: usize,
    started: Instant,
}

impl Steps {
    async fn run<T, F>(&mut self, name: &str, step: F, describe: impl FnOnce(&T) -> String) -> Result<T, Error>
    where
        F: std::future::Future<Output = Result<T, Error>>,
    {
        self.count += 1;
        let started = Instant::now();
        let result = step.await;
        let took = started.elapsed();
        match &result {
            Ok(value) => println!("{:>3}. {name:<34} {:<64} {:>8}", self.count, clip(&describe(value), 64), ms(took)),
            Err(e) => println!("{:>3}. {name:<34} FAILED: {e}", self.count),
        }
        result
    }

    fn skip(&mut self, name: &str, why: &str) {
        println!("  -  {name:<34} skipped: {why}");
    }
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    text.chars().take(width - 3).chain("...".chars()).collect()
}

fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(|| String::from("?"), ToString::to_string)
}

fn list(versions: &[ApiVersion]) -> String {
    versions.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let options = match options() {
        Ok(o) => o,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("{problem}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match tour(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\ntour failed: {e}");
            let mut source = std::error::Error::source(e.as_ref());
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn tour(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let simulator = match (&options.url, &options.simulate) {
        (Some(_), _) => None,
        (None, versions) => {
            let mut config = SimulatorConfig::default();
            if let Some(versions) = versions {
                config.versions = versions.clone();
            }
            // A started job finishes while the tour waits for it.
            config.job_duration = Duration::from_millis(300);
            Some(Simulator::start_with(config).await?)
        }
    };
    let (url, credentials, changes) = match (&simulator, &options.url, &options.user) {
        (Some(sim), _, _) => (sim.url().to_owned(), sim.credentials(), true),
        (None, Some(url), Some(user)) => {
            let password =
                std::env::var("VB365_PASSWORD").map_err(|_| "set VB365_PASSWORD to the password of --user")?;
            (url.clone(), Credentials::password(user.clone(), Secret::from(password)), options.allow_changes)
        }
        _ => unreachable!("options() pairs --url with --user"),
    };
    let mut builder = Client::builder(&url).danger_accept_invalid_certs(options.insecure);
    if let Some(file) = &options.ca_cert {
        builder = builder.add_root_certificate(std::fs::read(file).map_err(|e| format!("--ca-cert {file}: {e}"))?);
    }
    let client = builder.build()?;
    let target = match &simulator {
        Some(sim) => format!("the embedded simulator (serving {})", list(sim.versions())),
        None => String::from("a real server"),
    };
    println!("vb365 tour against {target} at {}\n", client.base_url());

    let mut steps = Steps { count: 0, started: Instant::now() };
    let login = steps.run("log in", client.login(credentials), |()| {
        format!("token received; the server serves {}", list(&client.api_versions().unwrap_or_default()))
    });
    login.await?;
    steps
        .run("server info", client.server_info(), |i| {
            format!("build {}, installation {}", shown(&i.product_version), shown(&i.installation_id))
        })
        .await?;

    if changes && simulator.is_some() {
        let added = steps.run("add an organization", client.add_organization(new_organization()), |o| {
            format!("{} ({})", o.name.as_deref().unwrap_or("?"), o.id)
        });
        added.await?;
    } else {
        steps.skip("add an organization", "changes a real server (the tour has no real credentials to add)");
    }

    let organizations = steps
        .run("list organizations", client.list_organizations(), |list| {
            let names: Vec<&str> = list.iter().filter_map(|o| o.name.as_deref()).collect();
            format!("{}: {}", list.len(), names.join(", "))
        })
        .await?;
    let Some(first) = organizations.first() else {
        println!("\nthe server has no organizations; nothing more to show");
        return Ok(());
    };
    let organization_id = simulator.as_ref().map_or(first.id, Simulator::organization_id);
    steps
        .run("get an organization", client.get_organization(organization_id), |o| {
            format!("{} backed up: {}", o.name.as_deref().unwrap_or("?"), o.is_backedup.unwrap_or(false))
        })
        .await?;

    if changes && simulator.is_some() {
        let set = client.set_backup_accounts(organization_id, backup_accounts());
        steps.run("set backup accounts", set, |()| String::from("2 accounts")).await?;
    } else {
        steps.skip("set backup accounts", "replaces a real server's pool");
    }
    steps
        .run("list backup accounts", client.list_backup_accounts(organization_id), |accounts| {
            let logins: Vec<&str> = accounts.iter().map(|a| a.group_member.login.as_str()).collect();
            format!("{}: {}", accounts.len(), logins.join(", "))
        })
        .await?;

    match simulator.as_ref().map(Simulator::job_id).or(options.job) {
        Some(job) => {
            let walk = async {
                let all: Vec<_> = client.job_selected_items(job, 10).try_collect().await?;
                let mailboxes = all.iter().filter(|i| i.mailbox == Some(true)).count();
                Ok::<_, Error>((all.len(), mailboxes))
            };
            steps
                .run("walk the job's items (pages of 10)", walk, |(n, m)| format!("{n} items, {m} with their mailbox"))
                .await?;
            // The archived page's v1 API: only a server that serves v1 answers.
            let v1_served = client.api_versions().is_some_and(|v| v.contains(&ApiVersion::V1));
            if v1_served {
                let page = client.list_job_selected_mailboxes(job, PageRequest::first(2));
                let first_page = steps.run("read one page of mailboxes (v1)", page, |p| {
                    let names: Vec<&str> = p.results.iter().filter_map(|m| m.name.as_deref()).collect();
                    format!("offset {} limit {}: {}", p.offset, p.limit, names.join(", "))
                });
                first_page.await?;
                let walk = async {
                    let all: Vec<_> = client.job_selected_mailboxes(job, 100).try_collect().await?;
                    let backed_up = all.iter().filter(|m| m.is_backed_up.is_some_and(bool::from)).count();
                    Ok::<_, Error>((all.len(), backed_up))
                };
                steps
                    .run("walk all mailboxes (v1, 100/page)", walk, |(n, b)| format!("{n} mailboxes, {b} backed up"))
                    .await?;
            } else {
                let refused = client.list_job_selected_mailboxes(job, PageRequest::first(2)).await;
                let why = refused.err().map(|e| e.to_string()).unwrap_or_default();
                steps.skip("read a job's mailboxes (v1)", &why);
            }
        }
        None => steps.skip("walk what a job selects", "give --job <id>"),
    }

    monitoring(&client, &mut steps, organization_id, changes).await?;
    scope::scope(&client, &mut steps, organization_id, changes && simulator.is_some()).await?;

    if changes {
        // A restore session is a handle: stopped by `stop()`, or in the
        // background (with a warning) if dropped without it.
        let points = client.restore_points(RestorePointFilter::all().organization(organization_id));
        let points = steps
            .run("the organization's restore points", points.try_collect::<Vec<_>>(), |all| {
                format!(
                    "{} points, the latest {}",
                    all.len(),
                    all.first().map_or(String::from("-"), |p| shown(&p.backup_time))
                )
            })
            .await?;
        let latest = points.iter().filter_map(|p| p.backup_time.clone()).max();
        let at =
            latest.unwrap_or_else(|| vb365::DateTime::from(std::time::SystemTime::now() - Duration::from_secs(86_400)));
        let at_for_onedrive = at.clone();
        let from = ExploreFrom::organization(organization_id, RestoreSessionType::Vex).at(at).show_deleted(true);
        let session = steps
            .run("explore Exchange at the latest", client.explore(from), |s| {
                format!("{} ({})", s.info().name.as_deref().unwrap_or("?"), shown(&s.info().state))
            })
            .await?;
        let id = session.id();
        steps
            .run("read the restore session", session.current(), |s| {
                format!("state {}, result {}", shown(&s.state), shown(&s.result))
            })
            .await?;
        // Browse before stopping, and stop whatever browsing gave.
        // The simulator takes any restore account; a real server only the
        // one in VB365_RESTORE_USER and VB365_RESTORE_PASSWORD.
        let restorer = match (std::env::var("VB365_RESTORE_USER"), std::env::var("VB365_RESTORE_PASSWORD")) {
            (Ok(user), Ok(password)) => Some(RestoreCredentials::user(user, password)),
            _ if simulator.is_some() => Some(RestoreCredentials::user("tour@contoso.com", "tour-restore-password")),
            _ => None,
        };
        let browsed = browse(&mut steps, &session, restorer.as_ref(), simulator.is_some()).await;
        steps.run("stop the restore session", session.stop(), |()| String::from("stopped")).await?;
        browsed?;
        let from = ExploreFrom::organization(organization_id, RestoreSessionType::Veod).at(at_for_onedrive);
        let session = steps.run("explore OneDrive", client.explore(from), |s| shown(&s.info().name)).await?;
        let browsed = browse_onedrive(&mut steps, &session, restorer.as_ref(), simulator.is_some()).await;
        steps.run("stop that session too", session.stop(), |()| String::from("stopped")).await?;
        browsed?;
        steps.run("read it again", client.get_restore_session(id), |s| format!("state {}", shown(&s.state))).await?;
    } else {
        steps.skip("start, read and stop a restore session", "pass --allow-changes");
    }

    let server = simulator.as_ref().map(|s| format!(" (the simulator saw {})", s.requests().len())).unwrap_or_default();
    println!(
        "\ndone: {} steps in {}, {} requests sent{server}",
        steps.count,
        ms(steps.started.elapsed()),
        client.requests_sent()
    );
    Ok(())
}

/// What the people who run the server watch: jobs and their sessions,
/// repositories, proxies, the license, restore sessions, health, and the
/// verdict `vb365 check` gives; with `changes`, a job is started, waited
/// for, disabled and enabled again.
/// Finds a mail in an Exchange restore session: the first mailbox, its
/// inbox by path, the inbox's mails on every page, one of them by ID.
/// With `restorer`, restores the inbox into the second mailbox, with
/// progress, then both mailboxes where they were.
async fn browse(
    steps: &mut Steps,
    session: &RestoreSession,
    restorer: Option<&RestoreCredentials>,
    simulated: bool,
) -> Result<(), Error> {
    let mailboxes = session.mailboxes().take(2).try_collect::<Vec<_>>();
    let mailboxes = steps
        .run("its first mailboxes", mailboxes, |all| {
            all.first().map_or_else(|| String::from("none"), |m| shown(&m.email))
        })
        .await?;
    let Some(mailbox) = mailboxes.first().cloned() else { return Ok(()) };
    let inbox = session.find_mailbox_folder(mailbox.id, "Inbox");
    let inbox = steps.run("its Inbox, by path", inbox, |f| shown(&f.as_ref().and_then(|f| f.id.clone()))).await?;
    let folder = inbox.and_then(|f| f.id);
    let mails = session.mailbox_items(mailbox.id, folder.as_deref()).try_collect::<Vec<_>>();
    let mails = steps.run("the Inbox's mails", mails, |all| format!("{} mails", all.len())).await?;
    if let Some(id) = mails.first().and_then(|m| m.id.clone()) {
        let mail = session.mailbox_item(mailbox.id, &id);
        steps.run("one mail by ID", mail, |m| shown(&m.subject)).await?;
    }
    let found = session.search_mailbox(mailbox.id, None, "subject:invoice").try_collect::<Vec<_>>();
    steps.run("search the mailbox for invoices", found, |all| format!("{} found", all.len())).await?;
    let chosen: Vec<&str> = mails.iter().take(2).filter_map(|m| m.id.as_deref()).collect();
    if !chosen.is_empty() {
        // Written as it arrives; a program would pass a file.
        let mut sink = tokio::io::sink();
        let saved = session.save_mailbox_items(mailbox.id, &chosen, &mut sink);
        steps.run("save two mails as one file", saved, |s| format!("{} bytes", s.bytes)).await?;
        let saved = session.save_mailbox_item(mailbox.id, chosen[0], &mut sink);
        steps.run("save one mail as its MSG file", saved, |s| format!("{} bytes", s.bytes)).await?;
        let (plain, mut sink) = (ToPst::new(), tokio::io::sink());
        let exported = session.export_mailbox_items_to_pst(mailbox.id, &chosen, &plain, &mut sink);
        steps.run("export them to PST", exported, |s| format!("{} bytes", s.bytes)).await?;
        let (plain, mut sink) = (ToPst::new(), tokio::io::sink());
        let whole = session.export_mailbox_to_pst(mailbox.id, &plain, &mut sink);
        steps.run("export the whole mailbox to PST", whole, |s| format!("{} bytes", s.bytes)).await?;
        if simulated {
            // Against a real server this mails someone: only the simulator's.
            let message = SendItems::to("helpdesk@contoso.com").subject("Mail restored by the tour");
            let sent = session.send_mailbox_items(mailbox.id, &chosen, &message);
            steps.run("send them to an address", sent, |()| String::from("sent")).await?;
            let back = session.send_mailbox_items_to_original(mailbox.id, &chosen);
            steps.run("send them back to the mailbox", back, |()| String::from("sent")).await?;
        }
    }
    let (Some(restorer), Some(other), Some(folder)) =
        (restorer, mailboxes.get(1).and_then(|m| m.email.clone()), folder)
    else {
        steps.skip("restore the Inbox to another mailbox", "set VB365_RESTORE_USER and VB365_RESTORE_PASSWORD");
        return Ok(());
    };
    let to = ToMailbox::new(&other, restorer).folder("Restored by the tour");
    let action = session.restore_mailbox_folder_to(mailbox.id, &folder, &to);
    let action = steps.run("restore Inbox into another mailbox", action, |_| format!("into {other}")).await?;
    let reports = std::cell::Cell::new(0);
    let outcome = session.wait(action.poll_every(Duration::from_millis(250)), |_| reports.set(reports.get() + 1));
    steps
        .run("wait for it, with progress", outcome, |o| {
            format!(
                "{:?}: {} restored, {} skipped, {} progress reports",
                o.status,
                o.counts.restored,
                o.counts.skipped,
                reports.get()
            )
        })
        .await?;
    let both: Vec<Uuid> = mailboxes.iter().map(|m| m.id).collect();
    let action = session.restore_mailboxes(&both, restorer);
    let action = steps.run("restore both mailboxes in place", action, |_| format!("{} mailboxes", both.len())).await?;
    let outcome = session.wait(action.poll_every(Duration::from_millis(250)), |_| {});
    steps.run("wait for it", outcome, |o| format!("{:?}: {} restored", o.status, o.counts.restored)).await?;
    Ok(())
}

/// Finds documents in a OneDrive restore session: the first OneDrive, its
/// Documents folder by path, the documents in it on every page, a
/// document's versions; saves the folder and the first version; with
/// `restorer`, restores the folder and then that version where they were
/// (keeping what is there).
async fn browse_onedrive(
    steps: &mut Steps,
    session: &RestoreSession,
    restorer: Option<&RestoreCredentials>,
    simulated: bool,
) -> Result<(), Error> {
    let mut onedrives = session.onedrives();
    let first = onedrives.try_next();
    let onedrive = steps.run("its first OneDrive", first, |o| shown(&o.as_ref().and_then(|o| o.url.clone()))).await?;
    let Some(id) = onedrive.and_then(|o| o.id) else { return Ok(()) };
    let folder = session.find_onedrive_folder(&id, "/Documents");
    let folder =
        steps.run("its /Documents, by path", folder, |f| shown(&f.as_ref().and_then(|f| f.id.clone()))).await?;
    let folder = folder.and_then(|f| f.id);
    let documents = session.onedrive_documents(&id, folder.as_deref()).try_collect::<Vec<_>>();
    let documents = steps.run("the documents in it", documents, |all| {
        let bytes: i64 = all.iter().filter_map(|d| d.size_bytes).sum();
        format!("{} documents, {bytes} bytes", all.len())
    });
    let documents = documents.await?;
    let found = session.search_onedrive(&id, None, "report").try_collect::<Vec<_>>();
    steps.run("search it for reports", found, |all| format!("{} found", all.len())).await?;
    let mut first_version = None;
    if let Some(document) = documents.iter().rev().find(|d| d.is_folder != Some(true)).and_then(|d| d.id.clone()) {
        let versions = session.onedrive_document_versions(&id, &document).try_collect::<Vec<_>>();
        let versions = steps.run("a document's versions", versions, |all| format!("{} versions", all.len())).await?;
        let first = versions.first().and_then(|v| v.version_id);
        let mut sink = tokio::io::sink();
        let saved = session.save_onedrive_document(&id, &document, first, false, &mut sink);
        steps.run("save its first version", saved, |s| format!("{} bytes", s.bytes)).await?;
        if simulated {
            // Against a real server this mails someone: only the simulator's.
            let message = SendItems::to("helpdesk@contoso.com").subject("A document restored by the tour");
            let one = [document.as_str()];
            let sent = session.send_onedrive_documents(&id, &one, &message);
            steps.run("send it to an address", sent, |()| String::from("sent")).await?;
        }
        first_version = first.map(|first| (document, first));
    }
    let Some(folder) = folder else { return Ok(()) };
    let versions = session.onedrive_folder_versions(&id, &folder).try_collect::<Vec<_>>();
    steps.run("the folder's versions", versions, |all| format!("{} versions", all.len())).await?;
    // Written as it arrives; a program would pass a file.
    let mut sink = tokio::io::sink();
    let saved = session.save_onedrive_folder(&id, &folder, &mut sink);
    steps.run("save /Documents as a ZIP file", saved, |s| format!("{} bytes", s.bytes)).await?;
    let Some(restorer) = restorer else {
        steps.skip("restore /Documents where it was", "set VB365_RESTORE_USER and VB365_RESTORE_PASSWORD");
        return Ok(());
    };
    let action = session.restore_onedrive_folder(&id, &folder, restorer, OneDriveDocumentAction::Keep);
    let action =
        steps.run("restore /Documents where it was", action, |_| String::from("keeping what is there")).await?;
    let outcome = session.wait(action.poll_every(Duration::from_millis(250)), |_| {});
    steps
        .run("wait for it", outcome, |o| {
            format!("{:?}: {} restored, {} skipped", o.status, o.counts.restored, o.counts.skipped)
        })
        .await?;
    let Some((document, first)) = first_version else { return Ok(()) };
    let keep = OneDriveDocumentAction::Keep;
    let action = session.restore_onedrive_document_version(&id, &document, first, restorer, keep);
    let action = steps.run("restore that version in place", action, |_| String::from("beside the last")).await?;
    let outcome = session.wait(action.poll_every(Duration::from_millis(250)), |_| {});
    steps.run("wait for it", outcome, |o| format!("{:?}: {} restored", o.status, o.counts.restored)).await?;
    Ok(())
}

async fn monitoring(
    client: &Client,
    steps: &mut Steps,
    organization_id: Uuid,
    changes: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let jobs = steps
        .run("list jobs", client.list_jobs(), |jobs| {
            let states: Vec<String> = jobs
                .iter()
                .map(|j| format!("{} {}", j.name.as_deref().unwrap_or("?"), shown(&j.last_status)))
                .collect();
            format!("{}: {}", jobs.len(), states.join(", "))
        })
        .await?;
    let Some(job) = jobs.iter().find(|j| j.is_enabled != Some(false)).or(jobs.first()) else {
        steps.skip("jobs, sessions and logs", "the server has no jobs");
        return Ok(());
    };
    steps
        .run("get a job", client.get_job(job.id), |j| {
            format!(
                "{}: last run {}, next {}",
                j.name.as_deref().unwrap_or("?"),
                shown(&j.last_run),
                shown(&j.next_run)
            )
        })
        .await?;
    let sessions = steps
        .run("walk every job session", client.job_sessions(JobSessionFilter::all()).try_collect::<Vec<_>>(), |all| {
            let failed = all.iter().filter(|s| s.status == Some(vb365::types::JobStatus::Failed)).count();
            format!("{} sessions, {failed} failed", all.len())
        })
        .await?;
    steps
        .run("the latest sessions of a job", client.recent_job_sessions(job.id, 3), |recent| {
            let states: Vec<String> = recent.iter().map(|s| shown(&s.status)).collect();
            format!("{}: {}", job.name.as_deref().unwrap_or("?"), states.join(", "))
        })
        .await?;
    if let Some(session) = sessions.first() {
        let log = client.job_session_log(session.id).try_collect::<Vec<_>>();
        steps
            .run("read a session's log", log, |log| {
                format!("{} lines; last: {}", log.len(), log.last().and_then(|l| l.message.as_deref()).unwrap_or(""))
            })
            .await?;
    }
    steps
        .run("list repositories", client.backup_repositories().try_collect::<Vec<_>>(), |all| {
            let space: Vec<String> = all
                .iter()
                .map(|r| {
                    let free =
                        r.space().map_or(String::from("no capacity"), |s| format!("{:.0}% free", s.free_percent()));
                    format!("{} {free}", r.name.as_deref().unwrap_or("?"))
                })
                .collect();
            space.join(", ")
        })
        .await?;
    let used = client.organization_used_repositories(organization_id).try_collect::<Vec<_>>();
    steps
        .run("space an organization takes", used, |used| {
            let bytes: i64 = used.iter().filter_map(|u| u.used_space_bytes).sum();
            format!("{} repositories, {:.1} GiB in all", used.len(), bytes as f64 / f64::from(1u32 << 30))
        })
        .await?;
    steps
        .run("list proxies", client.proxies().try_collect::<Vec<_>>(), |all| {
            let states: Vec<String> =
                all.iter().map(|p| format!("{} {}", p.host_name.as_deref().unwrap_or("?"), shown(&p.status))).collect();
            states.join(", ")
        })
        .await?;
    steps
        .run("read the license", client.license(), |l| {
            let expires = l.expires().map_or_else(|| String::from("?"), ToString::to_string);
            format!(
                "{}, expires {expires}, {} of {} used",
                shown(&l.status),
                shown(&l.used_number),
                shown(&l.total_number)
            )
        })
        .await?;
    let users = client.licensed_users(LicensedUserFilter::all()).try_collect::<Vec<_>>();
    steps.run("list licensed users", users, |all| format!("{} users", all.len())).await?;
    steps
        .run("an organization's licenses", client.organization_licensing(organization_id), |l| {
            format!("{} licensed, {} new", shown(&l.licensed_users), shown(&l.new_users))
        })
        .await?;
    let restores = steps
        .run(
            "list restore sessions",
            client.restore_sessions(RestoreSessionFilter::all()).try_collect::<Vec<_>>(),
            |all| format!("{} sessions", all.len()),
        )
        .await?;
    if let Some(restore) = restores.first() {
        let events = client.restore_session_events(restore.id).try_collect::<Vec<_>>();
        steps.run("a restore session's events", events, |all| format!("{} events", all.len())).await?;
    }
    steps
        .run("health", client.health(), |h| {
            let mut entries: Vec<String> = h.entries.keys().cloned().collect();
            entries.sort();
            format!("{} ({})", shown(&h.status), entries.join(", "))
        })
        .await?;
    let verdict = async {
        let snapshot = client.snapshot(Scope::default()).await;
        Ok::<_, Error>(judge(&snapshot, &Thresholds::default(), &vb365::DateTime::now()))
    };
    let report = steps.run("check: judge it all", verdict, |r| format!("{}: {}", r.state.as_str(), r.summary)).await?;
    for finding in &report.findings {
        println!("       {}: {}", finding.state.as_str(), finding.detail);
    }

    if !changes {
        steps.skip("start, disable and enable a job", "pass --allow-changes");
        return Ok(());
    }
    let started = steps
        .run("start a job", client.start_job(job.id, false), |s| match s {
            Some(session) => format!("session {} {}", session.id, shown(&session.status)),
            None => String::from("started (v6 does not name the session)"),
        })
        .await?;
    let finished = async {
        let waited = Instant::now();
        loop {
            let latest = match &started {
                Some(session) => client.get_job_session(session.id).await?,
                None => client.recent_job_sessions(job.id, 1).await?.into_iter().next().ok_or(Error::Config {
                    setting: "tour",
                    problem: String::from("the started session is not listed"),
                })?,
            };
            if latest.is_finished() || waited.elapsed() > Duration::from_secs(30) {
                return Ok::<_, Error>(latest);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    steps
        .run("wait for its session", finished, |s| {
            format!("{} after {}", shown(&s.status), s.duration().map_or(String::from("?"), ms))
        })
        .await?;
    steps.run("disable the job", client.disable_job(job.id), |()| String::from("disabled")).await?;
    steps.run("enable it again", client.enable_job(job.id), |()| String::from("enabled")).await?;
    Ok(())
}

fn new_organization() -> OrganizationCreate {
    let account = || Some(String::from("admin@fabrikam.onmicrosoft.com"));
    let password = || Some(Secret::from("tour-password"));
    OrganizationCreate {
        type_: OrganizationType::Office365,
        region: OrganizationRegion::Worldwide,
        is_exchange_online: true,
        is_share_point_online: true,
        is_teams_online: Some(false),
        is_teams_chats_online: Some(false),
        exchange_online_settings: Some(ExchangeOnlineSettings {
            account: account(),
            password: password(),
            grant_admin_access: Some(true),
            use_mfa: Some(false),
            use_custom_veeam_aad_application: Some(false),
            ..Default::default()
        }),
        share_point_online_settings: Some(SharePointOnlineSettings {
            account: account(),
            password: password(),
            grant_admin_access: Some(true),
            use_mfa: Some(false),
            use_custom_veeam_aad_application: Some(false),
            ..Default::default()
        }),
    }
}

fn backup_accounts() -> Vec<BackupAccount> {
    ["backup1@contoso.onmicrosoft.com", "backup2@contoso.onmicrosoft.com"]
        .into_iter()
        .map(|login| BackupAccount {
            group_member: GroupMember {
                group_id: Some(String::from("6e570850-9ce9-40ed-b81d-41772dabcead")),
                name: Some(String::from("backup account")),
                login: String::from(login),
                type_: GroupMemberType::User,
                is_cloud: Some(true),
                data_location: None,
                links: None,
            },
            password: Some(Secret::from("tour-password")),
        })
        .collect()
}
