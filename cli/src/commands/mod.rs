//! One function per subcommand, over `vb365::Client` only; one file per
//! resource.

mod directory;
mod infrastructure;
mod job_files;
mod job_scope;
mod jobs;
mod licensing;
mod organizations;
mod restore;
mod restore_actions;
mod restore_onedrive;
mod restore_save;
mod restore_sessions;

pub use job_files::JOB_FILES;
pub use organizations::OrganizationAccount;

use std::path::Path;

use std::future::Future;

use futures::TryStreamExt;
use futures::future::Either;
use serde::Serialize;
use vb365::types::{BackupAccount, ExploreOptions, OrganizationCreate};
use vb365::{Method, OperationFamily};

use crate::args::{
    BackupAccountsCommand, Cli, Collection, Command, JobsCommand, OrganizationsCommand, RepositoriesCommand,
    RestoreSessionsCommand, ServerCommand, SessionsCommand,
};
use crate::body;
use crate::connect::connect;
use crate::failure::Failure;
use crate::output::Output;
use crate::rows::Row;

/// Runs the command of `cli`; answers the exit status (0 but for `check`,
/// whose status is its verdict).
pub async fn run(cli: Cli) -> Result<u8, Failure> {
    let (common, command) = match cli.command {
        Command::Simulate(options) => return crate::simulate::run(options).await.map(|()| 0),
        Command::Check(options) => return Ok(crate::check::run(options).await),
        Command::Exporter(options) => return crate::exporter::run(options).await.map(|()| 0),
        Command::Metrics(options) => return metrics(options).await,
        Command::Server { common, command } => (common, Resource::Server(command)),
        Command::Organizations { common, command } => (common, Resource::Organizations(command)),
        Command::BackupAccounts { common, command } => (common, Resource::BackupAccounts(command)),
        Command::Jobs { common, command } => (common, Resource::Jobs(command)),
        Command::Sessions { common, command } => (common, Resource::Sessions(command)),
        Command::Repositories { common, command } => (common, Resource::Repositories(command)),
        Command::Proxies { common, command } => (common, Resource::Proxies(command)),
        Command::License { common, command } => (common, Resource::License(command)),
        Command::LicensedUsers { common, command } => (common, Resource::LicensedUsers(command)),
        Command::Restore { common, command } => (common, Resource::Restore(command)),
        Command::RestoreSessions { common, command } => (common, Resource::RestoreSessions(command)),
        Command::Health(common) => (common, Resource::Health),
        Command::Api { common, method, path, body } => (common, Resource::Api { method, path, body }),
    };
    if common.connection.server.password_stdin && reads_stdin(&command) {
        return Err(Failure::usage(
            "--password-stdin and a body from standard input cannot share it; give --body FILE",
        ));
    }
    // Read the body first: a malformed file should not cost a login.
    let bodies = Bodies::read(&command)?;
    let client = connect(&common.connection, page_size(&command)).await?;
    let mut output = Output::new(common.output, common.show_secrets);
    let output = &mut output;
    match command {
        Resource::Jobs(JobsCommand::Plan { plan, detailed_exitcode }) => {
            return job_files::plan(&client, plan, detailed_exitcode, output).await;
        }
        Resource::Jobs(JobsCommand::Apply { plan, yes }) => return job_files::apply(&client, plan, yes, output).await,
        Resource::Server(ServerCommand::Info) => output.one(&client.server_info().await?),
        Resource::Organizations(command) => organizations::organizations(&client, command, bodies, output).await,
        Resource::BackupAccounts(command) => organizations::backup_accounts(&client, command, bodies, output).await,
        Resource::Jobs(command) => jobs::jobs(&client, command, output).await,
        Resource::Sessions(command) => jobs::sessions(&client, command, output).await,
        Resource::Repositories(command) => infrastructure::repositories(&client, command, output).await,
        Resource::Proxies(command) => infrastructure::proxies(&client, command, output).await,
        Resource::Health => infrastructure::health(&client, output).await,
        Resource::License(command) => licensing::license(&client, command, output).await,
        Resource::LicensedUsers(command) => licensing::licensed_users(&client, command, output).await,
        Resource::Restore(command) => restore::restore(&client, command, output).await,
        Resource::RestoreSessions(command) => {
            restore_sessions::restore_sessions(&client, command, bodies, output).await
        }
        Resource::Api { method, path, .. } => {
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| Failure::usage(format!("`{method}` is not an HTTP method")))?;
            let answer = client.send_json(method, &path, bodies.value.as_ref()).await?;
            output.value(answer)
        }
    }
    .map(|()| 0)
}

/// A command over the API, without the options every one takes.
enum Resource {
    Server(ServerCommand),
    Organizations(OrganizationsCommand),
    BackupAccounts(BackupAccountsCommand),
    Jobs(JobsCommand),
    Sessions(SessionsCommand),
    Repositories(RepositoriesCommand),
    Proxies(crate::args::ProxiesCommand),
    License(crate::args::LicenseCommand),
    LicensedUsers(crate::args::LicensedUsersCommand),
    Restore(crate::args::RestoreCommand),
    RestoreSessions(RestoreSessionsCommand),
    Health,
    Api { method: String, path: String, body: Option<std::path::PathBuf> },
}

/// `vb365 metrics`: the figures once. A server that cannot be read still
/// gives its `vb365_up 0` (a monitoring system wants to see that), and the
/// exit status 1 with the reason on standard error; so does a server of
/// which some collection could not be read, after the figures it gave.
async fn metrics(options: crate::args::MetricsOptions) -> Result<u8, Failure> {
    use std::io::Write;
    let started = std::time::Instant::now();
    let (client, credentials) = crate::connect::prepare(&options.connection, None)?;
    let (url, user) = (client.base_url().to_owned(), options.connection.server.user.clone().unwrap_or_default());
    let context = crate::explain::Context {
        url: &url,
        user: &user,
        trust: "trust its certificate with --ca-cert",
        versions: "--api-version",
    };
    let reading = match client.login(credentials).await {
        Ok(()) => crate::metrics::read(&client, options.concurrency, None, &context, started, 0).await,
        Err(error) => {
            let reason = crate::explain::Reason::of(&error);
            let why = crate::explain::explain(&error, &context);
            crate::metrics::Reading::down(reason, why, started, client.requests_sent())
        }
    };
    let text = crate::metrics::encode(&reading.series(&server_tag(&url)), options.format, &reading.at);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(Failure::output)?;
    drop(out);
    for (collection, why) in &reading.unread {
        eprintln!("vb365: cannot read {}: {why}", collection.describe());
    }
    match (&reading.down, reading.unread.len()) {
        (Some((_, why)), _) => {
            Err(Failure { exit: crate::failure::Exit::Refused, message: format!("the server is down: {why}") })
        }
        // What could be read is printed; what could not makes it no success.
        (None, 0) => Ok(0),
        (None, failed) => Err(Failure {
            exit: crate::failure::Exit::Refused,
            message: format!("{failed} of the server's collections could not be read; their series are left out"),
        }),
    }
}

/// The server's host and port: the `server` label of its series.
pub fn server_tag(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest).to_owned()
}

/// Every item of a collection up to `limit`, as they arrive, each over
/// the JSON the server sent for it when the format prints JSON.
async fn many<T>(output: &mut Output, items: vb365::Pages<T>, limit: Option<u64>) -> Result<(), Failure>
where
    T: Serialize + Row + Clone + PartialEq + Send + 'static,
{
    let items = if output.wants_json() {
        Either::Left(items.with_json().map_ok(|(item, sent)| (item, Some(sent))))
    } else {
        Either::Right(items.map_ok(|item| (item, None)))
    };
    output.many(items, limit).await.map(drop)
}

/// A list the server answers at once, each item over its JSON.
async fn listed<T, F>(output: &mut Output, family: &OperationFamily, call: F) -> Result<(), Failure>
where
    T: Serialize + Row,
    F: Future<Output = Result<Vec<T>, vb365::Error>>,
{
    let (items, sent) = sent_by(output, family, call).await;
    let items = items?;
    let mut sent = match sent {
        Some(serde_json::Value::Array(sent)) if sent.len() == items.len() => sent.into_iter().map(Some).collect(),
        _ => Vec::new(),
    };
    sent.resize(items.len(), None);
    output.many(futures::stream::iter(items.into_iter().zip(sent).map(Ok)), None).await.map(drop)
}

/// One value, over the JSON `family`'s operation answered with; a value
/// the client makes from another operation's answer (v6 health from the
/// service instance) prints as the client read it.
async fn one<T, F>(output: &mut Output, family: &OperationFamily, call: F) -> Result<(), Failure>
where
    T: Serialize + Row,
    F: Future<Output = Result<T, vb365::Error>>,
{
    let (value, sent) = sent_by(output, family, call).await;
    output.one_as_sent(&value?, sent)
}

/// Runs `call`, keeping the last JSON body `family` answered with when the
/// output prints JSON.
async fn sent_by<T, F: Future<Output = T>>(
    output: &Output,
    family: &OperationFamily,
    call: F,
) -> (T, Option<serde_json::Value>) {
    if !output.wants_json() {
        return (call.await, None);
    }
    let (value, bodies) = vb365::capture_json(call).await;
    let sent = bodies
        .into_iter()
        .rev()
        .find(|body| OperationFamily::of(body.operation).is_some_and(|f| f.name == family.name))
        .map(|body| body.value);
    (value, sent)
}

/// The page size of a command that walks a collection, no bigger than
/// what it is asked to print: the client's streams ask for that many.
fn page_size(command: &Resource) -> Option<u32> {
    use crate::args::{LicensedUsersCommand, ProxiesCommand};
    let collection = match command {
        Resource::Organizations(
            OrganizationsCommand::Users(crate::args::Directory { collection, .. })
            | OrganizationsCommand::Groups(crate::args::Directory { collection, .. })
            | OrganizationsCommand::Sites(crate::args::Directory { collection, .. })
            | OrganizationsCommand::Teams(crate::args::Directory { collection, .. })
            | OrganizationsCommand::Members { collection, .. }
            | OrganizationsCommand::Onedrives { collection, .. },
        )
        | Resource::Jobs(JobsCommand::List { collection, .. })
        | Resource::Sessions(SessionsCommand::List { collection, .. } | SessionsCommand::Log { collection, .. })
        | Resource::Repositories(
            RepositoriesCommand::List(collection) | RepositoriesCommand::Usage { collection, .. },
        )
        | Resource::Proxies(ProxiesCommand::List(collection))
        | Resource::LicensedUsers(LicensedUsersCommand::List { collection, .. })
        | Resource::Restore(
            crate::args::RestoreCommand::Points { collection, .. }
            | crate::args::RestoreCommand::Browse {
                what:
                    crate::args::BrowseCommand::Mailboxes { collection }
                    | crate::args::BrowseCommand::Folders { collection, .. }
                    | crate::args::BrowseCommand::Items { collection, .. }
                    | crate::args::BrowseCommand::Onedrives { collection }
                    | crate::args::BrowseCommand::Documents { collection, .. },
                ..
            },
        )
        | Resource::RestoreSessions(
            RestoreSessionsCommand::List { collection, .. } | RestoreSessionsCommand::Events { collection, .. },
        ) => collection,
        _ => return None,
    };
    let Collection { limit, page_size } = *collection;
    Some(page_size_for(limit, page_size))
}

/// A page no bigger than what is wanted.
fn page_size_for(limit: Option<u64>, page_size: u32) -> u32 {
    limit.map_or(page_size, |l| u32::try_from(l).unwrap_or(u32::MAX).clamp(1, page_size))
}

/// The request bodies a command takes, read before logging in.
#[derive(Default)]
struct Bodies {
    organization: Option<OrganizationCreate>,
    accounts: Option<Vec<BackupAccount>>,
    explore: Option<ExploreOptions>,
    value: Option<serde_json::Value>,
}

impl Bodies {
    fn read(command: &Resource) -> Result<Self, Failure> {
        let mut bodies = Self::default();
        match command {
            Resource::Organizations(OrganizationsCommand::Add { body }) => {
                bodies.organization = Some(body::read(body.as_deref(), "an organization to add (OrganizationCreate)")?);
            }
            Resource::BackupAccounts(BackupAccountsCommand::Set { body, .. }) => {
                bodies.accounts = Some(body::read(body.as_deref(), "a list of backup accounts (BackupAccount)")?);
            }
            Resource::RestoreSessions(RestoreSessionsCommand::Start { body: Some(body), .. }) => {
                bodies.explore = Some(body::read(Some(body), "restore session options (ExploreOptions)")?);
            }
            Resource::Api { body: Some(body), .. } => bodies.value = Some(body::read_value(body)?),
            _ => {}
        }
        Ok(bodies)
    }
}

/// Whether the command reads its body from standard input.
fn reads_stdin(command: &Resource) -> bool {
    let stdin = |body: &Option<std::path::PathBuf>| body.as_deref().is_none_or(|b| b == Path::new("-"));
    match command {
        Resource::Organizations(OrganizationsCommand::Add { body }) => stdin(body),
        Resource::BackupAccounts(BackupAccountsCommand::Set { body, .. }) => stdin(body),
        Resource::RestoreSessions(RestoreSessionsCommand::Start { body: Some(body), .. })
        | Resource::Api { body: Some(body), .. } => body == Path::new("-"),
        _ => false,
    }
}
