//! One function per subcommand, over `vb365::Client` only.

use std::path::Path;

use vb365::types::{BackupAccount, ExploreOptions, OrganizationCreate, RestoreSessionType};
use vb365::{Client, Method};

use crate::args::{
    BackupAccountsCommand, Cli, Collection, Command, JobsCommand, OrganizationsCommand, RestoreSessionsCommand,
    ServerCommand,
};
use crate::body;
use crate::connect::connect;
use crate::failure::Failure;
use crate::output::Output;

/// Runs the command of `cli`.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Simulate(options) = cli.command {
        return crate::simulate::run(options, Output::new(cli.output)).await;
    }
    if cli.connection.password_stdin && reads_stdin(&cli.command) {
        return Err(Failure::usage(
            "--password-stdin and a body from standard input cannot share it; give --body FILE",
        ));
    }
    // Read the body first: a malformed file should not cost a login.
    let bodies = Bodies::read(&cli.command)?;
    let client = connect(&cli.connection).await?;
    let mut output = Output::new(cli.output);
    match cli.command {
        Command::Server { command: ServerCommand::Info } => output.one(&client.server_info().await?),
        Command::Organizations { command } => organizations(&client, command, bodies, &mut output).await,
        Command::BackupAccounts { command } => backup_accounts(&client, command, bodies, &mut output).await,
        Command::Jobs { command } => jobs(&client, command, &mut output).await,
        Command::RestoreSessions { command } => restore_sessions(&client, command, bodies, &mut output).await,
        Command::Api { method, path, .. } => {
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| Failure::usage(format!("`{method}` is not an HTTP method")))?;
            let answer = client.send_json(method, &path, bodies.value.as_ref()).await?;
            output.value(&answer)
        }
        Command::Simulate(_) => unreachable!("handled above"),
    }
}

async fn organizations(
    client: &Client,
    command: OrganizationsCommand,
    bodies: Bodies,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        OrganizationsCommand::List(Collection { limit, page_size }) => {
            output.many(client.organizations(page_size_for(limit, page_size)), limit).await.map(drop)
        }
        OrganizationsCommand::Get { organization_id } => output.one(&client.get_organization(organization_id).await?),
        OrganizationsCommand::Add { .. } => {
            let organization = bodies.organization.ok_or_else(|| Failure::usage("no organization to add"))?;
            output.one(&client.add_organization(organization).await?)
        }
    }
}

async fn backup_accounts(
    client: &Client,
    command: BackupAccountsCommand,
    bodies: Bodies,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        BackupAccountsCommand::List { organization_id } => {
            let accounts = client.list_backup_accounts(organization_id).await?;
            output.many(futures::stream::iter(accounts.into_iter().map(Ok)), None).await.map(drop)
        }
        BackupAccountsCommand::Set { organization_id, .. } => {
            let accounts = bodies.accounts.ok_or_else(|| Failure::usage("no backup accounts to set"))?;
            let count = accounts.len();
            client.set_backup_accounts(organization_id, accounts).await?;
            output.done(&format!("Set {count} backup accounts of organization {organization_id}."))
        }
    }
}

async fn jobs(client: &Client, command: JobsCommand, output: &mut Output) -> Result<(), Failure> {
    match command {
        JobsCommand::SelectedItems { job_id, collection: Collection { limit, page_size } } => {
            output.many(client.job_selected_items(job_id, page_size_for(limit, page_size)), limit).await.map(drop)
        }
        JobsCommand::SelectedMailboxes { job_id, collection: Collection { limit, page_size } } => {
            let mailboxes = client.job_selected_mailboxes(job_id, page_size_for(limit, page_size));
            output.many(mailboxes, limit).await.map(drop).map_err(|mut failure| {
                if failure.message.contains("does not serve API v1") {
                    failure.message.push_str(&format!(" (from a shell: vb365 jobs selected-items {job_id})"));
                }
                failure
            })
        }
    }
}

async fn restore_sessions(
    client: &Client,
    command: RestoreSessionsCommand,
    bodies: Bodies,
    output: &mut Output,
) -> Result<(), Failure> {
    match command {
        RestoreSessionsCommand::Start { type_, date_time, show_deleted, show_all_versions, .. } => {
            let options = match (bodies.explore, type_, date_time) {
                (Some(options), _, _) => options,
                (None, Some(type_), Some(date_time)) => ExploreOptions {
                    date_time,
                    type_: RestoreSessionType::from(type_),
                    show_deleted: Some(show_deleted),
                    show_all_versions: Some(show_all_versions),
                },
                _ => return Err(Failure::usage("say what to explore: --body FILE, or --type and --date-time")),
            };
            output.one(&client.start_restore_session(options).await?)
        }
        RestoreSessionsCommand::Get { restore_session_id } => {
            output.one(&client.get_restore_session(restore_session_id).await?)
        }
        RestoreSessionsCommand::Stop { restore_session_id } => {
            client.stop_restore_session(restore_session_id).await?;
            output.done(&format!("Stopped restore session {restore_session_id}."))
        }
    }
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
