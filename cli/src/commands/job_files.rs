//! `vb365 jobs plan` and `vb365 jobs apply`: job files (YAML) read with
//! the line of every value, planned by the library, printed one line a
//! change, and applied organization by organization.

use std::collections::HashMap;
use std::path::PathBuf;

use futures::StreamExt;
use vb365::Client;
use vb365::declarative::{Document, JobsSpec, Plan, PlanError, PlanOptions};

use crate::args::PlanArgs;
use crate::confirm::confirm;
use crate::failure::{Exit, Failure};
use crate::output::Output;

/// The help's description of job files.
pub const JOB_FILES: &str = "\
A job file states the jobs one organization should have:

  organization: contoso.onmicrosoft.com
  jobs:
    - name: Contoso Exchange
      repository: Repo 1
      enabled: true                  # left as the server has it when absent
      schedule: daily 22:00          # or workdays 06:30, periodically 1h, manual
      description: Mailboxes of Contoso
      select:                        # or: select: entire-organization
        - user: alice@contoso.com    # processes everything it has but team chats
        - user: bob@contoso.com
          process: [mailbox, archive]
        - group: Finance
          process: [members]
        - site: https://contoso.sharepoint.com/sites/hr
        - team: Sales
      exclude:
        - user: ceo@contoso.com

Parts: mailbox, archive, onedrive, sites, members, teams-chats. Names resolve
through the organization's directory (users by sign-in or display name,
groups and teams by name, sites by URL); every name, key and repository is
checked before anything is written. A job the organization has and no file
names is left alone, unless --prune.";

/// The files of `paths`: each file, and each folder's *.yaml and *.yml in
/// name order.
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Failure::usage(format!("{}: a folder without job files (*.yaml, *.yml)", path.display())));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Read job files, and where each value of each is.
struct Files {
    documents: Vec<Document>,
    lines: HashMap<String, vb365_yaml::Lines>,
}

impl Files {
    fn read(paths: &[PathBuf]) -> Result<Self, Failure> {
        let mut read = Self { documents: Vec::new(), lines: HashMap::new() };
        for path in files(paths)? {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| Failure::usage(format!("{name}: {e}")))?;
            let (value, lines) =
                vb365_yaml::parse_with_lines(&text).map_err(|e| Failure::usage(format!("{name}: {e}")))?;
            read.lines.insert(name.clone(), lines);
            let spec = JobsSpec::from_value(value).map_err(|e| read.at(&name, &e.pointer, &e.message))?;
            read.documents.push(Document { file: name, spec });
        }
        Ok(read)
    }

    /// A problem at `pointer` of `file`: `FILE:LINE: `key`: message`.
    fn at(&self, file: &str, pointer: &str, message: &str) -> Failure {
        let line = self.lines.get(file).and_then(|l| l.line(pointer)).map_or_else(String::new, |l| format!(":{l}"));
        let key = pointer.rsplit('/').next().filter(|k| !k.is_empty() && k.parse::<usize>().is_err());
        let key = key.map_or_else(String::new, |k| format!(" `{k}`:"));
        Failure::usage(format!("{file}{line}:{key} {message}"))
    }

    async fn plan(&self, client: &Client, args: &PlanArgs) -> Result<Plan, Failure> {
        let mut options = PlanOptions::default();
        (options.prune, options.concurrency) = (args.prune, args.concurrency as usize);
        client.plan(&self.documents, options).await.map_err(|e| match e {
            PlanError::Invalid { file, pointer, message } => self.at(&file, &pointer, &message),
            PlanError::Server(error) => Failure::from(error),
            other => Failure { exit: Exit::Refused, message: other.to_string() },
        })
    }
}

/// The plan as people read it: each organization's changes, then a summary.
fn text(plan: &Plan) -> String {
    let mut text = String::new();
    for organization in plan.organizations.iter().filter(|o| !o.actions.is_empty()) {
        text.push_str(&format!("{} ({}):\n", organization.organization, organization.file));
        for action in &organization.actions {
            for line in action.text().lines() {
                text.push_str(&format!("  {line}\n"));
            }
        }
    }
    if plan.is_empty() {
        text.push_str("No changes: every job is as the files say.\n");
    } else {
        text.push_str(&format!("Plan: {}.\n", plan.summary()));
    }
    text
}

fn show(plan: &Plan, output: &mut Output) -> Result<(), Failure> {
    if output.wants_json() {
        return output.value(json(plan)?);
    }
    print(&text(plan))
}

/// The plan as JSON, each action with its line of text, and whether
/// anything would change.
fn json(plan: &Plan) -> Result<serde_json::Value, Failure> {
    let mut value = serde_json::to_value(plan).map_err(Failure::json_output)?;
    for (o, organization) in plan.organizations.iter().enumerate() {
        for (a, action) in organization.actions.iter().enumerate() {
            value["organizations"][o]["actions"][a]["text"] = serde_json::Value::String(action.text());
        }
    }
    value["changes"] = serde_json::Value::Bool(!plan.is_empty());
    Ok(value)
}

fn print(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(Failure::output)
}

/// `vb365 jobs plan`: 0 when nothing would change, 2 (with
/// `--detailed-exitcode`) when something would; every error is 1.
pub(super) async fn plan(client: &Client, args: PlanArgs, detailed: bool, output: &mut Output) -> Result<u8, Failure> {
    let files = Files::read(&args.files).map_err(as_error)?;
    let plan = files.plan(client, &args).await.map_err(as_error)?;
    show(&plan, output).map_err(as_error)?;
    Ok(if detailed && !plan.is_empty() { 2 } else { 0 })
}

/// `vb365 jobs apply`: plans, shows the plan, asks, and makes the changes,
/// organizations `--concurrency` at a time. Every error is 1.
pub(super) async fn apply(client: &Client, args: PlanArgs, yes: bool, output: &mut Output) -> Result<u8, Failure> {
    let files = Files::read(&args.files).map_err(as_error)?;
    let plan = files.plan(client, &args).await.map_err(as_error)?;
    if plan.is_empty() {
        show(&plan, output).map_err(as_error)?;
        return Ok(0);
    }
    if !output.wants_json() {
        print(&text(&plan)).map_err(as_error)?;
    }
    let (_, _, delete, _) = plan.counts();
    let deletes = if delete > 0 { format!(", deleting {delete} jobs (their backups stay)") } else { String::new() };
    confirm(&format!("Apply these changes{deletes}?"), yes).map_err(as_error)?;
    let work =
        plan.organizations.iter().map(|organization| async move { (organization, client.apply(organization).await) });
    let results: Vec<_> = futures::stream::iter(work).buffered(args.concurrency as usize).collect().await;
    let mut failed = None;
    let mut report = Vec::new();
    for (organization, result) in results {
        match result {
            Ok(requests) => report.push(serde_json::json!({
                "organization": organization.organization, "file": organization.file,
                "changes": organization.actions.len(), "requests": requests,
            })),
            Err(error) => {
                let message = format!("{} ({}): {error}", organization.organization, organization.file);
                failed.get_or_insert(message.clone());
                report.push(serde_json::json!({"organization": organization.organization, "error": message}));
            }
        }
    }
    if output.wants_json() {
        output.value(serde_json::json!({"plan": json(&plan)?, "applied": report})).map_err(as_error)?;
    } else {
        let (create, change, delete, items) = plan.counts();
        let done = format!("Applied: {create} created, {change} changed, {delete} deleted ({items} item changes).\n");
        print(if failed.is_none() { &done } else { "" }).map_err(as_error)?;
    }
    match failed {
        None => Ok(0),
        Some(message) => Err(Failure { exit: Exit::Refused, message }),
    }
}

/// Plan and apply answer 1 for every error, so that 2 means "changes".
fn as_error(mut failure: Failure) -> Failure {
    if failure.exit == Exit::Usage {
        failure.exit = Exit::Refused;
    }
    failure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_gives_its_yaml_files_in_order() {
        let dir = std::env::temp_dir().join(format!("vb365-job-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["b.yaml", "a.yml", "notes.txt"] {
            std::fs::write(dir.join(name), "").unwrap();
        }
        let found = files(std::slice::from_ref(&dir)).unwrap();
        let names: Vec<_> = found.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.yml", "b.yaml"]);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(files(&[PathBuf::from("/nonexistent-dir-vb365")]).is_ok(), "a path that is no folder is a file");
    }
}
