//! One function per subcommand, over `vb365::Client` only; one file per
//! resource.

mod infrastructure;
mod jobs;
mod licensing;
mod organizations;
mod restore_sessions;

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
    RestoreSessionsCommand, ServerCommand,
};
use crate::body;
use crate::connect::connect;
use crate::failure::Failure;
use crate::output::Output;
use crate::rows::Row;

/// Runs the command of `cli`; answers the exit status (0 but for `check`,
/// whose status is its verdict).
pub async fn run(cli: Cli) -> Result<u8, Failure> {
    if let Command::Simulate(options) = cli.command {
        return crate::simulate::run(options, Output::new(cli.output, cli.show_secrets)).await.map(|()| 0);
    }
    if let Command::Check(options) = cli.command {
        return Ok(crate::check::run(&cli.connection, options, cli.output).await);
    }
    if let Command::Exporter(options) = cli.command {
        return crate::exporter::run(&cli.connection, options).await.map(|()| 0);
    }
    if let Command::Metrics(options) = cli.command {
        return metrics(&cli.connection, options).await;
    }
    if cli.connection.password_stdin && reads_stdin(&cli.command) {
        return Err(Failure::usage(
            "--password-stdin and a body from standard input cannot share it; give --body FILE",
        ));
    }
    // Read the body first: a malformed file should not cost a login.
    let bodies = Bodies::read(&cli.command)?;
    let client = connect(&cli.connection, page_size(&cli.command)).await?;
    let mut output = Output::new(cli.output, cli.show_secrets);
    let output = &mut output;
    match cli.command {
        Command::Server { command: ServerCommand::Info } => output.one(&client.server_info().await?),
        Command::Organizations { command } => organizations::organizations(&client, command, bodies, output).await,
        Command::BackupAccounts { command } => organizations::backup_accounts(&client, command, bodies, output).await,
        Command::Jobs { command } => jobs::jobs(&client, command, output).await,
        Command::Sessions { command } => jobs::sessions(&client, command, output).await,
        Command::Repositories { command } => infrastructure::repositories(&client, command, output).await,
        Command::Proxies { command } => infrastructure::proxies(&client, command, output).await,
        Command::Health => infrastructure::health(&client, output).await,
        Command::License { command } => licensing::license(&client, command, output).await,
        Command::LicensedUsers { command } => licensing::licensed_users(&client, command, output).await,
        Command::RestoreSessions { command } => {
            restore_sessions::restore_sessions(&client, command, bodies, output).await
        }
        Command::Api { method, path, .. } => {
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| Failure::usage(format!("`{method}` is not an HTTP method")))?;
            let answer = client.send_json(method, &path, bodies.value.as_ref()).await?;
            output.value(answer)
        }
        Command::Simulate(_) | Command::Check(_) | Command::Exporter(_) | Command::Metrics(_) => {
            unreachable!("handled above")
        }
    }
    .map(|()| 0)
}

/// `vb365 metrics`: the figures once. A server that cannot be read still
/// gives its `vb365_up 0` (a monitoring system wants to see that), and the
/// exit status 1 with the reason on standard error; so does a server of
/// which some collection could not be read, after the figures it gave.
async fn metrics(connection: &crate::args::Connection, options: crate::args::MetricsOptions) -> Result<u8, Failure> {
    use std::io::Write;
    let started = std::time::Instant::now();
    let (reading, failure) = match connect(connection, None).await {
        Ok(client) => (crate::metrics::read(&client, options.concurrency).await, None),
        Err(failure) if failure.exit == crate::failure::Exit::Usage => return Err(failure),
        Err(failure) => {
            let at = vb365::DateTime::now();
            (crate::metrics::Reading { snapshot: None, duration: started.elapsed(), requests: 0, at }, Some(failure))
        }
    };
    let server = connection.url.as_deref().map(server_tag).unwrap_or_default();
    let text = crate::metrics::encode(&reading.series(), options.format, &[("server", &server)], &reading.at);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(Failure::output)?;
    let errors = reading.errors();
    for error in &errors {
        eprintln!("vb365: {error}");
    }
    match failure {
        Some(failure) => Err(failure),
        // What could be read is printed; what could not makes it no success.
        None if !errors.is_empty() => Err(Failure {
            exit: crate::failure::Exit::Refused,
            message: format!("{} of the server's reads failed; the metrics above leave them out", errors.len()),
        }),
        None => Ok(0),
    }
}

/// The server's host and port, as an Influx tag names it.
fn server_tag(url: &str) -> String {
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
fn page_size(command: &Command) -> Option<u32> {
    use crate::args::{LicensedUsersCommand, ProxiesCommand, SessionsCommand};
    let collection = match command {
        Command::Jobs { command: JobsCommand::List { collection, .. } }
        | Command::Sessions {
            command: SessionsCommand::List { collection, .. } | SessionsCommand::Log { collection, .. },
        }
        | Command::Repositories {
            command: RepositoriesCommand::List(collection) | RepositoriesCommand::Usage { collection, .. },
        }
        | Command::Proxies { command: ProxiesCommand::List(collection) }
        | Command::LicensedUsers { command: LicensedUsersCommand::List { collection, .. } }
        | Command::RestoreSessions {
            command: RestoreSessionsCommand::List { collection, .. } | RestoreSessionsCommand::Events { collection, .. },
        } => collection,
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
    fn read(command: &Command) -> Result<Self, Failure> {
        let mut bodies = Self::default();
        match command {
            Command::Organizations { command: OrganizationsCommand::Add { body } } => {
                bodies.organization = Some(body::read(body.as_deref(), "an organization to add (OrganizationCreate)")?);
            }
            Command::BackupAccounts { command: BackupAccountsCommand::Set { body, .. } } => {
                bodies.accounts = Some(body::read(body.as_deref(), "a list of backup accounts (BackupAccount)")?);
            }
            Command::RestoreSessions { command: RestoreSessionsCommand::Start { body: Some(body), .. } } => {
                bodies.explore = Some(body::read(Some(body), "restore session options (ExploreOptions)")?);
            }
            Command::Api { body: Some(body), .. } => bodies.value = Some(body::read_value(body)?),
            _ => {}
        }
        Ok(bodies)
    }
}

/// Whether the command reads its body from standard input.
fn reads_stdin(command: &Command) -> bool {
    let stdin = |body: &Option<std::path::PathBuf>| body.as_deref().is_none_or(|b| b == Path::new("-"));
    match command {
        Command::Organizations { command: OrganizationsCommand::Add { body } } => stdin(body),
        Command::BackupAccounts { command: BackupAccountsCommand::Set { body, .. } } => stdin(body),
        Command::RestoreSessions { command: RestoreSessionsCommand::Start { body: Some(body), .. } }
        | Command::Api { body: Some(body), .. } => body == Path::new("-"),
        _ => false,
    }
}
