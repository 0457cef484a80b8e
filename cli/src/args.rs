//! The command line: connection options on every command, one subcommand
//! per operation, grouped by resource.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use uuid::Uuid;
use vb365::ApiVersion;
use vb365::monitoring::Range;

const EXIT_CODES: &str = "\
Exit status: 0 on success; 1 when the server or the network refused (the
server's status and message, a connection or TLS failure, a timeout); 2 for
invalid usage or input (an unknown option, a malformed UUID, a body file
that is not JSON, a value the client refuses before sending). `vb365 check`
answers in the monitoring plugin convention instead: 0 OK, 1 WARNING,
2 CRITICAL, 3 UNKNOWN (see vb365 check --help).

Output: --output json prints one JSON document, ndjson one item a line as
pages arrive (a collection of any size never sits in memory), table
readable columns. The default is table on a terminal, json otherwise.
RUST_LOG=debug (or vb365=debug) turns on the library's tracing on stderr.";

/// Every Veeam Backup for Microsoft 365 REST API operation from a shell.
///
/// Logs in (password from VB365_PASSWORD, --password-stdin, or a prompt),
/// renews the token, retries, walks every page of a collection, and prints
/// JSON for scripts or tables for people. Each command takes the options
/// that apply to it (see vb365 <command> --help); the connection options
/// go anywhere after the command's name.
#[derive(Debug, Parser)]
#[command(name = "vb365", version, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// How to reach and log in to the server: every command that talks to one.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Connection")]
pub struct ServerArgs {
    /// The server, e.g. https://vbo.example.com (port 4443 is added).
    #[arg(long, env = "VB365_URL", hide_env_values = true, global = true)]
    pub url: Option<String>,

    /// The account to log in with; its password comes from VB365_PASSWORD,
    /// --password-file, --password-stdin, or a prompt on a terminal (never
    /// an argument).
    #[arg(long, env = "VB365_USER", hide_env_values = true, global = true)]
    pub user: Option<String>,

    /// Read the password from the first line of standard input.
    #[arg(long, global = true, conflicts_with = "password_file")]
    pub password_stdin: bool,

    /// Read the password from the first line of FILE (a monitoring
    /// system's credentials file: the password never on a command line).
    #[arg(long, value_name = "FILE", global = true)]
    pub password_file: Option<PathBuf>,

    /// Trust the PEM certificate(s) in FILE (a self-signed server).
    #[arg(long, value_name = "FILE", global = true)]
    pub ca_cert: Option<PathBuf>,

    /// Accept any certificate: anyone on the way can read the password.
    #[arg(long, global = true)]
    pub insecure: bool,

    /// Use these API versions (e.g. 6, or 6,8) instead of asking the server.
    #[arg(long, value_name = "VERSIONS", value_delimiter = ',', value_parser = supported_version, global = true)]
    pub api_version: Option<Vec<ApiVersion>>,
}

/// The server, and how long one request to it may take.
#[derive(Debug, Clone, Args)]
pub struct Connection {
    #[command(flatten)]
    pub server: ServerArgs,

    /// Seconds one request may take. [default: 60]
    #[arg(long, value_name = "SECONDS", value_parser = seconds, global = true, help_heading = "Connection")]
    pub timeout: Option<Duration>,
}

/// What every command over the API takes: the connection, and how to print.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// How to print results: json, ndjson or table [default: table on a terminal, json otherwise].
    #[arg(long, short, global = true, value_enum)]
    pub output: Option<OutputFormat>,

    /// Print the passwords, tokens and other secrets a response holds; without
    /// it their values print as "[redacted]".
    #[arg(long, global = true)]
    pub show_secrets: bool,

    #[command(flatten)]
    pub connection: Connection,
}

/// A version this client has operations in.
fn supported_version(text: &str) -> Result<ApiVersion, String> {
    let version: ApiVersion = text.parse()?;
    match version.is_supported() {
        true => Ok(version),
        false => Err(format!("{version} is not a version vb365 speaks; it speaks {}", ApiVersion::supported_list())),
    }
}

fn seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!("`{text}` must be more than 0 and at most 86400 seconds"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One JSON document.
    Json,
    /// One JSON value a line, streamed as pages arrive.
    Ndjson,
    /// Columns for people.
    Table,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The server: its installation, build and API versions.
    Server {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: ServerCommand,
    },
    /// Microsoft 365 organizations.
    #[command(visible_alias = "orgs")]
    Organizations {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: OrganizationsCommand,
    },
    /// The backup accounts of an organization.
    BackupAccounts {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: BackupAccountsCommand,
    },
    /// Backup jobs: list, read, create, edit, delete, start, stop, enable,
    /// disable; what a job selects and excludes; job files (plan, apply).
    Jobs {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Job sessions (the runs of jobs) and their logs.
    Sessions {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: SessionsCommand,
    },
    /// Backup repositories, their space, and the space organizations take.
    #[command(visible_alias = "repos")]
    Repositories {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: RepositoriesCommand,
    },
    /// Backup proxies.
    Proxies {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: ProxiesCommand,
    },
    /// The installed license.
    License {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: LicenseCommand,
    },
    /// The users that hold a license.
    LicensedUsers {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: LicensedUsersCommand,
    },
    /// Restore: the points in time there are to restore from.
    Restore {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: RestoreCommand,
    },
    /// Restore sessions of tenant organizations.
    RestoreSessions {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: RestoreSessionsCommand,
    },
    /// The server's health (v8 reports it; v6 is asked for its service instance).
    Health(Common),
    /// Print the monitoring figures once: Prometheus text, OpenMetrics, or
    /// InfluxDB line protocol for Telegraf's exec input.
    Metrics(MetricsOptions),
    /// Serve the monitoring figures to Prometheus: /metrics for this
    /// server, /probe?target=NAME for each server of --config; stops on
    /// Ctrl-C or SIGTERM.
    Exporter(ExporterOptions),
    /// Judge jobs, repositories, proxies, the license and health as a
    /// monitoring plugin (Nagios, Icinga, checkmk, Zabbix, PRTG): exit 0 OK,
    /// 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    #[command(after_long_help = crate::check::HELP)]
    Check(CheckOptions),
    /// Any request, with the login and renewal; prints the response as JSON.
    Api {
        #[command(flatten)]
        common: Common,
        /// GET, POST, PUT, DELETE, ...
        method: String,
        /// The path under the server, query included: /v8/Jobs?limit=5.
        path: String,
        /// The JSON body: a file, or - for standard input.
        #[arg(long, value_name = "FILE")]
        body: Option<PathBuf>,
    },
    /// Run the embedded simulator as a standalone server on 127.0.0.1, for
    /// contract tests in any language; stops on Ctrl-C or SIGTERM.
    Simulate(Simulate),
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Installation ID, product build and the API versions served (server_info).
    Info,
}

#[derive(Debug, Subcommand)]
pub enum OrganizationsCommand {
    /// Every organization, with all its properties (list_organizations).
    List(Collection),
    /// One organization (get_organization).
    Get {
        /// The organization's ID.
        organization_id: Uuid,
    },
    /// How many licenses an organization uses (organization_licensing).
    Licensing {
        /// The organization's ID.
        organization_id: Uuid,
    },
    /// Add an organization with basic authentication (add_organization).
    Add {
        /// The organization as JSON (OrganizationCreate): a file, or - for
        /// standard input [default: standard input].
        #[arg(long, value_name = "FILE")]
        body: Option<PathBuf>,
    },
    /// The users of an organization (organization_users).
    Users(Directory),
    /// The groups of an organization (organization_groups).
    Groups(Directory),
    /// The SharePoint sites of an organization (organization_sites).
    Sites(Directory),
    /// The teams of an organization (organization_teams).
    Teams(Directory),
    /// One user, by sign-in name, display name or ID (get_organization_user).
    User {
        /// The organization's name or ID.
        organization: String,
        /// The user.
        #[arg(value_name = "USER")]
        name: String,
    },
    /// One group, by name, e-mail name or ID (get_organization_group).
    Group {
        /// The organization's name or ID.
        organization: String,
        /// The group.
        group: String,
    },
    /// One site, by URL or ID (get_organization_site).
    Site {
        /// The organization's name or ID.
        organization: String,
        /// The site.
        site: String,
    },
    /// One team, by name, e-mail address or ID (get_organization_team).
    Team {
        /// The organization's name or ID.
        organization: String,
        /// The team.
        team: String,
    },
    /// The members of a group (group_members).
    Members {
        /// The organization's name or ID.
        organization: String,
        /// The group, by name, e-mail name or ID.
        group: String,
        #[command(flatten)]
        collection: Collection,
    },
    /// A user's OneDrives (user_onedrives).
    Onedrives {
        /// The organization's name or ID.
        organization: String,
        /// The user, by sign-in name, display name or ID.
        #[arg(value_name = "USER")]
        name: String,
        #[command(flatten)]
        collection: Collection,
    },
    /// Read the organization's directory from Microsoft 365 again, so that
    /// new users, sites and teams can be selected (sync_organization, v8).
    Sync {
        /// The organization's name or ID.
        organization: String,
        /// Read everything again, not only what changed.
        #[arg(long)]
        full: bool,
        /// Wait until it is over, and print how it ended.
        #[arg(long)]
        wait: bool,
    },
    /// How the directory's synchronization stands, of one organization or
    /// of all (sync_state, sync_states; v8).
    SyncState {
        /// The organization's name or ID [default: every organization].
        organization: Option<String>,
    },
}

/// One organization's directory, searched.
#[derive(Debug, Clone, Args)]
pub struct Directory {
    /// The organization's name (contoso.onmicrosoft.com) or ID.
    pub organization: String,
    /// Only those whose name (a user's sign-in or display name, a group's or
    /// team's name, a site's title or URL) matches TEXT.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    #[command(flatten)]
    pub collection: Collection,
}

#[derive(Debug, Subcommand)]
pub enum BackupAccountsCommand {
    /// The backup accounts of an organization, or of every organization
    /// (list_backup_accounts for each, --concurrency at a time).
    List {
        /// The organization's ID [default: every organization].
        organization_id: Option<Uuid>,
        /// How many organizations' requests may be in flight at once.
        #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
        concurrency: u32,
    },
    /// Replace the backup accounts of an organization (set_backup_accounts).
    Set {
        /// The organization's ID.
        organization_id: Uuid,
        /// The accounts as a JSON array (BackupAccount): a file, or - for
        /// standard input [default: standard input].
        #[arg(long, value_name = "FILE")]
        body: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Every backup job, or one organization's (jobs).
    List {
        /// Only the jobs of this organization.
        #[arg(long, value_name = "ID")]
        organization: Option<Uuid>,
        #[command(flatten)]
        collection: Collection,
    },
    /// One job (get_job).
    Get {
        /// The job's ID.
        job_id: Uuid,
    },
    /// Start a job now (start_job); v8 answers with the session it began.
    Start {
        /// The job's ID.
        job_id: Uuid,
        /// Read everything again instead of only what changed.
        #[arg(long)]
        full: bool,
    },
    /// Stop a running job (stop_job).
    Stop {
        /// The job's ID.
        job_id: Uuid,
    },
    /// Let a job run on its schedule again (enable_job).
    Enable {
        /// The job's ID.
        job_id: Uuid,
    },
    /// Keep a job from running on its schedule (disable_job).
    Disable {
        /// The job's ID.
        job_id: Uuid,
    },
    /// Every item a backup job selects: users, groups, sites, teams (job_selected_items).
    SelectedItems {
        /// The job's ID.
        job_id: Uuid,
        #[command(flatten)]
        collection: Collection,
    },
    /// Every mailbox a backup job processes, in the archived v1 API (job_selected_mailboxes).
    SelectedMailboxes {
        /// The job's ID.
        job_id: Uuid,
        #[command(flatten)]
        collection: Collection,
    },
    /// Create a backup job (create_job).
    Create(CreateJob),
    /// Change a job's name, repository, schedule or description (update_job);
    /// everything else stays as the server has it.
    Edit {
        /// The job's name or ID.
        job: String,
        /// A new name.
        #[arg(long)]
        name: Option<String>,
        /// Another repository, by name or ID.
        #[arg(long, value_name = "REPO")]
        repository: Option<String>,
        /// Another schedule: daily:22:00, workdays:06:30, periodically:1h, manual.
        #[arg(long, value_name = "SCHEDULE")]
        schedule: Option<vb365::Schedule>,
        /// A new description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete a job (remove_job); its backups stay in the repository. Asks
    /// first on a terminal; elsewhere give --yes.
    Delete {
        /// The job's name or ID.
        job: String,
        /// Delete without asking.
        #[arg(long)]
        yes: bool,
    },
    /// What a job selects: list, add, remove (job_selected_items,
    /// add_selected_items, remove_selected_items).
    Items {
        #[command(subcommand)]
        command: ItemsCommand,
    },
    /// What a job leaves out of what it selects: list, add, remove
    /// (job_excluded_items, add_excluded_items, remove_excluded_items).
    Exclusions {
        #[command(subcommand)]
        command: ItemsCommand,
    },
    /// Show what applying job files would change: one line a change. Exit 0
    /// when nothing would; with --detailed-exitcode, 2 when something would
    /// (1 on an error).
    #[command(after_long_help = crate::commands::JOB_FILES)]
    Plan {
        #[command(flatten)]
        plan: PlanArgs,
        /// Exit 2 when something would change (0 when nothing would, 1 on an error).
        #[arg(long)]
        detailed_exitcode: bool,
    },
    /// Make the changes `plan` shows, adding before removing. Asks first on
    /// a terminal; elsewhere give --yes.
    #[command(after_long_help = crate::commands::JOB_FILES)]
    Apply {
        #[command(flatten)]
        plan: PlanArgs,
        /// Apply without asking.
        #[arg(long)]
        yes: bool,
    },
}

/// A job to create.
#[derive(Debug, Clone, Args)]
pub struct CreateJob {
    /// The organization, by name or ID.
    #[arg(long, value_name = "ORG")]
    pub organization: String,
    /// The repository it writes to, by name or ID.
    #[arg(long, value_name = "REPO")]
    pub repository: String,
    /// The job's name.
    #[arg(long)]
    pub name: String,
    /// A description.
    #[arg(long)]
    pub description: Option<String>,
    /// Back up the entire organization instead of chosen items.
    #[arg(long, conflicts_with_all = ["users", "groups", "sites", "teams"])]
    pub entire_organization: bool,
    #[command(flatten)]
    pub items: ItemArgs,
    /// When it runs: daily:22:00, workdays:06:30, periodically:1h, manual [default: manual].
    #[arg(long, value_name = "SCHEDULE")]
    pub schedule: Option<vb365::Schedule>,
    /// Create it disabled: it does not run on its schedule.
    #[arg(long)]
    pub disabled: bool,
    /// Start it as soon as it is created.
    #[arg(long)]
    pub run_now: bool,
}

/// Items by the names people use, and the parts of them to process.
#[derive(Debug, Clone, Args)]
pub struct ItemArgs {
    /// A user, by sign-in name (alice@contoso.com), display name or ID.
    /// (`--user` is the account vb365 logs in with.)
    #[arg(long = "upn", value_name = "USER")]
    pub users: Vec<String>,
    /// A group, by name, e-mail name or ID.
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// A SharePoint site, by URL or ID.
    #[arg(long = "site", value_name = "URL")]
    pub sites: Vec<String>,
    /// A team, by name, e-mail address or ID.
    #[arg(long = "team", value_name = "TEAM")]
    pub teams: Vec<String>,
    /// Process mailboxes (users, groups).
    #[arg(long)]
    pub mailbox: bool,
    /// Process archive mailboxes (users).
    #[arg(long)]
    pub archive: bool,
    /// Process OneDrive for Business (users).
    #[arg(long)]
    pub onedrive: bool,
    /// Process personal sites (users) or the group's site (groups).
    #[arg(long = "sites")]
    pub site_part: bool,
    /// Process a group's members, each whole.
    #[arg(long)]
    pub members: bool,
    /// Process a team's chats (never a default: Microsoft meters them).
    #[arg(long)]
    pub teams_chats: bool,
}

#[derive(Debug, Subcommand)]
pub enum ItemsCommand {
    /// Every item of the list.
    List {
        /// The job's name or ID.
        job: String,
        #[command(flatten)]
        collection: Collection,
    },
    /// Add items (by default processing everything each has but team chats).
    Add {
        /// The job's name or ID.
        job: String,
        #[command(flatten)]
        items: ItemArgs,
    },
    /// Remove items, named as when they were added.
    Remove {
        /// The job's name or ID.
        job: String,
        #[command(flatten)]
        items: ItemArgs,
    },
}

/// Job files and how to plan them.
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// A job file (YAML), or a folder of them (*.yaml, *.yml); repeat for
    /// several (a service provider's file per tenant).
    #[arg(long = "file", short = 'f', value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Also delete each organization's jobs that no file names.
    #[arg(long)]
    pub prune: bool,
    /// How many organizations are read (and changed) at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: u32,
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Job sessions, newest first (job_sessions).
    List {
        /// Only the sessions of this job.
        #[arg(long, value_name = "ID")]
        job: Option<Uuid>,
        /// Only sessions in this state: Success, Warning, Failed, Running, Stopped, ...
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// Only sessions that ended at or after TIME (RFC 3339, or back from now: 26h, 7d).
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        since: Option<vb365::DateTime>,
        /// Only sessions that ended at or before TIME.
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        until: Option<vb365::DateTime>,
        #[command(flatten)]
        collection: Collection,
    },
    /// One job session (get_job_session).
    Get {
        /// The session's ID.
        job_session_id: Uuid,
    },
    /// The log of a job session (job_session_log).
    Log {
        /// The session's ID.
        job_session_id: Uuid,
        #[command(flatten)]
        collection: Collection,
    },
}

#[derive(Debug, Subcommand)]
pub enum RepositoriesCommand {
    /// Every backup repository, with its capacity and free space (backup_repositories).
    List(Collection),
    /// One backup repository (get_backup_repository).
    Get {
        /// The repository's ID.
        repository_id: Uuid,
    },
    /// The space an organization takes in each repository (organization_used_repositories).
    Usage {
        /// The organization's ID.
        #[arg(long, value_name = "ID")]
        organization: Uuid,
        #[command(flatten)]
        collection: Collection,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProxiesCommand {
    /// Every backup proxy (proxies).
    List(Collection),
    /// One backup proxy (get_proxy).
    Get {
        /// The proxy's ID.
        proxy_id: Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum LicenseCommand {
    /// The installed license: whose, until when, how many used (license).
    Show,
}

#[derive(Debug, Subcommand)]
pub enum LicensedUsersCommand {
    /// The users that hold a license (licensed_users).
    List {
        /// Only the users of this organization.
        #[arg(long, value_name = "ID")]
        organization: Option<Uuid>,
        #[command(flatten)]
        collection: Collection,
    },
}

#[derive(Debug, Subcommand)]
pub enum RestoreCommand {
    /// Restore points, newest first (restore_points).
    Points {
        /// Only the points of this organization: its ID or its name.
        #[arg(long, value_name = "ORG")]
        organization: Option<String>,
        /// Only the points this job made.
        #[arg(long, value_name = "ID")]
        job: Option<Uuid>,
        /// Only the points kept in this repository.
        #[arg(long, value_name = "ID")]
        repository: Option<Uuid>,
        /// Only points made at or after TIME (RFC 3339, or back from now: 26h, 7d).
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        since: Option<vb365::DateTime>,
        /// Only points made at or before TIME.
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        until: Option<vb365::DateTime>,
        #[command(flatten)]
        collection: Collection,
    },
    /// One restore point (get_restore_point).
    Point {
        /// The point's ID.
        restore_point_id: String,
    },
    /// Look through an organization's backups (Exchange or OneDrive, as the
    /// listing needs) in a restore session opened for the command and
    /// stopped when it ends (Ctrl-C included).
    Browse {
        /// The organization: its ID or its name.
        organization: String,
        /// The backups made before TIME (RFC 3339, or back from now: 26h,
        /// 7d) [default: the latest].
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        at: Option<vb365::DateTime>,
        /// Show items deleted in Microsoft 365 too.
        #[arg(long)]
        show_deleted: bool,
        #[command(subcommand)]
        what: BrowseCommand,
    },
    /// Restore a whole mailbox (or several: restore_mailboxes), a folder or
    /// chosen items where they were
    /// (restore_mailbox, restore_mailbox_folder, restore_mailbox_items,
    /// which ask first on a terminal; elsewhere give --yes) or into another
    /// mailbox (restore_mailbox_to, restore_mailbox_folder_to,
    /// restore_mailbox_items_to), export them to PST (export_mailbox_to_pst,
    /// export_mailbox_folder_to_pst, export_mailbox_items_to_pst), or save a
    /// folder or items as a file (save_mailbox_items; one item as its MSG
    /// file: save_mailbox_item) or mail them to an
    /// address or back to the mailbox (send_mailbox_items,
    /// send_mailbox_items_to_original),
    /// in a restore session opened for the command and stopped when it ends
    /// (Ctrl-C included); progress on a terminal, a line per event with -o
    /// ndjson. Exit 0 when done (with warnings too, unless --strict), 1 when
    /// it failed.
    Mailbox {
        /// The organization: its ID or its name.
        organization: String,
        /// The mailbox to restore from: its address or ID; several are
        /// restored whole, each where it was, in one restore
        /// (restore_mailboxes).
        #[arg(required = true, num_args = 1..)]
        mailbox: Vec<String>,
        /// The backups made before TIME (RFC 3339, or back from now: 26h,
        /// 7d) [default: the latest].
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        at: Option<vb365::DateTime>,
        /// The folder to restore, by name from the top (Inbox/Invoices)
        /// [default: the whole mailbox, every folder].
        #[arg(long, value_name = "PATH", conflicts_with = "item")]
        folder: Option<String>,
        /// An item to restore, by ID (vb365 restore browse ... items); again for more.
        #[arg(long, value_name = "ID")]
        item: Vec<String>,
        /// The mailbox to restore into: an address in the organization
        /// [default: where the mail was saved from].
        #[arg(long, value_name = "MAILBOX", conflicts_with_all = ["save", "send", "pst"])]
        to: Option<String>,
        /// Save the items as a file instead (an MSG file for one item, a ZIP
        /// archive for more); - for standard output (the report then goes
        /// to standard error). An existing file is replaced.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["send", "pst"])]
        save: Option<PathBuf>,
        /// Export the items as an Outlook data file instead (a server with
        /// Outlook's libraries only); - for standard output.
        #[arg(long, value_name = "FILE", conflicts_with = "send")]
        pst: Option<PathBuf>,
        /// Bound that file's size (bytes, or with KiB, MiB, GiB: 5GiB).
        #[arg(long, value_name = "SIZE", requires = "pst", value_parser = crate::args::size)]
        pst_limit: Option<i64>,
        /// Mail the items, attached, to this address instead (through the
        /// server's notification mail settings).
        #[arg(long, value_name = "ADDRESS")]
        send: Option<String>,
        /// Mail the items, attached, back to the mailbox they were saved
        /// from instead.
        #[arg(long, conflicts_with_all = ["to", "save", "pst", "send"])]
        send_back: bool,
        /// The subject of that mail [default: the server's].
        #[arg(long, value_name = "TEXT", requires = "send")]
        subject: Option<String>,
        /// The folder of that mailbox to restore into [default: the server's choice].
        #[arg(long, value_name = "NAME", requires = "to")]
        to_folder: Option<String>,
        /// Restore where the mail was without asking.
        #[arg(long)]
        yes: bool,
        /// Also restore items changed since the backup, overwriting them (with --to).
        #[arg(long, requires = "to")]
        changed_items: bool,
        /// Also restore items deleted since the backup (with --to).
        #[arg(long, requires = "to")]
        deleted_items: bool,
        #[command(flatten)]
        credentials: RestoreCredentialArgs,
        /// Resolve every name and print what would be restored, without restoring.
        #[arg(long)]
        dry_run: bool,
        /// Exit 1 when the restore ends with warnings.
        #[arg(long)]
        strict: bool,
    },
    /// Restore a OneDrive, a folder, a document or one of its versions where
    /// it was (restore_onedrive, restore_onedrive_folder,
    /// restore_onedrive_documents, restore_onedrive_document_version, which
    /// ask first on a terminal; elsewhere give --yes), save it (a ZIP file:
    /// save_onedrive, save_onedrive_folder; a document as itself:
    /// save_onedrive_document, save_onedrive_document_version), or copy it
    /// into another OneDrive (copy_onedrive_to, copy_onedrive_folder_to,
    /// copy_onedrive_documents_to, copy_onedrive_document_version_to), or
    /// mail it to an address (send_onedrive, send_onedrive_folder,
    /// send_onedrive_documents); restores with progress
    /// as for mailboxes, in a restore session opened for the command and
    /// stopped when it ends (Ctrl-C included).
    Onedrive {
        /// The organization: its ID or its name.
        organization: String,
        /// The OneDrive: its owner's address or name, or its ID.
        #[arg(value_name = "USER")]
        onedrive: String,
        /// The backups made before TIME (RFC 3339, or back from now: 26h,
        /// 7d) [default: the latest].
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        at: Option<vb365::DateTime>,
        /// The folder or document, by name from the top (/Documents/2026,
        /// /Documents/2026/Plan.xlsx) [default: the whole OneDrive].
        #[arg(long, value_name = "PATH")]
        path: Option<String>,
        /// This version of the document (a VERSIONID of `restore browse ORG
        /// versions USER --path PATH`) [default: the last].
        #[arg(long, value_name = "VERSIONID")]
        version: Option<i32>,
        /// Write the file here; - for standard output (the report then goes
        /// to standard error). An existing file is replaced.
        #[arg(long, value_name = "FILE", conflicts_with = "to")]
        save: Option<PathBuf>,
        /// Copy it into this OneDrive: its owner's address or name, or its ID.
        #[arg(long, value_name = "USER")]
        to: Option<String>,
        /// The folder of that OneDrive to copy into [default: the server's choice].
        #[arg(long, value_name = "NAME", requires = "to")]
        to_folder: Option<String>,
        /// Also copy documents changed since the backup, overwriting them (with --to).
        #[arg(long, requires = "to")]
        changed_items: bool,
        /// Also copy documents deleted since the backup (with --to).
        #[arg(long, requires = "to")]
        deleted_items: bool,
        /// Mail it, attached, to this address instead (through the
        /// server's notification mail settings).
        #[arg(long, value_name = "ADDRESS", conflicts_with_all = ["to", "save"])]
        send: Option<String>,
        /// The subject of that mail [default: the server's].
        #[arg(long, value_name = "TEXT", requires = "send")]
        subject: Option<String>,
        /// Restore where it was without asking.
        #[arg(long, conflicts_with_all = ["to", "save", "send"])]
        yes: bool,
        /// Where it was, replace the documents there [default: keep them
        /// and write the restored ones beside].
        #[arg(long, conflicts_with_all = ["to", "save", "send"])]
        overwrite: bool,
        #[command(flatten)]
        credentials: RestoreCredentialArgs,
        /// Resolve every name and print what would be restored, saved or copied, without acting.
        #[arg(long)]
        dry_run: bool,
        /// Exit 1 when the copy ends with warnings.
        #[arg(long)]
        strict: bool,
    },
}

/// Who a restore writes as. The secrets come from the environment, never
/// from the command line (which other users of the machine can read).
#[derive(Debug, Clone, clap::Args)]
pub struct RestoreCredentialArgs {
    /// Restore as this Microsoft 365 account; its password comes from
    /// VB365_RESTORE_PASSWORD.
    #[arg(long, value_name = "NAME", conflicts_with = "restore_app_id")]
    pub restore_user: Option<String>,
    /// Restore as this Azure AD application, with --restore-certificate.
    #[arg(long, value_name = "ID", requires = "restore_certificate")]
    pub restore_app_id: Option<Uuid>,
    /// The application's certificate with its private key (a PFX file);
    /// its password comes from VB365_RESTORE_CERTIFICATE_PASSWORD.
    #[arg(long, value_name = "FILE", requires = "restore_app_id")]
    pub restore_certificate: Option<PathBuf>,
}

/// What `vb365 restore browse` lists.
#[derive(Debug, Subcommand)]
pub enum BrowseCommand {
    /// The Exchange mailboxes (mailboxes).
    Mailboxes {
        #[command(flatten)]
        collection: Collection,
    },
    /// A mailbox's folders (mailbox_folders): the top ones, or those under --path.
    Folders {
        /// The mailbox: its address or ID.
        mailbox: String,
        /// The folder whose subfolders to list, by name from the top (Inbox/Invoices).
        #[arg(long, value_name = "PATH")]
        path: Option<String>,
        #[command(flatten)]
        collection: Collection,
    },
    /// The OneDrives (onedrives).
    Onedrives {
        #[command(flatten)]
        collection: Collection,
    },
    /// A OneDrive's documents (onedrive_documents): at its top, or in --path.
    Documents {
        /// The OneDrive: its owner's address or name, or its ID (with
        /// --search, every OneDrive without it).
        #[arg(value_name = "USER", required_unless_present = "search")]
        onedrive: Option<String>,
        /// The folder, by name from the top (/Documents/2026).
        #[arg(long, value_name = "PATH", requires = "onedrive")]
        path: Option<String>,
        /// Instead, what the server finds for this query in the OneDrive,
        /// under --path, or in every OneDrive, folders too (search_onedrive,
        /// search_onedrive_folder, search_onedrives).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[command(flatten)]
        collection: Collection,
    },
    /// The versions the backup holds of a OneDrive document or folder,
    /// oldest first (onedrive_document_versions, onedrive_folder_versions);
    /// a document's VERSIONID is what `restore onedrive --version` takes.
    Versions {
        /// The OneDrive: its owner's address or name, or its ID.
        #[arg(value_name = "USER")]
        onedrive: String,
        /// The document or folder, by name from the top
        /// (/Documents/2026/Plan.xlsx, /Documents/2026).
        #[arg(long, value_name = "PATH")]
        path: String,
        #[command(flatten)]
        collection: Collection,
    },
    /// A mailbox's items (mailbox_items): of one folder, or of all.
    Items {
        /// The mailbox: its address or ID (with --search, every mailbox
        /// without it).
        #[arg(required_unless_present = "search")]
        mailbox: Option<String>,
        /// The folder, by name from the top (Inbox/Invoices) [default: every folder].
        #[arg(long, value_name = "PATH", requires = "mailbox")]
        folder: Option<String>,
        /// Only the items the server finds for this query (search_mailbox,
        /// search_mailbox_folder, or without a mailbox search_mailboxes):
        /// free words, or field:value pairs (subject:invoice from:billing).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[command(flatten)]
        collection: Collection,
    },
}

#[derive(Debug, Subcommand)]
pub enum RestoreSessionsCommand {
    /// Restore sessions, newest first (restore_sessions).
    List {
        /// Only sessions started at or after TIME (RFC 3339, or back from now: 26h, 7d).
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        since: Option<vb365::DateTime>,
        /// Only sessions started at or before TIME.
        #[arg(long, value_name = "TIME", value_parser = crate::time::point)]
        until: Option<vb365::DateTime>,
        #[command(flatten)]
        collection: Collection,
    },
    /// What a restore session did, item by item (restore_session_events).
    Events {
        /// The session's ID.
        restore_session_id: Uuid,
        #[command(flatten)]
        collection: Collection,
    },
    /// Start a restore session and leave it open: of the signed-in tenant
    /// (start_restore_session), of an organization (explore_organization)
    /// or of what a job saved (explore_job). Stop it when done.
    Start {
        /// The options as JSON (ExploreOptions): a file, or - for standard
        /// input; without it, --type and --date-time say what to explore.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["type_", "date_time"])]
        body: Option<PathBuf>,
        /// Explore this organization's backups, as an administrator.
        #[arg(long, value_name = "ID", conflicts_with = "job")]
        organization: Option<Uuid>,
        /// Explore what this job saved.
        #[arg(long, value_name = "ID")]
        job: Option<Uuid>,
        /// The service: Vex (Exchange), Veod (OneDrive), Vesp (SharePoint), Vet (Teams).
        #[arg(long = "type", value_name = "TYPE", requires = "date_time")]
        type_: Option<String>,
        /// Show the data as backed up before this time (RFC 3339).
        #[arg(long, value_name = "TIME", requires = "type_")]
        date_time: Option<vb365::DateTime>,
        /// Show items deleted before that time.
        #[arg(long)]
        show_deleted: bool,
        /// Show every version of items.
        #[arg(long)]
        show_all_versions: bool,
    },
    /// One restore session (get_restore_session).
    Get {
        /// The session's ID.
        restore_session_id: Uuid,
    },
    /// Stop a restore session (stop_restore_session).
    Stop {
        /// The session's ID.
        restore_session_id: Uuid,
    },
}

/// How much of a collection to walk.
#[derive(Debug, Clone, Copy, Args)]
pub struct Collection {
    /// Stop after N items [default: every item, every page].
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Items per request on paged APIs (1 to 10000).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub page_size: u32,
}

/// `vb365 check`: what is judged, how strictly, and how long it may take.
#[derive(Debug, Clone, Args)]
pub struct CheckOptions {
    /// Seconds the whole check may take: probes, login, every read and
    /// retry. What is not read by then is UNKNOWN. Keep it under the
    /// monitoring system's own limit (Nagios and Icinga: 60).
    #[arg(short = 't', long, value_name = "SECONDS", default_value = "50", value_parser = seconds)]
    pub timeout: Duration,
    /// text (the plugin convention: a summary line, then a line per
    /// finding) or json (one object).
    #[arg(long, short, value_enum, default_value = "text")]
    pub output: CheckFormat,
    /// Judge only the jobs of this organization.
    #[arg(long, value_name = "ID")]
    pub organization: Option<Uuid>,
    /// How many requests may be in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// A scheduled, enabled job that has not run for longer than this is a WARNING (26h, 2d, 90m).
    #[arg(long, value_name = "AGE", default_value = "26h", value_parser = crate::time::age, help_heading = "Thresholds")]
    pub max_age: Duration,
    /// Free space, in per cent, that is a WARNING: 20 (or 20%) is below 20; or a plugin range (20:, @10:20).
    #[arg(long, value_name = "RANGE", default_value = "20", value_parser = crate::time::percent_range, help_heading = "Thresholds")]
    pub warn_free: Range,
    /// Free space, in per cent, that is CRITICAL: 10 is below 10; or a plugin range.
    #[arg(long, value_name = "RANGE", default_value = "10", value_parser = crate::time::percent_range, help_heading = "Thresholds")]
    pub crit_free: Range,
    /// Days left on the license that are a WARNING: 30 (or 30d) is below 30; or a plugin range.
    #[arg(long, value_name = "RANGE", default_value = "30", value_parser = crate::time::days_range, help_heading = "Thresholds")]
    pub license_warn: Range,
    /// Days left on the license that are CRITICAL: 7 is below 7; or a plugin range.
    #[arg(long, value_name = "RANGE", default_value = "7", value_parser = crate::time::days_range, help_heading = "Thresholds")]
    pub license_crit: Range,
    #[command(flatten)]
    pub server: ServerArgs,
}

/// How `vb365 check` prints its verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// The plugin convention: `VB365 STATE - problems | perfdata`, then a line per finding.
    Text,
    /// One JSON object: state, summary, findings, figures.
    Json,
}

/// `vb365 metrics`.
#[derive(Debug, Clone, Args)]
pub struct MetricsOptions {
    /// prometheus (text 0.0.4), openmetrics, or influx (line protocol).
    #[arg(long, value_enum, default_value = "prometheus")]
    pub format: crate::metrics::Format,
    /// How many requests may be in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    #[command(flatten)]
    pub connection: Connection,
}

/// `vb365 exporter`.
#[derive(Debug, Clone, Args)]
pub struct ExporterOptions {
    /// Where to listen, e.g. 127.0.0.1:9365 or 0.0.0.0:9365.
    #[arg(long, value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// The servers /probe?target=NAME reads (TOML; see the README); SIGHUP
    /// reads it again.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How many requests to one server may be in flight at once, however
    /// many scrapes of it run.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// How long a scrape may take when Prometheus does not say
    /// (X-Prometheus-Scrape-Timeout-Seconds).
    #[arg(long, value_name = "AGE", default_value = "10s", value_parser = crate::time::age)]
    pub scrape_timeout: Duration,
    /// TLS and basic authentication, in the YAML of Prometheus's
    /// exporter-toolkit (the file node_exporter takes); SIGHUP reads it again.
    #[arg(long = "web.config.file", value_name = "FILE")]
    pub web_config: Option<PathBuf>,
    /// How the log on standard error is written.
    #[arg(long = "log.format", value_enum, default_value = "logfmt")]
    pub log_format: crate::exporter::LogFormat,
    /// The least a log line must be worth to be written.
    #[arg(long = "log.level", value_enum, default_value = "info")]
    pub log_level: crate::exporter::LogLevel,
    /// The server /metrics reads; without --url, /metrics has the exporter's own figures only.
    #[command(flatten)]
    pub connection: Connection,
}

/// `vb365 simulate`.
#[derive(Debug, Args)]
pub struct Simulate {
    /// json: the first line is one JSON object (URL, credentials, seeded
    /// IDs) for a script; table: the same for people [default: table on a
    /// terminal, json otherwise].
    #[arg(long, short, value_enum)]
    pub output: Option<SimulateFormat>,
    /// Listen on this port of 127.0.0.1 [default: a free one].
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The API versions to serve: some of 1, 6 and 8.
    #[arg(long, value_delimiter = ',', default_values_t = [ApiVersion::V1, ApiVersion::V6, ApiVersion::V8])]
    pub versions: Vec<ApiVersion>,
    /// Misbehave: STATUS[:RETRY_AFTER] (503, 429:5), drop, malformed, stall
    /// or delay:MILLISECONDS, then @OPERATION to aim it and *N to repeat
    /// it, e.g. 503@list_organizations*2. May be given several times.
    #[arg(long, value_name = "FAULT")]
    pub fault: Vec<String>,
    /// Write this time wherever the simulator writes "now" (RFC 3339), so
    /// that its answers are the same on every run.
    #[arg(long, value_name = "TIME")]
    pub frozen_time: Option<vb365::DateTime>,
    /// How many items the seeded job selects (v6, v8).
    #[arg(long, default_value_t = 25)]
    pub job_items: usize,
    /// How many mailboxes the seeded job processes (v1).
    #[arg(long, default_value_t = 250)]
    pub mailboxes: usize,
    /// The most items a page holds, whatever a request asks for.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_page_size: u32,
    /// Seconds a job started through the API runs before it succeeds.
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = seconds)]
    pub job_duration: Duration,
}

/// How `vb365 simulate` says where it listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    /// One JSON object on the first line.
    Json,
    /// Lines for people.
    Table,
}

/// A size: bytes, or a number with KiB, MiB or GiB.
pub fn size(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| format!("`{text}` is not a size (5GiB, 1073741824)"))?;
    let scale: i64 = match unit.trim() {
        "" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        other => return Err(format!("`{other}` is not a unit of size: KiB, MiB or GiB")),
    };
    number.checked_mul(scale).ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap checks a command line's definition only when it is built whole
    /// (a usage error that suggests another option builds it): check it here.
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_are_bytes_or_binary_units() {
        assert_eq!(size("1073741824"), Ok(1 << 30));
        assert_eq!(size("5GiB"), Ok(5 << 30));
        assert_eq!(size("512 MiB"), Ok(512 << 20));
        for wrong in ["", "GiB", "5GB", "-1", "1.5GiB", "99999999999999GiB"] {
            assert!(size(wrong).is_err(), "{wrong}");
        }
    }
}
